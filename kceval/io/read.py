"""Reading input files: the only part of kceval that reads data files.

:func:`read_dataset` reads canonical tables (``plans``, ``projects``, ``events``, ``payments``
as CSV or Parquet in one folder, :mod:`kceval.io.canonical`) directly, and messy provincial
spreadsheets (CSV in UTF-8, UTF-8 with BOM, Windows-1258 or Windows-1252; Excel ``.xlsx``;
Parquet) into grids of cells that :mod:`kceval.io.importer` turns into canonical rows
(Vietnamese headers, units, numbers and dates in :mod:`kceval.io.numbers`, words in
:mod:`kceval.io.words`). Writing canonical tables is :mod:`kceval.io.export`.
"""
from __future__ import annotations

import csv
import io as _io
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..checks import check_choice, to_date
from ..errors import ParameterError, Problem
from ..paths import file_sha256
from ..schema import MONEY_UNITS, SOURCES, TABLES, coerce_table, empty
from ..text import fold
from .canonical import Loaded, is_canonical_folder, read_canonical_folder
from .importer import import_grid
from .sheet import Grid, Part
from .textfile import decode_text, sniff_delimiter

# -- messy files: bytes and cells --------------------------------------------------------------
MESSY_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet", ".xls")


def _slug(text: str) -> str:
    return fold(text, "-") or "sheet"


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
    import openpyxl  # deferred: 0.25 s to import, and only .xlsx files need it

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


def _read_messy(path: Path, money_unit: str | None, as_of: pd.Timestamp | None,
                source: str | None) -> tuple[list[Part], list[Problem], list[str]]:
    """Every sheet of one messy file imported; unreadable files become problems."""
    notes: list[str] = []
    suffix = path.suffix.lower()

    def fail(msg: str, hint: str) -> tuple[list[Part], list[Problem], list[str]]:
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


def read_dataset(path: str | Path | Sequence[str | Path], *, money_unit: str | None = None, as_of: Any = None,
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
        Tables (not yet validated: see :func:`kceval.dataset.validate.validate_tables`), the origin of
        each row, every problem found while reading, file hashes, notes and excluded-row counts.

    Examples
    --------
    >>> loaded = read_dataset("tests/io/bad_inputs/blank_rows.csv", money_unit="trieu", as_of="2019-06-30")
    >>> len(loaded.tables["projects"]), loaded.excluded["blank rows skipped"]
    (3, 2)
    """
    if money_unit is not None:
        check_choice("money_unit", money_unit, list(MONEY_UNITS))
    if source is not None:
        check_choice("source", source, list(SOURCES))
    if as_of is not None:
        as_of = to_date("as_of", as_of)
    paths = [Path(p) for p in (path if isinstance(path, (list, tuple)) else [path])]  # type: ignore[arg-type]
    if not paths:
        raise ParameterError("`path` must name at least one file or folder; received an empty list")
    for p in paths:
        if not p.exists():
            raise ParameterError(f"`data` path does not exist: {str(p)!r}")
    if len(paths) == 1 and paths[0].is_dir() and is_canonical_folder(paths[0]):
        return read_canonical_folder(paths[0])  # the common, fast case

    loaded_parts: list[Loaded] = []
    parts: list[Part] = []
    problems: list[Problem] = []
    notes: list[str] = []
    files: dict[str, str] = {}
    for p in paths:
        if p.is_dir() and is_canonical_folder(p):
            loaded_parts.append(read_canonical_folder(p))
            continue
        members = (
            sorted(q for q in p.iterdir() if q.is_file() and not q.name.startswith((".", "~$"))) if p.is_dir() else [p]
        )
        if p.is_dir():
            skipped = [q.name for q in members if q.suffix.lower() not in MESSY_SUFFIXES]
            if skipped:
                notes.append(f"{p}: files ignored (not .csv/.xlsx/.parquet): {', '.join(skipped)}")
            members = [q for q in members if q.suffix.lower() in MESSY_SUFFIXES]
            if not members:
                problems.append(Problem("error", str(p), None, None, None, None, "the folder holds no data files",
                                        "put .csv, .xlsx or .parquet files (or canonical tables) in it"))
        for f in members:
            files[str(f)] = file_sha256(f)
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
    >>> s = import_summary(read_dataset("tests/io/bad_inputs/blank_rows.csv", money_unit="trieu", as_of="2019-06-30"))
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
