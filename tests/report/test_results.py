"""The results section of a report: the outputs table and the unit-cost table, in both languages."""
from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.display.formats import format_money, format_percent
from kceval.metrics.remedies import compare_remedies
from kceval.metrics.unit_costs import score_unit_costs
from kceval.paths import SAMPLE_DIR
from kceval.report.context import open_report
from kceval.report.results import (
    leverage_table,
    output_frame,
    outputs_table,
    remedy_table,
    unit_cost_frame,
    unit_cost_ranking,
    unit_cost_table,
)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_outputs_table_shows_the_source_reports_fairs():
    text = _text(outputs_table(open_report(region="south", year=2019, as_of="2019-06-30", lang="vi")).data)
    assert "Hội chợ, triển lãm lượt cơ sở tham gia 115 523" in text  # achieved 115 of 523 planned participations


def test_a_province_unit_cost_is_its_support_over_its_output_by_hand():
    ctx = open_report(province="Bến Tre", year=2019, lang="en")
    p = pd.read_csv(SAMPLE_DIR / "projects.csv", parse_dates=["accepted_on", "finished_on"])
    p = p[(p["year"] == 2019) & (p["province"] == "Bến Tre") & (p["activity"] == "machinery")]
    done = p[(p["accepted_on"] <= ctx.as_of) | (p["finished_on"] <= ctx.as_of)]
    per_establishment = done["support_vnd"].sum() / done["beneficiaries"].sum()
    text = _text(unit_cost_table(ctx).data)
    assert "Support per output (VND million)" in text
    assert format_money(per_establishment, "en", unit="million", word=False) in text
    assert "Robust z (log scale)" in text and "cap" in text


def test_a_region_lists_its_outlying_provinces():
    text = _text(unit_cost_table(open_report(region="south", year=2019, lang="vi")).data)
    assert "Số tỉnh được so sánh" in text and "Tỉnh có chi phí khác thường" in text


def test_reconciliation_shows_words_not_codes():
    from kceval.report.data_sections import reconciliation_table

    vi = _text(reconciliation_table(open_report(region="south", year=2019, as_of="2019-06-30", lang="vi")).data)
    assert "Lượt cơ sở tham gia hội chợ" in vi and "Cơ sở được hỗ trợ máy móc thiết bị" in vi and " 115 115 " in vi
    for code in ("fair_participations", "machinery_supports", "billion VND", "national", "total", "count"):
        assert code not in vi, code
    en = _text(reconciliation_table(open_report(region="south", year=2019, as_of="2019-06-30", lang="en")).data)
    assert "Fair participations" in en and "fair_participations" not in en


def test_the_ranking_lists_only_provinces_with_enough_projects_cheapest_first():
    ctx = open_report(region="south", year=2019, lang="en")
    html = unit_cost_ranking(ctx).data
    s = score_unit_costs(ctx.ds.select(year=2019, region="south").projects, as_of=ctx.as_of)
    scored = s[s["scored"]]
    text = _text(html)
    assert f"{scored['province'].nunique()} provinces, {len(scored)} rows" in text
    rows = re.findall(r"<tr>(.*?)</tr>", html)[1:]
    assert len(rows) == len(scored)
    machinery = scored[scored["activity"] == "machinery"].sort_values(["support_per_output", "province"])  # ties: A–Z
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]
    listed = [c[2] for c in cells if c[0] == "Machinery and equipment"]
    assert listed == machinery["province"].tolist()  # rank 1 is the lowest cost
    assert [c[1] for c in cells if c[0] == "Machinery and equipment"][0] == f"1/{len(machinery)}"
    assert (scored["projects"] >= 3).all()


def test_the_region_table_shows_the_projects_behind_each_median():
    ctx = open_report(region="south", year=2019, lang="en")
    s = unit_cost_frame(ctx)
    behind = s[s["scored"]].groupby("activity")["projects"].sum()
    text = _text(unit_cost_table(ctx).data)
    assert "Projects behind the median" in text
    assert f"Machinery and equipment {s[s['scored'] & (s['activity'] == 'machinery')].shape[0]} " \
           f"{behind['machinery']} " in text


def test_memoised_unit_costs_are_the_fresh_ones_and_a_callers_change_does_not_leak():
    """A region's scores are kept per process for its province reports (Dataset.memo_key); data built in memory
    are not kept."""
    ctx = open_report(province="Đồng Nai", year=2019, as_of="2019-06-30")
    first = unit_cost_frame(ctx)
    first.loc[:, "median"] = -1.0  # a caller changing what it got
    ds = ctx.ds
    fresh = replace(ctx, ds=Dataset(ds.plans, ds.projects, ds.events, ds.payments))
    assert fresh.ds.memo_key is None and ds.memo_key is not None
    again = unit_cost_frame(open_report(province="Bình Dương", year=2019, as_of="2019-06-30"))  # same region
    pd.testing.assert_frame_equal(again, unit_cost_frame(fresh))
    assert not (again["median"] == -1.0).any()
    other = unit_cost_frame(open_report(province="Hà Giang", year=2019, as_of="2019-06-30"))  # another region
    assert set(other["province"]).isdisjoint(again["province"])
    later = unit_cost_frame(open_report(province="Đồng Nai", year=2019, as_of="2019-12-31"))  # another date
    assert later["projects"].sum() > again["projects"].sum()


def test_leverage_by_activity_by_hand():
    ctx = open_report(province="Đồng Nai", year=2019, lang="en")
    p = pd.read_csv(SAMPLE_DIR / "projects.csv")
    p = p[(p["year"] == 2019) & (p["province"] == "Đồng Nai") & (p["activity"] == "machinery")]
    k = p[p["counterpart_vnd"].notna()]
    want = f"{k['counterpart_vnd'].sum() / k['support_vnd'].sum():.2f}"
    assert f"Machinery and equipment {len(p)} " in _text(leverage_table(ctx).data)
    assert want in _text(leverage_table(ctx).data)


@pytest.mark.parametrize("lang, caveat", [("vi", "So sánh chỉ mang tính mô tả"),
                                          ("en", "The comparison is descriptive")])
def test_pilot_and_group_table_states_its_figures_years_and_caveat(lang, caveat):
    ctx = open_report(region="south", year=2019, as_of="2019-06-30", lang=lang)
    text = _text(remedy_table(ctx).data)
    known = ctx.history.select(year=[2018, 2019]).as_of(ctx.as_of)
    c = compare_remedies(known.projects, known.events, as_of=ctx.as_of).set_index(["kind", "measure"])
    pilot = c.loc[("pilot", "problem")]
    assert f"{format_percent(pilot['estimate'], lang)} ({format_percent(pilot['low'], lang)}–" \
           f"{format_percent(pilot['high'], lang)})" in text
    assert caveat in text and "2018–2019" in text


def test_the_output_frame_is_computed_once_a_report_and_handed_out_as_copies():
    from kceval.metrics.outputs import outputs

    ctx = open_report(province="Đồng Nai", year=2019, as_of="2019-06-30")
    first = output_frame(ctx)
    fresh = outputs(ctx.selection.projects, as_of=ctx.as_of).set_index("activity").loc[first["activity"]]
    assert (first.set_index("activity")[fresh.columns] == fresh).all().all()  # the metric's figures, in ORDER
    first.loc[:, "projects_done"] = -1                                     # a caller's change does not leak
    again = output_frame(ctx)
    assert (again["projects_done"] >= 0).all() and again is not first
    other = replace(ctx, selection=ctx.selection.select(source="local"))   # another context computes its own
    assert not other.shared and output_frame(other)["projects_planned"].sum() < again["projects_planned"].sum()
