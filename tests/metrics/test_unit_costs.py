"""Unit costs, their robust comparison across provinces and the legal caps (kceval.metrics.unit_costs).

References: plain pandas on the sample's projects.csv for the costs; statsmodels' MAD
(``statsmodels.robust.scale.mad``, which divides by 0.6745) for the modified z-score of Iglewicz and Hoaglin
(1993); the caps of TTLT 26/2014 Art. 6.2 / TT 28/2018 (DOMAIN.md) on hand-made projects.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.robust.scale import mad

from kceval.metrics.unit_costs import cap_check, score_unit_costs, unit_costs
from kceval.paths import SAMPLE_DIR


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    p = pd.read_csv(SAMPLE_DIR / "projects.csv")
    for c in ("approved_on", "accepted_on", "finished_on"):
        p[c] = pd.to_datetime(p[c])
    p["counterpart_vnd"] = p["counterpart_vnd"].astype("Int64")
    return p[p["year"] == 2021]


def test_unit_costs_against_plain_pandas(projects):
    d = pd.Timestamp("2021-12-31")
    got = unit_costs(projects.sample(frac=1, random_state=1), as_of=d, by="province").set_index(
        ["province", "activity"])
    done = projects[(projects["accepted_on"] <= d) | (projects["finished_on"] <= d)]
    fairs = done[(done["activity"] == "fair") & (done["output_count"] > 0)]
    for prov, g in fairs.groupby("province"):
        row = got.loc[(prov, "fair")]
        assert row["support_per_output"] == pytest.approx(g["support_vnd"].sum() / g["output_count"].sum())
        k = g[g["counterpart_vnd"].notna()]
        want = (k["support_vnd"].sum() + k["counterpart_vnd"].sum()) / k["output_count"].sum() if len(k) else np.nan
        assert row["total_per_output"] == pytest.approx(want, nan_ok=True)
    mach = done[done["activity"] == "machinery"]
    for prov, g in mach.groupby("province"):  # machinery: the output is the establishments supported
        assert got.loc[(prov, "machinery"), "support_per_establishment"] == pytest.approx(
            g["support_vnd"].sum() / g["beneficiaries"].sum())


def test_robust_z_is_the_modified_z_of_the_log_costs(projects):
    s = score_unit_costs(projects, as_of="2021-12-31", min_projects=3)
    for act, g in s[s["scored"]].groupby("activity"):
        logs = np.log(g["support_per_output"].to_numpy())
        scale = mad(logs)  # statsmodels: median(|x - median|) / 0.6745
        if scale == 0:
            continue
        assert np.allclose(g["log_z"], (logs - np.median(logs)) / scale), act
        assert g["median"].iloc[0] == pytest.approx(np.median(g["support_per_output"]))
        assert (g["outlier"] == (np.abs((logs - np.median(logs)) / scale) > 3.5)).all()
    assert s.loc[~s["scored"], "log_z"].isna().all() and (s.loc[~s["scored"], "projects"] < 3).all()


def test_projects_behind_the_median_by_hand(projects):
    d = pd.Timestamp("2021-12-31")
    s = score_unit_costs(projects, as_of=d, min_projects=3)
    done = projects[((projects["accepted_on"] <= d) | (projects["finished_on"] <= d))
                    & (projects["activity"] == "training") & (projects["output_count"] > 0)]
    per_province = done.groupby("province").size()
    assert (s.loc[s["activity"] == "training", "projects_scored"] == per_province[per_province >= 3].sum()).all()


def test_score_is_the_same_for_shuffled_rows_and_a_one_province_region(projects):
    a = score_unit_costs(projects, as_of="2021-12-31")
    b = score_unit_costs(projects.sample(frac=1, random_state=5).set_axis(range(7, 7 + len(projects))),
                         as_of="2021-12-31")
    pd.testing.assert_frame_equal(a, b)
    one = score_unit_costs(projects[projects["province"] == "Đồng Nai"], as_of="2021-12-31")
    assert one["log_z"].isna().all() and not one["outlier"].any()  # one province: nothing to compare with


def test_cap_check_on_hand_made_projects():
    p = pd.DataFrame({
        "project_id": ["M1", "M2", "B1", "L1", "D1", "T1"],
        "province": "Đồng Nai",
        "activity": ["machinery", "machinery", "brand", "brand", "demonstration", "training"],
        "source": ["national", "national", "national", "local", "national", "national"],
        "support_vnd": [450_000_000, 300_000_000, 60_000_000, 90_000_000, 1_200_000_000, 5_000_000_000],
        "beneficiaries": [2, 2, 1, 1, 1, 40]}, index=[9, 3, 7, 1, 5, 2])
    got = cap_check(p).set_index("project_id")
    # M1: 225 million per establishment > 200; B1: 60 > 35 per brand, above 1.5×; D1: 1,200 > 1,000 per project;
    # L1 is local money (provinces set their own caps); training has no cap
    assert sorted(got.index) == ["B1", "D1", "M1"]
    assert got.loc["M1", "ratio"] == pytest.approx(225 / 200) and not got.loc["M1", "above_priority_cap"]
    assert got.loc["B1", "ratio"] == pytest.approx(60 / 35) and got.loc["B1", "above_priority_cap"]
    assert got.loc["D1", "per_unit_vnd"] == 1_200_000_000
