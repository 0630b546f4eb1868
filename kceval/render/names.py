"""Names and places of report files: made from parameters, they can never leave the output folder."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..text import fold


def slug(*parts: Any, max_len: int = 100) -> str:
    """A file name stem from parameter values: ASCII, ``[a-z0-9-]`` only.

    Examples
    --------
    >>> slug("province_report", "Bà Rịa – Vũng Tàu", 2019, "2019-06-30")
    'province-report-ba-ria-vung-tau-2019-2019-06-30'
    """
    s = "-".join(f for f in (fold(p, "-") for p in parts if p not in (None, "")) if f)[:max_len].strip("-")
    if not s:
        raise ParameterError(f"`parts` must contain at least one letter or digit; received {parts!r}")
    return s


def safe_output_path(out_dir: str | os.PathLike, name: str) -> Path:
    """``out_dir / name`` resolved, refusing anything that resolves outside ``out_dir``.

    '..' components, absolute names, symlinks leading out, NUL bytes and names that resolve to
    ``out_dir`` itself are all refused with a ParameterError; so is a name that is itself a
    symbolic link, even to a file inside ``out_dir`` (writing through it would replace that file).

    Examples
    --------
    >>> safe_output_path("/tmp", "a.html").name
    'a.html'
    """
    for label, v in (("out_dir", out_dir), ("name", name)):
        if not isinstance(v, (str, os.PathLike)) or "\x00" in os.fspath(v) or os.fspath(v) == "":
            raise ParameterError(f"`{label}` must be a non-empty path without NUL bytes; received {v!r}")
    base = Path(out_dir).resolve()
    if (base / name).is_symlink():
        raise ParameterError(f"`name` must not be a symbolic link in the output folder {str(base)!r}; received "
                             f"{name!r} (a link to {os.readlink(base / name)!r}): remove it and re-run")
    target = (base / name).resolve()
    if target == base or base not in target.parents:
        raise ParameterError(f"`name` must stay inside the output folder {str(base)!r}; received {name!r} "
                             f"(resolves to {str(target)!r})")
    return target
