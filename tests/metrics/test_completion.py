"""Completion rates, slippage, slip ratio, acceptance lag, pinned to hand counts."""

import numpy as np
import pandas as pd
import pytest

from kceval.errors import ParameterError
from kceval.metrics.completion import completion_flags, completion_rates, timing_summary
from tests.support import wilson_by_hand


# The tiny dataset (tests/support.py), as of 2019-12-31, by hand:
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




def test_delivery_and_punctuality_answer_different_questions(tiny):
    # Definition (issue 11), by hand on the tiny dataset:
    # as of 31 Dec 2019 all four are due. Delivered in time (accepted by the original planned end)
    # among due: D only -> 1/4 (B is stopped: not delivered, not "late"). Punctual among the
    # accepted: A (5 days late) and D (early) -> 1/2.
    r = completion_rates(tiny["projects"], as_of="2019-12-31").set_index("measure")
    assert (r.at["on_time", "count"], r.at["on_time", "n"]) == (1, 4)
    assert (r.at["punctuality", "count"], r.at["punctuality", "n"]) == (1, 2)
    assert r.at["punctuality", "denominator"] == "projects accepted, with a date"
    # as of 1 Aug 2019: D was accepted on 28 Jun before its deadline (31 Aug): punctual, not yet due
    r = completion_rates(tiny["projects"], as_of="2019-08-01").set_index("measure")
    assert (r.at["punctuality", "count"], r.at["punctuality", "n"]) == (1, 1)
    assert r.at["on_time", "n"] == 0
    f = completion_flags(tiny["projects"], as_of="2019-12-31").set_index("project_id")
    assert f.at["B", "on_time"] == 0 and pd.isna(f.at["B", "punctual"]) and pd.isna(f.at["B", "slip_days"])
