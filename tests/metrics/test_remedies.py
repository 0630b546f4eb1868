"""Pilot and group projects against ordinary ones (kceval.metrics.remedies).

References:
- shares, leverage, problem and on-time counts: plain pandas on the sample's CSV files;
- the difference of two rates: Newcombe (1998), *Statistics in Medicine* 17:873–890, Table II, example (a):
  56/70 − 48/80 = 0.2, method 10 (hybrid score) interval 0.0524 to 0.3339;
- the relative cost: scipy's t interval of the mean log ratio and Welch's interval
  (``scipy.stats.ttest_ind(equal_var=False).confidence_interval()``), on ratios computed with plain pandas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.metrics.remedies import compare_remedies, kind_flags, relative_costs, remedy_shares
from kceval.paths import SAMPLE_DIR

D = pd.Timestamp("2019-12-31")
DATES = ["approved_on", "planned_end", "accepted_on", "finished_on", "stopped_on"]


@pytest.fixture(scope="module")
def csv() -> tuple[pd.DataFrame, pd.DataFrame]:
    p = pd.read_csv(SAMPLE_DIR / "projects.csv", parse_dates=DATES)
    e = pd.read_csv(SAMPLE_DIR / "events.csv", parse_dates=["date"])
    return p[p["year"].isin([2018, 2019])], e


@pytest.fixture(scope="module")
def known() -> Dataset:
    return Dataset.load().select(year=[2018, 2019]).as_of(D)


def _kind(p: pd.DataFrame, kind: str) -> pd.Series:
    return {"pilot": p["pilot"], "group": p["group"], "ordinary": ~p["pilot"] & ~p["group"]}[kind]


def test_shares_and_leverage_against_plain_pandas(csv):
    p, _ = csv
    got = remedy_shares(p.sample(frac=1, random_state=3).set_axis(range(50, 50 + len(p)))).set_index("kind")
    for kind in ("pilot", "group", "ordinary"):
        k = p[_kind(p, kind)]
        assert got.loc[kind, "projects"] == len(k)
        assert got.loc[kind, "project_share"] == pytest.approx(len(k) / len(p))
        assert got.loc[kind, "money_share"] == pytest.approx(k["support_vnd"].sum() / p["support_vnd"].sum())
        c = k[k["counterpart_vnd"].notna()]
        assert got.loc[kind, "leverage"] == pytest.approx(c["counterpart_vnd"].sum() / c["support_vnd"].sum())
    # five projects are both pilot and group: the shares of the three kinds overlap by exactly them
    both = int((p["pilot"] & p["group"]).sum())
    assert got["projects"].sum() == len(p) + both


def test_shares_by_province_add_up_to_the_total(csv):
    p, _ = csv
    by = remedy_shares(p, by="province")
    total = remedy_shares(p).set_index("kind")
    assert by.groupby("kind")["projects"].sum().to_dict() == total["projects"].to_dict()
    assert np.allclose(by.groupby("kind")["support_vnd"].sum().reindex(total.index), total["support_vnd"])


def test_problem_and_on_time_counts_against_plain_pandas(csv, known):
    p, e = csv
    got = compare_remedies(known.projects, known.events, as_of=D).set_index(["kind", "measure"])
    approved = p[p["approved_on"] <= D]
    ev = e[(e["date"] <= D) & e["kind"].isin(["stop", "adjustment", "extension"])]
    problem = approved["project_id"].isin(ev["project_id"]) | (approved["stopped_on"] <= D)
    due = p[p["planned_end"] <= D]
    on_time = (due["accepted_on"] <= due["planned_end"]) & (due["accepted_on"] <= D)
    for kind in ("pilot", "group", "ordinary"):
        m = _kind(approved, kind)
        row = got.loc[(kind, "problem")]
        assert (row["count"], row["n"]) == (problem[m].sum(), m.sum())
        lo, hi = proportion_confint(problem[m].sum(), m.sum(), method="wilson")
        assert (row["low"], row["high"]) == pytest.approx((lo, hi))
        dm = _kind(due, kind)
        row = got.loc[(kind, "on_time")]
        assert (row["count"], row["n"]) == (on_time[dm].sum(), dm.sum())


def _hand_made(c1: int, n1: int, c2: int, n2: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n1 pilot projects (c1 with an extension) and n2 ordinary ones (c2 with an extension), all fairs."""
    n = n1 + n2
    ids = [f"P{i:03d}" for i in range(n)]
    p = pd.DataFrame({"project_id": ids, "province": "X", "status": "accepted", "activity": "fair",
                      "pilot": [True] * n1 + [False] * n2, "group": False, "beneficiaries": 10, "output_count": 10,
                      "support_vnd": 100_000_000, "counterpart_vnd": pd.array([None] * n, dtype="Int64"),
                      "approved_on": pd.Timestamp("2019-01-10"), "planned_end": pd.Timestamp("2019-06-30"),
                      "accepted_on": pd.Timestamp("2019-06-20"), "finished_on": pd.NaT, "stopped_on": pd.NaT},
                     index=np.arange(n)[::-1] * 3 + 11)
    hit = ids[:c1] + ids[n1:n1 + c2]
    e = pd.DataFrame({"project_id": hit, "kind": "extension", "date": pd.Timestamp("2019-05-01")})
    return p, e


