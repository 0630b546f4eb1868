"""Writing canonical tables: deterministic CSV or Parquet, atomically.

The same tables always give byte-identical files (sorted rows, fixed formats), which is what
makes the sample reproducible and ``kceval import`` output comparable between runs.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    written = []
    for t in TABLES:
        df = coerce_table(t, tables[t], copy=False) if t in tables else empty(t)  # read only: no copy
        missing = [c for c in columns(t) if c not in df.columns]
        if missing:
            raise ParameterError(f"`tables[{t!r}]` must have the columns {', '.join(columns(t))}; missing {missing}")
        path = out / f"{t}.{format}"
        df = df if list(df.columns) == columns(t) else df[columns(t)]
        write_atomic(path, partial(_write, _in_order(df, SORT_KEYS[t]), format))
        written.append(path)
    return written


def _in_order(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The rows in file order: a table already in that order (most imported sheets) is not copied again."""
    if len(keys) == 1 and df[keys[0]].notna().all() and _ascending(df[keys[0]]):
        return df.set_axis(pd.RangeIndex(len(df)), copy=False)
    return df.sort_values(keys, kind="mergesort", ignore_index=True)


def _ascending(s: pd.Series) -> bool:
    """Whether ``s`` never decreases; Arrow text is compared in Arrow (pandas would make a Python string a cell)."""
    if isinstance(s.dtype, pd.StringDtype) and len(s) > 1:
        a = pa.array(s.array)
        return bool(pc.all(pc.less_equal(a.slice(0, len(a) - 1), a.slice(1))).as_py())
    return bool(s.is_monotonic_increasing)


def _write(df: pd.DataFrame, format: str, f: BinaryIO) -> None:
    """A table streamed to an open file: never held whole as text (a million rows are 400 MB as a Python str)."""
    if format == "csv":  # text that Excel would run as a formula is quoted (csvsafe), read back losslessly
        neutralise_frame(df).to_csv(f, index=False, lineterminator="\n", date_format="%Y-%m-%d", encoding="utf-8")
    else:
        df.to_parquet(f, index=False)


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
