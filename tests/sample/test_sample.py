"""Tests of kceval.sample / kceval.calibrate: the bundled sample and the scale generator.

Calibration targets are checked independently of the generator, with plain pandas on the
written CSV files of data/sample/. Sources of the targets (DOMAIN.md): ARIT 2019 seed report
(south, 2019: plan 85.865 billion VND, executed to 30 June 16.578 billion, H1 outputs) and
vietnam.vn/en/phat-huy-hieu-qua-von-moi-khuyen-cong (central, 2024: national 0, local plan
52.026 billion, local executed 43.735 billion = 84.06 %; central, 2025: plan 11.375 + 49.465 billion,
executed to 30 November 7.775 + 39.242 billion) and
ven.congthuong.vn/southern-industrial-promotion-overcoming-challenges-toward-sustainable-growth-58120.html
(south, 2025: executed to 30 September 55.753 billion, local 78.7 %, 7 machinery supports). The 2025
regions are those of the 34 units under kceval's stated assumption, written out here by hand from
DOMAIN.md: the central region gains Bình Thuận (merged into Lâm Đồng), the south loses it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kceval import geo, io
from kceval.dataset import Dataset
from kceval.dataset.validate import validate_tables
from kceval.errors import ParameterError
from kceval.paths import SAMPLE_DIR
from kceval.sample import generate, scale, write_sample
from kceval.sample.calibrate import apportion, apportion_groups
from kceval.schema import columns

D19 = pd.Timestamp("2019-06-30")


@pytest.fixture(scope="module")
def csv():
    """The bundled sample read back with plain pandas (no kceval reader)."""
    def read(name, dates=()):
        return pd.read_csv(SAMPLE_DIR / f"{name}.csv", parse_dates=list(dates), dtype={"project_id": str})
    return {
        "plans": read("plans"),
        "projects": read("projects", ["approved_on", "planned_end", "finished_on", "accepted_on", "stopped_on"]),
        "events": read("events", ["date", "new_planned_end"]),
        "payments": read("payments", ["date"]),
    }


@pytest.fixture(scope="module")
def south19(csv):
    pr = csv["projects"]
    return pr[(pr["year"] == 2019) & pr["province"].isin(geo.provinces_in("south"))]


# -- calibration, checked on the written CSVs -------------------------------------------------
def test_south_2019_plan_is_85_865_billion(csv):
    pl = csv["plans"]
    south = pl[(pl["year"] == 2019) & pl["province"].isin(geo.provinces_in("south"))]
    assert len(geo.provinces_in("south")) == 20
    assert south["province"].nunique() == 20
    assert int(south["approved_vnd"].sum()) == 85_865_000_000  # "85,865 tỷ đồng", seed report


def test_south_2019_h1_executed_is_16_578_billion(csv, south19):
    pay = csv["payments"]
    h1 = pay[pay["project_id"].isin(south19["project_id"]) & (pay["date"] <= D19)]
    assert int(h1["amount_vnd"].sum()) == 16_578_000_000  # 19.3 % of 85.865 billion, seed report
    assert round(16_578 / 85_865 * 100, 1) == 19.3


def test_south_2019_h1_outputs(south19):
    done = south19[(south19["accepted_on"] <= D19) | (south19["finished_on"] <= D19)]
    by = done.groupby("activity")
    assert int(by["beneficiaries"].sum()["machinery"]) == 47        # 47 establishments with machinery
    assert int(by.size()["cleaner_production"]) == 1                # 1 cleaner-production assessment
    assert int(by.size()["fair"]) == 3                              # 3 fairs ...
    assert int(by["output_count"].sum()["fair"]) == 115             # ... with 115 participations
    assert int(by.size()["brand"]) == 4                             # 4 brand registrations
    assert int(by.size()["consulting"]) == 3                        # 3 consulting projects


def test_central_2024_local_plan_and_execution(csv):
    pl, pr, pay = csv["plans"], csv["projects"], csv["payments"]
    central = geo.provinces_in("central")
    assert len(central) == 15
    p24 = pl[(pl["year"] == 2024) & pl["province"].isin(central)]
    assert int(p24.loc[p24["source"] == "national", "approved_vnd"].sum()) == 0
    assert int(p24.loc[p24["source"] == "local", "approved_vnd"].sum()) == 52_026_000_000
    c24 = pr[(pr["year"] == 2024) & pr["province"].isin(central)]
    assert (c24["source"] == "local").all()  # no national projects, hence no national payments
    paid = pay[pay["project_id"].isin(c24["project_id"]) & (pay["date"] <= "2024-12-31")]
    assert int(paid["amount_vnd"].sum()) == 43_735_000_000
    assert round(43_735 / 52_026 * 100, 2) == 84.06  # the published rate


CENTRAL_2025 = set(geo.provinces_in("central")) | {"Bình Thuận"}
SOUTH_2025 = set(geo.provinces_in("south")) - {"Bình Thuận"}
# DOMAIN.md's list of the 34 units, each named by one of its old provinces (Huế is Thừa Thiên Huế)
UNITS_2025 = {"Hà Nội", "Thừa Thiên Huế", "Cao Bằng", "Lạng Sơn", "Lai Châu", "Điện Biên", "Sơn La", "Quảng Ninh",
              "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
              "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Đắk Lắk",
              "Khánh Hòa", "Lâm Đồng", "TP. Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Đồng Tháp", "Vĩnh Long", "Cà Mau",
              "An Giang", "Cần Thơ"}


def paid_by(csv, year, provinces, end, source=None):
    pr, pay = csv["projects"], csv["payments"]
    sel = pr[(pr["year"] == year) & pr["province"].isin(provinces)]
    if source:
        sel = sel[sel["source"] == source]
    return int(pay[pay["project_id"].isin(sel["project_id"]) & (pay["date"] <= end)]["amount_vnd"].sum())


def test_central_2025_plan_and_execution_to_30_november(csv):
    pl = csv["plans"]
    p25 = pl[(pl["year"] == 2025) & pl["province"].isin(CENTRAL_2025)]
    assert p25["province"].nunique() == 16  # 2025 plans were approved before the merger: old provinces
    assert int(p25.loc[p25["source"] == "national", "approved_vnd"].sum()) == 11_375_000_000
    assert int(p25.loc[p25["source"] == "local", "approved_vnd"].sum()) == 49_465_000_000
    assert int(p25["approved_vnd"].sum()) == 60_840_000_000
    assert paid_by(csv, 2025, CENTRAL_2025, "2025-11-30", "national") == 7_775_000_000
    assert paid_by(csv, 2025, CENTRAL_2025, "2025-11-30", "local") == 39_242_000_000


def test_south_2025_execution_to_30_september(csv):
    total = paid_by(csv, 2025, SOUTH_2025, "2025-09-30")
    local = paid_by(csv, 2025, SOUTH_2025, "2025-09-30", "local")
    assert total == 55_753_000_000 and round(100 * local / total, 1) == 78.7
    pr = csv["projects"]
    m = pr[(pr["year"] == 2025) & pr["province"].isin(SOUTH_2025) & (pr["activity"] == "machinery")]
    done = m[(m["finished_on"] <= "2025-09-30") | (m["accepted_on"] <= "2025-09-30")]
    assert int(done["beneficiaries"].sum()) == 7  # "7 machinery supports" in nine months


def test_the_merger_in_the_sample(csv):
    pl, pr = csv["plans"], csv["projects"]
    assert sorted(pl["year"].unique()) == list(range(2018, 2027))
    assert pl[pl["year"] == 2025]["province"].nunique() == 63      # approved before 1 July 2025
    assert set(pl[pl["year"] == 2026]["province"]) == UNITS_2025    # the 34 units
    after = pr["approved_on"] >= "2025-07-01"
    assert set(pr.loc[after, "province"]) <= UNITS_2025 and (after & (pr["year"] == 2025)).sum() > 20
    assert pr.loc[~after, "year"].max() == 2025 and set(pr.loc[pr["year"] == 2026, "province"]) == UNITS_2025
    # the snapshot: nothing dated after 30 November 2026; 2026 in progress, 2025 settled in January 2026
    for t, cols in (("payments", ["date"]), ("events", ["date"]),
                    ("projects", ["approved_on", "finished_on", "accepted_on", "stopped_on"])):
        for c in cols:
            assert csv[t][c].max() <= pd.Timestamp("2026-11-30"), (t, c)
    assert {"in_progress", "approved"} <= set(pr.loc[pr["year"] == 2026, "status"])
    p = csv["payments"].merge(pr[["project_id", "year"]], on="project_id")
    assert ((p["year"] == 2025) & (p["date"] >= "2026-01-01") & (p["date"] <= "2026-01-21")).sum() > 10


# -- realism and internal consistency ---------------------------------------------------------
def test_payments_never_exceed_support_and_advances_at_most_70_percent(csv):
    pr, pay = csv["projects"], csv["payments"]
    paid = pay.groupby("project_id")["amount_vnd"].sum()
    sup = pr.set_index("project_id")["support_vnd"]
    assert (paid <= sup.reindex(paid.index)).all()
    first = pay.sort_values(["project_id", "date"]).groupby("project_id").head(1).set_index("project_id")
    # a first payment within 75 days of approval is the advance (tạm ứng): at most 70 % of support
    # (Circular 36/2013), also after calibration
    p = pr.set_index("project_id").reindex(first.index)
    adv = first[(first["date"] <= p["approved_on"] + pd.Timedelta(days=75))
                & (p["finished_on"].isna() | (first["date"] < p["finished_on"]))]
    assert len(adv) > 1000
    assert (adv["amount_vnd"] <= 0.7 * sup.reindex(adv.index)).all()


def test_events_consistent_with_project_dates(csv):
    ev = csv["events"].merge(csv["projects"], on="project_id", validate="many_to_one")
    ext = ev[ev["kind"] == "extension"]
    assert len(ext) and (ext["new_planned_end"] > ext["planned_end"]).all()
    stop = ev[ev["kind"] == "stop"]
    assert len(stop) and (stop["date"] == stop["stopped_on"]).all()
    acc = ev[ev["kind"] == "acceptance"]
    assert (acc["date"] == acc["accepted_on"]).all()
    assert set(ev["kind"]) == {"adjustment", "extension", "stop", "acceptance"}
    assert (ev["date"] >= ev["approved_on"]).all()


def test_statuses_consistent_with_dates(csv):
    pr = csv["projects"]
    acc = pr[pr["status"] == "accepted"]
    assert acc["accepted_on"].isna().sum() <= 10  # a few undated acceptances, as in real sheets
    assert (pr.loc[pr["status"] == "stopped", "stopped_on"].notna()).all()
    assert pr.loc[pr["status"] != "accepted", "accepted_on"].isna().all()
    assert set(pr["status"]) == {"approved", "in_progress", "finished", "accepted", "stopped", "suspended"}


def test_sizes_within_caps_and_shape(csv):
    pr = csv["projects"]
    per = pr["support_vnd"] / pr["beneficiaries"]
    assert (per[pr["activity"] == "machinery"] <= 200e6).all()    # 50 %, ≤ 200 million / establishment
    assert (per[pr["activity"].isin(["brand", "consulting"])] <= 35e6).all()
    demo = pr[pr["activity"] == "demonstration"]
    assert (demo.loc[demo["year"] < 2019, "support_vnd"] <= 500e6).all()
    assert (demo["support_vnd"] <= 1_000e6).all()                 # TT 28/2018/TT-BTC
    assert pr["province"].nunique() == 63 and set(pr["source"]) == {"national", "local"}
    size = pr.groupby(["year", "province"]).size()
    assert 10 <= size.median() <= 40
    ratio = (pr["counterpart_vnd"] / pr["support_vnd"]).median()
    assert 2.5 <= ratio <= 3.5                                    # counterpart ≈ 3× support (Đồng Tháp)
    assert pr["pilot"].any() and pr["group"].any()
    assert pr["project_id"].str.fullmatch(r"KC-\d{4}-\d{2}-\d{4}").all()
    assert pr["title"].str.contains("&").sum() == 1 and pr["title"].str.contains("<").sum() == 1


def test_year_end_execution_mostly_80_to_100_percent(csv):
    pr, pay, pl = csv["projects"], csv["payments"], csv["plans"]
    p = pay.merge(pr[["project_id", "year", "province"]], on="project_id")
    p = p[p["date"].dt.year == p["year"]]
    rate = p.groupby(["year", "province"])["amount_vnd"].sum() / pl.groupby(["year", "province"])["approved_vnd"].sum()
    assert rate.between(0.6, 1.06).mean() > 0.9
    assert rate.between(0.8, 1.0).mean() > 0.5


def test_settlement_in_january_before_the_22nd(csv):
    pr, pay = csv["projects"], csv["payments"]
    p = pay.merge(pr[["project_id", "year", "province"]], on="project_id")
    jan = p[(p["date"].dt.year == p["year"] + 1) & (p["date"].dt.month == 1)]
    assert len(jan) > 100
    assert (jan["date"].dt.day <= 21).mean() > 0.8


# -- validity, determinism, speed ------------------------------------------------------------
def test_sample_validates_with_zero_errors():
    # speed of this path is measured in benchmarks/bench_load.py, not asserted here
    ds = Dataset.load()
    assert ds.errors == [] and len(ds.warnings) <= 10
    assert ds.synthetic
    # the uncached path too (Dataset.load memoises by file fingerprint): read + validate
    loaded = io.read_dataset(SAMPLE_DIR)
    fresh = Dataset.from_tables(loaded.tables, origins=loaded.origins, synthetic=loaded.synthetic)
    assert fresh.errors == [] and loaded.synthetic
    assert len(fresh.projects) == len(ds.projects)


def test_regenerating_gives_byte_identical_files(tmp_path):
    written = write_sample(tmp_path)
    assert [p.name for p in written] == ["plans.csv", "projects.csv", "events.csv", "payments.csv", "SYNTHETIC"]
    for p in written:
        assert p.read_bytes() == (SAMPLE_DIR / p.name).read_bytes(), p.name


def test_generate_is_deterministic_and_subsets_match_full_sample():
    a = generate(years=[2019, 2024])
    b = generate(years=[2019, 2024])
    for t in a:
        pd.testing.assert_frame_equal(a[t], b[t])
    sub = generate(years=[2024], provinces=["dong nai"])
    full = a["projects"]
    pd.testing.assert_frame_equal(
        sub["projects"], full[(full["year"] == 2024) & (full["province"] == "Đồng Nai")].reset_index(drop=True)
    )
    assert validate_tables(sub).errors == []


def test_generate_bad_arguments():
    with pytest.raises(ParameterError, match="years"):
        generate(years=[])
    with pytest.raises(ParameterError, match="n_projects"):
        scale(0)


# -- scale ----------------------------------------------------------------------------------
def test_scale_is_valid_and_complete():
    t = scale(3_000, seed=7)
    v = validate_tables(t)
    assert v.problems == []
    pr = t["projects"]
    assert len(pr) == 3_000 and pr["project_id"].is_unique
    for name in t:
        assert list(t[name].columns) == columns(name)
    assert pr["province"].nunique() == 63
    assert set(pr["status"]) == {"approved", "in_progress", "finished", "accepted", "stopped", "suspended"}
    k = t["payments"].groupby("project_id").size()
    assert k.min() >= 1 and k.max() <= 4
    paid = t["payments"].groupby("project_id")["amount_vnd"].sum()
    assert (paid <= pr.set_index("project_id")["support_vnd"].reindex(paid.index)).all()
    pd.testing.assert_frame_equal(scale(500, seed=7)["plans"], scale(500, seed=7)["plans"])


# -- integer apportionment (hand calculations) --------------------------------------------------
def test_apportion_largest_remainder_by_hand():
    # 10 over weights 1:1:1 -> quotas 3.33 each; floors 3,3,3; one left goes to the first (tie by position)
    assert apportion(10, [1, 1, 1]).tolist() == [4, 3, 3]
    # 100 over 1:2:3 -> 16.67, 33.33, 50 -> floors 16, 33, 50 (99); the largest remainder (.67) gets 1
    assert apportion(100, [1, 2, 3]).tolist() == [17, 33, 50]
    # caps: 10 over 1:1:8 with the third capped at 5 -> 5 left for 1:1 -> 2.5 each -> 3, 2
    assert apportion(10, [1, 1, 8], caps=[10, 10, 5]).tolist() == [3, 2, 5]
    with pytest.raises(ValueError):
        apportion(10, [1, 1], caps=[4, 5])


def test_apportion_groups_by_hand():
    # group 0: 10 over 1:3 -> 2.5, 7.5 -> floors 2, 7, remainder 1 to the first (tie .5/.5 by position)
    # group 1: 5 over a single row -> 5
    out = apportion_groups(np.array([10, 5]), np.array([0, 0, 1]), np.array([1.0, 3.0, 2.0]))
    assert out.tolist() == [3, 7, 5]
