"""reportlab flowables that set Japanese text with the JLREQ composer.

Takes composer spans and layout styles; gives platypus flowables: `JParagraph`
(a composed paragraph that splits between lines with widow/orphan control),
`KeepGroup` (keep with next, Word's way), `Boxed` (a bordered, splittable
container), `DataTable` (a table whose rows taller than a page run over),
`Placeholder`, `TocLine`, `FixedPage` (a page whose content must fit, marking any
overflow), `Clipped` (the last resort for a block no page holds), and small
helpers. Nothing here reads the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.tables import Table

from kumihan.layout.spec import BoxStyle, Style
from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.replay import page_store, recording, replay
from kumihan.render.pdf.textdraw import draw_line
from kumihan.typeset.compose import compose
from kumihan.typeset.types import Line, Span

ASCENT = 0.88  # BIZ UD: ascender 1802/2048 em; the em box is centred in the line


def baseline_offset(style: Style) -> float:
    """Distance from a line box's top to its baseline (em box centred in the leading)."""
    return (style.leading - style.size) / 2 + ASCENT * style.size


class JParagraph(Flowable):  # type: ignore[misc]
    """A paragraph composed by the JLREQ composer.

    `marker` (a bullet or number) is set in the space left of `indent_left` on
    the first line. `anchor` becomes a PDF destination; `outline` an outline entry.
    """

    def __init__(
        self,
        spans: Sequence[Span],
        style: Style,
        ctx: RenderContext,
        *,
        indent_first: float | None = None,
        indent_left: float | None = None,
        marker: str = "",
        marker_face: str = "",
        anchor: str = "",
        outline: tuple[str, int] | None = None,
        keep_with_next: bool | None = None,
        space_before: float | None = None,
        space_after: float | None = None,
        lines: list[Line] | None = None,
        continued: bool = False,
        ruled: bool = True,
    ) -> None:
        super().__init__()
        self.spans = list(spans)
        self.style = style
        self.ctx = ctx
        self.indent_first = style.indent_first if indent_first is None else indent_first
        self.indent_left = style.indent_left if indent_left is None else indent_left
        self.marker = marker
        self.marker_face = marker_face or style.face
        self.anchor = anchor
        self.outline = outline
        self.keepWithNext = style.keep_with_next if keep_with_next is None else keep_with_next
        self.spaceBefore = style.space_before if space_before is None else space_before
        self.spaceAfter = style.space_after if space_after is None else space_after
        self._lines = lines
        self._lines_width = -1.0 if lines is None else None
        self.continued = continued  # a split's second part: no marker, no anchor
        self.ruled = ruled  # a split's first part leaves the rule below to the last
        self.width = 0.0
        self.height = 0.0

    # ------------------------------------------------------------ layout

    def measure_width(self, avail: float) -> float:
        return max(1.0, avail - self.indent_left - self.style.indent_right)

    def lines_for(self, avail: float) -> list[Line]:
        width = self.measure_width(avail)
        if self._lines is None or (
            self._lines_width is not None and abs(self._lines_width - width) > 0.01
        ):
            self._lines = compose(
                self.spans,
                width,
                self.ctx.rules(self.style),
                self.ctx.fonts,
                indent_first=self.indent_first,
                indent_rest=0.0,
            )
            self._lines_width = width
        return self._lines

    def rule_space(self) -> float:
        return self.style.rule_below + 3.0 if self.style.rule_below and self.ruled else 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        lines = self.lines_for(avail_width)
        self.width = avail_width
        self.height = len(lines) * self.style.leading + self.rule_space()
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        lines = self.lines_for(avail_width)
        leading = self.style.leading
        fit = int((avail_height + 0.01) // leading)
        total = len(lines)
        if total * leading + self.rule_space() <= avail_height + 0.01:
            return [self]
        fit = min(fit, total - 1)  # all lines but not the rule below: the last line moves
        # widow and orphan control: never one line alone at a page's foot or head
        if total >= 2 and fit < 2:
            return []
        if total - fit < 2:
            fit = total - 2
        if fit < 1:
            return []
        first = self._part(
            lines[:fit], continued=self.continued, keep=False, space_after=0.0, ruled=False
        )
        second = self._part(lines[fit:], continued=True, keep=self.keepWithNext, space_before=0.0)
        return [first, second]

    def _part(
        self,
        lines: list[Line],
        *,
        continued: bool,
        keep: bool,
        space_before: float | None = None,
        space_after: float | None = None,
        ruled: bool = True,
    ) -> JParagraph:
        part = JParagraph(
            self.spans,
            self.style,
            self.ctx,
            indent_first=self.indent_first,
            indent_left=self.indent_left,
            marker="" if continued else self.marker,
            marker_face=self.marker_face,
            anchor="" if continued else self.anchor,
            outline=None if continued else self.outline,
            keep_with_next=keep,
            space_before=self.spaceBefore if space_before is None else space_before,
            space_after=self.spaceAfter if space_after is None else space_after,
            lines=lines,
            continued=continued,
            ruled=ruled and self.ruled,
        )
        part._lines_width = None  # precomposed: never recompose at another width
        return part

    # ------------------------------------------------------------ drawing

    def draw(self) -> None:
        canv = self.canv
        style = self.style
        lines = self._lines or []
        self.mark_anchor(canv, self.height)
        top = self.height
        offset = baseline_offset(style)
        if style.background is not None:
            # a tinted band behind the lines (a period label on a case page)
            canv.setFillColor(self.ctx.painter(style.background))
            canv.rect(
                0,
                top - len(lines) * style.leading,
                self.width,
                len(lines) * style.leading,
                stroke=0,
                fill=1,
            )
        for index, line in enumerate(lines):
            baseline = top - index * style.leading - offset
            draw_line(canv, line, self.indent_left, baseline, self.ctx.painter)
        if self.marker and lines:
            canv.setFillColor(self.ctx.painter(style.color))
            canv.setFont(self.marker_face, style.size)
            width = canv.stringWidth(self.marker, self.marker_face, style.size)
            canv.drawString(
                self.indent_left
                - max(width, style.size * 0.5)
                - style.size * 0.25
                + (max(width, style.size * 0.5) - width),
                top - offset,
                self.marker,
            )
        if style.rule_below and self.ruled:
            canv.setStrokeColor(self.ctx.painter(style.rule_color))
            canv.setLineWidth(style.rule_below)
            y = top - len(lines) * style.leading - 1.5
            canv.line(0, y, self.width, y)

    def mark_anchor(self, canv: Any, top: float) -> None:
        mark_anchor(self.ctx, canv, self.anchor, self.outline, top)


def mark_anchor(
    ctx: RenderContext, canv: Any, anchor: str, outline: tuple[str, int] | None, top: float
) -> None:
    """Make this spot a link destination and an outline entry; record its page."""
    if not anchor:
        return
    record = ctx.record
    _, abs_top = canv.absolutePosition(0, top)
    canv.bookmarkHorizontalAbsolute(anchor, abs_top)
    record.anchors.setdefault(anchor, canv.getPageNumber())
    for notes in ctx.recorders:
        notes.anchors.append(anchor)
    if outline:
        title, level = outline
        # reportlab needs outline levels to step down one at a time
        level = max(0, min(level, record.outline_level + 1))
        canv.addOutlineEntry(title, anchor, level=level, closed=level >= 1)
        record.outline_level = level


class Anchor(Flowable):  # type: ignore[misc]
    """A zero-height destination (and optional outline entry) where it is drawn."""

    def __init__(
        self, ctx: RenderContext, anchor: str, outline: tuple[str, int] | None = None
    ) -> None:
        super().__init__()
        self.ctx, self.anchor, self.outline = ctx, anchor, outline
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        mark_anchor(self.ctx, self.canv, self.anchor, self.outline, 0.0)


class VSpace(Flowable):  # type: ignore[misc]
    def __init__(self, height: float) -> None:
        super().__init__()
        self.height = height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return aw, min(self.height, ah)

    def draw(self) -> None:
        pass


def gap(space_after: float, space_before: float) -> float:
    """The space between two blocks: the larger of the first's space after and the second's
    space before — what reportlab's frames and LibreOffice's Word import both do."""
    return max(space_after, space_before)


class KeepGroup(Flowable):  # type: ignore[misc]
    """A block kept with the start of the next one, as Word's "keep with next" does.

    reportlab's own keepWithNext moves both blocks to the next page when they do not
    fit together; Word keeps the heading (or caption) with the first lines of a long
    paragraph or the first rows of a long table. This splits the follower instead.
    """

    def __init__(self, first: Flowable, rest: Flowable) -> None:
        super().__init__()
        self.first, self.rest = first, rest
        self.spaceBefore = first.getSpaceBefore()
        self.spaceAfter = rest.getSpaceAfter()
        self.keepWithNext = getattr(rest, "keepWithNext", False)
        self.width = self.height = 0.0
        self._heights = (0.0, 0.0, 0.0)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        _, h1 = self.first.wrap(aw, ah)
        space = gap(self.first.getSpaceAfter(), self.rest.getSpaceBefore())
        _, h2 = self.rest.wrap(aw, max(ah - h1 - space, 0.0))
        self._heights = (h1, space, h2)
        self.width, self.height = aw, h1 + space + h2
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        _, h1 = self.first.wrap(aw, ah)
        space = gap(self.first.getSpaceAfter(), self.rest.getSpaceBefore())
        room = ah - h1 - space
        parts = self.rest.split(aw, room) if room > 0 and hasattr(self.rest, "split") else []
        if len(parts) >= 2:
            head = KeepGroup(self.first, parts[0])
            head.spaceBefore = self.spaceBefore  # as the group's (the story may have zeroed it)
            return [head, *parts[1:]]
        if self.fits_a_frame(aw):
            return []  # nothing of the follower fits beside the first: move both
        return self.unbind(aw, ah)

    def fits_a_frame(self, aw: float) -> bool:
        """Whether the group fits an empty frame (the one it is being laid out in; a frame
        is only known to the outermost group, so an inner one answers yes)."""
        frame = getattr(self, "_frame", None)
        if frame is None:
            return True
        full = frame._y2 - frame._topPadding - frame._y1p
        _, height = self.wrap(aw, full)
        return bool(height <= full + 0.01)

    def unbind(self, aw: float, ah: float) -> list[Flowable]:
        """Give up keeping: a group taller than a whole frame would never be placed. The
        first block stays here and the follower runs on, as Word does in that case."""
        first, rest = self.first, self.rest
        first.spaceBefore = self.spaceBefore
        _, h1 = first.wrap(aw, ah)
        if h1 <= ah + 0.01:
            return [first, rest]
        parts = first.split(aw, ah) if hasattr(first, "split") else []
        if len(parts) < 2:
            return []
        return [*parts, rest]

    def draw(self) -> None:
        h1, space, h2 = self._heights
        self.first.drawOn(self.canv, 0, self.height - h1)
        self.rest.drawOn(self.canv, 0, self.height - h1 - space - h2)


def keep_with_next(flowables: list[Flowable]) -> list[Flowable]:
    """Bind each keep-with-next block to its follower (from the end, so chains of
    headings bind together), replacing reportlab's move-everything behaviour."""
    out: list[Flowable] = []
    for flowable in reversed(flowables):
        if (
            getattr(flowable, "keepWithNext", False)
            and out
            and not isinstance(out[-1], ActionFlowable)
        ):
            follower = out.pop()
            flowable.keepWithNext = False
            out.append(KeepGroup(flowable, follower))
        else:
            out.append(flowable)
    out.reverse()
    return out


class DataTable(Table):  # type: ignore[misc]
    """A table that breaks between rows, as Word does by default — except a row taller than
    a whole frame (after the repeated header), which could never be placed: that row is
    split between the lines of its cells, the rest continuing in a row of its own below
    the repeated header on the next page (reportlab's in-row split, used for it alone).

    `frame_height` is the height of the frames the table runs in.
    """

    frame_height = 1e9
    repeatRows: int | tuple[int, ...]

    def row_limit(self) -> float:
        """The tallest row that can stand whole on a page: the frame less the header."""
        repeat = self.repeatRows
        header = range(repeat) if isinstance(repeat, int) else repeat
        return float(self.frame_height - sum(self._rowHeights[i] for i in header))

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self._calc(aw, ah)
        heights: list[float] = self._rowHeights
        if self.repeatRows and self.row_limit() < self.frame_height / 2:
            self.repeatRows = 0  # a header of half a page or more is not repeated
        at = self._getFirstPossibleSplitRowPosition(ah, ignoreSpans=1)
        if at < len(heights) and heights[at] > self.row_limit():
            parts: list[Flowable] = self._splitRows(ah, doInRowSplit=1)
            if len(parts) > 1:
                return parts
        result: list[Flowable] = super().split(aw, ah)
        return result

    def _splitCell(
        self, value: Any, style: Any, old_height: float, new_height: float, width: float
    ) -> Any:
        # reportlab hands a split cell's flowables the column width and the row's height
        # less the top padding only; the cell's text has the width and height inside both
        # paddings. A split row's text starts at its top and runs on.
        style.valign = "TOP"
        return super()._splitCell(
            value,
            style,
            old_height,
            new_height - style.bottomPadding,
            width - style.leftPadding - style.rightPadding,
        )

    def onSplit(self, table: Table, byRow: int = 1) -> None:
        table.frame_height = self.frame_height


@dataclass
class _Placed:
    flowable: Flowable
    y: float  # bottom, relative to the container's inner top (negative downwards)
    height: float


def stack(flowables: Sequence[Flowable], width: float) -> tuple[list[_Placed], float]:
    """Lay flowables top-down in `width`: each one's position and the total height.

    Space before is dropped at the top, as a frame does; between two blocks the larger
    of the space after and the space before applies (`gap`).
    """
    placed: list[_Placed] = []
    y = 0.0
    previous_after = 0.0
    for index, flowable in enumerate(flowables):
        space = gap(previous_after, flowable.getSpaceBefore()) if index else 0.0
        _, height = flowable.wrap(width, 1e6)
        y -= space + height
        placed.append(_Placed(flowable, y, height))
        previous_after = flowable.getSpaceAfter()
    return placed, -y


class Boxed(Flowable):  # type: ignore[misc]
    """A boxed note: border, background, an optional title band, children inside padding.

    It splits between (or inside) its children when it runs over a frame.
    """

    def __init__(
        self,
        children: Sequence[Flowable],
        box: BoxStyle,
        ctx: RenderContext,
        *,
        title: Flowable | None = None,
        footer: Flowable | None = None,
        open_top: bool = False,
        open_bottom: bool = False,
    ) -> None:
        super().__init__()
        self.children = list(children)
        self.box = box
        self.ctx = ctx
        self.title = title
        self.footer = footer
        self.open_top, self.open_bottom = open_top, open_bottom
        self.spaceBefore = self.spaceAfter = 0.0  # spacers around the box carry its space
        self.width = self.height = 0.0
        self._placed: list[_Placed] = []

    def content(self) -> list[Flowable]:
        items = []
        if self.title is not None and not self.open_top:
            items.append(self.title)
        items.extend(self.children)
        if self.footer is not None and not self.open_bottom:
            items.append(self.footer)
        return items

    def inner_width(self, avail: float) -> float:
        return avail - 2 * self.box.padding - self.box.border_width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._placed, height = stack(self.content(), self.inner_width(avail_width))
        self.width = avail_width
        self.height = height + 2 * self.box.padding
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        inner = self.inner_width(avail_width)
        room = avail_height - 2 * self.box.padding
        if room <= 0:
            return []
        head: list[Flowable] = []
        used = 0.0
        items = self.content()
        for index, flowable in enumerate(items):
            _, height = flowable.wrap(inner, 1e6)
            space = gap(head[-1].getSpaceAfter(), flowable.getSpaceBefore()) if head else 0.0
            if used + space + height <= room:
                head.append(flowable)
                used += space + height
                continue
            parts = flowable.split(inner, room - used - space) if hasattr(flowable, "split") else []
            if parts and len(parts) > 1:
                head.append(parts[0])
                tail = list(parts[1:]) + items[index + 1 :]
            else:
                tail = items[index:]
            titled = bool(head) and head[0] is self.title
            if len(head) <= int(titled):
                return []  # nothing, or only the title, would stand at the foot: move the box
            first = self._copy(head[int(titled) :], open_top=self.open_top, open_bottom=True)
            if titled:
                first.title = self.title  # the title keeps its band on the first part
            return [first, self._copy(tail, open_top=True, open_bottom=self.open_bottom)]
        # everything fits: nothing to split (a table cell splitter expects two parts or none)
        return []

    def _copy(self, children: list[Flowable], *, open_top: bool, open_bottom: bool) -> Boxed:
        # the footer already sits in `children` when split; keep it out of the copy
        return Boxed(
            children,
            self.box,
            self.ctx,
            open_top=open_top,
            open_bottom=open_bottom,
            title=None,
            footer=None,
        )

    def draw(self) -> None:
        canv = self.canv
        box = self.box
        paint = self.ctx.painter
        if box.background is not None:
            canv.setFillColor(paint(box.background))
            canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if (
            box.title_band is not None
            and self.title is not None
            and not self.open_top
            and self._placed
        ):
            first = self._placed[0]
            band_h = first.height + box.padding * 1.5
            canv.setFillColor(paint(box.title_band))
            canv.rect(0, self.height - band_h, self.width, band_h, stroke=0, fill=1)
        if box.border is not None and box.border_width > 0:
            canv.setStrokeColor(paint(box.border))
            canv.setLineWidth(box.border_width)
            if self.open_top or self.open_bottom:
                canv.line(0, 0, 0, self.height)
                canv.line(self.width, 0, self.width, self.height)
                if not self.open_top:
                    canv.line(0, self.height, self.width, self.height)
                if not self.open_bottom:
                    canv.line(0, 0, self.width, 0)
            else:
                canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        x = box.padding + box.border_width / 2
        top = self.height - box.padding
        for placed in self._placed:
            placed.flowable.drawOn(canv, x, top + placed.y)


class Placeholder(Flowable):  # type: ignore[misc]
    """A dashed frame with a label: content still to come (原稿準備中) or an absent figure."""

    def __init__(
        self, label: str, height: float, style: Style, ctx: RenderContext, *, detail: str = ""
    ) -> None:
        super().__init__()
        self.label, self.fixed_height, self.style, self.ctx, self.detail = (
            label,
            height,
            style,
            ctx,
            detail,
        )
        self.spaceBefore, self.spaceAfter = ctx.layout.space("placeholder")
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, self.fixed_height
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(self.ctx.painter(self.style.color))
        canv.setLineWidth(0.75)
        canv.setDash(4, 3)
        canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        canv.setDash()
        canv.setFillColor(self.ctx.painter(self.style.color))
        canv.setFont(self.style.face, self.style.size)
        y = self.height / 2 + (self.style.size * 0.3 if self.detail else -self.style.size * 0.35)
        canv.drawCentredString(self.width / 2, y, self.label)
        if self.detail:
            canv.setFont(self.style.face, self.style.size * 0.8)
            canv.drawCentredString(self.width / 2, y - self.style.size * 1.4, self.detail)
        canv.restoreState()


class TocLine(Flowable):  # type: ignore[misc]
    """One contents entry: the entry text, a dot leader, and the page number (a form
    filled after pagination), linked to the entry's destination."""

    def __init__(
        self, para: JParagraph, anchor: str, number_width: float, style: Style, ctx: RenderContext
    ) -> None:
        super().__init__()
        self.para, self.anchor, self.number_width, self.style, self.ctx = (
            para,
            anchor,
            number_width,
            style,
            ctx,
        )
        self.spaceBefore = style.space_before
        self.spaceAfter = style.space_after
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        gap = self.style.size * 2.5
        _, h = self.para.wrap(aw - self.number_width - gap, ah)
        self.width, self.height = aw, h
        return aw, h

    def draw(self) -> None:
        canv = self.canv
        style = self.style
        self.para.drawOn(canv, 0, 0)
        lines = self.para._lines or []
        if not lines:
            return
        last = lines[-1]
        baseline = (len(lines) - 1) * -style.leading + self.height - baseline_offset(style)
        # the text ends where the last run's advance ends (runs are placed from the frame edge)
        end_of_text = last.runs[-1].x + last.runs[-1].width if last.runs else self.para.indent_left
        start = end_of_text + style.size * 0.5
        end = self.width - self.number_width - style.size * 0.4
        canv.setFillColor(self.ctx.painter(style.color))
        canv.setFont(style.face, style.size)
        dot = "."
        step = max(canv.stringWidth(dot, style.face, style.size), style.size * 0.33)
        x = start
        dots = []
        while x + step <= end:
            dots.append(x)
            x += step
        if dots:
            text = canv.beginText()
            text.setFont(style.face, style.size)
            text.setTextOrigin(dots[0], baseline)
            text.setCharSpace(step - canv.stringWidth(dot, style.face, style.size))
            text.textOut(dot * len(dots))
            canv.drawText(text)
        canv.saveState()
        canv.translate(self.width - self.number_width, baseline)
        canv.doForm(self.ctx.page_box(self.anchor, style, align="right"))
        canv.restoreState()
        canv.linkRect("", self.anchor, (0, 0, self.width, self.height), relative=1, thickness=0)


class FixedPage(Flowable):  # type: ignore[misc]
    """A page of fixed content (a case page): children laid top-down in the frame.

    Content that does not fit is not carried to another page: what fits is drawn,
    and a red bar at the foot says by how much the page overflows.

    `children` may be a function that makes them, called only when the page is
    drawn afresh: with a `cache_key` (everything the page's content depends on) and
    a page store in use, a page drawn in an earlier build is replayed instead
    (`kumihan.render.pdf.replay`), and its flowables are never made or laid out.
    """

    def __init__(
        self,
        children: Sequence[Flowable] | Callable[[], Sequence[Flowable]],
        ctx: RenderContext,
        *,
        overflow_label: str = "",
        cache_key: str | None = None,
    ) -> None:
        super().__init__()
        self._children = children
        self.ctx = ctx
        self.overflow_label = overflow_label
        self.cache_key = cache_key
        self.width = self.height = 0.0

    @property
    def children(self) -> list[Flowable]:
        if callable(self._children):
            self._children = list(self._children())
        return list(self._children)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah - 0.01
        return self.width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        store = page_store()
        if store is None or self.cache_key is None:
            super().drawOn(canvas, x, y, _sW)
            return
        key = store.key(f"{self.cache_key}|{self.width:.4f}|{self.height:.4f}", self.ctx, x, y)
        found = store.get(key)
        if found is not None:
            replay(canvas, self.ctx, found)
            return
        with recording(canvas, self.ctx) as drawn:
            super().drawOn(canvas, x, y, _sW)
        if drawn:
            store.put(key, drawn[0])

    def draw(self) -> None:
        canv = self.canv
        y = self.height
        previous_after = 0.0
        for index, flowable in enumerate(self.children):
            space = gap(previous_after, flowable.getSpaceBefore()) if index else 0.0
            _, height = flowable.wrap(self.width, 1e6)
            if y - space - height < -0.01:
                parts = flowable.split(self.width, y - space) if hasattr(flowable, "split") else []
                if parts and len(parts) > 1:
                    _, h0 = parts[0].wrap(self.width, y - space)
                    parts[0].drawOn(canv, 0, y - space - h0)
                break
            flowable.drawOn(canv, 0, y - space - height)
            y -= space + height
            previous_after = flowable.getSpaceAfter()
        if self.overflow_label:
            draw_overflow(canv, self.ctx, self.width, self.overflow_label)


def draw_overflow(canv: Any, ctx: RenderContext, width: float, label: str) -> None:
    """The red bar at a frame's foot that says what does not fit."""
    style = ctx.layout.style("overflow")
    color = ctx.layout.colors.get("overflow", (0.0, 1.0, 1.0, 0.0))
    canv.saveState()
    canv.setFillColor(ctx.painter(color))
    canv.rect(0, -4, width, style.size * 1.8, stroke=0, fill=1)
    canv.setFillColor(ctx.painter((0.0, 0.0, 0.0, 0.0)))
    canv.setFont(style.face, style.size)
    canv.drawCentredString(width / 2, -4 + style.size * 0.55, label)
    canv.restoreState()


class Clipped(Flowable):  # type: ignore[misc]
    """A block no page can hold and that cannot be split, cut at the frame's foot.

    The last resort of the page machinery (`KumihanDoc.handle_flowable`): what fits is
    drawn, a red bar says how much is cut, and the page is noted in `record.overflows`
    so the build can report it, instead of the whole build failing.
    """

    def __init__(self, inner: Flowable, ctx: RenderContext) -> None:
        super().__init__()
        self.inner, self.ctx = inner, ctx
        self.spaceBefore = self.spaceAfter = 0.0
        self.width = self.height = self.full = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        _, self.full = self.inner.wrap(aw, ah)
        self.width, self.height = aw, max(0.0, min(self.full, ah - 0.01))
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        cut = self.full - self.height
        canv.saveState()
        path = canv.beginPath()
        path.rect(0, 0, self.width, self.height)
        canv.clipPath(path, stroke=0, fill=0)
        self.inner.drawOn(canv, 0, self.height - self.full)
        canv.restoreState()
        leading = self.ctx.layout.style("body").leading
        lines = int(-(-cut // leading))
        self.ctx.record.overflows.append((canv.getPageNumber(), cut))
        draw_overflow(
            canv,
            self.ctx,
            self.width,
            f"はみ出し：1ページに収まらないため 約{lines}行分を省きました。分けるか短くしてください",
        )


def measure(flowables: Sequence[Flowable], width: float) -> float:
    """The height a list of flowables takes stacked in `width` (what `FixedPage` draws)."""
    _, height = stack(flowables, width)
    return height
