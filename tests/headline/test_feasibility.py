"""Headline feasibility figures, pinned to hand counts and the Wilson formula."""
import copy
import json
import pickle
from dataclasses import replace

import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.headline.feasibility import headline_feasibility, headline_feasibility_by_province
from kceval.headline.summary import summary_by_province
from kceval.metrics.funnel import funnel, shrink_rates
from kceval.paths import REPO_ROOT
from kceval.sample import scale
from tests.support import wilson_by_hand


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
    with pytest.raises(ParameterError, match=r"`year` must be one of the data's years \[2019\]; received 2018"):
        headline_feasibility_by_province(ds, year=2018)
    empty = headline_feasibility_by_province(_with_plan_only_year(tiny), year=2018)
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


def _with_plan_only_year(tiny):
    """The tiny tables plus a 2018 plan row with no project: a year of the data with nothing to rate."""
    plans = pd.concat([tiny["plans"], tiny["plans"].iloc[[0]].assign(year=2018)], ignore_index=True)
    return Dataset.from_tables({**tiny, "plans": plans})


def test_funnel_flags_come_from_the_funnel_the_reports_draw():
    # Definition (issue 11): a province's flag and the report's funnel plot are one funnel
    from kceval.headline.feasibility import province_funnel

    tab = headline_feasibility_by_province(Dataset.load(), year=2019, as_of="2019-06-30")
    for region in ("north", "central", "south"):
        drawn = province_funnel(tab, region).table.set_index("province")["flag_95"]
        mine = tab[tab["region"] == region].set_index("province")["funnel_flag"]
        assert drawn.sort_index().to_dict() == mine.sort_index().to_dict()
    drawn = province_funnel(tab, None).table.set_index("province")["flag_95"]
    assert drawn.sort_index().to_dict() == tab.set_index("province")["funnel_flag_national"].sort_index().to_dict()
    assert len(drawn) == 63


def test_rates_as_of_a_date_count_only_projects_approved_by_then():
    # Definition (issue 11): as of 28 February 2019 the south had approved 107 of its 379 projects
    # of 2019; the others have had no chance of a problem and are not in the denominator.
    ds = Dataset.load()
    early = headline_feasibility(ds, year=2019, region="south", as_of="2019-02-28")
    p = ds.select(year=2019, region="south").projects
    assert early["problem_n"] == int((p["approved_on"] <= "2019-02-28").sum()) == 107
    assert headline_feasibility(ds, year=2019, region="south")["problem_n"] == len(p) == 379
    tab = headline_feasibility_by_province(ds, year=2019, as_of="2019-02-28")
    assert tab.loc[tab["region"] == "south", "n"].sum() == 107


def test_memoised_figures_are_the_fresh_ones_and_a_callers_change_does_not_leak():
    """The reports of a batch share per-process memos (Dataset.memo_key); data built in memory are not memoised."""
    from kceval.headline.scope import year_as_of

    ds = Dataset.load().sealed()  # as a report's data are
    first = headline_feasibility_by_province(ds, year=2019, as_of="2019-06-30")
    first.loc[:, "problem_rate"] = -1.0  # a caller changing what it got
    sel, _, _ = year_as_of(ds, 2019, "2019-06-30")
    sel.projects.loc[:, "status"] = "stopped"
    fresh = Dataset(ds.plans, ds.projects, ds.events, ds.payments)  # the same tables, not from files: no memo
    assert fresh.memo_key is None and ds.memo_key is not None
    again = headline_feasibility_by_province(ds, year=2019, as_of="2019-06-30")
    pd.testing.assert_frame_equal(again, headline_feasibility_by_province(fresh, year=2019, as_of="2019-06-30"))
    assert (again["problem_rate"] >= 0).all()
    assert (year_as_of(ds, 2019, "2019-06-30")[0].projects["status"] != "stopped").any()
    other_date = headline_feasibility_by_province(ds, year=2019, as_of="2019-12-31")
    assert not other_date["problem_count"].equals(again["problem_count"])  # another date, another entry


def test_data_changed_by_their_user_are_never_answered_from_a_memo():
    """Bug (found in review): the memo key was the files and the tables' sizes, so data changed in place, or
    rebuilt with ``dataclasses.replace`` to the same sizes, got the figures of the data as read. Only sealed data
    (a report's) are memoised now, and a seal belongs to its object only."""
    def plans(ds):
        return summary_by_province(ds, year=2019, as_of="2019-06-30").set_index("province")["plan_vnd"]

    sealed = Dataset.load().sealed()
    read = plans(sealed)
    doubled = replace(sealed, plans=sealed.plans.assign(approved_vnd=sealed.plans["approved_vnd"] * 2))
    assert doubled.memo_key is None
    assert (plans(doubled) == 2 * read).all()
    mine = Dataset.load()  # a researcher's: not sealed
    plans(mine)
    mine.plans.loc[:, "approved_vnd"] = mine.plans["approved_vnd"] * 3
    assert mine.memo_key is None and (plans(mine) == 3 * read).all()
    # a deep copy or a pickled copy, changed: not sealed either (found in review: an attribute travelled with them)
    for copied in (copy.deepcopy(sealed), pickle.loads(pickle.dumps(sealed))):
        copied.plans.loc[:, "approved_vnd"] = copied.plans["approved_vnd"] * 5
        assert copied.memo_key is None and (plans(copied) == 5 * read).all()
    # selections are never sealed: two of the same sizes once shared a key
    assert sealed.select(province="Đồng Nai").memo_key is None
    assert (plans(sealed) == read).all()  # and the sealed data still are answered, rightly


def test_the_memo_key_holds_the_options_the_files_were_read_with():
    # found in review: the same sheet read in millions and in thousands of dong gave the same key
    sheet = "tests/io/real_sheets/dong_thap_2022_unit_hint.csv"
    million, thousand = (Dataset.load(REPO_ROOT / sheet, money_unit=u).sealed() for u in ("trieu", "nghin"))
    assert million.files == thousand.files and million.memo_key != thousand.memo_key
    assert million.plans["approved_vnd"].sum() == 1000 * thousand.plans["approved_vnd"].sum()
