"""table_* functions: formatted, escaped, sortable HTML tables for reports.

A table is a plain ``<table class="kc-table kc-sortable">``: every cell is escaped, numbers
are formatted for the reader (:mod:`kceval.display.formats`) and carry the raw value in ``data-sort``
so that money sorts numerically, not as text. The sorting script is included once per page
by the report template (and by the index page), keyed by the class ``kc-sortable``; without
JavaScript the table is still complete and readable.

In a notebook::

    from IPython.display import HTML
    HTML(table_html(df, lang=lang, formats={"plan": "money", "rate": "percent"}))
"""
from __future__ import annotations

import html
import numbers
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..checks import to_date
from ..errors import ParameterError
from .formats import KINDS, column_money_unit, format_value, is_missing, money_header
from .labels import check_lang, has_label, label

_NUMERIC = {"money", "percent", "int", "number", "ratio"}


def sort_key(x: Any, kind: str) -> str:
    """The machine value a cell sorts by ('' for missing: sorted last by the script).

    Examples
    --------
    >>> sort_key(85_865_000_000, "money"), sort_key(0.25, "percent"), sort_key(None, "int")
    ('85865000000', '0.25', '')
    """
    if is_missing(x):
        return ""
    if kind in _NUMERIC:
        return str(int(x)) if isinstance(x, numbers.Integral) else repr(float(x))
    if kind == "date":
        return to_date("value", x).date().isoformat()
    return str(x)


def table_html(
    df: pd.DataFrame,
    *,
    lang: str,
    formats: Mapping[str, str] | None = None,
    sortable: bool = True,
    caption: str | None = None,
    index: bool = False,
    labels: Mapping[str, str] | None = None,
) -> str:
    """An escaped HTML table of ``df`` with formatted cells and numeric sort keys.

    Parameters
    ----------
    df : DataFrame
        The rows to show (not modified).
    lang : {'vi', 'en'}
    formats : dict, optional
        Column -> 'money' | 'percent' | 'int' | 'number' | 'ratio' (two decimals) | 'date' | 'text'. Columns not
        listed are text. A money column has one unit, triệu or tỷ đồng, chosen by its typical amount
        (:func:`~kceval.display.formats.column_money_unit`), named in its header; its cells are plain numbers.
    sortable : bool
        Add the ``kc-sortable`` class (clicking a header sorts by ``data-sort``).
    caption : str, optional
        Table caption (escaped).
    index : bool
        Include the index as the first column(s).
    labels : dict, optional
        Column -> header text. Default: the :data:`kceval.display.labels.LABELS` entry when the column
        name is a known label key, else the column name itself.

    Returns
    -------
    str
        ``<table>`` markup; every header, caption and cell is escaped.

    Examples
    --------
    >>> df = pd.DataFrame({"province": ["A"], "plan": [85_865_000_000]})
    >>> t = table_html(df, lang="vi", formats={"plan": "money"})
    >>> "Kế hoạch (tỷ đồng)</th>" in t and ">85,865</td>" in t
    True
    """
    check_lang(lang)
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"`df` must be a pandas DataFrame; received {type(df).__name__}")
    formats = dict(formats or {})
    data = df.reset_index() if index else df
    unknown_cols = [c for c in formats if c not in data.columns]
    if unknown_cols:
        raise ParameterError(
            f"`formats` keys must be columns of df ({', '.join(map(str, data.columns))}); received {unknown_cols!r}"
        )
    bad = {c: k for c, k in formats.items() if k not in KINDS}
    if bad:
        raise ParameterError(f"`formats` values must be one of {', '.join(map(repr, KINDS))}; received {bad!r}")
    labels = dict(labels or {})

    esc = html.escape
    cols = list(data.columns)
    kinds = [formats.get(c, "text") for c in cols]
    units = {c: column_money_unit(data[c]) for c, k in zip(cols, kinds) if k == "money"}

    def header(c: Any) -> str:
        text = str(labels[c]) if c in labels else label(c, lang) if has_label(c) else str(c)
        return money_header(text, units[c], lang) if c in units else text

    cls = "kc-table kc-sortable" if sortable else "kc-table"
    out = [f'<table class="{cls}" lang="{lang}">']
    if caption is not None:
        out.append(f"<caption>{esc(str(caption))}</caption>")
    out.append("<thead><tr>")
    for c, k in zip(cols, kinds):
        num = " kc-num" if k in _NUMERIC else ""
        out.append(f'<th scope="col" class="kc-{k}{num}" data-kind="{k}">{esc(header(c))}</th>')
    out.append("</tr></thead><tbody>")
    # Formatting is per value (Babel has no vectorised API); tables in reports are small
    # (provinces, activities), so this is a display loop, not a computation over projects.
    columns = [data[c].tolist() for c in cols]
    for r in range(len(data)):
        out.append("<tr>")
        for c, k, values in zip(cols, kinds, columns):
            x = values[r]
            kw = {"unit": units[c], "word": False} if k == "money" else {}
            text = format_value(x, k, lang, **kw)
            num = " kc-num" if k in _NUMERIC else ""
            out.append(f'<td class="kc-{k}{num}" data-sort="{esc(sort_key(x, k))}">{esc(text)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def table_key_values(rows: Mapping[str, Any] | list[tuple[str, str]], *, caption: str | None = None,
                     headers: tuple[str, str] | None = None, css_class: str = "kc-kv") -> str:
    """A two-column escaped table of already formatted (key, value) pairs.

    Used for the parameter table and the provenance footer.

    Examples
    --------
    >>> table_key_values({"province": "<b>"})
    '<table class="kc-kv"><tbody><tr><th scope="row">province</th><td>&lt;b&gt;</td></tr></tbody></table>'
    """
    esc = html.escape
    items = list(rows.items()) if isinstance(rows, Mapping) else list(rows)
    out = [f'<table class="{esc(css_class)}">']
    if caption is not None:
        out.append(f"<caption>{esc(str(caption))}</caption>")
    if headers is not None:
        out.append(
            f'<thead><tr><th scope="col">{esc(headers[0])}</th><th scope="col">{esc(headers[1])}</th></tr></thead>'
        )
    out.append("<tbody>")
    for k, v in items:
        out.append(f'<tr><th scope="row">{esc(str(k))}</th><td>{esc(str(v))}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)
