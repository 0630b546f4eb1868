"""Text files read record by record, and big ones imported chunk by chunk.

A provincial CSV of a million projects is about 200 MB; held as rows of Python strings it takes
six times that before a single cell is read. :func:`import_big_text` reads it in chunks of
:data:`CHUNK_ROWS` records instead: the layout (title block, header, column numbers) is found on
the first chunk (:func:`kceval.io.sheet.find_layout`), every later chunk is classified where the
previous one stopped (:func:`kceval.io.sheet.continue_layout`), the cells of the project rows go
into Arrow string columns (UTF-8, a few bytes over the text itself) and every other row (title,
header, sections, totals, notes, signature) stays in a small grid. The sheet is then imported in
one piece (:func:`kceval.io.importer.import_layout`): conventions, sums and magnitudes are judged
on the whole sheet, exactly as for a small file.
"""
from __future__ import annotations

import csv
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..errors import DataError, Problem
from .grid import Grid, Layout, Part
from .importer import import_grid, import_layout, read_columns
from .sheet import continue_layout, find_layout
from .textfile import decode_text, sniff_delimiter
from .workbook import slug

CHUNK_ROWS = 50_000
# the first chunk, where the layout is found: the header starts in the first 40 rows and is at most three deep
FIRST_ROWS = CHUNK_ROWS
# the head read to find a big file's encoding and separator; whole lines, so that no character is cut
HEAD_BYTES = 4 * 2**20
_CODECS = {"utf-8": "utf-8", "utf-8 with BOM": "utf-8-sig", "cp1258": "cp1258", "cp1252": "cp1252"}
_SHARED_CELL = 48  # cells up to this length are shared between rows


def records(path: Path, lines: Iterable[str], delim: str, normalise: bool) -> Iterator[tuple[int, list[str]]]:
    """The records of a text with the editor's line of each (a quoted cell may span lines).

    ``normalise`` puts non-ASCII cells in NFC (a file read line by line was not normalised whole).
    A cell past the csv module's limit, most often an unclosed quote, is a located :class:`DataError`.
    """
    reader = csv.reader(lines, delimiter=delim)
    prev = 0
    try:
        for r in reader:
            if normalise:
                r = [c if c.isascii() else unicodedata.normalize("NFC", c) for c in r]
            yield prev + 1, r
            prev = reader.line_num
    except csv.Error as exc:
        raise DataError([Problem("error", str(path), None, prev + 1, None, None,
                                 f"a cell starting on this line runs on for more than {csv.field_size_limit():,} "
                                 f"characters ({exc})", "a quote (\") is probably not closed: close it, or "
                                 "remove the stray quote")]) from None


def open_records(path: Path) -> tuple[Iterator[tuple[int, list[str]]], str] | None:
    """The records of a big text file read line by line in the encoding its head shows, and that encoding;
    None for UTF-16 or an undecodable head (the caller decodes the file whole). A later line that proves
    the encoding wrong raises UnicodeDecodeError while iterating."""
    with open(path, "rb") as fb:
        head = fb.read(HEAD_BYTES)
    head = head[: head.rfind(b"\n") + 1] or head
    try:
        sample, enc = decode_text(head)
    except UnicodeDecodeError:
        return None
    codec = _CODECS.get(enc)
    if codec is None:
        return None

    def lines() -> Iterator[str]:
        with open(path, encoding=codec, newline="") as f:
            yield from f

    return records(path, lines(), sniff_delimiter(sample), True), enc


def grid_of(path: Path, recs: Iterable[tuple[int, list[str]]]) -> Grid:
    """A grid of records; repeated short cells (statuses, places, dates) share one string."""
    rows: list[list[str]] = []
    nums: list[int] = []
    shared: dict[str, str] = {}
    for num, r in recs:
        nums.append(num)
        rows.append([shared.setdefault(c, c) if len(c) <= _SHARED_CELL else c for c in r])
    return Grid(str(path), None, rows, nums, slug(path.stem))


