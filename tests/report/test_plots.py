"""Report figures: the drawn data equal the frames given, labels follow the language, the
inputs are not modified, Vietnamese glyphs render without warnings, the size fits a report."""
import struct
import warnings

import matplotlib.figure
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from kceval.display import labels
from kceval.errors import ParameterError
from kceval.metrics import concentration, feasibility, profile, spending
from kceval.metrics.funnel import funnel, shrink_rates
from kceval.report import merger_view, open_report, plots, sections
from kceval.report.figure import ReportFigure

# Small hand-made frames shaped like the metric functions' outputs (columns from their docstrings).
EXEC = pd.DataFrame({"activity": ["training", "machinery", "fair"], "plan_vnd": [100, 400, 50],
                     "executed_vnd": [20, 300, 50], "execution_rate": [0.2, 0.75, 1.0]})
LORENZ = pd.DataFrame({"project_share": [0, 0.25, 0.5, 0.75, 1.0], "money_share": [0, 1 / 16, 3 / 16, 6 / 16, 1.0]})
PROFILE = pd.DataFrame(
    {
        "month": [1, 2, 3],
        "cumulative_rate": [0.0, 0.1, 0.2],
        "uniform_rate": [1 / 12, 2 / 12, 3 / 12],
        "band_min": [0, 0.05, 0.1],
        "band_median": [0, 0.08, 0.15],
        "band_max": [0, 0.1, 0.3],
        "n_earlier_years": [2, 2, 2],
    }
)
RATES = pd.DataFrame({"measure": ["stop", "problem"], "count": [1, 6], "n": [30, 30], "estimate": [1 / 30, 0.2],
                      "low": [0.006, 0.095], "high": [0.167, 0.373]})
CIF = pd.DataFrame({"group": "all", "time": [0.0, 10, 20], "estimate": [0, 0.25, 0.625], "low": [0, 0.1, 0.3],
                    "high": [0, 0.5, 0.9]})
UNITS = pd.DataFrame({"province": ["Đồng Nai", "Bình Dương", "Tây Ninh", "Long An", "Cà Mau", "Bến Tre"],
                      "region": "south", "count": [6, 2, 9, 1, 4, 3], "n": [30, 12, 25, 15, 20, 18]})
SCORES = pd.DataFrame({"activity": ["machinery"] * 4 + ["training"] * 3,
                       "province": ["Đồng Nai", "Bình Dương", "Tây Ninh", "Long An", "Đồng Nai", "Cà Mau", "Bến Tre"],
                       "support_per_output": [150e6, 160e6, 40e6, 1e9, 2.4e6, 2.0e6, 3.1e6],
                       "scored": [True, True, True, False, True, True, True],
                       "median": [150e6] * 4 + [2.4e6] * 3,
                       "outlier": [False, False, True, False, False, False, False]})


def _png_size(fig) -> tuple[int, int]:
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])  # IHDR width, height


def _all_figures(lang="vi"):
    return [
        plots.plot_execution_bars(EXEC, by="activity", lang=lang),
        plots.plot_lorenz(LORENZ, lang=lang, effective=2.5, actual=4),
        plots.plot_cumulative_profile(PROFILE, lang=lang),
        plots.plot_heatmap(EXEC.assign(province="Đồng Nai"), lang=lang),
        plots.plot_rates(RATES, lang=lang),
        plots.plot_funnel(funnel(UNITS), highlight="Đồng Nai", lang=lang),
        plots.plot_caterpillar(shrink_rates(UNITS), highlight="Đồng Nai", lang=lang),
        plots.plot_cumulative_incidence(CIF, CIF.assign(estimate=CIF["estimate"] / 5), lang=lang),
        plots.plot_unit_costs(SCORES, highlight="Đồng Nai", lang=lang),
    ]


def test_every_figure_is_a_figure_of_report_width_without_glyph_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = _all_figures("vi")
        sizes = [_png_size(f) for f in figs]
    assert all(isinstance(f, Figure) for f in figs)
    # 9 inches at 90 dpi = 810 px wide (report width); no figure taller than 20 inches
    assert all(w == 810 and h <= 20 * 90 for w, h in sizes)
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyph == []


def test_figures_show_as_deterministic_svg_with_their_text_as_text(monkeypatch):
    shown = []
    monkeypatch.setattr("kceval.report.figure.display", lambda data, metadata, raw: shown.append((data, metadata)))
    fig = plots.plot_rates(RATES, lang="vi")
    fig._ipython_display_()
    (data, meta), = shown
    svg = data["image/svg+xml"]
    assert "image/png" not in data and meta["image/svg+xml"]["alt"] == fig.describe() != ""
    # 9 inches = 648 pt wide; the axis label as text, not glyph outlines; no date, so the same bytes every time
    assert 'width="648pt"' in svg and f">{fig.axes[0].get_xlabel()}<" in svg and "<dc:date>" not in svg
    assert plots.plot_rates(RATES, lang="vi")._repr_svg_() == svg


