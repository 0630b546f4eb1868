"""Problem rates, pinned to hand counts and the Wilson formula."""

import numpy as np
import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.headline.feasibility import headline_feasibility
from kceval.metrics.feasibility import problem_flags, problem_rates
from kceval.metrics.intervals import wilson
from tests.support import wilson_by_hand


def test_wilson_matches_formula():
    lo, hi = wilson([0, 2, 7, 10], [10, 4, 9, 10])
    for i, (x, n) in enumerate([(0, 10), (2, 4), (7, 9), (10, 10)]):
        el, eh = wilson_by_hand(x, n)
        assert lo[i] == pytest.approx(max(el, 0), abs=1e-12)
        assert hi[i] == pytest.approx(min(eh, 1), abs=1e-12)
    assert lo[0] == 0.0 and hi[3] == 1.0
    lo, hi = wilson([0], [0])
    assert np.isnan(lo[0]) and np.isnan(hi[0])


def test_flags_on_tiny(tiny):
    # A: extension event; B: stop event and stopped status; C, D: nothing
    f = problem_flags(tiny["projects"], tiny["events"]).set_index("project_id")
    assert f["extended"].to_dict() == {"A": True, "B": False, "C": False, "D": False}
    assert f["stopped"].to_dict() == {"A": False, "B": True, "C": False, "D": False}
    assert f["problem"].to_dict() == {"A": True, "B": True, "C": False, "D": False}
    assert not f["adjusted"].any()


def test_stop_from_status_only_and_suspended_is_not_a_stop():
    p = pd.DataFrame({"project_id": ["A", "B", "C"], "status": ["stopped", "suspended", "accepted"]})
    e = pd.DataFrame({"project_id": ["C", "C"], "kind": ["adjustment", "adjustment"]})
    f = problem_flags(p, e)
    assert f["stopped"].tolist() == [True, False, False]
    assert f["problem"].tolist() == [True, False, True]
    # two adjustments of one project count once
    r = problem_rates(p, e).set_index("measure")
    assert r.at["adjustment", "count"] == 1 and r.at["adjustment", "n"] == 3


def test_rates_national_and_by_province(tiny):
    p, e = tiny["projects"], tiny["events"]
    r = problem_rates(p, e).set_index("measure")
    # counts by hand: stop 1/4, adjustment 0/4, extension 1/4, problem 2/4
    assert r["count"].to_dict() == {"stop": 1, "adjustment": 0, "extension": 1, "problem": 2}
    assert (r["n"] == 4).all()
    lo, hi = wilson_by_hand(2, 4)   # 0.150036, 0.849964
    assert r.at["problem", "low"] == pytest.approx(lo) and r.at["problem", "high"] == pytest.approx(hi)
    assert r.at["problem", "estimate"] == 0.5
    bp = problem_rates(p, e, by="province")
    dn = bp[(bp.province == "Đồng Nai") & (bp.measure == "problem")].iloc[0]
    assert (dn["count"], dn["n"]) == (2, 3)
    b = bp[(bp.province == "Bình Phước") & (bp.measure == "problem")].iloc[0]
    assert (b["count"], b["n"], b["low"]) == (0, 1, 0.0)
    two = problem_rates(p, e, by=["source", "pilot"])
    assert set(two.columns) >= {
        "source",
        "pilot",
        "measure",
        "count",
        "n",
        "estimate",
        "low",
        "high",
        "method",
        "denominator",
    }
    assert two.groupby("measure")["n"].sum().eq(4).all()


def test_bad_arguments_name_the_parameter(tiny):
    with pytest.raises(ParameterError, match="`by`.*'provnce'"):
        problem_rates(tiny["projects"], tiny["events"], by="provnce")
    with pytest.raises(ParameterError, match="`level`"):
        problem_rates(tiny["projects"], tiny["events"], level=95)
    with pytest.raises(ParameterError, match="`events`"):
        problem_rates(tiny["projects"], None)
    ds = Dataset.from_tables(tiny)
    with pytest.raises(ParameterError, match="`year`"):
        headline_feasibility(ds, year="twenty")
    with pytest.raises(ParameterError, match="`as_of`"):
        headline_feasibility(ds, year=2019, as_of="31/31/2019")
    with pytest.raises(ParameterError, match="`ds`"):
        headline_feasibility(tiny, year=2019)


def test_inputs_not_mutated(tiny):
    before = {k: v.copy() for k, v in tiny.items()}
    problem_flags(tiny["projects"], tiny["events"])
    problem_rates(tiny["projects"], tiny["events"], by="province")
    for k in tiny:
        pd.testing.assert_frame_equal(tiny[k], before[k])
    ds = Dataset.from_tables(tiny)
    proj = ds.projects.copy()
    headline_feasibility(ds, year=2019, province="Đồng Nai")
    pd.testing.assert_frame_equal(ds.projects, proj)


