"""Caches of validated data: load and validate once, reuse in every report.

Two levels. :class:`Memo` is a small per-process memo with copies on the way out (a warm
kernel loads the data once for all its reports, and a notebook that changes its copy changes
nothing else); :func:`save` and :func:`load` keep validated tables as Parquet in a folder that
``kceval batch`` writes once per batch and its workers read (``KCEVAL_CACHE_DIR``), skipping
validation. Keys come from :func:`fingerprint`: the SHA-256 of the input files' names and bytes,
the loader's options, the kceval version and its code (:func:`source_hash`), so a changed file
or a changed kceval is never served stale. Each cached file's SHA-256 is kept in ``meta.json``
and checked on :func:`load`: a damaged entry is ignored with a warning (:class:`CacheWarning`)
and the data are read again from their files.
"""
from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem
from ..paths import CACHE_ENV, PACKAGE_DIR, TEMPLATE_DIR, file_sha256, input_files, source_files
from ..schema import TABLES
from ..version import __version__

ENV = CACHE_ENV
_FORMAT = "3"  # 3: meta.json holds each cached file's SHA-256
_SUMS = "cache_sha256"  # the meta.json key of those sums: file name -> SHA-256


class CacheWarning(UserWarning):
    """A data cache entry is damaged and ignored: the data are read again from their files."""


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

    def through(self, key: Hashable | None, compute: Callable[[], Any]) -> Any:
        """A copy of the value under ``key``, computed and kept first if missing; with ``key`` None (data that are
        not sealed, see :meth:`kceval.dataset.Dataset.sealed`: anyone may have changed them) computed and not kept.

        Examples
        --------
        >>> m = Memo(max_items=2, copy=list)
        >>> m.through("a", lambda: [1]), m.through("a", lambda: [2]), m.through(None, lambda: [3])
        ([1], [1], [3])
        """
        if key is None:
            return compute()
        if key not in self._items:
            self.put(key, compute())
        return self.get(key)  # a copy: the memo stays intact whatever the caller does

    def clear(self) -> None:
        self._items.clear()


@functools.cache
def source_hash() -> str:
    """SHA-256 of kceval's own code: every ``kceval/**/*.py`` and every template file, by path and bytes.

    Part of every cache key (data cache, report cache), so that a change to kceval without a
    version bump still invalidates them. Computed once per process (a few milliseconds).

    Examples
    --------
    >>> len(source_hash()) == 64 and source_hash() is source_hash()
    True
    """
    h = hashlib.sha256()
    for f in source_files(PACKAGE_DIR, TEMPLATE_DIR):
        h.update(f"{f.relative_to(PACKAGE_DIR).as_posix()}\0{file_sha256(f)}\n".encode())
    return h.hexdigest()


