"""The top of a report: the handful of figures a reader needs, as large labelled cards, each beside its comparison.

Execution rate (with the gap to 100%), the year-end forecast, the problem rate, the on-time (delivery) rate and the
main results (the outputs of the first activities of :data:`kceval.report.results.ORDER` that produced something)
come before any detail. Each rate is set beside the median of the provinces compared: a province's region, a
region's provinces, or every province in a national report (:attr:`ReportContext.peers`).
"""
from __future__ import annotations

import html
from typing import Any

import pandas as pd
from IPython.display import HTML

from ..display.formats import MISSING, format_money, format_number, format_percent
from ..display.labels import label
from ..metrics.outputs import OUTPUT_UNITS
from .context import ReportContext
from .results import output_frame

MAX_RESULTS = 2  # result cards: the first activities with an output, in the order of the programme's reports


def _card(title: str, value: str, note: str = "", cls: str = "") -> str:
    e = html.escape
    extra = f" {cls}" if cls else ""
    n = f'<div class="kc-card-note">{e(note)}</div>' if note else ""
    return (f'<div class="kc-card{extra}" role="group" aria-label="{e(title)}"><div class="kc-card-label">{e(title)}'
            f'</div><div class="kc-card-value">{e(value)}</div>{n}</div>')


def _median(ctx: ReportContext, col: str) -> Any:
    v = ctx.peers[col] if col in ctx.peers.columns else pd.Series(dtype=float)
    return v.median() if v.notna().any() else None


def headline_cards(ctx: ReportContext) -> HTML:
    """The headline figures as cards (see the module notes), in the report language."""
    s, lang = ctx.summary, ctx.lang
    L = lambda k: label(k, lang)  # noqa: E731
    peers = L("card_peers_region" if ctx.province else "card_peers_all" if not ctx.region else "card_peers_region")

    def vs(col: str) -> str:
        m = _median(ctx, col)
        return f"{peers}: {format_percent(m, lang)}" if m is not None else ""

    gap = s.get("gap_to_target_vnd")
    cards = [
        _card(L("card_execution"), format_percent(s.get("execution_rate"), lang),
              (L("card_gap").format(gap=format_money(gap, lang)) + " · " if gap else "") + vs("execution_rate"),
              "kc-card-main"),
        _card(L("card_forecast"), format_percent(s.get("forecast_rate"), lang), vs("forecast_rate")),
        _card(L("card_problem"), format_percent(s.get("problem_rate"), lang), vs("problem_rate")),
        _card(L("card_on_time"), format_percent(s.get("on_time_rate"), lang), vs("on_time_rate")),
    ]
    out = output_frame(ctx)
    done = out[out["output_done"] > 0].head(MAX_RESULTS)
    for r in done.itertuples():
        unit = getattr(OUTPUT_UNITS[r.activity], lang)
        cards.append(_card(L("card_result"), f"{format_number(r.output_done, lang)}", unit, "kc-card-result"))
    if done.empty:
        cards.append(_card(L("card_result"), MISSING, L("card_no_result"), "kc-card-result"))
    return HTML(f'<div class="kc-cards">{"".join(cards)}</div>')
