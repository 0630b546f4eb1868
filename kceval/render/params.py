"""Notebook parameters checked before any kernel starts.

:func:`check_parameters` reads a notebook's ``parameters`` cell as papermill does (names,
annotated types, defaults, help; with ``ast``, so that planning a batch costs no papermill import)
and rejects unknown names and wrong types; values from the command line arrive as text, so ``"2019"`` becomes
``2019`` for an ``int`` parameter while ``"abc"`` is refused. Domain checks are pluggable: a
dict maps a parameter name to ``validator(value, context) -> normalised value`` where
``context`` holds every parameter (defaults updated with the caller's values);
:data:`DOMAIN_CHECKS` has the generic ones (``as_of``, ``data``, ``province``, ``region``,
``lang``). Every failure is a :class:`~kceval.errors.ParameterError` naming the parameter,
the allowed values and what was received. Output file names made from parameters are
:mod:`kceval.render.names`.
"""
from __future__ import annotations

import ast
import datetime as dt
import io
import json
import os
import re
import tokenize
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import geo, merger
from ..checks import to_date
from ..display.labels import check_lang
from ..errors import ParameterError, ReportError

Validator = Callable[[Any, Mapping[str, Any]], Any]
TYPES = ("int", "float", "bool", "str")
_TRUE = {"true", "yes", "1", "on", "có"}
_FALSE = {"false", "no", "0", "off", "không"}
SETTLEMENT_DAY = (1, 22)  # DOMAIN.md: settlement due by 22 January of the following year


