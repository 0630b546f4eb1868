"""Status cells (kceval.io.statuses): phrases, events, dates and notes as people write them.

Expected values are written by hand from DOMAIN.md ("Project lifecycle and statuses", "Numbers,
units and dates"). Dates are calendar facts: a month deadline means its last day, a quarter its
last month's.
"""
import unicodedata

import pandas as pd
import pytest

from kceval.io.numbers import ParseError
from kceval.io.statuses import StatusReading, parse_status

T = pd.Timestamp


# -- statuses --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Đã nghiệm thu", StatusReading("accepted")),
    ("Nghiệm thu", StatusReading("accepted")),
    ("Hoàn thành, đã nghiệm thu", StatusReading("accepted")),
    ("Đã nghiệm thu ngày 12/5/2020", StatusReading("accepted", on=T("2020-05-12"))),
    ("Nghiệm thu ngày 12 tháng 5 năm 2020", StatusReading("accepted", on=T("2020-05-12"))),
    ("Hoàn thành", StatusReading("finished")),
    ("Đã hoàn thành", StatusReading("finished")),
    ("Hoàn thành chờ nghiệm thu", StatusReading("finished")),
    ("Đang thực hiện", StatusReading("in_progress")),
    ("Đang triển khai", StatusReading("in_progress")),
    ("Đang thực hiện (đạt 60% khối lượng)", StatusReading("in_progress", note="đạt 60% khối lượng")),
    ("Đang thực hiện, đạt 60%", StatusReading("in_progress", note="đạt 60%")),
    ("Xin gia hạn đến 31/12/2020", StatusReading("in_progress", "extension", new_planned_end=T("2020-12-31"))),
    ("Gia hạn đến 31/12/2020", StatusReading("in_progress", "extension", new_planned_end=T("2020-12-31"))),
    ("Đã gia hạn đến tháng 12/2020", StatusReading("in_progress", "extension", new_planned_end=T("2020-12-31"))),
    ("Gia hạn đến tháng 2/2021", StatusReading("in_progress", "extension", new_planned_end=T("2021-02-28"))),
    ("Gia hạn đến Quý I/2021", StatusReading("in_progress", "extension", new_planned_end=T("2021-03-31"))),
    ("Gia hạn đến hết năm 2021", StatusReading("in_progress", "extension", new_planned_end=T("2021-12-31"))),
    ("Gia hạn", StatusReading("in_progress", "extension")),
    ("Dừng thực hiện (DN không đủ vốn đối ứng)", StatusReading("stopped", note="DN không đủ vốn đối ứng")),
    ("Dừng thực hiện - DN không đủ vốn đối ứng", StatusReading("stopped", note="DN không đủ vốn đối ứng")),
    ("Dừng thực hiện", StatusReading("stopped")),
    ("Ngừng thực hiện", StatusReading("stopped")),
    ("Không thực hiện", StatusReading("stopped")),
    ("Đã dừng", StatusReading("stopped")),
    ("Tạm dừng", StatusReading("suspended")),
    ("Tạm ngừng", StatusReading("suspended")),
    ("Hủy theo QĐ số 123/QĐ-SCT ngày 5/6/2020",
     StatusReading("stopped", on=T("2020-06-05"), note="QĐ số 123/QĐ-SCT ngày 5/6/2020")),
    ("Dừng thực hiện (theo QĐ số 12/QĐ-SCT ngày 1/2/2020)",
     StatusReading("stopped", on=T("2020-02-01"), note="QĐ số 12/QĐ-SCT ngày 1/2/2020")),
    ("Huỷ", StatusReading("stopped")),
    ("Hủy bỏ", StatusReading("stopped")),
    ("Điều chỉnh nội dung", StatusReading("in_progress", "adjustment", note="nội dung")),
    ("Điều chỉnh quy mô", StatusReading("in_progress", "adjustment", note="quy mô")),
    ("Điều chỉnh nội dung / quy mô", StatusReading("in_progress", "adjustment", note="nội dung / quy mô")),
    ("Đã điều chỉnh kinh phí", StatusReading("in_progress", "adjustment", note="kinh phí")),
    ("Điều chỉnh nội dung theo QĐ số 5/QĐ-SCT ngày 1/3/2020",
     StatusReading("in_progress", "adjustment", on=T("2020-03-01"), note="nội dung; QĐ số 5/QĐ-SCT ngày 1/3/2020")),
    ("Gia hạn đến 31/12/2020 theo QĐ số 45/QĐ-SCT ngày 1/10/2020",
     StatusReading("in_progress", "extension", T("2020-10-01"), T("2020-12-31"), "QĐ số 45/QĐ-SCT ngày 1/10/2020")),
    ("Chưa triển khai", StatusReading("approved")),
    ("Chưa thực hiện", StatusReading("approved")),
    # an aside that is the event of an ongoing project, or the acceptance of a finished one
    ("Đang thực hiện (gia hạn đến 30/6/2021)",
     StatusReading("in_progress", "extension", new_planned_end=T("2021-06-30"))),
    ("Hoàn thành (đã nghiệm thu ngày 3/4/2021)", StatusReading("accepted", on=T("2021-04-03"))),
    # a date after "đến" that is no deadline is kept in parentheses as a note
    ("Tạm dừng (đến 31/12/2020)", StatusReading("suspended", note="đến 31/12/2020")),
])
def test_status_phrases(text, expected):
    assert parse_status(text) == expected


@pytest.mark.parametrize("code", ["approved", "in_progress", "finished", "accepted", "stopped", "suspended"])
def test_status_codes(code):
    assert parse_status(code) == StatusReading(code)
    assert parse_status(code.upper().replace("_", " ")) == StatusReading(code)


def test_status_spelling_variants_are_one_word():
    # tone mark on u or y, NFC or NFD, any case: fold makes them the same phrase
    for text in ("Hủy", "Huỷ", unicodedata.normalize("NFD", "Hủy bỏ"), "HUỶ BỎ", "huy"):
        assert parse_status(text) == StatusReading("stopped")
    nfd = unicodedata.normalize("NFD", "Dừng thực hiện (DN không đủ vốn)")
    assert parse_status(nfd).note == "DN không đủ vốn"  # the note comes back composed (NFC)


@pytest.mark.parametrize("empty", [None, "", "  ", float("nan")])
def test_empty_status_is_none(empty):
    assert parse_status(empty) is None


@pytest.mark.parametrize("text, closest", [
    ("Nghiem thuu", "Nghiệm thu"),
    ("Đã nghiệm thu abc", "Đã nghiệm thu"),
    ("Điều chỉnh xyz", "Điều chỉnh"),
])
def test_unknown_status_names_closest_phrases(text, closest):
    with pytest.raises(ParseError) as e:
        parse_status(text)
    assert "not a known status" in e.value.message
    assert f"'{closest}'" in e.value.hint and e.value.hint.startswith("did you mean")


@pytest.mark.parametrize("text, match", [
    ("Tạm dừng đến 31/12/2020", "deadline"),       # a new planned end needs an extension or adjustment
    ("Đã nghiệm thu ngày 31/2/2020", "not a real date"),
    ("Xong", "not a known status"),
])
def test_status_refused(text, match):
    with pytest.raises(ParseError, match=match):
        parse_status(text)
