"""A kernel client ready without jupyter_client's last 0.2 s: :func:`wait_ready`, and the blocking
:class:`SetupClient` that uses it (the warm kernels of :mod:`.kernels` use both)."""
from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client import BlockingKernelClient
from jupyter_core.utils import ensure_async, run_sync


async def wait_ready(kc: Any, timeout: float | None = None) -> None:
    """Wait until the kernel answers on shell and ``kc``'s IOPub is connected: jupyter_client's ``wait_for_ready``
    without its last 0.2 s.

    Like jupyter_client, ask for kernel_info until the reply comes and an IOPub message shows the subscription is
    live. jupyter_client then listens to IOPub until it has been quiet for 0.2 s: dead time at every kernel start,
    twice (the setup client's wait, then nbclient's), on a batch's critical path. Here what IOPub holds is dropped
    without waiting for more: a late status of the kernel_info request concerns no one, as nbclient and
    ``execute_interactive`` take only the messages whose parent is their own request. For a client of a kernel
    manager (jupyter_client first waits for heartbeats when there is none).
    """
    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        kc.kernel_info()
        try:
            msg = await ensure_async(kc.shell_channel.get_msg(timeout=1))
        except Empty:
            pass
        else:
            if msg["msg_type"] == "kernel_info_reply":
                try:  # the request's busy status, if IOPub is connected; else ask again
                    await ensure_async(kc.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    pass
                else:
                    kc._handle_kernel_info_reply(msg)
                    break
        if not await kc._async_is_alive():  # (a blocking client's is_alive would start a thread to run this)
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
    while True:
        try:
            await ensure_async(kc.iopub_channel.get_msg(timeout=0))
        except Empty:
            return


class SetupClient(BlockingKernelClient):
    """The blocking client a :class:`WarmKernel` runs its preload and resets with: ready without the quiet wait."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        await wait_ready(self, timeout)

    wait_for_ready = run_sync(_async_wait_for_ready)
