"""Headline completion figures, pinned to hand counts."""
import json

import numpy as np
import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.headline.completion import headline_completion, headline_completion_by_province
from kceval.sample import scale
from tests.support import wilson_by_hand


def test_headline_tiny(tiny):
    ds = Dataset.from_tables(tiny)
    proj = ds.projects.copy()
    h = headline_completion(ds, year=2019, as_of="2019-12-31")
    pd.testing.assert_frame_equal(ds.projects, proj)
    json.dumps(h)
    assert h["acceptance_rate"] == 0.5 and h["acceptance_rate_ci"] == pytest.approx(list(wilson_by_hand(2, 4)))
    assert h["on_time_rate"] == 0.25
    assert h["median_slippage_days"] == 5 and h["slippage_censored"] == 1
    # days from approval: B stopped at 91, D accepted at 105, C open at 244, A accepted at 249
    #   all-cause KM before 105: 3/4; CIF(105) = 3/4·1/3 = 1/4; S(105) = 1/2; CIF(249) = 1/4 + 1/2·1/1 = 3/4
    #   -> CIF first reaches 0.5 at 249
    assert h["median_days_to_acceptance"] == 249
    # KM with stops censored: S(105) = 2/3, S(249) = 0 -> median 249
    assert h["median_days_to_acceptance_km"] == 249
    p = headline_completion(ds, year=2019, province="Bình Phước", as_of="2019-12-31")
    assert p["acceptance_rate"] == 1.0 and p["on_time_rate"] == 1.0 and p["median_slippage_days"] == -64
    assert p["median_days_to_acceptance"] == 105


def test_empty_selections(tiny, recwarn):
    ds = Dataset.from_tables(tiny)
    with pytest.raises(ParameterError, match=r"`year` must be one of the data's years \[2019\]; received 2018"):
        headline_completion_by_province(ds, year=2018)
    assert len(headline_completion_by_province(_with_plan_only_year(tiny), year=2018)) == 0
    h = headline_completion(ds, year=2019, as_of="2019-01-01")       # nothing approved yet
    json.dumps(h)
    assert h["acceptance_rate"] is None and h["median_slippage_days"] is None
    assert h["median_days_to_acceptance"] is None
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_by_province_matches_single_headlines():
    ds = Dataset.from_tables(scale(1500, seed=4))
    tab = headline_completion_by_province(ds, year=2021, as_of="2021-12-31").set_index("province")
    for prov in tab.index[[0, 9, 30]]:
        h = headline_completion(ds, year=2021, province=prov, as_of="2021-12-31")
        row = tab.loc[prov]
        assert h["acceptance_rate"] == pytest.approx(row["acceptance_rate"], nan_ok=True)
        assert h["on_time_rate"] == pytest.approx(row["on_time_rate"], nan_ok=True)
        assert h["median_slippage_days"] == pytest.approx(row["median_slippage_days"], nan_ok=True)
        m = row["median_days_to_acceptance"]
        assert (h["median_days_to_acceptance"] is None and np.isnan(m)) or h["median_days_to_acceptance"] == m


def test_bundled_sample_smoke():
    ds = Dataset.load()
    h = headline_completion(ds, year=2019, province="Đồng Nai", as_of="2019-12-31")
    json.dumps(h)
    for k in ("acceptance_rate", "on_time_rate"):
        assert h[k] is None or h[k + "_ci"][0] <= h[k] <= h[k + "_ci"][1]
    assert set(h) >= {"acceptance_rate", "on_time_rate", "median_slippage_days", "median_days_to_acceptance"}


def _with_plan_only_year(tiny):
    """The tiny tables plus a 2018 plan row with no project: a year of the data with nothing to rate."""
    plans = pd.concat([tiny["plans"], tiny["plans"].iloc[[0]].assign(year=2018)], ignore_index=True)
    return Dataset.from_tables({**tiny, "plans": plans})
