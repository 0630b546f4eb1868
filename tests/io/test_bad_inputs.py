"""The bad-input corpus (tests/io/bad_inputs/, made by make_corpus.py): each file, its expected problem.

Every case reads through the public entry point (read_dataset) and validates like the CLI
(validate.validate_tables with the reader's origins), so each problem is located in the user's
terms: file, row (as seen in the editor / Excel, header = row 1), column (the user's header).
"""
from pathlib import Path

import pandas as pd
import pytest

from kceval.dataset.validate import validate_tables
from kceval.errors import KcevalError
from kceval.io import read_dataset
from tests.support import BAD_INPUTS

B = BAD_INPUTS
AS_OF = "2019-06-30"
SUPPORT = "Kinh phí khuyến công (triệu đồng)"


def run(name, **kw):
    """Read and validate; any exception other than a kceval error fails the test."""
    paths = [B / n for n in name] if isinstance(name, list) else B / name
    kw.setdefault("as_of", AS_OF)
    loaded = read_dataset(paths, **kw)
    v = validate_tables(loaded.tables, loaded.origins)
    return loaded, loaded.problems + v.problems  # validation names the user's headers itself


def find(problems, severity, text):
    hits = [p for p in problems if p.severity == severity and text in p.message]
    assert hits, f"no {severity} containing {text!r} in: " + "\n".join(map(str, problems))
    return hits[0]


# (file, severity, message fragment, user row, user column); row/column None = whole file
CASES = [
    ("unknown_province.csv", "error", "unknown province 'Dong Nal'", 3, "Tỉnh"),
    ("misspelt_province.csv", "error", "unknown province 'Tien Gian'", 4, "Tỉnh"),
    ("missing_column.csv", "error", "required column 'support_vnd' is missing", 1, None),
    ("negative_support.csv", "error", "support_vnd must be greater than 0", 2, SUPPORT),
    ("zero_beneficiaries.csv", "error", "beneficiaries must be at least 1", 4, "Số cơ sở thụ hưởng"),
    ("text_in_money.csv", "error", "'một trăm' is not a number", 3, SUPPORT),
    ("ambiguous_number.csv", "warning", "could be read with a thousands dot or a decimal point", 4, SUPPORT),
    ("impossible_date.csv", "error", "'31/02/2019' is not a real date", 2, "Ngày phê duyệt"),
    ("swapped_day_month.csv", "error", "planned end is before the approval date", 3, "Thời gian hoàn thành"),
    ("unknown_status.csv", "error", "'Đang chờ vốn' is not a known status", 4, "Tình trạng"),
    ("unknown_activity.csv", "error", "'Nuôi cá tra' is not a known activity", 2, "Nội dung"),
    ("duplicate_id.csv", "error", "duplicate project code 'DN-01'", 4, "Mã đề án"),  # rows 2 and 4 (see below)
    ("empty.csv", "error", "the file is empty", None, None),
    ("header_only.csv", "error", "no projects in sheet", 1, None),
    ("old_excel.xls", "error", "cannot be read as Excel .xls", None, None),
    ("notes.txt", "error", "no header row recognised", None, None),
    ("corrupt.xlsx", "error", "cannot be read as Excel .xlsx", None, None),
    ("plan_duplicates.csv", "error", "a second plan row for 2019, Đồng Nai, local", 4, "Tỉnh"),
    ("plan_magnitude.csv", "warning", "a province-year plan of 3,000,000 VND is implausible", 2,
     "Kế hoạch được duyệt (triệu đồng)"),
    ("unit_missing.csv", "warning", "a project's support of 150 VND is implausible", 2, "Kinh phí khuyến công"),
    ("executed_over.csv", "warning", "payments (500,000,000 VND) exceed support", 3, SUPPORT),
    ("totals_wrong.csv", "error", "says 600,000,000 VND but the 3 project row(s) it covers sum to 535,500,000",
     5, SUPPORT),
    ("canonical_unknown_payment", "error", "points to an unknown project", 3, "project_id"),
    ("wrong_dtype.parquet", "error", "True is a true/false value, not a number", 2, SUPPORT),
]


