"""Tests of dates, periods, years and units read from cells and report titles (kceval.io.dates).

References are hand-worked: days, month and quarter ends from the calendar (2020 is a leap
year; Q3 ends 30 September); Excel day numbers from Excel's own count (1 = 01/01/1900,
61 = 01/03/1900 after the fictitious 29/02/1900; 43831 = 01/01/2020); units (read by
kceval.io.numbers) and period words from DOMAIN.md "Numbers, units and dates in Vietnamese
sources".
"""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kceval.io.dates import (
    When,
    as_of_from_text,
    parse_date,
    parse_when,
    period_from_text,
    report_date_from_text,
    year_from_text,
)
from kceval.io.numbers import ParseError, unit_from_text

T = pd.Timestamp


# -- cells ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value,expected", [
    ("15/3/2020", "2020-03-15"), ("15/03/2020", "2020-03-15"), ("15-3-2020", "2020-03-15"),
    ("15.3.2020", "2020-03-15"), ("15/03/20", "2020-03-15"), (" 15 / 3 / 2020 ", "2020-03-15"),
    ("2020-03-15", "2020-03-15"), ("2020-03-15 00:00:00", "2020-03-15"), ("2020-03-15 14:30", "2020-03-15"),
    ("ngày 21 tháng 4 năm 2020", "2020-04-21"), ("21 tháng 4 năm 2020", "2020-04-21"),
    ("Ngày 21/4/2020", "2020-04-21"), ("NGÀY 21 THÁNG 4 NĂM 2020", "2020-04-21"),
    ("ngay 21 thang 4 nam 2020", "2020-04-21"), ("29/02/2020", "2020-02-29"), ("1/2/19", "2019-02-01"),
])
def test_day_texts(value, expected):
    assert parse_when(value) == When(T(expected), "day")
    assert parse_date(value) == T(expected)


@pytest.mark.parametrize("value,expected,precision", [
    ("tháng 9/2020", "2020-09-30", "month"), ("Tháng 9 năm 2020", "2020-09-30", "month"),
    ("T9/2020", "2020-09-30", "month"), ("9/2020", "2020-09-30", "month"), ("09/2020", "2020-09-30", "month"),
    ("tháng 12/2020", "2020-12-31", "month"), ("tháng 2/2020", "2020-02-29", "month"),
    ("Quý III/2020", "2020-09-30", "quarter"), ("quý 4/2020", "2020-12-31", "quarter"),
    ("Quý III năm 2020", "2020-09-30", "quarter"), ("QIII/2020", "2020-09-30", "quarter"),
    ("Q3/2020", "2020-09-30", "quarter"), ("Q.3/2020", "2020-09-30", "quarter"),
    ("Quý I/2020", "2020-03-31", "quarter"), ("quy ii/2020", "2020-06-30", "quarter"),
    ("Năm 2020", "2020-12-31", "year"), ("năm 2020", "2020-12-31", "year"),
])
def test_month_quarter_year_mean_their_last_day(value, expected, precision):
    assert parse_when(value) == When(T(expected), precision)


@pytest.mark.parametrize("value", [
    dt.date(2020, 3, 15), dt.datetime(2020, 3, 15, 17, 45), T("2020-03-15 08:00"), np.datetime64("2020-03-15T10:00"),
    43905, 43905.0, 43905.99, np.int64(43905), np.float64(43905.5),   # 43905 = 43831 (01/01/2020) + 74 days
])
def test_date_cells_and_excel_serials(value):
    assert parse_when(value) == When(T("2020-03-15"), "day")


@pytest.mark.parametrize("serial,expected", [(18264, "1950-01-01"), (43831, "2020-01-01"), (73050, "2099-12-31")])
def test_serial_range_ends(serial, expected):
    assert parse_date(serial) == T(expected)


@pytest.mark.parametrize("value", [None, "", "  ", "-", "–", float("nan"), pd.NaT, np.datetime64("NaT")])
def test_empty_date_cells(value):
    assert parse_when(value) is None and parse_date(value) is None


