"""Labels and Babel formatting: outputs pinned to hand-written expected strings.

Conventions (kceval/display/formats.py docstring): vi uses '.' for thousands and ',' for decimals, en the
reverse (CLDR, as printed by Babel); money is scaled to one unit with fixed decimals (tỷ/billion
3, triệu/million 1, nghìn/thousand 0, đồng 0); rounding is half-up on the exact value.
"""
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from kceval.display import formats, labels
from kceval.errors import ParameterError


def test_money_examples_from_the_brief():
    # 85,865,000,000 đồng = 85.865 tỷ (10^9): "85,865 tỷ đồng" / "VND 85.865 billion".
    assert formats.format_money(85_865_000_000, "vi") == "85,865 tỷ đồng"
    assert formats.format_money(85_865_000_000, "en") == "VND 85.865 billion"


@pytest.mark.parametrize("vnd, lang, expected", [
    (1_234_500_000_000, "vi", "1.234,500 tỷ đồng"),       # 1234.5 bn, vi thousands '.'
    (1_234_500_000_000, "en", "VND 1,234.500 billion"),
    (2_550_000, "vi", "2,6 triệu đồng"),                 # 2.55 -> 2.6 (half-up, 1 decimal)
    (2_450_000, "en", "VND 2.5 million"),                # 2.45 -> 2.5 (half-up; half-even would give 2.4)
    (12_345, "vi", "12 nghìn đồng"),                     # 12.345 -> 12
    (999, "vi", "999 đồng"),
    (999, "en", "VND 999"),
    (0, "vi", "0 đồng"),
    (-3_000_000_000, "vi", "-3,000 tỷ đồng"),             # a refund larger than payments
    (np.int64(1_000_000_000), "en", "VND 1.000 billion"),  # numpy ints are accepted
])
def test_money_unit_by_magnitude(vnd, lang, expected):
    assert formats.format_money(vnd, lang) == expected


def test_money_fixed_unit_and_decimals():
    assert formats.format_money(2_500_000, "vi", unit="billion") == "0,003 tỷ đồng"  # 0.0025 -> 0.003
    assert formats.format_money(85_865_000_000, "vi", unit="triệu") == "85.865,0 triệu đồng"
    assert formats.format_money(85_865_000_000, "en", unit="billion", decimals=1) == "VND 85.9 billion"
    assert formats.format_money(400, "vi", unit="billion") == "0,000 tỷ đồng"  # no "-0,000"
    assert formats.format_money(-400, "vi", unit="billion") == "0,000 tỷ đồng"
    with pytest.raises(ParameterError, match="`unit` must be one of .*received 'crore'"):
        formats.format_money(1, "vi", unit="crore")


def test_percent_number_date():
    assert formats.format_percent(0.193, "vi") == "19,3%"
    assert formats.format_percent(0.193, "en") == "19.3%"
    assert formats.format_percent(1.0545, "en") == "105.5%"  # 105.45 -> 105.5 half-up
    assert formats.format_percent(0.5, "vi", decimals=0) == "50%"
    assert formats.format_number(1_234_567, "vi") == "1.234.567"
    assert formats.format_number(1_234_567, "en") == "1,234,567"
    assert formats.format_number(1234.5, "vi", decimals=2) == "1.234,50"
    assert formats.format_date("2019-06-30", "vi") == "30/06/2019"
    assert formats.format_date(dt.date(2019, 6, 30), "en") == "30 Jun 2019"
    assert formats.format_date(pd.Timestamp("2019-01-05"), "vi") == "05/01/2019"
    assert formats.format_date(dt.datetime(2019, 1, 5, 13, 0), "en") == "5 Jan 2019"


@pytest.mark.parametrize("missing", [None, math.nan, pd.NaT, pd.NA])
def test_missing_values_are_a_dash(missing):
    assert formats.format_money(missing, "vi") == "—"
    assert formats.format_percent(missing, "en") == "—"
    assert formats.format_date(missing, "vi") == "—"
    assert formats.format_value(missing, "text", "vi") == "—"


def test_check_lang_and_labels():
    assert labels.check_lang("en") == "en"
    with pytest.raises(ParameterError, match=r"`lang` must be one of 'vi', 'en'; received 'fr'"):
        labels.check_lang("fr")
    with pytest.raises(ParameterError, match="`lang`"):
        formats.format_money(1, "fr")
    # both languages define the same keys, so a label never falls back silently
    assert all(len(pair) == 2 and all(isinstance(w, str) for w in pair) for pair in labels.LABELS.values())
    assert labels.label("contents", "vi") == "Mục lục"
    assert labels.label("synthetic_banner", "en").startswith("Synthetic sample data — ")
    assert labels.label("synthetic_banner", "vi") == "Dữ liệu mẫu tổng hợp — không phải số liệu thật"
    with pytest.raises(ParameterError, match="received 'no_such_label'"):
        labels.label("no_such_label", "vi")


def test_bad_values_are_parameter_errors():
    with pytest.raises(ParameterError, match="finite"):
        formats.format_money(math.inf, "vi")
    with pytest.raises(ParameterError, match="date"):
        formats.format_date("30-06-2019x", "vi")
    with pytest.raises(ParameterError, match="`kind` must be one of"):
        formats.format_value(1, "currency", "vi")
    with pytest.raises(ParameterError):
        formats.format_number(True, "vi")
