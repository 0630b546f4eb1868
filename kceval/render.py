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

A notebook may call :func:`emit_headline` to hand its headline figures to the index page; that
output is read back by :func:`read_headline` and never shown in the HTML.
"""
from __future__ import annotations

import copy
import html
import json
import logging
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import nbformat

from . import i18n
from .tables import table_key_values

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
HEADLINE_MIME = "application/vnd.kceval.headline+json"
REMOVED_TAGS = frozenset({"parameters", "injected-parameters", "papermill-error-cell-tag"})
# Narrative cells exist in both languages, tagged with their language; the other one is removed.
LANG_TAGS = frozenset(i18n.LANGS)
TOC_LEVELS = 3

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    """Text of a static asset of the template (``kc.css``, ``kc.js``)."""
    return (TEMPLATE_DIR / "kceval" / name).read_text(encoding="utf-8")


# -- headline ---------------------------------------------------------------------------------

def _jsonable(x: Any) -> Any:
    if hasattr(x, "item") and callable(x.item):  # numpy scalars
        return x.item()
    if hasattr(x, "isoformat"):
        return x.isoformat()
    if hasattr(x, "to_dict"):
        return x.to_dict()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def _finite(x: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN; a province without a plan has no rate)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x


def emit_headline(figures: Mapping[str, Any]) -> None:
    """Hand the report's headline figures to kceval (index page, batch summary).

    Call it from a notebook cell; the output is a JSON payload with a custom MIME type that the
    renderer removes from the HTML and :func:`read_headline` reads back. Values must be
    JSON-serialisable (numpy scalars, dates and records with ``to_dict`` are converted; NaN
    and infinities become None).

    Examples
    --------
    >>> emit_headline({"plan": 85_865_000_000, "rate": 0.193})  # doctest: +SKIP
    """
    from IPython.display import display

    if not isinstance(figures, Mapping):
        from .errors import ParameterError

        raise ParameterError(f"`figures` must be a dict; received {type(figures).__name__}")
    payload = _finite(json.loads(json.dumps(dict(figures), default=_jsonable)))
    display({HEADLINE_MIME: payload, "text/plain": ""}, raw=True)


def read_headline(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """The figures a notebook passed to :func:`emit_headline` (later calls update earlier ones)."""
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = o.get("data", {}) if o.get("output_type") in ("display_data", "execute_result") else {}
            if HEADLINE_MIME in data:
                v = data[HEADLINE_MIME]
                out.update(json.loads(v) if isinstance(v, str) else dict(v))
    return out


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
                lines += [f'<div id="{anchor}" class="kc-anchor"></div>', ""]
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
    title = html.escape(i18n.label("contents", lang))
    return f'<nav class="kc-toc" aria-label="{title}"><h2>{title}</h2>{"".join(parts)}</ol></nav>'


# -- page parts -------------------------------------------------------------------------------

def _show(v: Any) -> str:
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return "" if v is None else str(v)


def params_html(params: Mapping[str, Any], lang: str) -> str:
    """The readable parameter table (label and name, value as given), escaped."""
    rows = []
    for k, v in params.items():
        name = f"{i18n.label(k, lang)} ({k})" if i18n.has_label(k, lang) else str(k)
        rows.append((name, _show(v)))
    h = html.escape(i18n.label("parameters", lang))
    body = table_key_values(rows, headers=(i18n.label("parameter", lang), i18n.label("value", lang)))
    return f'<section class="kc-params"><h2>{h}</h2>{body}</section>'


def error_html(err: Mapping[str, Any], lang: str) -> str:
    """The error panel: name and value, the failing cell's code and the traceback, escaped."""
    e = html.escape
    L = lambda k: e(i18n.label(k, lang))  # noqa: E731
    return (
        f'<section class="kc-error" role="alert"><h2>{L("failed_banner")}</h2>'
        f'<p><strong>{L("error")}:</strong> <code>{e(str(err["ename"]))}: {e(str(err["evalue"]))}</code>'
        f' — <a href="#kc-error-cell">{L("go_to_cell")}</a></p>'
        f'<h3>{L("error_cell")}</h3><pre class="kc-error-source">{e(str(err["source"]))}</pre>'
        f'<details><summary>{L("traceback")}</summary><pre>{e(str(err["traceback"]))}</pre></details>'
        "</section>"
    )


