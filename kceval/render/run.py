"""Run one notebook with papermill, in a new kernel or a warm one, and keep the executed notebook.

``run_notebook`` injects the parameters (check them first with
:func:`kceval.render.params.check_parameters`), executes, and writes the executed ``.ipynb``
atomically; a failing cell raises :class:`~kceval.errors.ReportError` that keeps the executed
notebook (with the error) for rendering. Facts this relies on are in DESIGN.md §7: a started
kernel manager passed as ``km=`` is reused and left running; papermill's ``cwd=`` does a
process-wide ``chdir`` (never used here); simultaneous kernel starts can race for ports.
"""
from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
import papermill
from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.exceptions import PapermillExecutionError

from ..errors import ReportError
from ..paths import REPO_ROOT, write_atomic
from .kernels import default_kernel_name, kernel_alive, start_kernel, stop_kernel
from .ready import wait_ready


def _wait_until_ready(km: Any, startup_timeout: float = 60) -> None:
    """Block until a (blocking) kernel manager's kernel answers, as nbclient's start does."""
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(wait_ready)(kc, startup_timeout)
    finally:
        kc.stop_channels()


def run_notebook(notebook_path: str | os.PathLike, params: Mapping[str, Any], *, out_ipynb: str | os.PathLike,
                 kernel_name: str | None = None, km: Any = None, timeout: int = 600,
                 cwd: str | os.PathLike = REPO_ROOT) -> nbformat.NotebookNode:
    """Execute a notebook with papermill and write the executed ``.ipynb`` atomically.

    Parameters are injected after the cell tagged ``parameters`` (check them first with
    :func:`check_parameters`); papermill records them in the notebook's metadata. With ``km``
    (a started kernel manager, e.g. from :func:`start_kernel`) the warm kernel is reused and
    left running; without it a kernel is started in ``cwd`` and shut down afterwards
    (papermill's own ``cwd=`` would ``chdir`` the whole process, so it is never used).
    ``timeout`` is per cell with an ``AsyncKernelManager`` (nbclient interrupts the cell) and
    for the whole notebook with a blocking ``KernelManager`` (a timer interrupts the kernel);
    either way the kernel stays usable and the error is ``CellTimeoutError``.

    Raises
    ------
    ReportError
        When a cell fails: the message has the error name and value; ``.notebook`` is the
        executed notebook with the error (also written to ``out_ipynb``), or None when the
        kernel itself failed; ``.ename``, ``.evalue``, ``.cell_index`` as in papermill.
    """
    out_ipynb = Path(out_ipynb)
    own = km is None
    name = kernel_name or (km.kernel_name if km is not None else default_kernel_name())
    if own:
        km = start_kernel(name, cwd=cwd)
    elif not kernel_alive(km):
        raise ReportError(f"the kernel passed as `km` ({name}) is not running; start a new one")
    # papermill writes at the end only (request_save_on_cell_execute=False); writing to a
    # temporary name in the same folder and renaming keeps readers from seeing half a file.
    tmp = out_ipynb.with_name(f".{out_ipynb.stem}.{uuid.uuid4().hex[:8]}.tmp.ipynb")
    watchdog = None
    if not isinstance(km, AsyncKernelManager):
        # With a blocking manager nbclient's output poll blocks its event loop, so its per-cell
        # timeout never fires (measured: a 30 s cell ran to the end with timeout=2). A timer
        # interrupts the kernel instead, after `timeout` seconds for the whole notebook, counted
        # from when the kernel is ready: an interrupt while it still boots (a slow machine) kills it.
        _wait_until_ready(km)
        watchdog = threading.Timer(timeout, km.interrupt_kernel)
        watchdog.daemon = True
        watchdog.start()
    try:
        nb = papermill.execute_notebook(
            str(notebook_path), str(tmp), parameters=dict(params), kernel_name=name, km=km,
            execution_timeout=timeout, progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            # on timeout interrupt the cell (the warm kernel stays usable) and record it as an error
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "CellTimeoutError", "evalue": f"cell ran longer than timeout={timeout} s",
                              "traceback": []},
        )
        os.replace(tmp, out_ipynb)
        return nb
    except PapermillExecutionError as exc:
        nb = nbformat.read(tmp, as_version=4)
        if exc.ename == "KeyboardInterrupt":  # our interrupt_on_timeout: say so in the notebook too
            exc.ename, exc.evalue = "CellTimeoutError", f"ran longer than timeout={timeout} s and was interrupted"
            for cell in nb.cells:  # (papermill's marker cells shift exc.cell_index)
                for o in cell.get("outputs", []):
                    if o.get("output_type") == "error" and o.get("ename") == "KeyboardInterrupt":
                        o["ename"], o["evalue"] = exc.ename, exc.evalue
            write_atomic(out_ipynb, nbformat.writes(nb))
        else:
            os.replace(tmp, out_ipynb)
        err = ReportError(f"{exc.ename}: {exc.evalue} (in cell [{exc.exec_count}] of {Path(notebook_path).name})")
        err.notebook, err.ename, err.evalue, err.cell_index = nb, exc.ename, exc.evalue, exc.cell_index
        raise err from None
    except Exception as exc:
        err = ReportError(f"{type(exc).__name__}: {exc} (running {Path(notebook_path).name})")
        err.notebook, err.ename, err.evalue, err.cell_index = None, type(exc).__name__, str(exc), None
        raise err from exc
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if tmp.exists():
            tmp.unlink()
        if own:
            stop_kernel(km)
