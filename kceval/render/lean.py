"""What a process that kceval owns (the ``kceval`` program, a batch worker, a report kernel) leaves out of its
imports, and how its garbage collector runs."""
from __future__ import annotations

import gc
import sys

# A report makes matplotlib and pandas objects by the hundred thousand. With the default thresholds (700, 10, 10)
# every young collection ran often and every older one scanned the imported modules too: 10% of a report's cell
# time (34 ms a province report), 7 ms with these and what was imported frozen.
GC_THRESHOLDS = (10_000, 10, 10)

# One BLAS thread per kernel: the workers already use every core, and a least-squares call of a
# model, when another process takes the core its second thread waits for, swings from 20 ms to 0.8 s
# (distributed's nanny sets the same for its workers). A value the user set is kept. It acts when numpy is
# loaded: a fork server sets it before it imports anything that loads numpy (kceval.batch.preload).
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def tune_collector() -> None:
    """Freeze every object alive now (the imports: never scanned again, and, in a process that forks, never written
    to, so the pages stay shared) and collect young objects every 10,000 new ones, not every 700.

    For processes kceval owns: a batch worker, a report kernel (after its preload; its reset between reports
    collects in full, so one report's figures do not outlive it). The same collections happen, less often.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def without_format_grammars() -> None:
    """Make ``import rfc3987_syntax`` fail in this process (call it before nbformat is imported).

    jsonschema, which nbformat imports, imports rfc3987_syntax when it is installed, and that builds its grammars
    at import: 0.8 s of every start. nbformat checks no string format (it passes no format checker), so a notebook
    is validated as before. Only for processes kceval owns: anything else importing jsonschema there would lose
    its ``iri`` format checks.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # a None entry fails the import
