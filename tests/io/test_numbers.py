"""Property tests of the Vietnamese number parser (kceval.vnparse) with hypothesis.

Reference: the Decimal value hypothesis drew, formatted by an independent formatter written
here (thousands dot, decimal comma: DOMAIN.md "Numbers, units and dates"), must parse back
exactly; money units scale by exact powers of ten; garbage never silently becomes a number.
"""
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kceval.io.numbers import AmbiguousNumber, ParseError, parse_money, parse_number
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
        assert s.strip() == ""
        return
    # the number's digits are exactly the text's digits, in order: nothing invented or dropped
    text_digits = "".join(c for c in s if c in "0123456789").lstrip("0")
    num_digits = format(abs(out), "f").replace(".", "").lstrip("0")
    assert text_digits == num_digits


@pytest.mark.parametrize(
    "text", ["abc", "1,2,3", "1.23.4", "12a", "--5", "1..2", "1,234,5", "½", "1e5", "0x10", "đ", "-", "+", "١٢٣"]
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
