"""Synthetic canonical data: the calibrated bundled sample and fast tables of any size.

:func:`generate` builds the deterministic sample shipped in ``data/sample/`` (all 63
provinces, 2018–2024), realistic in shape and calibrated to the published regional totals
of DOMAIN.md (see :mod:`kceval.calibrate`). :func:`scale` builds valid tables of any size
(a million projects in seconds) for benchmarks. Neither is real project data.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from . import geo
from .errors import ParameterError
from .schema import ACTIVITIES, SOURCES, STATUSES, TABLES, coerce_table
from .synth import (_CODES, _ITEMS, _MIX, _NAMES, _NS, _PROVS, _TITLE, _TITLES, ESCAPE_TITLE, SNAPSHOT, _days, _ids,
                    _int_na, _one_year, _rng, _split, _traits)

__all__ = ["generate", "write_sample", "scale", "SNAPSHOT", "ESCAPE_TITLE"]


def _titles(df: pd.DataFrame) -> np.ndarray:
    """Vietnamese titles from templates per activity (a loop over the 14 activities, not projects)."""
    title = np.empty(len(df), dtype=object)
    act = df["activity"].to_numpy()
    names = np.array(_NAMES, dtype=object)[df["u_name"].to_numpy()]
    for a in ACTIVITIES:
        m = act == a
        items = np.array(_ITEMS[a], dtype=object)[df["u_item"].to_numpy()[m] % len(_ITEMS[a])]
        pre, rest = _TITLES[a].split("{x}")
        mid, post = rest.split("{n}") if "{n}" in rest else (rest, None)
        t = pre + items + mid
        title[m] = t + names[m] + post if post is not None else t
    return title


def generate(*, years: Iterable[int] = range(2018, 2025), provinces: Iterable[str] | None = None,
             seed: int = 20190630) -> dict[str, pd.DataFrame]:
    """The deterministic synthetic sample, calibrated to published regional figures.

    Every province-year is generated realistically (activity mix, sizes within the caps of
    TTLT 26/2014 and TT 28/2018, counterpart ≈ 3× support, advances ≤ 70 %, payments bunching
    in Q3–Q4 with settlement in January, fragmented / troubled / late provinces) and the
    published totals of :mod:`kceval.calibrate` are then made exact with integer arithmetic.
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
    tr = _traits(seed)
    parts = [_one_year(y, seed, tr) for y in yrs]
    pr = pd.concat([p[0] for p in parts], ignore_index=True)
    plans = pd.concat([p[1] for p in parts], ignore_index=True)
    ev = pd.concat([p[2] for p in parts], ignore_index=True)
    pay = pd.concat([p[3] for p in parts], ignore_index=True)
    # ids: year-GSO code-sequence, numbered by approval date within the province-year
    pr = pr.sort_values(["year", "prov", "approved_on", "src", "key"], kind="mergesort").reset_index(drop=True)
    seq = pr.groupby(["year", "prov"], sort=False).cumcount().to_numpy() + 1
    pr["project_id"] = _ids(pr["year"].to_numpy(), _CODES[pr["prov"].to_numpy()], seq)
    pr["title"] = _titles(pr)
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
        "approved_on": pr["approved_on"].astype(_NS), "planned_end": pr["planned_end"].astype(_NS),
        "status": pr["status"], "finished_on": pr["finished_on"].astype(_NS),
        "accepted_on": pr["accepted_on"].astype(_NS), "stopped_on": pr["stopped_on"].astype(_NS),
        "output_count": _int_na(pr["output_count"].to_numpy(), (pr["activity"] != "management").to_numpy()),
    })
    events = ev.assign(project_id=ev["key"].map(ids))[["project_id", "date", "kind", "new_planned_end",
                                                        "new_support_vnd", "note"]]
    payments = pd.DataFrame({"project_id": pay["key"].map(ids), "date": pay["date"].astype(_NS),
                             "amount_vnd": pay["amount_m"].astype(np.int64) * 1_000_000})
    if keep is not None:
        plans, projects = plans[plans["province"].isin(keep)], projects[projects["province"].isin(keep)]
        events = events[events["project_id"].isin(projects["project_id"])]
        payments = payments[payments["project_id"].isin(projects["project_id"])]
    return _sorted({"plans": plans, "projects": projects, "events": events, "payments": payments})


def _as_iter(value) -> list:
    return [value] if isinstance(value, str) else list(value)


