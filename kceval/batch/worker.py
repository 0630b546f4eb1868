"""The worker side of a batch: one warm kernel and one renderer per process, one job at a time.

Runs in a local worker process or on a Dask worker. :func:`run_job` renders into a private
temporary folder and returns the files' bytes; the batch process (:mod:`kceval.batch.engine`)
is the one that writes into ``reports/``. A local worker is forked by a fork server that has the
imports already (:mod:`.preload`) and forks its first kernel from itself (:mod:`kceval.render.fork`);
when the worker ends, a multiprocessing finalizer shuts its kernel down.

A local worker ignores SIGINT (Ctrl-C reaches the whole process group: the batch process alone
decides what to do) and on SIGTERM (the batch stopping it, or the pool replacing it after another
worker died) kills its kernel and exits at once, so no kernel is orphaned and no asyncio task
is torn down half-way. While a job runs, the worker keeps a marker file named after its pid in
the batch's ``marks`` folder: a marker left behind by a dead worker names the report that died
with it (:func:`kceval.batch.executors.run_local`).
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from html import escape
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from ..paths import CACHE_ENV as ENV
from ..paths import REPO_ROOT
from ..render.lean import SINGLE_THREADED, tune_collector, without_format_grammars

# Imported here, not for type checking only: a Dask worker unpickles the next job (this module, then the job's
# class and the data modules it imports) in its event loop thread while a task runs in another, and the task imports
# the rendering stack, which shares kceval.io with them. Two threads importing a package and one of its submodules
# at once end in "cannot import name ... from partially initialized module": the first unpickling, of this module,
# imports them all, in one thread
from .plan import Job

_STATE: dict[str, Any] = {}
KILL_AFTER_INTERRUPT = 15.0  # seconds a timed-out cell's kernel gets to honour the interrupt


def _kernel(max_uses: int) -> Any:
    """This process's warm kernel, created (not started) on first use."""
    if "kernel" not in _STATE:
        # deferred: jupyter_client is needed in worker processes only, not in the batch process
        from ..render.kernels import WarmKernel

        k = WarmKernel(cwd=REPO_ROOT, max_uses=max_uses, kill_after_interrupt=KILL_AFTER_INTERRUPT)
        # at the worker's end its kernel is shut down: a multiprocessing finalizer runs whether the worker ends as a
        # process of a pool (forked by a fork server: it leaves by os._exit, no atexit) or as an interpreter
        Finalize(k, k.shutdown, exitpriority=10)
        _STATE["kernel"] = k
    return _STATE["kernel"]


def prepare_renderer() -> Any:
    """This process's renderer (nbconvert's exporter with its templates loaded), created on first use.

    A fork server builds it once (:mod:`.preload`): the workers forked from it inherit it."""
    if "renderer" not in _STATE:
        without_format_grammars()  # 0.7-0.8 s of every worker's start
        # deferred: the rendering stack (nbconvert, papermill: about 1 s) is needed in worker processes only
        from ..render.html import Renderer

        _STATE["renderer"] = Renderer()
    return _STATE["renderer"]


def _worker_state(max_uses: int) -> tuple[Any, Any]:
    """This process's warm kernel and renderer."""
    return _kernel(max_uses), prepare_renderer()


def error_page(title: str, error: str, lang: str) -> str:
    """A minimal self-contained page for a report that could not even be rendered."""
    from ..display.labels import label  # deferred: a worker starts its kernel before any other import

    head = escape(label("report_failed", lang))
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'</head><body><h1>{escape(title)}</h1><div class="kc-error" role="alert"><h2>{head}</h2>'
            f'<pre>{escape(error)}</pre></div></body></html>')


def failed_result(job: Job, error: str, seconds: float = 0.0) -> dict[str, Any]:
    """The result of a job that produced no page: an error page and status 'failed'."""
    return {"name": job.name, "status": "failed", "error": error, "headline": {}, "params": job.params,
            "html": error_page(job.title, error, job.lang).encode("utf-8"), "ipynb": None, "seconds": seconds}


def _on_sigterm(signum: int, frame: Any) -> None:
    # the batch is stopping this worker: leave no kernel, no marker (this job did not kill the
    # worker) and no temporary folder behind; os._exit skips the asyncio teardown that would
    # print "Task exception was never retrieved" for the interrupted nbclient tasks
    if _STATE.get("mark"):
        _unlink(_STATE["mark"])
    if _STATE.get("tmp"):
        shutil.rmtree(_STATE["tmp"], ignore_errors=True)
    k = _STATE.get("kernel")
    if k is not None:
        k.kill()
        km = k.km
        if km is not None:
            try:
                km.cleanup_connection_file()
            except Exception:  # noqa: BLE001 - best effort while exiting
                pass
    os._exit(128 + signum)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def init_worker(cache_env: str | None, max_uses: int, env: dict[str, str] | None = None) -> None:
    """Process-pool initializer: the batch process's environment (``env``; a worker forked from a fork
    server has the server's), signals, then :func:`warm`, forking the kernel (this process has one thread yet)."""
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    tune_collector()  # what the fork server imported is never scanned, nor written to: its pages stay shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    warm(cache_env, max_uses, fork=True)


