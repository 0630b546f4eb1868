"""Headline output figures: what a selection's money produced and what each output cost, JSON-ready.

From :func:`kceval.metrics.outputs.outputs` and :func:`kceval.metrics.unit_costs.unit_costs`, keyed by activity
code, for ``kceval summary --json`` (keys ``outputs`` and ``unit_costs``, README).
"""
from __future__ import annotations

from typing import Any

from ..dataset import Dataset
from ..dataset.period import check_year
from ..metrics.outputs import outputs
from ..metrics.unit_costs import unit_costs
from .scope import label_on, year_as_of, year_basis
from .values import number

_OUTPUT_KEYS = ("projects_done", "establishments_done", "output_done", "output_unknown", "projects_planned",
                "output_planned")
_COST_KEYS = ("support_per_establishment", "support_per_output", "total_per_output")


def headline_outputs(ds: Dataset, *, year: int, province: str | None = None, region: str | None = None,
                     as_of: Any = None) -> dict[str, Any]:
    """Outputs and unit costs of a province, a region or the country, by activity.

    Keys: ``outputs`` — for each activity with an approved project, ``unit`` (the column its output is counted
    from), ``projects_done``, ``establishments_done``, ``output_done``, ``output_unknown``, ``projects_planned``,
    ``output_planned`` and ``achieved_share``; ``unit_costs`` — for each activity with a done project, ``projects``
    and, in VND, ``support_per_establishment``, ``support_per_output`` and ``total_per_output`` (None when no
    counterpart is known). See :mod:`kceval.metrics.outputs` and :mod:`kceval.metrics.unit_costs`.

    Examples
    --------
    >>> h = headline_outputs(Dataset.load(), year=2019, region="south", as_of="2019-06-30")
    >>> h["outputs"]["fair"]["projects_done"], h["outputs"]["fair"]["output_done"]
    (3, 115)
    """
    ds = year_basis(ds, year)
    label = label_on(ds, province, region, check_year(ds, year))
    sel, year, d = year_as_of(ds, year, as_of)
    sub = sel.select(province=label) if province else sel.select(region=label) if region else sel
    o = outputs(sub.projects, as_of=d)
    c = unit_costs(sub.projects, as_of=d)
    return {
        "outputs": {r["activity"]: {"unit": r["unit"], **{k: int(r[k]) for k in _OUTPUT_KEYS},
                                    "achieved_share": number(r["achieved_share"])} for r in o.to_dict("records")},
        "unit_costs": {r["activity"]: {"projects": int(r["projects"]), **{k: number(r[k]) for k in _COST_KEYS}}
                       for r in c.to_dict("records")},
    }
