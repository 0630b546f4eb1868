"""A kernel forked from its worker (kceval.render.fork) is the kernel the kernelspec describes.

Forking needs a process with one thread: pytest's (xdist's) has more, so each check runs in a
fresh interpreter, as a batch worker is, and prints what it saw as JSON.
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from kceval.paths import REPO_ROOT
from kceval.render.fork import ForkedProcess, forkable
from tests.support import process_running

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only: forking")


def _python(code: str, *args: str) -> dict:
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO_ROOT,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


FORKED = """
import ast, json, os, signal, sys, threading, time
os.environ["KCEVAL_PROBE"] = "seen"
r, w = os.pipe()  # a descriptor of the worker's that the kernel must not hold
from multiprocessing import resource_tracker
resource_tracker.ensure_running()  # as in a pool's worker: a tracker descriptor the kernel must forget
import kceval.report  # as the fork server has it: the kernel must have it without importing it itself
if os.fork():  # the rest runs in a child with one thread, as a worker forked by the fork server
    sys.exit(os.waitstatus_to_exitcode(os.wait()[1]))
from kceval.render.kernels import WarmKernel
k = WarmKernel(cwd=sys.argv[1], preload="import os")
threads_before = threading.active_count()
k.start(fork=True)
kc = k.km.blocking_client()
out = {"threads_before": threads_before, "kind": type(k.km.provisioner.process).__name__, "me": os.getpid()}
kc.start_channels(); kc.wait_for_ready(timeout=60)
def run(code, expression):
    # the value comes back in the reply (shell channel), not as printed output (iopub), which may come late
    reply = kc.execute_interactive(code, timeout=60, user_expressions={"value": expression})
    value = reply["content"].get("user_expressions", {}).get("value", {})
    c = reply["content"]
    got = ast.literal_eval(value.get("data", {}).get("text/plain", "None"))
    return c["status"] if c["status"] == "ok" else c.get("ename"), got
code = '''
import os, sys, multiprocessing
from multiprocessing import resource_tracker
fds = [os.path.join('/proc/self/fd', f) for f in os.listdir('/proc/self/fd')]
facts = dict(pid=os.getpid(), ppid=os.getppid(), sid=os.getsid(0), cwd=os.getcwd(),
             probe=os.environ.get('KCEVAL_PROBE'), jpy_parent=os.environ.get('JPY_PARENT_PID'),
             fds=sorted(os.readlink(f) for f in fds if os.path.exists(f)),
             report='kceval.report' in sys.modules, path0=sys.path[0],
             tracker_fd=resource_tracker._resource_tracker._fd, parent=multiprocessing.parent_process() is None)
'''
status, facts = run(code, "facts")
out["status"] = status
out.update(facts)
out["worker_pipe"] = f"pipe:[{os.fstat(w).st_ino}]"
mid = kc.execute("import time; time.sleep(60)")
while True:  # interrupt once the cell runs (an interrupt of an idle kernel is ignored)
    m = kc.get_iopub_msg(timeout=60)
    if m["parent_header"].get("msg_id") == mid and m["msg_type"] == "execute_input":
        break
time.sleep(0.3)
from jupyter_core.utils import run_sync
run_sync(k.km.interrupt_kernel)()
msg = kc.get_shell_msg(timeout=30)
while msg["parent_header"].get("msg_type") != "execute_request":
    msg = kc.get_shell_msg(timeout=30)
