"""Synthetic project lifecycles: the province-year generator behind :mod:`kceval.sample.generate`.

Vocabulary (activity mix, sizes within the caps of DOMAIN.md, Vietnamese title parts),
province traits (fragmented, troubled, late, slow payers) and the life of each project:
statuses as reported at :data:`SNAPSHOT`, dated events and payments (advance ≤ 70 %, interim
payments in Q3–Q4, settlement after acceptance, some in January before the 22nd, refunds of
stopped projects). Money is in million VND until :func:`kceval.sample.generate.generate` converts it.
Randomness comes only from the ``numpy`` PCG64 generators passed in.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import geo
from ..schema import ACTIVITIES, SOURCES
from . import calibrate

DATE_DTYPE = "datetime64[ns]"
PROVINCES = np.array(geo.PROVINCE_NAMES, dtype=object)
GSO_CODES = np.array([geo.code_of(p) for p in geo.PROVINCE_NAMES])

# Rough activity mix of provincial programmes (machinery and training dominate the counts).
ACTIVITY_MIX = {
    "training": 0.20, "capacity": 0.05, "demonstration": 0.07, "machinery": 0.30,
    "cleaner_production": 0.02, "fair": 0.06, "product_award": 0.04, "brand": 0.06,
    "consulting": 0.05, "communication": 0.06, "linkage": 0.02, "industrial_cluster": 0.02,
    "cooperation": 0.01, "management": 0.04,
}


def make_rng(seed: int | list[int]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


def project_ids(year: np.ndarray, code: np.ndarray, seq: np.ndarray, width: int = 4) -> np.ndarray:
    """Project ids 'KC-<year>-<GSO code>-<seq>' built with numpy string ufuncs (no Python loop)."""
    s = np.strings
    out = s.add(s.add("KC-", year.astype(str)), "-")
    out = s.add(s.add(out, code.astype(str)), "-")
    return s.add(out, s.zfill(seq.astype(str), width)).astype(object)


def as_dates(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[D]").astype(DATE_DTYPE)


def split_integers(total: np.ndarray, k: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split integer ``total[i]`` into ``k[i]`` integer parts proportional to ``weights`` (exact sum)."""
    grp = np.repeat(np.arange(len(k)), k)
    wsum = np.bincount(grp, weights=weights, minlength=len(k))
    part = np.floor(total[grp] * weights / wsum[grp]).astype(np.int64)
    rest = total - np.bincount(grp, weights=part, minlength=len(k)).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    has = k > 0
    part[first[has]] += rest[has]
    return part


def titles(df: pd.DataFrame) -> np.ndarray:
    """Vietnamese titles from templates per activity (a loop over the 14 activities, not projects)."""
    title = np.empty(len(df), dtype=object)
    act = df["activity"].to_numpy()
    names = np.array(NAMES, dtype=object)[df["u_name"].to_numpy()]
    for a in ACTIVITIES:
        m = act == a
        items = np.array(ITEMS[a], dtype=object)[df["u_item"].to_numpy()[m] % len(ITEMS[a])]
        pre, rest = TITLES[a].split("{x}")
        mid, post = rest.split("{n}") if "{n}" in rest else (rest, None)
        t = pre + items + mid
        title[m] = t + names[m] + post if post is not None else t
    return title



# --- the calibrated sample ------------------------------------------------------------------
SNAPSHOT = np.datetime64("2025-01-31")  # the sample is "as reported" at the end of January 2025
# activity -> (low, high) support in million VND; per-establishment when the cap is (DOMAIN.md caps)
_SIZE_M = {
    "training": (40, 180), "capacity": (20, 120), "demonstration": (200, 500), "machinery": (60, 200),
    "cleaner_production": (60, 300), "fair": (60, 450), "product_award": (50, 200), "brand": (15, 35),
    "consulting": (15, 35), "communication": (30, 200), "linkage": (50, 150), "industrial_cluster": (200, 500),
    "cooperation": (50, 300), "management": (10, 60),
}
_PER_EST = {"machinery": 200, "brand": 35, "consulting": 35}  # caps per establishment (million VND)
_MIX_NATIONAL = {
    "training": 0.12, "capacity": 0.04, "demonstration": 0.15, "machinery": 0.35, "cleaner_production": 0.04,
    "fair": 0.06, "product_award": 0.02, "brand": 0.06, "consulting": 0.05, "communication": 0.03,
    "linkage": 0.03, "industrial_cluster": 0.02, "cooperation": 0.01, "management": 0.02,
}
_DURATION = {"fair": (30, 90), "brand": (90, 200), "consulting": (60, 180), "machinery": (120, 240),
             "demonstration": (150, 270), "training": (60, 180)}
