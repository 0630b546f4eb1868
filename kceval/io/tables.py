"""Canonical rows from the parsed columns of one sheet: projects (with the events and payments
their cells imply), plans and payments, each row with its origin.

Called by :mod:`kceval.io.importer` once the columns are parsed and the sheet is checked; rows
with an error (:class:`~kceval.io.problems.Recorder`) are left out here, and listed there.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..schema import TABLES, coerce_table, columns
from .cells import empty_cells, join_text, text_array
from .grid import Grid, Layout, Part
from .ids import project_ids
from .problems import Recorder
from .sections import Place

AS_OF_NOTE = "date not given in the sheet; as-of date used"
TABLE_COLUMNS = {t: set(columns(t)) for t in TABLES}
CANONICAL = {"plans": {"approved": "approved_vnd", "revised": "revised_vnd"}, "payments": {"amount": "amount_vnd"}}


def _ints(s: pd.Series) -> pd.Series:
    """Parsed whole numbers (Python ints and None) as nullable integers, without a list of a million ints."""
    return pd.Series(pd.array(s.to_numpy(dtype=object), dtype="Int64"), index=s.index)


def _objects(s: pd.Series) -> pd.Series:
    """``s`` as an object column, not copied when it is one already (a million-row column is 8 MB a copy)."""
    return s if s.dtype == object else s.astype(object)


def _dates(s: pd.Series | None, index: pd.Index) -> pd.Series:
    if s is None:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.to_datetime(s.map(lambda w: None if w is None else getattr(w, "date", w))).astype("datetime64[ns]")


def origins(g: Grid, lay: Layout, table: str, rows: pd.Index, extra: dict[str, str] | None = None) -> pd.DataFrame:
    """File, sheet, row and ``header:<column>`` (the user's header of each canonical column)."""
    names = {CANONICAL.get(table, {}).get(f, f): c.header for f, c in lay.fields.items()}
    names.update(extra or {})
    # one value per sheet: categories (a byte a row), not a million pointers to the same string; the sheet stays
    # text (None for a text file, and concatenating an all-None category with others is deprecated)
    n = len(rows)

    def one(v: str) -> pd.Categorical:
        return pd.Categorical.from_codes(np.zeros(n, dtype="int8"), [v])

    o: dict[str, Any] = {"file": one(g.file), "sheet": np.full(n, g.sheet, dtype=object),
                         "row": np.asarray(rows, dtype="int64")}
    o |= {f"header:{c}": one(h) for c, h in names.items() if c in TABLE_COLUMNS[table]}
    return pd.DataFrame(o, index=rows)


def _required(rec: Recorder, s: pd.Series, header: str | None, what: str, hint: str) -> None:
    """One error for the rows where a required value is empty (a cell already reported is not reported again)."""
    empty = s.isna() & ~pd.Series([(int(r), header) in rec.bad_cells for r in s.index], index=s.index, dtype=bool)
    if empty.any():
        rows = [int(r) for r in s.index[empty.to_numpy()]]
        rec.add("error", rows[0], header, None, f"{what} is empty", hint, rows=rows)


def _source(rec: Recorder, parsed: dict[str, pd.Series], place: list[Place], sheet_source: str | None,
            hint: str | None, col_header: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Source of each row (column > KCQG/KCĐP amounts > section > title or sheet name > hint) and support."""
    idx = next(iter(parsed.values())).index
    said = parsed.get("source", empty_cells(idx)).copy()
    # one string per reason, shared by the rows it explains (a big sheet has a million rows)
    why = pd.Series(None, index=idx, dtype=object).where(said.isna(), f"column {col_header.get('source')!r}")
    nat, loc = parsed.get("support_national"), parsed.get("support_local")
    support = parsed.get("support_vnd", empty_cells(idx))
    if nat is not None or loc is not None:
        n = _ints(nat if nat is not None else empty_cells(idx)).fillna(0)
        m = _ints(loc if loc is not None else empty_cells(idx)).fillna(0)
        both = (n > 0) & (m > 0)
        if both.any():
            rows = [int(r) for r in idx[both.to_numpy()]]
            rec.add("error", rows[0], col_header.get("support_national"), None,
                    "a project with both KCQG and KCĐP amounts: kceval keeps one source per project",
                    "split it into two rows, one per source", rows=rows)
        by_money = pd.Series(["national" if a > 0 else "local" if b > 0 else None for a, b in zip(n, m)], index=idx,
                             dtype=object)
        why = why.where(said.notna() | by_money.isna(), "the KCQG / KCĐP columns")
        said = said.where(said.notna(), by_money)
        split = pd.Series(np.where(n > 0, n.astype("int64"), np.where(m > 0, m.astype("int64"), 0)), index=idx)
        support = support.where(support.notna(), split.where(split > 0).map(lambda v: None if pd.isna(v) else int(v)))
    if "support_total" in parsed:
        support = support.where(support.notna(), parsed["support_total"])
    sec = pd.Series([p.source for p in place], index=idx, dtype=object)
    said_of: dict[tuple[str, ...], str] = {}
    sec_why = pd.Series([said_of.setdefault(p.path, f"section {'.'.join(p.path)}") for p in place], index=idx,
                        dtype=object)
    why = why.where(said.notna() | sec.isna(), sec_why)
    said = said.where(said.notna(), sec)
    if sheet_source is not None:
        why = why.where(said.notna(), "the title or sheet name")
        said = said.where(said.notna(), sheet_source)
    if hint is not None:
        clash = said.notna() & (said != hint)
        if clash.any():
            r = int(idx[clash.to_numpy()][0])
            rec.add("error", None, None, hint, f"the source given ({hint}) contradicts the sheet, which says "
                    f"{said[r]} for {int(clash.sum())} row(s) ({why[r]}, row {r})",
                    "drop --source / source=, or check that this is the right file")
        said = said.where(said.notna(), hint)
    missing = said.isna()
    hint_src = ("add a 'Nguồn vốn' column (KCQG / KCĐP), a section row such as 'I. KHUYẾN CÔNG QUỐC GIA', "
                "or pass --source national|local")
    if missing.all():  # one cause for the whole sheet
        rec.add("error", None, col_header.get("source"), None, "the funding source is not given: no source "
                "column, KCQG / KCĐP amounts, section, title or sheet name says it", hint_src)
    elif missing.any():
        rows = [int(r) for r in idx[missing.to_numpy()]]
        rec.add("error", rows[0], col_header.get("source"), None, "the funding source is not given", hint_src,
                rows=rows)
    return said, support


def projects_tables(g: Grid, lay: Layout, rec: Recorder, out: Part, parsed: dict[str, pd.Series], rn: pd.Series,
                    place: list[Place], *, asof: pd.Timestamp | None, year: int | None, province: str | None,
                    sheet_source: str | None, source_hint: str | None) -> None:
    """Projects, and the events and payments their status and executed cells imply."""
    where, idx = lay.where, rn.index
    col_header = {f: c.header for f, c in lay.fields.items()}
    h = col_header.get
    src, support = _source(rec, parsed, place, sheet_source, source_hint, col_header)
    yr = parsed.get("year", empty_cells(idx))
    yr = yr.where(yr.notna(), year)
    if yr.isna().any():
        rec.add("error", None, h("year"), None, "the plan year is not given",
                "add a 'Năm' column, name the year in the title (e.g. 'năm 2020') or pass --year")
    prov = parsed.get("province", empty_cells(idx))
    prov = prov.where(prov.notna(), province)
    if prov.isna().any():
        rec.add("error", None, h("province"), None, "the province is not given",
                "add a 'Tỉnh' column, name the province in the title (e.g. 'UBND TỈNH ĐỒNG NAI') or pass --province")
    act = parsed.get("activity", empty_cells(idx))
    act = act.where(act.notna(), pd.Series([p.activity for p in place], index=idx, dtype=object))
    _required(rec, act, h("activity"), "the activity", "name the activity (e.g. 'Máy móc thiết bị') in the row "
              "or in a section row above it")
    support_header = next((h(f) for f in ("support_vnd", "support_national", "support_local", "support_total")
                           if f in col_header), None)
    _required(rec, support, support_header, "the support amount", "every project needs its approved support")
    for f in ("approved_on", "planned_end"):
        _required(rec, parsed[f], h(f), f"{f}", "every project needs this date")
    precise = parsed["planned_end"].map(lambda w: None if w is None else w.precision)
    for p in ("month", "quarter", "year"):
        n = int((precise == p).sum())
        if n:
            out.notes.append(f"{where}: {n} deadline(s) given as a {p} ('tháng 9/2020', 'Quý III/2020'): read as "
                             f"the last day of that {p}")

    # -- statuses: the status, its date, events and notes --------------------------------------------
    reading = parsed["status"]
    blank = reading.isna()
    if blank.any():
        rows = [int(r) for r in idx[blank.to_numpy()]]
        rec.add("warning", rows[0], h("status"), None, "no status given: the project counts as 'not reported'",
                "write the status, e.g. 'Đang thực hiện' or 'Đã nghiệm thu ngày 12/5/2020'", rows=rows)
    status = reading.map(lambda x: "unreported" if x is None else x.status)
    on = reading.map(lambda x: None if x is None else x.on)
    accepted = _dates(parsed.get("accepted_on"), idx)
    accepted = accepted.where(accepted.notna() | (status != "accepted"), pd.to_datetime(on.where(status == "accepted")))
    stopped = _dates(parsed.get("stopped_on"), idx)
    stopped = stopped.where(stopped.notna() | (status != "stopped"), pd.to_datetime(on.where(status == "stopped")))
    status_note = reading.map(lambda x: None if x is None else x.note)
    note = join_text(parsed["note"], status_note) if "note" in parsed else pd.Series(text_array(status_note), index=idx)
    ben = parsed.get("beneficiaries")
    if ben is None:
        out.notes.append(f"{where}: no beneficiaries column; 1 establishment per project assumed")
        ben = pd.Series(1, index=idx)
    ids = project_ids(rec, g, parsed, place, rn, out, where, h("project_id"))

    keep = ~pd.Series(rec.rejected(idx), index=idx)
    k = idx[keep.to_numpy()]
    every = len(k) == len(idx)

    def pick(s: pd.Series) -> pd.Series:  # the kept rows; all of them without a copy (a big file's text)
        return s if every else s[k]

    def opt(f: str) -> Any:
        return _ints(pick(parsed[f])) if f in parsed else pd.array([pd.NA] * len(k), dtype="Int64")

    proj = pd.DataFrame({
        "project_id": pick(ids), "year": pick(yr).astype("int64"), "province": _objects(pick(prov)),
        "source": _objects(pick(src)), "activity": _objects(pick(act)),
        "title": pick(parsed["title"]) if "title" in parsed else text_array([None] * len(k)),
        "beneficiaries": pick(ben).astype("int64"),
        "pilot": pick(parsed["pilot"]).fillna(False).astype(bool) if "pilot" in parsed else False,
        "group": pick(parsed["group"]).fillna(False).astype(bool) if "group" in parsed else False,
        "support_vnd": pick(support).astype("int64"), "counterpart_vnd": opt("counterpart_vnd"),
        "approved_on": _dates(pick(parsed["approved_on"]), k), "planned_end": _dates(pick(parsed["planned_end"]), k),
        "status": _objects(pick(status)),
        "finished_on": _dates(pick(parsed.get("finished_on", empty_cells(idx))), k),
        "accepted_on": pick(accepted), "stopped_on": pick(stopped), "output_count": opt("output_count"),
        "note": pick(note),
    }, index=k, copy=False)  # the columns are new already: no second copy of a million-row table
    out.tables["projects"] = coerce_table("projects", proj, copy=False)
    out.origins["projects"] = origins(g, lay, "projects", k)
    # what the table holds now can go before the events are read (a big sheet's peak of memory is here)
    for f in [f for f in parsed if f not in _EXECUTED]:
        del parsed[f]
    del yr, prov, act, support, src, accepted, on, note, status_note, ids, precise, proj
    proj = out.tables["projects"]
    _events(rec, g, lay, out, pick(reading), proj, pick(stopped), asof, h("status"))
    _payments(rec, g, lay, out, parsed, proj, asof)


def _events(rec: Recorder, g: Grid, lay: Layout, out: Part, reading: pd.Series, proj: pd.DataFrame,
            stopped: pd.Series, asof: pd.Timestamp | None, header: str | None) -> None:
    # one column at a time over the rows whose status is an event (a loop of dicts costs a million rows dearly)
    reading = reading[reading.notna()]
    kind = reading.map(lambda x: x.event or ("stop" if x.status == "stopped" and (x.note or x.on is not None)
                                             else None))
    reading, kind = reading[kind.notna()], kind[kind.notna()]
    is_stop = kind == "stop"
    on = pd.to_datetime(reading.map(lambda x: x.on)).astype("datetime64[ns]")
    date = on.where(~is_stop, stopped[reading.index])
    note = reading.map(lambda x: x.note)
    if date.isna().any():
        if asof is None:
            undated = [int(r) for r in date.index[date.isna().to_numpy()]]
            rec.add("error", undated[0], header, None, "status words such as 'Gia hạn' or 'Dừng thực hiện (lý do)' "
                    "are events that need a date, and no as-of date is known", "pass --as-of YYYY-MM-DD or name the "
                    "period in the title, e.g. '6 tháng đầu năm 2020'", rows=undated)
            keep = date.notna()
            reading, kind, date, note = reading[keep], kind[keep], date[keep], note[keep]
        else:
            at_asof = date.isna()
            note = note.where(~at_asof, note.map(lambda t: "; ".join(x for x in (t, AS_OF_NOTE) if x)))
            date = date.fillna(pd.Timestamp(asof))
    if not len(reading):
        return
    r = reading.index
    ev = pd.DataFrame({"project_id": pd.Series(proj.loc[r, "project_id"].array, index=r), "date": date,
                       "kind": kind.astype(object),
                       "new_planned_end": pd.to_datetime(reading.map(lambda x: x.new_planned_end)
                                                         ).astype("datetime64[ns]"),
                       "new_support_vnd": pd.array([pd.NA] * len(r), dtype="Int64"),
                       "note": text_array(note.to_numpy(dtype=object))}, index=r)
    ev.index.name = "row"
    out.tables["events"] = coerce_table("events", ev, copy=False)
    out.origins["events"] = origins(g, lay, "events", ev.index, {"kind": header or ""})
    n_asof = int(ev["note"].fillna("").str.contains(AS_OF_NOTE, regex=False).sum())
    out.notes.append(f"{lay.where}: {len(ev)} event(s) from the status column"
                     + (f"; {n_asof} dated at the as-of date ({AS_OF_NOTE})" if n_asof else ""))


_EXECUTED = ("executed", "executed_total", "executed_national", "executed_local")


def _payments(rec: Recorder, g: Grid, lay: Layout, out: Part, parsed: dict[str, pd.Series], proj: pd.DataFrame,
              asof: pd.Timestamp | None) -> None:
    """Cumulative executed money: one payment per project, dated at the as-of date."""
    fields = [f for f in _EXECUTED if f in parsed]
    if not fields:
        return
    k = proj.index
    ex = _ints(parsed[fields[0]][k])
    if fields[0] == "executed_national" or fields[0] == "executed_local":
        parts = [_ints(parsed[f][k]) for f in ("executed_national", "executed_local") if f in parsed]
        ex = pd.concat(parts, axis=1).fillna(0).sum(axis=1).astype("Int64")
        ex = ex.where(pd.concat(parts, axis=1).notna().any(axis=1))
    header = lay.fields[fields[0]].header
    if asof is None:
        rec.add("error", lay.header_rows[0], header, None, "this column gives cumulative executed money, which "
                "needs an as-of date, and none is known", "pass --as-of YYYY-MM-DD, or name the date in the header "
                "('Giải ngân đến 30/6/2020') or the period in the title ('6 tháng đầu năm 2020')")
        return
    neg = ex[ex < 0]
    for r in neg.index:
        rec.add("error", int(r), header, int(neg[r]), "cumulative executed money cannot be negative", "check the sign")
    pos = ex[ex > 0].dropna()
    n_zero = int(((ex == 0) | ex.isna()).sum())
    pay = pd.DataFrame({"project_id": proj.loc[pos.index, "project_id"],
                        "date": pd.Series(asof, index=pos.index).astype("datetime64[ns]"),
                        "amount_vnd": pos.astype("int64")})
    out.tables["payments"] = pay
    out.origins["payments"] = origins(g, lay, "payments", pos.index, {"amount_vnd": header})
    out.notes.append(f"{lay.where}: column {header!r} read as cumulative executed money: {len(pay)} payment(s) "
                     f"dated at the as-of date {asof.date()}; {n_zero} project(s) with nothing executed")


def plans_table(g: Grid, lay: Layout, rec: Recorder, out: Part, parsed: dict[str, pd.Series], rn: pd.Series,
                year: int | None, province: str | None, sheet_source: str | None, source_hint: str | None) -> None:
    """Plan rows: one per province row and source (a 'KCQG | KCĐP' split gives two)."""
    idx = rn.index
    h = {f: c.header for f, c in lay.fields.items()}.get
    yr = parsed.get("year", empty_cells(idx))
    yr = yr.where(yr.notna(), year)
    prov = parsed.get("province", empty_cells(idx))
    prov = prov.where(prov.notna(), province)
    for s, what, hint in ((yr, "the plan year", "add a 'Năm' column or name the year in the title"),
                          (prov, "the province", "add a 'Tỉnh' column or name the province in the title")):
        _required(rec, s, None, what, hint)
    split: list[tuple[str, str | None]] = [(f, s) for f, s in (("approved_national", "national"),
                                                                ("approved_local", "local")) if f in parsed]
    src = parsed.get("source", empty_cells(idx))
    if not split:
        src = src.where(src.notna(), sheet_source if sheet_source else source_hint)
        _required(rec, src, h("source"), "the funding source", "add a 'Nguồn vốn' column or pass --source")
        split = [("approved", None)]
        _required(rec, parsed["approved"], h("approved"), "the approved plan", "every plan row needs its amount")
    keep = ~pd.Series(rec.rejected([int(r) for r in idx]), index=idx)
    k = idx[keep.to_numpy()]
    frames = []
    for f, s in split:
        v = _ints(parsed[f][k]).dropna()
        frames.append(pd.DataFrame({
            "year": yr[v.index].astype("int64"), "province": prov[v.index].astype(object),
            "source": s if s else src[v.index].astype(object), "approved_vnd": v.astype("int64"),
            "revised_vnd": _ints(parsed["revised"][v.index]) if "revised" in parsed and s is None
            else pd.array([pd.NA] * len(v), dtype="Int64")}, index=v.index))
    plans = pd.concat(frames)
    out.tables["plans"] = coerce_table("plans", plans)
    out.origins["plans"] = origins(g, lay, "plans", plans.index)


def payments_table(g: Grid, lay: Layout, rec: Recorder, out: Part, parsed: dict[str, pd.Series], rn: pd.Series
                   ) -> None:
    """Payment rows: project id, date, amount."""
    idx = rn.index
    h = {f: c.header for f, c in lay.fields.items()}.get
    for f in ("project_id", "date", "amount"):
        _required(rec, parsed[f], h(f), f"the {f.replace('_', ' ')}", "every payment needs it")
    keep = ~pd.Series(rec.rejected([int(r) for r in idx]), index=idx)
    k = idx[keep.to_numpy()]
    pay = pd.DataFrame({"project_id": parsed["project_id"][k],
                        "date": _dates(parsed["date"][k], k), "amount_vnd": _ints(parsed["amount"][k]).astype("int64")},
                       index=k)
    out.tables["payments"] = pay
    out.origins["payments"] = origins(g, lay, "payments", k)



def summary_table(lay: Layout, out: Part, parsed: dict[str, pd.Series], units: dict[str, str]) -> None:
    """A summary sheet's rows (province, number of projects, support and its unit), kept to check the province
    sheets."""
    idx = parsed["province"].index
    support = None
    unit = next((units[f] for f in ("support_vnd", "support_total", "support_national", "support_local")
                 if f in units), "dong")
    for f in ("support_vnd", "support_total"):
        if f in parsed:
            support = _ints(parsed[f])
            break
    if support is None:
        parts = [_ints(parsed[f]) for f in ("support_national", "support_local") if f in parsed]
        support = pd.concat(parts, axis=1).fillna(0).sum(axis=1).astype("Int64") if parts else None
    out.summary = pd.DataFrame({
        "province": parsed["province"],
        "n_projects": _ints(parsed["n_projects"]) if "n_projects" in parsed else pd.array([pd.NA] * len(idx),
                                                                                          dtype="Int64"),
        "support_vnd": support if support is not None else pd.array([pd.NA] * len(idx), dtype="Int64"),
        "unit": unit,
    }, index=idx)
    out.notes.append(f"{lay.where}: a summary sheet (one row per province): not imported; its figures are checked "
                     "against the province sheets of the same workbook")
