"""Nothing wrong, nothing lost: a batch under injected faults.

Each fault (a worker killed, a full disk, a second batch, a symbolic link leading out, Ctrl-C)
is checked the same way: every file present is complete, the index lists exactly the reports on
disk, the statuses (or the error) tell the truth, and a re-run finishes the rest.
"""
import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import nbformat as nbf
import pytest

from kceval.batch import engine, manifest, plan
from kceval.errors import OutputError, ParameterError
from kceval.paths import write_atomic
from kceval.render.names import safe_output_path
from tests.support import REPO

FAULT_CELL = """\
import os, signal, time
from kceval.report import emit_headline
mode = {faults!r}.get(province, "")
if mode == "kill-worker":
    # the kernel's parent is the batch worker: kill it, but never a test runner or a shell
    ppid = os.getppid()
    with open(f"/proc/{{ppid}}/cmdline", "rb") as fh:
        if b"multiprocessing" in fh.read():
            os.kill(ppid, signal.SIGKILL)
            os._exit(1)
if mode == "slow":
    open({flag!r} + ".started", "w").close()  # the test interrupts only once a slow cell is running
    for _ in range(1500):  # wait while the flag exists; a hang guard of ~5 minutes, no clock read
        if not os.path.exists({flag!r}):
            break
        time.sleep(0.2)
emit_headline({{"projects": 1}})
print(province, mode)"""


def fault_notebook(folder: Path, faults: dict[str, str], flag: Path | None = None) -> Path:
    """A tiny province notebook whose behaviour depends on the province: ``faults`` maps a province to
    'kill-worker' (SIGKILL the batch worker running the kernel) or 'slow' (wait while ``flag`` exists)."""
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbf.v4.new_code_cell(
        'province: str = "Đồng Nai"  # province to report on\n'
        "year: int = 2019  # plan year\n"
        'as_of: str = ""  # cut-off date YYYY-MM-DD\n'
        'data: str = ""  # data folder (empty: bundled sample)\n'
        'lang: str = "vi"  # report language: vi or en')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbf.v4.new_code_cell(FAULT_CELL.format(faults=faults, flag=str(flag or "")))]
    path = folder / "fault_report.ipynb"
    nbf.write(nb, path)
    return path


def fault_jobs(nb: Path, *provinces: str) -> list[plan.Job]:
    jobs = plan.plan_jobs(year=2019, as_of="2019-06-30", level="province", provinces=list(provinces))
    return [replace(j, notebook=str(nb)) for j in jobs]


def report_files(out: Path) -> set[str]:
    """Report pages on disk: regular files, not links, not the index pages."""
    return {p.name for p in out.glob("*.html")
            if not p.is_symlink() and p.is_file() and not p.name.startswith("index")}


def assert_consistent(out: Path) -> None:
    """Every file present is complete, no temporary file is left, the index lists exactly what is on disk."""
    for p in out.iterdir():
        assert ".tmp" not in p.name, f"temporary file left: {p}"
    for p in out.glob("*.html"):
        if not p.is_symlink():
            assert p.read_text(encoding="utf-8").rstrip().endswith("</html>"), f"incomplete: {p}"
    for name in ("index.html", "index-en.html"):
        links = set(re.findall(r'href="([^"]+)"', (out / name).read_text(encoding="utf-8")))
        assert links == report_files(out), name
    recorded = json.loads((out / manifest.MANIFEST).read_text(encoding="utf-8"))
    assert {o["link"] for o in recorded.values() if o["link"]} == report_files(out)