ITEMS = {
    "training": ["mây tre đan", "thêu ren", "may công nghiệp", "chế biến thủy sản", "mộc dân dụng", "đan lục bình"],
    "capacity": ["khởi sự doanh nghiệp", "quản lý chất lượng", "thương mại điện tử", "quản trị tài chính"],
    "demonstration": ["sấy cà phê", "chế biến hạt điều", "sản xuất gạch không nung", "ép dầu dừa", "làm nước mắm"],
    "machinery": [
        "máy sấy nông sản",
        "dây chuyền chế biến hạt điều",
        "máy ép viên nén mùn cưa",
        "máy dệt chiếu cói",
        "lò nung gốm tiết kiệm năng lượng",
        "máy xay xát gạo",
        "máy cắt khắc CNC gỗ mỹ nghệ",
    ],
    "cleaner_production": ["đánh giá sản xuất sạch hơn", "cải tạo hệ thống xử lý nước thải"],
    "fair": ["khu vực phía Nam", "khu vực miền Trung", "khu vực phía Bắc", "tại Hà Nội", "tại TP. Hồ Chí Minh"],
    "product_award": ["cấp tỉnh", "cấp khu vực"],
    "brand": ["bánh tráng", "nước mắm", "kẹo dừa", "gốm", "chiếu cói", "mật ong"],
    "consulting": ["lập dự án đầu tư", "tiếp thị", "quản lý sản xuất", "tài chính"],
    "communication": ["trên báo, đài địa phương", "bản tin khuyến công", "trang thông tin điện tử"],
    "linkage": ["hiệp hội làng nghề", "cụm liên kết ngành"],
    "industrial_cluster": ["quy hoạch chi tiết", "hạ tầng kỹ thuật"],
    "cooperation": ["khảo sát, học tập kinh nghiệm nước ngoài"],
    "management": ["kiểm tra, giám sát đề án"],
}
TITLES = {
    "training": "Đào tạo nghề {x} cho lao động nông thôn",
    "capacity": "Tập huấn nâng cao năng lực {x}",
    "demonstration": "Xây dựng mô hình trình diễn kỹ thuật {x} tại cơ sở {n}",
    "machinery": "Hỗ trợ ứng dụng {x} tại cơ sở {n}",
    "cleaner_production": "Hỗ trợ {x} tại cơ sở {n}",
    "fair": "Tham gia hội chợ hàng công nghiệp nông thôn tiêu biểu {x}",
    "product_award": "Bình chọn sản phẩm CNNT tiêu biểu {x}",
    "brand": "Hỗ trợ xây dựng, đăng ký thương hiệu sản phẩm {x} {n}",
    "consulting": "Tư vấn {x} cho cơ sở {n}",
    "communication": "Thông tin tuyên truyền về khuyến công {x}",
    "linkage": "Hỗ trợ thành lập {x}",
    "industrial_cluster": "Lập {x} cụm công nghiệp",
    "cooperation": "Hợp tác quốc tế: {x}",
    "management": "Quản lý chương trình: {x}",
}
NAMES = ["Minh Phát", "Thành Công", "Hoàng Long", "Phú Quý", "Tân Tiến", "Hồng Hà", "An Khang", "Bảo Ngọc",
          "Đức Thịnh", "Ngọc Lan", "Thuận Phát", "Việt Hưng"]
ESCAPE_TITLE = 'Hỗ trợ xây dựng thương hiệu "Bánh pía A&B <Sóc Trăng>"'  # reports must HTML-escape this


def province_traits(seed: int) -> pd.DataFrame:
    """Fixed traits of the 63 provinces for one seed (size, fragmented, troubled, late, slow payer)."""
    rng = make_rng(seed)
    n = len(PROVINCES)
    flag = rng.permutation(n)  # disjoint groups of 8 provinces each
    t = pd.DataFrame({"size": rng.lognormal(0.0, 0.3, n)})
    for k, name in enumerate(("fragmented", "troubled", "late", "slow")):
        t[name] = np.isin(np.arange(n), flag[8 * k: 8 * k + 8])
    return t


