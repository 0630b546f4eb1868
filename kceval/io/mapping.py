"""A user's column mapping file: headers kceval does not know, named as canonical fields.

``kceval import --columns map.toml`` reads a TOML file with one table ``[columns]`` whose keys
are headers as written in the sheet (any case or diacritics: they are compared folded) and
whose values are fields; for a two-row header write the parent and the child separated by a
space, or the child alone::

    [columns]
    "Tên công trình" = "title"
    "Kinh phí NS tỉnh (triệu đồng)" = "support_local"
"""
from __future__ import annotations

from pathlib import Path

import tomllib

from ..errors import ParameterError
from .headers import FIELDS


def read_column_map(path: str | Path) -> dict[str, str]:
    """Header -> field from a mapping file; an unknown field or a malformed file is a ParameterError.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "map.toml"
    >>> _ = p.write_text('[columns]\\n"Tên công trình" = "title"\\n', encoding="utf-8")
    >>> read_column_map(p)
    {'Tên công trình': 'title'}
    """
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"`columns` mapping file does not exist: {str(p)!r}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(f"`columns` mapping file {str(p)!r} is not valid TOML: {exc}") from None
    table = doc.get("columns")
    if not isinstance(table, dict) or not table:
        raise ParameterError(f"`columns` mapping file {str(p)!r} must have a [columns] table of "
                             "'header = \"field\"' lines")
    bad = {k: v for k, v in table.items() if v not in FIELDS}
    if bad:
        k, v = next(iter(bad.items()))
        raise ParameterError(f"`columns` mapping file {str(p)!r}: {k!r} = {v!r} names no field; the fields are "
                             f"{', '.join(sorted(FIELDS))}")
    return {str(k): str(v) for k, v in table.items()}
