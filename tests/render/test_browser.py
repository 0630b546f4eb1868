"""The rendered report and index in a real browser (Debian's chromium via Playwright), offline.

Every non-file request is aborted and counted; a report must open with zero failed requests,
zero console errors, decoded images, working contents links and numeric sorting, and a
``<script>`` title must stay text (no dialog).
"""
import os
from pathlib import Path

import pytest

from kceval.render import kernels, one_report
from kceval.render.html import Renderer
from tests.support import REPO, TINY_NOTEBOOK, index_entry

TINY = TINY_NOTEBOOK
CHROMIUM = "/usr/bin/chromium"
XSS = "<script>alert(1)</script>"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    km = kernels.start_kernel()
    r = Renderer()
    try:
        ok = one_report.render_report(TINY, {"year": 2019}, out_dir=out, lang="vi", renderer=r, km=km)
        xss = one_report.render_report(TINY, {"title": XSS, "fail": True}, out_dir=out, lang="en", renderer=r, km=km,
                                   title=XSS)
    finally:
        kernels.stop_kernel(km)
    entries = [index_entry(ok), index_entry(xss, {**xss.headline, "plan": 9_500_000_000})]
    # a third, synthetic entry so that numeric and text order differ (120 > 85.9 > 9.5 billion)
    entries.append({**entries[0], "title": "Z", "headline": {**ok.headline, "plan": 120_000_000_000}})
    index = one_report.write_index(entries, out, lang="vi")
    return {"ok": ok.html_path, "xss": xss.html_path, "index": index}


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the "
                    "browser tests; they are part of `make test` and are not skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_offline(browser, path: Path):
    """A page opened from file:// with every other request aborted; returns (page, log)."""
    log = {"blocked": [], "failed": [], "console": [], "pageerror": [], "dialogs": []}
    page = browser.new_page(viewport={"width": 1000, "height": 500})

    def route(r):
        if r.request.url.startswith(("file://", "data:")):
            r.continue_()
        else:
            log["blocked"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda req: log["failed"].append(req.url))
    page.on("console", lambda m: m.type == "error" and log["console"].append(m.text))
    page.on("pageerror", lambda e: log["pageerror"].append(str(e)))
    page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, log


def assert_clean(log):
    assert log == {"blocked": [], "failed": [], "console": [], "pageerror": [], "dialogs": []}


def column(page, table_sel, col):
    return page.eval_on_selector_all(f"{table_sel} tbody tr", f"rows => rows.map(r => r.cells[{col}].textContent)")


def test_report_offline_images_toc_and_sorting(browser, site):
    page, log = open_offline(browser, site["ok"])
    assert page.evaluate("document.documentElement.lang") == "vi"
    imgs = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
    assert imgs == [True]
    # contents: the static link scrolls to its section
    page.click(".kc-toc a[href='#kc-sec-3']")
    page.wait_for_function("location.hash === '#kc-sec-3'")
    top = page.evaluate("document.getElementById('kc-sec-3').getBoundingClientRect().top")
    assert 0 <= top < 100
    assert page.evaluate("window.scrollY") > 0
    # sortable table: 'Kế hoạch' (plan) sorts by value, not by the displayed text
    table = "table.kc-sortable"
    assert column(page, table, 0) == ["Đồng Nai", "Bình Dương", "<b>Tây Ninh</b>"]
    page.click(f"{table} th:nth-child(2)")
    assert column(page, table, 0) == ["Bình Dương", "Đồng Nai", "<b>Tây Ninh</b>"]  # 9.5 < 85.9 < 120 tỷ
    assert page.get_attribute(f"{table} th:nth-child(2)", "aria-sort") == "ascending"
    page.click(f"{table} th:nth-child(2)")
    assert column(page, table, 1) == ["120,000", "85,865", "9,500"]  # tỷ đồng, said once in the header
    page.click(f"{table} th:nth-child(3)")  # rate: 5% < 19.3% < 50%
    assert column(page, table, 2) == ["5,0%", "19,3%", "50,0%"]
    assert_clean(log)
    page.close()


def test_script_title_is_text(browser, site):
    page, log = open_offline(browser, site["xss"])
    assert page.text_content("h1.kc-title") == XSS
    assert page.title() == XSS
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "failure on purpose <b>bold?</b>" in page.text_content(".kc-error")
    page.click("a[href='#kc-error-cell']")
    page.wait_for_function("location.hash === '#kc-error-cell'")
    assert page.eval_on_selector_all("img", "els => els.every(e => e.complete && e.naturalWidth > 0)")
    assert_clean(log)  # in particular: no alert dialog
    page.close()


def test_index_offline_sorting_and_links(browser, site):
    page, log = open_offline(browser, site["index"])
    table = "table.kc-index"
    headers = page.eval_on_selector_all(f"{table} thead th", "ths => ths.map(t => t.textContent)")
    plan = headers.index("Kế hoạch (tỷ đồng)")
    page.click(f"{table} thead th:nth-child({plan + 1})")
    assert column(page, table, plan) == ["9,500", "120,000", "215,365"]
    page.click(f"{table} thead th:nth-child({plan + 1})")
    assert column(page, table, plan) == ["215,365", "120,000", "9,500"]
    assert XSS in page.text_content(table)  # shown as text
    assert_clean(log)
    page.click(f"{table} a[href='{site['ok'].name}']")
    page.wait_for_load_state("load")
    assert page.url.endswith(site["ok"].name)
    assert page.eval_on_selector_all("img", "els => els.every(e => e.complete && e.naturalWidth > 0)")
    assert_clean(log)
    page.close()


