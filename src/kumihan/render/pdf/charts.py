"""Model charts → reportlab vector drawings (and PNG for the DOCX, from the same drawing).

Takes a `Chart` (categories, counts, n) and the layout; gives a `Drawing` whose
labels are set in the layout's chart face (BIZ UDゴシック) and wrapped by the
JLREQ composer, bars in the accent colour, each bar labelled with its count and
percentage of n. `chart_png` rasterises the very same drawing at 300 ppi.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import replace

from reportlab.graphics.shapes import Drawing, Line, Rect, String

from kumihan import model as m
from kumihan.cache import files_digest, value_digest
from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.images import remembered
from kumihan.typeset.compose import compose
from kumihan.typeset.types import RunStyle, Span


def _wrap(text: str, width: float, face: str, size: float, ctx: RenderContext) -> list[str]:
    rules = replace(ctx.layout.rules, align="left")
    lines = compose([Span(text, RunStyle(face=face, size=size))], width, rules, ctx.fonts)
    return [line.text for line in lines] or [""]


def hbar_drawing(chart: m.Chart, width: float, ctx: RenderContext) -> Drawing:
    """Horizontal bars: one row per category, percentages of n on a 0–100 % scale."""
    style = ctx.layout.style("chart-label")
    face, size = style.face, style.size
    leading = size * 1.25
    label_w = width * 0.42
    value_w = size * 8
    bar_x = label_w + size
    bar_w = max(40.0, width - bar_x - value_w)
    series: tuple[float, ...] = chart.series[0].values if chart.series else ()
    total: float = chart.n or (sum(series) or 1.0)
    rows = []
    for label, value in zip(chart.categories, series, strict=False):
        rows.append((_wrap(label, label_w, face, size, ctx), value))
    row_heights = [max(len(lines) * leading, size * 1.8) + size * 0.8 for lines, _ in rows]
    axis_h = size * 2.2
    height = sum(row_heights) + axis_h
    d = Drawing(width, height)
    # reportlab starts every drawing in its default font (Helvetica), which would be
    # referenced unembedded even though no text uses it
    d.initialFontName = face
    paint = ctx.painter
    accent = ctx.layout.colors.get("accent", (0.85, 0.35, 0.0, 0.0))
    grid = ctx.layout.colors.get("grey-rule", (0.0, 0.0, 0.0, 0.45))
    text = ctx.layout.colors.get("text", (0.0, 0.0, 0.0, 1.0))
    # scale: 0, 25, 50, 75, 100 %
    for tick in (0, 25, 50, 75, 100):
        x = bar_x + bar_w * tick / 100
        d.add(
            Line(
                x,
                axis_h - size * 0.3,
                x,
                height,
                strokeColor=paint(grid),
                strokeWidth=0.3 if tick else 0.6,
            )
        )
        d.add(
            String(
                x,
                axis_h - size * 1.3,
                f"{tick}%",
                fontName=face,
                fontSize=size * 0.9,
                fillColor=paint(text),
                textAnchor="middle",
            )
        )
    y = height
    for (lines, value), row_h in zip(rows, row_heights, strict=True):
        y -= row_h
        centre = y + row_h / 2
        block = len(lines) * leading
        for i, line in enumerate(lines):
            base = centre + block / 2 - (i + 1) * leading + (leading - size) / 2 + size * 0.12
            d.add(String(0, base, line, fontName=face, fontSize=size, fillColor=paint(text)))
        pct = 100.0 * value / total if total else 0.0
        bar_h = min(row_h * 0.6, size * 1.6)
        d.add(
            Rect(
                bar_x,
                centre - bar_h / 2,
                max(bar_w * pct / 100, 0.0),
                bar_h,
                fillColor=paint(accent),
                strokeColor=None,
            )
        )
        label = (
            f"{int(value):,}{chart.unit}（{pct:.1f}%）"
            if chart.show_percent
            else f"{int(value):,}{chart.unit}"
        )
        d.add(
            String(
                bar_x + bar_w * pct / 100 + size * 0.4,
                centre - size * 0.35,
                label,
                fontName=face,
                fontSize=size,
                fillColor=paint(text),
            )
        )
    return d


def chart_drawing(chart: m.Chart, width: float, ctx: RenderContext) -> Drawing:
    """The drawing for any chart kind (vertical bars and pies are drawn as horizontal bars,
    which carry long Japanese labels best)."""
    return hbar_drawing(chart, width, ctx)


def chart_png(
    chart: m.Chart, width: float, ctx: RenderContext, ppi: int = 300
) -> tuple[bytes, float, float]:
    """The same drawing rasterised for Word: PNG bytes and its size in points.

    The drawing is rendered to an in-memory PDF by reportlab and rasterised with
    pdfium, so no system graphics libraries are needed. Rasterising and encoding take
    a tenth of a second a chart, so the result is kept in the picture store, named by
    the chart, its width, the layout, the fonts and the toolkit.
    """
    faces = [face.path for face in ctx.fonts.faces.values()]
    digest = hashlib.sha256(files_digest(ctx.assets, faces).encode())  # the toolkit too
    digest.update(repr((chart, width, ppi, ctx.variant)).encode())
    digest.update(value_digest(ctx.layout))
    drawn = remembered(
        f"chart-{digest.hexdigest()}.pickle",
        lambda: pickle.dumps(_rasterised(chart, width, ctx, ppi)),
    )
    try:
        png, w, h = pickle.loads(drawn)
        return bytes(png), float(w), float(h)
    except (pickle.PickleError, EOFError, ValueError, TypeError):  # a damaged entry
        return _rasterised(chart, width, ctx, ppi)


def _rasterised(
    chart: m.Chart, width: float, ctx: RenderContext, ppi: int
) -> tuple[bytes, float, float]:
    import pypdfium2 as pdfium
    from reportlab.graphics import renderPDF

    drawing = chart_drawing(chart, width, ctx)
    pdf = renderPDF.drawToString(drawing)
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=ppi / 72.0)
        image = bitmap.to_pil().convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(ppi, ppi), optimize=False)
    finally:
        document.close()
    return buffer.getvalue(), drawing.width, drawing.height
