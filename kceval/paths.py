"""Where kceval's files are, how a file is hashed, and how a file is written (atomically).

Every location is computed here once: the repository (the folder that holds ``kceval/``,
``data/`` and ``notebooks/``), the bundled sample, the published figures, the notebooks and
the HTML templates.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from .errors import ParameterError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
SAMPLE_DIR = REPO_ROOT / "data" / "sample"
PUBLISHED_FIGURES = REPO_ROOT / "data" / "published" / "figures.csv"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
TEMPLATE_DIR = PACKAGE_DIR / "render" / "templates"
CACHE_ENV = "KCEVAL_CACHE_DIR"  # where a batch's workers find the validated data (kceval.dataset.cache)


@lru_cache(maxsize=256)
def _sha256(path: str, size: int, mtime_ns: int, inode: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, remembered per process while the file's size, mtime and inode stay.

    Batches hash the same data files for every report; a file written anew (a new inode, as
    every atomic write and every editor's save gives) or changed in size or time is read again.

    Examples
    --------
    >>> len(file_sha256(PUBLISHED_FIGURES))
    64
    """
    p = Path(path).resolve()
    st = p.stat()
    return _sha256(str(p), st.st_size, st.st_mtime_ns, st.st_ino)


def source_files(package: Path = PACKAGE_DIR, templates: Path = TEMPLATE_DIR) -> list[Path]:
    """kceval's own code: every ``*.py`` under ``package`` and every template file, sorted.

    What a report depends on besides its notebook and data (the cache keys hash these files).
    """
    files = {f for f in package.rglob("*.py") if "__pycache__" not in f.parts}
    files |= {f for f in templates.rglob("*") if f.is_file() and "__pycache__" not in f.parts}
    return sorted(files)


def input_files(path: str | os.PathLike) -> list[Path]:
    """The data files behind a path (a folder's files, or the file itself), sorted."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
    return [p]


def write_atomic(path: str | os.PathLike, data: str | bytes | Callable[[BinaryIO], object]) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, then ``os.replace``.

    Readers see the old file or the new one, never half of one; if anything fails (including
    an interrupt) the temporary file is removed and ``path`` is untouched. ``data`` may be a function
    that writes to the open binary file (a big table streamed, never held whole as text).

    Examples
    --------
    >>> write_atomic("/tmp/kceval-doc.txt", "hello").read_text()  # doctest: +SKIP
    'hello'
    """
    path = Path(path)
    if isinstance(data, str):
        raw: bytes | None = data.encode("utf-8")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    elif callable(data):
        raw = None
    else:
        raise ParameterError(f"`data` must be str, bytes or a writer function; received {type(data).__name__}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if raw is None:
                data(f)  # type: ignore[operator]
            else:
                f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # reports are shared: mkstemp's 0600 would hide them
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
