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


def test_a_code_change_without_a_version_bump_changes_the_key(data, monkeypatch):
    before = cache.fingerprint(data, money_unit=None)
    assert cache.source_hash() == cache.source_hash() and len(cache.source_hash()) == 64
    monkeypatch.setattr(cache, "source_hash", lambda: "another kceval")
    assert cache.fingerprint(data, money_unit=None) != before


def test_the_source_hash_covers_code_and_templates(monkeypatch, tmp_path):
    from kceval import paths

    pkg = tmp_path / "kceval"
    (pkg / "render" / "templates" / "kceval").mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "render" / "templates" / "kceval" / "kc.css").write_text("body {}\n")
    monkeypatch.setattr(cache, "PACKAGE_DIR", pkg)
    monkeypatch.setattr(cache, "TEMPLATE_DIR", pkg / "render" / "templates")

    def fresh() -> str:
        cache.source_hash.cache_clear()  # once per process normally; here each change is a "new process"
        return cache.source_hash()

    try:
        first = fresh()
        (pkg / "a.py").write_text("x = 2\n")
        second = fresh()
        (pkg / "render" / "templates" / "kceval" / "kc.css").write_text("body {color: red}\n")
        third = fresh()
        (pkg / "notes.txt").write_text("not code")
        assert len({first, second, third}) == 3 and fresh() == third
    finally:
        monkeypatch.undo()
        cache.source_hash.cache_clear()
    assert paths.PACKAGE_DIR != pkg and cache.source_hash() != third


@pytest.fixture
def saved(data, tmp_path):
    """The tiny dataset loaded from its files and saved in a data cache, as a batch does."""
    ds = Dataset.load(data)
    key = cache.fingerprint(data, money_unit=None, as_of="None", source=None)
    ds.save_cache(tmp_path / "cache", key)
    dataset._MEMO.clear()
    return ds, tmp_path / "cache", key


def _damage_truncate(f):
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])


@pytest.mark.parametrize("damage", [
    lambda d: (d / "projects.parquet").write_bytes(b"garbage bytes, not Parquet"),
    lambda d: _damage_truncate(d / "payments.parquet"),
    lambda d: (d / "plans.parquet").unlink(),
    lambda d: (d / "meta.json").write_text("{not json", encoding="utf-8"),
    lambda d: (d / "meta.json").write_text("[]", encoding="utf-8"),
], ids=["garbage", "truncated", "missing", "meta not json", "meta not an object"])
def test_a_damaged_cache_is_ignored_and_the_files_read_again(saved, data, monkeypatch, damage):
    ds, root, key = saved
    assert cache.load(root, key) is not None
    damage(root / key)
    with pytest.warns(cache.CacheWarning, match=f"the data cache entry .*{key}.* is damaged"):
        assert cache.load(root, key) is None
    monkeypatch.setenv(cache.ENV, str(root))
    with pytest.warns(cache.CacheWarning):
        again = Dataset.load(data)  # a worker: the cache is damaged, so the files are read
    for name in ("plans", "projects", "events", "payments"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(ds, name))
    # the next batch's save replaces the damaged entry with a sound one
    again.save_cache(root, key)
    assert cache.load(root, key) is not None
    assert [p.name for p in root.iterdir()] == [key]  # nothing left aside


def test_the_cache_records_a_checksum_of_every_file(saved):
    import hashlib
    import json

    _, root, key = saved
    sums = json.loads((root / key / "meta.json").read_text(encoding="utf-8"))["cache_sha256"]
    assert set(sums) == {p.name for p in (root / key).glob("*.parquet")} >= {"plans.parquet", "payments.parquet"}
    for name, want in sums.items():
        assert hashlib.sha256((root / key / name).read_bytes()).hexdigest() == want
