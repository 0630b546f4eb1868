"""One report, end to end: check parameters, run the notebook, render it, write both files.

:func:`render_report` is what ``kceval report`` and the batch workers call: parameters are
checked before any kernel starts (:mod:`.params`), files get safe names (:mod:`.names`), the
notebook runs with papermill, reusing a warm kernel when given (:mod:`.run`, :mod:`.kernels`),
a failure keeps the executed notebook (with the error) for rendering, the page is rendered
offline (:mod:`.html`) with its provenance (:mod:`.provenance`), and both files are written
atomically. ``render`` and ``batch`` are the only writers of ``reports/``.

Examples
--------
>>> r = render_report("notebooks/province_report.ipynb", {"province": "Đồng Nai", "year": 2019},
...                   out_dir="reports", lang="vi")  # doctest: +SKIP
>>> r.status, r.html_path.name  # doctest: +SKIP
('ok', 'province-report-dong-nai-2019.html')
"""
from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..display.labels import check_lang
from ..errors import ParameterError, ReportError
from ..headline.handover import read_headline
from ..paths import write_atomic
from .html import Renderer, report_workbook
from .index import build_index
from .names import safe_output_path, slug
from .params import Validator, check_parameters, effective_parameters, notebook_parameters
from .provenance import provenance
from .run import run_notebook

# -- one report -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportResult:
    """The outcome of :func:`render_report`.

    ``status`` is 'ok' or 'failed' (then ``error`` is the first line of the error and the
    HTML page shows it); ``ipynb_path`` does not exist when the kernel failed before running;
    ``headline`` is what the notebook passed to :func:`kceval.headline.handover.emit_headline`; ``params`` the
    effective parameters (defaults updated with the given ones).
    """

    html_path: Path
    ipynb_path: Path
    status: str
    error: str | None
    seconds: float
    headline: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    title: str = ""


def _failed_notebook(notebook_path: str | os.PathLike, exc: ReportError) -> nbformat.NotebookNode:
    """The input notebook with one error output appended, when execution produced no notebook."""
    nb = nbformat.read(str(notebook_path), as_version=4)
    cell = nbformat.v4.new_code_cell("# kceval: the notebook could not be executed")
    ename, evalue = exc.ename or type(exc).__name__, exc.evalue or str(exc)
    cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[str(exc)])]
    nb.cells.append(cell)
    return nb


def render_report(notebook_path: str | os.PathLike, params: Mapping[str, Any], *, out_dir: str | os.PathLike,
                  lang: str = "vi", renderer: Renderer | None = None, km: Any = None, title: str | None = None,
                  synthetic: bool | None = None, name: str | None = None, kernel_name: str | None = None,
                  timeout: int = 600, checks: Mapping[str, Validator] | None = None,
                  xlsx_dir: str | os.PathLike | None = None) -> ReportResult:
    """Check parameters, run the notebook, render it, and write ``<name>.ipynb`` and ``<name>.html``.

    Parameters
    ----------
    notebook_path : path
    params : dict
        Parameters to inject (checked by :func:`check_parameters` before any kernel starts;
        a ``lang`` parameter of the notebook is set from ``lang`` when not given).
    out_dir : path
        Existing output folder; both files are written atomically under safe names.
    lang : {'vi', 'en'}
    renderer, km : optional
        A reusable :class:`Renderer` and a started kernel (batch workers pass both).
    title : str, optional
        Page title (escaped); default from the notebook metadata or file name and parameters.
    synthetic : bool, optional
        Show the synthetic-data banner; default: True when ``data`` is '' (the bundled sample).
    name : str, optional
        Output file stem (slugged); default: the notebook name, the parameter values given, and
        the language when it is not 'vi' (e.g. ``province-report-dong-nai-2019-en``).
    xlsx_dir : path, optional
        An existing folder where the report's tables are also written as ``<name>.xlsx`` (the page always
        carries them as a download).

    Returns
    -------
    ReportResult
        A failed notebook still gives an HTML page (status 'failed', ``error`` its first line).
    """
    check_lang(lang)
    declared = notebook_parameters(notebook_path)
    params = dict(params)
    if "lang" in params and params["lang"] != lang:
        raise ParameterError(f"`lang` must match the report language {lang!r}; received {params['lang']!r}")
    if "lang" in declared:
        params["lang"] = lang
    params = check_parameters(notebook_path, params, checks=checks)
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ParameterError(f"`out_dir` must be an existing folder; received {str(out_dir)!r}")
    # the language is part of the name only when not the default, so vi and en reports can sit side by side
    stem = slug(name) if name else slug(Path(notebook_path).stem, *[v for k, v in params.items() if k != "lang"],
                                        *([lang] if lang != "vi" else []))
    ipynb_path = safe_output_path(out_dir, stem + ".ipynb")
    html_path = safe_output_path(out_dir, stem + ".html")

    t0 = time.time()
    status, error = "ok", None
    try:
        nb = run_notebook(notebook_path, params, out_ipynb=ipynb_path, kernel_name=kernel_name, km=km,
                          timeout=timeout)
    except ReportError as exc:
        status, error = "failed", str(exc).splitlines()[0]
        nb = exc.notebook if exc.notebook is not None else _failed_notebook(notebook_path, exc)
    t1 = time.time()

    shown = effective_parameters(notebook_path, params)
    if synthetic is None:
        synthetic = shown.get("data", "") in ("", None)
    if title is None:
        base = nb.metadata.get("title") or Path(notebook_path).stem.replace("_", " ").capitalize()
        values = [str(v) for k, v in params.items() if k != "lang" and v not in ("", None)]
        title = f"{base} — {', '.join(values)}" if values else str(base)
    files = {"data": shown["data"]} if shown.get("data") else {}
    prov = provenance(shown, files, t0, t1)
    # a notebook with a `region` parameter compares provinces: a region's, or the country's when ''
    scope = None if "region" not in shown else ("region" if shown["region"] else "national")
    xlsx = report_workbook(nb, lang=lang, provenance=prov, scope=scope)
    page = (renderer or Renderer()).render(nb, lang=lang, title=title, params=shown, provenance=prov,
                                           synthetic=bool(synthetic), scope=scope, workbook=(xlsx, stem + ".xlsx"))
    if xlsx_dir is not None:  # the same workbook as a file (kceval batch --xlsx DIR)
        write_atomic(safe_output_path(xlsx_dir, stem + ".xlsx"), xlsx)
    write_atomic(html_path, page)
    return ReportResult(html_path=html_path, ipynb_path=ipynb_path, status=status, error=error,
                        seconds=round(time.time() - t0, 3), headline=read_headline(nb), params=shown,
                        title=str(title))


def write_index(entries: Sequence[Mapping[str, Any]], out_dir: str | os.PathLike, *, lang: str = "vi",
                name: str = "index.html", title: str | None = None) -> Path:
    """Build the index page (:func:`kceval.render.index.build_index`) and write it atomically into ``out_dir``."""
    return write_atomic(safe_output_path(out_dir, name), build_index(entries, lang=lang, title=title))