@pytest.mark.parametrize("value,words", [
    ("31/02/2020", "day 31, month 2, year 2020"), ("29/02/2019", "day 29, month 2, year 2019"),
    ("31/4/2020", "day 31, month 4, year 2020"), ("12/13/2019", "month 13"), ("ngày 32 tháng 1 năm 2020", "day 32"),
    ("13/2020", "month 13"), ("tháng 0/2020", "month 0"),
    (18263, "18263 is not a date"), (73051, "73051 is not a date"), (0, "0 is not a date"),
    (-5.5, "-5.5 is not a date"), (float("inf"), "inf is not a date"),
    (True, "true/false"), ("15/3/1020", "year 1020"), (dt.date(1899, 12, 31), "year 1899"),
    ("2019", "is not a date"), ("hôm qua", "is not a date"), ("Quý V/2020", "is not a date"),
    ("15/3-2020", "is not a date"), ("9 năm 2020", "is not a date"), ("43905", "is not a date"),
    ([2020, 3, 15], "list value is not a date"), (20190315, "20190315 is not a date"),
])
def test_refusals(value, words):
    with pytest.raises(ParseError) as e:
        parse_when(value)
    assert words in e.value.message and e.value.hint


@pytest.mark.parametrize("serial", [18263, 73051, 0, -5.5, float("inf"), 20190315])
def test_implausible_serial_says_so(serial):
    with pytest.raises(ParseError) as e:
        parse_when(serial)
    assert "not a plausible date serial" in e.value.hint and "18264-73050" in e.value.hint


def test_yyyymmdd_number_gets_a_hint():
    with pytest.raises(ParseError) as e:
        parse_when(20190315)
    assert "15/03/2019" in e.value.hint


def test_when_is_frozen():
    w = When(T("2020-03-15"), "day")
    with pytest.raises(AttributeError):
        w.precision = "month"  # type: ignore[misc]
    with pytest.raises(ValueError):
        When(T("2020-03-15"), "week")


# -- property: a day written any of the usual ways comes back ----------------------------------
@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_any_day_round_trips(d):
    serial = 61 + (d - dt.date(1900, 3, 1)).days  # Excel: 61 = 01/03/1900
    for value in (f"{d.day}/{d.month}/{d.year}", f"{d.day:02d}/{d.month:02d}/{d.year}",
                  f"ngày {d.day} tháng {d.month} năm {d.year}", serial, float(serial)):
        assert parse_date(value) == T(d), value


# -- report titles -------------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Đồng Nai, ngày 08 tháng 7 năm 2020", "2020-07-08"), ("Biên Hòa, ngày 08/7/2020", "2020-07-08"),
    ("ngày 08 tháng 7 năm 2020", "2020-07-08"), ("TP. Hồ Chí Minh, ngày 8 tháng 7 năm 2020.", "2020-07-08"),
    ("Bà Rịa - Vũng Tàu, ngày 08/07/2020", "2020-07-08"), ("SỐ 125/BC-SCT\nĐồng Nai, ngày 08/7/2020", "2020-07-08"),
    ("Năm 2020", None), ("Quý III/2020", None), ("Giải ngân đến 30/6/2020", None), ("Số: 125/BC-SCT", None),
    ("Quyết định số 1234/QĐ-UBND, ngày 5/3/2019", None), ("Đồng Nai, tháng 7 năm 2020", None),
])
def test_report_date(text, expected):
    assert report_date_from_text(text) == (T(expected) if expected else None)


