"""Provenance of a report: what a reader needs to reproduce it (parameters, data file hashes,
library versions, git revision, run time)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from collections.abc import Mapping
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..paths import REPO_ROOT, file_sha256

VERSIONED = ("pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "babel", "pandera", "pyarrow",
             "papermill", "nbconvert", "nbclient", "ipykernel")


def file_digest(path: str | os.PathLike) -> dict[str, Any]:
    """Path, SHA-256 and size of a file, or of a folder (hash of its files' relative paths and hashes)."""
    p = Path(path).resolve()
    if p.is_dir():
        files = sorted(q for q in p.rglob("*") if q.is_file())
        h = hashlib.sha256()
        for q in files:
            h.update(f"{q.relative_to(p).as_posix()}\0{file_sha256(q)}\n".encode())
        return {"path": str(p), "sha256": h.hexdigest(), "bytes": sum(q.stat().st_size for q in files)}
    return {"path": str(p), "sha256": file_sha256(p), "bytes": p.stat().st_size}


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of Python, kceval and the libraries a report depends on."""
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
