"""One table against its pandera model, with the importer's Arrow text checked in Arrow.

Pandera coerces a ``str`` column to Python strings: for a million imported titles held as Arrow strings
(:mod:`kceval.io.cells`) that is more memory than the rest of the table. :func:`run_schema` leaves those columns
out of pandera's run and checks them itself (empty where not allowed, unique), vectorised, reporting failures as
pandera reports them, so that :mod:`kceval.dataset.validate` reads one kind of failure table.

Pandera also checks a ``str`` column's type cell by cell (``Series.map(isinstance)``: 3 s for the text columns of a
million projects) and coerces every column, a copy each, even one that has its type already. A column whose cells
already have the model's type needs neither: a ``str`` column of Python strings and empty cells (``object`` dtype;
pandas' ``infer_dtype``, in C, says so), or a column of exactly the model's dtype (``int64``, ``datetime64[ns]``,
``bool``, ``Int64``). Pandera's coercion would leave such a column as it is and its type check would pass, so pandera
runs it without its dtype: its other checks (range, allowed values, empty, unique) are pandera's own, with pandera's
failure cases.
"""
from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

from ..schema import models

_STR = pandas_engine.Engine.dtype(str)


def _text_columns(table: str, df: pd.DataFrame) -> tuple[str, ...]:
    """The model's text columns held as Arrow strings (an imported sheet's codes, titles and notes)."""
    fields = models()[table].__annotations__
    return tuple(c for c in df.columns if c in fields and isinstance(df[c].dtype, pd.StringDtype))


def _typed_columns(table: str, df: pd.DataFrame) -> tuple[str, ...]:
    """The model's columns whose cells have the model's type already (see the module notes)."""
    schema = _schema(table)
    typed = []
    for c in df.columns:
        want = schema.columns[c].dtype if c in schema.columns else None
        if want is None or isinstance(df[c].dtype, pd.StringDtype):
            continue
        if want == _STR:
            if df[c].dtype == object and pd.api.types.infer_dtype(df[c], skipna=True) in ("string", "empty"):
                typed.append(c)
        elif pandas_engine.Engine.dtype(df[c].dtype) == want:
            typed.append(c)
    return tuple(typed)


@cache
def _schema(table: str) -> pa.DataFrameSchema:
    return models()[table].to_schema()


@cache
def _schema_without(table: str, cols: tuple[str, ...], typed: tuple[str, ...] = ()) -> pa.DataFrameSchema:
    """The table's schema without the columns ``cols``, and with no dtype (neither coerced nor checked) for the
    columns ``typed``."""
    schema = _schema(table).remove_columns(list(cols))
    return schema.update_columns({c: {"dtype": None} for c in typed}) if typed else schema


def run_schema(table: str, df: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The table validated (``lazy=True``) and None, or None and pandera's failure cases (``column, check,
    failure_case, index``); Arrow text is checked here and stays Arrow text (see the module notes)."""
    text = _text_columns(table, df)
    typed = _typed_columns(table, df)
    if not text:
        try:  # a shallow copy: pandera replaces the columns it coerces, and copying a table whole costs 0.5 s
            return _schema_without(table, (), typed).validate(df.copy(deep=False), lazy=True, inplace=True), None
        except pa.errors.SchemaErrors as exc:
            return None, exc.failure_cases
    schema = _schema(table)
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
        ok = _schema_without(table, text, typed).validate(rest, lazy=True, inplace=True)
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
        raise pa.errors.SchemaError(_schema(table), df, f"{len(fc)} failure(s) after the bad rows were "
                                    "excluded: please report this")
    assert ok is not None
    return ok
