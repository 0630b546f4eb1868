"""Unit costs: what each output cost, by activity, compared fairly across provinces, and the legal caps.

Costs are those of the projects done by the date D (finished or accepted, :func:`kceval.metrics.outputs.done_by`)
whose output is known: **support per establishment** (state support ÷ establishments supported), **support per
output** (÷ the activity's output, :data:`kceval.metrics.outputs.OUTPUT_UNITS`) and **total cost per output**
((support + counterpart) ÷ output, over the projects whose counterpart is known).

Comparing provinces (:func:`score_unit_costs`): unit costs are skewed (a few large projects), so they are compared
on the log scale with a robust z-score, ``z = 0.6745 (log c − median) / MAD`` over the provinces of the activity
(Iglewicz and Hoaglin's modified z; MAD the median absolute deviation of the logs); ``|z| > 3.5`` flags an
outlier. Only provinces with at least ``min_projects`` done projects in the activity are scored, and the median
and interquartile range are those of the scored provinces.

Caps (:func:`cap_check`): national support per establishment, or per project, above the activity's cap
(TTLT 26/2014 Art. 6.2, :data:`kceval.schema.SUPPORT_CAPS`) is a data or compliance issue; priority areas may get
1.5× the cap, so ``above_priority_cap`` tells the certain cases. Provinces set their own caps for local money,
which is not checked.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_by, to_date
from ..errors import ParameterError
from ..schema import SUPPORT_CAPS
from .outputs import OUTPUT_UNITS, done_by, output_values

MODIFIED_Z = 3.5  # Iglewicz and Hoaglin (1993): |modified z| above 3.5 is a potential outlier
NORMAL_Q3 = 0.6744897501960817  # the standard normal's 75% quantile ("0.6745"): MAD / 0.6745 estimates the SD
COST_COLUMNS = ["projects", "establishments", "output", "support_vnd", "support_per_establishment",
                "support_per_output", "total_per_output"]


def _check(projects: Any) -> None:
    need = {"activity", "beneficiaries", "support_vnd", "counterpart_vnd", "approved_on", "accepted_on",
            "finished_on", "output_count"}
    if not isinstance(projects, pd.DataFrame) or not need <= set(projects.columns):
        got = type(projects).__name__ if not isinstance(projects, pd.DataFrame) else sorted(projects.columns)
        raise ParameterError(f"`projects` must be a projects table with columns {sorted(need)}; received {got}")


def _done_with_output(projects: pd.DataFrame, d: pd.Timestamp) -> pd.DataFrame:
    """The done projects of activities with an output, with their output (rows of unknown output dropped)."""
    p = projects[projects["activity"].isin(list(OUTPUT_UNITS))]
    p = p[done_by(p, d).to_numpy()]
    out = output_values(p)
    cp = p["counterpart_vnd"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    f = p.assign(_output=out, _counterpart=cp)
    return f[f["_output"] > 0]


def unit_costs(projects: pd.DataFrame, *, as_of: Any, by: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Unit costs by activity (and ``by``) of the projects done by ``as_of`` (see the module notes).

    Returns
    -------
    DataFrame
        ``*by, activity, projects, establishments, output, support_vnd, support_per_establishment,
        support_per_output, total_per_output`` (VND; ``total_per_output`` NaN when no counterpart is known).

    Examples
    --------
    >>> p = pd.DataFrame({"activity": ["fair", "fair"], "beneficiaries": [40, 20], "output_count": [40, 20],
    ...     "support_vnd": [300_000_000, 100_000_000], "counterpart_vnd": pd.array([100_000_000, None], dtype="Int64"),
    ...     "approved_on": pd.to_datetime(["2019-02-01"] * 2), "accepted_on": pd.to_datetime(["2019-05-02"] * 2),
    ...     "finished_on": pd.to_datetime([None, None])})
    >>> unit_costs(p, as_of="2019-06-30")[["support_per_output", "total_per_output"]].values.tolist()
    [[6666666.666666667, 10000000.0]]
    """
    _check(projects)
    cols = check_by(by, projects.columns)
    f = _done_with_output(projects, to_date("as_of", as_of))
    known = ~np.isnan(f["_counterpart"].to_numpy())
    t = pd.DataFrame({c: f[c].to_numpy() for c in cols} | {
        "activity": f["activity"].to_numpy(), "projects": 1, "establishments": f["beneficiaries"].to_numpy(),
        "output": f["_output"].to_numpy(), "support_vnd": f["support_vnd"].to_numpy(dtype="float64"),
        "_total_known": np.where(known, f["support_vnd"].to_numpy(dtype="float64") + np.nan_to_num(f["_counterpart"]),
                                 0.0),
        "_output_known": np.where(known, f["_output"].to_numpy(), 0.0)})
    g = t.groupby([*cols, "activity"], sort=True).sum().reset_index()
    g["support_per_establishment"] = g["support_vnd"] / g["establishments"]
    g["support_per_output"] = g["support_vnd"] / g["output"]
    g["total_per_output"] = g["_total_known"] / g["_output_known"].where(g["_output_known"] > 0)
    g["output"] = g["output"].round().astype("int64")
    return g[[*cols, "activity", *COST_COLUMNS]]


