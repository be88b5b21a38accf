"""The page machinery: parts, page templates, headers and footers, numbering, marks.

Takes the flowables of each part and the layout's page geometry; lays them out
with reportlab's platypus and gives the PDF bytes. Pages mirror left/right,
parts start on the next or the next right-hand page, page numbers follow each
part's numbering, and in the print variant the media carries bleed and トンボ
with TrimBox/BleedBox on every page.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.colors import CMYKColorSep
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError, PageBegin
from reportlab.platypus.flowables import Flowable

from kumihan import model as m
from kumihan.layout.spec import HeaderFooter, Layout
from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.flowables import Clipped, VSpace, keep_with_next
from kumihan.render.pdf.flowing import PageRun, RunRecorder, replayable
from kumihan.render.pdf.furniture import trim_origin
from kumihan.transforms.numbers import roman


class PartStart(ActionFlowable):  # type: ignore[misc]
    """Begins a part: a page break (unless it continues), a blank page to reach a
    right-hand page when asked, and the part's template, numbering and running head."""

    def __init__(self, part: m.Part, first: bool) -> None:
        super().__init__()
        self.part = part
        self.first = first

    def apply(self, doc: KumihanDoc) -> None:
        part = self.part
        if self.first:
            if doc.first_part is not part:  # else adopted before page 1 began (`build`)
                doc.adopt(part)
            return
        if part.start == "continue":
            doc.running_head = part.running_head or doc.running_head
            return
        doc.pending_part = part
        doc.handle_pageBreak()
        if part.start == "right" and (doc.page + 1) % 2 == 0:
            doc.blank_next = True


class SwitchTemplate(ActionFlowable):  # type: ignore[misc]
    """Use another page template (and running heads) from the next page on, or go back.

    A case inside a flowing part (the 概略書's example case) is set on case pages.
    """

    def __init__(self, template: str | None, running_head: str = "", subhead: str = "") -> None:
        super().__init__()
        self.template, self.running_head, self.subhead = template, running_head, subhead

    def apply(self, doc: KumihanDoc) -> None:
        if self.template is None:
            if doc.saved_templates:
                doc.template_name, doc.running_head, doc.subhead = doc.saved_templates.pop()
            return
        doc.saved_templates.append((doc.template_name, doc.running_head, doc.subhead))
        doc.template_name = (
            self.template if self.template in doc.layout.templates else doc.template_name
        )
        doc.running_head = self.running_head or doc.running_head
        doc.subhead = self.subhead


class NewPageUnlessAtTop(ActionFlowable):  # type: ignore[misc]
    """A page break that does nothing at the top of a page (reportlab's own
    PageBreakIfNotEmpty only works right after another break)."""

    def apply(self, doc: KumihanDoc) -> None:
        if doc._hanging and doc._hanging[-1] is PageBegin:
            return  # the next page has not begun: already at a page top
        if doc.frame is not None and not doc.frame._atTop:
            doc.handle_pageBreak()


