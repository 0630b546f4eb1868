"""Where a batch's reports are rendered: local worker processes, or the workers of a Dask cluster.

Both run :func:`kceval.batch.worker.run_job` and hand each result to ``collect`` in the batch
process, which alone writes files.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import time
from collections.abc import Callable
from typing import Any

from .plan import Job
from .worker import init_worker, run_job

Collect = Callable[[Job, dict[str, Any]], None]


def run_local(todo: list[Job], collect: Collect, *, n_jobs: int, timeout: int, max_uses: int, cache_env: str) -> None:
    n = max(1, min(n_jobs, len(todo)))
    ctx = mp.get_context("spawn")  # no inherited zmq/matplotlib state from this process
    with cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=init_worker,
                                initargs=(cache_env, max_uses)) as ex:
        futs = {ex.submit(run_job, j, timeout=timeout, max_uses=max_uses, cache_env=cache_env): j for j in todo}
        try:
            for f in cf.as_completed(futs):
                collect(futs[f], f.result())
        except BaseException:
            for f in futs:
                f.cancel()
            raise


def run_dask(todo: list[Job], collect: Collect, *, scheduler: Any, timeout: int, max_uses: int) -> None:
    """Send the jobs to a Dask scheduler (an address, or a Client or LocalCluster) and collect the results."""
    # deferred: distributed costs 0.2 s to import, and only --executor dask needs it
    from distributed import Client, as_completed

    own = isinstance(scheduler, str)
    client = Client(scheduler) if own else (scheduler if hasattr(scheduler, "submit") else Client(scheduler))
    try:
        futs = {
            client.submit(
                run_job, j, timeout=timeout, max_uses=max_uses, pure=False, key=f"kceval-{j.name}-{time.time_ns()}"
            ): j
            for j in todo
        }
        for f in as_completed(list(futs)):
            collect(futs[f], f.result())
    finally:
        if own:
            client.close()
