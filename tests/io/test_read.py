"""kceval.io (reading, writing, summary) and the pure parsers of kceval.vnparse.

References are hand-worked: dates and periods from the calendar, units from DOMAIN.md
("Numbers, units and dates"), header names from DESIGN.md §2 / DOMAIN.md.
"""

import numpy as np
import pandas as pd
import pytest

from kceval.dataset.validate import validate_tables
from kceval.errors import ParameterError
from kceval.io import import_summary, read_dataset, write_tables
from kceval.io.dates import as_of_from_text, parse_date, year_from_text
from kceval.io.headers import map_header
from kceval.io.numbers import ParseError, split_unit
from kceval.io.statuses import parse_status
from kceval.io.textfile import decode_text
from kceval.io.words import parse_activity, parse_source, province_from_text
from kceval.paths import SAMPLE_DIR
from kceval.schema import SORT_KEYS
from tests.support import BAD_INPUTS


# -- writing and reading canonical tables ------------------------------------------------------
def _norm(df):
    return df.replace({"": None}).reset_index(drop=True)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_files_do_not_depend_on_row_order_index_or_text_type(tmp_path, tiny, fmt):
    # a table already in file order is written without sorting it again: the bytes must be the same as for the
    # same rows shuffled under another index, or with their text as Arrow strings (an imported sheet's)
    from kceval.io.cells import text_array

    ordered = {k: v.sort_values(SORT_KEYS[k], kind="mergesort") for k, v in tiny.items()}
    shuffled = {k: v.sample(frac=1, random_state=3).set_axis(range(100, 100 + len(v))) for k, v in tiny.items()}
    arrow = {k: v.assign(**{c: text_array(v[c].to_numpy(dtype=object)) for c in ("project_id", "title", "note")
                            if c in v.columns}) for k, v in ordered.items()}
    files = {}
    for name, tables in (("ordered", ordered), ("shuffled", shuffled), ("arrow", arrow)):
        out = tmp_path / name
        files[name] = {p.name: p.read_bytes() for p in write_tables(tables, out, format=fmt)}
    if fmt == "csv":  # Parquet stores the text type itself; its rows must still match
        assert files["ordered"] == files["shuffled"] == files["arrow"]
    else:
        assert files["ordered"] == files["shuffled"]
        for t in ("projects", "payments"):
            a = pd.read_parquet(tmp_path / "arrow" / f"{t}.parquet")
            b = pd.read_parquet(tmp_path / "ordered" / f"{t}.parquet")
            pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_write_then_read_round_trip(tmp_path, tiny):
    before = {k: v.copy() for k, v in tiny.items()}
    write_tables(tiny, tmp_path)
    for k in tiny:  # inputs not mutated
        pd.testing.assert_frame_equal(tiny[k], before[k])
    loaded = read_dataset(tmp_path)
    proj = loaded.tables["projects"]
    exp = tiny["projects"].sort_values("project_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(proj[exp.columns].reset_index(drop=True), exp, check_dtype=False)
    assert proj["support_vnd"].dtype == np.int64 and proj["approved_on"].dtype == "datetime64[ns]"
    assert loaded.origins["projects"]["row"].tolist() == [2, 3, 4, 5]


def test_csv_is_deterministic_and_sorted(tmp_path, tiny):
    a, b = tmp_path / "a", tmp_path / "b"
    write_tables(tiny, a)
    shuffled = {k: v.sample(frac=1, random_state=3) for k, v in tiny.items()}
    write_tables(shuffled, b)
    for name in ("plans.csv", "projects.csv", "events.csv", "payments.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    text = (a / "payments.csv").read_bytes().decode("utf-8")
    assert "\r" not in text and not text.startswith("\ufeff")
    # payments sorted by project_id, date, amount; dates as YYYY-MM-DD
    assert text.splitlines()[1:3] == ["A,2019-04-01,280000000", "A,2019-11-20,120000000"]
    plans = (a / "plans.csv").read_text(encoding="utf-8").splitlines()
    assert plans[0] == "year,province,source,approved_vnd,revised_vnd"
    assert plans[1:] == ["2019,Bình Phước,local,500000000,", "2019,Đồng Nai,local,2000000000,1800000000",
                         "2019,Đồng Nai,national,1000000000,"]
    assert not [p for p in a.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_parquet_round_trip(tmp_path, tiny):
    paths = write_tables(tiny, tmp_path, format="parquet")
    assert [p.suffix for p in paths] == [".parquet"] * 4
    loaded = read_dataset(tmp_path)
    assert loaded.tables["payments"]["amount_vnd"].sum() == 685_000_000  # 280+120+50+35+140+60 million


def test_write_tables_bad_arguments(tmp_path, tiny):
    with pytest.raises(ParameterError, match="`format` must be one of 'csv', 'parquet'; received 'xlsx'"):
        write_tables(tiny, tmp_path, format="xlsx")
    with pytest.raises(ParameterError, match="projets"):
        write_tables({"projets": tiny["projects"]}, tmp_path)
    with pytest.raises(ParameterError, match="support_vnd"):
        write_tables({"projects": tiny["projects"].drop(columns="support_vnd")}, tmp_path)


def test_read_dataset_bad_arguments(tmp_path):
    with pytest.raises(ParameterError, match="money_unit"):
        read_dataset(tmp_path, money_unit="million")
    with pytest.raises(ParameterError, match="source"):
        read_dataset(tmp_path, source="kcqg")
    with pytest.raises(ParameterError, match="as_of"):
        read_dataset(tmp_path, as_of="30/06/2019x")
    with pytest.raises(ParameterError, match="does not exist"):
        read_dataset(tmp_path / "nope")


def test_messy_folder_and_summary(tmp_path):
    (tmp_path / "a.csv").write_text(
        "Báo cáo khuyến công tỉnh Đồng Nai 6 tháng đầu năm 2019\n"
        "Tên đề án,Nội dung,Nguồn vốn,Kinh phí (triệu đồng),Ngày phê duyệt,Thời gian hoàn thành,Tình trạng,"
        "Lũy kế giải ngân (triệu đồng)\n"
        'Máy sấy,Máy móc thiết bị,KCQG,"1.200,5",15/3/2019,30-11-2019,Đang thực hiện,600\n'
        ",,,,,,,\n"
        'Tổng cộng,,,"1.200,5",,,,600\n',
        encoding="utf-8",
    )
    (tmp_path / "README.md").write_text("x")
    loaded = read_dataset(tmp_path)
    pr = loaded.tables["projects"]
    assert pr[["province", "year", "source", "support_vnd"]].values.tolist() == [
        ["Đồng Nai", 2019, "national", 1_200_500_000]
    ]
    assert pr["planned_end"].iloc[0] == pd.Timestamp("2019-11-30")
    assert pr["project_id"].iloc[0] == "a-r3"  # stem + the user's row number
    assert loaded.tables["payments"][["date", "amount_vnd"]].values.tolist() == [
        [pd.Timestamp("2019-06-30"), 600_000_000]
    ]
    v = validate_tables(loaded.tables, loaded.origins)
    assert not v.errors
    s = import_summary(loaded)
    assert "projects 1" in s and "payments 1" in s
    assert "blank rows skipped: 1" in s and "total and subtotal rows checked: 1" in s
    assert "README.md" in s  # the ignored file is listed


def test_plan_sheet_reads_into_plans():

    loaded = read_dataset(BAD_INPUTS / "plan_duplicates.csv")
    pl = loaded.tables["plans"]
    # 3.500 / 1.200 / 4.100,5 triệu đồng; the revised 3200 triệu on the first row only
    assert pl["approved_vnd"].tolist() == [3_500_000_000, 1_200_000_000, 3_500_000_000, 4_100_500_000]
    assert pl["revised_vnd"].tolist()[:2] == [3_200_000_000, pd.NA]
    assert pl["source"].tolist() == ["local", "national", "local", "local"]


def test_canonical_sample_sized_load_validates(tmp_path):
    # ~10k projects, like the sample, read back whole and clean (speed: benchmarks/bench_load.py)
    rng = np.random.default_rng(1)
    n = 10_000
    provs = ["Đồng Nai", "Long An", "Hà Nội", "Cà Mau"]
    proj = pd.DataFrame({
        "project_id": [f"P{i:05d}" for i in range(n)], "year": 2019, "province": rng.choice(provs, n),
        "source": rng.choice(["national", "local"], n), "activity": rng.choice(["machinery", "fair", "training"], n),
        "title": "Đề án", "beneficiaries": rng.integers(1, 30, n), "pilot": False, "group": False,
        "support_vnd": rng.integers(50, 500, n) * 1_000_000, "approved_on": pd.Timestamp("2019-03-01"),
        "planned_end": pd.Timestamp("2019-11-30"), "status": "in_progress"})
    plans = pd.DataFrame([(2019, p, s, 5_000_000_000) for p in provs for s in ("national", "local")],
                         columns=["year", "province", "source", "approved_vnd"])
    pay = pd.DataFrame({"project_id": proj["project_id"], "date": pd.Timestamp("2019-06-30"),
                        "amount_vnd": proj["support_vnd"] // 2})
    write_tables({"plans": plans, "projects": proj, "payments": pay}, tmp_path)
    loaded = read_dataset(tmp_path)
    v = validate_tables(loaded.tables, loaded.origins)
    assert len(v.tables["projects"]) == n and not v.errors
    assert v.tables["projects"]["support_vnd"].sum() == proj["support_vnd"].sum()


# -- parsers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("header,expected", [
    ("Tên đề án", ("title", None)), ("Mã đề án", ("project_id", None)), ("Số TT", ("row_label", None)),
    ("Tỉnh, thành phố", ("province", None)), ("Nguồn kinh phí", ("source", None)), ("Lĩnh vực", ("activity", None)),
    ("Kinh phí khuyến công (triệu đồng)", ("support_vnd", "trieu")), ("Kinh phí hỗ trợ", ("support_vnd", None)),
    ("Vốn đối ứng (nghìn đồng)", ("counterpart_vnd", "nghin")), ("Đơn vị thụ hưởng", ("beneficiaries", None)),
    ("Ngày phê duyệt", ("approved_on", None)), ("Ngày kết thúc", ("planned_end", None)),
    ("TIẾN ĐỘ", ("status", None)), ("Ngày nghiệm thu", ("accepted_on", None)),
    ("Lũy kế giải ngân (tỷ đồng)", ("executed", "ty")), ("Kinh phí đã thực hiện lũy kế", ("executed", None)),
    ("Kế hoạch được duyệt", ("approved", None)), ("support_vnd", ("support_vnd", "dong")),
    ("Kinh phí\n(triệu đồng)", ("support_vnd", "trieu")), ("Ghi chú", ("note", None)),
])
def test_map_header(header, expected):
    assert map_header(header) == expected


def test_split_unit_variants():
    assert split_unit("Kinh phí (ĐVT: triệu đồng)") == ("Kinh phí", "trieu")
    assert split_unit("Kinh phí - tỷ đồng") == ("Kinh phí", "ty")
    assert split_unit("Tên đề án (nội dung)") == ("Tên đề án (nội dung)", None)


@pytest.mark.parametrize("text,expected", [
    ("21/05/2012", "2012-05-21"), ("1/2/2019", "2019-02-01"), ("21-05-2012", "2012-05-21"),
    ("2012-05-21", "2012-05-21"), ("ngày 21 tháng 5 năm 2012", "2012-05-21"), ("Tháng 12/2019", "2019-12-31"),
    ("Quý IV/2019", "2019-12-31"), ("29/02/2020", "2020-02-29"),
])
def test_parse_date(text, expected):
    assert parse_date(text) == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["31/02/2019", "29/02/2019", "12/13/2019", "hôm qua", "2019"])
def test_parse_date_refuses_impossible_dates(text):
    with pytest.raises(ParseError):
        parse_date(text)


@pytest.mark.parametrize("title,expected", [
    ("Báo cáo 6 tháng đầu năm 2019", "2019-06-30"), ("Kết quả 9 tháng năm 2019", "2019-09-30"),
    ("Kế hoạch năm 2019", "2019-12-31"), ("Tình hình thực hiện đến ngày 30/6/2019", "2019-06-30"),
    ("Báo cáo Quý III/2019", "2019-09-30"), ("Danh sách đề án", None),
])
def test_as_of_from_title(title, expected):
    got = as_of_from_text(title)
    assert got == (pd.Timestamp(expected) if expected else None)


def test_year_and_province_from_title():
    assert year_from_text("KẾ HOẠCH KHUYẾN CÔNG NĂM 2019") == 2019
    assert province_from_text("Sở Công Thương tỉnh Bà Rịa - Vũng Tàu") == "Bà Rịa – Vũng Tàu"
    assert province_from_text("UBND Thành phố Hồ Chí Minh") == "TP. Hồ Chí Minh"
    assert province_from_text("Báo cáo chung") is None


@pytest.mark.parametrize(
    "word,expected",
    [
        ("Đã nghiệm thu", ("accepted", None)),
        ("Hoàn thành", ("finished", None)),
        ("đang thực hiện", ("in_progress", None)),
        ("Dừng thực hiện", ("stopped", None)),
        ("Ngừng", ("stopped", None)),
        ("Hủy", ("stopped", None)),
        ("Chưa triển khai", ("approved", None)),
        ("Tạm dừng", ("suspended", None)),
        ("Gia hạn", ("in_progress", "extension")),
        ("Điều chỉnh", ("in_progress", "adjustment")),
    ],
)
def test_status_words(word, expected):
    r = parse_status(word)
    assert (r.status, r.event) == expected


@pytest.mark.parametrize("word,expected", [
    ("Máy móc thiết bị", "machinery"), ("Đào tạo", "training"), ("Hội chợ", "fair"), ("Thương hiệu", "brand"),
    ("Tư vấn", "consulting"), ("Sản xuất sạch hơn", "cleaner_production"), ("Mô hình trình diễn", "demonstration"),
    ("Bình chọn sản phẩm CNNT tiêu biểu", "product_award"), ("HO TRO UNG DUNG MAY MOC THIET BI TIEN TIEN", "machinery"),
    ("Hỗ trợ máy móc thiết bị cho cơ sở A", "machinery"), ("cleaner_production", "cleaner_production"),
])
def test_activity_words(word, expected):
    assert parse_activity(word) == expected


def test_activity_naming_two_activities_is_refused():
    with pytest.raises(ParseError, match="several"):
        parse_activity("Đào tạo và hội chợ")


def test_source_words():
    assert [parse_source(w) for w in ("KCQG", "quốc gia", "KCĐP", "Địa phương", "local")] == [
        "national", "national", "local", "local", "local"]


def test_decode_text_prefers_valid_vietnamese():
    # "Đồng Nai" in Windows-1258: Đ = 0xD0, ồ = ô (0xF4) + combining grave (0xCC)
    raw = b"\xd0\xf4\xccng Nai"
    assert decode_text(raw) == ("Đồng Nai", "cp1258")
    assert decode_text("Đồng Nai".encode("utf-8-sig")) == ("Đồng Nai", "utf-8 with BOM")
    assert decode_text("café".encode("cp1252")) == ("café", "cp1258")  # identical bytes in both code pages


# -- workbooks, parameters, combinations -----------------------------------------------------
def _workbook(path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Đề án"
    ws.append(["BÁO CÁO KHUYẾN CÔNG TỈNH CÀ MAU NĂM 2019"])
    ws.append(["Mã đề án", "Tên đề án", "Nội dung", "Đơn vị thụ hưởng", "Kinh phí hỗ trợ (triệu đồng)",
               "Ngày phê duyệt", "Ngày kết thúc", "Tiến độ"])
    ws.append(["CM-1", "Máy ép", "Máy móc thiết bị", "Cơ sở Hòa; Cơ sở Bình", 200.0,
               pd.Timestamp("2019-04-02").to_pydatetime(), "30/11/2019", "Tạm dừng"])
    plans = wb.create_sheet("Kế hoạch")
    plans.append(["Năm", "Tỉnh", "Nguồn vốn", "Kế hoạch (tỷ đồng)"])
    plans.append([2019, "Cà Mau", "KCĐP", 2.5])
    notes = wb.create_sheet("Ghi chú")
    notes.append(["Số liệu do Trung tâm Khuyến công cung cấp"])
    wb.save(path)


def test_workbook_with_project_plan_and_notes_sheets(tmp_path):
    _workbook(tmp_path / "ca_mau.xlsx")
    loaded = read_dataset(tmp_path / "ca_mau.xlsx", source="local")
    pr, pl = loaded.tables["projects"], loaded.tables["plans"]
    assert pr[
        ["project_id", "province", "year", "source", "beneficiaries", "support_vnd", "status"]
    ].values.tolist() == [["CM-1", "Cà Mau", 2019, "local", 2, 200_000_000, "suspended"]]  # two beneficiaries named
    assert pl[["province", "source", "approved_vnd"]].values.tolist() == [["Cà Mau", "local", 2_500_000_000]]
    assert loaded.origins["plans"][["sheet", "row"]].values.tolist() == [["Kế hoạch", 2]]
    assert loaded.origins["projects"][["sheet", "row"]].values.tolist() == [["Đề án", 3]]
    # the notes sheet is reported as a warning, not an error, because the other sheets were usable
    notes = [p for p in loaded.problems if p.sheet == "Ghi chú"]
    assert [p.severity for p in notes] == ["warning"] and "sheet skipped" in notes[0].message
    assert not validate_tables(loaded.tables, loaded.origins).errors


def test_source_parameter_and_error_when_missing(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("Tên đề án,Tỉnh,Năm,Nội dung,Kinh phí (triệu đồng),Ngày phê duyệt,Thời gian hoàn thành,Tình trạng\n"
                 "A,Long An,2019,Tư vấn,30,01/03/2019,30/09/2019,Hoàn thành\n", encoding="utf-8")
    loaded = read_dataset(f)
    w = [p for p in loaded.problems if "funding source" in p.message]
    assert len(w) == 1 and w[0].severity == "error" and "--source" in w[0].hint  # never assumed
    assert loaded.tables["projects"].empty
    loaded = read_dataset(f, source="national")
    assert not [p for p in loaded.problems if "funding source" in p.message]
    assert loaded.tables["projects"]["source"].tolist() == ["national"]
    assert loaded.tables["projects"]["status"].tolist() == ["finished"]  # "Hoàn thành" is not "nghiệm thu"


def test_canonical_folder_and_messy_file_combined(tmp_path, tiny):
    write_tables(tiny, tmp_path / "canon")
    from pathlib import Path

    good = BAD_INPUTS / "good.csv"
    loaded = read_dataset([tmp_path / "canon", good], as_of="2019-06-30")
    assert len(loaded.tables["projects"]) == 4 + 3
    files = set(loaded.origins["projects"]["file"].map(lambda s: Path(s).name))
    assert files == {"projects.csv", "good.csv"}
    assert len(loaded.origins["projects"]) == len(loaded.tables["projects"])


def test_every_row_is_accounted_for():
    """Rows below the header = rows read + rows left out (with a reason): nothing vanishes."""

    b = BAD_INPUTS
    for name, data_rows in (("totals_middle.csv", 7), ("blank_rows.csv", 5), ("text_in_money.csv", 3),
                            ("totals_end.csv", 4), ("impossible_date.csv", 3)):
        loaded = read_dataset(b / name, as_of="2019-06-30")
        assert len(loaded.tables["projects"]) + sum(loaded.excluded.values()) == data_rows, name


def test_bundled_sample_reads_and_rewrites_byte_identical(tmp_path):
    """data/sample was written by write_tables: reading it and writing again gives the same bytes."""

    sample = SAMPLE_DIR
    loaded = read_dataset(sample)
    v = validate_tables(loaded.tables, loaded.origins)
    assert not v.errors and loaded.synthetic
    for p in write_tables(loaded.tables, tmp_path):
        assert p.read_bytes() == (sample / p.name).read_bytes(), p.name


def test_origins_carry_the_users_headers():

    loaded = read_dataset(BAD_INPUTS / "executed_over.csv")
    o = loaded.origins
    assert o["projects"]["header:support_vnd"].unique().tolist() == ["Kinh phí khuyến công (triệu đồng)"]
    assert o["payments"]["header:amount_vnd"].unique().tolist() == ["Kinh phí đã thực hiện (triệu đồng)"]
    # same index as the table, one origin per row
    for t in loaded.tables:
        assert o[t].index.equals(loaded.tables[t].index)