class KumihanDoc(BaseDocTemplate):  # type: ignore[misc]
    """A platypus document with the toolkit's page semantics."""

    def __init__(self, buffer: io.BytesIO, ctx: RenderContext, meta: m.Metadata, **kw: Any) -> None:
        self.ctx = ctx
        self.layout: Layout = ctx.layout
        page = self.layout.page
        origin = trim_origin(ctx)
        media = (page.width + 2 * origin, page.height + 2 * origin)
        super().__init__(
            buffer,
            pagesize=media,
            leftMargin=0,
            rightMargin=0,
            topMargin=0,
            bottomMargin=0,
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            creator="kumihan",
            invariant=1,
            **kw,
        )
        self.meta = meta
        self.origin = origin
        self.template_name = "body"
        self.numbering = "arabic"
        self.counter = 0
        self.running_head = ""
        self.pending_part: m.Part | None = None
        self.first_part: m.Part | None = None
        self.blank_next = False
        self.blank = False
        self.page_flags: set[str] = set()
        self._label_style: tuple[str, int] | None = None
        self.subhead = ""
        self.saved_templates: list[tuple[str, str, str]] = []
        self.page_state = ("body", "", "")
        self.queue: list[Flowable] = []  # the story being laid out (`flowing.PageRun`)
        self.run_recorder: RunRecorder | None = None  # a run of pages being recorded
        templates = []
        for name in self.layout.templates:
            for odd in (True, False):
                templates.append(
                    PageTemplate(
                        id=f"{name}:{'odd' if odd else 'even'}",
                        frames=[self._frame(name, odd)],
                        onPageEnd=self._furniture,
                    )
                )
        self.addPageTemplates(templates)

    def _frame(self, template: str, odd: bool) -> Frame:
        margins = self.layout.margins(template)
        width, height = self.layout.frame_size(template)
        left = margins.inside if odd else margins.outside
        return Frame(
            self.origin + left,
            self.origin + margins.bottom,
            width,
            height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            showBoundary=0,
        )

    # ------------------------------------------------------------ parts and pages

    def build(self, flowables: list[Flowable], *args: Any, **kw: Any) -> None:
        # platypus begins page 1 before it reads the first flowable: the first part's
        # numbering and template must already hold then, or the cover is counted and
        # labelled in the default style and the first folio printed twice
        if flowables and isinstance(flowables[0], PartStart) and flowables[0].first:
            self.first_part = flowables[0].part
            self.adopt(self.first_part)
        try:
            super().build(flowables, *args, **kw)
        finally:
            if self.run_recorder is not None:  # a build that failed within a run
                self.run_recorder.abandon()
                self.run_recorder = None

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        self.queue = flowables
        first = flowables[0] if flowables else None
        after = flowables[1] if len(flowables) > 1 else None
        try:
            super().handle_flowable(flowables)
        except LayoutError:
            # platypus gives up on a block no empty frame holds that will not split; taken
            # out alone, it is set cut at the frame's foot and noted, not fatal to the build
            taken_alone = flowables[0] is after if flowables else after is None
            if first is None or isinstance(first, ActionFlowable | Clipped) or not taken_alone:
                raise
            flowables.insert(0, Clipped(first, self.ctx))
            if self.frame is not None and not self.frame._atTop:
                self.handle_frameEnd()

    def adopt(self, part: m.Part) -> None:
        """Take a part's template, numbering and running head from its first page on."""
        self.template_name = part.template if part.template in self.layout.templates else "body"
        if part.restart:
            self.counter = 0  # as Word: the count only restarts where a section says so
        self.numbering = part.numbering
        self.running_head = part.running_head
        self.subhead = part.subhead
        self.ctx.record.parts.append((part.name, getattr(self, "page", 0) or 1))

    def handle_pageBegin(self) -> None:
        self.blank = self.blank_next
        self.blank_next = False
        if not self.blank and self.pending_part is not None:
            self.adopt(self.pending_part)
            self.pending_part = None
            self.ctx.record.parts[-1] = (self.ctx.record.parts[-1][0], self.page + 1)
        physical = self.page + 1
        side = "odd" if physical % 2 else "even"
        self.pageTemplate = next(
            t for t in self.pageTemplates if t.id == f"{self.template_name}:{side}"
        )
        self.page_flags = set()
        # the furniture is drawn at the page's end: keep the heads this page began with
        self.page_state = (self.template_name, self.running_head, self.subhead)
        self.counter += 1
        label = ""
        if self.numbering == "arabic":
            label = str(self.counter)
        elif self.numbering == "roman":
            label = roman(self.counter)
        self.ctx.record.labels[physical] = label
        self._page_label(physical)
        super().handle_pageBegin()
        self._boxes()
        if self.blank:
            # a blank left-hand page before a right-hand start: end it at once
            self._hanging.insert(0, _EndBlank())
        if self.run_recorder is not None:
            self.run_recorder.begin_page(self)

    def handle_pageEnd(self) -> None:
        recorder = self.run_recorder
        if recorder is not None and recorder.current is not None and recorder.end_page(self):
            self.run_recorder = None  # the run's last page: kept
        super().handle_pageEnd()  # the furniture, not part of the run's record

    def _page_label(self, physical: int) -> None:
        """PDF /PageLabels so a viewer shows the printed numbers (i, ii, 1, 2 …).

        A new label range starts where the numbering style changes or restarts;
        unnumbered pages (the cover) get an empty label.
        """
        style = {"arabic": "ARABIC", "roman": "ROMAN_LOWER"}.get(self.numbering)
        expected = None
        if self._label_style is not None and self._label_style[0] == (style or ""):
            expected = self._label_style[1] + 1
        if expected == self.counter:
            self._label_style = (style or "", self.counter)
            return
        if style:
            self.canv.addPageLabel(physical - 1, style=style, start=self.counter)
        else:
            self.canv.addPageLabel(physical - 1, prefix=" ")
        self._label_style = (style or "", self.counter)

    def _boxes(self) -> None:
        if self.ctx.variant != "print":
            return
        page = self.layout.page
        o, b = self.origin, page.bleed
        self.canv.setTrimBox((o, o, o + page.width, o + page.height))
        self.canv.setBleedBox((o - b, o - b, o + page.width + b, o + page.height + b))

    # ------------------------------------------------------------ furniture

    def _furniture(self, canv: Canvas, doc: KumihanDoc) -> None:
        template = self.layout.templates.get(self.page_state[0])
        if self.ctx.variant == "print":
            draw_marks(canv, self.layout, self.origin)
        if self.blank or template is None:
            return
        physical = canv.getPageNumber()
        odd = physical % 2 == 1
        if template.header and "no_header" not in self.page_flags:
            self._header_footer(canv, template.header, odd, top=True, mirror=template.mirror)
        if template.footer and "no_footer" not in self.page_flags:
            self._header_footer(canv, template.footer, odd, top=False, mirror=template.mirror)

    def _fields(self, text: str) -> str:
        label = self.ctx.record.labels.get(self.canv.getPageNumber(), "")
        return (
            text.replace("{page}", label)
            .replace("{running_head}", self.page_state[1])
            .replace("{subhead}", self.page_state[2])
            .replace("{title}", self.layout.title)
            .replace("{organisation}", self.meta.organisation)
        )

    def _header_footer(
        self, canv: Canvas, spec: HeaderFooter, odd: bool, *, top: bool, mirror: bool
    ) -> None:
        page = self.layout.page
        style = self.layout.style(spec.style)
        margins = self.layout.margins(self.page_state[0])
        left_x = self.origin + (margins.inside if odd else margins.outside)
        right_x = self.origin + page.width - (margins.outside if odd else margins.inside)
        if top:
            y = self.origin + page.height - page.header_distance
        else:
            y = self.origin + page.footer_distance
        left, right = spec.left, spec.right
        if mirror and not odd:
            left, right = right, left
        canv.saveState()
        canv.setFillColor(self.ctx.painter(style.color))
        canv.setFont(style.face, style.size)
        for text, where in ((left, "left"), (spec.center, "center"), (right, "right")):
            value = self._fields(text)
            if not value:
                continue
            if where == "left":
                canv.drawString(left_x, y, value)
            elif where == "right":
                canv.drawRightString(right_x, y, value)
            else:
                canv.drawCentredString((left_x + right_x) / 2, y, value)
        if spec.rule:
            rule = self.layout.colors.get("rule", (0.0, 0.0, 0.0, 1.0))
            canv.setStrokeColor(self.ctx.painter(rule))
            canv.setLineWidth(0.5)
            offset = -style.size * 0.45 if top else style.size * 1.2
            canv.line(left_x, y + offset, right_x, y + offset)
        canv.restoreState()

    # ------------------------------------------------------------ the end

    def _endBuild(self) -> None:
        # pad to the layout's page multiple, then fill the page-number forms, then save
        self._doSave = 0
        super()._endBuild()
        # blank pages to reach the binding's page multiple: print only, the web needs none
        pad = self.layout.page.pad_to if self.ctx.variant == "print" else 0
        while pad and self.page % pad:
            self.blank_next = True
            self.handle_pageBegin()
            self._hanging: list[Flowable] = []  # end the blank page here, not in the story loop
            self._emptyPages = 0
            self.handle_pageEnd()
        self._hanging = []
        define_page_forms(self.canv, self.ctx)
        self.canv.save()


