"""What a notebook imports: the kernel-side façade of kceval.

Report notebooks (and researchers in JupyterLab) import from here only::

    from kceval.report import emit_headline, open_report, plots, sections, spending

:func:`open_report` computes once what a report's sections share; :mod:`.sections` and
:mod:`.data_sections` turn it into tables and sentences; :mod:`.plots` draws the figures;
:func:`emit_headline` hands the headline figures to the index page. The metric modules, the
headline functions and :class:`~kceval.dataset.Dataset` are here too, so that a notebook needs
no other import. Host-side modules (rendering, batches) are never imported from a notebook.
"""
from ..dataset import Dataset
from ..display.tables import table_html
from ..headline.completion import headline_completion, headline_completion_by_province
from ..headline.feasibility import headline_feasibility, headline_feasibility_by_province
from ..headline.handover import emit_headline
from ..headline.spending import headline_spending, headline_spending_by_province
from ..headline.summary import base_summary, summary, summary_by_province
from ..metrics import (
    completion,
    concentration,
    feasibility,
    forecast,
    funnel,
    outputs,
    pefa,
    profile,
    reconcile,
    remedies,
    risk,
    spending,
    survival,
)
from . import cards, data_sections, merger_view, plots, results, sections
from .context import ReportContext, open_report
from .explorer import explore

__all__ = [
    "Dataset",
    "ReportContext",
    "base_summary",
    "cards",
    "completion",
    "concentration",
    "data_sections",
    "emit_headline",
    "explore",
    "feasibility",
    "forecast",
    "funnel",
    "headline_completion",
    "headline_completion_by_province",
    "headline_feasibility",
    "headline_feasibility_by_province",
    "headline_spending",
    "headline_spending_by_province",
    "merger_view",
    "open_report",
    "outputs",
    "pefa",
    "plots",
    "profile",
    "reconcile",
    "remedies",
    "results",
    "risk",
    "sections",
    "spending",
    "summary",
    "summary_by_province",
    "survival",
    "table_html",
]
