"""Issue 13, big inputs: a text file imported chunk by chunk gives exactly what the whole-file import gives.

Every text file of the corpora (real report sheets, bad inputs) and generated report files with sections,
subtotals, notes and signature blocks are read twice: whole, and streamed with chunk borders everywhere
(``FIRST_ROWS`` = 43, the least that holds a header starting on row 40 with three rows; ``CHUNK_ROWS`` from
1 up). Tables, origins, problems, notes and the rows left out must be the same.
"""
from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kceval.io import read as read_mod
from kceval.io import stream as stream_mod
from kceval.io.read import read_dataset
from kceval.schema import TABLES
from tests.io.layouts import Layout, case_strategy, write_report

HERE = Path(__file__).parent
REAL = HERE / "real_sheets"
BAD = HERE / "bad_inputs"
TEXT = (".csv", ".txt", ".tsv")
EXPECTED = {f["file"]: f for f in json.loads((REAL / "expected.json").read_text(encoding="utf-8"))["files"]}


def _read(path: Path, chunk: int | None, **hints: Any) -> Any:
    """read_dataset, whole (chunk None) or streamed in chunks of ``chunk`` rows after a first chunk of 43."""
    saved = read_mod.STREAM_BYTES, stream_mod.FIRST_ROWS, stream_mod.CHUNK_ROWS
    try:
        if chunk is None:
            read_mod.STREAM_BYTES = 2**62
        else:
            read_mod.STREAM_BYTES, stream_mod.FIRST_ROWS, stream_mod.CHUNK_ROWS = 0, 43, chunk
        return read_dataset(path, **hints)
    finally:
        read_mod.STREAM_BYTES, stream_mod.FIRST_ROWS, stream_mod.CHUNK_ROWS = saved


def _problem(p: Any) -> tuple:
    return tuple(None if v is pd.NA else v for v in dataclasses.astuple(p))


def assert_same_import(path: Path, chunk: int, **hints: Any) -> None:
    whole, streamed = _read(path, None, **hints), _read(path, chunk, **hints)
    for t in TABLES:
        pd.testing.assert_frame_equal(streamed.tables[t], whole.tables[t], obj=f"{path.name} {t}")
        pd.testing.assert_frame_equal(streamed.origins[t], whole.origins[t], obj=f"{path.name} {t} origins")
    assert list(map(_problem, streamed.problems)) == list(map(_problem, whole.problems))
    assert streamed.excluded == whole.excluded
    said = [n for n in streamed.notes if "read as" not in n]
    assert said == [n for n in whole.notes if "read as" not in n]
    assert streamed.explanation == whole.explanation


@pytest.mark.parametrize("chunk", [1, 3, 7])
@pytest.mark.parametrize("name", sorted(f["file"] for f in EXPECTED.values() if f["file"].endswith(TEXT)))
def test_real_text_sheets_read_in_chunks_give_what_the_whole_read_gives(name: str, chunk: int) -> None:
    assert_same_import(REAL / name, chunk, **EXPECTED[name]["hints"])


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir() if p.suffix in TEXT))
def test_bad_text_inputs_read_in_chunks_give_the_same_problems(name: str) -> None:
    assert_same_import(BAD / name, 2, money_unit="trieu", as_of="2019-06-30")


@settings(max_examples=25, deadline=None, database=None, derandomize=True)
@given(case=case_strategy(max_projects=60), chunk=st.integers(1, 9),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1258", "cp1252"]), delimiter=st.sampled_from(",;\t"))
def test_generated_reports_read_in_chunks_give_what_the_whole_read_gives(case: tuple[Layout, Any], chunk: int,
                                                                          encoding: str, delimiter: str) -> None:
    lay, canon = case
    lay = dataclasses.replace(lay, fmt="csv", encoding=encoding, delimiter=delimiter).normalised()
    with tempfile.TemporaryDirectory() as d:
        rep = write_report(d, canon, lay)
        if Path(rep.path).is_file():
            assert_same_import(Path(rep.path), chunk, **rep.hints)


def test_a_big_file_is_read_line_by_line_in_chunks_and_says_so(tmp_path: Path) -> None:
    f = tmp_path / "big.csv"
    rows = ["Tên đề án,Nội dung,Kinh phí (triệu đồng),Ngày phê duyệt,Thời gian hoàn thành,Tình trạng,Tỉnh,Nguồn vốn"]
    rows += [f"Đề án {i},Đào tạo nghề,{100 + i},01/02/2019,30/11/2019,Đang thực hiện,Đồng Nai,KCĐP" for i in range(120)]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    streamed = _read(f, 50, as_of="2019-06-30")
    assert len(streamed.tables["projects"]) == 120
    assert f"{f}: read as utf-8, line by line, 50 rows at a time" in streamed.notes
    assert streamed.tables["projects"]["support_vnd"].sum() == sum(100 + i for i in range(120)) * 10**6
