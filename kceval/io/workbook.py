"""Workbooks (.xlsx, .xlsm, .xls, .ods) read into grids of cells with python-calamine.

calamine reads the cell values, fast. What it does not tell is read from the file itself: formula
cells saved without a value and error cells (``#DIV/0!``) in the sheet XML of an .xlsx/.xlsm,
merged cells of an .ods (``content.xml``), and whether the file is encrypted (an encrypted .xlsx
is an OLE2 container holding an ``EncryptedPackage`` stream).
"""
from __future__ import annotations

import contextlib
import html
import io as _io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from ..errors import DataError, Problem
from ..text import fold
from .grid import Grid

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_SUFFIX_HOLDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".xls": "xls"}  # what each suffix promises
_HOLDS = {"xlsx": "an Excel .xlsx/.xlsm workbook", "ods": "an OpenDocument (.ods) workbook",
          "xls": "an Excel 97-2003 (.xls) workbook"}
_KIND = {".xlsx": "Excel .xlsx", ".xlsm": "Excel .xlsm", ".xls": "Excel .xls", ".ods": "OpenDocument .ods"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# stream names in an OLE2 directory are UTF-16; these two make an encrypted OOXML workbook
_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
# calamine's enums are not hashable: a list of pairs, not a dict
_SHEET_KIND = [(SheetTypeEnum.ChartSheet, "a chart sheet"), (SheetTypeEnum.DialogSheet, "a dialog sheet"),
               (SheetTypeEnum.MacroSheet, "a macro sheet"), (SheetTypeEnum.Vba, "a VBA module")]
PASSWORD_MESSAGE = "the workbook is password-protected"
PASSWORD_HINT = ("open it with its password and save a copy without one (Excel: File > Info > Protect Workbook > "
                 "Encrypt with Password, clear the box; LibreOffice: File > Save As, untick 'Save with password'), "
                 "then read the copy")

# -- sheet XML of .xlsx/.xlsm: byte patterns, because a full XML parse of 50,000 rows takes seconds ----
_NS = rb"(?:\w+:)?"  # a namespace prefix some writers put on every tag (<x:c>)
_FORMULA = rb"<" + _NS + rb"f\b(?:[^>]*?/>|[^>]*>[^<]*</" + _NS + rb"f>)"
# a formula cell with no <v> or an empty one: group 1 the cell's attributes, group 2 the empty <v>
_UNCACHED = re.compile(rb"<" + _NS + rb"c\s([^>]*?)(?<!/)>\s*" + _FORMULA + rb"\s*(<" + _NS + rb"v\s*/>|<" + _NS
                       + rb"v\s*>\s*</" + _NS + rb"v>)?\s*</" + _NS + rb"c>")
# an error cell (t="e") and its text
_ERROR = re.compile(rb"<" + _NS + rb"c\s([^>]*?\bt=\"e\"[^>]*?)(?<!/)>(?:\s*" + _FORMULA + rb")?\s*<" + _NS
                    + rb"v>([^<]*)</" + _NS + rb"v>")
_REF = re.compile(rb'\br="([A-Za-z]{1,3})([0-9]+)"')
_STR_TYPE = re.compile(rb'\bt="str"')
# content.xml of .ods: table, row and cell tags (a row may be self-closing and repeated)
_ODS_TAG = re.compile(rb"<(/?)(?:\w+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ODS_ATTR = re.compile(rb'(?:\w+:)?(name|number-rows-repeated|number-columns-repeated|number-rows-spanned'
                       rb'|number-columns-spanned)="([^"]*)"')


def slug(text: str) -> str:
    """A file-name-safe id part: ``slug("Đề án 1") == 'de-an-1'``; 'sheet' when nothing is left."""
    return fold(text, "-") or "sheet"


def _cell_index(ref: re.Match[bytes]) -> tuple[int, int]:
    """0-based (row, col) of an A1 reference matched by ``_REF``."""
    col = 0
    for ch in ref.group(1).upper():
        col = col * 26 + ch - 64
    return int(ref.group(2)) - 1, col - 1


def uncached_formulas(xml: bytes) -> list[tuple[int, int]]:
    """0-based (row, col) of the formula cells of one worksheet XML saved without a value.

    A program that writes formulas without computing them (openpyxl, some exporters) leaves
    ``<v>`` out or empty; Excel and LibreOffice write an empty ``<v/>`` only for a formula whose
    result is the empty string, and mark it ``t="str"``, so that one is not counted. Cells
    without an ``r`` reference (allowed, rarely written) are not located and not counted.

    Examples
    --------
    >>> uncached_formulas(b'<c r="B2"><v>5</v></c><c r="D12"><f>B2*2</f><v/></c><c r="E12"><f>B2</f><v>5</v></c>')
    [(11, 3)]
    """
    if b"f>" not in xml and b"f " not in xml:  # no formula at all: skip the scan
        return []
    out = []
    for m in _UNCACHED.finditer(xml):
        attrs = m.group(1)
        ref = _REF.search(attrs)
        if ref is None or (m.group(2) is not None and _STR_TYPE.search(attrs)):
            continue
        out.append(_cell_index(ref))
    return out


def error_cells(xml: bytes) -> list[tuple[int, int, str]]:
    """0-based (row, col) and text (``#DIV/0!``, ``#REF!``) of the error cells of one worksheet XML.

    calamine reads error cells as empty; their text is put back so that a broken formula is
    reported where it is rather than read as a missing value.

    Examples
    --------
    >>> error_cells(b'<c r="C4" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    [(3, 2, '#DIV/0!')]
    """
    if b'"e"' not in xml:
        return []
    out = []
    for m in _ERROR.finditer(xml):
        ref = _REF.search(m.group(1))
        if ref is not None:
            out.append((*_cell_index(ref), html.unescape(m.group(2).decode("utf-8", "replace"))))
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relations(z: zipfile.ZipFile, rels_part: str, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part name) from one ``.rels`` part; targets resolved against ``base``."""
    if rels_part not in z.NameToInfo:
        return {}
    out = {}
    for el in ET.fromstring(z.read(rels_part)).iter():
        if _local(el.tag) != "Relationship" or el.get("TargetMode") == "External":
            continue
        target = el.get("Target", "")
        # openpyxl writes absolute targets ("/xl/worksheets/sheet1.xml"), Excel relative ones
        part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[el.get("Id", "")] = (el.get("Type", ""), part)
    return out


def ooxml_sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in an .xlsx/.xlsm package (through the workbook's relationships).

    Returns an empty dict for a zip that is not an OOXML workbook (an .ods).
    """
    book = next((p for t, p in _relations(z, "_rels/.rels", "").values() if t.endswith("/officeDocument")),
                "xl/workbook.xml")
    if book not in z.NameToInfo:
        return {}
    base = posixpath.dirname(book)
    rels = _relations(z, posixpath.join(base, "_rels", posixpath.basename(book) + ".rels"), base)
    out = {}
    for el in ET.fromstring(z.read(book)).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
        if rid in rels and rels[rid][1] in z.NameToInfo:
            out[el.get("name", "")] = rels[rid][1]
    return out


def ods_merged_ranges(content: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet name -> merged ranges, 0-based inclusive ``(row0, col0, row1, col1)``, of an .ods ``content.xml``.

    calamine does not report merged cells of OpenDocument files; they are the cells with
    ``number-columns-spanned`` / ``number-rows-spanned``, located by counting rows and cells
    (with their ``-repeated`` counts) from A1.

    Examples
    --------
    >>> ods_merged_ranges(b'<table:table table:name="A"><table:table-row table:number-rows-repeated="2"/>'
    ...                   b'<table:table-row><table:table-cell/><table:table-cell table:number-columns-spanned="3"'
    ...                   b' table:number-rows-spanned="1"/></table:table-row></table:table>')
    {'A': [(2, 1, 2, 3)]}
    """
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    if b"-spanned" not in content:
        return out
    ranges: list[tuple[int, int, int, int]] = []
    row = col = row_rep = 0
    for m in _ODS_TAG.finditer(content):
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        a = {k: v for k, v in _ODS_ATTR.findall(attrs)} if attrs.strip(b" /") else {}
        if tag == b"table":
            if not closing:
                ranges, row = [], 0
                out[html.unescape(a.get(b"name", b"").decode("utf-8"))] = ranges
        elif tag == b"table-row":
            if closing:
                row += row_rep
            else:
                col, row_rep = 0, int(a.get(b"number-rows-repeated", 1))
                if attrs.endswith(b"/"):  # an empty row, no closing tag
                    row += row_rep
        else:
            cs, rs = int(a.get(b"number-columns-spanned", 1)), int(a.get(b"number-rows-spanned", 1))
            if (cs > 1 or rs > 1) and not closing:
                ranges.append((row, col, row + rs - 1, col + cs - 1))
            if not closing:
                col += int(a.get(b"number-columns-repeated", 1))
    return {k: v for k, v in out.items() if v}


def _content(path: Path) -> str:
    """What the file holds, from its bytes: 'xlsx' (an OOXML zip), 'ods', 'xls' (OLE2), 'encrypted' (an
    encrypted OOXML workbook, which is an OLE2 file, or an .ods with encrypted parts), 'xml2003' (Excel 2003
    XML Spreadsheet), 'html' or 'other'."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as z:
                names = z.NameToInfo
                if "[Content_Types].xml" in names:
                    return "xlsx"
                if "content.xml" not in names:
                    return "other"
                # an encrypted .ods keeps its zip; its manifest says which parts are encrypted
                manifest = z.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
                return "encrypted" if b"encryption-data" in manifest else "ods"
        except (zipfile.BadZipFile, OSError):
            return "other"  # calamine says what is wrong
    if head.startswith(_OLE_MAGIC):
        data = path.read_bytes()
        return "encrypted" if all(s in data for s in _ENCRYPTED) else "xls"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<?xml") and (b"excel.sheet" in start or b"office:spreadsheet" in start):
        return "xml2003"
    return "html" if start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<?xml")) else "other"


def _fail(path: Path, message: str, hint: str) -> DataError:
    return DataError([Problem("error", str(path), None, None, None, None, message, hint)])


def _grid(path: Path, name: str, cells: list[list[Any]], merged: list[tuple[int, int, int, int]],
          uncached: list[tuple[int, int]], errors: list[tuple[int, int, str]], prefix: str, hidden: bool) -> Grid:
    """One worksheet's grid: "" read as None, trailing empty rows dropped, error texts put back,
    rows added so that every uncached formula cell lies inside the grid, merged ranges clipped to it."""
    rows = [[None if v == "" else v for v in r] for r in cells]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    need_rows = max([len(rows)] + [r + 1 for r, _ in uncached] + [r + 1 for r, _, _ in errors])
    width = max([len(r) for r in rows] + [c + 1 for _, c in uncached] + [c + 1 for _, c, _ in errors] + [0])
    if need_rows > len(rows) or any(len(r) < width for r in rows):
        rows += [[] for _ in range(need_rows - len(rows))]
        rows = [r + [None] * (width - len(r)) for r in rows]
    for r, c, text in errors:
        if rows[r][c] is None:
            rows[r][c] = text
    n = len(rows)
    clipped = [(r0, c0, min(r1, n - 1), min(c1, width - 1)) for r0, c0, r1, c1 in merged if r0 < n and c0 < width]
    return Grid(str(path), name, rows, list(range(1, n + 1)), prefix, hidden=hidden, merged=clipped,
                uncached=sorted(uncached))


def read_workbook(path: str | Path, *, include_hidden: bool = False) -> tuple[list[Grid], list[str]]:
    """The grids of the worksheets of an .xlsx, .xlsm, .xls or .ods file, and notes on what was skipped.

    Rows start at A1, so ``rownums`` are the row numbers Excel shows. Numbers stay numbers, dates
    are ``date``/``datetime``, empty cells None. Hidden sheets are skipped with a note unless
    ``include_hidden``; chart sheets and other non-worksheets are skipped with a note. A file whose
    content is a workbook of another kind than its suffix says (an .xlsx renamed .xls) is read by
    its content, with a note.

    Parameters
    ----------
    path : str or Path
        The workbook.
    include_hidden : bool, default False
        Read hidden and very hidden worksheets too (``Grid.hidden`` tells them).

    Returns
    -------
    grids : list of Grid
        One per worksheet read, in workbook order.
    notes : list of str
        Sheets skipped and why, files read by their content.

    Raises
    ------
    DataError
        With one located problem when the file cannot be read: password-protected, a web page
        saved with an Excel name, damaged, or with no worksheet to read.

    Examples
    --------
    >>> grids, notes = read_workbook("tests/io/bad_inputs/merged_title.xlsx")
    >>> grids[0].sheet, grids[0].rownums[:3], grids[0].merged[0]
    ('Báo cáo', [1, 2, 3], (0, 0, 0, 9))
    """
    path = Path(path)
    suffix = path.suffix.lower()
    kind = _KIND.get(suffix, "a workbook")
    content = _content(path)
    if content in ("html", "xml2003"):  # what web systems export as ".xls"
        what = "a web page (HTML)" if content == "html" else "an Excel 2003 XML Spreadsheet"
        raise _fail(path, f"the file is {what} saved with an {suffix} name, not a workbook that can be read",
                    "open it in Excel and save it as an Excel Workbook (.xlsx)")
    if content == "encrypted":  # calamine says so for an .xlsx, but calls it damaged when named .xls, or an .ods
        raise _fail(path, PASSWORD_MESSAGE, PASSWORD_HINT)
    notes: list[str] = []
    grids: list[Grid] = []
    try:
        if content in _HOLDS and content != _SUFFIX_HOLDS.get(suffix):
            # calamine picks the format from the suffix of a path but from the content of a stream
            wb = CalamineWorkbook.from_filelike(_io.BytesIO(path.read_bytes()))
            notes.append(f"{path}: the file is named {suffix} but holds {_HOLDS[content]}; read by its content")
        else:
            wb = CalamineWorkbook.from_path(str(path))
        metas = wb.sheets_metadata
        n_work = sum(m.typ == SheetTypeEnum.WorkSheet for m in metas)
        parts: dict[str, str] = {}
        ods_merged: dict[str, list[tuple[int, int, int, int]]] = {}
        with zipfile.ZipFile(path) if content in ("xlsx", "ods") else contextlib.nullcontext() as z:
            if z is not None and content == "xlsx":
                parts = ooxml_sheet_parts(z)
            elif z is not None:
                ods_merged = ods_merged_ranges(z.read("content.xml"))
            for m in metas:
                if m.typ != SheetTypeEnum.WorkSheet:
                    what = next((w for t, w in _SHEET_KIND if t == m.typ), "not a worksheet")
                    notes.append(f"{path}: sheet {m.name!r} is {what}: skipped")
                    continue
                hidden = m.visible != SheetVisibleEnum.Visible
                if hidden and not include_hidden:
                    notes.append(f"{path}: sheet {m.name!r} is hidden: skipped "
                                 "(read it with include_hidden=True / --include-hidden)")
                    continue
                sheet = wb.get_sheet_by_name(m.name)
                xml = z.read(parts[m.name]) if z is not None and m.name in parts else b""
                merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
                prefix = slug(path.stem) if n_work == 1 else f"{slug(path.stem)}-{slug(m.name)}"
                grids.append(_grid(path, m.name, sheet.to_python(skip_empty_area=False),
                                   merged or ods_merged.get(m.name, []), uncached_formulas(xml), error_cells(xml),
                                   prefix, hidden))
    except PasswordError:
        raise _fail(path, PASSWORD_MESSAGE, PASSWORD_HINT) from None
    except Exception as exc:  # noqa: BLE001 - calamine, zipfile and expat raise many types for a damaged file
        raise _fail(path, f"the file cannot be read as {kind} ({type(exc).__name__}: {str(exc)[:120]})",
                    "the file is damaged or not what its extension says; open it and save it again") from None
    if not grids:
        hidden_only = any(m.typ == SheetTypeEnum.WorkSheet for m in metas)
        raise _fail(path, "every worksheet is hidden" if hidden_only else "the workbook has no worksheet",
                    "unhide the sheet to read, or read with include_hidden=True / --include-hidden" if hidden_only
                    else "put the data on a worksheet (not a chart sheet)")
    return grids, notes


