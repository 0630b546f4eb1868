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
