"""An unchanged re-run: `kceval batch` when every report is already rendered and nothing changed.

Renders the region and national reports of 2019 (as of 30 June) once into a temporary folder, then times
``kceval batch`` again with the same arguments (every report skipped) as a fresh process, the way `make reports`
runs it, and prints the median of the runs beside the time to start Python and import the command line alone.

Run:  .venv/bin/python benchmarks/bench_rerun.py [--runs 5]
Goal (issue 17): an unchanged `make reports` (four batch commands) in ≤ 1 s.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kceval-rerun-") as out:
        cmd = [str(BIN / "kceval"), "batch", "--year", "2019", "--as-of", "2019-06-30", "--level", "region",
               "--out", out, "--jobs", "1"]
        first = timed(cmd)
        reruns = [timed(cmd) for _ in range(a.runs)]
        bare = [timed([sys.executable, "-c", "import kceval.cli"]) for _ in range(a.runs)]
    print(f"{'':<52}{'seconds':>10}")
    print(f"{'first run (render 3 region reports + index)':<52}{first:>10.2f}")
    print(f"{'unchanged re-run, median of ' + str(a.runs):<52}{statistics.median(reruns):>10.2f}")
    print(f"{'  of which: python + import kceval.cli, median':<52}{statistics.median(bare):>10.2f}")
    print(f"\nan unchanged `make reports` runs four such commands: about {4 * statistics.median(reruns):.1f} s "
          "(goal ≤ 1 s)")


if __name__ == "__main__":
    main()
