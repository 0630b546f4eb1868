"""The report notebooks run on the sample data (one warm kernel for all of them) and their HTML
shows the right figures; the province report also works with plain papermill + nbconvert.

The expected figures are computed independently here: plan and executed money straight from the
tables, formatted with kceval.display.formats; the south-region 2019 plan and first-half execution rate are
the published ARIT figures (85.865 billion VND, 19.3%; DOMAIN.md, data/published).
"""
import base64
import html
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kceval import report
from kceval.dataset import Dataset
from kceval.display import formats
from kceval.paths import REPO_ROOT
from kceval.render.html import Renderer
from kceval.render.kernels import WarmKernel
from kceval.render.one_report import render_report
from kceval.render.params import notebook_parameters

NB = REPO_ROOT / "notebooks"
REPORTS = ["province_report", "region_report"]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def warm():
    with WarmKernel(cwd=REPO_ROOT) as k:
        yield k


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


def _render(warm, renderer, name, params, lang, out_dir):
    km = warm.acquire()
    r = render_report(NB / f"{name}.ipynb", params, out_dir=out_dir, lang=lang, km=km, renderer=renderer)
    warm.release(ok=r.status == "ok")
    assert r.status == "ok", r.error
    return r, r.html_path.read_text(encoding="utf-8")


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _plan_and_executed(province=None, region=None, year=2019, as_of="2019-06-30"):
    ds = Dataset.load()
    plans, projects, pay = ds.plans, ds.projects, ds.payments
    keep = (plans["year"] == year) & ((plans["province"] == province) if province else (plans["region"] == region))
    ids = projects.loc[(projects["year"] == year) & ((projects["province"] == province) if province
                                                     else (projects["region"] == region)), "project_id"]
    paid = pay.loc[pay["project_id"].isin(ids) & (pay["date"] <= as_of), "amount_vnd"].sum()
    return int(plans.loc[keep, "approved_vnd"].sum()), int(paid)


# -- notebooks as committed -------------------------------------------------------------------

@pytest.mark.parametrize("name", REPORTS + ["explore"])
def test_notebooks_are_clean_controller_scripts(name):
    nb = nbformat.read(str(NB / f"{name}.ipynb"), as_version=4)
    assert nb.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3", "language": "python"}
    assert nb.metadata["language_info"] == {"name": "python"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None for c in code)
    body = "\n".join(c.source for c in code)
    assert not re.search(r"^\s*(def|class|for|while|if)\b|lambda", body, flags=re.M)  # logic lives in kceval
    params = notebook_parameters(NB / f"{name}.ipynb")
    assert {"year", "as_of", "data", "lang"} <= set(params)
    assert all(p["help"] and "=" not in p["help"] for p in params.values())  # papermill drops help with '='
    if name != "explore":
        # every narrative cell exists in both languages, with the same headings structure
        md = [c for c in nb.cells if c.cell_type == "markdown"]
        tags = [set(c.metadata.get("tags", [])) for c in md]
        assert sum("vi" in t for t in tags) == sum("en" in t for t in tags) == len(md) / 2
        # a scope-tagged narrative (e.g. the national report's merger section) exists in both languages
        for scope in ("region", "national"):
            assert sum({scope, "vi"} <= t for t in tags) == sum({scope, "en"} <= t for t in tags)
    # notebooks import the kernel-side façade only (never host-side modules)
    imports = re.findall(r"^\s*(?:from\s+(\S+)\s+import|import\s+(\S+))", body, flags=re.M)
    assert imports and all((a or b) == "kceval.report" for a, b in imports), imports


def test_parameter_defaults():
    p = notebook_parameters(NB / "province_report.ipynb")
    assert p["province"]["default"] == "Đồng Nai" and p["year"] == {"type": "int", "default": 2019, "help": "plan year"}
    assert p["as_of"]["default"] == "2019-06-30" and p["data"]["default"] == "" and p["lang"]["default"] == "vi"
    assert notebook_parameters(NB / "region_report.ipynb")["region"]["default"] == "south"


# -- rendered reports (warm kernel) -----------------------------------------------------------