def test_a_killed_worker_fails_its_report_and_the_batch_attempts_every_other(tmp_path):
    provinces = ["Hà Giang", "Bình Phước", "Tây Ninh", "Đồng Nai", "Long An"]
    nb = fault_notebook(tmp_path, {"Tây Ninh": "kill-worker"})
    jobs = fault_jobs(nb, *provinces)
    out = tmp_path / "out"
    res = engine.run_batch(jobs, out_dir=out, n_jobs=2, timeout=60)
    status = {o.params["province"]: o.status for o in res}
    assert status == {p: "failed" if p == "Tây Ninh" else "ok" for p in provinces}
    dead = next(o for o in res if o.status == "failed")
    assert "worker process rendering this report died" in dead.error and "killed by SIGKILL" in dead.error
    page = (out / dead.link).read_text(encoding="utf-8")
    assert "worker process rendering this report died" in page  # the failed report's page says why
    assert_consistent(out)
    assert report_files(out) == {f"{j.name}.html" for j in jobs}

    again = engine.run_batch(jobs, out_dir=out, n_jobs=1, timeout=60)
    assert {o.params["province"]: o.status for o in again} == {p: "failed" if p == "Tây Ninh" else "cached"
                                                               for p in provinces}
    assert_consistent(out)


def test_a_full_disk_stops_with_a_clear_error_keeps_finished_reports_and_a_rerun_finishes(tmp_path, monkeypatch):
    nb = fault_notebook(tmp_path, {})
    jobs = fault_jobs(nb, "Hà Giang", "Bình Phước", "Tây Ninh")
    out = tmp_path / "out"
    full = f"{jobs[1].name}.html"

    def writer(path, data):
        if Path(path).name == full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return write_atomic(path, data)

    monkeypatch.setattr(engine, "write_atomic", writer)
    with pytest.raises(OutputError, match=rf"no space left on device writing .*{full}: free some space in "
                                          rf"{re.escape(str(out))} and re-run; finished reports are kept"):
        engine.run_batch(jobs, out_dir=out, n_jobs=1, timeout=60)
    assert f"{jobs[0].name}.html" in report_files(out)  # one worker: the first report was done before
    assert full not in report_files(out)
    assert_consistent(out)
    assert not (out / engine.LOCK).exists()

    monkeypatch.setattr(engine, "write_atomic", write_atomic)  # space freed
    again = engine.run_batch(jobs, out_dir=out, n_jobs=1, timeout=60)
    assert [o.status for o in again][:2] == ["cached", "ok"] and again[2].status in ("ok", "cached")
    assert_consistent(out)
    assert report_files(out) == {f"{j.name}.html" for j in jobs}


def test_a_second_batch_into_the_same_folder_refuses_and_a_stale_lock_is_taken_over(tmp_path, capsys):
    from kceval.cli import main

    out = tmp_path / "out"
    out.mkdir()
    lock = out / engine.LOCK
    held = f"{os.getpid()} {socket.gethostname()}\n"  # this test process plays the running batch
    lock.write_text(held)
    nb = fault_notebook(tmp_path, {})
    jobs = fault_jobs(nb, "Đồng Nai")
    with pytest.raises(OutputError, match=rf"another batch \(process {os.getpid()} .*is writing into"):
        engine.run_batch(jobs, out_dir=out, n_jobs=1)
    # the CLI maps the refusal to exit 1 with the message
    assert main(["batch", "--year", "2019", "--level", "province", "--province", "Đồng Nai",
                 "--out", str(out)]) == 1
    assert "another batch" in capsys.readouterr().err
    # the refused batches wrote nothing and left the lock of the running one alone
    assert sorted(p.name for p in out.iterdir()) == [engine.LOCK] and lock.read_text() == held

    gone = subprocess.Popen(["true"])
    gone.wait()  # reaped: its pid names no process
    lock.write_text(f"{gone.pid} {socket.gethostname()}\n")
    res = engine.run_batch(jobs, out_dir=out, n_jobs=1, timeout=60)
    assert [o.status for o in res] == ["ok"]
    assert f"taking over the lock {lock} left by process {gone.pid}" in capsys.readouterr().err
    assert not lock.exists()  # released at the end
    assert_consistent(out)


