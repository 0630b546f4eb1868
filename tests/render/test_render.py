"""Report machinery: parameter checks, safe names, atomic writes, papermill runs and rendering.

The notebook runs are real (papermill + nbconvert, in-process) on tests/notebooks/tiny_report.ipynb
with one warm kernel shared by the module; one run starts its own kernel.
"""
import hashlib
import os
import re
import sys

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kceval import paths
from kceval.errors import ParameterError, ReportError
from kceval.headline.handover import HEADLINE_MIME, read_headline
from kceval.render import kernels, offline, one_report, params, provenance, run
from kceval.render.html import Renderer, add_toc_anchors
from kceval.render.index import build_index, safe_link
from kceval.render.names import safe_output_path, slug
from kceval.render.offline import find_external_urls
from kceval.render.params import check_parameters, coerce, notebook_parameters
from tests.support import TINY_NOTEBOOK, index_entry

TINY = TINY_NOTEBOOK
XSS = "<script>alert(1)</script>"


# -- parameters (no kernel) -------------------------------------------------------------------

def test_declared_parameters():
    p = notebook_parameters(TINY)
    assert list(p) == ["title", "year", "as_of", "province", "lang", "data", "fail"]
    assert p["year"] == {"type": "int", "default": 2019, "help": "plan year"}
    assert p["fail"]["type"] == "bool" and p["fail"]["default"] is False


def test_unknown_parameter_lists_allowed_names():
    with pytest.raises(ParameterError) as e:
        check_parameters(TINY, {"provnce": "Đồng Nai"})
    msg = str(e.value)
    assert "'provnce'" in msg and "allowed: title, year, as_of, province, lang, data, fail" in msg


def test_types_from_annotations():
    params = {"year": "2019", "fail": "false", "title": "x"}
    before = dict(params)
    assert check_parameters(TINY, params) == {"year": 2019, "fail": False, "title": "x"}
    assert params == before  # not mutated
    for bad in ("abc", "20.5", True, 2019.5):
        with pytest.raises(ParameterError, match=r"`year` must be of type int .*received"):
            check_parameters(TINY, {"year": bad})
    with pytest.raises(ParameterError, match=r"`fail` must be of type bool .*received 'maybe'"):
        check_parameters(TINY, {"fail": "maybe"})
    with pytest.raises(ParameterError, match=r"`title` must be of type str .*received 3"):
        check_parameters(TINY, {"title": 3})
    assert coerce("x", "0.25", "float") == 0.25 and coerce("x", 2, "float") == 2.0


def test_domain_checks():
    # province: any spelling -> canonical; unknown -> suggestions
    assert check_parameters(TINY, {"province": "dong nai"}) == {"province": "Đồng Nai"}
    with pytest.raises(
        ParameterError, match=r"`province` must be one of the 63 provinces.*received 'Dong Nia'.*'Đồng Nai'"
    ) as e:
        check_parameters(TINY, {"province": "Dong Nia"})
    assert "Đồng Nai" in e.value.suggestions
    # as_of within [1 Jan year, 22 Jan year+1] (settlement due by 22 January, DOMAIN.md)
    assert check_parameters(TINY, {"year": 2019, "as_of": "2020-01-22"})["as_of"] == "2020-01-22"
    assert check_parameters(TINY, {"year": 2019, "as_of": "2019-01-01"})["as_of"] == "2019-01-01"
    assert check_parameters(TINY, {"as_of": "30/06/2019"})["as_of"] == "2019-06-30"  # default year 2019
    for bad in ("2020-01-23", "2018-12-31"):
        with pytest.raises(
            ParameterError, match=r"`as_of` must be within the plan year 2019 .*2019-01-01 and 2020-01-22; received"
        ):
            check_parameters(TINY, {"year": 2019, "as_of": bad})
    with pytest.raises(ParameterError, match="`as_of` must be a date"):
        check_parameters(TINY, {"as_of": "June"})
    # the notebook's default as_of ('') is fine with any year
    assert check_parameters(TINY, {"year": 2024}) == {"year": 2024}
    # data: '' or an existing path, made absolute
    assert check_parameters(TINY, {"data": str(TINY.parent)})["data"] == str(TINY.parent.resolve())
    with pytest.raises(ParameterError, match=r"`data` must be '' .*received 'no/such/dir'"):
        check_parameters(TINY, {"data": "no/such/dir"})
    with pytest.raises(ParameterError, match=r"`lang` must be one of 'vi', 'en'; received 'fr'"):
        check_parameters(TINY, {"lang": "fr"})


