"""Metamorphic tests: what the bundled sample never varies must not change a figure.

Every public function of ``kceval.metrics`` has a case here (a test lists them, so a new function
cannot be left out) and gives the same result
- on shuffled rows with a non-default, non-monotonic index (real selections and concatenations);
- on a selection and on a fresh copy of it (a selection keeps its parent's index labels);
- at as-of dates inside a month, at a month end, on 31 December and in January of the next year.
Additive figures add up from provinces to regions to the country, and cumulative executed money
never decreases as the as-of date moves later.

The reference of each test is the function itself on the plain data: any difference is a bug of
alignment or order (e.g. ``theil_decomposition`` aligning on the caller's index, issue 11).
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kceval.metrics
from kceval.dataset import Dataset
from kceval.errors import KcevalError
from kceval.metrics import (
    completion,
    concentration,
    design,
    feasibility,
    forecast,
    funnel,
    intervals,
    outputs,
    pefa,
    profile,
    reconcile,
    remedies,
    risk,
    spending,
    survival,
    unit_costs,
)

DATES = ("2019-08-15", "2019-08-31", "2019-12-31", "2020-01-20")  # inside a month, month end, year end, January


@pytest.fixture(scope="module")
def base() -> Dataset:
    """The south, 2018–2020: a selection (its index labels are its parent's)."""
    return Dataset.load().select(region="south", year=[2018, 2019, 2020])


def shuffled(ds: Dataset, seed: int = 1) -> Dataset:
    """Every table's rows in another order, under a non-default, non-monotonic index."""
    rng = np.random.default_rng(seed)

    def mix(df: pd.DataFrame) -> pd.DataFrame:
        order = rng.permutation(len(df))
        out = df.iloc[order]
        return out.set_axis(pd.Index(rng.permutation(len(df)) * 7 + 1_000_003), axis=0)

    return dataclasses.replace(ds, plans=mix(ds.plans), projects=mix(ds.projects), events=mix(ds.events),
                               payments=mix(ds.payments))


def fresh(ds: Dataset) -> Dataset:
    """The same rows validated anew: a default index, no trace of a parent."""
    tables = {t: getattr(ds, t).drop(columns="region", errors="ignore").reset_index(drop=True)
              for t in ("plans", "projects", "events", "payments")}
    return Dataset.from_tables(tables, synthetic=ds.synthetic)


def _year(d: str) -> int:
    """The plan year an as-of date speaks of: its own, or the year before in the settlement month."""
    t = pd.Timestamp(d)
    return t.year - 1 if t.month == 1 else t.year


def _tte(ds: Dataset, d: str) -> pd.DataFrame:
    return survival.time_to_event(ds.select(year=_year(d)).projects, as_of=d)


def _frame(ds: Dataset, values: Any, name: str) -> pd.DataFrame:
    """A row-aligned result with the project ids beside it, so that order does not matter."""
    return pd.DataFrame({"project_id": ds.projects["project_id"].to_numpy(), name: np.asarray(values)})


def _rates_units(ds: Dataset, d: str) -> pd.DataFrame:
    r = feasibility.problem_rates(ds.as_of(d).projects, ds.as_of(d).events, by=["region", "province"], as_of=d)
    return r[r["measure"] == "problem"].reset_index(drop=True)


Case = Callable[[Dataset, str], Any]
# One case per public function: (the case, whether it depends on the as-of date).
CASES: dict[str, tuple[Case, bool]] = {
    "spending.execution": (lambda ds, d: spending.execution(ds.select(year=_year(d)), by=["province", "source"],
                                                            as_of=d), True),
    "spending.leverage": (lambda ds, d: spending.leverage(ds.projects, by="province"), False),
    "spending.paid_by_project": (lambda ds, d: _frame(ds, spending.paid_by_project(ds.projects, ds.payments,
                                                                                   pd.Timestamp(d)), "paid"), True),
    "spending.project_rows": (lambda ds, d: pd.DataFrame({
        "payment": ds.payments["project_id"].to_numpy(),
        "project": ds.projects["project_id"].to_numpy()[spending.project_rows(ds.projects, ds.payments)],
        "amount": ds.payments["amount_vnd"].to_numpy()}), False),
    "pefa.pefa_pi1": (lambda ds, d: pefa.pefa_pi1(ds, by="province", as_of=d), True),
    "pefa.pefa_pi2": (lambda ds, d: pefa.pefa_pi2(ds, level="province", as_of=d), True),
    "pefa.pefa_grades": (lambda ds, d: pefa.pefa_grades(pefa.pefa_pi1(ds, by="province", as_of=d), by="province"),
                         True),
    "pefa.completed_years": (lambda ds, d: pefa.completed_years(ds, pd.Timestamp(d)), True),
    "pefa.outturn_window_end": (lambda ds, d: [pefa.outturn_window_end(y) for y in ds.years], False),
    "pefa.composition_variance": (lambda ds, d: pefa.composition_variance(
        ds.projects["support_vnd"].to_numpy(), ds.projects["support_vnd"].to_numpy()[::-1] * 0 + 1), False),
    "pefa.pi1_band": (lambda ds, d: sorted(pefa.pi1_band(ds.projects["support_vnd"] / 1e8)), False),
    "pefa.pi2_band": (lambda ds, d: sorted(pefa.pi2_band(ds.projects["support_vnd"] / 1e10)), False),
    "concentration.hhi": (lambda ds, d: concentration.hhi(ds.projects["support_vnd"]), False),
    "concentration.top_k_share": (lambda ds, d: concentration.top_k_share(ds.projects["support_vnd"], k=10), False),
    "concentration.gini": (lambda ds, d: concentration.gini(ds.projects["support_vnd"], n_boot=200), False),
    "concentration.lorenz": (lambda ds, d: concentration.lorenz(ds.projects["support_vnd"]), False),
    "concentration.theil": (lambda ds, d: concentration.theil(ds.projects["support_vnd"]), False),
    "concentration.theil_decomposition": (lambda ds, d: concentration.theil_decomposition(ds.projects,
                                                                                          by="province"), False),
    # by province, and one group (a report's headline, a path of its own on numpy arrays)
    "concentration.concentration": (lambda ds, d: pd.concat([
        concentration.concentration(ds.projects, by="province", within="activity"),
        concentration.concentration(ds.projects, within="activity").assign(province="(all)")]), False),
    "concentration.fragmentation": (lambda ds, d: concentration.fragmentation(ds.projects, by="province"), False),
    "profile.payment_calendar": (lambda ds, d: profile.payment_calendar(ds, ["province"], pd.Timestamp(d)), True),
    "profile.plans_by_year": (lambda ds, d: profile.plans_by_year(ds, ["province", "source"]), False),
    "profile.monthly_profile": (lambda ds, d: profile.monthly_profile(ds, year=_year(d), by="province", as_of=d),
                                True),
    "profile.profile_stats": (lambda ds, d: profile.profile_stats(ds, year=_year(d), by="province", as_of=d), True),
    "forecast.year_end_forecast": (lambda ds, d: forecast.year_end_forecast(
        ds, year=pd.Timestamp(d).year, as_of=d, by="province") if pd.Timestamp(d).month < 12 else None, True),
    "forecast.forecast": (lambda ds, d: forecast.forecast(ds, year=pd.Timestamp(d).year, as_of=d, province="Đồng Nai")
                          if pd.Timestamp(d).month < 12 else None, True),
    "forecast.forecast_backtest": (lambda ds, d: forecast.forecast_backtest(ds, by="province"), False),
    "feasibility.approved_by": (lambda ds, d: feasibility.approved_by(ds.projects, d), True),
    "feasibility.problem_flags": (lambda ds, d: feasibility.problem_flags(ds.as_of(d).projects, ds.as_of(d).events),
                                  True),
    "feasibility.rates_from_flags": (lambda ds, d: feasibility.rates_from_flags(
        feasibility.problem_flags(ds.as_of(d).projects, ds.as_of(d).events), "province"), True),
    "feasibility.problem_rates": (lambda ds, d: feasibility.problem_rates(
        ds.as_of(d).projects, ds.as_of(d).events, by="province", as_of=d), True),
    "funnel.funnel": (lambda ds, d: funnel.funnel(_rates_units(ds, d)), True),
    "funnel.beta_prior": (lambda ds, d: funnel.beta_prior(_rates_units(ds, d)["count"], _rates_units(ds, d)["n"]),
                          True),
    "funnel.shrink_rates": (lambda ds, d: funnel.shrink_rates(_rates_units(ds, d)), True),
    "design.design": (lambda ds, d: design.design(ds.as_of(d).projects, ds.as_of(d).events, as_of=d), True),
    "design.problem_within": (lambda ds, d: design.problem_within(ds.as_of(d).projects, ds.as_of(d).events,
                                                                  as_of=d), True),
    "design.formula_for": (lambda ds, d: design.formula_for(design.design(ds.projects, ds.events)), False),
    "design.model_matrix": (lambda ds, d: _matrix(ds, d), True),
    "risk.fit_risk_model": (lambda ds, d: _or_refusal(lambda: risk.fit_risk_model(
        ds.as_of(d).projects, ds.as_of(d).events, as_of=d)), True),
    "risk.auc": (lambda ds, d: risk.auc(ds.projects["status"] == "accepted", ds.projects["support_vnd"]), False),
    "risk.calibration_table": (lambda ds, d: risk.calibration_table(
        ds.projects["status"] == "accepted", ds.projects["support_vnd"] / ds.projects["support_vnd"].max()), False),
    "completion.completion_flags": (lambda ds, d: completion.completion_flags(ds.projects, as_of=d), True),
    "completion.rates_from_flags": (lambda ds, d: completion.rates_from_flags(
        completion.completion_flags(ds.projects, as_of=d), ["province"]), True),
    "completion.completion_rates": (lambda ds, d: completion.completion_rates(ds.projects, as_of=d, by="province"),
                                    True),
    "completion.timing_summary": (lambda ds, d: completion.timing_summary(ds.projects, as_of=d, by="province"),
                                  True),
    "survival.time_to_event": (lambda ds, d: _tte(ds, d), True),
    "survival.kaplan_meier": (lambda ds, d: survival.kaplan_meier(_tte(ds, d), by="activity"), True),
    "survival.cumulative_incidence": (lambda ds, d: survival.cumulative_incidence(_tte(ds, d), by="source"), True),
    "survival.aalen_johansen_by_group": (lambda ds, d: survival.aalen_johansen_by_group(_tte(ds, d), "province"),
                                         True),
    "survival.cif_median_by_group": (lambda ds, d: survival.cif_median_by_group(_tte(ds, d), "province"), True),
    "survival.km_median": (lambda ds, d: survival.km_median(_tte(ds, d)), True),
    "survival.logrank": (lambda ds, d: survival.logrank(_tte(ds, d), by="source"), True),
    "survival.fit_cox": (lambda ds, d: survival.fit_cox(ds.select(year=[2018, 2019]).projects, ds.events,
                                                        as_of="2020-06-30"), False),
    "survival.breslow_score_residuals": (lambda ds, d: _residuals(ds), False),
    "reconcile.computed_figures": (lambda ds, d: reconcile.computed_figures(ds), False),
    "outputs.done_by": (lambda ds, d: _frame(ds, outputs.done_by(ds.projects, d).to_numpy(), "done"), True),
    "outputs.output_values": (lambda ds, d: _frame(ds, outputs.output_values(ds.projects), "output"), False),
    "outputs.outputs": (lambda ds, d: outputs.outputs(ds.projects, as_of=d, by="province"), True),
    "unit_costs.unit_costs": (lambda ds, d: unit_costs.unit_costs(ds.projects, as_of=d, by="province"), True),
    "unit_costs.score_unit_costs": (lambda ds, d: unit_costs.score_unit_costs(ds.projects, as_of=d), True),
    "unit_costs.cap_check": (lambda ds, d: unit_costs.cap_check(ds.projects), False),
    "remedies.kind_flags": (lambda ds, d: _frame(ds, remedies.kind_flags(ds.projects)["ordinary"], "ordinary"), False),
    "remedies.remedy_shares": (lambda ds, d: remedies.remedy_shares(ds.projects, by="province"), False),
    "remedies.relative_costs": (lambda ds, d: remedies.relative_costs(ds.projects, as_of=d), True),
    "remedies.compare_remedies": (lambda ds, d: remedies.compare_remedies(ds.as_of(d).projects, ds.as_of(d).events,
                                                                          as_of=d), True),
    "reconcile.reconcile": (lambda ds, d: reconcile.reconcile(reconcile.computed_figures(ds)), False),
    "intervals.wilson": (lambda ds, d: _wilson(ds, d), True),
    "intervals.rate_columns": (lambda ds, d: intervals.rate_columns(_rates_units(ds, d)[["province", "count", "n"]]),
                               True),
}
# Functions with no rows to reorder, or whose order is their meaning.
EXEMPT = {
    "pefa.pefa_grade": "a sequence of yearly bands, oldest first: its order is its meaning",
    "funnel.funnel_curve": "a target and a variance in, a grid out: no rows",
    "design.check_events": "three counts in: no rows",
}


def _or_refusal(fit: Callable[[], Any]) -> Any:
    """The fitted model, or the refusal's message (too few events early on): both must not change."""
    try:
        return fit()
    except KcevalError as e:
        return str(e)


def _matrix(ds: Dataset, d: str) -> pd.DataFrame:
    """The risk model's design matrix, each row beside its project id."""
    fr = design.design(ds.as_of(d).projects, ds.as_of(d).events, as_of=d)
    x, names = design.model_matrix(fr)
    return pd.DataFrame(x, columns=names).assign(project_id=fr["project_id"].to_numpy())


def _residuals(ds: Dataset) -> pd.DataFrame:
    tte = survival.time_to_event(ds.select(year=2019).projects, as_of="2020-06-30")
    x = np.column_stack([np.log(tte["support_vnd"].to_numpy(float)), (tte["source"] == "national").to_numpy(float)])
    u = survival.breslow_score_residuals(x, np.array([0.1, -0.2]), tte["time"].to_numpy(), tte["event"] == 1)
    return pd.DataFrame({"project_id": tte["project_id"].to_numpy(), "u0": u[:, 0], "u1": u[:, 1]})


def _wilson(ds: Dataset, d: str) -> pd.DataFrame:
    u = _rates_units(ds, d)
    lo, hi = intervals.wilson(u["count"], u["n"])
    return pd.DataFrame({"province": u["province"].to_numpy(), "low": lo, "high": hi})


# -- comparing results whatever their order ---------------------------------------------------

def norm(x: Any) -> Any:
    """A result in a canonical form: frames without index, rows sorted; records as dicts."""
    if isinstance(x, pd.Series):
        x = x.reset_index()
    if isinstance(x, pd.DataFrame):
        f = x.reset_index(drop=True)
        f = f.assign(**{c: f[c].astype(object) for c in f.columns if isinstance(f[c].dtype, pd.CategoricalDtype)})
        keys = [c for c in f.columns if f[c].dtype == object or f[c].dtype.kind in "iubM"]
        return f.sort_values(keys or list(f.columns), kind="mergesort").reset_index(drop=True) if len(f) else f
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: norm(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [norm(v) for v in x]
    return x


def assert_same(a: Any, b: Any, where: str = "") -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-7, atol=1e-12, obj=where or "result")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (u, v) in enumerate(zip(a, b)):
            assert_same(u, v, f"{where}[{i}]")
    elif isinstance(a, (float, np.floating)) and not isinstance(a, bool):
        assert (np.isnan(a) and np.isnan(b)) or b == pytest.approx(a, rel=1e-7, abs=1e-12), where
    else:
        assert a == b, where


def _runs(name: str) -> list[str]:
    return list(DATES) if CASES[name][1] else [DATES[2]]


PARAMS = [(name, d) for name in CASES for d in _runs(name)]


# -- the tests --------------------------------------------------------------------------------

def test_every_public_metric_function_has_a_case():
    found = set()
    for mod in pkgutil.iter_modules(kceval.metrics.__path__):
        m = importlib.import_module(f"kceval.metrics.{mod.name}")
        found |= {f"{mod.name}.{n}" for n, f in inspect.getmembers(m, inspect.isfunction)
                  if f.__module__ == m.__name__ and not n.startswith("_")}
    missing = sorted(found - set(CASES) - set(EXEMPT))
    assert not missing, f"public metric functions without a metamorphic case: {missing}"
    assert not (set(CASES) | set(EXEMPT)) - found, "a case names a function that is gone"


@pytest.mark.parametrize("name, as_of", PARAMS, ids=[f"{n}@{d}" for n, d in PARAMS])
def test_same_result_on_shuffled_rows_and_index(base, name, as_of):
    case = CASES[name][0]
    assert_same(norm(case(base, as_of)), norm(case(shuffled(base), as_of)), name)


@pytest.mark.parametrize("name, as_of", PARAMS, ids=[f"{n}@{d}" for n, d in PARAMS])
def test_same_result_on_a_selection_and_a_fresh_copy(base, name, as_of):
    case = CASES[name][0]
    assert_same(norm(case(base, as_of)), norm(case(fresh(base), as_of)), name)


@pytest.mark.parametrize("as_of", DATES)
def test_additive_figures_add_up_from_provinces_to_the_country(as_of):
    ds = Dataset.load().select(year=_year(as_of))
    region_of = ds.plans.drop_duplicates("province").set_index("province")["region"]
    by = {lv: spending.execution(ds, by=lv, as_of=as_of) for lv in ("province", "region")}
    whole = spending.execution(ds, by=None, as_of=as_of).iloc[0]
    for col in ("plan_vnd", "executed_vnd", "n_projects"):
        p = by["province"].set_index("province")[col]
        assert p.groupby(region_of).sum().to_dict() == by["region"].set_index("region")[col].to_dict(), col
        assert p.sum() == whole[col], col
    v = ds.as_of(as_of)
    for rates in (lambda by: feasibility.problem_rates(v.projects, v.events, by=by, as_of=as_of),
                  lambda by: completion.completion_rates(ds.projects, as_of=as_of, by=by)):
        p, r, n = rates("province"), rates("region"), rates(None).set_index("measure")
        for col in ("count", "n"):
            from_provinces = p.groupby(["measure", p["province"].map(region_of)])[col].sum().to_dict()
            assert from_provinces == r.set_index(["measure", "region"])[col].to_dict(), col
            assert r.groupby("measure")[col].sum().to_dict() == n[col].to_dict(), col


def test_cumulative_executed_never_decreases_as_the_date_moves_on():
    ds = Dataset.load().select(year=2019)
    dates = ["2019-01-31", "2019-03-15", "2019-06-30", "2019-08-15", "2019-08-31", "2019-12-30", "2019-12-31",
             "2020-01-01", "2020-01-20", "2020-01-31", "2020-12-31"]

    def paid(data: Dataset) -> list[pd.Series]:
        return [spending.execution(data, by="province", as_of=d).set_index("province")["executed_vnd"] for d in dates]

    # without refunds (negative payments), executed money can only grow
    gross = dataclasses.replace(ds, payments=ds.payments[ds.payments["amount_vnd"] >= 0])
    series = paid(gross)
    for earlier, later in zip(series, series[1:]):
        assert (later >= earlier).all()
    # with them, it moves by exactly the payments dated in between (a refund of a stopped project
    # lowers it: the sample has 102), province by province
    series = paid(ds)
    province = ds.payments["project_id"].map(ds.projects.set_index("project_id")["province"])
    for (d1, earlier), (d2, later) in zip(zip(dates, series), zip(dates[1:], series[1:])):
        between = ds.payments["date"].between(pd.Timestamp(d1), pd.Timestamp(d2), inclusive="right")
        moved = ds.payments["amount_vnd"][between].groupby(province[between]).sum()
        assert (later - earlier).to_dict() == moved.reindex(later.index, fill_value=0).to_dict()
