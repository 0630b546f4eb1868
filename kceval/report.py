"""One report: check parameters, run the notebook, render it, record provenance, write files.

``report.py`` and ``batch.py`` are the only writers of ``reports/``. This module assembles:

* :func:`check_parameters` (:mod:`kceval.params`) before any kernel starts, safe file names
  and :func:`write_atomic`;
* :func:`start_kernel` / :func:`run_notebook` (:mod:`kceval.execute`): papermill execution,
  reusing a warm kernel manager when given (DESIGN.md §7); a failure raises
  :class:`ReportError` that keeps the executed notebook (with the error) for rendering;
* :class:`~kceval.render.Renderer`: one reusable exporter with the offline template;
* :func:`provenance`, :func:`render_report` (what the CLI and the batch engine call) and
  :func:`write_index`. All of these names are importable from here.

Examples
--------
>>> r = render_report("notebooks/province_report.ipynb", {"province": "Đồng Nai", "year": 2019},
...                   out_dir="reports", lang="vi")  # doctest: +SKIP
>>> r.status, r.html_path.name  # doctest: +SKIP
('ok', 'province-report-dong-nai-2019.html')
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import nbformat

from . import i18n
from .errors import ParameterError, ReportError
from .execute import REPO_ROOT, check_kernel, default_kernel_name, kernel_alive, run_notebook, start_kernel, stop_kernel
from .params import (DOMAIN_CHECKS, Validator, check_parameters, effective_parameters, notebook_parameters,
                     safe_output_path, slug, write_atomic)
from .render import Renderer, emit_headline, find_error, read_headline

__all__ = [
    "REPO_ROOT", "ReportResult", "Renderer", "check_parameters", "default_kernel_name", "emit_headline",
    "provenance", "read_headline", "render_report", "run_notebook", "safe_output_path", "slug",
    "start_kernel", "stop_kernel", "kernel_alive", "write_atomic", "write_index", "DOMAIN_CHECKS",
]

VERSIONED = ("pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "babel", "pandera", "pyarrow",
             "papermill", "nbconvert", "nbclient", "ipykernel")


# -- files ------------------------------------------------------------------------------------

_HASHES: dict[tuple[str, int, int], str] = {}


def _sha256(p: Path) -> str:
    st = p.stat()
    key = (str(p), st.st_size, st.st_mtime_ns)
    if key not in _HASHES:  # batch runs hash the same data file for every report
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def file_digest(path: str | os.PathLike) -> dict[str, Any]:
    """Path, SHA-256 and size of a file, or of a folder (hash of its files' relative paths and hashes)."""
    p = Path(path).resolve()
    if p.is_dir():
        files = sorted(q for q in p.rglob("*") if q.is_file())
        h = hashlib.sha256()
        for q in files:
            h.update(f"{q.relative_to(p).as_posix()}\0{_sha256(q)}\n".encode())
        return {"path": str(p), "sha256": h.hexdigest(), "bytes": sum(q.stat().st_size for q in files)}
    return {"path": str(p), "sha256": _sha256(p), "bytes": p.stat().st_size}


# -- provenance -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of Python, kceval and the libraries a report depends on."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in ("kceval",) + VERSIONED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


@lru_cache(maxsize=1)
def git_revision() -> str | None:
    """The repository's git commit (``+dirty`` when files differ from it), or None outside git."""
    try:
        rev = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=5)
        if rev.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
        return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _iso(t: dt.datetime | float) -> str:
    if not isinstance(t, dt.datetime):
        t = dt.datetime.fromtimestamp(float(t), tz=dt.timezone.utc)
    return t.isoformat(timespec="seconds")


def provenance(params: Mapping[str, Any], files: Mapping[str, str | os.PathLike], started: dt.datetime | float,
               finished: dt.datetime | float) -> dict[str, Any]:
    """What a reader needs to reproduce a report: parameters, data hashes, versions, git, run time.

    Parameters
    ----------
    params : dict
        The parameters the notebook ran with.
    files : dict
        Label -> path of each input file or folder ('' or None entries are skipped).
    started, finished : datetime or POSIX timestamp

    Examples
    --------
    >>> p = provenance({"year": 2019}, {}, 0.0, 1.5)
    >>> p["seconds"], p["started"]
    (1.5, '1970-01-01T00:00:00+00:00')
    """
    ts = lambda t: t.timestamp() if isinstance(t, dt.datetime) else float(t)  # noqa: E731
    return {
        "parameters": dict(params),
        "files": {k: file_digest(v) for k, v in files.items() if v not in ("", None)},
        "versions": dict(versions()),
        "git": git_revision(),
        "started": _iso(started),
        "finished": _iso(finished),
        "seconds": round(ts(finished) - ts(started), 3),
    }


# -- one report -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportResult:
    """The outcome of :func:`render_report`.

    ``status`` is 'ok' or 'failed' (then ``error`` is the first line of the error and the
    HTML page shows it); ``ipynb_path`` does not exist when the kernel failed before running;
    ``headline`` is what the notebook passed to :func:`emit_headline`; ``params`` the
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
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[str(exc)])]
    nb.cells.append(cell)
    return nb


def render_report(notebook_path: str | os.PathLike, params: Mapping[str, Any], *, out_dir: str | os.PathLike,
                  lang: str = "vi", renderer: Renderer | None = None, km: Any = None, title: str | None = None,
                  synthetic: bool | None = None, name: str | None = None, kernel_name: str | None = None,
                  timeout: int = 600, checks: Mapping[str, Validator] | None = None) -> ReportResult:
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

    Returns
    -------
    ReportResult
        A failed notebook still gives an HTML page (status 'failed', ``error`` its first line).
    """
    i18n.check_lang(lang)
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
        nb = exc.notebook if getattr(exc, "notebook", None) is not None else _failed_notebook(notebook_path, exc)
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
    page = (renderer or Renderer()).render(nb, lang=lang, title=title, params=shown, provenance=prov,
                                           synthetic=bool(synthetic))
    write_atomic(html_path, page)
    return ReportResult(html_path=html_path, ipynb_path=ipynb_path, status=status, error=error,
                        seconds=round(time.time() - t0, 3), headline=read_headline(nb), params=shown,
                        title=str(title))


def write_index(entries: list[Mapping[str, Any]], out_dir: str | os.PathLike, *, lang: str = "vi",
                name: str = "index.html", title: str | None = None) -> Path:
    """Build the index page (:func:`kceval.index.build_index`) and write it atomically into ``out_dir``."""
    from .index import build_index

    return write_atomic(safe_output_path(out_dir, name), build_index(entries, lang=lang, title=title))


__all__ += ["find_error", "file_digest", "versions", "git_revision", "check_kernel"]
