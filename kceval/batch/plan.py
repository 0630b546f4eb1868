"""What a batch renders: one :class:`Job` per report (notebook, parameters, language, file name,
title), planned in a stable order, checked before any kernel starts, and keyed by everything the
report depends on (so unchanged reports are skipped).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import geo, merger
from ..checks import to_date
from ..dataset import cache as data_cache
from ..dataset.basis import basis_for, place_label
from ..display.formats import format_date
from ..display.labels import label
from ..errors import ParameterError
from ..paths import PUBLISHED_FIGURES, REPO_ROOT, file_sha256
from ..render.names import slug
from ..render.params import check_parameters
from ..version import __version__

# one notebook per kind of report; the comparison notebook serves a region ('' = the whole country)
NOTEBOOKS = {"province": "notebooks/province_report.ipynb", "region": "notebooks/region_report.ipynb",
             "national": "notebooks/region_report.ipynb"}
LEVELS = ("province", "region", "national", "all")


@dataclass(frozen=True)
class Job:
    """One report to render: which notebook, with which parameters, under which file name."""

    kind: str
    notebook: str
    params: dict[str, Any]
    lang: str
    name: str
    title: str

    @property
    def key_fields(self) -> dict[str, Any]:
        return {"notebook": self.notebook, "params": self.params, "lang": self.lang}


def batch_periods(years: Sequence[str | int], as_of: str = "") -> list[tuple[str, str]]:
    """The (year, report date) pairs of a batch: each of ``years`` is ``YEAR`` or ``YEAR:DATE``; ``as_of``, the
    date of a single year, may stand for the date of the only year given.

    Examples
    --------
    >>> batch_periods(["2019:2019-06-30", "2024"])
    [('2019', '2019-06-30'), ('2024', '')]
    >>> batch_periods(["2019"], "2019-06-30")
    [('2019', '2019-06-30')]
    """
    out = []
    for y in years:
        year, _, date = str(y).partition(":")
        if date and as_of:
            raise ParameterError(f"`as_of` and a date in `year` ({y!r}) are two dates for one year; give one")
        out.append((year, date))
    if as_of and len(out) > 1:
        raise ParameterError(f"`as_of` ({as_of!r}) is the date of one year; with several years give each its own, "
                             f"e.g. 2019:2019-06-30 2024; received years {[str(y) for y in years]}")
    if as_of:
        out = [(out[0][0], as_of)]
    if len(set(out)) < len(out):
        raise ParameterError(f"`year` lists a year twice; received {[str(y) for y in years]}")
    return out


def plan_jobs(*, year: int | str, as_of: str = "", level: str = "all", provinces: Sequence[str] | None = None,
              lang: str = "vi", data: str = "", units: str = "", regions: str = "") -> list[Job]:
    """The reports of one batch, in a stable order (national, regions, provinces; vi before en).

    For plan years from 2025 the "provinces" are the 34 units of 2025 (DESIGN.md §2), each named by
    its namesake province and ordered by the unit's code; a province given by an old name is the unit
    it is in ("Long An" in 2026: Tây Ninh). ``units="2025"`` puts an earlier year on the units' basis
    (file names end in ``-units2025``); ``regions`` is a CSV of the units' regions for every report on
    the units' basis (checked with the other parameters before any kernel starts).

    Examples
    --------
    >>> [j.name for j in plan_jobs(year=2019, as_of="2019-06-30", level="region")]
    ['region-central-2019-2019-06-30', 'region-north-2019-2019-06-30', 'region-south-2019-2019-06-30']
    """
    if level not in LEVELS:
        raise ParameterError(f"`level` must be one of {', '.join(map(repr, LEVELS))}; received {level!r}")
    langs = {"vi": ["vi"], "en": ["en"], "both": ["vi", "en"]}.get(lang)
    if langs is None:
        raise ParameterError(f"`lang` must be one of 'vi', 'en', 'both'; received {lang!r}")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"`year` must be an integer year such as 2019; received {year!r}") from None
    # checked here, under its own name, before titles and file names are made from it; written
    # back as YYYY-MM-DD so that '2019-6-30' and '2019-06-30' name the same report
    as_of = to_date("as_of", as_of).date().isoformat() if as_of not in ("", None) else ""
    units_basis = basis_for(year, units or None) == "unit_2025"
    if provinces:
        provs = list(dict.fromkeys(place_label(p, None, year, units or None) for p in provinces))
        levels = ["province"] if level == "all" else [level]
    else:
        provs = [geo.match_province(u) for u in merger.units_2025()["unit"]] if units_basis \
            else list(geo.PROVINCE_NAMES)
        levels = ["national", "region", "province"] if level == "all" else [level]
    code = {geo.match_province(u): c for u, c in zip(merger.units_2025()["unit"], merger.units_2025()["code"])} \
        if units_basis else {p: geo.code_of(p) for p in provs}
    period = f"{year}-{as_of}" if as_of else f"{year}"
    if units and year < merger.MERGER_DATE.year:
        period += "-units2025"  # beside the same year's reports per old province
    base: dict[str, Any] = {"year": year, "as_of": as_of, "data": data}
    base |= {"units": str(units)} if units else {}
    base |= {"regions": regions} if regions and units_basis else {}
    jobs = []
    for lv in levels:
        if lv == "national":
            places = [("national", {"region": ""})]  # the comparison notebook, for the whole country
        elif lv == "region":
            places = [(r, {"region": r}) for r in sorted(geo.REGIONS)]
        else:
            places = sorted(((p, {"province": p}) for p in provs), key=lambda u: code[u[0]])
        for unit, extra in places:
            for lg in langs:
                stem = slug(lv, unit, period, *([lg] if lg != "vi" else []))
                if lv == "national":
                    stem = slug("national", period, *([lg] if lg != "vi" else []))
                # a unit is shown by its own name (Huế, not Thừa Thiên Huế)
                shown = merger.unit_2025_of(unit) if lv == "province" and units_basis else unit
                jobs.append(Job(lv, NOTEBOOKS[lv], {**extra, **base}, lg, stem, _title(lv, shown, year, as_of, lg)))
    return jobs


def _title(level: str, unit: str, year: int, as_of: str, lang: str) -> str:
    name = label("national", lang) if level == "national" else label(f"region_{unit}", lang) if level == "region" \
        else unit
    if not as_of:
        return f"{name} — {year}"
    return f"{name} — {year}, {label('title_as_of', lang)} {format_date(as_of, lang)}"


def job_key(job: Job, data_key: str) -> str:
    """Hash of everything a report depends on: notebook bytes, parameters, data, published figures, kceval's
    version and code.

    The code is the hash of kceval's own source files and templates
    (:func:`kceval.dataset.cache.source_hash`), so a change to kceval re-renders every report
    even when the version was not bumped.

    Examples
    --------
    >>> job = plan_jobs(year=2019, level="national")[0]
    >>> len(job_key(job, "data-fingerprint"))
    64
    """
    h = hashlib.sha256((REPO_ROOT / job.notebook).read_bytes())  # an absolute path stays as it is
    h.update(json.dumps(job.key_fields, sort_keys=True, ensure_ascii=False).encode())
    # the data-quality section reconciles with the published figures: they are an input too
    h.update(f"|{data_key}|{__version__}|{data_cache.source_hash()}|{file_sha256(PUBLISHED_FIGURES)}".encode())
    return h.hexdigest()


def check_jobs(jobs: Sequence[Job]) -> None:
    """Check each distinct notebook's parameters before any kernel starts (ParameterError on the first bad one)."""
    seen: set[str] = set()
    for j in jobs:
        if j.kind in seen:
            continue
        seen.add(j.kind)
        check_parameters(REPO_ROOT / j.notebook, {**j.params, "lang": j.lang})
