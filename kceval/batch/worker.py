"""The worker side of a batch: one warm kernel and one renderer per process, one job at a time.

Runs in a local worker process or on a Dask worker. :func:`run_job` renders into a private
temporary folder and returns the files' bytes; the batch process (:mod:`kceval.batch.engine`)
is the one that writes into ``reports/``.
"""
from __future__ import annotations

import atexit
import os
import tempfile
import time
from html import escape
from pathlib import Path
from typing import Any

from ..dataset.cache import ENV
from ..display.labels import label
from ..paths import REPO_ROOT
from .plan import Job

_STATE: dict[str, Any] = {}
KILL_AFTER_INTERRUPT = 15.0  # seconds a timed-out cell's kernel gets to honour the interrupt


def _worker_state(max_uses: int) -> tuple[Any, Any]:
    """This process's warm kernel and renderer, created on first use."""
    if "kernel" not in _STATE:
        # deferred: the rendering stack (nbconvert, papermill, jupyter_client: about 2 s) is
        # needed in worker processes only, not in the batch process that imports this module
        from ..render.html import Renderer
        from ..render.kernels import WarmKernel

        k = WarmKernel(cwd=REPO_ROOT, max_uses=max_uses, kill_after_interrupt=KILL_AFTER_INTERRUPT)
        atexit.register(k.shutdown)
        _STATE["kernel"], _STATE["renderer"] = k, Renderer()
    return _STATE["kernel"], _STATE["renderer"]


def error_page(title: str, error: str, lang: str) -> str:
    """A minimal self-contained page for a report that could not even be rendered."""
    head = escape(label("report_failed", lang))
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'</head><body><h1>{escape(title)}</h1><div class="kc-error" role="alert"><h2>{head}</h2>'
            f'<pre>{escape(error)}</pre></div></body></html>')


def init_worker(cache_env: str | None, max_uses: int) -> None:
    """Process-pool initializer: point at the data cache and start the warm kernel."""
    if cache_env:
        os.environ[ENV] = cache_env
    time.sleep((os.getpid() % 4) * 0.3)  # stagger kernel starts: simultaneous starts can race for ports
    k, _ = _worker_state(max_uses)
    try:
        k.start()  # now, in parallel with the other workers, not when the first job arrives
    except Exception:  # noqa: BLE001 - acquire() starts it again for the first job
        k.shutdown()


def run_job(job: Job, *, timeout: int = 600, max_uses: int = 50, cache_env: str | None = None) -> dict[str, Any]:
    """Render one job in this process's warm kernel; return the files' bytes and the outcome.

    Never raises for a failing notebook: the HTML page shows the error and the status says so.
    """
    from ..render.one_report import render_report  # deferred: see _worker_state

    if cache_env and not os.environ.get(ENV):
        os.environ[ENV] = cache_env
    kernel, renderer = _worker_state(max_uses)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kceval-job-") as tmp:
        ok = False
        try:
            km = kernel.acquire()
            res = render_report(
                REPO_ROOT / job.notebook,
                job.params,
                out_dir=tmp,
                lang=job.lang,
                renderer=renderer,
                km=km,
                title=job.title,
                name=job.name,
                kernel_name=kernel.kernel_name,
                timeout=timeout,
            )
            ok = res.status == "ok"
            html = Path(res.html_path).read_bytes()
            ipynb = Path(res.ipynb_path).read_bytes() if Path(res.ipynb_path).exists() else None
            status, error, headline, params = res.status, res.error, res.headline, res.params
        except Exception as exc:  # noqa: BLE001 - a report's failure must not stop the batch
            status, error, headline, params = "failed", f"{type(exc).__name__}: {exc}".splitlines()[0], {}, job.params
            html, ipynb = error_page(job.title, error, job.lang).encode("utf-8"), None
        finally:
            kernel.release(ok=ok)
    return {"name": job.name, "status": status, "error": error, "headline": headline, "params": params,
            "html": html, "ipynb": ipynb, "seconds": round(time.perf_counter() - t0, 3)}
