"""Funnel limits (Spiegelhalter 2005) and beta-binomial shrinkage, pinned to hand calculations."""
import math

import numpy as np
import pandas as pd
import pytest

from kceval.errors import ParameterError
from kceval.metrics.funnel import Z95, Z998, beta_prior, funnel, funnel_curve, shrink_rates


def five_units():
    return pd.DataFrame({"province": list("ABCDE"), "count": [10, 20, 30, 40, 50], "n": [100] * 5})


def test_funnel_hand_worked_overdispersion():
    # Hand calculation (Spiegelhalter 2005, QSHC 14:347, arcsine version), five units of n = 100:
    #   p0 = 150/500 = 0.3; θ = asin(sqrt(0.3)) = 0.579640
    #   y = asin(sqrt(p)) for p = .1 .2 .3 .4 .5 -> 0.321751 0.463648 0.579640 0.684719 0.785398
    #   z = 2·sqrt(100)·(y − θ) = 20(y − θ) -> −5.157784 −2.319843 0 2.101589 4.115168
    #   10% winsorising (linear quantiles, positions 0.4 and 3.6 of the sorted z):
    #     q10 = −5.157784 + 0.4·(−2.319843 + 5.157784) = −4.022607
    #     q90 =  2.101589 + 0.6·( 4.115168 − 2.101589) =  3.309737
    #   φ = (4.022607² + 2.319843² + 0 + 2.101589² + 3.309737²)/5 = 36.934074/5 = 7.386815
    #   w = 4n = 400: Σw − Σw²/Σw = 2000 − 800000/2000 = 1600
    #   τ² = (5·7.386815 − 4)/1600 = 0.0205838
    #   95% limits: θ ± 1.959964·sqrt(1/400 + τ²) = θ ± 0.297781 -> sin²: 0.077361, 0.591507
    #   99.8%:     θ ± 3.090232·0.151935 -> sin²: 0.012080, 0.751689
    f = funnel(five_units())
    assert f.target == pytest.approx(0.3)
    assert f.phi == pytest.approx(7.386815, abs=1e-5)
    assert f.tau2 == pytest.approx(0.0205838, abs=1e-6)
    t = f.table
    assert t["z"].tolist() == pytest.approx([-5.157784, -2.319843, 0.0, 2.101589, 4.115168], abs=1e-5)
    assert t["lower_95"].iloc[0] == pytest.approx(0.077361, abs=1e-5)
    assert t["upper_95"].iloc[0] == pytest.approx(0.591507, abs=1e-5)
    assert t["lower_998"].iloc[0] == pytest.approx(0.012080, abs=1e-5)
    assert t["upper_998"].iloc[0] == pytest.approx(0.751689, abs=1e-5)
    # with the over-dispersion allowance every unit is within
    assert t["flag_95"].tolist() == ["within"] * 5


def test_funnel_without_overdispersion_flags():
    # Plain binomial limits on the arcsine scale: θ ± 1.959964/(2·10) = θ ± 0.097998
    #   -> sin²(0.481642) = 0.214586, sin²(0.677638) = 0.393072
    #   0.1, 0.2 below; 0.3 within; 0.4, 0.5 above. At 99.8%: θ ± 0.154512 -> 0.170105, 0.448843,
    #   so 0.2 and 0.4 are within and 0.1, 0.5 outside.
    f = funnel(five_units(), overdispersion=False)
    assert f.tau2 == 0.0
    assert f.table["lower_95"].iloc[0] == pytest.approx(0.214586, abs=1e-5)
    assert f.table["upper_95"].iloc[0] == pytest.approx(0.393072, abs=1e-5)
    assert f.table["flag_95"].tolist() == ["below", "below", "within", "above", "above"]
    assert f.table["flag_998"].tolist() == ["below", "within", "within", "within", "above"]


def test_funnel_unequal_n_matches_direct_formula():
    # an independent loop-by-loop implementation of the QSHC 2005 recipe, unequal n
    n = [12, 40, 75, 150, 300, 33, 90, 60, 20, 500]
    x = [1, 10, 20, 30, 75, 2, 40, 9, 8, 95]
    u = pd.DataFrame({"province": [f"P{i}" for i in range(10)], "count": x, "n": n})
    p0 = sum(x) / sum(n)
    th = math.asin(math.sqrt(p0))
    z = [2 * math.sqrt(m) * (math.asin(math.sqrt(c / m)) - th) for c, m in zip(x, n)]
    s = sorted(z)
    # quantile positions 0.9 and 8.1 of 10 sorted values
    q10 = s[0] + 0.9 * (s[1] - s[0])
    q90 = s[8] + 0.1 * (s[9] - s[8])
    phi = sum(min(max(v, q10), q90) ** 2 for v in z) / 10
    w = [4 * m for m in n]
    tau2 = max(0.0, (10 * phi - 9) / (sum(w) - sum(v * v for v in w) / sum(w)))
    f = funnel(u)
    assert f.phi == pytest.approx(phi, rel=1e-12)
    assert f.tau2 == pytest.approx(tau2, rel=1e-12)
    for i, m in enumerate(n):
        h = 1.959964 * math.sqrt(1 / (4 * m) + tau2)
        lo = math.sin(max(0.0, th - h)) ** 2
        hi = math.sin(min(math.pi / 2, th + h)) ** 2
        assert f.table["lower_95"].iloc[i] == pytest.approx(lo, abs=1e-6)
        assert f.table["upper_95"].iloc[i] == pytest.approx(hi, abs=1e-6)
        p = x[i] / m
        expect = "above" if p > hi else "below" if p < lo else "within"
        assert f.table["flag_95"].iloc[i] == expect