def fingerprint(path: str | Path, **options: Any) -> str:
    """SHA-256 over the input files' names and hashes, the loader options, the cache format, version and code.

    Examples
    --------
    >>> from kceval.paths import SAMPLE_DIR
    >>> fingerprint(SAMPLE_DIR, money_unit=None) == fingerprint(SAMPLE_DIR, money_unit=None) != fingerprint(
    ...     SAMPLE_DIR, money_unit="trieu")
    True
    """
    h = hashlib.sha256(f"{_FORMAT}|{__version__}|{source_hash()}|{sorted(options.items())}".encode())
    for f in input_files(path):
        h.update(f"{f.name}\0{file_sha256(f)}\n".encode())
    return h.hexdigest()


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(tables: dict[str, pd.DataFrame], excluded: dict[str, pd.DataFrame], meta: dict[str, Any],
         cache_root: str | Path, key: str) -> Path:
    """Write validated tables, excluded rows and metadata under ``cache_root/key`` (atomically: temp dir + rename).

    ``meta`` holds JSON-ready values (problems as dicts, file hashes, flags); the SHA-256 of each
    Parquet file written is added to it, for :func:`load` to check. A sound entry already there
    is kept; a damaged one is replaced.

    Examples
    --------
    >>> import tempfile
    >>> from kceval.dataset import Dataset
    >>> root = tempfile.mkdtemp()
    >>> Dataset.load().save_cache(root, "k").name, load(root, "k")[2]["synthetic"]
    ('k', True)
    """
    root = Path(cache_root)
    root.mkdir(parents=True, exist_ok=True)
    final = root / key
    damage = _damage(final)
    if damage is None:
        return final
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
    try:
        for name in TABLES:
            tables[name].to_parquet(tmp / f"{name}.parquet", index=False)
        for name, frame in excluded.items():
            frame.astype(str).to_parquet(tmp / f"excluded_{name}.parquet", index=False)
        sums = {f.name: _sha256_bytes(f.read_bytes()) for f in sorted(tmp.glob("*.parquet"))}
        (tmp / "meta.json").write_text(json.dumps({**meta, _SUMS: sums}, ensure_ascii=False), encoding="utf-8")
        if damage != "missing":
            _discard(final)
        os.replace(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (final / "meta.json").exists():
            raise
    return final


def _discard(entry: Path) -> None:
    """Move a damaged entry out of the way, then delete it (a reader holding its files keeps them)."""
    aside = entry.with_name(f".damaged-{uuid.uuid4().hex}")
    try:
        os.replace(entry, aside)
    except OSError:
        return  # another process replaced or removed it first
    shutil.rmtree(aside, ignore_errors=True)


def _checked(entry: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The metadata (without the sums) and the bytes of every cached file, each checked against its sum.

    Raises ValueError (or OSError, KeyError, TypeError) when anything does not match.
    """
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    sums = meta.pop(_SUMS, None) if isinstance(meta, dict) else None
    if not isinstance(sums, dict):
        raise ValueError("meta.json holds no checksums")
    present = {f.name for f in entry.glob("*.parquet")}
    if set(sums) != present or not {f"{n}.parquet" for n in TABLES} <= present:
        raise ValueError(f"files missing or unexpected: {sorted(present ^ set(sums))}")
    blobs = {}
    for name, want in sums.items():
        blobs[name] = (entry / name).read_bytes()  # read once: the bytes checked are the bytes parsed
        if _sha256_bytes(blobs[name]) != want:
            raise ValueError(f"{name} does not match its checksum")
    return meta, blobs


def is_sound(cache_root: str | Path, key: str) -> bool:
    """Whether a complete entry is cached under ``key``, every file matching its checksum (nothing parsed)."""
    return _damage(Path(cache_root) / key) is None


def _damage(entry: Path) -> str | None:
    """Why the entry cannot be used ('missing' when there is none), or None when every file matches its sum."""
    if not (entry / "meta.json").exists():
        return "missing"
    try:
        _checked(entry)
    except Exception as exc:  # noqa: BLE001 - anything wrong makes the entry unusable
        return str(exc) or type(exc).__name__
    return None


def _text_nulls(df: pd.DataFrame) -> pd.DataFrame:
    """Missing free text as NaN, as validation leaves it (Parquet gives it back as None)."""
    for c in ("title", "note"):
        if c in df.columns and df[c].dtype == object:
            df[c] = df[c].where(df[c].notna(), np.nan)
    return df


def load(
    cache_root: str | Path, key: str
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], dict[str, Any]] | None:
    """The tables, excluded rows and metadata cached under ``key`` (problems as :class:`Problem`), or None.

    None when there is no such entry, or when it is damaged (a file changed, truncated, missing
    or unreadable since :func:`save` wrote it): then a :class:`CacheWarning` is issued and the
    caller reads the data again from their files.

    Examples
    --------
    >>> import tempfile
    >>> load(tempfile.mkdtemp(), "no-such-key") is None
    True
    """
    d = Path(cache_root) / key
    if not (d / "meta.json").exists():
        return None
    try:
        meta, blobs = _checked(d)
        frames = {name: pd.read_parquet(io.BytesIO(data)) for name, data in blobs.items()}
        meta["problems"] = tuple(Problem(**p) for p in meta["problems"])
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with a cache, the files are the truth
        warnings.warn(f"the data cache entry {d} is damaged ({exc}); it is ignored and the data are read again "
                      "from their files", CacheWarning, stacklevel=2)
        return None
    tables = {n: _text_nulls(frames[f"{n}.parquet"]) for n in TABLES}
    excluded = {n[len("excluded_"):-len(".parquet")]: f for n, f in frames.items() if n.startswith("excluded_")}
    return tables, excluded, meta
