"""Vietnamese words in spreadsheet cells (kceval.io.words): provinces and activities.

Expected values are written by hand from DOMAIN.md ("Activity categories") and from the titles
and organisation lines of official reports (Mẫu 2). Headers are tested in test_headers.py,
statuses in test_statuses.py, report lines, sections and totals in test_lines.py.
"""
import pytest

from kceval.io.numbers import ParseError
from kceval.io.words import activity_from_text, parse_activity, province_from_text


# -- provinces in titles and organisation lines ----------------------------------------------
@pytest.mark.parametrize("text, province", [
    ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "Đồng Nai"), ("UBND TỈNH TÂY NINH", "Tây Ninh"),
    ("SỞ CÔNG THƯƠNG TP. HỒ CHÍ MINH", "TP. Hồ Chí Minh"), ("ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ", "Thừa Thiên Huế"),
    ("BÁO CÁO KẾT QUẢ KHUYẾN CÔNG TỈNH BÌNH DƯƠNG NĂM 2020", "Bình Dương"), ("UBND TP.HCM", "TP. Hồ Chí Minh"),
    ("UBND tỉnh Tây Ninh (mới)", "Tây Ninh"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None), ("Đơn vị tính: triệu đồng", None), ("Tình hình thực hiện", None),
])
def test_province_from_text(text, province):
    assert province_from_text(text) == province


# -- activities ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("HỖ TRỢ ỨNG DỤNG MÁY MÓC THIẾT BỊ", "machinery"), ("Đào tạo nghề, truyền nghề", "training"),
    ("KHUYẾN CÔNG QUỐC GIA", None), ("Đào tạo và hội chợ", None), ("", None),
])
def test_activity_from_text(text, expected):
    assert activity_from_text(text) == expected


@pytest.mark.parametrize("text, activity", [
    ("Hỗ trợ ứng dụng máy móc thiết bị", "machinery"), ("Chuyển giao công nghệ", "machinery"),
    ("Hỗ trợ máy móc", "machinery"), ("Tổ chức hội chợ", "fair"), ("Tham gia hội chợ triển lãm", "fair"),
    ("Hỗ trợ đăng ký thương hiệu", "brand"), ("Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu", "product_award"),
    ("Xây dựng mô hình trình diễn kỹ thuật", "demonstration"), ("Đào tạo nghề, truyền nghề", "training"),
    ("Tư vấn", "consulting"), ("Thông tin tuyên truyền", "communication"),
    ("Hỗ trợ xây dựng cụm công nghiệp", "industrial_cluster"), ("Hợp tác quốc tế", "cooperation"),
    ("Nâng cao năng lực quản lý, khởi sự doanh nghiệp", "capacity"), ("Advanced machinery", "machinery"),
    ("industrial_cluster", "industrial_cluster"),
])
def test_activity_phrases(text, activity):
    assert parse_activity(text) == activity


def test_unknown_activity_names_three_closest():
    with pytest.raises(ParseError) as e:
        parse_activity("Máy thiết bị")
    assert e.value.hint.startswith("did you mean 'Máy móc thiết bị', ")
    assert e.value.hint.split("?")[0].count("'") == 6  # three names
    with pytest.raises(ParseError, match="several: fair, training"):
        parse_activity("Đào tạo và hội chợ")
