"""Small frozen records for results that carry uncertainty."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Estimate:
    """An estimate with its interval, sample size and method.

    Examples
    --------
    >>> Estimate(0.25, 0.1, 0.45, n=20, method="wilson")
    Estimate(0.25 [0.1, 0.45], n=20, wilson)
    """

    estimate: float
    low: float
    high: float
    n: int
    method: str
    level: float = 0.95

    @property
    def interval(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __repr__(self) -> str:
        def f(x: float) -> str:
            return f"{x:.4g}"
        return f"Estimate({f(self.estimate)} [{f(self.low)}, {f(self.high)}], n={self.n}, {self.method})"
