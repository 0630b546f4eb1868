"""The batch engine: warm kernels, incremental re-runs, fault isolation, interruption, Dask."""
import json
import re
import subprocess
import sys
from dataclasses import replace

import pytest

from kceval.batch import engine, executors, manifest, plan, progress
from kceval.dataset import Dataset
from kceval.headline.summary import base_summary
from kceval.paths import REPO_ROOT
from tests.support import PROBE_NOTEBOOK, process_running

PROBE = str(PROBE_NOTEBOOK)


def probe_jobs(*provinces, as_of="2019-06-30"):
    jobs = plan.plan_jobs(year=2019, as_of=as_of, level="province", provinces=list(provinces))
    return [replace(j, notebook=PROBE) for j in jobs]


def test_plan_jobs_names_and_levels():
    jobs = plan.plan_jobs(year=2019, as_of="2019-06-30", level="all", lang="both")
    assert len(jobs) == 2 * (1 + 3 + 63)
    names = [j.name for j in jobs]
    assert len(set(names)) == len(names)
    assert "province-dong-nai-2019-2019-06-30" in names and "province-dong-nai-2019-2019-06-30-en" in names
    assert all(n.replace("-", "").isalnum() and n.isascii() for n in names)
    # one comparison notebook serves the regions and, with an empty region, the whole country
    national = next(j for j in jobs if j.kind == "national")
    assert national.notebook == "notebooks/region_report.ipynb" and national.params["region"] == ""
    assert national.name == "national-2019-2019-06-30" and national.title == "Toàn quốc — 2019, đến 30/06/2019"
    plan.check_jobs(jobs)  # every notebook accepts its parameters, the empty region included
    with pytest.raises(Exception, match="`level` must be one of"):
        plan.plan_jobs(year=2019, level="commune")
    with pytest.raises(Exception, match="did you mean"):
        plan.plan_jobs(year=2019, provinces=["Dong Nia"])


def test_plan_jobs_for_the_present_are_per_unit_of_2025():
    jobs = plan.plan_jobs(year=2026, level="all")
    assert len(jobs) == 1 + 3 + 34 and sum(j.kind == "province" for j in jobs) == 34
    assert {j.params["as_of"] for j in jobs} == {""}  # the report takes the data's last day for a year in progress
    titles = {j.title for j in jobs if j.kind == "province"}
    assert "Huế — 2026" in titles and "Tây Ninh — 2026" in titles and "Long An — 2026" not in titles
    only = plan.plan_jobs(year=2026, provinces=["Long An", "Tây Ninh"])
    assert [j.params["province"] for j in only] == ["Tây Ninh"]  # one unit, asked for twice
    assert len(plan.plan_jobs(year=2024, level="province")) == 63
    plan.check_jobs(jobs)


def test_batch_of_2026_renders_a_unit_report(tmp_path):
    jobs = plan.plan_jobs(year=2026, level="province", provinces=["Long An"], lang="en")
    (out,) = engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1, timeout=120)
    assert out.status == "ok", out.error
    page = (tmp_path / f"{out.name}.html").read_text()
    assert "As of 30 Nov 2026, Tây Ninh" in page and "made of Tây Ninh and Long An" in page
    want = base_summary(Dataset.load(), year=2026, province="Tây Ninh")
    assert out.headline["projects"] == want["n_projects"] and out.headline["as_of"] == "2026-11-30"


