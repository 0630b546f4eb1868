"""Jupyter kernels for reports: find, start and stop one, and keep warm ones for many notebooks.

:func:`start_kernel` starts a kernel (checking its kernelspec first, :func:`check_kernel`). A
:class:`WarmKernel` is handed to papermill (``km=``), which then leaves it running, so the
next notebook skips the kernel start and the imports (DESIGN.md §7: 4.6 s cold, ~0.4 s warm).
Between notebooks the user namespace is reset, so no state leaks from one report into the
next; the kernel is replaced after a failure, a timeout, a crash, or every ``max_uses`` runs.
"""
from __future__ import annotations

import contextlib
import gc
import inspect
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelClient, AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_core.utils import run_sync

from ..errors import ReportError
from ..paths import REPO_ROOT
from .fork import ForkedProcess, adopt, can_fork, fork_kernel, forkable
from .lean import GC_THRESHOLDS
from .ready import SetupClient, wait_ready

# What a report kernel imports anyway: done once per kernel, then cached in sys.modules; then its garbage collector
# is tuned (kceval.render.lean.tune_collector).
PRELOAD = """
import warnings
import pandas, numpy, matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot, seaborn, scipy.stats
import kceval, kceval.report
from kceval.render.lean import tune_collector
tune_collector()
"""

# A report kernel keeps no input history: IPython would write every cell of every report into the user's
# history database (a thread and an SQLite write per cell: 0.8 of 2.5 ms of a cell's kernel time). Only for an
# ipykernel kernelspec: another kernel would not know the option.
KERNEL_ARGS = ["--HistoryManager.enabled=False"]

# Between notebooks the kernel runs `reset_namespace` (below): it drops every user name
# (what ``%reset -f`` does, without its 0.25 s of history and garbage collection), clears the
# output cache, closes figures, restores rcParams and the working directory, so one report
# cannot change the next. Modules stay imported: that is the point of a warm kernel.
RESET = "import kceval.render.kernels as _kk; _kk.reset_namespace({cwd!r})"


def _kernelspecs() -> list[str]:
    return sorted(KernelSpecManager().find_kernel_specs())


def default_kernel_name() -> str:
    """'kceval' when that kernelspec is installed (``make install`` does it), else 'python3'."""
    return "kceval" if "kceval" in _kernelspecs() else "python3"


def check_kernel(kernel_name: str) -> str:
    """Return ``kernel_name`` if the kernelspec exists, else a ReportError that says how to install it."""
    specs = _kernelspecs()
    if kernel_name not in specs:
        raise ReportError(
            f"`kernel_name` must be an installed Jupyter kernel ({', '.join(specs) or 'none found'}); "
            f"received {kernel_name!r}. Install kceval's with: "
            f"{sys.executable} -m ipykernel install --sys-prefix --name kceval"
        )
    return kernel_name


def start_kernel(kernel_name: str | None = None, *, cwd: str | os.PathLike = REPO_ROOT,
                 retries: int = 1) -> AsyncKernelManager:
    """A started ``AsyncKernelManager`` (working directory ``cwd``), retrying a failed start once.

    Kernels started at the same moment can collide on ports (DESIGN.md §7). It is an *async*
    manager on purpose: with a blocking ``KernelManager`` nbclient's output poll blocks its
    event loop and ``timeout`` is never enforced (measured: a 30 s cell ran to the end with a
    2 s timeout). The caller owns the kernel: :func:`stop_kernel` when done.

    Examples
    --------
    >>> km = start_kernel()  # doctest: +SKIP
    >>> run_notebook("nb.ipynb", {}, out_ipynb="out.ipynb", km=km); stop_kernel(km)  # doctest: +SKIP
    """
    name = check_kernel(kernel_name or default_kernel_name())
    for attempt in range(retries + 1):
        # nbclient's client for it waits for the kernel without the quiet 0.2 s (:func:`wait_ready`)
        km = AsyncKernelManager(kernel_name=name, client_class="kceval.render.kernels.WarmClient")
        try:
            run_sync(km.start_kernel)(cwd=str(cwd))
            return km
        except Exception:
            if km.has_kernel:
                stop_kernel(km)
            if attempt == retries:
                raise
            time.sleep(0.2 + 0.3 * attempt)
    raise AssertionError("unreachable")