def test_the_network_check_catches_a_cdn_page(browser, site, tmp_path):
    # Control for the checks above: the same notebook through the stock `lab` template asks
    # cdnjs for require.js, and the route handler sees (and blocks) it.
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(site["ok"].with_suffix(".ipynb"), as_version=4)
    stock = tmp_path / "stock.html"
    stock.write_text(HTMLExporter(template_name="lab").from_notebook_node(nb)[0], encoding="utf-8")
    page, log = open_offline(browser, stock)
    assert any("cdnjs" in u for u in log["blocked"])
    page.close()


def sample_with_title(data, title):
    """A copy of the sample in ``data`` where Đồng Nai's first 2019 project is titled ``title``; its projects."""
    import shutil

    from kceval.io import read_canonical_table, write_tables
    from kceval.paths import SAMPLE_DIR

    for f in SAMPLE_DIR.iterdir():
        shutil.copy(f, data / f.name)
    tables = {t: read_canonical_table(data / f"{t}.csv", t) for t in ("plans", "projects", "events", "payments")}
    projects = tables["projects"]
    target = projects.index[(projects["province"] == "Đồng Nai") & (projects["year"] == 2019)][0]
    projects.loc[target, "title"] = title
    write_tables(tables, data)
    return projects


@pytest.fixture(scope="module")
def province_page(tmp_path_factory):
    """The real province report on a copy of the sample where one project is titled <script>…."""
    data = tmp_path_factory.mktemp("data")
    sample_with_title(data, XSS)
    return render_province({"province": "Đồng Nai", "year": 2019, "as_of": "2019-06-30", "data": str(data)},
                           tmp_path_factory.mktemp("province"), "vi")


def render_province(params, out, lang):
    """The real province report rendered on a fresh kernel; the path of its HTML."""
    km = kernels.start_kernel()
    try:
        res = one_report.render_report(REPO / "notebooks" / "province_report.ipynb", params, out_dir=out, lang=lang,
                                       km=km)
    finally:
        kernels.stop_kernel(km)
    assert res.status == "ok", res.error
    return res.html_path




def test_real_province_report_offline_with_a_script_title(browser, province_page):
    page, log = open_offline(browser, province_page)
    imgs = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
    assert len(imgs) >= 5 and all(imgs)
    # the hostile title is shown as text in the projects table, and no dialog fired
    assert XSS in page.text_content("body")
    assert page.eval_on_selector_all("table.kc-sortable td", f"tds => tds.some(t => t.textContent === {XSS!r})")
    # every contents link leads to its section
    anchors = page.eval_on_selector_all(".kc-toc a", "as => as.map(a => a.getAttribute('href'))")
    assert len(anchors) >= 8
    for a in anchors:
        assert page.evaluate(f"document.getElementById({a[1:]!r}) !== null")
    page.click(f".kc-toc a[href='{anchors[-1]}']")
    page.wait_for_function(f"location.hash === {anchors[-1]!r}")
    # the project table sorts by support in VND, not by the formatted text
    sel = "table.kc-sortable"
    tables = page.eval_on_selector_all(
        sel, "ts => ts.map(t => Array.from(t.tHead.rows[0].cells).map(c => c.textContent))"
    )
    from kceval.display.labels import label

    k = next(i for i, h in enumerate(tables) if any(label("project_title", "vi") in c for c in h))
    col = next(i for i, c in enumerate(tables[k]) if c.startswith(label("support", "vi")))
    page.locator(sel).nth(k).locator("thead th").nth(col).click()
    keys = page.locator(sel).nth(k).evaluate(
        f"t => Array.from(t.tBodies[0].rows).map(r => parseFloat(r.cells[{col}].dataset.sort))")
    assert keys == sorted(keys) and len(keys) > 3
    assert_clean(log)
    page.close()


@pytest.fixture(scope="module")
def unit_page(tmp_path_factory):
    """The real report of a unit of 2025 for the year in progress, in English, on the bundled sample."""
    return render_province({"province": "Long An", "year": 2026, "as_of": ""}, tmp_path_factory.mktemp("unit"), "en")


def test_a_unit_of_2025_report_for_the_year_in_progress(browser, unit_page):
    page, log = open_offline(browser, unit_page)
    text = page.text_content("body")
    # Long An is read as the unit it has been part of since 1 July 2025, to the data's last day
    assert "As of 30 Nov 2026, Tây Ninh had executed" in text
    note = page.text_content(".kc-basis")
    assert "made of Tây Ninh and Long An" in note and "comparable basis" in note and "Lâm Đồng" in note
    imgs = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
    assert len(imgs) >= 5 and all(imgs)
    assert_clean(log)
    page.close()
