"""Regenerate the bad-input corpus: `python tests/bad_inputs/make_corpus.py` (outputs are committed).

Each file holds one problem (or one awkward-but-valid feature) of real provincial sheets; the
expected outcome of each is asserted in tests/test_bad_inputs.py.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE.parents[2]) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(HERE.parents[2]))

from tests.io.layouts import encode_cp1258  # noqa: E402

HEAD = ["STT", "Tên đề án", "Tỉnh", "Nguồn vốn", "Nội dung", "Số cơ sở thụ hưởng",
        "Kinh phí khuyến công (triệu đồng)", "Ngày phê duyệt", "Thời gian hoàn thành", "Tình trạng"]
GOOD = [
    ["1", "Hỗ trợ máy đóng gói cho cơ sở Minh Phát", "Đồng Nai", "KCĐP", "Máy móc thiết bị", "1", "150",
     "15/03/2019", "30/11/2019", "Đang thực hiện"],
    ["2", "Đào tạo nghề mây tre đan", "Đồng Nai", "KCQG", "Đào tạo", "20", "85,5", "20/03/2019", "31/10/2019",
     "Đã nghiệm thu"],
    ["3", "Tham gia hội chợ hàng CNNT khu vực phía Nam", "Đồng Nai", "KCĐP", "Hội chợ", "30", "300",
     "01/04/2019", "31/12/2019", "Chưa triển khai"],
]


def rows_with(col: str, row: int, value: str, head=HEAD, good=GOOD) -> list[list[str]]:
    """The good rows with one cell replaced (row is 0-based among the data rows)."""
    out = [list(r) for r in good]
    out[row][head.index(col)] = value
    return out


def write_csv(name: str, rows, head=HEAD, *, title: list[str] | None = None, encoding="utf-8", delimiter=","):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    for t in title or []:
        w.writerow([t])
    if head is not None:
        w.writerow(head)
    w.writerows(rows)
    text = buf.getvalue()
    (HERE / name).write_bytes(encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding))


def write_xlsx(name: str, rows, head=HEAD, *, title: list[str] = (), merge_title=False, blank_before_header=0,
               date_cells=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    for t in title:
        ws.append([t])
        if merge_title:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(head))
    for _ in range(blank_before_header):
        ws.append([])
    ws.append(head)
    for r in rows:
        cells = []
        for h, v in zip(head, r):
            if date_cells and h.startswith(("Ngày", "Thời gian")) and v:
                d, m, y = map(int, v.split("/"))
                cells.append(pd.Timestamp(y, m, d).to_pydatetime())
            elif h.startswith(("Kinh phí", "Số cơ sở", "STT")) and v and v.replace(",", "").isdigit():
                cells.append(float(v.replace(",", ".")))
            else:
                cells.append(v)
        ws.append(cells)
    wb.save(HERE / name)
    _freeze_xlsx(HERE / name)


def _freeze_xlsx(path: Path) -> None:
    """Fixed timestamps inside the .xlsx so that regenerating gives the same bytes."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2019-07-01T00:00:00Z", data)
            z.writestr(zipfile.ZipInfo(name, date_time=(2019, 7, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def main() -> None:
    for p in HERE.iterdir():
        if p.name not in ("make_corpus.py", "__pycache__"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    write_csv("good.csv", GOOD)
    write_csv("unknown_province.csv", rows_with("Tỉnh", 1, "Dong Nal"))
    write_csv("misspelt_province.csv", rows_with("Tỉnh", 2, "Tien Gian"))
    write_csv("missing_column.csv", [r[:6] + r[7:] for r in GOOD], HEAD[:6] + HEAD[7:])
    write_csv("negative_support.csv", rows_with("Kinh phí khuyến công (triệu đồng)", 0, "-150"))
    write_csv("zero_beneficiaries.csv", rows_with("Số cơ sở thụ hưởng", 2, "0"))
    write_csv("text_in_money.csv", rows_with("Kinh phí khuyến công (triệu đồng)", 1, "một trăm"))
    amb = rows_with("Kinh phí khuyến công (triệu đồng)", 2, "1.500")
    amb[1][HEAD.index("Kinh phí khuyến công (triệu đồng)")] = "85"  # no decimal comma anywhere: no evidence
    write_csv("ambiguous_number.csv", amb)
    write_csv("ambiguous_resolved.csv", rows_with("Kinh phí khuyến công (triệu đồng)", 2, "1.500"))
    write_csv("impossible_date.csv", rows_with("Ngày phê duyệt", 0, "31/02/2019"))
    swapped = rows_with("Ngày phê duyệt", 1, "06/05/2019")
    swapped[1][HEAD.index("Thời gian hoàn thành")] = "10/04/2019"
    write_csv("swapped_day_month.csv", swapped)
    write_csv("unknown_status.csv", rows_with("Tình trạng", 2, "Đang chờ vốn"))
    write_csv("unknown_activity.csv", rows_with("Nội dung", 0, "Nuôi cá tra"))
    ids = ["Mã đề án"] + HEAD[1:]
    write_csv("duplicate_id.csv", [["DN-01"] + GOOD[0][1:], ["DN-02"] + GOOD[1][1:], ["DN-01"] + GOOD[2][1:]], ids)
    write_csv("projects_with_ids.csv", [["DN-01"] + GOOD[0][1:], ["DN-02"] + GOOD[1][1:], ["DN-03"] + GOOD[2][1:]], ids)
    write_csv("payments_unknown_project.csv", [["DN-01", "30/06/2019", "50"], ["DN-09", "30/06/2019", "20"]],
              ["Mã đề án", "Ngày thanh toán", "Số tiền (triệu đồng)"])
    sec = [["I", "Khuyến công quốc gia", "", "", "", "", "", "", "", ""], GOOD[1],
           ["", "Cộng I", "", "", "", "", "85,5", "", "", ""],
           ["II", "Khuyến công địa phương", "", "", "", "", "", "", "", ""], GOOD[0], GOOD[2],
           ["", "Cộng II", "", "", "", "", "450", "", "", ""]]
    head_nosrc = HEAD[:3] + ["Ghi chú"] + HEAD[4:]
    write_csv("totals_middle.csv", [r[:3] + [""] + r[4:] for r in sec], head_nosrc)
    write_csv("totals_end.csv", GOOD + [["", "Tổng cộng", "", "", "", "51", "535,5", "", "", ""]])
    write_csv("totals_wrong.csv", GOOD + [["", "Tổng cộng", "", "", "", "51", "600", "", "", ""]])
    (HERE / "empty.csv").write_bytes(b"")
    write_csv("header_only.csv", [])
    write_csv("cp1258.csv", GOOD, encoding="cp1258")
    (HERE / "utf8_bom.csv").write_bytes(b"\xef\xbb\xbf" + (HERE / "good.csv").read_bytes())
    no_prov = [h for h in HEAD if h != "Tỉnh"]
    no_prov_rows = [[v for h, v in zip(HEAD, r) if h != "Tỉnh"] for r in GOOD]
    write_xlsx("title_rows.xlsx", no_prov_rows, no_prov,
               title=["SỞ CÔNG THƯƠNG TỈNH LONG AN", "BÁO CÁO KẾT QUẢ KHUYẾN CÔNG 6 THÁNG ĐẦU NĂM 2019",
                      "tỉnh Long An"], blank_before_header=1, date_cells=True)
    plain = [h.replace(" (triệu đồng)", "") for h in HEAD]
    write_xlsx("merged_title.xlsx", GOOD, plain,
               title=["BÁO CÁO TÌNH HÌNH THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM 2019", "Đơn vị tính: triệu đồng"],
               merge_title=True)
    write_csv("blank_rows.csv", [GOOD[0], [""] * len(HEAD), GOOD[1], [], GOOD[2]])
    ty = [h.replace("triệu", "tỷ") for h in HEAD]
    ty_rows = [list(r) for r in GOOD]
    for r, v in zip(ty_rows, ("0,15", "0,0855", "0,3")):
        r[HEAD.index("Kinh phí khuyến công (triệu đồng)")] = v
    write_csv("money_ty.csv", ty_rows, ty)
    write_csv("unit_missing.csv", GOOD, plain)
    ex_head = HEAD + ["Kinh phí đã thực hiện (triệu đồng)"]
    write_csv("executed_over.csv", [GOOD[0] + ["500"], GOOD[1] + ["85,5"], GOOD[2] + ["0"]], ex_head,
              title=["Báo cáo tình hình thực hiện 6 tháng đầu năm 2019"])
    write_csv("no_as_of.csv", [GOOD[0] + ["50"], GOOD[1] + ["85,5"], GOOD[2] + ["0"]], ex_head)
    write_csv("extension_status.csv", rows_with("Tình trạng", 0, "Gia hạn"),
              title=["Báo cáo kết quả khuyến công 9 tháng năm 2019"])
    write_csv(
        "adjustment_no_date.csv", [r + ["2019"] for r in rows_with("Tình trạng", 2, "Điều chỉnh")], HEAD + ["Năm"]
    )
    (HERE / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (HERE / "notes.txt").write_text("Ghi chú: số liệu gửi sau\n", encoding="utf-8")
    (HERE / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    plan_head = ["Năm", "Tỉnh", "Nguồn vốn", "Kế hoạch được duyệt (triệu đồng)", "Kế hoạch điều chỉnh (triệu đồng)"]
    write_csv("plan_duplicates.csv", [["2019", "Đồng Nai", "KCĐP", "3.500", "3200"],
                                      ["2019", "Đồng Nai", "KCQG", "1.200", ""],
                                      ["2019", "Đồng Nai", "KCĐP", "3.500", ""],
                                      ["2019", "Bình Dương", "KCĐP", "4.100,5", ""]], plan_head)
    write_csv("plan_magnitude.csv", [["2019", "Đồng Nai", "KCĐP", "3", ""],
                                     ["2019", "Long An", "KCĐP", "2.500.000.000", ""]], plan_head)
    write_csv("semicolon.csv", GOOD, delimiter=";")
    write_csv("column_numbers.csv", [[f"({i})" for i in range(1, 7)] + ["(7)=(5)x2", "(8)", "(9)", "(10)"]] + GOOD)
    en = ["Project title", "Province", "Source", "Activity", "Beneficiaries", "Support (million VND)",
          "Approved on", "Planned end", "Status"]
    write_csv("english_headers.csv", [["Brand for Bien Hoa pottery", "Dong Nai", "national", "brand", "2", "1,234.5",
                                       "2019-03-15", "2019-11-30", "in_progress"],
                                      ["Consulting", "Dong Nai", "local", "consulting", "1", "30.5", "2019-03-15",
                                       "2019-11-30", "approved"]], en)
    pd.DataFrame(
        {
            "Tên đề án": ["Máy sấy", "Đào tạo"],
            "Tỉnh": ["Đồng Nai", "Đồng Nai"],
            "Nguồn vốn": ["KCĐP", "KCĐP"],
            "Nội dung": ["Máy móc thiết bị", "Đào tạo"],
            "Số cơ sở thụ hưởng": [1, 20],
            "Kinh phí khuyến công (triệu đồng)": [True, False],
            "Ngày phê duyệt": [20190315, 20190320],
            "Thời gian hoàn thành": pd.to_datetime(["2019-11-30", "2019-10-31"]),
            "Tình trạng": ["Đang thực hiện", "Đang thực hiện"],
        }
    ).to_parquet(HERE / "wrong_dtype.parquet", index=False)
    pd.DataFrame({"Tên đề án": GOOD and [r[1] for r in GOOD], "Tỉnh": "Đồng Nai", "Nguồn vốn": "KCĐP",
                  "Nội dung": [r[4] for r in GOOD], "Số cơ sở thụ hưởng": [1, 20, 30],
                  "Kinh phí khuyến công (triệu đồng)": [150.0, 85.5, 300.0],
                  "Ngày phê duyệt": pd.to_datetime(["2019-03-15", "2019-03-20", "2019-04-01"]),
                  "Thời gian hoàn thành": pd.to_datetime(["2019-11-30", "2019-10-31", "2019-12-31"]),
                  "Tình trạng": ["Đang thực hiện", "Đã nghiệm thu", "Chưa triển khai"]}).to_parquet(
        HERE / "good.parquet", index=False)
    canon = HERE / "canonical_unknown_payment"
    canon.mkdir()
    from kceval.io import write_tables  # canonical tables as kceval writes them

    proj = pd.DataFrame({"project_id": ["P1"], "year": [2019], "province": ["Đồng Nai"], "source": ["local"],
                         "activity": ["machinery"], "title": ["Máy"], "beneficiaries": [1], "pilot": [False],
                         "group": [False], "support_vnd": [150_000_000], "approved_on": pd.to_datetime(["2019-03-15"]),
                         "planned_end": pd.to_datetime(["2019-11-30"]), "status": ["in_progress"]})
    plans = pd.DataFrame(
        {"year": [2019], "province": ["Đồng Nai"], "source": ["local"], "approved_vnd": [3_000_000_000]}
    )
    pay = pd.DataFrame({"project_id": ["P1", "P2"], "date": pd.to_datetime(["2019-05-01", "2019-05-02"]),
                        "amount_vnd": [50_000_000, 20_000_000]})
    write_tables({"plans": plans, "projects": proj, "payments": pay}, canon)
    # canonical tables opened and saved again by Excel: ';' separators, dd/mm/yyyy dates, Windows-1258
    resaved = HERE / "canonical_excel_resaved"
    proj2 = pd.concat([proj, proj.assign(project_id="P2", title="Thương hiệu gốm Biên Hòa")], ignore_index=True)
    write_tables({"plans": plans, "projects": proj2, "payments": pay}, resaved)
    text = (resaved / "projects.csv").read_text(encoding="utf-8")
    text = text.replace("2019-03-15", "15/03/2019", 1).replace("2019-03-15", "31/02/2019").replace(",", ";")
    (resaved / "projects.csv").write_bytes(encode_cp1258(text))
    # canonical Parquet with the wrong dtypes: dates as integers, money as text
    wrong = HERE / "canonical_wrong_dtype"
    write_tables({"plans": plans, "projects": proj2, "payments": pay.iloc[:1]}, wrong, format="parquet")
    bad = pd.read_parquet(wrong / "projects.parquet")
    bad["approved_on"] = bad["approved_on"].dt.strftime("%Y%m%d").astype("int64")
    bad.to_parquet(wrong / "projects.parquet", index=False)
    (wrong / "payments.parquet").write_bytes(b"PAR1 damaged")


if __name__ == "__main__":
    main()
