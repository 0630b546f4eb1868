"""Survival: KM, cumulative incidence, log-rank, Cox — pinned to lifelines and hand calculations."""
import warnings

import numpy as np
import pandas as pd
import pytest
from lifelines import AalenJohansenFitter, CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test, multivariate_logrank_test
from statsmodels.duration.survfunc import CumIncidenceRight

from kceval.errors import KcevalError, ParameterError
from kceval.metrics.survival import (
    aalen_johansen_by_group,
    cif_median_by_group,
    cumulative_incidence,
    fit_cox,
    kaplan_meier,
    km_median,
    logrank,
    time_to_event,
)


def step_at(index, values, t):
    """Value of a right-continuous step function (lifelines' frame) at times t."""
    pos = np.searchsorted(np.asarray(index), t, side="right") - 1
    return np.asarray(values)[pos]


def random_tte(n=300, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    t = rng.exponential(200, n)
    t = np.ceil(t / 10) * 10 if ties else t
    ev = rng.choice([0, 1, 2], n, p=[0.2, 0.6, 0.2])
    return pd.DataFrame({"time": t, "event": ev, "activity": rng.choice(["fair", "machinery", "training"], n)})


def test_tiny_hand_calculation():
    # times 1..4, outcomes accept, censored, stop, accept
    #   KM (stops censored): S(1) = 3/4; S(3) unchanged (stop = censoring); S(4) = 3/4·(1 − 1/1) = 0
    #   CIF of acceptance: F(1) = 1·1/4 = 1/4; all-cause S(3) = 3/4·(1 − 1/2) = 3/8; F(4) = 1/4 + 3/8·1/1 = 5/8
    t = pd.DataFrame({"time": [1.0, 2.0, 3.0, 4.0], "event": [1, 0, 2, 1]})
    km = kaplan_meier(t, by=None)
    assert km["time"].tolist() == [0, 1, 4] and km["estimate"].tolist() == pytest.approx([1, 0.75, 0])
    ci = cumulative_incidence(t, by=None)
    assert ci.set_index("time")["estimate"].to_dict() == pytest.approx({0: 0, 1: 0.25, 2: 0.25, 3: 0.25, 4: 0.625})
    stop = cumulative_incidence(t, by=None, cause=2)
    assert stop["estimate"].iloc[-1] == pytest.approx(0.375)
    # only stops so far: acceptance curve flat at 0; stop curve F(1) = 1/4, F(3) = 1/4 + 3/4·1/2 = 5/8
    only = pd.DataFrame({"time": [1.0, 2.0, 3.0, 4.0], "event": [2, 0, 2, 0]})
    assert cumulative_incidence(only, by=None)["estimate"].max() == 0
    assert cumulative_incidence(only, by=None, cause=2)["estimate"].iloc[-1] == pytest.approx(0.625)
    assert cif_median_by_group(t.assign(g="x"), "g")["x"] == 4.0   # first time F ≥ 0.5
    assert km_median(t) == 4.0
    # CIF never reaching 0.5 gives NaN (the headline turns it into None)
    t2 = pd.DataFrame({"time": [1.0, 2.0, 3.0], "event": [1, 2, 2], "g": "x"})
    assert np.isnan(cif_median_by_group(t2, "g")["x"])


def test_km_against_lifelines():
    d = random_tte(ties=True)
    km = kaplan_meier(d, by="activity")
    assert set(km.columns) == {"group", "time", "estimate", "low", "high", "n_risk"}
    for g, sub in d.groupby("activity"):
        kmf = KaplanMeierFitter().fit(sub["time"], sub["event"] == 1)
        ours = km[km.group == g]
        ref = step_at(kmf.survival_function_.index, kmf.survival_function_.iloc[:, 0], ours["time"])
        assert ours["estimate"].to_numpy() == pytest.approx(ref, abs=1e-12)
        # log(−log) Greenwood intervals: lifelines' default is the same transform
        cil = step_at(kmf.confidence_interval_.index, kmf.confidence_interval_.iloc[:, 0], ours["time"])
        inner = (ours["estimate"] > 0) & (ours["estimate"] < 1)
        assert ours["low"][inner].to_numpy() == pytest.approx(cil[inner.to_numpy()], abs=1e-6)


def test_cif_against_lifelines_and_statsmodels():
    d = random_tte(n=200, seed=2)           # continuous times: lifelines does not jitter
    ci = cumulative_incidence(d, by=None)
    ajf = AalenJohansenFitter(calculate_variance=False).fit(d["time"], d["event"], event_of_interest=1)
    ref = step_at(ajf.cumulative_density_.index, ajf.cumulative_density_.iloc[:, 0], ci["time"])
    assert ci["estimate"].to_numpy() == pytest.approx(ref, abs=1e-10)
    assert ((ci["low"] <= ci["estimate"]) & (ci["estimate"] <= ci["high"])).all()
    # vectorised Aalen–Johansen for many groups equals CumIncidenceRight fitted per group (ties too)
    dt = random_tte(n=400, seed=3, ties=True)
    a = aalen_johansen_by_group(dt, "activity")
    for g, sub in dt.groupby("activity"):
        sm = CumIncidenceRight(sub["time"].to_numpy(), sub["event"].to_numpy())
        mine = a[a.activity == g]
        assert mine["time"].to_numpy() == pytest.approx(sm.times)
        assert mine["cif1"].to_numpy() == pytest.approx(sm.cinc[0], abs=1e-12)
        assert mine["cif2"].to_numpy() == pytest.approx(sm.cinc[1], abs=1e-12)
    # CIF of acceptance stays below 1 − KM when stops compete (KM overstates completion)
    km = kaplan_meier(dt, by=None).set_index("time")["estimate"]
    c = cumulative_incidence(dt, by=None).set_index("time")["estimate"]
    common = km.index.intersection(c.index)
    assert (c[common] <= 1 - km[common] + 1e-12).all()


def test_logrank_against_lifelines():
    d = random_tte(n=300, seed=4)
    d.loc[d.activity == "fair", "time"] *= 1.6
    r = logrank(d, by="activity")
    ref = multivariate_logrank_test(d["time"], d["activity"], d["event"] == 1)
    assert r.statistic == pytest.approx(ref.test_statistic, rel=1e-6)
    assert r.p_value == pytest.approx(ref.p_value, rel=1e-6)
    assert r.df == 2
    two = d[d.activity != "training"]
    r2 = logrank(two, by="activity")
    a, b = two[two.activity == "fair"], two[two.activity == "machinery"]
    ref2 = logrank_test(a["time"], b["time"], a["event"] == 1, b["event"] == 1)
    assert r2.statistic == pytest.approx(ref2.test_statistic, rel=1e-6)
    with pytest.raises(ParameterError, match="`by`"):
        logrank(d.assign(one="x"), by="one")


def projects_for_cox(n=400, seed=6):
    # distinct durations (no ties) so Breslow (statsmodels) and Efron (lifelines) agree
    rng = np.random.default_rng(seed)
    support = np.exp(rng.normal(np.log(2e8), 0.6, n)).astype(np.int64)
    act = rng.choice(["machinery", "training"], n)
    lin = 0.5 * (np.log(support) - np.log(2e8)) + 0.4 * (act == "training")
    dur = rng.permutation(np.arange(30, 30 + 3 * n, 3))
    dur = np.sort(dur)[np.argsort(np.argsort(-lin + rng.gumbel(size=n)))]    # higher hazard -> shorter
    approved = pd.Timestamp("2019-01-02")
    end = approved + pd.to_timedelta(dur, "D")
    as_of = approved + pd.Timedelta(days=int(np.quantile(dur, 0.85)))
    accepted = (end <= as_of) & (rng.random(n) < 0.9)
    stopped = (end <= as_of) & ~accepted
    prov = np.array([f"P{i}" for i in range(12)])[rng.integers(0, 12, n)]
    projects = pd.DataFrame({
        "project_id": [f"C{i}" for i in range(n)], "province": prov, "activity": act, "source": "local",
        "pilot": False, "support_vnd": support, "counterpart_vnd": pd.array(support * 2, dtype="Int64"),
        "approved_on": approved, "planned_end": approved + pd.Timedelta(days=200),
        "status": np.where(accepted, "accepted", np.where(stopped, "stopped", "in_progress")),
        "accepted_on": pd.Series(end).where(accepted), "stopped_on": pd.Series(end).where(stopped),
    })
    return projects, pd.DataFrame({"project_id": [], "kind": []}), as_of


def test_cox_against_lifelines():
    projects, events, as_of = projects_for_cox()
    before = projects.copy()
    m = fit_cox(projects, events, as_of=as_of)
    pd.testing.assert_frame_equal(projects, before)
    tte = time_to_event(projects, as_of=as_of)
    df = pd.DataFrame({"T": tte["time"], "E": (tte["event"] == 1).astype(int),
                       "training": (tte["activity"] == "training").astype(float),
                       "log_support": np.log(tte["support_vnd"].astype(float)), "province": tte["province"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = CoxPHFitter().fit(df, "T", "E", cluster_col="province")
    t = m.params.set_index("term")
    tr = [k for k in t.index if "training" in k][0]
    assert t.at["log_support", "coef"] == pytest.approx(ref.params_["log_support"], rel=1e-4)
    assert t.at[tr, "coef"] == pytest.approx(ref.params_["training"], rel=1e-4)
    # province-clustered sandwich SEs agree with lifelines' cluster-robust SEs
    assert t.at["log_support", "se"] == pytest.approx(ref.standard_errors_["log_support"], rel=2e-2)
    assert t.at[tr, "hazard_ratio"] == pytest.approx(np.exp(ref.params_["training"]), rel=1e-4)
    assert m.n_events == int(df["E"].sum())
    with pytest.raises(KcevalError, match="too few events"):
        fit_cox(projects, events, as_of="2019-02-01")


def test_time_to_event_rules(tiny):
    p = tiny["projects"].copy()
    t = time_to_event(p, as_of="2019-12-31").set_index("project_id")
    # A accepted after 249 days; B stopped after 91; C open, censored at 244; D accepted after 105
    assert t["time"].to_dict() == {"A": 249, "B": 91, "C": 244, "D": 105}
    assert t["event"].to_dict() == {"A": 1, "B": 2, "C": 0, "D": 1}
    p.loc[p.project_id == "D", "accepted_on"] = pd.NaT      # accepted, date unknown: left out, counted
    t = time_to_event(p, as_of="2019-12-31")
    assert "D" not in set(t["project_id"]) and t.attrs["n_undated"] == 1
    early = time_to_event(tiny["projects"], as_of="2019-04-15")
    assert set(early["project_id"]) == {"A", "B", "D"}      # C approved 1 May: not yet started
    assert (early["event"] == 0).all()
    with pytest.raises(ParameterError, match="`as_of`"):
        time_to_event(tiny["projects"], as_of="soon")
    with pytest.raises(ParameterError, match="`cause`"):
        cumulative_incidence(early, by=None, cause=3)
    with pytest.raises(ParameterError, match="`by`"):
        kaplan_meier(early, by="provnce")
    with pytest.raises(ParameterError, match="`level`"):
        kaplan_meier(early, by=None, level=95)


def test_curves_do_not_mutate():
    d = random_tte(n=100, seed=9)
    before = d.copy()
    kaplan_meier(d)
    cumulative_incidence(d)
    aalen_johansen_by_group(d, "activity")
    cif_median_by_group(d, "activity")
    logrank(d)
    pd.testing.assert_frame_equal(d, before)


def test_vectorised_score_residuals_match_statsmodels():
    # Reference: statsmodels PHReg.score_residuals (a loop over event times); NaN there means a
    # subject censored before the first event, whose residual is 0. Random data with and without ties.
    from statsmodels.duration.hazard_regression import PHReg

    from kceval.metrics.survival import breslow_score_residuals

    rng = np.random.default_rng(7)
    for n, ties in ((200, False), (1500, True)):
        x = rng.normal(size=(n, 3))
        t = rng.exponential(size=n)
        if ties:
            t = np.round(t * 10) / 10 + 0.1
        status = (rng.random(n) < 0.7).astype(int)
        mod = PHReg(t, x, status=status, ties="breslow")
        beta = mod.fit().params
        ref = np.nan_to_num(mod.score_residuals(beta))
        np.testing.assert_allclose(breslow_score_residuals(x, beta, t, status), ref, rtol=1e-9, atol=1e-12)
