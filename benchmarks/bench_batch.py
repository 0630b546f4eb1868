"""Batch vs the naive way: 20 province reports, same notebooks, same data, in one run.

Naive: for each report, the papermill CLI then the nbconvert CLI (a new process, a new kernel,
the heavy imports, the data load and validation, the HTML template, every time).
Batch: ``kceval.batch.engine.run_batch``: workers from a fork server (started in the run), each forking its warm
kernel, one renderer per worker, the data cache.
Also printed: the mean in-kernel cell execution time per report (from papermill's per-cell
durations) and the batch overhead beyond it per report (warm: each worker's first report,
which pays for the kernel's first data load, is left out), and where the CPU went (Linux): the
batch process, the fork server, the workers and the kernels.

Run:  .venv/bin/python benchmarks/bench_batch.py [--reports 20] [--jobs 2] [--naive N]
Goals (DESIGN.md §6, issue 17; 2 cores): batch ≥ 20× faster than naive; overhead ≤ 0.3 s per report;
start-up until the first report starts ≤ 3 s; notebook cells ≤ 0.5 s per report (warm).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def cell_seconds(ipynb: Path) -> float:
    """Sum of papermill's recorded per-cell execution durations."""
    return sum(cell_split(ipynb).values())


def cell_split(ipynb: Path) -> dict[str, float]:
    """papermill's per-cell durations summed by what a cell does: figures (``plots.``), tables, the rest."""
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    out = {"figures": 0.0, "tables": 0.0, "headline, sentences, the rest": 0.0}
    for c in nb["cells"]:
        d = float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0)
        src = "".join(c.get("source", ""))
        kind = "figures" if "plots." in src else "tables" if "table" in src else "headline, sentences, the rest"
        out[kind] += d
    return out


