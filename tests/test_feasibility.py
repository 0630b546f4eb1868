"""Problem rates and feasibility headlines, pinned to hand counts and the Wilson formula."""
import json
import math

import numpy as np
import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.feasibility import (headline_feasibility, headline_feasibility_by_province, problem_flags,
                                problem_rates, wilson)
from kceval.funnel import funnel, shrink_rates
from kceval.sample import scale


def wilson_by_hand(x, n, z=1.959963984540054):
    # Wilson (1927): centre (p + z²/2n)/(1 + z²/n), half-width z·sqrt(p(1−p)/n + z²/4n²)/(1 + z²/n)
    p = x / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return c - h, c + h


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
    assert r.at["problem", "rate"] == 0.5
    bp = problem_rates(p, e, by="province")
    dn = bp[(bp.province == "Đồng Nai") & (bp.measure == "problem")].iloc[0]
    assert (dn["count"], dn["n"]) == (2, 3)
    b = bp[(bp.province == "Bình Phước") & (bp.measure == "problem")].iloc[0]
    assert (b["count"], b["n"], b["low"]) == (0, 1, 0.0)
    two = problem_rates(p, e, by=["source", "pilot"])
    assert set(two.columns) >= {"source", "pilot", "measure", "count", "n", "rate", "low", "high"}
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


def test_headline_tiny(tiny):
    ds = Dataset.from_tables(tiny)
    h = headline_feasibility(ds, year=2019, province="dong nai", as_of="2019-12-31")
    json.dumps(h)
    # Đồng Nai: A extended, B stopped, C clean -> 2/3 problems, 1/3 stops
    assert h["problem_rate"] == pytest.approx(2 / 3)
    assert h["stop_rate"] == pytest.approx(1 / 3)
    assert h["problem_rate_ci"] == pytest.approx(list(wilson_by_hand(2, 3)))
    assert h["funnel_flag"] in ("within", "above", "below")
    # south has two provinces here (< 5): the pooled prior Beta fitted to (2/3, 0/1) is used
    units = pd.DataFrame({"province": ["Bình Phước", "Đồng Nai"], "region": "south", "count": [0, 2], "n": [1, 3]})
    ref = shrink_rates(units).set_index("province")
    assert h["problem_rate_shrunk"] == pytest.approx(ref.at["Đồng Nai", "shrunk"])
    assert h["funnel_flag"] == funnel(units).table.set_index("province").at["Đồng Nai", "flag_95"]
    # as of mid-year the extension (1 Sept) has not happened yet and B was stopped on 1 July
    mid = headline_feasibility(ds, year=2019, province="Đồng Nai", as_of="2019-08-01")
    assert mid["extension_rate"] == 0.0 and mid["stop_rate"] == pytest.approx(1 / 3)
    nat = headline_feasibility(ds, year=2019)
    assert nat["problem_rate"] == 0.5 and nat["problem_rate_shrunk"] is None and nat["funnel_flag"] is None
    reg = headline_feasibility(ds, year=2019, region="south")
    assert reg["problem_n"] == 4
    with pytest.raises(ParameterError, match="`province` or `region`"):
        headline_feasibility(ds, year=2019, province="Đồng Nai", region="south")


def test_empty_selections(tiny):
    ds = Dataset.from_tables(tiny)
    empty = headline_feasibility_by_province(ds, year=2018)
    assert len(empty) == 0 and {"province", "problem_rate", "funnel_flag"} <= set(empty.columns)
    h = headline_feasibility(ds, year=2019, province="Hà Nội")       # no projects there
    json.dumps(h)
    assert h["problem_rate"] is None and h["problem_n"] == 0 and h["funnel_flag"] is None


def test_by_province_matches_single_headlines():
    ds = Dataset.from_tables(scale(1500, seed=3))
    tab = headline_feasibility_by_province(ds, year=2020, as_of="2020-12-31")
    assert tab["province"].is_unique
    for prov in tab["province"].iloc[[0, 7, 20]]:
        h = headline_feasibility(ds, year=2020, province=prov, as_of="2020-12-31")
        row = tab.set_index("province").loc[prov]
        assert h["problem_rate"] == pytest.approx(row["problem_rate"])
        assert h["problem_rate_shrunk"] == pytest.approx(row["problem_rate_shrunk"])
        assert h["funnel_flag"] == row["funnel_flag"]
        # independent recount from the raw tables
        sel = ds.select(year=2020, province=prov).as_of("2020-12-31")
        ids = set(sel.events.loc[sel.events.kind.isin(["stop", "adjustment", "extension"]), "project_id"])
        ids |= set(sel.projects.loc[sel.projects.status == "stopped", "project_id"])
        assert h["problem_rate"] == pytest.approx(len(ids) / len(sel.projects))


def test_bundled_sample_smoke():
    # the bundled sample (data/sample, or regenerated in memory when absent)
    ds = Dataset.load()
    h = headline_feasibility(ds, year=2019, province="Đồng Nai", as_of="2019-12-31")
    json.dumps(h)
    for k in ("stop_rate", "adjustment_rate", "extension_rate", "problem_rate"):
        assert h[k] is None or 0 <= h[k] <= 1
        assert h[k] is None or h[k + "_ci"][0] <= h[k] <= h[k + "_ci"][1]
    assert h["funnel_flag"] in ("within", "above", "below")
