"""Execution, PEFA PI-1 / PI-2 and leverage, pinned to hand calculations written out below."""
from __future__ import annotations

import json
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.pefa import (composition_variance, pefa_grade, pefa_grades, pefa_pi1, pefa_pi2, pi1_band,
                         pi2_band)
from kceval.spending import execution, leverage


def build(plans, projects, payments, events=()) -> Dataset:
    """Dataset from short rows: plans (year, province, source, approved, revised),
    projects (id, year, province, source, activity, support, counterpart), payments (id, date, amount),
    events (id, date, new_support)."""
    pl = pd.DataFrame(plans, columns=["year", "province", "source", "approved_vnd", "revised_vnd"])
    pl["revised_vnd"] = pd.array(pl["revised_vnd"], dtype="Int64")
    pr = pd.DataFrame(projects, columns=["project_id", "year", "province", "source", "activity", "support_vnd",
                                         "counterpart_vnd"])
    pr["counterpart_vnd"] = pd.array(pr["counterpart_vnd"], dtype="Int64")
    pr["title"] = "x"
    pr["beneficiaries"] = 1
    pr["approved_on"] = pd.to_datetime(pr["year"].astype(str) + "-01-10")
    pr["planned_end"] = pd.to_datetime(pr["year"].astype(str) + "-12-31")
    pr["status"] = "in_progress"
    pay = pd.DataFrame(payments, columns=["project_id", "date", "amount_vnd"])
    pay["date"] = pd.to_datetime(pay["date"])
    ev = pd.DataFrame(list(events), columns=["project_id", "date", "new_support_vnd"])
    ev["date"] = pd.to_datetime(ev["date"])
    ev["kind"] = "adjustment"
    ev["new_support_vnd"] = pd.array(ev["new_support_vnd"], dtype="Int64")
    ds = Dataset.from_tables({"plans": pl, "projects": pr, "payments": pay, "events": ev})
    assert not ds.errors, ds.errors
    return ds


DN, BD, HN = "Đồng Nai", "Bình Dương", "Hà Nội"


@pytest.fixture
def ds() -> Dataset:
    """Đồng Nai 2016–2019 and Bình Dương 2019 (both south). Amounts in VND, small on purpose."""
    return build(
        plans=[
            (2016, DN, "local", 1000, None), (2017, DN, "local", 1000, None), (2018, DN, "local", 1000, None),
            (2019, DN, "local", 1000, 800), (2019, DN, "national", 500, None),
            (2019, BD, "local", 400, None), (2019, BD, "national", 100, None),
        ],
        projects=[
            ("E16", 2016, DN, "local", "machinery", 1000, None),
            ("E17", 2017, DN, "local", "machinery", 1000, None),
            ("E18", 2018, DN, "local", "machinery", 1100, None),
            ("P1", 2019, DN, "local", "machinery", 600, 1800),
            ("P2", 2019, DN, "local", "training", 300, None),
            ("P3", 2019, DN, "national", "fair", 400, 400),
            ("P4", 2019, BD, "local", "machinery", 400, 0),
        ],
        payments=[
            ("E16", "2016-06-01", 980), ("E17", "2017-06-01", 880), ("E18", "2018-06-01", 1080),
            ("P1", "2019-03-15", 200), ("P1", "2019-06-30", 100), ("P1", "2019-12-20", 200), ("P1", "2020-01-15", 50),
            ("P2", "2019-07-10", 150),
            ("P3", "2019-05-01", 100), ("P3", "2019-11-30", 300),
            ("P4", "2019-04-01", 100),
            ("P2", "2020-03-01", 100),   # after the settlement month: outside PEFA's 2019 outturn
        ],
        events=[("P1", "2019-05-01", 500)],
    )


def frozen(ds: Dataset) -> dict:
    return {k: getattr(ds, k).copy() for k in ("plans", "projects", "events", "payments")}


def assert_unchanged(ds: Dataset, before: dict) -> None:
    for k, v in before.items():
        pd.testing.assert_frame_equal(getattr(ds, k), v)


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


# -- headline -----------------------------------------------------------------------------
def test_headline_spending_json_and_values(ds):
    from kceval.spending import headline_spending

    before = frozen(ds)
    h = headline_spending(ds, year=2019, province="dong nai", as_of="2019-06-30")
    json.dumps(h)
    assert h["plan_vnd"] == 1500 and h["executed_vnd"] == 400
    assert h["execution_rate"] == pytest.approx(400 / 1500)
    assert h["pi1_outturn"] == pytest.approx(1.08) and h["pi1_grade"] == "B"
    assert h["q4_share"] is None and h["december_ratio"] is None
    # leverage as in the leverage test; 3 projects with supports 600, 300, 400:
    # HHI = (36 + 9 + 16)/169 = 61/169
    assert h["leverage"] == pytest.approx(2.2)
    assert h["hhi"] == pytest.approx(61 / 169) and h["effective_projects"] == pytest.approx(169 / 61)
    assert isinstance(h["projects_for_90pct"], int)
    assert len(h["gini_ci"]) == 2
    assert_unchanged(ds, before)
    with pytest.raises(ParameterError, match="`year`"):
        headline_spending(ds, year=2030)
    with pytest.raises(ParameterError, match="not both"):
        headline_spending(ds, year=2019, province=DN, region="south")


def test_headline_by_province_matches_single(ds):
    from kceval.spending import headline_spending, headline_spending_by_province

    t = headline_spending_by_province(ds, year=2019, as_of="2019-12-31", ci=True).set_index("province")
    for p in (DN, BD):
        h = headline_spending(ds, year=2019, province=p, as_of="2019-12-31")
        for k in ("plan_vnd", "executed_vnd", "execution_rate", "pi1_outturn", "hhi", "gini", "theil",
                  "small_project_share", "projects_for_90pct", "leverage", "q4_share", "december_ratio"):
            a, b = t.loc[p, k], h[k]
            assert (b is None and pd.isna(a)) or a == pytest.approx(b), (p, k, a, b)
        assert t.loc[p, "pi1_grade"] == h["pi1_grade"]


def test_sample_reproduces_published_south_2019():
    # Seed report (ARIT 2019, DOMAIN.md): 20 southern provinces, approved 85.865 billion VND,
    # executed by 30 June 2019 16.578 billion VND = 19.3%.
    full = Dataset.load()
    e = execution(full.select(year=2019, region="south"), by="region", as_of="2019-06-30").iloc[0]
    assert e["plan_vnd"] == 85_865_000_000 and e["executed_vnd"] == 16_578_000_000
    assert round(e["execution_rate"] * 100, 1) == 19.3
    from kceval.spending import headline_spending

    h = headline_spending(full, year=2019, region="south", as_of="2019-06-30")
    assert round(h["execution_rate"] * 100, 1) == 19.3 and h["plan_vnd"] == 85_865_000_000


def test_pefa_and_batch_headline_do_not_mutate(ds):
    from kceval.spending import headline_spending_by_province

    before = frozen(ds)
    pefa_pi2(ds, level="province", as_of="2020-01-31")
    pefa_pi2(ds, level="national", as_of="2020-01-31")
    headline_spending_by_province(ds, year=2019, as_of="2019-06-30", ci=True)
    assert_unchanged(ds, before)


def test_spending_reexports_pefa_and_headline():
    import kceval.pefa
    import kceval.spending as sp
    import kceval.spending_headline

    assert sp.pefa_pi1 is kceval.pefa.pefa_pi1
    assert sp.headline_spending is kceval.spending_headline.headline_spending
    with pytest.raises(AttributeError):
        sp.no_such_function
