"""The unit basis of reports across the 2025 merger (kceval.dataset.basis), checked against the raw CSVs.

The units and their members are DOMAIN.md's list of Resolution 202/2025/QH15; the regions of the units
are the stated assumption of kceval.merger (Lâm Đồng, which took Bình Thuận, in the central region).
"""
from __future__ import annotations

import pandas as pd
import pytest

from kceval import geo
from kceval.dataset import Dataset
from kceval.dataset.basis import basis_for, on_basis, on_units, place_label, region_on_basis
from kceval.dataset.period import last_date, resolve_period
from kceval.errors import ParameterError
from kceval.headline.summary import summary
from kceval.paths import SAMPLE_DIR

# DOMAIN.md: "Tây Ninh [80] = Tây Ninh + Long An"; "Lâm Đồng [68] = Lâm Đồng + Đắk Nông + Bình Thuận"
TAY_NINH = {"Tây Ninh", "Long An"}
LAM_DONG = {"Lâm Đồng", "Đắk Nông", "Bình Thuận"}
CENTRAL_2025 = set(geo.provinces_in("central")) | {"Bình Thuận"}


@pytest.fixture(scope="module")
def ds():
    return Dataset.load()


@pytest.fixture(scope="module")
def raw():
    pr = pd.read_csv(SAMPLE_DIR / "projects.csv", parse_dates=["approved_on"])
    return pd.read_csv(SAMPLE_DIR / "plans.csv"), pr, pd.read_csv(SAMPLE_DIR / "payments.csv", parse_dates=["date"])


def test_basis_by_year_and_on_request():
    assert [basis_for(y) for y in (2019, 2024, 2025, 2026)] == ["province", "province", "unit_2025", "unit_2025"]
    assert basis_for(2019, units=2025) == basis_for(2019, units="2025") == "unit_2025"
    with pytest.raises(ParameterError, match="`units` must be 2025"):
        basis_for(2019, units=2024)


def test_units_add_up_to_the_provinces_every_year(ds):
    u = on_units(ds)
    assert u.basis == "unit_2025" and on_units(u) is u and on_basis(ds, 2024) is ds
    for t in ("plans", "projects"):
        a, b = getattr(ds, t), getattr(u, t)
        money = "approved_vnd" if t == "plans" else "support_vnd"
        by_prov = a.groupby("year")[money].sum()
        by_unit = b.groupby(["year", "province"])[money].sum().groupby("year").sum()
        pd.testing.assert_series_equal(by_prov, by_unit)  # relabelled, never summed twice or dropped
        assert b.groupby("year")["province"].nunique().max() == 34
        assert (b["province_reported"] == a["province"]).all()
    # a unit's history is the sum of its old provinces (the comparable basis), by hand for Tây Ninh 2019
    hand = ds.plans[(ds.plans["year"] == 2019) & ds.plans["province"].isin(TAY_NINH)]["approved_vnd"].sum()
    assert u.select(year=2019, province="Tây Ninh").plans["approved_vnd"].sum() == hand


def test_names_and_regions_read_by_the_year(ds):
    assert place_label("Long An", None, 2026) == "Tây Ninh" and place_label("Long An", None, 2024) == "Long An"
    assert place_label("Huế", None, 2026) == "Thừa Thiên Huế" and place_label("Long An", None, 2019, 2025) == "Tây Ninh"
    with pytest.raises(ParameterError, match="old province alone"):
        place_label("Tây Ninh (cũ)", None, 2026)
    assert region_on_basis("Bình Thuận", "province") == "south" and region_on_basis("Bình Thuận", "unit_2025") == \
        "central"
    c25 = ds.select(year=2025, region="central")
    assert set(c25.projects["province"]) <= CENTRAL_2025 and "Bình Thuận" in set(c25.plans["province"])
    assert any("34 units" in n for n in c25.notes)
    c24 = ds.select(year=2024, region="central")
    assert set(c24.plans["province"]) == set(geo.provinces_in("central")) and not c24.notes


def test_a_unit_report_for_2026_is_its_old_provinces(ds, raw):
    plans, pr, pay = raw
    s = summary(ds, year=2026, province="Long An")
    assert s["selection"] == "Tây Ninh" and s["as_of"] == "2026-11-30"  # the year in progress: the data's last day
    # 2026 plans and projects are the new unit's (one name: Tây Ninh); payments to the as-of date, by hand
    assert s["plan_vnd"] == plans[(plans["year"] == 2026) & (plans["province"] == "Tây Ninh")]["approved_vnd"].sum()
    ids = pr[(pr["year"] == 2026) & pr["province"].isin(TAY_NINH)]["project_id"]
    assert s["executed_vnd"] == pay[pay["project_id"].isin(ids) & (pay["date"] <= "2026-11-30")]["amount_vnd"].sum()
    assert s["n_projects"] == len(ids) > 0
    # 2025: approved before the merger under the old names, after it under the unit's: one report, no double count
    s25 = summary(ds, year=2025, province="Bình Thuận")
    p25 = pr[(pr["year"] == 2025) & pr["province"].isin(LAM_DONG)]
    assert s25["selection"] == "Lâm Đồng" and s25["n_projects"] == len(p25)
    after = p25["approved_on"] >= "2025-07-01"
    assert after.any() and (~after).any() and set(p25.loc[after, "province"]) == {"Lâm Đồng"}
    assert s25["plan_vnd"] == plans[(plans["year"] == 2025) & plans["province"].isin(LAM_DONG)]["approved_vnd"].sum()


def test_default_as_of_is_the_data_snapshot_for_a_year_in_progress(ds):
    assert last_date(ds) == pd.Timestamp("2026-11-30")
    assert resolve_period(ds, 2026) == (2026, pd.Timestamp("2026-11-30"))
    assert resolve_period(ds, 2025) == (2025, pd.Timestamp("2025-12-31"))
    assert resolve_period(ds, 2026, "2026-06-15") == (2026, pd.Timestamp("2026-06-15"))  # an asked date wins


def test_a_regions_file_replaces_the_assumption(ds, raw, tmp_path):
    from kceval import merger
    from kceval.headline.scope import year_basis

    f = tmp_path / "regions.csv"
    merger.regions_2025({"Lâm Đồng": "south"}).to_csv(f, index=False)
    moved = year_basis(ds, 2025, regions=str(f))
    assert moved.regions_file == str(f)
    south = summary(moved, year=2025, region="south", as_of="2025-09-30")
    plans, pr, pay = raw
    # by hand: the south of the assumption plus Lâm Đồng's three old provinces
    provs = (set(geo.provinces_in("south")) - {"Bình Thuận"}) | LAM_DONG
    ids = pr[(pr["year"] == 2025) & pr["province"].isin(provs)]["project_id"]
    assert south["executed_vnd"] == pay[pay["project_id"].isin(ids) & (pay["date"] <= "2025-09-30")]["amount_vnd"].sum()
    assert south["executed_vnd"] > 55_753_000_000  # the published figure is on the assumption's basis
    assert summary(ds, year=2025, region="south", as_of="2025-09-30")["executed_vnd"] == 55_753_000_000


def test_units_2025_puts_an_earlier_year_on_the_units_basis(ds, raw):
    from kceval.headline.scope import year_basis

    plans = raw[0]
    s = summary(year_basis(ds, 2019, units=2025), year=2019, province="Long An")
    assert s["selection"] == "Tây Ninh"
    assert s["plan_vnd"] == plans[(plans["year"] == 2019) & plans["province"].isin(TAY_NINH)]["approved_vnd"].sum()
    assert summary(ds, year=2019, province="Long An")["selection"] == "Long An"  # the default: the old province
