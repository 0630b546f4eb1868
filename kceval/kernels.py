"""Warm Jupyter kernels: start once, import the heavy libraries once, reset between notebooks.

A :class:`WarmKernel` is handed to papermill (``km=``), which then leaves it running, so the
next notebook skips the kernel start and the imports (DESIGN.md §7: 4.6 s cold, ~0.4 s warm).
Between notebooks the user namespace is reset, so no state leaks from one report into the
next; the kernel is replaced after a failure, a timeout, a crash, or every ``max_uses`` runs.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from .errors import ReportError

# What a report kernel imports anyway: done once per kernel, then cached in sys.modules.
PRELOAD = """
import warnings
import pandas, numpy, matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot, seaborn, statsmodels.api, scipy.stats
import kceval, kceval.report, kceval.plots, kceval.tables
"""

# Between notebooks the kernel runs `reset_namespace` (below): it drops every user name
# (what ``%reset -f`` does, without its 0.25 s of history and garbage collection), clears the
# output cache, closes figures, restores rcParams and the working directory, so one report
# cannot change the next. Modules stay imported: that is the point of a warm kernel.
RESET = "import kceval.kernels as _kk; _kk.reset_namespace({cwd!r})"


def reset_namespace(cwd: str) -> None:
    """Run inside a kernel: forget every user variable, figure and rcParam change."""
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    ip = get_ipython()
    ns, hidden = ip.user_ns, ip.user_ns_hidden
    for k in [k for k in ns if k not in hidden or k in ("_", "__", "___")]:
        del ns[k]
    ns["Out"].clear()
    plt.close("all")
    matplotlib.rcdefaults()
    os.chdir(cwd)


def _warm_manager_class():
    """An AsyncKernelManager whose ``client()`` is one long-lived, already-ready client.

    nbclient asks the manager for a new client per notebook and waits for it to be ready;
    jupyter_client's wait includes a 0.2 s IOPub flush, most of a warm run's overhead.
    Reusing one connected client is safe: nbclient matches replies and outputs by msg_id.
    The manager is *async* because with a blocking one nbclient's event loop blocks in the
    reply wait, so neither its cell timeout nor its dead-kernel check can fire.
    """
    from jupyter_client import AsyncKernelClient, AsyncKernelManager

    class WarmClient(AsyncKernelClient):
        _kc_ready = False

        def start_channels(self, *args, **kwargs):
            if not self.channels_running:
                super().start_channels(*args, **kwargs)

        async def _async_wait_for_ready(self, timeout=None):
            if not self._kc_ready:
                await super()._async_wait_for_ready(timeout=timeout)
                self._kc_ready = True

        wait_for_ready = _async_wait_for_ready

    class WarmKernelManager(AsyncKernelManager):
        _kc_cached = None

        def client(self, **kwargs):
            if self._kc_cached is None:
                self._kc_cached = WarmClient(parent=self, **{**self.get_connection_info(session=True), **kwargs})
            return self._kc_cached

    return WarmKernelManager


class WarmKernel:
    """One long-lived kernel for many notebooks.

    Parameters
    ----------
    kernel_name : str, optional
        Kernelspec to start; default :func:`kceval.execute.default_kernel_name`.
    cwd : path
        Working directory of the kernel (the repository root, so relative paths resolve).
    max_uses : int
        Replace the kernel after this many notebooks (bounds memory growth).
    preload : str
        Code run once after start.

    Examples
    --------
    >>> k = WarmKernel(cwd=".")            # doctest: +SKIP
    >>> km = k.acquire()                   # hand km to papermill.execute_notebook(..., km=km)
    >>> k.release(ok=True); k.shutdown()   # doctest: +SKIP
    """

    def __init__(self, kernel_name: str | None = None, *, cwd: str | Path = ".", max_uses: int = 50,
                 preload: str = PRELOAD, startup_timeout: float = 60):
        from .execute import check_kernel, default_kernel_name

        self.kernel_name = check_kernel(kernel_name or default_kernel_name())
        self.cwd = str(Path(cwd).resolve())
        self.max_uses = max_uses
        self.preload = preload
        self.startup_timeout = startup_timeout
        self.km = None
        self._setup_client = None
        self.uses = 0
        self.starts = 0

    # -- lifecycle --------------------------------------------------------------------------
    def _start_once(self):
        from jupyter_core.utils import run_sync

        km = _warm_manager_class()(kernel_name=self.kernel_name)
        run_sync(km.start_kernel)(cwd=self.cwd)
        self.km = km
        try:
            self._execute(self.preload, timeout=self.startup_timeout + 60)
        except Exception:
            self.shutdown()
            raise

    def start(self) -> None:
        """Start the kernel and preload; retry once (two kernels starting together can race for ports)."""
        try:
            self._start_once()
        except Exception:  # noqa: BLE001 - the retry is the handling
            time.sleep(0.5 + (os.getpid() % 7) / 10)  # stagger the second attempt
            try:
                self._start_once()
            except Exception as exc:
                raise ReportError(f"could not start Jupyter kernel {self.kernel_name!r}: {exc}") from exc
        self.uses = 0
        self.starts += 1

    def _execute(self, code: str, timeout: float = 60) -> None:
        # a blocking client of our own for setup and resets, kept open: a handshake costs ~0.5 s
        if self._setup_client is None:
            kc = self.km.blocking_client()
            kc.start_channels()
            kc.wait_for_ready(timeout=self.startup_timeout)
            self._setup_client = kc
        reply = self._setup_client.execute_interactive(code, timeout=timeout, store_history=False,
                                                       output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise ReportError(f"kernel setup failed: {c.get('ename')}: {c.get('evalue')}")

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def acquire(self):
        """A ready kernel manager with a clean namespace, (re)started when needed."""
        if not self.alive() or self.uses >= self.max_uses:
            self.shutdown()
            self.start()
        elif self.uses:
            try:
                self._execute(RESET.format(cwd=self.cwd), timeout=30)
            except Exception:  # noqa: BLE001 - a kernel that cannot reset is replaced
                self.shutdown()
                self.start()
        self.uses += 1
        return self.km

    def release(self, ok: bool) -> None:
        """After a notebook: a failure or timeout means the kernel is replaced before the next one."""
        if not ok or not self.alive():
            self.shutdown()

    def kill(self) -> None:
        """Kill the kernel process now; safe from another thread (a watchdog). ``release`` cleans up."""
        km = self.km
        prov = getattr(km, "provisioner", None) if km is not None else None
        proc = getattr(prov, "process", None)
        if proc is not None and proc.pid != os.getpid():
            try:
                os.kill(proc.pid, signal.SIGKILL)  # the kernel only: its process group may be ours
            except (ProcessLookupError, PermissionError, OSError):
                pass

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        if self._setup_client is not None:
            self._setup_client.stop_channels()
            self._setup_client = None
        if self.km is not None:
            kc = getattr(self.km, "_kc_cached", None)
            if kc is not None:
                kc.stop_channels()
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - already dead is fine
                self.kill()
            self.km = None

    def __enter__(self) -> "WarmKernel":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
