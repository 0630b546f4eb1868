"""The index page: every report with its headline figures and status, in one sortable table.

:func:`build_index` only builds the HTML string; :func:`kceval.render.one_report.write_index`
(or the batch engine) writes it. The page is self-contained: inline CSS and the same small sorting
script as the reports, no CDN, every string escaped, links restricted to relative paths.
"""
from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from .. import merger
from ..display.formats import column_money_unit, format_number, format_value, is_missing, money_header
from ..display.labels import check_lang, has_label, label
from ..display.tables import sort_key
from ..errors import ParameterError
from .html import static_text

KINDS = ("province", "region", "national")
# Headline figures shown as columns when present in any entry: key -> format.
HEADLINE_COLUMNS: dict[str, str] = {"plan": "money", "executed": "money", "rate": "percent", "projects": "int"}
_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.\-]*:")


def safe_link(link: str) -> str:
    """A relative link, percent-encoded for an ``href``; absolute URLs and schemes are refused.

    Examples
    --------
    >>> safe_link("province-report-dong-nai-2019.html")
    'province-report-dong-nai-2019.html'
    """
    s = str(link)
    if _SCHEME.match(s) or s.startswith(("/", "\\")) or "\x00" in s:
        raise ParameterError(f"`link` must be a relative path to a report file; received {link!r}")
    return quote(s, safe="/#?=&.-_~%")


def _cell(text: str, key: str, cls: str = "", inner: str | None = None) -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<td{c} data-sort="{html.escape(key)}">{inner if inner is not None else html.escape(text)}</td>'


