"""Metrics scale: every headline figure by province for 1,000,000 projects (DESIGN.md §6, goal ≤ 5 s).

Builds synthetic canonical tables with :func:`kceval.sample.scale` (seed 0), wraps them in a
Dataset without re-validating them (validation is the loader's cost, not a metric's; ``scale``
builds valid tables), then times each metric by province and the whole batch headline
(:func:`kceval.headline.spending.headline_spending_by_province`), median of 3 runs each, and
prints the figures.

Run:  .venv/bin/python benchmarks/bench_metrics.py [--projects 1000000] [--runs 3]

Feasibility and completion figures are timed too (``FEASIBILITY``, ``COMPLETION``); the risk
and Cox models are fitted once per run, on the year's projects, not per province. Their data are
taken as the headline functions take theirs (:func:`kceval.headline.scope.year_as_of`: the year's
projects and the events known on the date, no payments); a model uses only the events of its projects.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import pandas as pd

from kceval import geo
from kceval.dataset import Dataset
from kceval.headline.completion import headline_completion_by_province
from kceval.headline.feasibility import headline_feasibility_by_province
from kceval.headline.scope import year_as_of
from kceval.headline.spending import headline_spending_by_province
from kceval.metrics.completion import completion_rates
from kceval.metrics.concentration import concentration, fragmentation
from kceval.metrics.feasibility import problem_rates
from kceval.metrics.forecast import year_end_forecast
from kceval.metrics.pefa import pefa_grades, pefa_pi1, pefa_pi2
from kceval.metrics.profile import monthly_profile, profile_stats
from kceval.metrics.risk import fit_risk_model
from kceval.metrics.spending import execution, leverage
from kceval.metrics.survival import fit_cox
from kceval.sample import scale

Metric = Callable[[Dataset, int, pd.Timestamp], object]


def _fit(model: Callable[..., object], ds: Dataset, year: int, d: pd.Timestamp) -> object:
    """A model fitted on the projects of plan year ``year`` and the events, as known on ``d``."""
    sel, _, _ = year_as_of(ds, year, d)
    return model(sel.projects, sel.events, as_of=d)


SPENDING: list[tuple[str, Metric]] = [
    ("execution by province", lambda ds, y, d: execution(ds.select(year=y), by="province", as_of=d)),
    (
        "PEFA PI-1 + grade by province",
        lambda ds, y, d: pefa_grades(pefa_pi1(ds, by="province", as_of=d), by="province"),
    ),
    (
        "PEFA PI-2 (activities) + grade",
        lambda ds, y, d: pefa_grades(pefa_pi2(ds, level="province", as_of=d), by="province"),
    ),
    (
        "concentration (HHI, Gini, Theil)",
        lambda ds, y, d: concentration(ds.select(year=y).projects, by="province", within="activity"),
    ),
    ("fragmentation", lambda ds, y, d: fragmentation(ds.select(year=y).projects, by="province")),
    ("leverage", lambda ds, y, d: leverage(ds.select(year=y).projects, by="province")),
    ("in-year profile stats", lambda ds, y, d: profile_stats(ds.select(year=y), year=y, by="province", as_of=d)),
    ("monthly profile + band", lambda ds, y, d: monthly_profile(ds, year=y, by="province", as_of=d)),
    ("year-end forecast", lambda ds, y, d: year_end_forecast(ds, year=y, as_of=d, by="province")),
]
FEASIBILITY: list[tuple[str, Metric]] = [
    ("problem rates by province (Wilson)", lambda ds, y, d: problem_rates(
        ds.select(year=y).as_of(d).projects, ds.as_of(d).events, by="province")),
    ("headline_feasibility_by_province", lambda ds, y, d: headline_feasibility_by_province(ds, year=y, as_of=d)),
    # the year before, seen a year later: every project followed for the model's one-year horizon
    ("risk model (logistic GLM, once)", lambda ds, y, d: _fit(fit_risk_model, ds, y - 1, pd.Timestamp(y, 12, 31))),
]
COMPLETION: list[tuple[str, Metric]] = [
    ("completion rates by province", lambda ds, y, d: completion_rates(
        ds.select(year=y).as_of(d).projects, as_of=d, by="province")),
    ("headline_completion_by_province", lambda ds, y, d: headline_completion_by_province(ds, year=y, as_of=d)),
    ("Cox model (PHReg, once)", lambda ds, y, d: _fit(fit_cox, ds, y, d)),
]


def _all_headlines(ds: Dataset, y: int, d: pd.Timestamp) -> pd.DataFrame:
    """Every headline figure by province (spending, feasibility, completion) in one frame."""
    keys = ["province"]
    out = headline_spending_by_province(ds, year=y, as_of=d)
    for part in (headline_feasibility_by_province(ds, year=y, as_of=d),
                 headline_completion_by_province(ds, year=y, as_of=d)):
        part = part.reset_index() if "province" not in part.columns else part
        out = out.merge(part[[c for c in part.columns if c not in out.columns or c in keys]], on=keys, how="left")
    return out


HEADLINE: list[tuple[str, Metric]] = [
    ("all headline figures by province (spending + feasibility + completion)", _all_headlines),
]


def build(n_projects: int, seed: int = 0) -> Dataset:
    """Scaled tables as a Dataset (derived region column added, no re-validation)."""
    t = scale(n_projects, seed=seed)
    region = {p: geo.region_of(p) for p in geo.PROVINCE_NAMES}
    for k in ("plans", "projects"):
        t[k] = t[k].assign(region=t[k]["province"].map(region))
    return Dataset(t["plans"], t["projects"], t["events"], t["payments"], synthetic=True,
                   source=f"kceval.sample.scale({n_projects}, seed={seed})")


def time_it(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--as-of", default="2024-09-30", help="as-of date (within the year, so the forecast runs)")
    ap.add_argument("--goal", type=float, default=5.0, help="seconds allowed for the whole headline batch")
    a = ap.parse_args(argv)
    d = pd.Timestamp(a.as_of)

    t0 = time.perf_counter()
    ds = build(a.projects)
    print(f"data: {ds}  (built in {time.perf_counter() - t0:.1f} s, not timed below)")
    print(f"year {a.year}, as of {d.date()}, median of {a.runs} runs\n")

    rows, head = [], None
    for group, metrics in (("spending", SPENDING), ("feasibility", FEASIBILITY), ("completion", COMPLETION),
                           ("total", HEADLINE)):
        for name, fn in metrics:
            sec, out = time_it(lambda fn=fn: fn(ds, a.year, d), a.runs)
            rows.append((group, name, sec))
            if group == "total":
                head = out
    w = max(len(r[1]) for r in rows)
    print(f"{'group':<12} {'metric':<{w}} {'seconds':>8}")
    for g, n, s in rows:
        print(f"{g:<12} {n:<{w}} {s:>8.2f}")
    parts = sum(s for g, _, s in rows if g != "total")
    total = next(s for g, _, s in rows if g == "total")
    print(f"{'':<12} {'sum of the separate metrics':<{w}} {parts:>8.2f}")

    print("\nheadline figures by province (first 8 provinces; all 63 computed):")
    cols = ["province", "plan_vnd", "executed_vnd", "execution_rate", "pi1_grade", "pi2_grade", "hhi",
            "effective_projects", "gini", "theil_between_share", "small_project_share", "projects_for_90pct",
            "leverage", "forecast_rate", "naive_forecast_rate", "problem_rate", "problem_rate_shrunk",
            "funnel_flag", "acceptance_rate", "on_time_rate", "median_days_to_acceptance"]
    cols = [c for c in cols if c in head.columns]
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.precision", 3):
        print(head[cols].head(8).to_string(index=False))
        num = head.select_dtypes("number").drop(columns=["pefa_year"], errors="ignore")
        print("\nmedian across provinces:")
        print(num.median().to_frame("median").T.to_string(index=False))
    models = sum(s for _, n, s in rows if "once" in n)
    ok = total + models <= a.goal
    print(f"\nTOTAL headline batch by province, {a.projects:,} projects: {total:.2f} s; "
          f"with the risk and Cox models fitted once: {total + models:.2f} s "
          f"(goal ≤ {a.goal:g} s: {'met' if ok else 'NOT met'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
