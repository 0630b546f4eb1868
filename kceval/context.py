"""What every section of one report shares: the data, the selection and the comparisons.

:func:`open_report` loads the data (memoised) and computes, once per report, the selection,
its state on the as-of date, its history and the province comparison frame;
:mod:`kceval.story` turns that :class:`ReportContext` into tables and sentences.

Examples
--------
>>> ctx = open_report(province="Đồng Nai", year=2019, as_of="2019-06-30", lang="en")
>>> ctx.label, ctx.region, str(ctx.as_of.date())
('Đồng Nai', 'south', '2019-06-30')
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import geo, i18n
from .dataset import Dataset, to_date
from .headline import default_as_of, selection_label, summary


@dataclass(frozen=True)
class ReportContext:
    """Everything a report's sections share, computed once.

    Attributes
    ----------
    ds : Dataset
        The whole data (comparisons need the other provinces and earlier years).
    selection : Dataset
        The plan year of the province/region/country (not cut at ``as_of``).
    current : Dataset
        ``selection`` as known on ``as_of``.
    history : Dataset
        Every year of the province/region/country (in-year profile band, PEFA).
    provinces : DataFrame
        One row per province: spending, feasibility and completion headline figures.
    summary : dict
        :func:`kceval.headline.summary` of the selection.
    """

    ds: Dataset
    year: int
    as_of: pd.Timestamp
    lang: str
    label: str
    province: str | None
    region: str | None
    selection: Dataset = field(repr=False)
    current: Dataset = field(repr=False)
    history: Dataset = field(repr=False)
    provinces: pd.DataFrame = field(repr=False)
    summary: dict = field(repr=False)

    @property
    def peers(self) -> pd.DataFrame:
        """The provinces compared with: the region's, or all of them in a national report."""
        p = self.provinces
        return p[p["region"] == self.region] if self.region else p

    def __repr__(self) -> str:
        return (f"<ReportContext {self.label} {self.year} as of {self.as_of.date()} ({self.lang}): "
                f"{len(self.current.projects)} projects, {len(self.peers)} provinces compared>")


_BY_PROVINCE: dict[tuple, pd.DataFrame] = {}


def open_report(*, province: str | None = None, region: str | None = None, year: int = 2019, as_of: str = "",
                data: str = "", lang: str = "vi") -> ReportContext:
    """Load the data (memoised) and compute what every section of a report shares.

    Parameters
    ----------
    province, region : str, optional
        The selection (neither: the whole country).
    year : int
    as_of : str
        'YYYY-MM-DD'; '' means 31 December of ``year``.
    data : str
        Data path; '' means the bundled sample.
    lang : {'vi', 'en'}
    """
    from .completion import headline_completion_by_province
    from .feasibility import headline_feasibility_by_province
    from .spending_headline import headline_spending_by_province

    i18n.check_lang(lang)
    ds = Dataset.load(data or None)
    label = selection_label(province, region)
    d = to_date("as_of", as_of) if as_of not in ("", None) else default_as_of(year)
    prov = geo.match_province(province) if province else None
    reg = geo.region_of(prov) if prov else (geo.check_region(region) if region else None)
    s = summary(ds, year=year, province=prov, region=region, as_of=str(d.date()))
    kw = dict(year=int(year), as_of=str(d.date()))
    # every report of a batch on the same data and period compares against the same provinces:
    # compute that frame once per warm kernel (keyed by the data's file hashes), hand out copies
    key = (tuple(sorted(ds.files.items())), ds.source, len(ds.projects), kw["year"], kw["as_of"])
    merged = _BY_PROVINCE.get(key) if ds.files else None
    if merged is None:
        merged = headline_spending_by_province(ds, **kw)
        for extra in (headline_feasibility_by_province(ds, **kw), headline_completion_by_province(ds, **kw)):
            merged = merged.merge(extra.drop(columns=["region"]), on="province", how="left")
        if ds.files:
            if len(_BY_PROVINCE) >= 8:
                _BY_PROVINCE.pop(next(iter(_BY_PROVINCE)))
            _BY_PROVINCE[key] = merged
    merged = merged.copy()
    history = ds.select(province=prov, region=region) if (prov or region) else ds
    selection = history.select(year=int(year))
    return ReportContext(ds=ds, year=int(year), as_of=d, lang=lang, label=label, province=prov, region=reg,
                         selection=selection, current=selection.as_of(d), history=history, provinces=merged,
                         summary=s)
