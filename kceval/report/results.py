"""What the money bought, in a report: a results paragraph in the programme's own style, and the outputs by
activity (achieved, planned, achieved ÷ planned), from :func:`kceval.metrics.outputs.outputs`.

The paragraph follows the source report of this project ("hỗ trợ 47 cơ sở công nghiệp nông thôn ứng dụng
máy móc thiết bị hiện đại; … tổ chức 3 hội chợ với 115 lượt cơ sở tham gia; …", DOMAIN.md): its five
activities first, in its order, then the others in the order of Decree 45/2012.
"""
from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import HTML

from ..dataset.cache import Memo
from ..display.formats import MISSING, format_date, format_number, format_percent
from ..display.labels import group_label, label
from ..display.tables import table_html
from ..metrics.feasibility import approved_by
from ..metrics.outputs import OUTPUT_UNITS, outputs
from ..metrics.remedies import KINDS, compare_remedies, remedy_shares
from ..metrics.spending import leverage
from ..metrics.unit_costs import cap_check, score_unit_costs, unit_costs
from ..schema import ACTIVITIES
from .context import ReportContext
from .sections import display_name

# the source report's order, then Decree 45/2012's
ORDER = ["machinery", "cleaner_production", "fair", "brand", "consulting"]
ORDER += [a for a in ACTIVITIES if a not in ORDER and a in OUTPUT_UNITS]
_ORDER_OF = {a: i for i, a in enumerate([*ORDER, "management"])}
_FIELD = re.compile(r"\{(\w+)\}")


def output_frame(ctx: ReportContext) -> pd.DataFrame:
    """:func:`~kceval.metrics.outputs.outputs` of the report's plan year as of its date, in :data:`ORDER`.

    The cards, the results sentence and the outputs table all use it: computed once per report (a copy each).
    """
    if "outputs" not in ctx.shared:
        f = outputs(ctx.selection.projects, as_of=ctx.as_of)
        ctx.shared["outputs"] = f.set_index("activity").reindex([a for a in ORDER if a in set(f["activity"])])\
            .reset_index()
    return ctx.shared["outputs"].copy()


def result_clause(activity: str, projects: int, establishments: int, output: int, lang: str) -> str:
    """One activity's result in words, e.g. "tổ chức 3 hội chợ với 115 lượt cơ sở tham gia".

    Examples
    --------
    >>> result_clause("fair", 3, 115, 115, "vi")
    'tổ chức 3 hội chợ với 115 lượt cơ sở tham gia'
    >>> result_clause("cleaner_production", 1, 1, 1, "en")
    'assessed cleaner production for 1 establishment'
    """
    text = label(f"res_{activity}", lang)
    values = {"projects": projects, "establishments": establishments, "output": output}
    if "|" in text:  # English: singular|plural, by the clause's first number
        one, many = text.split("|")
        first = _FIELD.search(one)
        text = one if first and values[first.group(1)] == 1 else many
    return text.format(**{k: format_number(v, lang) for k, v in values.items()})


def results_sentence(ctx: ReportContext) -> HTML:
    """The results paragraph: what the projects finished or accepted by the report's date produced."""
    lang = ctx.lang
    f = output_frame(ctx)
    done = f[f["projects_done"] > 0]
    as_of, name = format_date(ctx.as_of, lang), display_name(ctx)
    if done.empty:
        text = label("res_none", lang).format(as_of=as_of, label=name)
    else:
        parts = [result_clause(r.activity, r.projects_done, r.establishments_done, r.output_done, lang)
                 for r in done.itertuples()]
        text = label("res_sentence", lang).format(as_of=as_of, label=name, results="; ".join(parts))
    note = label("res_basis", lang).format(as_of=as_of)
    return HTML(f'<p class="kc-lead kc-results">{html.escape(text)}</p>'
                f'<p class="kc-note" role="note">{html.escape(note)}</p>')


