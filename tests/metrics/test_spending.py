"""Execution, PEFA PI-1 / PI-2 and leverage, pinned to hand calculations written out below."""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.metrics.pefa import composition_variance, pefa_grade, pefa_grades, pefa_pi1, pefa_pi2, pi1_band, pi2_band
from kceval.metrics.spending import execution, leverage
from tests.support import BD, DN, HN, assert_unchanged, frozen, small_south


@pytest.fixture
def ds() -> Dataset:
    """Đồng Nai 2016–2019 and Bình Dương 2019 (tests/support.py)."""
    return small_south()




# -- execution ----------------------------------------------------------------------------
def test_execution_by_province_hand(ds):
    before = frozen(ds)
    e = execution(ds.select(year=2019), by="province", as_of="2019-06-30").set_index("province")
    # Đồng Nai: paid by 30 June = P1 200 + 100, P3 100 = 400; plan 1000 + 500 = 1500;
    # revised: local 800, national has none so falls back to approved 500 -> 1300.
    assert e.loc[DN, "executed_vnd"] == 400 and e.loc[DN, "plan_vnd"] == 1500
    assert e.loc[DN, "revised_plan_vnd"] == 1300
    assert e.loc[DN, "execution_rate"] == pytest.approx(400 / 1500)
    assert e.loc[DN, "execution_rate_revised"] == pytest.approx(400 / 1300)
    assert e.loc[DN, "gap_vnd"] == 1100
    assert e.loc[DN, "gap_points"] == pytest.approx(100 - 100 * 400 / 1500)
    assert e.loc[DN, "n_projects"] == 3 and e.loc[DN, "denominator"] == "approved plan"
    # Bình Dương: P4 100 of 400 + 100 (the national plan has no project: still in the denominator)
    assert e.loc[BD, "execution_rate"] == pytest.approx(100 / 500)
    assert_unchanged(ds, before)


def test_execution_january_settlement_counts(ds):
    # as of 31 Jan 2020 the 2019 projects have received everything but P2's March payment:
    # 200+100+200+50 + 150 + 100+300 = 1100 of 1500
    e = execution(ds.select(year=2019, province=DN), by=None, as_of="2020-01-31")
    assert e["executed_vnd"].iloc[0] == 1100
    assert e["execution_rate"].iloc[0] == pytest.approx(1100 / 1500)


def test_execution_by_source_and_region(ds):
    e = execution(ds.select(year=2019), by="source", as_of="2019-06-30").set_index("source")
    # local: P1 300 + P2 0 + P4 100 = 400 of 1000 + 400; national: P3 100 of 500 + 100
    assert e.loc["local", "execution_rate"] == pytest.approx(400 / 1400)
    assert e.loc["national", "execution_rate"] == pytest.approx(100 / 600)
    r = execution(ds.select(year=2019), by=["region", "year"], as_of="2019-06-30")
    assert r["execution_rate"].iloc[0] == pytest.approx(500 / 2000)


def test_execution_by_activity_uses_project_support(ds):
    e = execution(ds.select(year=2019), by="activity", as_of="2019-06-30").set_index("activity")
    assert set(e["denominator"]) == {"project support"}
    # machinery: support P1 600 + P4 400 = 1000; P1 adjusted to 500 on 1 May -> revised 900;
    # paid P1 300 + P4 100 = 400
    assert e.loc["machinery", "plan_vnd"] == 1000 and e.loc["machinery", "revised_plan_vnd"] == 900
    assert e.loc["machinery", "execution_rate"] == pytest.approx(0.4)
    assert e.loc["machinery", "execution_rate_revised"] == pytest.approx(400 / 900)
    assert e.loc["training", "execution_rate"] == 0
    # before the adjustment the revised support is the approved one
    e2 = execution(ds.select(year=2019), by="activity", as_of="2019-04-30").set_index("activity")
    assert e2.loc["machinery", "revised_plan_vnd"] == 1000


@pytest.mark.parametrize("kw, word", [({"by": "provnce"}, "`by`"), ({"as_of": "2031-01-01"}, "`as_of`"),
                                      ({"as_of": "not a date"}, "`as_of`"), ({"target": -1}, "`target`")])