def test_a_figure_is_laid_out_with_the_renderer_it_is_drawn_with_and_gives_matplotlibs_bytes(monkeypatch):
    # ReportFigure hands its layout engine the renderer of the draw (text measured once, not twice): every figure
    # must come out byte for byte as with matplotlib's own choice, a second renderer made for the layout
    made = []
    real = matplotlib.figure._get_renderer
    monkeypatch.setattr(matplotlib.figure, "_get_renderer", lambda fig, *a: made.append(fig) or real(fig, *a))
    figs = _all_figures("vi")  # (a plot may measure its text while it is built)
    made.clear()
    ours = [f._repr_svg_() for f in figs]
    assert made == []  # no second renderer for the draws
    monkeypatch.setattr(ReportFigure, "_get_renderer", Figure._get_renderer)
    figs = _all_figures("vi")
    made.clear()
    theirs = [f._repr_svg_() for f in figs]
    assert len(made) >= len(theirs)
    assert ours == theirs


def test_inputs_not_modified():
    frames = [EXEC, LORENZ, PROFILE, RATES, CIF, UNITS, SCORES]
    copies = [f.copy(deep=True) for f in frames]
    _all_figures("en")
    for f, c in zip(frames, copies):
        pd.testing.assert_frame_equal(f, c)


def test_labels_follow_the_language():
    vi = plots.plot_cumulative_profile(PROFILE, lang="vi").axes[0]
    en = plots.plot_cumulative_profile(PROFILE, lang="en").axes[0]
    assert vi.get_xlabel() == "Tháng" and en.get_xlabel() == "Month"
    assert "%" in vi.get_ylabel() and "%" in en.get_ylabel()  # unit in the label
    bars = plots.plot_execution_bars(EXEC, by="activity", lang="vi").axes[0]
    assert [t.get_text() for t in bars.get_yticklabels()] == [
        labels.label("act_training", "vi"), labels.label("act_machinery", "vi"), labels.label("act_fair", "vi")]
    lor = plots.plot_lorenz(LORENZ, lang="en", effective=2.5, actual=4).axes[0]
    assert lor.get_title() == "Effective projects: 2.5 / actual: 4"


def test_drawn_data_equal_the_frames():
    # bars sorted by rate: widths are the rates given
    ax = plots.plot_execution_bars(EXEC, by="activity", lang="en").axes[0]
    assert [p.get_width() for p in ax.patches] == [0.2, 0.75, 1.0]
    # the Lorenz line is the frame's points; the diagonal is drawn first
    ax = plots.plot_lorenz(LORENZ, lang="en").axes[0]
    np.testing.assert_allclose(ax.lines[1].get_xydata(), LORENZ[["project_share", "money_share"]].to_numpy())
    # heat map cells: rates × 100 (one province row, three activity columns)
    ax = plots.plot_heatmap(EXEC.assign(province="Đồng Nai"), lang="en").axes[0]
    values = sorted(np.asarray(ax.collections[0].get_array()).ravel().tolist())
    assert values == pytest.approx([20.0, 75.0, 100.0])
    # funnel: one point per unit, the highlighted one apart
    f = funnel(UNITS)
    ax = plots.plot_funnel(f, highlight="Đồng Nai", lang="en").axes[0]
    pts = [c.get_offsets() for c in ax.collections]
    assert sum(len(p) for p in pts) == len(UNITS)
    np.testing.assert_allclose(pts[-1][0], [30, 0.2])  # Đồng Nai: 6/30
    # rates: interval ends are low and high
    ax = plots.plot_rates(RATES, lang="en").axes[0]
    seg = ax.collections[0].get_segments()  # error bars in reversed (bottom-up) order
    np.testing.assert_allclose([s[:, 0] for s in seg], [[0.095, 0.373], [0.006, 0.167]])


def test_unit_cost_dots_are_the_scored_provinces_in_million_on_a_log_axis():
    fig = plots.plot_unit_costs(SCORES, lang="en")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "VND million, log scale" in ax.get_xlabel()
    ticks = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks())}
    assert ticks == {"Machinery and equipment": 1, "Vocational training": 0}  # the frame's first activity on top
    dots, outliers, medians = (c.get_offsets() for c in ax.collections)
    assert len(dots) + len(outliers) == int(SCORES["scored"].sum())  # Long An (2 projects) is not drawn
    assert sorted(dots[:, 0]) == pytest.approx([2.0, 2.4, 3.1, 150, 160])
    assert outliers[:, 0].tolist() == pytest.approx([40.0])  # Tây Ninh, named beside its dot
    assert [t.get_text() for t in ax.texts] == ["Tây Ninh"]
    assert sorted(medians[:, 0]) == pytest.approx([2.4, 150])
    assert "2 activities" in fig.describe() and "1 outlying" in fig.describe()
    empty = plots.plot_unit_costs(SCORES.iloc[:0], lang="vi")  # nothing scored yet: a dash, no error
    assert [t.get_text() for t in empty.axes[0].texts] == ["—"]


