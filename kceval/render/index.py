"""The index page: every report with its headline figures and status, grouped, searchable, with a ranked chart.

:func:`build_index` only builds the HTML string; :func:`kceval.render.one_report.write_index`
(or the batch engine) writes it. The page is self-contained: inline CSS and the same small sorting
script as the reports, no CDN, every string escaped, links restricted to relative paths.
"""
from __future__ import annotations

import html
import os
import re
import statistics
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from .. import geo, merger
from ..display.formats import column_money_unit, format_number, format_percent, format_value, is_missing, money_header
from ..display.labels import check_lang, group_label, has_label, label
from ..display.tables import sort_key
from ..errors import KcevalError, ParameterError
from ..text import fold
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


def _region_of(kind: str, params: Mapping[str, Any]) -> str:
    """The region a report belongs to on the index: its own, its province's (its unit's from 2025), or ''."""
    if kind == "region":
        return str(params.get("region") or "")
    if kind != "province":
        return ""
    try:
        name = str(params.get("province", ""))
        return merger.region_2025_of(name) if _units_basis(params) else geo.region_of(name)
    except KcevalError:
        return ""


def _row(ent: Mapping[str, Any], units: Mapping[str, str], lang: str) -> str:
    """One report's row: its title as a link, year, date, language, headline figures, status and run time."""
    e, L = html.escape, (lambda k: label(k, lang))
    params = ent.get("parameters") or {}
    t = str(ent.get("title", ""))
    link = ent.get("link")
    inner = f'<a href="{e(safe_link(link))}">{e(t)}</a>' if link else e(t)
    year = str(params.get("year", ""))
    as_of = params.get("as_of") or ""
    when = format_value(as_of, "date", lang) if as_of else L("index_year_end")
    rlang = str(params.get("lang", "vi"))
    lang_text = label(f"pv_lang_{rlang}", lang) if has_label(f"pv_lang_{rlang}") else rlang
    cells = [_cell(t, t, inner=inner), _cell(year, year, "kc-int kc-num"), _cell(when, str(as_of)),
             _cell(lang_text, rlang)]
    hl = ent.get("headline") or {}
    for k in HEADLINE_COLUMNS:
        f, x = HEADLINE_COLUMNS[k], hl.get(k)
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
    region = group_label(_region_of(ent["kind"], params), "region", lang)
    search = fold(" ".join([t, str(params.get("province", "")), region, year]), " ")  # what the search box reads
    return (f'<tr data-search="{e(search)}" data-year="{e(year)}" data-lang="{e(rlang)}">'
            + "".join(cells) + "</tr>")


def _table(rows: list[str], units: Mapping[str, str], lang: str) -> str:
    L = lambda k: label(k, lang)  # noqa: E731
    cols = [("title", "text"), ("year", "int"), ("as_of", "date"), ("lang", "text")] \
        + [(k, HEADLINE_COLUMNS[k]) for k in HEADLINE_COLUMNS] + [("status", "text"), ("run_time", "number")]

    def head(k: str) -> str:
        text = L(k) if has_label(k) else k
        return money_header(text, units[k], lang) if k in units else text

    th = "".join(f'<th scope="col" class="kc-col-{k}{" kc-num" if f != "text" else ""}">{html.escape(head(k))}</th>'
                 for k, f in cols)
    return (f'<table class="kc-table kc-sortable kc-index" lang="{lang}"><thead><tr>{th}</tr></thead>\n'
            f'<tbody>\n{chr(10).join(rows)}\n</tbody></table>')


def rate_chart(entries: Sequence[Mapping[str, Any]], lang: str) -> str:
    """The headline figure (execution rate) of every province report of the latest plan year, ranked, with the
    median of each region drawn on its provinces' bars; plain HTML and CSS (works offline, prints, scales)."""
    e, L = html.escape, (lambda k: label(k, lang))
    prov = [ent for ent in entries if ent.get("kind") == "province" and ent.get("status") == "ok"
            and not is_missing((ent.get("headline") or {}).get("rate"))]
    if not prov:
        return ""
    year = max(str((ent.get("parameters") or {}).get("year", "")) for ent in prov)
    seen: dict[str, Mapping[str, Any]] = {}
    for ent in prov:  # one bar a province: the report in the page language if there is one
        params = ent.get("parameters") or {}
        if str(params.get("year", "")) != year:
            continue
        name = str(params.get("province", ent.get("title", "")))
        if name not in seen or str(params.get("lang", "vi")) == lang:
            seen[name] = ent
    bars = sorted(seen.items(), key=lambda kv: -float(kv[1]["headline"]["rate"]))
    regions = {n: _region_of("province", ent.get("parameters") or {}) for n, ent in bars}
    medians = {r: statistics.median(float(ent["headline"]["rate"]) for n, ent in bars if regions[n] == r)
               for r in set(regions.values())}
    top = max([1.0] + [float(ent["headline"]["rate"]) for _, ent in bars])
    rows = []
    for i, (name, ent) in enumerate(bars, start=1):
        rate, reg = float(ent["headline"]["rate"]), regions[name]
        med = medians[reg]
        link = ent.get("link")
        who = f'<a href="{e(safe_link(link))}">{e(name)}</a>' if link else e(name)
        rows.append(
            f'<li class="kc-bar-row kc-region-{e(reg or "none")}" data-search="{e(fold(name, " "))}">'
            f'<span class="kc-bar-rank">{i}</span><span class="kc-bar-name">{who}</span>'
            f'<span class="kc-bar-track"><span class="kc-bar" style="width:{100 * rate / top:.2f}%"></span>'
            f'<span class="kc-bar-median" style="left:{100 * med / top:.2f}%" '
            f'title="{e(L("card_peers_region"))}: {e(format_percent(med, lang))}"></span></span>'
            f'<span class="kc-bar-value">{e(format_percent(rate, lang))}</span>'
            f'<span class="kc-bar-region">{e(group_label(reg, "region", lang) if reg else "")}</span></li>')
    legend = " · ".join(f"{group_label(r, 'region', lang)}: {format_percent(m, lang)}"
                        for r, m in sorted(medians.items()) if r)
    return (f'<section class="kc-chart" aria-label="{e(L("index_chart").format(year=year))}">'
            f'<h2>{e(L("index_chart").format(year=year))}</h2>'
            f'<p class="kc-note">{e(L("index_chart_note"))} {e(legend)}</p>'
            f'<ol class="kc-bars">{"".join(rows)}</ol></section>')


