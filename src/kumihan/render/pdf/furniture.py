"""Page-level pieces: the case band, the cover, the colophon, placed images.

Takes already-composed paragraphs and layout colours; gives flowables that
draw relative to the page as well as the frame (a band or a cover background
runs into the bleed). `page_geometry` says where the trim is on the media.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.platypus.flowables import Flowable

from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.flowables import JParagraph, stack
from kumihan.render.pdf.images import PreparedImage
from kumihan.render.pdf.picture import place_picture


def trim_origin(ctx: RenderContext) -> float:
    """Where the trim box starts on the media (print: bleed + slug; screen: 0)."""
    page = ctx.layout.page
    return page.bleed + page.slug if ctx.variant == "print" else 0.0


def _page_rect(canv: Any, ctx: RenderContext) -> tuple[float, float, float, float]:
    """The bleed rectangle (print) or the page (screen) in the flowable's coordinates."""
    page = ctx.layout.page
    origin = trim_origin(ctx)
    bleed = page.bleed if ctx.variant == "print" else 0.0
    ax, ay = canv.absolutePosition(0, 0)
    left = origin - bleed - ax
    bottom = origin - bleed - ay
    return left, bottom, page.width + 2 * bleed, page.height + 2 * bleed


def mark_page(canv: Any, flag: str) -> None:
    """Tell the page furniture something about this page (e.g. ``no_header``)."""
    doc = getattr(canv, "_doctemplate", None)
    if doc is not None and hasattr(doc, "page_flags"):
        doc.page_flags.add(flag)


class Band(Flowable):  # type: ignore[misc]
    """The coloured band that opens a case page, running to the trim edges and into the bleed.

    Its top is the page's top edge (+ bleed); the text sits inside the frame.
    """

    def __init__(
        self,
        paragraphs: Sequence[Flowable],
        ctx: RenderContext,
        color: tuple[float, float, float, float],
        padding: float = 8.0,
    ) -> None:
        super().__init__()
        self.paragraphs = list(paragraphs)
        self.ctx = ctx
        self.color = color
        self.padding = padding
        self.width = self.height = 0.0
        self._placed: list[Any] = []

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self._placed, height = stack(self.paragraphs, aw)
        self.width, self.height = aw, height + self.padding
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        mark_page(canv, "no_header")
        left, _, width, full_height = _page_rect(canv, self.ctx)
        _, ay = canv.absolutePosition(0, 0)
        page_top = (
            trim_origin(self.ctx)
            + self.ctx.layout.page.height
            + (self.ctx.layout.page.bleed if self.ctx.variant == "print" else 0.0)
        )
        top = page_top - ay
        canv.setFillColor(self.ctx.painter(self.color))
        canv.rect(left, 0, width, top, stroke=0, fill=1)
        for placed in self._placed:
            placed.flowable.drawOn(canv, 0, self.height + placed.y)
        del full_height


class Cover(Flowable):  # type: ignore[misc]
    """The cover: a full-bleed colour field at the top, the lines set down the page."""

    def __init__(
        self,
        lines: Sequence[JParagraph],
        ctx: RenderContext,
        color: tuple[float, float, float, float],
    ) -> None:
        super().__init__()
        self.lines = list(lines)
        self.ctx = ctx
        self.color = color
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah - 0.01
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        mark_page(canv, "no_header")
        mark_page(canv, "no_footer")
        left, bottom, width, height = _page_rect(canv, self.ctx)
        field = height * 0.42
        canv.setFillColor(self.ctx.painter(self.color))
        canv.rect(left, bottom + height - field, width, field, stroke=0, fill=1)
        if not self.lines:
            return
        # programme and title in the upper field, the kind mid-page, date and organisation low
        head, rest = self.lines[:2], self.lines[2:]
        y = self.height - 40.0
        for para in head:
            _, h = para.wrap(self.width, self.height)
            y -= para.getSpaceBefore() + h
            para.drawOn(canv, 0, y)
            y -= 14.0
        y = self.height * 0.45
        for index, para in enumerate(rest):
            _, h = para.wrap(self.width, self.height)
            if index == 1:
                y = 90.0
            y -= h
            para.drawOn(canv, 0, y)
            y -= 8.0


class ImageBox(Flowable):  # type: ignore[misc]
    """A placed raster image, centred, scaled to `width` (keeping its aspect ratio)."""

    def __init__(
        self,
        image: Image.Image,
        width: float,
        max_height: float,
        space: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        super().__init__()
        self.image = image
        ratio = image.height / image.width if image.width else 1.0
        self.draw_width = width
        self.draw_height = width * ratio
        if self.draw_height > max_height:
            self.draw_height = max_height
            self.draw_width = max_height / ratio
        self.spaceBefore, self.spaceAfter = space
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, self.draw_height
        return self.width, self.height

    def draw(self) -> None:
        x = (self.width - self.draw_width) / 2
        if isinstance(self.image, PreparedImage):
            place_picture(self.canv, self.image, x, 0, self.draw_width, self.draw_height)
        else:
            self.canv.drawImage(ImageReader(self.image), x, 0, self.draw_width, self.draw_height)


class Centered(Flowable):  # type: ignore[misc]
    """Centres a fixed-size flowable (a chart drawing) in the frame width."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        w, h = self.inner.wrap(aw, ah)
        self.inner_w = w
        self.width, self.height = aw, h
        return aw, h

    def draw(self) -> None:
        self.inner.drawOn(self.canv, (self.width - self.inner_w) / 2, 0)
