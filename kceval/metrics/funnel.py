"""Fair comparison of units (provinces): funnel-plot limits and empirical-Bayes shrinkage.

Funnel limits follow Spiegelhalter (2005), "Funnel plots for comparing institutional
performance", *Stat Med* 24:1185–1202, with the over-dispersion adjustment of Spiegelhalter
(2005), "Handling over-dispersion of performance indicators", *Qual Saf Health Care* 14:347–351:
on the arcsine-square-root scale ``y = asin(sqrt(p))`` (variance ``1/(4n)``), z-scores
``z = 2 sqrt(n) (y - θ)`` around the target ``θ = asin(sqrt(p0))``, winsorised at the 10th and
90th percentiles (``numpy.quantile``, linear interpolation, the same as R's default type 7),
``φ = mean(z_w²)``, an additive random-effects variance
``τ² = max(0, (kφ − (k−1)) / (Σw − Σw²/Σw))`` with ``w = 4n``, and limits
``θ ± z_α sqrt(1/(4n) + τ²)`` transformed back with ``sin(·)²`` (clipped to [0, 1]).

Shrinkage is beta-binomial empirical Bayes with the *weighted* method-of-moments estimator of
the intra-class correlation ρ (Kleinman 1973, *JASA* 68:46; the same weighting as the funnel's
τ²). Weighted, not unweighted: provinces have from a handful to hundreds of projects, and
weighting each rate by its denominator gives the large, precise provinces the weight their
information deserves, where the unweighted Σ(pᵢ − p̄)² lets the noisiest small provinces dominate
the spread; the estimator is (nearly) unbiased for ρ with unequal sizes (checked by simulation in
``tests/metrics/test_funnel.py``):
``μ = Σx/Σn``, ``S = Σ nᵢ(pᵢ − μ)²``, ``E[S] = μ(1−μ)[(k−1) + ρ(Σn − Σn²/Σn − (k−1))]`` solved
for ρ, prior ``Beta(μM, (1−μ)M)`` with ``M = 1/ρ − 1``. Each unit's posterior is
``Beta(μM + x, (1−μ)M + n − x)``: its mean is the shrunken rate, its 2.5% and 97.5% quantiles the
interval.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import beta as beta_dist
from scipy.stats import norm

from ..errors import ParameterError

Z95 = float(norm.ppf(0.975))    # 1.959964
Z998 = float(norm.ppf(0.999))   # 3.090232


def _check_units(units: pd.DataFrame, unit: str, count: str, n: str) -> None:
    if not isinstance(units, pd.DataFrame):
        raise ParameterError(f"`units` must be a DataFrame with columns {unit!r}, {count!r}, {n!r}; "
                             f"received {type(units).__name__}")
    for name, col in (("unit", unit), ("count", count), ("n", n)):
        if col not in units.columns:
            raise ParameterError(f"`{name}` must name a column of `units` ({', '.join(map(str, units.columns))}); "
                                 f"received {col!r}")
    c, m = units[count].to_numpy(dtype=float), units[n].to_numpy(dtype=float)
    if (c < 0).any() or (m < 0).any() or (c > m).any():
        raise ParameterError(f"`units` must have 0 ≤ {count} ≤ {n} in every row")


@dataclass(frozen=True)
class Funnel:
    """Funnel-plot result.

    Attributes
    ----------
    table : DataFrame
        One row per unit: the unit column, ``count, n, rate, z, lower_95, upper_95, lower_998,
        upper_998, flag_95, flag_998`` (flags ``'within'``, ``'above'``, ``'below'``).
    curve : DataFrame
        Limits on a grid of ``n`` for plotting: ``n, lower_95, upper_95, lower_998, upper_998``.
    target : float
        Pooled rate ``p0`` (or the given target).
    phi : float
        Over-dispersion factor ``mean(z_w²)``.
    tau2 : float
        Additive between-unit variance on the arcsine scale (0 when not adjusted).
    k : int
        Number of units with n > 0.
    """

    table: pd.DataFrame
    curve: pd.DataFrame
    target: float
    phi: float
    tau2: float
    k: int


def _limits(theta: float, n: np.ndarray, tau2: float, z: float) -> tuple[np.ndarray, np.ndarray]:
    half = z * np.sqrt(1.0 / (4.0 * n) + tau2)
    lo = np.sin(np.clip(theta - half, 0.0, np.pi / 2)) ** 2
    hi = np.sin(np.clip(theta + half, 0.0, np.pi / 2)) ** 2
    return lo, hi


def funnel_curve(target: float, tau2: float, n_max: float, *, n_min: float = 1.0, points: int = 200) -> pd.DataFrame:
    """Funnel limits (95% and 99.8%) on a geometric grid of ``n`` from ``n_min`` to ``n_max``.

    Examples
    --------
    >>> c = funnel_curve(0.2, 0.0, 100, points=3)
    >>> c["n"].round(1).tolist()
    [1.0, 10.0, 100.0]
    """
    if not (0 <= target <= 1):
        raise ParameterError(f"`target` must be a rate between 0 and 1; received {target!r}")
    if not (n_max >= n_min > 0):
        raise ParameterError(f"`n_max` must be ≥ n_min > 0; received n_min={n_min!r}, n_max={n_max!r}")
    grid = np.unique(np.geomspace(n_min, n_max, int(points)))
    theta = float(np.arcsin(np.sqrt(target)))
    lo95, hi95 = _limits(theta, grid, tau2, Z95)
    lo998, hi998 = _limits(theta, grid, tau2, Z998)
    return pd.DataFrame({"n": grid, "lower_95": lo95, "upper_95": hi95, "lower_998": lo998, "upper_998": hi998})


def funnel(units: pd.DataFrame, *, unit: str = "province", count: str = "count", n: str = "n",
           target: float | None = None, overdispersion: bool = True, winsor: float = 0.1,
           points: int = 200) -> Funnel:
    """Funnel-plot limits around the pooled rate with the over-dispersion adjustment.

    Parameters
    ----------
    units : DataFrame
        One row per unit with its event ``count`` and denominator ``n``. Units with n = 0 are left out.
    unit, count, n : str
        Column names.
    target : float, optional
        Target rate ``p0``; default the pooled rate ``Σcount / Σn``.
    overdispersion : bool
        Widen the limits by the random-effects ``τ²`` (Spiegelhalter 2005, QSHC). ``False`` gives
        the plain binomial limits on the arcsine scale.
    winsor : float
        Fraction winsorised at each end of the z-scores, in [0, 0.5).
    points : int
        Grid size of the plotting curve.

    Returns
    -------
    Funnel

    Examples
    --------
    >>> u = pd.DataFrame({"province": list("ABCD"), "count": [2, 5, 9, 30], "n": [10, 20, 30, 50]})
    >>> f = funnel(u)
    >>> f.table["flag_95"].tolist()
    ['within', 'within', 'within', 'within']
    """
    _check_units(units, unit, count, n)
    if not (isinstance(winsor, (int, float)) and 0 <= winsor < 0.5):
        raise ParameterError(f"`winsor` must be a fraction in [0, 0.5) such as 0.1; received {winsor!r}")
    u = units[units[n] > 0]
    x = u[count].to_numpy(dtype=float)
    m = u[n].to_numpy(dtype=float)
    k = len(u)
    if k == 0:
        raise ParameterError("`units` must contain at least one unit with n > 0")
    p0 = float(x.sum() / m.sum()) if target is None else float(target)
    if not (0 <= p0 <= 1):
        raise ParameterError(f"`target` must be a rate between 0 and 1; received {target!r}")
    p = x / m
    theta = float(np.arcsin(np.sqrt(p0)))
    y = np.arcsin(np.sqrt(p))
    z = 2.0 * np.sqrt(m) * (y - theta)
    lo_q, hi_q = np.quantile(z, [winsor, 1 - winsor])
    zw = np.clip(z, lo_q, hi_q)
    phi = float(np.mean(zw ** 2))
    w = 4.0 * m
    denom = w.sum() - (w ** 2).sum() / w.sum()
    tau2 = 0.0
    if overdispersion and denom > 0:
        tau2 = max(0.0, (k * phi - (k - 1)) / denom)
    table = u[[unit]].copy()
    table["count"], table["n"], table["rate"], table["z"] = x.astype(np.int64), m.astype(np.int64), p, z
    for lvl, zc in (("95", Z95), ("998", Z998)):
        lo, hi = _limits(theta, m, tau2, zc)
        half = zc * np.sqrt(1.0 / (4.0 * m) + tau2)
        table[f"lower_{lvl}"], table[f"upper_{lvl}"] = lo, hi
        # compare on the arcsine scale, where the limits are symmetric
        table[f"flag_{lvl}"] = np.where(y - theta > half, "above", np.where(theta - y > half, "below", "within"))
    table = table.reset_index(drop=True)
    curve = funnel_curve(p0, tau2, max(float(m.max()) * 1.1, 2.0), n_min=1.0, points=points)
    return Funnel(table, curve, p0, phi, tau2, k)


def _mom(x: np.ndarray, m: np.ndarray) -> tuple[float, float]:
    """Method-of-moments (μ, ρ) of a beta-binomial; ρ may be ≤ 0 or ≥ 1 (degenerate) or NaN."""
    k = len(m)
    N = m.sum()
    if k < 2 or N <= 0:
        return (float(x.sum() / N) if N > 0 else np.nan), np.nan
    mu = x.sum() / N
    if mu <= 0 or mu >= 1:
        return float(mu), np.nan
    S = (m * (x / m - mu) ** 2).sum()
    denom = N - (m ** 2).sum() / N - (k - 1)
    if denom <= 0:
        return float(mu), np.nan
    return float(mu), float((S / (mu * (1 - mu)) - (k - 1)) / denom)


def beta_prior(count: Any, n: Any) -> tuple[float, float, str]:
    """Beta prior (a, b) fitted by the method of moments to unit counts; the third value says how.

    Degenerate cases, documented: no between-unit variation detected (ρ ≤ 0) or fewer than two
    units gives prior strength ``M = Σn`` (as much weight as all the data together, i.e. nearly
    complete pooling, but finite); ρ ≥ 1 gives ``M = 1``; a pooled rate of 0 or 1 is moved to
    ``0.5/(Σn+1)`` from the edge so the posterior stays proper.

    Examples
    --------
    >>> a, b, how = beta_prior([1, 6, 12], [10, 20, 30])
    >>> round(a + b, 2), how
    (28.94, 'moments')
    """
    x = np.asarray(count, dtype=float)
    m = np.asarray(n, dtype=float)
    keep = m > 0
    x, m = x[keep], m[keep]
    N = float(m.sum())
    if N <= 0:
        raise ParameterError("`n` must have at least one unit with n > 0")
    mu, rho = _mom(x, m)
    how = "moments"
    if not np.isfinite(rho) or rho <= 0:
        M, how = N, "no between-unit variation: M = Σn"
    elif rho >= 1:
        M, how = 1.0, "ρ ≥ 1: M = 1"
    else:
        M = 1.0 / rho - 1.0
    edge = 0.5 / (N + 1)
    mu = min(max(mu, edge), 1 - edge)
    return mu * M, (1 - mu) * M, how


def shrink_rates(units: pd.DataFrame, *, unit: str = "province", group: str | None = "region",
                 count: str = "count", n: str = "n", min_units: int = 5, level: float = 0.95) -> pd.DataFrame:
    """Empirical-Bayes (beta-binomial) shrunken rates with posterior intervals.

    Each unit is pulled toward the prior of its ``group`` (its region), estimated by the method
    of moments from the units of that group. A group with fewer than ``min_units`` units, or
    whose moment estimate is degenerate (ρ ≤ 0 or ≥ 1, or a rate of 0 or 1), uses the pooled
    prior estimated from all units instead (column ``prior`` says which).

    Parameters
    ----------
    units : DataFrame
        One row per unit: ``unit``, ``group`` (optional), ``count``, ``n``.
    unit, group, count, n : str
        Column names; ``group=None`` uses the pooled prior for every unit.
    min_units : int
        Fewest units for a group's own prior.
    level : float
        Posterior interval level.

    Returns
    -------
    DataFrame
        The unit (and group) columns, ``count, n, rate, prior_a, prior_b, prior, weight``
        (the data's weight ``n/(n+M)``), ``shrunk, shrunk_low, shrunk_high``.

    Examples
    --------
    >>> u = pd.DataFrame({"province": list("ABC"), "count": [1, 6, 12], "n": [10, 20, 30]})
    >>> s = shrink_rates(u, group=None)
    >>> round(float(s["shrunk"].iloc[0]), 3)   # raw 0.1, pulled toward the pooled 0.317
    0.261
    """
    _check_units(units, unit, count, n)
    if group is not None and group not in units.columns:
        raise ParameterError(f"`group` must name a column of `units` or be None; received {group!r}")
    if not (isinstance(min_units, (int, np.integer)) and min_units >= 2):
        raise ParameterError(f"`min_units` must be an integer ≥ 2; received {min_units!r}")
    if not (0 < level < 1):
        raise ParameterError(f"`level` must be between 0 and 1; received {level!r}")
    cols = [unit] + ([group] if group else [])
    out = units[cols + [count, n]].rename(columns={count: "count", n: "n"}).reset_index(drop=True)
    pa, pb, phow = beta_prior(out["count"], out["n"])
    out["prior_a"], out["prior_b"], out["prior"] = pa, pb, "pooled: " + phow
    if group:
        for g, idx in out.groupby(group, sort=False).groups.items():  # a handful of groups
            sub = out.loc[idx]
            if (sub["n"] > 0).sum() < min_units:
                continue
            mu, rho = _mom(sub["count"].to_numpy(float)[sub["n"] > 0], sub["n"].to_numpy(float)[sub["n"] > 0])
            if np.isfinite(rho) and 0 < rho < 1 and 0 < mu < 1:
                M = 1.0 / rho - 1.0
                out.loc[idx, ["prior_a", "prior_b", "prior"]] = [mu * M, (1 - mu) * M, f"{group} {g}"]
    a = out["prior_a"].to_numpy(float) + out["count"].to_numpy(float)
    b = out["prior_b"].to_numpy(float) + (out["n"] - out["count"]).to_numpy(float)
    M = out["prior_a"] + out["prior_b"]
    out["rate"] = out["count"] / out["n"].where(out["n"] > 0)
    out["weight"] = out["n"] / (out["n"] + M)
    out["shrunk"] = a / (a + b)
    out["shrunk_low"] = beta_dist.ppf((1 - level) / 2, a, b)
    out["shrunk_high"] = beta_dist.ppf(1 - (1 - level) / 2, a, b)
    return out
