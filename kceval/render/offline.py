"""The offline check of a report page: whatever in it would make a browser fetch something from the network.

A report is opened by officials with no internet: the page must carry everything itself. :func:`find_external_urls`
is the last check before a page is written (:mod:`kceval.render.html`), and the tests' check of every page.
"""
from __future__ import annotations

import re

_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|srcset|data|poster|action|xlink:href)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import)|(?:url\(\s*["']?\s*(?:https?:)?//)""",
    re.IGNORECASE,
)


_DATA_URI = re.compile(r"data:image/[^\"'\s)>]*")
# where an external reference can end: its "//" or an @import. _EXTERNAL is tried only just before each of them
# (a page has a handful), not at each of its 300,000 characters: 9.5 ms to under 1 ms a report
_MARKS = re.compile(r"//|@import", re.IGNORECASE)


def _look_back(text: str, end: int) -> int:
    """Where a reference ending at ``end`` can start at the earliest: before its ``http(s):``, the spaces and
    quotes before that, an ``=`` or ``(``, spaces again, and the attribute's name (``xlink:href``: 10 letters)."""
    i = end
    for scheme in ("https:", "http:"):
        if text[max(0, i - len(scheme)):i].lower() == scheme:
            i -= len(scheme)
            break
    while i > 0 and (text[i - 1].isspace() or text[i - 1] in "\"'"):
        i -= 1
    i -= 1  # the "=" of an attribute or the "(" of url(
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return max(0, i - 16)


def find_external_urls(page: str) -> list[str]:
    """Places in an HTML page that would make the browser fetch something from the network.

    Scripts, stylesheets, images, fonts (``src=``/``href=`` with http(s) or protocol-relative
    URLs, CSS ``@import`` and ``url(http...)``). Comments in CSS are ignored. Plain links a
    reader may click are ``<a href>`` and are not fetched, so they are not reported.
    """
    # the figures' data URIs (images) are most of a page and fetch nothing: dropped first (14 ms to 11 ms a report)
    text = _DATA_URI.sub("data:", re.sub(r"/\*.*?\*/", "", page, flags=re.S))
    hits = []
    for mark in _MARKS.finditer(text):
        m = next((m for m in _EXTERNAL.finditer(text, _look_back(text, mark.start()), mark.end())
                  if m.end() == mark.end()), None)
        if m is None:
            continue
        start = text.rfind("<", 0, m.start())
        if text[start:start + 3].lower() == "<a " and "href" in m.group(0).lower():
            continue
        hits.append(text[m.start():m.start() + 80])
    return hits
