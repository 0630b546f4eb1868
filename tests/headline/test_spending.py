"""Headline spending figures: one selection and every province at once, pinned to hand calculations."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from kceval.dataset import Dataset
from kceval.errors import ParameterError
from kceval.headline.spending import headline_spending, headline_spending_by_province
from kceval.metrics.pefa import pefa_pi2
from kceval.metrics.spending import execution
from tests.support import BD, DN, assert_unchanged, frozen, small_south


@pytest.fixture
def ds() -> Dataset:
    """Đồng Nai 2016–2019 and Bình Dương 2019 (tests/support.py)."""
    return small_south()


# -- headline -----------------------------------------------------------------------------
def test_headline_spending_json_and_values(ds):
    before = frozen(ds)
    h = headline_spending(ds, year=2019, province="dong nai", as_of="2019-06-30")
    json.dumps(h)
    assert h["plan_vnd"] == 1500 and h["executed_vnd"] == 400
    assert h["execution_rate"] == pytest.approx(400 / 1500)
    assert h["pi1_outturn"] == pytest.approx(1.08) and h["pi1_grade"] == "B"
    assert h["q4_share"] is None and h["december_ratio"] is None
    # leverage as in the leverage test; 3 projects with supports 600, 300, 400:
    # HHI = (36 + 9 + 16)/169 = 61/169
    assert h["leverage"] == pytest.approx(2.2)
    assert h["hhi"] == pytest.approx(61 / 169) and h["effective_projects"] == pytest.approx(169 / 61)
    assert isinstance(h["projects_for_90pct"], int)
    assert len(h["gini_ci"]) == 2
    assert_unchanged(ds, before)
    with pytest.raises(ParameterError, match="`year`"):
        headline_spending(ds, year=2030)
    with pytest.raises(ParameterError, match="not both"):
        headline_spending(ds, year=2019, province=DN, region="south")


def test_headline_by_province_matches_single(ds):
    t = headline_spending_by_province(ds, year=2019, as_of="2019-12-31", ci=True).set_index("province")
    for p in (DN, BD):
        h = headline_spending(ds, year=2019, province=p, as_of="2019-12-31")
        for k in ("plan_vnd", "executed_vnd", "execution_rate", "pi1_outturn", "hhi", "gini", "theil",
                  "small_project_share", "projects_for_90pct", "leverage", "q4_share", "december_ratio"):
            a, b = t.loc[p, k], h[k]
            assert (b is None and pd.isna(a)) or a == pytest.approx(b), (p, k, a, b)
        grade = t.loc[p, "pi1_grade"]
        assert (h["pi1_grade"] is None and pd.isna(grade)) or grade == h["pi1_grade"], (p, grade, h["pi1_grade"])


def test_sample_reproduces_published_south_2019():
    # Seed report (ARIT 2019, DOMAIN.md): 20 southern provinces, approved 85.865 billion VND,
    # executed by 30 June 2019 16.578 billion VND = 19.3%.
    full = Dataset.load()
    e = execution(full.select(year=2019, region="south"), by="region", as_of="2019-06-30").iloc[0]
    assert e["plan_vnd"] == 85_865_000_000 and e["executed_vnd"] == 16_578_000_000
    assert round(e["execution_rate"] * 100, 1) == 19.3
    h = headline_spending(full, year=2019, region="south", as_of="2019-06-30")
    assert round(h["execution_rate"] * 100, 1) == 19.3 and h["plan_vnd"] == 85_865_000_000


def test_pefa_and_batch_headline_do_not_mutate(ds):
    before = frozen(ds)
    pefa_pi2(ds, level="province", as_of="2020-01-31")
    pefa_pi2(ds, level="national", as_of="2020-01-31")
    headline_spending_by_province(ds, year=2019, as_of="2019-06-30", ci=True)
    assert_unchanged(ds, before)
