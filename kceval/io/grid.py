"""What a messy sheet is read into and out of: its cells (:class:`Grid`), the layout found in it
(:class:`Layout`, its :class:`Column` and :class:`TotalRow` records) and the canonical rows it gives
(:class:`Part`), with the small helpers every step uses to show cells and rows to the user.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import MutableSequence, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import Problem
from .lines import Section
from .numbers import is_empty


@dataclass
class Grid:
    """Cells of one CSV file or worksheet; ``rownums`` are the row numbers the user sees.

    ``merged`` lists merged ranges as 0-based inclusive ``(row0, col0, row1, col1)`` indexes into
    ``rows`` (the value sits in the top-left cell, the others read as empty); ``uncached`` lists the
    0-based ``(row, col)`` of formula cells saved without a value (a file written by a program that
    does not compute formulas); ``hidden`` is True for a hidden or very hidden worksheet.
    """

    file: str
    sheet: str | None
    rows: list[list[Any]]
    rownums: list[int]
    id_prefix: str
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncached: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Part:
    """Canonical rows from one grid, with origins, problems, notes, excluded and rejected rows.

    ``rejected`` has one entry per row left out because of an error: file, sheet, row, reasons.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    origins: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    excluded: Counter = field(default_factory=Counter)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    layout: Layout | None = None
    summary: pd.DataFrame | None = None  # a summary sheet's rows (province, n_projects, support_vnd)


@dataclass(frozen=True)
class Column:
    """One column of the table: its user header, the field it was read as, and how."""

    index: int
    header: str
    field: str | None
    unit: str | None
    how: str  # "exact", "guess", "mapping file", or "" when not placed


@dataclass(frozen=True)
class TotalRow:
    """A subtotal or total row (or a section row that states its section's sums)."""

    index: int                 # index into Grid.rows
    row: int                   # the row number the user sees
    label: str
    scope: str                 # "total" or "subtotal"
    sections: tuple[str, ...]  # the sections it covers; () = the whole table (total) or the current one


@dataclass
class Layout:
    """What each part of one sheet is. Row lists hold the row numbers the user sees."""

    where: str
    title: list[tuple[int, str, str]] = field(default_factory=list)   # (row, kind, text)
    header_rows: list[int] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    numbering_row: int | None = None
    sum_rules: dict[int, list[int]] = field(default_factory=dict)      # column -> columns it sums
    sections: list[tuple[int, Section]] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    rows: dict[str, MutableSequence[int]] = field(default_factory=dict)  # kind -> row numbers (list or array)
    kind: str = "projects"
    unit: str | None = None
    year: int | None = None
    province: str | None = None
    source: str | None = None
    period: tuple[pd.Timestamp, str] | None = None
    report_date: pd.Timestamp | None = None
    # where the classification of rows stands, so that a sheet read in chunks continues it
    ended: bool = False      # inside the signature block: every further row is footer
    seen_data: bool = False  # a project row was seen (a column-number row can only come before)

    @property
    def fields(self) -> dict[str, Column]:
        """Field -> its (first) column."""
        out: dict[str, Column] = {}
        for c in self.columns:
            if c.field is not None and c.field not in out:
                out[c.field] = c
        return out


def where_of(g: Grid) -> str:
    return g.file + (f" [{g.sheet}]" if g.sheet else "")


def rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(map(str, rows[:10]))
    return shown + (f", … ({len(rows)} in all)" if len(rows) > 10 else "")


def cell_text(v: Any) -> str:
    """A cell as one line of text (runs of white space, line breaks included, become one space)."""
    return " ".join(str(v).split())


_MAYBE_EMPTY = frozenset(" \t\r\n\u00a0-‐‒–—―−_")


def filled(v: Any) -> bool:
    """Not empty; numbers (the bulk of a sheet) take the fast path."""
    if v is None:
        return False
    t = type(v)
    if t is str:  # most texts start with a letter or a digit: only a space or a dash needs the full test
        return bool(v) and (v[0] not in _MAYBE_EMPTY or not is_empty(v))
    if t is int:
        return True
    if t is float:
        return v == v
    return not is_empty(v)
