"""What a local batch's fork server imports once, for every worker and kernel forked from it.

:func:`kceval.batch.executors.run_local` starts its workers from a ``multiprocessing`` fork
server that imports this module first: the rendering stack a worker needs (nbconvert, papermill,
jupyter_client, the HTML exporter with its templates) and the report stack a kernel needs
(ipykernel, pandas, matplotlib, seaborn, scipy, :mod:`kceval.report`). A worker forks its first
kernel from itself (:mod:`kceval.render.fork`), so these imports are paid once per batch process,
not once per worker and once per kernel (about 1 s and 1.5 s of CPU each).

Nothing here starts a thread, opens a file that stays open, or makes an event loop: the fork server
forks from this state. BLAS gets one thread before numpy is loaded (see :mod:`kceval.render.lean`).
"""
from __future__ import annotations

import gc
import os

from ..render.lean import SINGLE_THREADED, without_format_grammars

for _k, _v in SINGLE_THREADED.items():  # before numpy is loaded (nothing above loads it: tests/batch/test_batch.py)
    os.environ.setdefault(_k, _v)
without_format_grammars()

import ipykernel.ipkernel  # noqa: E402,F401 - the kernel side, imported for the kernels forked later
import ipykernel.kernelapp  # noqa: E402,F401
import matplotlib.pyplot  # noqa: E402,F401
import nbformat  # noqa: E402
import pandas  # noqa: E402,F401
import scipy.stats  # noqa: E402,F401
import seaborn  # noqa: E402,F401

import kceval.report  # noqa: E402,F401

from ..render import one_report  # noqa: E402,F401 - the worker side
from . import worker  # noqa: E402

worker.prepare_renderer()  # templates loaded once here; each worker inherits the exporter
nbformat.validate(nbformat.v4.new_notebook())  # nbformat's schema compiled once here, not in each worker
worker.code_identity()  # the hash of the code imported here, kept for the batch to compare with its own
gc.freeze()  # before the forks: a collection in a worker or kernel neither scans nor touches all this
