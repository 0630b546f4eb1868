"""The results section of a report: the outputs table and the unit-cost table, in both languages."""
from __future__ import annotations

import re

import pandas as pd

from kceval.display.formats import format_money
from kceval.paths import SAMPLE_DIR
from kceval.report.context import open_report
from kceval.report.results import outputs_table, unit_cost_table


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
    assert format_money(per_establishment, "en", unit="million") in text
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
