"""In-year spending profile: cumulative execution by month, Q4 share, December spike, payments after the year.

All figures of plan year Y use the payments for the projects of plan year Y. The year end is
31 December of Y; payments after it (the January settlement period, or later) are reported
separately and never count in a year-end figure here. "Same day of year" means the same
calendar date (month and day) in another year. The year-end forecast built on the same
payment calendar is :mod:`kceval.metrics.forecast`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_by
from ..dataset import Dataset, check_dataset
from ..dataset.period import check_year, resolve_as_of
from .spending import project_rows

PROFILE_GROUPINGS: tuple[str, ...] = ("province", "region", "source")
YEAR_END = 1231


def payment_calendar(ds: Dataset, cols: list[str], as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Payments with their project's plan year and group columns, and a calendar key.

    key = (payment year − plan year)·10000 + month·100 + day, so ``key ≤ 1231`` is "paid by 31
    December of the plan year" and ``key ≤ 630`` "paid by 30 June of the plan year".
    """
    pay = ds.payments
    if as_of is not None:
        pay = pay[pay["date"].to_numpy() <= np.datetime64(as_of)]
    pos = project_rows(ds.projects, pay)
    keep = pos >= 0
    pos = pos[keep]
    pr = ds.projects
    dt = pay["date"].to_numpy()[keep]
    year = pr["year"].to_numpy()[pos]
    y, m, day = _civil_date(dt)
    out = pd.DataFrame({c: pr[c].to_numpy()[pos] for c in cols})
    out["year"] = year
    out["key"] = (y - year) * 10000 + m * 100 + day
    out["amount"] = pay["amount_vnd"].to_numpy()[keep]
    return out