def test_pluggable_checks(tmp_path):
    def only_2019(value, context):
        if value != 2019:
            raise ParameterError(f"`year` must be 2019; received {value!r}")
        return value

    with pytest.raises(ParameterError, match="`year` must be 2019; received 2020"):
        check_parameters(TINY, {"year": 2020}, checks={**params.DOMAIN_CHECKS, "year": only_2019})
    # a region notebook: region checked against geo.REGIONS
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('region: str = "north"  # ARIT region')])
    nb.cells[0].metadata["tags"] = ["parameters"]
    path = tmp_path / "r.ipynb"
    nbformat.write(nb, path)
    assert check_parameters(path, {"region": "south"}) == {"region": "south"}
    with pytest.raises(ParameterError, match=r"`region` must be one of 'north', 'central', 'south'; received 'west'"):
        check_parameters(path, {"region": "west"})
    # empty defaults are not checked; a non-empty default as_of is checked against a given year
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'province: str = ""  # all provinces\nyear: int = 2019  # plan year\nas_of: str = "2019-06-30"  # cut-off')])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, path)
    assert check_parameters(path, {}) == {}
    with pytest.raises(ParameterError, match=r"`as_of` must be within the plan year 2024 .*received '2019-06-30'"):
        check_parameters(path, {"year": 2024})


def test_emit_headline_payload(monkeypatch):
    import datetime as dt

    import numpy as np

    from kceval.headline import handover
    from kceval.headline.handover import emit_headline

    seen = []
    monkeypatch.setattr(handover, "display", lambda obj, raw=False: seen.append((obj, raw)))
    emit_headline({"plan": np.int64(5), "rate": float("nan"), "as_of": dt.date(2019, 6, 30), "by": [np.inf, 1.5]})
    assert seen == [({HEADLINE_MIME: {"plan": 5, "rate": None, "as_of": "2019-06-30", "by": [None, 1.5]},
                      "text/plain": ""}, True)]
    with pytest.raises(ParameterError, match="`figures` must be a dict"):
        emit_headline([1, 2])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data={HEADLINE_MIME: {"a": 1, "b": 2}}),
                           nbformat.v4.new_output("display_data", data={HEADLINE_MIME: {"b": 3}})]
    assert read_headline(nb) == {"a": 1, "b": 3}  # later calls update earlier ones


def test_unreadable_parameter_line_is_refused(tmp_path):
    # papermill silently skips a line with two '=' (e.g. in the comment): the parameter could
    # never be set, so kceval refuses the notebook instead.
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('as_of: str = ""  # (empty = end)\nyear: int = 1')])
    nb.cells[0].metadata["tags"] = ["parameters"]
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ReportError, match="papermill cannot read the parameter.* as_of"):
        check_parameters(path, {"year": 2})


# -- names, paths, files ----------------------------------------------------------------------

def test_slug():
    assert slug("province_report", "Bà Rịa – Vũng Tàu", 2019, "2019-06-30") == \
        "province-report-ba-ria-vung-tau-2019-2019-06-30"
    assert slug("Đắk Lắk", "TP. Hồ Chí Minh") == "dak-lak-tp-ho-chi-minh"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug(XSS) == "script-alert-1-script"
    assert re.fullmatch(r"[a-z0-9-]+", slug("a\x00b/c\\d:e*f"))
    with pytest.raises(ParameterError, match="at least one letter or digit"):
        slug("///", "")


