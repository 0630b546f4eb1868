"""Shared fixtures (plain helpers and reference computations are in tests/support.py)."""
import pandas as pd
import pytest

from tests.support import tiny_tables


@pytest.fixture
def tiny() -> dict[str, pd.DataFrame]:
    """Two provinces, 2019; figures chosen so totals are easy to check by hand (tests/support.py)."""
    return tiny_tables()