def basis_note(entries: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Which unit basis and region grouping the reports use: the 63 old provinces before 2025, the 34 units
    of 2025 from 2025 (or on request), with the units' regions (kceval's stated assumption, or a user's file).

    Examples
    --------
    >>> basis_note([{"parameters": {"year": 2019}}], "en")
    'Reports for plan years before 2025 are per old province (63) and ARIT region.'
    """
    on_units = [ent for ent in entries if _units_basis(ent.get("parameters") or {})]
    parts = [] if len(on_units) == len(entries) else [label("index_basis_63", lang)]
    if on_units:
        files = sorted({os.path.basename(str(p["regions"])) for ent in on_units
                        if (p := ent.get("parameters") or {}).get("regions")})
        grouping = label("regions_from_file", lang).format(file=", ".join(files)) if files \
            else merger.REGION_2025_ASSUMPTION_BY_LANGUAGE[lang]
        parts.append(label("index_basis_34", lang).format(assumption=grouping))
    return " ".join(parts)


def _units_basis(params: Mapping[str, Any]) -> bool:
    try:
        return str(params.get("units", "")) == "2025" or int(params.get("year", 0)) >= merger.MERGER_DATE.year
    except (TypeError, ValueError):
        return False


def build_index(entries: Sequence[Mapping[str, Any]], *, lang: str = "vi", title: str | None = None) -> str:
    """The HTML index page of a set of reports.

    Parameters
    ----------
    entries : list of dict
        One per report: ``title``, ``kind`` ('province' | 'region' | 'national'),
        ``parameters`` (dict; empty values are not shown), ``headline`` (dict: plan, executed, rate, projects...),
        ``status`` ('ok' | 'failed'), ``error`` (first line or None), ``seconds`` (run time),
        ``link`` (path relative to the index page).
    lang : {'vi', 'en'}
    title : str, optional
        Page title (default: the ``index_title`` label).

    Examples
    --------
    >>> page = build_index([{"title": "Đồng Nai", "kind": "province", "parameters": {"year": 2019},
    ...     "headline": {"plan": 10**10, "rate": 0.5}, "status": "ok", "error": None,
    ...     "seconds": 1.2, "link": "dong-nai.html"}], lang="en")
    >>> "VND 10.000 billion" in page and 'href="dong-nai.html"' in page
    True
    """
    check_lang(lang)
    L = lambda k: label(k, lang)  # noqa: E731
    e = html.escape
    title = L("index_title") if title is None else str(title)
    for i, ent in enumerate(entries):
        if ent.get("kind") not in KINDS:
            raise ParameterError(f"`entries[{i}]['kind']` must be one of {', '.join(map(repr, KINDS))}; "
                                 f"received {ent.get('kind')!r}")
        if ent.get("status") not in ("ok", "failed"):
            raise ParameterError(f"`entries[{i}]['status']` must be 'ok' or 'failed'; received {ent.get('status')!r}")
    heads = [k for k in HEADLINE_COLUMNS if any(k in (ent.get("headline") or {}) for ent in entries)]
    units = {}
    for k in heads:
        if HEADLINE_COLUMNS[k] == "money":
            vals = [abs(ent["headline"][k]) for ent in entries if not is_missing((ent.get("headline") or {}).get(k))]
            units[k] = column_money_unit(vals)

    cols = [("title", "text"), ("kind", "text"), ("parameters", "text")] + [(k, HEADLINE_COLUMNS[k]) for k in heads] \
        + [("status", "text"), ("run_time", "number")]
    def head(k: str) -> str:
        text = L(k) if has_label(k) else k
        return money_header(text, units[k], lang) if k in units else text

    th = "".join(f'<th scope="col" class="kc-col-{k}{" kc-num" if f != "text" else ""}">{e(head(k))}</th>'
                 for k, f in cols)
    rows = []
    for ent in entries:
        t = str(ent.get("title", ""))
        link = ent.get("link")
        inner = f'<a href="{e(safe_link(link))}">{e(t)}</a>' if link else e(t)
        kind = ent["kind"]
        kind_text = L(kind)
        params = ent.get("parameters") or {}
        ptext = "; ".join(f"{k}={v}" for k, v in params.items() if v not in ("", None))
        cells = [_cell(t, t, inner=inner), _cell(kind_text, kind_text), _cell(ptext, ptext)]
        hl = ent.get("headline") or {}
        for k in heads:
            f = HEADLINE_COLUMNS[k]
            x = hl.get(k)
            kw = {"unit": units[k], "word": False} if f == "money" else {}
            cells.append(_cell(format_value(x, f, lang, **kw), sort_key(x, f), f"kc-{f} kc-num"))
        status = ent["status"]
        s_text = L("status_ok") if status == "ok" else L("status_failed")
        s_inner = f'<span class="kc-status-{status}">{e(s_text)}</span>'
        if status == "failed" and ent.get("error"):
            s_inner += f'<br><small class="kc-error-line">{e(str(ent["error"]).splitlines()[0])}</small>'
        cells.append(_cell(s_text, status, inner=s_inner))
        secs = ent.get("seconds")
        cells.append(_cell(format_number(secs, lang, decimals=1) + ("" if is_missing(secs) else " s"),
                           sort_key(secs, "number"), "kc-number kc-num"))
        rows.append("<tr>" + "".join(cells) + "</tr>")

    n_failed = sum(ent["status"] == "failed" for ent in entries)
    summary = (f'<p>{e(L("n_reports"))}: {len(entries)} · {e(L("n_failed"))}: {n_failed} · '
               f'<span class="kc-muted">{e(L("sort_hint"))}</span></p>')
    basis = basis_note(entries, lang) if entries else ""
    summary += f'\n<p class="kc-note kc-basis" role="note">{e(basis)}</p>' if basis else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta name="generator" content="kceval">\n<title>{e(title)}</title>\n'
        f'<style>\n{static_text("kc.css")}\n</style>\n</head>\n<body class="kc-page">\n'
        f'<h1 class="kc-title">{e(title)}</h1>\n{summary}\n'
        f'<table class="kc-table kc-sortable kc-index" lang="{lang}"><thead><tr>{th}</tr></thead>\n'
        f'<tbody>\n{chr(10).join(rows)}\n</tbody></table>\n'
        f'<script>\n{static_text("kc.js")}\n</script>\n</body>\n</html>\n'
    )
