"""Geography: provinces, regions, merger crosswalk, name matching."""
import dataclasses
import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kceval import geo, merger
from kceval.errors import DataError, KcevalError, ParameterError
from kceval.text import fold


def test_63_provinces_28_15_20_with_unique_gso_codes():
    # DOMAIN.md: ARIT regions (Circular 26/2014/TT-BCT Art. 3) are 28 + 15 + 20 = 63.
    p = merger.crosswalk()
    assert len(p) == 63 and p["code"].is_unique and p["province"].is_unique
    assert p.groupby("region").size().to_dict() == {"north": 28, "central": 15, "south": 20}
    # spot checks against the GSO list in DOMAIN.md
    codes = dict(zip(p["province"], p["code"]))
    assert codes["Hà Nội"] == "01" and codes["Đồng Nai"] == "75" and codes["Cà Mau"] == "96"
    assert codes["Thừa Thiên Huế"] == "46" and codes["Bà Rịa – Vũng Tàu"] == "77"


def test_merger_gives_34_units_from_vietnam_provinces():
    u = merger.units_2025()
    assert len(u) == 34
    p = merger.crosswalk()
    assert set(p["unit_2025"]) == set(u["unit"])
    # Resolution 202/2025/QH15: 11 unchanged + 23 merged
    sizes = p.groupby("unit_2025").size()
    assert (sizes == 1).sum() == 11
    assert sizes["TP. Hồ Chí Minh"] == 3 and sizes["Lâm Đồng"] == 3 and sizes["Đồng Nai"] == 2
    # Bình Thuận (old south) went into Lâm Đồng (old central)
    assert merger.unit_2025_of("Bình Thuận") == "Lâm Đồng"


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
    for unit in merger.units_2025()["unit"]:
        assert geo.match_province(unit) in geo.PROVINCE_NAMES


def test_rollup_2025_sums_old_provinces():
    f = pd.DataFrame({"province": ["Đồng Nai", "Bình Phước", "Bình Thuận", "Lâm Đồng", "Đắk Nông"],
                      "year": 2019, "v": [1, 2, 10, 20, 40]})
    out = merger.rollup_2025(f, sum_cols=["v"], by=["year"]).set_index("unit_2025")["v"].to_dict()
    assert out == {"Lâm Đồng": 70, "Đồng Nai": 3}
    assert f["v"].tolist() == [1, 2, 10, 20, 40]  # input untouched
    with pytest.raises(ParameterError, match="province_col"):
        merger.rollup_2025(f, province_col="tinh")


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
        assert geo.name_key(text) in geo.spellings() and out in geo.PROVINCE_NAMES


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


# --- the 34 units of 2025 -------------------------------------------------------------------------

