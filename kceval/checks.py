"""Argument checks shared by every layer.

Each raises a :class:`~kceval.errors.ParameterError` that names the parameter, the allowed
values and what was received (the style of seaborn's messages).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ParameterError


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise a ParameterError naming ``name``.

    Examples
    --------
    >>> check_choice("source", "national", ["national", "local"])
    'national'
    """
    allowed = list(allowed)
    if value not in allowed:
        raise ParameterError(
            f"`{name}` must be one of {', '.join(map(repr, allowed))}; received {value!r}"
        )
    return value


def check_by(by: str | Iterable[str] | None, allowed: Iterable[Any], *, name: str = "by") -> list[str]:
    """A grouping argument as a list of distinct column names among ``allowed``.

    ``None`` means no grouping (an empty list); one name or a list of names is accepted.

    Examples
    --------
    >>> check_by("province", ["province", "region"]), check_by(None, []), check_by(["region"], ["region"])
    (['province'], [], ['region'])
    """
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    allowed = [str(c) for c in allowed]
    bad = [c for c in cols if not isinstance(c, str) or c not in allowed]
    if bad or len(set(cols)) != len(cols):
        raise ParameterError(f"`{name}` must be distinct columns among {', '.join(allowed)}; received {by!r}")
    return cols


_ISO_DATE = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}(?:[ T][0-9:.]+)?\s*")


def to_date(name: str, value: Any) -> pd.Timestamp:
    """A date argument as a Timestamp at midnight.

    A ``date``, ``datetime``, ``Timestamp``, ``datetime64`` or ``'YYYY-MM-DD'`` text.

    Text must be an ISO date (a time after it is allowed and dropped): "2019", "today" or
    "30/06/2019" are refused rather than guessed.

    Examples
    --------
    >>> to_date("as_of", "2019-06-30")
    Timestamp('2019-06-30 00:00:00')
    """
    ts: Any = pd.NaT
    if isinstance(value, (dt.date, pd.Timestamp, np.datetime64)) or (
        isinstance(value, str) and _ISO_DATE.fullmatch(value)
    ):
        try:
            ts = pd.Timestamp(value)
        except (ValueError, TypeError):
            ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise ParameterError(f"`{name}` must be a date written YYYY-MM-DD; received {value!r}")
    return ts.normalize()


def check_out_dir(name: str, value: Any) -> Path:
    """An output folder kceval can create and write to, checked before any work starts.

    The folder (and any missing parents) is created and a probe file written in it and removed,
    so that a file in the way, a name too long, a read-only place or a parent that is a file is
    a usage error naming ``name`` rather than a traceback after minutes of work. Folders this
    check created are removed again: a command that then fails writes nothing.

    Examples
    --------
    >>> import tempfile
    >>> check_out_dir("out", tempfile.mkdtemp()).is_dir()
    True
    >>> check_out_dir("out", "/proc/kceval")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kceval.errors.ParameterError: `out` must be a folder kceval can create and write files in; received ...
    """
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value) or "\x00" in os.fspath(value):
        raise ParameterError(f"`{name}` must be a folder path; received {value!r}")
    path = Path(value)

    def refuse(why: str) -> ParameterError:
        return ParameterError(
            f"`{name}` must be a folder kceval can create and write files in; received {os.fspath(value)!r} ({why})")

    missing: list[Path] = []  # the folders this check creates, deepest first, to remove them again
    try:
        if path.exists() and not path.is_dir():
            raise refuse("an existing file, not a folder")
        p = path.absolute()
        while not p.exists() and p != p.parent:
            missing.append(p)
            p = p.parent
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".kceval-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:  # stat or mkdir: a name too long, no permission, a parent that is a file...
        raise refuse(exc.strerror or type(exc).__name__) from None
    finally:
        for d in missing:
            try:
                d.rmdir()
            except OSError:
                break  # not created by us after all, or not empty: leave it
    return path
