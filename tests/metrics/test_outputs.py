"""Outputs by activity (kceval.metrics.outputs) and the results paragraph (kceval.report.results).

The reference is a plain-pandas computation on the sample's projects.csv, with the output unit of each
activity written out here from DOMAIN.md ("Output units"), not taken from kceval; the paragraph is pinned to
the five results of the source report (DOMAIN.md, "The source report": 47 machinery supports, 1
cleaner-production assessment, 3 fairs with 115 participations, 4 brands, 3 consulting projects).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kceval.errors import ParameterError
from kceval.metrics.outputs import outputs
from kceval.paths import SAMPLE_DIR

# DOMAIN.md: the column each activity's output is counted from ("n": one per project)
UNIT = {"machinery": "beneficiaries", "training": "output_count", "capacity": "output_count", "demonstration": "n",
        "cleaner_production": "n", "fair": "output_count", "product_award": "output_count", "brand": "n",
        "consulting": "beneficiaries", "communication": "output_count", "linkage": "output_count",
        "industrial_cluster": "output_count", "cooperation": "output_count"}


@pytest.fixture(scope="module")
def csv_projects() -> pd.DataFrame:
    p = pd.read_csv(SAMPLE_DIR / "projects.csv")
    for c in ("approved_on", "accepted_on", "finished_on"):
        p[c] = pd.to_datetime(p[c])
    return p


def reference(p: pd.DataFrame, as_of: str, by: list[str]) -> pd.DataFrame:
    d = pd.Timestamp(as_of)
    p = p[p["activity"].isin(list(UNIT)) & (p["approved_on"] <= d)].copy()
    p["done"] = (p["accepted_on"] <= d) | (p["finished_on"] <= d)
    p["out"] = [1.0 if UNIT[r["activity"]] == "n" else float(np.nan_to_num(r[UNIT[r["activity"]]]))
                for r in p.to_dict("records")]
    rows = []
    for key, g in p.groupby([*by, "activity"]):
        key = key if isinstance(key, tuple) else (key,)
        done = g[g["done"]]
        rows.append(dict(zip([*by, "activity"], key), projects_done=len(done),
                         establishments_done=int(done["beneficiaries"].sum()), output_done=int(done["out"].sum()),
                         projects_planned=len(g), output_planned=int(g["out"].sum())))
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("year", "as_of", "by"), [(2019, "2019-06-30", []), (2021, "2021-12-31", ["province"]),
                                                   (2026, "2026-11-30", ["source"])])
def test_outputs_against_plain_pandas_on_the_csv(csv_projects, year, as_of, by):
    p = csv_projects[csv_projects["year"] == year]
    got = outputs(p, as_of=as_of, by=by or None)
    want = reference(p, as_of, by)
    cols = [*by, "activity", "projects_done", "establishments_done", "output_done", "projects_planned",
            "output_planned"]
    pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True),
                                  check_dtype=False)
    share = got["output_done"] / got["output_planned"]
    assert np.allclose(got["achieved_share"], share, equal_nan=True)


def test_outputs_do_not_depend_on_row_order_or_index_and_add_up(csv_projects):
    p = csv_projects[csv_projects["year"] == 2020]
    shuffled = p.sample(frac=1, random_state=7).set_axis(np.arange(len(p)) * 3 + 11)
    base = outputs(p, as_of="2020-09-15")
    pd.testing.assert_frame_equal(outputs(shuffled, as_of="2020-09-15"), base)
    by_prov = outputs(shuffled, as_of="2020-09-15", by="province")
    summed = by_prov.drop(columns=["province", "unit", "achieved_share"]).groupby("activity").sum().reset_index()
    pd.testing.assert_frame_equal(summed, base.drop(columns=["unit", "achieved_share"]), check_dtype=False)
    before = shuffled.copy()
    outputs(shuffled, as_of="2020-09-15", by="province")
    pd.testing.assert_frame_equal(shuffled, before)  # the input is not changed


def test_empty_one_row_unknown_output_and_accepted_only(csv_projects):
    p = csv_projects[csv_projects["year"] == 2019]
    assert outputs(p.iloc[:0], as_of="2019-12-31").empty
    one = p[p["activity"] == "fair"].iloc[[0]].assign(accepted_on=pd.Timestamp("2019-05-01"), output_count=np.nan)
    got = outputs(one, as_of="2019-12-31").iloc[0]
    assert (got["projects_done"], got["output_done"], got["output_unknown"]) == (1, 0, 1)  # a gap, not "no result"
    fin = one.assign(accepted_on=pd.NaT, finished_on=pd.Timestamp("2019-05-01"), output_count=40)
    assert outputs(fin, as_of="2019-12-31")["output_done"].tolist() == [40]
    assert outputs(fin, as_of="2019-12-31", accepted_only=True)["output_done"].tolist() == [0]
    with pytest.raises(ParameterError, match="`projects` must be a projects table"):
        outputs(p.drop(columns=["beneficiaries"]), as_of="2019-12-31")


SOURCE_VI = ["hỗ trợ 47 cơ sở công nghiệp nông thôn ứng dụng máy móc thiết bị hiện đại",
             "đánh giá sản xuất sạch hơn cho 1 cơ sở", "tổ chức 3 hội chợ với 115 lượt cơ sở tham gia",
             "hỗ trợ 4 cơ sở đăng ký thương hiệu", "thực hiện 3 đề án tư vấn"]
SOURCE_EN = ["supported 47 establishments with modern machinery", "assessed cleaner production for 1 establishment",
             "organised 3 fairs with 115 participations", "helped 4 establishments register brands",
             "ran 3 consulting projects"]


@pytest.mark.parametrize(("lang", "clauses", "start"), [("vi", SOURCE_VI, "Đến ngày 30/06/2019, Miền Nam đã "),
                                                         ("en", SOURCE_EN, "By 30 Jun 2019, South had ")])
def test_south_2019_h1_results_state_the_source_reports_five_results(lang, clauses, start):
    from kceval.report.context import open_report
    from kceval.report.results import results_sentence

    html = results_sentence(open_report(region="south", year=2019, as_of="2019-06-30", lang=lang)).data
    text = html.split('<p class="kc-lead kc-results">')[1].split("</p>")[0]
    assert text.startswith(start)
    parts = text[len(start):].rstrip(".").split("; ")
    assert parts[:5] == clauses  # the source report's five results, in its order, then the others
