"""Dataset: the four validated canonical tables together, with filtering.

Load once (:meth:`Dataset.load`), then narrow with :meth:`Dataset.select` (year, province,
region, source) and :meth:`Dataset.as_of` (payments and events dated on or before a date,
statuses as they stood that day). Every method returns a new Dataset; none mutates.
"""
from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import geo, merger
from ..checks import to_date
from ..errors import DataError, ParameterError, Problem, ProblemsMixin
from ..io.read import read_dataset
from ..paths import SAMPLE_DIR
from ..sample.generate import generate
from ..schema import ACTIVITIES, SOURCES, TABLES
from . import cache
from .cache import Memo
from .validate import Validated, validate_tables


def _as_list(name: str, value: Any) -> list | None:
    if value is None:
        return None
    if isinstance(value, (str, int, np.integer)):
        return [value]
    out = list(value)
    if not out:
        raise ParameterError(f"`{name}` must not be an empty list")
    return out


def status_as_of(projects: pd.DataFrame, as_of: Any) -> pd.Series:
    """Each project's status on ``as_of``, reconstructed from its dates.

    accepted_on ≤ D → accepted; stopped_on ≤ D → stopped; finished_on ≤ D → finished;
    approved_on > D → approved (not approved yet: every rate leaves it out); otherwise in
    progress. A final status whose date is unknown is kept as it is: accepted or stopped
    without a date, suspended, and approved (approved but never started is "approved" on
    every date, never "in progress").
    """
    d = np.datetime64(to_date("as_of", as_of))
    # on numpy arrays: a report asks this of a few hundred projects several times, where pandas' per-call cost
    # dominated (1.8 ms for 200 projects, now 0.05); a missing date (NaT) compares False, as in pandas
    day = {c: projects[c].to_numpy(dtype="datetime64[ns]") for c in ("approved_on", "finished_on", "stopped_on",
                                                                     "accepted_on")}
    final = projects["status"].to_numpy(dtype=object, na_value=None)  # (a missing status matches no rule)
    undated = (((final == "accepted") & np.isnat(day["accepted_on"]))
               | ((final == "stopped") & np.isnat(day["stopped_on"])) | np.isin(final, ["suspended", "approved"]))
    st = np.full(len(final), "in_progress", dtype=object)
    st[day["approved_on"] > d] = "approved"
    st[day["finished_on"] <= d] = "finished"
    st[day["stopped_on"] <= d] = "stopped"
    st[day["accepted_on"] <= d] = "accepted"
    keep = undated & (day["approved_on"] <= d)
    st[keep] = final[keep]
    return pd.Series(st, index=projects.index, dtype=object)


