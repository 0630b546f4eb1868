"""The 2025 merger in a national report: who joined whom (63 → 34), and each unit's figures before and after.

Resolution 202/2025/QH15 merged the 63 provinces into 34 units from 1 July 2025 (DOMAIN.md). The table
sets each unit beside the old provinces it is made of and its region (a stated assumption, or the user's
file), then its plan and execution rate for 2024 (the sum of its old provinces: the comparable basis),
2025 and 2026, each year as of its end or, for a year in progress, the data's last day.
"""
from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from .. import geo, merger
from ..dataset.basis import on_units
from ..dataset.period import resolve_period
from ..display.labels import group_label, label
from ..display.tables import table_html
from ..metrics.spending import execution
from .context import ReportContext
from .figure import ReportFigure
from .plots import plot_merger

YEARS = (2024, 2025, 2026)


def merger_frame(ctx: ReportContext) -> pd.DataFrame:
    """One row per unit of 2025: ``unit_2025``, ``code``, ``provinces`` (its old provinces), ``region`` and,
    for each year of :data:`YEARS` in the data, ``plan_<year>`` and ``rate_<year>`` (executed ÷ plan).

    Examples
    --------
    >>> from kceval.report.context import open_report
    >>> f = merger_frame(open_report(region="", year=2026, lang="en"))
    >>> len(f), f.set_index("unit_2025").loc["Tây Ninh", "provinces"]
    (34, 'Tây Ninh, Long An')
    """
    units = on_units(ctx.ds, ctx.ds.regions_file)
    cw = merger.crosswalk()
    out = merger.units_2025().rename(columns={"unit": "unit_2025"})
    members = cw.groupby("unit_2025", sort=False)["province"].agg(list)
    # the namesake first, as Resolution 202/2025/QH15 lists them ("Tây Ninh, Long An")
    out["provinces"] = out["unit_2025"].map(
        lambda u: ", ".join(sorted(members[u], key=lambda p: p != geo.match_province(u))))
    namesake = {u: p for u, p in zip(units.projects["unit_2025"], units.projects["province"])}
    namesake |= {u: p for u, p in zip(units.plans["unit_2025"], units.plans["province"])}
    region = dict(zip(units.plans["province"], units.plans["region"])) | dict(
        zip(units.projects["province"], units.projects["region"]))
    out["region"] = out["unit_2025"].map(namesake).map(region)
    for y in (y for y in YEARS if y in ctx.ds.years):
        _, d = resolve_period(units, y)
        ex = execution(units.select(year=y), by="province", as_of=d).set_index("province")
        key = out["unit_2025"].map(namesake)
        out[f"plan_{y}"] = key.map(ex["plan_vnd"])
        out[f"rate_{y}"] = key.map(ex["execution_rate"])
    return out


def merger_figure(ctx: ReportContext) -> ReportFigure | None:
    """:func:`kceval.report.plots.plot_merger` of :func:`merger_frame`, in a national report only (None
    elsewhere)."""
    if ctx.province or ctx.region:
        return None
    return plot_merger(merger_frame(ctx), lang=ctx.lang)


def merger_table(ctx: ReportContext) -> HTML | None:
    """:func:`merger_frame` as a table, in a national report only (None elsewhere: nothing is shown)."""
    if ctx.province or ctx.region:
        return None
    lang = ctx.lang
    df = merger_frame(ctx)
    df["region"] = df["region"].map(lambda r: group_label(r, "region", lang) if isinstance(r, str) else r)
    labels = {"unit_2025": label("unit_2025", lang), "code": label("code", lang),
              "provinces": label("old_provinces", lang), "region": label("region", lang)}
    formats = {}
    for c in df.columns:
        if c.startswith(("plan_", "rate_")):
            y = c.split("_")[1]
            labels[c] = f"{label('plan' if c.startswith('plan_') else 'execution_rate', lang)} {y}"
            formats[c] = "money" if c.startswith("plan_") else "percent"
    return HTML(table_html(df, lang=lang, labels=labels, formats=formats))