class _EndBlank(ActionFlowable):  # type: ignore[misc]
    def apply(self, doc: KumihanDoc) -> None:
        doc.handle_pageBreak()


def define_page_forms(canv: Canvas, ctx: RenderContext) -> None:
    """Fill every page-number form drawn (contents, page references) with the true number."""
    for name, (anchor, align, face, size, color) in sorted(ctx.forms.items()):
        label = ctx.record.page_of(anchor)
        canv.beginForm(name, 0, -size, size * 4, size * 2)
        canv.setFillColor(ctx.painter(color))
        canv.setFont(face, size)
        if align == "right":
            canv.drawRightString(size * 2.5, 0, label)
        else:
            canv.drawString(0, 0, label)
        canv.endForm()


def draw_marks(canv: Canvas, layout: Layout, origin: float) -> None:
    """Japanese トンボ in registration colour: double corner marks and centre marks.

    Corner: for each edge direction, one line on the trim line and one on the
    bleed line, both starting outside the bleed and running out into the slug.
    Every page of a document draws the same marks: the first page's operators (and the
    spot colour they name, which each page's resources list) are kept on the canvas
    and copied onto the later pages.
    """
    page = layout.page
    key = (page.width, page.height, page.bleed, page.slug, origin)
    made: tuple[Any, list[str], dict[Any, Any]] | None = getattr(canv, "_kumihan_marks", None)
    if made is not None and made[0] == key:
        canv._code.extend(made[1])
        canv._colorsUsed.update(made[2])
        return
    # the spot colours the marks name, seen apart from the page's others
    start, page_colors = len(canv._code), canv._colorsUsed
    canv._colorsUsed = {}
    try:
        _draw_marks(canv, layout, origin)
    finally:
        colors, canv._colorsUsed = canv._colorsUsed, page_colors
        page_colors.update(colors)
    canv._kumihan_marks = (key, canv._code[start:], colors)


