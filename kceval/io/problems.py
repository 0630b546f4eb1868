"""The problems of one sheet, each cause recorded once, and the rows each error rejects."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..errors import Problem, Severity
from .grid import Grid, rows_text


class Recorder:
    """Collects the problems of one sheet, each cause once, and which rows each error rejects."""

    def __init__(self, g: Grid):
        self.g = g
        self.problems: list[Problem] = []
        self.reasons: dict[int, list[str]] = defaultdict(list)  # user row -> error messages
        self.bad_cells: set[tuple[int, str]] = set()  # (row, column) of every error: knock-on checks skip them
        self.sheet_errors: list[str] = []  # errors about the whole sheet: none of its rows can be used

    def add(self, severity: Severity, row: int | None, column: str | None, value: Any, message: str, hint: str = "",
            rows: list[int] | None = None) -> None:
        """Record one problem at ``row``; ``rows`` are all the rows it concerns (default: ``row``)."""
        rows = rows if rows is not None else ([row] if row is not None else [])
        if len(rows) > 1:
            message += f" (rows {rows_text(rows)})"
        self.problems.append(Problem(severity, self.g.file, self.g.sheet, row if row is not None else (
            rows[0] if rows else None), column, value, message, hint))
        if severity == "error":
            for r in rows:
                self.reasons[r].append(message)
                if column:
                    self.bad_cells.add((r, column))
            if not rows:
                self.sheet_errors.append(message)

    def rejected(self, rows: Iterable[int]) -> list[bool]:
        """Whether each of ``rows`` is left out by an error (every row is, after a sheet-wide error)."""
        if self.sheet_errors:
            return [True for _ in rows]
        return [int(r) in self.reasons for r in rows]