@pytest.mark.parametrize("name,severity,text,row,column", CASES, ids=[c[0] for c in CASES])
def test_each_bad_file_reports_its_problem_located(name, severity, text, row, column):
    loaded, problems = run(name)
    p = find(problems, severity, text)
    assert Path(p.file).name in (name, "payments.csv")
    assert p.row == row
    assert p.column == column


def test_unknown_province_hint_suggests_the_right_name():
    _, problems = run("unknown_province.csv")
    assert "did you mean 'Đồng Nai'" in find(problems, "error", "unknown province").hint
    _, problems = run("misspelt_province.csv")
    assert "'Tiền Giang'" in find(problems, "error", "unknown province").hint


def test_duplicate_project_id_names_both_rows():
    _, problems = run("duplicate_id.csv")
    dup = [p for p in problems if "appears 2 times" in p.message]
    assert len(dup) == 1 and dup[0].row == 4 and "(rows 2, 4)" in dup[0].message  # one cause, one message


def test_ambiguous_number_resolved_by_the_column_convention():
    # "85,5" elsewhere in the column shows the decimal comma, so "1.500" is 1500 triệu
    loaded, problems = run("ambiguous_resolved.csv")
    assert loaded.tables["projects"]["support_vnd"].tolist() == [150_000_000, 85_500_000, 1_500_000_000]
    assert not [p for p in problems if "ambiguous" in p.message]


def test_rows_with_reader_errors_are_excluded_and_counted():
    loaded, _ = run("text_in_money.csv")
    assert len(loaded.tables["projects"]) == 2
    assert loaded.excluded["rows with errors"] == 1
    assert any("row 3" in n for n in loaded.notes)


def test_all_problems_of_a_file_are_collected_at_once():
    # wrong_dtype.parquet: two money cells and two date cells are wrong; all four are reported
    _, problems = run("wrong_dtype.parquet")
    errs = [p for p in problems if p.severity == "error"]
    assert sorted((p.row, p.column) for p in errs) == [
        (2, SUPPORT), (2, "Ngày phê duyệt"), (3, SUPPORT), (3, "Ngày phê duyệt")]
    assert "20190315 is not a date" in {p.message for p in errs}


def test_payment_for_unknown_project_in_messy_files():
    loaded, problems = run(["projects_with_ids.csv", "payments_unknown_project.csv"])
    p = find(problems, "error", "points to an unknown project")
    assert (Path(p.file).name, p.row, p.column, p.value) == ("payments_unknown_project.csv", 3, "Mã đề án", "DN-09")
    # the known payment was read in triệu đồng: 50 × 10^6
    assert loaded.tables["payments"]["amount_vnd"].tolist() == [50_000_000, 20_000_000]


@pytest.mark.parametrize("name", ["totals_end.csv", "totals_middle.csv"])
def test_totals_rows_excluded_with_note_never_double_counted(name):
    loaded, problems = run(name)
    # three projects of 150 + 85.5 + 300 million VND; the totals rows are not added again
    assert loaded.tables["projects"]["support_vnd"].sum() == 535_500_000
    assert loaded.excluded["total and subtotal rows checked"] == (1 if name == "totals_end.csv" else 2)
    assert any("total and subtotal rows checked, not counted as projects" in n for n in loaded.notes)
    assert not [p for p in problems if p.severity == "error"]


def test_section_rows_give_the_source():
    loaded, _ = run("totals_middle.csv")
    src = loaded.tables["projects"].set_index("title")["source"]
    assert src["Đào tạo nghề mây tre đan"] == "national"          # under "I. Khuyến công quốc gia"
    assert src["Hỗ trợ máy đóng gói cho cơ sở Minh Phát"] == "local"  # under "II. Khuyến công địa phương"
    assert loaded.excluded["section rows read as headings"] == 2


