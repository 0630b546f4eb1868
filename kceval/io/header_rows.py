"""The header block of a sheet: one to three rows, merged parents spread over their children.

:func:`find_columns` finds the rows that name the columns (the block with the most distinct
fields among the first 40 rows), reads each column from its stacked header cells
(:func:`kceval.io.headers.read_header_parts`) or the user's mapping file, and :func:`sum_rules`
reads the row of column numbers under it ("(5)=(6)+(7)": which columns are sums of which).
"""
from __future__ import annotations

import re
from typing import Any

from ..text import fold
from .grid import Column, Grid, cell_text
from .headers import read_header, read_header_parts
from .lines import section_heading
from .numbers import is_empty

HEADER_SCAN_ROWS = 40
MAX_HEADER_ROWS = 3
COLNUM = re.compile(r"^\(?[0-9A-Za-z]{1,2}\)?(\s*[=+\-*/x]\s*\(?[0-9A-Za-z]{1,2}\)?)*$")
_NUMLIKE = re.compile(r"^[\s+\-−]*\d[\d\s.,/:-]*(\s*(đ|đồng|tr|triệu|tỷ|vnđ|vnd))?\s*$", re.IGNORECASE)
_FILLERS = {"trongdo", "chiara", "baogom", "trongdogom"}


def _read_parts(parts: list[str], mapping: dict[str, str]) -> tuple[str | None, str | None, str]:
    """Field, unit and how of a column from its header parts (top to bottom)."""
    for p in (" ".join(parts), *reversed(parts)):
        f = mapping.get(fold(p))
        if f is not None:
            return f, read_header(parts[-1]).unit or read_header(parts[0]).unit, "mapping file"
    r = read_header_parts(parts) if len(parts) > 1 else read_header(parts[0])
    if r.field is None:
        return None, r.unit, ""
    return r.field, r.unit, "guess" if r.guessed else "exact"


def _header_parts(g: Grid, top: int, depth: int, width: int) -> list[list[str]]:
    """The header texts of each column over rows ``top .. top+depth-1``, merged parents spread."""
    grid = [[None if is_empty(c) else cell_text(c) for c in (list(g.rows[r]) + [None] * width)[:width]]
            for r in range(top, top + depth)]
    for r0, c0, r1, c1 in g.merged:
        for r in range(max(r0, top), min(r1, top + depth - 1) + 1):
            v = grid[r0 - top][c0] if r0 >= top else None
            for c in range(c0, min(c1, width - 1) + 1):
                if v is not None and grid[r - top][c] is None:
                    grid[r - top][c] = v
    # text files have no merge record: a parent spreads right over the empty cells above children
    for r in range(depth - 2, -1, -1):  # bottom up: a middle row ("Trong đó") spreads before the top one
        for c in range(1, width):
            if grid[r][c] is None and grid[r + 1][c] is not None and grid[r][c - 1] is not None \
                    and grid[r + 1][c - 1] is not None:
                grid[r][c] = grid[r][c - 1]
    out = []
    for c in range(width):
        parts: list[str] = []
        for r in range(depth):
            v = grid[r][c]
            if v is not None and (not parts or parts[-1] != v):
                parts.append(v)
        out.append(parts)
    return out


def _continues_header(g: Grid, top: int, depth: int, width: int) -> bool:
    """Whether row ``top + depth`` is more header (labels under the rows above), not data or a section.

    It must hold text only (no numbers, dates or column numbers), not be a section row, and at
    least one of its cells must read as a field together with the header cells above it
    ("Phê duyệt" under "Thời gian", "KCQG" under "Kinh phí"), or be a filler ("Trong đó").
    """
    row = g.rows[top + depth]
    cells = [(j, c) for j, c in enumerate(row) if not is_empty(c)]
    if not cells or not all(isinstance(c, str) for _, c in cells):
        return False
    if any(_NUMLIKE.match(c) or COLNUM.match(c.strip()) for _, c in cells):
        return False
    if section_heading([cell_text(c) for _, c in cells[:2]]) is not None:
        return False
    if any(fold(c) in _FILLERS for _, c in cells):
        return True
    parts = _header_parts(g, top, depth + 1, width)
    return any(j < len(parts) and len(parts[j]) > 1 and parts[j][-1] == cell_text(c)
               and read_header_parts(parts[j]).field is not None for j, c in cells)


def find_columns(g: Grid, mapping: dict[str, str] | None = None) -> tuple[int, int, list[Column]] | None:
    """The header block (first row index, depth) and its columns; None when no header is found.

    The block with the most distinct fields wins, among one to three rows starting in the first
    40 rows; a deeper block wins a tie when its lower rows read as header labels.
    """
    mapping = {fold(k): v for k, v in (mapping or {}).items()}
    width = max((len(r) for r in g.rows), default=0)
    best: tuple[int, int, int, list[Column]] | None = None
    for top in range(min(HEADER_SCAN_ROWS, len(g.rows))):
        row = g.rows[top]
        singles = {_read_parts([cell_text(c)], mapping)[0] for c in row if isinstance(c, str) and not is_empty(c)}
        if len(singles - {None, "row_label"}) < 2:
            continue
        for depth in range(1, MAX_HEADER_ROWS + 1):
            if depth > 1 and (top + depth - 1 >= len(g.rows) or not _continues_header(g, top, depth - 1, width)):
                break
            cols = []
            for j, parts in enumerate(_header_parts(g, top, depth, width)):
                if not parts:
                    continue
                f, unit, how = _read_parts(parts, mapping)
                cols.append(Column(j, " / ".join(parts), f, unit, how))
            score = len({c.field for c in cols} - {None, "row_label"})
            if best is None or score > best[0] or (score == best[0] and top == best[1] and depth > 1):
                best = (score, top, depth, cols)
    if best is None:
        return None
    return best[1], best[2], best[3]


def is_numbering(texts: list[str]) -> bool:
    """A row of column numbers: "(1) (2) … (5)=(6)+(7)", or 1 2 3 … (as numbers or text), or A B C."""
    if not all(COLNUM.match(t) for t in texts):
        plain = [t[:-2] if t.endswith(".0") else t for t in texts]
        if not all(re.fullmatch(r"\d{1,2}", t) for t in plain):
            return False
        texts = plain
    heads = [re.sub(r"[()\s]", "", t).partition("=")[0] for t in texts]
    nums = [int(h) for h in heads if h.isdigit()]
    return nums == sorted(nums) and len(set(nums)) == len(nums)


def sum_rules(row: list[Any]) -> dict[int, list[int]]:
    """Columns that the column-number row states as sums: "(5)=(6)+(7)" -> {col of 5: [cols of 6, 7]}."""
    label_col: dict[str, int] = {}
    formulas: dict[int, list[str]] = {}
    for j, c in enumerate(row):
        if is_empty(c):
            continue
        s = cell_text(c.replace("(", " ").replace(")", " ") if isinstance(c, str) else str(int(c)) if isinstance(
            c, float) and c.is_integer() else c).replace(" ", "")
        head, _, rhs = s.partition("=")
        label_col.setdefault(head, j)
        if rhs and re.fullmatch(r"[0-9A-Za-z]+(\+[0-9A-Za-z]+)+", rhs):
            formulas[j] = rhs.split("+")
    return {j: [label_col[x] for x in xs] for j, xs in formulas.items() if all(x in label_col for x in xs)}
