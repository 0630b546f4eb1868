"""Warm kernels: reuse, namespace reset (no state leaks), replacement after a crash."""
import asyncio
import os
import signal
import time
from queue import Empty

import nbformat
import papermill as pm
import pytest

from kceval.render.kernels import WarmKernel
from kceval.render.lean import GC_THRESHOLDS
from kceval.render.ready import wait_ready

LEAK_CHECK = """
assert 'LEAK' not in globals() and '_private' not in globals(), 'state leaked from the previous notebook'
import matplotlib as mpl, os
assert mpl.rcParams['lines.linewidth'] == 1.5, 'rcParams leaked'
mpl.rcParams['lines.linewidth'] = 9
LEAK = x; _private = 2
print(os.getpid(), x, os.getcwd())
os.chdir('/')
"""


def _notebook(tmp_path, body: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    p = nbformat.v4.new_code_cell("x: int = 1  # a number")
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell(body)]
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def _run(k, path, x):
    km = k.acquire()
    try:
        nb = pm.execute_notebook(str(path), None, parameters={"x": x}, km=km, progress_bar=False,
                                 kernel_name=k.kernel_name)
    except Exception:
        k.release(ok=False)
        raise
    k.release(ok=True)
    # (one print may reach the notebook as two stream outputs: the kernel flushes its buffer on a timer, which on a
    # loaded machine can fire between the print's writes)
    text = "".join(o["text"] for o in nb.cells[-1].outputs if o["output_type"] == "stream")
    pid, got, cwd = text.split()
    return int(pid), int(got), cwd


def test_kernel_is_reused_and_state_never_leaks(tmp_path):
    path = _notebook(tmp_path, LEAK_CHECK)
    with WarmKernel(cwd=tmp_path, preload="import pandas") as k:
        runs = [_run(k, path, i) for i in range(3)]
        assert [x for _, x, _ in runs] == [0, 1, 2]       # parameters injected each time
        assert len({pid for pid, _, _ in runs}) == 1      # one warm kernel process
        assert k.starts == 1
        # each notebook chdir()s to '/', and the next one still starts in the kernel's cwd
        assert all(os.path.samefile(cwd, tmp_path) for _, _, cwd in runs)


def test_killed_kernel_is_replaced(tmp_path):
    path = _notebook(tmp_path, LEAK_CHECK)
    with WarmKernel(cwd=tmp_path, preload="import pandas") as k:
        pid1, _, _ = _run(k, path, 1)
        os.kill(pid1, signal.SIGKILL)
        # a kernel killed between two notebooks (the OOM killer, a user): wait until it is gone, as it is by the
        # next report; in the instant the signal is on its way the manager still sees it alive and the reset
        # waits for its timeout (30 s) before the kernel is replaced
        for _ in range(200):
            if not k.alive():
                break
            time.sleep(0.05)
        pid2, x, _ = _run(k, path, 2)
        assert pid2 != pid1 and x == 2 and k.starts == 2


def test_failure_replaces_kernel_before_next_notebook(tmp_path):
    bad = _notebook(tmp_path, "raise RuntimeError('boom')")
    with WarmKernel(cwd=tmp_path, preload="import pandas") as k:
        with pytest.raises(pm.PapermillExecutionError, match="boom"):
            km = k.acquire()
            try:
                pm.execute_notebook(str(bad), None, km=km, progress_bar=False, kernel_name=k.kernel_name)
            finally:
                k.release(ok=False)
        assert k.km is None  # replaced lazily at the next acquire
        good = _notebook(tmp_path, LEAK_CHECK)
        assert _run(k, good, 5)[1] == 5 and k.starts == 2


def test_max_uses_restarts(tmp_path):
    path = _notebook(tmp_path, LEAK_CHECK)
    with WarmKernel(cwd=tmp_path, preload="import pandas", max_uses=2) as k:
        pids = [_run(k, path, i)[0] for i in range(3)]
        assert pids[0] == pids[1] != pids[2]


def test_unknown_kernel_fails_early_with_names():
    from kceval.errors import ReportError

    with pytest.raises(ReportError, match="`kernel_name` must be an installed Jupyter kernel"):
        WarmKernel("no-such-kernel")


