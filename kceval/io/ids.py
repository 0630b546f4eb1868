"""Project ids of a sheet: its own codes, else built from the file name, the section and STT (or the row).

A code given twice in a section is an error on every row that carries it; an id kceval builds is said in a
note, with an example. Ids are Arrow text like the codes they stand beside (:mod:`kceval.io.cells`).
"""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from .cells import empty_cells, text_array
from .grid import Grid, Part
from .problems import Recorder
from .sections import Place


def project_ids(rec: Recorder, g: Grid, parsed: dict[str, pd.Series], place: list[Place], rn: pd.Series,
         out: Part, where: str, header: str | None) -> pd.Series:
    """Project ids: the sheet's codes, else built from the file, the section and STT (or the row)."""
    idx = rn.index
    code = parsed.get("project_id", empty_cells(idx))
    joined: dict[tuple[str, ...], str] = {}
    paths = [joined.setdefault(p.path, "-".join(p.path)) for p in place]
    keyed = pd.DataFrame({"path": paths, "code": code.array}, index=idx)
    keyed = keyed[keyed["code"].notna() & keyed.duplicated(["path", "code"], keep=False)]
    for (path, c), rows in keyed.groupby(["path", "code"], sort=False).groups.items():
        rows = [int(r) for r in rows]  # shown at the second row, the duplicate; every row is left out
        rec.add("error", rows[1], header, c, f"duplicate project code {c!r}: it appears {len(rows)} times"
                + (f" in section {path}" if path else ""), "each project needs its own code", rows=rows)
    label = parsed.get("row_label", empty_cells(idx))
    stt_seen: dict[tuple[str, str], int] = defaultdict(int)
    for lab, path in zip(label, paths):
        if lab is not None:
            stt_seen[(path, lab)] += 1
    dup_stt = 0
    missing = code.isna().to_numpy()
    built = []  # only where the sheet gives no code (a file of a million coded rows builds none)
    for r, lab, path in zip(idx[missing], label[missing], (p for p, m in zip(paths, missing) if m)):
        stem = g.id_prefix + (f"-{path}" if path else "")
        if lab is not None and stt_seen[(path, lab)] == 1:
            built.append(f"{stem}-{lab}")
        else:
            dup_stt += lab is not None
            built.append(f"{g.id_prefix}-r{int(r)}")
    if missing.any():
        filled = code.to_numpy(dtype=object, na_value=None)
        filled[missing] = built
        ids = pd.Series(text_array(filled), index=idx)
    else:
        ids = code if isinstance(code.dtype, pd.StringDtype) else pd.Series(text_array(code), index=idx)
    n_built = int(missing.sum())
    if n_built:
        how = ("the section and 'STT'" if any(p.path for p in place) else "'STT'") if "row_label" in parsed \
            else "the row number"
        out.notes.append(f"{where}: no project code for {n_built} row(s); ids built from the file name and {how} "
                         f"(e.g. {built[0]!r})")
    if dup_stt:
        out.notes.append(f"{where}: {dup_stt} row(s) repeat an STT number within their section; their ids use the "
                         "row number instead")
    return ids
