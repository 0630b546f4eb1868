"""Exact integer calibration of the synthetic sample to published regional figures.

The sample of :mod:`kceval.sample` is generated realistically and then adjusted with integer
arithmetic (largest-remainder apportionment) so that the regional totals of DOMAIN.md hold to
the đồng. Money here is in **million VND** (triệu đồng), the unit of provincial sheets; every
published target is a whole number of millions.

Targets (DOMAIN.md, "The source report" and "Published figures"), in :data:`TARGETS`:

* south (20 provinces), 2019: approved plan 85,865 million VND over both sources; payments
  dated ≤ 2019-06-30 for 2019 projects 16,578 million; by 2019-06-30, finished or accepted:
  machinery projects supporting 47 establishments, 1 cleaner-production project, 3 fairs with
  115 participations, 4 brand projects, 3 consulting projects (ARIT seed report, 2019).
* central (15 provinces), 2024: no national money; local plan 52,026 million; local payments
  for 2024 projects dated ≤ 2024-12-31 43,735 million (84.06 %) (vietnam.vn/en/phat-huy-hieu-qua-von-moi-khuyen-cong).
* central after the merger (8 units: the 15 provinces and Bình Thuận, the region assumption of
  :func:`kceval.merger.regions_2025`), 2025: plan national 11,375 and local 49,465 million (60,840);
  payments for 2025 projects dated ≤ 2025-11-30 national 7,775 and local 39,242 million (47,017) (same source).
* south after the merger (8 units: the 20 provinces but Bình Thuận), 2025: payments dated ≤ 2025-09-30
  55,753 million, local 78.7 % (43,878; national 11,875); machinery projects finished or accepted by
  then supporting 7 establishments
  (ven.congthuong.vn/southern-industrial-promotion-overcoming-challenges-toward-sustainable-growth-58120.html).
  The south's 2025 plan is not published: the sample sets its local support to 72,000 million so that
  about 61 % of it is paid by 30 September (a choice, not a figure).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Target:
    """A published regional figure the sample is calibrated to (money in million VND).

    ``basis`` says which regions: ``"region"`` (the 63 provinces' regions) or ``"region_2025"``
    (the 34 units' assumed regions); ``source`` None means both sources. ``plan_m`` is the approved
    plan, ``paid_m`` the payments dated ≤ ``as_of`` for projects of the plan year; ``support_m``
    (not published) sets the projects' support where no plan is known. ``done`` maps an activity to
    (number of projects, or None, a sum to hit, the column of that sum) for the outputs finished or
    accepted by ``as_of``.
    """

    region: str
    year: int
    as_of: np.datetime64
    plan_m: int | None
    paid_m: int | None
    advance_share: float = 0.7
    source: str | None = None
    basis: str = "region"
    support_m: int | None = None
    done: dict[str, tuple[int | None, int | None, str | None]] = field(default_factory=dict)


SOUTH_2019 = Target(
    region="south", year=2019, as_of=np.datetime64("2019-06-30"), plan_m=85_865, paid_m=16_578,
    advance_share=0.7,  # by June, payments are mostly advances
    done={"machinery": (None, 47, "beneficiaries"), "cleaner_production": (1, None, None),
          "fair": (3, 115, "output_count"), "brand": (4, None, None), "consulting": (3, None, None)},
)
CENTRAL_2024 = Target(region="central", year=2024, as_of=np.datetime64("2024-12-31"), plan_m=52_026, paid_m=43_735,
                      advance_share=1.0, source="local")  # the central region had no national projects in 2024
_C25, _S25 = np.datetime64("2025-11-30"), np.datetime64("2025-09-30")
CENTRAL_2025_NATIONAL = Target(region="central", year=2025, as_of=_C25, plan_m=11_375, paid_m=7_775,
                               source="national", basis="region_2025")
CENTRAL_2025_LOCAL = Target(region="central", year=2025, as_of=_C25, plan_m=49_465, paid_m=39_242,
                            source="local", basis="region_2025")
SOUTH_2025 = Target(region="south", year=2025, as_of=_S25, plan_m=None, paid_m=None, basis="region_2025",
                    done={"machinery": (None, 7, "beneficiaries")})
# 55,753 million with the local share 78.7 %: 43,878 local (78.70 %) and 11,875 national
SOUTH_2025_NATIONAL = Target(region="south", year=2025, as_of=_S25, plan_m=None, paid_m=11_875, source="national",
                             basis="region_2025")
SOUTH_2025_LOCAL = Target(region="south", year=2025, as_of=_S25, plan_m=None, paid_m=43_878, source="local",
                          basis="region_2025", support_m=72_000)
TARGETS: tuple[Target, ...] = (SOUTH_2019, CENTRAL_2024, CENTRAL_2025_NATIONAL, CENTRAL_2025_LOCAL, SOUTH_2025,
                               SOUTH_2025_NATIONAL, SOUTH_2025_LOCAL)


def in_target(t: Target, region: np.ndarray, region_2025: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Rows (by their region on the target's basis and their source) a target covers."""
    mask = (region_2025 if t.basis == "region_2025" else region) == t.region
    return mask & (source == t.source) if t.source is not None else mask


def apportion(total: int, weights: Any, caps: Any = None) -> np.ndarray:
    """Split the integer ``total`` in proportion to ``weights`` (largest remainder), respecting ``caps``.

    Parts whose proportional share would exceed their cap are fixed at the cap and the rest is
    shared again among the others (water-filling), so the parts always sum exactly to ``total``.

    Examples
    --------
    >>> apportion(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    >>> apportion(10, [1, 1, 8], caps=[10, 10, 5]).tolist()
    [3, 2, 5]
    """
    w = np.asarray(weights, dtype=float)
    n = len(w)
    total = int(total)
    caps = np.full(n, max(total, 0), dtype=np.int64) if caps is None else np.asarray(caps, dtype=np.int64)
    if caps.sum() < total:
        raise ValueError(f"cannot apportion {total} within caps summing to {int(caps.sum())}")
    if n == 0:
        if total:
            raise ValueError("cannot apportion a non-zero total over no parts")
        return np.zeros(0, dtype=np.int64)
    if w.sum() <= 0:
        w = np.ones(n)
    out = np.zeros(n, dtype=np.int64)
    free = np.ones(n, dtype=bool)
    remaining = total
    while True:  # at most n rounds; each round fixes at least one part at its cap
        ww = np.where(free, w, 0.0)
        if ww.sum() <= 0:
            ww = free.astype(float)
        quota = remaining * ww / ww.sum()
        over = free & (quota > caps)
        if not over.any():
            break
        out[over] = caps[over]
        remaining -= int(caps[over].sum())
        free &= ~over
    base = np.floor(quota[free]).astype(np.int64)
    rest = remaining - int(base.sum())
    frac = quota[free] - base
    order = np.lexsort((np.arange(len(base)), -frac))  # ties by position, so no dependence on anything else
    base[order[:rest]] += 1
    out[free] = base
    return out


def apportion_groups(totals: np.ndarray, group: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder split of ``totals[g]`` over the rows of each group ``g`` (vectorised).

    Groups whose weights sum to zero are split equally.

    Examples
    --------
    >>> apportion_groups(np.array([10, 5]), np.array([0, 0, 1]), np.array([1.0, 3.0, 2.0])).tolist()
    [3, 7, 5]
    """
    totals = np.asarray(totals, dtype=np.int64)
    group = np.asarray(group, dtype=np.int64)
    w = np.asarray(weights, dtype=float).copy()
    ng = len(totals)
    wsum = np.bincount(group, weights=w, minlength=ng)
    zero = wsum[group] <= 0
    w[zero] = 1.0
    wsum = np.bincount(group, weights=w, minlength=ng)
    quota = totals[group] * w / wsum[group]
    base = np.floor(quota).astype(np.int64)
    rest = totals - np.bincount(group, weights=base, minlength=ng).round().astype(np.int64)
    order = np.lexsort((np.arange(len(w)), -(quota - base), group))
    starts = np.searchsorted(group[order], np.arange(ng))
    pos = np.arange(len(w)) - starts[group[order]]
    base[order[pos < rest[group[order]]]] += 1
    return base


def _shift_done(pr: pd.DataFrame, pick: np.ndarray, drop: np.ndarray, d: np.datetime64,
                rng: np.random.Generator) -> None:
    """Make ``pick`` rows finished by ``d`` and ``drop`` rows finished after ``d`` (in place on a copy)."""
    day = np.timedelta64(1, "D")
    if pick.any():
        fin = pr.loc[pick, "finished_on"].to_numpy("datetime64[D]")
        appr = pr.loc[pick, "approved_on"].to_numpy("datetime64[D]")
        early = d - rng.integers(3, 25, pick.sum()) * day
        new = np.where(fin <= d, fin, np.maximum(early, appr + 20 * day))
        pr.loc[pick, "finished_on"] = new.astype("datetime64[ns]")
        acc = pr.loc[pick, "accepted_on"].to_numpy("datetime64[D]")
        lag = rng.integers(5, 30, pick.sum()) * day
        pr.loc[pick, "accepted_on"] = np.where(np.isnat(acc), acc, new + lag).astype("datetime64[ns]")
    if drop.any():
        new = d + rng.integers(5, 60, drop.sum()) * day
        pr.loc[drop, "finished_on"] = new.astype("datetime64[ns]")
        acc = pr.loc[drop, "accepted_on"].to_numpy("datetime64[D]")
        lag = rng.integers(7, 40, drop.sum()) * day
        pr.loc[drop, "accepted_on"] = np.where(np.isnat(acc), acc, new + lag).astype("datetime64[ns]")


def calibrate_done(pr: pd.DataFrame, in_group: np.ndarray, rng: np.random.Generator,
                   caps_m: dict[str, int], target: Target = SOUTH_2019) -> pd.DataFrame:
    """Make the outputs done by ``target.as_of`` match the target exactly (south 2019: the seed report).

    For each activity the earliest-approved eligible projects are made finished by the date and
    every other one finished after it; machinery beneficiaries and fair participations are then
    set so their sums are exact. Money columns are in millions and re-capped per establishment.
    """
    pr = pr.copy()
    d = target.as_of
    appr = pr["approved_on"].to_numpy("datetime64[D]")
    ok = in_group & pr["status"].isin(["accepted", "finished"]).to_numpy() & pr["finished_on"].notna().to_numpy()
    for act, (count, total, col) in target.done.items():
        is_act = in_group & (pr["activity"] == act).to_numpy()
        cand = np.flatnonzero(is_act & ok & (appr <= d - np.timedelta64(45, "D")))
        cand = cand[np.lexsort((cand, appr[cand]))]
        if count is None:  # machinery: enough projects to reach the beneficiary total
            assert total is not None and col is not None
            cum = np.cumsum(pr[col].to_numpy()[cand])
            count = int(np.searchsorted(cum, total) + 1)
        if len(cand) < count:
            raise ValueError(f"too few eligible {act} projects in the {target.region} in {target.year} to calibrate")
        chosen = np.zeros(len(pr), dtype=bool)
        chosen[cand[:count]] = True
        fin = pr["finished_on"].to_numpy("datetime64[D]")
        acc = pr["accepted_on"].to_numpy("datetime64[D]")
        done = (~np.isnat(fin) & (fin <= d)) | (~np.isnat(acc) & (acc <= d))
        _shift_done(pr, chosen, is_act & done & ~chosen, d, rng)
        idx = cand[:count]
        if act == "machinery":
            assert total is not None and col is not None  # a sum of beneficiaries to hit
            b = pr[col].to_numpy().copy()
            b[idx[-1]] = total - int(b[idx[:-1]].sum())
            pr[col] = b
            pr.loc[idx[-1], "output_count"] = max(int(b[idx[-1]]), int(pr.at[idx[-1], "output_count"]))
        elif act == "fair":
            assert total is not None and col is not None  # a sum of participations to hit
            parts = apportion(total - count, pr.loc[idx, col].to_numpy(dtype=float)) + 1
            pr.loc[idx, col] = parts
            pr.loc[idx, "beneficiaries"] = parts
        elif act == "brand":
            pr.loc[idx, ["beneficiaries", "output_count"]] = 1
        per_est = caps_m.get(act)
        if per_est is not None:
            cap = (per_est * pr.loc[idx, "beneficiaries"].to_numpy()).astype(np.int64)
            pr.loc[idx, "support_m"] = np.minimum(pr.loc[idx, "support_m"].to_numpy(), cap)
            pr.loc[idx, "cap_m"] = np.minimum(pr.loc[idx, "cap_m"].to_numpy(), cap)
    return pr


def calibrate_window(pay: pd.DataFrame, sup_m: pd.Series, fin_by_d: pd.Series, ids: pd.Index,
                     end: np.datetime64, target_m: int, advance_share: float = 0.7) -> pd.DataFrame:
    """Rescale the positive payments of projects ``ids`` dated ≤ ``end`` to total ``target_m`` exactly.

    Per project, the payments in the window stay ≤ ``advance_share`` of its support, or ≤ its
    support once it finished by ``end``; a lone payment (the advance) never grows above 70 %.
    A project's increase goes to its last payment in the window, so that advances stay ≤ 70 %
    (Circular 36/2013); a decrease shrinks its payments in proportion. The payments after
    ``end`` absorb the change, keeping each project's total ≤ its support.
    """
    pay = pay.copy()
    dates = pay["date"].to_numpy("datetime64[D]")
    mine = pay["project_id"].isin(ids).to_numpy()
    pos = mine & (pay["amount_m"] > 0).to_numpy()
    win = pos & (dates <= end)
    out = pos & ~win
    # refunds in the window count towards the target but are left as they are
    refunds = int(pay.loc[mine & (pay["amount_m"] < 0).to_numpy() & (dates <= end), "amount_m"].sum())
    g = pay.loc[win].groupby("project_id", sort=True)["amount_m"]
    h, k = g.sum(), g.size()
    o = pay.loc[out].groupby("project_id", sort=True)["amount_m"].sum().reindex(h.index, fill_value=0)
    s = sup_m.reindex(h.index).to_numpy()
    fin = fin_by_d.reindex(h.index).fillna(False).to_numpy(dtype=bool)
    seven = np.floor(0.7 * s)
    cap = np.where(k.to_numpy() > 1, np.where(fin, s, np.floor(advance_share * s)),
                   np.where(fin, np.maximum(seven, h.to_numpy()), seven)).astype(np.int64)
    new_h = pd.Series(apportion(target_m - refunds, h.to_numpy(dtype=float), cap), index=h.index)
    delta = new_h - h
    new_o = np.clip(o - delta, 0, s - new_h).where(o > 0, 0)
    # payments in the window: decreases in proportion, increases on the last payment
    sub = pay.loc[win].sort_values(["project_id", "date"], kind="mergesort")
    d_row = sub["project_id"].map(delta).to_numpy()
    amounts = sub["amount_m"].to_numpy().copy()
    down = d_row < 0
    if down.any():
        codes, uniq = pd.factorize(sub.loc[down, "project_id"], sort=True)
        amounts[down] = apportion_groups(new_h.reindex(uniq).to_numpy(dtype=np.int64), codes,
                                         sub.loc[down, "amount_m"].to_numpy(dtype=float))
    last = ~sub["project_id"].duplicated(keep="last").to_numpy() & (d_row > 0)
    amounts[last] += d_row[last]
    pay.loc[sub.index, "amount_m"] = amounts
    # payments after the window
    sub = pay.loc[out]
    codes, uniq = pd.factorize(sub["project_id"], sort=True)
    pay.loc[out, "amount_m"] = apportion_groups(new_o.reindex(uniq).fillna(0).to_numpy(dtype=np.int64), codes,
                                                sub["amount_m"].to_numpy(dtype=float))
    return pay[pay["amount_m"] != 0]
