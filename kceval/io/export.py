"""Writing canonical tables: deterministic CSV or Parquet, atomically.

The same tables always give byte-identical files (sorted rows, fixed formats), which is what
makes the sample reproducible and ``kceval import`` output comparable between runs.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..checks import check_choice
from ..errors import ParameterError, Problem
from ..paths import write_atomic
from ..schema import SORT_KEYS, TABLES, coerce_table, columns, empty
from .csvsafe import neutralise_frame


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path, *, format: str = "csv") -> list[Path]:
    """Write canonical tables to ``out_dir`` atomically and deterministically.

    Each table is written to a temporary file in the same folder and moved into place with
    ``os.replace``. CSV is UTF-8 without BOM, ``\\n`` line endings, no index, dates as
    YYYY-MM-DD, rows sorted (plans by year, province, source; projects by project_id; events
    by project_id, date, kind; payments by project_id, date, amount), so the same tables give
    byte-identical files. Text that a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``,
    ``@…``) is written with a leading single quote (:mod:`kceval.io.csvsafe`); kceval reads it back
    without the quote. Only canonical columns are written; missing tables are written empty.

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
    frames = {}
    for t in TABLES:
        df = coerce_table(t, tables[t], copy=False) if t in tables else empty(t)  # read only: no copy
        missing = [c for c in columns(t) if c not in df.columns]
        if missing:
            raise ParameterError(f"`tables[{t!r}]` must have the columns {', '.join(columns(t))}; missing {missing}")
        frames[t] = df if list(df.columns) == columns(t) else df[columns(t)]
    paths = {t: out / f"{t}.{format}" for t in TABLES}

    def write(t: str) -> Path:
        return write_atomic(paths[t], partial(_write, frames[t], SORT_KEYS[t], format))

    if format == "parquet":
        # Arrow sorts, converts and compresses without holding the GIL: two tables at a time use both cores (the
        # payments, the largest, take about as long as the other three)
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(write, sorted(TABLES, key=lambda t: -len(frames[t]))))
    else:  # CSV is written by pandas, holding the GIL: in this thread (another thread's allocator raised the peak)
        for t in TABLES:
            write(t)
    return list(paths.values())


def _in_order(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The rows in file order (for CSV): a table already in that order (most imported sheets) is not copied."""
    order = _order(df, keys)
    return (df if order is None else df.take(order)).set_axis(pd.RangeIndex(len(df)), copy=False)


def _order(df: pd.DataFrame, keys: list[str], arrow: pa.Table | None = None) -> np.ndarray | None:
    """The row positions of ``df`` sorted by ``keys`` as ``sort_values(keys, kind="mergesort")`` sorts them (stable,
    empty cells last), or None when the rows are in that order already.

    Arrow's ``sort_indices`` is a stable sort with empty cells last, and compares text in UTF-8 byte order, which is
    Python's order of code points: pandas' order, without making a categorical of Python strings of every key (4 s
    for the payments of a million projects). ``arrow``: ``df`` as an Arrow table, if at hand. A categorical key
    (pandas orders its categories, not their text) or one Arrow cannot hold (mixed types) is sorted by pandas.
    """
    if len(keys) == 1 and df[keys[0]].notna().all() and _ascending(df[keys[0]]):
        return None  # most imported sheets: checked without sorting (no index array the size of the table)
    try:
        if any(isinstance(df[k].dtype, pd.CategoricalDtype) for k in keys):
            raise TypeError("categorical sort key")
        tab = (arrow if arrow is not None else pa.Table.from_pandas(df[keys], preserve_index=False)).select(keys)
        order = pc.sort_indices(tab, sort_keys=[(k, "ascending") for k in keys]).to_numpy()
    except (TypeError, ValueError, pa.ArrowException):
        order = df.reset_index(drop=True).sort_values(keys, kind="mergesort").index.to_numpy()
    return None if np.array_equal(order, np.arange(len(df))) else order


def _ascending(s: pd.Series) -> bool:
    """Whether ``s`` never decreases; Arrow text is compared in Arrow (pandas would make a Python string a cell)."""
    if isinstance(s.dtype, pd.StringDtype) and len(s) > 1:
        a = pa.array(s.array)
        return bool(pc.all(pc.less_equal(a.slice(0, len(a) - 1), a.slice(1))).as_py())
    return bool(s.is_monotonic_increasing)


def _write(df: pd.DataFrame, keys: list[str], format: str, f: BinaryIO) -> None:
    """A table streamed to an open file in file order: never held whole as text (a million rows are 400 MB as a
    Python str); Parquet is sorted in Arrow, after the one conversion it needs anyway."""
    if format == "csv":  # text that Excel would run as a formula is quoted (csvsafe), read back losslessly
        df = _in_order(df, keys)
        neutralise_frame(df).to_csv(f, index=False, lineterminator="\n", date_format="%Y-%m-%d", encoding="utf-8")
    else:
        tab = pa.Table.from_pandas(df, preserve_index=False)  # as pandas' to_parquet builds it
        order = _order(df, keys, tab)
        pq.write_table(tab if order is None else tab.take(order), f, compression="snappy")


def write_rejected(problems: list[Problem], out_dir: str | Path) -> Path:
    """Write ``rejected.csv``: every row left out because of an error, with its file, sheet, row and reasons.

    A row with several errors is one line, its reasons joined with " | "; an error about a
    whole sheet or file (no row) is a line with an empty row. Written atomically.

    Examples
    --------
    >>> import tempfile
    >>> p = write_rejected([Problem("error", "a.csv", None, 3, "Tình trạng", "x", "unknown status")],
    ...                    tempfile.mkdtemp())
    >>> p.read_text(encoding="utf-8").splitlines()[1]
    'a.csv,,3,Tình trạng: unknown status'
    """
    rows: dict[tuple[str, str, object], list[str]] = {}
    for p in problems:
        if p.severity != "error":
            continue
        key = (p.file, p.sheet or "", p.row if p.row is not None else "")
        rows.setdefault(key, []).append((f"{p.column}: " if p.column else "") + p.message)
    df = pd.DataFrame([(f, s, r, " | ".join(dict.fromkeys(m))) for (f, s, r), m in rows.items()],
                      columns=["file", "sheet", "row", "reasons"])
    path = Path(out_dir) / "rejected.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, neutralise_frame(df).to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return path