def outputs_table(ctx: ReportContext) -> HTML:
    """Outputs by activity: unit, achieved, planned, achieved ÷ planned, projects done and approved."""
    lang = ctx.lang
    f = output_frame(ctx)
    t = pd.DataFrame({
        "activity": [group_label(a, "activity", lang) for a in f["activity"]],
        "out_unit": [getattr(OUTPUT_UNITS[a], lang) for a in f["activity"]],
        "out_achieved": f["output_done"], "out_planned": f["output_planned"], "out_share": f["achieved_share"],
        "out_projects_done": f["projects_done"], "out_projects_planned": f["projects_planned"],
        "out_unknown": f["output_unknown"]})
    formats = {"out_achieved": "int", "out_planned": "int", "out_share": "percent", "out_projects_done": "int",
               "out_projects_planned": "int", "out_unknown": "int"}
    return HTML(table_html(t, lang=lang, formats=formats, labels={c: label(c, lang) for c in t.columns}))


MIN_PROJECTS = 3  # a province's unit cost is compared only with this many done projects behind it


# the scores of a region are the same for each of its province reports: computed once per process for the same
# data (Dataset.memo_key), year, date and region
_UNIT_COSTS = Memo(max_items=16, copy=pd.DataFrame.copy)


def unit_cost_frame(ctx: ReportContext) -> pd.DataFrame:
    """:func:`~kceval.metrics.unit_costs.score_unit_costs` of the provinces of the report's region (the country
    for a national report) in its plan year, as of its date, in :data:`ORDER`."""
    def compute() -> pd.DataFrame:
        peers = ctx.ds.select(year=ctx.year, region=ctx.region) if ctx.region else ctx.ds.select(year=ctx.year)
        s = score_unit_costs(peers.projects, as_of=ctx.as_of, min_projects=MIN_PROJECTS)
        total = unit_costs(peers.projects, as_of=ctx.as_of, by="province")[["province", "activity", "total_per_output"]]
        s = s.merge(total, on=["province", "activity"], how="left")
        s["_order"] = s["activity"].map(_ORDER_OF)
        return s.sort_values(["_order", "province"], kind="mergesort").drop(columns="_order").reset_index(drop=True)

    return _UNIT_COSTS.through(ctx.ds.memo_key_for(ctx.year, str(ctx.as_of), ctx.region), compute)


def unit_cost_table(ctx: ReportContext) -> HTML:
    """Unit costs by activity: for a province, its cost per output beside the median and quartiles of its
    region's provinces, with a robust z and a flag; for a region or the country, the median and quartiles of its
    provinces and the provinces with outlying costs. Under the table, the national projects above the legal cap."""
    lang = ctx.lang
    s = unit_cost_frame(ctx)
    act = [group_label(a, "activity", lang) for a in s["activity"]]
    if ctx.province:
        me = s["province"] == ctx.province
        mine, names = s[me.to_numpy()], [a for a, m in zip(act, me) if m]
        flag = [label("uc_outlier", lang) if o else "" if sc else label("uc_few", lang).format(n=MIN_PROJECTS)
                for o, sc in zip(mine["outlier"], mine["scored"])]
        t = pd.DataFrame({"activity": names, "uc_projects": mine["projects"].to_numpy(),
                          "uc_support_per_output": mine["support_per_output"].to_numpy(),
                          "uc_total_per_output": mine["total_per_output"].to_numpy(),
                          "uc_median": mine["median"].to_numpy(),
                          "uc_projects_scored": mine["projects_scored"].to_numpy(), "uc_q1": mine["q1"].to_numpy(),
                          "uc_q3": mine["q3"].to_numpy(), "uc_z": mine["log_z"].to_numpy(), "uc_flag": flag})
        formats = {"uc_projects": "int", "uc_support_per_output": "money", "uc_total_per_output": "money",
                   "uc_median": "money", "uc_projects_scored": "int", "uc_q1": "money", "uc_q3": "money",
                   "uc_z": "ratio"}
    else:
        g = s.assign(activity_label=act).groupby("activity", sort=False)
        first = g.first()
        t = pd.DataFrame({
            "activity": first["activity_label"].to_numpy(), "uc_provinces": first["n_scored"].to_numpy(),
            "uc_projects_scored": first["projects_scored"].to_numpy(),
            "uc_median": first["median"].to_numpy(), "uc_q1": first["q1"].to_numpy(), "uc_q3": first["q3"].to_numpy(),
            "uc_outliers": [", ".join(x["province"][x["outlier"]]) for _, x in g]})
        formats = {"uc_provinces": "int", "uc_projects_scored": "int", "uc_median": "money", "uc_q1": "money",
                   "uc_q3": "money"}
    table = table_html(t, lang=lang, formats=formats, labels={c: label(c, lang) for c in t.columns})
    note = label("uc_note", lang).format(as_of=format_date(ctx.as_of, lang), n=MIN_PROJECTS)
    over = cap_check(ctx.selection.projects)
    cap = (label("cap_some", lang).format(n=len(over), m=int(over["above_priority_cap"].sum())) if len(over)
           else label("cap_none", lang))
    return HTML(f'{table}<p class="kc-note" role="note">{html.escape(note)}</p>'
                f'<p class="kc-note" role="note">{html.escape(cap)}</p>')