def test_symbolic_links_in_the_output_folder_are_never_written_through(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.html").write_text("precious")
    nb = fault_notebook(tmp_path, {})
    jobs = fault_jobs(nb, "Hà Giang", "Bình Phước")
    out = tmp_path / "out"
    out.mkdir()
    linked = out / f"{jobs[1].name}.html"
    linked.symlink_to(outside / "precious.html")

    res = engine.run_batch(jobs, out_dir=out, n_jobs=1, timeout=60)
    assert [o.status for o in res] == ["ok", "failed"]
    assert "is a symbolic link" in res[1].error and str(linked) in res[1].error and res[1].link == ""
    assert linked.is_symlink() and (outside / "precious.html").read_text() == "precious"
    assert_consistent(out)
    assert report_files(out) == {f"{jobs[0].name}.html"}

    # a linked cache folder: refused before any kernel starts
    cache = out / ".cache"
    shutil.rmtree(cache)
    cache.symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match=r"\.cache is a symbolic link .*never writes through a link"):
        engine.run_batch(jobs, out_dir=out, n_jobs=1, force=True)
    assert sorted(p.name for p in outside.iterdir()) == ["precious.html"]  # nothing written outside
    assert_consistent(out)


def test_ctrl_c_exits_130_cleanly_with_complete_files_and_a_rerun_finishes(tmp_path):
    flag = tmp_path / "slow-while-this-exists"
    flag.touch()
    jobs0 = fault_jobs(Path("x.ipynb"), "Hà Giang", "Bình Phước", "Tây Ninh")  # plan order: Hà Giang first
    nb = fault_notebook(tmp_path, {p: "slow" for p in ("Bình Phước", "Tây Ninh")}, flag=flag)
    out = tmp_path / "out"
    # the CLI, with the province notebook swapped for the fault notebook, and Ctrl-C as a terminal has it:
    # a suite started in the background of a script inherits SIGINT ignored, and so would the batch
    code = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "import kceval.batch.plan as p; p.NOTEBOOKS['province'] = sys.argv[1]; "
            "from kceval.cli import main; sys.exit(main(sys.argv[2:]))")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(nb), "batch", "--year", "2019", "--as-of", "2019-06-30", "--level",
         "province", "--province", "Hà Giang", "Bình Phước", "Tây Ninh", "--out", str(out), "--jobs", "1"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"})  # a hang below shows every thread's stack
    first = out / f"{jobs0[0].name}.html"
    started = Path(str(flag) + ".started")
    try:
        # wait for the first report and for the slow second one to be running (a Ctrl-C between two
        # cells is not what this test is about); no timing assertion: a hang guard only
        while not (first.exists() and started.exists()):
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        try:
            stdout, stderr = proc.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGABRT)  # faulthandler prints where each process is stuck
            raise AssertionError("the batch did not stop after Ctrl-C:\n" + proc.communicate()[1]) from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "interrupted; finished files are complete" in stderr
    assert "Traceback" not in stderr and "Task exception was never retrieved" not in stderr, stderr
    assert_consistent(out)
    assert first.name in report_files(out) and len(report_files(out)) < 3
    assert not (out / engine.LOCK).exists()

    flag.unlink()  # the slow reports are quick now
    again = engine.run_batch(fault_jobs(nb, "Hà Giang", "Bình Phước", "Tây Ninh"), out_dir=out, n_jobs=1,
                             timeout=60)
    # the first report is 'cached' unless kceval's source changed since (part of the key): either is right
    assert [o.status in ("ok", "cached") for o in again] == [True, True, True]
    assert [o.status for o in again][1:] == ["ok", "ok"]
    assert_consistent(out)
    assert len(report_files(out)) == 3


def test_safe_output_path_refuses_a_link_even_to_a_file_inside(tmp_path):
    (tmp_path / "b.html").write_text("b")
    (tmp_path / "a.html").symlink_to(tmp_path / "b.html")
    with pytest.raises(ParameterError, match="must not be a symbolic link"):
        safe_output_path(tmp_path, "a.html")
    assert safe_output_path(tmp_path, "b.html") == (tmp_path / "b.html").resolve()
