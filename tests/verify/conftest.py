"""Builders for small print PDFs: reportlab pages with trim and bleed, finished as PDF/X-1a.

`make_pdf(name, draw=..., ...)` writes a PDF into the test's tmp dir and returns its
path. Every page carries the same good artwork (K100 text, a cyan heading, a band
bled off the top, a 0.5 pt rule, a 350 ppi CMYK photo, a 400 ppi gray image);
`draw(canvas, page)` adds what a test needs on top.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pikepdf
import pytest
from PIL import Image
from reportlab.lib.colors import CMYKColor, Color, toColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kumihan.render.pdf.color import image_for_print
from kumihan.render.pdf.pdfx import finish_print_pdf

ROOT = Path(__file__).resolve().parents[2]
FONT = "BIZUDGothic"
MM = 72.0 / 25.4
TRIM_W, TRIM_H = 148 * MM, 210 * MM  # A5 keeps the files small
BLEED = 3 * MM
MEDIA = (TRIM_W + 2 * BLEED, TRIM_H + 2 * BLEED)
CREATED = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = ROOT / "assets" / "fonts" / "BIZUDGothic-Regular.ttf"
        pdfmetrics.registerFont(TTFont(FONT, str(path)))


def cmyk_or_spot(colour: object) -> CMYKColor:
    """reportlab colour enforcement for print: CMYK and Separation pass, RGB raises.

    Neither built-in mode fits: "cmyk" turns a Separation (registration marks) into
    400 % process colour, and "sep_cmyk" turns every CMYK colour whose naive RGB is
    neutral (rich black, any K100 mix) into plain K.
    """
    tc = toColor(colour)
    if isinstance(tc, CMYKColor):
        return tc
    if isinstance(tc, Color) and tc.red == tc.green == tc.blue:
        return CMYKColor(0, 0, 0, 1 - tc.red)
    raise ValueError(f"not a CMYK or spot colour: {colour!r}")


Draw = Callable[[Canvas, int], None]


class MakePdf(Protocol):
    def __call__(
        self,
        name: str,
        *,
        pages: int = 2,
        draw: Draw | None = None,
        finish: bool = True,
        enforce_cmyk: bool = True,
        bleed: float = BLEED,
        margin: float = 0.0,
    ) -> Path: ...


def trim_origin(bleed: float = BLEED, margin: float = 0.0) -> tuple[float, float]:
    """Where the trim box starts on the media (bleed plus any slug margin)."""
    return (bleed + margin, bleed + margin)


def photo(width: int, height: int) -> Image.Image:
    """An sRGB gradient with a red patch: plausibly a photo, in a few hundred pixels."""
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    img.paste((220, 30, 40), (width // 4, height // 4, width // 2, height // 2))
    return img


def good_page(c: Canvas, page: int, x0: float, y0: float, bleed: float) -> None:
    """Artwork every print check accepts."""
    top = y0 + TRIM_H
    c.setFillColorCMYK(0.1, 0.6, 0, 0)
    c.rect(x0 - bleed, top - 12 * MM, TRIM_W + 2 * bleed, 12 * MM + bleed, stroke=0, fill=1)
    c.setFillColorCMYK(1, 0, 0, 0)
    c.setFont(FONT, 16)
    c.drawString(x0 + 15 * MM, top - 25 * MM, "第1章　調査の概要")
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont(FONT, 9)
    for i, line in enumerate(("本報告書は、地域の取り組みをまとめたものである。", "Report 2024")):
        c.drawString(x0 + 15 * MM, top - 35 * MM - i * 14, line)
    c.setStrokeColorCMYK(0, 0, 0, 1)
    c.setLineWidth(0.5)
    c.line(x0 + 15 * MM, top - 45 * MM, x0 + TRIM_W - 15 * MM, top - 45 * MM)
    # 350 × 233 px on 72 × 48 pt: 350 ppi
    cmyk = image_for_print(photo(350, 233))
    c.drawImage(ImageReader(cmyk), x0 + 15 * MM, y0 + 60 * MM, 72, 48)
    gray = Image.linear_gradient("L").resize((400, 400))
    c.drawImage(ImageReader(gray), x0 + 60 * MM, y0 + 60 * MM, 72, 72)
    c.setFont(FONT, 8)
    c.drawCentredString(x0 + TRIM_W / 2, y0 + 8 * MM, f"— {page} —")


def finish(data: bytes) -> bytes:
    return finish_print_pdf(
        data,
        title="試験報告書",
        author="調査チーム",
        subject="プリフライト試験",
        keywords="試験, PDF/X",
        created=CREATED,
    )


def build(
    path: Path,
    *,
    pages: int = 2,
    draw: Draw | None = None,
    finish_it: bool = True,
    enforce_cmyk: bool = True,
    bleed: float = BLEED,
    margin: float = 0.0,
) -> Path:
    """A print PDF: media = trim + bleed (+ margin for marks), boxes on every page."""
    register_font()
    buf = io.BytesIO()
    x0, y0 = trim_origin(bleed, margin)
    size = (TRIM_W + 2 * (bleed + margin), TRIM_H + 2 * (bleed + margin))
    c = Canvas(
        buf,
        pagesize=size,
        invariant=True,
        initialFontName=FONT,
        enforceColorSpace=cmyk_or_spot if enforce_cmyk else None,
    )
    c.setTitle("試験報告書")
    for page in range(1, pages + 1):
        c.setTrimBox((x0, y0, x0 + TRIM_W, y0 + TRIM_H))
        c.setBleedBox((x0 - bleed, y0 - bleed, x0 + TRIM_W + bleed, y0 + TRIM_H + bleed))
        good_page(c, page, x0, y0, bleed)
        if draw is not None:
            draw(c, page)
        c.showPage()
    c.save()
    data = buf.getvalue()
    path.write_bytes(finish(data) if finish_it else data)
    return path


@pytest.fixture
def make_pdf(tmp_path: Path) -> MakePdf:
    def make(
        name: str,
        *,
        pages: int = 2,
        draw: Draw | None = None,
        finish: bool = True,
        enforce_cmyk: bool = True,
        bleed: float = BLEED,
        margin: float = 0.0,
    ) -> Path:
        return build(
            tmp_path / name,
            pages=pages,
            draw=draw,
            finish_it=finish,
            enforce_cmyk=enforce_cmyk,
            bleed=bleed,
            margin=margin,
        )

    return make


def edit(path: Path, change: Callable[[pikepdf.Pdf], None], **save: object) -> Path:
    """Change a finished PDF with pikepdf in place (keeping version and xref form)."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(path, **save)  # type: ignore[arg-type]
    return path


class Kit:
    """The builders and constants above, for tests (a conftest is not imported by name)."""

    FONT = FONT
    MM = MM
    ROOT = ROOT
    BLEED = BLEED
    TRIM_W = TRIM_W
    TRIM_H = TRIM_H
    CREATED = CREATED
    build = staticmethod(build)
    edit = staticmethod(edit)
    finish = staticmethod(finish)
    photo = staticmethod(photo)
    trim_origin = staticmethod(trim_origin)


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