def unit_cost_ranking(ctx: ReportContext) -> HTML:
    """The compared provinces ranked by support per output within each activity (1 = the lowest cost), only
    those with at least :data:`MIN_PROJECTS` done projects; sortable."""
    lang = ctx.lang
    s = unit_cost_frame(ctx)
    s = s[s["scored"].to_numpy()]
    s = s.assign(_rank=s.groupby("activity")["support_per_output"].rank(method="min"),
                 _order=s["activity"].map(_ORDER_OF)).sort_values(["_order", "_rank"], kind="mergesort")
    t = pd.DataFrame({
        "activity": [group_label(a, "activity", lang) for a in s["activity"]],
        "uc_rank": [f"{format_number(r, lang)}/{format_number(n, lang)}" for r, n in zip(s["_rank"], s["n_scored"])],
        "province": s["province"].to_numpy(), "uc_projects": s["projects"].to_numpy(),
        "uc_support_per_output": s["support_per_output"].to_numpy(), "uc_z": s["log_z"].to_numpy(),
        "uc_flag": [label("uc_outlier", lang) if o else "" for o in s["outlier"]]})
    formats = {"uc_projects": "int", "uc_support_per_output": "money", "uc_z": "ratio"}
    table = table_html(t, lang=lang, formats=formats, labels={c: label(c, lang) for c in t.columns})
    note = label("uc_rank_note", lang).format(n=MIN_PROJECTS, provinces=s["province"].nunique(), rows=len(s))
    return HTML(f'<p class="kc-note" role="note">{html.escape(note)}</p>{table}')


def leverage_table(ctx: ReportContext) -> HTML:
    """Leverage by activity (counterpart ÷ support) of the plan year's approved projects, with the share of
    projects whose counterpart is known (:func:`kceval.metrics.spending.leverage`)."""
    lang = ctx.lang
    f = leverage(ctx.selection.projects, by="activity") if len(ctx.selection.projects) else pd.DataFrame(
        columns=["activity", "n_projects", "coverage", "support_vnd", "counterpart_vnd", "leverage"])
    f = f.sort_values("activity", key=lambda c: c.map(_ORDER_OF), kind="mergesort")
    t = pd.DataFrame({"activity": [group_label(a, "activity", lang) for a in f["activity"]],
                      "lv_projects": f["n_projects"].to_numpy(), "lv_coverage": f["coverage"].to_numpy(),
                      "lv_support": f["support_vnd"].to_numpy(), "lv_counterpart": f["counterpart_vnd"].to_numpy(),
                      "lv_leverage": f["leverage"].to_numpy()})
    formats = {"lv_projects": "int", "lv_coverage": "percent", "lv_support": "money", "lv_counterpart": "money",
               "lv_leverage": "ratio"}
    note = label("lv_note", lang)
    return HTML(table_html(t, lang=lang, formats=formats, labels={c: label(c, lang) for c in t.columns})
                + f'<p class="kc-note" role="note">{html.escape(note)}</p>')


