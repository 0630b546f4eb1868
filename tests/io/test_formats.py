"""File formats read into grids of cells (kceval.io.read.read_grids, kceval.io.workbook, kceval.io.textfile).

Each file is written here with the library a province's software would use (xlsxwriter and
openpyxl for .xlsx, xlwt for .xls, odfpy for .ods, Python codecs for text exports), and the
expected cells, row numbers, merged ranges, hidden flags and uncached formulas are read off the
file as written: row numbers are Excel's (A1 is row 1) or the text editor's line.
"""
import datetime as dt
import re
import unicodedata

import pytest

from kceval.errors import DataError
from kceval.io import read as read_mod
from kceval.io import stream as stream_mod
from kceval.io import workbook as workbook_mod
from kceval.io.grid import Part
from kceval.io.read import read_dataset, read_grids
from kceval.io.textfile import decode_text, sniff_delimiter
from kceval.io.workbook import ods_merged_ranges, uncached_formulas
from tests.io.layouts import encode_cp1258

HEAD = ["Tên đề án", "Nội dung", "Kinh phí (triệu đồng)", "Ngày phê duyệt"]


def only_problem(exc_info) -> str:
    (p,) = exc_info.value.problems
    assert p.severity == "error" and p.row is None
    return p.message


# -- .xlsx -------------------------------------------------------------------------------------
def _xlsx(path):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws = wb.add_worksheet("Báo cáo")
    ws.merge_range("A1:D1", "BÁO CÁO KHUYẾN CÔNG TỈNH CÀ MAU NĂM 2019")   # row 1, merged across A:D
    ws.write("A2", "Đơn vị tính: triệu đồng")                            # row 2; row 3 left blank
    ws.write_row("A4", HEAD)                                             # row 4: the header
    ws.write_row("A5", ["Máy sấy", "Máy móc thiết bị", 150])
    ws.write_datetime("D5", dt.datetime(2019, 3, 15), date)
    ws.write_row("A6", ["Đào tạo", "Đào tạo", 85.5])
    ws.write_formula("E6", "=C5+C6", None, 235.5)                        # a formula with its cached value
    ws.write_string("A7", "")                                            # an empty string is an empty cell
    hidden = wb.add_worksheet("Ẩn")
    hidden.write("B3", "bí mật")                                         # data not at A1
    hidden.hide()
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "='Báo cáo'!$C$5:$C$6"})
    wb.add_chartsheet("Biểu đồ").set_chart(chart)
    wb.close()


def test_xlsx_cells_rows_merged_and_hidden_sheet_skipped(tmp_path):
    f = tmp_path / "ca_mau.xlsx"
    _xlsx(f)
    grids, notes = read_grids(f)
    (g,) = grids
    assert (g.file, g.sheet, g.id_prefix, g.hidden) == (str(f), "Báo cáo", "ca-mau-bao-cao", False)
    assert g.rows == [
        ["BÁO CÁO KHUYẾN CÔNG TỈNH CÀ MAU NĂM 2019", None, None, None, None],
        ["Đơn vị tính: triệu đồng", None, None, None, None],
        [None] * 5,
        HEAD + [None],
        ["Máy sấy", "Máy móc thiết bị", 150, dt.date(2019, 3, 15), None],
        ["Đào tạo", "Đào tạo", 85.5, None, 235.5],
    ]  # row 7 held only an empty string: dropped as a trailing empty row
    assert g.rownums == [1, 2, 3, 4, 5, 6]
    assert g.merged == [(0, 0, 0, 3)] and g.uncached == []
    assert f"{f}: sheet 'Ẩn' is hidden: skipped (read it with include_hidden=True / --include-hidden)" in notes
    assert f"{f}: sheet 'Biểu đồ' is a chart sheet: skipped" in notes


def test_xlsx_hidden_sheet_read_on_request_from_a1(tmp_path):
    f = tmp_path / "ca_mau.xlsx"
    _xlsx(f)
    grids, notes = read_grids(f, include_hidden=True)
    assert [(g.sheet, g.hidden) for g in grids] == [("Báo cáo", False), ("Ẩn", True)]
    assert grids[1].rows == [[None, None], [None, None], [None, "bí mật"]]  # B3 is row 3, column 2
    assert grids[1].rownums == [1, 2, 3]
    assert not [n for n in notes if "is hidden" in n]


