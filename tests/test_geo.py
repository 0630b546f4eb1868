"""Geography: provinces, regions, merger crosswalk, name matching."""
import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kceval import geo
from kceval.errors import KcevalError, ParameterError


def test_63_provinces_28_15_20_with_unique_gso_codes():
    # DOMAIN.md: ARIT regions (Circular 26/2014/TT-BCT Art. 3) are 28 + 15 + 20 = 63.
    p = geo.provinces()
    assert len(p) == 63 and p["code"].is_unique and p["province"].is_unique
    assert p.groupby("region").size().to_dict() == {"north": 28, "central": 15, "south": 20}
    # spot checks against the GSO list in DOMAIN.md
    codes = dict(zip(p["province"], p["code"]))
    assert codes["Hà Nội"] == "01" and codes["Đồng Nai"] == "75" and codes["Cà Mau"] == "96"
    assert codes["Thừa Thiên Huế"] == "46" and codes["Bà Rịa – Vũng Tàu"] == "77"


def test_merger_gives_34_units_from_vietnam_provinces():
    u = geo.units_2025()
    assert len(u) == 34
    p = geo.provinces()
    assert set(p["unit_2025"]) == set(u["unit"])
    # Resolution 202/2025/QH15: 11 unchanged + 23 merged
    sizes = p.groupby("unit_2025").size()
    assert (sizes == 1).sum() == 11
    assert sizes["TP. Hồ Chí Minh"] == 3 and sizes["Lâm Đồng"] == 3 and sizes["Đồng Nai"] == 2
    # Bình Thuận (old south) went into Lâm Đồng (old central)
    assert geo.unit_2025_of("Bình Thuận") == "Lâm Đồng"


@pytest.mark.parametrize("raw, expected", [
    ("TP. Hồ Chí Minh", "TP. Hồ Chí Minh"), ("Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh"),
    ("TP HCM", "TP. Hồ Chí Minh"), ("HCM", "TP. Hồ Chí Minh"), ("Ho Chi Minh City", "TP. Hồ Chí Minh"),
    ("Bà Rịa - Vũng Tàu", "Bà Rịa – Vũng Tàu"), ("BR-VT", "Bà Rịa – Vũng Tàu"),
    ("Ba Ria Vung Tau", "Bà Rịa – Vũng Tàu"), ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("Huế", "Thừa Thiên Huế"), ("Thành phố Huế", "Thừa Thiên Huế"), ("tỉnh đồng nai", "Đồng Nai"),
    ("DONG NAI", "Đồng Nai"), ("Hoà Bình", "Hòa Bình"), ("Đăk Nông", "Đắk Nông"), ("Bac Can", "Bắc Kạn"),
    ("Thành phố Cần Thơ", "Cần Thơ"), ("  Hà   Nội ", "Hà Nội"), ("Kontum", "Kon Tum"),
])
def test_match_province_variants(raw, expected):
    assert geo.match_province(raw) == expected


def test_unknown_name_suggests_up_to_three_and_never_guesses():
    with pytest.raises(geo.UnknownProvinceError) as e:
        geo.match_province("Dong Nia")
    assert "Đồng Nai" in e.value.suggestions and len(e.value.suggestions) <= 3
    assert "did you mean" in str(e.value)
    with pytest.raises(KcevalError, match="unknown province 'Atlantis'"):
        geo.match_province("Atlantis")
    with pytest.raises(KcevalError):
        geo.match_province("DN")  # ambiguous (Đà Nẵng / Đồng Nai): refused, not guessed


def test_post_merger_names_are_accepted():
    for unit in geo.units_2025()["unit"]:
        assert geo.match_province(unit) in geo.PROVINCE_NAMES


