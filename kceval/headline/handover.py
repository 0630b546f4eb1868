"""How a report's headline figures travel from its notebook to the index page and batch summary.

In the kernel, :func:`emit_headline` displays the figures as JSON under kceval's own MIME type;
on the host, the renderer drops that output from the page and :func:`read_headline` reads the
figures back from the executed notebook.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from IPython.display import display

from ..errors import ParameterError
from .values import jsonable

HEADLINE_MIME = "application/vnd.kceval.headline+json"


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
    if not isinstance(figures, Mapping):
        raise ParameterError(f"`figures` must be a dict; received {type(figures).__name__}")
    payload = json.loads(json.dumps(jsonable(dict(figures))))
    display({HEADLINE_MIME: payload, "text/plain": ""}, raw=True)


def read_headline(nb: Mapping[str, Any]) -> dict[str, Any]:
    """The figures a notebook passed to :func:`emit_headline` (later calls update earlier ones)."""
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = o.get("data", {}) if o.get("output_type") in ("display_data", "execute_result") else {}
            if HEADLINE_MIME in data:
                v = data[HEADLINE_MIME]
                out.update(json.loads(v) if isinstance(v, str) else dict(v))
    return out