def test_province_report_vi(warm, renderer, tmp_path):
    warm.acquire()
    warm.release(ok=True)  # start the kernel outside the timed run
    r, page = _render(warm, renderer, "province_report",
                            {"province": "Đồng Nai", "year": 2019, "as_of": "2019-06-30"}, "vi", tmp_path)
    plan, executed = _plan_and_executed(province="Đồng Nai")
    text = _text(page)
    # headline table: plan, executed and rate formatted the Vietnamese way
    assert formats.format_money(plan, "vi") in text and formats.format_money(executed, "vi") in text
    assert f"Tỷ lệ giải ngân {formats.format_percent(executed / plan, 'vi')}" in re.sub(r"\s+", " ", text)
    assert r.headline["plan"] == plan and r.headline["executed"] == executed  # the index page's columns
    n = int(((Dataset.load().projects["year"] == 2019) & (Dataset.load().projects["province"] == "Đồng Nai")).sum())
    assert r.headline["rate"] == pytest.approx(executed / plan) and r.headline["projects"] == n
    # sections in Vietnamese only; the contents list links them
    for heading in ("Tóm tắt", "Phân bổ và giải ngân", "Tính khả thi", "Hoàn thành", "Danh sách đề án",
                    "Chất lượng dữ liệu", "Ghi chú phương pháp"):
        assert f">{heading}</a>" in page
    assert "Spending spread" not in text and "Method notes" not in text
    assert "Spiegelhalter 2005" in text and "45/2012/NĐ-CP" in text and "36/2013/TT-BCT" in text
    assert "dữ liệu mẫu tổng hợp" in text
    imgs = re.findall(r"<img [^>]*>", page)
    assert len(imgs) == 6 and all("data:image/svg+xml;base64" in i for i in imgs)  # six figures, none twice
    svgs = [base64.b64decode(re.search(r'base64,([^"]+)', i).group(1)).decode("utf-8") for i in imgs]
    # vector images with their text as text (searchable, sharp in print), nothing fetched or embedded
    assert all("<svg" in s and "<text" in s and "<image" not in s and "xlink:href=\"http" not in s for s in svgs)
    assert "No description" not in page and 'alt="Lũy kế giải ngân (% kế hoạch) — Tháng"' in page  # alt text
    assert len(page.encode()) <= 1_500_000


def test_region_report_matches_published_figures(warm, renderer, tmp_path):
    _, page = _render(warm, renderer, "region_report", {"region": "south", "year": 2019, "as_of": "2019-06-30"},
                         "vi", tmp_path)
    text = re.sub(r"\s+", " ", _text(page))
    assert "Kế hoạch 85,865 tỷ đồng" in text and "Tỷ lệ giải ngân 19,3%" in text
    assert "Bản đồ nhiệt tỉnh × hoạt động" in text and "Bảng xếp hạng" in text
    # every southern province appears in the ranked table
    from kceval import geo
    assert all(html.escape(p) in page for p in geo.provinces_in("south"))


def test_national_report_en(warm, renderer, tmp_path):
    # the comparison notebook with an empty region is the national report
    r, page = _render(warm, renderer, "region_report", {"region": "", "year": 2019, "as_of": "2019-06-30"}, "en",
                         tmp_path)
    ds = Dataset.load()
    plan = int(ds.plans.loc[ds.plans["year"] == 2019, "approved_vnd"].sum())
    text = re.sub(r"\s+", " ", _text(page))
    assert f"Plan {formats.format_money(plan, 'en')}" in text
    assert "Provinces compared" in text and "Tóm tắt" not in text
    assert "projects by status of the whole country" in text and "of the region on the report date" not in text
    assert len(page.encode()) <= 1_500_000


def test_explore_runs_under_papermill(warm, tmp_path):
    import papermill as pm

    km = warm.acquire()
    nb = pm.execute_notebook(str(NB / "explore.ipynb"), str(tmp_path / "explore.ipynb"), km=km,
                             kernel_name=warm.kernel_name, progress_bar=False, parameters={"lang": "en"},
                             execution_timeout=300)  # a cell that never answers fails the test, not the run
    warm.release(ok=True)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    figs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/svg+xml" in o.get("data", {})]
    assert len(figs) == 5


