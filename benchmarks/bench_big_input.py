"""Big messy inputs: `kceval validate` and `kceval import` of a 1,000,000-row provincial CSV: time and peak memory.

Writes (seed-free, deterministic) a UTF-8 CSV in the shape provinces send: Vietnamese headers, money
in triệu đồng with a decimal comma, dd/mm/yyyy dates, status words, a "Ghi chú" column (about 204 MiB
for a million rows). Then runs ``kceval validate FILE`` and ``kceval import FILE --out DIR`` (canonical CSV),
each ``--runs`` times in a child process, and prints the median wall time, the child's own peak resident
memory (``getrusage(RUSAGE_SELF)`` in the child) and that peak as a multiple of the file's size.

How: the file is read line by line in the encoding its head shows (never decoded whole) and imported
50,000 rows at a time (:mod:`kceval.io.stream`): the layout is found on the first chunk and continued on
each later one; the project rows' cells go into Arrow columns, a column of few distinct texts (places,
dates, statuses, amounts) as codes into a dictionary, and every other row stays in a small grid; the rows'
numbers are kept as 8-byte integers, not Python ints pinning the freed chunks' memory. Each coded column is
parsed once per distinct text; titles, codes and notes stay Arrow strings (UTF-8) in the canonical tables,
unchanged when the sheet's text needs no cleaning, and validation checks them in Arrow (pandera would make a
Python string of each). No step copies the million-row table whole: the table is built once, combined,
validated and written (streamed to the file, not sorted when it is in order already) without a copy, and
Arrow's memory goes back to the system (its default allocator keeps freed pages).

Measured (2-core machine, one quiet run each; see the CHANGELOG): 1,000,000 rows, 204 MiB: validate 22 s and
3.4× the file, import 29 s and 3.4× (was 27 s and 8.1× for validate); 2,000,000 rows, 408 MiB: validate 45 s
and 3.0×, import 58 s and 3.0× (the issue's report: 927 s and 5 GB). About 160 MiB of the peak is the
interpreter with pandas and pyarrow loaded, which is why the ratio falls as the file grows.

Run:  .venv/bin/python benchmarks/bench_big_input.py [--rows 1000000] [--runs 1] [--commands validate,import]
Goals (issue 13): ≤ 60 s per million rows; peak memory about 3× the file size.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["Mã đề án", "Tên đề án", "Tỉnh", "Năm", "Nguồn vốn", "Nội dung", "Số cơ sở thụ hưởng",
          "Kinh phí khuyến công (triệu đồng)", "Vốn đối ứng (triệu đồng)", "Ngày phê duyệt", "Thời gian hoàn thành",
          "Tình trạng", "Ghi chú"]
ACTIVITIES = ["Máy móc thiết bị", "Đào tạo nghề", "Hội chợ triển lãm", "Tư vấn", "Xây dựng thương hiệu"]
STATUSES = ["Đang thực hiện", "Đã nghiệm thu ngày 15/11/2019", "Hoàn thành", "Chưa triển khai"]
PROVINCES = ["Đồng Nai", "Long An", "Bình Dương", "Tây Ninh", "An Giang"]


def build(path: Path, rows: int) -> None:
    """The CSV: ``rows`` projects; every value follows from the row number."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            d, m = 1 + i % 28, 1 + i % 6
            support = 50 + (i * 7919) % 1450 + (i % 10) / 10  # 50,0 to 1.499,9 triệu
            w.writerow([f"P{i:07d}", f"Hỗ trợ máy sấy nông sản cho cơ sở sản xuất số {i} tại xã Tân Hiệp",
                        PROVINCES[i % 5], 2019, "KCQG" if i % 3 else "KCĐP", ACTIVITIES[i % 5], 1 + i % 7,
                        f"{support:.1f}".replace(".", ","), f"{2 * support:.1f}".replace(".", ","),
                        f"{d:02d}/{m:02d}/2019", f"{d:02d}/{m + 6:02d}/2019", STATUSES[i % 4],
                        "" if i % 5 else "Ghi chú về đề án"])


# the command run in a child that reports its own peak resident memory (each command's own, not the largest so far)
CHILD = ("import resource, sys\n"
         "from kceval.cli import main\n"
         "rc = main(sys.argv[1:])\n"
         "print(f'peak-kib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
         "sys.exit(rc)\n")


def run(args: list[str]) -> tuple[float, int, str]:
    """Seconds, peak bytes and the last line of stdout of ``kceval ARGS`` in a child process."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True)
    secs = time.perf_counter() - t
    if done.returncode not in (0, 1):
        raise SystemExit(f"kceval {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    peak = int(done.stderr.rsplit("peak-kib ", 1)[1].split()[0]) * 1024
    return secs, peak, (done.stdout.strip().splitlines() or [""])[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--commands", default="validate,import", help="comma-separated: validate, import")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "projects.csv"
        t0 = time.perf_counter()
        build(path, a.rows)
        size = path.stat().st_size
        print(f"{a.rows:,} rows: {size / 2**20:.0f} MiB (built in {time.perf_counter() - t0:.1f} s)")
        rows = []
        for cmd in a.commands.split(","):
            args = [cmd, str(path)] + (["--out", str(Path(d) / "out")] if cmd == "import"
                                       else [])
            got = [run(args) for _ in range(a.runs)]
            print(f"kceval {cmd}: {got[-1][2]}")
            rows.append((cmd, statistics.median(g[0] for g in got), max(g[1] for g in got)))
    print(f"\n{'command (median of ' + str(a.runs) + ')':<32}{'seconds':>10}{'per 1M rows':>14}{'peak MiB':>10}"
          f"{'× file':>8}")
    for cmd, med, peak in rows:
        print(f"{'kceval ' + cmd:<32}{med:>10.1f}{med * 1e6 / a.rows:>14.1f}{peak / 2**20:>10.0f}{peak / size:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
