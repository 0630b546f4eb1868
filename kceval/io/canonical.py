"""Canonical tables as kceval writes them: one folder of ``plans``, ``projects``, ``events``
and ``payments`` as CSV or Parquet, read with canonical dtypes, and :class:`Loaded`, what every
reader returns.
"""
from __future__ import annotations

import io as _io
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..paths import file_sha256
from ..schema import TABLES, coerce_table
from .cells import parse_cells
from .csvsafe import restore_frame
from .dates import parse_date
from .textfile import decode_text, sniff_delimiter

DATE_COLUMNS = {
    "plans": (),
    "projects": ("approved_on", "planned_end", "finished_on", "accepted_on", "stopped_on"),
    "events": ("date", "new_planned_end"),
    "payments": ("date",),
}


@dataclass
class Loaded:
    """What the reader found: canonical tables, where each row came from, problems, file hashes.

    ``origins[table]`` has one row per table row (same index): ``file``, ``sheet``, ``row`` (as
    the user sees it) and, for imported sheets, ``header:<column>`` (the user's header).
    ``notes`` say what was assumed or skipped; ``excluded`` counts rows left out, by reason.
    """

    tables: dict[str, pd.DataFrame]
    origins: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    excluded: Counter = field(default_factory=Counter)  # reason -> rows left out before validation
    explanation: str = ""  # what was found in each messy sheet (kceval import --explain)


def _find_table(folder: Path, table: str) -> Path | None:
    for ext in (".parquet", ".csv"):
        p = folder / f"{table}{ext}"
        if p.exists():
            return p
    return None


def read_canonical_table(path: str | Path, table: str) -> pd.DataFrame:
    """Read one canonical table written by kceval (CSV or Parquet), with canonical dtypes.

    Raises :class:`~kceval.errors.DataError` when the file cannot be read at all; cell
    problems (a date that is not a date) are in the problems of :func:`kceval.io.read.read_dataset`.
    """
    df, problems = _read_canonical(Path(path), table)
    if df is None:
        raise DataError(problems)
    return df


def _read_canonical(path: Path, table: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        if path.suffix == ".parquet":
            df = pd.read_parquet(path)
        else:
            data = path.read_bytes()
            try:  # the common case: UTF-8 written by kceval
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:  # re-saved by Excel in a Windows code page
                text, _ = decode_text(data)
            df = pd.read_csv(_io.StringIO(text), sep=sniff_delimiter(text[:20000]),
                             dtype={"project_id": str, "province": str, "title": str, "note": str},
                             keep_default_na=False, na_values=[""])
            restore_frame(df)  # the quote kceval puts before formula-like text (csvsafe)
        for c in df.columns:  # NFD text (macOS, some editors) compares equal to the NFC names of geo
            if df[c].dtype == object:
                df[c] = df[c].map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
    except Exception as exc:  # noqa: BLE001 - pandas/pyarrow raise many types for a damaged file
        return None, [Problem("error", str(path), None, None, None, None,
                              f"the {table} table cannot be read ({type(exc).__name__}: {str(exc)[:120]})",
                              "write it again with `kceval import` or kceval.export.write_tables")]
    for c in DATE_COLUMNS[table]:
        if c in df.columns:
            raw = df[c]
            df[c] = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
            odd = raw.notna() & df[c].isna()
            if odd.any():  # e.g. dd/mm/yyyy after a round trip through Excel: read it, else report it
                vals, errs = parse_cells(raw[odd], parse_date)
                df.loc[odd, c] = pd.to_datetime(vals)
                for i in errs.index:
                    problems.append(Problem("error", str(path), None, int(i) + 2, c, raw[i], errs[i].message,
                                            "write dates as YYYY-MM-DD"))
    for c in ("revised_vnd", "counterpart_vnd", "output_count", "new_support_vnd"):
        if c in df.columns:
            df[c] = pd.array(df[c], dtype="Int64") if df[c].dtype.kind in "iuf" or df[c].isna().all() else df[c]
    for c in ("pilot", "group"):
        if c in df.columns and df[c].dtype == object:
            df[c] = (
                df[c]
                .map({"True": True, "False": False, "true": True, "false": False, "1": True, "0": False})
                .fillna(df[c])
            )
    return coerce_table(table, df), problems


def is_canonical_folder(folder: Path) -> bool:
    return any((folder / f"{t}{ext}").exists() for t in TABLES for ext in (".csv", ".parquet"))


def read_canonical_folder(folder: Path) -> Loaded:
    tables, origins, files = {}, {}, {}
    problems: list[Problem] = []
    for t in TABLES:
        p = _find_table(folder, t)
        if p is None:
            problems.append(Problem("error", str(folder / f"{t}.csv"), None, None, None, None,
                                    f"the {t} table is missing", f"put {t}.csv or {t}.parquet in {folder}"))
            continue
        files[str(p)] = file_sha256(p)
        df, probs = _read_canonical(p, t)
        problems += probs
        if df is None:
            continue
        tables[t] = df
        origins[t] = pd.DataFrame({"file": str(p), "sheet": None, "row": np.arange(len(df)) + 2}, index=df.index)
    if any(p.severity == "error" for p in problems) and not tables:
        raise DataError(problems, f"no canonical tables found in {folder}")
    return Loaded(tables, origins, problems, files, synthetic=(folder / "SYNTHETIC").exists())