@dataclass(frozen=True)
class Dataset(ProblemsMixin):
    """The validated tables of one data source.

    Attributes
    ----------
    plans, projects, events, payments : DataFrame
        Canonical tables (DESIGN.md §2); ``plans`` and ``projects`` carry a derived ``region`` (the ARIT
        region of the province), ``unit_2025`` (the unit of 34 the province is in from 1 July 2025) and
        ``region_2025`` (that unit's region, a stated assumption: :data:`kceval.merger.REGION_2025_ASSUMPTION`).
    problems : list of Problem
        Every error and warning found when loading (errors' rows are excluded).
    excluded : dict of DataFrame
        The rows left out, per table.
    files : dict
        Input file path -> SHA-256, for provenance.
    synthetic : bool
        True when the data are the bundled synthetic sample.
    as_of_date : Timestamp or None
        Set by :meth:`as_of`.
    notes : tuple of str
        How a selection read its place names (an old province or a 2025 unit), see :meth:`select`.
    basis : {'province', 'unit_2025'}
        What ``province`` and ``region`` mean: the old provinces, or the 34 units of 2025 and their
        regions over every year (:func:`kceval.dataset.basis.on_units`).
    regions_file : str
        On the units' basis, the file the units' regions were read from ('' = the stated assumption).
    loaded_as : str
        Set by :meth:`load`: the fingerprint of the files and the options they were read with (part of
        :attr:`memo_key`).

    Examples
    --------
    >>> ds = Dataset.load()                                     # the bundled sample
    >>> south = ds.select(year=2019, region="south").as_of("2019-06-30")
    >>> int(south.plans["approved_vnd"].sum())
    85865000000
    """

    plans: pd.DataFrame
    projects: pd.DataFrame
    events: pd.DataFrame
    payments: pd.DataFrame
    problems: tuple[Problem, ...] = ()
    excluded: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    synthetic: bool = False
    as_of_date: pd.Timestamp | None = None
    source: str = ""
    notes: tuple[str, ...] = ()
    basis: str = "province"
    regions_file: str = ""
    loaded_as: str = field(default="", repr=False, compare=False)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], *, origins: dict[str, pd.DataFrame] | None = None,
                    problems: Iterable[Problem] = (), files: dict[str, str] | None = None, synthetic: bool = False,
                    source: str = "", strict: bool = False) -> Dataset:
        """Validate canonical tables and build a Dataset (rows with errors are excluded and listed).

        With ``strict=True`` any error raises :class:`~kceval.errors.DataError` instead.
        """
        problems = list(problems)
        v: Validated = validate_tables(tables, origins, reported=problems)
        probs = problems + v.problems
        if strict and any(p.severity == "error" for p in probs):
            raise DataError(probs)
        # new frames numbered from 0, none sharing a column with the caller's tables (a notebook may change them)
        t = {k: v.tables[k].reset_index(drop=True) for k in ("events", "payments")}
        for k in ("plans", "projects"):
            t[k] = with_places(v.tables[k]).set_axis(pd.RangeIndex(len(v.tables[k])), copy=False)
        return cls(t["plans"], t["projects"], t["events"], t["payments"],
                   tuple(probs), v.excluded, dict(files or {}), synthetic, None, source)

    @classmethod
    def load(cls, path: str | Path | Sequence[str | Path] | None = None, *, strict: bool = False,
             money_unit: str | None = None, as_of: Any = None, source: str | None = None) -> Dataset:
        """Read, validate and assemble a dataset.

        Parameters
        ----------
        path : path, list of paths, or None
            A folder of canonical tables (``plans``/``projects``/``events``/``payments`` as CSV
            or Parquet), or messy provincial spreadsheets (see :mod:`kceval.io.read`). ``None`` or
            ``""`` means the bundled synthetic sample.
        strict : bool
            Raise :class:`~kceval.errors.DataError` on any error instead of excluding rows.
        money_unit, as_of, source
            Passed to the importer for sheets that do not state them.
        """
        if path is None or (isinstance(path, str) and path.strip() == ""):
            if (SAMPLE_DIR / "projects.csv").exists():
                path = SAMPLE_DIR
            else:  # installed without the repository: regenerate the identical sample in memory
                return cls.from_tables(generate(), synthetic=True, source="sample (generated)")
        key = None
        if isinstance(path, (str, Path)) and Path(path).exists():
            # same bytes, same options -> same validated data: reuse it (see kceval.dataset.cache)
            key = cache.fingerprint(path, money_unit=money_unit, as_of=str(as_of), source=source)
            hit = _MEMO.get(key)
            if hit is None and os.environ.get(cache.ENV):
                found = cache.load(os.environ[cache.ENV], key)
                if found is not None:
                    _MEMO.put(key, replace(cls._from_cache(*found), loaded_as=key))
                    hit = _MEMO.get(key)
            if hit is not None:
                if strict and hit.errors:
                    raise DataError(hit.problems)
                return hit
        loaded = read_dataset(path, money_unit=money_unit, as_of=as_of, source=source)
        ds = cls.from_tables(loaded.tables, origins=loaded.origins, problems=loaded.problems,
                             files=loaded.files, synthetic=loaded.synthetic, source=str(path), strict=strict)
        if key is not None:
            _MEMO.put(key, replace(ds, loaded_as=key))
            return _MEMO.get(key)  # a copy: the memo stays intact whatever the caller does
        return ds

    def save_cache(self, cache_root: str | Path, key: str) -> Path:
        """Keep this dataset, validated, as Parquet under ``cache_root/key`` for :meth:`load` (batch workers)."""
        meta = {"problems": [p.to_dict() for p in self.problems], "files": self.files,
                "synthetic": self.synthetic, "source": self.source}
        tables = {t: getattr(self, t) for t in TABLES}
        return cache.save(tables, self.excluded, meta, cache_root, key)

    @classmethod
    def _from_cache(cls, tables: dict[str, pd.DataFrame], excluded: dict[str, pd.DataFrame],
                    meta: dict[str, Any]) -> Dataset:
        return cls(tables["plans"], tables["projects"], tables["events"], tables["payments"], meta["problems"],
                   excluded, meta["files"], meta["synthetic"], None, meta["source"])

    # -- filtering -----------------------------------------------------------------------
    def select(self, *, year: Any = None, province: Any = None, region: Any = None, source: Any = None,
               activity: Any = None, basis_year: int | None = None) -> Dataset:
        """Narrow to some years, provinces or 2025 units (any spelling), regions, sources or activities.

        Payments and events follow their projects. Each argument takes one value or a list. A place
        name is read by :func:`kceval.merger.resolve_name` with the latest year selected: from 2025 a
        name is the unit of 34 it is in ("Long An" in 2026 selects Tây Ninh: Tây Ninh and Long An),
        before 2025 the old province; a "(mới)" or "(cũ)" mark decides whatever the year
        (``basis_year``, when given, instead of the latest year selected: the history of a 2026
        report on the same basis, its "comparable basis"). Every
        reading that changes what a name covers is kept in ``notes``. A region is read the same way:
        with a year from 2025 it is the region of the units of 2025 (``region_2025``, the assumption
        of :data:`kceval.merger.REGION_2025_ASSUMPTION`), before 2025 the region of the old provinces.

        Examples
        --------
        >>> ds = Dataset.load().select(year=2019, province="dong nai")
        >>> ds.projects["province"].unique().tolist()
        ['Đồng Nai']
        """
        years = _as_list("year", year)
        provs = _as_list("province", province)
        regs = _as_list("region", region)
        srcs = _as_list("source", source)
        acts = _as_list("activity", activity)
        pl, pr = self.plans, self.projects
        if years is not None:
            try:
                years = [int(y) for y in years]
            except (TypeError, ValueError):
                raise ParameterError(f"`year` must be an integer year such as 2019; received {year!r}") from None
            pl, pr = pl[pl["year"].isin(years)], pr[pr["year"].isin(years)]
        notes = list(self.notes)
        if provs is not None:
            basis = basis_year if basis_year is not None else max(years) if years else None
            if self.basis == "unit_2025":  # every year is on the units' basis: a name is a unit
                basis = max(basis or merger.MERGER_DATE.year, merger.MERGER_DATE.year)
            read = [merger.resolve_name(str(p), basis) for p in provs]
            notes += [r.note for r in read if r.note and r.note not in notes]
            olds = [r.name for r in read if r.basis == "province"]
            units = [r.name for r in read if r.basis == "unit_2025"]
            pl = pl[pl["province"].isin(olds) | pl["unit_2025"].isin(units)]
            pr = pr[pr["province"].isin(olds) | pr["unit_2025"].isin(units)]
        if regs is not None:
            for r in regs:
                geo.check_region(r)
            # like a name, a region is read by the year: from 2025 the units' regions (a stated assumption)
            basis = basis_year if basis_year is not None else max(years) if years else None
            if self.basis == "unit_2025":
                basis = max(basis or merger.MERGER_DATE.year, merger.MERGER_DATE.year)
            col = "region_2025" if basis is not None and basis >= merger.MERGER_DATE.year else "region"
            if col == "region_2025":
                note = (f"region{'s' if len(regs) > 1 else ''} {', '.join(regs)} read on the basis of the 34 units "
                        f"of 2025: {merger.REGION_2025_ASSUMPTION}")
                notes += [note] if note not in notes else []
            pl, pr = pl[pl[col].isin(regs)], pr[pr[col].isin(regs)]
        if srcs is not None:
            for s in srcs:
                if s not in SOURCES:
                    raise ParameterError(f"`source` must be one of 'national', 'local'; received {s!r}")
            pl, pr = pl[pl["source"].isin(srcs)], pr[pr["source"].isin(srcs)]
        if acts is not None:
            for a in acts:
                if a not in ACTIVITIES:
                    raise ParameterError(f"`activity` must be one of {', '.join(ACTIVITIES)}; received {a!r}")
            pr = pr[pr["activity"].isin(acts)]
        ids = pr["project_id"]
        ev = self.events[self.events["project_id"].isin(ids)]
        pay = self.payments[self.payments["project_id"].isin(ids)]
        return replace(self, plans=pl, projects=pr, events=ev, payments=pay, notes=tuple(notes))

    def copy(self) -> Dataset:
        """A copy whose tables can be changed without touching these (a memo's, a notebook's)."""
        return replace(self, plans=self.plans.copy(), projects=self.projects.copy(), events=self.events.copy(),
                       payments=self.payments.copy())

    def sealed(self) -> Dataset:
        """These data, marked for the per-process memos of the figures every report of a batch shares (the
        provinces compared with, a region's unit costs): :func:`kceval.report.open_report` seals the data it loads.

        A seal belongs to this object only (a registry of live objects, not a field): a selection, a date,
        :meth:`copy`, ``copy.deepcopy``, pickling or ``dataclasses.replace`` give data without one, never
        memoised. The sealed data share their tables with these; changing either in place is not detected: seal
        only data nobody changes (a report's).

        Examples
        --------
        >>> ds = Dataset.load()
        >>> ds.memo_key is None, ds.sealed().memo_key == Dataset.load().sealed().memo_key is not None
        (True, True)
        >>> ds.sealed().select(year=2019).memo_key is None
        True
        """
        out = replace(self)
        _SEALED[id(out)] = out  # gone with the object: a later object at the same address is not sealed
        return out

    @property
    def memo_key(self) -> tuple[Any, ...] | None:
        """What identifies sealed data (:meth:`sealed`) for a per-process memo of figures computed from them: the
        files' hashes and the options they were read with, the tables' sizes, the basis and the date. None for data
        not sealed, or not read from files (tables built in memory), which are never memoised.
        """
        if not self.files or _SEALED.get(id(self)) is not self:
            return None
        sizes = tuple(len(getattr(self, t)) for t in TABLES)
        return (tuple(sorted(self.files.items())), self.loaded_as, self.source, sizes, self.basis, self.regions_file,
                str(self.as_of_date))

    def memo_key_for(self, *parts: Any) -> tuple[Any, ...] | None:
        """The key of a per-process memo of a figure of these data: :attr:`memo_key` and ``parts`` (a year, a date,
        a region), or None for data that are not memoised.

        Examples
        --------
        >>> Dataset.load().sealed().memo_key_for(2019)[-1], Dataset.load().memo_key_for(2019)
        (2019, None)
        """
        key = self.memo_key
        return None if key is None else (key, *parts)

    def as_of(self, date: Any) -> Dataset:
        """The data as known on ``date``: payments and events dated ≤ date, statuses of that day.

        Projects approved after the date stay (their plan year's plan still counts) with
        status ``approved``.
        """
        d = to_date("as_of", date)
        pr = self.projects.assign(status=status_as_of(self.projects, d))
        for c in ("accepted_on", "stopped_on", "finished_on"):
            pr[c] = pr[c].where(pr[c] <= d)
        return replace(self, projects=pr, events=self.events[self.events["date"] <= d],
                       payments=self.payments[self.payments["date"] <= d], as_of_date=d)

    # -- conveniences -------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        """Plan years present in plans or projects, sorted (vectorised: fast on large tables)."""
        ys = np.union1d(self.plans["year"].unique(), self.projects["year"].unique())
        return [int(y) for y in ys]

    def executed(self) -> pd.DataFrame:
        """Projects with ``executed_vnd`` = sum of their payments (respecting :meth:`as_of`)."""
        paid = self.payments.groupby("project_id", sort=False)["amount_vnd"].sum()
        ex = self.projects["project_id"].map(paid).fillna(0).astype("int64")
        return self.projects.assign(executed_vnd=ex)

    def __repr__(self) -> str:
        yrs = self.years
        span = f"{yrs[0]}–{yrs[-1]}" if yrs else "no years"
        tag = ", synthetic sample" if self.synthetic else ""
        asof = f", as of {self.as_of_date.date()}" if self.as_of_date is not None else ""
        return (f"<Dataset {span}{asof}{tag}: {len(self.plans)} plan rows, {len(self.projects)} projects, "
                f"{len(self.events)} events, {len(self.payments)} payments; "
                f"{len(self.errors)} errors, {len(self.warnings)} warnings>")


