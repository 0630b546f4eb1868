"""A kernel forked from this process instead of started from nothing: :func:`fork_kernel`.

A new ``python -m ipykernel_launcher`` imports ipykernel, pandas, matplotlib, seaborn, scipy and
kceval again: about 1.5 s of CPU per kernel. A batch worker has imported all of them once, in the
fork server it was forked from (:mod:`kceval.batch.preload`), so a kernel forked from the worker
starts in about 0.15 s. It is the same kernel: ipykernel's own ``IPKernelApp``, on the connection
file jupyter_client wrote, in a new session (process group) of its own, with the environment and
working directory the kernelspec would give it.

Forking is only safe from a process with one thread and no event loop in use, so only a
local batch worker does it, once, at its start (:func:`kceval.batch.worker.init_worker`); every
later kernel (a replacement after a failure, a timeout or ``max_uses``) is started as usual.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

LAUNCHER = "ipykernel_launcher"


def forkable(cmd: list[str]) -> list[str] | None:
    """The kernel's own arguments when ``cmd`` starts ipykernel with this very interpreter, else None.

    ``[<this python>, *flags, '-m', 'ipykernel_launcher', *args]`` gives ``args``: only then is a fork
    of this process the kernel the kernelspec describes (same interpreter, same packages). A
    kernelspec of another environment or language is started as usual.

    Examples
    --------
    >>> forkable([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json"])
    ['-f', 'k.json']
    >>> forkable(["/elsewhere/python", "-m", "ipykernel_launcher", "-f", "k.json"]) is None
    True
    """
    if not cmd or os.path.abspath(cmd[0]) != os.path.abspath(sys.executable):
        return None
    for i, arg in enumerate(cmd[1:-1], start=1):
        if arg == "-m":
            return list(cmd[i + 2:]) if cmd[i + 1] == LAUNCHER else None
        if not arg.startswith("-X"):  # a flag we do not know to be harmless
            return None
    return None


def can_fork() -> bool:
    """Whether this process may fork a kernel now: Linux, and no thread but this one (native threads counted too:
    a library may start one, e.g. an allocator's background thread). Elsewhere (macOS: Accelerate and libdispatch
    are not safe to use after a fork) a kernel is started as usual."""
    if not (sys.platform.startswith("linux") and hasattr(os, "fork")) or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class ForkedProcess:
    """The ``subprocess.Popen`` surface jupyter_client's local provisioner uses, for a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: it is gone
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if end is not None and time.monotonic() >= end:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.01)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def fork_kernel(args: list[str], *, env: dict[str, str], cwd: str | os.PathLike) -> ForkedProcess:
    """Fork this process into an ipykernel run with ``args`` (``-f <connection file>``, ...); return its handle.

    The child does what ``jupyter_client.launcher.launch_kernel`` and ``python -m ipykernel_launcher``
    do: a new session, stdin from ``/dev/null``, ``env`` and ``cwd``, ``cwd`` first on ``sys.path``, and
    the parent's pid for ipykernel's parent poller (the kernel exits when its worker dies). It closes
    every inherited descriptor but the standard three (a worker's pipes must close when the worker
    does) and starts with the default signal handlers and a fresh event loop policy.
    """
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return ForkedProcess(pid)
    code = 1
    try:  # the child: never returns into the caller's code
        os.setsid()
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(s, signal.SIG_DFL)
        fd = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd, 0)
        os.close(fd)
        os.closerange(3, _max_fd())
        _forget_multiprocessing()
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update({**env, "JPY_PARENT_PID": str(parent)})
        sys.path[0] = str(Path(cwd).resolve())  # what `python -m` puts first
        sys.argv = [sys.executable, "-m", LAUNCHER, *args]
        import asyncio  # deferred: only the child needs it, and only here

        # the parent's loop (running: the fork happens in jupyter_client's start coroutine) shares its epoll
        # descriptor with the parent: the kernel makes its own
        asyncio._set_running_loop(None)
        asyncio.set_event_loop_policy(None)
        from ipykernel.kernelapp import IPKernelApp  # deferred: the child alone runs a kernel

        # parent_handle's default was read from the environment when ipykernel was imported, before the fork
        IPKernelApp.launch_instance(argv=[*args, f"--IPKernelApp.parent_handle={parent}"])
        code = 0
    except SystemExit as exc:  # as the interpreter does: None is 0, a message is 1
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:  # noqa: BLE001 - the child must end here, whatever happened
        import traceback  # deferred: only a failing child prints one

        traceback.print_exc()
    finally:
        os._exit(code)


def _forget_multiprocessing() -> None:
    """Give the child the multiprocessing state of a new interpreter, not its worker's.

    A worker started by a fork server knows that server's and the resource tracker's descriptors (closed in the
    child: their numbers are soon the kernel's own sockets, which ``resource_tracker.ensure_running`` would then
    write to and close), its parent (and that parent's sentinel), its children and its finalizers (the worker's
    kernel shutdown). These are module-level names of ``multiprocessing``'s own modules; nothing public resets
    them. (``current_process()`` stays the worker's process object: a pool started in the kernel works with it.)
    """
    import itertools  # deferred: the child alone needs these
    from multiprocessing import forkserver, process, resource_tracker, util

    tracker: Any = resource_tracker._resource_tracker
    tracker._fd = tracker._pid = None
    server: Any = forkserver._forkserver
    server._forkserver_address = server._forkserver_alive_fd = server._forkserver_pid = None
    server._inherited_fds = None
    proc: Any = process
    proc._parent_process = None
    proc._children = set()
    proc._process_counter = itertools.count(1)
    registry: Any = util
    registry._finalizer_registry.clear()


def _max_fd() -> int:
    try:
        return int(os.sysconf("SC_OPEN_MAX"))
    except (ValueError, OSError):
        return 65536


def adopt(km: Any, proc: ForkedProcess, cwd: str | os.PathLike) -> None:
    """Give ``km``'s local provisioner the forked kernel, as its ``launch_kernel`` would have."""
    prov = km.provisioner
    prov.process = proc
    prov.pid = proc.pid
    prov.pgid = proc.pid  # the child called setsid: its own process group
    prov.cwd = str(cwd)
