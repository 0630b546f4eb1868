"""Synthetic project lifecycles: the province-year generator behind :mod:`kceval.sample.generate`.

Province traits (fragmented, troubled, late, slow payers) and the life of each project:
statuses as reported at :data:`SNAPSHOT`, dated events and payments (advance ≤ 70 %, interim
payments in Q3–Q4, settlement after acceptance, some in January before the 22nd, refunds of
stopped projects). Money is in million VND until :func:`kceval.sample.generate.generate` converts it.
Randomness comes only from the ``numpy`` PCG64 generators passed in.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .. import geo, merger
from ..schema import ACTIVITIES, SOURCES
from . import calibrate
from .vocab import ACTIVITY_MIX, DURATION, MIX_NATIONAL, NAMES, PER_EST, SIZE_M

DATE_DTYPE = "datetime64[ns]"
PROVINCES = np.array(geo.PROVINCE_NAMES, dtype=object)
GSO_CODES = np.array([geo.code_of(p) for p in geo.PROVINCE_NAMES])


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


# --- the calibrated sample ------------------------------------------------------------------
SNAPSHOT = np.datetime64("2026-11-30")  # the sample is "as reported" at the end of November 2026
SNAPSHOT_YEAR = 2026
MERGER = np.datetime64(merger.MERGER_DATE)
# each old province's unit of 2025, as a province name (the unit's namesake; Huế is Thừa Thiên Huế), its
# code (ids of projects approved after the merger) and the region a unit is assumed to be in
UNIT_OF = np.array([geo.match_province(merger.unit_2025_of(p)) for p in PROVINCES], dtype=object)
_CODES_2025 = dict(zip(merger.units_2025()["unit"].map(geo.match_province), merger.units_2025()["code"]))
UNIT_CODE = np.array([_CODES_2025[u] for u in UNIT_OF], dtype=object)
REGION_2025 = np.array([merger.region_2025_of(merger.unit_2025_of(p)) for p in PROVINCES], dtype=object)


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
    p_nat = np.array([MIX_NATIONAL[a] for a in acts])
    p_loc = np.array([ACTIVITY_MIX[a] for a in acts])
    a_nat, a_loc = rng.choice(len(acts), n, p=p_nat / p_nat.sum()), rng.choice(len(acts), n, p=p_loc / p_loc.sum())
    act = np.where(src == 0, a_nat, a_loc)
    aname = np.array(acts, dtype=object)[act]
    group = (rng.random(n) < 0.05) & np.isin(aname, ["machinery", "demonstration", "consulting", "brand"])
    benef = rng.choice([1, 1, 1, 1, 1, 1, 1, 2, 2, 3], n)
    benef = np.where(group, rng.integers(3, 7, n), benef)
    part = rng.integers(10, 61, n)  # fair participations
    benef = np.where(aname == "fair", part, np.where(aname == "demonstration", 1, benef))
    lo = np.array([SIZE_M[a][0] for a in acts])[act]
    hi = np.array([SIZE_M[a][1] for a in acts], dtype=float)[act]
    hi = np.where((aname == "demonstration") & (year >= 2019), 1000.0, hi)  # TT 28/2018/TT-BTC raised the cap
    per_est = np.isin(aname, list(PER_EST))
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
    dlo = np.array([DURATION.get(a, (90, 210))[0] for a in acts])[act]
    dhi = np.array([DURATION.get(a, (90, 210))[1] for a in acts])[act]
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
    not_started = ~stopped & ~suspended & (year == SNAPSHOT_YEAR) & (rng.random(n) < 0.02)
    stop_on = approved + rng.integers(30, 120, n) * day
    out = pd.DataFrame(
        {
            "year": year,
            "prov": p,
            "province": PROVINCES[p],
            "region": region[p],
            "region_2025": REGION_2025[p],
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
    out = pd.DataFrame({
        "key": np.concatenate(key), "date": np.concatenate(date).astype("datetime64[ns]"), "kind": np.concatenate(kind),
        "new_planned_end": np.concatenate(end).astype("datetime64[ns]"),
        "new_support_vnd": int_or_na(nsup_a, nsup_a > 0),
        "note": np.concatenate(note),
    })
    return out[out["date"] <= SNAPSHOT]  # an extension or adjustment of the year in progress may not have happened yet


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
    """One plan row per province (per unit of 2025 from 2026) and source: 93–106 % of the projects' support,
    calibrated where published."""
    cells = pd.MultiIndex.from_product([np.arange(len(PROVINCES)), [0, 1]], names=["prov", "src"])
    sup = df.groupby(["prov", "src"])["support_m"].sum().reindex(cells, fill_value=0).to_numpy()
    prov = cells.get_level_values(0).to_numpy()
    src = cells.get_level_values(1).to_numpy()
    place = PROVINCES[prov]
    if year > MERGER.astype(object).year:  # plans approved after the merger: one per unit of 2025
        unit = pd.DataFrame({"unit": UNIT_OF[prov], "src": src, "sup": sup, "prov": prov})
        unit = unit.groupby(["unit", "src"], sort=False).agg(sup=("sup", "sum"), prov=("prov", "first")).reset_index()
        sup, src, prov, place = (unit["sup"].to_numpy(), unit["src"].to_numpy(), unit["prov"].to_numpy(),
                                 unit["unit"].to_numpy())
    region = np.array([geo.region_of(p) for p in PROVINCES])[prov]
    approved = np.round(sup * rng.uniform(0.93, 1.06, len(sup))).astype(np.int64)
    calibrated = np.zeros(len(sup), dtype=bool)
    source = np.array(SOURCES, dtype=object)[src]
    for tgt in calibrate.TARGETS:
        if year == tgt.year and tgt.plan_m is not None:
            mask = calibrate.in_target(tgt, region, REGION_2025[prov], source)
            approved[mask] = calibrate.apportion(tgt.plan_m, sup[mask] * rng.uniform(0.97, 1.05, mask.sum()))
            calibrated |= calibrate.in_target(replace(tgt, source=None), region, REGION_2025[prov], source)
    revised = np.round(approved * rng.uniform(0.9, 1.15, len(sup))).astype(np.int64)
    has_rev = ~calibrated & (approved > 0) & (rng.random(len(sup)) < 0.1)
    return pd.DataFrame({
        "year": year, "province": place, "source": source,
        "approved_vnd": approved * 1_000_000,
        "revised_vnd": int_or_na(revised * 1_000_000, has_rev),
    })


def _calibrate_support(df: pd.DataFrame, mask: np.ndarray, total_m: int) -> np.ndarray:
    """Scale the support of a calibrated group to ``total_m`` within caps."""
    new = df["support_m"].to_numpy().copy()
    new[mask] = calibrate.apportion(total_m, new[mask].astype(float), df["cap_m"].to_numpy()[mask])
    return np.maximum(new, 1)


def _after_merger(df: pd.DataFrame, year: int, seed: int) -> pd.DataFrame:
    """Projects approved from the merger on are the new units': in 2025 a second round of local projects
    approved in July–September (its own generator, so the other years' draws do not change), and the
    whole of later years. Their province is the unit of 2025 (as its namesake province)."""
    df = df.copy()
    if year == MERGER.astype(object).year:
        rng = make_rng([seed, year, 2025])
        n = len(df)
        late = (df["src"] == 1).to_numpy() & (rng.random(n) < 0.1)
        appr = df["approved_on"].to_numpy("datetime64[D]")
        new = np.where(late, MERGER + rng.integers(0, 92, n) * _DAY, appr)
        dec15 = np.datetime64(f"{year}-12-15")
        plan = df["planned_end"].to_numpy("datetime64[D]")
        new_plan = np.maximum(np.minimum(new + (plan - appr), dec15), new + 30 * _DAY)
        fin = df["finished_on"].to_numpy("datetime64[D]")
        new_fin = np.maximum(new_plan + (fin - plan), new + 20 * _DAY)
        acc = df["accepted_on"].to_numpy("datetime64[D]")
        stop = df["stopped_on"].to_numpy("datetime64[D]")
        df["approved_on"] = new.astype(DATE_DTYPE)
        df["planned_end"] = new_plan.astype(DATE_DTYPE)
        df["finished_on"] = new_fin.astype(DATE_DTYPE)
        df["accepted_on"] = (new_fin + (acc - fin)).astype(DATE_DTYPE)
        df["stopped_on"] = (new + (stop - appr)).astype(DATE_DTYPE)
    post = (df["approved_on"] >= MERGER).to_numpy()
    df["province"] = np.where(post, UNIT_OF[df["prov"].to_numpy()], df["province"].to_numpy())
    df["code"] = np.where(post, UNIT_CODE[df["prov"].to_numpy()], GSO_CODES[df["prov"].to_numpy()])
    return df


def one_year(year: int, seed: int, tr: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Projects, plans, events and payments of one plan year (money in million VND), calibrated."""
    rng = make_rng([seed, year])
    df = _after_merger(_year(year, rng, tr), year, seed)
    df["key"] = year * 1_000_000 + np.arange(len(df))
    df = _status(df, rng)
    targets = [t for t in calibrate.TARGETS if t.year == year]
    reg, reg25, src = df["region"].to_numpy(), df["region_2025"].to_numpy(), df["source"].to_numpy()
    for t in targets:
        mask = calibrate.in_target(t, reg, reg25, src)
        if t.done:
            df = calibrate.calibrate_done(df, mask, rng, PER_EST, t)
        if t.plan_m is not None:  # support about 1 % under the plan
            df["support_m"] = _calibrate_support(df, mask, round(t.plan_m / 1.01))
        elif t.support_m is not None:
            df["support_m"] = _calibrate_support(df, mask, t.support_m)
    ev = _events(df, rng)
    pay = _payments(df, rng)
    for t in targets:
        if t.paid_m is None:
            continue
        sub = df[calibrate.in_target(t, reg, reg25, src)].set_index("key")
        done = (sub["finished_on"] <= t.as_of) | (sub["accepted_on"] <= t.as_of)
        pay = calibrate.calibrate_window(pay.rename(columns={"key": "project_id"}), sub["support_m"], done,
                                         sub.index, t.as_of, t.paid_m, t.advance_share
                                         ).rename(columns={"project_id": "key"})
    return df, _plans(df, year, rng), ev, pay