def build_index(entries: Sequence[Mapping[str, Any]], *, lang: str = "vi", title: str | None = None) -> str:
    """The HTML index page of a set of reports: grouped by level and region, searchable offline (with or without
    diacritics) and filterable by year and language, with a ranked chart of the provinces' execution rates.

    Parameters
    ----------
    entries : list of dict
        One per report: ``title``, ``kind`` ('province' | 'region' | 'national'),
        ``parameters`` (dict: year, as_of, lang, province or region, data), ``headline`` (dict: plan, executed,
        rate, projects...), ``status`` ('ok' | 'failed'), ``error`` (first line or None), ``seconds`` (run
        time), ``link`` (path relative to the index page).
    lang : {'vi', 'en'}
    title : str, optional
        Page title (default: the ``index_title`` label).

    Examples
    --------
    >>> page = build_index([{"title": "Đồng Nai", "kind": "province", "parameters": {"year": 2019},
    ...     "headline": {"plan": 10**10, "rate": 0.5}, "status": "ok", "error": None,
    ...     "seconds": 1.2, "link": "dong-nai.html"}], lang="en")
    >>> "Plan (VND billion)" in page and 'href="dong-nai.html"' in page
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
    units = {}
    for k, f in HEADLINE_COLUMNS.items():
        if f == "money":
            units[k] = column_money_unit([(ent.get("headline") or {}).get(k) for ent in entries])
    # groups: the country, the regions, then the provinces of each region
    groups: list[tuple[str, str, list[str]]] = []
    for kind in ("national", "region"):
        rows = [_row(ent, units, lang) for ent in entries if ent["kind"] == kind]
        if rows:
            groups.append((kind, L(f"index_{kind}"), rows))
    by_region: dict[str, list[str]] = {}
    for ent in entries:
        if ent["kind"] == "province":
            by_region.setdefault(_region_of("province", ent.get("parameters") or {}), []).append(
                _row(ent, units, lang))
    for reg in sorted(by_region, key=lambda r: (r == "", ("north", "central", "south").index(r)
                                                if r in ("north", "central", "south") else 9)):
        name = L("index_provinces") + (f" — {group_label(reg, 'region', lang)}" if reg else "")
        groups.append(("province", name, by_region[reg]))
    sections = "\n".join(
        f'<section class="kc-group" data-level="{kind}"><h2>{e(name)} <span class="kc-muted">({len(rows)})</span>'
        f'</h2>{_table(rows, units, lang)}</section>' for kind, name, rows in groups)

    n_failed = sum(ent["status"] == "failed" for ent in entries)
    synthetic = any(not (ent.get("parameters") or {}).get("data") for ent in entries)
    banner = f'<div class="kc-banner kc-synthetic" role="note">{e(L("synthetic_banner"))}</div>\n' if synthetic \
        else ""
    summary = (f'<p>{e(L("n_reports"))}: {len(entries)} · {e(L("n_failed"))}: {n_failed} · '
               f'<span class="kc-muted">{e(L("sort_hint"))}</span></p>')
    basis = basis_note(entries, lang) if entries else ""
    summary += f'\n<p class="kc-note kc-basis" role="note">{e(basis)}</p>' if basis else ""
    years = sorted({str((ent.get("parameters") or {}).get("year", "")) for ent in entries} - {""})
    year_opts = "".join(f'<option value="{e(y)}">{e(y)}</option>' for y in years)
    lang_opts = "".join(f'<option value="{c}">{e(L(f"pv_lang_{c}"))}</option>' for c in ("vi", "en"))
    controls = (
        f'<form class="kc-filters" role="search" onsubmit="return false">'
        f'<label>{e(L("index_search"))} <input type="search" class="kc-search" '
        f'placeholder="{e(L("index_search_hint"))}" aria-label="{e(L("index_search"))}"></label> '
        f'<label>{e(L("year"))} <select class="kc-filter-year"><option value="">{e(L("index_all"))}</option>'
        f'{year_opts}</select></label> '
        f'<label>{e(L("lang"))} <select class="kc-filter-lang"><option value="">{e(L("index_all"))}</option>'
        f'{lang_opts}</select></label> <span class="kc-filter-count kc-muted" aria-live="polite"></span></form>'
        f'<p class="kc-none" hidden>{e(L("index_none"))}</p>')
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta name="generator" content="kceval">\n<title>{e(title)}</title>\n'
        f'<style>\n{static_text("kc.css")}\n</style>\n</head>\n<body class="kc-page kc-index-page">\n'
        f'{banner}<h1 class="kc-title">{e(title)}</h1>\n{summary}\n{controls}\n{sections}\n'
        f'{rate_chart(entries, lang)}\n'
        f'<script>\n{static_text("kc.js")}\n</script>\n</body>\n</html>\n'
    )