def test_only_formulas_saved_without_a_value_are_uncached(tmp_path):
    import openpyxl
    import xlsxwriter

    # openpyxl writes formulas without computing them: no cached value
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Đề án"
    ws.append(HEAD)
    ws.append(["Máy sấy", "Máy móc thiết bị", 150, "15/03/2019"])
    ws["C3"] = "=C2*2"
    ws["E12"] = "=SUM(C2:C3)"  # beyond the last value: the grid grows to hold it
    wb.save(tmp_path / "openpyxl.xlsx")
    (g,), _ = read_grids(tmp_path / "openpyxl.xlsx")
    assert g.uncached == [(2, 2), (11, 4)]
    assert len(g.rows) == 12 and g.rownums[-1] == 12 and all(len(r) == 5 for r in g.rows)
    assert g.rows[2][2] is None and g.rows[11][4] is None

    # xlsxwriter writes the value it is given: cached
    wb2 = xlsxwriter.Workbook(str(tmp_path / "xlsxwriter.xlsx"))
    ws2 = wb2.add_worksheet("Đề án")
    ws2.write_row(0, 0, HEAD)
    ws2.write_row(1, 0, ["Máy sấy", "Máy móc thiết bị", 150, "15/03/2019"])
    ws2.write_formula(2, 2, "=C2*2", None, 300)
    ws2.write_formula(3, 2, "=1/0", None, "#DIV/0!")  # an error result: its text, not an empty cell
    wb2.close()
    (g2,), _ = read_grids(tmp_path / "xlsxwriter.xlsx")
    assert g2.uncached == []
    assert g2.rows[2][2] == 300 and g2.rows[3][2] == "#DIV/0!"


def test_uncached_formula_scan_of_sheet_xml():
    xml = (b'<sheetData><row r="2"><c r="B2" t="n"><v>5</v></c><c r="C2"><f>B2*2</f><v /></c></row>'
           b'<row r="3"><c r="A3" s="1" t="str"><f>IF(B2&gt;0,"","x")</f><v/></c>'    # Excel: result is ""
           b'<c r="B3"><f t="shared" ref="B3:B4" si="0">B2+1</f></c>'                   # no <v> at all
           b'<x:c r="AA3"><x:f>B2</x:f><x:v></x:v></x:c>'                               # prefixed tags
           b'<c r="C3"><f>B2</f><v>5</v></c><c r="D3" s="2"/><c><f>B2</f></c></row></sheetData>')
    assert uncached_formulas(xml) == [(1, 2), (2, 1), (2, 26)]
    assert uncached_formulas(b'<c r="A1"><v>1</v></c>') == []


# -- .xls --------------------------------------------------------------------------------------
def test_xls_cells_merged_and_hidden(tmp_path):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Đề án")
    ws.write_merge(0, 0, 0, 3, "BÁO CÁO KHUYẾN CÔNG NĂM 2019")  # A1:D1
    for j, h in enumerate(HEAD):
        ws.write(2, j, h)                                           # row 3: the header
    ws.write(3, 0, "Máy sấy")
    ws.write(3, 1, "Máy móc thiết bị")
    ws.write(3, 2, 150.5)
    ws.write(3, 3, dt.datetime(2019, 3, 15), xlwt.easyxf(num_format_str="DD/MM/YYYY"))
    ws.write(9, 0, "")                                              # an empty string, far below
    hidden = wb.add_sheet("Ẩn")
    hidden.write(0, 0, "x")
    hidden.visibility = 1
    wb.save(str(tmp_path / "old.xls"))

    grids, notes = read_grids(tmp_path / "old.xls")
    (g,) = grids
    assert g.rows == [["BÁO CÁO KHUYẾN CÔNG NĂM 2019", None, None, None], [None] * 4, HEAD,
                      ["Máy sấy", "Máy móc thiết bị", 150.5, dt.date(2019, 3, 15)]]
    assert g.rownums == [1, 2, 3, 4] and g.merged == [(0, 0, 0, 3)] and g.id_prefix == "old-de-an"
    assert any("sheet 'Ẩn' is hidden: skipped" in n for n in notes)
    grids, _ = read_grids(tmp_path / "old.xls", include_hidden=True)
    assert [(g.sheet, g.hidden, g.rows) for g in grids][1] == ("Ẩn", True, [["x"]])