def test_batch_renders_skips_unchanged_and_isolates_failures(tmp_path):
    jobs = probe_jobs("Đồng Nai", "Cà Mau", "Bình Phước", "Tây Ninh")
    out = engine.run_batch(jobs, out_dir=tmp_path, n_jobs=2, timeout=60)
    status = {o.name: o.status for o in out}
    assert status == {"province-dong-nai-2019-2019-06-30": "ok", "province-ca-mau-2019-2019-06-30": "failed",
                      "province-binh-phuoc-2019-2019-06-30": "ok", "province-tay-ninh-2019-2019-06-30": "ok"}
    # the vandalising notebooks and the failure did not leak: every ok report saw all its projects,
    # checked independently of the notebook
    ds = Dataset.load()
    for o in out:
        if o.status == "ok":
            want = base_summary(ds, year=2019, province=o.params["province"], as_of="2019-06-30")
            assert o.headline["n_projects"] == want["n_projects"] > 0
            assert o.headline["executed_vnd"] == want["executed_vnd"]
    fail = next(o for o in out if o.status == "failed")
    assert "probe failure" in fail.error
    page = (tmp_path / f"{fail.name}.html").read_text()
    assert "probe failure &lt;b&gt;escaped?&lt;/b&gt;" in page
    index = (tmp_path / "index.html").read_text()
    for o in out:
        assert f'href="{o.name}.html"' in index
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob(".*.tmp"))

    again = engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1)
    # unchanged inputs: the ok reports are skipped, the failed one is retried (and fails again)
    assert {o.name: o.status for o in again} == {**status, **{k: "cached" for k, v in status.items() if v == "ok"}}
    # nothing to render: the data are not even loaded (the job keys need only the files' hashes)
    ok_jobs = [j for j in jobs if status[j.name] == "ok"]

    def no_load(*a, **k):
        raise AssertionError("an unchanged batch loaded the data")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.Dataset, "load", no_load)
        assert {o.status for o in engine.run_batch(ok_jobs, out_dir=tmp_path, n_jobs=1)} == {"cached"}
    forced = engine.run_batch(jobs[:1], out_dir=tmp_path, n_jobs=1, force=True)
    assert forced[0].status == "ok"
    assert "failed" in progress.summary_table(out) and "province-ca-mau" in progress.summary_table(out)


def test_timeout_and_killed_kernel_are_failures_and_the_worker_recovers(tmp_path):
    jobs = probe_jobs("Bạc Liêu", "Kiên Giang", "Đồng Nai")
    # the injected faults: a cell sleeping 300 s (Bạc Liêu) and a kernel killing itself (Kiên
    # Giang). 8 s per cell tells the first from a slow machine: the probe's cells take ~0.3 s, a cold data load in a
    # fresh kernel 0.55 s on a loaded machine (the kernel's imports are its preload, before any cell).
    out = {o.params["province"]: o for o in engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1, timeout=8)}
    assert out["Bạc Liêu"].status == "failed" and "timeout" in out["Bạc Liêu"].error.lower()
    assert out["Kiên Giang"].status == "failed" and "timeout" not in out["Kiên Giang"].error.lower()
    assert out["Đồng Nai"].status == "ok"  # the same worker, with a fresh kernel


def test_interrupt_leaves_only_complete_files_and_rerun_finishes(tmp_path):
    jobs = probe_jobs("Đồng Nai", "Bình Phước", "Tây Ninh")

    def stop(o):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1, on_outcome=stop)
    htmls = sorted(p.name for p in tmp_path.glob("*.html") if not p.name.startswith("index"))
    assert len(htmls) == 1
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]
    recorded = json.loads((tmp_path / manifest.MANIFEST).read_text())
    assert list(recorded) == [htmls[0][:-5]]
    rerun = engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1)
    assert sorted(o.status for o in rerun) == ["cached", "ok", "ok"]


def test_dask_local_cluster_runs_the_same_work(tmp_path):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        out = engine.run_batch(probe_jobs("Đồng Nai", "Cà Mau"), out_dir=tmp_path, executor="dask",
                              scheduler=client)
    assert {o.params["province"]: o.status for o in out} == {"Đồng Nai": "ok", "Cà Mau": "failed"}
    assert (tmp_path / "province-dong-nai-2019-2019-06-30.html").exists()
    assert (tmp_path / "index.html").exists()