def remedy_years(ctx: ReportContext) -> list[int]:
    """The plan years pooled to compare pilot and group projects: every year of the history up to the report's
    (the two kinds are a few percent of the projects of one year)."""
    return [y for y in ctx.history.years if y <= ctx.year]


def remedy_frames(ctx: ReportContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`~kceval.metrics.remedies.remedy_shares` of the projects approved by the report date and
    :func:`~kceval.metrics.remedies.compare_remedies`, over :func:`remedy_years`."""
    known = ctx.history.select(year=remedy_years(ctx)).as_of(ctx.as_of)
    shares = remedy_shares(approved_by(known.projects, ctx.as_of))
    return shares, compare_remedies(known.projects, known.events, as_of=ctx.as_of)


def _with_interval(est: float, low: float, high: float, lang: str, *, kind: str) -> str:
    """``12,3% (8,1–17,0%)``, ``+2,1 điểm % (−3,0 đến +7,5)`` or ``1,12 (1,02–1,28)``."""
    if pd.isna(est):
        return MISSING
    if kind == "percent":
        text = format_percent(est, lang)
        rng = f"{format_percent(low, lang)}–{format_percent(high, lang)}" if pd.notna(low) else ""
    elif kind == "points":
        def pp(x: float) -> str:
            return ("+" if x > 0 else "−" if x < 0 else "") + format_number(abs(x) * 100, lang, decimals=1)
        text = f"{pp(est)} {label('rm_points', lang)}"
        rng = f"{pp(low)} {label('rm_to', lang)} {pp(high)}" if pd.notna(low) else ""
    else:
        text = format_number(est, lang, decimals=2)
        rng = f"{format_number(low, lang, decimals=2)}–{format_number(high, lang, decimals=2)}" if pd.notna(low) else ""
    return f"{text} ({rng})" if rng else text


def remedy_table(ctx: ReportContext) -> HTML:
    """Pilot, group and ordinary projects: their share of projects and money, leverage, and their problem rate,
    on-time rate and relative unit cost with 95% intervals, each against the ordinary projects; the caveat that
    the comparison is descriptive."""
    lang = ctx.lang
    shares, cmp = remedy_frames(ctx)
    row = {(r.kind, r.measure): r for r in cmp.itertuples()}
    cols: dict[str, list] = {c: [] for c in ("rm_kind", "rm_projects", "rm_project_share", "rm_money_share",
                                               "rm_leverage", "rm_problem", "rm_problem_vs", "rm_on_time",
                                               "rm_on_time_vs", "rm_cost", "rm_cost_vs")}
    for kind, sh in zip(KINDS, shares.itertuples()):
        cols["rm_kind"].append(label(f"rm_{kind}", lang))
        cols["rm_projects"].append(sh.projects)
        cols["rm_project_share"].append(sh.project_share)
        cols["rm_money_share"].append(sh.money_share)
        cols["rm_leverage"].append(sh.leverage)
        for m, key, kd in (("problem", "rm_problem", "percent"), ("on_time", "rm_on_time", "percent"),
                           ("relative_cost", "rm_cost", "ratio")):
            r = row[kind, m]
            cols[key].append(_with_interval(r.estimate, r.low, r.high, lang, kind=kd))
            cols[f"{key}_vs"].append(_with_interval(r.vs_ordinary, r.vs_low, r.vs_high, lang,
                                                    kind="points" if kd == "percent" else "ratio"))
    t = pd.DataFrame(cols)
    formats = {"rm_projects": "int", "rm_project_share": "percent", "rm_money_share": "percent",
               "rm_leverage": "ratio"}
    table = table_html(t, lang=lang, formats=formats, sortable=False, labels={c: label(c, lang) for c in t.columns})
    years = remedy_years(ctx)
    span = (f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])) if years else MISSING
    note = label("rm_note", lang).format(years=span, as_of=format_date(ctx.as_of, lang))
    return HTML(f'{table}<p class="kc-note" role="note">{html.escape(note)}</p>'
                f'<p class="kc-note" role="note">{html.escape(label("rm_caveat", lang))}</p>')