def test_execution_bad_arguments(ds, kw, word):
    with pytest.raises(ParameterError, match=word):
        execution(ds, **kw)


def test_execution_empty_selection(ds):
    with pytest.raises(ParameterError, match="empty"):
        execution(ds.select(province=HN))


# -- PEFA ---------------------------------------------------------------------------------
def test_pi1_bands_and_grade_rule():
    # PEFA 2016 PI-1: A within 95–105%, B 90–110%, C 85–115%, else D
    assert list(pi1_band([0.95, 1.05, 0.94, 1.10, 0.85, 1.151, np.nan])) == ["A", "A", "B", "B", "C", "D", "D"]
    # PI-2.1: A < 5%, B < 10%, C < 15% (strict)
    assert list(pi2_band([0.049, 0.05, 0.0999, 0.10, 0.149, 0.15])) == ["A", "B", "B", "C", "C", "D"]
    # "in at least two of the last three years": A,C,B -> B is reached in 2021 and 2022 (and A is
    # reached once only); A,D,D -> D; only two years -> D* (insufficient information)
    assert pefa_grade(["A", "C", "B"]) == "B"
    assert pefa_grade(["D", "A", "D"]) == "D"
    assert pefa_grade(["A", "A", "D"]) == "A"
    assert pefa_grade(["D", "A", "C", "B"]) == "B"       # only the last three count
    assert pefa_grade(["A", "A"]) == "D*"


def test_pi1_per_year_and_grade(ds):
    before = frozen(ds)
    r = pefa_pi1(ds.select(province=DN), as_of="2020-06-30").set_index("year")
    # 2016: 980/1000 = 0.98 (A); 2017: 0.88 (C); 2018: 1.08 (B);
    # 2019: payments to 31 Jan 2020 = 1100 (P2's March payment is after settlement) / 1500 = 0.733 (D)
    assert r["outturn_ratio"].tolist() == pytest.approx([0.98, 0.88, 1.08, 1100 / 1500])
    assert r["band"].tolist() == ["A", "C", "B", "D"]
    g = pefa_grades(r.reset_index())
    # last three: C, B, D -> C in 2017 and 2018 (85–115%), B only in 2018 -> C
    assert g["grade"].iloc[0] == "C" and g["years"].iloc[0] == "2017–2019"
    # as of 30 June 2019 only 2016–2018 are completed: A, C, B -> B (0.98 and 1.08 within 90–110%)
    g2 = pefa_grades(pefa_pi1(ds.select(province=DN), as_of="2019-06-30"))
    assert g2["grade"].iloc[0] == "B"
    assert_unchanged(ds, before)


def test_pi1_fewer_than_three_years_is_d_star(ds):
    g = pefa_grades(pefa_pi1(ds, by="province", as_of="2020-06-30"), by="province").set_index("province")
    assert g.loc[BD, "grade"] == "D*" and g.loc[BD, "n_years"] == 1
    assert g.loc[DN, "grade"] == "C"


def test_composition_variance_worked_example():
    # PEFA PI-2 arithmetic written out (Field Guide 2016, PI-2 calculation sheet):
    # budget B = (600, 300, 400), actual A = (550, 150, 400); r = ΣA/ΣB = 1100/1300 = 11/13
    # B* = r·B = (6600/13, 3300/13, 4400/13); |A − B*| = (550/13, 1350/13, 800/13), sum 2700/13
    # CV = (2700/13) / ΣB* = (2700/13) / 1100 = 27/143 = 0.18881…
    assert composition_variance([550, 150, 400], [600, 300, 400]) == pytest.approx(float(F(27, 143)))
    # r = 1 case: |90−100| + |60−50| + 0 = 20 over 200
    assert composition_variance([90, 60, 50], [100, 50, 50]) == pytest.approx(0.1)
    with pytest.raises(ParameterError, match="`budget`"):
        composition_variance([1, 2], [1, -2])


