"""The headline cards at the top of every report (kceval.report.cards).

Reference: the figures of :func:`kceval.headline.summary.summary` and the median of the compared provinces computed
here from :func:`kceval.headline.summary.summary_by_province` with plain pandas.
"""
from __future__ import annotations

import re

import pytest

from kceval.display.formats import format_percent
from kceval.headline.summary import summary, summary_by_province
from kceval.report.cards import headline_cards
from kceval.report.context import open_report


def _cards(html: str) -> list[tuple[str, str, str]]:
    """(label, value, note) of every card."""
    return re.findall(r'<div class="kc-card-label">(.*?)</div><div class="kc-card-value">(.*?)</div>'
                      r'(?:<div class="kc-card-note">(.*?)</div>)?', html)


@pytest.mark.parametrize("where, lang", [({"province": "Đồng Nai", "region": None}, "vi"),
                                         ({"province": None, "region": "south"}, "en")])
def test_cards_show_the_headline_figures_beside_the_median_of_the_peers(where, lang):
    ctx = open_report(province=where["province"], region=where["region"], year=2019, as_of="2019-06-30", lang=lang)
    cards = {label: (value, note) for label, value, note in _cards(headline_cards(ctx).data)}
    s = summary(ctx.ds, year=2019, province=where["province"], region=where["region"], as_of="2019-06-30")
    peers = summary_by_province(ctx.ds, year=2019, as_of="2019-06-30")
    peers = peers[peers["region"] == "south"]
    names = {"vi": ("Tỷ lệ giải ngân", "Đề án gặp vấn đề", "Hoàn thành đúng hạn"),
             "en": ("Execution rate", "Projects with a problem", "Delivered on time")}[lang]
    for name, col in zip(names, ("execution_rate", "problem_rate", "on_time_rate")):
        value, note = cards[name]
        assert value == format_percent(s[col], lang)
        assert note.endswith(format_percent(peers[col].median(), lang))
    results = [v for k, (v, _) in cards.items() if k in ("Kết quả", "Result")]
    assert results  # the south had results by 30 June 2019: 47 machinery supports first
    if where["region"]:
        assert "47" in headline_cards(ctx).data