# Source: /work/shared/DOMAIN.md, "The 2025 provincial merger" (Resolution 202/2025/QH15): the new
# code in brackets and the old provinces of each unit, the unit's namesake first; the eleven
# unchanged units keep their old GSO code (Huế is the former Thừa Thiên Huế, 46).
DOMAIN_MERGER = {
    "Hà Nội": ("01", ["Hà Nội"]), "Huế": ("46", ["Thừa Thiên Huế"]), "Cao Bằng": ("04", ["Cao Bằng"]),
    "Lạng Sơn": ("20", ["Lạng Sơn"]), "Lai Châu": ("12", ["Lai Châu"]), "Điện Biên": ("11", ["Điện Biên"]),
    "Sơn La": ("14", ["Sơn La"]), "Quảng Ninh": ("22", ["Quảng Ninh"]), "Thanh Hóa": ("38", ["Thanh Hóa"]),
    "Nghệ An": ("40", ["Nghệ An"]), "Hà Tĩnh": ("42", ["Hà Tĩnh"]),
    "Tuyên Quang": ("08", ["Tuyên Quang", "Hà Giang"]), "Lào Cai": ("15", ["Lào Cai", "Yên Bái"]),
    "Thái Nguyên": ("19", ["Thái Nguyên", "Bắc Kạn"]), "Phú Thọ": ("25", ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"]),
    "Bắc Ninh": ("24", ["Bắc Ninh", "Bắc Giang"]), "Hưng Yên": ("33", ["Hưng Yên", "Thái Bình"]),
    "Hải Phòng": ("31", ["Hải Phòng", "Hải Dương"]), "Ninh Bình": ("37", ["Ninh Bình", "Hà Nam", "Nam Định"]),
    "Quảng Trị": ("44", ["Quảng Trị", "Quảng Bình"]), "Đà Nẵng": ("48", ["Đà Nẵng", "Quảng Nam"]),
    "Quảng Ngãi": ("51", ["Quảng Ngãi", "Kon Tum"]), "Gia Lai": ("52", ["Gia Lai", "Bình Định"]),
    "Đắk Lắk": ("66", ["Đắk Lắk", "Phú Yên"]), "Khánh Hòa": ("56", ["Khánh Hòa", "Ninh Thuận"]),
    "Lâm Đồng": ("68", ["Lâm Đồng", "Đắk Nông", "Bình Thuận"]),
    "TP. Hồ Chí Minh": ("79", ["TP. Hồ Chí Minh", "Bình Dương", "Bà Rịa – Vũng Tàu"]),
    "Đồng Nai": ("75", ["Đồng Nai", "Bình Phước"]), "Tây Ninh": ("80", ["Tây Ninh", "Long An"]),
    "Cần Thơ": ("92", ["Cần Thơ", "Sóc Trăng", "Hậu Giang"]),
    "Vĩnh Long": ("86", ["Vĩnh Long", "Bến Tre", "Trà Vinh"]), "Đồng Tháp": ("82", ["Đồng Tháp", "Tiền Giang"]),
    "Cà Mau": ("96", ["Cà Mau", "Bạc Liêu"]), "An Giang": ("91", ["An Giang", "Kiên Giang"]),
}


def _fold_prefix(name: str) -> str:
    # the package writes the six centrally run cities "Thành phố X" (and could write "Tỉnh X")
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def test_crosswalk_codes_and_names_match_vietnam_provinces():
    # Provenance: the `vietnam-provinces` package on PyPI (Province.iter_all(): the 34 units of
    # Resolution 202/2025/QH15), an independent listing of the codes and names geo carries.
    from vietnam_provinces import Province

    package = {f"{int(p.code):02d}": _fold_prefix(p.name) for p in Province.iter_all()}
    assert len(package) == 34
    u = merger.units_2025()
    assert set(package) == set(u["code"]) == set(merger.crosswalk()["unit_2025_code"])
    # the same names, letter for letter, once "Thành phố"/"Tỉnh" and geo's "TP." are set aside
    assert package == {c: n.removeprefix("TP. ") for c, n in zip(u["code"], u["unit"])}
    # the region table is written out by name in geo: the same 34 names
    assert set(merger.regions_2025()["unit_2025"]) == set(u["unit"])
    # and DOMAIN.md's names and codes in brackets
    assert package == {c: n.removeprefix("TP. ") for n, (c, _) in DOMAIN_MERGER.items()}


def test_every_old_province_is_in_exactly_one_unit_as_domain_md_lists():
    p = merger.crosswalk()
    members = [m for _, ms in DOMAIN_MERGER.values() for m in ms]
    assert len(members) == 63 and set(members) == set(geo.PROVINCE_NAMES)
    got = {u: sorted(g["province"]) for u, g in p.groupby("unit_2025")}
    assert got == {u: sorted(ms) for u, (_, ms) in DOMAIN_MERGER.items()}
    codes = dict(zip(p["unit_2025"], p["unit_2025_code"]))
    assert codes == {u: c for u, (c, _) in DOMAIN_MERGER.items()}


def test_regions_2025_follow_the_seat_18_8_8():
    r = merger.regions_2025()
    assert list(r.columns) == ["unit_2025", "seat_province", "region"] and r["unit_2025"].is_unique
    assert r["region"].value_counts().to_dict() == {"north": 18, "central": 8, "south": 8}
    by_unit = r.set_index("unit_2025")
    # each seat is one of the unit's own old provinces, and the unit takes the seat's ARIT region
    for unit, row in by_unit.iterrows():
        assert row["seat_province"] in DOMAIN_MERGER[unit][1]
        assert row["region"] == geo.region_of(row["seat_province"])
    # the seats the assumption names (Resolution 202/2025/QH15)
    assert by_unit["seat_province"][["Lâm Đồng", "Quảng Trị", "Gia Lai", "Lào Cai", "Bắc Ninh", "Tây Ninh",
                                     "Đồng Tháp", "An Giang"]].tolist() == [
        "Lâm Đồng", "Quảng Bình", "Bình Định", "Yên Bái", "Bắc Giang", "Long An", "Tiền Giang", "Kiên Giang"]
    assert merger.region_2025_of("Lâm Đồng") == "central" and merger.region_2025_of("Thành phố Huế") == "central"
    assert "Lâm Đồng" in merger.REGION_2025_ASSUMPTION and "central" in merger.REGION_2025_ASSUMPTION
    assert merger.REGION_2025_ASSUMPTION_BY_LANGUAGE["en"] == merger.REGION_2025_ASSUMPTION
    assert "Lâm Đồng" in merger.REGION_2025_ASSUMPTION_BY_LANGUAGE["vi"]


def test_members_share_their_units_region_except_binh_thuan():
    region = merger.regions_2025().set_index("unit_2025")["region"]
    p = merger.crosswalk()
    crossing = p[p["region"] != p["unit_2025"].map(region)]
    assert crossing[["province", "unit_2025"]].values.tolist() == [["Bình Thuận", "Lâm Đồng"]]
    # the 2025 regions therefore move one old province: 28 + 15 + 20 becomes 28 + 16 + 19
    assert p.assign(r=p["unit_2025"].map(region)).groupby("r").size().to_dict() == {
        "central": 16, "north": 28, "south": 19}


def test_regions_2025_override_by_mapping():
    r = merger.regions_2025({"lam dong": "south", "Thành phố Huế": "Phía Bắc"}).set_index("unit_2025")["region"]
    assert r["Lâm Đồng"] == "south" and r["Huế"] == "north" and r["Đà Nẵng"] == "central"
    with pytest.raises(ParameterError, match=r"`override` must map .*'Long An'.*Tây Ninh.*'Đà Nẵng': 'west'"):
        merger.regions_2025({"Long An": "south", "Đà Nẵng": "west"})


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_regions_round_trip(tmp_path):
    table = merger.regions_2025({"Lâm Đồng": "south"})
    f = tmp_path / "regions.csv"
    table.to_csv(f, index=False)
    pd.testing.assert_frame_equal(merger.load_regions(f), table)
    assert merger.regions_2025(f).equals(table)  # a path override reads the file
    assert merger.region_2025_of("Lâm Đồng", merger.load_regions(f)) == "south"
    # unaccented names, Vietnamese regions, a BOM, a blank line, columns in another order
    rows = [f"{'Phía Nam' if r == 'south' else r.upper()},{fold(u, ' ')}" for u, r in
            zip(table["unit_2025"], table["region"])]
    f2 = _write(tmp_path / "plain.csv", ["Region,Unit 2025", *rows[:10], "", *rows[10:]])
    f2.write_bytes(b"\xef\xbb\xbf" + f2.read_bytes())
    pd.testing.assert_frame_equal(merger.load_regions(f2), table)


def test_load_regions_reports_every_problem_at_once(tmp_path):
    rows = [f"{u},{r}" for u, r in merger.regions_2025()[["unit_2025", "region"]].values]
    rows[0] = "Long An,south"          # row 2: an old province merged away, not a unit
    rows[1] = "Tay Nin,south"          # row 3: a typo
    rows[2] = "Điện Biên,west"         # row 4: an unknown region
    rows[3] = "Hà Nội,north"           # row 5: and again on the last row, row 36
    f = _write(tmp_path / "bad.csv", ["unit_2025,region", *rows, "Thanh pho Ha Noi,north"])
    with pytest.raises(DataError) as e:
        merger.load_regions(f)
    got = {(p.row, p.column, p.value): p for p in e.value.problems}
    assert all(p.severity == "error" and p.file == str(f) and p.sheet is None for p in e.value.problems)
    assert got[(2, "unit_2025", "Long An")].hint.startswith("Long An has been part of Tây Ninh since 1 July 2025")
    assert "did you mean 'Tây Ninh'" in got[(3, "unit_2025", "Tay Nin")].hint
    assert got[(4, "region", "west")].hint == "write one of 'north', 'central', 'south'; received 'west'"
    assert "listed twice (first on row 5)" in got[(36, "unit_2025", "Thanh pho Ha Noi")].message
    # rows 2-5 replaced Hà Nội, Cao Bằng, Tuyên Quang, Điện Biên: Cao Bằng and Tuyên Quang are missing
    missing = sorted(p.value for p in e.value.problems if p.row is None)
    assert missing == ["Cao Bằng", "Tuyên Quang"]
    assert len(e.value.problems) == 6 and "6 problem(s) in the regions file" in str(e.value)


def test_load_regions_file_level_problems(tmp_path):
    f = _write(tmp_path / "cols.csv", ["tinh,vung", "Hà Nội,north"])
    with pytest.raises(DataError) as e:
        merger.load_regions(f)
    assert [(p.row, p.column) for p in e.value.problems] == [(1, "unit_2025"), (1, "region")]
    assert "tinh,vung" in e.value.problems[0].hint
    with pytest.raises(DataError, match="cannot be read"):
        merger.load_regions(tmp_path / "absent.csv")
    with pytest.raises(ParameterError, match="`regions` must be a table"):
        merger.region_2025_of("Hà Nội", {"Hà Nội": "north"})


@pytest.mark.parametrize("name, year, expected, basis, note", [
    # an old province merged away is read, from 2025, as the unit it joined
    ("Long An", 2026, "Tây Ninh", "unit_2025", "Long An has been part of Tây Ninh since 1 July 2025"),
    ("long an", 2025, "Tây Ninh", "unit_2025", "Long An has been part of Tây Ninh since 1 July 2025"),
    ("Long An", 2024, "Long An", "province", ""),
    ("Long An", None, "Long An", "province", ""),
    # a name that is both an old province and a new unit: by the year, and said so
    ("Tây Ninh", 2024, "Tây Ninh", "province", ""),
    ("Tây Ninh", 2026, "Tây Ninh", "unit_2025", "Tây Ninh (Tây Ninh + Long An)"),
    ("Tây Ninh", None, "Tây Ninh", "province", "with no year"),
    # marks decide whatever the year
    ("Tây Ninh (mới)", 2020, "Tây Ninh", "unit_2025", "marked new"),
    ("Tây Ninh (mới)", None, "Tây Ninh", "unit_2025", "marked new"),
    ("Tây Ninh (cũ)", 2026, "Tây Ninh", "province", "marked old"),
    ("Long An (old)", 2026, "Long An", "province", "part of Tây Ninh"),
    ("Tỉnh Đồng Nai (sau sáp nhập)", None, "Đồng Nai", "unit_2025", "Đồng Nai + Bình Phước"),
    # unchanged provinces: no note
    ("Hà Nội", None, "Hà Nội", "province", ""), ("Hà Nội", 2019, "Hà Nội", "province", ""),
    ("Ha Noi", 2026, "Hà Nội", "unit_2025", ""), ("Nghệ An", 2025, "Nghệ An", "unit_2025", ""),
    # Huế: the unit from 2025, Thừa Thiên Huế before (same territory, new name, said so)
    ("Huế", 2026, "Huế", "unit_2025", "Thừa Thiên Huế became Huế"),
    ("Thành phố Huế", 2025, "Huế", "unit_2025", "Thừa Thiên Huế became Huế"),
    ("Huế", 2024, "Thừa Thiên Huế", "province", "Thừa Thiên Huế became Huế"),
    ("Thừa Thiên Huế", 2026, "Huế", "unit_2025", "Thừa Thiên Huế became Huế"),
    # three into one
    ("Bình Dương", 2026, "TP. Hồ Chí Minh", "unit_2025", "Bình Dương has been part of TP. Hồ Chí Minh"),
    ("TP HCM", 2026, "TP. Hồ Chí Minh", "unit_2025", "Bình Dương + Bà Rịa – Vũng Tàu"),
])
def test_resolve_name_by_year_and_mark(name, year, expected, basis, note):
    r = merger.resolve_name(name, year)
    assert (r.name, r.basis) == (expected, basis)
    if note:
        assert note in r.note
    else:
        assert r.note == ""
    # a name read as a unit is one of the 34; read as a province, one of the 63
    assert r.name in (set(merger.units_2025()["unit"]) if basis == "unit_2025" else set(geo.PROVINCE_NAMES))


def test_every_choice_that_changes_coverage_has_a_note():
    # never silently: a name read as another unit, or a merged unit's namesake read with no year
    ambiguous = {members[0] for _, members in DOMAIN_MERGER.values() if len(members) > 1}
    for province in geo.PROVINCE_NAMES:
        for year in (None, 2024, 2025, 2026):
            r = merger.resolve_name(province, year)
            if r.name != province or (year is None and province in ambiguous):
                assert r.note, (province, year)


def test_resolve_name_refuses_unknown_and_contradictory_names():
    with pytest.raises(geo.UnknownProvinceError) as e:
        merger.resolve_name("Dong Nia", 2026)
    assert "Đồng Nai" in e.value.suggestions and "did you mean" in str(e.value)
    with pytest.raises(geo.UnknownProvinceError, match="unknown 2025 unit 'Long An \\(mới\\)'.*part of Tây Ninh") as e:
        merger.resolve_name("Long An (mới)", 2026)  # there is no new unit called Long An
    assert e.value.suggestions == ["Tây Ninh"]
    with pytest.raises(ParameterError, match="`year` must be a whole year"):
        merger.resolve_name("Hà Nội", "2026")
    with pytest.raises(dataclasses.FrozenInstanceError):
        merger.resolve_name("Hà Nội").name = "x"


@pytest.mark.parametrize("raw, expected", [
    ("Tây Ninh", "Tây Ninh"), ("tay ninh (moi)", "Tây Ninh"), ("Thừa Thiên Huế", "Huế"), ("TP.HCM", "TP. Hồ Chí Minh"),
    ("Thành phố Cần Thơ", "Cần Thơ"), ("Dak Lak", "Đắk Lắk"),
])
def test_match_unit_2025(raw, expected):
    assert merger.match_unit_2025(raw) == expected


@pytest.mark.parametrize("raw, reason", [
    ("Long An", "Long An has been part of Tây Ninh since 1 July 2025"), ("Bà Rịa - Vũng Tàu", "TP. Hồ Chí Minh"),
    ("Tây Ninh (cũ)", "the mark names the province Tây Ninh"), ("Atlantis", "no close match"),
])
def test_match_unit_2025_refuses_what_is_not_a_unit(raw, reason):
    with pytest.raises(geo.UnknownProvinceError, match="unknown 2025 unit") as e:
        merger.match_unit_2025(raw)
    assert reason in e.value.hint
