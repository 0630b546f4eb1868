"""Big messy inputs: `kceval validate` of a provincial CSV of 1,000,000 project rows, time and peak memory.

Writes (seed-free, deterministic) a UTF-8 CSV in the shape provinces send: Vietnamese headers, money
in triệu đồng with a decimal comma, dd/mm/yyyy dates, status words, a "Ghi chú" column (about 210 MB
for a million rows). Then runs ``kceval validate FILE`` in a child process ``--runs`` times and
prints the median wall time and the child's peak resident memory (``getrusage(RUSAGE_CHILDREN)``),
and that peak as a multiple of the file's size.

How: the file is read line by line in the encoding its head shows (never decoded whole) and imported
50,000 rows at a time (:mod:`kceval.io.stream`): the layout is found on the first chunk and continued on
each later one, the project rows' cells go into Arrow string columns (UTF-8, about 1.2× the file for all
13 columns) and every other row stays in a small grid; each column is parsed once per distinct text
(:func:`kceval.io.cells.parse_cells`), bad cells are kept sparse, and the text columns are let go once
parsed; the canonical tables are built in one copy and their origins hold one category per sheet.
Still at the peak (about 8.1× the file, 1.66 GB for 204 MiB): the canonical tables hold text as
Python strings (the titles alone, Vietnamese in two bytes a character, are 1.1× the file) and pandas
copies a million-row table whole at each step (building the frame, ordering its columns, combining
sheets, validating: about 0.75× the file a copy). Reaching 3× needs Arrow-backed text in the canonical
tables and copy-on-write frames: the next step.

Run:  .venv/bin/python benchmarks/bench_big_input.py [--rows 1000000] [--runs 1]
Goals (issue 13): ≤ 60 s per million rows; peak memory ≤ 3× the file size.
"""
from __future__ import annotations

import argparse
import csv
import resource
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args(argv)
    kceval = Path(sys.executable).with_name("kceval")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "projects.csv"
        t0 = time.perf_counter()
        build(path, a.rows)
        size = path.stat().st_size
        print(f"{a.rows:,} rows: {size / 2**20:.0f} MiB (built in {time.perf_counter() - t0:.1f} s)")
        times = []
        for _ in range(a.runs):
            t = time.perf_counter()
            done = subprocess.run([str(kceval), "validate", str(path)], capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            print(done.stdout.strip().splitlines()[-1])
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    med = statistics.median(times)
    print(f"\n{'kceval validate':<30}{'seconds':>10}{'per 1M rows':>14}{'peak MiB':>10}{'× file':>8}")
    print(f"{'(median of ' + str(a.runs) + ')':<30}{med:>10.1f}{med * 1e6 / a.rows:>14.1f}{peak / 2**20:>10.0f}"
          f"{peak / size:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