def test_caterpillar_ranks_by_shrunken_rate():
    s = shrink_rates(UNITS)
    ax = plots.plot_caterpillar(s, lang="en").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == s.sort_values("shrunk")["province"].tolist()


def test_bad_frames_name_the_argument():
    with pytest.raises(ParameterError, match=r"`lorenz` must be a frame from kceval.metrics.concentration.lorenz"):
        plots.plot_lorenz(EXEC, lang="vi")
    with pytest.raises(ParameterError, match=r"`funnel` must be a kceval.metrics.funnel.Funnel"):
        plots.plot_funnel(UNITS)
    with pytest.raises(ParameterError, match="`lang` must be one of"):
        plots.plot_rates(RATES, lang="fr")


def test_figures_are_not_registered_with_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.plot_rates(RATES)
    assert plt.get_fignums() == before  # nothing for the inline backend to show a second time


def _margin_px(fig) -> float:
    """The narrowest gap between anything drawn and the figure's edge, in pixels (negative: cut off)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # every artist in the layout, laid out, in inches
    legends = [leg.get_window_extent(renderer).transformed(fig.dpi_scale_trans.inverted())
               for ax in fig.axes if (leg := ax.get_legend()) is not None]  # and those left out of it
    box = Bbox.union([box, *legends])
    width, height = fig.get_size_inches()
    return float(min(box.x0, box.y0, width - box.x1, height - box.y1) * fig.dpi)


def _report_figures(ctx, lang):
    # the figures of a province report, made as the notebook makes them
    by_activity = spending.execution(ctx.selection, by="activity", as_of=ctx.as_of)
    rates = feasibility.problem_rates(ctx.current.projects, ctx.current.events, as_of=ctx.as_of)
    return [plots.plot_execution_bars(by_activity, by="activity", lang=lang),
            plots.plot_lorenz(concentration.lorenz(ctx.selection.projects["support_vnd"]), lang=lang,
                              effective=ctx.summary["effective_projects"], actual=ctx.summary["n_projects"]),
            plots.plot_cumulative_profile(profile.monthly_profile(ctx.history, year=ctx.year, as_of=ctx.as_of),
                                          lang=lang),
            plots.plot_rates(rates, lang=lang),
            plots.plot_funnel(sections.regional_funnel(ctx), highlight=ctx.province, lang=lang),
            plots.plot_cumulative_incidence(*sections.incidence_frames(ctx), lang=lang)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_figure_draws_outside_itself(lang):
    # tick labels, axis labels, titles and legends all inside the image (constrained layout), on hand-made frames
    # and on provinces of the sample where names, numbers and the number of bars differ; at least 3 px of room
    # (the layout pads about 4-5 px)
    national = open_report(year=2025, lang=lang)
    figs = [*_all_figures(lang), merger_view.merger_figure(national)]
    # the narrowest margins of a scan of every third province in both languages were Thái Bình's (its activity
    # bars) and Hà Nội's; Bà Rịa - Vũng Tàu has the longest name
    for province in ("Hà Nội", "Thái Bình", "Bà Rịa - Vũng Tàu"):
        figs += _report_figures(open_report(province=province, year=2019, as_of="2019-06-30", lang=lang), lang)
    margins = {f"{i}: {f.describe()}": _margin_px(f) for i, f in enumerate(figs)}
    assert min(margins.values()) >= 3, {k: round(v, 1) for k, v in margins.items() if v < 3}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_legend_inside_its_axes_is_left_out_of_the_layout_and_changes_nothing(lang):
    # the layout measured every legend twice per figure (a tenth of a figure's time); a legend placed inside its
    # axes cannot widen what the axes need, so it is left out: the images are the very same bytes as with it in
    def svgs(put_back: bool) -> list[str]:
        out = []
        for province in ("Hà Nội", "Thái Bình"):
            for fig in _report_figures(open_report(province=province, year=2019, as_of="2019-06-30", lang=lang), lang):
                legends = [leg for ax in fig.axes if (leg := ax.get_legend()) is not None]
                assert not any(leg.get_in_layout() for leg in legends)
                for leg in legends if put_back else []:
                    leg.set_in_layout(True)
                out.append(fig._repr_svg_())
        return out

    assert svgs(put_back=False) == svgs(put_back=True)
