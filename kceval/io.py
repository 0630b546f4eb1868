"""Reading files: the only module of kceval that reads input files.

Canonical tables (``plans``, ``projects``, ``events``, ``payments`` as CSV or Parquet in one
folder) are read directly. Messy provincial spreadsheets (CSV in UTF-8, UTF-8 with BOM,
Windows-1258 or Windows-1252; Excel ``.xlsx``; Parquet) are read into grids of cells here and
turned into canonical rows by :mod:`kceval.importer` (Vietnamese headers, units, numbers,
dates are parsed by :mod:`kceval.vnparse`, words by :mod:`kceval.vnwords`).
Writing canonical tables is :mod:`kceval.export`.
"""
from __future__ import annotations

import csv
import hashlib
import io as _io
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .errors import DataError, ParameterError, Problem, check_choice
from .importer import Grid, Part, import_grid, parse_cells
from .schema import SOURCES, TABLES, coerce_table, empty
from .textfile import decode_text, sniff_delimiter
from .vnparse import MONEY_UNITS, fold, parse_date

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
    """Read one canonical table written by kceval (CSV or Parquet), with canonical dtypes.

    Raises :class:`~kceval.errors.DataError` when the file cannot be read at all; cell
    problems (a date that is not a date) are in the problems of :func:`read_dataset`.
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
                df.loc[odd, c] = pd.to_datetime(vals.where(errs.isna()))
                for i in errs.index[errs.notna().to_numpy()]:
                    problems.append(Problem("error", str(path), None, int(i) + 2, c, raw[i], errs[i].message,
                                            "write dates as YYYY-MM-DD"))
    for c in ("revised_vnd", "counterpart_vnd", "output_count", "new_support_vnd"):
        if c in df.columns:
            df[c] = pd.array(df[c], dtype="Int64") if df[c].dtype.kind in "iuf" or df[c].isna().all() else df[c]
    for c in ("pilot", "group"):
        if c in df.columns and df[c].dtype == object:
            df[c] = df[c].map({"True": True, "False": False, "true": True, "false": False, "1": True, "0": False}).fillna(df[c])
    return coerce_table(table, df), problems


# -- messy files: bytes and cells --------------------------------------------------------------
MESSY_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet", ".xls")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text, keep_spaces=True)).strip("-") or "sheet"


def _csv_grid(path: Path, notes: list[str]) -> Grid:
    text, enc = decode_text(path.read_bytes())
    notes.append(f"{path}: read as {enc}")
    delim = sniff_delimiter(text)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delim)
    rows, nums, prev = [], [], 0
    for r in reader:  # line_num gives the editor's line of each record (quoted newlines included)
        nums.append(prev + 1)
        prev = reader.line_num
        rows.append(r)
    return Grid(str(path), None, rows, nums, _slug(path.stem))


def _xlsx_grids(path: Path) -> list[Grid]:
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)  # not read_only: merged cells read as empty
    grids = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        prefix = _slug(path.stem) if len(wb.worksheets) == 1 else f"{_slug(path.stem)}-{_slug(ws.title)}"
        grids.append(Grid(str(path), ws.title, rows, list(range(1, len(rows) + 1)), prefix))
    return grids


def _parquet_grid(path: Path) -> Grid:
    df = pd.read_parquet(path)
    rows = [[str(c) for c in df.columns]] + df.astype(object).to_numpy().tolist()
    return Grid(str(path), None, rows, list(range(1, len(rows) + 1)), _slug(path.stem))


def _read_messy(path: Path, money_unit, as_of, source) -> tuple[list[Part], list[Problem], list[str]]:
    """Every sheet of one messy file imported; unreadable files become problems."""
    notes: list[str] = []
    suffix = path.suffix.lower()

    def fail(msg, hint):
        return [], [Problem("error", str(path), None, None, None, None, msg, hint)], notes

    if suffix == ".xls":
        return fail("old Excel files (.xls) are not supported",
                    "open the file in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)")
    if suffix not in MESSY_SUFFIXES:
        return fail(f"unsupported file type {suffix or '(none)'!r}",
                    "give a .csv, .xlsx or .parquet file (or a folder of canonical tables)")
    try:
        if suffix == ".csv":
            grids = [_csv_grid(path, notes)]
        elif suffix in (".xlsx", ".xlsm"):
            grids = _xlsx_grids(path)
        else:
            grids = [_parquet_grid(path)]
    except UnicodeDecodeError:
        return fail("the file is not text in UTF-8, Windows-1258 or Windows-1252", "save it as CSV UTF-8")
    except Exception as exc:  # noqa: BLE001 - openpyxl/pyarrow raise many types for a damaged file
        kind = {".csv": "CSV", ".parquet": "Parquet"}.get(suffix, "Excel .xlsx")
        return fail(f"the file cannot be read as {kind} ({type(exc).__name__}: {str(exc)[:120]})",
                    "the file is damaged or not what its extension says; open it and save it again")
    parts = []
    for g in grids:
        try:
            parts.append(import_grid(g, money_unit=money_unit, as_of=as_of, source=source))
        except Exception as exc:  # noqa: BLE001 - a bug must not hide the other files' problems
            parts.append(Part(problems=[Problem("error", g.file, g.sheet, None, None, None,
                                                f"the sheet could not be imported ({type(exc).__name__}: {exc})",
                                                "please report this with the file to the kceval maintainers")]))
    if len(parts) > 1 and any(p.tables for p in parts):
        # in a workbook with usable sheets, an empty or unrecognised sheet (notes, charts) is only a warning
        for p in parts:
            if not p.tables:
                p.problems = [replace(q, severity="warning", message=q.message + "; sheet skipped")
                              if q.severity == "error" else q for q in p.problems]
    return parts, [], notes


def _combine(parts: list[Part]) -> tuple[dict, dict]:
    tables, origins = {}, {}
    for t in TABLES:
        frames = [p.tables[t] for p in parts if t in p.tables and len(p.tables[t])]
        origs = [p.origins[t] for p in parts if t in p.tables and len(p.tables[t])]
        if frames:
            tables[t] = coerce_table(t, pd.concat(frames, ignore_index=True))
            origins[t] = pd.concat(origs, ignore_index=True)
        else:
            tables[t] = empty(t)
            origins[t] = pd.DataFrame({"file": pd.Series(dtype=object), "sheet": pd.Series(dtype=object),
                                       "row": pd.Series(dtype="int64")})
    return tables, origins


def _is_canonical_folder(folder: Path) -> bool:
    return any((folder / f"{t}{ext}").exists() for t in TABLES for ext in (".csv", ".parquet"))


def _read_canonical_folder(folder: Path) -> Loaded:
    tables, origins, files = {}, {}, {}
    problems: list[Problem] = []
    for t in TABLES:
        p = _find_table(folder, t)
        if p is None:
            problems.append(Problem("error", str(folder / f"{t}.csv"), None, None, None, None,
                                    f"the {t} table is missing", f"put {t}.csv or {t}.parquet in {folder}"))
            continue
        files[str(p)] = file_hash(p)
        df, probs = _read_canonical(p, t)
        problems += probs
        if df is None:
            continue
        tables[t] = df
        origins[t] = pd.DataFrame({"file": str(p), "sheet": None, "row": np.arange(len(df)) + 2}, index=df.index)
    if any(p.severity == "error" for p in problems) and not tables:
        raise DataError(problems, f"no canonical tables found in {folder}")
    return Loaded(tables, origins, problems, files, synthetic=(folder / "SYNTHETIC").exists())


def read_dataset(path: str | Path | Sequence[str | Path], *, money_unit: str | None = None, as_of=None,
                 source: str | None = None) -> Loaded:
    """Read canonical tables, or messy provincial files combined into canonical tables.

    Parameters
    ----------
    path : path or list of paths
        A folder of canonical tables (``plans``/``projects``/``events``/``payments`` as
        ``.csv`` or ``.parquet``); or messy ``.csv`` / ``.xlsx`` / ``.parquet`` files, or folders
        holding them. Everything given is combined.
    money_unit : {'dong', 'nghin', 'trieu', 'ty'}, optional
        Unit of money columns whose header and title state none (default: đồng, with a note).
    as_of : date or 'YYYY-MM-DD', optional
        Cut-off date of the sheets: dates cumulative executed money (one payment per project)
        and events implied by status words. Otherwise read from each title
        ("6 tháng đầu năm 2019" -> 2019-06-30).
    source : {'national', 'local'}, optional
        Funding source of rows whose sheet states none.

    Returns
    -------
    Loaded
        Tables (not yet validated: see :func:`kceval.validate.validate_tables`), the origin of
        each row, every problem found while reading, file hashes, notes and excluded-row counts.

    Examples
    --------
    >>> loaded = read_dataset("tests/bad_inputs/blank_rows.csv", money_unit="trieu", as_of="2019-06-30")
    >>> len(loaded.tables["projects"]), loaded.excluded["blank rows skipped"]
    (3, 2)
    """
    if money_unit is not None:
        check_choice("money_unit", money_unit, list(MONEY_UNITS))
    if source is not None:
        check_choice("source", source, list(SOURCES))
    if as_of is not None:
        from .dataset import to_date

        as_of = to_date("as_of", as_of)
    paths = [Path(p) for p in (path if isinstance(path, (list, tuple)) else [path])]
    if not paths:
        raise ParameterError("`path` must name at least one file or folder; received an empty list")
    for p in paths:
        if not p.exists():
            raise ParameterError(f"`data` path does not exist: {str(p)!r}")
    if len(paths) == 1 and paths[0].is_dir() and _is_canonical_folder(paths[0]):
        return _read_canonical_folder(paths[0])  # the common, fast case

    loaded_parts: list[Loaded] = []
    parts: list[Part] = []
    problems: list[Problem] = []
    notes: list[str] = []
    files: dict[str, str] = {}
    for p in paths:
        if p.is_dir() and _is_canonical_folder(p):
            loaded_parts.append(_read_canonical_folder(p))
            continue
        members = sorted(q for q in p.iterdir() if q.is_file() and not q.name.startswith((".", "~$"))) if p.is_dir() else [p]
        if p.is_dir():
            skipped = [q.name for q in members if q.suffix.lower() not in MESSY_SUFFIXES]
            if skipped:
                notes.append(f"{p}: files ignored (not .csv/.xlsx/.parquet): {', '.join(skipped)}")
            members = [q for q in members if q.suffix.lower() in MESSY_SUFFIXES]
            if not members:
                problems.append(Problem("error", str(p), None, None, None, None, "the folder holds no data files",
                                        "put .csv, .xlsx or .parquet files (or canonical tables) in it"))
        for f in members:
            files[str(f)] = file_hash(f)
            got, probs, n = _read_messy(f, money_unit, as_of, source)
            parts += got
            problems += probs
            notes += n
    excluded: Counter = Counter()
    for part in parts:
        problems += part.problems
        notes += part.notes
        excluded.update(part.excluded)
    tables, origins = _combine(parts)
    for lp in loaded_parts:  # canonical folders given beside messy files
        for t in TABLES:
            if t in lp.tables and len(lp.tables[t]):
                tables[t] = coerce_table(t, pd.concat([tables[t], lp.tables[t]], ignore_index=True)) if len(tables[t]) \
                    else lp.tables[t].reset_index(drop=True)
                origins[t] = pd.concat([origins[t], lp.origins[t]], ignore_index=True)
        problems += lp.problems
        files.update(lp.files)
    return Loaded(tables, origins, problems, files, notes, any(lp.synthetic for lp in loaded_parts), excluded)


def import_summary(loaded: Loaded) -> str:
    """A short printable account of an import: files, rows per table, exclusions, problems, notes.

    Examples
    --------
    >>> s = import_summary(read_dataset("tests/bad_inputs/blank_rows.csv", money_unit="trieu", as_of="2019-06-30"))
    >>> "projects 3" in s and "blank rows skipped: 2" in s
    True
    """
    lines = [f"Files read ({len(loaded.files)}):"]
    lines += [f"  {f}  sha256 {h[:12]}" for f, h in loaded.files.items()]
    lines.append("Rows read: " + ", ".join(f"{t} {len(loaded.tables.get(t, ()))}" for t in TABLES))
    if loaded.excluded:
        lines.append("Rows left out: " + "; ".join(f"{k}: {v}" for k, v in sorted(loaded.excluded.items())))
    else:
        lines.append("Rows left out: none")
    n_err = sum(p.severity == "error" for p in loaded.problems)
    lines.append(f"Problems: {n_err} error(s), {len(loaded.problems) - n_err} warning(s)")
    lines += [f"  - {p}" for p in loaded.problems[:20]]
    if len(loaded.problems) > 20:
        lines.append(f"  ... and {len(loaded.problems) - 20} more")
    if loaded.notes:
        lines.append("Notes:")
        lines += [f"  - {n}" for n in loaded.notes]
    return "\n".join(lines)
