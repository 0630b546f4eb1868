"""The covariates of the risk and Cox models: model frame, formula, design matrix, and the events-per-parameter rule.

Shared by the logistic risk model (:mod:`kceval.metrics.risk`) and the Cox model of time to
acceptance (:mod:`kceval.metrics.survival`); the choices (median-imputed counterpart share with
a missing indicator, sparse activities merged into ``other``, constant covariates left out,
the refusal rule) are documented in :mod:`kceval.metrics.risk`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..checks import to_date
from ..errors import ParameterError, TooFewEvents
from .feasibility import problem_flags

MIN_EVENTS = 10
EVENTS_PER_PARAMETER = 10
# A project's outcome is a problem within this many days of approval: a project is planned within
# its plan year (Circular 36/2013), so a year covers its implementation (a later extension is
# itself a problem within the year). 99% of the sample's first problems come within 226 days.
HORIZON_DAYS = 365
PROBLEM_KINDS = ("stop", "adjustment", "extension")


def problem_within(projects: pd.DataFrame, events: pd.DataFrame, *, as_of: Any,
                   horizon_days: int = HORIZON_DAYS) -> pd.DataFrame:
    """The fixed-horizon outcome: a problem within ``horizon_days`` of approval, for the projects
    followed up that long.

    A project is *eligible* when approved_on + horizon ≤ ``as_of``: every eligible project has
    been watched for the same time, so a project approved late is never "safer" only because
    less time has passed (the bias of counting problems up to the as-of date). Its outcome is 1
    when a stop, adjustment or extension event, or its stop date, falls within the horizon; a
    stop known only from the status (no date) counts as a problem.

    Returns
    -------
    DataFrame
        ``project_id``, ``eligible`` (bool) and ``problem`` (0/1; 0 when not eligible), aligned
        with ``projects`` (same index).

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "status": ["accepted", "accepted"],
    ...                   "approved_on": pd.to_datetime(["2018-03-01", "2019-03-01"])})
    >>> e = pd.DataFrame({"project_id": ["A"], "kind": ["extension"], "date": pd.to_datetime(["2018-09-01"])})
    >>> problem_within(p, e, as_of="2019-06-30")[["eligible", "problem"]].values.tolist()
    [[True, 1], [False, 0]]
    """
    if not isinstance(horizon_days, (int, np.integer)) or horizon_days < 1:
        raise ParameterError(f"`horizon_days` must be a positive number of days such as 365; received {horizon_days!r}")
    d = to_date("as_of", as_of)
    horizon = np.timedelta64(int(horizon_days), "D")
    ends = projects["approved_on"] + horizon
    ev = events[events["kind"].isin(PROBLEM_KINDS)]
    ids = pd.Index(projects["project_id"])
    dates = ev["date"].to_numpy() if len(ev) else np.array([], dtype="datetime64[ns]")
    if not len(ev):
        first_event = np.full(len(projects), np.datetime64("NaT"), dtype=dates.dtype)
    elif ids.is_unique and dates.dtype.kind == "M":
        # one hash lookup per event, not a groupby of every event's id and a map back
        pos = ids.get_indexer(ev["project_id"])
        first_event = np.full(len(projects), np.datetime64("NaT"), dtype=dates.dtype)
        np.fmin.at(first_event, pos[pos >= 0], dates[pos >= 0])  # fmin: an undated event is no problem date
    else:
        first_event = projects["project_id"].map(ev.groupby("project_id")["date"].min()).to_numpy()
    stopped_on = projects["stopped_on"] if "stopped_on" in projects.columns else pd.Series(pd.NaT, index=projects.index)
    undated_stop = (projects["status"] == "stopped") & stopped_on.isna() if "status" in projects.columns else False
    eligible = (ends <= d).to_numpy()
    hit = (first_event <= ends.to_numpy()) | ((stopped_on <= ends) | undated_stop).to_numpy()
    return pd.DataFrame({"project_id": projects["project_id"].to_numpy(), "eligible": eligible,
                         "problem": (eligible & hit).astype(np.int64)}, index=projects.index)


def design(projects: pd.DataFrame, events: pd.DataFrame, *, min_level: int = 5, as_of: Any = None,
           horizon_days: int = HORIZON_DAYS) -> pd.DataFrame:
    """Model frame: one row per project with the outcome ``problem`` (0/1) and the covariates.

    With ``as_of``, the rows are the projects followed up for ``horizon_days`` and the outcome is
    a problem within that horizon (:func:`problem_within`: the risk model); without it, every
    project with any problem in the tables given (the covariates of the Cox model, whose outcome
    is a time).

    Columns: ``project_id, province, problem, log_support, activity, source, pilot,
    counterpart_share, cs_missing, approval_month``.

    Examples
    --------
    >>> p = pd.DataFrame({"project_id": ["A"], "province": ["X"], "status": ["accepted"], "activity": ["fair"],
    ...     "source": ["local"], "pilot": [False], "support_vnd": [100], "counterpart_vnd": [300],
    ...     "approved_on": pd.to_datetime(["2019-03-01"])})
    >>> d = design(p, pd.DataFrame({"project_id": [], "kind": []}))
    >>> float(d["counterpart_share"].iloc[0]), int(d["approval_month"].iloc[0])
    (0.75, 3)
    """
    need = {"project_id", "province", "activity", "source", "support_vnd", "approved_on"}
    if not isinstance(projects, pd.DataFrame) or not need <= set(projects.columns):
        raise ParameterError(f"`projects` must be a projects table with columns {sorted(need)}")
    if as_of is not None:
        w = problem_within(projects, events, as_of=as_of, horizon_days=horizon_days)
        projects, problem = projects[w["eligible"].to_numpy()], w.loc[w["eligible"], "problem"].to_numpy()
    else:
        problem = problem_flags(projects, events)["problem"].to_numpy().astype(np.int64)
    sup = projects["support_vnd"].to_numpy(dtype=float)
    if "counterpart_vnd" in projects.columns:
        cp = pd.to_numeric(projects["counterpart_vnd"], errors="coerce").astype(float).to_numpy()
    else:
        cp = np.full(len(projects), np.nan)
    share = cp / (cp + sup)
    miss = ~np.isfinite(share)
    med = np.nanmedian(share) if (~miss).any() else 0.0
    pilot = projects["pilot"].astype(bool).to_numpy() if "pilot" in projects.columns else np.zeros(len(projects), bool)
    out = pd.DataFrame({
        "project_id": projects["project_id"].to_numpy(),
        "province": projects["province"].to_numpy(),
        "problem": problem,
        "log_support": np.log(sup),
        "activity": projects["activity"].astype(str).to_numpy(),
        "source": projects["source"].astype(str).to_numpy(),
        "pilot": pilot.astype(np.int64),
        "counterpart_share": np.where(miss, med, share),
        "cs_missing": miss.astype(np.int64),
        "approval_month": projects["approved_on"].dt.month.to_numpy(),
    })
    # merge sparse activities: a level with (almost) no events, or no non-events, separates perfectly
    g = out.groupby("activity")["problem"].agg(["sum", "size"])
    sparse = g.index[(g["sum"] < min_level) | (g["size"] - g["sum"] < min_level)]
    out.loc[out["activity"].isin(sparse), "activity"] = "other"
    return out


def _terms(frame: pd.DataFrame) -> list[tuple[str, str, list[str] | None]]:
    """The covariates in formula order: ``(term, column, levels)``, ``levels`` the dummy-coded levels
    of a categorical term (its reference left out) and ``None`` for a numeric one.

    Constant covariates are left out (see module notes); the most common activity is the reference,
    ``local`` the reference source when present (else the first level, as patsy's ``C()``).
    """
    terms: list[tuple[str, str, list[str] | None]] = [("log_support", "log_support", None)]
    acts = frame["activity"].value_counts()
    if len(acts) > 1:
        ref = acts.index[0]
        terms.append((f"C(activity, Treatment(reference={ref!r}))", "activity", sorted(set(acts.index) - {ref})))
    sources = sorted(frame["source"].unique())
    if len(sources) > 1:
        local = "local" in sources
        ref = "local" if local else sources[0]
        term = "C(source, Treatment(reference='local'))" if local else "C(source)"
        terms.append((term, "source", [s for s in sources if s != ref]))
    terms.extend((c, c, None) for c in ("pilot", "counterpart_share", "cs_missing", "approval_month")
                 if frame[c].nunique() > 1)
    return terms


def formula_for(frame: pd.DataFrame, outcome: str = "problem") -> tuple[str, int]:
    """The model formula, leaving out constant covariates (see module notes), and its number of
    parameters besides the intercept.

    Examples
    --------
    >>> f = pd.DataFrame({"activity": ["fair", "fair"], "source": ["local"] * 2, "pilot": [0, 1],
    ...                   "counterpart_share": [0.5, 0.5], "cs_missing": [0, 0], "approval_month": [3, 3]})
    >>> formula_for(f)
    ('problem ~ log_support + pilot', 2)
    """
    terms = _terms(frame)
    k = sum(1 if levels is None else len(levels) for _, _, levels in terms)
    return f"{outcome} ~ " + " + ".join(t for t, _, _ in terms), k


def model_matrix(frame: pd.DataFrame, *, intercept: bool = True) -> tuple[np.ndarray, list[str]]:
    """The design matrix of :func:`formula_for`'s formula, built directly (float64, C order).

    The same columns, names and order as patsy's (statsmodels' formulas): the intercept, then the
    categorical terms' treatment dummies (levels sorted, the reference left out), then the numeric
    terms in formula order. patsy's per-value type sniffing cost ~1 s per model on 140k projects;
    its matrix is pinned to this one in the tests.

    Parameters
    ----------
    frame : DataFrame
        :func:`design` output.
    intercept : bool
        Include the ``Intercept`` column (not for a Cox model, whose baseline hazard absorbs it).

    Returns
    -------
    (ndarray, list of str)
        One row per row of ``frame``; the column names.

    Examples
    --------
    >>> f = pd.DataFrame({"log_support": [1.0, 2.0, 3.0], "activity": ["fair", "fair", "training"],
    ...     "source": ["local"] * 3, "pilot": [0, 0, 0], "counterpart_share": [0.5, 0.4, 0.5],
    ...     "cs_missing": [0, 0, 0], "approval_month": [3, 3, 3]})
    >>> x, names = model_matrix(f)
    >>> names
    ['Intercept', "C(activity, Treatment(reference='fair'))[T.training]", 'log_support', 'counterpart_share']
    >>> x[2].tolist()
    [1.0, 1.0, 3.0, 0.5]
    """
    terms = _terms(frame)
    names, cols = (["Intercept"], [np.ones(len(frame))]) if intercept else ([], [])
    for term, col, levels in terms:  # patsy puts terms without numeric factors first
        if levels is not None:
            v = frame[col].to_numpy()
            names += [f"{term}[T.{lv}]" for lv in levels]
            cols += [(v == lv).astype(float) for lv in levels]
    for term, col, levels in terms:
        if levels is None:
            names.append(term)
            cols.append(frame[col].to_numpy(dtype=float))
    x = np.column_stack(cols) if cols else np.empty((len(frame), 0))
    return x, names


def check_events(n_events: int, n: int, n_params: int, *, survival: bool = False) -> None:
    """Raise KcevalError unless the events-per-parameter rule holds (see module notes).

    With ``survival=True`` (Cox model) only the events count: ≥ 10 events and ≥ 10 per parameter;
    censored projects are not a second outcome class.

    Examples
    --------
    >>> check_events(120, 1000, 12)        # 120 ≥ 10 × 12: fine
    >>> check_events(50, 1000, 12)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kceval.errors.TooFewEvents: too few events to fit the model: 50 events and 950 non-events for 12 ...
    """
    rare = n_events if survival else min(n_events, n - n_events)
    few_other = False if survival else n - n_events < MIN_EVENTS
    if n_events < MIN_EVENTS or few_other or rare < EVENTS_PER_PARAMETER * n_params:
        what = (f"{n_events} events for {n_params} parameters; the rule is ≥ {MIN_EVENTS} events and ≥ "
                f"{EVENTS_PER_PARAMETER} events per parameter" if survival else
                f"{n_events} events and {n - n_events} non-events for {n_params} parameters; the rule is ≥ "
                f"{MIN_EVENTS} of each and ≥ {EVENTS_PER_PARAMETER} of the rarer outcome per parameter")
        raise TooFewEvents(f"too few events to fit the model: {what} (≥ {EVENTS_PER_PARAMETER * n_params} here). "
                           "Widen the selection (more years or provinces).", n_events=n_events,
                           n_other=n - n_events, n_params=n_params, needed=EVENTS_PER_PARAMETER * n_params)