def test_pi2_activities_within_province(ds):
    r = pefa_pi2(ds.select(province=DN), level="province", as_of="2020-01-31")
    y = r[r["year"] == 2019].iloc[0]
    # lines: machinery B 600, A 550; training B 300, A 150; fair B 400, A 400 (the example above)
    assert y["n_lines"] == 3 and y["budget_vnd"] == 1300 and y["executed_vnd"] == 1100
    assert y["cv"] == pytest.approx(27 / 143) and y["band"] == "D"
    # 2016–2018 have one line each: A = r·B, so CV = 0
    assert r[r["year"] < 2019]["cv"].tolist() == pytest.approx([0, 0, 0])
    assert pefa_grades(r, by="province")["grade"].iloc[0] == "A"   # A, A, D -> A in two of three


def test_pi2_provinces_within_region(ds):
    r = pefa_pi2(ds.select(year=2019), level="region", as_of="2020-01-31").iloc[0]
    # lines: Đồng Nai B 1500 A 1100; Bình Dương B 500 A 100. r = 1200/2000 = 0.6,
    # B* = (900, 300), |200| + |−200| = 400, CV = 400/1200
    assert r["region"] == "south" and r["n_lines"] == 2
    assert r["cv"] == pytest.approx(1 / 3)


def test_pefa_bad_level(ds):
    with pytest.raises(ParameterError, match="`level`"):
        pefa_pi2(ds, level="district")


# -- leverage -------------------------------------------------------------------------------
def test_leverage_known_counterparts_only(ds):
    p = ds.select(year=2019).projects
    before = p.copy()
    lv = leverage(p, by="province").set_index("province")
    # Đồng Nai: P1 1800/600 and P3 400/400 known, P2 unknown -> (1800+400)/(600+400) = 2.2, coverage 2/3
    assert lv.loc[DN, "leverage"] == pytest.approx(2.2)
    assert lv.loc[DN, "coverage"] == pytest.approx(2 / 3) and lv.loc[DN, "n_with_counterpart"] == 2
    assert lv.loc[BD, "leverage"] == 0
    pd.testing.assert_frame_equal(p, before)
    with pytest.raises(ParameterError, match="`by`"):
        leverage(p, by="nope")
    with pytest.raises(ParameterError, match="negative"):
        leverage(p.assign(support_vnd=-p["support_vnd"]))




def test_pefa_measures_every_year_over_the_same_window(ds):
    # Bug (issue 11): on 31 December the current year counted payments to that day, while the
    # earlier years of the same grade included their January settlement. A year now counts only
    # once its window (to 31 January of the next year) has closed.
    dn = ds.select(province=DN)
    assert pefa_pi1(dn, as_of="2019-12-31")["year"].tolist() == [2016, 2017, 2018]
    r = pefa_pi1(dn, as_of="2020-01-31").set_index("year")
    # 2019 by hand: P1 200+100+200+50 (the 2020-01-15 settlement counts), P2 150, P3 100+300 = 1100
    # of plans 1000 + 500; P2's 2020-03-01 payment is after the window
    assert r.at[2019, "executed_vnd"] == 1100 and r.at[2019, "outturn_ratio"] == pytest.approx(1100 / 1500)
    assert pefa_pi2(dn, level="province", as_of="2019-12-31")["year"].tolist() == [2016, 2017, 2018]


@pytest.mark.parametrize("seed", range(6))
def test_pefa_grades_of_one_group_are_those_of_the_grouped_rule(seed):
    # one group takes a short path (the scalar rule, pefa_grade); the grouped path, run on a constant group, is the
    # reference: 1 to 6 years in any order, every band
    rng = np.random.default_rng(seed)
    for n in range(1, 7):
        yearly = pd.DataFrame({"year": rng.permutation(np.arange(2015, 2015 + n)),
                               "band": rng.choice(list("ABCD"), n)})
        yearly.index = rng.permutation(n) + 100
        grouped = pefa_grades(yearly.assign(g=0), by="g").drop(columns="g")
        pd.testing.assert_frame_equal(pefa_grades(yearly), grouped)


def test_pefa_grades_of_one_group_with_a_band_not_a_letter_go_the_grouped_way():
    # found in review: the short path validated the bands (pefa_grade raises), the grouped path does not
    yearly = pd.DataFrame({"year": [2020, 2021, 2022], "band": ["A", None, "B"]})
    pd.testing.assert_frame_equal(pefa_grades(yearly), pefa_grades(yearly.assign(g=0), by="g").drop(columns="g"))