def test_totals_row_matching_the_sum_is_noted():
    loaded, problems = run("totals_end.csv")
    assert any("total row 5 ('Tổng cộng') matches the 3 project row(s) it covers" in n for n in loaded.notes)


@pytest.mark.parametrize("name,encoding", [("cp1258.csv", "cp1258"), ("utf8_bom.csv", "utf-8 with BOM"),
                                           ("good.csv", "utf-8"), ("semicolon.csv", "utf-8")])
def test_encodings_and_delimiters_read_the_same_rows(name, encoding):
    good, _ = run("good.csv")
    loaded, problems = run(name)
    assert any(n.endswith(f"read as {encoding}") for n in loaded.notes)
    assert not [p for p in problems if p.severity == "error"]
    cols = ["title", "province", "source", "activity", "support_vnd", "approved_on", "status"]
    pd.testing.assert_frame_equal(loaded.tables["projects"][cols], good.tables["projects"][cols])
    assert loaded.tables["projects"]["title"].iloc[0] == "Hỗ trợ máy đóng gói cho cơ sở Minh Phát"


def test_xlsx_title_rows_give_province_as_of_and_real_rows():
    loaded, problems = run("title_rows.xlsx", as_of=None)
    pr = loaded.tables["projects"]
    assert set(pr["province"]) == {"Long An"}          # from "SỞ CÔNG THƯƠNG TỈNH LONG AN"
    assert set(pr["year"]) == {2019}                    # from "6 THÁNG ĐẦU NĂM 2019"
    assert pr["approved_on"].iloc[0] == pd.Timestamp("2019-03-15")  # an Excel date cell
    # 3 title rows + 1 blank row: header on worksheet row 5, first project on row 6
    assert loaded.origins["projects"]["row"].tolist() == [6, 7, 8]
    assert loaded.excluded == {}  # the blank row is above the header, not a data row


def test_merged_title_cells_and_unit_from_title():
    loaded, problems = run("merged_title.xlsx")
    # "Đơn vị tính: triệu đồng" in a merged title row: 150 -> 150 million VND
    assert loaded.tables["projects"]["support_vnd"].tolist() == [150_000_000, 85_500_000, 300_000_000]
    assert loaded.origins["projects"]["row"].tolist() == [4, 5, 6]
    assert loaded.origins["projects"]["sheet"].unique().tolist() == ["Báo cáo"]


def test_blank_rows_skipped_and_counted():
    loaded, _ = run("blank_rows.csv")
    assert len(loaded.tables["projects"]) == 3
    assert loaded.excluded["blank rows skipped"] == 2
    assert loaded.origins["projects"]["row"].tolist() == [2, 4, 6]


def test_money_in_ty_from_header():
    loaded, _ = run("money_ty.csv")
    # 0,15 tỷ = 150 million; 0,0855 tỷ = 85.5 million; 0,3 tỷ = 300 million
    assert loaded.tables["projects"]["support_vnd"].tolist() == [150_000_000, 85_500_000, 300_000_000]


def test_money_unit_parameter_applies_when_header_is_silent():
    loaded, problems = run("unit_missing.csv", money_unit="trieu")
    assert loaded.tables["projects"]["support_vnd"].tolist() == [150_000_000, 85_500_000, 300_000_000]
    assert not [p for p in problems if "implausible" in p.message]


def test_extension_status_becomes_an_event_at_the_as_of_date():
    loaded, _ = run("extension_status.csv", as_of=None)  # title: "9 tháng năm 2019" -> 30/09/2019
    ev = loaded.tables["events"]
    assert ev[["kind", "date"]].values.tolist() == [["extension", pd.Timestamp("2019-09-30")]]
    assert ev["note"].iloc[0] == "date not given in the sheet; as-of date used"
    proj = loaded.tables["projects"].set_index("project_id")
    assert proj.at[ev["project_id"].iloc[0], "status"] == "in_progress"


