"""Caches of validated data: load and validate once, reuse in every report.

Two levels. :class:`Memo` is a small per-process memo with copies on the way out (a warm
kernel loads the data once for all its reports, and a notebook that changes its copy changes
nothing else); :func:`save` and :func:`load` keep validated tables as Parquet in a folder that
``kceval batch`` writes once per batch and its workers read (``KCEVAL_CACHE_DIR``), skipping
validation. Keys come from :func:`fingerprint`: the SHA-256 of the input files' names and bytes,
the loader's options and the kceval version, so a changed file is never served stale.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem
from ..paths import file_sha256
from ..schema import TABLES
from ..version import __version__

ENV = "KCEVAL_CACHE_DIR"
_FORMAT = "2"


class Memo:
    """A bounded per-process memo (least recently used out) whose values are copied on the way out.

    Examples
    --------
    >>> m = Memo(max_items=2, copy=list)
    >>> m.put("a", [1]); m.get("a")
    [1]
    """

    def __init__(self, max_items: int, copy: Callable[[Any], Any]):
        self.max_items = max_items
        self.copy = copy
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        """A copy of the value kept under ``key``, or None."""
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self.copy(self._items[key])

    def put(self, key: Hashable, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


def input_files(path: str | Path) -> list[Path]:
    """The data files behind a path (a folder's files, or the file itself), sorted."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
    return [p]


def fingerprint(path: str | Path, **options: Any) -> str:
    """SHA-256 over the input files' names and hashes, the loader options, the cache format and version."""
    h = hashlib.sha256(f"{_FORMAT}|{__version__}|{sorted(options.items())}".encode())
    for f in input_files(path):
        h.update(f"{f.name}\0{file_sha256(f)}\n".encode())
    return h.hexdigest()


def save(tables: dict[str, pd.DataFrame], excluded: dict[str, pd.DataFrame], meta: dict[str, Any],
         cache_root: str | Path, key: str) -> Path:
    """Write validated tables, excluded rows and metadata under ``cache_root/key`` (atomically: temp dir + rename).

    ``meta`` holds JSON-ready values (problems as dicts, file hashes, flags).
    """
    root = Path(cache_root)
    root.mkdir(parents=True, exist_ok=True)
    final = root / key
    if (final / "meta.json").exists():
        return final
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
    try:
        for name in TABLES:
            tables[name].to_parquet(tmp / f"{name}.parquet", index=False)
        for name, frame in excluded.items():
            frame.astype(str).to_parquet(tmp / f"excluded_{name}.parquet", index=False)
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (final / "meta.json").exists():
            raise
    return final


def _text_nulls(df: pd.DataFrame) -> pd.DataFrame:
    """Missing free text as NaN, as validation leaves it (Parquet gives it back as None)."""
    for c in ("title", "note"):
        if c in df.columns and df[c].dtype == object:
            df[c] = df[c].where(df[c].notna(), np.nan)
    return df


def load(
    cache_root: str | Path, key: str
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], dict[str, Any]] | None:
    """The tables, excluded rows and metadata cached under ``key`` (problems as :class:`Problem`), or None."""
    d = Path(cache_root) / key
    if not (d / "meta.json").exists():
        return None
    meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
    meta["problems"] = tuple(Problem(**p) for p in meta["problems"])
    tables = {n: _text_nulls(pd.read_parquet(d / f"{n}.parquet")) for n in TABLES}
    excluded = {f.stem[len("excluded_"):]: pd.read_parquet(f) for f in d.glob("excluded_*.parquet")}
    return tables, excluded, meta
