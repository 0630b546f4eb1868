"""The index page guides: grouped by level and region, searched and filtered offline in Chromium, a ranked chart
of the provinces' execution rates with the region medians, human labels, the synthetic-data banner.

Reference: the entries below (hand-made, as the batch manifest gives them) and medians computed here with the
statistics module.
"""
from __future__ import annotations

import re
import statistics

import pytest

from kceval.render.index import build_index
from tests.render.test_browser import browser, open_offline  # noqa: F401  (browser is a fixture)

RATES = {"Đồng Nai": 0.30, "Bình Phước": 0.50, "Tây Ninh": 0.40, "Hà Nội": 0.90, "Bắc Ninh": 0.70,
         "Đà Nẵng": 0.20}


def _entry(kind, title, params, rate=0.5, status="ok"):
    return {"title": title, "kind": kind, "parameters": {"as_of": "", "data": "", "lang": "vi", **params},
            "headline": {"plan": 5_000_000_000, "executed": int(5e9 * rate), "rate": rate, "projects": 12},
            "status": status, "error": None if status == "ok" else "ValueError: boom", "seconds": 1.5,
            "link": re.sub(r"\W+", "-", title.lower()) + ".html"}


ENTRIES = ([_entry("national", "Toàn quốc — 2019", {"region": "", "year": 2019})]
           + [_entry("region", "Miền Nam — 2019", {"region": "south", "year": 2019})]
           + [_entry("province", f"{p} — 2019", {"province": p, "year": 2019}, r) for p, r in RATES.items()]
           + [_entry("province", "Đồng Nai — 2018", {"province": "Đồng Nai", "year": 2018}, 0.8)]
           + [_entry("province", "Đồng Nai — 2019 (en)", {"province": "Đồng Nai", "year": 2019, "lang": "en"}, 0.3)])


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("index")
    for lang in ("vi", "en"):
        (out / f"index-{lang}.html").write_text(build_index(ENTRIES, lang=lang), encoding="utf-8")
    return out


def test_groups_labels_banner_and_chart(pages):
    page = (pages / "index-vi.html").read_text(encoding="utf-8")
    groups = re.findall(r'<section class="kc-group" data-level="(\w+)"><h2>(.*?) <span', page)
    assert [g for g, _ in groups] == ["national", "region", "province", "province", "province"]
    assert [n for _, n in groups][2:] == ["Các tỉnh, thành phố — Miền Bắc", "Các tỉnh, thành phố — Miền Trung",
                                          "Các tỉnh, thành phố — Miền Nam"]
    assert "province=Đồng Nai" not in page and "; year=" not in page  # human labels, not the parameter string
    assert "Dữ liệu mẫu tổng hợp — không phải số liệu thật" in page
    # the chart: the provinces of the latest year, highest first, each with its region's median
    names = re.findall(r'<span class="kc-bar-name"><a [^>]*>(.*?)</a>', page)
    assert names == sorted(RATES, key=lambda p: -RATES[p])
    south = statistics.median([RATES[p] for p in ("Đồng Nai", "Bình Phước", "Tây Ninh")])
    assert f'left:{100 * south / 1.0:.2f}%' in page and "Miền Nam: 40,0%" in page
    en = (pages / "index-en.html").read_text(encoding="utf-8")
    assert "Provinces — South" in en and "Synthetic sample data" in en and "Execution rate by province, 2019" in en


def test_search_without_diacritics_and_filters_offline(browser, pages):  # noqa: F811
    p, log = open_offline(browser, pages / "index-vi.html")

    def shown():
        return p.eval_on_selector_all("tr[data-search]:not([hidden]) td:first-child a", "as => as.map(a => a.text)")

    assert len(shown()) == len(ENTRIES)
    p.fill(".kc-search", "dong nai")  # no diacritics
    assert sorted(shown()) == ["Đồng Nai — 2018", "Đồng Nai — 2019", "Đồng Nai — 2019 (en)"]
    assert p.is_hidden("section[data-level='national']")  # a group without a match folds away
    p.select_option(".kc-filter-year", "2019")
    assert sorted(shown()) == ["Đồng Nai — 2019", "Đồng Nai — 2019 (en)"]
    p.select_option(".kc-filter-lang", "en")
    assert shown() == ["Đồng Nai — 2019 (en)"]
    p.fill(".kc-search", "mien nam")  # a region's name finds the region and its provinces
    p.select_option(".kc-filter-lang", "")
    assert "Miền Nam — 2019" in shown() and "Tây Ninh — 2019" in shown() and "Hà Nội — 2019" not in shown()
    p.fill(".kc-search", "zzz")
    assert shown() == [] and p.is_visible(".kc-none")
    assert not log["pageerror"] and not log["console"]
    p.close()


def test_the_vietnamese_index_shows_no_code_and_no_english(browser, pages):  # noqa: F811
    from tests.render.test_language import codes, english_vocabulary, visible_text

    text = visible_text(browser, pages / "index-vi.html", "vi")
    tokens = [w for w in re.findall(r"[^\W\d]+", text) if w.isascii()]
    vocabulary = english_vocabulary() | codes()
    assert not sorted({t for t in tokens if t.lower() in vocabulary or t in codes()}), text[:500]
