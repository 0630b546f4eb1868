"""The layout of a messy sheet: where its header is and what each row below it is.

Provincial sheets put title rows above the header, number their columns in the row under
it, group projects under section headings ("I. Khuyến công quốc gia"), and add subtotal and
totals rows ("Cộng I", "Tổng cộng"). :func:`find_header` and :func:`classify_rows` sort this
out so that :mod:`kceval.io.importer` reads data rows only, and every other row is counted.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import Problem
from ..text import fold
from .numbers import ParseError, is_empty, parse_money
from .words import is_total_label, map_header, parse_id, source_from_text

HEADER_SCAN_ROWS = 30
_COLNUM = re.compile(r"^\(?[0-9A-Za-z]{1,2}\)?(\s*[=+\-*/x]\s*\(?[0-9A-Za-z]{1,2}\)?)*$")


@dataclass
class Grid:
    """Cells of one CSV file or worksheet; ``rownums`` are the row numbers the user sees."""

    file: str
    sheet: str | None
    rows: list[list[Any]]
    rownums: list[int]
    id_prefix: str


@dataclass
class Part:
    """Canonical rows from one grid, with origins, problems, notes and excluded-row counts."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    origins: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    excluded: Counter = field(default_factory=Counter)


def where_of(g: Grid) -> str:
    return g.file + (f" [{g.sheet}]" if g.sheet else "")


def rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:10]))
    return shown + (f", … ({len(rows)} in all)" if len(rows) > 10 else "")


def find_header(g: Grid) -> tuple[int, dict[str, tuple[int, str, str | None]], list[str]] | None:
    """Index of the header row, field -> (column, header text, unit), and duplicate headers."""
    best, best_score = None, 1
    for i, row in enumerate(g.rows[:HEADER_SCAN_ROWS]):
        fields = {map_header(c)[0] for c in row if isinstance(c, str)} - {None, "row_label"}
        if len(fields) > best_score:
            best, best_score = i, len(fields)
    if best is None:
        return None
    cols: dict[str, tuple[int, str, str | None]] = {}
    dups = []
    for j, c in enumerate(g.rows[best]):
        f, unit = map_header(c) if isinstance(c, str) else (None, None)
        if f is None:
            continue
        if f in cols:
            dups.append(str(c).strip())
        else:
            cols[f] = (j, re.sub(r"\s+", " ", str(c)).strip(), unit)
    return best, cols, dups


@dataclass
class Rows:
    """The rows below the header, as a frame of cells, with what each row is (boolean masks)."""

    body: pd.DataFrame
    nums: pd.Series          # the row number the user sees
    blank: pd.Series
    numbering: pd.Series     # "(1) (2) (3)=(1)+(2)" under the header
    section: pd.Series       # "I. Khuyến công quốc gia": a heading, which may name the source
    total: pd.Series         # "Tổng cộng", "Cộng I"
    row_source: pd.Series    # the source named by the latest section heading, if any

    @property
    def data(self) -> pd.Series:
        return ~(self.blank | self.numbering | self.section | self.total)


def classify_rows(g: Grid, h: int, cols: dict, kind: str) -> Rows | None:
    """Sort the rows under header row ``h`` into blank, column-number, section, totals and data rows.

    Returns None when there is no row under the header.
    """
    width = max(len(r) for r in g.rows)
    body = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in g.rows[h + 1:]], dtype=object)
    if body.empty:
        return None
    nums = pd.Series(g.rownums[h + 1:], index=body.index)
    body = body.map(lambda v: None if is_empty(v) else (v.strip() if isinstance(v, str) else v))
    blank = body.isna().all(axis=1)
    label_cols = sorted({cols[k][0] for k in ("row_label", "project_id", "title", "province") if k in cols} | {0, 1})
    total = body[[c for c in label_cols if c < width]].map(is_total_label).any(axis=1) & ~blank
    first = blank.idxmin() if (~blank).any() else None
    numbering = pd.Series(False, index=body.index)
    if first is not None and body.loc[first].notna().sum() >= 3:
        numbering[first] = all(_COLNUM.match(parse_id(v)) for v in body.loc[first].dropna())
    value_cols = [cols[k][0] for k in cols if k not in ("row_label", "title", "project_id")]
    section = pd.Series(False, index=body.index)
    if kind == "projects":
        section = ~blank & ~total & ~numbering & body[value_cols].isna().all(axis=1) & (body.notna().sum(axis=1) <= 2)
    row_source = pd.Series(None, index=body.index, dtype=object)
    if section.any():
        named = body[section].apply(lambda r: source_from_text(" ".join(str(x) for x in r if x is not None)), axis=1)
        row_source = pd.Series(named, index=body.index, dtype=object).where(section).ffill()
    return Rows(body, nums, blank, numbering, section, total, row_source)


def check_totals(body: pd.DataFrame, total: pd.Series, data: pd.DataFrame, parsed: dict[str, pd.Series],
                 cols: dict[str, Any], nums: pd.Series, units: dict[str, str], problem: Callable[..., None],
                 notes: list[str], where: str) -> None:
    """Compare a grand-total row's support with the sum of the project rows above it."""
    if not total.any() or "support_vnd" not in parsed:
        return
    j, header, _ = cols["support_vnd"]
    for i in body.index[total.to_numpy()]:
        labels = [x for x in body.loc[i] if isinstance(x, str) and is_total_label(x)]
        if not labels or not fold(labels[0]).startswith(("tong", "total", "grand")):
            continue  # a subtotal ("Cộng I") covers a section only
        try:
            stated = parse_money(body.at[i, j], units["support_vnd"])
        except ParseError:
            stated = None
        above = parsed["support_vnd"][data.index < i].dropna()
        if stated is None:
            continue
        s = int(above.astype("int64").sum())
        if stated != s:
            problem(
                "warning",
                int(nums[i]),
                header,
                body.at[i, j],
                f"the totals row says {stated:,} VND but the project rows above sum to {s:,} VND",
                "a row may be missing, excluded because of an error, or counted twice; "
                "the totals row itself is not used",
            )
        else:
            notes.append(f"{where}: totals row {int(nums[i])} matches the sum of the project rows ({s:,} VND)")
