"""The year-end forecast of execution from an as-of date inside the plan year, and its backtest.

Forecast methods (both return execution rates against the approved plan):

- seasonal ratio: F = Yₘ / cₘ, with Yₘ executed at the as-of date and cₘ the median over
  earlier years of the cumulative share of year-end execution paid by the same calendar date,
  for the same province, falling back to its region when the province has fewer than 2 earlier
  years. The interval is Yₘ / max(c) to Yₘ / min(c) over those earlier years (min–max range);
  with a single earlier year there is no range, and the interval is unavailable (NaN), not a point.
- naive linear: F = Yₘ × days in year / day of year.

Payments are placed on the calendar of their plan year by :func:`kceval.metrics.profile.payment_calendar`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import geo
from ..dataset import Dataset, check_dataset
from ..dataset.basis import region_on_basis
from ..dataset.period import check_year, resolve_as_of
from ..errors import ParameterError
from .intervals import Estimate
from .profile import YEAR_END, payment_calendar, plans_by_year

MIN_YEARS_FOR_RANGE = 2  # the interval is the min–max of c over the earlier years


def _c_stats(pf: pd.DataFrame, cols: list[str], year: int, md: int) -> pd.DataFrame:
    """Median / min / max / count over years < ``year`` of c = paid by month-day ``md`` / paid by 31 December."""
    e = pf[(pf["year"] < year) & (pf["key"] <= YEAR_END)]
    key = cols + ["year"]
    ye = e.groupby(key)["amount"].sum()
    cm = e[e["key"] <= md].groupby(key)["amount"].sum().reindex(ye.index, fill_value=0)
    c = (cm / ye.where(ye > 0)).dropna().rename("c").reset_index()
    if cols:
        return c.groupby(cols)["c"].agg(["median", "min", "max", "count"])
    s = c["c"]
    return pd.DataFrame({"median": [s.median()], "min": [s.min()], "max": [s.max()], "count": [len(s)]},
                        index=pd.Index([0], name="_all"))


def year_end_forecast(ds: Dataset, *, year: int, as_of: Any, by: str | None = "province",
                      min_years: int = 2) -> pd.DataFrame:
    """Forecast each group's year-end (31 December) execution rate of plan year ``year`` from ``as_of``.

    Parameters
    ----------
    ds : Dataset
        Pass the whole region or country: the region fallback uses the earlier years of the
        region's provinces present in ``ds``.
    year : int
        Plan year; ``as_of`` must fall within it (1 January–30 December).
    by : 'province', 'region' or None
        None = the whole selection as one group.
    min_years : int
        Earlier years a province needs for its own seasonal ratio (default 2); below that its
        region's is used.

    Returns
    -------
    DataFrame
        ``by`` column, plan_vnd, executed_vnd (at as_of), c_median, c_min, c_max, n_years,
        c_level ('province', 'region' or 'national'), forecast_vnd, forecast_rate,
        forecast_low, forecast_high (rates, from the min–max of c; NaN with fewer than two earlier
        years, when there is no range), naive_forecast_rate,
        forecast_gap_vnd (plan − forecast), forecast_gap_points.

    Examples
    --------
    >>> f = year_end_forecast(Dataset.load().select(region="south"), year=2024, as_of="2024-06-30", by="region")
    >>> low, rate, high = f.loc[0, ["forecast_low", "forecast_rate", "forecast_high"]]
    >>> int(f["n_years"].iloc[0]), bool(low <= rate <= high)
    (6, True)

    With one earlier year (2018 for 2019) there is no range:

    >>> f = year_end_forecast(Dataset.load().select(region="south"), year=2019, as_of="2019-06-30", by="region")
    >>> int(f["n_years"].iloc[0]), bool(f["forecast_low"].isna().iloc[0])
    (1, True)
    """
    check_dataset(ds)
    y0 = check_year(ds, year)
    if by not in (None, "province", "region"):
        raise ParameterError(f"`by` must be 'province', 'region' or None; received {by!r}")
    if not isinstance(min_years, (int, np.integer)) or min_years < 1:
        raise ParameterError(f"`min_years` must be a positive integer; received {min_years!r}")
    d = resolve_as_of(ds, as_of)
    if not pd.Timestamp(y0, 1, 1) <= d < pd.Timestamp(y0, 12, 31):
        raise ParameterError(
            f"`as_of` must fall within the plan year {y0} (before 31 December) for a forecast; received {d.date()}"
        )
    md = d.month * 100 + d.day
    cols = [by] if by else []
    extra = ["region"] if by == "province" else []
    pf = payment_calendar(ds, cols + extra)
    pf = pf[pf["year"] <= y0]
    stats = _c_stats(pf, cols, y0, md)
    cur = pf[(pf["year"] == y0) & (pf["key"] <= md)]
    ex = (
        cur.groupby(cols)["amount"].sum()
        if cols
        else pd.Series([cur["amount"].sum()], index=pd.Index([0], name="_all"))
    )
    plan = ds.plans[ds.plans["year"] == y0]
    pl = (
        plan.groupby(cols)["approved_vnd"].sum()
        if cols
        else pd.Series([plan["approved_vnd"].sum()], index=pd.Index([0], name="_all"))
    )
    out = pd.DataFrame({"plan_vnd": pl}).join(ex.rename("executed_vnd"), how="outer").fillna(0)
    out = out.join(stats.rename(columns={"median": "c_median", "min": "c_min", "max": "c_max", "count": "n_years"}))
    out["n_years"] = out["n_years"].fillna(0).astype(np.int64)
    out["c_level"] = by or "national"
    if by == "province":
        reg = _c_stats(pf, ["region"], y0, md)
        few = out["n_years"] < min_years
        # each province's region as the data have it (on the units' basis, a regions file's): from the plans (a few
        # hundred rows), else from the projects of the provinces without a plan
        region = ds.plans.drop_duplicates("province").set_index("province")["region"]
        missing = out.index.difference(region.index)
        if len(missing):
            pr = ds.projects[ds.projects["province"].isin(missing)]
            region = pd.concat([region, pr.drop_duplicates("province").set_index("province")["region"]])
        r = out.index.map(region).to_numpy()
        rs = reg.reindex(r)
        for a, b in (("c_median", "median"), ("c_min", "min"), ("c_max", "max"), ("n_years", "count")):
            out.loc[few, a] = rs[b].to_numpy()[few.to_numpy()]
        out.loc[few, "c_level"] = "region"
        out["n_years"] = out["n_years"].fillna(0).astype(np.int64)
    plan_f = out["plan_vnd"].astype(float).where(out["plan_vnd"] > 0)
    y = out["executed_vnd"].astype(float)
    cmed = out["c_median"].where(out["c_median"] > 0)
    out["forecast_vnd"] = y / cmed
    out["forecast_rate"] = out["forecast_vnd"] / plan_f
    # a range needs at least two earlier years: with one, min = max and a "range" would be a point
    ranged = out["n_years"] >= MIN_YEARS_FOR_RANGE
    out["forecast_low"] = (y / out["c_max"].where(out["c_max"] > 0) / plan_f).where(ranged)
    out["forecast_high"] = (y / out["c_min"].where(out["c_min"] > 0) / plan_f).where(ranged)
    days = 366 if pd.Timestamp(y0, 12, 31).dayofyear == 366 else 365
    out["naive_forecast_rate"] = y * days / d.dayofyear / plan_f
    out["forecast_gap_vnd"] = out["plan_vnd"] - out["forecast_vnd"]
    out["forecast_gap_points"] = (1 - out["forecast_rate"]) * 100
    out["executed_vnd"] = out["executed_vnd"].round().astype(np.int64)
    out["plan_vnd"] = out["plan_vnd"].round().astype(np.int64)
    out = out.reset_index()
    return out.drop(columns="_all") if not cols else out


def forecast(ds: Dataset, *, year: int, as_of: Any, province: str | None = None,
             region: str | None = None) -> dict[str, Estimate]:
    """Year-end execution-rate forecasts of one selection as :class:`Estimate` records.

    ``ds`` is the full data; the selection is made here (province falls back to its region's
    seasonal ratio when it has fewer than 2 earlier years).

    Returns
    -------
    dict
        ``{'seasonal': Estimate, 'naive': Estimate}``; the naive one has no interval
        (low = high = estimate) and n = 0 earlier years.

    Examples
    --------
    >>> f = forecast(Dataset.load(), year=2019, as_of="2019-06-30", region="south")
    >>> f["seasonal"].method.startswith("seasonal ratio")
    True
    """
    if province and region:
        raise ParameterError(f"give `province` or `region`, not both; received {province!r}, {region!r}")
    if province:
        p = geo.match_province(province)
        f = year_end_forecast(ds.select(region=region_on_basis(p, ds.basis, ds.regions_file)), year=year,
                              as_of=as_of, by="province")
        row = f[f["province"] == p]
        if not len(row):
            raise ParameterError(f"`province` {p!r} has no plan or payments in {year}")
    elif region:
        f = year_end_forecast(ds.select(region=geo.check_region(region)), year=year, as_of=as_of, by="region")
        row = f
    else:
        row = year_end_forecast(ds, year=year, as_of=as_of, by=None)
    r = row.iloc[0]
    n = int(r["n_years"])
    spread = "interval min–max of c" if n >= MIN_YEARS_FOR_RANGE else "no interval with fewer than 2 earlier years"
    method = f"seasonal ratio ({r['c_level']} c, {n} earlier years; {spread})"
    seasonal = Estimate(float(r["forecast_rate"]), float(r["forecast_low"]), float(r["forecast_high"]),
                        n, method, denominator="approved plan")
    naive = Estimate(float(r["naive_forecast_rate"]), float(r["naive_forecast_rate"]), float(r["naive_forecast_rate"]),
                     0, "naive linear (executed × days in year / day of year)", denominator="approved plan")
    return {"seasonal": seasonal, "naive": naive}


def forecast_backtest(ds: Dataset, *, by: str | None = None, dates: Sequence[str] = ("06-30", "09-30"),
                      details: bool = False) -> pd.DataFrame:
    """Backtest both forecast methods on the earlier years: mean absolute error in rate points.

    For each year with earlier years in ``ds`` and each month-day in ``dates``, the year-end
    rate (payments by 31 December ÷ approved plan) is forecast from that date using only the
    years before it, and compared with what happened.

    Returns
    -------
    DataFrame
        ``by`` column, date, method ('seasonal' or 'naive'), mae_points, n_years; with
        ``details=True`` one row per (group, year, date, method) with the forecast, the actual
        rate and abs_error_points instead.

    Examples
    --------
    >>> bt = forecast_backtest(Dataset.load().select(region="south"), by="region")
    >>> sorted(bt["method"].unique())
    ['naive', 'seasonal']
    """
    check_dataset(ds)
    if by not in (None, "province", "region"):
        raise ParameterError(f"`by` must be 'province', 'region' or None; received {by!r}")
    cols = [by] if by else []
    rows = []
    pf = payment_calendar(ds, cols)
    e = pf[pf["key"] <= YEAR_END]
    ye = e.groupby(cols + ["year"])["amount"].sum() if cols else e.groupby("year")["amount"].sum()
    plan = plans_by_year(ds, cols) if cols else ds.plans.groupby("year")["approved_vnd"].sum()
    actual = (ye.reindex(plan.index, fill_value=0) / plan.where(plan > 0)).rename("actual_rate")
    for md in dates:
        try:
            mo, dy = (int(x) for x in str(md).split("-"))
            pd.Timestamp(2001, mo, dy)
        except (ValueError, TypeError):
            raise ParameterError(f"`dates` must be month-days written MM-DD such as '06-30'; received {md!r}") from None
        for y in ds.years[1:]:                       # a handful of years, not projects
            try:
                f = year_end_forecast(ds, year=y, as_of=pd.Timestamp(y, mo, dy), by=by)
            except ParameterError:
                continue
            f = f.assign(year=y, date=str(md))
            rows.append(f)
    if not rows:
        raise ParameterError("`ds` has no year with earlier years to backtest on")
    f = pd.concat(rows, ignore_index=True)
    f = f.merge(actual.reset_index(), on=cols + ["year"], how="left")
    long = pd.concat([f.assign(method="seasonal", forecast=f["forecast_rate"]),
                      f.assign(method="naive", forecast=f["naive_forecast_rate"])], ignore_index=True)
    long["abs_error_points"] = (long["forecast"] - long["actual_rate"]).abs() * 100
    long = long[cols + ["year", "date", "method", "forecast", "actual_rate", "abs_error_points", "n_years"]]
    if details:
        return long.sort_values(cols + ["year", "date", "method"]).reset_index(drop=True)
    ok = long.dropna(subset=["abs_error_points"])
    return ok.groupby(cols + ["date", "method"]).agg(mae_points=("abs_error_points", "mean"),
                                                     n_years=("year", "nunique")).reset_index()
