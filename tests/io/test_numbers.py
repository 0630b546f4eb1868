"""Tests of the Vietnamese number and money parsers (kceval.io.numbers), hand-worked and with hypothesis.

Reference: the Decimal value hypothesis drew, formatted by an independent formatter written
here (thousands dot, decimal comma: DOMAIN.md "Numbers, units and dates"), must parse back
exactly; money units scale by exact powers of ten (đồng 1, nghìn 10^3, triệu 10^6, tỷ 10^9);
garbage never silently becomes a number.
"""
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kceval.io.numbers import (
    AmbiguousNumber,
    ParseError,
    cell_unit,
    is_empty,
    number_convention,
    parse_int,
    parse_money,
    parse_number,
    split_money_text,
)
from kceval.schema import MONEY_UNITS

decimals = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False,
                       allow_infinity=False)


def vi_format(d: Decimal) -> str:
    """Vietnamese style, written independently of the parser: 1234567.5 -> '1.234.567,5'."""
    sign = "-" if d < 0 else ""
    txt = format(abs(d), "f")
    whole, _, frac = txt.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def en_format(d: Decimal) -> str:
    return format(d, ",f")


@settings(max_examples=300, deadline=None)
@given(decimals)
def test_vietnamese_text_parses_back_exactly(d):
    assert parse_number(vi_format(d), "vi") == d


@settings(max_examples=300, deadline=None)
@given(decimals)
def test_without_convention_exact_or_refused_as_ambiguous(d):
    s = vi_format(d)
    try:
        assert parse_number(s) == d
    except AmbiguousNumber:
        # only a single thousands group without decimals ("1.234") is ambiguous
        body = s.lstrip("-")
        assert "," not in body and body.count(".") == 1 and len(body.split(".")[1]) == 3


@settings(max_examples=200, deadline=None)
@given(decimals)
def test_english_text_with_english_convention_parses_exactly(d):
    assert parse_number(en_format(d), "en") == d


@settings(max_examples=200, deadline=None)
@given(decimals, st.sampled_from(sorted(MONEY_UNITS)))
def test_money_units_scale_exactly(d, unit):
    factor = {"dong": 1, "nghin": 1000, "trieu": 1_000_000, "ty": 1_000_000_000}[unit]  # DOMAIN.md
    expected = int((d * factor).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    assert parse_money(vi_format(d), unit, "vi") == expected
    assert isinstance(parse_money(vi_format(d), unit, "vi"), int)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12))
def test_garbage_never_parses_silently(s):
    """Any text either parses to a number consistent with its digits, or raises ParseError."""
    try:
        out = parse_number(s)
    except ParseError:
        return
    if out is None:
        assert is_empty(s)  # blank, or only a dash meaning "nothing"
        return
    # the number's digits are exactly the text's digits, in order: nothing invented or dropped
    text_digits = "".join(c for c in s if c in "0123456789").lstrip("0")
    num_digits = format(abs(out), "f").replace(".", "").lstrip("0")
    assert text_digits == num_digits


@pytest.mark.parametrize(
    "text", ["abc", "1,2,3", "1.23.4", "12a", "--5", "1..2", "1,234,5", "½", "1e5", "0x10", "đ", "+", "١٢٣", "-5-"]
)
def test_garbage_examples_raise(text):
    with pytest.raises(ParseError):
        parse_number(text)


@pytest.mark.parametrize("text,expected", [
    ("1.234,5", Decimal("1234.5")), ("85,865", Decimal("85.865")), ("1234.5", Decimal("1234.5")),
    ("1,234.5", Decimal("1234.5")), ("1.234.567", Decimal("1234567")), ("1 234 567", Decimal("1234567")),
    ("0.500", Decimal("0.5")), ("-12,5", Decimal("-12.5")), ("150 đồng", Decimal("150")),
])
def test_worked_examples(text, expected):
    # DOMAIN.md: "85,865 tỷ đồng" = 85.865 × 10^9 VND; "1.436 tỷ" = 1,436 × 10^9 (needs the 'vi' column evidence)
    assert parse_number(text) == expected


def test_domain_examples_in_money():
    assert parse_money("85,865", "ty") == 85_865_000_000
    assert parse_money("1.436", "ty", "vi") == 1_436_000_000_000
    with pytest.raises(AmbiguousNumber):
        parse_money("1.436", "ty")
    assert parse_money("0,5", "dong") == 0 and parse_money("1,5", "dong") == 2  # half to even


def test_true_false_are_not_numbers():
    with pytest.raises(ParseError):
        parse_number(True)


# -- empty cells ------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [None, float("nan"), "", "   ", "-", " - ", "–", "—", "--", "_", " _ ", "−"])
def test_empty_cells_and_dashes_meaning_nothing(value):
    assert is_empty(value)
    assert parse_number(value) is None and parse_money(value, "trieu") is None and parse_int(value) is None


@pytest.mark.parametrize("value", [0, "0", "-5", "--5", "- 5", "a", "-a", "+"])
def test_not_empty(value):
    assert not is_empty(value)


