"""A report's province (sealed data) takes its headline figures from its row of every province's, the frame the
reports of a batch share; data not sealed are computed for the one province. Both must give the same figures, of the
same types, in the same order (tests/support.py: assert_row_path_matches)."""
import pytest

from kceval.headline.completion import headline_completion, headline_completion_by_province
from kceval.headline.spending import headline_spending, headline_spending_by_province
from tests.support import MOVED_UNITS, SHAPES_2019, assert_row_path_matches, moved_regions

PARTS = pytest.mark.parametrize("single, by_province", [(headline_spending, headline_spending_by_province),
                                                        (headline_completion, headline_completion_by_province)],
                                ids=["spending", "completion"])


@PARTS
@pytest.mark.parametrize("year, as_of", [(2019, "2019-06-30"), (2024, None), (2026, "2026-06-30")])
def test_a_reports_province_takes_its_row_and_gets_the_single_paths_figures(single, by_province, year, as_of):
    # a fifth of the sample's provinces, before and after the merger (on 20 provinces, 56 of 1,080 spending values
    # differ by at most 6e-16 relative: the order of a sum)
    assert_row_path_matches(single, by_province, year=year, as_of=as_of)


@PARTS
@pytest.mark.parametrize("year, as_of, units", [(2026, "2026-06-30", None), (2019, "2019-06-30", 2025)])
def test_the_row_path_with_a_regions_file(tmp_path, single, by_province, year, as_of, units):
    # units moved to another region than kceval's: a unit short of earlier years falls back to the region the file
    # gives it (found in review: the row path used the file's, the single path its namesake's, and raised)
    assert_row_path_matches(single, by_province, year=year, as_of=as_of, units=units,
                            regions=moved_regions(tmp_path), provinces=MOVED_UNITS)


@PARTS
@pytest.mark.parametrize("as_of", ["2019-06-30", "2019-12-31"])
def test_the_row_path_on_provinces_of_unusual_shape(shaped, single, by_province, as_of):
    # projects without a plan, and without a payment yet (found in review: the single path raised for its
    # forecast), one project, zero support, a zero plan
    assert_row_path_matches(single, by_province, year=2019, as_of=as_of, data=shaped, provinces=SHAPES_2019)
