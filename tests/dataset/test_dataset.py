"""Dataset: filtering by year / province / region / source and as-of dates."""
import pandas as pd
import pytest

from kceval.dataset import Dataset, status_as_of
from kceval.errors import ParameterError


@pytest.fixture
def ds(tiny):
    return Dataset.from_tables(tiny)


def test_select_by_province_any_spelling(ds):
    s = ds.select(province="dong nai")
    assert set(s.projects["project_id"]) == {"A", "B", "C"}
    assert set(s.payments["project_id"]) == {"A", "B", "C"}
    assert int(s.plans["approved_vnd"].sum()) == 3_000_000_000


def test_select_region_source_year(ds):
    assert len(ds.select(region="south").projects) == 4
    assert len(ds.select(region="north").projects) == 0
    assert set(ds.select(source="national").projects["project_id"]) == {"A"}
    assert len(ds.select(year=2020).projects) == 0


def test_as_of_filters_payments_and_rebuilds_status(ds):
    h1 = ds.as_of("2019-06-30")
    # by hand: A 280m (Apr) + B 50m (May) + D 140m (Apr) + 60m (30 Jun) = 530m
    assert int(h1.payments["amount_vnd"].sum()) == 530_000_000
    st = dict(zip(h1.projects["project_id"], h1.projects["status"]))
    assert st == {"A": "in_progress", "B": "in_progress", "C": "in_progress", "D": "accepted"}
    ye = ds.as_of("2019-12-31")
    st = dict(zip(ye.projects["project_id"], ye.projects["status"]))
    assert st == {"A": "accepted", "B": "stopped", "C": "in_progress", "D": "accepted"}
    assert int(ye.payments["amount_vnd"].sum()) == 650_000_000  # C's January 2020 payment excluded
    early = ds.as_of("2019-03-10")
    assert dict(zip(early.projects["project_id"], early.projects["status"]))["C"] == "approved"


def test_status_as_of_keeps_undated_final_statuses(tiny):
    p = tiny["projects"].copy()
    p.loc[3, "accepted_on"] = pd.NaT
    assert status_as_of(p, "2019-12-31").tolist()[3] == "accepted"


def test_bad_arguments_name_the_parameter(ds):
    with pytest.raises(ParameterError, match="`as_of` must be a date"):
        ds.as_of("30/06/2019x")
    with pytest.raises(ParameterError, match="`region`"):
        ds.select(region="west")
    with pytest.raises(ParameterError, match="`source`"):
        ds.select(source="kcqg")
    with pytest.raises(ParameterError, match="`year`"):
        ds.select(year="two thousand")


def test_executed_and_no_mutation(ds, tiny):
    before = ds.projects.copy()
    ex = ds.as_of("2019-06-30").executed()
    assert dict(zip(ex["project_id"], ex["executed_vnd"])) == {
        "A": 280_000_000,
        "B": 50_000_000,
        "C": 0,
        "D": 200_000_000,
    }
    pd.testing.assert_frame_equal(ds.projects, before)


def test_repr_is_informative(ds):
    r = repr(ds)
    assert "4 projects" in r and "0 errors" in r


def test_approved_but_never_started_is_approved_on_every_date(tiny):
    # Definition (issue 11): a project approved and never started is "approved", not "in progress"
    p = tiny["projects"].copy()
    p.loc[p["project_id"] == "C", ["status", "finished_on", "accepted_on", "stopped_on"]] = ["approved", pd.NaT,
                                                                                              pd.NaT, pd.NaT]
    for d in ("2019-04-30", "2019-05-01", "2019-12-31"):
        assert status_as_of(p, d)[p["project_id"] == "C"].iloc[0] == "approved", d
    # a project that did start is in progress between its approval and its end
    assert status_as_of(p, "2019-05-01")[p["project_id"] == "A"].iloc[0] == "in_progress"


