"""A cache of validated data: load and validate once, reuse in every report.

The cache key is the SHA-256 of the input files' bytes (names and contents), so a changed
file is never served stale. Two levels: an in-process memo (a warm kernel loads the data once
for all its reports) and a Parquet folder that ``kceval batch`` writes once per batch and its
workers read (``KCEVAL_CACHE_DIR``), skipping validation.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from .errors import Problem

ENV = "KCEVAL_CACHE_DIR"
_MEMO: dict[str, object] = {}
_FORMAT = "1"


def input_files(path: str | Path) -> list[Path]:
    """The data files behind a path (a folder's files, or the file itself), sorted."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
    return [p]


def fingerprint(path: str | Path, **options) -> str:
    """SHA-256 over the input files' names and bytes, the loader options and the cache format."""
    from . import __version__

    h = hashlib.sha256(f"{_FORMAT}|{__version__}|{sorted(options.items())}".encode())
    for f in input_files(path):
        h.update(f.name.encode() + b"\0")
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def memo_get(key: str):
    """A fresh copy of a dataset loaded earlier in this process (copies: notebooks may mutate)."""
    ds = _MEMO.get(key)
    if ds is None:
        return None
    return replace(ds, plans=ds.plans.copy(), projects=ds.projects.copy(),
                   events=ds.events.copy(), payments=ds.payments.copy())


def memo_put(key: str, ds) -> None:
    _MEMO.clear()  # one dataset per process is the common case; keep memory bounded
    _MEMO[key] = ds


def save(ds, cache_root: str | Path, key: str) -> Path:
    """Write a validated Dataset as Parquet under ``cache_root/key`` (atomically: temp dir + rename)."""
    root = Path(cache_root)
    root.mkdir(parents=True, exist_ok=True)
    final = root / key
    if (final / "meta.json").exists():
        return final
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
    try:
        for name in ("plans", "projects", "events", "payments"):
            getattr(ds, name).to_parquet(tmp / f"{name}.parquet", index=False)
        for name, frame in ds.excluded.items():
            frame.astype(str).to_parquet(tmp / f"excluded_{name}.parquet", index=False)
        meta = {"problems": [p.to_dict() for p in ds.problems], "files": ds.files,
                "synthetic": ds.synthetic, "source": ds.source}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (final / "meta.json").exists():
            raise
    return final


def load(cache_root: str | Path, key: str):
    """The cached Dataset for ``key``, or None."""
    from .dataset import Dataset

    d = Path(cache_root) / key
    if not (d / "meta.json").exists():
        return None
    meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
    t = {n: pd.read_parquet(d / f"{n}.parquet") for n in ("plans", "projects", "events", "payments")}
    excluded = {f.stem[len("excluded_"):]: pd.read_parquet(f) for f in d.glob("excluded_*.parquet")}
    problems = tuple(Problem(**p) for p in meta["problems"])
    return Dataset(t["plans"], t["projects"], t["events"], t["payments"], problems, excluded,
                   meta["files"], meta["synthetic"], None, meta["source"])