def score_unit_costs(projects: pd.DataFrame, *, as_of: Any, unit: str = "province", min_projects: int = 3,
                     measure: str = "support_per_output") -> pd.DataFrame:
    """Each ``unit``'s cost per output against the other units, by activity: median, interquartile range and a
    robust z-score on the log scale (see the module notes).

    Returns
    -------
    DataFrame
        ``activity, <unit>, projects, <measure>, scored`` (enough projects), ``median, q1, q3, n_scored`` (of the
        scored units of the activity), ``projects_scored`` (the done projects behind them), ``log_z`` and
        ``outlier`` (``|log_z| > 3.5``; NaN/False when not scored
        or when the units do not vary).

    Examples
    --------
    >>> p = pd.DataFrame({"province": list("ABCDE") * 3, "activity": "fair", "beneficiaries": 10,
    ...     "output_count": 10, "support_vnd": [100, 110, 90, 105, 2000] * 3, "counterpart_vnd": pd.array([None] * 15,
    ...     dtype="Int64"), "approved_on": pd.Timestamp("2019-01-01"), "accepted_on": pd.Timestamp("2019-05-01"),
    ...     "finished_on": pd.NaT})
    >>> score_unit_costs(p, as_of="2019-12-31")[["province", "outlier"]].values.tolist()
    [['A', False], ['B', False], ['C', False], ['D', False], ['E', True]]
    """
    if measure not in ("support_per_output", "support_per_establishment", "total_per_output"):
        raise ParameterError("`measure` must be support_per_output, support_per_establishment or total_per_output; "
                             f"received {measure!r}")
    if not isinstance(min_projects, int) or min_projects < 1:
        raise ParameterError(f"`min_projects` must be a whole number of at least 1; received {min_projects!r}")
    c = unit_costs(projects, as_of=as_of, by=unit)
    c = c[["activity", unit, "projects", measure]].copy()
    c["scored"] = (c["projects"] >= min_projects) & c[measure].gt(0)
    ok = c[c["scored"]].groupby("activity")[measure]
    behind = c[c["scored"]].groupby("activity")["projects"].sum()
    stats = pd.DataFrame({"median": ok.median(), "q1": ok.quantile(0.25), "q3": ok.quantile(0.75),
                          "n_scored": ok.size(), "projects_scored": behind})
    c = c.join(stats, on="activity")
    c[["n_scored", "projects_scored"]] = c[["n_scored", "projects_scored"]].fillna(0).astype("int64")
    logs = np.log(c[measure].where(c["scored"]))
    med = logs.groupby(c["activity"]).transform("median")
    mad = (logs - med).abs().groupby(c["activity"]).transform("median")
    c["log_z"] = (NORMAL_Q3 * (logs - med) / mad.where(mad > 0)).astype("float64")
    c["outlier"] = c["log_z"].abs().gt(MODIFIED_Z)
    return c.sort_values(["activity", unit], kind="mergesort").reset_index(drop=True)


def cap_check(projects: pd.DataFrame) -> pd.DataFrame:
    """National projects whose support is above the activity's cap (per establishment, or per project).

    Returns
    -------
    DataFrame
        The projects above the cap (any index kept): ``project_id, province, activity, support_vnd,
        beneficiaries, cap_vnd, per_unit_vnd`` (support per establishment where the cap is per establishment,
        else per project), ``ratio`` (÷ cap) and ``above_priority_cap`` (above 1.5× the cap).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "province": "Đồng Nai", "activity": "machinery",
    ...     "source": "national", "support_vnd": [450_000_000, 300_000_000], "beneficiaries": [2, 2]})
    >>> cap_check(p)[["project_id", "per_unit_vnd", "ratio"]].values.tolist()
    [['A', 225000000.0, 1.125]]
    """
    need = {"project_id", "province", "activity", "source", "support_vnd", "beneficiaries"}
    if not isinstance(projects, pd.DataFrame) or not need <= set(projects.columns):
        raise ParameterError(f"`projects` must be a projects table with columns {sorted(need)}")
    p = projects[(projects["source"] == "national") & projects["activity"].isin(list(SUPPORT_CAPS))]
    cap = p["activity"].map({a: c for a, (c, _) in SUPPORT_CAPS.items()}).astype("float64")
    per_est = p["activity"].map({a: e for a, (_, e) in SUPPORT_CAPS.items()}).astype(bool)
    per_unit = p["support_vnd"].astype("float64") / np.where(per_est, p["beneficiaries"].clip(lower=1), 1)
    ratio = per_unit / cap
    out = p.assign(cap_vnd=cap, per_unit_vnd=per_unit, ratio=ratio, above_priority_cap=ratio > 1.5)
    return out.loc[ratio > 1, ["project_id", "province", "activity", "support_vnd", "beneficiaries", "cap_vnd",
                               "per_unit_vnd", "ratio", "above_priority_cap"]]
