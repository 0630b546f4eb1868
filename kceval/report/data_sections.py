"""Report sections about the data: the project listing, rows read and excluded, loading
problems, the reconciliation with published figures and the synthetic-data statement.

The sections about the programme's figures are in :mod:`kceval.report.sections`.

Examples
--------
>>> from kceval.report import open_report
>>> "<table" in data_quality_table(open_report(province="Đồng Nai", year=2019)).data
True
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
from IPython.display import HTML

from ..dataset import Dataset
from ..dataset.cache import Memo
from ..display.formats import format_number
from ..display.labels import group_label, has_label, label
from ..display.messages import column_name, problem_message, table_name
from ..display.tables import table_html
from ..io.published import load_published
from ..metrics.reconcile import computed_figures, reconcile
from ..schema import TABLES
from .context import ReportContext


def projects_table(ctx: ReportContext) -> HTML:
    """The selection's projects (titles escaped by table_html), sortable."""
    lang = ctx.lang
    p = ctx.current.executed()
    df = pd.DataFrame({
        "project_id": p["project_id"], "title": p["title"],
        "activity": p["activity"].map(lambda v: group_label(v, "activity", lang)),
        "source": p["source"].map(lambda v: group_label(v, "source", lang)),
        "support_vnd": p["support_vnd"], "executed_vnd": p["executed_vnd"],
        "status": p["status"].map(lambda v: group_label(v, "status", lang)),
        "approved_on": p["approved_on"], "planned_end": p["planned_end"]})
    if not ctx.province:
        df.insert(1, "province", p["province"])
    return HTML(table_html(df, lang=lang, formats={"support_vnd": "money", "executed_vnd": "money",
                                                   "approved_on": "date", "planned_end": "date"},
                           labels={"project_id": label("project_id", lang), "title": label("project_title", lang),
                                   "activity": label("activity", lang),
                                   "source": label("source_of_funds", lang), "support_vnd": label("support", lang),
                                   "executed_vnd": label("executed", lang), "approved_on": label("approved_on", lang),
                                   "planned_end": label("planned_end", lang)}))


def data_quality_table(ctx: ReportContext) -> HTML:
    """Rows read and excluded per table of the loaded data."""
    lang, ds = ctx.lang, ctx.ds
    names = list(TABLES)
    kept = [len(getattr(ds, t)) for t in names]
    excl = [len(ds.excluded.get(t, ())) for t in names]
    df = pd.DataFrame({"table": [table_name(t, lang) for t in names], "read": np.add(kept, excl), "excluded": excl})
    return HTML(table_html(df, lang=lang, sortable=False, formats={"read": "int", "excluded": "int"},
                           labels={"table": label("table", lang), "read": label("rows_read", lang),
                                   "excluded": label("rows_excluded", lang)}))


def problems_table(ctx: ReportContext) -> HTML:
    """The loading problems (errors exclude their rows; warnings keep them), counted by kind."""
    lang = ctx.lang
    f = ctx.ds.problems_frame()
    if not len(f):
        return HTML(f"<p>{html.escape(label('no_problems', lang))}</p>")
    g = f.groupby(["severity", "column", "message"], dropna=False).size().reset_index(name="rows")
    g = g.assign(severity=[label(f"sev_{s}", lang) for s in g["severity"]],
                 column=[column_name(c, lang) for c in g["column"]],
                 message=[problem_message(m, lang) for m in g["message"]])
    return HTML(table_html(g, lang=lang, formats={"rows": "int"},
                           labels={"severity": label("severity", lang), "column": label("column", lang),
                                   "message": label("message", lang), "rows": label("rows", lang)}))


# the region's published figures are the same for every province report of a region: computed once per
# process for the same data (Dataset.memo_key) and rows
_COMPUTED = Memo(max_items=16, copy=pd.DataFrame.copy)


def _computed(ds: Dataset, pub: pd.DataFrame) -> pd.DataFrame:
    key = ds.memo_key_for(tuple(map(tuple, pub.astype(str).to_numpy())))
    return _COMPUTED.through(key, lambda: computed_figures(ds, pub))


def reconciliation_table(ctx: ReportContext) -> HTML:
    """Published figures of the selection's scope and year beside the ones computed from the data.

    Only the published rows of the scope (the province and its region, the region, or every
    row in a national report) and of the plan year are computed, which keeps this cheap.
    """
    lang = ctx.lang
    pub = load_published()
    pub = pub[pub["period_end"].dt.year == ctx.year]
    if ctx.label != "national":
        pub = pub[pub["region"].isin({ctx.label, ctx.region})]
    r = reconcile(_computed(ctx.ds, pub), pub) if len(pub) else pub.iloc[0:0]
    if not len(r):
        return HTML(f"<p>{html.escape(label('no_published', lang))}</p>")
    r = r.merge(pub[["region", "period_end", "measure", "source_of_funds", "unit"]].drop_duplicates(
        ["region", "period_end", "measure", "source_of_funds"]), how="left")
    df = r[["region", "period_end", "measure", "source_of_funds", "unit", "published", "computed", "match"]].copy()
    df["match"] = np.where(df["match"], label("yes", lang), label("no", lang))
    # like with like: a figure of 2025 on is compared on the basis of the 34 units, a region's under the stated
    # assumption (or the user's file), and says so beside the figure
    after = pd.to_datetime(df["period_end"]).dt.year >= 2025
    assumed = label("basis_file" if ctx.ds.regions_file else "basis_assumed", lang)
    df["basis"] = np.where(after & df["region"].isin(["north", "central", "south"]), assumed,
                           np.where(after, label("basis_34", lang), label("basis_63", lang)))
    df["region"] = df["region"].map(lambda v: group_label(v, "region", lang))
    decimals = [0 if u == "count" else 3 for u in df["unit"]]  # counts are whole
    for col, prefix in (("measure", "pm_"), ("source_of_funds", "ps_"), ("unit", "pu_")):  # words, not codes
        df[col] = df[col].map(lambda v, p=prefix: label(f"{p}{v}", lang) if has_label(f"{p}{v}") else v)
    # published values mix units (billion VND, percent, counts): three decimals keep money and shares comparable
    for col in ("published", "computed"):
        df[col] = [format_number(v, lang, decimals=k) for v, k in zip(df[col], decimals)]
    return HTML(table_html(df, lang=lang, formats={"period_end": "date"},
                           labels={"region": label("region", lang), "period_end": label("period_end", lang),
                                   "measure": label("measure", lang), "source_of_funds": label("source_of_funds", lang),
                                   "unit": label("unit", lang), "published": label("published", lang),
                                   "computed": label("computed", lang), "match": label("match", lang),
                                   "basis": label("basis", lang)}))


def synthetic_note(ctx: ReportContext) -> HTML:
    """The synthetic-data statement when the data are the bundled sample (else nothing)."""
    return HTML(f'<p class="kc-note"><strong>{html.escape(label("synthetic", ctx.lang))}</strong></p>'
                if ctx.ds.synthetic else "")