# -- money with its unit in the cell ----------------------------------------------------------
# DOMAIN.md: đồng = 1, nghìn/ngàn = 10^3, triệu = 10^6, tỷ = 10^9; the cell's unit overrides the column's ('trieu').
@pytest.mark.parametrize("text,number,unit,vnd", [
    ("1.250.000.000 đ", "1.250.000.000", "dong", 1_250_000_000),
    ("1.250.000.000đ", "1.250.000.000", "dong", 1_250_000_000),
    ("1.250.000.000 VNĐ", "1.250.000.000", "dong", 1_250_000_000),
    ("1.250.000.000 đồng", "1.250.000.000", "dong", 1_250_000_000),
    ("1 250 000 000 đồng", "1 250 000 000", "dong", 1_250_000_000),
    ("1.250 tr", "1.250", "trieu", 1_250_000_000),           # 1.250 triệu, thousands dot
    ("1.250tr", "1.250", "trieu", 1_250_000_000),
    ("1.250 trđ", "1.250", "trieu", 1_250_000_000),
    ("1.250 Tr.đ", "1.250", "trieu", 1_250_000_000),
    ("150 triệu", "150", "trieu", 150_000_000),
    ("150 triệu đồng", "150", "trieu", 150_000_000),
    ("1,25 tỷ", "1,25", "ty", 1_250_000_000),
    ("1,25 tỷ đồng", "1,25", "ty", 1_250_000_000),
    ("1,25 tỉ", "1,25", "ty", 1_250_000_000),
    ("1,25 TỶ ĐỒNG", "1,25", "ty", 1_250_000_000),
    ("20 nghìn đồng", "20", "nghin", 20_000),
    ("20 ngàn", "20", "nghin", 20_000),
    ("-1,25 tỷ", "-1,25", "ty", -1_250_000_000),
    ("2 tỷ 500 triệu", "2500", "trieu", 2_500_000_000),       # 2×10^9 + 500×10^6
    ("2 tỷ 5 triệu đồng", "2005", "trieu", 2_005_000_000),
    ("1 tỷ 200 triệu 300 nghìn", "1200300", "nghin", 1_200_300_000),
    ("3 triệu 500 đồng", "3000500", "dong", 3_000_500),
])
def test_money_with_unit_words(text, number, unit, vnd):
    assert split_money_text(text) == (number, unit)
    assert cell_unit(text) == unit
    assert parse_money(text, "trieu") == vnd
    assert parse_money(text, "dong", "vi") == vnd


@pytest.mark.parametrize("text", ["150", "1.234,5", "abc", "150 cái", "%", "đ"])
def test_split_money_text_without_unit(text):
    assert split_money_text(text) == (text, None)
    assert cell_unit(text) is None


def test_cell_unit_never_raises():
    assert cell_unit(150) is None and cell_unit(None) is None and cell_unit("-") is None
    assert cell_unit("2 tỷ 1500 triệu") is None


def test_column_unit_used_without_cell_unit():
    assert parse_money("150", "trieu") == 150_000_000
    assert parse_money("1,25", "ty") == 1_250_000_000


def test_cell_unit_and_english_column():
    # a column that shows English style reads "1.250 tr" as 1.25 triệu
    assert parse_money("1.250 tr", "dong", "en") == 1_250_000


@pytest.mark.parametrize("text,words", [
    ("2 tỷ 1500 triệu", "1500 triệu does not fit below 1 tỷ"),    # 1500 triệu = 1,5 tỷ
    ("500 triệu 2 tỷ", "2 tỷ does not fit below 1 triệu"),
    ("2 tỷ 2 tỷ", "does not fit"),
    ("1,5 tỷ 200 triệu", "whole number"),
    ("1.2.3 tỷ", "'1.2.3' is not a number"),
    ("1,2,3 triệu", "is not a number"),
    ("150 cái", "is not a number"),
    ("tỷ", "is not a number"),
    ("2 tỷ 500", "is not a number"),
])
def test_money_refusals(text, words):
    with pytest.raises(ParseError) as e:
        parse_money(text, "trieu")
    assert text in e.value.message and words in e.value.message and e.value.hint


def test_ambiguous_without_unit_stays_ambiguous():
    with pytest.raises(AmbiguousNumber):
        parse_money("1.250", "trieu")


@pytest.mark.parametrize("values,expected", [
    (["1,25 tỷ", "150 triệu"], "vi"),
    (["1.250.000.000 đ"], "vi"),
    (["-1.234,5", "12"], "vi"),
    (["- 1.234,5"], "vi"),
    (["−1,234.5 tr"], "en"),
    (["1.250 tr"], None),                # one group: either reading, no evidence
    (["2 tỷ 500 triệu"], None),          # plain digits once combined
    (["1,5", "1.5"], None),
    (["abc", 5, None], None),
])
def test_number_convention_judges_the_number_part(values, expected):
    assert number_convention(values) == expected


# -- property: VND amounts written in a unit come back exactly --------------------------------
UNIT_WORDS = {  # DOMAIN.md units, as typed in cells
    "dong": ["đ", "đồng", "VNĐ"], "nghin": ["nghìn", "ngàn đồng"], "trieu": ["triệu", "tr", "trđ", "triệu đồng"],
    "ty": ["tỷ", "tỉ", "tỷ đồng"],
}
EXPONENT = {"dong": 0, "nghin": 3, "trieu": 6, "ty": 9}


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=-10**15, max_value=10**15), st.sampled_from(sorted(UNIT_WORDS)), st.data())
def test_vnd_in_any_unit_parses_back(n, unit, data):
    amount = Decimal(n).scaleb(-EXPONENT[unit])  # exact: n VND in that unit
    text = vi_format(amount)
    assert parse_money(text, unit, "vi") == n
    word = data.draw(st.sampled_from(UNIT_WORDS[unit]))
    sep = data.draw(st.sampled_from([" ", ""]))
    other = data.draw(st.sampled_from(sorted(UNIT_WORDS)))  # the column's unit is overridden
    assert parse_money(text + sep + word, other) == n
    assert parse_money(text + sep + word, other, "vi") == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=999))
def test_billions_and_millions(ty, trieu):
    assert parse_money(f"{ty} tỷ {trieu} triệu", "dong") == ty * 10**9 + trieu * 10**6
