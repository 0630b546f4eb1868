"""Reading input files: the only part of kceval that reads data files.

:func:`read_dataset` reads canonical tables (``plans``, ``projects``, ``events``, ``payments``
as CSV or Parquet in one folder, :mod:`kceval.io.canonical`) directly, and messy provincial
files into grids of cells (:func:`read_grids`) that :mod:`kceval.io.importer` turns into
canonical rows (the layout in :mod:`kceval.io.sheet`, headers in :mod:`kceval.io.headers`,
numbers in :mod:`kceval.io.numbers`, dates in :mod:`kceval.io.dates`, statuses in
:mod:`kceval.io.statuses`): text files (``.csv``, ``.txt``, ``.tsv`` in UTF-8, UTF-16,
Windows-1258 or Windows-1252, :mod:`kceval.io.textfile`), workbooks (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``,
:mod:`kceval.io.workbook`) and Parquet. Writing canonical tables is :mod:`kceval.io.export`.
"""
from __future__ import annotations

import io as _io
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from .. import geo
from ..checks import check_choice, to_date
from ..errors import DataError, ParameterError, Problem
from ..paths import file_sha256
from ..schema import MONEY_UNITS, SOURCES, TABLES, coerce_table, empty
from . import stream
from .canonical import Loaded, is_canonical_folder, read_canonical_folder
from .compilation import check_summaries
from .explain import explain_parts
from .grid import Grid, Part
from .importer import import_grid
from .stream import grid_of, import_big_text, open_records, records
from .textfile import decode_text, sniff_delimiter
from .workbook import WORKBOOK_SUFFIXES, read_workbook, slug

# -- messy files: bytes and cells --------------------------------------------------------------
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
MESSY_SUFFIXES = TEXT_SUFFIXES + WORKBOOK_SUFFIXES + (".parquet",)
SUPPORTED = ".csv, .txt, .tsv, .xlsx, .xlsm, .xls, .ods or .parquet"


# A text file larger than this is read line by line in its encoding (detected on its head), not decoded
# whole first: a 200 MB CSV otherwise sits in memory three times over (bytes, text, the text's copy); and
# imported chunk by chunk (:mod:`kceval.io.stream`)
STREAM_BYTES = 8 * 2**20
def _text_grid(path: Path, notes: list[str]) -> Grid:
    if path.stat().st_size > STREAM_BYTES:
        got = open_records(path)
        if got is not None:
            try:
                grid = grid_of(path, got[0])
            except UnicodeDecodeError:  # a later line is not in the encoding the head showed: decode it whole
                pass
            else:
                notes.append(f"{path}: read as {got[1]}, line by line")
                return grid
    text, enc = decode_text(path.read_bytes())
    notes.append(f"{path}: read as {enc}")
    return grid_of(path, records(path, _io.StringIO(text, newline=""), sniff_delimiter(text), False))


def _parquet_grid(path: Path) -> Grid:
    df = pd.read_parquet(path)
    rows = [[str(c) for c in df.columns]] + df.astype(object).to_numpy().tolist()
    return Grid(str(path), None, rows, list(range(1, len(rows) + 1)), slug(path.stem))


def _file_problem(path: Path, message: str, hint: str) -> DataError:
    return DataError([Problem("error", str(path), None, None, None, None, message, hint)])


