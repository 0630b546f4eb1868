"""Render an executed notebook to one offline HTML page (nbconvert, our ``kceval`` template).

The :class:`Renderer` holds one ``HTMLExporter`` (template loading is the expensive part:
~0.9 s the first time, ~0.01–0.2 s after, DESIGN.md §7), so build it once per process and reuse
it. The page has no code and no prompts; the ``parameters`` and ``injected-parameters`` cells
are replaced by a readable parameter table; a static table of contents links to the markdown
headings (of the page language: cells tagged with the other language, ``vi`` or ``en``, are
removed); a failed notebook shows the error and the failing cell at the top; a provenance
footer closes the page. Nothing is loaded from the network: the template drops require.js,
MathJax, mermaid and widget scripts, and the CSS and the sorting script are inlined. (LaTeX in
markdown is therefore shown as source text.) Every string kceval adds is escaped here.

A notebook may call :func:`kceval.headline.handover.emit_headline` to hand its headline figures
to the index page; that output is left out of the page. Narrative cells tagged ``national`` or
``region`` are kept only in a report of that scope (one comparison notebook serves both).
"""
from __future__ import annotations

import base64
import copy
import functools
import html
import json
import logging
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import nbformat

from ..display.formats import format_date
from ..display.labels import LANGS, check_lang, group_label, has_label, label
from ..display.tables import table_key_values
from ..headline.handover import HEADLINE_MIME
from ..paths import TEMPLATE_DIR
from .offline import find_external_urls
from .templatecache import template_cache
from .workbook import build_workbook, download_html, report_tables

REMOVED_TAGS = frozenset({"parameters", "injected-parameters", "papermill-error-cell-tag"})
# Narrative cells exist in both languages, tagged with their language; the other one is removed.
LANG_TAGS = frozenset(LANGS)
# Narrative cells that differ between a region's report and the country's are tagged with the scope.
SCOPE_TAGS = frozenset({"national", "region"})
TOC_LEVELS = 3

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


@cache
def static_text(name: str) -> str:
    """Text of a static asset of the template (``kc.css``, ``kc.js``)."""
    return (TEMPLATE_DIR / "kceval" / name).read_text(encoding="utf-8")


# -- errors -----------------------------------------------------------------------------------

def find_error(nb: nbformat.NotebookNode) -> dict[str, Any] | None:
    """The first error in an executed notebook: cell index, name, value, traceback, source."""
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                if o.get("ename") == "SystemExit" and str(o.get("evalue")) in ("", "0"):
                    continue
                return {"cell_index": i, "ename": o.get("ename", ""), "evalue": o.get("evalue", ""),
                        "traceback": _ANSI.sub("", "\n".join(o.get("traceback", []))),
                        "source": cell.get("source", ""), "cell_id": cell.get("id")}
        if cell.get("metadata", {}).get("papermill", {}).get("exception") is True:
            return {"cell_index": i, "ename": "CellExecutionError", "evalue": "", "traceback": "",
                    "source": cell.get("source", ""), "cell_id": cell.get("id")}
    return None


# -- table of contents ------------------------------------------------------------------------

def _plain(md: str) -> str:
    """Heading text without markdown/HTML markup (for the contents list)."""
    s = re.sub(r"<[^>]*>", "", md)
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"[*_`]+", "", s)
    return s.strip()


