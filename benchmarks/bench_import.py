"""Importing a large provincial workbook: 20 sheets, 50,000 project rows, the official report layout.

Builds (xlsxwriter, seed 0) one .xlsx with one sheet per province (names
from :data:`kceval.geo.PROVINCE_NAMES`), each laid out like the reports provinces send ("Mẫu 2",
DOMAIN.md): a title block (office and motto side by side, document number, the place-and-date
line, the title with its period, "Đơn vị tính: triệu đồng"), a two-row header with merged parents
("Kinh phí (triệu đồng)" over "Tổng số | KCQG | KCĐP | Đối ứng", "Thời gian" over "Phê duyệt |
Hoàn thành"), the row of column numbers ("(4)=(5)+(6)"), two sections ("I  KHUYẾN CÔNG QUỐC GIA",
"II  KHUYẾN CÔNG ĐỊA PHƯƠNG") whose numbering restarts, free-text statuses ("Đã nghiệm thu ngày
12/5/2019", "Xin gia hạn đến 31/12/2019"), subtotal and total rows as formulas with cached values,
a notes row and the signature block. Then times (median of ``--runs``): (a) reading the grids only
(:func:`kceval.io.read.read_grids`: python-calamine plus the sheet-XML scan for uncached formulas)
and (b) the whole import (:func:`kceval.io.read_dataset`: layout, parsing, consistency checks).
If the import fails, its error is printed and the run goes on.

Run:  .venv/bin/python benchmarks/bench_import.py [--rows 50000] [--sheets 20] [--runs 3]
Goal: the whole import ≤ 10 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np
import xlsxwriter

from kceval.geo import PROVINCE_NAMES
from kceval.io import read_dataset
from kceval.io.read import read_grids

ACTIVITIES = ["Máy móc thiết bị", "Đào tạo nghề", "Hội chợ triển lãm", "Tư vấn", "Xây dựng thương hiệu",
              "Mô hình trình diễn", "Sản xuất sạch hơn", "Bình chọn sản phẩm"]
TITLES = ["Hỗ trợ máy sấy nông sản cho cơ sở", "Đào tạo nghề mây tre đan tại xã", "Tham gia hội chợ hàng thủ công",
          "Tư vấn cải tiến quy trình sản xuất cho doanh nghiệp", "Xây dựng mô hình trình diễn kỹ thuật tại"]
STATUSES = ["Đang thực hiện", "Đã nghiệm thu ngày 12/5/2019", "Hoàn thành", "Chưa triển khai",
            "Xin gia hạn đến 31/12/2019", "Dừng thực hiện (cơ sở không đủ vốn đối ứng)"]
# columns: A STT, B title, C activity, D beneficiaries, E total, F KCQG, G KCĐP, H counterpart, I approved,
# J planned end, K status
WIDTH = 11


def _section(ws, r: int, label: str, heading: str, n: int, src: int, rng: np.random.Generator,
             fmt: dict) -> tuple[int, int, dict[int, float]]:
    """Write one section's heading, its ``n`` projects and its subtotal; return the next row, the subtotal's
    row and the subtotal's values by column."""
    ws.write_string(r, 0, label, fmt["bold"])
    ws.write_string(r, 1, heading, fmt["bold"])
    r += 1
    first = r
    support = rng.integers(500, 15_000, n) / 10
    counterpart = np.round(support * rng.uniform(0.3, 2.0, n), 1)
    approved = rng.integers(0, 150, n)
    length = rng.integers(30, 300, n)
    act, title, st = (rng.integers(0, len(x), n) for x in (ACTIVITIES, TITLES, STATUSES))
    benef = rng.integers(1, 40, n)
    base = dt.datetime(2019, 1, 2)
    for k in range(n):
        ws.write_number(r, 0, k + 1)  # numbering restarts in each section
        ws.write_string(r, 1, f"{TITLES[title[k]]} số {k + 1}")
        ws.write_string(r, 2, ACTIVITIES[act[k]])
        ws.write_number(r, 3, int(benef[k]))
        ws.write_formula(r, 4, f"=F{r + 1}+G{r + 1}", None, float(support[k]))
        ws.write_number(r, 5 + src, float(support[k]))
        ws.write_number(r, 7, float(counterpart[k]))
        start = base + dt.timedelta(days=int(approved[k]))
        ws.write_datetime(r, 8, start, fmt["date"])
        ws.write_datetime(r, 9, start + dt.timedelta(days=int(length[k])), fmt["date"])
        ws.write_string(r, 10, STATUSES[st[k]])
        r += 1
    ws.write_string(r, 1, f"Cộng {label}", fmt["bold"])
    totals = {4: float(np.round(support.sum(), 1)), 5 + src: float(np.round(support.sum(), 1)), 6 - src: 0.0,
              7: float(np.round(counterpart.sum(), 1))}
    for j, col in ((4, "E"), (5, "F"), (6, "G"), (7, "H")):
        ws.write_formula(r, j, f"=SUM({col}{first + 1}:{col}{r})", fmt["bold"], totals[j])
    return r + 1, r, totals