def test_safe_output_path(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert safe_output_path(out, "a.html") == (out / "a.html").resolve()
    assert safe_output_path(out, "sub/../a.html") == (out / "a.html").resolve()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (out / "link").symlink_to(outside)             # a folder symlink leading out
    (out / "evil.html").symlink_to(outside / "x")  # a file symlink leading out
    for name in ["../a.html", "../../etc/passwd", "/etc/passwd", str(outside / "a.html"), "link/a.html",
                 "evil.html", "a\x00.html", "", ".", "sub/.."]:
        with pytest.raises(ParameterError):
            safe_output_path(out, name)
    with pytest.raises(ParameterError, match="NUL"):
        safe_output_path(str(out) + "\x00", "a.html")


def test_write_atomic(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    paths.write_atomic(target, "old")
    assert target.read_text() == "old" and oct(target.stat().st_mode & 0o777) == "0o644"
    paths.write_atomic(target, "nouveau ✓".encode())
    assert target.read_text(encoding="utf-8") == "nouveau ✓"

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        paths.write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "nouveau ✓"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]  # no temporary left
    monkeypatch.undo()

    def interrupted(fd):
        raise KeyboardInterrupt  # half-way through writing the temporary file

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        paths.write_atomic(tmp_path / "n.html", "x" * 100_000)
    monkeypatch.undo()
    with pytest.raises(ParameterError, match="`data` must be str, bytes or a writer function; received int"):
        paths.write_atomic(tmp_path / "n.html", 12345)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_provenance(tmp_path):
    f = tmp_path / "abc.txt"
    f.write_bytes(b"abc")
    # SHA-256("abc"): FIPS 180-2 appendix B.1 test vector
    abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    p = provenance.provenance({"year": 2019}, {"data": f, "none": ""}, 100.0, 102.25)
    assert p["files"] == {"data": {"path": str(f.resolve()), "sha256": abc, "bytes": 3}}
    assert p["seconds"] == 2.25 and p["started"] == "1970-01-01T00:01:40+00:00"
    assert p["parameters"] == {"year": 2019}
    assert {"python", "kceval", "pandas", "papermill", "nbconvert"} <= set(p["versions"])
    # a folder: hash over (relative path, file hash) lines, computed independently here
    d = tmp_path / "d"
    (d / "s").mkdir(parents=True)
    (d / "s" / "x.csv").write_bytes(b"abc")
    expect = hashlib.sha256(f"s/x.csv\0{abc}\n".encode()).hexdigest()
    assert provenance.file_digest(d) == {"path": str(d.resolve()), "sha256": expect, "bytes": 3}


def test_toc_anchors_and_external_url_checker():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# One\n```\n# not a heading\n```\n## Two *bold* [link](x.html)\n#### Four"),
        nbformat.v4.new_markdown_cell("text\n### Three <b>x</b>"),
    ])
    assert add_toc_anchors(nb) == [(1, "kc-sec-1", "One"), (2, "kc-sec-2", "Two bold link"), (3, "kc-sec-3", "Three x")]
    assert '<div id="kc-sec-2" class="kc-anchor kc-anchor-2"></div>\n\n## Two' in nb.cells[0].source
    assert "# not a heading" in nb.cells[0].source and nb.cells[0].source.count("<div id=") == 2
    # the checker finds what a browser would fetch, and ignores plain links
    assert find_external_urls('<script src="https://cdn.x/r.js"></script>')
    assert find_external_urls("<link rel=stylesheet href=//fonts.example/f.css>")
    assert find_external_urls("<style>@import 'x.css';</style>")
    assert find_external_urls("<style>body{background:url( 'http://x/y.png')}</style>")
    assert find_external_urls('<img src="http://x/y.png">')
    assert not find_external_urls('<a href="https://moit.gov.vn">source</a> /* https://in.a.comment */')
    # a figure's data URI fetches nothing and is skipped; what follows it is still read
    figure = '<img src="data:image/svg+xml;base64,' + "aHR0cDovL3gueQ==" * 5000 + '" alt="">'
    assert not find_external_urls(figure + "<p>text</p>")
    assert find_external_urls(figure + '<img src="//x/y.png">') == ['src="//x/y.png">']


