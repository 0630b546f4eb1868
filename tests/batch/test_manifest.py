"""The manifest of rendered reports read defensively, and the report keys that decide what is re-rendered."""
import json
import re
from dataclasses import asdict, fields, replace

import pytest

from kceval.batch import engine, manifest, plan
from kceval.batch.manifest import MANIFEST, ManifestWarning, Outcome, load_manifest
from kceval.dataset import cache as data_cache
from kceval.errors import ParameterError
from tests.support import PROBE_NOTEBOOK


def entry(name: str, **changes) -> dict:
    o = Outcome(name, "province", f"Title of {name}", "ok", None, 1.5, {"province": "Đồng Nai", "year": 2019},
                {"n_projects": 3}, "k" * 64, f"{name}.html", 0.4)
    return {**asdict(o), **changes}


def write(tmp_path, content) -> None:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")


def test_a_sound_manifest_is_read_whole(tmp_path, recwarn):
    good = {"a": entry("a"), "b": entry("b", status="failed", error="boom", link="", headline={}),
            "c": entry("c", cell_seconds=None)}
    write(tmp_path, good)
    assert load_manifest(tmp_path) == good and not recwarn.list
    assert load_manifest(tmp_path / "nothing-here") == {}


@pytest.mark.parametrize("content, why", [
    ("[]", "holds list, not an object of reports"),
    ('"a"', "holds str, not an object of reports"),
    ("{not json", "is not readable JSON"),
    ("", "is not readable JSON"),
])
def test_a_manifest_that_is_not_an_object_is_ignored_with_a_warning(tmp_path, content, why):
    write(tmp_path, content)
    with pytest.warns(ManifestWarning, match=why):
        assert load_manifest(tmp_path) == {}


def test_an_empty_manifest_is_empty(tmp_path, recwarn):
    write(tmp_path, {})
    assert load_manifest(tmp_path) == {} and not recwarn.list


def test_a_manifest_that_is_not_utf8_is_ignored_with_a_warning(tmp_path):
    (tmp_path / MANIFEST).write_bytes(b"\xff\xfe{\x00")
    with pytest.warns(ManifestWarning, match="is not readable JSON"):
        assert load_manifest(tmp_path) == {}


def _without(field):
    e = entry("bad")
    del e[field]
    return e


@pytest.mark.parametrize("bad, why", [
    ([1, 2], "it is a list, not an object"),
    ("ok", "it is str, not an object"),
    (None, "it is NoneType, not an object"),
    (_without("key"), "the field 'key' is missing"),
    (_without("params"), "the field 'params' is missing"),
    (entry("bad", status="done"), "the field 'status' must be 'ok', 'failed' or 'cached'; it is 'done'"),
    (entry("bad", key=123), "the field 'key' must be a string; it is 123"),
    (entry("bad", params=[]), "the field 'params' must be an object"),
    (entry("bad", seconds="1.5"), "the field 'seconds' must be a number"),
    (entry("bad", seconds=True), "the field 'seconds' must be a number"),
    (entry("bad", headline=None), "the field 'headline' must be an object"),
    (entry("bad", link="../../etc/passwd"), "the field 'link' must be 'bad.html' or ''"),
])
def test_a_damaged_entry_is_ignored_alone_with_a_warning(tmp_path, bad, why):
    write(tmp_path, {"a": entry("a"), "bad": bad, "z": entry("z")})
    with pytest.warns(ManifestWarning, match="the entry 'bad' is ignored") as w:
        got = load_manifest(tmp_path)
    assert got == {"a": entry("a"), "z": entry("z")}  # the others are kept
    assert len(w.list) == 1 and why in str(w.list[0].message)


def test_optional_fields_may_be_absent(tmp_path, recwarn):
    e = entry("a")
    del e["headline"], e["cell_seconds"]
    write(tmp_path, {"a": e})
    assert load_manifest(tmp_path) == {"a": e} and not recwarn.list


def test_plan_checks_and_normalises_as_of():
    jobs = plan.plan_jobs(year=2019, as_of="2019-6-30", level="national")
    assert jobs[0].params["as_of"] == "2019-06-30" and jobs[0].name == "national-2019-2019-06-30"
    for bad in ("2019-06-30xyz", "2019-06-30 garbage", "30/06/2019"):
        with pytest.raises(ParameterError, match=r"`as_of` must be a date written YYYY-MM-DD; received"):
            plan.plan_jobs(year=2019, as_of=bad, level="national")


def test_a_code_change_without_a_version_bump_changes_the_report_key(monkeypatch):
    job = plan.plan_jobs(year=2019, level="national")[0]
    before = plan.job_key(job, "data")
    assert plan.job_key(job, "data") == before
    monkeypatch.setattr(data_cache, "source_hash", lambda: "another kceval")
    assert plan.job_key(job, "data") != before


def test_edited_published_figures_change_the_report_key(monkeypatch, tmp_path):
    job = plan.plan_jobs(year=2019, level="national")[0]
    before = plan.job_key(job, "data")
    figures = tmp_path / "figures.csv"
    figures.write_bytes(plan.PUBLISHED_FIGURES.read_bytes())
    monkeypatch.setattr(plan, "PUBLISHED_FIGURES", figures)
    assert plan.job_key(job, "data") == before  # the same bytes elsewhere
    figures.write_bytes(figures.read_bytes() + b"\n")
    assert plan.job_key(job, "data") != before


def test_reports_with_damaged_entries_are_rendered_again(tmp_path):
    jobs = [replace(j, notebook=str(PROBE_NOTEBOOK))
            for j in plan.plan_jobs(year=2019, as_of="2019-06-30", level="province",
                                    provinces=["Đồng Nai", "Bình Phước", "Tây Ninh"])]
    first = engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1, timeout=60)
    assert [o.status for o in first] == ["ok", "ok", "ok"]
    recorded = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    dn, bp, tn = (j.name for j in jobs)
    recorded[dn] = [recorded[dn]]                # not an object
    del recorded[bp]["key"]                      # a field missing
    with pytest.warns(ManifestWarning):
        write(tmp_path, recorded)
        again = engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1, timeout=60)
    assert {o.name: o.status for o in again} == {dn: "ok", bp: "ok", tn: "cached"}
    assert load_manifest(tmp_path).keys() == {dn, bp, tn}  # the manifest is whole again
    write(tmp_path, "{not json")
    with pytest.warns(ManifestWarning):
        third = engine.run_batch(jobs, out_dir=tmp_path, n_jobs=1, timeout=60)
    assert [o.status for o in third] == ["ok", "ok", "ok"]  # nothing known: everything rendered again


def test_manifest_module_names_the_fields_of_an_outcome():
    # a new Outcome field must be added to the manifest checks too, or its entries would be kept unchecked
    assert set(manifest._FIELDS) == {f.name for f in fields(Outcome)}


def test_one_batch_takes_several_years_each_with_its_date():
    assert plan.batch_periods(["2019:2019-06-30", "2024", 2025]) == [("2019", "2019-06-30"), ("2024", ""), ("2025", "")]
    assert plan.batch_periods(["2019"], "2019-06-30") == [("2019", "2019-06-30")]
    for years, as_of, said in ((["2019", "2024"], "2019-06-30", "`as_of` ('2019-06-30') is the date of one year"),
                               (["2019:2019-06-30"], "2019-12-31", "two dates for one year"),
                               (["2024", "2024"], "", "lists a year twice")):
        with pytest.raises(ParameterError, match=re.escape(said)):
            plan.batch_periods(years, as_of)
