"""Loading scale: build, write, read and validate 1,000,000 projects; load the bundled sample.

Builds canonical tables with :func:`kceval.sample.scale` (seed 0), writes them as Parquet
(:func:`kceval.io.export.write_tables`) into a temporary folder, then times (median of ``--runs``):
build, write, read (:func:`kceval.io.read_dataset`), validate
(:meth:`kceval.dataset.Dataset.from_tables`), a province-level summary (plan, executed,
execution rate, number of projects, counts by status — plain pandas on the Dataset tables),
and the uncached load + validate of the bundled sample (``data/sample``). With ``--profile``
it also splits the validation time between pandera and kceval's cross-table checks.

Run:  .venv/bin/python benchmarks/bench_load.py [--projects 1000000] [--runs 3] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from kceval import io
from kceval.dataset import Dataset
from kceval.io import write_tables
from kceval.paths import SAMPLE_DIR
from kceval.sample import scale


def timed(fn, runs: int):
    """Median wall time of ``runs`` calls and the last result."""
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def province_summary(ds: Dataset) -> pd.DataFrame:
    """Plan, executed, execution rate, projects and counts by status per province (all years)."""
    plan = ds.plans.groupby("province")["approved_vnd"].sum()
    paid = ds.payments.groupby("project_id")["amount_vnd"].sum()
    pr = ds.projects.assign(executed=ds.projects["project_id"].map(paid).fillna(0))
    g = pr.groupby("province")
    out = pd.DataFrame({"plan_vnd": plan, "executed_vnd": g["executed"].sum(), "projects": g.size()})
    out["execution_rate"] = out["executed_vnd"] / out["plan_vnd"]
    status = pd.crosstab(pr["province"], pr["status"])
    return out.join(status)


def sample_load() -> Dataset:
    loaded = io.read_dataset(SAMPLE_DIR)
    return Dataset.from_tables(loaded.tables, origins=loaded.origins, problems=loaded.problems,
                               files=loaded.files, synthetic=loaded.synthetic)


def profile_validation(tables: dict[str, pd.DataFrame]) -> list[tuple[str, float]]:
    """Cumulative seconds spent in pandera vs kceval.schema code while validating once."""
    prof = cProfile.Profile()
    prof.enable()
    Dataset.from_tables(tables)
    prof.disable()
    st = pstats.Stats(prof)
    total = sum(v[3] for k, v in st.stats.items() if k[2] == "from_tables")
    # DataFrameSchema.validate: what kceval calls, and what DataFrameModel.validate calls
    pandera = sum(v[3] for k, v in st.stats.items() if k[2] == "validate" and "/pandera/api/" in k[0]
                  and k[0].endswith("pandas/container.py"))
    # pandera checks the str dtype element by element (Series.map(isinstance)) in pandas_engine
    dtype_str = sum(v[3] for k, v in st.stats.items() if k[2] == "check" and k[0].endswith("pandas_engine.py"))
    schema_problems = sum(v[3] for k, v in st.stats.items() if k[2] == "_schema_problems")
    return [("validate total (profiled)", total), ("pandera schema validate (all calls)", pandera),
            ("  of which first pass (_schema_problems)", schema_problems),
            ("  of which dtype checks in pandas_engine (str columns)", dtype_str),
            ("kceval cross-table checks + region (rest)", total - pandera)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args(argv)

    rows = []
    t_build, tables = timed(lambda: scale(a.projects, seed=0), a.runs)
    rows.append(("build (scale)", t_build))
    with tempfile.TemporaryDirectory() as tmp:
        t_write, _ = timed(lambda: write_tables(tables, tmp, format="parquet"), a.runs)
        rows.append(("write Parquet (write_tables)", t_write))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        t_read, loaded = timed(lambda: io.read_dataset(tmp), a.runs)
        rows.append(("read (read_dataset)", t_read))
    t_val, ds = timed(lambda: Dataset.from_tables(loaded.tables, origins=loaded.origins), a.runs)
    rows.append(("validate (Dataset.from_tables)", t_val))
    t_sum, summary = timed(lambda: province_summary(ds), a.runs)
    rows.append(("province summary (pandas)", t_sum))
    t_sample, sds = timed(sample_load, a.runs)
    rows.append(("bundled sample: read + validate", t_sample))

    n = {k: len(v) for k, v in tables.items()}
    print(f"{a.projects:,} projects: {n['plans']:,} plan rows, {n['events']:,} events, {n['payments']:,} payments; "
          f"Parquet {size / 2**20:.1f} MiB; {len(ds.errors)} errors, {len(ds.warnings)} warnings")
    print(f"bundled sample: {len(sds.projects):,} projects, {len(sds.errors)} errors, {len(sds.warnings)} warnings")
    print(f"\n{'step':<40} {'seconds (median of ' + str(a.runs) + ')':>26}")
    for name, sec in rows:
        print(f"{name:<40} {sec:>26.2f}")
    print(f"{'total: build+write+read+validate':<40} {t_build + t_write + t_read + t_val:>26.2f}")
    top = summary.sort_values("plan_vnd", ascending=False).head(5)
    print("\nprovince summary (5 largest plans, billion VND):")
    show = top.assign(plan_vnd=top["plan_vnd"] / 1e9, executed_vnd=top["executed_vnd"] / 1e9)
    print(show.round({"plan_vnd": 1, "executed_vnd": 1, "execution_rate": 3}).to_string())
    if a.profile:
        print("\nvalidation profile (one run, cProfile overhead included):")
        for name, sec in profile_validation(loaded.tables):
            print(f"{name:<48} {sec:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
