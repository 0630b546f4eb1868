"""The batch's record of rendered reports (``.kceval-manifest.json`` in the output folder) and the
index pages built from it: what makes re-runs incremental and the index complete.

The manifest is read defensively: a file that is not JSON, not an object, or an entry that is
not a well-formed outcome is ignored with a :class:`ManifestWarning` (entry by entry), and the
reports concerned are rendered again. A damaged manifest costs re-renders, never a traceback.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Any

from ..paths import write_atomic
from ..render.index import build_index
from ..render.names import safe_output_path

MANIFEST = ".kceval-manifest.json"


@dataclass
class Outcome:
    """What happened to one job (an entry of the manifest and of the index)."""

    name: str
    kind: str
    title: str
    status: str  # ok | failed | cached
    error: str | None
    seconds: float
    params: dict[str, Any]
    headline: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    link: str = ""
    cell_seconds: float | None = None


class ManifestWarning(UserWarning):
    """A manifest, or one of its entries, is damaged and ignored: the reports concerned are rendered again."""


def _is_number(v: Any) -> bool:
    return isinstance(v, Real) and not isinstance(v, bool)


# field -> (check, what it must be); every field of an Outcome, as asdict() writes it
_FIELDS: dict[str, tuple[Any, str]] = {
    "name": (lambda v: isinstance(v, str), "a string"),
    "kind": (lambda v: isinstance(v, str), "a string"),
    "title": (lambda v: isinstance(v, str), "a string"),
    "status": (lambda v: v in ("ok", "failed", "cached"), "'ok', 'failed' or 'cached'"),
    "error": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "seconds": (_is_number, "a number"),
    "params": (lambda v: isinstance(v, dict), "an object"),
    "headline": (lambda v: isinstance(v, dict), "an object"),
    "key": (lambda v: isinstance(v, str), "a string"),
    "link": (lambda v: isinstance(v, str), "a string"),
    "cell_seconds": (lambda v: v is None or _is_number(v), "a number or null"),
}
_OPTIONAL = {"headline", "cell_seconds"}  # Outcome has defaults for these


def entry_problem(name: str, entry: Any) -> str | None:
    """Why a manifest entry cannot be used, or None when it is a well-formed outcome.

    Examples
    --------
    >>> entry_problem("r", {"name": "r", "status": "ok"})
    "the field 'kind' is missing"
    >>> entry_problem("r", [1, 2])
    'it is a list, not an object'
    """
    if not isinstance(entry, dict):
        return f"it is {'a list' if isinstance(entry, list) else type(entry).__name__}, not an object"
    for f, (ok, what) in _FIELDS.items():
        if f not in entry:
            if f in _OPTIONAL:
                continue
            return f"the field {f!r} is missing"
        if not ok(entry[f]):
            return f"the field {f!r} must be {what}; it is {entry[f]!r}"
    if entry["link"] not in ("", f"{name}.html"):  # the index links to it: the report's own file or nothing
        return f"the field 'link' must be {name + '.html'!r} or ''; it is {entry['link']!r}"
    return None


def load_manifest(out_dir: Path) -> dict[str, dict]:
    """The manifest of ``out_dir`` (report name -> outcome), with its damaged parts left out.

    {} when there is none. A file that is not a JSON object, and each entry that is not a
    well-formed outcome (see :func:`entry_problem`), is ignored with a :class:`ManifestWarning`;
    the reports concerned count as not rendered, so the next batch renders them again.

    Examples
    --------
    >>> import tempfile
    >>> load_manifest(Path(tempfile.mkdtemp()))
    {}
    """
    p = out_dir / MANIFEST
    if not p.exists():
        return {}
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: not JSON, or not UTF-8
        warnings.warn(f"{p} is not readable JSON ({exc}); it is ignored and every report in it is rendered again",
                      ManifestWarning, stacklevel=2)
        return {}
    if not isinstance(raw, dict):
        warnings.warn(f"{p} holds {type(raw).__name__}, not an object of reports; it is ignored and every report "
                      "is rendered again", ManifestWarning, stacklevel=2)
        return {}
    kept = {}
    for name, entry in raw.items():
        why = entry_problem(name, entry)
        if why is None:
            kept[name] = entry
        else:
            warnings.warn(f"{p}: the entry {name!r} is ignored ({why}); that report is rendered again",
                          ManifestWarning, stacklevel=2)
    return kept


def _index_entry(o: dict[str, Any]) -> dict[str, Any]:
    h = o.get("headline") or {}
    pick = lambda *ks: next((h[k] for k in ks if h.get(k) is not None), None)  # noqa: E731
    return {
        "title": o["title"],
        "kind": o["kind"],
        "parameters": o["params"],
        "status": "failed" if o["status"] == "failed" else "ok",
        "error": o.get("error"),
        "seconds": o.get("seconds"),
        "link": o["link"],
        "headline": {
            "plan": pick("plan", "plan_vnd"),
            "executed": pick("executed", "executed_vnd"),
            "rate": pick("rate", "execution_rate"),
            "projects": pick("projects", "n_projects"),
        },
    }


def write_index_pages(out_dir: Path, manifest: dict[str, dict]) -> list[Path]:
    """index.html (Vietnamese) and index-en.html (English) over every report in the manifest."""
    entries = [_index_entry(o) for _, o in sorted(manifest.items())]
    return [write_atomic(safe_output_path(out_dir, "index.html"), build_index(entries, lang="vi")),
            write_atomic(safe_output_path(out_dir, "index-en.html"), build_index(entries, lang="en"))]
