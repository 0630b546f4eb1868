"""The data as one validated whole: :class:`Dataset` (select, as of a date), validation, caches, periods."""
from .dataset import Dataset, check_dataset, status_as_of
from .validate import Validated, validate_tables

__all__ = ["Dataset", "Validated", "check_dataset", "status_as_of", "validate_tables"]
