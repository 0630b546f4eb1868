"""The models' covariates: the design matrix built without patsy, pinned to patsy's (statsmodels'
formulas), the fits pinned to statsmodels' formula path, and the fixed-horizon outcome pinned to
a groupby written out here."""
from __future__ import annotations

import numpy as np
import pandas as pd
import patsy
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.duration.hazard_regression import PHReg

from kceval.metrics.design import HORIZON_DAYS, design, formula_for, model_matrix, problem_within
from kceval.metrics.risk import auc, calibration_table, fit_risk_model
from kceval.metrics.survival import fit_cox, time_to_event

from .test_risk import AS_OF, simulate
from .test_survival import projects_for_cox


def frames():
    """Design frames that vary what the formula leaves out or codes: every covariate, a single
    source, no missing counterpart, a merged sparse activity, a source without 'local'."""
    projects, events = simulate(1500, seed=3)
    yield design(projects, events, as_of=AS_OF)
    yield design(projects.assign(source="local"), events, as_of=AS_OF)
    yield design(projects.assign(counterpart_vnd=projects["support_vnd"]), events, as_of=AS_OF)
    sparse = projects.copy()
    sparse.loc[sparse.index[:3], "activity"] = "brand"
    yield design(sparse, events, as_of=AS_OF)
    yield design(projects.assign(source=np.where(projects["source"] == "local", "province", "national")), events)


@pytest.mark.parametrize("intercept", [True, False])
def test_model_matrix_is_patsys_matrix(intercept):
    # reference: patsy's dmatrix of the formula, as statsmodels' formula interface builds it
    for fr in frames():
        formula, k = formula_for(fr)
        ref = patsy.dmatrix(formula.split("~", 1)[1], fr, return_type="dataframe")
        if not intercept:
            ref = ref.drop(columns="Intercept")
        x, names = model_matrix(fr, intercept=intercept)
        assert names == list(ref.columns)
        assert x.dtype == np.float64 and x.flags["C_CONTIGUOUS"]
        np.testing.assert_array_equal(x, ref.to_numpy())
        assert x.shape[1] == k + intercept


def test_fits_equal_the_formula_path():
    # reference: the formula path the fits used before the matrix was built here (patsy, the GLM's
    # own predictions, PHReg.from_formula and the Hessian at the estimate); estimates to 1e-10
    projects, events = simulate(3000)
    m = fit_risk_model(projects, events, as_of=AS_OF)
    fr = design(projects, events, as_of=AS_OF)
    ref = smf.glm(formula_for(fr)[0], data=fr, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(fr["province"])[0]})
    t = m.params.set_index("term")
    assert t.index.tolist() == ref.params.index.tolist()
    for col, want in (("coef", ref.params), ("se", ref.bse), ("p_value", ref.pvalues)):
        np.testing.assert_allclose(t[col].to_numpy(), want.to_numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(t["low"].to_numpy(), np.exp(ref.conf_int()[0]).to_numpy(), rtol=1e-10)
    pred = ref.predict(fr).to_numpy()
    assert m.auc == pytest.approx(auc(fr["problem"], pred), rel=1e-12)
    pd.testing.assert_frame_equal(m.calibration, calibration_table(fr["problem"], pred), rtol=1e-10)

    p2, e2, as_of = projects_for_cox()
    c = fit_cox(p2, e2, as_of=as_of)
    tte = time_to_event(p2, as_of=as_of)
    fr2 = design(tte, e2).assign(time=tte["time"].to_numpy(), accepted=(tte["event"].to_numpy() == 1).astype(int))
    rhs = formula_for(fr2, outcome="time")[0].split("~", 1)[1]
    mod = PHReg.from_formula("time ~" + rhs, data=fr2, status=fr2["accepted"].to_numpy(), ties="breslow")
    res = mod.fit()
    beta = np.asarray(res.params)
    hinv = np.linalg.inv(mod.hessian(beta))
    u = pd.DataFrame(mod.score_residuals(beta)).groupby(pd.factorize(fr2["province"])[0]).sum().to_numpy()
    se = np.sqrt(np.diag(hinv @ (u.T @ u) @ hinv))
    ct = c.params.set_index("term")
    assert ct.index.tolist() == list(mod.exog_names)
    np.testing.assert_allclose(ct["coef"].to_numpy(), beta, rtol=1e-10)
    np.testing.assert_allclose(ct["se"].to_numpy(), se, rtol=1e-10)


def test_problem_within_against_a_groupby():
    # reference: the first problem event per project by groupby, compared with approval + horizon
    rng = np.random.default_rng(4)
    n = 400
    ids = np.array([f"P{i}" for i in range(n)])
    approved = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 500, n), "D")
    stopped = rng.random(n) < 0.1
    projects = pd.DataFrame({
        "project_id": ids, "approved_on": approved, "status": np.where(stopped, "stopped", "accepted"),
        "stopped_on": pd.Series(approved + pd.to_timedelta(rng.integers(1, 600, n), "D")).where(
            stopped & (rng.random(n) < 0.7))})
    k = 900
    events = pd.DataFrame({
        "project_id": np.r_[ids[rng.integers(0, n, k - 10)], [f"X{i}" for i in range(10)]],  # 10 of no project
        "kind": rng.choice(["stop", "adjustment", "extension", "acceptance"], k),
        "date": pd.Series(pd.Timestamp("2019-02-01") + pd.to_timedelta(rng.integers(0, 700, k), "D")).where(
            rng.random(k) < 0.95)})                                                           # some undated
    as_of = "2020-06-30"
    got = problem_within(projects, events, as_of=as_of)
    ev = events[events["kind"].isin(["stop", "adjustment", "extension"])]
    first = projects["project_id"].map(ev.groupby("project_id")["date"].min())
    ends = projects["approved_on"] + pd.Timedelta(days=HORIZON_DAYS)
    hit = (first <= ends) | (projects["stopped_on"] <= ends) | (stopped & projects["stopped_on"].isna())
    eligible = ends <= pd.Timestamp(as_of)
    assert got["eligible"].tolist() == eligible.tolist()
    assert got["problem"].tolist() == (eligible & hit).astype(int).tolist()
    # duplicated project ids take the groupby path: the same outcome row by row
    twice = pd.concat([projects, projects.iloc[:5]])
    assert problem_within(twice, events, as_of=as_of)["problem"].tolist()[:n] == got["problem"].tolist()
