"""Outputs: what the money produced, by activity, as of a date.

The programme's own reports lead with results ("hỗ trợ 47 cơ sở CNNT ứng dụng máy móc thiết bị hiện
đại; … tổ chức 3 hội chợ với 115 lượt cơ sở tham gia", DOMAIN.md). Each activity has one output unit
(:data:`OUTPUT_UNITS`, the one place it is defined), counted from one column of the projects table:

- ``beneficiaries``: the establishments supported (machinery; consulting: establishments consulted);
- ``output_count``: what the project produced, in the activity's unit (trainees, fair participations,
  products selected, items published, delegations, …);
- ``projects``: one output per project (a demonstration model, a cleaner-production assessment, a brand
  registered, a cluster).

**Achieved** outputs are those of projects done by the date D: accepted or finished on or before D
(``accepted_on ≤ D`` or ``finished_on ≤ D``; with ``accepted_only=True`` accepted only). **Planned**
outputs are those of every project approved by D, done or not, stopped included (what was planned).
A done project without an ``output_count`` adds nothing to the achieved output and is counted in
``output_unknown``, so that a gap in the data is not read as no result.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_by, to_date
from ..errors import ParameterError
from ..schema import ACTIVITIES


@dataclass(frozen=True)
class OutputUnit:
    """How an activity's output is counted, and its unit in words."""

    column: str  # "beneficiaries", "output_count" or "projects"
    vi: str
    en: str


# DOMAIN.md, "Output units"; the Vietnamese words are those of the programme's reports
OUTPUT_UNITS: dict[str, OutputUnit] = {
    "machinery": OutputUnit("beneficiaries", "cơ sở được hỗ trợ máy móc thiết bị", "establishments given machinery"),
    "training": OutputUnit("output_count", "học viên", "trainees"),
    "capacity": OutputUnit("output_count", "học viên", "trainees"),
    "demonstration": OutputUnit("projects", "mô hình trình diễn", "demonstration models"),
    "cleaner_production": OutputUnit("projects", "cơ sở được đánh giá sản xuất sạch hơn",
                                     "cleaner-production assessments"),
    "fair": OutputUnit("output_count", "lượt cơ sở tham gia", "establishment participations"),
    "product_award": OutputUnit("output_count", "sản phẩm được bình chọn", "products selected"),
    "brand": OutputUnit("projects", "cơ sở được hỗ trợ đăng ký thương hiệu", "establishments given a brand"),
    "consulting": OutputUnit("beneficiaries", "cơ sở được tư vấn", "establishments consulted"),
    "communication": OutputUnit("output_count", "tin, bài, ấn phẩm", "items published or broadcast"),
    "linkage": OutputUnit("output_count", "hiệp hội, cụm liên kết", "associations or clusters formed"),
    "industrial_cluster": OutputUnit("output_count", "cụm công nghiệp", "industrial clusters"),
    "cooperation": OutputUnit("output_count", "đoàn hợp tác quốc tế", "delegations"),
}
assert set(OUTPUT_UNITS) == set(ACTIVITIES) - {"management"}  # management produces no output

COLUMNS = ["activity", "unit", "projects_done", "establishments_done", "output_done", "output_unknown",
           "projects_planned", "establishments_planned", "output_planned", "achieved_share"]


def _check(projects: Any) -> None:
    need = {"project_id", "activity", "beneficiaries", "approved_on", "accepted_on", "finished_on", "output_count"}
    if not isinstance(projects, pd.DataFrame) or not need <= set(projects.columns):
        got = type(projects).__name__ if not isinstance(projects, pd.DataFrame) else sorted(projects.columns)
        raise ParameterError(f"`projects` must be a projects table with columns {sorted(need)}; received {got}")


def done_by(projects: pd.DataFrame, as_of: Any, *, accepted_only: bool = False) -> pd.Series:
    """True for the projects done by ``as_of``: accepted (or, unless ``accepted_only``, finished) on or before it.

    Examples
    --------
    >>> p = pd.DataFrame({"accepted_on": pd.to_datetime(["2019-05-02", None, None]),
    ...                   "finished_on": pd.to_datetime([None, "2019-06-01", "2019-07-01"])})
    >>> done_by(p, "2019-06-30").tolist(), done_by(p, "2019-06-30", accepted_only=True).tolist()
    ([True, True, False], [True, False, False])
    """
    d = to_date("as_of", as_of)
    done = projects["accepted_on"].le(d)
    if not accepted_only:
        done = done | projects["finished_on"].le(d)
    return done.fillna(False).astype(bool)


