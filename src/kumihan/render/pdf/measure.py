"""The PDF engine's heights, for the fit transform.

`PdfMeasurer.height` takes a case page and a (possibly fitted) layout; gives
the height its blocks take when set exactly as `FixedPage` will draw them.
"""

from __future__ import annotations

from dataclasses import replace

from kumihan import model as m
from kumihan.layout.spec import Layout
from kumihan.render.pdf.blocks import FlowableBuilder
from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.flowables import measure


class PdfMeasurer:
    def __init__(self, ctx: RenderContext) -> None:
        self.ctx = ctx

    def height(self, page: m.CasePage, layout: Layout) -> float:
        ctx = replace(self.ctx, layout=layout)
        width, height = layout.frame_size("case")
        builder = FlowableBuilder(ctx, width, height)
        return measure(builder.blocks(page.blocks), width)