# -- plain tools ------------------------------------------------------------------------------

def test_plain_papermill_and_nbconvert(tmp_path):
    from jupyter_client.kernelspec import KernelSpecManager

    kernel = "kceval" if "kceval" in KernelSpecManager().find_kernel_specs() else "python3"
    out = tmp_path / "out.ipynb"
    run = subprocess.run([str(BIN / "papermill"), "notebooks/province_report.ipynb", str(out), "-k", kernel,
                          "-p", "province", "Đồng Nai", "-p", "year", "2019", "-p", "as_of", "2019-06-30",
                          "--no-progress-bar"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    conv = subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert conv.returncode == 0, conv.stderr[-2000:]
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    plan, executed = _plan_and_executed(province="Đồng Nai")
    text = _text(page)
    assert formats.format_money(plan, "vi") in text and formats.format_percent(executed / plan, "vi") in text
    assert "Ghi chú phương pháp" in text and "Method notes" in text  # without kceval's renderer both languages show
    assert "Traceback" not in text


# -- pieces without a kernel ------------------------------------------------------------------

def test_renderer_keeps_the_report_language_only():
    nb = nbformat.v4.new_notebook()
    vi, en = nbformat.v4.new_markdown_cell("# Tóm tắt"), nbformat.v4.new_markdown_cell("# Summary")
    vi.metadata["tags"], en.metadata["tags"] = ["vi"], ["en"]
    nb.cells = [vi, en, nbformat.v4.new_markdown_cell("## Both")]
    r = Renderer()
    for lang, keep, drop in (("vi", "Tóm tắt", "Summary"), ("en", "Summary", "Tóm tắt")):
        page = r.render(nb, lang=lang, title="t", params={}, provenance={}, synthetic=False)
        assert f">{keep}</a>" in page and drop not in page and ">Both</a>" in page
    assert [c.source for c in nb.cells] == ["# Tóm tắt", "# Summary", "## Both"]  # input untouched


def test_comparison_with_region_median_and_rank():
    from kceval.metrics import spending

    ctx = report.open_report(province="Đồng Nai", year=2019, as_of="2019-06-30", lang="en")
    # independent: execution rate of every southern province from kceval.spending.execution
    ex = spending.execution(Dataset.load().select(year=2019, region="south"), by="province", as_of="2019-06-30")
    rates = ex.set_index("province")["execution_rate"]
    rank = int((rates > rates["Đồng Nai"]).sum()) + 1  # 1 = highest
    page = report.sections.comparison_table(ctx).data
    row = re.search(r"<tr>.*?Execution rate.*?</tr>", page, flags=re.S).group(0)
    assert formats.format_percent(rates["Đồng Nai"], "en") in row
    assert formats.format_percent(rates.median(), "en") in row
    assert f"{rank} of {len(rates)}" in row
    assert "<ReportContext Đồng Nai 2019 as of 2019-06-30 (en)" in repr(ctx)


def test_open_report_names_bad_arguments():
    from kceval.errors import ParameterError

    with pytest.raises(ParameterError, match="as_of"):
        report.open_report(province="Đồng Nai", year=2019, as_of="June")
    with pytest.raises(ParameterError, match="`lang` must be one of"):
        report.open_report(province="Đồng Nai", year=2019, lang="fr")
    with pytest.raises(ParameterError, match="year"):
        report.open_report(province="Đồng Nai", year=1999)
    # as_of '' is 31 December of the year
    assert str(report.open_report(region="south", year=2019).as_of.date()) == "2019-12-31"


def test_project_titles_are_escaped(tmp_path):
    import shutil

    import pandas as pd

    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "sample", data)
    projects = pd.read_csv(data / "projects.csv", dtype=str, keep_default_na=False)
    first = projects.index[(projects["province"] == "Đồng Nai") & (projects["year"] == "2019")][0]
    projects.loc[first, "title"] = "<script>alert(1)</script> & co"
    projects.to_csv(data / "projects.csv", index=False)
    page = report.data_sections.projects_table(report.open_report(province="Đồng Nai", year=2019, data=str(data))).data
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
