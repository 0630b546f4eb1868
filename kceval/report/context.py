"""What every section of one report shares: the data, the selection and the comparisons.

:func:`open_report` loads the data (memoised) and computes, once per report, the selection,
its state on the as-of date, its history and the province comparison frame;
:mod:`kceval.report.sections` turns that :class:`ReportContext` into tables and sentences.

Examples
--------
>>> ctx = open_report(province="Đồng Nai", year=2019, as_of="2019-06-30", lang="en")
>>> ctx.label, ctx.region, str(ctx.as_of.date())
('Đồng Nai', 'south', '2019-06-30')
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import geo
from ..dataset import Dataset
from ..dataset.basis import region_on_basis
from ..dataset.period import resolve_period
from ..display.labels import check_lang
from ..headline.scope import label_on, year_basis
from ..headline.summary import summary, summary_by_province


@dataclass(frozen=True)
class ReportContext:
    """Everything a report's sections share, computed once.

    Attributes
    ----------
    ds : Dataset
        The whole data (comparisons need the other provinces and earlier years), sealed
        (:meth:`~kceval.dataset.Dataset.sealed`): read it, do not change it in place.
    selection : Dataset
        The plan year of the province/region/country (not cut at ``as_of``).
    current : Dataset
        ``selection`` as known on ``as_of``.
    history : Dataset
        Every year of the province/region/country (in-year profile band, PEFA).
    provinces : DataFrame
        One row per province: spending, feasibility and completion headline figures.
    summary : dict
        :func:`kceval.headline.summary.summary` of the selection.
    shared : dict
        What several sections of the report compute alike, kept on first use (copies are handed out).
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
    shared: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # (not carried by replace)

    @property
    def peers(self) -> pd.DataFrame:
        """The provinces compared with: the region's, or all of them in a national report."""
        p = self.provinces
        return p[p["region"] == self.region] if self.region else p

    def __repr__(self) -> str:
        return (f"<ReportContext {self.label} {self.year} as of {self.as_of.date()} ({self.lang}): "
                f"{len(self.current.projects)} projects, {len(self.peers)} provinces compared>")


def open_report(*, province: str | None = None, region: str | None = None, year: int = 2019, as_of: str = "",
                data: str = "", lang: str = "vi", units: str = "", regions: str = "") -> ReportContext:
    """Load the data (memoised) and compute what every section of a report shares.

    Parameters
    ----------
    province, region : str, optional
        The selection (neither, or an empty region: the whole country).
    year : int
    as_of : str
        'YYYY-MM-DD'; '' means 31 December of ``year``.
    data : str
        Data path; '' means the bundled sample.
    lang : {'vi', 'en'}
    units : str
        '2025' puts a year before 2025 on the basis of the 34 units of 2025 (the comparable basis);
        '' (default) reads the basis from the year.
    regions : str
        A CSV file of the units' regions (``unit_2025,region``) replacing kceval's stated assumption.
    """
    check_lang(lang)
    ds = Dataset.load(data or None)
    year, d = resolve_period(ds, year, as_of or None)
    # from 2025 a report is about a unit of 2025, and its history is the sum of its old provinces
    ds = year_basis(ds, year, units or None, regions).sealed()  # (no report changes its data: see Dataset.sealed)
    label = label_on(ds, province, region, year)
    prov = label if province else None
    reg = region_on_basis(prov, ds.basis, ds.regions_file) if prov else (geo.check_region(region) if region else None)
    s = summary(ds, year=year, province=prov, region=region or None, as_of=str(d.date()))
    provinces = summary_by_province(ds, year=year, as_of=str(d.date()))
    history = ds.select(province=prov, region=region) if (prov or region) else ds
    selection = history.select(year=year)
    return ReportContext(ds=ds, year=year, as_of=d, lang=lang, label=label, province=prov, region=reg,
                         selection=selection, current=selection.as_of(d), history=history, provinces=provinces,
                         summary=s)