def _draw_marks(canv: Canvas, layout: Layout, origin: float) -> None:
    page = layout.page
    b = page.bleed
    length = min(page.slug - 1.0, 10 * 72 / 25.4)
    x0, y0 = origin, origin
    x1, y1 = origin + page.width, origin + page.height
    registration = CMYKColorSep(1, 1, 1, 1, spotName="All")
    canv.saveState()
    canv.setStrokeColor(registration)
    canv.setLineWidth(0.3)
    for cx, sx in ((x0, -1), (x1, 1)):
        for cy, sy in ((y0, -1), (y1, 1)):
            # horizontal lines (on the trim line and on the bleed line), out from the bleed
            for y in (cy, cy + sy * b):
                canv.line(cx + sx * b, y, cx + sx * (b + length), y)
            for x in (cx, cx + sx * b):
                canv.line(x, cy + sy * b, x, cy + sy * (b + length))
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    arm = 5 * 72 / 25.4
    for x, y, horizontal in (
        (mx, y1 + b, False),
        (mx, y0 - b, False),
        (x0 - b, my, True),
        (x1 + b, my, True),
    ):
        if horizontal:
            direction = -1 if x < mx else 1
            canv.line(x, y, x + direction * length, y)
            canv.line(x + direction * length / 2, y - arm, x + direction * length / 2, y + arm)
        else:
            direction = 1 if y > my else -1
            canv.line(x, y, x, y + direction * length)
            canv.line(x - arm, y + direction * length / 2, x + arm, y + direction * length / 2)
    canv.restoreState()


PartFlowables = list[Flowable] | Callable[[], list[Flowable]]


def story_for(parts: Sequence[tuple[m.Part, PartFlowables]]) -> list[Flowable]:
    """The flat story: each part's flowables preceded by its `PartStart`.

    Parts are taken in runs, each beginning on a page of its own (a part that
    `continue`s joins the run before it). A run that can be replayed (`flowing`) is
    a `PageRun`, whose flowables are made only if its pages were not drawn before.
    """
    story: list[Flowable] = []
    for run in _runs(parts):
        first_index, (first, _) = run[0]
        story.append(PartStart(first, first=first_index == 0))

        def items(run: list[tuple[int, tuple[m.Part, PartFlowables]]] = run) -> list[Flowable]:
            made: list[Flowable] = []
            for index, (part, flowables) in run:
                if index != run[0][0]:
                    made.append(PartStart(part, first=False))
                made.extend(_part_flowables(part, flowables, index == 0))
            return made

        parts_of_run = [part for _, (part, _) in run]
        if first_index == 0 or not replayable(parts_of_run):
            story.extend(items())
        else:
            story.append(PageRun(parts_of_run, items))
    return story


def _runs(
    parts: Sequence[tuple[m.Part, PartFlowables]],
) -> list[list[tuple[int, tuple[m.Part, PartFlowables]]]]:
    """The parts in runs: a new run wherever a part does not `continue` the page."""
    runs: list[list[tuple[int, tuple[m.Part, PartFlowables]]]] = []
    for index, entry in enumerate(parts):
        if not runs or entry[0].start != "continue":
            runs.append([])
        runs[-1].append((index, entry))
    return runs


def _part_flowables(part: m.Part, flowables: PartFlowables, first: bool) -> list[Flowable]:
    bound = keep_with_next(flowables() if callable(flowables) else flowables)
    if bound and (first or part.start != "continue") and bound[0].getSpaceBefore() > 0:
        # Word keeps a paragraph's space before at the top of a new section's first
        # page (it drops it only after a natural page break); so do we
        bound = [VSpace(bound[0].getSpaceBefore()), *bound]
        bound[1].spaceBefore = 0.0
    return bound
