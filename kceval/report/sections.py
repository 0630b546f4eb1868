"""Report sections about the programme's figures: the logic behind each table and sentence.

Notebooks stay controller scripts (DESIGN.md §4): they call :func:`kceval.report.open_report`
once and then one function per section. Every function returns something Jupyter displays (an
escaped ``IPython.display.HTML`` table or sentence) or a tidy frame for :mod:`kceval.report.plots`;
nothing is printed or written. Regional comparisons come from the province comparison frame
computed once in :func:`~kceval.report.context.open_report`. The sections about the data
(projects, data quality, reconciliation) are in :mod:`kceval.report.data_sections`.
"""
from __future__ import annotations

import html
import os
import re
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML

from .. import merger
from ..display.formats import MISSING, format_date, format_money, format_number, format_percent
from ..display.labels import group_label, has_label, label
from ..display.tables import table_html, table_key_values
from ..errors import KcevalError, TooFewEvents
from ..headline.feasibility import province_funnel
from ..metrics.feasibility import DENOMINATOR_AS_OF
from ..metrics.funnel import Funnel, shrink_rates
from ..metrics.pefa import pefa_grade, pefa_pi1, pefa_pi2
from ..metrics.risk import fit_risk_model
from ..metrics.survival import cumulative_incidence, time_to_event
from .context import ReportContext


def display_name(ctx: ReportContext) -> str:
    """The selection's name in the report language (a province name, 'Miền Nam', 'National'...)."""
    if ctx.province:
        return merger.unit_2025_of(ctx.label) if ctx.ds.basis == "unit_2025" else ctx.label  # Huế
    return group_label(ctx.label, "region", ctx.lang)


def basis_note(ctx: ReportContext) -> str:
    """On the basis of the 34 units (plan years from 2025): which old provinces a unit is made of (its earlier
    years are their sums) and the region assumption; empty on the basis of the 63 provinces."""
    if ctx.ds.basis != "unit_2025":
        return ""
    lang = ctx.lang
    grouping = (label("regions_from_file", lang).format(file=os.path.basename(ctx.ds.regions_file))
                if ctx.ds.regions_file else merger.REGION_2025_ASSUMPTION_BY_LANGUAGE[lang])
    regions = label("basis_regions", lang).format(assumption=grouping)
    if not ctx.province:
        return regions
    unit = merger.unit_2025_of(ctx.label)
    members = merger.crosswalk().query("unit_2025 == @unit")["province"].tolist()
    key = "basis_unit" if len(members) > 1 else "basis_unit_one"
    joined = ", ".join(members[:-1]) + (" và " if lang == "vi" else " and ") + members[-1] if len(members) > 1 else ""
    return label(key, lang).format(unit=unit, members=joined) + " " + regions


def _m(v: Any, lang: str) -> str:
    return format_money(v, lang)


def _p(v: Any, lang: str) -> str:
    return format_percent(v, lang)


def _interval(est: Any, ci: Any, lang: str, kind: str = "interval") -> str:
    if est is None or (isinstance(est, float) and np.isnan(est)):
        return MISSING
    if not ci or ci[0] is None:
        return _p(est, lang)
    return f"{_p(est, lang)} ({label(kind, lang)} {_p(ci[0], lang)}–{_p(ci[1], lang)})"


def _forecast(s: dict[str, Any], lang: str) -> str:
    """The seasonal forecast with its range of earlier years, or why there is none (one earlier year)."""
    est, ci, n = s.get("forecast_rate"), s.get("forecast_interval"), s.get("forecast_years")
    if est is not None and not ci and n is not None:  # a range needs two earlier years: say so, print no point-range
        return f"{_p(est, lang)} ({label('no_range', lang).format(n=format_number(n, lang))})"
    return _interval(est, ci, lang, "range")


# -- headline -------------------------------------------------------------------------------