# -- real runs ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    km = kernels.start_kernel()
    r = Renderer()
    try:
        ok = one_report.render_report(TINY, {"year": "2019", "as_of": "2019-06-30"}, out_dir=out, lang="vi",
                                  renderer=r, km=km)
        failed = one_report.render_report(TINY, {"title": XSS, "fail": True}, out_dir=out, lang="en",
                                      renderer=r, km=km, title=XSS)
        slow_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x: int = 1  # unused"),
                                                  nbformat.v4.new_code_cell("import time\ntime.sleep(60)")])
        slow_nb.cells[0].metadata["tags"] = ["parameters"]
        slow_path = out.parent / "slow.ipynb"
        nbformat.write(slow_nb, slow_path)
        # 3 s: the trivial cells before the injected fault finish well within it on a loaded machine
        slow = one_report.render_report(slow_path, {}, out_dir=out, lang="vi", renderer=r, km=km, timeout=3)
        # the same warm kernel is usable right after the interrupted cell
        real = one_report.render_report(TINY, {"data": str(TINY)}, out_dir=out, lang="en", renderer=r, km=km,
                                    name="with data")
    finally:
        kernels.stop_kernel(km)
    return {"ok": ok, "failed": failed, "real": real, "slow": slow, "out": out, "renderer": r}


def test_ok_report(runs):
    res = runs["ok"]
    assert res.status == "ok" and res.error is None
    assert res.html_path.name == "tiny-report-2019-2019-06-30.html"
    assert res.ipynb_path.name == "tiny-report-2019-2019-06-30.ipynb"
    assert res.headline == {"plan": 215_365_000_000, "executed": 40_000_000_000, "rate": 0.186, "projects": 3}
    page = res.html_path.read_text(encoding="utf-8")
    assert find_external_urls(page) == []
    assert not re.search(r"https?://", " ".join(re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page)))
    assert re.search(r'<html lang="vi">', page)
    # no code: neither the code cells' sources nor the parameter cells
    for code in ("import matplotlib.pyplot as plt", "emit_headline(", "plt.subplots", "# province to report on",
                 "# Parameters", "class=\"jp-InputPrompt", "In&nbsp;["):
        assert code not in page
    assert HEADLINE_MIME not in page
    # parameter table with labels and values, TOC, banner (bundled sample data = synthetic)
    assert '<th scope="row">Năm</th><td>2019</td>' in page  # in words, no parameter codes
    assert '<th scope="row">Tính đến ngày</th><td>30/06/2019</td>' in page
    assert re.search(r'<nav [^>]*class="kc-toc"', page)
    for i, h in enumerate(["Tổng quan", "Biểu đồ", "Kết luận"], start=1):
        assert f'<a href="#kc-sec-{i}">{h}</a>' in page and f'id="kc-sec-{i}"' in page
    assert "Dữ liệu mẫu tổng hợp — không phải số liệu thật" in page
    assert page.count('<img ') == 1 and 'src="data:image/png;base64,' in page
    # what nbconvert's last pass adds, done on the text: outputs focusable, an image without alt text described
    img = re.search(r"<img [^>]*>", page).group(0)
    assert ' alt="' in img and re.search(r'<div class="[^"]*jp-OutputArea-output[^"]*" tabindex="0"', page)
    assert "Kế hoạch (tỷ đồng)</th>" in page and ">85,865</td>" in page  # the unit in the header, once
    assert "kc-sortable" in page and "table.kc-sortable" in page
    assert "kc-provenance" in page and "papermill" in page
    # the executed notebook keeps papermill's record of the injected parameters
    nb = nbformat.read(res.ipynb_path, as_version=4)
    assert nb.metadata.papermill.parameters == {"year": 2019, "as_of": "2019-06-30", "lang": "vi"}
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert read_headline(nb) == res.headline
    assert not [p for p in runs["out"].iterdir() if ".tmp" in p.name]


