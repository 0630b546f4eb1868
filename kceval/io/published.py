"""Published regional figures of the programme: the table of figures and where each comes from.

The real figures collected in DOMAIN.md ("Published figures" and the 2019 seed report) are
kept as a tidy table in ``data/published/figures.csv`` (one row per region, period, measure
and source of funds; money in billion VND as published). :func:`load_published` reads it;
:mod:`kceval.metrics.reconcile` computes the same measures from the data and sets the two side
by side.

Denominators (pitfall seen in published reports): an ``execution_rate`` of a source is that
source's executed money over **that source's own plan**; ``share_of_executed`` and
``share_of_plan`` are shares of the **combined** total of both sources. Reports once gave
"national 12.77 % / local 64.5 % of plan" as shares of the combined plan; they are not
execution rates of each source.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ParameterError
from ..paths import PUBLISHED_FIGURES

COLUMNS = ["region", "period_start", "period_end", "measure", "source_of_funds", "value", "unit", "source_url", "note"]
KEYS = ["region", "period_end", "measure", "source_of_funds"]
UNITS = {"plan": "billion VND", "executed": "billion VND", "counterpart": "billion VND",
         "execution_rate": "percent", "share_of_executed": "percent", "share_of_plan": "percent"}


def load_published(path: str | Path | None = None) -> pd.DataFrame:
    """The published figures as a tidy table.

    Parameters
    ----------
    path : path, optional
        A CSV with the columns of :data:`COLUMNS`; default ``data/published/figures.csv``.

    Returns
    -------
    DataFrame
        region, period_start, period_end (datetime), measure, source_of_funds (national, local
        or total), value (float, as published), unit (billion VND, count, percent), source_url, note.

    Examples
    --------
    >>> pub = load_published()
    >>> pub.query("region == 'south' and measure == 'plan'")["value"].tolist()
    [85.865]
    """
    p = Path(path) if path is not None else PUBLISHED_FIGURES
    if not p.exists():
        raise ParameterError(f"`path` must be an existing CSV of published figures; received {str(p)!r}")
    df = pd.read_csv(p, dtype={"source_url": str, "note": str}, keep_default_na=False, na_values=[""],
                     encoding="utf-8")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ParameterError(f"`path` must hold the columns {', '.join(COLUMNS)}; missing {missing}")
    for c in ("period_start", "period_end"):
        df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
    df["value"] = df["value"].astype(float)
    return df[COLUMNS]
