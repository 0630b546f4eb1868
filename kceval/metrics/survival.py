"""Time to acceptance: Kaplan–Meier, cumulative incidence with stops competing, log-rank, Cox.

Origin is the approval date; time is in days. Each project ends in one of three ways by the
as-of date D (:func:`time_to_event`): ``event=1`` accepted (accepted_on ≤ D), ``event=2``
stopped (stopped_on ≤ D), ``event=0`` still open and censored at D. Projects accepted or stopped
without a date are left out (their count is in ``frame.attrs["n_undated"]``), as are projects
approved after D.

A stopped project can never be accepted, so 1 − KM (stops censored) overstates completion: the
completion curve is the cumulative incidence of acceptance (Aalen–Johansen,
``statsmodels`` ``CumIncidenceRight``) with stop as the competing risk, and the headline median
days to acceptance is the first time this curve reaches 0.5 (``None`` if it never does). The KM
curve, the log-rank test (``survdiff``) and the Cox model (``PHReg``) treat stops as censoring,
i.e. they describe the cause-specific hazard of acceptance.

Intervals: KM pointwise with the log(−log) transform of Greenwood's variance; cumulative
incidence ± z·SE (statsmodels' SE) clipped to [0, 1].
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight, survdiff

from ..checks import to_date
from ..errors import KcevalError, ParameterError
from .design import check_events, design, formula_for, model_matrix

DAY = np.timedelta64(1, "D")


def time_to_event(projects: pd.DataFrame, *, as_of: Any) -> pd.DataFrame:
    """Durations (days from approval) and outcomes as of a date.

    Returns
    -------
    DataFrame
        ``projects`` rows kept (all columns) plus ``time`` (float days) and ``event``
        (0 open/censored, 1 accepted, 2 stopped); ``attrs["n_undated"]`` counts projects left out
        for an undated acceptance or stop.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "status": ["accepted", "in_progress"],
    ...     "approved_on": pd.to_datetime(["2019-03-01"] * 2), "accepted_on": pd.to_datetime(["2019-03-11", None]),
    ...     "stopped_on": pd.to_datetime([None, None])})
    >>> time_to_event(p, as_of="2019-03-31")[["time", "event"]].values.tolist()
    [[10.0, 1.0], [30.0, 0.0]]
    """
    need = {"project_id", "approved_on", "accepted_on", "status"}
    if not isinstance(projects, pd.DataFrame) or not need <= set(projects.columns):
        raise ParameterError(f"`projects` must be a projects table with columns {sorted(need)}")
    d = to_date("as_of", as_of)
    acc = projects["accepted_on"].where(projects["accepted_on"] <= d)
    raw_stp = (projects["stopped_on"] if "stopped_on" in projects.columns
               else pd.Series(pd.NaT, index=projects.index, dtype="datetime64[ns]"))
    stp = raw_stp.where(raw_stp <= d)
    st = projects["status"]
    # undated means the source gave no date at all (not a date after D)
    undated = ((st == "accepted") & projects["accepted_on"].isna()) | (
        (st == "stopped") & raw_stp.isna() & projects["accepted_on"].isna())
    keep = (projects["approved_on"] <= d) & ~undated
    event = np.where(acc.notna(), 1, np.where(stp.notna(), 2, 0))
    end = acc.fillna(stp).fillna(d)
    time = ((end - projects["approved_on"]) / DAY).to_numpy(dtype=float)
    out = projects.assign(time=time, event=event)[keep.to_numpy()]
    out.attrs["n_undated"] = int((undated & (projects["approved_on"] <= d)).sum())
    return out


def _check_level(level: Any) -> None:
    if not (isinstance(level, float) and 0 < level < 1):
        raise ParameterError(f"`level` must be a number between 0 and 1 such as 0.95; received {level!r}")


def _check_tte(tte: Any, by: str | None) -> None:
    if not isinstance(tte, pd.DataFrame) or not {"time", "event"} <= set(tte.columns):
        raise ParameterError("`tte` must be the output of time_to_event (columns time, event)")
    if by is not None and by not in tte.columns:
        raise ParameterError(f"`by` must be a column of tte ({', '.join(map(str, tte.columns))}); received {by!r}")


def _groups(tte: pd.DataFrame, by: str | None) -> list[tuple[Any, pd.DataFrame]]:
    if by is None:
        return [("all", tte)]
    return list(tte.groupby(by, sort=True, observed=True))


def kaplan_meier(tte: pd.DataFrame, *, by: str | None = "activity", level: float = 0.95) -> pd.DataFrame:
    """Kaplan–Meier probability of *not yet accepted* (stops censored), by group.

    Returns
    -------
    DataFrame
        ``group, time, estimate, low, high, n_risk`` at each acceptance time (plus time 0, estimate 1).

    Examples
    --------
    >>> t = pd.DataFrame({"time": [1., 2., 3., 4.], "event": [1, 0, 1, 1]})
    >>> kaplan_meier(t, by=None)["estimate"].round(3).tolist()
    [1.0, 0.75, 0.375, 0.0]
    """
    _check_tte(tte, by)
    _check_level(level)
    z = norm.ppf(0.5 + level / 2)
    parts = []
    for g, sub in _groups(tte, by):
        if not len(sub):
            continue
        sf = SurvfuncRight(sub["time"].to_numpy(float), (sub["event"] == 1).to_numpy(int))
        s, se = np.asarray(sf.surv_prob), np.asarray(sf.surv_prob_se)
        inner = (s > 0) & (s < 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ls = np.log(s)
            half = z * se / np.abs(s * ls)
            low = np.where(inner, np.exp(-np.exp(np.log(-ls) + half)), s)
            high = np.where(inner, np.exp(-np.exp(np.log(-ls) - half)), s)
        parts.append(pd.DataFrame({"group": g, "time": np.r_[0.0, sf.surv_times], "estimate": np.r_[1.0, s],
                                   "low": np.r_[1.0, low], "high": np.r_[1.0, high],
                                   "n_risk": np.r_[len(sub), sf.n_risk]}))
    cols = ["group", "time", "estimate", "low", "high", "n_risk"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def cumulative_incidence(tte: pd.DataFrame, *, by: str | None = "activity", cause: int = 1,
                         level: float = 0.95) -> pd.DataFrame:
    """Cumulative incidence of acceptance (cause 1) or stop (cause 2), the other cause competing.

    Returns
    -------
    DataFrame
        ``group, time, estimate, low, high`` at each event time of any cause (plus time 0).

    Examples
    --------
    >>> t = pd.DataFrame({"time": [1., 2., 3., 4.], "event": [1, 0, 2, 1]})
    >>> cumulative_incidence(t, by=None)["estimate"].tolist()
    [0.0, 0.25, 0.25, 0.25, 0.625]
    """
    _check_tte(tte, by)
    if cause not in (1, 2):
        raise ParameterError(f"`cause` must be 1 (acceptance) or 2 (stop); received {cause!r}")
    _check_level(level)
    z = norm.ppf(0.5 + level / 2)
    parts = []
    for g, sub in _groups(tte, by):
        if not len(sub):
            continue
        ev = sub["event"].to_numpy(int)
        if not (ev > 0).any():  # nothing happened yet: the curve is flat at 0
            parts.append(pd.DataFrame({"group": [g], "time": [0.0], "estimate": [0.0], "low": [0.0], "high": [0.0]}))
            continue
        # CumIncidenceRight returns one curve per code 1..max(event): cause k is cinc[k − 1]
        if cause > ev.max():
            parts.append(pd.DataFrame({"group": [g], "time": [0.0], "estimate": [0.0], "low": [0.0], "high": [0.0]}))
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            ci = CumIncidenceRight(sub["time"].to_numpy(float), ev)
        k = cause - 1
        est, se, times = np.asarray(ci.cinc[k]), np.nan_to_num(np.asarray(ci.cinc_se[k])), np.asarray(ci.times)
        parts.append(pd.DataFrame({"group": g, "time": np.r_[0.0, times], "estimate": np.r_[0.0, est],
                                   "low": np.r_[0.0, np.clip(est - z * se, 0, 1)],
                                   "high": np.r_[0.0, np.clip(est + z * se, 0, 1)]}))
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["group", "time", "estimate", "low", "high"])
    )


def aalen_johansen_by_group(tte: pd.DataFrame, by: str) -> pd.DataFrame:
    """Vectorised Aalen–Johansen estimates for many groups at once (no per-group fitting).

    ``F₁(t) = Σ_{tⱼ≤t} S(tⱼ−) d₁ⱼ / nⱼ`` with ``S`` the all-cause KM and ``nⱼ`` the number at risk
    (time ≥ tⱼ). Pinned to ``CumIncidenceRight`` in the tests.

    Returns
    -------
    DataFrame
        ``by, time, n_risk, d1, d2, surv, cif1, cif2`` at each distinct time per group.

    Examples
    --------
    >>> t = pd.DataFrame({"g": ["a"] * 4, "time": [1., 2., 3., 4.], "event": [1, 0, 2, 1]})
    >>> aalen_johansen_by_group(t, "g")["cif1"].tolist()
    [0.25, 0.25, 0.25, 0.625]
    """
    _check_tte(tte, by)
    ev = tte["event"].to_numpy()
    # group on integer codes (a million province strings would be hashed at every groupby)
    codes, uniques = pd.factorize(tte[by], sort=True)
    t = pd.DataFrame(
        {
            "g": codes,
            "time": tte["time"].to_numpy(float),
            "d1": (ev == 1).astype(np.int64),
            "d2": (ev == 2).astype(np.int64),
            "c": np.ones(len(ev), np.int64),
        }
    )
    a = t.groupby(["g", "time"], sort=True).sum().reset_index()
    gg = a.groupby("g", sort=False)
    # at risk at t = all in group with time ≥ t = reverse cumulative count
    a["n_risk"] = gg["c"].transform("sum") - gg["c"].cumsum() + a["c"]
    hz = (a["d1"] + a["d2"]) / a["n_risk"]
    a["surv"] = (1 - hz).groupby(a["g"], sort=False).cumprod()
    s_prev = a.groupby("g", sort=False)["surv"].shift(1).fillna(1.0)
    a["cif1"] = (s_prev * a["d1"] / a["n_risk"]).groupby(a["g"], sort=False).cumsum()
    a["cif2"] = (s_prev * a["d2"] / a["n_risk"]).groupby(a["g"], sort=False).cumsum()
    a["g"] = np.asarray(uniques, dtype=object)[a["g"].to_numpy()]
    return a.rename(columns={"g": by}).drop(columns="c")


def cif_median_by_group(tte: pd.DataFrame, by: str) -> pd.Series:
    """First time the cumulative incidence of acceptance reaches 0.5, per group (NaN if never).

    Examples
    --------
    >>> t = pd.DataFrame({"g": ["a"] * 4, "time": [1., 2., 3., 4.], "event": [1, 0, 2, 1]})
    >>> cif_median_by_group(t, "g").to_dict()
    {'a': 4.0}
    """
    a = aalen_johansen_by_group(tte, by)
    hit = a[a["cif1"] >= 0.5 - 1e-12]
    med = hit.groupby(by, sort=True)["time"].min()
    return med.reindex(pd.Index(sorted(a[by].unique()), name=by))


def km_median(tte: pd.DataFrame) -> float:
    """Median time to acceptance from KM with stops censored (first time S ≤ 0.5), NaN if never.

    Examples
    --------
    >>> km_median(pd.DataFrame({"time": [1., 2., 3., 4.], "event": [1, 0, 2, 1]}))
    4.0
    """
    _check_tte(tte, None)
    if not (tte["event"] == 1).any():
        return float("nan")
    sf = SurvfuncRight(tte["time"].to_numpy(float), (tte["event"] == 1).to_numpy(int))
    hit = np.asarray(sf.surv_times)[np.asarray(sf.surv_prob) <= 0.5 + 1e-12]
    return float(hit[0]) if len(hit) else float("nan")


@dataclass(frozen=True)
class LogRank:
    """Log-rank test result: chi-square statistic, degrees of freedom, p-value, groups compared."""

    statistic: float
    df: int
    p_value: float
    groups: tuple


def logrank(tte: pd.DataFrame, *, by: str = "activity") -> LogRank:
    """Log-rank test of time to acceptance (stops censored) between groups (``survdiff``).

    Examples
    --------
    >>> t = pd.DataFrame({"time": [1., 2., 3., 4., 5., 6.], "event": [1, 1, 1, 1, 1, 1], "g": list("aaabbb")})
    >>> r = logrank(t, by="g")
    >>> r.df, r.p_value < 0.1
    (1, True)
    """
    _check_tte(tte, by)
    groups = tuple(sorted(tte[by].dropna().unique()))
    if len(groups) < 2:
        raise ParameterError(f"`by` must split the data into at least two groups; {by!r} has {len(groups)}")
    stat, p = survdiff(tte["time"].to_numpy(float), (tte["event"] == 1).to_numpy(int), tte[by].to_numpy())
    return LogRank(float(stat), len(groups) - 1, float(p), groups)


@dataclass(frozen=True)
class CoxModel:
    """Cox model of time to acceptance: ``params`` (term, coef, se, hazard_ratio, low, high,
    p_value), ``n``, ``n_events`` (acceptances), ``formula``."""

    params: pd.DataFrame
    n: int
    n_events: int
    formula: str


def breslow_score_residuals(exog: np.ndarray, beta: np.ndarray, time: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Cox score residuals (Breslow ties), vectorised: one row per subject, one column per term.

    U_i = δ_i (x_i − x̄(t_i)) − r_i Σ_{τ_k ≤ t_i} (x_i − x̄(τ_k)) dΛ(τ_k), with r = exp(Xβ),
    x̄(τ) = S1(τ)/S0(τ) over the risk set {t ≥ τ} and dΛ(τ) = d(τ)/S0(τ). The sums become
    cumulative sums over the sorted event times, so the cost is O(n log n) instead of
    statsmodels' loop over event times (5.5 s on 143k projects, measured). A subject censored
    before the first event gets 0. Tested against ``PHReg.score_residuals``.
    """
    x = np.asarray(exog, dtype=float)
    t = np.asarray(time, dtype=float)
    ev = np.asarray(status).astype(bool)
    r = np.exp(x @ beta)
    order = np.argsort(-t, kind="mergesort")
    ts = t[order]
    cs0 = np.cumsum(r[order])
    cs1 = np.cumsum(r[order, None] * x[order], axis=0)
    taus = np.unique(t[ev])
    if not len(taus):
        return np.zeros_like(x)
    at_risk = np.searchsorted(-ts, -taus, side="right")  # how many subjects have t >= tau
    s0, s1 = cs0[at_risk - 1], cs1[at_risk - 1]
    d = np.bincount(np.searchsorted(taus, t[ev]), minlength=len(taus))
    xbar = s1 / s0[:, None]
    dlam = d / s0
    a, b = np.cumsum(dlam), np.cumsum(xbar * dlam[:, None], axis=0)
    j = np.searchsorted(taus, t, side="right") - 1
    seen = j >= 0
    u = np.zeros_like(x)
    u[seen] = -r[seen, None] * (x[seen] * a[j[seen], None] - b[j[seen]])
    u[ev] += x[ev] - xbar[np.searchsorted(taus, t[ev])]
    return u


