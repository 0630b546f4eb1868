"""JSON-ready values: what headline dicts, ``kceval summary --json`` and the index page carry."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def jsonable(v: Any) -> Any:
    """A plain Python value for JSON, recursively: NaN, infinities, NA and NaT become None,
    numpy scalars Python numbers, dates ISO text, records with ``to_dict`` dicts.

    Examples
    --------
    >>> jsonable({"a": np.int64(3), "b": [np.float64("nan"), 0.5], "c": pd.Timestamp("2019-06-30")})
    {'a': 3, 'b': [None, 0.5], 'c': '2019-06-30T00:00:00'}
    """
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "to_dict"):
        return jsonable(v.to_dict())
    if hasattr(v, "item") and callable(v.item):
        return jsonable(v.item())
    return v


def number(x: Any) -> float | None:
    """A float, or None for a missing value."""
    return None if x is None or pd.isna(x) else float(x)


def interval(low: Any, high: Any) -> list[float] | None:
    """``[low, high]`` as floats, or None when the interval is missing (JSON's shape of an interval)."""
    return None if low is None or pd.isna(low) else [float(low), float(high)]