out["interrupted"] = msg["content"].get("ename")
# the kernel answers after the interrupt (under load ipykernel may raise it a second time, in the next cell)
tries = [run("x = 6 * 7", "x") for _ in range(2)]
out["after_interrupt"] = tries[0][1] if tries[0][0] == "ok" else tries[1][1]
out["after_tries"] = tries
proc = k.km.provisioner.process
kc.stop_channels()
k.shutdown()
out["returncode"] = proc.returncode if proc.returncode is not None else proc.poll()
print(json.dumps(out))
"""


def test_a_forked_kernel_is_a_kernel_of_its_own_with_the_environment_and_folder_it_was_given(tmp_path):
    out = _python(FORKED, str(tmp_path))
    assert out["threads_before"] == 1 and out["kind"] == "ForkedProcess"
    assert out["status"] == "ok"
    assert out["pid"] != out["me"] and out["ppid"] == out["me"]
    assert out["sid"] == out["pid"], "its own session, so an interrupt reaches the kernel alone"
    assert out["cwd"] == str(tmp_path.resolve()) and out["path0"] == str(tmp_path.resolve())
    assert out["probe"] == "seen", "the worker's environment"
    assert out["jpy_parent"] == str(out["me"]), "ipykernel's parent poller watches the worker"
    assert out["worker_pipe"] not in out["fds"], "a pipe of the worker's stayed open in the kernel"
    assert out["report"], "the kernel has what the worker imported"
    # multiprocessing's state is a new interpreter's: the worker's tracker descriptor number is the kernel's own
    # socket by now, which multiprocessing would otherwise write to and close
    assert out["tracker_fd"] is None and out["parent"]
    assert out["interrupted"] == "KeyboardInterrupt" and out["after_interrupt"] == 42, out["after_tries"]
    assert out["returncode"] is not None, "shut down and reaped"


ORPHAN = """
import json, os, sys
from kceval.render.kernels import WarmKernel
k = WarmKernel(cwd="/tmp", preload="import os")
k.start(fork=True)
print(json.dumps({"kernel": k.km.provisioner.process.pid}), flush=True)
os.kill(os.getpid(), 9)
"""


def test_a_forked_kernel_ends_when_its_worker_is_killed():
    run = subprocess.run([sys.executable, "-c", ORPHAN], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]
    pid = json.loads(run.stdout.strip().splitlines()[-1])["kernel"]
    for _ in range(300):  # up to a minute: ipykernel's parent poller looks every second; a loaded machine is slower
        if not process_running(pid):
            break
        time.sleep(0.2)
    assert not process_running(pid), f"kernel {pid} outlived its worker"


RESTART = """
import json, os, threading
from kceval.render.kernels import WarmKernel
k = WarmKernel(cwd="/tmp", preload="import os")
k.start(fork=True)
first = type(k.km.provisioner.process).__name__
k.kill()
k.release(ok=False)
t = threading.Thread(target=lambda: None); t.start(); t.join()
k.acquire()
second = type(k.km.provisioner.process).__name__
alive = k.alive()
k.shutdown()
# a process with a thread running starts its kernel as usual, even when asked to fork
ev = threading.Event(); t = threading.Thread(target=ev.wait); t.start()
k = WarmKernel(cwd="/tmp", preload="import os")
k.start(fork=True)
threaded = type(k.km.provisioner.process).__name__
k.shutdown(); ev.set(); t.join()
print(json.dumps([first, second, alive, threaded]))
"""


def test_a_replacement_kernel_and_a_kernel_of_a_process_with_threads_are_started_as_usual():
    assert _python(RESTART) == ["ForkedProcess", "Popen", True, "Popen"]


@pytest.mark.parametrize(("cmd", "expected"), [
    ([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"], ["-f", "k.json"]),
    ([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json", "--x=1"],
     ["-f", "k.json", "--x=1"]),
    ([sys.executable, "-m", "other_kernel", "-f", "k.json"], None),
    ([sys.executable, "-I", "-m", "ipykernel_launcher", "-f", "k.json"], None),
    (["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", "k.json"], None),
    (["R", "--slave", "-e", "IRkernel::main()", "--args", "k.json"], None),
    ([], None),
])
def test_only_a_kernelspec_of_this_interpreter_and_ipykernel_is_forked(cmd, expected):
    assert forkable(cmd) == expected


def test_the_forked_process_handle_reports_how_the_kernel_ended():
    # children started with posix_spawn (this process has threads: not forked here), waited for by pid alone
    pid = os.posix_spawn(sys.executable, [sys.executable, "-c", "raise SystemExit(3)"], os.environ)
    p = ForkedProcess(pid)
    assert p.wait(timeout=60) == 3 and p.poll() == 3
    pid = os.posix_spawn(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)"], os.environ)
    p = ForkedProcess(pid)
    assert p.poll() is None
    p.kill()
    assert p.wait(timeout=60) == -signal.SIGKILL
    p.kill()  # already gone: nothing to do, no error


def test_the_fork_server_preload_starts_no_thread_and_leaves_the_inline_backend_to_the_kernel():
    code = """
import json, sys, threading
import kceval.batch.preload
from kceval.batch import worker
print(json.dumps([threading.active_count(), "matplotlib_inline.backend_inline" in sys.modules,
                  "kceval.report" in sys.modules, "renderer" in worker._STATE, sys.modules.get("rfc3987_syntax", 0)]))
"""
    # the inline backend, imported where the kernel's shell exists, hooks into it (figures are flushed per cell)
    assert _python(code) == [1, False, True, True, None]
