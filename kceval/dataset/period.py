"""The plan year and as-of date a question is about, checked against the data: the one resolver.

A plan year must be one of the data's years. An as-of date must lie in the data's span
(1 January of the first year to 31 December after the last, which covers the settlement
period) and, when a plan year is given, not before 1 January of that year. Without an as-of
date, metric functions use the last payment date (everything known) and headline figures use
31 December of the plan year, or the data's last date for a year still in progress (:func:`resolve_period`).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..checks import to_date
from ..errors import ParameterError
from .dataset import Dataset


def check_year(ds: Dataset, year: Any) -> int:
    """``year`` as an int if the data have it, else a ParameterError listing the data's years."""
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"`year` must be an integer year such as 2019; received {year!r}") from None
    years = ds.years
    if y not in years:
        raise ParameterError(f"`year` must be one of the data's years {years}; received {year!r}")
    return y


def data_span(ds: Dataset) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Dates an as-of date may take: 1 January of the first year to 31 December after the last."""
    years = ds.years
    return pd.Timestamp(years[0], 1, 1), pd.Timestamp(years[-1] + 1, 12, 31)


def year_end(year: int) -> pd.Timestamp:
    """31 December of a plan year: the as-of date of a headline when none is given."""
    return pd.Timestamp(year=int(year), month=12, day=31)


def resolve_as_of(ds: Dataset, as_of: Any = None, *, year: int | None = None) -> pd.Timestamp:
    """The as-of date to use: ``as_of`` checked against the data's span (and not before 1 January
    of ``year`` when given), or the last payment date when ``as_of`` is None.

    Examples
    --------
    >>> resolve_as_of(Dataset.load(), "2019-06-30")
    Timestamp('2019-06-30 00:00:00')
    """
    lo, hi = data_span(ds)
    if as_of is None:
        d = ds.payments["date"].max() if len(ds.payments) else hi
    else:
        d = to_date("as_of", as_of)
        if not lo <= d <= hi:
            raise ParameterError(f"`as_of` must lie within the data, {lo.date()} to {hi.date()}; received {d.date()}")
    if year is not None and d < pd.Timestamp(int(year), 1, 1):
        raise ParameterError(f"`as_of` must not be before the plan year {year}; received {d.date()}")
    return d


def last_date(ds: Dataset) -> pd.Timestamp | None:
    """The latest date the data show (a payment, an event, an approval, a finish, an acceptance or a stop):
    what the data are known up to, their snapshot. None for data with no date.

    Examples
    --------
    >>> last_date(Dataset.load())
    Timestamp('2026-11-30 00:00:00')
    """
    dates = [ds.payments["date"].max(), ds.events["date"].max()]
    dates += [ds.projects[c].max() for c in ("approved_on", "finished_on", "accepted_on", "stopped_on")
              if c in ds.projects.columns]
    known = [d for d in dates if pd.notna(d)]
    return max(known) if known else None


def resolve_period(ds: Dataset, year: Any, as_of: Any = None) -> tuple[int, pd.Timestamp]:
    """The plan year and as-of date of a headline figure: ``year`` checked against the data, and
    :func:`resolve_as_of` of ``as_of``; by default 31 December of the year or, for a year still in
    progress in the data (their :func:`last_date` falls before its end), that last date.

    Examples
    --------
    >>> resolve_period(Dataset.load(), 2019)
    (2019, Timestamp('2019-12-31 00:00:00'))
    >>> resolve_period(Dataset.load(), 2026)
    (2026, Timestamp('2026-11-30 00:00:00'))
    """
    y = check_year(ds, year)
    if as_of is None:
        end, known = year_end(y), last_date(ds)
        as_of = known if known is not None and pd.Timestamp(y, 1, 1) <= known < end else end
    return y, resolve_as_of(ds, as_of, year=y)
