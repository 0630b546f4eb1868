"""One language per report: a Vietnamese report shows no code and no English, an English one no Vietnamese.

A province, a region and the national report are rendered in each language on the bundled sample and opened in
Chromium, offline. The visible text (every text node outside scripts and styles, and every image's alternative
text) is scanned:

- in Vietnamese, against the vocabulary of codes (the canonical tables' columns and table names, the codes of
  activities, sources, statuses, events, regions, severities, measures and money units, the parameters' names)
  and of English (the words of the English labels that are not also Vietnamese, and common English words);
- in English, for any word with a Vietnamese letter, outside names (provinces, units of 2025, the project titles
  of the projects table) and the Vietnamese legal references (e.g. "45/2012/NĐ-CP").

Names of people, journals and software in the method notes and provenance are names, and are taken out first.
"""
from __future__ import annotations

import re

import pytest

from kceval import geo, merger, schema
from kceval.display.labels import LABELS, label
from kceval.metrics.outputs import OUTPUT_UNITS
from tests.render.test_browser import browser, open_offline  # noqa: F401  (browser is a fixture)

REPORTS = {  # kind: (plan year, as-of date, what the batch plans)
    "province": (2019, "2019-06-30", {"level": "province", "provinces": ["Đồng Nai"]}),
    "region": (2019, "", {"level": "region", "region": "south"}),
    "national": (2026, "", {"level": "national"}),
}
# names that are English words: journals and software in the method notes and the provenance footer
NAMES = ("khuyến công", "Khuyến công",
         "Statistics in Medicine", "Quality and Safety in Health Care", "Scandinavian Journal of Statistics",
         "Journal of the American Statistical Association", "JASA")
ENGLISH = {"the", "and", "of", "is", "are", "but", "for", "with", "not", "this", "has", "been", "to", "by", "from",
           "per", "each", "more", "than", "here", "no", "none", "yes", "total", "other", "table", "column", "rows"}
VISIBLE = """() => {
  // project titles are names: the title column of the projects table is left out, and so is the list of software
  document.querySelectorAll('table').forEach(t => {
    const heads = Array.from(t.querySelectorAll('thead th')).map(h => h.textContent);
    const k = heads.indexOf(TITLE);
    if (k >= 0) t.querySelectorAll('tbody tr').forEach(r => r.cells[k] && r.cells[k].setAttribute('data-name', ''));
  });
  const skip = 'script, style, noscript, .kc-versions, [data-name]';
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.parentElement.closest(skip)) parts.push(n.textContent);
  }
  return parts.join(' ') + ' ' + Array.from(document.images).map(i => i.alt || '').join(' ');
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The six reports rendered by the batch engine, as `kceval report` does (titles included)."""
    from kceval.batch.engine import run_batch
    from kceval.batch.plan import plan_jobs

    out = tmp_path_factory.mktemp("language")
    jobs, kinds = [], []
    for kind, (year, as_of, what) in REPORTS.items():
        for lang in ("vi", "en"):
            planned = plan_jobs(year=year, as_of=as_of, level=what["level"], provinces=what.get("provinces"),
                                lang=lang)
            planned = [j for j in planned if "region" not in what or j.params.get("region") == what["region"]]
            jobs.append(planned[0])
            kinds.append((kind, lang))
    outcomes = run_batch(jobs, out_dir=str(out), n_jobs=1, force=True)
    assert [o.status for o in outcomes] == ["ok"] * len(jobs)
    return {k: out / o.link for k, o in zip(kinds, outcomes)}


def visible_text(browser, path, lang):  # noqa: F811
    page, log = open_offline(browser, path)
    text = page.evaluate(VISIBLE.replace("TITLE", repr(label("project_title", lang))))
    page.close()
    assert not log["pageerror"] and not log["console"]
    for name in NAMES:
        text = text.replace(name, " ")
    return re.sub(r"\s+", " ", text)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d]+", text)}


def codes() -> set[str]:
    cols = {c for t in schema.TABLES for c in schema.columns(t)}
    return (cols | set(schema.TABLES) | set(schema.ACTIVITIES) | set(schema.SOURCES) | set(schema.STATUSES)
            | set(schema.EVENT_KINDS) | set(geo.REGIONS) | set(OUTPUT_UNITS) | {"error", "warning"}
            | {"problem", "on_time", "acceptance", "punctuality", "relative_cost", "pilot", "group", "ordinary"}
            | {"billion", "million", "vnd", "percent", "count", "as_of", "lang", "units", "regions", "data"}
            | {k[3:] for k in LABELS if k.startswith("pm_")})


def english_vocabulary() -> set[str]:
    vi = set().union(*(_words(v) for v, _ in LABELS.values()))
    names = set().union(*(_words(n) for n in merger.crosswalk().astype(str).to_numpy().ravel()))
    en = set().union(*(_words(e) for _, e in LABELS.values()))
    return {w for w in en if len(w) >= 3} - vi - names | ENGLISH


def _context(text: str, word: str) -> str:
    m = re.search(rf"(?i)\b{re.escape(word)}\b", text)
    return text[max(0, m.start() - 60):m.end() + 40] if m else ""


@pytest.mark.parametrize("kind", list(REPORTS))
def test_a_vietnamese_report_shows_no_code_and_no_english(browser, pages, kind):  # noqa: F811
    text = visible_text(browser, pages[kind, "vi"], "vi")
    tokens = [w for w in re.findall(r"[^\W\d]+", text) if w.isascii()]  # whole words: "toàn" is not "to"
    bad_codes = sorted({t for t in tokens if t in codes() or (t.lower() in codes() and "_" in t)})
    assert not bad_codes, [(w, _context(text, w)) for w in bad_codes[:10]]
    vocabulary = english_vocabulary()
    bad_words = sorted({t for t in tokens if t.lower() in vocabulary})
    assert not bad_words, [(w, _context(text, w)) for w in bad_words[:10]]
    assert "Tóm tắt" in text and "Kết quả" in text  # the scan read the report


@pytest.mark.parametrize("kind", list(REPORTS))
def test_an_english_report_shows_no_vietnamese_except_names(browser, pages, kind):  # noqa: F811
    text = visible_text(browser, pages[kind, "en"], "en")
    text = re.sub(r"\d+/\d{4}/[A-ZĐ\-]+", " ", text)  # legal references: 45/2012/NĐ-CP, 36/2013/TT-BCT
    names = set().union(*(_words(n) for n in merger.crosswalk().astype(str).to_numpy().ravel()))
    names |= set().union(*(_words(n) for n in geo.PROVINCE_NAMES))
    vietnamese = sorted({w for w in _words(text) if not w.isascii() and w not in names
                         and re.search(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", w)})
    assert not vietnamese, [(w, _context(text, w)) for w in vietnamese[:10]]
    assert "Summary" in text and "Results" in text
