"""Concentration and fragmentation, pinned to PySAL `inequality` and to hand calculations."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inequality.gini import Gini
from inequality.theil import Theil, TheilD

from kceval.errors import ParameterError
from kceval.metrics.concentration import (
    concentration,
    fragmentation,
    gini,
    hhi,
    lorenz,
    theil,
    theil_decomposition,
    top_k_share,
)

RNG = np.random.default_rng(42)
X = np.round(RNG.lognormal(np.log(250), 0.9, 60)) * 1_000_000          # 60 project supports in VND
PROV = np.array(["Đồng Nai", "Bình Dương", "Long An"])[RNG.integers(0, 3, 60)]
ACT = np.array(["machinery", "training", "fair", "brand"])[RNG.integers(0, 4, 60)]
PROJECTS = pd.DataFrame({"province": PROV, "activity": ACT, "support_vnd": X.astype(np.int64)})


def test_hhi_hand():
    # shares 0.5, 0.3, 0.2: H = 0.25 + 0.09 + 0.04 = 0.38; H* = (0.38 − 1/3)/(1 − 1/3) = 0.07; 1/H = 2.6316
    h = hhi([50, 30, 20])
    assert h["hhi"] == pytest.approx(0.38) and h["hhi_normalised"] == pytest.approx(0.07)
    assert h["effective_n"] == pytest.approx(1 / 0.38) and h["n"] == 3
    assert hhi([5])["hhi_normalised"] is None
    # equal shares: effective number equals the actual number
    assert hhi([7] * 8)["effective_n"] == pytest.approx(8)
    assert top_k_share([50, 30, 20], k=2) == pytest.approx(0.8)


def test_gini_matches_pysal_with_small_sample_correction():
    # PySAL Gini(x).g is the uncorrected relative-mean-difference Gini; ours multiplies by n/(n−1)
    n = len(X)
    assert gini(X, ci=False).estimate == pytest.approx(Gini(X).g * n / (n - 1), rel=1e-12)
    assert gini(X, ci=False, correct=False).estimate == pytest.approx(Gini(X).g, rel=1e-12)
    # one project holds everything: uncorrected (n−1)/n, corrected exactly 1
    assert gini([0, 0, 0, 10], ci=False).estimate == pytest.approx(1.0)


def test_gini_bootstrap_equals_naive_resampling():
    # Independent check of the vectorised bootstrap: rebuild each resample from the same
    # multinomial counts by repeating the values, and compute its Gini with PySAL.
    from kceval.metrics.concentration import _gini_boot

    x = np.sort(X[:25])
    n = len(x)
    fast = _gini_boot(x, 50, np.random.default_rng(3))
    counts = np.random.default_rng(3).multinomial(n, np.full(n, 1 / n), size=50)
    slow = [Gini(np.repeat(x, c)).g for c in counts]
    assert fast == pytest.approx(slow, rel=1e-10)


def test_gini_interval_seeded_and_sensible():
    a = gini(X, n_boot=500, seed=1)
    b = gini(X, n_boot=500, seed=1)
    assert (a.low, a.high) == (b.low, b.high)
    assert a.low < a.estimate < a.high and a.n == 60 and "bootstrap" in a.method
    with pytest.raises(ParameterError, match="`n_boot`"):
        gini(X, n_boot=3)
    with pytest.raises(ParameterError, match="at least 2"):
        gini([5])


def test_lorenz_hand():
    curve = lorenz([1, 3, 6])
    # smallest first: cumulative money 0, 1, 4, 10 over 10
    assert curve["project_share"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert curve["money_share"].tolist() == pytest.approx([0, 0.1, 0.4, 1])


def test_theil_matches_pysal_and_decomposes_exactly():
    assert theil(X) == pytest.approx(Theil(X).T, rel=1e-12)
    for by in ("province", "activity"):
        d = theil_decomposition(PROJECTS, by=by)
        ref = TheilD(X, PROJECTS[by].to_numpy())
        assert d.total == pytest.approx(ref.T, rel=1e-12)
        assert d.between == pytest.approx(float(np.ravel(ref.bg)[0]), rel=1e-9)
        # within computed directly as Σ sₘ Tₘ, and Tₘ checked against PySAL per group
        assert d.between + d.within == pytest.approx(d.total, rel=1e-12)
        for _, g in d.groups.iterrows():
            assert g["theil"] == pytest.approx(Theil(X[PROJECTS[by].to_numpy() == g[by]]).T, abs=1e-12)
        assert 0 <= d.between_share <= 1


def test_concentration_grouped_equals_one_group_at_a_time():
    before = PROJECTS.copy()
    c = concentration(PROJECTS, by="province", top_k=3, within="activity").set_index("province")
    for p, g in PROJECTS.groupby("province"):
        x = g["support_vnd"].to_numpy(dtype=float)
        n = len(x)
        h = hhi(x)
        assert c.loc[p, "n_projects"] == n
        assert c.loc[p, "hhi"] == pytest.approx(h["hhi"])
        assert c.loc[p, "hhi_normalised"] == pytest.approx(h["hhi_normalised"])
        assert c.loc[p, "effective_projects"] == pytest.approx(1 / h["hhi"])
        assert c.loc[p, "top_k_share"] == pytest.approx(np.sort(x)[-3:].sum() / x.sum())
        assert c.loc[p, "gini"] == pytest.approx(Gini(x).g * n / (n - 1))
        assert c.loc[p, "theil"] == pytest.approx(Theil(x).T)
        assert c.loc[p, "theil_between"] == pytest.approx(float(np.ravel(TheilD(x, g["activity"].to_numpy()).bg)[0]))
    pd.testing.assert_frame_equal(PROJECTS, before)


def test_concentration_bad_arguments():
    with pytest.raises(ParameterError, match="`by`"):
        concentration(PROJECTS, by="provnce")
    with pytest.raises(ParameterError, match="negative"):
        concentration(PROJECTS.assign(support_vnd=-1))
    with pytest.raises(ParameterError, match="empty"):
        concentration(PROJECTS.iloc[:0])
    with pytest.raises(ParameterError, match="`value`"):
        concentration(PROJECTS, value="money")


def test_fragmentation_hand():
    p = pd.DataFrame({
        "province": ["A"] * 6,
        "activity": ["m", "m", "m", "t", "t", "t"],
        "support_vnd": [500, 200, 100, 90, 60, 50],
    })
    before = p.copy()
    f = fragmentation(p).iloc[0]
    # medians: m 200, t 60. Small (strictly below): 100 (m) and 50 (t) -> 2 of 6 projects, 150 of 1000 money
    assert f["small_project_share"] == pytest.approx(2 / 6) and f["small_money_share"] == pytest.approx(0.15)
    # largest first: 500, 700, 800, 890 (< 900), 950 -> 5 projects needed to reach 90%
    assert f["projects_for_share"] == 5
    # tail = beyond the 5th (only 50) and below its activity median 60 -> 1 project, 50 money
    assert f["tail_project_share"] == pytest.approx(1 / 6) and f["tail_money_share"] == pytest.approx(0.05)
    assert f["mean_vnd"] == pytest.approx(1000 / 6) and f["median_vnd"] == pytest.approx(95)
    pd.testing.assert_frame_equal(p, before)
    # overrides: a number, and a per-activity mapping
    assert fragmentation(p, threshold=95).iloc[0]["small_project_share"] == pytest.approx(3 / 6)
    assert fragmentation(p, threshold={"m": 300, "t": 0}).iloc[0]["small_project_share"] == pytest.approx(2 / 6)
    with pytest.raises(ParameterError, match="`threshold`"):
        fragmentation(p, threshold={"m": 300})
    with pytest.raises(ParameterError, match="`threshold`"):
        fragmentation(p, threshold="big")


def test_fragmentation_reference_medians_and_groups():
    ref = pd.DataFrame({"activity": ["m"] * 3, "support_vnd": [10, 1000, 2000]})      # programme median 1000
    p = pd.DataFrame({"province": ["A", "A", "B"], "activity": ["m"] * 3, "support_vnd": [500, 1500, 900]})
    f = fragmentation(p, by="province", reference=ref).set_index("province")
    assert f.loc["A", "small_project_share"] == pytest.approx(0.5)
    assert f.loc["B", "small_project_share"] == pytest.approx(1.0)
    # A: 1500 alone is 75% < 90%, so both are needed
    assert f.loc["A", "projects_for_share"] == 2 and f.loc["B", "projects_for_share"] == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**9), st.sampled_from("abc")), min_size=2, max_size=40))
def test_theil_decomposition_exact_and_gini_bounded(rows):
    # property: between + within = total for any positive amounts and grouping (Theil 1967)
    p = pd.DataFrame(rows, columns=["support_vnd", "province"])
    d = theil_decomposition(p, by="province")
    assert d.between + d.within == pytest.approx(d.total, rel=1e-9, abs=1e-12)
    assert d.between >= -1e-12 and d.within >= -1e-12
    g = gini(p["support_vnd"], ci=False).estimate
    assert -1e-12 <= g <= 1 + 1e-12
    c = concentration(p)
    assert c["effective_projects"].iloc[0] <= len(p) + 1e-9


def test_theil_decomposition_of_a_selection_matches_pysal():
    # Bug (issue 11): on a selection (whose index does not start at 0) the groups were misaligned:
    # the 2024 sample by province gave between = within = 0. Reference: PySAL's TheilD.
    from kceval.dataset import Dataset

    p = Dataset.load().select(year=2024).projects
    assert p.index[0] != 0
    d = theil_decomposition(p, by="province")
    ref = TheilD(p["support_vnd"].to_numpy(float), p["province"].to_numpy())
    assert d.between == pytest.approx(float(np.ravel(ref.bg)[0]), rel=1e-10)
    assert d.within == pytest.approx(float(np.ravel(ref.wg)[0]), rel=1e-10)
    assert d.groups["n"].sum() == len(p)


@pytest.mark.parametrize("seed", range(5))
def test_concentration_of_one_group_is_that_of_the_grouped_path(seed):
    # one group takes a short path on numpy arrays; the grouped path, on a constant group, is the reference: one to
    # 300 projects, ties, zeros, activities with one project and projects without an activity
    rng = np.random.default_rng(seed)
    for n in (1, 2, 3, 17, 300):
        p = pd.DataFrame({"support_vnd": rng.choice([0, 5e6, 1e8, 2.5e8, 7e8], n) + rng.integers(0, 3, n) * 1e6,
                          "activity": rng.choice(["fair", "brand", "machinery", None], n)})
        p.index = rng.permutation(n) * 7
        for top_k in (1, 10):
            got = concentration(p, within="activity", top_k=top_k)
            want = concentration(p.assign(g=0), by="g", within="activity", top_k=top_k).drop(columns="g")
            pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-15)
            pd.testing.assert_frame_equal(concentration(p, top_k=top_k),
                                          want.drop(columns=["theil_between", "theil_between_share"]),
                                          check_exact=False, rtol=1e-12, atol=1e-15)