@lru_cache(maxsize=64)
def _inspect(path: str, mtime_ns: int) -> tuple[tuple[str, str | None, str | None, str], ...]:
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)  # nbformat's reader would import its JSON-schema checkers: 0.9 s per process
    cell = next((c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return ()
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    return _read_parameters(source, path)


def _read_parameters(source: str, path: str) -> tuple[tuple[str, str | None, str | None, str], ...]:
    """(name, type, default source, help) of each ``name: type = value  # help`` of a parameters cell.

    What papermill's own reader (``PythonTranslator.inspect``, used by ``papermill --help-notebook``)
    finds, read with ``ast`` instead of importing papermill; tests/render/test_params_reader.py checks
    the two agree on every notebook. papermill skips, with a mere log warning, a line it cannot parse (two
    '=', e.g. a comment with '='): such a parameter could never be set, so the notebook is refused.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ReportError(f"the cell tagged 'parameters' of {path} is not valid Python: {e}") from None
    lines = source.splitlines()
    comments = {t.start[0]: t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type == tokenize.COMMENT}
    out, unreadable = [], []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, annotation, value = node.target.id, ast.get_source_segment(source, node.annotation), node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, annotation, value = node.targets[0].id, None, node.value
        else:
            continue
        if any(lines[i].count("=") > 1 for i in range(node.lineno - 1, node.end_lineno or node.lineno)):
            unreadable.append(name)
            continue
        default = ast.get_source_segment(source, value)
        help_ = comments.get(node.end_lineno or node.lineno, "").lstrip("#").strip()
        typ = (annotation or "").strip("'\" ")
        if typ not in TYPES:  # no annotation: take the type of the literal default
            try:
                v = ast.literal_eval(default) if default is not None else None
                typ = {bool: "bool", int: "int", float: "float", str: "str"}.get(type(v)) or ""
            except (ValueError, SyntaxError):
                typ = ""
        out.append((name, typ or None, default, help_))
    if unreadable:
        raise ReportError(f"papermill cannot read the parameter(s) {', '.join(unreadable)} in the cell tagged "
                          f"'parameters' of {path}: write one `name: type = value  # help` per line, "
                          f"with no '=' in the comment")
    return tuple(out)


def notebook_parameters(notebook_path: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """Parameters declared in a notebook's ``parameters`` cell: name -> type, default, help.

    ``type`` is 'int', 'float', 'bool', 'str' or None (unknown); ``default`` is the evaluated
    literal (None when the default is not a literal). Cached on the file's modification time.

    Examples
    --------
    >>> notebook_parameters("tests/notebooks/tiny_report.ipynb")["year"]["type"]  # doctest: +SKIP
    'int'
    """
    p = Path(notebook_path)
    if not p.is_file():
        raise ParameterError(f"`notebook_path` must be an existing notebook file; received {str(notebook_path)!r}")
    out = {}
    for name, typ, default, help_ in _inspect(str(p.resolve()), p.stat().st_mtime_ns):
        try:
            value = ast.literal_eval(default) if default is not None else None
        except (ValueError, SyntaxError):
            value = None
        out[name] = {"type": typ, "default": value, "help": help_}
    return out


def coerce(name: str, value: Any, typ: str | None) -> Any:
    """``value`` converted to the parameter's type, or a ParameterError.

    Examples
    --------
    >>> coerce("year", "2019", "int"), coerce("fail", "false", "bool")
    (2019, False)
    """
    def bad() -> ParameterError:
        return ParameterError(f"`{name}` must be of type {typ} (declared in the notebook's parameters cell); "
                              f"received {value!r}")

    if typ is None:
        return value
    if typ == "int":
        if isinstance(value, bool):
            raise bad()
        if isinstance(value, int) or (hasattr(value, "__index__") and not isinstance(value, str)):
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            return int(value)
        raise bad()
    if typ == "float":
        if isinstance(value, bool):
            raise bad()
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                raise bad() from None
        raise bad()
    if typ == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise bad()
    # str
    if isinstance(value, str):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    raise bad()


# -- domain checks ----------------------------------------------------------------------------

def check_as_of(value: Any, context: Mapping[str, Any]) -> str:
    """'' (end of the data) or an ISO date in [1 Jan year, 22 Jan year+1] (settlement window)."""
    if value in ("", None):
        return ""
    try:
        d = to_date("as_of", value).date() if not (isinstance(value, str) and "/" in value) else \
            dt.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except (ParameterError, ValueError):
        raise ParameterError(
            f"`as_of` must be a date YYYY-MM-DD (or '' for the end of the data); received {value!r}"
        ) from None
    year = context.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        lo, hi = dt.date(year, 1, 1), dt.date(year + 1, *SETTLEMENT_DAY)
        if not lo <= d <= hi:
            raise ParameterError(
                f"`as_of` must be within the plan year {year} or its settlement window, i.e. between "
                f"{lo.isoformat()} and {hi.isoformat()}; received {value!r}"
            )
    return d.isoformat()


def check_data(value: Any, context: Mapping[str, Any]) -> str:
    """'' (the bundled sample data) or an existing file or folder, returned as an absolute path."""
    if value in ("", None):
        return ""
    s = os.fspath(value) if isinstance(value, (str, os.PathLike)) else None
    if s is None or "\x00" in s or not Path(s).exists():
        where = f" (not found: {Path(s).resolve()})" if s and "\x00" not in s else ""
        raise ParameterError(f"`data` must be '' (the bundled sample data) or an existing file or folder; "
                             f"received {value!r}{where}")
    return str(Path(s).resolve())


def check_province(value: Any, context: Mapping[str, Any]) -> str:
    """A province in any common spelling, returned as its canonical name (with suggestions)."""
    try:
        return geo.match_province(value)
    except geo.UnknownProvinceError as e:
        hint = f"did you mean {', '.join(map(repr, e.suggestions))}?" if e.suggestions else "no close match"
        err = ParameterError(f"`province` must be one of the 63 provinces or the 34 units of 2025 (kceval.geo, "
                             f"kceval.merger; any common spelling); received {value!r}: {hint}")
        err.suggestions = e.suggestions  # type: ignore[attr-defined]
        raise err from None


def check_region(value: Any, context: Mapping[str, Any]) -> str:
    """One of :data:`kceval.geo.REGIONS`, or '' for the whole country."""
    if value in ("", None):
        return ""
    return geo.check_region(value)


def check_units(value: Any, context: Mapping[str, Any]) -> str:
    """'' (the basis follows the year) or '2025' (the 34 units of 2025 for any year)."""
    if value in ("", None):
        return ""
    if str(value) != "2025":
        raise ParameterError(f"`units` must be '' (the basis follows the year) or '2025' (the 34 units of 2025); "
                             f"received {value!r}")
    return "2025"


def check_regions(value: Any, context: Mapping[str, Any]) -> str:
    """'' (kceval's stated region assumption) or a readable CSV of the units' regions, as an absolute path."""
    if value in ("", None):
        return ""
    s = os.fspath(value) if isinstance(value, (str, os.PathLike)) else None
    if s is None or "\x00" in s or not Path(s).is_file():
        raise ParameterError(f"`regions` must be '' (kceval's stated assumption) or an existing CSV file with columns "
                             f"unit_2025,region; received {value!r}")
    path = str(Path(s).resolve())
    merger.load_regions(path)  # a bad file fails here, before any kernel starts, with its rows named
    return path


def check_lang_param(value: Any, context: Mapping[str, Any]) -> str:
    """'vi' or 'en'."""
    return check_lang(value)


DOMAIN_CHECKS: dict[str, Validator] = {
    "as_of": check_as_of,
    "data": check_data,
    "province": check_province,
    "region": check_region,
    "lang": check_lang_param,
    "units": check_units,
    "regions": check_regions,
}


def check_parameters(notebook_path: str | os.PathLike, params: Mapping[str, Any], *,
                     checks: Mapping[str, Validator] | None = None) -> dict[str, Any]:
    """The caller's parameters, checked and normalised, before any kernel starts.

    Parameters
    ----------
    notebook_path : path
        The notebook whose ``parameters`` cell declares the allowed names and types.
    params : dict
        Values to inject (text from the command line is converted to the declared type).
    checks : dict, optional
        Parameter name -> ``validator(value, context)`` returning the normalised value or
        raising ParameterError. Default :data:`DOMAIN_CHECKS`; extend with
        ``{**DOMAIN_CHECKS, "year": my_check}``. Validators run on the given parameters and on
        non-empty notebook defaults (so that, e.g., a default ``as_of`` is checked against a
        given ``year``); ``context`` is the defaults updated with ``params``.

    Returns
    -------
    dict
        ``params`` with converted and normalised values (same keys, input not modified).

    Examples
    --------
    >>> check_parameters("tests/notebooks/tiny_report.ipynb",
    ...                  {"year": "2019", "province": "dong nai"})  # doctest: +SKIP
    {'year': 2019, 'province': 'Đồng Nai'}
    """
    declared = notebook_parameters(notebook_path)
    unknown = [k for k in params if k not in declared]
    if unknown:
        allowed = ", ".join(declared) if declared else "none: the notebook has no cell tagged 'parameters'"
        raise ParameterError(f"unknown parameter(s) {', '.join(map(repr, unknown))} for {Path(notebook_path).name}; "
                             f"allowed: {allowed}; received {dict(params)!r}")
    out = {k: coerce(k, v, declared[k]["type"]) for k, v in params.items()}
    context = {k: d["default"] for k, d in declared.items()}
    context.update(out)
    for name, validate in (DOMAIN_CHECKS if checks is None else checks).items():
        # an empty default ('' = "not set", e.g. as_of or data) is the notebook's own business
        if name in declared and (name in out or context[name] not in ("", None)):
            value = validate(context[name], context)
            if name in out:
                out[name] = value
    return out


def effective_parameters(notebook_path: str | os.PathLike, params: Mapping[str, Any]) -> dict[str, Any]:
    """The notebook's literal defaults updated with ``params`` (for the report's parameter table)."""
    out = {k: d["default"] for k, d in notebook_parameters(notebook_path).items()}
    out.update(params)
    return out
