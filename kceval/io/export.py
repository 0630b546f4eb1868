"""Writing canonical tables: deterministic CSV or Parquet, atomically.

The same tables always give byte-identical files (sorted rows, fixed formats), which is what
makes the sample reproducible and ``kceval import`` output comparable between runs.
"""
from __future__ import annotations

import io as _io
from pathlib import Path

import pandas as pd

from ..checks import check_choice
from ..errors import ParameterError
from ..paths import write_atomic
from ..schema import SORT_KEYS, TABLES, coerce_table, columns, empty


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path, *, format: str = "csv") -> list[Path]:
    """Write canonical tables to ``out_dir`` atomically and deterministically.

    Each table is written to a temporary file in the same folder and moved into place with
    ``os.replace``. CSV is UTF-8 without BOM, ``\\n`` line endings, no index, dates as
    YYYY-MM-DD, rows sorted (plans by year, province, source; projects by project_id; events
    by project_id, date, kind; payments by project_id, date, amount), so the same tables give
    byte-identical files. Only canonical columns are written; missing tables are written empty.

    Examples
    --------
    >>> import tempfile
    >>> from kceval.schema import empty
    >>> [p.name for p in write_tables({"plans": empty("plans")}, tempfile.mkdtemp())]
    ['plans.csv', 'projects.csv', 'events.csv', 'payments.csv']
    """
    check_choice("format", format, ["csv", "parquet"])
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ParameterError(f"`tables` keys must be {', '.join(TABLES)}; received {sorted(unknown)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for t in TABLES:
        df = coerce_table(t, tables[t]) if t in tables else empty(t)
        missing = [c for c in columns(t) if c not in df.columns]
        if missing:
            raise ParameterError(f"`tables[{t!r}]` must have the columns {', '.join(columns(t))}; missing {missing}")
        df = df[columns(t)].sort_values(SORT_KEYS[t], kind="mergesort").reset_index(drop=True)
        path = out / f"{t}.{format}"
        if format == "csv":
            data = df.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d").encode("utf-8")
        else:
            buf = _io.BytesIO()
            df.to_parquet(buf, index=False)
            data = buf.getvalue()
        write_atomic(path, data)
        written.append(path)
    return written