def test_rollup_2025_sums_old_provinces():
    f = pd.DataFrame({"province": ["Đồng Nai", "Bình Phước", "Bình Thuận", "Lâm Đồng", "Đắk Nông"],
                      "year": 2019, "v": [1, 2, 10, 20, 40]})
    out = geo.rollup_2025(f, sum_cols=["v"], by=["year"]).set_index("unit_2025")["v"].to_dict()
    assert out == {"Lâm Đồng": 70, "Đồng Nai": 3}
    assert f["v"].tolist() == [1, 2, 10, 20, 40]  # input untouched
    with pytest.raises(ParameterError, match="province_col"):
        geo.rollup_2025(f, province_col="tinh")


def test_region_of_and_provinces_in():
    assert geo.region_of("bình thuận") == "south"
    assert len(geo.provinces_in("south")) == 20
    with pytest.raises(ParameterError, match="`region` must be one of 'north', 'central', 'south'; received 'west'"):
        geo.provinces_in("west")


def _strip(s: str) -> str:
    s = unicodedata.normalize("NFD", s).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in s if not unicodedata.combining(c))


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(geo.PROVINCE_NAMES), case=st.sampled_from(["upper", "lower", "title", "same"]),
       strip=st.booleans(), prefix=st.sampled_from(["", "Tỉnh ", "TP. ", "Thành phố ", "tp "]),
       sep=st.sampled_from([" ", "  ", "-", " - "]))
def test_property_any_spelling_matches_back(name, case, strip, prefix, sep):
    s = name.replace(" – ", " ").replace("TP. ", "")
    s = sep.join(s.split(" "))
    s = prefix + s
    if strip:
        s = _strip(s)
    s = {"upper": s.upper(), "lower": s.lower(), "title": s.title(), "same": s}[case]
    assert geo.match_province(s) == name


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_property_random_text_matches_or_raises_cleanly(text):
    try:
        out = geo.match_province(text)
    except KcevalError as e:
        assert len(getattr(e, "suggestions", [])) <= 3
    else:
        # a hit must really be that province's key (or a listed alias), never a fuzzy guess
        assert geo.name_key(text) in geo._index() and out in geo.PROVINCE_NAMES


@pytest.mark.parametrize("raw, expected, mark", [
    # since the 2025 merger reports mark the new unit or the old province of the same name
    ("Tây Ninh (mới)", "Tây Ninh", "new"), ("tỉnh Tây Ninh (mới)", "Tây Ninh", "new"),
    ("Tỉnh Tây Ninh mới", "Tây Ninh", "new"), ("Long An (cũ)", "Long An", "old"),
    ("TP. Hồ Chí Minh (mới)", "TP. Hồ Chí Minh", "new"), ("Thành phố Cần Thơ (cũ)", "Cần Thơ", "old"),
    ("Đồng Nai (sau sáp nhập)", "Đồng Nai", "new"), ("Bình Phước (trước sáp nhập)", "Bình Phước", "old"),
    ("TAY NINH (MOI)", "Tây Ninh", "new"), ("Tây Ninh", "Tây Ninh", None), ("TP.HCM", "TP. Hồ Chí Minh", None),
])
def test_new_and_old_marks_are_dropped_and_read(raw, expected, mark):
    assert geo.match_province(raw) == expected
    assert geo.name_mark(raw) == mark


@pytest.mark.parametrize("full_name, expected", [
    # the names vietnam-provinces gives the six centrally run cities of the 34 units
    ("Thành phố Hà Nội", "Hà Nội"), ("Thành phố Hải Phòng", "Hải Phòng"), ("Thành phố Huế", "Thừa Thiên Huế"),
    ("Thành phố Đà Nẵng", "Đà Nẵng"), ("Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh"), ("Thành phố Cần Thơ", "Cần Thơ"),
])
def test_full_names_of_the_34_units(full_name, expected):
    assert geo.match_province(full_name) == expected


def test_every_name_vietnam_provinces_gives_is_accepted():
    from vietnam_provinces import Province

    names = [p.name for p in Province.iter_all()]
    assert len(names) == 34
    for name in names:
        assert geo.match_province(name) == geo.match_province(name.replace("Thành phố ", ""))
        assert geo.name_mark(name) is None
