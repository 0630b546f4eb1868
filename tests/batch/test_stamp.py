"""An unchanged `kceval batch` answered from its stamp: only when every input and output still holds.

Each test writes a stamp for a small fake batch (a data folder, two report files, an index), then
changes one thing a report depends on and checks that the command goes back to the engine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kceval.batch import stamp
from kceval.batch.manifest import Outcome
from kceval.paths import REPO_ROOT, SAMPLE_DIR

NOTEBOOK = "notebooks/region_report.ipynb"


@pytest.fixture
def batch(tmp_path, monkeypatch):
    """A data folder, an out folder with two reports and an index, and the stamp of the command."""
    monkeypatch.chdir(tmp_path)
    for k in [k for k in os.environ if k.startswith("KCEVAL_")]:
        monkeypatch.delenv(k)
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.html", "b.html", "index.html"):
        (out / name).write_text(f"<p>{name}</p>")
    argv = ["--year", "2019", "--data", str(data), "--out", str(out)]
    stamp.write_stamp(argv, out, data=str(data), notebooks=[NOTEBOOK], regions="", links=["a.html", "b.html"])
    return argv, data, out


def test_an_unchanged_command_is_answered_with_the_engines_summary(batch):
    argv, _, out = batch
    said = stamp.unchanged(argv)
    assert said == f"2 reports: 0 rendered, 2 unchanged (cached), 0 failed\nindex: {out / 'index.html'}"
    assert stamp.unchanged(["--out=" + str(out), *argv[:4]]) is None  # other arguments: another command's stamp


CHANGES = {
    "a data file edited": lambda data, out: (data / "plans.csv").write_bytes((data / "plans.csv").read_bytes() + b"\n"),
    "a data file added": lambda data, out: (data / "more.csv").write_text("x\n"),
    "a data file removed": lambda data, out: (data / "events.csv").unlink(),
    "a report rewritten": lambda data, out: (out / "a.html").write_text("<p>another</p>"),
    "a report removed": lambda data, out: (out / "b.html").unlink(),
    "the index removed": lambda data, out: (out / "index.html").unlink(),
    "the stamp unreadable": lambda data, out: next((out / ".cache" / "commands").iterdir()).write_text("{"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_sends_the_command_to_the_engine(batch, change):
    argv, data, out = batch
    CHANGES[change](data, out)
    assert stamp.unchanged(argv) is None


def test_kcevals_code_and_the_environment_are_inputs_too(batch, monkeypatch, tmp_path):
    argv, _, _ = batch
    code = tmp_path / "code.py"
    code.write_text("x = 1\n")
    real = stamp.source_files()
    monkeypatch.setattr(stamp, "source_files", lambda: [*real, code])
    assert stamp.unchanged(argv) is None  # a new source file
    monkeypatch.setattr(stamp, "source_files", lambda: real)
    monkeypatch.setenv("KCEVAL_CACHE_DIR", str(tmp_path))
    assert stamp.unchanged(argv) is None
    monkeypatch.delenv("KCEVAL_CACHE_DIR")
    assert stamp.unchanged(argv) is not None
    monkeypatch.chdir(tmp_path / "data")  # relative paths would mean other files
    assert stamp.unchanged(argv) is None


@pytest.mark.parametrize("extra", [["--force"], ["--xlsx", "x"], ["--pdf"], ["--ou", "out"], ["--help"]])
def test_options_that_do_work_or_that_it_cannot_read_go_to_the_engine(batch, extra):
    argv, _, out = batch
    stamp.write_stamp([*argv, *extra], out, data=argv[3], notebooks=[NOTEBOOK], regions="", links=["a.html"])
    assert stamp.unchanged([*argv, *extra]) is None


def test_the_options_it_answers_for_are_the_batch_options_that_only_choose():
    from kceval.cli import _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    options = {s for a in sub.choices["batch"]._actions for s in a.option_strings}
    assert stamp.QUICK_OPTIONS == options - {"-h", "--help", "--force", "--xlsx", "--pdf"}


def fake_run_batch(jobs, *, out_dir, **kwargs):
    """The engine's outcomes without kernels: each report a small file."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    outs = []
    for j in jobs:
        link = f"{j.name}.html"
        (Path(out_dir) / link).write_text(j.name)
        outs.append(Outcome(j.name, j.kind, j.name, "ok", None, 0.0, dict(j.params), link=link))
    (Path(out_dir) / "index.html").write_text("index")
    return outs


def test_the_command_writes_its_stamp_and_an_unchanged_rerun_does_not_reach_the_parser(capsys, monkeypatch,
                                                                                          tmp_path):
    from kceval import cli

    monkeypatch.setattr("kceval.batch.engine.run_batch", fake_run_batch)
    args = ["batch", "--year", "2019", "--level", "region", "--out", str(tmp_path / "out")]
    assert cli.main(args) == 0 and "3 reports: 3 rendered" in capsys.readouterr().out

    def no_parser():
        raise AssertionError("the parser was built for an unchanged batch")

    monkeypatch.setattr(cli, "_parser", no_parser)
    assert cli.main(args) == 0
    assert capsys.readouterr().out.startswith("3 reports: 0 rendered, 3 unchanged (cached), 0 failed\n")


def test_a_failed_report_leaves_no_stamp(monkeypatch, tmp_path):
    from kceval import cli

    def failing(jobs, **kwargs):
        return [Outcome(o.name, o.kind, o.title, "failed", "boom", 0.0, o.params, link=o.link)
                for o in fake_run_batch(jobs, **kwargs)]

    monkeypatch.setattr("kceval.batch.engine.run_batch", failing)
    out = tmp_path / "out"
    assert cli.main(["batch", "--year", "2019", "--level", "national", "--out", str(out)]) == 1
    assert not (out / ".cache" / "commands").exists()


def test_an_unchanged_batch_imports_neither_pandas_nor_papermill(batch):
    argv, _, _ = batch
    code = ("import sys; from kceval.cli import main; rc = main(['batch', *sys.argv[1:]]); "
            "print(rc, sorted(m for m in ('pandas', 'papermill', 'nbformat') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True,
                         cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert run.stdout.splitlines()[-1] == "0 []", run.stdout + run.stderr