class _Sheet:
    """The rows of a sheet being read in chunks: project cells in columns, every other row kept."""

    def __init__(self, first: Grid, used: list[int]):
        self.used = used
        self.cells: dict[int, list[pa.Array]] = {j: [] for j in used}
        self.coded: set[int] | None = None  # columns of few distinct texts, held as codes into a dictionary
        # the project rows' numbers, 8 bytes each: as Python ints kept from every chunk they would pin the memory
        # of the chunks' freed strings, which they were allocated among
        self.rownums = array("q")
        self.kept = Grid(first.file, first.sheet, [], [], first.id_prefix)

    def take(self, g: Grid, totals_from: int, lay: Layout) -> None:
        """Move chunk ``g``'s project rows (``lay.rows['data']``, which it empties: continue_layout only appends)
        into columns, and their numbers into ``rownums``; keep the other rows."""
        data = set(lay.rows["data"])
        self.rownums.extend(lay.rows["data"])
        del lay.rows["data"][:]
        picked: list[list[str]] = []
        moved: dict[int, int] = {}
        for i, (num, row) in enumerate(zip(g.rownums, g.rows)):
            if num in data:
                picked.append(row)
            else:
                moved[i] = len(self.kept.rows)
                self.kept.rows.append(row)
                self.kept.rownums.append(num)
        for k in range(totals_from, len(lay.totals)):  # a total row's index now points into the kept rows
            lay.totals[k] = replace(lay.totals[k], index=moved[lay.totals[k].index])
        cols = {j: [r[j] if j < len(r) else None for r in picked] for j in self.used}
        if self.coded is None:  # decided on the first chunk: a column where a text repeats four times on average
            self.coded = {j for j, v in cols.items() if len(set(v)) * 4 <= len(v)}
        for j, v in cols.items():
            # 32-bit offsets: a chunk's text is far below 2 GB, and the offsets are a third of a short cell's cost;
            # a coded column (places, dates, statuses, amounts) costs a byte or four a cell instead of its text
            a = pa.array(v, type=pa.string())
            self.cells[j].append(a.dictionary_encode() if j in self.coded else a)

    def data(self, rownums: Sequence[int]) -> pd.DataFrame:
        def column(j: int) -> pd.Series:
            chunks = pa.chunked_array(self.cells.pop(j))
            if pa.types.is_dictionary(chunks.type):
                return chunks.unify_dictionaries().to_pandas()  # a Categorical of the texts
            return pd.Series(pd.arrays.ArrowStringArray(chunks))

        cols = {j: column(j) for j in self.used}
        out = pd.DataFrame(cols, copy=False)
        out.index = pd.Index(rownums, name="row")
        return out


def import_big_text(path: Path, recs: Iterator[tuple[int, list[str]]], *, columns: dict[str, str] | None = None,
                    **hints: Any) -> Part:
    """Import a big text file chunk by chunk (see the module notes); ``hints`` as for
    :func:`kceval.io.importer.import_grid`.

    A file whose first chunk shows no project table (a plan or payment sheet, or no header at all)
    is imported whole.
    """
    first = grid_of(path, islice(recs, FIRST_ROWS))
    lay = find_layout(first, columns)
    if lay is None or lay.kind != "projects":
        rest = grid_of(path, recs)
        first.rows += rest.rows
        first.rownums += rest.rownums
        return import_grid(first, columns=columns, **hints)
    sheet = _Sheet(first, read_columns(lay))
    sheet.take(first, 0, lay)
    del first  # its cells are in the sheet now
    while True:
        g = grid_of(path, islice(recs, CHUNK_ROWS))
        if not g.rows:
            break
        n_totals = len(lay.totals)
        continue_layout(g, lay)
        sheet.take(g, n_totals, lay)
        del g  # before the next chunk is read: one chunk's strings at a time
    lay.rows["data"] = sheet.rownums
    return import_layout(sheet.kept, lay, sheet.data(sheet.rownums), **hints)
