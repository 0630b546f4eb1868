"""What the tests share: paths, the tiny hand-made dataset, and reference computations.

Reference computations are written from the published formula, independently of kceval's code,
so that a test compares kceval with something it does not share a bug with.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from kceval.dataset import Dataset

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BAD_INPUTS = TESTS / "io" / "bad_inputs"
TEST_NOTEBOOKS = TESTS / "notebooks"
TINY_NOTEBOOK = TEST_NOTEBOOKS / "tiny_report.ipynb"
PROBE_NOTEBOOK = TEST_NOTEBOOKS / "batch_probe.ipynb"


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Two provinces, 2019; figures chosen so totals are easy to check by hand."""
    plans = pd.DataFrame({
        "year": [2019, 2019, 2019],
        "province": ["Đồng Nai", "Đồng Nai", "Bình Phước"],
        "source": ["national", "local", "local"],
        "approved_vnd": [1_000_000_000, 2_000_000_000, 500_000_000],
        "revised_vnd": pd.array([None, 1_800_000_000, None], dtype="Int64"),
    })
    d = pd.to_datetime
    projects = pd.DataFrame({
        "project_id": ["A", "B", "C", "D"],
        "year": 2019,
        "province": ["Đồng Nai", "Đồng Nai", "Đồng Nai", "Bình Phước"],
        "source": ["national", "local", "local", "local"],
        "activity": ["machinery", "fair", "brand", "training"],
        "title": ["Máy sấy", "Hội chợ <b>&</b>", "Thương hiệu", "Đào tạo"],
        "beneficiaries": [2, 30, 1, 25],
        "pilot": [True, False, False, False],
        "group": [False, True, False, False],
        "support_vnd": [400_000_000, 300_000_000, 35_000_000, 200_000_000],
        "counterpart_vnd": pd.array([1_200_000_000, None, 70_000_000, 0], dtype="Int64"),
        "approved_on": d(["2019-03-01", "2019-04-01", "2019-05-01", "2019-03-15"]),
        "planned_end": d(["2019-10-31", "2019-09-30", "2019-11-30", "2019-08-31"]),
        "status": ["accepted", "stopped", "in_progress", "accepted"],
        "finished_on": d(["2019-10-15", None, None, "2019-06-20"]),
        "accepted_on": d(["2019-11-05", None, None, "2019-06-28"]),
        "stopped_on": d([None, "2019-07-01", None, None]),
        "output_count": pd.array([2, 40, 1, 25], dtype="Int64"),
    })
    events = pd.DataFrame({
        "project_id": ["A", "B", "A"],
        "date": d(["2019-09-01", "2019-07-01", "2019-11-05"]),
        "kind": ["extension", "stop", "acceptance"],
        "new_planned_end": d(["2019-11-30", None, None]),
        "new_support_vnd": pd.array([None, None, None], dtype="Int64"),
        "note": ["", "beneficiary withdrew", ""],
    })
    payments = pd.DataFrame({
        "project_id": ["A", "A", "B", "C", "D", "D"],
        "date": d(["2019-04-01", "2019-11-20", "2019-05-01", "2020-01-10", "2019-04-01", "2019-06-30"]),
        "amount_vnd": [280_000_000, 120_000_000, 50_000_000, 35_000_000, 140_000_000, 60_000_000],
    })
    return {"plans": plans, "projects": projects, "events": events, "payments": payments}