@pytest.mark.parametrize("text,expected,what", [
    ("Giải ngân đến 30/6/2020", "2020-06-30", "disbursed up to 30/06/2020"),
    ("Lũy kế giải ngân đến ngày 30/6/2020", "2020-06-30", "disbursed up to 30/06/2020"),
    ("Kinh phí đã giải ngân đến ngày 30 tháng 6 năm 2020", "2020-06-30", "disbursed up to 30/06/2020"),
    ("tính đến 30/06/2020", "2020-06-30", "up to 30/06/2020"),
    ("đến hết tháng 6/2020", "2020-06-30", "up to the end of 06/2020"),
    ("đến hết quý III/2020", "2020-09-30", "up to the end of Q3 2020"),
    ("6 tháng đầu năm 2020", "2020-06-30", "first 6 months of 2020"),
    ("9 tháng năm 2020", "2020-09-30", "first 9 months of 2020"),
    ("9 tháng đầu năm 2020", "2020-09-30", "first 9 months of 2020"),
    ("Kế hoạch 6 tháng cuối năm 2020", "2020-12-31", "last 6 months of 2020"),
    ("Quý III/2020", "2020-09-30", "Q3 2020"), ("quý 3 năm 2020", "2020-09-30", "Q3 2020"),
    ("Báo cáo tháng 6/2020", "2020-06-30", "month 06/2020"),
    ("năm 2020", "2020-12-31", "year 2020"), ("Kế hoạch khuyến công năm 2020", "2020-12-31", "year 2020"),
    ("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH KHUYẾN CÔNG 6 THÁNG ĐẦU NĂM 2020", "2020-06-30", "first 6 months of 2020"),
    # the signing date and document number of a whole header block are not the period
    ("SỞ CÔNG THƯƠNG Số: 125/BC-SCT Đồng Nai, ngày 08 tháng 7 năm 2020 BÁO CÁO 6 tháng đầu năm 2020",
     "2020-06-30", "first 6 months of 2020"),
    ("Kế hoạch năm 2020, giải ngân đến 30/9/2020", "2020-09-30", "disbursed up to 30/09/2020"),
])
def test_period_from_text(text, expected, what):
    assert period_from_text(text) == (T(expected), what)
    assert period_from_text(text, 1999) == (T(expected), what)  # a year in the text wins
    assert as_of_from_text(text) == T(expected)


@pytest.mark.parametrize("text,expected", [
    ("6 tháng đầu năm", "2020-06-30"), ("9 tháng", "2020-09-30"), ("Báo cáo quý II", "2020-06-30"),
    ("Giải ngân đến 30/6", "2020-06-30"), ("đến hết tháng 6", "2020-06-30"),
])
def test_period_without_year_takes_the_given_year(text, expected):
    assert as_of_from_text(text, 2020) == T(expected)
    assert period_from_text(text, 2020)[1].endswith("(year given)")
    assert as_of_from_text(text) is None


@pytest.mark.parametrize("text", [
    "ngày 08 tháng 7 năm 2020", "Đồng Nai, ngày 08 tháng 7 năm 2020", "Biên Hòa, ngày 08/7/2020",
    "Quyết định số 1234/QĐ-UBND ngày 5/3/2019", "Số: 125/BC-SCT", "Danh sách đề án",
    "Đến hết ngày 31/6/2020",   # no 31 June: no guess either
])
def test_no_period(text):
    assert as_of_from_text(text) is None and period_from_text(text, None) is None


@pytest.mark.parametrize("text,expected", [
    ("Kế hoạch khuyến công năm 2020", 2020), ("KẾ HOẠCH KHUYẾN CÔNG NĂM 2019", 2019), ("Quý III/2020", 2020),
    ("Giải ngân đến 30/6/2020", 2020), ("6 tháng đầu năm 2020", 2020), ("Kế hoạch khuyến công 2021", 2021),
    ("Số: 125/BC-SCT", None), ("Quyết định số 1234/QĐ-UBND ngày 5/3/2019", None),
    ("Theo Nghị định 45/2012/NĐ-CP", None), ("Đồng Nai, ngày 08 tháng 7 năm 2020", None),
    ("ngày 08 tháng 7 năm 2020", None),
    ("Kế hoạch năm 2020 (theo Quyết định số 1234/QĐ-UBND ngày 5/3/2019)", 2020),
])
def test_year_from_text(text, expected):
    assert year_from_text(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Đơn vị tính: triệu đồng", "trieu"), ("ĐVT: Triệu đồng", "trieu"), ("(Đơn vị: tỷ đồng)", "ty"),
    ("Đơn vị tính: đồng", "dong"), ("ĐVT: 1.000 đồng", "nghin"), ("ĐVT: Tr.đ", "trieu"), ("Đvt: trđ", "trieu"),
    ("ĐVT: nghìn đồng", "nghin"), ("Đơn vị tính: đồng. Tỷ lệ giải ngân 80%", "dong"),
    ("Báo cáo kết quả", None), ("Đơn vị thực hiện: Trung tâm Khuyến công", None),
])
def test_unit_from_text(text, expected):
    assert unit_from_text(text) == expected
