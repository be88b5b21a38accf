"""Layout faces → reportlab fonts and the shared `FontBook`.

Takes the layout's face declarations and the project's assets/fonts; registers
each face with reportlab (as a `GlyphFont`) under its face key (so a `PlacedRun.face` is directly
a reportlab font name) and gives the `FontBook` the composer measures with.
Also makes reportlab's defaults name an embedded face, so no Helvetica appears.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics

from kumihan.layout.spec import Layout
from kumihan.render.pdf.glyphfont import GlyphFont, register
from kumihan.render.pdf.truetype import TrueTypeProgram
from kumihan.typeset.fonts import FaceSpec, FontBook


def face_specs(layout: Layout, fonts_dir: Path) -> list[FaceSpec]:
    return [FaceSpec(f.key, fonts_dir / f.file, f.latin) for f in layout.faces]


@lru_cache(maxsize=8)
def _book(specs: tuple[FaceSpec, ...], fallbacks: tuple[str, ...]) -> FontBook:
    for spec in specs:
        # getFont() on an unknown name makes reportlab search every AFM file it knows
        # (over a second); ask the registry instead
        known = pdfmetrics._fonts.get(spec.key)
        if not (isinstance(known, GlyphFont) and known.program.path == spec.path.resolve()):
            register(GlyphFont(spec.key, TrueTypeProgram.load(spec.path)))
    return FontBook(specs, fallbacks)


def font_book(layout: Layout, fonts_dir: Path) -> FontBook:
    """Register the layout's faces with reportlab (once per process) and return the FontBook."""
    book = _book(tuple(face_specs(layout, fonts_dir)), layout.fallback_faces)
    base = layout.styles["body"].face
    # reportlab's canvas and table cells default to Helvetica, which would be referenced
    # (unembedded) even if never drawn; point those defaults at an embedded face.
    rl_config.canvas_basefontname = base
    return book