def build(path: Path, rows: int, sheets: int, seed: int = 0) -> None:
    """The workbook: ``rows`` projects spread over ``sheets`` province sheets."""
    rng = np.random.default_rng(seed)
    wb = xlsxwriter.Workbook(str(path))  # not constant_memory: the merged header spans two rows
    fmt = {"bold": wb.add_format({"bold": True}), "date": wb.add_format({"num_format": "dd/mm/yyyy"})}
    per = [rows // sheets + (i < rows % sheets) for i in range(sheets)]
    for i, n in enumerate(per):
        province = PROVINCE_NAMES[i % len(PROVINCE_NAMES)]
        ws = wb.add_worksheet(province[:31])
        ws.write_string(0, 0, f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}")
        ws.write_string(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        ws.write_string(1, 0, "SỞ CÔNG THƯƠNG")
        ws.write_string(1, 6, "Độc lập - Tự do - Hạnh phúc")
        ws.write_string(2, 0, "Số: 125/BC-SCT")
        ws.write_string(2, 6, f"{province}, ngày 08 tháng 7 năm 2019")
        ws.merge_range(4, 0, 4, WIDTH - 1, "BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG 6 THÁNG ĐẦU NĂM 2019",
                       fmt["bold"])
        ws.write_string(5, 8, "Đơn vị tính: triệu đồng")
        for j, h in enumerate(["STT", "Tên đề án", "Nội dung", "Số cơ sở thụ hưởng"]):
            ws.merge_range(6, j, 7, j, h, fmt["bold"])
        ws.merge_range(6, 4, 6, 7, "Kinh phí (triệu đồng)", fmt["bold"])
        ws.merge_range(6, 8, 6, 9, "Thời gian", fmt["bold"])
        ws.merge_range(6, 10, 7, 10, "Tình hình thực hiện", fmt["bold"])
        ws.write_row(7, 4, ["Tổng số", "KCQG", "KCĐP", "Đối ứng", "Phê duyệt", "Hoàn thành"], fmt["bold"])
        ws.write_row(8, 0, ["(1)", "(2)", "(3)", "(4)", "(5)=(6)+(7)", "(6)", "(7)", "(8)", "(9)", "(10)",
                            "(11)"])
        r, sub1, t1 = _section(ws, 9, "I", "KHUYẾN CÔNG QUỐC GIA", n // 3, 0, rng, fmt)
        r, sub2, t2 = _section(ws, r, "II", "KHUYẾN CÔNG ĐỊA PHƯƠNG", n - n // 3, 1, rng, fmt)
        ws.write_string(r, 1, "TỔNG CỘNG (I+II)", fmt["bold"])
        for j, col in ((4, "E"), (5, "F"), (6, "G"), (7, "H")):
            ws.write_formula(r, j, f"={col}{sub1 + 1}+{col}{sub2 + 1}", fmt["bold"], t1[j] + t2[j])
        ws.write_string(r + 2, 0, "Ghi chú: số liệu đến ngày 30/6/2019")
        ws.write_string(r + 4, 1, "Người lập biểu")
        ws.write_string(r + 4, 8, "GIÁM ĐỐC")
        ws.write_string(r + 5, 1, "(Ký, ghi rõ họ tên)")
        ws.write_string(r + 5, 8, "(Ký tên, đóng dấu)")
    wb.close()


def timed(fn, runs: int):
    """Median wall time of ``runs`` calls and the last result."""
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--sheets", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "khuyen_cong_2019.xlsx"
        t0 = time.perf_counter()
        build(path, a.rows, a.sheets)
        t_build = time.perf_counter() - t0
        print(f"{a.rows:,} project rows on {a.sheets} sheets: {path.stat().st_size / 2**20:.1f} MiB "
              f"(built in {t_build:.1f} s)")

        t_grids, (grids, notes) = timed(lambda: read_grids(path), a.runs)
        cells = sum(len(r) for g in grids for r in g.rows)
        print(f"grids: {len(grids)} sheets, {sum(len(g.rows) for g in grids):,} rows, {cells:,} cells, "
              f"{sum(len(g.uncached) for g in grids)} uncached formulas")
        results = [("(a) read grids (read_grids)", t_grids)]
        try:
            t_all, loaded = timed(lambda: read_dataset(path), a.runs)
        except Exception:  # noqa: BLE001 - the importer may be mid-rewrite: report and carry on
            print("read_dataset failed:\n" + traceback.format_exc(limit=3))
        else:
            results.append(("(b) whole import (read_dataset)", t_all))
            n_err = sum(p.severity == "error" for p in loaded.problems)
            print(f"imported: {len(loaded.tables['projects']):,} projects, {len(loaded.tables['payments']):,} "
                  f"payments; {n_err} errors, {len(loaded.problems) - n_err} warnings")
            for p in loaded.problems[:3]:
                print(f"  - {p}")

    print(f"\n{'step':<36} {'seconds (median of ' + str(a.runs) + ')':>26}")
    for name, sec in results:
        print(f"{name:<36} {sec:>26.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