def test_funnel_curve_and_constants():
    assert Z95 == pytest.approx(1.959964, abs=1e-6)
    assert Z998 == pytest.approx(3.090232, abs=1e-6)
    c = funnel_curve(0.3, 0.0, 100, points=3)
    # n = 100: same limits as in the no-overdispersion test
    assert c["lower_95"].iloc[-1] == pytest.approx(0.214586, abs=1e-5)
    assert (np.diff(c["upper_95"]) < 0).all()      # the funnel narrows as n grows
    f = funnel(five_units())
    assert list(f.curve.columns) == ["n", "lower_95", "upper_95", "lower_998", "upper_998"]
    assert (f.curve["lower_998"] <= f.curve["lower_95"]).all()


def test_funnel_bad_arguments_and_no_mutation():
    u = five_units()
    before = u.copy()
    funnel(u)
    shrink_rates(u, group=None)
    pd.testing.assert_frame_equal(u, before)
    with pytest.raises(ParameterError, match="`count`"):
        funnel(u, count="events")
    with pytest.raises(ParameterError, match="`winsor`"):
        funnel(u, winsor=0.7)
    with pytest.raises(ParameterError, match="`units`"):
        funnel(u.assign(count=[200, 0, 0, 0, 0]))
    with pytest.raises(ParameterError, match="`target`"):
        funnel(u, target=1.5)


def test_beta_binomial_moments_hand_worked():
    # k = 3 units: n = 10, 20, 30; x = 1, 6, 12; p = .1, .3, .4
    #   μ = 19/60 = 0.316667; μ(1−μ) = 0.216389
    #   S = Σ n(p − μ)² = 10(.216667²) + 20(.016667²) + 30(.083333²) = 0.469444 + 0.005556 + 0.208333 = 0.683333
    #   Σn − Σn²/Σn − (k−1) = 60 − 1400/60 − 2 = 34.666667
    #   ρ = (0.683333/0.216389 − 2)/34.666667 = 1.157895/34.666667 = 0.0334008
    #   M = 1/ρ − 1 = 28.9393; a = μM = 9.16411, b = (1−μ)M = 19.77519
    a, b, how = beta_prior([1, 6, 12], [10, 20, 30])
    assert how == "moments"
    assert a + b == pytest.approx(28.9393, abs=1e-3)
    assert a / (a + b) == pytest.approx(19 / 60)
    u = pd.DataFrame({"province": list("ABC"), "count": [1, 6, 12], "n": [10, 20, 30]})
    s = shrink_rates(u, group=None)
    # unit A: posterior Beta(9.16411 + 1, 19.77519 + 9): mean 10.16411/38.9393 = 0.261024
    assert s["shrunk"].iloc[0] == pytest.approx(0.261024, abs=1e-5)
    assert s["weight"].iloc[0] == pytest.approx(10 / 38.9393, abs=1e-5)
    # every shrunken rate lies between the raw rate and the prior mean
    lo = np.minimum(s["rate"], 19 / 60)
    hi = np.maximum(s["rate"], 19 / 60)
    assert ((s["shrunk"] >= lo - 1e-12) & (s["shrunk"] <= hi + 1e-12)).all()
    assert (s["shrunk_low"] < s["shrunk"]).all() and (s["shrunk"] < s["shrunk_high"]).all()


def test_shrinkage_uses_region_prior_or_falls_back():
    # region "r1": 5 units with real spread -> own prior; region "r2": 2 units -> pooled prior
    u = pd.DataFrame({
        "province": [f"P{i}" for i in range(7)],
        "region": ["r1"] * 5 + ["r2"] * 2,
        "count": [1, 5, 10, 15, 19, 2, 3],
        "n": [20, 20, 20, 20, 20, 5, 5],
    })
    s = shrink_rates(u)
    assert (s["prior"].iloc[:5] == "region r1").all()
    assert s["prior"].iloc[5].startswith("pooled")
    a1, b1, _ = beta_prior(u["count"][:5], u["n"][:5])
    assert s["prior_a"].iloc[0] == pytest.approx(a1)
    ap, bp, _ = beta_prior(u["count"], u["n"])
    assert s["prior_a"].iloc[6] == pytest.approx(ap)
    # a province with five projects is pulled toward its prior more than one with twenty
    assert s["weight"].iloc[5] < s["weight"].iloc[0]