def test_a_kernel_that_ignores_the_timeout_interrupt_is_killed_after_the_grace(tmp_path):
    # the injected fault: a cell that ignores SIGINT and never ends. The kill clock starts at the
    # interrupt (the cell's timeout), so however slow the machine, a working kernel is not killed.
    from kceval.errors import ReportError
    from kceval.render.run import run_notebook

    path = _notebook(tmp_path, "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(300)")
    with WarmKernel(cwd=tmp_path, preload="import pandas", kill_after_interrupt=1) as k:
        km = k.acquire()
        pid = km.provisioner.process.pid
        with pytest.raises(ReportError) as e:
            run_notebook(path, {"x": 1}, out_ipynb=tmp_path / "o.ipynb", km=km, timeout=2)
        assert k._killer is not None and not k._killer.is_alive()  # armed at the interrupt, and fired
        k.release(ok=False)
        assert not k.alive()
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # the kernel process is gone
        # nbclient reports the cell's timeout, or the dead kernel if the kill came first
        assert str(e.value).startswith(("CellTimeoutError", "DeadKernelError")), str(e.value)[:200]
        # and the next notebook gets a fresh kernel
        assert _run(k, _notebook(tmp_path, LEAK_CHECK), 5)[1] == 5


def test_a_kernel_that_honours_the_interrupt_is_not_killed(tmp_path):
    from kceval.errors import ReportError
    from kceval.render.run import run_notebook

    path = _notebook(tmp_path, "import time\ntime.sleep(300)")
    with WarmKernel(cwd=tmp_path, preload="import pandas", kill_after_interrupt=60) as k:
        km = k.acquire()
        with pytest.raises(ReportError, match="CellTimeoutError"):
            run_notebook(path, {"x": 1}, out_ipynb=tmp_path / "o.ipynb", km=km, timeout=2)
        assert k.alive() and k._killer is not None  # interrupted, armed, not fired
        k.release(ok=False)
        assert k._killer is None  # released: the clock is stopped


