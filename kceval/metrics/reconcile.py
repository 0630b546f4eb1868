"""Reconciliation: the published figures of the programme computed again from the project data.

:func:`computed_figures` computes, from a :class:`~kceval.dataset.Dataset`, every measure of
the published table (:func:`kceval.io.published.load_published`) its years cover, and
:func:`reconcile` sets computed and published figures side by side.

Denominators (pitfall seen in published reports): an ``execution_rate`` of a source is that
source's executed money over **that source's own plan**; ``share_of_executed`` and
``share_of_plan`` are shares of the **combined** total of both sources.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import geo
from ..dataset import Dataset
from ..errors import ParameterError
from ..io.published import KEYS, load_published
from .outputs import outputs

# count measures: (activity, column of kceval.metrics.outputs.outputs), done by period_end
COUNTS = {
    "machinery_supports": ("machinery", "establishments_done"),
    "cleaner_production_assessments": ("cleaner_production", "projects_done"),
    "fairs": ("fair", "projects_done"), "fair_participations": ("fair", "output_done"),
    "brand_supports": ("brand", "projects_done"), "consulting_projects": ("consulting", "projects_done"),
    "demonstration_models": ("demonstration", "projects_done"), "trainees": ("training", "output_done"),
}
_BILLION = 1e9


def _scope(ds: Dataset, region: str, years: list[int]) -> Dataset:
    """The part of ``ds`` a published region label refers to (a region, the country or a province) in
    ``years``; like the published figure, a region or name is read on the basis of its period (from 2025
    the 34 units and their assumed regions, :meth:`Dataset.select`)."""
    if region == "national":
        return ds.select(year=years)
    if region in geo.REGIONS:
        return ds.select(year=years, region=region)
    return ds.select(year=years, province=region)


def _one(ds: Dataset, row: Any) -> float | None:
    """The computed value of one published row, or None when the data cannot give it."""
    start, end, measure, src = row.period_start, row.period_end, row.measure, row.source_of_funds
    years = list(range(start.year, end.year + 1))
    if not set(years) <= set(ds.years):
        return None
    part = _scope(ds, row.region, years)
    plans, pr = part.plans, part.projects

    def plan(s: str) -> float:
        p = plans if s == "total" else plans[plans["source"] == s]
        return float(p["approved_vnd"].sum())

    def executed(s: str) -> float:
        pay = part.payments[part.payments["date"] <= end]
        ids = pr["project_id"] if s == "total" else pr.loc[pr["source"] == s, "project_id"]
        return float(pay.loc[pay["project_id"].isin(ids), "amount_vnd"].sum())

    if measure == "plan":
        return plan(src) / _BILLION
    if measure == "executed":
        return executed(src) / _BILLION
    if measure == "counterpart":
        p = pr if src == "total" else pr[pr["source"] == src]
        return float(p["counterpart_vnd"].sum()) / _BILLION
    if measure == "execution_rate":  # own-source denominator
        den = plan(src)
        return 100.0 * executed(src) / den if den else None
    if measure == "share_of_executed":  # combined denominator
        den = executed("total")
        return 100.0 * executed(src) / den if den else None
    if measure == "share_of_plan":
        den = plan("total")
        return 100.0 * plan(src) / den if den else None
    if measure in COUNTS:
        act, col = COUNTS[measure]
        got = outputs(pr if src == "total" else pr[pr["source"] == src], as_of=end)
        return float(got.loc[got["activity"] == act, col].sum())
    return None


def computed_figures(ds: Dataset, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compute from a Dataset every published measure its years cover.

    Plans are ``approved_vnd`` of the period's plan years; executed money is the sum of payments
    dated ≤ ``period_end`` for projects of those plan years; execution rates use each source's
    own plan; shares use the combined total; counts are projects (or their beneficiaries or
    outputs) finished or accepted by ``period_end``. Money is in billion VND like the published
    figures.

    Parameters
    ----------
    ds : Dataset
        Loaded data (e.g. :meth:`Dataset.load`).
    published : DataFrame, optional
        Which figures to compute; default :func:`load_published`.

    Returns
    -------
    DataFrame
        region, period_end, measure, source_of_funds, value, unit.

    Examples
    --------
    >>> c = computed_figures(Dataset.load())
    >>> float(c.query("region == 'south' and measure == 'plan'")["value"].iloc[0])
    85.865
    """
    pub = load_published() if published is None else published
    rows = []
    for row in pub.itertuples(index=False):  # a few dozen published figures, not projects
        v = _one(ds, row)
        if v is not None:
            rows.append((row.region, row.period_end, row.measure, row.source_of_funds, v, row.unit))
    return pd.DataFrame(rows, columns=[*KEYS, "value", "unit"])


def reconcile(computed: pd.DataFrame, published: pd.DataFrame | None = None, *, rtol: float = 0.005) -> pd.DataFrame:
    """Set computed figures beside the published ones.

    Parameters
    ----------
    computed : DataFrame
        Columns region, period_end, measure, source_of_funds and ``value`` (or ``computed``), in
        the published units (see :func:`computed_figures`).
    published : DataFrame, optional
        Default :func:`load_published`.
    rtol : float
        Relative tolerance of a match (default 0.5 %); a published zero matches only zero.

    Returns
    -------
    DataFrame
        region, period_end, measure, source_of_funds, published, computed, difference
        (computed − published), relative_difference (difference / |published|), match; one row
        per figure present in both.

    Examples
    --------
    >>> pub = load_published()
    >>> c = pd.DataFrame({"region": ["south"], "period_end": [pd.Timestamp("2019-12-31")],
    ...                   "measure": ["plan"], "source_of_funds": ["total"], "value": [85.0]})
    >>> r = reconcile(c, pub)
    >>> round(float(r["relative_difference"].iloc[0]), 4), bool(r["match"].iloc[0])
    (-0.0101, False)
    """
    if not isinstance(rtol, (int, float)) or isinstance(rtol, bool) or not rtol >= 0:
        raise ParameterError(f"`rtol` must be a number ≥ 0 (e.g. 0.005); received {rtol!r}")
    pub = load_published() if published is None else published
    col = "computed" if "computed" in computed.columns else "value"
    missing = [c for c in [*KEYS, col] if c not in computed.columns]
    if missing:
        raise ParameterError(f"`computed` must have the columns {', '.join(KEYS)} and 'value'; missing {missing}")
    c = computed[[*KEYS, col]].rename(columns={col: "computed"})
    c = c.assign(period_end=pd.to_datetime(c["period_end"]))
    p = pub[[*KEYS, "value"]].rename(columns={"value": "published"})
    out = p.merge(c, on=KEYS, how="inner", validate="one_to_one")
    diff = out["computed"] - out["published"]
    scale = out["published"].abs()
    rel = np.where(scale > 0, diff / scale.where(scale > 0, 1.0), np.where(diff == 0, 0.0, np.inf))
    match = np.where(scale > 0, diff.abs() <= rtol * scale, diff.abs() < 1e-12)
    return out.assign(difference=diff, relative_difference=rel, match=match.astype(bool))[
        [*KEYS, "published", "computed", "difference", "relative_difference", "match"]]