# -- across the 2025 merger (issue 14) --------------------------------------------------------------
def test_every_plan_and_project_row_gains_its_2025_unit_and_that_units_region():
    # one project in each old province; DOMAIN.md's merger list gives the unit, merger's stated assumption the region
    from kceval import merger
    from kceval.sample import generate

    t = generate(years=[2019])
    d = Dataset.from_tables(t)
    for k in ("plans", "projects"):
        f = getattr(d, k)
        assert f["unit_2025"].notna().all() and f["region_2025"].notna().all()
        assert (f["unit_2025"] == f["province"].map(merger.unit_2025_of)).all()
    pr = d.projects.drop_duplicates("province").set_index("province")
    assert pr.at["Long An", "unit_2025"] == "Tây Ninh" and pr.at["Bình Thuận", "unit_2025"] == "Lâm Đồng"
    assert pr.at["Bình Thuận", "region"] == "south" and pr.at["Bình Thuận", "region_2025"] == "central"
    assert pr.at["Thừa Thiên Huế", "unit_2025"] == "Huế"
    # additivity across bases: the 34-unit totals are the 63-province totals, for every year and source
    by_old = d.plans.groupby(["year", "source"])["approved_vnd"].sum()
    by_new = d.plans.groupby(["year", "source", "unit_2025"])["approved_vnd"].sum().groupby(["year", "source"]).sum()
    pd.testing.assert_series_equal(by_old, by_new)
    assert d.projects["unit_2025"].nunique() == 34


def test_select_reads_a_name_by_the_year_and_says_so():
    from kceval.sample import generate

    d = Dataset.from_tables(generate(years=[2024], provinces=["Tây Ninh", "Long An", "Hà Nội"]))
    old = d.select(year=2024, province="Tây Ninh")  # before 2025: the old province alone, nothing to say
    assert set(old.projects["province"]) == {"Tây Ninh"} and old.notes == ()
    unit = d.select(province="Tây Ninh (mới)")  # the mark decides
    assert set(unit.projects["province"]) == {"Tây Ninh", "Long An"}
    assert unit.notes and "Tây Ninh + Long An" in unit.notes[0]
    assert set(unit.payments["project_id"]) <= set(unit.projects["project_id"])
    as_2026 = d.select(year=[2024, 2026], province="Long An")  # the latest year selected reads the name
    assert set(as_2026.projects["province"]) == {"Tây Ninh", "Long An"}
    assert as_2026.notes[0].startswith("Long An has been part of Tây Ninh since 1 July 2025")
    assert set(d.select(province="Long An (cũ)").projects["province"]) == {"Long An"}
    assert set(d.select(year=2026, province="Hà Nội").projects["province"]) <= {"Hà Nội"}
    assert d.select(year=2026, province="Hà Nội").notes == ()
    # notes accumulate once, whatever the number of selections
    assert unit.select(province="Tây Ninh (mới)").notes == unit.notes


def _status_as_of_by_rules(p: pd.DataFrame, day: str) -> list[str]:
    """The rules of status_as_of's docstring, one project at a time, in plain Python: the reference."""
    d, out = pd.Timestamp(day), []
    for r in p.itertuples():
        undated = (r.status == "accepted" and pd.isna(r.accepted_on)) or (
            r.status == "stopped" and pd.isna(r.stopped_on)) or r.status in ("suspended", "approved")
        if pd.notna(r.accepted_on) and r.accepted_on <= d:  # in the docstring's order
            s = "accepted"
        elif pd.notna(r.stopped_on) and r.stopped_on <= d:
            s = "stopped"
        elif pd.notna(r.finished_on) and r.finished_on <= d:
            s = "finished"
        elif pd.notna(r.approved_on) and r.approved_on > d:
            s = "approved"
        else:
            s = "in_progress"
        if undated and pd.notna(r.approved_on) and r.approved_on <= d:
            s = r.status
        out.append(s)
    return out


@pytest.mark.parametrize("day", ["2018-01-01", "2019-06-30", "2019-06-15", "2020-12-31", "2026-03-31"])
def test_status_as_of_follows_its_rules_project_by_project(day):
    # the sample's every status, dated and undated; a shuffled, non-default index must come back aligned
    p = Dataset.load().projects.sample(frac=1, random_state=3)
    p.index = pd.RangeIndex(10_000, 10_000 + len(p))[::-1]
    got = status_as_of(p, day)
    assert got.index.equals(p.index)
    assert got.tolist() == _status_as_of_by_rules(p, day)


def test_status_as_of_reads_a_string_column_with_a_missing_status():
    # found in review: a pandas string column's <NA> stopped the numpy comparisons; a missing status matches no rule
    p = Dataset.load().projects.head(40)
    p = p.assign(status=p["status"].astype("string").mask(p.index % 7 == 0))
    assert status_as_of(p, "2019-06-30").tolist() == _status_as_of_by_rules(p.assign(status=p["status"].astype(object)
                                                                                     .where(p["status"].notna(), None)),
                                                                            "2019-06-30")