# -- .ods --------------------------------------------------------------------------------------
def _ods(path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hidden = Style(name="hidden", family="table")
    hidden.addElement(TableProperties(display=False))
    doc.automaticstyles.addElement(hidden)

    def cell(v=None, **kw):
        if v is None:
            return TableCell(**kw)
        if isinstance(v, str):
            c = TableCell(valuetype="string", **kw)
        elif isinstance(v, dt.date):
            c = TableCell(valuetype="date", datevalue=v.isoformat(), **kw)
        else:
            c = TableCell(valuetype="float", value=v, **kw)
        c.addElement(P(text=str(v)))
        return c

    def row(*cells, **kw):
        r = TableRow(**kw)
        for c in cells:
            r.addElement(c)
        return r

    t = Table(name="Đề án")
    t.addElement(row(cell("BÁO CÁO KHUYẾN CÔNG", numbercolumnsspanned=4), CoveredTableCell(numbercolumnsrepeated=3)))
    t.addElement(TableRow(numberrowsrepeated=2))                     # rows 2-3 empty
    t.addElement(row(*[cell(h) for h in HEAD]))                      # row 4: the header
    t.addElement(row(cell("Máy sấy"), cell("Máy móc thiết bị"), cell(150), cell(dt.date(2019, 3, 15))))
    t.addElement(row(cell(None, numbercolumnsrepeated=2), cell(85.5), cell("Đồng Nai", numberrowsspanned=2)))
    t.addElement(row(cell("Đào tạo"), cell(None), cell(60), CoveredTableCell()))
    doc.spreadsheet.addElement(t)
    t2 = Table(name="Ẩn", stylename=hidden)
    t2.addElement(row(cell("x")))
    doc.spreadsheet.addElement(t2)
    doc.save(str(path))


def test_ods_cells_merged_and_hidden(tmp_path):
    _ods(tmp_path / "dong_nai.ods")
    grids, notes = read_grids(tmp_path / "dong_nai.ods")
    (g,) = grids
    assert g.rows == [["BÁO CÁO KHUYẾN CÔNG", None, None, None], [None] * 4, [None] * 4, HEAD,
                      ["Máy sấy", "Máy móc thiết bị", 150, dt.date(2019, 3, 15)],
                      [None, None, 85.5, "Đồng Nai"], ["Đào tạo", None, 60, None]]
    assert g.rownums == [1, 2, 3, 4, 5, 6, 7]
    assert g.merged == [(0, 0, 0, 3), (5, 3, 6, 3)]  # calamine does not report these for .ods: read from content.xml
    assert any("sheet 'Ẩn' is hidden: skipped" in n for n in notes)
    grids, _ = read_grids(tmp_path / "dong_nai.ods", include_hidden=True)
    assert [(g.sheet, g.hidden) for g in grids] == [("Đề án", False), ("Ẩn", True)]


def test_ods_merged_ranges_count_repeated_rows_and_cells():
    content = (b'<table:table table:name="A &amp; B"><table:table-row table:number-rows-repeated="3"/>'
               b'<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
               b'<table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="3"><text:p>x</text:p>'
               b'</table:table-cell></table:table-row></table:table><table:table table:name="C"/>')
    assert ods_merged_ranges(content) == {"A & B": [(3, 2, 5, 3)]}


# -- workbooks that cannot be read -----------------------------------------------------------
def _fake_encrypted(path):
    # an encrypted .xlsx is an OLE2 file whose directory names these two streams (UTF-16)
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
                     + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 400)


@pytest.mark.parametrize("name", ["khoa.xlsx", "khoa.xls"])
def test_encrypted_workbook_is_reported_as_password_protected(tmp_path, name):
    _fake_encrypted(tmp_path / name)
    with pytest.raises(DataError) as e:
        read_grids(tmp_path / name)
    assert only_problem(e) == "the workbook is password-protected"
    assert "without" in e.value.problems[0].hint