def fit_cox(projects: pd.DataFrame, events: pd.DataFrame, *, as_of: Any, min_level: int = 5) -> CoxModel:
    """Cox proportional-hazards model of time to acceptance on the risk model's covariates.

    Stops are censored (cause-specific hazard); ties by Breslow; robust standard errors
    clustered by province. Events-per-parameter rule as in :func:`kceval.metrics.risk.fit_risk_model`
    with acceptances as the events (≥ 10, and ≥ 10 per parameter; censoring does not count).

    Examples
    --------
    >>> from kceval.dataset import Dataset
    >>> ds = Dataset.load().select(year=2019)
    >>> m = fit_cox(ds.projects, ds.events, as_of="2020-06-30")
    >>> "log_support" in set(m.params["term"])
    True
    """
    tte = time_to_event(projects, as_of=as_of)
    fr = design(tte, events, min_level=min_level)
    accepted = (tte["event"].to_numpy() == 1).astype(int)
    formula, k = formula_for(fr, outcome="time")
    n, n_ev = len(fr), int(accepted.sum())
    check_events(n_ev, n, k, survival=True)
    rhs = formula.split("~", 1)[1]
    x, names = model_matrix(fr, intercept=False)
    # hasconst=False: no intercept by construction, so statsmodels need not look for an implicit
    # one (two SVDs of the matrix; the constant is not used by PHReg's estimates)
    mod = PHReg(tte["time"].to_numpy(dtype=float), x, status=accepted, ties="breslow", hasconst=False)
    with np.errstate(all="ignore"):
        res = mod.fit()
    beta = np.asarray(res.params)
    if fr["province"].nunique() >= 2:
        # province-clustered sandwich, computed here: statsmodels' robust_covariance returns NaN
        # when a project is censored before the first acceptance (its score residual is 0, not NaN)
        # the Newton fit's inverse Hessian at beta (statsmodels keeps -H⁻¹): one Hessian less to compute
        hinv = -np.asarray(res.cov_params())
        resid = breslow_score_residuals(mod.exog, beta, mod.endog, mod.status)
        u = pd.DataFrame(resid).groupby(pd.factorize(fr["province"])[0]).sum()
        cov = hinv @ (u.to_numpy().T @ u.to_numpy()) @ hinv
    else:
        cov = np.asarray(res.cov_params())
    se = np.sqrt(np.diag(cov))
    zc = norm.ppf(0.975)
    params = pd.DataFrame({"term": names, "coef": beta, "se": se, "hazard_ratio": np.exp(beta),
                           "low": np.exp(beta - zc * se), "high": np.exp(beta + zc * se),
                           "p_value": 2 * norm.sf(np.abs(beta / se))})
    if not np.all(np.isfinite(params["coef"])):
        raise KcevalError("the Cox model did not converge (non-finite coefficients); widen the selection")
    return CoxModel(params, n, n_ev, f"time to acceptance ~{rhs} (stops censored)")
