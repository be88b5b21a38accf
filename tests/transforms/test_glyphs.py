"""glyphs: characters no face has (E301), characters only a fallback face has (W301 / strict E301)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from kumihan import model as m
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.layout.spec import Layout, load_layout
from kumihan.render.pdf.fonts import face_specs
from kumihan.transforms.glyphs import check_glyphs
from kumihan.typeset.fonts import FontBook

from .nodes import REPO, document, heading

GRIN = "\U0001f600"  # 😀: not in BIZ UD
PUA = "\ue000"  # a private-use character: in no standard font
SNOWMAN_OUTSIDE = "\U0001f98a"  # 🦊: in neither BIZ UD nor the test font


def tiny_font(path: Path, chars: str) -> Path:
    """A TrueType font with a square glyph for each of `chars`."""
    names = [".notdef"] + [f"g{ord(c):x}" for c in chars]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"g{ord(c):x}" for c in chars})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 700))
        pen.lineTo((900, 700))
        pen.lineTo((900, 0))
        pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "KumihanTestFallback", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return path


def project_with_fallback(root: Path, chars: str) -> tuple[Layout, FontBook]:
    """A project whose house style names a test font in `fonts.fallback`."""
    fonts = root / "assets" / "fonts"
    fonts.mkdir(parents=True)
    for font in (REPO / "assets" / "fonts").glob("*.ttf"):
        (fonts / font.name).symlink_to(font)
    tiny_font(fonts / "TestFallback.ttf", chars)
    shutil.copytree(REPO / "layouts", root / "layouts")
    (root / "layouts" / "glyphtest.yaml").write_text(
        "extends: house\n"
        "deliverable: glyphtest\n"
        "fonts:\n"
        "  testfallback: {file: TestFallback.ttf}\n"
        "  fallback: [testfallback]\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics()
    layout = load_layout(root / "layouts" / "glyphtest.yaml", root, diagnostics)
    assert layout is not None and not diagnostics.has_errors, list(diagnostics)
    assert layout.fallback_faces == ("testfallback",)
    return layout, FontBook(face_specs(layout, fonts), layout.fallback_faces)


@pytest.fixture(scope="module")
def house_fonts(layout_of) -> FontBook:
    layout = layout_of("report")
    return FontBook(face_specs(layout, REPO / "assets" / "fonts"), layout.fallback_faces)


def sample(text: str, line: int = 5, file: str = "content/report/10-x.md") -> m.Document:
    return document(
        (
            heading(1, "章"),
            m.Paragraph((m.Text(text),), SourceLoc(file, line)),
        )
    )


def test_ordinary_japanese_and_latin_text_is_covered(house_fonts):
    diagnostics = Diagnostics()
    check_glyphs(
        sample("架空県さくら市の人口は21,489人（40.0％）。ABC—…〜"),
        house_fonts,
        "mincho",
        diagnostics,
        strict=False,
    )
    assert not diagnostics


def test_character_no_face_has_is_e301_with_code_point(house_fonts):
    diagnostics = Diagnostics()
    check_glyphs(sample(f"笑顔{GRIN}です"), house_fonts, "mincho", diagnostics, strict=False)
    (d,) = list(diagnostics)
    assert d.code == "E301"
    assert (d.loc.file, d.loc.line) == ("content/report/10-x.md", 5)
    assert "U+1F600" in d.message and GRIN in d.message
    assert "fallback" in d.hint


def test_private_use_character_is_e301(house_fonts):
    diagnostics = Diagnostics()
    check_glyphs(sample(f"外字{PUA}"), house_fonts, "mincho", diagnostics, strict=False)
    (d,) = list(diagnostics)
    assert d.code == "E301" and "U+E000" in d.message


def test_each_character_is_reported_once_per_file_at_its_first_line(house_fonts):
    doc = document(
        (
            m.Paragraph((m.Text(f"{GRIN}"),), SourceLoc("content/a.md", 3)),
            m.Paragraph((m.Text(f"{GRIN}{GRIN}"),), SourceLoc("content/a.md", 9)),
            m.Paragraph((m.Text(f"{GRIN}"),), SourceLoc("content/b.md", 2)),
        )
    )
    diagnostics = Diagnostics()
    check_glyphs(doc, house_fonts, "mincho", diagnostics, strict=False)
    assert sorted((d.loc.file, d.loc.line) for d in diagnostics) == [
        ("content/a.md", 3),
        ("content/b.md", 2),
    ]


def test_characters_in_captions_box_titles_and_bands_are_checked(house_fonts):
    doc = document(
        (
            m.Figure(SourceLoc("content/f.md", 1), caption=m.Caption((m.Text(GRIN),))),
            m.Box("note", (m.Text(PUA),), (), SourceLoc("content/g.md", 2)),
            m.Band("事例タイプ1", SNOWMAN_OUTSIDE, "題", SourceLoc("content/cases/sakura.yaml", 1)),
        )
    )
    diagnostics = Diagnostics()
    check_glyphs(doc, house_fonts, "mincho", diagnostics, strict=False)
    assert sorted(d.loc.file for d in diagnostics) == [
        "content/cases/sakura.yaml",
        "content/f.md",
        "content/g.md",
    ]
    assert {d.code for d in diagnostics} == {"E301"}


def test_character_only_the_fallback_face_has_is_w301(tmp_path: Path):
    layout, fonts = project_with_fallback(tmp_path, GRIN + PUA)
    diagnostics = Diagnostics()
    check_glyphs(
        sample(f"笑顔{GRIN}と外字{PUA}"),
        fonts,
        layout.styles["body"].face,
        diagnostics,
        strict=False,
    )
    found = sorted(diagnostics.sorted(), key=lambda d: d.message)
    assert [d.code for d in found] == ["W301", "W301"]
    assert any("U+1F600" in d.message for d in found) and any("U+E000" in d.message for d in found)
    assert all("testfallback" in d.message for d in found)
    assert not diagnostics.has_errors


def test_fallback_glyph_is_e301_when_strict(tmp_path: Path):
    layout, fonts = project_with_fallback(tmp_path, GRIN)
    diagnostics = Diagnostics()
    check_glyphs(sample(f"笑顔{GRIN}"), fonts, layout.styles["body"].face, diagnostics, strict=True)
    (d,) = list(diagnostics)
    assert d.code == "E301" and "U+1F600" in d.message


def test_character_missing_from_fallback_too_is_still_e301(tmp_path: Path):
    layout, fonts = project_with_fallback(tmp_path, GRIN)
    diagnostics = Diagnostics()
    check_glyphs(
        sample(f"{GRIN}{SNOWMAN_OUTSIDE}"),
        fonts,
        layout.styles["body"].face,
        diagnostics,
        strict=False,
    )
    assert sorted(d.code for d in diagnostics) == ["E301", "W301"]
    (error,) = [d for d in diagnostics if d.code == "E301"]
    assert "U+1F98A" in error.message


def test_fallback_is_not_used_for_characters_the_body_face_has(tmp_path: Path):
    # the test font also has あ; the body face must still win
    layout, fonts = project_with_fallback(tmp_path, "あ" + GRIN)
    diagnostics = Diagnostics()
    check_glyphs(sample("あいう"), fonts, layout.styles["body"].face, diagnostics, strict=True)
    assert not diagnostics