def test_shrinkage_degenerate_moment_estimate():
    # identical rates everywhere: S = 0 -> ρ < 0 -> no detectable variation; documented M = Σn
    a, b, how = beta_prior([2, 4, 6], [10, 20, 30])
    assert how.startswith("no between-unit variation")
    assert a + b == pytest.approx(60)
    assert a / (a + b) == pytest.approx(0.2)
    # a region whose units all have the same rate falls back to the pooled prior
    u = pd.DataFrame({"province": list("ABCDEFG"), "region": ["r"] * 5 + ["s"] * 2,
                      "count": [2, 2, 2, 2, 2, 0, 5], "n": [10] * 7})
    s = shrink_rates(u)
    assert s["prior"].iloc[0].startswith("pooled")
    with pytest.raises(ParameterError, match="`min_units`"):
        shrink_rates(u, min_units=1)
    with pytest.raises(ParameterError, match="`group`"):
        shrink_rates(u, group="zone")


def test_weighted_moment_estimator_recovers_a_known_intra_class_correlation():
    # Reference: the generating model itself. Beta-binomial units with ρ = 1/(M + 1) = 0.05
    # (μ = 0.2, M = 19) and very unequal sizes, as provinces have; the weighted method of moments
    # (Kleinman 1973) must recover ρ on average. Seeded: the same 400 replicates every run.
    rng = np.random.default_rng(7)
    n = np.array([5, 8, 12, 20, 30, 45, 60, 80, 120, 200] * 3)
    rho = []
    for _ in range(400):
        x = rng.binomial(n, rng.beta(0.2 * 19, 0.8 * 19, len(n)))
        a, b, how = beta_prior(x, n)
        assert how == "moments"
        rho.append(1 / (a + b + 1))
    assert np.mean(rho) == pytest.approx(0.05, abs=0.004)


def test_overdispersion_equals_dersimonian_laird_of_statsmodels():
    # Reference: another library. Without winsorisation and with the target at the weighted mean
    # of the arcsine-transformed rates, Spiegelhalter's τ² (2005, QSHC 14:347) is the
    # DerSimonian–Laird τ² of a random-effects meta-analysis of y = asin(√p) with variance 1/(4n):
    # k·φ = Σ 4n(y − ȳ)² is Cochran's Q. statsmodels' combine_effects(method_re="dl") computes it.
    from statsmodels.stats.meta_analysis import combine_effects

    n = np.array([20, 35, 50, 80, 120, 150, 200, 260, 300, 400])
    x = np.array([3, 4, 12, 10, 30, 20, 44, 40, 75, 70])
    y, w = np.arcsin(np.sqrt(x / n)), 4 * n
    centre = (w * y).sum() / w.sum()
    ours = funnel(pd.DataFrame({"province": list("ABCDEFGHIJ"), "count": x, "n": n}),
                  target=float(np.sin(centre) ** 2), winsor=0.0)
    assert ours.tau2 == pytest.approx(combine_effects(y, 1 / w, method_re="dl").tau2, rel=1e-9)
    assert ours.tau2 > 0


def _exact_binomial_limit(p0: float, n: int, p: float) -> float:
    # Published reference recipe: Spiegelhalter (2005, Stat Med 24:1185), Appendix A.1.1 —
    # r_p the smallest r with P(R ≤ r) ≥ p under Binomial(n, p0), interpolated by
    # α = (P(R ≤ r_p) − p) / (P(R ≤ r_p) − P(R ≤ r_p − 1)); the limit is (r_p − α) / n.
    from scipy.stats import binom

    r = binom.ppf(p, n, p0)
    alpha = (binom.cdf(r, n, p0) - p) / (binom.cdf(r, n, p0) - binom.cdf(r - 1, n, p0))
    return float((r - alpha) / n)


@pytest.mark.parametrize("p0", [0.05, 0.19, 0.5])
def test_plain_limits_agree_with_the_published_exact_binomial_limits(p0):
    # kceval draws the arcsine limits (same paper, §3.1); the paper's exact interpolated binomial
    # limits are the reference. By construction the interpolation sits half a count below the
    # continuous quantile (at p0 = 0.5 the median is n/2 − 0.5), so the two recipes differ by
    # 0.4–1.4 counts for n from 20 to 1000 (computed with this test's helper); they never differ
    # by 1.5 counts, and the arcsine limit is never the lower of the two.
    for n in (20, 50, 100, 200, 400, 1000):
        c = funnel_curve(p0, 0.0, n, n_min=n, points=1).iloc[0]
        for col, p in (("lower_95", 0.025), ("upper_95", 0.975), ("lower_998", 0.001), ("upper_998", 0.999)):
            gap = (c[col] - _exact_binomial_limit(p0, n, p)) * n
            assert 0 < gap < 1.5, (p0, n, col, gap)
