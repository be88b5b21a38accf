"""Model → PDF (reportlab), in the print (PDF/X-1a) or the screen variant.

`render_pdf` takes a transformed `Document` and its `Layout`; gives the PDF
bytes and the `PageRecord` (which page each anchor and case landed on, and
each page's printed number), which the DOCX renderer reuses for its contents
and page references.
"""

from __future__ import annotations

# first, before reportlab is imported anywhere else: its slow spots made quick
from kumihan.render.pdf import speedups  # noqa: F401

# isort: split
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from reportlab.platypus.flowables import Flowable

from kumihan import model as m
from kumihan.layout.spec import Layout
from kumihan.render.pdf.blocks import FlowableBuilder
from kumihan.render.pdf.context import PageRecord, RenderContext
from kumihan.render.pdf.document import KumihanDoc, story_for
from kumihan.render.pdf.fonts import font_book
from kumihan.render.pdf.images import settle_prefetch
from kumihan.render.pdf.paint import Painter, Variant, print_colours
from kumihan.render.pdf.pdfx import finish_print_pdf, finish_screen_pdf


@dataclass
class PdfResult:
    data: bytes
    pages: int
    record: PageRecord


def make_context(layout: Layout, root: Path, variant: Variant) -> RenderContext:
    """A render context for `layout`: fonts registered, colours for the variant."""
    assets = root / "assets"
    fonts = font_book(layout, assets / "fonts")
    painter = Painter(variant, assets / layout.print.icc_profile)
    return RenderContext(layout, fonts, painter, variant, assets, PageRecord())


def render_pdf(
    doc: m.Document, layout: Layout, root: Path, variant: Variant, created: datetime
) -> PdfResult:
    """Lay out and draw the document; finish it as PDF/X-1a (print) or for the web (screen)."""
    ctx = make_context(layout, root, variant)
    builder = FlowableBuilder(ctx, layout.page.frame_width, layout.page.frame_height)
    # made when the story reaches them: a run of pages replayed needs none (`flowing`)
    parts: list[tuple[m.Part, Callable[[], list[Flowable]]]] = [
        (part, partial(builder.blocks, part.blocks)) for part in doc.parts
    ]
    buffer = io.BytesIO()
    template = KumihanDoc(
        buffer, ctx, doc.meta, enforceColorSpace=print_colours if variant == "print" else None
    )
    try:
        template.build(story_for(parts))
    finally:
        settle_prefetch()  # pictures asked for ahead and never drawn: let go
    raw = buffer.getvalue()
    keywords = ", ".join(doc.meta.keywords)
    if variant == "print":
        data = finish_print_pdf(
            raw,
            title=doc.meta.title,
            author=doc.meta.author,
            subject=doc.meta.subject,
            keywords=keywords,
            created=created,
            output_condition=layout.print.output_condition,
            output_condition_id=layout.print.output_condition_id,
            registry=layout.print.registry,
        )
    else:
        data = finish_screen_pdf(
            raw,
            title=doc.meta.title,
            author=doc.meta.author,
            subject=doc.meta.subject,
            keywords=keywords,
            created=created,
        )
    return PdfResult(data, template.page, ctx.record)
