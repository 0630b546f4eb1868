"""What a batch tells its user while it runs and when it ends: a progress line or bar, then a summary."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import IO

from tqdm import tqdm

from .manifest import Outcome


class Progress:
    """A progress bar (done / total, failures, time left) on a terminal; one line per report otherwise."""

    def __init__(self, total: int, stream: IO[str] | None = None):
        self.total, self.done, self.failed, self.t0 = total, 0, 0, time.perf_counter()
        self.stream = stream or sys.stderr
        self.bar = None
        if getattr(self.stream, "isatty", lambda: False)():
            self.bar = tqdm(total=total, file=self.stream, unit="report", dynamic_ncols=True)

    def update(self, o: Outcome) -> None:
        self.done += 1
        self.failed += o.status == "failed"
        if self.bar is not None:
            self.bar.set_postfix_str(f"failed={self.failed}")
            self.bar.update(1)
        else:
            el = time.perf_counter() - self.t0
            left = el / self.done * (self.total - self.done)
            err = f"  {o.error}" if o.error else ""
            print(f"[{self.done}/{self.total}] {o.status:<6} {o.seconds:6.2f}s  {o.name}  "
                  f"(failed {self.failed}, ~{left:.0f}s left){err}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def summary_table(outcomes: Iterable[Outcome]) -> str:
    """A plain-text table of the batch: counts, then every failure with its error's first line."""
    outcomes = list(outcomes)
    n = {s: sum(o.status == s for o in outcomes) for s in ("ok", "cached", "failed")}
    lines = [f"{len(outcomes)} reports: {n['ok']} rendered, {n['cached']} unchanged (cached), {n['failed']} failed"]
    fails = [o for o in outcomes if o.status == "failed"]
    if fails:
        w = max(len(o.name) for o in fails)
        lines.append("failed:")
        lines += [f"  {o.name:<{w}}  {o.error}" for o in fails]
    return "\n".join(lines)