class CpuBySide:
    """CPU seconds of this process and its descendants while a batch runs, by what they are (Linux: /proc).

    Sampled every 0.1 s (a process's last 0.1 s before it exits may be missed): the batch process, the fork
    server, the workers (its children, or spawned ones) and the kernels (the workers' children).
    """

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self) -> None:
        self.seen: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _children(pid: int) -> list[int]:
        out: list[int] = []
        try:
            for t in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{t}/children", encoding="ascii") as fh:
                    out += [int(x) for x in fh.read().split()]
        except OSError:
            pass
        return out

    def _cpu(self, pid: int) -> float | None:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / self.TICK
        except (OSError, IndexError, ValueError):
            return None

    def _run(self) -> None:
        me = os.getpid()
        while not self.stop.is_set():
            todo = [(me, "batch process")]
            while todo:
                pid, side = todo.pop()
                cpu = self._cpu(pid)
                if cpu is not None:
                    self.seen[pid] = (side, cpu)
                for child in self._children(pid):
                    try:
                        with open(f"/proc/{child}/cmdline", "rb") as fh:
                            cmd = fh.read()
                    except OSError:
                        continue
                    kid = ("fork server" if b"forkserver import main" in cmd and side == "batch process"
                           else "resource tracker" if b"resource_tracker" in cmd
                           else "worker" if side in ("fork server", "batch process") else "kernel")
                    todo.append((child, kid))
            self.stop.wait(0.1)

    def __enter__(self) -> CpuBySide:
        self.start = self._cpu(os.getpid()) or 0.0
        if os.path.isdir("/proc"):
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()

    def by_side(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for side, cpu in self.seen.values():
            out[side] = out.get(side, 0.0) + cpu
        if "batch process" in out:  # its imports before the clock started are not the batch's
            out["batch process"] -= self.start
        return out


def naive(jobs, out: Path, kernel: str) -> tuple[float, list[float]]:
    out.mkdir(parents=True, exist_ok=True)
    cells, t0 = [], time.perf_counter()
    for j in jobs:
        nb = out / f"{j.name}.ipynb"
        args = [str(BIN / "papermill"), j.notebook, str(nb), "-k", kernel, "--no-progress-bar"]
        for k, v in j.params.items():
            args += ["-p", k, str(v)]
        subprocess.run(args, cwd=REPO, check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
                       cwd=REPO, check=True, capture_output=True)
        cells.append(cell_seconds(nb))
    return time.perf_counter() - t0, cells


def main(argv=None) -> int:
    # imported here, after the argument parsing, so that --help answers at once
    from kceval.batch.engine import run_batch
    from kceval.batch.plan import plan_jobs
    from kceval.batch.progress import Progress
    from kceval.render.kernels import default_kernel_name

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--naive", type=int, default=None, help="naive reports to run (default: all)")
    a = ap.parse_args(argv)

    jobs = plan_jobs(year=2019, as_of="2019-06-30", level="province")[: a.reports]
    jobs = [replace(j, notebook=str(REPO / j.notebook), params={k: v for k, v in j.params.items() if k != "data"})
            for j in jobs]
    kernel = default_kernel_name()
    with tempfile.TemporaryDirectory(prefix="kceval-bench-") as tmp:
        tmp = Path(tmp)
        n_naive = a.naive or len(jobs)
        print(f"{len(jobs)} province reports (2019, as of 2019-06-30), kernel {kernel!r}, {a.jobs} workers\n")
        t_naive, naive_cells = naive(jobs[:n_naive], tmp / "naive", kernel)
        per_naive = t_naive / n_naive

        starts: list[float] = []
        with CpuBySide() as cpu:
            t0 = time.perf_counter()
            out = run_batch(jobs, out_dir=tmp / "batch", n_jobs=a.jobs, force=True,
                            progress=Progress(len(jobs), stream=open(os.devnull, "w")),
                            on_outcome=lambda o: starts.append(time.perf_counter() - o.seconds - t0))
            t_batch = time.perf_counter() - t0
        failed = [o.name for o in out if o.status != "ok"]
        cells = {o.name: cell_seconds(tmp / "batch" / f"{o.name}.ipynb") for o in out}
        # a worker's first report pays for its kernel's first data load: leave those out ("warm")
        firsts = {o.name for o in sorted(out, key=lambda o: -cells[o.name])[: a.jobs]} if len(out) > a.jobs else set()
        warm = [o for o in out if o.name not in firsts]
        overhead = [o.seconds - cells[o.name] for o in warm]
        split = [cell_split(tmp / "batch" / f"{o.name}.ipynb") for o in warm]

    naive_equiv = per_naive * len(jobs)
    speedup = naive_equiv / t_batch
    print(f"{'':<44}{'seconds':>10}")
    print(f"{'naive: papermill CLI + nbconvert CLI, total':<44}{naive_equiv:>10.1f}"
          + ("" if n_naive == len(jobs) else f"   ({n_naive} run, {per_naive:.2f} s each, scaled)"))
    print(f"{'naive: per report':<44}{per_naive:>10.2f}")
    print(f"{'batch: total (data prep, kernels, 2 workers)':<44}{t_batch:>10.1f}")
    print(f"{'batch: per report (wall / reports)':<44}{t_batch / len(jobs):>10.2f}")
    print(f"{'batch: start-up until the first report starts':<44}{min(starts):>10.2f}")
    print(f"{'notebook cell time per report, mean':<44}{statistics.mean(cells.values()):>10.2f}")
    print(f"{'notebook cell time per report, warm, median':<44}{statistics.median(cells[o.name] for o in warm):>10.2f}")
    for kind in split[0]:
        print(f"{'  of which ' + kind + ', median':<44}{statistics.median(x[kind] for x in split):>10.2f}")
    print(f"{'naive notebook cell time per report, mean':<44}{statistics.mean(naive_cells):>10.2f}")
    print(f"{'batch overhead beyond cells, warm, median':<44}{statistics.median(overhead):>10.3f}")
    print(f"{'batch overhead beyond cells, warm, max':<44}{max(overhead):>10.3f}")
    sides = cpu.by_side()
    if sides:
        print(f"\n{'CPU seconds of the batch, by side (/proc)':<44}{'seconds':>10}")
        for side in ("batch process", "fork server", "worker", "kernel", "resource tracker"):
            if side in sides:
                name = "  " + side + ("s, together" if side in ("worker", "kernel") else "")
                print(f"{name:<44}{sides[side]:>10.2f}")
        total = sum(sides.values())
        print(f"{'  all (of ' + f'{a.jobs * t_batch:.1f}' + ' core-seconds)':<44}{total:>10.2f}")
    warm_cells = statistics.median(cells[o.name] for o in warm)
    print(f"\nspeed-up: {speedup:.1f}x (goal ≥ 20x: {'met' if speedup >= 20 else 'NOT met'}); "
          f"overhead {statistics.median(overhead):.3f} s per report (goal ≤ 0.3 s: "
          f"{'met' if statistics.median(overhead) <= 0.3 else 'NOT met'}); start-up {min(starts):.2f} s (goal ≤ 3 s: "
          f"{'met' if min(starts) <= 3 else 'NOT met'}); warm cells {warm_cells:.2f} s per report (goal ≤ 0.5 s: "
          f"{'met' if warm_cells <= 0.5 else 'NOT met'})")
    if failed:
        print(f"FAILED reports: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
