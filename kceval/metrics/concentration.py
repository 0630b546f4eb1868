"""Concentration and fragmentation ("dàn trải") of support across projects.

Measures of how evenly the money is spread over projects: HHI (and its normalised form and
the effective number of projects 1/HHI), top-k share, Gini with the N/(N−1) small-sample
correction and a percentile bootstrap interval, the Lorenz curve, Theil T with its exact
between/within decomposition; and fragmentation: how much goes to small projects and how many
projects hold 90% of the money.

References: Herfindahl–Hirschman index (e.g. US DoJ/FTC Horizontal Merger Guidelines);
Gini in relative-mean-difference form with the N/(N−1) correction (Deltas 2003, Rev. Econ.
Stat. 85(1)); Theil (1967) decomposition, as implemented by PySAL ``inequality.theil.TheilD``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..checks import check_by
from ..errors import ParameterError
from .intervals import Estimate


def _values(values: Any, name: str = "values") -> np.ndarray:
    """A non-empty 1-d float array of non-negative amounts, or a ParameterError naming ``name``."""
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"`{name}` must be numbers (amounts in VND)") from None
    if v.ndim != 1 or not len(v):
        raise ParameterError(f"`{name}` must be a non-empty 1-d list of amounts; received shape {v.shape}")
    if np.isnan(v).any():
        raise ParameterError(f"`{name}` must not contain missing amounts")
    if (v < 0).any():
        raise ParameterError(f"`{name}` must not contain negative amounts; received {v[v < 0][:3].tolist()}")
    if v.sum() <= 0:
        raise ParameterError(f"`{name}` must have a positive total")
    return v


def _frame(projects: Any, value: str, by: str | Sequence[str] | None,
           name: str = "projects") -> tuple[pd.DataFrame, list[str]]:
    if not isinstance(projects, pd.DataFrame):
        raise ParameterError(f"`{name}` must be a DataFrame; received {type(projects).__name__}")
    if value not in projects.columns:
        raise ParameterError(f"`value` must be a column of `{name}`; received {value!r}")
    cols = check_by(by, [c for c in projects.columns if c != value])
    if not len(projects):
        raise ParameterError(f"`{name}` is an empty selection")
    _values(projects[value], value)
    return projects, cols


# -- one distribution ----------------------------------------------------------------------
def hhi(values: Any) -> dict[str, Any]:
    """Herfindahl–Hirschman index of shares, its normalised form and the effective number.

    H = Σ sᵢ², H* = (H − 1/N)/(1 − 1/N) (None when N = 1), effective number 1/H.

    Examples
    --------
    >>> h = hhi([50, 30, 20])   # 0.25 + 0.09 + 0.04
    >>> round(h["hhi"], 6), round(h["hhi_normalised"], 6), round(h["effective_n"], 4)
    (0.38, 0.07, 2.6316)
    """
    v = _values(values)
    s = v / v.sum()
    h = float((s ** 2).sum())
    n = len(v)
    norm = (h - 1 / n) / (1 - 1 / n) if n > 1 else None
    return {"n": n, "hhi": h, "hhi_normalised": norm, "effective_n": 1 / h}


def top_k_share(values: Any, k: int = 10) -> float:
    """Share of the total held by the ``k`` largest amounts.

    Examples
    --------
    >>> top_k_share([50, 30, 20], k=1)
    0.5
    """
    v = _values(values)
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"`k` must be a positive integer; received {k!r}")
    return float(np.sort(v)[::-1][:k].sum() / v.sum())


def _gini_sorted(x: np.ndarray) -> float:
    n = len(x)
    r = np.arange(1, n + 1)
    return float(2 * (r * x).sum() / (n * x.sum()) - (n + 1) / n)


def gini(values: Any, *, correct: bool = True, ci: bool = True, n_boot: int = 1000, level: float = 0.95,
         seed: int = 0) -> Estimate:
    """Gini coefficient with the N/(N−1) small-sample correction and a bootstrap interval.

    G = Σᵢ(2i − n − 1)x₍ᵢ₎ / (n Σx) over sorted amounts; with ``correct`` G·n/(n−1), so that
    one project holding everything gives 1. The interval is the percentile interval of
    ``n_boot`` resamples, drawn at once (multinomial counts over the sorted amounts, so no
    resample needs sorting); ``seed`` makes it reproducible. Without ``ci`` the interval is
    (nan, nan).

    Examples
    --------
    >>> g = gini([1, 2, 3, 4], ci=False)    # (2·(1+4+9+16)/(4·10) − 5/4)·4/3 = 0.25·4/3
    >>> round(g.estimate, 6)
    0.333333
    """
    v = _values(values)
    n = len(v)
    if n < 2:
        raise ParameterError(f"`values` must hold at least 2 amounts for a Gini; received {n}")
    if not 0 < level < 1:
        raise ParameterError(f"`level` must be between 0 and 1; received {level!r}")
    x = np.sort(v)
    f = n / (n - 1) if correct else 1.0
    g = _gini_sorted(x) * f
    method = "gini" + (" n/(n-1)" if correct else "")
    if not ci:
        return Estimate(g, float("nan"), float("nan"), n, method, level)
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 10:
        raise ParameterError(f"`n_boot` must be an integer ≥ 10; received {n_boot!r}")
    boot = _gini_boot(x, n_boot, np.random.default_rng(seed)) * f
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return Estimate(g, float(lo), float(hi), n, method + f", percentile bootstrap B={n_boot}", level)


def _gini_boot(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Uncorrected Gini of ``n_boot`` resamples of the sorted amounts ``x``, vectorised.

    A resample is a count cᵢ of each sorted value; sorted, value i fills ranks Cᵢ₋₁+1 … Cᵢ,
    whose rank sum is cᵢCᵢ₋₁ + cᵢ(cᵢ+1)/2, so G = 2Σxᵢ·ranksumᵢ/(nΣcᵢxᵢ) − (n+1)/n.
    """
    n = len(x)
    p = np.full(n, 1.0 / n)
    out = np.empty(n_boot)
    step = max(1, 2_000_000 // n)          # blocks of resamples keep memory at ~16 MB per array
    for a in range(0, n_boot, step):
        c = rng.multinomial(n, p, size=min(step, n_boot - a)).astype(float)
        before = np.cumsum(c, axis=1) - c
        ranksum = c * before + c * (c + 1) / 2
        out[a:a + len(c)] = 2 * (ranksum @ x) / (n * (c @ x)) - (n + 1) / n
    return out


def lorenz(values: Any) -> pd.DataFrame:
    """Lorenz curve points: cumulative share of projects (smallest first) and of money, from (0, 0).

    Examples
    --------
    >>> lorenz([3, 1]).to_dict("list")
    {'project_share': [0.0, 0.5, 1.0], 'money_share': [0.0, 0.25, 1.0]}
    """
    v = np.sort(_values(values))
    n = len(v)
    return pd.DataFrame({"project_share": np.arange(n + 1) / n,
                         "money_share": np.concatenate([[0.0], np.cumsum(v) / v.sum()])})


def theil(values: Any) -> float:
    """Theil T index: (1/N) Σ (xᵢ/μ) ln(xᵢ/μ), with 0·ln 0 = 0.

    Examples
    --------
    >>> round(theil([1, 1, 1, 1]), 12), round(theil([0, 0, 0, 4]), 6)   # equal; one holds all: ln 4
    (0.0, 1.386294)
    """
    v = _values(values)
    r = v / v.mean()
    return float(np.where(r > 0, r * np.log(np.where(r > 0, r, 1)), 0).mean())


@dataclass(frozen=True)
class TheilDecomposition:
    """Theil T split exactly into between-group and within-group parts (total = between + within).

    ``groups`` has one row per group: n, money_share sₘ, mean_vnd, theil (Tₘ within the group),
    within (sₘTₘ) and between (sₘ ln(μₘ/μ)) contributions.
    """

    total: float
    between: float
    within: float
    groups: pd.DataFrame

    @property
    def between_share(self) -> float:
        return self.between / self.total if self.total > 0 else float("nan")


def theil_decomposition(
    projects: pd.DataFrame, *, by: str = "province", value: str = "support_vnd"
) -> TheilDecomposition:
    """Exact between/within decomposition of Theil T by a grouping (province, activity…).

    T = Σₘ sₘ ln(μₘ/μ) + Σₘ sₘ Tₘ, with sₘ the group's share of the money.

    Examples
    --------
    >>> p = pd.DataFrame({"activity": ["a", "a", "b"], "support_vnd": [1, 1, 2]})
    >>> d = theil_decomposition(p, by="activity")
    >>> round(d.between + d.within - d.total, 12)
    0.0
    """
    f, cols = _frame(projects, value, by)
    x = f[value].to_numpy(dtype=float)
    mu = x.mean()
    key = [f[c].to_numpy() for c in cols]  # positions, not labels: any index lines up
    xlogx = np.where(x > 0, x * np.log(np.where(x > 0, x, 1)), 0.0)
    g = pd.DataFrame({"n": 1, "sum": x, "xlogx": xlogx}).groupby(key, sort=True).sum()
    g.index.names = cols
    g["mean_vnd"] = g["sum"] / g["n"]
    g["money_share"] = g["sum"] / x.sum()
    # Tₘ = mean(xlogx)/μₘ − ln μₘ, written with sums to stay vectorised
    g["theil"] = g["xlogx"] / g["sum"] - np.log(g["mean_vnd"])
    g["within"] = g["money_share"] * g["theil"]
    g["between"] = g["money_share"] * np.log(g["mean_vnd"] / mu)
    total = theil(x)
    groups = g[["n", "money_share", "mean_vnd", "theil", "within", "between"]].reset_index()
    return TheilDecomposition(total, float(g["between"].sum()), float(g["within"].sum()), groups)


# -- many groups at once ---------------------------------------------------------------------
def concentration(projects: pd.DataFrame, *, by: str | Sequence[str] | None = None, value: str = "support_vnd",
                  top_k: int = 10, within: str | None = None) -> pd.DataFrame:
    """Concentration figures of every group at once (vectorised, no loop over groups).

    Parameters
    ----------
    projects : DataFrame
        One row per project with the amount column ``value``.
    by : str or list of str, optional
        Group columns; None = one row.
    top_k : int
        k of the top-k share.
    within : str, optional
        A column (e.g. activity) for the Theil decomposition inside each group: adds
        theil_between and theil_between_share.

    Returns
    -------
    DataFrame
        ``by`` columns, n_projects, total_vnd, hhi, hhi_normalised, effective_projects,
        top_k_share, gini (N/(N−1)-corrected; NaN for one project), theil [, theil_between,
        theil_between_share].

    Examples
    --------
    >>> p = pd.DataFrame({"province": ["A", "A", "A", "B", "B"], "support_vnd": [50, 30, 20, 1, 1]})
    >>> concentration(p, by="province", top_k=1)[["province", "hhi", "top_k_share"]].to_dict("records")
    [{'province': 'A', 'hhi': 0.38, 'top_k_share': 0.5}, {'province': 'B', 'hhi': 0.5, 'top_k_share': 0.5}]
    """
    f, cols = _frame(projects, value, by)
    if not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ParameterError(f"`top_k` must be a positive integer; received {top_k!r}")
    if within is not None and (within not in f.columns or within in cols):
        raise ParameterError(f"`within` must be a column of `projects` other than `by`; received {within!r}")
    if not cols:
        return _concentration_of_one(f, value, top_k, within)
    key = cols
    x = f[value].to_numpy(dtype=float)
    d = pd.DataFrame({c: f[c].to_numpy() for c in cols})
    d["x"] = x
    d = d.sort_values(key + ["x"], kind="stable")
    g = d.groupby(key, sort=True)
    d["tot"] = g["x"].transform("sum")
    d["n"] = g["x"].transform("size")
    d["rank"] = g.cumcount().to_numpy() + 1                      # ascending rank within group
    d["s2"] = (d["x"] / d["tot"]) ** 2
    d["rx"] = d["rank"] * d["x"]
    d["top"] = np.where(d["n"] - d["rank"] < top_k, d["x"], 0.0)
    r = d["x"] / (d["tot"] / d["n"])
    d["tl"] = np.where(r > 0, r * np.log(np.where(r > 0, r, 1)), 0.0)
    a = d.groupby(key, sort=True).agg(n_projects=("x", "size"), total_vnd=("x", "sum"), hhi=("s2", "sum"),
                                     rx=("rx", "sum"), top=("top", "sum"), tl=("tl", "sum"))
    n = a["n_projects"].astype(float)
    out = pd.DataFrame(index=a.index)
    out["n_projects"] = a["n_projects"]
    out["total_vnd"] = a["total_vnd"].round().astype(np.int64)
    out["hhi"] = a["hhi"]
    out["hhi_normalised"] = ((a["hhi"] - 1 / n) / (1 - 1 / n)).where(n > 1)
    out["effective_projects"] = 1 / a["hhi"]
    out["top_k_share"] = a["top"] / a["total_vnd"]
    out["gini"] = ((2 * a["rx"] / (n * a["total_vnd"]) - (n + 1) / n) * n / (n - 1)).where(n > 1)
    out["theil"] = a["tl"] / n
    if within is not None:
        w = pd.DataFrame({c: f[c].to_numpy() for c in key})
        w["_w"] = f[within].to_numpy()
        w["x"] = x
        sub = w.groupby(key + ["_w"], sort=True)["x"].agg(["sum", "size"])
        tot = sub.groupby(level=key)["sum"].transform("sum")
        cnt = sub.groupby(level=key)["size"].transform("sum")
        s = sub["sum"] / tot
        between = (s * np.log((sub["sum"] / sub["size"]) / (tot / cnt))).groupby(level=key).sum()
        out["theil_between"] = between
        out["theil_between_share"] = (between / out["theil"]).where(out["theil"] > 0)
    return out.reset_index()


def _concentration_of_one(f: pd.DataFrame, value: str, top_k: int, within: str | None) -> pd.DataFrame:
    """:func:`concentration` of one group, as a report's headline asks: the same sums on numpy arrays, without the
    group machinery (7 ms of pandas calls for a province's few hundred projects)."""
    given = f[value].to_numpy(dtype=float)
    x = np.sort(given, kind="stable")
    n, tot = len(x), x.sum()
    rank = np.arange(1, n + 1)
    # nansum: pandas' sums skip NaN (a `within` group of zero money), and the grouped path's figures are the reference
    with np.errstate(divide="ignore", invalid="ignore"):
        r = x / (tot / n)
        hhi = np.nansum((x / tot) ** 2)
        row: dict[str, Any] = {
            "n_projects": n, "total_vnd": round(tot), "hhi": hhi,
            "hhi_normalised": (hhi - 1 / n) / (1 - 1 / n) if n > 1 else np.nan,
            "effective_projects": np.float64(1) / hhi, "top_k_share": x[n - rank < top_k].sum() / tot,
            "gini": (2 * (rank * x).sum() / (n * tot) - (n + 1) / n) * n / (n - 1) if n > 1 else np.nan,
            "theil": np.nansum(np.where(r > 0, r * np.log(np.where(r > 0, r, 1)), 0.0)) / n}
        if within is not None:
            codes = pd.factorize(f[within], sort=True)[0]
            kept = codes >= 0  # as groupby: rows without a `within` value are left out of the decomposition
            sums = np.bincount(codes[kept], weights=given[kept])
            sizes = np.bincount(codes[kept])
            s = sums / sums.sum()
            between = np.nansum(s * np.log((sums / sizes) / (sums.sum() / sizes.sum()))) if kept.any() else np.nan
            row["theil_between"] = between
            row["theil_between_share"] = between / row["theil"] if row["theil"] > 0 else np.nan
    return pd.DataFrame({k: [v] for k, v in row.items()})


def fragmentation(projects: pd.DataFrame, *, by: str | Sequence[str] | None = None,
                  threshold: float | Mapping[str, float] | None = None, reference: pd.DataFrame | None = None,
                  value: str = "support_vnd", share: float = 0.9) -> pd.DataFrame:
    """Fragmentation ("dàn trải") of support in every group.

    Parameters
    ----------
    projects : DataFrame
        One row per project with ``value`` and ``activity``.
    by : str or list of str, optional
        Group columns; None = one row.
    threshold : number, mapping activity -> number, or None
        Size below which a project counts as small. Default: the median ``value`` of the
        project's activity over ``reference`` (the programme-wide projects; default
        ``projects`` itself). A mapping must cover every activity present.
    reference : DataFrame, optional
        Projects the default per-activity medians are taken from.
    share : float
        Share of money for ``projects_for_share`` (default 90%).

    Returns
    -------
    DataFrame
        ``by`` columns, n_projects, total_vnd, mean_vnd, median_vnd, small_project_share,
        small_money_share, projects_for_share (how many of the largest projects reach
        ``share`` of the money), tail_project_share and tail_money_share (the "non-significant
        tail": projects beyond ``share`` of cumulative money, largest first, and below the
        median size of their activity).

    Examples
    --------
    >>> p = pd.DataFrame({"activity": ["a"] * 4, "support_vnd": [70, 20, 6, 4]})
    >>> fragmentation(p)[["small_project_share", "projects_for_share", "tail_project_share"]].to_dict("records")
    [{'small_project_share': 0.5, 'projects_for_share': 2, 'tail_project_share': 0.5}]
    """
    f, cols = _frame(projects, value, by)
    if "activity" not in f.columns:
        raise ParameterError("`projects` must have an activity column")
    if not 0 < share <= 1:
        raise ParameterError(f"`share` must be in (0, 1]; received {share!r}")
    act = f["activity"]
    ref = f if reference is None else _frame(reference, value, None, "reference")[0]
    if "activity" not in ref.columns:
        raise ParameterError("`reference` must have an activity column")
    med_act = act.map(ref.groupby("activity")[value].median())
    if threshold is None:
        thr = med_act
        if thr.isna().any():
            raise ParameterError(f"`reference` has no projects of activity {act[thr.isna()].iloc[0]!r}")
    elif isinstance(threshold, Mapping):
        thr = act.map(dict(threshold))
        if thr.isna().any():
            raise ParameterError(
                f"`threshold` must give a size for every activity; missing {act[thr.isna()].iloc[0]!r}"
            )
    else:
        try:
            thr = pd.Series(float(threshold), index=f.index)
        except (TypeError, ValueError):
            raise ParameterError(
                f"`threshold` must be a number, a mapping activity -> number, or None; received {threshold!r}"
            ) from None
    if (thr < 0).any():
        raise ParameterError("`threshold` must not be negative")
    key = cols or ["_all"]
    x = f[value].to_numpy(dtype=float)
    d = pd.DataFrame({c: f[c].to_numpy() for c in cols}) if cols else pd.DataFrame({"_all": np.zeros(len(f), int)})
    d["x"] = x
    d["small"] = (x < thr.to_numpy(dtype=float)).astype(np.int64)
    # the tail uses the activity median of `reference` whatever the threshold (an activity absent
    # from `reference` has no median, so none of its projects is in the tail)
    d["below_med"] = x < med_act.fillna(-np.inf).to_numpy(dtype=float)
    d = d.sort_values(key + ["x"], ascending=[True] * len(key) + [False], kind="stable")
    g = d.groupby(key, sort=True)
    tot = g["x"].transform("sum")
    before = g["x"].cumsum() - d["x"]
    d["needed"] = (before < share * tot - 1e-9 * tot).astype(np.int64)   # largest first until `share` is reached
    d["tail"] = ((d["needed"] == 0) & d["below_med"]).astype(np.int64)
    d["small_x"] = d["x"] * d["small"]
    d["tail_x"] = d["x"] * d["tail"]
    a = d.groupby(key, sort=True).agg(
        n_projects=("x", "size"),
        total_vnd=("x", "sum"),
        mean_vnd=("x", "mean"),
        median_vnd=("x", "median"),
        small=("small", "sum"),
        small_x=("small_x", "sum"),
        projects_for_share=("needed", "sum"),
        tail=("tail", "sum"),
        tail_x=("tail_x", "sum"),
    )
    out = pd.DataFrame(index=a.index)
    out["n_projects"] = a["n_projects"]
    out["total_vnd"] = a["total_vnd"].round().astype(np.int64)
    out["mean_vnd"] = a["mean_vnd"]
    out["median_vnd"] = a["median_vnd"]
    out["small_project_share"] = a["small"] / a["n_projects"]
    out["small_money_share"] = a["small_x"] / a["total_vnd"]
    out["projects_for_share"] = a["projects_for_share"].astype(np.int64)
    out["tail_project_share"] = a["tail"] / a["n_projects"]
    out["tail_money_share"] = a["tail_x"] / a["total_vnd"]
    out = out.reset_index()
    return out.drop(columns="_all") if not cols else out