_SORT = {"plans": ["year", "province", "source"], "projects": ["project_id"],
         "events": ["project_id", "date", "kind"], "payments": ["project_id", "date", "amount_vnd"]}


def _sorted(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {t: coerce_table(t, tables[t].sort_values(_SORT[t], kind="mergesort").reset_index(drop=True))
            for t in TABLES}


def write_sample(out_dir: str | Path, **kwargs) -> list[Path]:
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
    from .export import write_tables

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(**kwargs)
    written = [Path(p) for p in write_tables(tables, out, format="csv")]
    marker = out / "SYNTHETIC"
    marker.write_bytes(b"")
    return [*sorted(written, key=lambda p: TABLES.index(p.stem) if p.stem in TABLES else 99), marker]


def scale(n_projects: int, *, seed: int = 0, years: Iterable[int] = range(2018, 2025)) -> dict[str, pd.DataFrame]:
    """Valid canonical tables of any size, fast and fully vectorised, for benchmarks.

    Realistic in shape (63 provinces, both sources, every activity and status, dated events,
    1–4 payments per started project) but not calibrated; use :func:`generate` for the sample.

    Parameters
    ----------
    n_projects : int
        Number of projects (≥ 1).
    seed : int
        Seed of the PCG64 generator; the same seed gives the same tables.
    years : iterable of int
        Plan years the projects are spread over.

    Returns
    -------
    dict of DataFrame
        ``plans``, ``projects``, ``events``, ``payments`` in canonical form.

    Examples
    --------
    >>> t = scale(1000, seed=1)
    >>> len(t["projects"]), sorted(t)
    (1000, ['events', 'payments', 'plans', 'projects'])
    """
    if not isinstance(n_projects, (int, np.integer)) or isinstance(n_projects, bool) or n_projects < 1:
        raise ParameterError(f"`n_projects` must be a positive integer; received {n_projects!r}")
    yrs = np.array(sorted({int(y) for y in years}), dtype=np.int64)
    if not len(yrs):
        raise ParameterError("`years` must name at least one year; received an empty list")
    n = int(n_projects)
    rng = _rng(seed)
    acts = np.array(ACTIVITIES, dtype=object)
    p_act = np.array([_MIX[a] for a in ACTIVITIES])
    # a few big provinces carry more projects
    w_prov = rng.lognormal(0.0, 0.5, len(_PROVS))
    year = yrs[rng.integers(0, len(yrs), n)]
    prov = rng.choice(len(_PROVS), n, p=w_prov / w_prov.sum())
    src = np.where(rng.random(n) < 0.25, 0, 1)  # index into SOURCES: a quarter national, the rest local
    act = rng.choice(len(acts), n, p=p_act / p_act.sum())
    seq = np.arange(1, n + 1)
    ids = _ids(year, _CODES[prov], seq, width=max(4, len(str(n))))
    benef = np.where(act == ACTIVITIES.index("fair"), rng.integers(5, 60, n), rng.integers(1, 6, n)).astype(np.int64)
    support = np.maximum(1, np.round(rng.lognormal(np.log(250), 0.8, n))).astype(np.int64) * 1_000_000
    counter = (support * rng.lognormal(np.log(3.0), 0.5, n)).astype(np.int64) // 1_000_000 * 1_000_000
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + rng.integers(14, 180, n)
    planned = start + rng.integers(90, 300, n)
    # statuses: mostly accepted, some finished, in progress, approved, stopped, suspended
    u = rng.random(n)
    status_i = np.searchsorted(np.cumsum([0.08, 0.12, 0.10, 0.60, 0.08, 0.02]), u, side="right")
    status_i = np.minimum(status_i, len(STATUSES) - 1)
    status = np.array(STATUSES, dtype=object)[status_i]
    late = rng.integers(-30, 90, n)
    fin = planned + late
    finished = np.isin(status_i, [2, 3])
    accepted = status_i == 3
    stopped = status_i == 4
    acc = fin + rng.integers(5, 60, n)
    stop = start + rng.integers(20, 150, n)
    nat = np.datetime64("NaT", "D")
    finished_on = np.where(finished, fin, nat)
    accepted_on = np.where(accepted, acc, nat)
    stopped_on = np.where(stopped, stop, nat)
    title = np.array([_TITLE[a].format(x="tại cơ sở") for a in ACTIVITIES], dtype=object)[act]
    output = np.where(act == ACTIVITIES.index("training"), rng.integers(15, 60, n), benef)
    projects = pd.DataFrame({
        "project_id": ids, "year": year, "province": _PROVS[prov], "source": np.array(SOURCES, dtype=object)[src],
        "activity": acts[act], "title": title, "beneficiaries": benef,
        "pilot": rng.random(n) < 0.03, "group": rng.random(n) < 0.05,
        "support_vnd": support, "counterpart_vnd": pd.array(counter, dtype="Int64"),
        "approved_on": _days(start), "planned_end": _days(planned), "status": status,
        "finished_on": _days(finished_on), "accepted_on": _days(accepted_on), "stopped_on": _days(stopped_on),
        "output_count": pd.array(output, dtype="Int64"),
    })

    # events: acceptance and stop on their dates; extensions and adjustments for some projects
    ext = (rng.random(n) < 0.10) & ~stopped
    adj = rng.random(n) < 0.08
    ext_date = start + (planned - start) // 2
    adj_date = start + rng.integers(10, 60, n)
    new_end = planned + rng.integers(30, 120, n)
    new_sup = np.maximum(1_000_000, support - support // 10 // 1_000_000 * 1_000_000)
    parts = [
        (np.flatnonzero(accepted), acc, "acceptance", None, None),
        (np.flatnonzero(stopped), stop, "stop", None, None),
        (np.flatnonzero(ext), ext_date, "extension", new_end, None),
        (np.flatnonzero(adj), adj_date, "adjustment", None, new_sup),
    ]
    ev_idx = np.concatenate([p[0] for p in parts])
    ev_date = np.concatenate([p[1][p[0]] for p in parts])
    ev_kind = np.concatenate([np.full(len(p[0]), p[2], dtype=object) for p in parts])
    ev_end = np.concatenate([p[3][p[0]] if p[3] is not None else np.full(len(p[0]), nat) for p in parts])
    ev_sup = np.concatenate([p[4][p[0]] if p[4] is not None else np.full(len(p[0]), -1) for p in parts])
    events = pd.DataFrame({
        "project_id": ids[ev_idx], "date": _days(ev_date), "kind": ev_kind, "new_planned_end": _days(ev_end),
        "new_support_vnd": pd.array(np.where(ev_sup > 0, ev_sup, 0), dtype="Int64"), "note": None,
    })
    events.loc[ev_sup <= 0, "new_support_vnd"] = pd.NA
    events["note"] = events["note"].astype(object)

    # payments: 1–4 per started project, summing to 60–100% of support (less when stopped)
    k = rng.integers(1, 5, n)
    k[status_i == 0] = 0
    rate = np.where(stopped, rng.uniform(0.0, 0.5, n), rng.uniform(0.6, 1.0, n))
    total = np.floor(support * rate).astype(np.int64)
    w = rng.uniform(0.2, 1.0, int(k.sum()))
    amount = _split(total, k, w)
    grp = np.repeat(np.arange(n), k)
    off = np.sort(rng.integers(0, 330, len(grp)))  # sorted offsets then re-sorted by project below
    pay_date = start[grp] + off
    order = np.lexsort((pay_date, grp))
    payments = pd.DataFrame({"project_id": ids[grp[order]], "date": _days(pay_date[order]),
                             "amount_vnd": amount[order]})
    payments = payments[payments["amount_vnd"] != 0].reset_index(drop=True)

    # plans: every (year, province, source), 100–125% of the projects' support
    g = pd.DataFrame({"year": year, "p": prov, "s": src, "v": support}).groupby(["year", "p", "s"])["v"].sum()
    full = pd.MultiIndex.from_product([yrs, np.arange(len(_PROVS)), [0, 1]], names=["year", "p", "s"])
    g = g.reindex(full, fill_value=0)
    pv = g.to_numpy()
    approved = (pv * rng.uniform(1.0, 1.25, len(pv))).astype(np.int64) // 1_000_000 * 1_000_000
    plans = pd.DataFrame({
        "year": full.get_level_values(0).to_numpy(), "province": _PROVS[full.get_level_values(1).to_numpy()],
        "source": np.array(SOURCES, dtype=object)[full.get_level_values(2).to_numpy()],
        "approved_vnd": approved, "revised_vnd": pd.array([pd.NA] * len(pv), dtype="Int64"),
    })
    # columns were built in canonical order, so no coerce_table copy is needed (saves ~1 s at 1M rows)
    return {"plans": plans, "projects": projects, "events": events, "payments": payments}