def _civil_date(dt: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of datetime64 values, by integer arithmetic on the day number.

    H. Hinnant's ``civil_from_days`` (proleptic Gregorian, exact for every date): on millions of
    payments it is ~3× faster than numpy's casts to months and years. NaT takes the casts' path.
    """
    if np.isnat(dt).any():
        y = dt.astype("datetime64[Y]").astype(np.int64) + 1970
        m = dt.astype("datetime64[M]").astype(np.int64) % 12 + 1
        return y, m, (dt.astype("datetime64[D]") - dt.astype("datetime64[M]").astype("datetime64[D]")).astype(
            np.int64) + 1
    z = dt.astype("datetime64[D]").astype(np.int64) + 719_468      # days since 0000-03-01
    era = z // 146_097                                              # 400-year eras (floor: dates before 0)
    doe = z - era * 146_097                                         # day of era, 0–146096
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)                 # day of the March-based year
    mp = (5 * doy + 2) // 153                                       # March = 0
    m = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (m <= 2), m, doy - (153 * mp + 2) // 5 + 1


def plans_by_year(ds: Dataset, cols: list[str]) -> pd.Series:
    """Approved plan summed by ``cols`` and plan year."""
    return ds.plans.groupby(cols + ["year"])["approved_vnd"].sum()


# -- in-year profile --------------------------------------------------------------------------
def monthly_profile(
    ds: Dataset, *, year: int, by: str | Sequence[str] | None = None, as_of: Any = None
) -> pd.DataFrame:
    """Cumulative execution of plan year ``year`` by month, against the uniform line and the band of earlier years.

    Parameters
    ----------
    ds : Dataset
        Selected as wanted; earlier years of the same groups give the band.
    year : int
        Plan year.
    by : str or list of str, optional
        Columns among province, region, source.
    as_of : date, optional
        Months that start after it are left out; the month holding it counts to that day.

    Returns
    -------
    DataFrame
        ``by`` columns, month (1–12), paid_vnd, cumulative_vnd, plan_vnd, cumulative_rate
        (÷ approved plan), uniform_rate (month/12), band_min, band_median, band_max (earlier
        years' cumulative_rate at the end of that month; in the month holding ``as_of``, at the
        same day of that month, so that a partial month is compared with partial months),
        n_earlier_years.

    Examples
    --------
    >>> p = monthly_profile(Dataset.load().select(region="south"), year=2019, as_of="2019-06-30")
    >>> int(p["month"].max())
    6
    """
    check_dataset(ds)
    y0 = check_year(ds, year)
    cols = check_by(by, PROFILE_GROUPINGS)
    d = resolve_as_of(ds, as_of, year=y0)
    pf = payment_calendar(ds, cols)
    pf = pf[(pf["year"] <= y0) & (pf["key"] <= YEAR_END)]
    pf = pf[(pf["year"] < y0) | (pf["key"] <= (d.year - y0) * 10000 + d.month * 100 + d.day)]
    if d.year == y0:
        # like with like: in the month that holds the as-of date, earlier years count to the same day
        k = pf["key"].to_numpy()
        pf = pf[~((pf["year"].to_numpy() < y0) & (k // 100 == d.month) & (k % 100 > d.day))]
    month = np.clip(pf["key"].to_numpy() // 100, 1, 12)            # paid before the plan year: month 1
    key = cols + ["year"]
    paid = pf.assign(month=month).groupby(key + ["month"])["amount"].sum().unstack("month")
    paid = paid.reindex(columns=range(1, 13), fill_value=0).fillna(0)
    paid.columns = pd.Index(range(1, 13), name="month")
    plan = plans_by_year(ds, cols)
    plan = plan[plan.index.get_level_values("year") <= y0]
    paid = paid.reindex(plan.index.union(paid.index), fill_value=0)
    cum = paid.cumsum(axis=1)
    pv = plan.reindex(cum.index).astype(float)
    rate = cum.div(pv.where(pv > 0), axis=0)
    yrs = cum.index.get_level_values("year")
    earlier = rate[yrs < y0].stack().rename("r").reset_index()
    band = earlier.groupby(cols + ["month"])["r"].agg(["min", "median", "max", "count"])
    cur = pd.DataFrame({"paid_vnd": paid[yrs == y0].stack(), "cumulative_vnd": cum[yrs == y0].stack()})
    cur = cur.reset_index().drop(columns="year")
    plan_y = plan[plan.index.get_level_values("year") == y0].rename("plan_vnd").reset_index().drop(columns="year")
    cur = cur.merge(plan_y, on=cols, how="left") if cols else cur.assign(plan_vnd=plan_y["plan_vnd"].sum())
    first_unknown = (d.year - y0) * 12 + d.month                    # months ≥ this + 1 have not started
    cur = cur[cur["month"] <= first_unknown].copy()
    cur["paid_vnd"] = cur["paid_vnd"].round().astype(np.int64)
    cur["cumulative_vnd"] = cur["cumulative_vnd"].round().astype(np.int64)
    pvc = cur["plan_vnd"].astype(float)
    cur["cumulative_rate"] = cur["cumulative_vnd"] / pvc.where(pvc > 0)
    cur["uniform_rate"] = cur["month"] / 12
    band = band.rename(
        columns={"min": "band_min", "median": "band_median", "max": "band_max", "count": "n_earlier_years"}
    )
    cur = cur.merge(band.reset_index(), on=cols + ["month"], how="left")
    cur["n_earlier_years"] = cur["n_earlier_years"].fillna(0).astype(np.int64)
    return cur.sort_values(cols + ["month"]).reset_index(drop=True)


def profile_stats(ds: Dataset, *, year: int, by: str | Sequence[str] | None = None, as_of: Any = None) -> pd.DataFrame:
    """Q4 share, December spike ratio and share paid after 31 December, for plan year ``year``.

    q4_share = paid in October–December / paid in January–December of the plan year;
    december_ratio = December / mean monthly payment of January–November;
    after_year_end_share = paid after 31 December of the plan year / all paid for the year's
    projects (as of ``as_of``). The first two are NaN while the year is not over at ``as_of``.

    Returns
    -------
    DataFrame
        ``by`` columns, paid_in_year_vnd, q4_vnd, december_vnd, after_year_end_vnd, q4_share,
        december_ratio, after_year_end_share.

    Examples
    --------
    >>> s = profile_stats(Dataset.load().select(province="Đồng Nai"), year=2019, as_of="2020-06-30")
    >>> 0 <= float(s["q4_share"].iloc[0]) <= 1
    True
    """
    check_dataset(ds)
    y0 = check_year(ds, year)
    cols = check_by(by, PROFILE_GROUPINGS)
    d = resolve_as_of(ds, as_of, year=y0)
    pf = payment_calendar(ds, cols, d)
    pf = pf[pf["year"] == y0]
    k = pf["key"].to_numpy()
    a = pf["amount"].to_numpy(dtype=float)
    f = pd.DataFrame({c: pf[c].to_numpy() for c in cols}) if cols else pd.DataFrame({"_all": np.zeros(len(pf), int)})
    f["in_year"] = np.where(k <= YEAR_END, a, 0.0)
    f["q4"] = np.where((k >= 1001) & (k <= YEAR_END), a, 0.0)
    f["dec"] = np.where((k >= 1201) & (k <= YEAR_END), a, 0.0)
    f["after"] = np.where(k > YEAR_END, a, 0.0)
    f["all"] = a
    key = cols or ["_all"]
    plan = ds.plans[ds.plans["year"] == y0]
    groups = (plan.groupby(cols).size().index if cols else pd.Index([0], name="_all"))
    g = f.groupby(key).sum().reindex(groups.union(f.groupby(key).size().index) if cols else groups, fill_value=0)
    over = d >= pd.Timestamp(y0, 12, 31)
    out = pd.DataFrame(index=g.index)
    out["paid_in_year_vnd"] = g["in_year"].round().astype(np.int64)
    out["q4_vnd"] = g["q4"].round().astype(np.int64)
    out["december_vnd"] = g["dec"].round().astype(np.int64)
    out["after_year_end_vnd"] = g["after"].round().astype(np.int64)
    iy = g["in_year"].where(g["in_year"] > 0)
    jan_nov = (g["in_year"] - g["dec"]) / 11
    out["q4_share"] = (g["q4"] / iy) if over else np.nan
    out["december_ratio"] = (g["dec"] / jan_nov.where(jan_nov > 0)) if over else np.nan
    out["after_year_end_share"] = g["after"] / g["all"].where(g["all"] > 0)
    out = out.reset_index()
    return out.drop(columns="_all") if not cols else out
