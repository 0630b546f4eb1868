"""A report's workbook, built from hand-made tables and read back with openpyxl (an independent reader)."""
import datetime as dt
import io

from openpyxl import load_workbook

from kceval.display.labels import label
from kceval.render.workbook import Table, build_workbook


def _tables():
    money = Table("Kinh phí", ["Hoạt động", "Kế hoạch (tỷ đồng)", "Tỷ lệ", "Dự án", "Ngày"],
                  ["text", "money", "percent", "int", "date"],
                  [[("Hội chợ", None), ("1,5", "1500000000"), ("25%", "0.25"), ("3", "3"),
                    ("30/06/2019", "2019-06-30")],
                   [("=1+1", None), ("—", ""), ("—", None), ("00123", None), ("—", "")]])
    return [money,
            Table("History", ["a"], ["text"], [[("x", None)]]),
            Table("'Quoted' [section]: a/b*c?", ["a"], ["text"], [[("x", None)]]),
            Table("Kinh phí", ["b"], ["int"], [[("7", "7")]]),
            Table("A section whose title is longer than thirty-one characters", ["a"], ["text"], [])]


def test_the_workbook_holds_numbers_as_numbers_and_text_as_inert_text():
    wb = load_workbook(io.BytesIO(build_workbook(_tables(), [("province", "Hà Nội"), ("=cmd", "@x")], "vi")))
    names = wb.sheetnames
    assert names[0] == "Kinh phí" and names[3] == "Kinh phí (2)" and names[-1] == label("provenance", "vi")[:28]
    assert names[1] == "History (2)"                                  # Excel keeps "History" for itself
    assert names[2] == "Quoted'  section   a b c"                     # no []:*?/ and no apostrophe at an end
    assert len(names[4]) <= 31 and len(set(n.lower() for n in names)) == len(names)
    ws = wb["Kinh phí"]
    assert [c.value for c in ws[1]] == ["Hoạt động", "Kế hoạch (tỷ đồng)", "Tỷ lệ", "Dự án", "Ngày"]
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    row = ws[2]
    assert row[0].value == "Hội chợ"
    assert row[1].value == 1.5 and row[1].number_format == "#,##0.000"  # money in the header's unit
    assert row[2].value == 0.25 and row[2].number_format == "0.0%"
    assert row[3].value == 3 and row[3].number_format == "#,##0"
    assert row[4].value == dt.datetime(2019, 6, 30) and row[4].number_format == "dd/mm/yyyy"
    second = [c.value for c in ws[3]]
    assert second[0] != "=1+1" and isinstance(second[0], str) and second[0].endswith("=1+1")  # inert, not a formula
    assert ws["A3"].data_type == "s" and second[1:3] == [None, None] and second[3] == "00123"
    assert ws.column_dimensions["B"].width >= len("Kế hoạch (tỷ đồng)") + 2
    about = wb[names[-1]]
    assert [c.value for c in about[2]] == ["province", "Hà Nội"]
    assert all(isinstance(c.value, str) and not c.value.startswith(("=", "@")) for c in about[3])


def test_any_heading_gives_a_sheet_name_excel_takes():
    # XlsxWriter refuses what Excel refuses (more than 31 UTF-16 units: an emoji is two; an apostrophe at an end;
    # "History"), and a refused name would fail the whole report after its notebook ran
    titles = ["📊📊📊📊 Chi tiêu theo hoạt động của tỉnh", "😀" * 20, "Kinh phí\r", "\xa0", "''", "history",
              *["x" * 40] * 12]
    tables = [Table(t, ["a"], ["text"], [[("x", None)]]) for t in titles]
    names = load_workbook(io.BytesIO(build_workbook(tables, [], "en"))).sheetnames
    assert len(names) == len(titles) + 1 and len({n.lower() for n in names}) == len(names)
    assert all(len(n.encode("utf-16-le")) // 2 <= 31 and n == n.strip(" '\r\n\t\xa0") and n for n in names)
    assert names[2] == "Kinh phí" and names[3] == "Bảng" and names[5] == "history (2)"


def test_an_unbounded_value_is_left_blank():
    t = Table("Ratios", ["name", "ratio"], ["text", "ratio"], [[("a", None), ("—", "inf")], [("b", None), ("2", "2")]])
    ws = load_workbook(io.BytesIO(build_workbook([t], [], "en")))["Ratios"]
    assert ws["B2"].value is None and ws["B3"].value == 2