def test_difference_of_problem_rates_is_newcombes_published_example():
    p, e = _hand_made(56, 70, 48, 80)
    got = compare_remedies(p, e, as_of=D).set_index(["kind", "measure"]).loc[("pilot", "problem")]
    assert got["vs_ordinary"] == pytest.approx(0.2)
    assert (round(got["vs_low"], 4), round(got["vs_high"], 4)) == (0.0524, 0.3339)
    assert got["vs_method"] == "newcombe"


def test_relative_cost_against_scipy(csv, known):
    p, _ = csv
    got = compare_remedies(known.projects, known.events, as_of=D).set_index(["kind", "measure"])
    done = p[((p["accepted_on"] <= D) | (p["finished_on"] <= D)) & (p["activity"] != "management")].copy()
    unit = {"machinery": "beneficiaries", "consulting": "beneficiaries", "demonstration": 1, "cleaner_production": 1,
            "brand": 1}
    out = np.array([1.0 if unit.get(a) == 1 else r["beneficiaries"] if unit.get(a) else r["output_count"]
                    for a, (_, r) in zip(done["activity"], done.iterrows())], dtype=float)
    done["cost"] = done["support_vnd"] / out
    done = done[done["cost"] > 0]
    done["log_ratio"] = np.log(done["cost"] / done.groupby("activity")["cost"].transform("median"))
    ordinary = done.loc[_kind(done, "ordinary"), "log_ratio"]
    for kind in ("pilot", "group", "ordinary"):
        x = done.loc[_kind(done, kind), "log_ratio"]
        row = got.loc[(kind, "relative_cost")]
        assert row["n"] == len(x)
        lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert (row["estimate"], row["low"], row["high"]) == pytest.approx((np.exp(x.mean()), np.exp(lo), np.exp(hi)))
        if kind != "ordinary":
            ci = stats.ttest_ind(x, ordinary, equal_var=False).confidence_interval(0.95)
            assert (row["vs_ordinary"], row["vs_low"], row["vs_high"]) == pytest.approx(
                (np.exp(x.mean() - ordinary.mean()), np.exp(ci.low), np.exp(ci.high)))


def test_relative_costs_keep_the_index_and_divide_by_the_activity_median(csv):
    p, _ = csv
    shuffled = p.sample(frac=1, random_state=8).set_axis(np.arange(len(p))[::-1] * 5 + 3)
    r = relative_costs(shuffled, as_of=D)
    assert r.index.isin(shuffled.index).all()
    assert (shuffled.loc[r.index, "project_id"] == r["project_id"]).all()
    assert r.groupby("activity")["ratio"].median().to_numpy() == pytest.approx(1.0)


def test_small_and_empty_kinds_give_missing_values_not_errors():
    p, e = _hand_made(1, 1, 0, 3)
    got = compare_remedies(p, e, as_of=D).set_index(["kind", "measure"])
    assert got.loc[("group", "problem"), "n"] == 0 and np.isnan(got.loc[("group", "problem"), "estimate"])
    one = got.loc[("pilot", "relative_cost")]
    assert one["n"] == 1 and one["estimate"] == pytest.approx(1.0) and np.isnan(one["low"]) and np.isnan(
        one["vs_ordinary"])
    empty = compare_remedies(p.iloc[:0], e.iloc[:0], as_of=D)
    assert (empty["n"] == 0).all() and empty["estimate"].isna().all()


def test_inputs_are_not_changed_and_bad_arguments_are_named(csv, known):
    p, _ = csv
    before = p.copy()
    remedy_shares(p)
    compare_remedies(known.projects, known.events, as_of=D)
    pd.testing.assert_frame_equal(p, before)
    with pytest.raises(ParameterError, match="`level`"):
        compare_remedies(known.projects, known.events, as_of=D, level=95)
    with pytest.raises(ParameterError, match="pilot and group"):
        kind_flags(p.drop(columns="group"))
