"""Throughput of the composer (and of composing plus drawing a PDF).

Takes a body text (the project's seed summary when present, else generated text)
and the BIZ UD fonts in ``assets/fonts``; gives characters per second. Run as
``python -m kumihan.typeset.bench``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

from kumihan.typeset.compose import compose
from kumihan.typeset.fonts import FaceSpec, FontBook
from kumihan.typeset.types import Line, Rules, RunStyle, Span

SEED = Path("/work/shared/seed/000_9abf9d0f6aad1dc6.txt")
FONTS = Path(__file__).resolve().parents[3] / "assets" / "fonts"
BODY = RunStyle("mincho", 10.5)
MEASURE = 420.0  # 40 字 of 10.5 pt


def default_font_book(fonts_dir: Path = FONTS) -> FontBook:
    """The BIZ UD faces with their proportional Latin companions, keyed as the layouts do."""
    return FontBook(
        [
            FaceSpec("mincho", fonts_dir / "BIZUDMincho-Regular.ttf", latin="mincho-latin"),
            FaceSpec("mincho-latin", fonts_dir / "BIZUDPMincho-Regular-Latin.ttf"),
            FaceSpec("gothic", fonts_dir / "BIZUDGothic-Regular.ttf", latin="gothic-latin"),
            FaceSpec("gothic-latin", fonts_dir / "BIZUDPGothic-Regular-Latin.ttf"),
            FaceSpec("gothic-bold", fonts_dir / "BIZUDGothic-Bold.ttf", latin="gothic-bold-latin"),
            FaceSpec("gothic-bold-latin", fonts_dir / "BIZUDPGothic-Bold-Latin.ttf"),
        ]
    )


def body_paragraphs(seed: Path = SEED, copies: int = 4) -> list[str]:
    """The seed text's non-empty lines as paragraphs, `copies` times over."""
    if seed.exists():
        text = seed.read_text(encoding="utf-8")
    else:
        text = (
            "地域共生社会の実現に向けて、分野横断的な取組（2024年度は21,489件）を把握した。"
            "調査はWeb（https://www.example.go.jp/survey/2024）で実施し、回答率は40.5％だった。\n"
        ) * 200
    return [p.strip() for p in text.split("\n") if p.strip()] * copies


def _best(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_compose(repeat: int = 3, seed: Path = SEED) -> float:
    """Characters per second composing 10.5 pt justified body text on a 40-字 measure."""
    paragraphs = body_paragraphs(seed)
    fonts = default_font_book()
    spans = [[Span(p, BODY)] for p in paragraphs]
    rules = Rules()

    def work() -> None:
        for para in spans:
            compose(para, MEASURE, rules, fonts, indent_first=BODY.size, memo=False)

    return sum(map(len, paragraphs)) / _best(repeat, work)


def bench_pdf(repeat: int = 3, seed: Path = SEED) -> tuple[float, float]:
    """(characters per second, A4 pages per second) composing and drawing the body
    text with `draw_line` into an in-memory PDF, 36 lines a page."""
    from reportlab.lib.colors import CMYKColor
    from reportlab.pdfgen.canvas import Canvas

    from kumihan.render.pdf.glyphfont import GlyphFont, register
    from kumihan.render.pdf.textdraw import draw_line
    from kumihan.render.pdf.truetype import TrueTypeProgram

    fonts = default_font_book()
    for key, spec in fonts.specs.items():
        register(GlyphFont(key, TrueTypeProgram.load(spec.path)))  # as the renderer draws
    paragraphs = body_paragraphs(seed)
    rules = Rules()
    pages = 0

    def work() -> None:
        nonlocal pages
        canvas = Canvas(io.BytesIO(), pagesize=(595.0, 842.0), initialFontName="mincho")
        lines: list[Line] = []
        for p in paragraphs:
            lines.extend(
                compose([Span(p, BODY)], MEASURE, rules, fonts, indent_first=BODY.size, memo=False)
            )
        pages = 0
        for i, line in enumerate(lines):
            row = i % 36
            draw_line(canvas, line, 87.5, 780.0 - 18.0 * row, lambda c: CMYKColor(*c))
            if row == 35:
                canvas.showPage()
                pages += 1
        canvas.save()

    seconds = _best(repeat, work)
    return sum(map(len, paragraphs)) / seconds, pages / seconds


if __name__ == "__main__":
    print(f"compose: {bench_compose():,.0f} chars/s")
    chars, pages = bench_pdf()
    print(f"compose + draw + save: {chars:,.0f} chars/s, {pages:,.1f} pages/s")
