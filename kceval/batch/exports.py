"""Files besides the HTML pages, asked for on the command line: each report's tables as an Excel workbook
(:mod:`kceval.render.workbook`) and each page printed to PDF (:mod:`kceval.render.pdf`).

Both are made from the pages written, rendered now or skipped as unchanged, so a re-run with ``--xlsx`` or
``--pdf`` gives them without rendering anything again.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..checks import check_out_dir
from .manifest import Outcome


def check_exports(*, xlsx_dir: str | None, pdf: bool) -> None:
    """Before any kernel starts: the workbook folder can be written, and Chromium is there to print."""
    if xlsx_dir:
        check_out_dir("--xlsx", xlsx_dir)
    if pdf:
        from ..render.pdf import find_chromium  # deferred: only printing needs it

        find_chromium()


def write_exports(outcomes: Sequence[Outcome], out_dir: str | os.PathLike, *, xlsx_dir: str | None,
                  pdf: bool) -> list[str]:
    """Write the workbooks (into ``xlsx_dir``) and the PDFs (beside the pages) of the reports not failed; one line
    for the command to print per kind of file written."""
    pages = [Path(out_dir) / o.link for o in outcomes if o.status != "failed" and o.link]
    said = []
    if xlsx_dir:
        from ..render.workbook import export_workbooks  # deferred: the writer only when asked

        said.append(f"xlsx: {len(export_workbooks(pages, xlsx_dir))} workbooks in {xlsx_dir}")
    if pdf:
        from ..render.pdf import print_pdfs  # deferred: the browser only when asked

        said.append(f"pdf: {len(print_pdfs(pages))} files beside the reports")
    return said
