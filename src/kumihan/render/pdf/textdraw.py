"""Draw one composed `Line` on a reportlab canvas.

Takes a `Line` from `kumihan.typeset.compose`, the frame's left edge `x` and the
baseline `y` in the canvas's current coordinates, and a `paint` function that
turns a CMYK `Color` into a reportlab colour; gives PDF drawing operations:

- all text runs of the line in one text object: per run only what changed
  (font and size — written here as glyph ids of a `GlyphFont`, ``Tc`` = ``char_space``, ``Ts`` = rise, fill colour), then an
  absolute text origin and one show-text; `run.face` must be a registered
  reportlab font name (the face key);
- a run with `box` set draws the form XObject of that name with its origin at the
  run's x on the (risen) baseline; the form may be defined later, as long as it
  exists when the canvas is saved;
- link annotations without a border over runs with `style.link` (an external URL,
  or ``#name`` for a destination made with ``canvas.bookmarkPage(name)``), one
  per stretch of runs with the same link; they are placed through the current
  transformation, so drawing inside a translated flowable is fine;
- underlines (``style.underline``) in the run's colour.

Text extraction sees exactly the line's characters in order (``Line.text``):
the glyphs are drawn with those characters, and each stretch of text runs is
also wrapped in a marked-content span with ``/ActualText``, because extractors
that guess word breaks from gaps (pdftotext, pdfium) would otherwise insert
spaces at 和欧間 and at squeezed or spread punctuation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfbase.pdfmetrics import getFont

from kumihan.render.pdf.glyphfont import GlyphFont, set_font, show_text
from kumihan.typeset.types import Color, Line, PlacedRun

# Link rectangles and underlines in em of the run's size, measured from the baseline.
_ASCENT = 0.88
_DESCENT = 0.12
_UNDERLINE_OFFSET = 0.12
_UNDERLINE_WIDTH = 0.05


def draw_line(
    canvas: Any,
    line: Line,
    x: float,
    baseline: float,
    paint: Callable[[Color], object],
) -> None:
    """Draw `line` with its start (the frame's left edge) at `x` on `baseline`."""
    _draw_text(canvas, line.runs, x, baseline, paint)
    for run in line.runs:
        if run.box:
            canvas.saveState()
            canvas.translate(x + run.x, baseline + run.style.rise)
            canvas.doForm(run.box)
            canvas.restoreState()
    _draw_links(canvas, line.runs, x, baseline)
    _draw_underlines(canvas, line.runs, x, baseline, paint)


def _draw_text(
    canvas: Any,
    runs: tuple[PlacedRun, ...],
    x: float,
    baseline: float,
    paint: Callable[[Color], object],
) -> None:
    if not any(run.text and not run.box for run in runs):
        return
    text = canvas.beginText()
    doc = canvas._doc
    code: list[str] = text._code  # show-text and marked content are written directly
    font: tuple[str, float] | None = None
    face: Any = None
    char_space = 0.0
    rise = 0.0
    color: Color | None = None
    for group in _text_groups(runs):
        code.append(f"/Span <</ActualText {_pdf_text(''.join(r.text for r in group))}>> BDC")
        for run in group:
            style = run.style
            if font != (run.face, style.size):
                font = (run.face, style.size)
                text.setFont(run.face, style.size)
                face = getFont(run.face)
                if isinstance(face, GlyphFont):
                    code.append(set_font(face, style.size))
            if run.char_space != char_space:
                char_space = run.char_space
                text.setCharSpace(char_space)
            if style.rise != rise:
                rise = style.rise
                text.setRise(rise)
            if style.color != color:
                color = style.color
                text.setFillColor(paint(color))
            text.setTextOrigin(x + run.x, baseline)
            if isinstance(face, GlyphFont):
                # glyph ids in the original font: the same bytes in any document
                code.append(show_text(face.encode(run.text, doc)))
            else:
                text._textOut(run.text)
        code.append("EMC")
    # Tc and Ts outlive the text object (they are graphics state): leave them at 0
    # as reportlab's own drawing assumes. The fill colour stays at the last run's.
    if char_space:
        text.setCharSpace(0)
    if rise:
        text.setRise(0)
    canvas.drawText(text)


def _text_groups(runs: tuple[PlacedRun, ...]) -> list[list[PlacedRun]]:
    """Consecutive text runs, split at boxes (whose forms carry their own text)."""
    groups: list[list[PlacedRun]] = [[]]
    for run in runs:
        if run.box:
            groups.append([])
        elif run.text:
            groups[-1].append(run)
    return [g for g in groups if g]


def _pdf_text(text: str) -> str:
    """A PDF text string (UTF-16BE hex with byte order mark)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _stretches(
    runs: tuple[PlacedRun, ...], key: Callable[[PlacedRun], object]
) -> list[tuple[object, float, float, PlacedRun]]:
    """Consecutive drawn runs with the same truthy key → (key, x0, x1, first run)."""
    out: list[tuple[object, float, float, PlacedRun]] = []
    for run in runs:
        k = key(run)
        if not k or not run.width:
            continue
        if out and out[-1][0] == k:
            prev = out[-1]
            out[-1] = (k, prev[1], max(prev[2], run.x + run.width), prev[3])
        else:
            out.append((k, run.x, run.x + run.width, run))
    return out


def _draw_links(canvas: Any, runs: tuple[PlacedRun, ...], x: float, baseline: float) -> None:
    for link, x0, x1, run in _stretches(runs, lambda r: r.style.link):
        size, rise = run.style.size, run.style.rise
        rect = (x + x0, baseline + rise - _DESCENT * size, x + x1, baseline + rise + _ASCENT * size)
        target = str(link)
        if target.startswith("#"):
            canvas.linkRect("", target[1:], rect, relative=1, thickness=0)
        else:
            canvas.linkURL(target, rect, relative=1, thickness=0)


def _draw_underlines(
    canvas: Any,
    runs: tuple[PlacedRun, ...],
    x: float,
    baseline: float,
    paint: Callable[[Color], object],
) -> None:
    stretches = _stretches(
        runs, lambda r: (r.style.color, r.style.size, r.style.rise) if r.style.underline else None
    )
    if not stretches:
        return
    canvas.saveState()
    for _, x0, x1, run in stretches:
        size = run.style.size
        y = baseline + run.style.rise - _UNDERLINE_OFFSET * size
        canvas.setStrokeColor(paint(run.style.color))
        canvas.setLineWidth(_UNDERLINE_WIDTH * size)
        canvas.line(x + x0, y, x + x1, y)
    canvas.restoreState()
