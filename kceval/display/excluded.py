"""What the errors of a dataset left out, said in one line for the command line (``kceval summary``)."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_ROW_WORD = {"plans": "plan", "projects": "project", "events": "event", "payments": "payment"}


def excluded_counts(ds: Any) -> dict[str, int]:
    """Rows of each table left out of every figure because of errors (the whole data, not a selection).

    A row with errors may have no valid province or year, so it cannot be placed in a selection.

    Examples
    --------
    >>> from kceval.dataset import Dataset
    >>> excluded_counts(Dataset.load())
    {'plans': 0, 'projects': 0, 'events': 0, 'payments': 0}
    """
    return {t: len(ds.excluded.get(t, ())) for t in _ROW_WORD}


def excluded_note(ds: Any) -> str | None:
    """One line saying how many rows errors excluded and why, or None when the data have no error.

    The reasons are the error messages with their quoted values left out, most frequent first.

    Examples
    --------
    >>> from kceval.dataset import Dataset
    >>> excluded_note(Dataset.load()) is None
    True
    """
    errors = [p for p in ds.problems if p.severity == "error"]
    if not errors:
        return None
    reasons = Counter(" ".join(_QUOTED.sub("…", p.message).split()) for p in errors).most_common()
    why = ", ".join(f"{r}: {n}" for r, n in reasons[:4]) + (", …" if len(reasons) > 4 else "")
    rows = [f"{n} {_ROW_WORD[t]} row{'s' if n != 1 else ''}" for t, n in excluded_counts(ds).items() if n]
    if rows:
        what = (", ".join(rows[:-1]) + " and " + rows[-1] if len(rows) > 1 else rows[0]) + " excluded because of errors"
    else:  # errors found while reading a sheet: its rows never reached the tables
        what = f"{len(errors)} error(s) in the data; the rows concerned were left out when reading"
    return f"note: {what} ({why}); run `kceval validate {ds.source}` for the list"
