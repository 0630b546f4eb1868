"""Row order of written tables (io/export.py): the same order as pandas' stable multi-key sort, the reference.

write_tables sorts the rows itself (text ranked in Arrow, later keys only within ties); whatever the key types,
empty cells and ties, the order must be ``DataFrame.sort_values(keys, kind="mergesort")``'s, and a Parquet file
byte for byte the one pandas writes from the sorted frame.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kceval.io import write_tables
from kceval.io.export import _order
from kceval.schema import SORT_KEYS, TABLES, coerce_table, columns
from tests.support import tiny_tables

WORDS = ["Đồng Nai", "Dong Nai", "Đắk Lắk", "An Giang", "an giang", "Zebra", "Ấp", "", "B", "Bà Rịa – Vũng Tàu"]


def _table(n: int, seed: int) -> pd.DataFrame:
    """Keys of every handled type, with many ties and empty cells."""
    rng = np.random.default_rng(seed)
    text = rng.choice(np.array(WORDS + [None], dtype=object), n)
    day = pd.to_datetime("2019-01-01") + pd.to_timedelta(rng.integers(0, 5, n), unit="D")
    return pd.DataFrame({
        "text": text,
        "arrow_text": pd.array(rng.choice(np.array(WORDS + [None], dtype=object), n), dtype="string[pyarrow]"),
        "date": day.where(rng.random(n) > 0.1),
        "count": pd.array(np.where(rng.random(n) > 0.1, rng.integers(-3, 3, n), None), dtype="Int64"),
        "amount": rng.integers(-10**18, 10**18, n) if seed % 2 else rng.integers(0, 4, n),
        "flag": rng.random(n) > 0.5,
        "year": rng.integers(2018, 2021, n),
        "row": np.arange(n),
    })


def _reference(df: pd.DataFrame, keys: list[str]) -> np.ndarray:
    return df.reset_index(drop=True).sort_values(keys, kind="mergesort").index.to_numpy()


def _got(df: pd.DataFrame, keys: list[str]) -> np.ndarray:
    order = _order(df, keys)
    return np.arange(len(df)) if order is None else order


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("keys", [["text"], ["arrow_text"], ["text", "date", "amount"], ["year", "text", "flag"],
                                  ["date", "count", "text"], ["count"], ["flag", "arrow_text", "amount"],
                                  ["text", "arrow_text", "date", "count", "amount"]])
def test_order_is_pandas_stable_sort(keys, seed):
    df = _table(400, seed)
    assert np.array_equal(_got(df, keys), _reference(df, keys))


@pytest.mark.parametrize("make", [lambda s: s.astype("category"), lambda s: s.astype(float),
                                  lambda s: s.astype(object).where(s.index % 2 == 0, "x")])
def test_keys_of_other_types_are_sorted_by_pandas(make):
    df = _table(200, 1)
    df["year"] = make(df["year"])
    assert np.array_equal(_got(df, ["year", "text"]), _reference(df, ["year", "text"]))


def test_rows_in_order_already_are_left_in_place():
    df = _table(300, 2).sort_values(["text", "date"], kind="mergesort", ignore_index=True)
    assert _order(df, ["text", "date"]) is None
    assert _order(df.iloc[:0], ["text", "date"]) is None


def test_parquet_bytes_are_those_of_pandas_sorted_frame(tmp_path):
    rng = np.random.default_rng(0)
    tables = {t: coerce_table(t, df) for t, df in tiny_tables().items()}
    shuffled = {t: df.iloc[rng.permutation(len(df))] for t, df in tables.items()}
    write_tables(shuffled, tmp_path, format="parquet")
    for t in TABLES:
        ref = tables[t][columns(t)].sort_values(SORT_KEYS[t], kind="mergesort", ignore_index=True)
        ref.to_parquet(tmp_path / "ref.parquet", index=False)
        assert (tmp_path / f"{t}.parquet").read_bytes() == (tmp_path / "ref.parquet").read_bytes(), t