def test_a_reports_results_are_freed_when_the_next_one_starts(tmp_path):
    # the display hook keeps every cell's result under a hidden `_N` name: a report's figures and tables stayed
    # alive for the kernel's life (4.6 MB a report) until the reset dropped them
    keep = _notebook(tmp_path, "import builtins, weakref\nclass Result: pass\nr = Result()\n"
                               "builtins._kc_probe = weakref.ref(r)\nr")
    nb = nbformat.read(keep, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print(0, 0, 0)"))
    nbformat.write(nb, keep)
    check = _notebook(tmp_path / "check", "import builtins, gc, os\ngc.collect()\n"
                                          "print(os.getpid(), int(builtins._kc_probe() is None), 0)")
    with WarmKernel(cwd=tmp_path, preload="import pandas") as k:
        _run(k, keep, 1)
        assert _run(k, check, 1)[1] == 1  # the result is gone


def test_a_reports_figures_are_freed_by_the_reset_and_the_collector_is_tuned(tmp_path):
    # a figure is a cycle (figure -> axes -> figure): only the collector frees it, and with the thresholds raised
    # for speed the reset collects in full so that one report's figures do not wait for a later report's garbage
    # (the notebook turns the collector off: only the reset's own collection can free the figure, and it must turn
    # the collector back on for the next report)
    keep = _notebook(tmp_path, "import builtins, gc, weakref\nfrom kceval.report.figure import new_figure\n"
                               "print(*gc.get_threshold()[:1], int(gc.get_freeze_count() > 10_000), 0)\n"
                               "gc.disable()\nfig, ax = new_figure()\nbuiltins._kc_fig = weakref.ref(fig)")
    check = _notebook(tmp_path / "check", "import builtins, gc\n"
                                          "print(int(gc.isenabled()), int(builtins._kc_fig() is None), 0)")
    with WarmKernel(cwd=tmp_path) as k:
        threshold, frozen, _ = _run(k, keep, 1)
        assert (threshold, frozen) == (GC_THRESHOLDS[0], 1)  # the preload froze the imports and set the thresholds
        assert _run(k, check, 1)[:2] == (1, 1)  # freed by the reset, and the collector on again


class _Channel:
    """A client channel whose messages are given in advance (None: nothing came within the timeout)."""

    def __init__(self, msgs):
        self.msgs, self.timeouts = list(msgs), []

    def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        m = self.msgs.pop(0) if self.msgs else None
        if m is None:
            raise Empty
        return m


class _Client:
    def __init__(self, shell, iopub, alive=True):
        self.shell_channel, self.iopub_channel, self.alive = _Channel(shell), _Channel(iopub), alive
        self.asked, self.info = 0, None

    def kernel_info(self):
        self.asked += 1

    async def _async_is_alive(self):
        return self.alive

    def _handle_kernel_info_reply(self, msg):
        self.info = msg


REPLY = {"msg_type": "kernel_info_reply", "content": {"status": "ok"}}
STATUS = {"msg_type": "status", "content": {"execution_state": "busy"}}


def test_ready_drops_what_iopub_holds_without_a_quiet_wait():
    # jupyter_client's wait ends by listening to IOPub until 0.2 s pass without a message: dead time at every
    # kernel start. This one takes what is there and returns
    kc = _Client(shell=[REPLY], iopub=[STATUS, STATUS, {"msg_type": "status"}])
    asyncio.run(wait_ready(kc, timeout=5))
    assert kc.info is REPLY and kc.asked == 1
    assert kc.iopub_channel.msgs == []                      # every message held was dropped
    assert kc.iopub_channel.timeouts == [0.2, 0, 0, 0]      # the connection check, then no waiting


def test_ready_asks_again_until_iopub_is_connected():
    # the reply came but no IOPub message: the subscription is not live yet (ZeroMQ's slow joiner), ask again
    kc = _Client(shell=[REPLY, REPLY], iopub=[None, STATUS])
    asyncio.run(wait_ready(kc, timeout=5))
    assert kc.asked == 2 and kc.info is REPLY


def test_ready_fails_when_the_kernel_died():
    kc = _Client(shell=[], iopub=[], alive=False)
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(wait_ready(kc, timeout=5))


def test_ready_times_out():
    kc = _Client(shell=[{"msg_type": "other"}], iopub=[])
    with pytest.raises(RuntimeError, match="didn't respond in 0"):
        asyncio.run(wait_ready(kc, timeout=0))


def test_what_the_first_report_left_is_frozen_once(tmp_path):
    # the first report loads what the kernel keeps (the data, the memos): the first reset freezes it, so later
    # collections do not scan it again; later resets freeze nothing (a later report's leftovers stay collectable)
    keep = _notebook(tmp_path, "import builtins\nbuiltins._kc_keep = [[i] for i in range(3)]\nprint(0, 0, 0)")
    look = _notebook(tmp_path / "look", "import builtins, gc\nscanned = {id(o) for o in gc.get_objects()}\n"
                                        "later = getattr(builtins, '_kc_later', None)\n"
                                        "print(int(id(builtins._kc_keep) in scanned), "
                                        "int(later is not None and id(later) in scanned), 0)\n"
                                        "builtins._kc_later = [[1]]")
    with WarmKernel(cwd=tmp_path) as k:
        _run(k, keep, 1)
        assert _run(k, look, 1)[0] == 0        # frozen by the first reset: no longer among the scanned objects
        assert _run(k, look, 1)[1] == 1        # what the second report left was not frozen by the second reset


def test_the_setup_client_and_nbclients_client_wait_with_wait_ready(tmp_path, monkeypatch):
    # the quiet 0.2 s is gone only if every client a warm kernel uses waits with wait_ready
    from kceval.render import kernels, ready

    calls = []

    async def counting(kc, timeout=None):
        calls.append(type(kc).__name__)
        await wait_ready(kc, timeout)

    monkeypatch.setattr(kernels, "wait_ready", counting)  # WarmClient's
    monkeypatch.setattr(ready, "wait_ready", counting)    # SetupClient's
    path = _notebook(tmp_path, "import os\nprint(os.getpid(), x, os.getcwd())")
    with WarmKernel(cwd=tmp_path) as k:
        _run(k, path, 1)
        _run(k, path, 2)
    assert calls == ["SetupClient", "WarmClient"]  # each waits once (nbclient's client is reused)
    km = kernels.start_kernel(cwd=tmp_path)
    try:
        assert type(km.client()) is kernels.WarmClient
    finally:
        kernels.stop_kernel(km)
