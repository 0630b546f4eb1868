"""Metrics scale: every headline figure by province for 1,000,000 projects (DESIGN.md §6, goal ≤ 10 s).

Builds synthetic canonical tables with :func:`kceval.sample.scale` (seed 0), wraps them in a
Dataset without re-validating them (validation is the loader's cost, not a metric's; ``scale``
builds valid tables), then times each metric by province and the whole batch headline
(:func:`kceval.spending_headline.headline_spending_by_province`), median of 3 runs each, and
prints the figures.

Run:  .venv/bin/python benchmarks/bench_metrics.py [--projects 1000000] [--runs 3]

Other metric modules add their timings by appending ``(name, callable)`` pairs to
``FEASIBILITY`` and ``COMPLETION`` below; each callable takes ``(ds, year, as_of)``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Callable

import pandas as pd

from kceval import geo
from kceval.concentration import concentration, fragmentation
from kceval.dataset import Dataset
from kceval.pefa import pefa_grades, pefa_pi1, pefa_pi2
from kceval.profile import monthly_profile, profile_stats, year_end_forecast
from kceval.sample import scale
from kceval.spending import execution, leverage
from kceval.spending_headline import headline_spending_by_province

Metric = Callable[[Dataset, int, pd.Timestamp], object]

SPENDING: list[tuple[str, Metric]] = [
    ("execution by province", lambda ds, y, d: execution(ds.select(year=y), by="province", as_of=d)),
    ("PEFA PI-1 + grade by province", lambda ds, y, d: pefa_grades(pefa_pi1(ds, by="province", as_of=d), by="province")),
    ("PEFA PI-2 (activities) + grade", lambda ds, y, d: pefa_grades(pefa_pi2(ds, level="province", as_of=d), by="province")),
    ("concentration (HHI, Gini, Theil)", lambda ds, y, d: concentration(ds.select(year=y).projects, by="province",
                                                                         within="activity")),
    ("fragmentation", lambda ds, y, d: fragmentation(ds.select(year=y).projects, by="province")),
    ("leverage", lambda ds, y, d: leverage(ds.select(year=y).projects, by="province")),
    ("in-year profile stats", lambda ds, y, d: profile_stats(ds.select(year=y), year=y, by="province", as_of=d)),
    ("monthly profile + band", lambda ds, y, d: monthly_profile(ds, year=y, by="province", as_of=d)),
    ("year-end forecast", lambda ds, y, d: year_end_forecast(ds, year=y, as_of=d, by="province")),
]
FEASIBILITY: list[tuple[str, Metric]] = []   # filled in by the feasibility module's author
COMPLETION: list[tuple[str, Metric]] = []    # filled in by the completion module's author
HEADLINE: list[tuple[str, Metric]] = [
    ("headline_spending_by_province (all figures)",
     lambda ds, y, d: headline_spending_by_province(ds, year=y, as_of=d)),
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
    ap.add_argument("--goal", type=float, default=10.0, help="seconds allowed for the whole headline batch")
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
            sec, out = time_it(lambda: fn(ds, a.year, d), a.runs)
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
            "leverage", "forecast_rate", "naive_forecast_rate"]
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.precision", 3):
        print(head[cols].head(8).to_string(index=False))
        num = head.select_dtypes("number").drop(columns=["pefa_year"], errors="ignore")
        print("\nmedian across provinces:")
        print(num.median().to_frame("median").T.to_string(index=False))
    ok = total <= a.goal
    print(f"\nTOTAL headline batch by province, {a.projects:,} projects: {total:.2f} s "
          f"(goal ≤ {a.goal:g} s: {'met' if ok else 'NOT met'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
