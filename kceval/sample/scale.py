"""Valid canonical tables of any size, fast, for benchmarks (uncalibrated synthetic data)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..schema import ACTIVITIES, SOURCES, STATUSES
from .synth import GSO_CODES, PROVINCES, as_dates, make_rng, project_ids, split_integers
from .vocab import ACTIVITY_MIX

SCALE_TITLES = {
    "training": "Đào tạo nghề {x}",
    "capacity": "Nâng cao năng lực quản lý cho cơ sở {x}",
    "demonstration": "Xây dựng mô hình trình diễn kỹ thuật {x}",
    "machinery": "Hỗ trợ ứng dụng máy móc thiết bị {x}",
    "cleaner_production": "Tư vấn sản xuất sạch hơn {x}",
    "fair": "Tham gia hội chợ hàng công nghiệp nông thôn {x}",
    "product_award": "Bình chọn sản phẩm CNNT tiêu biểu {x}",
    "brand": "Hỗ trợ xây dựng, đăng ký thương hiệu {x}",
    "consulting": "Tư vấn {x}",
    "communication": "Thông tin tuyên truyền về khuyến công {x}",
    "linkage": "Hỗ trợ thành lập hiệp hội {x}",
    "industrial_cluster": "Lập quy hoạch chi tiết cụm công nghiệp {x}",
    "cooperation": "Hợp tác quốc tế về khuyến công {x}",
    "management": "Quản lý, giám sát chương trình khuyến công {x}",
}


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
    rng = make_rng(seed)
    acts = np.array(ACTIVITIES, dtype=object)
    p_act = np.array([ACTIVITY_MIX[a] for a in ACTIVITIES])
    # a few big provinces carry more projects
    w_prov = rng.lognormal(0.0, 0.5, len(PROVINCES))
    year = yrs[rng.integers(0, len(yrs), n)]
    prov = rng.choice(len(PROVINCES), n, p=w_prov / w_prov.sum())
    src = np.where(rng.random(n) < 0.25, 0, 1)  # index into SOURCES: a quarter national, the rest local
    act = rng.choice(len(acts), n, p=p_act / p_act.sum())
    seq = np.arange(1, n + 1)
    ids = project_ids(year, GSO_CODES[prov], seq, width=max(4, len(str(n))))
    benef = np.where(act == ACTIVITIES.index("fair"), rng.integers(5, 60, n), rng.integers(1, 6, n)).astype(np.int64)
    support = np.maximum(1, np.round(rng.lognormal(np.log(250), 0.8, n))).astype(np.int64) * 1_000_000
    counter = (support * rng.lognormal(np.log(3.0), 0.5, n)).astype(np.int64) // 1_000_000 * 1_000_000
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + rng.integers(14, 180, n)
    planned = start + rng.integers(90, 300, n)
    # statuses: mostly accepted, some finished, in progress, approved, stopped, suspended
    u = rng.random(n)
    status_i = np.searchsorted(np.cumsum([0.08, 0.12, 0.10, 0.60, 0.08, 0.02]), u, side="right")
    status_i = np.minimum(status_i, STATUSES.index("suspended"))  # a scaled sample reports every status
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
    title = np.array([SCALE_TITLES[a].format(x="tại cơ sở") for a in ACTIVITIES], dtype=object)[act]
    output = np.where(act == ACTIVITIES.index("training"), rng.integers(15, 60, n), benef)
    projects = pd.DataFrame({
        "project_id": ids, "year": year, "province": PROVINCES[prov], "source": np.array(SOURCES, dtype=object)[src],
        "activity": acts[act], "title": title, "beneficiaries": benef,
        "pilot": rng.random(n) < 0.03, "group": rng.random(n) < 0.05,
        "support_vnd": support, "counterpart_vnd": pd.array(counter, dtype="Int64"),
        "approved_on": as_dates(start), "planned_end": as_dates(planned), "status": status,
        "finished_on": as_dates(finished_on), "accepted_on": as_dates(accepted_on), "stopped_on": as_dates(stopped_on),
        "output_count": pd.array(output, dtype="Int64"),
        "note": np.full(n, None, dtype=object),
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
        "project_id": ids[ev_idx], "date": as_dates(ev_date), "kind": ev_kind, "new_planned_end": as_dates(ev_end),
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
    amount = split_integers(total, k, w)
    grp = np.repeat(np.arange(n), k)
    off = np.sort(rng.integers(0, 330, len(grp)))  # sorted offsets then re-sorted by project below
    pay_date = start[grp] + off
    order = np.lexsort((pay_date, grp))
    payments = pd.DataFrame({"project_id": ids[grp[order]], "date": as_dates(pay_date[order]),
                             "amount_vnd": amount[order]})
    payments = payments[payments["amount_vnd"] != 0].reset_index(drop=True)

    # plans: every (year, province, source), 100–125% of the projects' support
    g = pd.DataFrame({"year": year, "p": prov, "s": src, "v": support}).groupby(["year", "p", "s"])["v"].sum()
    full = pd.MultiIndex.from_product([yrs, np.arange(len(PROVINCES)), [0, 1]], names=["year", "p", "s"])
    g = g.reindex(full, fill_value=0)
    pv = g.to_numpy()
    approved = (pv * rng.uniform(1.0, 1.25, len(pv))).astype(np.int64) // 1_000_000 * 1_000_000
    plans = pd.DataFrame({
        "year": full.get_level_values(0).to_numpy(), "province": PROVINCES[full.get_level_values(1).to_numpy()],
        "source": np.array(SOURCES, dtype=object)[full.get_level_values(2).to_numpy()],
        "approved_vnd": approved, "revised_vnd": pd.array([pd.NA] * len(pv), dtype="Int64"),
    })
    # columns were built in canonical order, so no coerce_table copy is needed (saves ~1 s at 1M rows)
    return {"plans": plans, "projects": projects, "events": events, "payments": payments}

