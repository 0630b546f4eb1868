"""table_html: escaped cells, formatted values, numeric sort keys, one money unit per column."""
import re

import pandas as pd
import pytest

from kceval.display.tables import sort_key, table_html, table_key_values
from kceval.errors import ParameterError


@pytest.fixture
def df():
    return pd.DataFrame({
        "province": ["Đồng Nai", "<script>alert(1)</script>", "A & B"],
        "plan": [85_865_000_000, 9_500_000_000, None],
        "rate": [0.193, 0.5, 0.05],
        "as_of": pd.to_datetime(["2019-06-30", "2019-12-31", None]),
        "projects": [12, 3, 40],
    })


def cells(html, col):
    """(text, data-sort) of every body cell of column index ``col``."""
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])
    out = []
    for r in rows:
        tds = re.findall(r'<td class="[^"]*" data-sort="([^"]*)">(.*?)</td>', r)
        out.append((tds[col][1], tds[col][0]))
    return out


def test_formats_and_sort_keys(df):
    before = df.copy()
    h = table_html(df, lang="vi", formats={"plan": "money", "rate": "percent", "as_of": "date", "projects": "int"})
    pd.testing.assert_frame_equal(df, before)  # input not mutated
    # money: the column's typical amount is in tỷ, so every cell is a plain number of tỷ (3 decimals) and the
    # header says the unit once
    assert cells(h, 1) == [("85,865", "85865000000.0"), ("9,500", "9500000000.0"), ("—", "")]
    assert ">Kế hoạch (tỷ đồng)</th>" in h
    assert cells(h, 2) == [("19,3%", "0.193"), ("50,0%", "0.5"), ("5,0%", "0.05")]
    assert cells(h, 3) == [("30/06/2019", "2019-06-30"), ("31/12/2019", "2019-12-31"), ("—", "")]
    assert cells(h, 4) == [("12", "12"), ("3", "3"), ("40", "40")]
    assert '<table class="kc-table kc-sortable" lang="vi">' in h
    # known column names are translated, unknown ones kept
    assert ">Tỉnh/thành phố</th>" in h and ">projects</th>" not in h


@pytest.mark.parametrize("amounts, unit_vi, unit_en, first", [
    ([3_848_000_000, 67_000_000, 794_000_000], "triệu đồng", "VND million", ("3.848,0", "3,848.0")),
    ([85_865_000_000, 900_000_000, 2_000_000_000], "tỷ đồng", "VND billion", ("85,865", "85.865")),
    ([450_000, 2_400_000], "triệu đồng", "VND million", ("0,5", "0.5")),
    ([0, None, 12_000_000_000], "tỷ đồng", "VND billion", ("0,000", "0.000")),
])
def test_a_money_column_has_one_unit_from_its_typical_amount(amounts, unit_vi, unit_en, first):
    df = pd.DataFrame({"money": amounts})
    for lang, unit, text in (("vi", unit_vi, first[0]), ("en", unit_en, first[1])):
        h = table_html(df, lang=lang, formats={"money": "money"})
        assert f">money ({unit})</th>" in h
        assert cells(h, 0)[0][0] == text
        assert "tỷ" not in "".join(c for c, _ in cells(h, 0)) and "billion" not in "".join(c for c, _ in cells(h, 0))


def test_everything_is_escaped(df):
    h = table_html(df, lang="en", formats={"plan": "money"}, caption="<i>cap</i>",
                   labels={"province": "<b>Prov</b>"})
    assert "<script>" not in h and "&lt;script&gt;alert(1)&lt;/script&gt;" in h
    assert "A &amp; B" in h
    assert "<caption>&lt;i&gt;cap&lt;/i&gt;</caption>" in h
    assert "&lt;b&gt;Prov&lt;/b&gt;" in h
    kv = table_key_values({"title": '<img src=x onerror="alert(1)">'})
    assert "<img" not in kv and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in kv


def test_options_and_errors(df):
    assert "kc-sortable" not in table_html(df, lang="vi", sortable=False)
    h = table_html(df.set_index("province"), lang="en", index=True)
    assert h.count("<th scope=\"col\"") == 5
    with pytest.raises(ParameterError, match=r"`formats` keys must be columns of df .*'nope'"):
        table_html(df, lang="vi", formats={"nope": "money"})
    with pytest.raises(ParameterError, match=r"`formats` values must be one of"):
        table_html(df, lang="vi", formats={"plan": "dollars"})
    with pytest.raises(ParameterError, match="`lang`"):
        table_html(df, lang="de")
    with pytest.raises(ParameterError, match="`df` must be a pandas DataFrame"):
        table_html([1, 2], lang="vi")


def test_sort_key_orders_numbers_not_text():
    # displayed strings sort as text in the wrong order; the keys sort as numbers
    values = [120_000_000_000, 85_865_000_000, 9_500_000_000]
    keys = [sort_key(v, "money") for v in values]
    assert sorted(keys, key=float) == ["9500000000", "85865000000", "120000000000"]
    assert sorted(keys) != sorted(keys, key=float)
