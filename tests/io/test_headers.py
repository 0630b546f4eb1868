"""Column headers (kceval.io.headers): one header cell, and a column's stacked header rows.

Expected fields are written by hand from the header vocabulary (DESIGN.md §2) and from the
headers of official reports: merged money parents ("Kinh phí", "Giải ngân", "Kế hoạch") over
source, total and counterpart children, time words over events, units in parentheses
(DOMAIN.md "Numbers, units and dates").
"""
import pytest

from kceval.io.headers import (
    MONEY_FIELDS,
    HeaderReading,
    map_header,
    read_header,
    read_header_parts,
    suggest_fields,
)
from kceval.text import fold


# -- headers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("header, field", [
    ("Nguồn KP", "source"), ("Nguồn kinh phí", "source"), ("Nguồn vốn", "source"),
    ("Thời gian phê duyệt", "approved_on"), ("Ngày, số QĐ phê duyệt", "approved_on"),
    ("Số, ngày quyết định phê duyệt", "approved_on"),
    ("Thời gian hoàn thành", "planned_end"), ("Thời gian kết thúc", "planned_end"),
    ("Thời hạn hoàn thành", "planned_end"),
    ("Tình hình thực hiện", "status"), ("Tiến độ thực hiện", "status"), ("Kết quả thực hiện", "status"),
    ("Tình trạng", "status"),
    ("Đơn vị thụ hưởng", "beneficiaries"), ("Cơ sở thụ hưởng", "beneficiaries"),
    ("Số cơ sở được hỗ trợ", "beneficiaries"),
    ("Đơn vị thực hiện", "implementer"), ("Đơn vị chủ trì", "implementer"),
    ("Địa bàn", "location"), ("Địa điểm", "location"), ("Địa điểm thực hiện", "location"),
    ("Địa bàn thực hiện", "location"), ("Xã/phường", "location"),
    ("Ghi chú", "note"),
    ("Nội dung", "activity"), ("Nội dung hỗ trợ", "activity"), ("Lĩnh vực", "activity"), ("Hoạt động", "activity"),
    ("Tên đề án", "title"), ("Tên nhiệm vụ, đề án", "title"),
    ("STT", "row_label"), ("TT", "row_label"), ("Mã đề án", "project_id"), ("Mã số", "project_id"),
    ("KCQG", "support_national"), ("Khuyến công quốc gia", "support_national"),
    ("Ngân sách trung ương", "support_national"), ("NSTW", "support_national"),
    ("KCĐP", "support_local"), ("Khuyến công địa phương", "support_local"), ("Ngân sách địa phương", "support_local"),
    ("Ngân sách tỉnh", "support_local"), ("NSĐP", "support_local"),
    ("Giải ngân đến 30/6/2020", "executed"), ("Kinh phí đã giải ngân đến ngày 30/6/2020", "executed"),
    ("Lũy kế giải ngân", "executed"), ("Thực hiện 6 tháng đầu năm 2020", "executed"),
    ("Kinh phí khuyến công", "support_vnd"), ("TÊN ĐỀ ÁN", "title"), ("tinh trang", "status"),
])
def test_headers_exact(header, field):
    r = read_header(header)
    assert (r.field, r.guessed) == (field, False)


@pytest.mark.parametrize("header, expected", [
    ("Kinh phí khuyến công (triệu đồng)",
     HeaderReading("support_vnd", "trieu", False, "Kinh phí khuyến công")),
    ("Kinh phí đã giải ngân đến ngày 30/6/2020 (triệu đồng)",
     HeaderReading("executed", "trieu", False, "Kinh phí đã giải ngân")),
    ("support_vnd", HeaderReading("support_vnd", "dong", False, "support_vnd")),
    # by rule: a family and a source in one header, a known start, a distinctive word inside
    ("Giải ngân KCQG", HeaderReading("executed_national", None, True, "Giải ngân / KCQG")),
    ("Kế hoạch KCĐP năm 2020", HeaderReading("approved_local", None, True, "Kế hoạch / KCĐP")),
    ("Kinh phí đã thực hiện lũy kế", HeaderReading("executed", None, True, "Kinh phí đã thực hiện")),
    ("Ghi chú (lý do)", HeaderReading("note", None, True, "Ghi chú")),
    ("Tổng vốn đối ứng", HeaderReading("counterpart_vnd", None, True, "Vốn đối ứng")),
    ("Tên đơn vị thực hiện", HeaderReading("implementer", None, True, "Đơn vị thực hiện")),
    # not placed: nothing guessed
    ("Thời gian thực hiện", HeaderReading(None, None, False, None)),
    ("Ước thực hiện", HeaderReading(None, None, False, None)),
    ("Tổng số", HeaderReading(None, None, False, None)),
    ("", HeaderReading(None, None, False, None)),
])
def test_read_header(header, expected):
    assert read_header(header) == expected


