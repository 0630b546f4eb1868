"""The layout of an official report sheet (Mẫu 2 style) and its import, on hand-built grids.

Expected values are read off the grids by hand: which row is what, which column is which field,
and the canonical rows the sheet gives (money in triệu đồng × 10⁶, DOMAIN.md).
"""
import pandas as pd
import pytest

from kceval.io.grid import Grid
from kceval.io.importer import import_grid
from kceval.io.sections import places
from kceval.io.sheet import find_layout

TITLE = [
    ["ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["SỞ CÔNG THƯƠNG", None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    ["Số: 125/BC-SCT", None, None, None, "Đồng Nai, ngày 08 tháng 7 năm 2020"],
    [None],
    ["BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG 6 THÁNG ĐẦU NĂM 2020"],
    [None, None, None, None, None, None, "Đơn vị tính: triệu đồng"],
]
HEADER = [
    ["STT", "Tên đề án", "Nội dung", "Kinh phí (triệu đồng)", None, None, None, "Thời gian", None,
     "Tình hình thực hiện", "Ghi chú"],
    [None, None, None, "Tổng số", "KCQG", "KCĐP", "Đối ứng", "Phê duyệt", "Hoàn thành", None, None],
    ["(1)", "(2)", "(3)", "(4)=(5)+(6)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)"],
]
BODY = [
    ["I", "KHUYẾN CÔNG QUỐC GIA", None, 500, 500, None, None],
    [1, "Hỗ trợ máy sấy", "Máy móc thiết bị", 300, 300, "-", 600, "15/3/2020", "tháng 9/2020",
     "Đã nghiệm thu ngày 12/5/2020", None],
    [2, "Hội chợ Biên Hòa", "Hội chợ, triển lãm", 200, 200, "-", 0, "01/04/2020", "30/11/2020",
     "Xin gia hạn đến 31/12/2020", "do dịch bệnh"],
    [None, "Cộng I", None, 500, 500, None, 600],
    ["II", "KHUYẾN CÔNG ĐỊA PHƯƠNG", None, None, None, None, None],
    [1, "Đào tạo nghề mây tre", "Đào tạo nghề", "32,5", None, "32,5", "1.000", "ngày 21 tháng 4 năm 2020",
     "Quý III/2020", "Dừng thực hiện (DN không đủ vốn đối ứng)", None],
    [2, "Tư vấn marketing", "Tư vấn", 35, None, 35, None, "21/4/2020", "31/10/2020", "Đang thực hiện", None],
    [None, "Cộng II", None, "67,5", None, "67,5", None],
    [None, "TỔNG CỘNG (I+II)", None, "567,5", 500, "67,5", 1600],
    [None],
    ["Ghi chú: số liệu đến 30/6/2020"],
    [None, "Người lập biểu", None, None, None, None, None, "GIÁM ĐỐC"],
    [None, "(Ký, ghi rõ họ tên)", None, None, None, None, None, "(Ký tên, đóng dấu)"],
    [None, "Nguyễn Văn A", None, None, None, None, None, "Trần Thị B"],
]


def _grid(rows, sheet="Báo cáo"):
    merged = [(6, 3, 6, 6), (6, 7, 6, 8), (6, 0, 7, 0), (6, 1, 7, 1)]  # the header's merged parents
    return Grid("dongnai.xlsx", sheet, rows, list(range(1, len(rows) + 1)), "dongnai", merged=merged)


def test_layout_of_an_official_report():
    g = _grid(TITLE + HEADER + BODY)
    lay = find_layout(g)
    assert lay.header_rows == [7, 8]
    f = lay.fields
    assert {k: f[k].index for k in ("row_label", "title", "activity", "support_total", "support_national",
                                    "support_local", "counterpart_vnd", "approved_on", "planned_end",
                                    "status", "note")} == {
        "row_label": 0, "title": 1, "activity": 2, "support_total": 3, "support_national": 4, "support_local": 5,
        "counterpart_vnd": 6, "approved_on": 7, "planned_end": 8, "status": 9, "note": 10}
    assert lay.numbering_row == 9 and lay.sum_rules == {3: [4, 5]}
    assert [(r, s.label, s.source) for r, s in lay.sections] == [(10, "I", "national"), (14, "II", "local")]
    assert [(t.row, t.scope, t.sections) for t in lay.totals] == [
        (10, "subtotal", ("I",)), (13, "subtotal", ("I",)), (17, "subtotal", ("II",)), (18, "total", ("I", "II"))]
    assert lay.rows["data"] == [11, 12, 15, 16]
    assert lay.rows["note"] == [20] and lay.rows["footer"] == [21, 22, 23]
    assert lay.unit == "trieu" and lay.year == 2020 and lay.province == "Đồng Nai"
    assert lay.period[0] == pd.Timestamp("2020-06-30")  # the title's period, not the signing date
    assert lay.report_date == pd.Timestamp("2020-07-08")
    assert [p.path for p in places(lay, lay.rows["data"])] == [("I",), ("I",), ("II",), ("II",)]


def test_import_of_an_official_report():
    part = import_grid(_grid(TITLE + HEADER + BODY))
    assert [p for p in part.problems if p.severity == "error"] == []
    proj = part.tables["projects"].set_index("title")
    assert proj["support_vnd"].to_dict() == {"Hỗ trợ máy sấy": 300_000_000, "Hội chợ Biên Hòa": 200_000_000,
                                              "Đào tạo nghề mây tre": 32_500_000, "Tư vấn marketing": 35_000_000}
    assert proj["source"].tolist() == ["national", "national", "local", "local"]
    # "1.000" beside "32,5": the sheet writes decimals with a comma, so the dot groups thousands
    assert proj.at["Đào tạo nghề mây tre", "counterpart_vnd"] == 1_000_000_000
    assert proj.at["Hỗ trợ máy sấy", "planned_end"] == pd.Timestamp("2020-09-30")
    assert proj.at["Đào tạo nghề mây tre", "planned_end"] == pd.Timestamp("2020-09-30")
    assert proj.at["Hỗ trợ máy sấy", "accepted_on"] == pd.Timestamp("2020-05-12")
    assert proj["status"].tolist() == ["accepted", "in_progress", "stopped", "in_progress"]
    assert proj["province"].unique().tolist() == ["Đồng Nai"] and proj["year"].unique().tolist() == [2020]
    # numbering restarts in each section: the ids carry the section
    assert sorted(proj["project_id"]) == ["dongnai-I-1", "dongnai-I-2", "dongnai-II-1", "dongnai-II-2"]
    ev = part.tables["events"].set_index("kind")
    assert ev.at["extension", "new_planned_end"] == pd.Timestamp("2020-12-31")
    assert ev.at["extension", "date"] == pd.Timestamp("2020-06-30")  # dated at the as-of date, noted
    assert ev.at["stop", "note"].startswith("DN không đủ vốn đối ứng")
    assert proj.at["Hội chợ Biên Hòa", "note"] == "do dịch bệnh"


@pytest.mark.parametrize("row, col, value, needle", [
    (18, 3, "600", "says 600,000,000 VND but the 4 project row(s) it covers sum to 567,500,000"),
    (13, 4, 400, "says 400,000,000 VND but the 2 project row(s) it covers sum to 500,000,000"),
    (11, 3, 350, "is not the sum of its parts"),
])
def test_inconsistent_sums_are_located_errors(row, col, value, needle):
    rows = [list(r) for r in TITLE + HEADER + BODY]
    rows[row - 1][col] = value
    part = import_grid(_grid(rows))
    errors = [p for p in part.problems if p.severity == "error"]
    assert len(errors) == 1, errors  # one cause, one message
    assert errors[0].row == row and needle in errors[0].message


def test_hint_that_contradicts_the_sheet_is_refused():
    part = import_grid(_grid(TITLE + HEADER + BODY), year=2021)
    errors = [p for p in part.problems if p.severity == "error"]
    assert len(errors) == 1 and "year given (2021) contradicts the sheet, which says 2020" in errors[0].message
    assert "projects" not in part.tables or part.tables["projects"].empty


def test_header_and_no_projects():
    part = import_grid(_grid(TITLE + HEADER + [[None], BODY[-3]]))
    assert [p.message for p in part.problems if p.severity == "error"] == [
        "no projects in sheet 'Báo cáo': a header and no project rows"]


def test_amount_1000_times_the_legal_cap_names_the_likely_unit():
    # two projects only (too few for a column median): the brand cap (35 million per brand, 1.5× for priority
    # areas: TTLT 26/2014 Art. 6.2, DOMAIN.md) shows that 35.000 "triệu" was typed in nghìn đồng
    rows = [["Báo cáo khuyến công tỉnh Đồng Nai năm 2020 (đơn vị tính: triệu đồng)"],
            ["STT", "Tên đề án", "Nội dung", "Nguồn vốn", "Số cơ sở thụ hưởng", "Kinh phí", "Ngày phê duyệt",
             "Thời gian hoàn thành", "Tình trạng"],
            [1, "Thương hiệu nước mắm", "Xây dựng thương hiệu", "KCĐP", 1, 35_000, "01/03/2020", "30/11/2020",
             "Đang thực hiện"],
            [2, "Máy sấy", "Máy móc thiết bị", "KCĐP", 2, 300, "01/03/2020", "30/11/2020", "Đang thực hiện"]]
    part = import_grid(Grid("dn.xlsx", "Sheet1", rows, [1, 2, 3, 4], "dn"))
    errors = [p for p in part.problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].row == 3 and errors[0].column == "Kinh phí"
    assert "about 1,000× more than the legal cap for brand (52,500,000 VND" in errors[0].message
    assert errors[0].message.endswith("probably typed in nghìn đồng, not triệu đồng")
    assert part.tables["projects"]["title"].tolist() == ["Máy sấy"]  # the bad row is left out, and listed
    assert part.rejected[0]["row"] == 3


@pytest.mark.parametrize("other, expected", [
    ("30", [1_234_000, 12_345_000, 30_000_000]),                 # no cell decides: the Vietnamese reading, warned
    ("1,234.5", [1_234_000_000, 12_345_000_000, 1_234_500_000]),  # "1,234.5" shows English thousands commas
    ("32,5", [1_234_000, 12_345_000, 32_500_000]),                # "32,5" shows the decimal comma
])
def test_thousands_commas_follow_the_same_rule_as_dots(other, expected):
    rows = [["Báo cáo khuyến công tỉnh Long An năm 2020"],
            ["Tên đề án", "Nội dung", "Nguồn vốn", "Kinh phí (triệu đồng)", "Ngày phê duyệt", "Thời gian hoàn thành",
             "Tình trạng"]]
    rows += [[f"Đề án {i}", "Đào tạo nghề", "KCĐP", v, "01/03/2020", "30/11/2020", "Đang thực hiện"]
             for i, v in enumerate(["1,234", "12,345", other])]
    part = import_grid(Grid("la.csv", None, rows, list(range(1, 6)), "la"))
    assert part.tables["projects"]["support_vnd"].tolist() == expected
    warned = [p for p in part.problems if "could be read with a thousands dot or a decimal point" in p.message]
    assert len(warned) == (1 if other == "30" else 0) and (not warned or warned[0].row == 3)
