"""What a report's readers take away: its tables in Excel, a printed PDF, and a page that reads on a phone.

One real province report is rendered on a copy of the sample where a project's title is formula-like text.
- The workbook embedded in the page is decoded and opened with openpyxl: a sheet per table plus provenance,
  numbers stored as numbers with number formats, equal to the report's own table values (``data-sort``) and to
  the project CSV's sums; the formula-like title is inert text.
- The page is printed through Debian's Chromium (:func:`kceval.render.pdf.print_pdfs`), and the PDF is read
  with pypdf: A4 pages, at least one page per top-level section, the headline in its text layer.
- At 390 px wide in Chromium no page scrolls sideways, the contents are folded and every image fits.
"""
from __future__ import annotations

import base64
import io
import re

import pytest
from openpyxl import load_workbook

from kceval.render.pdf import print_pdfs
from kceval.render.workbook import XLSX_MIME, workbook_from_page
from tests.render.test_browser import (  # noqa: F401  (browser is a fixture)
    browser,
    open_offline,
    render_province,
    sample_with_title,
)

FORMULA = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    p = sample_with_title(data, FORMULA)
    path = render_province({"province": "Đồng Nai", "year": 2019, "as_of": "2019-06-30", "data": str(data)},
                           tmp_path_factory.mktemp("report"), "vi")
    return {"path": path, "projects": p[(p["province"] == "Đồng Nai") & (p["year"] == 2019)]}


def _html_tables(page_text: str) -> list[list[list[str | None]]]:
    """The data-sort values of the body rows of every kc-table of the page, in order."""
    out = []
    for t in re.findall(r'<table class="kc-table[^"]*"[^>]*>(.*?)</table>', page_text, flags=re.S):
        body = t.split("<tbody>")[1] if "<tbody>" in t else ""
        rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
        out.append([re.findall(r'<td[^>]*data-sort="([^"]*)"', r) for r in rows])
    return out


def test_the_embedded_workbook_holds_every_table_as_numbers(page):
    text = page["path"].read_text(encoding="utf-8")
    assert f'href="data:{XLSX_MIME};base64,' in text and 'download="' in text
    wb = load_workbook(io.BytesIO(workbook_from_page(text)))
    html_tables = [t for t in _html_tables(text) if t]
    sheets = wb.worksheets[:-1]
    assert wb.worksheets[-1].title == "Nguồn gốc và tái lập"  # provenance last
    assert len(sheets) == len(_html_tables(text))  # a sheet per table
    assert "Chất lượng dữ liệu" in [s.title for s in sheets]
    # every number of the report's tables is a number in the workbook (money in the header's unit)
    by_title = {s.title: s for s in sheets}
    projects = by_title["Danh sách đề án"]
    head = [c.value for c in projects[1]]
    k = head.index("Kinh phí hỗ trợ (triệu đồng)")
    support = [r[k].value for r in projects.iter_rows(min_row=2)]
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in support)  # numbers, not text
    assert projects.cell(2, k + 1).number_format == "#,##0.0"
    assert sum(support) == pytest.approx(page["projects"]["support_vnd"].sum() / 1e6)
    # the formula-like title is text a spreadsheet does not run
    titles = [r[head.index("Tên đề án")].value for r in projects.iter_rows(min_row=2)]
    assert "'" + FORMULA in titles and FORMULA not in titles
    # percentages are fractions with a percent format, equal to the page's machine values
    results = sheets[0]
    share = [c.value for c in results["E"][1:]]
    page_share = [float(r[4]) if r[4] else None for r in html_tables[0]]
    assert share == pytest.approx(page_share, nan_ok=True) and results["E2"].number_format == "0.0%"


def test_printed_pdf_has_a4_pages_and_the_headline(page, tmp_path):
    from pypdf import PdfReader

    [pdf] = print_pdfs([page["path"]], tmp_path)
    reader = PdfReader(str(pdf))
    sections = page["path"].read_text(encoding="utf-8").count('class="kc-anchor kc-anchor-1"')
    assert sections >= 8 and sections <= len(reader.pages) <= 4 * sections  # a new page per section
    w, h = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(w), round(h)) == (595, 842)  # A4 in points
    first = reader.pages[0].extract_text()
    assert "Đồng Nai — 2019" in first and "Tính đến 30/06/2019, Đồng Nai đã giải ngân" in first
    assert f"1 / {len(reader.pages)}" in first  # page numbers in the footer


def test_a_phone_never_scrolls_sideways(browser, page):  # noqa: F811
    p, log = open_offline(browser, page["path"])
    p.set_viewport_size({"width": 390, "height": 800})
    p.reload(wait_until="load")
    assert p.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert p.evaluate("document.querySelector('.kc-toc details').open") is False  # the contents are folded
    widths = p.eval_on_selector_all("img", "els => els.map(e => e.getBoundingClientRect().right)")
    assert widths and max(widths) <= 390
    # a wide table scrolls inside its own box
    boxes = p.eval_on_selector_all("table.kc-table", "ts => ts.map(t => [t.clientWidth, t.scrollWidth])")
    assert all(c <= 390 for c, _ in boxes) and any(s > c for c, s in boxes)
    assert not log["pageerror"]
    p.close()


def test_a_workbook_is_written_atomically_for_every_page(page, tmp_path):
    from kceval.render.workbook import export_workbooks

    [x] = export_workbooks([page["path"]], tmp_path / "xlsx")
    assert x.read_bytes() == base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)\"",
                                                        page["path"].read_text(encoding="utf-8")).group(1))
    assert [f.name for f in (tmp_path / "xlsx").iterdir()] == [x.name]
