"""Input files in, canonical tables out: the only readers of data files and writers of canonical tables."""
from .canonical import Loaded, read_canonical_table
from .export import write_rejected, write_tables
from .read import import_summary, read_dataset

__all__ = ["Loaded", "import_summary", "read_canonical_table", "read_dataset", "write_rejected", "write_tables"]