def test_failed_report_is_rendered_and_escaped(runs):
    res = runs["failed"]
    assert res.status == "failed"
    assert res.error.startswith("ValueError: failure on purpose <b>bold?</b>")
    page = res.html_path.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert XSS not in page and "<b>bold?</b>" not in page
    assert f"<title>{XSS.replace('<', '&lt;').replace('>', '&gt;')}</title>" in page
    assert '<h1 class="kc-title">&lt;script&gt;alert(1)&lt;/script&gt;</h1>' in page
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page  # parameter table
    assert re.search(r'<section class="kc-error" role="alert">', page)
    # the failing cell, escaped (pygments writes a quote as &quot;)
    assert 'raise ValueError("failure on purpose &lt;b&gt;bold?&lt;/b&gt;")' in page.replace("&quot;", '"')
    assert 'id="kc-error-cell"' in page and 'href="#kc-error-cell"' in page
    assert "papermill-error-cell" not in page  # papermill's own markers replaced by ours
    # outputs before the failure are kept
    assert "Plan (VND billion)</th>" in page and ">85.865</td>" in page
    assert page.count('<img ') == 1
    assert res.headline["projects"] == 3
    assert find_external_urls(page) == []
    nb = nbformat.read(res.ipynb_path, as_version=4)
    assert any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_real_data_has_no_banner_and_hashes_the_file(runs):
    res = runs["real"]
    assert res.status == "ok" and res.html_path.name == "with-data.html"
    page = res.html_path.read_text(encoding="utf-8")
    assert "Dữ liệu mẫu tổng hợp" not in page and "Synthetic sample data" not in page
    assert hashlib.sha256(TINY.read_bytes()).hexdigest() in page
    assert "Plan (VND billion)</th>" in page and "19.3%" in page  # lang injected into the notebook


def test_timeout_interrupts_the_cell(runs):
    res = runs["slow"]
    assert res.status == "failed"  # interrupted: only an interrupt raises KeyboardInterrupt in time.sleep
    assert res.error.startswith("CellTimeoutError: ran longer than timeout=3 s and was interrupted")
    page = res.html_path.read_text(encoding="utf-8")
    assert "CellTimeoutError" in page and "time.sleep(60)" in page  # the error panel shows the cell


@pytest.mark.parametrize("boot_delay", [0, 3])
def test_timeout_with_a_blocking_kernel_manager(tmp_path, boot_delay):
    # nbclient cannot time out a cell on a blocking KernelManager (its poll blocks the event
    # loop); run_notebook's watchdog interrupts the kernel instead, which stays usable.
    # boot_delay = 3 simulates a slow machine, a kernel that takes 3 s to boot: the watchdog's
    # 1 s must not start before the kernel answers, or its interrupt kills the booting kernel
    # ("Kernel died before replying to kernel_info") instead of timing out the cell.
    import json

    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    kernel, specs = "kceval", KernelSpecManager()
    if boot_delay:
        kernel, spec = "slowboot", tmp_path / "kernels" / "slowboot"
        spec.mkdir(parents=True)
        launch = f"sleep {boot_delay}; exec {sys.executable} -m ipykernel_launcher -f {{connection_file}}"
        (spec / "kernel.json").write_text(json.dumps({"argv": ["sh", "-c", launch], "display_name": kernel,
                                                      "language": "python"}))
        specs = KernelSpecManager(kernel_dirs=[str(spec.parent)])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x: int = 1  # unused"),
                                         nbformat.v4.new_code_cell("import time\ntime.sleep(60)")])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, tmp_path / "slow.ipynb")
    # IPC sockets (files in tmp_path), not TCP ports: the slow-booting kernel binds seconds after its ports were
    # chosen, and on a busy machine another process may take one of them meanwhile ("Address already in use")
    km = KernelManager(kernel_name=kernel, kernel_spec_manager=specs, transport="ipc",
                       ip=str(tmp_path / "kernel-ipc"))
    km.start_kernel(cwd=str(tmp_path))
    try:
        with pytest.raises(ReportError, match=r"CellTimeoutError: ran longer than timeout=1 s"):
            run.run_notebook(tmp_path / "slow.ipynb", {}, out_ipynb=tmp_path / "o.ipynb", km=km, timeout=1)
        assert km.is_alive()
    finally:
        km.shutdown_kernel(now=True)


def test_run_notebook_with_its_own_kernel(tmp_path):
    out = tmp_path / "own.ipynb"
    with pytest.raises(ReportError, match="ValueError: failure on purpose") as e:
        run.run_notebook(TINY, {"fail": True}, out_ipynb=out)
    assert e.value.ename == "ValueError" and e.value.notebook is not None
    assert out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["own.ipynb"]
    with pytest.raises(ReportError, match=r"`kernel_name` must be an installed Jupyter kernel .*'no-such-kernel'"):
        run.run_notebook(TINY, {}, out_ipynb=out, kernel_name="no-such-kernel")


