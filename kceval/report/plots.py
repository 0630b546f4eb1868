"""Report figures: one ``plot_*`` function per figure, tidy frame in, matplotlib Figure out.

Every function takes a frame as returned by a metric function (named in its docstring), never
modifies it, does no I/O and returns a :class:`ReportFigure` built without pyplot (so Jupyter's
inline backend does not show it twice): make it the last expression of a notebook cell and it
displays as one PNG. Axis labels are in the report language (:mod:`kceval.display.labels`, keys
``ax_*`` and ``lg_*``) and carry units; one palette (:data:`PALETTE`) is used throughout. Figures are
9 inches wide at 90 dpi (report width) and kept short so that a report stays well under 1.5 MB.
DejaVu Sans (matplotlib's default font) has the Vietnamese diacritics.

Examples
--------
>>> from kceval.metrics.concentration import lorenz
>>> fig = plot_lorenz(lorenz([1, 2, 3, 10]), lang="en")
>>> fig.axes[0].get_xlabel()
'Cumulative share of projects, smallest first (%)'
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from ..display.formats import MISSING, format_number
from ..display.labels import check_lang, group_label, label
from ..errors import ParameterError
from .figure import ACCENT, GREY, MAIN, PALETTE, SOFT, ReportFigure, add_legend, need_columns, new_figure, percent_axis

# -- spending ---------------------------------------------------------------------------------

def plot_execution_bars(execution: pd.DataFrame, *, by: str, lang: str = "vi",
                        highlight: str | None = None) -> ReportFigure:
    """Execution rate of each group as horizontal bars, against the 100% target.

    ``execution`` is :func:`kceval.metrics.spending.execution` output grouped ``by`` one column.
    """
    check_lang(lang)
    need_columns(execution, {by, "execution_rate"}, "execution", "kceval.metrics.spending.execution")
    d = execution[[by, "execution_rate"]].dropna().sort_values("execution_rate")
    names = [group_label(v, by, lang) for v in d[by]]
    fig, ax = new_figure(max(1.6, 0.28 * len(d) + 0.9))
    colors = [ACCENT if v == highlight else MAIN for v in d[by]]
    ax.barh(names, d["execution_rate"].to_numpy(), color=colors)
    ax.axvline(1.0, color=GREY, ls="--", lw=1, label=label("lg_target", lang))
    percent_axis(ax, "x")
    ax.set_xlabel(label("ax_execution_rate", lang))
    add_legend(ax, loc="lower right", frameon=False)
    sns.despine(ax=ax)
    return fig


def plot_lorenz(lorenz: pd.DataFrame, *, lang: str = "vi", effective: float | None = None,
                actual: int | None = None) -> ReportFigure:
    """Lorenz curve of support across projects (:func:`kceval.metrics.concentration.lorenz`).

    ``effective`` (1/HHI) and ``actual`` numbers of projects go in the title when given.
    """
    check_lang(lang)
    need_columns(lorenz, {"project_share", "money_share"}, "lorenz", "kceval.metrics.concentration.lorenz")
    fig, ax = new_figure(3.8)
    ax.plot([0, 1], [0, 1], color=GREY, ls="--", lw=1, label=label("lg_equality", lang))
    ax.plot(lorenz["project_share"].to_numpy(), lorenz["money_share"].to_numpy(), color=MAIN, lw=2,
            label=label("lg_lorenz", lang))
    ax.fill_between(lorenz["project_share"].to_numpy(), lorenz["money_share"].to_numpy(),
                    lorenz["project_share"].to_numpy(), color=MAIN, alpha=0.12)
    percent_axis(ax, "x")
    percent_axis(ax)
    ax.set_xlabel(label("ax_project_share", lang))
    ax.set_ylabel(label("ax_money_share", lang))
    if effective is not None and actual is not None:
        ax.set_title(label("tt_lorenz", lang).format(
            effective=format_number(effective, lang, decimals=1), actual=format_number(actual, lang)))
    add_legend(ax, loc="upper left", frameon=False)
    ax.set_box_aspect(None)
    sns.despine(ax=ax)
    return fig


def plot_cumulative_profile(profile: pd.DataFrame, *, lang: str = "vi") -> ReportFigure:
    """Cumulative execution by month against the even pace and the earlier years' band.

    ``profile`` is :func:`kceval.metrics.profile.monthly_profile` output for one group (no ``by``).
    """
    check_lang(lang)
    need_columns(profile, {"month", "cumulative_rate", "uniform_rate", "band_min", "band_median", "band_max"},
          "profile", "kceval.metrics.profile.monthly_profile")
    fig, ax = new_figure(3.4)
    months = np.arange(1, 13)
    ax.plot(months, months / 12, color=GREY, ls="--", lw=1, label=label("lg_uniform", lang))
    band = profile.dropna(subset=["band_median"])
    if len(band):
        ax.fill_between(band["month"].to_numpy(), band["band_min"].to_numpy(), band["band_max"].to_numpy(),
                        color=SOFT, alpha=0.25, label=label("lg_band", lang))
        ax.plot(band["month"].to_numpy(), band["band_median"].to_numpy(), color=SOFT, lw=1.5,
                label=label("lg_median", lang))
    ax.plot(profile["month"].to_numpy(), profile["cumulative_rate"].to_numpy(), color=MAIN, lw=2.5, marker="o",
            ms=4, label=label("lg_this_year", lang))
    ax.set_xticks(months)
    ax.set_xlim(0.7, 12.3)
    percent_axis(ax)
    ax.set_xlabel(label("ax_month", lang))
    ax.set_ylabel(label("ax_cumulative_rate", lang))
    add_legend(ax, loc="upper left", frameon=False)
    sns.despine(ax=ax)
    return fig


def plot_heatmap(execution: pd.DataFrame, *, rows: str = "province", cols: str = "activity",
                 lang: str = "vi") -> ReportFigure:
    """Heat map of execution rates, ``rows`` × ``cols`` (e.g. province × activity).

    ``execution`` is :func:`kceval.metrics.spending.execution` output with ``by=[rows, cols]``.
    """
    check_lang(lang)
    need_columns(execution, {rows, cols, "execution_rate"}, "execution", "kceval.metrics.spending.execution")
    grid = execution.pivot_table(index=rows, columns=cols, values="execution_rate", aggfunc="first", observed=True)
    grid = grid.rename(columns=lambda c: group_label(c, cols, lang), index=lambda r: group_label(r, rows, lang))
    fig, ax = new_figure(max(2.5, 0.26 * len(grid) + 2.2))
    sns.heatmap(grid * 100, ax=ax, cmap="viridis", vmin=0, vmax=max(100.0, float(np.nanmax(grid.to_numpy() * 100))),
                annot=len(grid) <= 25, fmt=".0f", annot_kws={"size": 7}, linewidths=0.5,
                cbar_kws={"label": label("ax_execution_rate", lang)})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=35, labelsize=8)
    for t in ax.get_xticklabels():
        t.set_horizontalalignment("right")
    fig.alt = label("alt_heatmap", lang).format(rows=len(grid), cols=grid.shape[1])
    return fig


# -- feasibility ------------------------------------------------------------------------------

def plot_rates(rates: pd.DataFrame, *, lang: str = "vi") -> ReportFigure:
    """Rates with their intervals, one row per measure (:func:`kceval.metrics.feasibility.problem_rates`
    with ``by=None``, or any frame with ``measure, estimate, low, high``)."""
    check_lang(lang)
    need_columns(rates, {"measure", "estimate", "low", "high"}, "rates", "kceval.metrics.feasibility.problem_rates")
    d = rates.iloc[::-1]
    names = [group_label(m, "measure", lang) for m in d["measure"]]
    fig, ax = new_figure(max(1.8, 0.45 * len(d) + 0.9))
    y = np.arange(len(d))
    ax.errorbar(d["estimate"].to_numpy(), y, xerr=[d["estimate"].to_numpy() - d["low"].to_numpy(),
                                                 d["high"].to_numpy() - d["estimate"].to_numpy()],
                fmt="o", color=MAIN, ecolor=MAIN, capsize=4, lw=2)
    ax.set_yticks(y, names)
    percent_axis(ax, "x")
    ax.set_xlim(left=0)
    ax.set_xlabel(label("ax_rate", lang))
    sns.despine(ax=ax)
    return fig


def plot_funnel(funnel: Any, *, unit: str = "province", highlight: str | None = None,
                lang: str = "vi") -> ReportFigure:
    """Funnel plot: each unit's rate against its denominator, with the 95% and 99.8% limits.

    ``funnel`` is a :class:`kceval.metrics.funnel.Funnel` (its ``table``, ``curve`` and ``target``).
    """
    check_lang(lang)
    if not all(hasattr(funnel, a) for a in ("table", "curve", "target")):
        raise ParameterError(f"`funnel` must be a kceval.metrics.funnel.Funnel; received {type(funnel).__name__}")
    t, c = funnel.table, funnel.curve
    fig, ax = new_figure(3.8)
    n = c["n"].to_numpy()
    ax.plot(n, c["upper_95"].to_numpy(), color=GREY, lw=1, ls="--", label=label("lg_limit_95", lang))
    ax.plot(n, c["lower_95"].to_numpy(), color=GREY, lw=1, ls="--")
    ax.plot(n, c["upper_998"].to_numpy(), color=GREY, lw=1, label=label("lg_limit_998", lang))
    ax.plot(n, c["lower_998"].to_numpy(), color=GREY, lw=1)
    ax.axhline(funnel.target, color=SOFT, lw=1.5, label=label("lg_pooled", lang))
    other = t[t[unit] != highlight]
    ax.scatter(other["n"], other["rate"], color=MAIN, s=22, alpha=0.8, label=label("lg_other", lang))
    me = t[t[unit] == highlight]
    if len(me):
        ax.scatter(me["n"], me["rate"], color=ACCENT, s=70, zorder=5, label=str(highlight))
    for _, r in t.loc[t["flag_998"] != "within", [unit, "n", "rate"]].iterrows():  # label outliers only
        ax.annotate(str(r[unit]), (r["n"], r["rate"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    percent_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(label("ax_n_projects", lang))
    ax.set_ylabel(label("ax_problem_rate", lang))
    add_legend(ax, loc="upper right", frameon=False, fontsize=8)
    sns.despine(ax=ax)
    return fig


def plot_caterpillar(shrunk: pd.DataFrame, *, unit: str = "province", highlight: str | None = None,
                     lang: str = "vi") -> ReportFigure:
    """Caterpillar plot: shrunken rates with intervals, ranked, beside the observed rates.

    ``shrunk`` is :func:`kceval.metrics.funnel.shrink_rates` output.
    """
    check_lang(lang)
    need_columns(shrunk, {unit, "rate", "shrunk", "shrunk_low", "shrunk_high"}, "shrunk",
                 "kceval.metrics.funnel.shrink_rates")
    d = shrunk.sort_values("shrunk")
    y = np.arange(len(d))
    fig, ax = new_figure(max(2.0, 0.17 * len(d) + 1.0))
    colors = np.where(d[unit].to_numpy() == highlight, ACCENT, MAIN)
    ax.hlines(y, d["shrunk_low"].to_numpy(), d["shrunk_high"].to_numpy(), colors=colors, lw=1.5,
              label=label("lg_shrunk", lang))
    ax.scatter(d["shrunk"].to_numpy(), y, color=colors, s=14, zorder=3)
    ax.scatter(d["rate"].to_numpy(), y, facecolors="none", edgecolors=GREY, s=14, zorder=2,
               label=label("lg_observed", lang))
    ax.set_yticks(y, d[unit].astype(str).tolist(), fontsize=7 if len(d) > 20 else 9)
    percent_axis(ax, "x")
    ax.set_xlabel(label("ax_shrunk_rate", lang))
    add_legend(ax, loc="lower right", frameon=False, fontsize=8)
    sns.despine(ax=ax)
    return fig


# -- completion -------------------------------------------------------------------------------

def plot_cumulative_incidence(accepted: pd.DataFrame, stopped: pd.DataFrame | None = None, *,
                              lang: str = "vi") -> ReportFigure:
    """Cumulative incidence of acceptance (and of stop, the competing event) over days since approval.

    Both frames are :func:`kceval.metrics.survival.cumulative_incidence` output (``group, time,
    estimate, low, high``); with several groups each gets its own colour.
    """
    check_lang(lang)
    need = {"group", "time", "estimate", "low", "high"}
    need_columns(accepted, need, "accepted", "kceval.metrics.survival.cumulative_incidence")
    parts = [("lg_acceptance", accepted, "-")]
    if stopped is not None:
        need_columns(stopped, need, "stopped", "kceval.metrics.survival.cumulative_incidence")
        parts.append(("lg_stop", stopped, "--"))
    fig, ax = new_figure(3.6)
    groups = list(dict.fromkeys(accepted["group"]))
    colors = dict(zip(groups, PALETTE * (1 + len(groups) // len(PALETTE))))
    for key, frame, ls in parts:
        for g, sub in frame.groupby("group", sort=False):
            name = label(key, lang) + ("" if len(groups) == 1 else f" — {g}")
            col = (colors.get(g, GREY) if len(groups) > 1 else (MAIN if key == "lg_acceptance" else ACCENT))
            ax.step(
                sub["time"].to_numpy(), sub["estimate"].to_numpy(), where="post", color=col, ls=ls, lw=2, label=name
            )
            ax.fill_between(sub["time"].to_numpy(), sub["low"].to_numpy(), sub["high"].to_numpy(), step="post",
                            color=col, alpha=0.12)
    percent_axis(ax)
    ax.set_ylim(0, 1)
    ax.set_xlim(left=0)
    ax.set_xlabel(label("ax_days", lang))
    ax.set_ylabel(label("ax_cum_incidence", lang))
    add_legend(ax, loc="upper left", frameon=False, fontsize=8)
    sns.despine(ax=ax)
    return fig


# -- the 2025 merger ---------------------------------------------------------------------------

def plot_merger(merger: pd.DataFrame, *, lang: str = "vi") -> ReportFigure:
    """Who joined whom in 2025: the old provinces on the left, each joined by a line to its unit on the right,
    coloured by the unit's region.

    ``merger`` is :func:`kceval.report.merger_view.merger_frame` output (``unit_2025``, ``provinces`` as
    "A, B, C" with the namesake first, ``region``).
    """
    check_lang(lang)
    need_columns(merger, {"unit_2025", "provinces", "region"}, "merger", "kceval.report.merger_view.merger_frame")
    units = merger.reset_index(drop=True)
    members = [str(m).split(", ") for m in units["provinces"]]
    n = sum(map(len, members))
    fig, ax = new_figure(0.19 * n + 0.6)
    regions = list(dict.fromkeys(r for r in units["region"] if isinstance(r, str)))
    colour = dict(zip(regions, PALETTE))
    y = n - 1  # provinces from the top down, grouped by unit; each unit faces the middle of its provinces
    for unit, region, names in zip(units["unit_2025"], units["region"], members):
        ys = list(range(y, y - len(names), -1))
        y -= len(names)
        mid = sum(ys) / len(ys)
        col = colour.get(region, GREY)
        for name, yp in zip(names, ys):
            ax.plot([0.0, 1.0], [yp, mid], color=col, lw=1.2, solid_capstyle="round")
            ax.text(-0.02, yp, name, ha="right", va="center", fontsize=7.5)
        ax.text(1.02, mid, unit, ha="left", va="center", fontsize=8, fontweight="bold", color=col)
    for r in regions:
        ax.plot([], [], color=colour[r], lw=3, label=group_label(r, "region", lang))
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(-1, n)
    ax.axis("off")
    add_legend(ax, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=max(1, len(regions)), frameon=False,
            fontsize=8)
    fig.alt = label("alt_merger", lang).format(n=n, units=len(units))
    return fig


def plot_unit_costs(scores: pd.DataFrame, *, measure: str = "support_per_output", highlight: str | None = None,
                    lang: str = "vi") -> ReportFigure:
    """Dot plot of the provinces' unit costs, one row per activity, on a log scale: each scored province a dot,
    the activity's median a bar, outliers in the accent colour and named.

    ``scores`` is :func:`kceval.metrics.unit_costs.score_unit_costs` output (only ``scored`` rows are drawn), in
    the order its activities should be shown.
    """
    check_lang(lang)
    need_columns(scores, {"activity", "province", measure, "scored", "median", "outlier"}, "scores",
          "kceval.metrics.unit_costs.score_unit_costs")
    d = scores[scores["scored"].to_numpy()]
    acts = list(dict.fromkeys(d["activity"]))
    fig, ax = new_figure(max(1.6, 0.42 * len(acts) + 1.0))
    y = {a: len(acts) - 1 - i for i, a in enumerate(acts)}  # the first activity on top
    rows = d["activity"].map(y).to_numpy(dtype=float)
    # a fixed jitter (the same figure on every run) keeps equal costs apart
    jitter = ((np.arange(len(d)) * 0.6180339887) % 1.0 - 0.5) * 0.36
    x = d[measure].to_numpy(dtype=float) / 1e6
    out = d["outlier"].to_numpy(dtype=bool)
    me = (d["province"] == highlight).to_numpy() if highlight else np.zeros(len(d), bool)
    plain = ~out & ~me
    ax.scatter(x[plain], rows[plain] + jitter[plain], color=MAIN, s=16, alpha=0.75,
               label=label("lg_other" if highlight else "lg_province", lang))
    if out.any():
        ax.scatter(x[out], rows[out] + jitter[out], color=ACCENT, marker="D", s=26, label=label("lg_outlier", lang))
        seen: dict[float, int] = {}
        for xi, yi, name in sorted(zip(x[out], rows[out], d["province"].to_numpy()[out])):
            k = seen[yi] = seen.get(yi, -1) + 1  # names of one row take turns above and below, at 3 heights
            dy = (1 if k % 2 == 0 else -1) * (6 + 7 * (k // 2 % 3))
            ax.annotate(str(name), (xi, yi), fontsize=7, xytext=(0, dy), textcoords="offset points", ha="center",
                        va="center")
    if me.any():
        ax.scatter(x[me], rows[me], color=SOFT, s=60, zorder=5, label=str(highlight))
    med = d.groupby("activity", sort=False)["median"].first()
    ax.scatter(med.to_numpy(dtype=float) / 1e6, [y[a] for a in med.index], marker="|", s=400, color=GREY,
               linewidths=2, label=label("lg_median_provinces", lang), zorder=4)
    if len(d):  # nothing scored yet: no log axis (it needs positive data)
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang, decimals=0 if v >= 1 else 1)))
    ax.set_yticks(list(y.values()), [group_label(a, "activity", lang) for a in y], fontsize=8)
    ax.set_ylim(-0.6, len(acts) - 0.2)
    ax.set_xlabel(label(f"ax_{measure}", lang))
    if len(d):  # above the axes, out of the way of the top row's names
        fig.legend(loc="outside upper center", ncol=4, frameon=False, fontsize=8)
    else:
        ax.text(0.5, 0.5, MISSING, transform=ax.transAxes, ha="center", va="center", color=GREY)
    sns.despine(ax=ax)
    fig.alt = label("alt_unit_costs", lang).format(provinces=d["province"].nunique(), activities=len(acts),
                                                   outliers=int(out.sum()))
    return fig


__all__ = ["PALETTE", "ReportFigure", "new_figure", "plot_execution_bars", "plot_lorenz",
           "plot_cumulative_profile", "plot_heatmap", "plot_rates", "plot_funnel", "plot_caterpillar",
           "plot_cumulative_incidence", "plot_merger", "plot_unit_costs"]
