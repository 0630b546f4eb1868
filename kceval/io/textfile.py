"""Text files from provinces: which encoding (UTF-8, UTF-16, Windows-1258, Windows-1252) and which delimiter.

Pure functions over bytes and text; :mod:`kceval.io` reads the files.
"""
from __future__ import annotations

import csv
import unicodedata
from collections import Counter

_VI_LETTERS = set(unicodedata.normalize("NFC", (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")))
_VI_LETTERS |= {c.upper() for c in _VI_LETTERS}


def _vietnamese_score(text: str) -> int:
    """Vietnamese letters minus other non-ASCII characters (mojibake, stray accents).

    Letters beyond Latin-1 (ă, ơ, ư, đ, ạ, ồ…) count three times: Windows-1252 cannot produce them,
    while its mojibake of Vietnamese ("ÐÔÌNG" for "ĐỒNG") is made of Latin-1 letters, some of
    which are Vietnamese too.
    """
    non_ascii = [c for c in text if ord(c) > 127 and not c.isspace()]
    good = sum(c in _VI_LETTERS or c in "–—“”‘’…₫" for c in non_ascii)
    strong = sum(c in _VI_LETTERS and ord(c) > 255 for c in non_ascii)
    return good + 2 * strong - 2 * (len(non_ascii) - good)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 without a BOM, else None.

    In UTF-16 every ASCII character (digits, separators, most letters of Vietnamese words) has a
    zero byte, and 8-bit text has none; the half of the code units that holds the zeros gives
    the byte order.
    """
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return "utf-16-le" if odd > 3 * even else "utf-16-be" if even > 3 * odd else None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file: UTF-16 or UTF-8 (with or without BOM), else Windows-1258 or Windows-1252.

    UTF-16 is what Excel's "Unicode Text" export writes (little-endian with a BOM). Between the
    two legacy code pages the one that yields more valid Vietnamese letters wins (ties go to
    Windows-1258, the Vietnamese one). Text is NFC-normalised, which joins the combining tone
    marks of Windows-1258 to their letters. The second value names the encoding, for a note.

    Raises
    ------
    UnicodeDecodeError
        When no encoding fits (UTF-16 with an odd number of bytes, or bytes undefined in both
        code pages).

    Examples
    --------
    >>> decode_text(b"T\\xean \\xf0\\xea\\xcc \\xe1n")  # "Tên đề án": ề is ê + a combining grave
    ('Tên đề án', 'cp1258')
    >>> decode_text("\\ufeffTên\\tKinh phí".encode("utf-16-le"))  # what Excel's "Unicode Text" writes
    ('Tên\\tKinh phí', 'utf-16-le with BOM')
    """
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return unicodedata.normalize("NFC", data[2:].decode(enc)), f"{enc} with BOM"
    enc16 = _utf16_without_bom(data)
    if enc16 is not None:
        return unicodedata.normalize("NFC", data.decode(enc16)), enc16
    try:
        text = data.decode("utf-8-sig")
        return unicodedata.normalize("NFC", text), "utf-8 with BOM" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    best = None
    for enc in ("cp1258", "cp1252"):
        try:
            text = unicodedata.normalize("NFC", data.decode(enc))
        except UnicodeDecodeError:
            continue
        score = _vietnamese_score(text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is None:
        raise UnicodeDecodeError("utf-8/cp1258/cp1252", data[:1], 0, 1, "undecodable")
    return best[1], best[2]


def sniff_delimiter(text: str) -> str:
    """The delimiter (',', ';' or tab) that splits the first lines into the most equal-width rows.

    Excel in a Vietnamese locale writes ';' because the comma is the decimal mark; title lines
    above the header have one field under any delimiter and do not count.

    Examples
    --------
    >>> sniff_delimiter("Báo cáo, năm 2019\\nTên;Kinh phí;Ngày\\nA;1,5;1/2/2019\\nB;2,5;1/3/2019\\n")
    ';'
    """
    lines = text.splitlines()[:40]
    best, best_score = ",", 0
    for d in (",", ";", "\t"):
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=d) if len(r) > 1]
        except csv.Error:  # e.g. a quote never closed: the reader locates it later
            continue
        if not widths:
            continue
        mode = Counter(widths).most_common(1)[0][0]
        score = sum(w == mode for w in widths) * mode
        if score > best_score:
            best, best_score = d, score
    return best