def test_dead_kernel_still_gives_an_error_page(tmp_path):
    km = kernels.start_kernel()
    kernels.stop_kernel(km)
    res = one_report.render_report(TINY, {}, out_dir=tmp_path, lang="en", km=km)
    assert res.status == "failed" and "is not running" in res.error
    page = res.html_path.read_text(encoding="utf-8")
    assert 'class="kc-error"' in page and "is not running" in page and "Tổng quan" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny-report-en.html"]  # no executed notebook


def test_render_report_refuses_before_running(tmp_path):
    with pytest.raises(ParameterError, match="provnce"):
        one_report.render_report(TINY, {"provnce": "x"}, out_dir=tmp_path, lang="vi")
    with pytest.raises(ParameterError, match="`lang`"):
        one_report.render_report(TINY, {}, out_dir=tmp_path, lang="fr")
    with pytest.raises(ParameterError, match="`out_dir` must be an existing folder"):
        one_report.render_report(TINY, {}, out_dir=tmp_path / "missing", lang="vi")
    assert list(tmp_path.iterdir()) == []


def test_lab_template_alone_is_not_offline(runs):
    # the reason for our template: the stock lab template loads require.js / MathJax from a CDN
    from nbconvert import HTMLExporter

    nb = nbformat.read(runs["ok"].ipynb_path, as_version=4)
    page, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert find_external_urls(page)


def test_index_page(runs, tmp_path):
    entries = [index_entry(r) for r in (runs["ok"], runs["failed"])]
    page = build_index(entries, lang="vi")
    assert '<html lang="vi">' in page and find_external_urls(page) == []
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="tiny-report-2019-2019-06-30.html"' in page
    assert "Kế hoạch (tỷ đồng)</th>" in page and ">215,365</td>" in page and 'data-sort="215365000000"' in page
    assert "18,6%" in page and "kc-status-failed" in page and "ValueError: failure on purpose &lt;b&gt;" in page
    assert page.count("<script>") == 1 and "table.kc-sortable" in page
    path = one_report.write_index(entries, tmp_path, lang="en")
    assert path == (tmp_path / "index.html").resolve() and "Plan (VND billion)" in path.read_text(encoding="utf-8")
    for bad in ("javascript:alert(1)", "https://evil.example/x.html", "/etc/passwd"):
        with pytest.raises(ParameterError, match="`link` must be a relative path"):
            safe_link(bad)
    with pytest.raises(ParameterError, match=r"`entries\[0\]\['kind'\]` must be one of"):
        build_index([{**entries[0], "kind": "district"}], lang="vi")


def test_index_says_which_basis_and_region_grouping():
    def entry(params):
        return {"title": "x", "kind": "province", "parameters": params, "headline": {}, "status": "ok",
                "error": None, "seconds": 1.0, "link": "x.html"}

    old = build_index([entry({"year": 2019})], lang="en")
    assert "per old province (63)" in old and "34 units" not in old
    both = build_index([entry({"year": 2019}), entry({"year": 2026})], lang="en")
    assert "per old province (63)" in both and "per unit of the 34" in both and "Lâm Đồng" in both
    mine = build_index([entry({"year": 2024, "units": "2025", "regions": "/data/my_regions.csv"})], lang="vi")
    assert "theo 34 tỉnh" in mine and "my_regions.csv" in mine and "63 tỉnh cũ" not in mine


def _external_urls_reference(page: str) -> list[str]:
    # the checker as first written: its pattern tried at every character of the page
    text = offline._DATA_URI.sub("data:", re.sub(r"/\*.*?\*/", "", page, flags=re.S))
    hits = []
    for m in offline._EXTERNAL.finditer(text):
        start = text.rfind("<", 0, m.start())
        if text[start:start + 3].lower() == "<a " and "href" in m.group(0).lower():
            continue
        hits.append(text[m.start():m.start() + 80])
    return hits