def test_map_header_keeps_its_shape():
    assert map_header("Kinh phí hỗ trợ (triệu đồng)") == ("support_vnd", "trieu")
    assert map_header("Vốn đối ứng, tỷ đồng") == ("counterpart_vnd", "ty")
    assert map_header("Cột lạ") == (None, None) and map_header(None) == (None, None)


def test_money_fields_keep_the_first_six():
    assert MONEY_FIELDS[:6] == ("support_vnd", "counterpart_vnd", "executed", "approved", "revised", "amount")
    for f in ("support_national", "support_local", "support_total", "executed_national", "executed_local",
              "executed_total", "approved_national", "approved_local", "approved_total"):
        assert f in MONEY_FIELDS


def test_header_names_fold_to_one_field_each():
    from kceval.io.headers import _HEADERS

    keys = [fold(n) for names in _HEADERS.values() for n in names]
    assert len(keys) == len(set(keys))


def test_suggest_fields():
    assert suggest_fields("Tinh trang de an")[:2] == ["Tình trạng", "Tỉnh thành"]
    assert suggest_fields("Don vi thu huong (trieu dong)")[0] == "Đơn vị thụ hưởng"
    assert suggest_fields("zzzz") == []


@pytest.mark.parametrize("parts, field, unit, guessed", [
    (["Kinh phí (triệu đồng)", "KCQG"], "support_national", "trieu", False),
    (["Kinh phí (triệu đồng)", "Tổng số"], "support_total", "trieu", False),
    (["Kinh phí (triệu đồng)", "Đối ứng"], "counterpart_vnd", "trieu", False),
    (["Kinh phí", "Vốn đối ứng"], "counterpart_vnd", None, False),
    (["Kinh phí (triệu đồng)", "Trong đó", "KCĐP"], "support_local", "trieu", False),
    (["Kinh phí", "Chia ra", "KCQG"], "support_national", None, False),
    (["Kinh phí", "Bao gồm", "KCĐP"], "support_local", None, False),
    (["Kinh phí", "Trong đó:", "KCĐP (tỷ đồng)"], "support_local", "ty", False),
    (["Kinh phí (triệu đồng)", "KCĐP (tỷ đồng)"], "support_local", "ty", False),  # the child's unit first
    (["Giải ngân đến 30/6/2020", "KCQG"], "executed_national", None, False),
    (["Giải ngân đến 30/6/2020", "Tổng số"], "executed_total", None, False),
    (["Lũy kế", "KCĐP"], "executed_local", None, False),
    (["Kế hoạch", "KCĐP"], "approved_local", None, False),
    (["Kế hoạch giao", "Tổng"], "approved_total", None, False),
    (["Dự toán", "KCQG"], "support_national", None, False),
    (["Kế hoạch", "Kinh phí", "KCQG"], "approved_national", None, False),  # "Kinh phí" is the generic family
    (["Thời gian", "Phê duyệt"], "approved_on", None, False),
    (["Thời gian", "Hoàn thành"], "planned_end", None, False),
    (["Nghiệm thu", "Ngày"], "accepted_on", None, False),
    (["Tên đề án"], "title", None, False),
    (["", "Tên đề án"], "title", None, False),
    ([None, "Tên đề án"], "title", None, False),
    (["Kinh phí (triệu đồng)", ""], "support_vnd", "trieu", False),
    (["Kinh phí (triệu đồng)", None, None], "support_vnd", "trieu", False),
    # by rule
    (["Nội dung", "Tên đề án"], "title", None, True),
    (["Đơn vị thụ hưởng", "Số lượng"], "beneficiaries", None, True),  # a generic child is its parent's
    (["Kết quả thực hiện", "Giải ngân"], "executed", None, True),
    (["Giải ngân", "Kinh phí"], "executed", None, True),
    (["Kinh phí hỗ trợ của nhà nước", "KCQG"], "support_national", None, True),  # a family by its start
    # not placed
    (["Ước thực hiện", "KCQG"], None, None, False),     # an estimate is no money family
    (["Thời gian", "Thực hiện"], None, None, False),    # a time word over no event
    (["Thời gian thực hiện", "Bắt đầu"], None, None, False),
    (["Kế hoạch", "Giải ngân"], None, None, False),
    (["Giải ngân", "Đối ứng"], None, None, False),
    (["Kinh phí đối ứng của DN", "Tổng số"], None, None, False),  # starts like "Kinh phí", is no family
    (["", None], None, None, False),
])
def test_read_header_parts(parts, field, unit, guessed):
    r = read_header_parts(parts)
    assert (r.field, r.unit, r.guessed) == (field, unit, guessed)


def test_read_header_parts_says_what_matched():
    assert read_header_parts(["Kinh phí (triệu đồng)", "Trong đó", "KCĐP"]).matched == "Kinh phí / KCĐP"
    assert read_header_parts(["Thời gian", "Phê duyệt"]).matched == "Thời gian / Phê duyệt"