def wilson_by_hand(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson (1927) score interval written out, bounds clamped to [0, 1].

    Centre (p + z²/2n)/(1 + z²/n), half-width z·sqrt(p(1−p)/n + z²/4n²)/(1 + z²/n).
    """
    p = x / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(c - h, 0.0), min(c + h, 1.0)


def build(plans, projects, payments, events=()) -> Dataset:
    """Dataset from short rows: plans (year, province, source, approved, revised),
    projects (id, year, province, source, activity, support, counterpart), payments (id, date, amount),
    events (id, date, new_support)."""
    pl = pd.DataFrame(plans, columns=["year", "province", "source", "approved_vnd", "revised_vnd"])
    pl["revised_vnd"] = pd.array(pl["revised_vnd"], dtype="Int64")
    pr = pd.DataFrame(projects, columns=["project_id", "year", "province", "source", "activity", "support_vnd",
                                         "counterpart_vnd"])
    pr["counterpart_vnd"] = pd.array(pr["counterpart_vnd"], dtype="Int64")
    pr["title"] = "x"
    pr["beneficiaries"] = 1
    pr["approved_on"] = pd.to_datetime(pr["year"].astype(str) + "-01-10")
    pr["planned_end"] = pd.to_datetime(pr["year"].astype(str) + "-12-31")
    pr["status"] = "in_progress"
    pay = pd.DataFrame(payments, columns=["project_id", "date", "amount_vnd"])
    pay["date"] = pd.to_datetime(pay["date"])
    ev = pd.DataFrame(list(events), columns=["project_id", "date", "new_support_vnd"])
    ev["date"] = pd.to_datetime(ev["date"])
    ev["kind"] = "adjustment"
    ev["new_support_vnd"] = pd.array(ev["new_support_vnd"], dtype="Int64")
    ds = Dataset.from_tables({"plans": pl, "projects": pr, "payments": pay, "events": ev})
    assert not ds.errors, ds.errors
    return ds


DN, BD, HN = "Đồng Nai", "Bình Dương", "Hà Nội"


def small_south() -> Dataset:
    """Đồng Nai 2016–2019 and Bình Dương 2019 (both south). Amounts in VND, small on purpose."""
    return build(
        plans=[
            (2016, DN, "local", 1000, None), (2017, DN, "local", 1000, None), (2018, DN, "local", 1000, None),
            (2019, DN, "local", 1000, 800), (2019, DN, "national", 500, None),
            (2019, BD, "local", 400, None), (2019, BD, "national", 100, None),
        ],
        projects=[
            ("E16", 2016, DN, "local", "machinery", 1000, None),
            ("E17", 2017, DN, "local", "machinery", 1000, None),
            ("E18", 2018, DN, "local", "machinery", 1100, None),
            ("P1", 2019, DN, "local", "machinery", 600, 1800),
            ("P2", 2019, DN, "local", "training", 300, None),
            ("P3", 2019, DN, "national", "fair", 400, 400),
            ("P4", 2019, BD, "local", "machinery", 400, 0),
        ],
        payments=[
            ("E16", "2016-06-01", 980), ("E17", "2017-06-01", 880), ("E18", "2018-06-01", 1080),
            ("P1", "2019-03-15", 200), ("P1", "2019-06-30", 100), ("P1", "2019-12-20", 200), ("P1", "2020-01-15", 50),
            ("P2", "2019-07-10", 150),
            ("P3", "2019-05-01", 100), ("P3", "2019-11-30", 300),
            ("P4", "2019-04-01", 100),
            ("P2", "2020-03-01", 100),   # after the settlement month: outside PEFA's 2019 outturn
        ],
        events=[("P1", "2019-05-01", 500)],
    )


def frozen(ds: Dataset) -> dict:
    return {k: getattr(ds, k).copy() for k in ("plans", "projects", "events", "payments")}


def assert_unchanged(ds: Dataset, before: dict) -> None:
    for k, v in before.items():
        pd.testing.assert_frame_equal(getattr(ds, k), v)


def index_entry(res, headline=None) -> dict:
    """The index-page entry of a rendered report (:func:`kceval.render.one_report.write_index`)."""
    return {"title": res.title, "kind": "province", "parameters": res.params,
            "headline": res.headline if headline is None else headline, "status": res.status, "error": res.error,
            "seconds": res.seconds, "link": res.html_path.name}


# -- a report's province: the row of every province's figures against the single path --------------------------
def assert_same_figures(got: dict, want: dict, where: object) -> None:
    """The same keys in the same order, values of the same type, floats within 1e-12 (the order of a sum)."""
    import pytest  # deferred: support is imported by non-test scripts too

    assert list(got) == list(want), where
    for k, v in want.items():
        assert type(got[k]) is type(v), (where, k, got[k], v)
        assert got[k] == (pytest.approx(v, rel=1e-12) if isinstance(v, (float, list)) else v), (where, k)


def assert_row_path_matches(single, by_province, *, year: int, as_of: str | None, data: str = "",
                            units: int | None = None, regions: str = "", provinces=None, step: int = 5) -> None:
    """``single(..., province=p)`` on sealed data (a report's, answered from ``by_province``'s row; a province
    without a row there falls back to the single path) equals it on the same data not sealed (computed for the one
    province), province by province."""
    from kceval.headline.scope import year_basis  # deferred: headline is what the tests here exercise

    sealed = year_basis(Dataset.load(data or None), year, units, regions).sealed()
    plain = year_basis(Dataset.load(data or None), year, units, regions)
    assert sealed.memo_key is not None and plain.memo_key is None
    names = list(by_province(sealed, year=year, as_of=as_of)["province"])
    for p in (provinces or names[::step]):
        assert_same_figures(single(sealed, year=year, province=p, as_of=as_of),
                            single(plain, year=year, province=p, as_of=as_of), (p, year, as_of, units, regions))


MOVED_UNITS = ["Lâm Đồng", "Đồng Nai", "Tây Ninh", "Khánh Hòa", "Gia Lai", "Hà Tĩnh", "Nghệ An"]


def moved_regions(folder: Path) -> str:
    """A regions file (``unit_2025,region``) that moves the seven :data:`MOVED_UNITS` of 2025 to another region than
    kceval's (the first five to the south, the last two to the centre)."""
    from kceval.merger import regions_2025  # deferred: as above

    r = regions_2025()
    r.loc[r["unit_2025"].isin(MOVED_UNITS[:5]), "region"] = "south"
    r.loc[r["unit_2025"].isin(MOVED_UNITS[5:]), "region"] = "central"
    path = folder / "regions.csv"
    r[["unit_2025", "region"]].to_csv(path, index=False)
    return str(path)


SHAPES_2019 = ["Bình Phước", "Tây Ninh", "Long An", "Đồng Tháp", "Hậu Giang", "Đồng Nai"]


def shaped_sample(folder: Path) -> str:
    """The bundled sample with provinces of unusual shape in 2019: Bình Phước has projects but no plan, Tây Ninh
    projects but no plan and no payment, Bình Dương a plan but no project, Long An one project, Đồng Tháp projects
    of zero support, Hậu Giang a zero plan."""
    from kceval.paths import SAMPLE_DIR  # deferred: as above

    t = {k: pd.read_csv(SAMPLE_DIR / f"{k}.csv", dtype=str, keep_default_na=False)
         for k in ("plans", "projects", "events", "payments")}
    pl, pr, ev, pay = t["plans"], t["projects"], t["events"], t["payments"]
    in_2019 = pr["year"] == "2019"

    def ids(province):
        return pr.loc[in_2019 & (pr["province"] == province), "project_id"]

    pl = pl[~((pl["year"] == "2019") & pl["province"].isin(["Bình Phước", "Tây Ninh"]))].copy()
    pay = pay[~pay["project_id"].isin(ids("Tây Ninh"))]
    gone = pd.concat([ids("Bình Dương"), ids("Long An").iloc[1:]])
    pr, ev, pay = (t[~t["project_id"].isin(gone)].copy() for t in (pr, ev, pay))
    pr.loc[(pr["year"] == "2019") & (pr["province"] == "Đồng Tháp"), "support_vnd"] = "0"
    zero = (pl["year"] == "2019") & (pl["province"] == "Hậu Giang")
    pl.loc[zero, "approved_vnd"], pl.loc[zero, "revised_vnd"] = "0", ""
    for k, v in dict(plans=pl, projects=pr, events=ev, payments=pay).items():
        v.to_csv(folder / f"{k}.csv", index=False)
    return str(folder)


def process_running(pid: int) -> bool:
    """Whether process ``pid`` runs (Linux: /proc; a zombie, ended but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
