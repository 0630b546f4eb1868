"""Shared fixtures (plain helpers and reference computations are in tests/support.py)."""
import os

# As kceval's batch workers do: the suite runs one process per core and one more (pytest-xdist), and a BLAS
# with a thread per core in each of them fought over the cores (the risk model's test: 15 s, 7 s with one
# thread). Set before numpy is imported here, and inherited by every kernel and subprocess a test starts.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pandas as pd  # noqa: E402  (after the thread settings)
import pytest  # noqa: E402

from kceval.render.lean import without_format_grammars  # noqa: E402
from tests.support import shaped_sample, tiny_tables  # noqa: E402

# as the kceval program and its workers do (0.8 s of every test process's collection)
without_format_grammars()


@pytest.fixture(scope="session")
def shaped(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample with provinces of unusual shape in 2019 (tests/support.py: shaped_sample), written once."""
    return shaped_sample(tmp_path_factory.mktemp("shaped"))


@pytest.fixture
def tiny() -> dict[str, pd.DataFrame]:
    """Two provinces, 2019; figures chosen so totals are easy to check by hand (tests/support.py)."""
    return tiny_tables()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores.

    A quarter of the suite's time is spent waiting (kernels booting, cells timing out, subprocesses
    interrupted): on 2 cores, 2 workers kept them busy 74% of the time. Measured on 2 quiet cores:
    2 workers 129 s, 3 workers 119 s, 4 workers 123 s.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 1