def _year(year: int, rng: np.random.Generator, tr: pd.DataFrame) -> pd.DataFrame:
    """All projects of one plan year for the 63 provinces (money in million VND), before calibration."""
    nprov = len(PROVINCES)
    region = np.array([geo.region_of(p) for p in PROVINCES])
    frag = tr["fragmented"].to_numpy()
    lam_loc = 14 * tr["size"].to_numpy() * np.where(frag, 1.8, 1.0)
    lam_nat = 5 * tr["size"].to_numpy()
    n_loc = np.maximum(3, rng.poisson(lam_loc))
    n_nat = rng.poisson(lam_nat)
    if year == 2024:  # no national money reached the central region in 2024 (DOMAIN.md)
        n_nat[region == "central"] = 0
    prov = np.concatenate([np.repeat(np.arange(nprov), n_nat), np.repeat(np.arange(nprov), n_loc)])
    src = np.concatenate([np.zeros(n_nat.sum(), int), np.ones(n_loc.sum(), int)])
    n = len(prov)
    acts = list(ACTIVITIES)
    p_nat = np.array([_MIX_NATIONAL[a] for a in acts])
    p_loc = np.array([ACTIVITY_MIX[a] for a in acts])
    a_nat, a_loc = rng.choice(len(acts), n, p=p_nat / p_nat.sum()), rng.choice(len(acts), n, p=p_loc / p_loc.sum())
    act = np.where(src == 0, a_nat, a_loc)
    aname = np.array(acts, dtype=object)[act]
    group = (rng.random(n) < 0.05) & np.isin(aname, ["machinery", "demonstration", "consulting", "brand"])
    benef = rng.choice([1, 1, 1, 1, 1, 1, 1, 2, 2, 3], n)
    benef = np.where(group, rng.integers(3, 7, n), benef)
    part = rng.integers(10, 61, n)  # fair participations
    benef = np.where(aname == "fair", part, np.where(aname == "demonstration", 1, benef))
    lo = np.array([_SIZE_M[a][0] for a in acts])[act]
    hi = np.array([_SIZE_M[a][1] for a in acts], dtype=float)[act]
    hi = np.where((aname == "demonstration") & (year >= 2019), 1000.0, hi)  # TT 28/2018/TT-BTC raised the cap
    per_est = np.isin(aname, list(_PER_EST))
    size = lo + (hi - lo) * rng.beta(2.0, 2.5, n)
    size = size * np.where(src == 0, 1.2, 1.0) * np.where(frag[prov], 0.5, 1.0)
    cap = np.where(per_est, hi * benef, hi)
    support = np.clip(np.round(np.where(per_est, size * benef, size)), 5, cap).astype(np.int64)
    output = np.select(
        [aname == "training", aname == "capacity", aname == "fair", aname == "machinery",
         aname == "product_award", aname == "communication", aname == "management"],
        [rng.integers(20, 71, n), rng.integers(30, 101, n), benef, benef * rng.integers(1, 4, n),
         rng.integers(10, 41, n), rng.integers(4, 25, n), np.zeros(n, int)], benef).astype(np.int64)
    jan1 = np.datetime64(f"{year}-01-01")
    day = np.timedelta64(1, "D")
    approved = jan1 + np.where(src == 0, rng.integers(20, 120, n), rng.integers(30, 170, n)) * day
    dlo = np.array([_DURATION.get(a, (90, 210))[0] for a in acts])[act]
    dhi = np.array([_DURATION.get(a, (90, 210))[1] for a in acts])[act]
    dur = rng.integers(dlo, dhi + 1)
    planned = np.maximum(np.minimum(approved + dur * day, np.datetime64(f"{year}-12-15")), approved + 30 * day)
    p = prov
    trouble, late, slow = tr["troubled"].to_numpy()[p], tr["late"].to_numpy()[p], tr["slow"].to_numpy()[p]
    delay = np.where(late, rng.integers(10, 81, n), rng.integers(-45, 11, n))
    # a few projects of the last reported year run on into the next one (extension by the Minister)
    overrun = (rng.random(n) < 0.06) & (year == SNAPSHOT.astype("datetime64[Y]").astype(int) + 1969)
    delay = np.where(overrun, rng.integers(90, 200, n), delay)
    finished = np.maximum(planned + delay * day, approved + 20 * day)
    accepted = finished + np.where(late, rng.integers(20, 61, n), rng.integers(5, 31, n)) * day
    u = rng.random(n)
    stopped = u < np.where(trouble, 0.15, 0.03)
    suspended = ~stopped & (u > 0.995)
    not_started = ~stopped & ~suspended & (year == 2024) & (rng.random(n) < 0.02)
    stop_on = approved + rng.integers(30, 120, n) * day
    out = pd.DataFrame(
        {
            "year": year,
            "prov": p,
            "province": PROVINCES[p],
            "region": region[p],
            "src": src,
            "source": np.array(SOURCES, dtype=object)[src],
            "activity": aname,
            "beneficiaries": benef.astype(np.int64),
            "pilot": (src == 0) & np.isin(aname, ["demonstration", "machinery"]) & (rng.random(n) < 0.08),
            "group": group,
            "support_m": support,
            "cap_m": np.floor(cap).astype(np.int64),
            "approved_on": approved,
            "planned_end": planned,
            "finished_on": finished,
            "accepted_on": accepted,
            "stopped_on": stop_on,
            "output_count": output,
            "stopped": stopped,
            "suspended": suspended,
            "not_started": not_started,
            "trouble": trouble,
            "late": late,
            "slow": slow,
            "u_name": rng.integers(0, len(NAMES), n),
            "u_item": rng.integers(0, 1 << 20, n),
            "cp_ratio": rng.lognormal(np.log(3.0), 0.5, n),  # counterpart ≈ 3× support (Đồng Tháp 2016–2020)
        }
    )
    return out


