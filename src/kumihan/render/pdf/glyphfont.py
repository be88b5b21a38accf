"""A reportlab font that shows text by glyph id: an embedded CIDFontType2 with Identity-H.

`GlyphFont(key, program)` takes a face key (the name the layout and `PlacedRun.face`
use) and a `TrueTypeProgram`; registered with reportlab (`register`), it draws
through the ordinary canvas calls (`setFont`, `drawString`, text objects) and
through `encode`/`resource`, which `textdraw` uses to write show-text operators
itself.

Why not reportlab's TTFont: TTFont numbers characters in the order a document
first uses them (256 to a subset font), so the same line is encoded differently
in every document. Here a character's code is its glyph id in the original font
and the font resource has a fixed name, so a page's content stream depends on
that page alone: the same page gives the same bytes in any build, which is what
lets `kumihan.render.pdf.replay` reuse the pages of an unchanged case. At save,
one Type0 font per face is embedded, its program subset to the glyphs the
document used (ids kept, `TrueTypeProgram.subset`), with widths and a ToUnicode
map for those glyphs only.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics

from kumihan.cache import BlobStore
from kumihan.render.pdf.truetype import TrueTypeProgram

_NBSP, _SPACE = 0xA0, 0x20

# While a page is being recorded (`kumihan.render.pdf.replay.recording`), every glyph
# drawn is also noted here: face key → (glyph id, code point).
RECORDERS: list[dict[str, set[tuple[int, int]]]] = []


class _Face:
    """What reportlab's font registry reads of a dynamic font's face."""

    def __init__(self, name: str) -> None:
        self.name = name.encode()
        self.builtIn = 0


class GlyphFont:
    """One face as an Identity-H Type0 font; per document, the glyphs it used."""

    _dynamicFont = 1  # reportlab: ask splitString/getSubsetInternalName, embed at save
    _multiByte = 1
    shapable = False
    substitutionFonts: ClassVar[list[Any]] = []

    def __init__(self, key: str, program: TrueTypeProgram) -> None:
        self.fontName = key
        self.program = program
        self.face = _Face(f"kumihan:{key}")
        self.encoding = None
        # the font resource's name in every page's /Font dictionary: fixed, so content
        # streams do not depend on the order faces were first used in
        self.resource = "K" + "".join(c if c.isascii() and c.isalnum() else "_" for c in key)
        self._used: WeakKeyDictionary[Any, dict[int, int]] = WeakKeyDictionary()
        cmap = program.cmap
        self._gid = cmap.get
        self._space = cmap.get(_SPACE, 0)

    # ------------------------------------------------------------ measuring

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        width = self.program.width
        get = self._gid
        return sum(width(get(ord(c), 0)) for c in text) * size / 1000.0

    # ------------------------------------------------------------ encoding

    def gids(self, text: str) -> list[int]:
        get = self._gid
        return [get(cp, 0) if cp != _NBSP else self._space for cp in map(ord, text)]

    def encode(self, text: str, doc: Any) -> bytes:
        """`text` as two-byte glyph ids; the glyphs are noted as used in `doc`."""
        gids = self.gids(text)
        self.use(doc, zip(gids, map(ord, text), strict=True))
        return struct.pack(f">{len(gids)}H", *gids)

    def use(self, doc: Any, pairs: Iterable[tuple[int, int]]) -> None:
        """Note glyphs (with the code point each stands for) as drawn in `doc`."""
        used = self._used_in(doc)
        if RECORDERS:
            pairs = [(gid, cp) for gid, cp in pairs if gid]
            for recorder in RECORDERS:
                recorder.setdefault(self.fontName, set()).update(pairs)
        for gid, cp in pairs:
            if gid and (gid not in used or cp < used[gid]):
                used[gid] = cp  # the smallest code point: the same map whatever the order

    def used(self, doc: Any) -> dict[int, int]:
        return dict(self._used.get(doc, {}))

    def _used_in(self, doc: Any) -> dict[int, int]:
        used = self._used.get(doc)
        if used is None:
            used = self._used[doc] = {}
            doc.fontMapping[self.fontName] = "/" + self.resource
            doc.delayedFonts.append(self)
        return used

    # reportlab's protocol for dynamic fonts (canvas.drawString, text objects)
    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        return [(0, self.encode(text, doc))]

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:
        for recorder in RECORDERS:  # a face set before any glyph is drawn in it
            recorder.setdefault(self.fontName, set())
        self._used_in(doc)
        return "/" + self.resource

    # ------------------------------------------------------------ embedding

    def addObjects(self, doc: Any) -> None:
        """Embed the font (called by reportlab when the document is saved)."""
        used = self._used.pop(doc, {})
        program = self.program
        gids = sorted(used)
        base = f"{_subset_tag(program.postscript, gids)}+{program.postscript}"
        cmap = pdfdoc.PDFStream(content=to_unicode_cmap(used).encode("ascii"))
        if doc.compression:
            length, deflated = embedded_program(program, gids)
            file = pdfdoc.PDFStream(content=deflated)
            file.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
            file.dictionary["Length1"] = length
            cmap.filters = [pdfdoc.PDFZCompress]
        else:
            data = program.subset(set(gids))
            file = pdfdoc.PDFStream(content=data)
            file.dictionary["Length1"] = len(data)
        scale = 1000.0 / program.units_per_em
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("FontDescriptor"),
                "FontName": pdfdoc.PDFName(base),
                "Flags": 4,  # symbolic: glyphs are chosen by id, not by a standard encoding
                "FontBBox": pdfdoc.PDFArray([round(v * scale) for v in program.bbox]),
                "ItalicAngle": program.italic_angle,
                "Ascent": round(program.ascent * scale),
                "Descent": round(program.descent * scale),
                "CapHeight": round(program.cap_height * scale),
                "StemV": 80,
                "FontFile2": doc.Reference(file, f"fontFile:{self.resource}"),
            }
        )
        cid_font = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Font"),
                "Subtype": pdfdoc.PDFName("CIDFontType2"),
                "BaseFont": pdfdoc.PDFName(base),
                "CIDSystemInfo": pdfdoc.PDFDictionary(
                    {
                        "Registry": pdfdoc.PDFString("Adobe"),
                        "Ordering": pdfdoc.PDFString("Identity"),
                        "Supplement": 0,
                    }
                ),
                "FontDescriptor": doc.Reference(descriptor, f"fontDescriptor:{self.resource}"),
                "DW": 1000,
                "W": pdfdoc.PDFArray(_widths(program, gids)),
                "CIDToGIDMap": pdfdoc.PDFName("Identity"),
            }
        )
        font = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Font"),
                "Subtype": pdfdoc.PDFName("Type0"),
                "BaseFont": pdfdoc.PDFName(base),
                "Encoding": pdfdoc.PDFName("Identity-H"),
                "DescendantFonts": pdfdoc.PDFArray(
                    [doc.Reference(cid_font, f"cidFont:{self.resource}")]
                ),
                "ToUnicode": doc.Reference(cmap, f"toUnicode:{self.resource}"),
            }
        )
        # by reference: pdffonts and preflight tools look for fonts as objects
        doc.idToObject["BasicFonts"].dict[self.resource] = doc.Reference(font, self.resource)


_STORE: BlobStore | None = None


def use_subset_store(store: BlobStore | None) -> None:
    """Keep embedded font programs in `store` (the build cache), by face and glyphs."""
    global _STORE
    _STORE = store


def embedded_program(program: TrueTypeProgram, gids: list[int]) -> tuple[int, bytes]:
    """The subset program for `gids`, deflated as reportlab deflates a stream, and its
    length before; from the store when the same face was subset to the same glyphs
    before (an edit that brings no new character), which saves reading, subsetting
    and deflating megabytes of font per PDF."""
    store = _STORE
    name = None
    if store is not None:
        stat = program.path.stat()
        digest = hashlib.sha256(f"{program.path}|{stat.st_size}|{stat.st_mtime_ns}|".encode())
        digest.update(struct.pack(f">{len(gids)}H", *gids))
        name = f"font-{digest.hexdigest()}"
        found = store.get(name)
        if found is not None and len(found) > 4:
            return struct.unpack(">I", found[:4])[0], found[4:]
    data = program.subset(set(gids))
    deflated = zlib.compress(data)  # as reportlab's FlateDecode filter does
    if store is not None and name is not None:
        store.put(name, struct.pack(">I", len(data)), deflated)
    return len(data), deflated


def register(font: GlyphFont) -> None:
    """Make `font` the reportlab font of its key (replacing any font registered before)."""
    pdfmetrics._fonts[font.fontName] = font  # registerFont keeps an older font of the name
    pdfmetrics._dynFaceNames[font.face.name] = font


def show_text(code: bytes) -> str:
    """The show-text operator for two-byte codes."""
    return f"<{code.hex()}> Tj"


def set_font(font: GlyphFont, size: float) -> str:
    return f"/{font.resource} {fp_str(size)} Tf"


def _subset_tag(postscript: str, gids: list[int]) -> str:
    """Six capital letters naming the subset (PDF 9.6.4), the same for the same glyphs."""
    digest = hashlib.sha256(postscript.encode() + struct.pack(f">{len(gids)}H", *gids)).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _widths(program: TrueTypeProgram, gids: list[int]) -> list[Any]:
    """The W array: runs of consecutive glyph ids with their widths, default 1000 left out."""
    out: list[Any] = []
    run_start = -2
    run: list[Any] = []
    for gid in gids:
        width = program.width(gid)
        value = int(width) if width == int(width) else round(width, 3)
        if value == 1000:
            continue
        if gid == run_start + len(run):
            run.append(value)
            continue
        if run:
            out += [run_start, pdfdoc.PDFArray(run)]
        run_start, run = gid, [value]
    if run:
        out += [run_start, pdfdoc.PDFArray(run)]
    return out


def to_unicode_cmap(used: dict[int, int]) -> str:
    """A ToUnicode CMap mapping each used glyph id to its character."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    items = sorted(used.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{gid:04X}> <{chr(cp).encode('utf-16-be').hex().upper()}>" for gid, cp in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"
