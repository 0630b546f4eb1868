"""Where a batch's reports are rendered: local worker processes, or the workers of a Dask cluster.

Both run :func:`kceval.batch.worker.run_job` and hand each result to ``collect`` in the batch
process, which alone writes files.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from pathlib import Path
from typing import Any

from .plan import Job
from .worker import code_identity, failed_result, init_worker, run_job, started, warm

PRELOAD = "kceval.batch.preload"
Collect = Callable[[Job, dict[str, Any]], None]


# after this many pool breaks that no report can be blamed for, the remaining reports are failed
MAX_UNEXPLAINED_BREAKS = 2
WORKER_DIED = ("the worker process rendering this report died ({how}); the other reports went on. "
               "Re-run to try it again")


def run_local(todo: list[Job], collect: Collect, *, n_jobs: int, timeout: int, max_uses: int, cache_env: str,
              ready: Callable[[], object] | None = None) -> None:
    """Render ``todo`` in ``n_jobs`` worker processes, handing each result to ``collect`` as it comes.

    ``ready`` (the data preparation) runs in this process while a new fork server imports what the
    workers and kernels need (:mod:`.preload`); the workers are forked when it returns, each forking its
    kernel. Where there is no fork server (or it has other kceval code than this process: another folder,
    or an edit since it started), workers are spawned and import everything themselves.

    A worker that dies (``kill -9``, out of memory, a segfault) breaks a ``ProcessPoolExecutor``
    for every job in it. Then the report that worker was rendering (named by its marker file,
    see :mod:`.worker`) is failed, and the reports not finished are sent to a new pool: every
    report is attempted. On any exception here or in ``collect`` (Ctrl-C, a full disk) the
    workers are stopped (they kill their kernels) before the exception goes on.
    """
    remaining = list(todo)
    unexplained = 0
    ctx = worker_context()
    if ready is not None and ctx.get_start_method() == "forkserver":
        try:
            forkserver.ensure_running()  # a new one imports while `ready` runs here
        except OSError:  # e.g. no Unix socket allowed here
            _SPAWN_ONLY.append(True)
            ctx = worker_context()
    with tempfile.TemporaryDirectory(prefix="kceval-marks-") as marks:
        while remaining:
            try:
                remaining, culprits, cause = _run_pool(remaining, collect, ctx=ctx, n_jobs=n_jobs, timeout=timeout,
                                                       max_uses=max_uses, cache_env=cache_env, marks=marks,
                                                       ready=ready)
            except _NoForkServer:
                # its workers have other kceval code than this process: spawn them, now and for the rest of this
                # process (the data are prepared: `ready` ran)
                _SPAWN_ONLY.append(True)
                ctx = worker_context()
                continue
            finally:
                ready = None
            for j, how in culprits:
                collect(j, failed_result(j, WORKER_DIED.format(how=how)))
            if remaining and not culprits:
                unexplained += 1
                if unexplained >= MAX_UNEXPLAINED_BREAKS:
                    why = f"worker processes keep dying before rendering anything: {cause}"
                    for j in remaining:
                        collect(j, failed_result(j, why))
                    return


class _NoForkServer(Exception):
    """The fork server's workers have other kceval code than this process (see :func:`run_local`)."""


def _run_pool(jobs: list[Job], collect: Collect, *, ctx: Any, n_jobs: int, timeout: int, max_uses: int,
              cache_env: str, marks: str,
              ready: Callable[[], object] | None = None) -> tuple[list[Job], list[tuple[Job, str]], str]:
    """One pool over ``jobs``; returns the jobs left unfinished by a broken pool, the jobs whose
    worker died with them (and how), and the pool's error."""
    n = max(1, min(n_jobs, len(jobs)))
    forked = ctx.get_start_method() == "forkserver"
    ex = cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=init_worker,
                                initargs=(cache_env, max_uses, dict(os.environ)))
    futs: dict[cf.Future, Job] = {}
    broken: list[Job] = []
    cause = ""
    try:
        if ready is not None:
            # the fork server (if new) imports while this process prepares the data; then a pool starts a
            # worker per task submitted while none is idle: n no-op tasks start all n, each forking its kernel
            # in the initializer
            ready()
            starts = [ex.submit(started) for _ in range(n)]
            if forked and not _same_code(starts):
                raise _NoForkServer("the fork server's workers have other kceval code than this process")
        for j in jobs:
            try:
                futs[ex.submit(run_job, j, timeout=timeout, max_uses=max_uses, cache_env=cache_env, marks=marks)] = j
            except BrokenProcessPool as exc:  # a worker died while jobs were being submitted
                broken.append(j)
                cause = str(exc)
        for f in cf.as_completed(futs):
            j = futs[f]
            try:
                r = f.result()
            except BrokenProcessPool as exc:
                broken.append(j)
                cause = str(exc)
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be pickled: one report fails
                r = failed_result(j, f"{type(exc).__name__}: {exc}".splitlines()[0])
            collect(j, r)
    except BaseException:
        _stop(ex)
        raise
    plist = _processes(ex)  # before shutdown, which forgets them
    ex.shutdown(wait=True)
    codes = {str(p.pid): p.exitcode for p in plist}
    # a worker stopped by the pool removed its marker (SIGTERM handler): what is left names the dead
    running = {}
    for mark in Path(marks).iterdir():
        running[mark.read_text(encoding="utf-8")] = mark.name
        mark.unlink()
    culprits = []
    for j in broken:
        if j.name in running:
            pid = running[j.name]
            culprits.append((j, _how(pid, codes.get(pid))))
    blamed = {j.name for j, _ in culprits}
    return [j for j in broken if j.name not in blamed], culprits, cause


