"""The Dask executor against the local one: the same 20 province reports, side by side in one run.

Local: ``run_batch(..., n_jobs=2)`` (two worker processes, each with a warm kernel). Dask: a ``LocalCluster`` of two
single-threaded worker processes, started before the clock runs (as a deployment's cluster would be), and
``run_batch(..., executor="dask", scheduler=client)``. Each run renders every report (``force=True``) into a new
folder, so each pays its own data preparation; local workers start their kernels in every run, a Dask worker keeps
its kernel from one run to the next (as on a standing cluster). The runs alternate, ``--runs`` of each; the figure
is the ratio of the medians of reports per second, and every run is printed.

Run:  .venv/bin/python benchmarks/bench_dask.py [--reports 20] [--runs 2]
Goal (issue 17): the Dask executor's throughput within 20% of the local executor's.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    # imported here, after the argument parsing, so that --help answers at once
    from distributed import Client, LocalCluster

    from kceval.batch.engine import run_batch
    from kceval.batch.plan import plan_jobs
    from kceval.batch.progress import Progress

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20)
    ap.add_argument("--runs", type=int, default=2)
    a = ap.parse_args(argv)
    jobs = plan_jobs(year=2019, as_of="2019-06-30", level="province")[: a.reports]

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    t_cluster = time.perf_counter() - t0
    walls: dict[str, list[float]] = {"local": [], "dask": []}
    failed: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="kceval-dask-") as tmp:
            for i in range(a.runs):
                for name in ("local", "dask"):
                    out = Path(tmp) / f"{name}-{i}"
                    kw = dict(executor="dask", scheduler=client) if name == "dask" else dict(n_jobs=2)
                    t0 = time.perf_counter()
                    res = run_batch(jobs, out_dir=out, force=True, progress=Progress(len(jobs),
                                    stream=open(os.devnull, "w")), **kw)
                    walls[name].append(time.perf_counter() - t0)
                    failed += [f"{name}: {o.name}" for o in res if o.status != "ok"]
    finally:
        client.close()
        cluster.close()

    local, dask = statistics.median(walls["local"]), statistics.median(walls["dask"])
    print(f"{len(jobs)} province reports (2019, as of 2019-06-30), 2 workers each, median of {a.runs} runs\n")
    print(f"{'':<52}{'seconds':>10}{'reports/s':>12}")
    print(f"{'local executor (2 worker processes)':<52}{local:>10.1f}{len(jobs) / local:>12.2f}")
    print(f"{'dask executor (LocalCluster, 2 workers x 1 thread)':<52}{dask:>10.1f}{len(jobs) / dask:>12.2f}")
    print(f"{'  starting the LocalCluster (not in the figure above)':<52}{t_cluster:>10.1f}")
    print(f"each run, in order: local {', '.join(f'{t:.1f}' for t in walls['local'])} s; dask "
          f"{', '.join(f'{t:.1f}' for t in walls['dask'])} s (a Dask worker keeps its kernel from one batch to "
          "the next, as on a standing cluster)")
    ratio = local / dask
    print(f"\ndask throughput = {ratio:.0%} of local (goal ≥ 80%: {'met' if ratio >= 0.8 else 'NOT met'})")
    if failed:
        print(f"FAILED reports: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
