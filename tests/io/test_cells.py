"""Reading a column of cells (kceval.io.cells): the text mode that keeps titles, codes and notes as Arrow
strings, and the coded columns of a big file. Each is compared with the plain reading of the same cells as
Python objects, which is the reference (the path every small file takes)."""
from __future__ import annotations

import pandas as pd
import pytest

from kceval.io import cells
from kceval.io.cells import join_text, parse_cells, text_array
from kceval.io.numbers import ParseError
from kceval.io.words import parse_year

CELLS = ["  Máy sấy ", "Lò nung", None, "", "bad", "Tư vấn", "Máy sấy", "  "]
INDEX = [17, 3, 99, 5, 42, 8, 11, 64]  # user row numbers: not 0..n-1, not sorted


def strip_or_fail(v):
    if v == "bad":
        raise ParseError("not a title", "write a title")
    return None if not str(v).strip() else str(v).strip()


def reference(values, fn):
    """Each cell parsed on its own, as a plain loop would."""
    got, errs = [], {}
    for row, v in zip(INDEX, values):
        try:
            got.append(None if v is None else fn(v))
        except ParseError as e:
            got.append(None)
            errs[row] = str(e)
    return got, errs


@pytest.mark.parametrize("batch", [1, 3, 65_536])
@pytest.mark.parametrize("arrow", [False, True])
def test_text_mode_gives_arrow_strings_equal_to_a_plain_loop(monkeypatch, batch, arrow):
    monkeypatch.setattr(cells, "TEXT_BATCH", batch)
    raw = pd.Series(text_array(CELLS) if arrow else pd.array(CELLS, dtype=object), index=INDEX)
    vals, errs = parse_cells(raw, strip_or_fail, text=True)
    want, want_errs = reference(CELLS, strip_or_fail)
    assert isinstance(vals.dtype, pd.StringDtype)
    assert list(vals.index) == INDEX
    assert [None if v is pd.NA else v for v in vals] == want
    assert {r: str(e) for r, e in errs.items()} == want_errs


def test_an_unchanged_arrow_column_is_kept_not_copied():
    raw = pd.Series(text_array(["P001", "P002", None, "P003"]), index=[9, 7, 5, 3])
    vals, errs = parse_cells(raw, lambda v: str(v).strip(), text=True)
    assert vals.array is raw.array and list(vals.index) == [9, 7, 5, 3] and errs.empty


def test_a_coded_column_reads_like_the_same_cells_as_objects():
    years = ["2019", "2019", None, "2020", "năm 2019", "2019", "20x9", "2020"]
    coded = pd.Series(pd.Categorical(years), index=INDEX)
    plain = pd.Series(years, index=INDEX, dtype=object)
    got, got_errs = parse_cells(coded, parse_year)
    want, want_errs = parse_cells(plain, parse_year)
    pd.testing.assert_series_equal(got, want)
    assert {r: str(e) for r, e in got_errs.items()} == {r: str(e) for r, e in want_errs.items()}
    loop, loop_errs = reference(years, parse_year)
    assert list(got) == loop and {r: str(e) for r, e in got_errs.items()} == loop_errs
    assert 11 in loop_errs  # "20x9" is not a year, and the error names its row


def test_join_text_joins_where_both_are_given_on_any_index():
    idx = [30, 10, 20, 40]
    a = pd.Series(text_array(["Ghi chú", None, "Chậm", None]), index=idx)
    b = pd.Series(["lý do", "lý do", None, None], index=idx, dtype=object)
    got = join_text(a, b)
    assert list(got.index) == idx
    assert [None if v is pd.NA else v for v in got] == ["Ghi chú; lý do", "lý do", "Chậm", None]