def warm(cache_env: str | None, max_uses: int, fork: bool = False) -> int:
    """Start this process's kernel and build its renderer now, not when the first job arrives.

    The kernel's environment gets the data cache (``cache_env``) and one BLAS thread. ``fork``: fork the
    kernel from this process (:mod:`kceval.render.fork`; only while it has one thread), then build the
    renderer. Otherwise the renderer's imports and templates are built in a thread while the kernel boots
    and preloads (the main thread only waits for the kernel's reply, so the two overlap). Returns the
    process id (a Dask task's result).
    """
    if cache_env:
        os.environ[ENV] = cache_env
    for k, v in SINGLE_THREADED.items():
        os.environ.setdefault(k, v)
    kernel = _kernel(max_uses)
    builder = None
    if not fork:
        builder = threading.Thread(target=prepare_renderer, name="kceval-renderer", daemon=True)
        builder.start()
    if kernel.km is None:
        try:
            kernel.start(fork=fork)  # two kernels starting at once may race for a port: start() retries once
        except Exception:  # noqa: BLE001 - acquire() starts it again for the first job
            kernel.shutdown()
    if builder is None:
        prepare_renderer()
    else:
        builder.join()
    return os.getpid()


def started() -> tuple[int, tuple[str, str]]:
    """A task that does nothing but say who runs it: sent to start a worker process (and its kernel) ahead of the
    jobs. Returns the process id and :func:`code_identity`."""
    return os.getpid(), code_identity()


def code_identity() -> tuple[str, str]:
    """Where this process's kceval was imported from, and the hash of its code then.

    A worker forked from a fork server has the code the server imported, possibly from another folder (Python
    3.11's fork server puts the batch's working directory first on its path) or before an edit: the batch
    compares this with its own and starts its workers afresh when they differ.
    """
    from ..dataset.cache import source_hash  # deferred: hashing reads kceval's files; a worker needs it once

    return str(Path(__file__).resolve().parents[1]), source_hash()


def run_job(job: Job, *, timeout: int = 600, max_uses: int = 200, cache_env: str | None = None,
            marks: str | None = None) -> dict[str, Any]:
    """Render one job in this process's warm kernel; return the files' bytes and the outcome.

    Never raises for a failing notebook: the HTML page shows the error and the status says so.
    ``marks``: a folder where the job's name is kept in ``<pid>`` while it runs (local workers).
    """
    from ..render.one_report import render_report  # deferred: see _worker_state

    if cache_env and not os.environ.get(ENV):
        os.environ[ENV] = cache_env
    kernel, renderer = _worker_state(max_uses)
    mark = os.path.join(marks, str(os.getpid())) if marks else None
    if mark:
        with open(mark, "w", encoding="utf-8") as fh:
            fh.write(job.name)
        _STATE["mark"] = mark
    try:
        return _render(job, kernel, renderer, render_report, timeout)
    finally:
        if mark:
            _STATE.pop("mark", None)
            _unlink(mark)


def _render(job: Job, kernel: Any, renderer: Any, render_report: Any, timeout: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kceval-job-") as tmp:
        _STATE["tmp"] = tmp
        ok = False
        try:
            km = kernel.acquire()
            res = render_report(REPO_ROOT / job.notebook, job.params, out_dir=tmp, lang=job.lang, renderer=renderer,
                                km=km, title=job.title, name=job.name, kernel_name=kernel.kernel_name,
                                timeout=timeout)
            ok = res.status == "ok"
            html = Path(res.html_path).read_bytes()
            ipynb = Path(res.ipynb_path).read_bytes() if Path(res.ipynb_path).exists() else None
            status, error, headline, params = res.status, res.error, res.headline, res.params
        except Exception as exc:  # noqa: BLE001 - a report's failure must not stop the batch
            status, error, headline, params = "failed", f"{type(exc).__name__}: {exc}".splitlines()[0], {}, job.params
            html, ipynb = error_page(job.title, error, job.lang).encode("utf-8"), None
        finally:
            kernel.release(ok=ok)
            _STATE.pop("tmp", None)
    return {"name": job.name, "status": status, "error": error, "headline": headline, "params": params,
            "html": html, "ipynb": ipynb, "seconds": round(time.perf_counter() - t0, 3)}
