"""The explorer in a real JupyterLab, driven in headless Chromium with the network blocked (only the local server
answers): explore.ipynb opens, its explorer cell shows the controls and the headline figures, and choosing
another province in the dropdown changes the figures in place, with no cell run again.

Reference: the headline figures of the two provinces from :func:`kceval.headline.summary.summary`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from kceval.dataset import Dataset
from kceval.display.formats import format_percent
from kceval.headline.summary import summary
from tests.render.test_browser import browser  # noqa: F401  (a fixture)
from tests.support import REPO

TOKEN = "kceval-test-token"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(REPO / "notebooks" / "explore.ipynb", root / "explore.ipynb")
    runtime = root / ".runtime"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(root / ".config"),
           "IPYTHONDIR": str(root / ".ipython"), "PYTHONPATH": str(REPO)}
    log = open(root / "lab.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--ServerApp.allow_root=True"],  # CI runs as root
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = None
        for _ in range(600):  # the server writes its address to the runtime folder once it listens
            found = list(runtime.glob("jpserver-*.json")) if runtime.exists() else []
            if found:
                url = json.loads(found[0].read_text())["url"]
                try:
                    urllib.request.urlopen(f"{url}api/status?token={TOKEN}", timeout=5)
                    break
                except OSError:
                    pass
            if proc.poll() is not None:
                break
            time.sleep(0.2)
        assert url and proc.poll() is None, (root / "lab.log").read_text()[-2000:]
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_the_explorer_updates_its_figures_in_jupyterlab(browser, lab):  # noqa: F811
    ds = Dataset.load()
    first = summary(ds, year=2019, province="Đồng Nai", as_of="2019-06-30")
    second = summary(ds, year=2019, province="Bình Phước", as_of="2019-06-30")
    assert format_percent(first["execution_rate"], "vi") != format_percent(second["execution_rate"], "vi")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked = []

    def route(r):
        if r.request.url.startswith((lab, "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(f"{lab}lab/tree/explore.ipynb?token={TOKEN}", timeout=120_000)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=120_000)
    # run the parameters cell and the explorer cell (the tour below is not needed)
    page.evaluate("""async () => {
        const app = window.jupyterapp, panel = app.shell.currentWidget;
        await panel.sessionContext.ready;
        for (const i of [0, 2]) {
            panel.content.activeCellIndex = i;
            await app.commands.execute('notebook:run-cell');
        }
    }""")
    value = page.locator(".kc-explorer .kc-card-value").first
    value.wait_for(timeout=180_000)
    page.wait_for_function("document.querySelector('.kc-explorer-title') !== null", timeout=60_000)
    assert "Đồng Nai" in page.text_content(".kc-explorer-title")
    assert value.text_content() == format_percent(first["execution_rate"], "vi")
    assert page.locator(".kc-explorer img").count() >= 1  # the figure is drawn

    page.locator(".kc-explorer .widget-dropdown select").first.select_option(label="Bình Phước")
    page.wait_for_function("document.querySelector('.kc-explorer-title').textContent.includes('Bình Phước')",
                           timeout=120_000)
    # the title and the cards are separate outputs: on a loaded machine the cards may be drawn a moment later
    want = format_percent(second["execution_rate"], "vi")
    page.wait_for_function("w => document.querySelector('.kc-explorer .kc-card-value').textContent === w",
                           arg=want, timeout=60_000)
    assert value.text_content() == want
    assert page.evaluate("window.jupyterapp.shell.currentWidget.content.widgets[2].model.executionCount") == 2
    page.close()