def headline_figures(ctx: ReportContext) -> dict[str, Any]:
    """The figures handed to :func:`kceval.headline.handover.emit_headline` (index page, batch summary).

    ``plan``, ``executed``, ``rate`` and ``projects`` are the index page's columns
    (:data:`kceval.render.index.HEADLINE_COLUMNS`); the rest are kept for the batch summary.
    """
    s = ctx.summary
    out = {"plan": s["plan_vnd"], "executed": s["executed_vnd"], "rate": s["execution_rate"],
           "projects": s["n_projects"]}
    keys = ("selection", "year", "as_of", "gap_to_target_vnd", "forecast_rate", "problem_rate", "acceptance_rate")
    out.update({k: s.get(k) for k in keys})
    return out


def headline_sentence(ctx: ReportContext) -> HTML:
    """One sentence with the headline figures, in the report language; above it, when rows of the input data
    were excluded because of errors, how many (the data-quality section lists them)."""
    s, lang = ctx.summary, ctx.lang
    name = display_name(ctx)
    msg = label("sentence", lang).format(
        as_of=format_date(ctx.as_of, lang),
        label=name,
        executed=_m(s["executed_vnd"], lang),
        plan=_m(s["plan_vnd"], lang),
        year=ctx.year,
        rate=_p(s["execution_rate"], lang),
        gap=_m(s.get("gap_to_target_vnd"), lang),
        forecast=_forecast(s, lang),
    )
    n_excluded = sum(len(ctx.ds.excluded.get(t, ())) for t in ("plans", "projects", "events", "payments"))
    warn = (f'<p class="kc-note kc-excluded" role="note"><strong>'
            f'{html.escape(label("excluded_banner", lang).format(n=n_excluded))}</strong></p>' if n_excluded else "")
    basis = basis_note(ctx)
    note = f'<p class="kc-note kc-basis" role="note">{html.escape(basis)}</p>' if basis else ""
    return HTML(f'{warn}<p class="kc-lead">{html.escape(msg)}</p>{note}')


def headline_table(ctx: ReportContext) -> HTML:
    """Plan, executed, rate, gap to 100%, forecasts and projects by status."""
    s, lang = ctx.summary, ctx.lang
    L = lambda k: label(k, lang)  # noqa: E731
    rows = [
        (L("plan"), _m(s["plan_vnd"], lang)),
        (L("executed"), _m(s["executed_vnd"], lang)),
        (L("execution_rate"), _p(s["execution_rate"], lang)),
        (label("gap", lang), _m(s.get("gap_to_target_vnd"), lang)),
        (label("forecast", lang), _forecast(s, lang)),
        (label("forecast_naive", lang), _p(s.get("naive_forecast_rate"), lang)),
        (label("n_projects", lang), format_number(s["n_projects"], lang)),
    ]
    rows += [
        (f"— {group_label(k, 'status', lang)}", format_number(v, lang)) for k, v in s["status_counts"].items() if v
    ]
    return HTML(table_key_values(rows, caption=f"{display_name(ctx)} — {ctx.year}", css_class="kc-kv kc-headline"))


COMPARED = (("execution_rate", "percent"), ("forecast_rate", "percent"), ("effective_projects", "number"),
            ("problem_rate", "percent"), ("problem_rate_shrunk", "percent"), ("acceptance_rate", "percent"),
            ("on_time_rate", "percent"))


def comparison_table(ctx: ReportContext) -> HTML:
    """The province beside its region's median and its rank among the region's provinces."""
    lang, peers = ctx.lang, ctx.peers
    me = peers[peers["province"] == ctx.province]
    cols = [c for c, _ in COMPARED]
    ranks = peers[cols].rank(ascending=False, method="min")
    rows = []
    for col, kind in COMPARED:  # seven fixed rows, not a loop over data
        fmt = (lambda v: _p(v, lang)) if kind == "percent" else (lambda v: format_number(v, lang, decimals=1))
        mine = me[col].iloc[0] if len(me) else None
        rank = ranks.loc[me.index[0], col] if len(me) else np.nan
        rank_s = MISSING if pd.isna(rank) else f"{int(rank)} {label('of', lang)} {int(peers[col].notna().sum())}"
        name = label("forecast", lang) if col == "forecast_rate" else label(col, lang)
        median = peers[col].median() if peers[col].notna().any() else None  # all NaN: e.g. no forecast at year end
        rows.append({"measure": name, "mine": fmt(mine), "median": fmt(median), "rank": rank_s})
    df = pd.DataFrame(rows)
    region = label(f"rg_{ctx.region}", lang)
    return HTML(table_html(df, lang=lang, sortable=False, labels={
        "measure": label("measure", lang), "mine": ctx.label, "median": f"{label('median', lang)} — {region}",
        "rank": label("rank", lang)}))


