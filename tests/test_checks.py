"""The shared bottom layer: the one fold of Vietnamese text, the argument checks, atomic writes."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kceval.checks import check_by, check_choice, check_out_dir, to_date
from kceval.errors import ParameterError
from kceval.paths import file_sha256, write_atomic
from kceval.text import fold


@pytest.mark.parametrize("text, sep, expected", [
    ("Kinh phí khuyến công (triệu đồng)", "", "kinhphikhuyencongtrieudong"),
    ("ĐỒNG NAI", "", "dongnai"),
    ("  Tỉnh,  thành phố ", " ", "tinh thanh pho"),
    ("Bà Rịa – Vũng Tàu", "-", "ba-ria-vung-tau"),
    ("--", "-", ""),
    (2019, "", "2019"),
])
def test_fold(text, sep, expected):
    assert fold(text, sep) == expected


def test_check_by_and_choice_name_the_parameter():
    assert check_by(None, ["a"]) == [] and check_by("a", ["a", "b"]) == ["a"]
    with pytest.raises(ParameterError, match=r"`by` must be distinct columns among a, b; received 'c'"):
        check_by("c", ["a", "b"])
    with pytest.raises(ParameterError, match=r"`group` must be distinct columns"):
        check_by(["a", "a"], ["a"], name="group")
    with pytest.raises(ParameterError, match=r"`source` must be one of 'national', 'local'; received 'x'"):
        check_choice("source", "x", ["national", "local"])


def test_to_date_reads_dates_and_refuses_guesses():
    want = pd.Timestamp("2019-06-30")
    for v in ("2019-06-30", "2019-6-30", "2019-06-30 13:45", dt.date(2019, 6, 30), dt.datetime(2019, 6, 30, 5),
              pd.Timestamp("2019-06-30 08:00"), np.datetime64("2019-06-30")):
        assert to_date("as_of", v) == want, v
    for bad in ("2019", "today", "30/06/2019", "2019-13-01", None, 20190630):
        with pytest.raises(ParameterError, match=r"`as_of` must be a date written YYYY-MM-DD"):
            to_date("as_of", bad)


def test_write_atomic_and_file_hash(tmp_path):
    p = write_atomic(tmp_path / "a.txt", "một")
    assert p.read_text(encoding="utf-8") == "một" and [f.name for f in tmp_path.iterdir()] == ["a.txt"]
    first = file_sha256(p)
    write_atomic(p, b"hai")  # a new file (new inode): hashed again, not served from the memo
    assert file_sha256(p) != first and len(first) == 64
    with pytest.raises(ParameterError, match="`data` must be str, bytes or a writer function"):
        write_atomic(tmp_path / "b.txt", 3)


def test_check_out_dir_accepts_a_writable_folder_and_leaves_nothing_behind(tmp_path):
    assert check_out_dir("--out", tmp_path) == tmp_path and list(tmp_path.iterdir()) == []  # the probe is gone
    deep = tmp_path / "a" / "b"
    assert check_out_dir("--out", str(deep)) == deep
    assert not (tmp_path / "a").exists()  # folders it created are removed: a failed command writes nothing


@pytest.mark.parametrize("make, why", [
    (lambda t: (t / "file.txt").write_text("x") and t / "file.txt", "an existing file, not a folder"),
    (lambda t: t / ("n" * 300), "File name too long"),
    (lambda t: (t / "file.txt").write_text("x") and t / "file.txt" / "sub", "Not a directory"),
    (lambda t: "/proc/kceval-reports", ""),
])
def test_check_out_dir_refuses_what_cannot_be_written(tmp_path, make, why):
    value = make(tmp_path)
    with pytest.raises(ParameterError, match=r"^`--out` must be a folder kceval can create and write files in; "
                                             r"received '.*'") as e:
        check_out_dir("--out", value)
    assert why in str(e.value) and str(value) in str(e.value) and "\n" not in str(e.value)


def test_check_out_dir_refuses_a_folder_without_write_permission(tmp_path, monkeypatch):
    # as root (CI) chmod does not stop writing, so the operating system's refusal is simulated
    import pathlib

    real_mkdir = pathlib.Path.mkdir

    def refuse(self, *args, **kwargs):
        if "ro" in self.parts:
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", refuse)
    with pytest.raises(ParameterError, match="Permission denied"):
        check_out_dir("--out", tmp_path / "ro" / "reports")
    assert not (tmp_path / "ro").exists()


def test_to_date_refuses_trailing_text():
    for bad in ("2019-06-30xyz", "2019-06-30 garbage", "2019-06-30T", "2019-06-301"):
        with pytest.raises(ParameterError, match=r"`as_of` must be a date written YYYY-MM-DD; received"):
            to_date("as_of", bad)


def test_write_atomic_streams_from_a_writer_and_leaves_nothing_when_it_fails(tmp_path):
    p = write_atomic(tmp_path / "t.csv", lambda f: f.write("một,hai\n".encode()))
    assert p.read_text(encoding="utf-8") == "một,hai\n"

    def broken(f):
        f.write(b"half of a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(tmp_path / "t.csv", broken)
    assert p.read_text(encoding="utf-8") == "một,hai\n"  # the old file, whole
    assert sorted(x.name for x in tmp_path.iterdir()) == ["t.csv"]  # no temporary file left
