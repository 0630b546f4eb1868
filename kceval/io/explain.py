"""What the importer found in a sheet, in words: ``kceval import --explain FILE``.

For each sheet: the title block line by line (and what each line is), the period and as-of date
with where they came from, the unit, the header rows, every column and the field it was read as
(exactly, by a guess, by the mapping file, or not at all), the column-number row and the sums it
states, the sections and what each gives, the total and subtotal rows, and how many rows of each
kind there are.
"""
from __future__ import annotations

from ..display import labels
from .grid import Layout, Part, rows_text


def column_letter(j: int) -> str:
    """Excel's name of the 0-based column ``j``.

    Examples
    --------
    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def explain_layout(lay: Layout) -> list[str]:
    """Lines describing one sheet's layout."""
    out = [f"{lay.where}: a {lay.kind} sheet"]
    if lay.title:
        out.append("  title block:")
        out += [f"    row {r:>3} [{kind}] {text}" for r, kind, text in lay.title]
    if lay.report_date is not None:
        out.append(f"  signed on {lay.report_date.date()} (the date line; not the period)")
    if lay.period is not None:
        out.append(f"  period in the title: {lay.period[1]} (as-of {lay.period[0].date()})")
    for what, v in (("year", lay.year), ("province", lay.province), ("source", lay.source)):
        if v is not None:
            out.append(f"  {what} from the title or sheet name: {v}")
    out.append(f"  unit stated above the table: {labels.label('unit_' + lay.unit, 'vi') if lay.unit else 'none'}")
    out.append(f"  header rows: {rows_text(lay.header_rows)}")
    out.append("  columns:")
    for c in lay.columns:
        unit = f" [{labels.label('unit_' + c.unit, 'vi')}]" if c.unit else ""
        how = {"exact": "", "guess": " (a guess)", "mapping file": " (mapping file)"}.get(c.how, "")
        read = f"{c.field}{unit}{how}" if c.field else "not placed (not read)"
        out.append(f"    {column_letter(c.index):>2}  {c.header!r} -> {read}")
    if lay.numbering_row is not None:
        rules = "; ".join(f"{column_letter(j)} = " + " + ".join(column_letter(p) for p in ps)
                          for j, ps in lay.sum_rules.items())
        out.append(f"  column numbers: row {lay.numbering_row}" + (f" (sums: {rules})" if rules else ""))
    if lay.sections:
        out.append("  sections:")
        for r, s in lay.sections:
            gives = ", ".join(x for x in (f"source {s.source}" if s.source else "",
                                          f"activity {s.activity}" if s.activity else "") if x) or "a heading"
            out.append(f"    row {r:>3}  {s.label}  {s.text!r} -> {gives}")
    if lay.totals:
        out.append("  total and subtotal rows (checked against the rows they cover):")
        for t in lay.totals:
            cover = " + ".join(t.sections) if t.sections else ("the whole table" if t.scope == "total"
                                                                 else "the section above it")
            out.append(f"    row {t.row:>3}  {t.label!r}: {t.scope} of {cover}")
    counts = ", ".join(f"{len(v)} {k}" for k, v in lay.rows.items() if v)
    out.append(f"  rows below the header: {counts or 'none'}")
    for k in ("note", "footer", "repeated header", "heading"):
        if lay.rows.get(k):
            out.append(f"    {k} rows: {rows_text(lay.rows[k])}")
    return out


def explain_parts(parts: list[Part]) -> str:
    """The layout of every sheet, then what was read, assumed and found (notes and problems)."""
    out: list[str] = []
    for p in parts:
        if p.layout is not None:
            out += explain_layout(p.layout)
        if p.notes:
            out.append("  notes:")
            out += [f"    - {n}" for n in p.notes]
        if p.problems:
            out.append("  problems:")
            out += [f"    - {q}" for q in p.problems]
        out.append("")
    return "\n".join(out)
