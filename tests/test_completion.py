"""Completion rates, slippage, slip ratio, acceptance lag and headlines, pinned to hand counts."""
import json
import math

import numpy as np
import pandas as pd
import pytest

from kceval.completion import (completion_flags, completion_rates, headline_completion,
                               headline_completion_by_province, timing_summary)
from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.sample import scale


def wilson_by_hand(x, n, z=1.959963984540054):
    p = x / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(c - h, 0.0), min(c + h, 1.0)


# The tiny dataset (tests/conftest.py), as of 2019-12-31, by hand:
#   A approved 01/03, planned end 31/10, finished 15/10, accepted 05/11 (extended to 30/11: the
#     original end still counts) -> due, accepted, late by 5 days; actual 249 d / planned 244 d;
#     acceptance lag 21 d
#   B planned end 30/09, stopped 01/07 -> due, not accepted, no slippage
#   C planned end 30/11, in progress -> due, open: slippage ≥ 31 days (censored)
#   D approved 15/03, planned end 31/08, finished 20/06, accepted 28/06 -> early by 64 days;
#     actual 105 d / planned 169 d; lag 8 d
def test_flags_by_hand(tiny):
    f = completion_flags(tiny["projects"], as_of="2019-12-31").set_index("project_id")
    assert f["due"].all()
    assert f["accepted"].to_dict() == {"A": True, "B": False, "C": False, "D": True}
    assert f["on_time"].to_dict() == {"A": 0.0, "B": 0.0, "C": 0.0, "D": 1.0}
    assert f.loc[["A", "C", "D"], "slip_days"].tolist() == [5.0, 31.0, -64.0]
    assert np.isnan(f.at["B", "slip_days"])
    assert f["slip_censored"].to_dict() == {"A": False, "B": False, "C": True, "D": False}
    assert f.at["A", "slip_ratio"] == pytest.approx(249 / 244)
    assert f.at["D", "slip_ratio"] == pytest.approx(105 / 169)
    assert f.at["A", "acceptance_lag_days"] == 21 and f.at["D", "acceptance_lag_days"] == 8


def test_rates_by_hand(tiny):
    r = completion_rates(tiny["projects"], as_of="2019-12-31").set_index("measure")
    assert (r.at["acceptance", "count"], r.at["acceptance", "n"]) == (2, 4)
    assert (r.at["on_time", "count"], r.at["on_time", "n"]) == (1, 4)
    assert (r.at["on_time", "low"], r.at["on_time", "high"]) == pytest.approx(wilson_by_hand(1, 4))
    # as of 1 Nov: A due (31/10) but not yet accepted; C not due yet -> acceptance 1/3 (D)
    r = completion_rates(tiny["projects"], as_of="2019-11-01").set_index("measure")
    assert (r.at["acceptance", "count"], r.at["acceptance", "n"]) == (1, 3)
    f = completion_flags(tiny["projects"], as_of="2019-11-01").set_index("project_id")
    assert f.at["A", "slip_days"] == 1 and f.at["A", "slip_censored"]
    by = completion_rates(tiny["projects"], as_of="2019-12-31", by="province")
    dn = by[(by.province == "Đồng Nai") & (by.measure == "acceptance")].iloc[0]
    assert (dn["count"], dn["n"]) == (1, 3)


def test_undated_acceptance_counts_but_not_for_timing(tiny):
    p = tiny["projects"].copy()
    p.loc[p.project_id == "D", "accepted_on"] = pd.NaT
    r = completion_rates(p, as_of="2019-12-31").set_index("measure")
    assert (r.at["acceptance", "count"], r.at["acceptance", "n"]) == (2, 4)
    assert r.at["on_time", "n"] == 3                      # D's timing is unknown
    t = timing_summary(p, as_of="2019-12-31").set_index("measure")
    assert t.at["slippage_days", "n"] == 2


def test_timing_summary_by_hand(tiny):
    t = timing_summary(tiny["projects"], as_of="2019-12-31").set_index("measure")
    # slippage values 5, 31 (censored lower bound), −64: median 5; mean of uncensored (5 − 64)/2
    assert t.at["slippage_days", "median"] == 5
    assert t.at["slippage_days", "n_censored"] == 1
    assert t.at["slippage_days", "mean"] == -29.5
    assert t.at["slip_ratio", "median"] == pytest.approx((249 / 244 + 105 / 169) / 2)
    assert t.at["acceptance_lag_days", "median"] == 14.5
    g = timing_summary(tiny["projects"], as_of="2019-12-31", by="province")
    assert set(g["province"]) == {"Đồng Nai", "Bình Phước"}


def test_bad_arguments_and_no_mutation(tiny):
    before = tiny["projects"].copy()
    completion_flags(tiny["projects"], as_of="2019-12-31")
    completion_rates(tiny["projects"], as_of="2019-12-31", by="activity")
    timing_summary(tiny["projects"], as_of="2019-12-31", by="activity")
    pd.testing.assert_frame_equal(tiny["projects"], before)
    with pytest.raises(ParameterError, match="`as_of`"):
        completion_rates(tiny["projects"], as_of="not a date")
    with pytest.raises(ParameterError, match="`by`.*'actvity'"):
        completion_rates(tiny["projects"], as_of="2019-12-31", by="actvity")
    with pytest.raises(ParameterError, match="`projects`"):
        completion_flags(tiny["events"], as_of="2019-12-31")
    with pytest.raises(ParameterError, match="`level`"):
        completion_rates(tiny["projects"], as_of="2019-12-31", level=2.0)


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
    assert len(headline_completion_by_province(ds, year=2018)) == 0
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
