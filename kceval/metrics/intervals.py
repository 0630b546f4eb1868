"""Estimates with uncertainty: the :class:`Estimate` record and the intervals every metric shares.

A scalar estimator returns an :class:`Estimate` (estimate, low, high, n, method, level and what
the denominator is); a grouped estimator returns a tidy frame with the same column names
(``estimate, low, high, n, method, denominator``), one row per group. Rates get the Wilson score
interval (:func:`wilson`, ``statsmodels`` ``proportion_confint(method="wilson")``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Estimate:
    """An estimate with its interval, sample size, method and denominator.

    Examples
    --------
    >>> Estimate(0.25, 0.1, 0.45, n=20, method="wilson", denominator="projects due")
    Estimate(0.25 [0.1, 0.45], n=20, wilson)
    """

    estimate: float
    low: float
    high: float
    n: int
    method: str
    level: float = 0.95
    denominator: str = ""

    @property
    def interval(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __repr__(self) -> str:
        def f(x: float) -> str:
            return f"{x:.4g}"
        return f"Estimate({f(self.estimate)} [{f(self.low)}, {f(self.high)}], n={self.n}, {self.method})"


def wilson(count: Any, n: Any, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``count`` successes out of ``n`` (vectorised; NaN where n = 0).

    Examples
    --------
    >>> lo, hi = wilson([2], [10])
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.0567, 0.5098)
    """
    # deferred: statsmodels costs about 0.4 s to import, and the Estimate record of this module
    # is part of `import kceval`, which reading data or the command line should not pay for
    from statsmodels.stats.proportion import proportion_confint

    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    ok = n > 0
    lo = np.full(count.shape, np.nan)
    hi = np.full(count.shape, np.nan)
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(count[ok], n[ok], alpha=1 - level, method="wilson")
    # the closed form leaves rounding dust (2.8e-17) where the exact bound is 0 or 1
    lo = np.where(count == 0, 0.0, np.clip(lo, 0.0, 1.0))
    hi = np.where(ok & (count == n), 1.0, np.clip(hi, 0.0, 1.0))
    lo[~ok], hi[~ok] = np.nan, np.nan
    return lo, hi


def rate_columns(counts: pd.DataFrame, *, level: float = 0.95, denominator: str = "") -> pd.DataFrame:
    """``counts`` (columns ``count`` and ``n``) with the rate's ``estimate, low, high`` (Wilson),
    ``method`` and ``denominator`` added: the shape of every grouped rate.

    Examples
    --------
    >>> r = rate_columns(pd.DataFrame({"count": [2], "n": [10]}), denominator="projects")
    >>> r[["estimate", "method"]].values.tolist()
    [[0.2, 'wilson']]
    """
    out = counts.assign(estimate=counts["count"] / counts["n"].where(counts["n"] > 0))
    out["low"], out["high"] = wilson(out["count"], out["n"], level)
    return out.assign(method="wilson", denominator=denominator)
