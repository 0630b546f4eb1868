"""Risk model: which projects end up stopped, adjusted or extended (logistic GLM).

The outcome is a problem (stop, adjustment or extension) within a fixed horizon of approval, 365
days by default, among the projects followed up that long by the as-of date
(:func:`kceval.metrics.design.problem_within`). Counting problems up to the as-of date instead
would give projects approved late in the year less time to have one, so that late approval
would look protective only because less time has passed; with one horizon for every project the
follow-up is equal by design (the alternative, a time-to-first-problem model with censoring,
answers a different question: when, not whether). Covariates
(:func:`kceval.metrics.design.design`, shared with the Cox model): log support, activity, source,
pilot, counterpart share ``counterpart / (counterpart + support)`` and approval month (1–12, a linear term: one
parameter for "approved later in the year"). Choices, documented:

- missing counterpart: median-imputed, with an indicator ``cs_missing`` (no row is dropped);
  the indicator is left out when nothing is missing.
- activities with fewer than ``min_level`` events or non-events are merged into ``other``
  (a level with no events would be perfectly separated); the most common level is the reference.
- a constant covariate (e.g. no pilot project at all) is left out of the formula.
- refusal rule: at least 10 events and 10 non-events, and at least 10 of the rarer outcome per
  estimated parameter (excluding the intercept); otherwise :class:`~kceval.errors.KcevalError`.
- standard errors clustered by province (``cov_type="cluster"``) when there are ≥ 2 provinces,
  else HC1 (the record says which).
- perfect separation (statsmodels ``PerfectSeparationWarning``/``Error``) becomes a KcevalError.

AUC is the Mann–Whitney rank statistic; calibration is by deciles of the predicted risk.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

from ..errors import KcevalError, ParameterError
from .design import HORIZON_DAYS, check_events, design, formula_for, model_matrix


def auc(y: Any, score: Any) -> float:
    """Area under the ROC curve by the Mann–Whitney rank formula (ties count one half).

    ``AUC = (R₁ − n₁(n₁+1)/2) / (n₁ n₀)`` with ``R₁`` the sum of the positives' mid-ranks.

    Examples
    --------
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = np.asarray(y).astype(bool)
    s = np.asarray(score, dtype=float)
    if y.shape != s.shape:
        raise ParameterError(f"`score` must have one value per outcome in `y`; received {s.shape} and {y.shape}")
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        raise ParameterError("`y` must contain both outcomes (0 and 1) to compute an AUC")
    r = rankdata(s)
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def calibration_table(y: Any, pred: Any, bins: int = 10) -> pd.DataFrame:
    """Observed vs mean predicted risk by quantile bins (deciles) of the prediction.

    Bins are formed on the rank of the prediction (so that many equal predictions do not make
    quantile edges collapse), and tied predictions share their lowest rank's bin, so that the
    table does not depend on the order of the rows.

    Examples
    --------
    >>> calibration_table([0, 1, 0, 1], [0.2, 0.4, 0.6, 0.8], bins=2)[["n", "observed"]].values.tolist()
    [[2.0, 0.5], [2.0, 0.5]]
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(pred, dtype=float)
    b = min(int(bins), len(p))
    if b < 1:
        raise ParameterError(f"`bins` must be ≥ 1 and data non-empty; received bins={bins!r}, n={len(p)}")
    bin_of = (rankdata(p, method="min").astype(np.int64) - 1) * b // len(p)
    t = pd.DataFrame({"bin": bin_of + 1, "p": p, "y": y}).groupby("bin")
    return pd.DataFrame({"n": t.size(), "mean_predicted": t["p"].mean(), "observed": t["y"].mean(),
                         "min_predicted": t["p"].min(), "max_predicted": t["p"].max()}).reset_index()


@dataclass(frozen=True)
class RiskModel:
    """Fitted risk model.

    Attributes
    ----------
    params : DataFrame
        ``term, coef, se, odds_ratio, low, high, p_value`` (95% interval of the odds ratio).
    auc : float
    calibration : DataFrame
        Deciles: ``bin, n, mean_predicted, observed, min_predicted, max_predicted``.
    n, n_events : int
    formula : str
    cov_type : str
    merged_activities : tuple of str
        Activities merged into ``other``.
    horizon_days : int
        The horizon of the outcome.
    """

    params: pd.DataFrame
    auc: float
    calibration: pd.DataFrame
    n: int
    n_events: int
    formula: str
    cov_type: str
    merged_activities: tuple[str, ...] = ()
    horizon_days: int = HORIZON_DAYS


def _fit_glm(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> tuple[Any, str]:
    """Fit a binomial GLM with clustered SEs, turning separation into a KcevalError."""
    model = GLM(y, x, family=Binomial())
    kw: dict[str, Any]
    if len(np.unique(groups)) >= 2:
        kw = dict(cov_type="cluster", cov_kwds={"groups": pd.factorize(groups)[0]})
    else:
        kw = dict(cov_type="HC1")
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            res = model.fit(**kw)
        except (PerfectSeparationError, PerfectSeparationWarning) as exc:
            raise KcevalError(
                "perfect separation: some covariate pattern predicts the outcome exactly, so odds ratios "
                f"are infinite ({exc}). Merge sparse activities or widen the selection.") from None
    return res, kw["cov_type"]


def fit_risk_model(projects: pd.DataFrame, events: pd.DataFrame, *, as_of: Any, horizon_days: int = HORIZON_DAYS,
                   min_level: int = 5) -> RiskModel:
    """Logistic GLM of "a problem within the horizon" with province-clustered standard errors.

    Parameters
    ----------
    projects, events : DataFrame
        Canonical tables as known on ``as_of`` (``ds.as_of(as_of)``).
    as_of : date-like
        The date the data stand on; projects approved more than ``horizon_days`` before it enter.
    horizon_days : int
        The horizon of the outcome (default 365 days; see the module notes).
    min_level : int
        Activities with fewer events (or non-events) than this are merged into ``other``.

    Returns
    -------
    RiskModel

    Raises
    ------
    KcevalError
        Too few events (rule in the module notes) or perfect separation.

    Examples
    --------
    >>> from kceval.dataset import Dataset
    >>> ds = Dataset.load().select(year=[2018, 2019]).as_of("2020-06-30")
    >>> m = fit_risk_model(ds.projects, ds.events, as_of="2020-06-30")
    >>> m.horizon_days, 0.5 <= m.auc <= 1
    (365, True)
    """
    if not (isinstance(min_level, (int, np.integer)) and min_level >= 1):
        raise ParameterError(f"`min_level` must be a positive integer; received {min_level!r}")
    fr = design(projects, events, min_level=min_level, as_of=as_of, horizon_days=horizon_days)
    formula, n_params = formula_for(fr)
    n, n_events = len(fr), int(fr["problem"].sum())
    check_events(n_events, n, n_params)
    x, names = model_matrix(fr)  # the formula's matrix, without patsy's cost
    res, cov = _fit_glm(fr["problem"].to_numpy(dtype=float), x, fr["province"].to_numpy())
    b, ci = np.asarray(res.params), np.asarray(res.conf_int(0.05))
    params = pd.DataFrame({
        "term": names, "coef": b, "se": np.asarray(res.bse), "odds_ratio": np.exp(b), "low": np.exp(ci[:, 0]),
        "high": np.exp(ci[:, 1]), "p_value": np.asarray(res.pvalues),
    })
    pred = np.asarray(res.predict())  # on the fitted matrix
    merged = tuple(sorted(set(projects["activity"]) - set(fr["activity"])))
    return RiskModel(params.reset_index(drop=True), auc(fr["problem"], pred), calibration_table(fr["problem"], pred),
                     n, n_events, formula, cov, merged, int(horizon_days))
