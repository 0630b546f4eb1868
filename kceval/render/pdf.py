"""Reports printed to PDF through headless Chromium (the browser the tests use), for officials who print and sign.

The page is opened offline (every request that is not a local file is aborted), laid out with its print
stylesheet (A4, each top-level section on a new page, table headers repeated, figures kept whole: ``kc.css``) and
printed with page numbers in the footer. Chromium is Debian's (``/usr/bin/chromium``) unless ``KCEVAL_CHROMIUM``
or ``chromium=`` names another; Playwright drives it (``pip install 'kceval[pdf]'``).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import ParameterError
from ..paths import write_atomic
from .names import safe_output_path

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def find_chromium(path: str | None = None) -> str:
    """The Chromium to print with: ``path``, else ``$KCEVAL_CHROMIUM``, else Debian's.

    Examples
    --------
    >>> find_chromium("/no/such/chromium")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kceval.errors.ParameterError: `chromium` must be a Chromium executable; received '/no/such/chromium' ...
    """
    given = path or os.environ.get("KCEVAL_CHROMIUM")
    if given:
        if not os.access(given, os.X_OK):
            raise ParameterError(f"`chromium` must be a Chromium executable; received {given!r} (install Debian's "
                                 "chromium, or set KCEVAL_CHROMIUM to a Chromium or Chrome binary)")
        return given
    for c in CANDIDATES:
        if os.access(c, os.X_OK):
            return c
    raise ParameterError(f"printing to PDF needs Chromium, found at none of {', '.join(CANDIDATES)}: install "
                         "Debian's chromium (apt-get install chromium) or set KCEVAL_CHROMIUM")


def print_pdfs(pages: Iterable[str | os.PathLike], pdf_dir: str | os.PathLike | None = None, *,
               chromium: str | None = None) -> list[Path]:
    """Print each HTML report to ``<name>.pdf`` (beside it, or in ``pdf_dir``), atomically; the paths written."""
    exe = find_chromium(chromium)
    try:
        from playwright.sync_api import sync_playwright  # deferred: only printing needs the browser driver
    except ImportError:
        raise ParameterError("printing to PDF needs Playwright: pip install 'kceval[pdf]'") from None
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            for page_path in pages:
                src = Path(page_path).resolve()
                out_dir = Path(pdf_dir) if pdf_dir is not None else src.parent
                out_dir.mkdir(parents=True, exist_ok=True)
                page = browser.new_page()
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                           else r.abort())
                page.goto(src.as_uri(), wait_until="load")
                page.emulate_media(media="print")
                pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                               display_header_footer=True, header_template="<div></div>", footer_template=FOOTER,
                               margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
                page.close()
                written.append(write_atomic(safe_output_path(out_dir, src.stem + ".pdf"), pdf))
        finally:
            browser.close()
    return written