def read_grids(path: str | Path, *, include_hidden: bool = False) -> tuple[list[Grid], list[str]]:
    """The cells of one messy file: one grid per CSV/text file or worksheet, and notes on how it was read.

    Row numbers (``Grid.rownums``) are those the user sees: the editor's line for a text file
    (a quoted cell with line breaks spans lines), the Excel row for a worksheet (rows start at A1).
    Text files are ``.csv``, ``.txt`` or ``.tsv`` separated by ``,`` ``;`` or tab, in UTF-8 (BOM or
    not), UTF-16 (Excel's "Unicode Text"), Windows-1258 or Windows-1252; workbooks are read by
    :func:`kceval.io.workbook.read_workbook`.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.txt``, ``.tsv``, ``.xlsx``, ``.xlsm``, ``.xls``, ``.ods`` or ``.parquet`` file.
    include_hidden : bool, default False
        Read hidden worksheets too (otherwise skipped with a note).

    Returns
    -------
    grids : list of Grid
    notes : list of str
        The encoding of a text file, sheets skipped and why.

    Raises
    ------
    DataError
        With one problem when the file cannot be read: unsupported type, undecodable text,
        password-protected or damaged workbook.

    Examples
    --------
    >>> grids, notes = read_grids("tests/io/bad_inputs/semicolon.csv")
    >>> grids[0].rows[0][:2], grids[0].rownums[:2], notes[0].endswith("read as utf-8")
    (['STT', 'Tên đề án'], [1, 2], True)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in MESSY_SUFFIXES:
        raise _file_problem(path, f"unsupported file type {suffix or '(none)'!r}",
                            f"give a {SUPPORTED} file (or a folder of canonical tables)")
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook(path, include_hidden=include_hidden)
    notes: list[str] = []
    try:
        grid = _text_grid(path, notes) if suffix in TEXT_SUFFIXES else _parquet_grid(path)
    except UnicodeDecodeError:
        raise _file_problem(path, "the file is not text in UTF-8, UTF-16, Windows-1258 or Windows-1252",
                            "save it as CSV UTF-8") from None
    except DataError:
        raise  # already located
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a damaged file
        kind = "Parquet" if suffix == ".parquet" else "text"
        raise _file_problem(path, f"the file cannot be read as {kind} ({type(exc).__name__}: {str(exc)[:120]})",
                            "the file is damaged or not what its extension says; open it and save it again") from None
    return [grid], notes


_SKIPPABLE = ("the sheet is empty", "no header row recognised")


def _read_messy(path: Path, hints: dict[str, Any], include_hidden: bool) -> tuple[list[Part], list[Problem], list[str]]:
    """Every sheet of one messy file imported; unreadable files become problems."""
    if path.suffix.lower() in TEXT_SUFFIXES and path.stat().st_size > STREAM_BYTES:
        got = _read_big_text(path, hints)
        if got is not None:
            return got
    try:
        grids, notes = read_grids(path, include_hidden=include_hidden)
    except DataError as err:
        return [], err.problems, []
    parts = []
    while grids:
        g = grids.pop(0)  # each sheet's cells are let go once imported: a big file's strings are most of its memory
        try:
            parts.append(import_grid(g, **hints))
        except Exception as exc:  # noqa: BLE001 - a bug must not hide the other files' problems
            parts.append(Part(problems=[Problem("error", g.file, g.sheet, None, None, None,
                                                f"the sheet could not be imported ({type(exc).__name__}: {exc})",
                                                "please report this with the file to the kceval maintainers")]))
    check_summaries(parts)
    if len(parts) > 1 and any(p.tables for p in parts):
        # in a workbook with project sheets, an empty sheet or one with no table (instructions, notes) is skipped
        # with a warning; a sheet with a header and no projects stays an error
        for p in parts:
            if not p.tables and p.problems and all(q.message.startswith(_SKIPPABLE) for q in p.problems):
                p.problems = [replace(q, severity="warning", message=q.message + "; sheet skipped")
                              for q in p.problems]
    return parts, [], notes


def _read_big_text(path: Path, hints: dict[str, Any]) -> tuple[list[Part], list[Problem], list[str]] | None:
    """A big text file imported chunk by chunk; None when it must be decoded whole (UTF-16, or a line
    that proves the encoding its head showed wrong)."""
    got = open_records(path)
    if got is None:
        return None
    recs, enc = got
    try:
        part = import_big_text(path, recs, **hints)
    except UnicodeDecodeError:
        return None
    except DataError as err:
        return [], err.problems, []
    except Exception as exc:  # noqa: BLE001 - a bug must not hide the other files' problems
        part = Part(problems=[Problem("error", str(path), None, None, None, None,
                                      f"the file could not be imported ({type(exc).__name__}: {exc})",
                                      "please report this with the file to the kceval maintainers")])
    return [part], [], [f"{path}: read as {enc}, line by line, {stream.CHUNK_ROWS:,} rows at a time"]


def _combine(parts: list[Part]) -> tuple[dict, dict]:
    tables, origins = {}, {}
    for t in TABLES:
        frames = [p.tables[t] for p in parts if t in p.tables and len(p.tables[t])]
        origs = [p.origins[t] for p in parts if t in p.tables and len(p.tables[t])]
        if len(frames) == 1:  # one sheet (a big file): its table as it is, not a copy
            tables[t] = coerce_table(t, frames[0].set_axis(pd.RangeIndex(len(frames[0])), copy=False), copy=False)
            origins[t] = origs[0].set_axis(pd.RangeIndex(len(origs[0])), copy=False)
        elif frames:
            tables[t] = coerce_table(t, pd.concat(frames, ignore_index=True))
            origins[t] = pd.concat(origs, ignore_index=True)
        else:
            tables[t] = empty(t)
            origins[t] = pd.DataFrame({"file": pd.Series(dtype=object), "sheet": pd.Series(dtype=object),
                                       "row": pd.Series(dtype="int64")})
    return tables, origins


def read_dataset(path: str | Path | Sequence[str | Path], *, money_unit: str | None = None, as_of: Any = None,
                 source: str | None = None, year: int | None = None, province: str | None = None,
                 columns: dict[str, str] | None = None, include_hidden: bool = False) -> Loaded:
    """Read canonical tables, or messy provincial files combined into canonical tables.

    Parameters
    ----------
    path : path or list of paths
        A folder of canonical tables (``plans``/``projects``/``events``/``payments`` as
        ``.csv`` or ``.parquet``); or messy ``.csv`` / ``.txt`` / ``.tsv`` / ``.xlsx`` / ``.xlsm`` /
        ``.xls`` / ``.ods`` / ``.parquet`` files, or folders holding them. Everything given is combined.
    money_unit : {'dong', 'nghin', 'trieu', 'ty'}, optional
        Unit of money columns whose header and title state none (default: đồng, with a note).
    as_of : date or 'YYYY-MM-DD', optional
        Cut-off date of the sheets: dates cumulative executed money (one payment per project)
        and events implied by status words. Otherwise read from each title
        ("6 tháng đầu năm 2019" -> 2019-06-30).
    source : {'national', 'local'}, optional
        Funding source of rows whose sheet states none.
    year, province : optional
        Plan year and province of sheets that state none. Like ``as_of`` and ``source``, a hint
        that a sheet contradicts (its title says "năm 2020", a section says KCQG) is an error.
    columns : dict, optional
        Header -> field for headers kceval does not know (see :func:`kceval.io.mapping.read_column_map`).
    include_hidden : bool, default False
        Read hidden worksheets too; by default they are skipped with a note.

    Returns
    -------
    Loaded
        Tables (not yet validated: see :func:`kceval.dataset.validate.validate_tables`), the origin of
        each row, every problem found while reading, file hashes, notes and excluded-row counts. In the
        tables read from messy files, ``project_id``, ``title`` and ``note`` are Arrow strings
        (``string[pyarrow]``: a million titles take half the memory of Python strings); missing text is ``<NA>``.

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
    if province is not None:
        try:
            province = geo.match_province(province)
        except geo.UnknownProvinceError as exc:
            raise ParameterError(f"`province`: {exc}") from None
    if year is not None and not 2000 <= int(year) <= 2100:
        raise ParameterError(f"`year` must be a plan year between 2000 and 2100; received {year!r}")
    hints = {"money_unit": money_unit, "as_of": as_of, "source": source, "year": year, "province": province,
             "columns": columns}
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
                notes.append(f"{p}: files ignored (not {SUPPORTED}): {', '.join(skipped)}")
            members = [q for q in members if q.suffix.lower() in MESSY_SUFFIXES]
            if not members:
                problems.append(Problem("error", str(p), None, None, None, None, "the folder holds no data files",
                                        f"put {SUPPORTED} files (or canonical tables) in it"))
        for f in members:
            files[str(f)] = file_sha256(f)
            got, probs, n = _read_messy(f, hints, include_hidden)
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
    return Loaded(tables, origins, problems, files, notes, any(lp.synthetic for lp in loaded_parts), excluded,
                  explain_parts(parts))


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
    lines += [f"  - {p}" for p in sorted(loaded.problems, key=lambda p: p.severity != "error")]
    if loaded.notes:
        lines.append("Notes:")
        lines += [f"  - {n}" for n in loaded.notes]
    return "\n".join(lines)