def ranking_table(ctx: ReportContext) -> HTML:
    """The compared provinces ranked by execution rate, with their main figures (sortable)."""
    lang = ctx.lang
    cols = ["province", "plan_vnd", "executed_vnd", "execution_rate", "forecast_rate", "n", "problem_rate",
            "problem_rate_shrunk", "acceptance_rate", "on_time_rate"]
    df = ctx.peers[cols].sort_values("execution_rate", ascending=False)
    labels = {"province": label("province", lang), "plan_vnd": label("plan", lang),
              "executed_vnd": label("executed", lang), "execution_rate": label("execution_rate", lang),
              "forecast_rate": label("forecast", lang), "n": label("n_projects", lang)}
    labels.update({c: label(c, lang) for c in cols[6:]})
    return HTML(table_html(df, lang=lang, labels=labels, formats={
        "plan_vnd": "money", "executed_vnd": "money", "execution_rate": "percent", "forecast_rate": "percent",
        "n": "int", "problem_rate": "percent", "problem_rate_shrunk": "percent", "acceptance_rate": "percent",
        "on_time_rate": "percent"}))


# -- spending ---------------------------------------------------------------------------------

def execution_table(execution: pd.DataFrame, *, by: str, lang: str) -> HTML:
    """:func:`kceval.metrics.spending.execution` output as a sortable table, group names translated."""
    df = execution[[by, "plan_vnd", "executed_vnd", "execution_rate", "gap_vnd", "n_projects"]].copy()
    df[by] = df[by].map(lambda v: group_label(v, by, lang))
    return HTML(
        table_html(
            df,
            lang=lang,
            formats={
                "plan_vnd": "money",
                "executed_vnd": "money",
                "execution_rate": "percent",
                "gap_vnd": "money",
                "n_projects": "int",
            },
            labels={
                by: label(by, lang),
                "plan_vnd": label("plan", lang),
                "executed_vnd": label("executed", lang),
                "execution_rate": label("execution_rate", lang),
                "gap_vnd": label("gap", lang),
                "n_projects": label("n_projects", lang),
            },
        )
    )


def pefa_table(ctx: ReportContext) -> HTML:
    """PEFA PI-1 and PI-2 yearly values and bands of the completed years, with the grade."""
    lang = ctx.lang
    level = "province" if ctx.province else "region"
    pi1 = pefa_pi1(ctx.history, as_of=ctx.as_of)
    pi2 = pefa_pi2(ctx.history, level=level, as_of=ctx.as_of)
    pi2 = pi2[pi2[level] == ctx.label] if ctx.province or ctx.region else pi2.iloc[0:0]
    both = pi1[["year", "outturn_ratio", "band"]].merge(
        pi2[["year", "cv", "band"]] if len(pi2) else pd.DataFrame(columns=["year", "cv", "band"]),
        on="year", how="left", suffixes=("_pi1", "_pi2")).tail(3)
    grade1 = pefa_grade(both["band_pi1"].tolist()) if len(both) else MISSING
    grade2 = pefa_grade(both["band_pi2"].dropna().tolist()) if both["band_pi2"].notna().any() else MISSING
    caption = (f"{label('grade', lang)}: PI-1 {grade1}, PI-2 {grade2}; {label('pefa_window', lang)}; "
               f"{label('pi2_lines_' + ('activity' if ctx.province else 'province'), lang)}")
    return HTML(table_html(both, lang=lang, caption=caption, sortable=False,
                           formats={"year": "text", "outturn_ratio": "percent", "cv": "percent"},
                           labels={"year": label("year", lang), "outturn_ratio": label("pi1", lang),
                                   "band_pi1": label("band", lang) + " PI-1", "cv": label("pi2", lang),
                                   "band_pi2": label("band", lang) + " PI-2"}))


