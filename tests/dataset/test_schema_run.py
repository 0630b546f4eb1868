"""kceval's run of the pandera models (dataset/schema_run.py) against pandera itself, the reference.

Columns whose cells have the model's type already run without their dtype (no cell-by-cell check of Python
strings); on broken tables the failure cases, and on clean ones the typed frame, must be pandera's own.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from kceval.dataset.schema_run import run_schema
from kceval.schema import coerce_table, models
from tests.support import tiny_tables


def _pandera(table: str, df: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    try:
        return models()[table].validate(df, lazy=True), None
    except pa.errors.SchemaErrors as exc:
        return None, exc.failure_cases


def _cases(fc: pd.DataFrame) -> list[tuple]:
    """Failure cases as comparable rows (pandera's order within a column is not a contract)."""
    keep = fc[["column", "check", "failure_case", "index"]].astype(object).where(fc.notna(), None)
    return sorted(map(tuple, keep.itertuples(index=False)), key=repr)


def _broken() -> dict[str, pd.DataFrame]:
    t = {k: coerce_table(k, v) for k, v in tiny_tables().items()}
    p = pd.concat([t["projects"]] * 3, ignore_index=True)
    p["project_id"] = [f"P{i}" for i in range(len(p))]
    p.loc[0, "activity"] = "gardening"          # not an allowed value
    p.loc[1, "support_vnd"] = -5                # below the minimum
    p.loc[2, "project_id"] = "P3"               # a duplicate id
    p.loc[4, "province"] = None                 # empty where not allowed
    p.loc[5, "status"] = "done"                 # not an allowed status
    p.loc[6, "source"] = np.nan
    p.loc[7, "beneficiaries"] = 0               # below the minimum
    p["title"] = p["title"].astype(object)
    p.loc[8, "title"] = 12                      # not a string: pandera's own check and coercion
    t["projects"] = p
    ev = t["events"].copy()
    ev.loc[0, "kind"] = "party"
    ev.loc[1, "project_id"] = None
    t["events"] = ev
    pl = t["plans"].copy()
    pl.loc[0, "source"] = "federal"
    t["plans"] = pl
    pay = t["payments"].copy()
    pay.loc[0, "amount_vnd"] = 10**14           # beyond the largest amount
    t["payments"] = pay
    return t


@pytest.mark.parametrize("table", ["plans", "projects", "events", "payments"])
def test_failures_are_pandera_s_own(table):
    df = _broken()[table]
    ok, fc = run_schema(table, df)
    ref_ok, ref_fc = _pandera(table, df)
    assert ok is None and ref_ok is None and fc is not None and ref_fc is not None
    assert _cases(fc) == _cases(ref_fc)


@pytest.mark.parametrize("table", ["plans", "projects", "events", "payments"])
def test_clean_tables_typed_as_pandera_types_them(table):
    df = coerce_table(table, tiny_tables()[table])
    ok, fc = run_schema(table, df)
    ref_ok, _ = _pandera(table, df)
    assert fc is None
    pd.testing.assert_frame_equal(ok, ref_ok)


def test_a_column_of_another_type_is_still_coerced():
    df = coerce_table("projects", tiny_tables()["projects"])
    df["year"] = df["year"].astype("int32")
    df["title"] = df["title"].astype(object)
    df.loc[0, "title"] = 7                      # pandera makes it the string "7"
    ok, fc = run_schema("projects", df)
    ref_ok, _ = _pandera("projects", df)
    assert fc is None and ok["year"].dtype == np.int64 and ok.loc[0, "title"] == "7"
    pd.testing.assert_frame_equal(ok, ref_ok)


def test_the_input_is_left_as_it_was():
    df = coerce_table("projects", tiny_tables()["projects"])
    df["year"] = df["year"].astype("int32")
    before = df.copy()
    run_schema("projects", df)
    pd.testing.assert_frame_equal(df, before)