def test_the_fork_server_limits_blas_to_one_thread_before_numpy_is_loaded():
    # BLAS reads its thread count when numpy is loaded; every worker and kernel forked from the fork server keeps
    # it. An import of kceval.batch.worker first (which loads numpy) left it at one thread a core (found by review)
    code = """
import os, sys
NAMES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for k in NAMES:
    os.environ.pop(k, None)
seen = {}
class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy":
            seen.setdefault("env", [os.environ.get(k) for k in NAMES])
sys.meta_path.insert(0, Spy())
import kceval.batch.preload
print(seen["env"])
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert run.stdout.split("\n")[-2] == "['1', '1', '1']", run.stdout + run.stderr


def test_unpickling_the_first_task_imports_what_later_tasks_need():
    # a Dask worker unpickles the next job in its event loop thread while the warm task builds the renderer in
    # another: two threads importing kceval.io and one of its submodules at once failed with "cannot import name
    # 'import_summary' from partially initialized module 'kceval.io.read'" (the test above, under load). Unpickling
    # the first task (warm, run_job: kceval.batch.worker) now imports the job's modules, in one thread
    dump = ("import sys, pickle\nfrom kceval.batch.plan import plan_jobs\n"
            "sys.stdout.buffer.write(pickle.dumps(plan_jobs(year=2019, level='province')[0]))")
    job = subprocess.run([sys.executable, "-c", dump], capture_output=True, check=True, cwd=REPO_ROOT).stdout
    load = ("import sys, pickle, kceval.batch.worker\nbefore = set(sys.modules)\n"
            "pickle.loads(sys.stdin.buffer.read())\n"
            "print(sorted(m for m in set(sys.modules) - before if m.startswith('kceval')))")
    run = subprocess.run([sys.executable, "-c", load], input=job, capture_output=True, check=True, cwd=REPO_ROOT)
    assert run.stdout.decode().strip() == "[]", run.stdout


def test_a_worker_renders_without_rfc3987_syntax_and_nbformat_still_validates():
    # a worker blocks the import of rfc3987_syntax (0.7 s of grammar building, through jsonschema); nbformat,
    # which checks no string format, must validate as before in such a process
    code = """
import sys
from kceval.batch import worker
worker.prepare_renderer()
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
nbformat.validate(nb)
nb.cells[0]["execution_count"] = "one"
try:
    nbformat.validate(nb)
    print("accepted")
except nbformat.ValidationError:
    print("refused", sys.modules.get("rfc3987_syntax", "absent"))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert run.stdout.split() == ["refused", "None"], run.stderr


def test_workers_and_their_kernels_see_the_environment_of_the_batch_not_of_an_earlier_one(tmp_path, monkeypatch):
    # workers come from a fork server started by the first batch of the process: the environment must still be
    # the batch process's own at each batch, as it is for a spawned worker
    jobs = probe_jobs("Đồng Nai")
    monkeypatch.delenv("KCEVAL_PROBE", raising=False)
    engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1, force=True)
    assert "probe: \n" in (tmp_path / f"{jobs[0].name}.ipynb").read_text(encoding="utf-8").replace('\\n', '\n')
    monkeypatch.setenv("KCEVAL_PROBE", "set after the first batch")
    engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1, force=True)
    assert "probe: set after the first batch" in (tmp_path / f"{jobs[0].name}.ipynb").read_text(encoding="utf-8")


def _kernel_pids(out_dir):
    return [int(m) for p in out_dir.glob("*.ipynb") for m in re.findall(r"kernel pid: (\d+)", p.read_text("utf-8"))]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_batch_shuts_its_kernels_down_before_it_returns(tmp_path):
    # a worker forked by the fork server ends without atexit: its kernel is shut down by a multiprocessing
    # finalizer, not left to notice its parent is gone (and to leave its connection file behind)
    engine.run_batch(probe_jobs("Đồng Nai", "Cà Mau", "Tây Ninh"), out_dir=tmp_path, n_jobs=2, force=True)
    pids = _kernel_pids(tmp_path)
    assert pids and not [p for p in pids if process_running(p)]


def test_workers_with_other_kceval_code_than_the_batch_are_not_used(tmp_path, monkeypatch):
    # a fork server imports kceval once: from another folder (its working directory first on its path), or before
    # an edit, its workers would render with code the reports' keys do not describe. Then they are spawned.
    monkeypatch.setattr(executors, "_SPAWN_ONLY", [])
    monkeypatch.setattr(executors, "code_identity", lambda: ("/elsewhere/kceval", "0" * 64))
    (out,) = engine.run_batch(probe_jobs("Đồng Nai"), out_dir=tmp_path, n_jobs=1, force=True)
    assert out.status == "ok"
    assert executors._SPAWN_ONLY == [True] and executors.worker_context().get_start_method() == "spawn"