def provenance_html(prov: Mapping[str, Any], lang: str) -> str:
    """The provenance footer: parameters, data file hashes, versions, git revision, run time."""
    L = lambda k: i18n.label(k, lang)  # noqa: E731
    parts = [f'<footer class="kc-provenance"><h2>{html.escape(L("provenance"))}</h2>']
    parts.append(table_key_values({k: _show(v) for k, v in prov.get("parameters", {}).items()},
                                  caption=L("parameters")))
    files = prov.get("files") or {}
    if files:
        rows = [(k, f'{f.get("path", "")} — {L("sha256")} {f.get("sha256", "")} — {f.get("bytes", "")} B')
                for k, f in files.items()]
        parts.append(table_key_values(rows, caption=L("files")))
    parts.append(table_key_values(prov.get("versions", {}), caption=L("versions"),
                                  headers=(L("package"), L("version"))))
    run = [(L("git_revision"), prov.get("git") or L("none")), (L("started"), prov.get("started", "")),
           (L("finished"), prov.get("finished", "")), (L("seconds"), prov.get("seconds", ""))]
    parts.append(table_key_values(run))
    parts.append(f'<p class="kc-muted">{html.escape(L("generated_by"))}</p></footer>')
    return "".join(parts)


_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|srcset|data|poster|action|xlink:href)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import)|(?:url\(\s*["']?\s*(?:https?:)?//)""",
    re.IGNORECASE,
)


def find_external_urls(page: str) -> list[str]:
    """Places in an HTML page that would make the browser fetch something from the network.

    Scripts, stylesheets, images, fonts (``src=``/``href=`` with http(s) or protocol-relative
    URLs, CSS ``@import`` and ``url(http...)``). Comments in CSS are ignored. Plain links a
    reader may click are ``<a href>`` and are not fetched, so they are not reported.
    """
    text = re.sub(r"/\*.*?\*/", "", page, flags=re.S)
    hits = []
    for m in _EXTERNAL.finditer(text):
        start = text.rfind("<", 0, m.start())
        if text[start:start + 3].lower() == "<a " and "href" in m.group(0).lower():
            continue
        hits.append(text[m.start():m.start() + 80])
    return hits


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
        from nbconvert import HTMLExporter

        self.exporter = HTMLExporter(
            template_name="kceval",
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        # Belt and braces: the template drops these blocks, but no URL should even reach it.
        self.exporter.require_js_url = ""
        self.exporter.mathjax_url = ""

    def render(self, nb: nbformat.NotebookNode, *, lang: str, title: str, params: Mapping[str, Any],
               provenance: Mapping[str, Any], synthetic: bool) -> str:
        """The HTML page of an executed (possibly failed) notebook; ``nb`` is not modified."""
        i18n.check_lang(lang)
        nb = copy.deepcopy(nb)
        err = find_error(nb)
        cells = []
        for i, cell in enumerate(nb.cells):
            tags = set(cell.get("metadata", {}).get("tags", []))
            if tags & REMOVED_TAGS or tags & (LANG_TAGS - {lang}):
                continue
            if err is not None and i == err["cell_index"]:
                cells.append(nbformat.v4.new_markdown_cell('<div id="kc-error-cell" class="kc-anchor"></div>'))
            if cell.get("cell_type") == "code":
                cell.outputs = [o for o in cell.get("outputs", []) if HEADLINE_MIME not in o.get("data", {})]
                if not cell.outputs:
                    continue  # nothing to show once the code is hidden
            cells.append(cell)
        nb.cells = cells
        toc = add_toc_anchors(nb)
        nb.metadata["title"] = str(title)

        e = html.escape
        header = ['<header class="kc-header">']
        if synthetic:
            header.append(f'<div class="kc-banner kc-synthetic" role="note">{e(i18n.label("synthetic_banner", lang))}</div>')
        header.append(f'<h1 class="kc-title">{e(str(title))}</h1>')
        if err is not None:
            header.append(error_html(err, lang))
        header.append(toc_html(toc, lang))
        header.append(params_html(params, lang))
        header.append("</header>")
        kc = {"css": static_text("kc.css"), "js": static_text("kc.js"), "header": "".join(header),
              "footer": provenance_html(provenance, lang)}
        self.exporter.language_code = lang
        body, _ = self.exporter.from_notebook_node(nb, resources={"kc": kc})
        external = find_external_urls(body)
        if external:  # e.g. a markdown image from the web: the page would not open offline
            logging.getLogger("kceval.render").warning("report %r fetches from the network: %s", str(title), external[:3])
        return body