def add_toc_anchors(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """Put an anchor before every ATX heading (levels 1–3) of the markdown cells, in place.

    Returns the contents as (level, anchor id, plain text). The anchors are our own
    (``kc-sec-N``): nbconvert's heading ids depend on the text and are not unique.
    """
    toc: list[tuple[int, str, str]] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "markdown":
            continue
        lines, fenced = [], False
        for line in cell.source.splitlines():
            if _FENCE.match(line):
                fenced = not fenced
            m = None if fenced else _ATX.match(line)
            if m and len(m.group(1)) <= TOC_LEVELS and _plain(m.group(2)):
                anchor = f"kc-sec-{len(toc) + 1}"
                toc.append((len(m.group(1)), anchor, _plain(m.group(2))))
                level = len(m.group(1))  # a top-level section starts a new printed page (kc.css)
                lines += [f'<div id="{anchor}" class="kc-anchor kc-anchor-{level}"></div>', ""]
            lines.append(line)
        cell.source = "\n".join(lines)
    return toc


def toc_html(toc: list[tuple[int, str, str]], lang: str) -> str:
    """A static ``<nav>`` with links to the anchors (works without JavaScript)."""
    if not toc:
        return ""
    top = min(level for level, _, _ in toc)
    # nested lists, so sub-sections do not take numbers from the sections (1, 2, 3, not 1, 2, 5)
    parts, depth = [], 0
    for level, a, text in toc:
        d = min(level - top + 1, depth + 1)  # a skipped level nests one step only
        if depth and d <= depth:
            parts.append("</li>")
        while depth > d:
            parts.append("</ol></li>")
            depth -= 1
        while depth < d:
            parts.append("<ol>")
            depth += 1
        parts.append(f'<li class="kc-toc-{d}"><a href="#{a}">{html.escape(text)}</a>')
    parts.append("</li>")
    while depth > 1:
        parts.append("</ol></li>")
        depth -= 1
    title = html.escape(label("contents", lang))
    # a <details> so that the contents fold away on a phone (kc.js closes it on narrow screens)
    return (f'<nav class="kc-toc" aria-label="{title}"><details open><summary>{title}</summary>'
            f'{"".join(parts)}</ol></details></nav>')


# -- page parts -------------------------------------------------------------------------------

def _show(v: Any) -> str:
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return "" if v is None else str(v)


def param_value(key: str, value: Any, lang: str) -> str:
    """A parameter's value in words: a region's name, a date as the reader writes it, what an empty value means.

    Examples
    --------
    >>> param_value("region", "south", "vi"), param_value("lang", "en", "vi"), param_value("as_of", "2019-06-30", "en")
    ('Miền Nam', 'Tiếng Anh', '30 Jun 2019')
    """
    if key == "region":
        return group_label(value, "region", lang) if value else label("national", lang)
    if key == "as_of":
        return format_date(value, lang) if value else label("pv_as_of_default", lang)
    if key == "lang" and has_label(f"pv_lang_{value}"):
        return label(f"pv_lang_{value}", lang)
    if key in ("data", "units", "regions") and not value:
        return label(f"pv_{'sample' if key == 'data' else key + '_default'}", lang)
    if key == "units" and str(value) == "2025":
        return label("pv_units_2025", lang)
    return _show(value)


def param_rows(params: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The parameters as (name, value) rows in the report language (no code names: the executed notebook keeps
    them for whoever re-runs the report)."""
    return [(label(k, lang) if has_label(k) else str(k), param_value(str(k), v, lang)) for k, v in params.items()]


def params_html(params: Mapping[str, Any], lang: str) -> str:
    """The readable parameter table (:func:`param_rows`), escaped."""
    h = html.escape(label("parameters", lang))
    body = table_key_values(param_rows(params, lang), headers=(label("parameter", lang), label("value", lang)))
    # folded: the headline figures come first; the parameters are one tap away (and in the provenance footer)
    return f'<section class="kc-params"><details><summary>{h}</summary>{body}</details></section>'


def error_html(err: Mapping[str, Any], lang: str) -> str:
    """The error panel: name and value, the failing cell's code and the traceback, escaped."""
    e = html.escape
    L = lambda k: e(label(k, lang))  # noqa: E731
    return (
        f'<section class="kc-error" role="alert"><h2>{L("failed_banner")}</h2>'
        f'<p><strong>{L("error")}:</strong> <code>{e(str(err["ename"]))}: {e(str(err["evalue"]))}</code>'
        f' — <a href="#kc-error-cell">{L("go_to_cell")}</a></p>'
        f'<h3>{L("error_cell")}</h3><pre class="kc-error-source">{e(str(err["source"]))}</pre>'
        f'<details><summary>{L("traceback")}</summary><pre>{e(str(err["traceback"]))}</pre></details>'
        "</section>"
    )


def _when(t: Any) -> str:
    """An ISO 8601 time with a space for the "T", read as a date and a time (a number is left as it is)."""
    return str("" if t is None else t).replace("T", " ")


def provenance_html(prov: Mapping[str, Any], lang: str) -> str:
    """The provenance footer: parameters, data file hashes, versions, git revision, run time."""
    L = lambda k: label(k, lang)  # noqa: E731
    parts = [f'<footer class="kc-provenance"><h2>{html.escape(L("provenance"))}</h2>']
    parts.append(table_key_values(param_rows(prov.get("parameters", {}), lang), caption=L("parameters")))
    files = prov.get("files") or {}
    if files:
        rows = [(k, f'{f.get("path", "")} — {L("sha256")} {f.get("sha256", "")} — {f.get("bytes", "")} B')
                for k, f in files.items()]
        parts.append(table_key_values(rows, caption=L("files")))
    parts.append(table_key_values(prov.get("versions", {}), caption=L("versions"),
                                  headers=(L("package"), L("version")), css_class="kc-kv kc-versions"))
    run = [(L("git_revision"), prov.get("git") or L("none")), (L("started"), _when(prov.get("started"))),
           (L("finished"), _when(prov.get("finished"))), (L("seconds"), prov.get("seconds", ""))]
    parts.append(table_key_values(run))
    parts.append(f'<p class="kc-muted">{html.escape(L("generated_by"))}</p></footer>')
    return "".join(parts)


def shown_cells(nb: nbformat.NotebookNode, lang: str, scope: str | None,
                err: Mapping[str, Any] | None = None) -> list[Any]:
    """The cells a page shows: without the parameter cells, the other language's narrative, the other scope's,
    the headline hand-over and code cells left without output; a marker before the failing cell."""
    dropped = (LANG_TAGS - {lang}) | (SCOPE_TAGS - {scope} if scope in SCOPE_TAGS else set())
    cells = []
    for i, cell in enumerate(nb.cells):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVED_TAGS or tags & dropped:
            continue
        if err is not None and i == err["cell_index"]:
            cells.append(nbformat.v4.new_markdown_cell('<div id="kc-error-cell" class="kc-anchor"></div>'))
        if cell.get("cell_type") == "code":
            cell = copy.copy(cell)
            cell.outputs = [o for o in cell.get("outputs", []) if HEADLINE_MIME not in o.get("data", {})]
            if not cell.outputs:
                continue  # nothing to show once the code is hidden
        cells.append(cell)
    return cells


def about_rows(provenance: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The provenance as (name, value) rows in the report language: parameters, files, versions, run."""
    rows = param_rows(provenance.get("parameters", {}), lang)
    rows += [(str(k), f'{f.get("path", "")} — {label("sha256", lang)} {f.get("sha256", "")}')
             for k, f in (provenance.get("files") or {}).items()]
    rows += [(str(k), str(v)) for k, v in (provenance.get("versions") or {}).items()]
    rows += [(label("git_revision", lang), str(provenance.get("git") or label("none", lang)))]
    rows += [(label(k, lang), _when(provenance[k])) for k in ("started", "finished", "seconds")
             if provenance.get(k) is not None]
    return rows


def report_workbook(nb: nbformat.NotebookNode, *, lang: str, provenance: Mapping[str, Any],
                    scope: str | None = None) -> bytes:
    """The tables of the page of ``nb`` as one workbook (:mod:`kceval.render.workbook`)."""
    return build_workbook(report_tables(shown_cells(nb, lang, scope)), about_rows(provenance, lang), lang)


# What nbconvert's HTMLExporter adds to a page in a last pass (alt text on images that have none, tabindex on
# outputs), done on the text: its pass parses and re-writes the whole page with BeautifulSoup (0.1 s a report).
_NO_ALT = re.compile(r"<img(?![^>]*\salt=)")
_OUTPUT_DIV = re.compile(r'(<div class="[^"]*\bjp-OutputArea-output\b[^"]*")')


def _page_exporter() -> type:
    """nbconvert's ``HTMLExporter`` without its BeautifulSoup pass (see above); otherwise the same."""
    # deferred: nbconvert costs about 1.2 s to import, and only the processes that render
    # pages need it (not the batch process that plans jobs and writes files)
    from jinja2 import pass_context
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    @functools.lru_cache(maxsize=2048)
    def markdown(source: str, path: str, embed_images: bool, anchor_link_text: str, exclude_anchor_links: bool,
                 lexer_options: tuple[tuple[str, Any], ...]) -> str:
        renderer = IPythonRenderer(escape=False, attachments={}, embed_images=embed_images, path=path,
                                   anchor_link_text=anchor_link_text, exclude_anchor_links=exclude_anchor_links,
                                   **dict(lexer_options))
        return str(MarkdownWithMath(renderer=renderer).render(source))

    class PageExporter(HTMLExporter):
        @pass_context  # as nbconvert's: jinja hands the filter its context
        def markdown2html(self, context: Any, source: str) -> str:
            # HTMLExporter.markdown2html, kept for each text: a report's narrative cells are the same in every
            # report of a notebook (8 ms a report). A cell with attachments is rendered as before.
            if context.get("cell", {}).get("attachments"):
                return str(super().markdown2html(context, source))
            path = context.get("resources", {}).get("metadata", {}).get("path", "")
            return markdown(source, path, self.embed_images, self.anchor_link_text, self.exclude_anchor_links,
                            tuple(sorted(self.lexer_options.items())))

        def _create_environment(self) -> Any:
            env = super()._create_environment()
            env.bytecode_cache = template_cache()
            return env

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            # HTMLExporter.from_notebook_node of nbconvert 7 up to its BeautifulSoup pass
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            page = _NO_ALT.sub('<img alt="No description has been provided for this image"', page)
            return _OUTPUT_DIV.sub(r'\1 tabindex="0"', page), resources

    return PageExporter


def svg_data_uri(svg: str | list[str]) -> str:
    """An SVG document as a ``data:`` URI (base64), for an ``<img>`` of its own (the report template's filter)."""
    text = "".join(svg) if isinstance(svg, list) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


class Renderer:
    """One reusable nbconvert HTML exporter with the kceval template.

    Not thread-safe (the page language is set on the exporter per call): use one per worker.

    Examples
    --------
    >>> r = Renderer()  # doctest: +SKIP
    >>> page = r.render(nb, lang="vi", title="Đồng Nai 2019", params={"province": "Đồng Nai"},
    ...                 provenance={}, synthetic=True)  # doctest: +SKIP
    """

    def __init__(self) -> None:
        self.exporter = _page_exporter()(
            template_name="kceval",
            template_file="report.html.j2",
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            filters={"svg_data_uri": svg_data_uri},
            # the notebook is checked once after nbconvert's preprocessors, not after each of them (12 times)
            optimistic_validation=True,
        )
        # Belt and braces: the template drops these blocks, but no URL should even reach it.
        self.exporter.require_js_url = ""
        self.exporter.mathjax_url = ""

    def render(self, nb: nbformat.NotebookNode, *, lang: str, title: str, params: Mapping[str, Any],
               provenance: Mapping[str, Any], synthetic: bool, scope: str | None = None,
               workbook: tuple[bytes, str] | None = None) -> str:
        """The HTML page of an executed (possibly failed) notebook; ``nb`` is not modified.

        ``scope`` ('national' or 'region') keeps the narrative cells tagged with it and drops
        those tagged with the other scope; None keeps both. ``workbook`` (the bytes of
        :func:`report_workbook` and a file name) is embedded as a download link.
        """
        check_lang(lang)
        nb = copy.deepcopy(nb)
        err = find_error(nb)
        nb.cells = shown_cells(nb, lang, scope, err)
        toc = add_toc_anchors(nb)
        nb.metadata["title"] = str(title)

        e = html.escape
        header = ['<header class="kc-header">']
        if synthetic:
            header.append(f'<div class="kc-banner kc-synthetic" role="note">{e(label("synthetic_banner", lang))}</div>')
        header.append(f'<h1 class="kc-title">{e(str(title))}</h1>')
        if err is not None:
            header.append(error_html(err, lang))
        header.append(toc_html(toc, lang))
        if workbook is not None:
            header.append(download_html(workbook[0], workbook[1], lang))
        header.append(params_html(params, lang))
        header.append("</header>")
        kc = {"css": static_text("kc.css"), "js": static_text("kc.js"), "header": "".join(header),
              "footer": provenance_html(provenance, lang)}
        self.exporter.language_code = lang
        body, _ = self.exporter.from_notebook_node(nb, resources={"kc": kc})
        external = find_external_urls(body)
        if external:  # e.g. a markdown image from the web: the page would not open offline
            logging.getLogger("kceval.render").warning(
                "report %r fetches from the network: %s", str(title), external[:3]
            )
        return body