def test_encrypted_ods_is_reported_as_password_protected(tmp_path):
    import zipfile

    _ods(tmp_path / "plain.ods")
    # LibreOffice's "Save with password" keeps the zip and lists each encrypted part in the manifest
    with zipfile.ZipFile(tmp_path / "plain.ods") as src, zipfile.ZipFile(tmp_path / "khoa.ods", "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "META-INF/manifest.xml":
                data = re.sub(rb'(full-path="content.xml"[^>]*)/>', rb'\1><manifest:encryption-data '
                              rb'manifest:checksum-type="SHA1/1K"/></manifest:file-entry>', data)
                assert b"encryption-data" in data
            elif item.filename == "content.xml":
                data = bytes(range(256)) * 4  # ciphertext
            dst.writestr(item, data)
    with pytest.raises(DataError) as e:
        read_grids(tmp_path / "khoa.ods")
    assert only_problem(e) == "the workbook is password-protected"


def test_calamine_password_error_is_reported_as_password_protected(tmp_path, monkeypatch):
    # calamine raises PasswordError for a protected .xls (and an encrypted .xlsx read by path)
    from python_calamine import PasswordError

    class Locked:
        @classmethod
        def from_path(cls, path):
            raise PasswordError("Workbook is password protected")

    import xlwt

    wb = xlwt.Workbook()
    wb.add_sheet("A").write(0, 0, "x")
    wb.save(str(tmp_path / "khoa.xls"))
    monkeypatch.setattr(workbook_mod, "CalamineWorkbook", Locked)
    with pytest.raises(DataError) as e:
        read_grids(tmp_path / "khoa.xls")
    assert only_problem(e) == "the workbook is password-protected"


def test_workbook_named_for_another_format_is_read_by_its_content(tmp_path):
    _xlsx(tmp_path / "a.xlsx")
    (tmp_path / "a.xlsx").rename(tmp_path / "renamed.xls")
    grids, notes = read_grids(tmp_path / "renamed.xls")
    assert grids[0].rows[0][0] == "BÁO CÁO KHUYẾN CÔNG TỈNH CÀ MAU NĂM 2019" and grids[0].merged == [(0, 0, 0, 3)]
    assert notes[0].endswith("is named .xls but holds an Excel .xlsx/.xlsm workbook; read by its content")


def test_web_page_saved_as_xls_and_damaged_workbooks(tmp_path):
    (tmp_path / "web.xls").write_text("<html><body><table><tr><td>Tên đề án</td></tr></table></body></html>")
    with pytest.raises(DataError) as e:
        read_grids(tmp_path / "web.xls")
    assert only_problem(e) == "the file is a web page (HTML) saved with an .xls name, not a workbook that can be read"
    (tmp_path / "broken.ods").write_bytes(b"PK\x03\x04 not a zip" * 20)
    with pytest.raises(DataError) as e:
        read_grids(tmp_path / "broken.ods")
    assert only_problem(e).startswith("the file cannot be read as OpenDocument .ods (")


def test_workbook_with_only_hidden_sheets(tmp_path):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp_path / "h.xlsx"))
    wb.add_worksheet("Mở").write("A1", "x")
    wb.add_worksheet("Ẩn").write("A1", "y")
    wb.worksheets()[1].activate()
    wb.worksheets()[0].hide()
    wb.worksheets()[1].hide()
    wb.close()
    with pytest.raises(DataError) as e:
        read_grids(tmp_path / "h.xlsx")
    assert only_problem(e) == "every worksheet is hidden"
    assert "include_hidden=True" in e.value.problems[0].hint


