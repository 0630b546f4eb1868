"""Warm Jupyter kernels: start once, import the heavy libraries once, reset between notebooks.

A :class:`WarmKernel` is handed to papermill (``km=``), which then leaves it running, so the
next notebook skips the kernel start and the imports (DESIGN.md §7: 4.6 s cold, ~0.4 s warm).
Between notebooks the user namespace is reset, so no state leaks from one report into the
next; the kernel is replaced after a failure, a timeout, a crash, or every ``max_uses`` runs.
"""
from __future__ import annotations

import os
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


def _warm_classes():
    """A KernelManager whose ``client()`` is one long-lived, already-ready client.

    nbclient asks the manager for a new client per notebook and waits for it to be ready;
    jupyter_client's wait includes a 0.2 s IOPub flush, most of a warm run's overhead.
    Reusing one connected client is safe: nbclient matches replies and outputs by msg_id.
    """
    from jupyter_client.blocking.client import BlockingKernelClient
    from jupyter_client.manager import KernelManager

    class WarmClient(BlockingKernelClient):
        _kc_ready = False

        def start_channels(self, *args, **kwargs):
            if not self.channels_running:
                super().start_channels(*args, **kwargs)

        def wait_for_ready(self, timeout=None):
            if not self._kc_ready:
                super().wait_for_ready(timeout=timeout)
                self._kc_ready = True

    class WarmKernelManager(KernelManager):
        _kc_cached = None

        def client(self, **kwargs):
            if self._kc_cached is None:
                self._kc_cached = WarmClient(parent=self, **{**self.get_connection_info(session=True), **kwargs})
            return self._kc_cached

    return WarmKernelManager


def default_kernel_name() -> str:
    """``kceval`` when that kernelspec is installed (``make install`` does it), else ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    names = KernelSpecManager().find_kernel_specs()
    if "kceval" in names:
        return "kceval"
    if "python3" in names:
        return "python3"
    raise ReportError("no Jupyter kernel named 'kceval' or 'python3' is installed; run `make install` "
                      "(it runs `python -m ipykernel install --sys-prefix --name kceval`)")


def check_kernel(name: str) -> str:
    """Fail early, with the installed names, when kernel ``name`` is missing."""
    from jupyter_client.kernelspec import KernelSpecManager

    names = sorted(KernelSpecManager().find_kernel_specs())
    if name not in names:
        raise ReportError(f"`kernel_name` must be an installed Jupyter kernel ({', '.join(names) or 'none'}); "
                          f"received {name!r}. Run `make install` to install the 'kceval' kernel.")
    return name


class WarmKernel:
    """One long-lived kernel for many notebooks.

    Parameters
    ----------
    kernel_name : str, optional
        Kernelspec to start; default :func:`default_kernel_name`.
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
    >>> k.release(ok=True); k.shutdown()
    """

    def __init__(self, kernel_name: str | None = None, *, cwd: str | Path = ".", max_uses: int = 50,
                 preload: str = PRELOAD, startup_timeout: float = 60):
        self.kernel_name = check_kernel(kernel_name) if kernel_name else default_kernel_name()
        self.cwd = str(Path(cwd).resolve())
        self.max_uses = max_uses
        self.preload = preload
        self.startup_timeout = startup_timeout
        self.km = None
        self.uses = 0
        self.starts = 0

    # -- lifecycle --------------------------------------------------------------------------
    def _start_once(self):
        km = _warm_classes()(kernel_name=self.kernel_name)
        km.start_kernel(cwd=self.cwd)
        try:
            self._execute(km, self.preload, timeout=self.startup_timeout + 60)
        except Exception:
            km.shutdown_kernel(now=True)
            raise
        return km

    def start(self) -> None:
        """Start the kernel and preload; retry once (two kernels starting together can race for ports)."""
        try:
            self.km = self._start_once()
        except Exception:  # noqa: BLE001 - the retry is the handling
            time.sleep(0.5 + (os.getpid() % 7) / 10)  # stagger the second attempt
            try:
                self.km = self._start_once()
            except Exception as exc:
                raise ReportError(f"could not start Jupyter kernel {self.kernel_name!r}: {exc}") from exc
        self.uses = 0
        self.starts += 1

    def _execute(self, km, code: str, timeout: float = 60) -> None:
        # one client per kernel, kept open: a new client's handshake costs ~0.5 s
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=self.startup_timeout)
        reply = kc.execute_interactive(code, timeout=timeout, store_history=False,
                                       output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise ReportError(f"kernel setup failed: {c.get('ename')}: {c.get('evalue')}")

    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def acquire(self):
        """A ready KernelManager with a clean namespace, (re)started when needed."""
        if not self.alive() or self.uses >= self.max_uses:
            self.shutdown()
            self.start()
        elif self.uses:
            try:
                self._execute(self.km, RESET.format(cwd=self.cwd), timeout=30)
            except Exception:  # noqa: BLE001 - a kernel that cannot reset is replaced
                self.shutdown()
                self.start()
        self.uses += 1
        return self.km

    def release(self, ok: bool) -> None:
        """After a notebook: a failure or timeout means the kernel is replaced before the next one."""
        if not ok or not self.alive():
            self.shutdown()

    def shutdown(self) -> None:
        if self.km is not None:
            kc = getattr(self.km, "_kc_cached", None)
            if kc is not None:
                kc.stop_channels()
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - already dead is fine
                pass
            self.km = None

    def __enter__(self) -> "WarmKernel":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