# the sealed datasets alive (Dataset.sealed): by address, the objects weakly held
_SEALED: weakref.WeakValueDictionary[int, Dataset] = weakref.WeakValueDictionary()

PLACE_COLUMNS = ("region", "unit_2025", "region_2025")  # derived from province by `with_places`
_REGION = {p: geo.region_of(p) for p in geo.PROVINCE_NAMES}
_UNIT = {p: merger.unit_2025_of(p) for p in geo.PROVINCE_NAMES}
_REGION_2025 = {u: merger.region_2025_of(u) for u in set(_UNIT.values())}


def with_places(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (with a canonical ``province``) with its ``region``, ``unit_2025`` and ``region_2025``: a new frame,
    sharing no column with ``df``.

    Examples
    --------
    >>> with_places(pd.DataFrame({"province": ["Long An", "Bình Thuận"]})).to_dict("records")[1]
    {'province': 'Bình Thuận', 'region': 'south', 'unit_2025': 'Lâm Đồng', 'region_2025': 'central'}
    """
    # looked up once per distinct province: mapping a million cells hashes a million strings, three times
    codes, names = pd.factorize(df["province"])
    unit: list[Any] = [_UNIT.get(p, np.nan) for p in names]
    places = {"region": [_REGION.get(p, np.nan) for p in names], "unit_2025": unit,
              "region_2025": [_REGION_2025.get(u, np.nan) if isinstance(u, str) else np.nan for u in unit]}
    cols: dict[str, Any] = {c: df[c].array if isinstance(df[c].dtype, pd.api.extensions.ExtensionDtype)
                            else df[c].to_numpy() for c in df.columns if c not in PLACE_COLUMNS}
    for c, values in places.items():  # code -1 (an empty province) takes the last entry: empty
        cols[c] = np.array([*values, np.nan], dtype=object)[codes]
    return pd.DataFrame(cols, index=df.index, copy=True)  # one copy, consolidated once (assign would copy twice)


# one dataset per process is the common case (a warm kernel, a batch worker): keep memory bounded
_MEMO = Memo(max_items=1, copy=Dataset.copy)


def check_dataset(ds: Any, name: str = "ds") -> Dataset:
    """Return ``ds`` if it is a non-empty Dataset, else raise a ParameterError naming ``name``."""
    if not isinstance(ds, Dataset):
        raise ParameterError(f"`{name}` must be a kceval Dataset; received {type(ds).__name__}")
    if not len(ds.projects) and not len(ds.plans):
        raise ParameterError(f"`{name}` is an empty selection: no plans and no projects")
    return ds
