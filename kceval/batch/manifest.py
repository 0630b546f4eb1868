"""The batch's record of rendered reports (``.kceval-manifest.json`` in the output folder) and the
index pages built from it: what makes re-runs incremental and the index complete.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
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


def load_manifest(out_dir: Path) -> dict[str, dict]:
    """The manifest of ``out_dir`` (report name -> outcome), or {} when there is none or it is damaged."""
    p = out_dir / MANIFEST
    if not p.exists():
        return {}
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged manifest only costs a re-render


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