def test_unsupported_suffix_lists_the_supported_types(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(DataError) as e:
        read_grids(tmp_path / "notes.docx")
    assert only_problem(e) == "unsupported file type '.docx'"
    assert ".csv, .txt, .tsv, .xlsx, .xlsm, .xls, .ods or .parquet" in e.value.problems[0].hint


# -- text files --------------------------------------------------------------------------------
def test_excel_unicode_text_utf16_tab_separated_with_line_breaks(tmp_path):
    # Excel "Unicode Text": UTF-16 LE with BOM, tabs, CRLF, a cell with a line break quoted
    text = ("BÁO CÁO KHUYẾN CÔNG\t\t\t\r\n"
            "Tên đề án\tNội dung\tKinh phí (triệu đồng)\tNgày phê duyệt\r\n"
            '"Máy sấy\nnông sản"\tMáy móc thiết bị\t150,5\t15/03/2019\r\n'
            "Đào tạo\tĐào tạo\t85\t20/03/2019\r\n")
    (tmp_path / "excel.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (g,), notes = read_grids(tmp_path / "excel.txt")
    assert g.rows == [["BÁO CÁO KHUYẾN CÔNG", "", "", ""], HEAD,
                      ["Máy sấy\nnông sản", "Máy móc thiết bị", "150,5", "15/03/2019"],
                      ["Đào tạo", "Đào tạo", "85", "20/03/2019"]]
    assert g.rownums == [1, 2, 3, 5]  # the quoted line break puts the last record on line 5
    assert notes == [f"{tmp_path / 'excel.txt'}: read as utf-16-le with BOM"]


@pytest.mark.parametrize("name,data,encoding", [
    ("be.tsv", b"\xfe\xff" + "Tên đề án\tKinh phí\r\nMáy\t150\r\n".encode("utf-16-be"), "utf-16-be with BOM"),
    ("nobom.txt", "Tên đề án\tKinh phí\r\nMáy\t150\r\n".encode("utf-16-le"), "utf-16-le"),
    ("bom.tsv", "\ufeffTên đề án\tKinh phí\nMáy\t150\n".encode("utf-8"), "utf-8 with BOM"),
    ("plain.csv", "Tên đề án,Kinh phí\nMáy,150\n".encode(), "utf-8"),
])
def test_text_encodings_and_separators(tmp_path, name, data, encoding):
    (tmp_path / name).write_bytes(data)
    (g,), notes = read_grids(tmp_path / name)
    assert g.rows == [["Tên đề án", "Kinh phí"], ["Máy", "150"]] and g.rownums == [1, 2] and g.sheet is None
    assert notes[0].endswith(f"read as {encoding}")


def test_cp1258_csv_with_combining_tone_marks_is_nfc(tmp_path):
    # Windows-1258 writes "ề" as ê (0xEA) + a combining grave (0xCC), "ỉ" as i + a combining hook (0xD2)
    (tmp_path / "cp.csv").write_bytes(b"T\xean \xf0\xea\xcc \xe1n,Ti\xd2nh\n\xd0\xf4\xccng Nai,1\n")
    (g,), notes = read_grids(tmp_path / "cp.csv")
    assert g.rows == [["Tên đề án", "Tỉnh"], ["Đồng Nai", "1"]]
    assert notes[0].endswith("read as cp1258")


def test_semicolon_csv_below_a_title_block(tmp_path):
    text = ("BÁO CÁO KẾT QUẢ KHUYẾN CÔNG, NĂM 2019\nĐơn vị tính: triệu đồng\n\n"
            "Tên đề án;Nội dung;Kinh phí (triệu đồng);Ngày phê duyệt\n"
            "Máy sấy;Máy móc thiết bị;1.200,5;15/3/2019\nĐào tạo;Đào tạo;85,5;20/3/2019\n")
    assert sniff_delimiter(text) == ";"
    (tmp_path / "vn.csv").write_text(text, encoding="utf-8")
    (g,), _ = read_grids(tmp_path / "vn.csv")
    assert g.rows[0] == ["BÁO CÁO KẾT QUẢ KHUYẾN CÔNG, NĂM 2019"] and g.rows[2] == []
    assert g.rows[3] == HEAD and g.rows[4] == ["Máy sấy", "Máy móc thiết bị", "1.200,5", "15/3/2019"]
    assert g.rownums == [1, 2, 3, 4, 5, 6]


def test_undecodable_text_is_one_problem(tmp_path):
    (tmp_path / "odd.txt").write_bytes(b"\xff\xfeT\x00e\x00n")  # UTF-16 cut in the middle of a character
    with pytest.raises(DataError) as e:
        read_grids(tmp_path / "odd.txt")
    assert only_problem(e) == "the file is not text in UTF-8, UTF-16, Windows-1258 or Windows-1252"


def test_decode_text_names_the_encoding():
    assert decode_text("Đồng Nai".encode("utf-16-be")) == ("Đồng Nai", "utf-16-be")
    assert decode_text(b"\xfe\xff" + "Đồng Nai".encode("utf-16-be")) == ("Đồng Nai", "utf-16-be with BOM")
    assert decode_text("Đồng Nai".encode()) == ("Đồng Nai", "utf-8")


# -- read_dataset passes the grids and the hidden-sheet choice to the importer --------------------
def test_read_dataset_hands_each_grid_to_the_importer(tmp_path, monkeypatch):
    _xlsx(tmp_path / "ca_mau.xlsx")
    seen = []

    def fake_import(g, *, money_unit=None, as_of=None, source=None, **hints):
        seen.append((g.sheet, g.hidden, money_unit, source))
        return Part(notes=[f"imported {g.sheet}"])

    monkeypatch.setattr(read_mod, "import_grid", fake_import)
    loaded = read_dataset(tmp_path / "ca_mau.xlsx", money_unit="trieu", source="local")
    assert seen == [("Báo cáo", False, "trieu", "local")]
    assert any("sheet 'Ẩn' is hidden: skipped" in n for n in loaded.notes) and "imported Báo cáo" in loaded.notes
    seen.clear()
    read_dataset(tmp_path / "ca_mau.xlsx", include_hidden=True)
    assert seen == [("Báo cáo", False, None, None), ("Ẩn", True, None, None)]
    _fake_encrypted(tmp_path / "khoa.xlsx")
    loaded = read_dataset([tmp_path / "ca_mau.xlsx", tmp_path / "khoa.xlsx"])
    assert [(p.file, p.message) for p in loaded.problems] == [(str(tmp_path / "khoa.xlsx"),
                                                               "the workbook is password-protected")]


def test_cp1258_title_block_is_not_taken_for_cp1252():
    # an official title block in Windows-1258 (combining tone marks) also decodes as cp1252 into
    # Latin-1 mojibake ("ÐÔÌNG" for "ĐỒNG"); letters beyond Latin-1 decide (found by the round-trip test)
    text = ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI,,CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "STT,Tên đề án,Nội dung,Số cơ sở thụ hưởng,Nguồn vốn,Kinh phí\n")
    assert decode_text(encode_cp1258(text)) == (text, "cp1258")


@pytest.mark.parametrize("encoding, write", [
    ("utf-8", lambda t: t.encode("utf-8")),
    ("utf-8 with BOM", lambda t: t.encode("utf-8-sig")),
    ("cp1258", encode_cp1258),
    ("ascii", lambda t: t.encode("ascii")),  # diacritics folded away: read as UTF-8, which ASCII is
])
def test_large_text_files_are_read_line_by_line_to_the_same_grid(tmp_path, monkeypatch, encoding, write):
    # a multi-line quoted cell, a title block, Vietnamese in every encoding that can hold it; the streamed
    # reader (files past STREAM_BYTES) must give the grid the whole-file reader gives
    text = ("BÁO CÁO KHUYẾN CÔNG TỈNH ĐỒNG NAI NĂM 2020\n"
            "STT;Tên đề án;Kinh phí (triệu đồng);Tình trạng\n"
            + "".join(f'{i};"Hỗ trợ máy sấy\nsố {i}";{i},5;Đã nghiệm thu\n' for i in range(1, 400)))
    if encoding == "ascii":
        text = "".join(c for c in unicodedata.normalize("NFD", text) if ord(c) < 128)
    f = tmp_path / "big.csv"
    f.write_bytes(write(text))
    whole, notes_whole = read_grids(f)
    monkeypatch.setattr(read_mod, "STREAM_BYTES", 256)
    streamed, notes = read_grids(f)
    shown = "utf-8" if encoding == "ascii" else encoding
    assert notes[0].endswith(f"read as {shown}, line by line") and not notes_whole[0].endswith("line by line")
    assert streamed[0].rows == whole[0].rows and streamed[0].rownums == whole[0].rownums
    assert whole[0].rows[3][1] == ("Hỗ trợ máy sấy\nsố 2" if encoding != "ascii" else "Ho tro may say\nso 2")
    assert whole[0].rownums[:4] == [1, 2, 3, 5]  # the quoted line break: the editor's line numbers


def test_a_large_file_whose_head_misleads_is_decoded_whole(tmp_path, monkeypatch):
    # ASCII for the first lines, then a byte that is not UTF-8: the streamed read gives up, the whole read decides
    f = tmp_path / "big.csv"
    f.write_bytes(b"STT;Ten de an;Kinh phi\n" * 40 + "1;Máy;2\n".encode("cp1258"))
    monkeypatch.setattr(read_mod, "STREAM_BYTES", 256)
    monkeypatch.setattr(stream_mod, "HEAD_BYTES", 128)
    grids, notes = read_grids(f)
    assert notes[0].endswith("read as cp1258") and grids[0].rows[-1] == ["1", "Máy", "2"]
