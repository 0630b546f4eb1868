"""Error types and the record of one input problem.

Every error kceval raises on purpose is a :class:`KcevalError` (a ``ValueError``), so callers
can catch one type; the subclasses say whose fault it is: the data, a parameter, or a report.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["error", "warning"]


class KcevalError(ValueError):
    """Base of every error raised on purpose by kceval."""


class ParameterError(KcevalError):
    """A function or command argument is not one of the allowed values."""


class TooFewEvents(KcevalError):
    """A model was not fitted: too few events for its parameters (the counts are kept, so that a report can say
    it in its own language)."""

    def __init__(self, message: str, *, n_events: int, n_other: int, n_params: int, needed: int) -> None:
        super().__init__(message)
        self.n_events, self.n_other, self.n_params, self.needed = n_events, n_other, n_params, needed


class OutputError(KcevalError):
    """The output folder cannot be written safely: locked by another batch, full, read-only, or a link leading out."""


class ReportError(KcevalError):
    """A report could not be executed or rendered.

    When a notebook ran and failed, ``notebook`` is the executed notebook (with the error) and
    ``ename``, ``evalue`` and ``cell_index`` say where it failed; they are None otherwise.
    """

    notebook: Any = None
    ename: str | None = None
    evalue: str | None = None
    cell_index: int | None = None


@dataclass(frozen=True)
class Problem:
    """One problem found in an input, located as the user sees it.

    ``row`` is the row number the user sees in the spreadsheet or text editor (1-based,
    header included), or ``None`` when the problem concerns a whole column or file.
    """

    severity: Severity
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: Any
    message: str
    hint: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        v = d["value"]
        d["value"] = None if v is None else str(v)
        return d

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f" [{self.sheet}]"
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        text = f"{self.severity.upper()}: {where}: {self.message}"
        if self.value is not None and str(self.value) != "":
            text += f" (value: {str(self.value)!r})"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text


class ProblemsMixin:
    """``errors``, ``warnings`` and ``problems_frame()`` for any record with a ``problems`` list."""

    problems: Iterable[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def problems_frame(self) -> pd.DataFrame:
        """Every problem as a tidy frame (severity, file, sheet, row, column, value, message, hint)."""
        import pandas as pd  # deferred: `kceval batch` answers an unchanged run without importing pandas

        cols = ["severity", "file", "sheet", "row", "column", "value", "message", "hint"]
        return pd.DataFrame([p.to_dict() for p in self.problems], columns=cols)


class DataError(KcevalError):
    """Input data have errors; ``problems`` lists every one of them (errors and warnings)."""

    def __init__(self, problems: Iterable[Problem], summary: str | None = None):
        self.problems = list(problems)
        n_err = sum(p.severity == "error" for p in self.problems)
        head = summary or f"{n_err} error(s) found in the input data"
        lines = [head + ":"] + [f"  - {p}" for p in self.problems if p.severity == "error"][:50]
        if n_err > 50:
            lines.append(f"  ... and {n_err - 50} more (use `kceval validate --json` for all)")
        super().__init__("\n".join(lines))
