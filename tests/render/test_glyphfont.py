"""Text by glyph id (`GlyphFont`) and id-keeping subsets (`TrueTypeProgram.subset`).

The subsets are read back with fontTools: kept glyphs have their original outlines at
their original ids, every other glyph is empty, composite glyphs bring their parts,
and the file's checksums are right. The font encodes the same text to the same bytes
in any document, and its ToUnicode map gives the characters back.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from reportlab.pdfgen.canvas import Canvas

from kumihan.render.pdf.glyphfont import GlyphFont, register, to_unicode_cmap
from kumihan.render.pdf.truetype import TrueTypeProgram, _checksum

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
GOTHIC = FONTS / "BIZUDGothic-Regular.ttf"


def square(size: int = 500) -> object:
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((0, size))
    pen.lineTo((size, size))
    pen.lineTo((size, 0))
    pen.closePath()
    return pen.glyph()


def composite_font(path: Path) -> Path:
    """A font of .notdef, A, B (a square), C (built of B twice) and D (another square)."""
    builder = FontBuilder(1000, isTTF=True)
    names = [".notdef", "A", "B", "C", "D"]
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x41: "A", 0x42: "B", 0x43: "C", 0x44: "D"})
    pen = TTGlyphPen({"B": None})
    pen.addComponent("B", (1, 0, 0, 1, 0, 0))
    pen.addComponent("B", (1, 0, 0, 1, 500, 0))
    glyphs = {
        ".notdef": square(),
        "A": square(400),
        "B": square(300),
        "C": pen.glyph(),
        "D": square(200),
    }
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({n: (600, 0) for n in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Kuuso Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return path


def read(data: bytes) -> TTFont:
    return TTFont(io.BytesIO(data))


def outline(font: TTFont, gid: int) -> tuple[int, bytes]:
    glyf = font["glyf"]
    glyph = glyf[font.getGlyphOrder()[gid]]
    return glyph.numberOfContours, glyph.compile(glyf) if glyph.numberOfContours else b""


def test_a_subset_keeps_used_glyphs_at_their_ids_and_empties_the_rest() -> None:
    program = TrueTypeProgram.load(GOTHIC)
    used = {program.cmap[ord(c)] for c in "地域共生"}
    other = program.cmap[ord("社")]

    subset = read(program.subset(used))
    original = TTFont(str(GOTHIC))

    assert subset["maxp"].numGlyphs == original["maxp"].numGlyphs
    for gid in used:
        assert outline(subset, gid) == outline(original, gid)
        assert outline(subset, gid)[0] > 0
    assert outline(subset, other)[0] == 0  # dropped, but its id still exists
    assert outline(original, other)[0] > 0
    assert "cmap" not in subset  # the PDF maps CIDs to glyphs itself


def test_a_subset_brings_the_parts_of_composite_glyphs(tmp_path: Path) -> None:
    program = TrueTypeProgram.load(composite_font(tmp_path / "kuuso.ttf"))
    c, b, d = program.cmap[ord("C")], program.cmap[ord("B")], program.cmap[ord("D")]

    subset = read(program.subset({c}))

    assert outline(subset, c)[0] == -1  # still a composite
    assert outline(subset, b)[0] > 0  # its part came along
    assert outline(subset, d)[0] == 0  # not asked for


def test_a_subset_has_correct_checksums() -> None:
    program = TrueTypeProgram.load(GOTHIC)
    data = program.subset({program.cmap[ord("地")]})

    assert _checksum(data) == 0xB1B0AFBA  # the whole file, with head's adjustment
    count = struct.unpack(">H", data[4:6])[0]
    for i in range(count):
        tag, checksum, offset, length = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        table = data[offset : offset + length]
        if tag == b"head":
            table = table[:8] + b"\0\0\0\0" + table[12:]
        assert _checksum(table) == checksum, tag


@pytest.fixture
def gothic() -> GlyphFont:
    font = GlyphFont("test-gothic", TrueTypeProgram.load(GOTHIC))
    register(font)
    return font


def content_of(canvas: Canvas) -> str:
    return " ".join(canvas._code)


def draw(font: GlyphFont, *lines: str) -> tuple[Canvas, str]:
    canvas = Canvas(io.BytesIO(), invariant=1)
    for line in lines:
        canvas.setFont(font.fontName, 10)
        canvas.drawString(10, 10, line)
    return canvas, content_of(canvas)


def test_the_same_text_is_the_same_bytes_in_any_document(gothic: GlyphFont) -> None:
    _, alone = draw(gothic, "地域づくり")
    _, after_other_text = draw(gothic, "まったく別の文章を先に書く", "地域づくり")

    shown = re.findall(r"\((.*?)\) Tj", alone)
    assert shown and shown[-1] in after_other_text
    assert f"/{gothic.resource} 10 Tf" in alone


def test_the_embedded_font_maps_glyphs_back_to_text(gothic: GlyphFont, tmp_path: Path) -> None:
    import pikepdf

    canvas, _ = draw(gothic, "地域共生社会 ABC")
    path = tmp_path / "out.pdf"
    canvas._filename = str(path)
    canvas.save()

    with pikepdf.open(path) as pdf:
        font = pdf.pages[0].Resources.Font[f"/{gothic.resource}"]
        assert font.Subtype == "/Type0" and font.Encoding == "/Identity-H"
        cid = font.DescendantFonts[0]
        assert cid.Subtype == "/CIDFontType2" and cid.CIDToGIDMap == "/Identity"
        assert re.fullmatch(r"[A-Z]{6}\+BIZUDGothic-Regular", str(font.BaseFont)[1:])
        cmap = font.ToUnicode.read_bytes().decode()
    program = gothic.program
    for char in "地域共生社会ABC":
        assert f"<{program.cmap[ord(char)]:04X}> <{ord(char):04X}>" in cmap


class FakeDoc:
    """What GlyphFont needs of a reportlab PDFDocument."""

    def __init__(self) -> None:
        self.fontMapping: dict[str, str] = {}
        self.delayedFonts: list[object] = []


def test_a_glyph_shared_by_two_characters_maps_to_the_smaller_one(gothic: GlyphFont) -> None:
    first, second = FakeDoc(), FakeDoc()
    gothic.use(first, [(7, 0x4E00), (7, 0x2F00)])
    gothic.use(second, [(7, 0x2F00), (7, 0x4E00)])

    assert gothic.used(first) == gothic.used(second) == {7: 0x2F00}
    assert first.delayedFonts == [gothic]  # embedded when the document is saved
    cmap = to_unicode_cmap(gothic.used(first))
    assert "1 beginbfchar" in cmap and "<0007> <2F00>" in cmap


def test_embedded_programs_are_kept_by_face_and_glyphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zlib

    from kumihan.cache import BlobStore
    from kumihan.render.pdf import glyphfont

    program = TrueTypeProgram.load(GOTHIC)
    gids = sorted(program.cmap[ord(c)] for c in "地域共生")
    glyphfont.use_subset_store(BlobStore(tmp_path, "fonts"))
    try:
        length, deflated = glyphfont.embedded_program(program, gids)
        assert zlib.decompress(deflated) == program.subset(set(gids))
        assert length == len(program.subset(set(gids)))

        def refuse(self: TrueTypeProgram, wanted: set[int]) -> bytes:
            raise AssertionError("subset again")

        monkeypatch.setattr(TrueTypeProgram, "subset", refuse)
        assert glyphfont.embedded_program(program, gids) == (length, deflated)
        with pytest.raises(AssertionError):
            glyphfont.embedded_program(program, gids[:-1])  # other glyphs: a new subset
    finally:
        glyphfont.use_subset_store(None)