def concentration_table(ctx: ReportContext) -> HTML:
    """HHI, effective number, Gini with interval, Theil, fragmentation and leverage."""
    s, lang = ctx.summary, ctx.lang
    num = lambda v, d=2: format_number(v, lang, decimals=d)  # noqa: E731
    gini = s.get("gini")
    ci = s.get("gini_ci") or [None, None]
    rows = [(label("hhi", lang), num(s.get("hhi"), 3)),
            (label("effective_projects", lang), f"{num(s.get('effective_projects'), 1)} / {num(s['n_projects'], 0)}"),
            (label("gini", lang), f"{num(gini, 3)} ({num(ci[0], 3)}–{num(ci[1], 3)})"),
            (label("theil", lang), num(s.get("theil"), 3)),
            (label("small_share", lang), _p(s.get("small_project_share"), lang)),
            (label("p90", lang), num(s.get("projects_for_90pct"), 0)),
            (label("leverage", lang), num(s.get("leverage"), 2))]
    return HTML(table_key_values(rows))


# -- feasibility ------------------------------------------------------------------------------

def rates_table(rates: pd.DataFrame, *, lang: str) -> HTML:
    """:func:`kceval.metrics.feasibility.problem_rates` output (no grouping) as a table."""
    df = rates[["measure", "count", "n", "estimate", "low", "high"]].copy()
    df["measure"] = df["measure"].map(lambda v: group_label(v, "measure", lang))
    return HTML(
        table_html(
            df,
            lang=lang,
            sortable=False,
            caption=label("den_approved", lang) if (rates["denominator"] == DENOMINATOR_AS_OF).all() else None,
            formats={"count": "int", "n": "int", "estimate": "percent", "low": "percent", "high": "percent"},
            labels={
                "measure": label("measure", lang),
                "count": label("count", lang),
                "n": label("n", lang),
                "estimate": label("ax_rate", lang),
                "low": label("low", lang),
                "high": label("high", lang),
            },
        )
    )


def problem_units(ctx: ReportContext) -> pd.DataFrame:
    """Problem counts and denominators of the compared provinces (input of funnel and shrinkage)."""
    p = ctx.peers[["region", "province", "problem_count", "n"]].rename(columns={"problem_count": "count"})
    return p[p["n"] > 0].reset_index(drop=True)


def regional_funnel(ctx: ReportContext) -> Funnel:
    """The funnel of the compared provinces' problem rates: the region's, or the country's in a
    national report (:func:`kceval.headline.feasibility.province_funnel`, the funnel behind the
    provinces' funnel flags)."""
    return province_funnel(ctx.provinces, ctx.region)


def shrunk_rates(ctx: ReportContext) -> pd.DataFrame:
    """:func:`kceval.metrics.funnel.shrink_rates` of the compared provinces (each pulled to its region)."""
    return shrink_rates(problem_units(ctx), unit="province", group="region")


def shrinkage_sentence(ctx: ReportContext) -> HTML:
    """The province's observed and shrunken problem rate and its place on the funnel plot."""
    lang = ctx.lang
    me = ctx.peers[ctx.peers["province"] == ctx.province]
    if not len(me) or not me["n"].iloc[0]:
        return HTML("")
    r = me.iloc[0]
    msg = label("shrink", lang).format(
        label=ctx.label, rate=_p(r["problem_rate"], lang), count=int(r["problem_count"]), n=int(r["n"]),
        shrunk=_p(r["problem_rate_shrunk"], lang), low=_p(r["problem_rate_shrunk_low"], lang),
        high=_p(r["problem_rate_shrunk_high"], lang), flag=label(f"flag_{r['funnel_flag']}", lang))
    return HTML(f"<p>{html.escape(msg)}</p>")