def _same_code(starts: list[cf.Future]) -> bool:
    """Whether the workers that ran the ``started`` tasks have this process's kceval (a broken pool: left to the
    pool's own handling)."""
    try:
        return {f.result()[1] for f in starts} == {code_identity()}
    except BrokenProcessPool:
        return True


_SPAWN_ONLY: list[bool] = []  # set once a fork server could not serve this process


def worker_context() -> Any:
    """Where local workers come from: a fork server that has imported :mod:`.preload` (Linux), else spawn.

    Either way a worker starts from a clean process, with no zmq, asyncio or matplotlib state of this
    one. The fork server is started by the first batch in this process and kept for the next ones, with
    the kceval code it imported then; a batch whose workers would have other code than this process (another
    folder, or an edit since) spawns them instead (:func:`run_local`), as does a platform without a fork server.
    """
    if _SPAWN_ONLY or not sys.platform.startswith("linux") or "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([PRELOAD])
    return ctx


def _how(pid: str, code: int | None) -> str:
    """How a worker process ended, e.g. 'pid 41, killed by SIGKILL' (the kernel OOM killer sends SIGKILL too)."""
    if code is None:
        return f"pid {pid}"
    if code < 0:
        try:
            return f"pid {pid}, killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"pid {pid}, killed by signal {-code}"
    return f"pid {pid}, exit code {code}"


def _processes(ex: cf.ProcessPoolExecutor) -> list[Any]:
    # the pool's worker processes: no public API in Python 3.11 (3.14 adds terminate_workers)
    return list((getattr(ex, "_processes", None) or {}).values())


def _stop(ex: cf.ProcessPoolExecutor) -> None:
    """Stop at once: SIGTERM the workers (they kill their kernels and exit), wait for them, close the pool.

    Futures are not cancelled here: the pool marks them broken itself, and a future cancelled
    before that makes its manager thread fail with InvalidStateError (a traceback on stderr).
    """
    procs = _processes(ex)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(30)
        if p.is_alive():  # a worker stuck where its SIGTERM handler cannot run
            p.kill()
            p.join()
    ex.shutdown(wait=True)


def run_dask(todo: list[Job], collect: Collect, *, scheduler: Any, timeout: int, max_uses: int, cache_env: str = "",
             ready: Callable[[], object] | None = None) -> None:
    """Send the jobs to a Dask scheduler (an address, or a Client or LocalCluster) and collect the results.

    Each worker first starts its kernel and renderer (:func:`~kceval.batch.worker.warm`, a task pinned to it)
    while this process runs ``ready`` (the data preparation); a worker that can read ``cache_env`` (the same
    machine, a shared path) loads the data validated once, any other reads them itself.
    """
    # deferred: distributed costs 0.2 s to import, and only --executor dask needs it
    from distributed import Client, as_completed

    own = isinstance(scheduler, str)
    client = Client(scheduler) if own else (scheduler if hasattr(scheduler, "submit") else Client(scheduler))
    try:
        stamp = time.time_ns()
        for i, w in enumerate(client.scheduler_info().get("workers", {})):
            client.submit(warm, cache_env, max_uses, workers=[w], allow_other_workers=False, pure=False,
                          key=f"kceval-warm-{i}-{stamp}")
        if ready is not None:
            ready()
        futs = {
            client.submit(
                run_job, j, timeout=timeout, max_uses=max_uses, cache_env=cache_env or None, pure=False,
                key=f"kceval-{j.name}-{stamp}"
            ): j
            for j in todo
        }
        for f in as_completed(list(futs)):
            collect(futs[f], f.result())
    finally:
        if own:
            client.close()