def output_values(projects: pd.DataFrame) -> np.ndarray:
    """Each project's output in its activity's unit (:data:`OUTPUT_UNITS`); NaN where the count is not known or
    the activity has no output.

    Examples
    --------
    >>> p = pd.DataFrame({"activity": ["machinery", "fair", "brand", "fair"], "beneficiaries": [2, 30, 1, 9],
    ...                   "output_count": pd.array([5, 31, None, None], dtype="Int64")})
    >>> output_values(p).tolist()
    [2.0, 31.0, 1.0, nan]
    """
    unit = projects["activity"].map({a: u.column for a, u in OUTPUT_UNITS.items()}).to_numpy()
    counted = projects["output_count"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    return np.where(unit == "beneficiaries", projects["beneficiaries"].to_numpy(dtype="float64"),
                    np.where(unit == "projects", 1.0, np.where(unit == "output_count", counted, np.nan)))


def outputs(projects: pd.DataFrame, *, as_of: Any, by: str | Iterable[str] | None = None,
            accepted_only: bool = False) -> pd.DataFrame:
    """Outputs achieved and planned, by activity (and ``by``), as of a date (see the module notes).

    Parameters
    ----------
    projects : DataFrame
        Canonical projects table (any index, any row order).
    as_of : date-like
        The date D.
    by : str or list of str, optional
        Columns of ``projects`` to group by besides the activity (``province``, ``source``, …).
    accepted_only : bool, default False
        Count only accepted projects as done (finished but not yet accepted ones are left out).

    Returns
    -------
    DataFrame
        One row per group and activity with an output unit (management has none) and at least one
        project approved by D: ``*by, activity, unit`` (the :data:`OUTPUT_UNITS` column),
        ``projects_done, establishments_done, output_done, output_unknown`` (done projects without an
        output count), ``projects_planned, establishments_planned, output_planned`` and
        ``achieved_share`` (output done ÷ planned; NaN when nothing is planned).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B", "C"], "activity": ["fair", "fair", "machinery"],
    ...     "beneficiaries": [40, 30, 2], "output_count": [40, 35, 3],
    ...     "approved_on": pd.to_datetime(["2019-02-01"] * 3),
    ...     "accepted_on": pd.to_datetime(["2019-05-02", None, None]),
    ...     "finished_on": pd.to_datetime([None, None, "2019-06-01"])})
    >>> outputs(p, as_of="2019-06-30")[["activity", "projects_done", "output_done", "output_planned"]].values.tolist()
    [['fair', 1, 40, 75], ['machinery', 1, 2, 2]]
    """
    _check(projects)
    cols = check_by(by, projects.columns)
    d = to_date("as_of", as_of)
    p = projects[projects["activity"].isin(list(OUTPUT_UNITS)) & projects["approved_on"].le(d)]
    unit = p["activity"].map({a: u.column for a, u in OUTPUT_UNITS.items()})
    out_col = output_values(p)
    done = done_by(p, d, accepted_only=accepted_only).to_numpy()
    t = pd.DataFrame({c: p[c].to_numpy() for c in cols} | {
        "activity": p["activity"].to_numpy(), "unit": unit.to_numpy(),
        "projects_done": done.astype("int64"), "establishments_done": np.where(done, p["beneficiaries"], 0),
        "output_done": np.where(done, np.nan_to_num(out_col), 0.0),
        "output_unknown": (done & np.isnan(out_col)).astype("int64"),
        "projects_planned": 1, "establishments_planned": p["beneficiaries"].to_numpy(),
        "output_planned": np.nan_to_num(out_col)})
    g = t.groupby([*cols, "activity", "unit"], sort=True, observed=True).sum().reset_index()
    for c in ("output_done", "output_planned"):
        g[c] = g[c].round().astype("int64")  # whole outputs: the sums of whole counts
    g["establishments_done"] = g["establishments_done"].astype("int64")
    g["establishments_planned"] = g["establishments_planned"].astype("int64")
    g["achieved_share"] = (g["output_done"] / g["output_planned"].where(g["output_planned"] > 0)).astype("float64")
    return g[[*cols, *COLUMNS]]
