"""Hostile canonical tables and cells: each case ends in a located error or the right value, never a wrong figure,
a silent change or a traceback. Bounds: MONEY_MAX_VND (10,000 billion VND, kceval.schema) and the programme's
years 2000–2040 (kceval.dataset.validate.DATE_WINDOW)."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kceval.dataset.validate import validate_tables
from kceval.io import read_dataset, write_tables
from kceval.schema import MONEY_MAX_VND
from tests.support import tiny_tables


def _load(tmp_path, edit):
    """The tiny tables written as canonical CSV, one file edited as text, read and validated."""
    write_tables(tiny_tables(), tmp_path)
    edit(tmp_path)
    loaded = read_dataset(tmp_path)
    v = validate_tables(loaded.tables, loaded.origins, reported=loaded.problems)
    return loaded, v, loaded.problems + v.problems


def _replace(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _errors(problems, needle):
    return [p for p in problems if p.severity == "error" and needle in p.message]


def test_money_beyond_the_plausible_range_is_a_located_error_and_sums_cannot_wrap(tmp_path):
    t = tiny_tables()
    t["plans"].loc[t["plans"].index[:2], "approved_vnd"] = 5 * 10**18  # two such rows would wrap an int64 sum
    t["payments"].loc[t["payments"].index[:2], "amount_vnd"] = 6 * 10**18
    v = validate_tables(t)
    assert len([p for p in _errors(v.problems, "beyond any plausible amount") if p.column == "approved_vnd"]) == 2
    assert len([p for p in _errors(v.problems, "beyond any plausible amount") if p.column == "amount_vnd"]) == 2
    assert (v.tables["plans"]["approved_vnd"] <= MONEY_MAX_VND).all() and (v.tables["plans"]["approved_vnd"] >= 0).all()


def test_an_amount_beyond_int64_in_a_csv_is_located(tmp_path):
    def edit(d):
        text = (d / "projects.csv").read_text(encoding="utf-8").splitlines()
        cells = text[1].split(",")
        cells[text[0].split(",").index("support_vnd")] = "100000000000000000000"  # 1e20
        text[1] = ",".join(cells)
        (d / "projects.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    _, _, problems = _load(tmp_path, edit)
    (p,) = _errors(problems, "beyond any plausible amount")
    assert (p.row, p.column) == (2, "support_vnd")


@pytest.mark.parametrize("col, value, needle", [
    ("year", "2018.5", "year must be a whole number"),
    ("support_vnd", "150000000.9", "support_vnd must be a whole number"),
    ("pilot", "maybe", "'maybe' is not a yes/no value"),
])
def test_canonical_cells_are_not_coerced_silently(tmp_path, col, value, needle):
    def edit(d):
        lines = (d / "projects.csv").read_text(encoding="utf-8").splitlines()
        head = lines[0].split(",")
        cells = lines[2].split(",")
        cells[head.index(col)] = value
        lines[2] = ",".join(cells)
        (d / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded, v, problems = _load(tmp_path, edit)
    errors = [q for q in problems if q.severity == "error"]
    (p,) = [q for q in errors if q.column == col]  # once: no "wrong type" or "empty" for the same cell
    assert needle in p.message and (p.row, p.column) == (3, col)
    # the project's events and payments are excluded with it, each saying so (nothing disappears silently)
    assert all("excluded because of its own errors" in q.message for q in errors if q is not p)
    assert len(v.tables["projects"]) == len(loaded.tables["projects"]) - 1


def test_yes_no_words_read_both_ways(tmp_path):
    def edit(d):
        lines = (d / "projects.csv").read_text(encoding="utf-8").splitlines()
        head = lines[0].split(",")
        for i, word in ((1, "không"), (2, "có"), (3, "KHÔNG")):
            cells = lines[i].split(",")
            cells[head.index("pilot")] = word
            lines[i] = ",".join(cells)
        (d / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, v, problems = _load(tmp_path, edit)
    assert not [p for p in problems if p.severity == "error"]
    assert v.tables["projects"]["pilot"].tolist()[:3] == [False, True, False]  # "không" is no, never True


@pytest.mark.parametrize("old_year, needle", [("1850", "outside the programme's years"),
                                              ("1600", "not a"), ("9999", "not a")])
def test_implausible_dates_are_located(tmp_path, old_year, needle):
    def edit(d):
        lines = (d / "projects.csv").read_text(encoding="utf-8").splitlines()
        head = lines[0].split(",")
        cells = lines[1].split(",")
        cells[head.index("approved_on")] = old_year + cells[head.index("approved_on")][4:]
        lines[1] = ",".join(cells)
        (d / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, _, problems = _load(tmp_path, edit)
    hits = [p for p in problems if p.severity == "error" and p.column == "approved_on"]
    assert len(hits) == 1 and hits[0].row == 2 and (needle in hits[0].message or "date" in hits[0].message)


def test_planned_end_in_2099_is_outside_the_window(tmp_path):
    t = tiny_tables()
    t["projects"].loc[t["projects"].index[0], "planned_end"] = pd.Timestamp("2099-12-31")
    v = validate_tables(t)
    (p,) = _errors(v.problems, "outside the programme's years")
    assert p.column == "planned_end" and p.row == 2


def test_a_uint64_parquet_column_beyond_int64_is_located(tmp_path):
    write_tables(tiny_tables(), tmp_path, format="parquet")
    table = pq.read_table(tmp_path / "payments.parquet")
    amounts = np.array(table.column("amount_vnd").to_pylist(), dtype=np.uint64)
    amounts[0] = np.uint64(2**63 + 5)
    table = table.set_column(table.schema.get_field_index("amount_vnd"), "amount_vnd", pa.array(amounts))
    pq.write_table(table, tmp_path / "payments.parquet")
    loaded = read_dataset(tmp_path)
    v = validate_tables(loaded.tables, loaded.origins, reported=loaded.problems)
    hits = [p for p in loaded.problems + v.problems if p.severity == "error" and p.column == "amount_vnd"]
    assert len(hits) == 1 and hits[0].row == 2


def test_nfd_province_names_in_a_canonical_csv_are_accepted(tmp_path):
    import unicodedata

    def edit(d):
        text = (d / "projects.csv").read_text(encoding="utf-8")
        (d / "projects.csv").write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    _, v, problems = _load(tmp_path, edit)
    assert not [p for p in problems if p.severity == "error"]
    assert set(v.tables["projects"]["province"]) == set(tiny_tables()["projects"]["province"])


def test_an_unclosed_quote_names_its_line(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("Tên đề án,Kinh phí\nA,1\n\"B" + "x" * 200_000 + ",2\n", encoding="utf-8")
    loaded = read_dataset(f)
    (p,) = [q for q in loaded.problems if q.severity == "error"]
    assert p.row == 3 and "quote" in p.hint
