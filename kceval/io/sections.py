"""Sections of a project table: Roman numerals and letters, nested, and where each row sits.

Official reports group projects under section rows ("I  KHUYẾN CÔNG QUỐC GIA", "A  MÁY MÓC THIẾT
BỊ"), often two levels deep. :func:`section_kinds` tells a numeral from a letter by the sequence
("C" after "B" is a letter, "V" after "IV" a numeral), and :func:`places` gives each row its path
of sections and the source and activity they name.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .grid import Layout
from .lines import Section

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(label: str) -> int | None:
    """The value of a Roman numeral ("IV" -> 4), or None.

    Examples
    --------
    >>> roman_value("IV"), roman_value("XII"), roman_value("B")
    (4, 12, None)
    """
    u = label.upper()
    if not u or any(ch not in _ROMAN for ch in u):
        return None
    vals = [_ROMAN[ch] for ch in u]
    return sum(-v if i + 1 < len(vals) and v < vals[i + 1] else v for i, v in enumerate(vals))


def section_kinds(labels: list[str]) -> list[str]:
    """'roman' or 'letter' for each section label, in order; "C" after "B" is a letter, "V" after "IV" a numeral.

    Examples
    --------
    >>> section_kinds(["A", "B", "C", "D"]), section_kinds(["I", "II", "III", "IV", "V"])
    (['letter', 'letter', 'letter', 'letter'], ['roman', 'roman', 'roman', 'roman', 'roman'])
    >>> section_kinds(["A", "I", "II", "B", "I"])
    ['letter', 'roman', 'roman', 'letter', 'roman']
    """
    out: list[str] = []
    last_letter: str | None = None
    last_roman: int | None = None
    for lab in labels:
        v = roman_value(lab)
        if v is None or (len(lab) == 1 and last_letter is not None and ord(lab.upper()) == ord(last_letter) + 1
                         and (last_roman is None or v != last_roman + 1)):
            kind = "letter"
        elif len(lab) > 1 or lab.upper() == "I" or (last_roman is not None and v == last_roman + 1):
            kind = "roman"
        else:
            kind = "letter" if last_letter is not None else "roman"
        if kind == "letter":
            last_letter = lab.upper()
        else:
            last_roman = v
        out.append(kind)
    return out


@dataclass(frozen=True)
class Place:
    """Where a row sits among the sections: the labels from the outer section in, and what they give."""

    path: tuple[str, ...]
    source: str | None
    activity: str | None


def places(lay: Layout, rownums: Sequence[int]) -> list[Place]:
    """The section path, source and activity of each row (user row numbers, ascending).

    The kind of the first section (Roman numerals or letters) is the outer level; a section of
    the other kind nests inside it, and a new outer section closes the nested one.
    """
    out: list[Place] = []
    secs = sorted(lay.sections, key=lambda s: s[0])
    kinds = section_kinds([s.label for _, s in secs])
    k, outer_kind = 0, None
    stack: list[Section] = []
    cur = Place((), None, None)
    for n in rownums:
        while k < len(secs) and secs[k][0] < n:
            s, kind = secs[k][1], kinds[k]
            outer_kind = outer_kind or kind
            stack = [s] if kind == outer_kind else stack[:1] + [s]
            k += 1
            cur = Place(tuple(x.label for x in stack),
                        next((x.source for x in reversed(stack) if x.source), None),
                        next((x.activity for x in reversed(stack) if x.activity), None))
        out.append(cur)
    return out
