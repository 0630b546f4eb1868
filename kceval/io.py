"""Reading input files: the only module of kceval that reads files.

Canonical tables (``plans``, ``projects``, ``events``, ``payments`` as CSV or Parquet in one
folder) are read directly. Messy provincial spreadsheets are handled by the importer
(see :func:`read_dataset`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .errors import DataError, ParameterError, Problem
from .schema import TABLES, coerce_table

DATE_COLUMNS = {
    "plans": (),
    "projects": ("approved_on", "planned_end", "finished_on", "accepted_on", "stopped_on"),
    "events": ("date", "new_planned_end"),
    "payments": ("date",),
}


@dataclass
class Loaded:
    """What the reader found: canonical tables, where each row came from, problems, file hashes."""

    tables: dict[str, pd.DataFrame]
    origins: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _find_table(folder: Path, table: str) -> Path | None:
    for ext in (".parquet", ".csv"):
        p = folder / f"{table}{ext}"
        if p.exists():
            return p
    return None


def read_canonical_table(path: str | Path, table: str) -> pd.DataFrame:
    """Read one canonical table written by kceval (CSV or Parquet), with canonical dtypes."""
    path = Path(path)
    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
    else:
        df = pd.read_csv(path, dtype={"project_id": str, "province": str, "title": str, "note": str},
                         keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    for c in DATE_COLUMNS[table]:
        if c in df.columns:
            df[c] = pd.to_datetime(df[c], format="%Y-%m-%d", errors="coerce")
    for c in ("revised_vnd", "counterpart_vnd", "output_count", "new_support_vnd"):
        if c in df.columns:
            df[c] = pd.array(df[c], dtype="Int64") if df[c].dtype.kind in "iuf" or df[c].isna().all() else df[c]
    for c in ("pilot", "group"):
        if c in df.columns and df[c].dtype == object:
            df[c] = df[c].map({"True": True, "False": False, "true": True, "false": False, "1": True, "0": False}).fillna(df[c])
    return coerce_table(table, df)


def read_dataset(path: str | Path | Sequence[str | Path], *, money_unit: str | None = None, as_of=None) -> Loaded:
    """Read a folder of canonical tables (CSV or Parquet).

    Parameters
    ----------
    path : path
        Folder holding ``plans``, ``projects``, ``events`` and ``payments`` (``.csv`` or ``.parquet``).
    """
    if isinstance(path, (list, tuple)):
        if len(path) != 1:
            raise ParameterError("`path` must be one folder of canonical tables")
        path = path[0]
    folder = Path(path)
    if not folder.exists():
        raise ParameterError(f"`data` path does not exist: {str(folder)!r}")
    tables, origins, files = {}, {}, {}
    problems: list[Problem] = []
    for t in TABLES:
        p = _find_table(folder, t)
        if p is None:
            problems.append(Problem("error", str(folder / f"{t}.csv"), None, None, None, None,
                                    f"the {t} table is missing", f"put {t}.csv or {t}.parquet in {folder}"))
            continue
        df = read_canonical_table(p, t)
        tables[t] = df
        origins[t] = pd.DataFrame({"file": str(p), "sheet": None, "row": np.arange(len(df)) + 2}, index=df.index)
        files[str(p)] = file_hash(p)
    if any(p.severity == "error" for p in problems) and not tables:
        raise DataError(problems, f"no canonical tables found in {folder}")
    synthetic = (folder / "SYNTHETIC").exists()
    return Loaded(tables, origins, problems, files, synthetic=synthetic)
