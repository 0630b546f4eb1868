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

_NS = "datetime64[ns]"
_PROVS = np.array(geo.PROVINCE_NAMES, dtype=object)
_CODES = np.array([geo.code_of(p) for p in geo.PROVINCE_NAMES])

# Rough activity mix of provincial programmes (machinery and training dominate the counts).
_MIX = {
    "training": 0.20, "capacity": 0.05, "demonstration": 0.07, "machinery": 0.30,
    "cleaner_production": 0.02, "fair": 0.06, "product_award": 0.04, "brand": 0.06,
    "consulting": 0.05, "communication": 0.06, "linkage": 0.02, "industrial_cluster": 0.02,
    "cooperation": 0.01, "management": 0.04,
}
_TITLE = {
    "training": "Đào tạo nghề {x}", "capacity": "Nâng cao năng lực quản lý cho cơ sở {x}",
    "demonstration": "Xây dựng mô hình trình diễn kỹ thuật {x}",
    "machinery": "Hỗ trợ ứng dụng máy móc thiết bị {x}", "cleaner_production": "Tư vấn sản xuất sạch hơn {x}",
    "fair": "Tham gia hội chợ hàng công nghiệp nông thôn {x}", "product_award": "Bình chọn sản phẩm CNNT tiêu biểu {x}",
    "brand": "Hỗ trợ xây dựng, đăng ký thương hiệu {x}", "consulting": "Tư vấn {x}",
    "communication": "Thông tin tuyên truyền về khuyến công {x}", "linkage": "Hỗ trợ thành lập hiệp hội {x}",
    "industrial_cluster": "Lập quy hoạch chi tiết cụm công nghiệp {x}", "cooperation": "Hợp tác quốc tế về khuyến công {x}",
    "management": "Quản lý, giám sát chương trình khuyến công {x}",
}


def _rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


def _ids(year: np.ndarray, code: np.ndarray, seq: np.ndarray, width: int = 4) -> np.ndarray:
    """Project ids 'KC-<year>-<GSO code>-<seq>' built with numpy string ufuncs (no Python loop)."""
    s = np.strings
    out = s.add(s.add("KC-", year.astype(str)), "-")
    out = s.add(s.add(out, code.astype(str)), "-")
    return s.add(out, s.zfill(seq.astype(str), width)).astype(object)


def _days(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[D]").astype(_NS)


def _split(total: np.ndarray, k: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split integer ``total[i]`` into ``k[i]`` integer parts proportional to ``weights`` (exact sum)."""
    grp = np.repeat(np.arange(len(k)), k)
    wsum = np.bincount(grp, weights=weights, minlength=len(k))
    part = np.floor(total[grp] * weights / wsum[grp]).astype(np.int64)
    rest = total - np.bincount(grp, weights=part, minlength=len(k)).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    has = k > 0
    part[first[has]] += rest[has]
    return part


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
    src = (rng.random(n) < 0.25).astype(np.int64)  # 0 local, 1 national
    src = 1 - src  # SOURCES order is (national, local): index 1 = local
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

