"""Regional compilations: a summary sheet ("Tổng hợp") checked against the province sheets beside it.

A workbook that compiles several provinces often opens with a summary sheet of one row per
province (number of projects, support). kceval does not import it (that would count every
project twice) but checks it: a summary row that disagrees with the province's own sheets is an
error located at that row, and a province listed with no sheet, or a sheet not listed, is one too.
"""
from __future__ import annotations

import pandas as pd

from ..errors import Problem
from .consistency import tolerance
from .grid import Part


def check_summaries(parts: list[Part]) -> None:
    """Compare each summary sheet of a workbook with its project sheets; problems go to the summary's part."""
    projects = [p.tables["projects"] for p in parts if "projects" in p.tables and len(p.tables["projects"])]
    for part in parts:
        if part.summary is None or part.layout is None:
            continue
        lay = part.layout
        file, sheet = lay.where.split(" [")[0], lay.where.split(" [", 1)[1][:-1] if " [" in lay.where else None
        by = (pd.concat(projects).groupby("province").agg(n=("project_id", "size"), support=("support_vnd", "sum"))
              if projects else pd.DataFrame(columns=["n", "support"]))
        header = {f: c.header for f, c in lay.fields.items()}
        money_col = next((header[f] for f in ("support_vnd", "support_total", "support_national") if f in header), None)
        listed = set()
        for row, r in part.summary.iterrows():
            prov = r["province"]
            if prov is None:
                continue
            listed.add(prov)
            n, s = (int(by.at[prov, "n"]), int(by.at[prov, "support"])) if prov in by.index else (0, 0)
            if pd.notna(r["n_projects"]) and int(r["n_projects"]) != n:
                part.problems.append(Problem("error", file, sheet, int(row), header.get("n_projects"),
                                             int(r["n_projects"]), f"the summary says {int(r['n_projects'])} "
                                             f"project(s) for {prov}, but its sheet has {n}",
                                             "a project row may be missing or counted twice"))
            if pd.notna(r["support_vnd"]) and abs(int(r["support_vnd"]) - s) > tolerance(int(r["support_vnd"]),
                                                                                          r["unit"], n):
                part.problems.append(Problem("error", file, sheet, int(row), money_col, int(r["support_vnd"]),
                                             f"the summary says {int(r['support_vnd']):,} VND of support for {prov}, "
                                             f"but its sheet's projects sum to {s:,} VND",
                                             "a project row may be missing, counted twice or mistyped"))
        for prov in sorted(set(by.index) - listed):
            part.problems.append(Problem("error", file, sheet, None, None, prov, f"the summary sheet does not list "
                                         f"{prov}, which has {int(by.at[prov, 'n'])} project(s) in its own sheet",
                                         "add the province to the summary"))
