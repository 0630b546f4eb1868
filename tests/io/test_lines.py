"""The lines around and inside a report's table (kceval.io.lines): title lines, sections, totals.

Expected values are written by hand from the layout of an official report (Mẫu 2:
organisation, motto, number, place and date, title, table, notes, signatures) and from the
section and totals rows of its table ("I. KHUYẾN CÔNG QUỐC GIA", "Cộng I", "TỔNG CỘNG (I+II)").
"""
import pytest

from kceval.io.lines import (
    Section,
    TotalLabel,
    is_note_text,
    is_signature_text,
    is_total_label,
    line_kind,
    read_total_label,
    section_heading,
)


# -- lines around the table ------------------------------------------------------------------
@pytest.mark.parametrize("text, kind", [
    ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "org"), ("UBND TỈNH ĐỒNG NAI", "org"), ("SỞ CÔNG THƯƠNG", "org"),
    ("TRUNG TÂM KHUYẾN CÔNG", "org"), ("SỞ CÔNG THƯƠNG TP. HỒ CHÍ MINH", "org"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto"), ("Độc lập - Tự do - Hạnh phúc", "motto"),
    ("Số: 125/BC-SCT", "number"), ("Số:     /BC-SCT", "number"),
    ("Đồng Nai, ngày 08 tháng 7 năm 2020", "date"), ("Biên Hòa, ngày 08/7/2020", "date"),
    ("Đồng Nai, ngày    tháng 7 năm 2020", "date"), ("TP. Hồ Chí Minh, ngày 1 tháng 7 năm 2020", "date"),
    ("Biểu số 02", "form"), ("Mẫu số 2", "form"), ("Mẫu 2", "form"), ("Phụ lục 1", "form"), ("Phụ lục II", "form"),
    ("Đơn vị tính: triệu đồng", "unit"), ("ĐVT: triệu đồng", "unit"), ("(ĐVT: tỷ đồng)", "unit"),
    ("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH KHUYẾN CÔNG ĐẾN NGÀY 30 THÁNG 6 NĂM 2020", "title"),
    ("DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2020", "title"), ("KẾT QUẢ THỰC HIỆN", "title"), ("TỔNG HỢP KINH PHÍ", "title"),
    ("(Kèm theo Báo cáo số 125/BC-SCT ngày 08/7/2020)", "attachment"),
    ("Người lập biểu", "signature"), ("Người lập", "signature"), ("GIÁM ĐỐC", "signature"),
    ("KT. GIÁM ĐỐC", "signature"), ("PHÓ GIÁM ĐỐC", "signature"), ("Thủ trưởng đơn vị", "signature"),
    ("TM. ỦY BAN NHÂN DÂN", "signature"), ("(Ký, ghi rõ họ tên)", "signature"), ("(Ký tên, đóng dấu)", "signature"),
    ("(Đã ký)", "signature"), ("Nơi nhận:", "signature"), ("- Như trên;", "signature"), ("- Lưu: VT, KC.", "signature"),
    ("Ghi chú: số liệu tạm tính", "note"), ("Ghi chú", "note"), ("Lưu ý: đề án chuyển tiếp", "note"),
    ("* Số liệu ước thực hiện", "note"), ("(*) Đề án chuyển tiếp từ năm 2019", "note"),
    ("Nguyễn Văn An", "other"), ("Tổng cộng", "other"), ("", "other"), (None, "other"),
])
def test_line_kind(text, kind):
    assert line_kind(text) == kind


def test_signature_and_note_predicates():
    assert is_signature_text("KT. GIÁM ĐỐC") and not is_signature_text("Ghi chú")
    assert is_note_text("(*) Đề án chuyển tiếp") and not is_note_text("Nơi nhận:")


# -- section headings and totals -------------------------------------------------------------
@pytest.mark.parametrize("cells, expected", [
    (["I", "KHUYẾN CÔNG QUỐC GIA"], Section("I", "KHUYẾN CÔNG QUỐC GIA", "national", None)),
    (["I.", "Khuyến công quốc gia", None, 500], Section("I", "Khuyến công quốc gia", "national", None)),
    (["II  KHUYẾN CÔNG ĐỊA PHƯƠNG"], Section("II", "KHUYẾN CÔNG ĐỊA PHƯƠNG", "local", None)),
    (["A", "HỖ TRỢ ỨNG DỤNG MÁY MÓC THIẾT BỊ"], Section("A", "HỖ TRỢ ỨNG DỤNG MÁY MÓC THIẾT BỊ", None, "machinery")),
    (["B. Đào tạo nghề"], Section("B", "Đào tạo nghề", None, "training")),
    ([None, "", "IV", "Hội chợ triển lãm KCĐP"], Section("IV", "Hội chợ triển lãm KCĐP", "local", "fair")),
    (["III", "Tư vấn, thương hiệu"], Section("III", "Tư vấn, thương hiệu", None, None)),  # two activities
    (["1", "KHUYẾN CÔNG QUỐC GIA"], None),  # project numbers are arabic
    (["1", "Máy sấy nông sản"], None),
    (["I"], None), (["I", 500], None), (["Cộng I"], None), (["A Lưới"], None), ([], None),
])
def test_section_heading(cells, expected):
    assert section_heading(cells) == expected

@pytest.mark.parametrize("label, expected", [
    ("Tổng cộng", TotalLabel("total", ())), ("TỔNG CỘNG (I+II)", TotalLabel("total", ("I", "II"))),
    ("Tổng số", TotalLabel("total", ())), ("Tổng", TotalLabel("total", ())), ("Total", TotalLabel("total", ())),
    ("Grand total", TotalLabel("total", ())), ("Cộng toàn tỉnh", TotalLabel("total", ())),
    ("Tổng cộng các đề án", TotalLabel("total", ())),
    ("Cộng I", TotalLabel("subtotal", ("I",))), ("Cộng (I)", TotalLabel("subtotal", ("I",))),
    ("Cộng A", TotalLabel("subtotal", ("A",))), ("Cộng mục I", TotalLabel("subtotal", ("I",))),
    ("Cộng", TotalLabel("subtotal", ())), ("Cộng:", TotalLabel("subtotal", ())),
    ("Subtotal", TotalLabel("subtotal", ())),
    ("Công ty A", None), ("Tổng hợp", None), ("Cộng đồng", None), ("", None), (12, None), (None, None),
])
def test_read_total_label(label, expected):
    assert read_total_label(label) == expected
    assert is_total_label(label) is (expected is not None)
