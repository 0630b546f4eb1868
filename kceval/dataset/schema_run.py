"""One table against its pandera model, with the importer's Arrow text checked in Arrow.

Pandera coerces a ``str`` column to Python strings: for a million imported titles held as Arrow strings
(:mod:`kceval.io.cells`) that is more memory than the rest of the table. :func:`run_schema` leaves those columns
out of pandera's run and checks them itself (empty where not allowed, unique), vectorised, reporting failures as
pandera reports them, so that :mod:`kceval.dataset.validate` reads one kind of failure table.
"""
from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from ..schema import MODELS


def _text_columns(table: str, df: pd.DataFrame) -> tuple[str, ...]:
    """The model's text columns held as Arrow strings (an imported sheet's codes, titles and notes)."""
    fields = MODELS[table].__annotations__
    return tuple(c for c in df.columns if c in fields and isinstance(df[c].dtype, pd.StringDtype))


@cache
def _schema_without(table: str, cols: tuple[str, ...]) -> pa.DataFrameSchema:
    return MODELS[table].to_schema().remove_columns(list(cols))


def run_schema(table: str, df: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The table validated (``lazy=True``) and None, or None and pandera's failure cases (``column, check,
    failure_case, index``); Arrow text is checked here and stays Arrow text (see the module notes)."""
    text = _text_columns(table, df)
    if not text:
        try:
            return MODELS[table].validate(df, lazy=True), None
        except pa.errors.SchemaErrors as exc:
            return None, exc.failure_cases
    schema = MODELS[table].to_schema()
    cases = []
    for c in text:
        col = schema.columns[c]
        if not col.nullable:
            at = df.index[df[c].isna().to_numpy()]
            cases.append(pd.DataFrame({"column": c, "check": "not_nullable", "failure_case": None, "index": at}))
        if col.unique:
            at = df.index[df[c].duplicated(keep=False).to_numpy() & df[c].notna().to_numpy()]
            cases.append(pd.DataFrame({"column": c, "check": "field_uniqueness", "failure_case": df.loc[at, c]
                                       .to_numpy(dtype=object), "index": at}))
    rest = df.drop(columns=list(text))  # a new frame: pandera may coerce it in place
    try:
        ok = _schema_without(table, text).validate(rest, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        ok, cases = None, [exc.failure_cases, *cases]
    cases = [f for f in cases if len(f)]
    if cases:
        return None, pd.concat(cases, ignore_index=True)
    assert ok is not None
    return pd.DataFrame({c: df[c] if c in text else ok[c] for c in df.columns}, index=ok.index, copy=False), None


def validated(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` validated and typed; its rows are those that passed :func:`run_schema`."""
    ok, fc = run_schema(table, df)
    if fc is not None:
        raise pa.errors.SchemaError(MODELS[table].to_schema(), df, f"{len(fc)} failure(s) after the bad rows were "
                                    "excluded: please report this")
    assert ok is not None
    return ok