def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a kernel-manager method, sync or async, from synchronous code."""
    if inspect.iscoroutinefunction(method):
        return run_sync(method)(*args, **kwargs)
    return method(*args, **kwargs)


def stop_kernel(km: Any) -> None:
    """Shut down a kernel started by :func:`start_kernel` (immediately)."""
    _call(km.shutdown_kernel, now=True)


def kernel_alive(km: Any) -> bool:
    """Whether the kernel of ``km`` is running."""
    return bool(_call(km.is_alive))


def reset_namespace(cwd: str) -> None:
    """Run inside a kernel: forget every user variable, figure and rcParam change."""
    # imported here, in the kernel, where they are loaded already: the host process that
    # imports this module to manage kernels never needs matplotlib or IPython's shell
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    ip = get_ipython()
    ns, hidden = ip.user_ns, ip.user_ns_hidden
    for k in [k for k in ns if k not in hidden or k in ("_", "__", "___")]:
        del ns[k]
    # the output cache: Out, and the `_N` names the display hook keeps hidden, whose values the hidden namespace
    # holds too (every cell's result, a report's figures and tables among them: 4.6 MB a report, kept for good,
    # before these were dropped)
    for k in [k for k in {*ns, *hidden} if k in ("_", "__", "___") or (k[:1] == "_" and k[1:].isdigit())]:
        ns.pop(k, None)
        hidden.pop(k, None)
    ip.displayhook._, ip.displayhook.__, ip.displayhook.___ = "", "", ""
    ns["Out"].clear()
    plt.close("all")
    matplotlib.rcdefaults()
    os.chdir(cwd)
    gc.enable()  # a notebook that turned the collector off, or changed its thresholds, changes no later report
    gc.set_threshold(*GC_THRESHOLDS)
    gc.collect()  # the last report's figures are cycles: freed now, not at some later report
    if not _FROZEN:
        # what survives the first report is what the kernel keeps (the data, the memos of every province's figures,
        # matplotlib's caches): frozen once, so a reset's collection no longer scans it (18 -> 6 ms a report).
        # Frozen objects are still freed when their last reference goes; only a cycle among them would stay
        _FROZEN.append(True)
        gc.freeze()


_FROZEN: list[bool] = []  # in a kernel: whether a reset froze what the first report left


class WarmClient(AsyncKernelClient):
    """A kernel client that starts its channels and waits for the kernel once (:func:`wait_ready`), then is
    reused."""

    _kc_ready = False

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        if not self._kc_ready:
            await wait_ready(self, timeout)
            self._kc_ready = True

    wait_for_ready = _async_wait_for_ready


class WarmKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose ``client()`` is one long-lived, already-ready client.

    nbclient asks the manager for a new client per notebook and waits for it to be ready;
    jupyter_client's wait ends with 0.2 s of listening to IOPub, most of a warm run's overhead.
    Reusing one connected client is safe: nbclient matches replies and outputs by msg_id.
    The manager is *async* because with a blocking one nbclient's event loop blocks in the
    reply wait, so neither its cell timeout nor its dead-kernel check can fire.
    """

    _kc_cached: WarmClient | None = None
    #: called after every interrupt (nbclient interrupts a cell at its timeout)
    on_interrupt: Any = None
    #: fork the next kernel from this process (:mod:`.fork`) instead of starting a new interpreter; once
    fork_next: bool = False

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        args = forkable(kernel_cmd) if self.fork_next else None
        self.fork_next = False
        # a kernelspec's env (PYTHONPATH, a thread count, ...) acts when an interpreter starts: not on a fork
        if (args is None or not can_fork() or self.kernel_spec is None or self.kernel_spec.env
                or self.provisioner is None or not hasattr(self.provisioner, "process")):
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        cwd = kw.get("cwd") or os.getcwd()
        adopt(self, fork_kernel(args, env=dict(kw.get("env") or os.environ), cwd=cwd), cwd)
        self._reconcile_connection_info(self.provisioner.connection_info)

    async def interrupt_kernel(self) -> None:  # type: ignore[override]  # jupyter_client binds it as an attribute
        await super()._async_interrupt_kernel()
        if self.on_interrupt is not None:
            self.on_interrupt()

    def client(self, **kwargs: Any) -> WarmClient:  # type: ignore[override]  # the async client, as nbclient uses it
        if self._kc_cached is None:
            self._kc_cached = WarmClient(parent=self, **{**self.get_connection_info(session=True), **kwargs})
        return self._kc_cached


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
    kill_after_interrupt : float, optional
        Seconds a kernel gets to honour an interrupt (sent when a cell reaches its timeout)
        before its process is killed; ``None``: never. The clock starts at the interrupt, not
        at the start of the notebook, so a slow machine is never mistaken for a stuck kernel.

    Examples
    --------
    >>> k = WarmKernel(cwd=".")            # doctest: +SKIP
    >>> km = k.acquire()                   # doctest: +SKIP
    >>> # ... papermill.execute_notebook(..., km=km)
    >>> k.release(ok=True); k.shutdown()   # doctest: +SKIP
    """

    def __init__(self, kernel_name: str | None = None, *, cwd: str | Path = ".", max_uses: int = 200,
                 preload: str = PRELOAD, startup_timeout: float = 60, kill_after_interrupt: float | None = None):
        self.kernel_name = check_kernel(kernel_name or default_kernel_name())
        self.cwd = str(Path(cwd).resolve())
        self.max_uses = max_uses
        self.preload = preload
        self.startup_timeout = startup_timeout
        self.kill_after_interrupt = kill_after_interrupt
        self._killer: threading.Timer | None = None
        self.km: WarmKernelManager | None = None
        self._setup_client: Any = None
        self.uses = 0
        self.starts = 0

    # -- lifecycle --------------------------------------------------------------------------
    def _start_once(self, fork: bool = False) -> None:
        km = WarmKernelManager(kernel_name=self.kernel_name)
        km.on_interrupt = self._arm_killer
        km.fork_next = fork
        ipykernel = km.kernel_spec is not None and any("ipykernel" in a for a in km.kernel_spec.argv)
        run_sync(km.start_kernel)(cwd=self.cwd, extra_arguments=KERNEL_ARGS if ipykernel else [])
        self.km = km
        try:
            self._execute(self.preload, timeout=self.startup_timeout + 60)
        except Exception:
            self.shutdown()
            raise

    def start(self, fork: bool = False) -> None:
        """Start the kernel and preload; retry once (two kernels starting together can race for ports).

        ``fork``: fork it from this process (:mod:`.fork`), which must have one thread; the retry starts
        a new interpreter.
        """
        try:
            self._start_once(fork=fork)
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
            assert self.km is not None, "the kernel is not started"
            kc = SetupClient(parent=self.km)
            kc.load_connection_info(self.km.get_connection_info())
            kc.start_channels()
            kc.wait_for_ready(timeout=self.startup_timeout)
            self._setup_client = kc
        reply = self._setup_client.execute_interactive(code, timeout=timeout, store_history=False,
                                                       output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise ReportError(f"kernel setup failed: {c.get('ename')}: {c.get('evalue')}")

    def alive(self) -> bool:
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def acquire(self) -> WarmKernelManager:
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
        assert self.km is not None
        return self.km

    def _arm_killer(self) -> None:
        # last resort for a kernel that ignores the interrupt (e.g. stuck in C code): kill it
        if self.kill_after_interrupt is not None and self._killer is None:
            self._killer = threading.Timer(self.kill_after_interrupt, self.kill)
            self._killer.daemon = True
            self._killer.start()

    def _disarm_killer(self) -> None:
        if self._killer is not None:
            self._killer.cancel()
            self._killer = None

    def release(self, ok: bool) -> None:
        """After a notebook: a failure or timeout means the kernel is replaced before the next one."""
        self._disarm_killer()
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
        self._disarm_killer()
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
                proc = getattr(getattr(self.km, "provisioner", None), "process", None)
                if isinstance(proc, ForkedProcess):  # no zombie: this process is its parent
                    with contextlib.suppress(Exception):
                        proc.wait(timeout=10)
            self.km = None

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