def risk_table(ctx: ReportContext) -> HTML:
    """Odds ratios of the risk model (a stop, adjustment or extension within a year of approval)
    fitted once on the scope's projects followed up for a year by the as-of date, of the plan
    years up to the report year; a message when too few events."""
    lang = ctx.lang
    h = ctx.history.as_of(ctx.as_of)
    h = h.select(year=[y for y in h.years if y <= ctx.year])
    try:
        m = fit_risk_model(h.projects, h.events, as_of=ctx.as_of)
    except TooFewEvents as e:  # said in the report's language, with the counts
        why = label("risk_few_events", lang).format(events=format_number(e.n_events, lang),
                                                     other=format_number(e.n_other, lang),
                                                     params=format_number(e.n_params, lang),
                                                     needed=format_number(e.needed, lang))
        return HTML(f"<p>{html.escape(label('risk_unfit', lang))} {html.escape(why)}</p>")
    except KcevalError:
        return HTML(f"<p>{html.escape(label('risk_unfit', lang))} {html.escape(label('risk_other', lang))}</p>")
    df = m.params.loc[m.params["term"] != "Intercept", ["term", "odds_ratio", "low", "high", "p_value"]].copy()
    level = df["term"].str.extract(r"^C\((\w+),.*\)\[T\.(.+)\]$")
    named = level[0].notna()
    df.loc[named, "term"] = [group_label(v, c, lang) for c, v in zip(level.loc[named, 0], level.loc[named, 1])]
    df.loc[~named, "term"] = df.loc[~named, "term"].map(
        lambda t: label(f"risk_{t}", lang) if has_label(f"risk_{t}") else t
    )
    caption = label("risk_caption", lang).format(n=format_number(m.n, lang), events=format_number(m.n_events, lang),
                                                auc=format_number(m.auc, lang, decimals=2),
                                                days=format_number(m.horizon_days, lang))
    ref = re.search(r"activity, Treatment\(reference='(\w+)'\)", m.formula)
    if ref:
        caption += f"; {label('risk_reference', lang)}: {group_label(ref.group(1), 'activity', lang)}"
    for col, dec in (("odds_ratio", 2), ("low", 2), ("high", 2), ("p_value", 3)):  # four fixed columns
        df[col] = df[col].map(lambda v, d=dec: format_number(v, lang, decimals=d))
    return HTML(table_html(df, lang=lang, caption=caption, sortable=False,
                           labels={"term": label("measure", lang), "odds_ratio": label("odds_ratio", lang),
                                   "low": label("low", lang), "high": label("high", lang), "p_value": "p"}))


# -- completion -------------------------------------------------------------------------------

def completion_table(ctx: ReportContext) -> HTML:
    """Acceptance, delivery and punctuality rates with intervals and their denominators, and median
    slippage (:func:`kceval.headline.completion.headline_completion`)."""
    s, lang = ctx.summary, ctx.lang
    rows = []
    for key, den in (("acceptance_rate", "den_due"), ("delivery_rate", "den_due_known"),
                     ("punctuality_rate", "den_accepted")):
        name = label("on_time_rate" if key == "delivery_rate" else key, lang)
        rows.append((name, _interval(s.get(key), s.get(f"{key}_ci"), lang),
                     label(den, lang).format(n=format_number(s.get(f"{key}_n"), lang))))
    censored = s.get("slippage_censored") or 0
    rows.append((label("slippage", lang), format_number(s.get("median_slippage_days"), lang, decimals=1),
                 label("den_slip", lang).format(n=format_number(censored, lang)) if censored else ""))
    df = pd.DataFrame(rows, columns=["measure", "rate_ci", "denominator"])
    return HTML(table_html(df, lang=lang, sortable=False,
                           labels={"measure": label("measure", lang), "rate_ci": label("rate_ci", lang),
                                   "denominator": label("denominator", lang)}))


def incidence_frames(ctx: ReportContext, by: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative incidence of acceptance and of stop (competing) for the selection as of the date."""
    tte = time_to_event(ctx.current.projects, as_of=ctx.as_of)
    return cumulative_incidence(tte, by=by, cause=1), cumulative_incidence(tte, by=by, cause=2)
