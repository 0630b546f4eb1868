"""The report's tables say what their figures are: denominators, windows, and no range where none exists.

Expected values are counted here straight from the sample tables (pandas on ``Dataset.load()``),
not through the kceval functions behind the tables.
"""
import re

import pandas as pd
import pytest

from kceval import report
from kceval.dataset import Dataset
from kceval.display import formats
from kceval.report import feasibility, sections

AS_OF = pd.Timestamp("2019-06-30")


def _text(h) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h.data))


@pytest.fixture(scope="module")
def dong_nai():
    return {lang: report.open_report(province="Đồng Nai", year=2019, as_of=str(AS_OF.date()), lang=lang)
            for lang in ("vi", "en")}


@pytest.fixture(scope="module")
def projects():
    p = Dataset.load().projects
    return p[(p["province"] == "Đồng Nai") & (p["year"] == 2019)]


def test_forecast_with_one_earlier_year_says_there_is_no_range(dong_nai):
    # the sample starts in 2018: in 2019 the seasonal forecast rests on one earlier year
    for lang, words in (("vi", "không có khoảng: chỉ 1 năm trước"), ("en", "no range: 1 earlier year only")):
        ctx = dong_nai[lang]
        assert ctx.summary["forecast_years"] == 1 and ctx.summary["forecast_interval"] is None
        point = formats.format_percent(ctx.summary["forecast_rate"], lang)
        for part in (sections.headline_sentence(ctx), sections.headline_table(ctx)):
            assert f"{point} ({words})" in _text(part)
            assert "range of earlier years" not in _text(part) and "khoảng các năm trước" not in _text(part)


def test_forecast_with_earlier_years_shows_their_range():
    ctx = report.open_report(region="south", year=2021, as_of="2021-06-30", lang="en")
    low, high = ctx.summary["forecast_interval"]
    assert ctx.summary["forecast_years"] == 3 and low < high
    text = _text(sections.headline_sentence(ctx))
    assert f"(range of earlier years {formats.format_percent(low, 'en')}–{formats.format_percent(high, 'en')})" in text


def test_completion_table_names_each_denominator(dong_nai, projects):
    # by hand: due = original planned end passed; accepted with a date by the as-of date
    due = projects[projects["planned_end"] <= AS_OF]
    accepted = projects[projects["accepted_on"].notna() & (projects["accepted_on"] <= AS_OF)]
    assert len(due) and len(accepted)
    text = _text(sections.completion_table(dong_nai["en"]))
    assert "Acceptance rate" in text and f"{len(due)} projects due " in text
    assert f"{len(due)} projects due, timing known" in text  # no due project is accepted without a date
    assert f"{len(accepted)} projects accepted (dated)" in text
    on_time = (accepted["accepted_on"] <= accepted["planned_end"]).mean()
    expected = formats.format_percent(on_time, "en")
    assert f"Punctuality (on time among the projects accepted) {expected}" in text
    assert "Mẫu số" in _text(sections.completion_table(dong_nai["vi"]))


def test_feasibility_rates_count_projects_approved_by_the_report_date(projects):
    early = pd.Timestamp("2019-02-28")
    ctx = report.open_report(province="Đồng Nai", year=2019, as_of=str(early.date()), lang="en")
    rates = feasibility.problem_rates(ctx.current.projects, ctx.current.events, as_of=ctx.as_of)
    approved = int((projects["approved_on"] <= early).sum())
    assert 0 < approved < len(projects)  # by the end of February only part of the year's projects
    assert set(rates["n"]) == {approved}
    text = _text(sections.rates_table(rates, lang="en"))
    assert text.strip().startswith("Denominator: the projects approved by the report date")
    # without a date the caption does not claim it
    plain = feasibility.problem_rates(ctx.current.projects, ctx.current.events)
    assert set(plain["n"]) == {len(projects)}
    assert "Denominator" not in _text(sections.rates_table(plain, lang="en"))


def test_pefa_table_names_its_window_and_lines(dong_nai):
    en = _text(sections.pefa_table(dong_nai["en"]))
    assert "each year counts payments to 31 January of the following year" in en
    assert "PI-2 compares the province's activities" in en.replace("&#x27;", "'")
    region = report.open_report(region="south", year=2021, as_of="2021-06-30", lang="vi")
    vi = _text(sections.pefa_table(region))
    assert "đến 31/1 năm sau" in vi and "PI-2 so sánh các tỉnh" in vi


def test_rows_excluded_because_of_errors_are_stated_at_the_top(tmp_path, dong_nai):
    from kceval.io import write_tables
    from tests.support import tiny_tables

    t = tiny_tables()
    t["projects"].loc[t["projects"].index[0], "province"] = "Atlantis"  # an error: the row is excluded
    write_tables(t, tmp_path)
    ctx = report.open_report(province=t["projects"]["province"].iloc[1], year=2019, as_of="2019-12-31",
                             data=str(tmp_path), lang="en")
    n = sum(len(v) for v in ctx.ds.excluded.values())
    assert n >= 1
    assert f"Note: {n} rows of the input data were excluded because of errors" in _text(sections.headline_sentence(ctx))
    assert "excluded because of errors" not in _text(sections.headline_sentence(dong_nai["en"]))  # none: no note


@pytest.mark.parametrize("lang, words", [("vi", "Không ước lượng mô hình rủi ro: chỉ có 106 đề án gặp vấn đề và 255"),
                                         ("en", "The risk model was not fitted: 106 projects with a problem and 255")])
def test_a_refused_risk_model_is_explained_in_the_report_language(lang, words):
    # the south, 2018 to mid-2019: 361 projects followed up for a year, too few events for 12 parameters
    html = sections.risk_table(report.open_report(region="south", year=2019, as_of="2019-06-30", lang=lang)).data
    assert words in html
    assert "too few events" not in html  # the exception's own (English) words are not shown