def test_adjustment_without_any_date_asks_for_as_of():
    _, problems = run("adjustment_no_date.csv", as_of=None)
    p = find(problems, "error", "need a date")
    assert "--as-of" in p.hint and p.column == "Tình trạng"


def test_cumulative_executed_without_as_of_is_an_error_asking_for_it():
    loaded, problems = run("no_as_of.csv", as_of=None)
    p = find(problems, "error", "cumulative executed money")
    assert "--as-of" in p.hint and p.column == "Kinh phí đã thực hiện (triệu đồng)" and p.row == 1
    assert len(loaded.tables["payments"]) == 0


def test_cumulative_executed_becomes_one_payment_per_project():
    loaded, _ = run("executed_over.csv", as_of=None)  # title "6 tháng đầu năm 2019"
    pay = loaded.tables["payments"]
    # 500 and 85,5 million; the 0 of project 3 is no payment
    assert pay["amount_vnd"].tolist() == [500_000_000, 85_500_000]
    assert set(pay["date"]) == {pd.Timestamp("2019-06-30")}
    assert loaded.origins["payments"]["row"].tolist() == [3, 4]


def test_source_missing_is_a_warning_unless_given():
    _, problems = run("english_headers.csv")
    assert not [p for p in problems if "funding source" in p.message]
    loaded, problems = run("title_rows.xlsx")  # has a Nguồn vốn column
    assert not [p for p in problems if "funding source" in p.message]


def test_english_headers_and_english_numbers():
    loaded, problems = run("english_headers.csv")
    # "Support (million VND)": 1,234.5 and 30.5 million
    assert loaded.tables["projects"]["support_vnd"].tolist() == [1_234_500_000, 30_500_000]
    assert not [p for p in problems if p.severity == "error"]


def test_parquet_messy_file():
    loaded, problems = run("good.parquet")
    assert loaded.tables["projects"]["support_vnd"].tolist() == [150_000_000, 85_500_000, 300_000_000]


def test_whole_folder_of_messy_files_never_raises_other_errors():
    # the whole corpus at once: every problem collected, nothing but kceval errors escapes
    try:
        loaded, problems = run([p.name for p in sorted(B.iterdir()) if p.suffix and p.name != "make_corpus.py"])
    except KcevalError:  # pragma: no cover - allowed, but not expected
        return
    assert len({p.file for p in problems}) > 20


def test_canonical_tables_resaved_by_excel():
    # ';' separators, Windows-1258, dd/mm/yyyy dates: read; the impossible 31/02/2019 is reported with its cell
    loaded, problems = run("canonical_excel_resaved")
    pr = loaded.tables["projects"]
    assert pr["title"].tolist() == ["Máy", "Thương hiệu gốm Biên Hòa"]
    assert pr["approved_on"].iloc[0] == pd.Timestamp("2019-03-15")
    p = find(problems, "error", "'31/02/2019' is not a real date")
    assert (Path(p.file).name, p.row, p.column) == ("projects.csv", 3, "approved_on")


def test_canonical_parquet_with_wrong_dtypes_and_a_damaged_table():
    loaded, problems = run("canonical_wrong_dtype")
    dates = [p for p in problems if p.message == "20190315 is not a date"]
    assert [(Path(p.file).name, p.row, p.column) for p in dates] == [("projects.parquet", 2, "approved_on"),
                                                                     ("projects.parquet", 3, "approved_on")]
    p = find(problems, "error", "the payments table cannot be read")
    assert Path(p.file).name == "payments.parquet" and p.row is None


def test_column_number_row_under_the_header_is_skipped_and_counted():
    loaded, problems = run("column_numbers.csv")
    assert len(loaded.tables["projects"]) == 3 and loaded.excluded["column-number row skipped"] == 1
    assert loaded.origins["projects"]["row"].tolist() == [3, 4, 5]
    assert not [p for p in problems if p.severity == "error"]