_DAY = np.timedelta64(1, "D")


def int_or_na(values: np.ndarray, keep: np.ndarray) -> pd.arrays.IntegerArray:
    """Nullable Int64 array: ``values`` where ``keep``, missing elsewhere."""
    return pd.arrays.IntegerArray(np.where(keep, values, 0).astype(np.int64), ~np.asarray(keep, dtype=bool))


def _status(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Statuses as reported at :data:`SNAPSHOT`, with only the dates that have happened."""
    nat = np.datetime64("NaT")
    fin = df["finished_on"].to_numpy("datetime64[D]")
    acc = df["accepted_on"].to_numpy("datetime64[D]")
    stopped, susp, idle = df["stopped"].to_numpy(), df["suspended"].to_numpy(), df["not_started"].to_numpy()
    running = ~stopped & ~susp & ~idle
    status = np.select([stopped, susp, idle, running & (acc <= SNAPSHOT), running & (fin <= SNAPSHOT)],
                       ["stopped", "suspended", "approved", "accepted", "finished"], "in_progress").astype(object)
    undated = (status == "accepted") & (rng.random(len(df)) < 0.0005)  # a few sheets omit the acceptance date
    return df.assign(
        status=status,
        finished_on=np.where(np.isin(status, ["accepted", "finished"]), fin, nat).astype("datetime64[ns]"),
        accepted_on=np.where((status == "accepted") & ~undated, acc, nat).astype("datetime64[ns]"),
        stopped_on=df["stopped_on"].where(stopped),
    )


def _events(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Acceptance and stop events on their dates; extensions (later new end) and adjustments."""
    n = len(df)
    st = df["status"].to_numpy()
    appr = df["approved_on"].to_numpy("datetime64[D]")
    plan = df["planned_end"].to_numpy("datetime64[D]")
    fin = df["finished_on"].to_numpy("datetime64[D]")
    trouble, late = df["trouble"].to_numpy(), df["late"].to_numpy()
    active = ~np.isin(st, ["stopped", "suspended", "approved"])
    overdue = active & ((fin > plan) | (np.isnat(fin) & (plan < SNAPSHOT)))
    ext = (overdue & (rng.random(n) < np.where(late, 0.35, 0.5))) | (
        active & ~overdue & (rng.random(n) < np.where(trouble, 0.15, 0.03)))
    new_end = np.where(np.isnat(fin), plan + rng.integers(60, 151, n) * _DAY,
                       np.maximum(plan + 30 * _DAY, fin + rng.integers(0, 21, n) * _DAY))
    ext_date = np.maximum(plan - rng.integers(5, 31, n) * _DAY, appr + _DAY)
    adj = (st != "approved") & (rng.random(n) < np.where(trouble, 0.25, 0.08))
    adj_date = np.minimum(appr + rng.integers(20, 91, n) * _DAY, plan - _DAY)
    stop = df["stopped_on"].to_numpy("datetime64[D]")
    adj_date = np.where(st == "stopped", np.minimum(adj_date, stop), adj_date)
    sup = df["support_m"].to_numpy() * 1_000_000
    acc = df["accepted_on"].to_numpy("datetime64[D]")
    nat = np.datetime64("NaT", "D")
    rows = [
        (~np.isnat(acc), acc, "acceptance", None, None, "Nghiệm thu đề án"),
        (st == "stopped", stop, "stop", None, None, "Dừng thực hiện do cơ sở không đủ điều kiện đối ứng"),
        (ext, ext_date, "extension", new_end, None, "Gia hạn thời gian thực hiện"),
        (adj, adj_date, "adjustment", None, np.where(rng.random(n) < 0.5, sup, -1), "Điều chỉnh nội dung, dự toán"),
    ]
    key, date, kind, end, nsup, note = [], [], [], [], [], []
    for mask, d, k, e, s, t in rows:
        i = np.flatnonzero(mask)
        key.append(df["key"].to_numpy()[i])
        date.append(d[i])
        kind.append(np.full(len(i), k, dtype=object))
        end.append(e[i] if e is not None else np.full(len(i), nat))
        nsup.append(s[i] if s is not None else np.full(len(i), -1))
        note.append(np.full(len(i), t, dtype=object))
    nsup_a = np.concatenate(nsup)
    return pd.DataFrame({
        "key": np.concatenate(key), "date": np.concatenate(date).astype("datetime64[ns]"), "kind": np.concatenate(kind),
        "new_planned_end": np.concatenate(end).astype("datetime64[ns]"),
        "new_support_vnd": int_or_na(nsup_a, nsup_a > 0),
        "note": np.concatenate(note),
    })


def _payments(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Advance (≤ 70 %), interim payments in Q3–Q4, settlement after acceptance (some in January), refunds."""
    n = len(df)
    st = df["status"].to_numpy()
    year = int(df["year"].iloc[0]) if n else 2000
    sup = df["support_m"].to_numpy()
    appr = df["approved_on"].to_numpy("datetime64[D]")
    fin = df["finished_on"].to_numpy("datetime64[D]")
    acc = df["accepted_on"].to_numpy("datetime64[D]")
    stop = df["stopped_on"].to_numpy("datetime64[D]")
    adv_date = appr + rng.integers(15, 76, n) * _DAY
    has_adv = (st != "approved") & (rng.random(n) < 0.75) & ~((st == "stopped") & (adv_date >= stop))
    adv = np.where(has_adv, np.maximum(1, np.floor(sup * rng.uniform(0.3, 0.7, n))), 0).astype(np.int64)
    done = np.isin(st, ["accepted", "finished"])
    total = np.where(rng.random(n) < 0.7, sup, np.floor(sup * rng.uniform(0.85, 1.0, n))).astype(np.int64)
    total = np.maximum(total, adv)
    has_mid = done & (rng.random(n) < 0.35) & (total - adv >= 2)
    mid = np.where(has_mid, np.floor((total - adv) * rng.uniform(0.3, 0.6, n)), 0).astype(np.int64)
    mid_date = np.maximum(adv_date + 20 * _DAY, np.datetime64(f"{year}-07-01") + rng.integers(0, 151, n) * _DAY)
    mid_date = np.where(~np.isnat(fin), np.minimum(mid_date, fin), mid_date)
    has_fin = st == "accepted"
    final = np.where(has_fin, total - adv - mid, 0)
    base = np.where(np.isnat(acc), fin + 60 * _DAY, acc)
    fin_date = base + rng.integers(5, 36, n) * _DAY
    # year-end acceptances are often settled in January, before the 22 January deadline
    slip = (base >= np.datetime64(f"{year}-11-01")) & (base <= np.datetime64(f"{year}-12-31")) & (
        rng.random(n) < np.where(df["slow"].to_numpy(), 0.5, 0.15))
    fin_date = np.where(slip, np.datetime64(f"{year + 1}-01-01") + rng.integers(2, 21, n) * _DAY, fin_date)
    has_ref = (st == "stopped") & has_adv & (rng.random(n) < 0.4)
    ref = -np.floor(adv * rng.uniform(0.5, 1.0, n)).astype(np.int64)
    ref_date = stop + rng.integers(10, 41, n) * _DAY
    key = df["key"].to_numpy()
    parts = [(has_adv, adv, adv_date), (has_mid, mid, mid_date), (has_fin, final, fin_date), (has_ref, ref, ref_date)]
    out = pd.DataFrame({
        "key": np.concatenate([key[m] for m, _, _ in parts]),
        "date": np.concatenate([d[m] for m, _, d in parts]).astype("datetime64[ns]"),
        "amount_m": np.concatenate([a[m] for m, a, _ in parts]).astype(np.int64),
    })
    return out[(out["amount_m"] != 0) & (out["date"] <= SNAPSHOT)]


def _plans(df: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """One plan row per province and source: 93–106 % of the projects' support, calibrated where published."""
    cells = pd.MultiIndex.from_product([np.arange(len(PROVINCES)), [0, 1]], names=["prov", "src"])
    sup = df.groupby(["prov", "src"])["support_m"].sum().reindex(cells, fill_value=0).to_numpy()
    prov = cells.get_level_values(0).to_numpy()
    src = cells.get_level_values(1).to_numpy()
    region = np.array([geo.region_of(p) for p in PROVINCES])[prov]
    approved = np.round(sup * rng.uniform(0.93, 1.06, len(sup))).astype(np.int64)
    calibrated = np.zeros(len(sup), dtype=bool)
    for tgt, mask in ((calibrate.SOUTH_2019, region == "south"),
                      (calibrate.CENTRAL_2024, (region == "central") & (src == 1))):
        if year == tgt.year:
            approved[mask] = calibrate.apportion(tgt.plan_m, sup[mask] * rng.uniform(0.97, 1.05, mask.sum()))
            calibrated |= (region == tgt.region)
    revised = np.round(approved * rng.uniform(0.9, 1.15, len(sup))).astype(np.int64)
    has_rev = ~calibrated & (approved > 0) & (rng.random(len(sup)) < 0.1)
    return pd.DataFrame({
        "year": year, "province": PROVINCES[prov], "source": np.array(SOURCES, dtype=object)[src],
        "approved_vnd": approved * 1_000_000,
        "revised_vnd": int_or_na(revised * 1_000_000, has_rev),
    })


def _calibrate_support(df: pd.DataFrame, mask: np.ndarray, plan_m: int) -> np.ndarray:
    """Scale the support of a calibrated group so that it sits about 1 % under its plan, within caps."""
    new = df["support_m"].to_numpy().copy()
    new[mask] = calibrate.apportion(round(plan_m / 1.01), new[mask].astype(float), df["cap_m"].to_numpy()[mask])
    return np.maximum(new, 1)


def one_year(year: int, seed: int, tr: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = make_rng([seed, year])
    df = _year(year, rng, tr)
    df["key"] = year * 1_000_000 + np.arange(len(df))
    df = _status(df, rng)
    reg = df["region"].to_numpy()
    s19, c24 = calibrate.SOUTH_2019, calibrate.CENTRAL_2024
    if year == s19.year:
        south = reg == "south"
        df = calibrate.calibrate_done(df, south, rng, _PER_EST)
        df["support_m"] = _calibrate_support(df, south, s19.plan_m)
    if year == c24.year:
        cen = (reg == "central") & (df["source"] == "local").to_numpy()
        df["support_m"] = _calibrate_support(df, cen, c24.plan_m)
    ev = _events(df, rng)
    pay = _payments(df, rng)
    for tgt, mask in ((s19, reg == "south"), (c24, (reg == "central") & (df["source"] == "local").to_numpy())):
        if year == tgt.year:
            sub = df[mask].set_index("key")
            d = tgt.as_of
            done = (sub["finished_on"] <= d) | (sub["accepted_on"] <= d)
            pay = calibrate.calibrate_window(
                pay.rename(columns={"key": "project_id"}),
                sub["support_m"],
                done,
                sub.index,
                d,
                tgt.paid_m,
                tgt.advance_share,
            ).rename(columns={"project_id": "key"})
    return df, _plans(df, year, rng), ev, pay
