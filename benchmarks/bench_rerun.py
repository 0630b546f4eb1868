"""`make reports` from nothing, then unchanged: the Makefile's batch command(s), as fresh processes.

Reads the `kceval batch` commands of the Makefile's `reports` target and runs them with ``--out`` set to a new
temporary folder (or ``--out DIR``): first from nothing (no reports, no data cache: what a fresh clone pays after
install), then again unchanged, median of ``--runs`` (answered from each command's stamp), then unchanged with the
stamps removed (the engine decides from its manifest), beside the time to start Python and import the command line.

Run:  .venv/bin/python benchmarks/bench_rerun.py [--runs 5] [--level region] [--out DIR]
Goals (issue 17): `make reports` from nothing ≤ 90 s; unchanged ≤ 1 s.
``--level region`` renders only the region and national reports (a quick look, not the goal's figure).
"""
from __future__ import annotations

import argparse
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]


def make_commands(out: str, level: str) -> list[list[str]]:
    """The Makefile's `reports` recipe, each `kceval batch` command with ``--out`` (and ``--level``) replaced."""
    recipe = re.search(r"^reports:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(), re.M)
    assert recipe, "no `reports` target in the Makefile"
    cmds = []
    for line in recipe.group(1).splitlines():
        words = shlex.split(line.strip().replace("$(BIN)/", ""))
        if words[:2] != ["kceval", "batch"]:
            continue
        words[words.index("--out") + 1] = out
        if level:
            words[words.index("--level") + 1] = level
        cmds.append([str(BIN / "kceval"), *words[1:]])
    return cmds


def run_all(cmds: list[list[str]]) -> float:
    t0 = time.perf_counter()
    for c in cmds:
        subprocess.run(c, check=True, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--level", default="", help="replace the Makefile's --level (e.g. region, for a quick look)")
    ap.add_argument("--out", help="render into this folder (default: a new temporary folder)")
    a = ap.parse_args()
    tmp = None if a.out else tempfile.mkdtemp(prefix="kceval-rerun-")
    out = a.out or tmp
    try:
        cmds = make_commands(out, a.level)
        first = run_all(cmds)
        n = len(list(Path(out).glob("*.html"))) - len(list(Path(out).glob("index*.html")))
        stamped = [run_all(cmds) for _ in range(a.runs)]
        engine = []
        for _ in range(a.runs):
            shutil.rmtree(Path(out) / ".cache" / "commands", ignore_errors=True)
            engine.append(run_all(cmds))
        bare = [run_all([[sys.executable, "-c", "import kceval.cli"]]) for _ in range(a.runs)]
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"`make reports`: {len(cmds)} batch commands, {n} reports (--level {a.level or 'as in the Makefile'})\n")
    print(f"{'':<62}{'seconds':>10}")
    print(f"{'from nothing (no reports, no data cache)':<62}{first:>10.2f}")
    print(f"{'unchanged, all commands, median of ' + str(a.runs):<62}{statistics.median(stamped):>10.2f}")
    print(f"{'unchanged without the stamps (the engine skips), median':<62}{statistics.median(engine):>10.2f}")
    print(f"{'python + import kceval.cli, one command, median':<62}{statistics.median(bare):>10.2f}")
    print(f"\ngoals: from nothing ≤ 90 s ({'met' if first <= 90 else 'NOT met'}); unchanged ≤ 1 s "
          f"({'met' if statistics.median(stamped) <= 1 else 'NOT met'})")


if __name__ == "__main__":
    main()
