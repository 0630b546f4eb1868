"""Canonical tables and their validation: every problem, located, at once."""
import numpy as np
import pandas as pd

from kceval.dataset.validate import validate_tables
from kceval.schema import columns
from tests.support import tiny_tables


def test_clean_tables_validate_without_errors(tiny):
    v = validate_tables(tiny)
    assert v.errors == []
    assert [len(v.tables[t]) for t in ("plans", "projects", "events", "payments")] == [3, 4, 3, 6]
    assert list(v.tables["projects"].columns) == columns("projects")


def test_every_problem_reported_at_once_with_location(tiny):
    t = tiny_tables()
    t["projects"].loc[1, "province"] = "Dong Nia"         # row 3 of projects.csv
    t["projects"].loc[2, "support_vnd"] = -5               # row 4
    t["projects"].loc[3, "activity"] = "karaoke"           # row 5
    t["payments"].loc[5, "project_id"] = "ZZ"              # row 7 of payments.csv
    v = validate_tables(t)
    got = {(p.file, p.row, p.column) for p in v.errors}
    assert ("projects.csv", 3, "province") in got
    assert ("projects.csv", 4, "support_vnd") in got
    assert ("projects.csv", 5, "activity") in got
    assert ("payments.csv", 7, "project_id") in got
    # the payments and events of excluded projects are excluded too, each with its own problem
    assert {p.value for p in v.errors if p.file == "payments.csv"} >= {"ZZ", "B", "C"}
    assert len(v.tables["projects"]) == 1 and len(v.excluded["projects"]) == 3
    # nothing silently dropped: clean + excluded = input
    for name in ("plans", "projects", "events", "payments"):
        assert len(v.tables[name]) + len(v.excluded[name]) == len(t[name])


def test_hints_name_the_allowed_values(tiny):
    t = tiny_tables()
    t["projects"].loc[0, "status"] = "done"
    p = next(p for p in validate_tables(t).errors if p.column == "status")
    assert "'done' is not an allowed status" in p.message and "accepted" in p.hint


def test_missing_required_column_is_one_clear_error():
    t = tiny_tables()
    t["projects"] = t["projects"].drop(columns=["support_vnd"])
    v = validate_tables(t)
    msgs = [str(p) for p in v.errors]
    assert any("required column 'support_vnd' is missing from the projects table" in m for m in msgs)


def test_cross_table_rules(tiny):
    t = tiny_tables()
    t["projects"].loc[0, "planned_end"] = pd.Timestamp("2019-01-01")     # before approval
    t["projects"].loc[3, "accepted_on"] = pd.NaT                         # accepted without date
    t["payments"].loc[4, "amount_vnd"] = 900_000_000                     # D overpaid
    t["plans"] = pd.concat([t["plans"], t["plans"].iloc[[0]]], ignore_index=True)  # duplicate plan
    v = validate_tables(t)
    errs = {(p.file, p.column, p.severity) for p in v.problems}
    assert ("projects.csv", "planned_end", "error") in errs
    assert ("projects.csv", "accepted_on", "warning") in errs
    assert ("projects.csv", "support_vnd", "warning") in errs
    assert ("plans.csv", "province", "error") in errs
    # the warning rows stay usable
    assert "D" in set(v.tables["projects"]["project_id"])


def test_inputs_not_mutated(tiny):
    before = {k: v.copy() for k, v in tiny.items()}
    validate_tables(tiny)
    for k in tiny:
        pd.testing.assert_frame_equal(tiny[k], before[k])


def _arrow_text(tables):
    """The tables with their text columns as the importer gives them: Arrow strings."""
    from kceval.io.cells import text_array

    out = {k: v.copy() for k, v in tables.items()}
    for t, cols in (("projects", ("project_id", "title", "note")), ("events", ("project_id", "note")),
                    ("payments", ("project_id",))):
        for c in cols:
            if c in out[t].columns:
                out[t][c] = text_array(out[t][c].to_numpy(dtype=object))
    return out


def test_arrow_text_is_validated_like_python_text_and_stays_arrow():
    # the reference is the same tables with Python strings, which pandera checks itself
    t = tiny_tables()
    t["projects"].index = [40, 10, 30, 20]  # a shuffled, non-default index
    t["projects"].loc[30, "project_id"] = t["projects"].loc[10, "project_id"]  # a duplicate code
    t["projects"].loc[20, "project_id"] = None  # an empty one
    plain, arrow = validate_tables(t), validate_tables(_arrow_text(t))

    def key(p):
        return p.severity, p.file, p.row, p.column, p.message

    assert sorted(map(key, arrow.problems)) == sorted(map(key, plain.problems))
    assert {(p.column, p.message) for p in arrow.errors} >= {("project_id", "duplicate project_id"),
                                                              ("project_id", "project_id is empty")}
    for name in ("projects", "events", "payments"):
        a, b = arrow.tables[name], plain.tables[name]
        assert list(a.index) == list(b.index)
        for c in b.columns:
            assert [None if pd.isna(x) else x for x in a[c]] == [None if pd.isna(x) else x for x in b[c]], (name, c)
    assert isinstance(arrow.tables["projects"]["title"].dtype, pd.StringDtype)
    assert isinstance(arrow.excluded["projects"]["project_id"].dtype, pd.StringDtype)


def test_payment_checks_follow_each_payment_to_its_project(tiny):
    t = tiny_tables()
    t["projects"].loc[1, "planned_end"] = pd.Timestamp("2019-01-01")   # B excluded: it ends before approval
    pay = t["payments"]
    pay.loc[len(pay)] = ["C", pd.Timestamp("2019-06-01"), 10_000_000_000]  # C: over its support
    pay.loc[len(pay)] = ["D", pd.Timestamp("2019-01-02"), 1_000]            # D: before approval, one month and more
    pay.loc[len(pay)] = ["B", pd.Timestamp("2019-06-01"), 10_000_000_000]  # B: excluded, not summed
    pay.loc[len(pay)] = ["ZZ", pd.Timestamp("2019-06-01"), 1]
    v = validate_tables(t)
    over = [(p.row, p.value, p.message) for p in v.warnings if p.column == "support_vnd"]
    paid_c = int(pay.loc[pay["project_id"] == "C", "amount_vnd"].sum())
    assert over == [(4, 35_000_000, f"payments ({paid_c:,} VND) exceed support by more than 5%")]
    early = [(p.file, p.row) for p in v.warnings if "before the project's approval" in p.message]
    assert early == [("payments.csv", 9)]  # D's payment: index 7, row 9 of payments.csv (header on row 1)
    pointed = {p.value: p.message for p in v.errors if p.column == "project_id"}
    assert pointed["ZZ"] == "points to an unknown project"
    assert pointed["B"] == "points to a project that was excluded because of its own errors"


def test_a_dataset_shares_no_column_with_its_input(tiny):
    from kceval.dataset import Dataset  # deferred: only this test builds a Dataset here

    ds = Dataset.from_tables(tiny)
    for name in ("plans", "projects", "events", "payments"):
        got = getattr(ds, name)
        for c in tiny[name].columns:
            a, b = got[c].to_numpy(), tiny[name][c].to_numpy()
            assert not np.shares_memory(a, b), (name, c)
