"""The caches of validated data: copies on read, a Parquet round trip, invalidation when a file changes."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from kceval.dataset import Dataset, cache, dataset
from kceval.dataset.cache import Memo
from kceval.paths import SAMPLE_DIR
from tests.support import tiny_tables


@pytest.fixture
def data(tmp_path):
    """A copy of the tiny dataset written as canonical tables, so that a test can change its files."""
    from kceval.io import write_tables

    write_tables(tiny_tables(), tmp_path / "data")
    dataset._MEMO.clear()
    yield tmp_path / "data"
    dataset._MEMO.clear()


def test_memo_hands_out_copies_and_forgets_the_oldest():
    m = Memo(max_items=2, copy=list)
    m.put("a", [1])
    got = m.get("a")
    got.append(2)
    assert m.get("a") == [1]  # the caller's change did not reach the memo
    m.put("b", [2])
    m.get("a")                # "a" is now the most recently used
    m.put("c", [3])
    assert m.get("b") is None and m.get("a") == [1] and m.get("c") == [3]


def test_load_returns_a_copy_each_time(data):
    first = Dataset.load(data)
    first.projects.drop(first.projects.index, inplace=True)  # a notebook that vandalises its copy
    second = Dataset.load(data)
    assert len(second.projects) == 4 and second.projects is not first.projects


def test_a_changed_file_is_read_again(data):
    before = Dataset.load(data)
    key = cache.fingerprint(data, money_unit=None, as_of="None", source=None)
    pay = pd.read_csv(data / "payments.csv")
    pay.loc[0, "amount_vnd"] += 1_000_000
    pay.to_csv(data / "payments.csv", index=False)
    after = Dataset.load(data)
    assert cache.fingerprint(data, money_unit=None, as_of="None", source=None) != key
    assert after.payments["amount_vnd"].sum() == before.payments["amount_vnd"].sum() + 1_000_000


def test_fingerprint_depends_on_options_and_file_names(data, tmp_path):
    a = cache.fingerprint(data, money_unit=None)
    assert cache.fingerprint(data, money_unit="trieu") != a
    other = tmp_path / "other"
    shutil.copytree(data, other)
    assert cache.fingerprint(other, money_unit=None) == a  # same names and bytes, another folder
    (other / "payments.csv").rename(other / "payments-2019.csv")
    assert cache.fingerprint(other, money_unit=None) != a


def test_parquet_round_trip_keeps_tables_problems_and_exclusions(tmp_path):
    t = tiny_tables()
    t["projects"].loc[3, "beneficiaries"] = 0  # an error: D is excluded, and its payments with it
    ds = Dataset.from_tables(t, files={"x.csv": "abc"}, synthetic=True, source="test")
    ds.save_cache(tmp_path, "key1")
    back = Dataset._from_cache(*cache.load(tmp_path, "key1"))
    for name in ("plans", "projects", "events", "payments"):
        pd.testing.assert_frame_equal(getattr(back, name).reset_index(drop=True),
                                      getattr(ds, name).reset_index(drop=True))
    # a problem's value is kept as the text the user saw (JSON has no NumPy types)
    assert [p.to_dict() for p in back.problems] == [p.to_dict() for p in ds.problems] and back.errors
    assert {k: len(v) for k, v in back.excluded.items()} == {k: len(v) for k, v in ds.excluded.items()}
    assert (back.files, back.synthetic, back.source) == ({"x.csv": "abc"}, True, "test")
    assert cache.load(tmp_path, "no-such-key") is None


def test_workers_read_the_parquet_cache_instead_of_the_files(data, tmp_path, monkeypatch):
    ds = Dataset.load(data)
    key = cache.fingerprint(data, money_unit=None, as_of="None", source=None)
    ds.save_cache(tmp_path / "cache", key)
    dataset._MEMO.clear()
    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))

    def no_reading(*args, **kwargs):
        raise AssertionError("the files were read although the cache holds them")

    monkeypatch.setattr(dataset, "read_dataset", no_reading)
    again = Dataset.load(data)
    pd.testing.assert_frame_equal(again.projects, ds.projects)


def test_the_bundled_sample_is_the_default():
    assert Dataset.load().source == str(SAMPLE_DIR)
