"""Model blocks → platypus flowables, styled by the layout.

Takes model blocks (after transforms) and a `RenderContext`; gives the list of
flowables the document template lays out. Each model node maps to one kind of
flowable; styles come from the layout by role name, never from constants here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from reportlab.lib.colors import Color
from reportlab.platypus import PageBreak, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from kumihan import model as m
from kumihan.cache import value_digest
from kumihan.layout.spec import Layout, Style
from kumihan.render.pdf.charts import chart_drawing
from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.document import NewPageUnlessAtTop, SwitchTemplate
from kumihan.render.pdf.flowables import (
    Anchor,
    Boxed,
    DataTable,
    FixedPage,
    JParagraph,
    Placeholder,
    TocLine,
    VSpace,
)
from kumihan.render.pdf.furniture import Band, Centered, Cover, ImageBox
from kumihan.render.pdf.images import ImageProblem, prepared
from kumihan.transforms.fit import layout_for
from kumihan.transforms.numbers import heading_label
from kumihan.typeset.types import Span

LIST_PARAGRAPH_ROLES = ("body", "list", "noindent")


class FlowableBuilder:
    """Builds flowables for one document render (one layout, one variant)."""

    def __init__(self, ctx: RenderContext, frame_width: float, frame_height: float) -> None:
        self.ctx = ctx
        self.frame_width = frame_width
        self.frame_height = frame_height

    @property
    def layout(self) -> Layout:
        return self.ctx.layout

    def style(self, role: str) -> Style:
        return self.layout.style(role)

    def para(self, inlines: m.Inlines, role: str, **kw: object) -> JParagraph:
        style = self.style(role)
        return JParagraph(self.ctx.spans(inlines, style), style, self.ctx, **kw)  # type: ignore[arg-type]

    def text(self, text: str, role: str, **kw: object) -> JParagraph:
        return self.para((m.Text(text),), role, **kw)

    # ------------------------------------------------------------ dispatch

    def blocks(
        self, blocks: Sequence[m.Block], *, depth: int = 0, list_role: str = ""
    ) -> list[Flowable]:
        out: list[Flowable] = []
        for block in blocks:
            out.extend(self.block(block, depth=depth, list_role=list_role))
        return out

    def block(self, block: m.Block, *, depth: int = 0, list_role: str = "") -> list[Flowable]:
        if isinstance(block, m.Heading):
            return [self.heading(block)]
        if isinstance(block, m.Paragraph):
            role = block.role
            # inside a list, a box or a quote, plain paragraphs take the container's style
            if list_role and (role in LIST_PARAGRAPH_ROLES or role.endswith("-item")):
                role = list_role
            return [self.para(block.content, role)]
        if isinstance(block, m.ListBlock):
            return self.list_block(block, depth, list_role)
        if isinstance(block, m.Table):
            return self.table(block)
        if isinstance(block, m.Figure):
            return self.figure(block)
        if isinstance(block, m.Quote):
            return self.blocks(block.blocks, list_role="quote")
        if isinstance(block, m.Box):
            box = self.box(block)
            return spaced(box, box.box.space_before, box.box.space_after)
        if isinstance(block, m.Band):
            return spaced(self.band(block), *self.layout.space("band"))
        if isinstance(block, m.Placeholder):
            style = self.style("placeholder")
            height = max(1, block.lines) * self.style("body").leading
            return spaced(
                Placeholder(block.label, height, style, self.ctx), *self.layout.space("placeholder")
            )
        if isinstance(block, m.PageBreak):
            return [PageBreak()]
        if isinstance(block, m.Toc):
            return self.toc(block)
        if isinstance(block, m.Notes):
            return self.notes(block)
        if isinstance(block, m.Cover):
            return [self.cover(block)]
        if isinstance(block, m.Colophon):
            return [self.colophon(block)]
        if isinstance(block, m.CaseSpread):
            return self.case(block)
        return []

    # ------------------------------------------------------------ text blocks

    def heading(self, block: m.Heading) -> JParagraph:
        role = block.role or f"heading-{block.level}"
        label = heading_label(block.number, block.content)
        outline = None
        if not block.role and block.in_toc:
            outline = (m.plain_text(label), block.level - 1)
        return self.para(label, role, anchor=block.anchor, outline=outline)

    def list_block(self, block: m.ListBlock, depth: int, list_role: str = "") -> list[Flowable]:
        """Items with their marker hung in the indent; a list inside a box or a card takes
        the container's text style (`list_role`) unless it names a list style of its own."""
        if block.role in self.layout.styles and block.role not in ("list",):
            role = block.role
        elif list_role:
            role = list_role
        else:
            role = "list-number" if block.ordered else "list"
        style = self.style(role)
        bullets = self.layout.bullets or ("・",)
        marker_width = style.size
        indent = style.indent_left + (depth + 1) * marker_width
        out: list[Flowable] = []
        for index, item in enumerate(block.items):
            marker = (
                f"{block.start + index}."
                if block.ordered
                else (block.marker or bullets[min(depth, len(bullets) - 1)])
            )
            first = True
            for child in item.blocks:
                if isinstance(child, m.Paragraph):
                    para_role = (
                        role
                        if child.role in LIST_PARAGRAPH_ROLES or child.role.endswith("-item")
                        else child.role
                    )
                    para_style = replace(
                        self.style(para_role), indent_first=0.0, space_before=0.0, space_after=0.0
                    )
                    spans = self.ctx.spans(child.content, para_style)
                    out.append(
                        JParagraph(
                            spans,
                            para_style,
                            self.ctx,
                            indent_left=indent,
                            marker=marker if first else "",
                        )
                    )
                    first = False
                elif isinstance(child, m.ListBlock):
                    out.extend(self.list_block(child, depth + 1, list_role))
                else:
                    out.extend(self.block(child, depth=depth + 1))
        if out:
            out[0].spaceBefore = style.space_before
            out[-1].spaceAfter = style.space_after
        return out

    def notes(self, block: m.Notes) -> list[Flowable]:
        out: list[Flowable] = [self.text("注", "notes-title")]
        for note in block.items:
            first = True
            for child in note.blocks:
                if isinstance(child, m.Paragraph):
                    style = self.style("note")
                    out.append(
                        JParagraph(
                            self.ctx.spans(child.content, style),
                            style,
                            self.ctx,
                            indent_left=style.size * 2.2,
                            marker=f"{note.number}" if first else "",
                        )
                    )
                    first = False
                else:
                    out.extend(self.block(child))
        return out

    # ------------------------------------------------------------ boxes, figures, tables

    def box(self, block: m.Box) -> Boxed:
        box_style = self.layout.boxes.get(block.kind) or self.layout.boxes.get("note")
        assert box_style is not None, "the house layout defines a 'note' box"
        body_role = box_style.body_style
        children: list[Flowable] = []
        for child in block.blocks:
            if isinstance(child, m.Paragraph) and child.role in ("body", "box-body"):
                children.append(self.para(child.content, body_role))
            else:
                children.extend(self.block(child, list_role=body_role))
        title = self.para(block.title, box_style.title_style) if block.title else None
        footer = self.para(block.footer, box_style.footer_style) if block.footer else None
        boxed = Boxed(children, box_style, self.ctx, title=title, footer=footer)
        # a table row runs over pages when it is taller than the room a page gives it:
        # inside the box that room is less the padding, the border, the title and the footer
        inner = boxed.inner_width(self.frame_width)
        chrome = 2 * box_style.padding + box_style.border_width
        for part in (title, footer):
            if part is not None:
                _, height = part.wrap(inner, 1e6)
                chrome += height + max(part.getSpaceBefore(), part.getSpaceAfter())
        for table in tables_in(children):
            table.frame_height -= chrome
        return boxed

    def caption(self, caption: m.Caption | None) -> list[Flowable]:
        if caption is None or not (caption.content or caption.number):
            return []
        label: m.Inlines = (
            (m.Text(caption.number + "　"),) if caption.number else ()
        ) + caption.content
        return [self.para(label, "caption")]

    def source(self, caption: m.Caption | None, credit: str = "") -> list[Flowable]:
        out: list[Flowable] = []
        if caption is not None and caption.source:
            out.append(self.para(caption.source, "source"))
        if credit:
            out.append(self.text(credit, "source"))
        return out

    def figure(self, block: m.Figure) -> list[Flowable]:
        width = self.frame_width * block.width
        role = block.role
        caption_role = "case-caption" if role.startswith("case") else "caption"
        out: list[Flowable] = []
        if block.anchor:
            out.append(Anchor(self.ctx, block.anchor))
        caption = self.caption(block.caption) if caption_role == "caption" else []
        out.extend(caption)
        if block.chart is not None:
            chart = Centered(chart_drawing(block.chart, width, self.ctx))
            figure_style = self.style("figure")
            chart.spaceBefore, chart.spaceAfter = (
                figure_style.space_before,
                figure_style.space_after,
            )
            out.append(chart)
        elif block.missing or not block.image:
            label = self.layout.labels.get("figure-placeholder", "図版準備中")
            text = m.plain_text(block.caption.content) if block.caption else ""
            frame = Placeholder(
                f"{label}：{text}" if text else label,
                width * 0.42,
                self.style("placeholder"),
                self.ctx,
                detail=f"assets/{block.image}",
            )
            out.extend(spaced(frame, *self.layout.space("placeholder")))
        else:
            try:
                path = self.ctx.assets / block.image
                image = prepared(
                    path,
                    self.ctx.variant,
                    self.ctx.assets / self.layout.print.icc_profile,
                    (width, width),
                )
                figure = self.style("figure")
                out.append(
                    ImageBox(
                        image,
                        width,
                        self.frame_height * 0.45,
                        (figure.space_before, figure.space_after),
                    )
                )
            except ImageProblem as problem:
                frame = Placeholder(
                    f"画像を読めません：{problem}", width * 0.3, self.style("placeholder"), self.ctx
                )
                out.extend(spaced(frame, *self.layout.space("placeholder")))
        if caption_role != "caption" and block.caption is not None:
            out.append(self.para(block.caption.content, caption_role))
        out.extend(self.source(block.caption, block.credit))
        if caption:
            caption[0].keepWithNext = True
        return out

    def table(self, block: m.Table) -> list[Flowable]:
        out: list[Flowable] = []
        if block.anchor:
            out.append(Anchor(self.ctx, block.anchor))
        caption = self.caption(block.caption)
        out.extend(caption)
        columns = block.columns
        if not columns:
            return out
        weights = list(block.widths) if len(block.widths) == columns else [1.0] * columns
        total = sum(weights)
        col_widths = [self.frame_width * w / total for w in weights]
        if block.role in ("case-aside", "card-grid"):  # its own cells, before any are made
            return [*out, *spaced(self.aside(block, col_widths), *self.layout.space("aside"))]
        pad = 3.0
        data: list[list[object]] = []
        commands: list[tuple[object, ...]] = []
        head_style = self.style("cell-head")
        for r, row in enumerate(block.rows):
            line: list[object] = []
            c = 0
            for cell in row.cells:
                cell_width = sum(col_widths[c : c + cell.colspan]) - 2 * pad
                role = "cell-head" if cell.header else "cell"
                flows = self.cell(cell, role, cell_width)
                line.append(flows)
                if cell.colspan > 1:
                    commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r)))
                    line.extend([""] * (cell.colspan - 1))
                if cell.fill and cell.fill in self.layout.colors:
                    commands.append(
                        (
                            "BACKGROUND",
                            (c, r),
                            (c + cell.colspan - 1, r),
                            self._color(self.layout.colors[cell.fill]),
                        )
                    )
                elif cell.header:
                    tint = self.layout.colors.get("paper-tint")
                    if tint:
                        commands.append(
                            ("BACKGROUND", (c, r), (c + cell.colspan - 1, r), self._color(tint))
                        )
                c += cell.colspan
            while len(line) < columns:
                line.append("")
            data.append(line[:columns])
        rule = self.layout.colors.get("rule", (0.0, 0.0, 0.0, 1.0))
        commands += [
            ("GRID", (0, 0), (-1, -1), 0.5, self._color(rule)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            # reportlab's cells default to Helvetica; name an embedded face even if unused
            ("FONTNAME", (0, 0), (-1, -1), head_style.face),
        ]
        table = DataTable(
            data,
            colWidths=col_widths,
            repeatRows=min(block.header_rows, len(data) - 1) or 0,
            splitByRow=1,
            hAlign="CENTER",
        )
        table.setStyle(TableStyle(commands))
        table.frame_height = self.frame_height
        out.extend(spaced(table, *self.layout.space("table")))
        out.extend(self.source(block.caption))
        if caption:
            caption[0].keepWithNext = True
        return out

    def aside(self, block: m.Table, col_widths: list[float]) -> Table:
        """A layout grid without rules: text beside a picture (case stories with photos) or
        the policy cards two by two. Rows may split across pages."""
        gap = 8.0
        rows = []
        for row in block.rows:
            cells = []
            for index, cell in enumerate(row.cells):
                width = col_widths[index] - (gap if index < len(row.cells) - 1 else 0.0)
                inner = FlowableBuilder(self.ctx, width, self.frame_height)
                cells.append(inner.blocks(cell.blocks))
            rows.append(cells)
        table = Table(rows, colWidths=col_widths, splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-2, -1), gap),
                    ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    ("FONTNAME", (0, 0), (-1, -1), self.style("body").face),
                ]
            )
        )
        return table

    def cell(self, cell: m.TableCell, role: str, width: float) -> list[Flowable]:
        flows: list[Flowable] = []
        for child in cell.blocks:
            if isinstance(child, m.Paragraph):
                child_role = role if child.role in ("cell", "body", "cell-head") else child.role
                style = self.style(child_role)
                if cell.align:
                    style = replace(style, align=cell.align if cell.align != "left" else "left")
                flows.append(JParagraph(self.ctx.spans(child.content, style), style, self.ctx))
            else:
                flows.extend(self.block(child, list_role="cell"))
        return flows

    def _color(self, cmyk: tuple[float, float, float, float]) -> Color:
        return self.ctx.painter(cmyk)

    # ------------------------------------------------------------ page-level blocks

    def band(self, block: m.Band) -> Band:
        paragraphs = [
            self.text(block.label, "case-band-label"),
            self.text(block.place, "case-band-place"),
            self.text(block.title, "case-title"),
        ]
        color = self.layout.colors.get(
            "band", self.layout.colors.get("accent", (0.85, 0.35, 0.0, 0.0))
        )
        return Band(paragraphs, self.ctx, color)

    def toc(self, block: m.Toc) -> list[Flowable]:
        out: list[Flowable] = [
            self.text(block.title, "toc-title", anchor="toc", outline=(block.title, 0))
        ]
        for entry in block.entries:
            role = f"toc-{min(entry.level, 3)}"
            style = self.style(role)
            label = f"{entry.number}　{entry.text}" if entry.number else entry.text
            para = JParagraph([Span(label, self.ctx.run_style(style))], style, self.ctx)
            out.append(TocLine(para, entry.anchor, style.size * 2.5, style, self.ctx))
        return out

    def cover(self, block: m.Cover) -> Cover:
        lines = [self.text(text, role) for role, text in block.lines]
        color = self.layout.colors.get(
            "cover", self.layout.colors.get("accent-light", (0.12, 0.04, 0.0, 0.0))
        )
        return Cover(lines, self.ctx, color)

    def colophon(self, block: m.Colophon) -> Flowable:
        children: list[Flowable] = [
            self.text(line, "colophon-title") for line in block.title.split("\n")
        ]
        children.append(VSpace(6.0))
        for label, value in block.rows:
            children.append(self.text(f"{label}　{value}" if label else value, "colophon"))
        box = self.layout.boxes.get("colophon") or self.layout.boxes.get("summary")
        assert box is not None
        return BottomAligned([Boxed(children, box, self.ctx)])

    def case(self, block: m.CaseSpread) -> list[Flowable]:
        """A case: four fixed pages, each opened by a page break; overflow marked on the page."""
        out: list[Flowable] = [
            SwitchTemplate("case", f"{block.place}", block.title),
            NewPageUnlessAtTop(),
            Anchor(self.ctx, block.anchor, (f"{block.place}　{block.title}", 1)),
        ]
        overflow = dict(block.fit.overflow)
        width, height = self.layout.frame_size("case")
        fitted = FlowableBuilder(
            replace(self.ctx, layout=layout_for(self.layout, block.fit)), width, height
        )
        body = self.style("case-body")
        chars_per_line = max(1, int(width / (block.fit.body_size or body.size)))
        for index, page in enumerate(block.pages):
            if index:
                out.append(PageBreak())
            label = ""
            if page.page in overflow:
                points = overflow[page.page]
                lines = int(-(-points // (block.fit.leading or body.leading)))
                label = f"はみ出し：{page.page}ページ目 約{lines}行（約{lines * chars_per_line}字）を削ってください"
            out.append(CaseMarker(self.ctx, block.case_id, page.page))
            # the page's drawing depends on its model, the case's fit and the label alone
            # (layout, fonts, pictures and code are in the page store's own key)
            key = value_digest((block.case_id, page, block.fit, label)).hex()
            out.append(
                FixedPage(
                    partial(fitted.blocks, page.blocks),
                    self.ctx,
                    overflow_label=label,
                    cache_key=key,
                )
            )
        # the last FixedPage fills its frame, so whatever follows starts on a new page
        out.append(SwitchTemplate(None))
        return out


def tables_in(flowables: Sequence[Flowable]) -> list[DataTable]:
    """The data tables among `flowables`, inside boxes too."""
    found: list[DataTable] = []
    for flowable in flowables:
        if isinstance(flowable, DataTable):
            found.append(flowable)
        elif isinstance(flowable, Boxed):
            found.extend(tables_in(flowable.children))
    return found


def spaced(flowable: Flowable, before: float, after: float) -> list[Flowable]:
    """A table-like block with its space as fixed spacers, as the DOCX writes it: Word has
    no space before or after a table, so both formats use spacer paragraphs of exactly
    these heights (at least 1 pt after: Word needs a paragraph between two tables)."""
    flowable.spaceBefore = flowable.spaceAfter = 0.0
    out: list[Flowable] = []
    if before > 0:
        lead = VSpace(before)
        lead.keepWithNext = True  # a caption above stays with the block, through the spacer
        out.append(lead)
    out.append(flowable)
    out.append(VSpace(max(1.0, after)))
    return out


class CaseMarker(Flowable):  # type: ignore[misc]
    """Records which physical page a case page landed on (for page-count checks)."""

    def __init__(self, ctx: RenderContext, case_id: str, page: int) -> None:
        super().__init__()
        self.ctx, self.case_id, self.page = ctx, case_id, page
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.ctx.record.case_pages.setdefault(self.case_id, []).append(self.canv.getPageNumber())


class BottomAligned(Flowable):  # type: ignore[misc]
    """Draws its children at the foot of the frame (the colophon)."""

    def __init__(self, children: Sequence[Flowable]) -> None:
        super().__init__()
        self.children = list(children)
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah - 0.01
        return self.width, self.height

    def draw(self) -> None:
        y = 0.0
        for child in reversed(self.children):
            _, h = child.wrap(self.width, self.height)
            child.drawOn(self.canv, 0, y)
            y += h + child.getSpaceBefore()