EXTERNAL_CASES = [
    '<script src="https://cdn.x/r.js"></script><img SRC = \' http://a/b\'>', "<link href=//f.example/f.css>",
    "@IMPORT url(x.css); @import 'y'", "url(  'HTTPS://x/y.png') url(//z) url(data:x//y)", "a // b /// c //",
    '<a href="//x">l</a><a  href="https://y">m</a><img src=//q>', "srcset=//a/1x.png xlink:href=//b poster=//c",
    '<img src="data:image/svg+xml;base64,aHR0cDovL3g=" alt=""><video poster="http://v">', "http://x src=", "",
    "src=" + " " * 150 + "//x", "<object data='//o'>" + "/* //not */" * 3, "<form action=https://f>",
    "<img src=" + " " * 300 + "'https://evil/x'>", "<img src=\n" + "\t" * 300 + "'https://evil/x'>",
    "<link href" + " " * 500 + "=" + " " * 500 + "\"" + " " * 500 + "http://far/away.css\">",
    "url(" + "\n" * 400 + "'//deep')", "xlink:href=//a\u00a0src=\u2003//b", "HREF=HTTPS://UP @Import",
]


EXTERNAL_TOKENS = ["src", "href", "xlink:href", "url(", "=", " ", "   ", "\n", "\t", "\u00a0", '"', "'", "//", "http:",
                   "HTTPS:", "@import", "<a ", "<img ", ">", "data:image/png;x//y", "/*", "*/", "x", "(", "srcset"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(EXTERNAL_TOKENS) | st.text(" \t", min_size=100, max_size=400), max_size=40))
def test_the_external_url_check_agrees_with_a_full_scan_on_any_text(tokens):
    page = "".join(tokens)
    assert find_external_urls(page) == _external_urls_reference(page)


def test_the_external_url_check_finds_what_a_scan_of_every_character_finds(runs):
    # it tries its pattern only before each "//" and "@import": the same hits as trying it everywhere
    pages = [p.read_text(encoding="utf-8") for p in runs["out"].glob("*.html")]
    assert len(pages) >= 4 and sum(len(p) for p in pages) > 100_000
    for page in [*EXTERNAL_CASES, *pages, "\n".join(EXTERNAL_CASES + pages[:1])]:
        assert find_external_urls(page) == _external_urls_reference(page), page[:200]


def test_the_page_renders_each_markdown_text_as_nbconvert_does():
    # the exporter keeps each narrative text's HTML (a report's are the same in every report of a notebook)
    from nbconvert import HTMLExporter

    exporter = Renderer().exporter
    texts = [c.source for p in sorted((paths.REPO_ROOT / "notebooks").glob("*.ipynb"))
             for c in nbformat.read(p, as_version=4).cells if c.cell_type == "markdown"]
    texts += ["# A *title* <b>x</b>\n\n$x^2$ and `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |", "", "[link](x.html)"]
    assert len(texts) > 40
    for src in texts + texts:  # the second time from the kept HTML
        context = {"cell": {"source": src}, "resources": {"metadata": {"path": "/somewhere"}}}
        assert exporter.markdown2html(context, src) == HTMLExporter.markdown2html(exporter, context, src)
    # a cell with attachments is rendered by nbconvert itself each time
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    context = {"cell": {"attachments": {"a.png": {"image/png": png}}}, "resources": {}}
    assert "data:image/png;base64," in exporter.markdown2html(context, "![a](attachment:a.png)")


def test_compiled_templates_are_kept_and_a_damaged_or_stale_entry_is_compiled_again(tmp_path):
    # the page templates' compiled code is kept on disk (jinja's bytecode cache); what is read back must never
    # give a wrong page: an edited template is compiled again, and so is an entry cut short by a killed writer
    import jinja2

    from kceval.render.templatecache import template_cache

    cache_cls = type(template_cache())
    (tmp_path / "tpl").mkdir()
    (tmp_path / "cache").mkdir()
    tpl = tmp_path / "tpl" / "page.j2"

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "tpl")), autoescape=True,
                                 bytecode_cache=cache_cls(str(tmp_path / "cache")))
        return env.get_template("page.j2").render(x="<b>")

    tpl.write_text("one {{ x }}", encoding="utf-8")
    assert render() == "one &lt;b&gt;"
    entries = list((tmp_path / "cache").iterdir())
    assert len(entries) == 1
    assert render() == "one &lt;b&gt;"             # read back
    tpl.write_text("two {{ x }}", encoding="utf-8")
    assert render() == "two &lt;b&gt;"             # edited: compiled again
    data = entries[0].read_bytes()
    entries[0].write_bytes(data[:20])               # cut short, inside the stored checksum (jinja's own reader fails)
    assert render() == "two &lt;b&gt;"
