"""The calibrated bundled sample: synthetic canonical data, realistic in shape.

:func:`generate` builds the deterministic sample shipped in ``data/sample/`` (plan years 2018–2026
as reported on 30 November 2026: the 63 provinces, and from the merger of 1 July 2025 the 34 units of
2025), realistic in shape and calibrated to the published regional totals
of DOMAIN.md (see :mod:`kceval.sample.calibrate`); :func:`write_sample` writes it. It is not
real project data.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import geo
from ..errors import ParameterError
from ..io.export import write_tables
from ..schema import SORT_KEYS, TABLES, coerce_table
from .synth import (
    DATE_DTYPE,
    int_or_na,
    one_year,
    project_ids,
    province_traits,
)
from .vocab import ESCAPE_TITLE, titles


def generate(*, years: Iterable[int] = range(2018, 2027), provinces: Iterable[str] | None = None,
             seed: int = 20190630) -> dict[str, pd.DataFrame]:
    """The deterministic synthetic sample, calibrated to published regional figures.

    Every province-year is generated realistically (activity mix, sizes within the caps of
    TTLT 26/2014 and TT 28/2018, counterpart ≈ 3× support, advances ≤ 70 %, payments bunching
    in Q3–Q4 with settlement in January, fragmented / troubled / late provinces) and the
    published totals of :mod:`kceval.sample.calibrate` are then made exact with integer arithmetic.
    Each year is drawn from its own seeded generator, so a subset of years or provinces equals
    the same rows of the full sample.

    Parameters
    ----------
    years : iterable of int
        Plan years.
    provinces : iterable of str, optional
        Provinces (any spelling) to keep; default all 63.
    seed : int
        Seed of the PCG64 generators.

    Returns
    -------
    dict of DataFrame
        Canonical ``plans``, ``projects``, ``events`` and ``payments`` (money in VND).

    Examples
    --------
    >>> t = generate(years=[2019])
    >>> int(t["plans"].query("province in @geo.provinces_in('south')")["approved_vnd"].sum())
    85865000000
    """
    yrs = sorted({int(y) for y in years})
    if not yrs:
        raise ParameterError("`years` must name at least one year; received an empty list")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(f"`seed` must be a non-negative integer; received {seed!r}")
    keep = None if provinces is None else sorted({geo.match_province(p) for p in _as_iter(provinces)})
    tr = province_traits(seed)
    parts = [one_year(y, seed, tr) for y in yrs]
    pr = pd.concat([p[0] for p in parts], ignore_index=True)
    plans = pd.concat([p[1] for p in parts], ignore_index=True)
    ev = pd.concat([p[2] for p in parts], ignore_index=True)
    pay = pd.concat([p[3] for p in parts], ignore_index=True)
    # ids: year-GSO code-sequence, numbered by approval date within the province-year; after the merger the
    # code is the unit's (a unit of 2025 may carry the code of another old province: Tây Ninh is 80, Long An's)
    pr = pr.sort_values(["year", "code", "approved_on", "src", "key"], kind="mergesort").reset_index(drop=True)
    seq = pr.groupby(["year", "code"], sort=False).cumcount().to_numpy() + 1
    pr["project_id"] = project_ids(pr["year"].to_numpy(), pr["code"].to_numpy(), seq)
    pr["title"] = titles(pr)
    # one title that reports must HTML-escape: the first 2019 project of Sóc Trăng (brand if any)
    st19 = (pr["province"] == "Sóc Trăng").to_numpy() & (pr["year"] == 2019).to_numpy()
    pick = np.flatnonzero(st19 & (pr["activity"] == "brand").to_numpy())
    pick = pick if len(pick) else np.flatnonzero(st19)
    if len(pick):
        pr.loc[pick[0], "title"] = ESCAPE_TITLE
    counter = np.round(pr["support_m"].to_numpy() * pr["cp_ratio"].to_numpy()).astype(np.int64)
    ids = pr.set_index("key")["project_id"]
    projects = pd.DataFrame({
        "project_id": pr["project_id"], "year": pr["year"].astype(np.int64), "province": pr["province"],
        "source": pr["source"], "activity": pr["activity"], "title": pr["title"],
        "beneficiaries": pr["beneficiaries"].astype(np.int64), "pilot": pr["pilot"].astype(bool),
        "group": pr["group"].astype(bool), "support_vnd": pr["support_m"].astype(np.int64) * 1_000_000,
        "counterpart_vnd": pd.array(counter * 1_000_000, dtype="Int64"),
        "approved_on": pr["approved_on"].astype(DATE_DTYPE), "planned_end": pr["planned_end"].astype(DATE_DTYPE),
        "status": pr["status"], "finished_on": pr["finished_on"].astype(DATE_DTYPE),
        "accepted_on": pr["accepted_on"].astype(DATE_DTYPE), "stopped_on": pr["stopped_on"].astype(DATE_DTYPE),
        "output_count": int_or_na(pr["output_count"].to_numpy(), (pr["activity"] != "management").to_numpy()),
    })
    events = ev.assign(project_id=ev["key"].map(ids))[["project_id", "date", "kind", "new_planned_end",
                                                        "new_support_vnd", "note"]]
    payments = pd.DataFrame({"project_id": pay["key"].map(ids), "date": pay["date"].astype(DATE_DTYPE),
                             "amount_vnd": pay["amount_m"].astype(np.int64) * 1_000_000})
    if keep is not None:
        plans, projects = plans[plans["province"].isin(keep)], projects[projects["province"].isin(keep)]
        events = events[events["project_id"].isin(projects["project_id"])]
        payments = payments[payments["project_id"].isin(projects["project_id"])]
    return _sorted({"plans": plans, "projects": projects, "events": events, "payments": payments})


def _as_iter(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def _sorted(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {t: coerce_table(t, tables[t].sort_values(SORT_KEYS[t], kind="mergesort").reset_index(drop=True))
            for t in TABLES}


def write_sample(out_dir: str | Path, **kwargs: Any) -> list[Path]:
    """Write the generated sample as CSV files plus the empty ``SYNTHETIC`` marker.

    Parameters
    ----------
    out_dir : path
        Folder to write into (created if needed).
    **kwargs
        Passed to :func:`generate`.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_sample(d, years=[2019])]
    ['plans.csv', 'projects.csv', 'events.csv', 'payments.csv', 'SYNTHETIC']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(**kwargs)
    written = [Path(p) for p in write_tables(tables, out, format="csv")]
    marker = out / "SYNTHETIC"
    marker.write_bytes(b"")
    return [*sorted(written, key=lambda p: TABLES.index(p.stem) if p.stem in TABLES else 99), marker]


