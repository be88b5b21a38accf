"""Font file → the facts Word's font table states of it (panose, Unicode and code page
ranges, pitch), read from the OS/2 and post tables and remembered by the file's hash.

Kept apart from the DOCX renderer so that a build can install the table of remembered
facts without importing python-docx (the DOCX is written in a forked process).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, cast

from kumihan.cache import JsonTable, file_digest

FontFacts = tuple[str, tuple[int, int, int, int], tuple[int, int], Literal["fixed", "variable"]]
"""(panose as hex digits, 4 Unicode range words, 2 code page range words, pitch)."""

_TABLE: JsonTable | None = None


def remember_font_facts(table: JsonTable | None) -> None:
    """Keep what `font_facts` reads from each font file in `table`, by the file's hash,
    across builds (None: read every time). A rebuild then neither imports fontTools
    (30 ms) nor opens the fonts to write Word's font table."""
    global _TABLE
    _TABLE = table


def font_facts(path: Path) -> FontFacts:
    """The facts of the TrueType file at `path`, from the table when it has them."""
    table = _TABLE
    key = f"{file_digest(path).hex()}|os2-post" if table is not None else ""
    facts: Any = table.get(key) if table is not None else None
    if not _usable(facts):
        facts = read_font_facts(path)
        if table is not None:
            table.put(key, facts)
    panose, usb, csb, pitch = facts
    return cast(FontFacts, (panose, tuple(usb), tuple(csb), pitch))


def _usable(facts: Any) -> bool:
    """Is a remembered entry [panose hex, 4 ints, 2 ints, pitch]? (Else: read again.)"""
    if not (isinstance(facts, list) and len(facts) == 4):
        return False
    panose, usb, csb, pitch = facts
    return (
        isinstance(panose, str)
        and all(isinstance(ints, list) and len(ints) == n for ints, n in ((usb, 4), (csb, 2)))
        and all(type(v) is int for v in (*usb, *csb))
        and pitch in ("fixed", "variable")
    )


def read_font_facts(path: Path) -> list[Any]:
    """[panose hex, Unicode ranges, code page ranges, pitch] read from the font file
    (as a table entry: JSON lists)."""
    from fontTools.ttLib import TTFont  # only when a font is new to the table

    font = TTFont(str(path), lazy=True)
    try:
        os2 = font["OS/2"]
        p = os2.panose
        digits = (
            p.bFamilyType, p.bSerifStyle, p.bWeight, p.bProportion, p.bContrast,
            p.bStrokeVariation, p.bArmStyle, p.bLetterForm, p.bMidline, p.bXHeight,
        )  # fmt: skip
        usb = [os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3, os2.ulUnicodeRange4]
        csb = [os2.ulCodePageRange1, os2.ulCodePageRange2]
        pitch = "fixed" if font["post"].isFixedPitch else "variable"
    finally:
        font.close()
    return ["".join(f"{d:02X}" for d in digits), usb, csb, pitch]
