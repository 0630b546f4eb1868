"""An explorer for people who do not code: pick a province or region, a year, a date and a language in JupyterLab,
and the headline figures, the main figure and a table update in place, without running the notebook again.

:func:`explore` builds the widgets (ipywidgets) and draws everything from :func:`kceval.report.open_report`, the
same computation as a report, so an explorer and a report never disagree. A choice the data cannot answer (a date
outside the plan year's data) is said in the chosen language under the controls; the last figures stay.

Examples
--------
>>> ui = explore(province="Đồng Nai", year=2019, as_of="2019-06-30")  # doctest: +SKIP
>>> ui  # in a notebook cell: the controls and the figures  # doctest: +SKIP
"""
from __future__ import annotations

import html
from typing import Any

from .. import geo, merger
from ..dataset import Dataset
from ..display.formats import format_date
from ..display.labels import check_lang, group_label, label
from ..errors import KcevalError
from ..paths import TEMPLATE_DIR
from .cards import headline_cards
from .context import open_report
from .plots import plot_execution_bars
from .results import outputs_table
from .sections import display_name


def _scopes(ds: Dataset, year: int, lang: str) -> list[tuple[str, str]]:
    """(label, value) of what can be looked at: the country, the regions, then every province (a unit from 2025)."""
    out = [(label("national", lang), "national:")]
    out += [(group_label(r, "region", lang), f"region:{r}") for r in geo.REGIONS]
    names = merger.units_2025()["unit"].tolist() if year >= merger.MERGER_DATE.year else \
        sorted(ds.projects["province"].unique().tolist())
    return out + [(str(n), f"province:{n}") for n in names]


def explore(*, province: str = "", region: str = "", year: int = 2019, as_of: str = "", data: str = "",
            lang: str = "vi") -> Any:
    """The explorer's widgets (a ``VBox``): make it the last expression of a cell.

    Parameters
    ----------
    province, region : str
        The first selection (neither: the country).
    year : int
        Plan year.
    as_of : str
        'YYYY-MM-DD'; '' means 31 December of the year (the data's last day for a year in progress).
    data : str
        Data path; '' means the bundled sample.
    lang : {'vi', 'en'}
    """
    import ipywidgets as w  # deferred: only the explorer needs the widgets
    from IPython.display import display

    check_lang(lang)
    ds = Dataset.load(data or None)
    years = ds.years
    first = f"province:{province}" if province else f"region:{region}" if region else "national:"
    state = {"lang": lang}
    options = _scopes(ds, year, lang)
    scope = w.Dropdown(options=options, value=first if first in [v for _, v in options] else "national:",
                       layout=w.Layout(width="22rem"))
    year_w = w.Dropdown(options=years, value=year if year in years else years[-1], layout=w.Layout(width="8rem"))
    date_w = w.Text(value=as_of, placeholder="YYYY-MM-DD", layout=w.Layout(width="9rem"))
    lang_w = w.ToggleButtons(options=[("Tiếng Việt", "vi"), ("English", "en")], value=lang)
    message = w.HTML()
    cards_w = w.HTML()
    figure = w.Output()
    table = w.HTML()
    labels = [w.HTML() for _ in range(4)]

    def relabel() -> None:
        lg = state["lang"]
        for h, k in zip(labels, ("ex_scope", "year", "as_of", "lang")):
            h.value = f"<b>{html.escape(label(k, lg))}</b>"

    def update(_: Any = None) -> None:
        lg = lang_w.value
        state["lang"] = lg
        relabel()
        kind, _, name = str(scope.value).partition(":")
        try:
            ctx = open_report(province=name if kind == "province" else None,
                              region=name if kind == "region" else None, year=int(year_w.value),
                              as_of=date_w.value.strip(), data=data, lang=lg)
        except KcevalError as exc:  # a date outside the data, say: said in words, the last figures stay
            why = "" if lg == "vi" else " " + str(exc).splitlines()[0]  # kceval's messages are in English
            message.value = f'<p class="kc-note" role="alert">{html.escape(label("ex_cannot", lg) + why)}</p>'
            return
        message.value = (f'<h3 class="kc-explorer-title">{html.escape(display_name(ctx))} — {ctx.year}, '
                         f'{html.escape(label("as_of", lg).lower())} {format_date(ctx.as_of, lg)}</h3>')
        cards_w.value = headline_cards(ctx).data
        from ..metrics.spending import execution  # deferred: a metric for the figure only

        figure.clear_output(wait=True)
        with figure:
            display(plot_execution_bars(execution(ctx.selection, by="activity", as_of=ctx.as_of), by="activity",
                                        lang=lg))
        table.value = outputs_table(ctx).data

    def on_year(_: Any) -> None:  # from 2025 the choices are the units of 2025
        keep = scope.value
        opts = _scopes(ds, int(year_w.value), lang_w.value)
        scope.options = opts
        scope.value = keep if keep in [v for _, v in opts] else "national:"
        update()

    for widget in (scope, date_w, lang_w):
        widget.observe(update, names="value")
    year_w.observe(on_year, names="value")
    controls = w.HBox([w.VBox([labels[0], scope]), w.VBox([labels[1], year_w]), w.VBox([labels[2], date_w]),
                       w.VBox([labels[3], lang_w])], layout=w.Layout(flex_flow="row wrap", gap="0.8rem"))
    update()
    # the report's own stylesheet, so that the cards and tables look as in a report
    style = w.HTML(f"<style>{(TEMPLATE_DIR / 'kceval' / 'kc.css').read_text(encoding='utf-8')}</style>")
    ui = w.VBox([style, controls, message, cards_w, figure, table])
    ui.add_class("kc-explorer")
    return ui
