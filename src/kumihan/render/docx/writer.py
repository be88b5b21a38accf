"""Model → Word body: sections, styled paragraphs, tables, pictures, fields.

Takes the transformed `Document`, the style map and `PageNumbers` (the print
PDF's `PageRecord`, or tokens filled in from it later: the true page numbers of
the pre-filled contents and page references); writes into a python-docx
document made by `template.new_document`. Every paragraph
and run carries a named style; layout-only direct formatting is limited to
section geometry, table geometry and page breaks.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace as dc_replace
from typing import Any, Literal, Protocol

from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as WordTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from kumihan import model as m
from kumihan.diagnostics import SourceLoc
from kumihan.layout.spec import Layout
from kumihan.render.docx import oxml
from kumihan.render.docx.pages import PageNumbers
from kumihan.render.docx.styles import StyleSheetBuilder, hex_color
from kumihan.render.pdf.charts import chart_png
from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.images import ImageProblem, png_bytes, prepared
from kumihan.transforms.numbers import heading_label

FORMAT = {"arabic": "decimal", "roman": "lowerRoman"}
JUSTIFY: dict[str, Literal["left", "center", "right"]] = {
    "left": "left",
    "center": "center",
    "right": "right",
}


class Container(Protocol):
    def add_paragraph(self, text: str = "", style: Any = None) -> Paragraph: ...

    def add_table(self, rows: int, cols: int, *args: Any) -> WordTable: ...


class Bookmarks:
    """Model anchors → Word bookmark names (hidden ones: _Toc…, _Ref…) and ids."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.next_id = 1

    def name(self, anchor: str, kind: str = "_Ref") -> str:
        if anchor not in self.names:
            self.names[anchor] = f"{kind}{len(self.names) + 1:08d}"
        return self.names[anchor]

    def add(self, paragraph: Paragraph, anchor: str, kind: str = "_Ref") -> None:
        oxml.add_bookmark(paragraph, self.name(anchor, kind), self.next_id)
        self.next_id += 1


def layout_loc(layout: Layout) -> SourceLoc:
    return SourceLoc(layout.file)


class DocxWriter:
    def __init__(
        self,
        document: WordDocument,
        layout: Layout,
        styles: StyleSheetBuilder,
        pages: PageNumbers,
        ctx: RenderContext,
        organisation: str,
    ) -> None:
        self.doc = document
        self.organisation = organisation
        self.layout = layout
        self.styles = styles
        self.map = styles.map
        self.pages = pages  # printed page numbers (the print PDF's, or tokens for them)
        self.ctx = ctx  # a screen-variant context: RGB pictures and charts for Word
        self.bookmarks = Bookmarks()
        self.step = 0  # the fit step of the case being written
        self.first_section = True
        self.chapter_captions: set[int] = set()
        self.break_next = False  # the next paragraph opens a new page (case pages)
        self.current = m.Part("", (), layout_loc(layout))
        self.in_case = False
        self.style_cache: dict[tuple[str, int], Any] = {}
        self.band_title: Paragraph | None = None
        self.width_override = 0.0  # inside a layout grid cell: that cell's width
        self.page_end = False  # writing the last block of a fixed page
        remember_part_names(document)
        self.block_width: Any = None  # the current section's text width (EMU), once known

    # ------------------------------------------------------------ sections

    def part(self, part: m.Part) -> None:
        first = self.first_section
        section = self.doc.sections[-1] if first else self.new_section(part)
        self.first_section = False
        if first or part.start != "continue":
            self.setup_section(section, part)
        self.current = part
        for block in part.blocks:
            self.block(self.doc, block)

    def new_section(self, part: m.Part) -> Any:
        if part.start == "continue":
            return self.doc.sections[-1]
        start = WD_SECTION.ODD_PAGE if part.start == "right" else WD_SECTION.NEW_PAGE
        return self.add_section(start)

    def setup_section(self, section: Any, part: m.Part, template: str | None = None) -> None:
        self.block_width = None  # the new section's margins give tables a new width
        layout = self.layout
        template = template or part.template
        page = layout.page
        margins = layout.margins(template)
        oxml.set_page(
            section,
            page.width,
            page.height,
            margins.top,
            margins.bottom,
            margins.inside,
            margins.outside,
            page.header_distance - 8.5,
            page.footer_distance - 2,
        )
        oxml.set_doc_grid(section, page.line_pitch, "lines")
        if part.numbering == "none":
            oxml.set_page_numbering(section, None, "decimal")
        else:
            oxml.set_page_numbering(section, 1 if part.restart else None, FORMAT[part.numbering])  # type: ignore[arg-type]
        spec = layout.templates.get(template)
        oxml.unlink_header_footer(section, first_page=True, even_page=True)
        has_band = any(isinstance(b, m.CaseSpread) for b in part.blocks)
        oxml.set_title_page(section, has_band)
        for header, footer, odd in (
            (section.header, section.footer, True),
            (section.even_page_header, section.even_page_footer, False),
        ):
            self.furniture(header, spec.header if spec else None, part, odd, template)
            self.furniture(footer, spec.footer if spec else None, part, odd, template)
        if has_band:
            # the band page of a case carries no running head, only the folio
            self.furniture(section.first_page_header, None, part, True, template)
            self.furniture(
                section.first_page_footer, spec.footer if spec else None, part, True, template
            )

    def furniture(self, container: Any, spec: Any, part: m.Part, odd: bool, template: str) -> None:
        paragraph = container.paragraphs[0]
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        if spec is None or (part.numbering == "none" and not spec):
            return
        style_role = spec.style
        self.set_style(paragraph, self.map.id(style_role))
        left, center, right = spec.left, spec.center, spec.right
        if spec and not odd and getattr(spec, "mirror", True):
            left, right = right, left
        width = self.layout.frame_size(template)[0]
        pPr = oxml.paragraph_properties(paragraph)
        oxml.add_tab_stop(pPr, width / 2, "center")
        oxml.add_tab_stop(pPr, width, "right")
        for index, text in enumerate((left, center, right)):
            if index:
                paragraph.add_run("\t")
            self.furniture_text(paragraph, text, part)
        if spec.rule and container is not None:
            oxml.set_paragraph_border(
                pPr, sides=("bottom",), size_eighths=4, color_hex="000000", space_pt=1
            )

    def furniture_text(self, paragraph: Paragraph, text: str, part: m.Part) -> None:
        pieces = text.replace("{page}", "\x00PAGE\x00").split("\x00")
        for piece in pieces:
            if piece == "PAGE":
                if part.numbering != "none":
                    oxml.add_field(paragraph, "PAGE", "1")
                continue
            value = (
                piece.replace("{running_head}", part.running_head)
                .replace("{subhead}", part.subhead)
                .replace("{title}", self.layout.title)
                .replace("{organisation}", self.organisation)
            )
            if value:
                paragraph.add_run(value)

    # ------------------------------------------------------------ blocks

    def frame_width(self) -> float:
        """The text width of the pages being written (case pages are wider), or of the
        grid cell being written."""
        if self.width_override:
            return self.width_override
        return self.layout.frame_size(
            "case" if self.step or self.in_case else self.current.template
        )[0]

    def para(self, container: Container, role: str, *, step: int | None = None) -> Paragraph:
        """A new paragraph in the style the layout gives `role` (at the case's fit step)."""
        return self.styled(container, self.map.id(role, self.step if step is None else step))

    def style(self, style_id: str, kind: int = 1) -> Any:
        """The python-docx style object for an id (looked up once: get_by_id scans them all)."""
        key = (style_id, kind)
        if key not in self.style_cache:
            self.style_cache[key] = self.doc.styles.get_by_id(style_id, kind)
        return self.style_cache[key]

    def set_style(self, paragraph: Paragraph, style_id: str) -> None:
        """`paragraph.style = …` without python-docx's scan of every style for the default
        (which the default itself, as python-docx does, leaves unnamed)."""
        paragraph._p.style = None if style_id == self.default_style(1) else style_id

    def set_run_style(self, run: Any, style_id: str) -> None:
        """`run.style = …`, as `set_style`."""
        run._r.style = None if style_id == self.default_style(2) else style_id

    def default_style(self, kind: int) -> str | None:
        key = ("<default>", kind)
        if key not in self.style_cache:
            found = self.doc.styles.default(
                WD_STYLE_TYPE.PARAGRAPH if kind == 1 else WD_STYLE_TYPE.CHARACTER
            )
            self.style_cache[key] = found.style_id if found is not None else None
        found_id: str | None = self.style_cache[key]
        return found_id

    def styled(self, container: Container, style_id: str) -> Paragraph:
        paragraph = container.add_paragraph()
        # write w:pStyle directly: python-docx's `paragraph.style =` re-scans the styles
        oxml.set_paragraph_style(oxml.paragraph_properties(paragraph), style_id)
        if self.break_next:
            oxml.set_page_break_before(oxml.paragraph_properties(paragraph), True)
            self.break_next = False
        return paragraph

    def block(self, container: Container, block: m.Block, list_role: str = "") -> None:
        if isinstance(block, m.Heading):
            self.heading(container, block)
        elif isinstance(block, m.Paragraph):
            role = block.role
            if list_role and (role in ("body", "list", "noindent") or role.endswith("-item")):
                role = list_role
            self.inlines(self.para(container, role), block.content)
        elif isinstance(block, m.ListBlock):
            self.list_block(container, block, 0, list_role)
        elif isinstance(block, m.Table):
            self.table(container, block)
        elif isinstance(block, m.Figure):
            self.figure(container, block)
        elif isinstance(block, m.Quote):
            for child in block.blocks:
                self.block(container, child, "quote")
        elif isinstance(block, m.Box):
            self.box(container, block)
        elif isinstance(block, m.Band):
            self.band(container, block)
        elif isinstance(block, m.Placeholder):
            self.placeholder(
                container, block.label, max(1, block.lines) * self.layout.style("body").leading
            )
        elif isinstance(block, m.PageBreak):
            self.break_next = True
        elif isinstance(block, m.Toc):
            self.toc(container, block)
        elif isinstance(block, m.Notes):
            self.notes(container, block)
        elif isinstance(block, m.Cover):
            self.cover(container, block)
        elif isinstance(block, m.Colophon):
            self.colophon(container, block)
        elif isinstance(block, m.CaseSpread):
            self.case(container, block)

    def heading(self, container: Container, block: m.Heading) -> None:
        role = block.role or f"heading-{block.level}"
        paragraph = self.para(container, role)
        self.inlines(paragraph, heading_label(block.number, block.content))
        if block.anchor:
            kind = "_Toc" if not block.role and block.in_toc else "_Ref"
            self.bookmarks.add(paragraph, block.anchor, kind)

    def list_block(
        self, container: Container, block: m.ListBlock, depth: int, list_role: str
    ) -> None:
        role = (
            block.role
            if block.role in self.layout.styles and block.role != "list"
            else (list_role or ("list-number" if block.ordered else "list"))
        )
        for index, item in enumerate(block.items):
            marker = (
                f"{block.start + index}."
                if block.ordered
                else (block.marker or self.layout.bullets[min(depth, len(self.layout.bullets) - 1)])
            )
            first = True
            for child in item.blocks:
                if isinstance(child, m.Paragraph):
                    if block.ordered:
                        # numbers stay literal text: each list restarts where the model says
                        paragraph = self.styled(
                            container, self.styles.list_style(role, "　", depth, self.step)
                        )
                        if first:
                            paragraph.add_run(f"{marker}")
                    else:
                        paragraph = self.styled(
                            container,
                            self.styles.list_style(
                                role, marker if first else "　", depth, self.step
                            ),
                        )
                    self.inlines(paragraph, child.content)
                    first = False
                elif isinstance(child, m.ListBlock):
                    self.list_block(container, child, depth + 1, list_role)
                else:
                    self.block(container, child, list_role)

    # ------------------------------------------------------------ inline

    def inlines(
        self, paragraph: Paragraph, inlines: m.Inlines, char_style: str | None = None
    ) -> None:
        for node in inlines:
            if isinstance(node, m.Text):
                if node.text:
                    run = paragraph.add_run(node.text)
                    if char_style:
                        self.set_run_style(run, char_style)
            elif isinstance(node, m.Strong):
                self.inlines(paragraph, node.children, self.map.ids.get("strong"))
            elif isinstance(node, m.Emph):
                self.inlines(paragraph, node.children, self.map.ids.get("emph"))
            elif isinstance(node, m.Code):
                paragraph.add_run(node.text)
            elif isinstance(node, m.LineBreak):
                paragraph.add_run().add_break()
            elif isinstance(node, m.Link):
                text = m.plain_text(node.children)
                link_style = self.map.ids.get("link")
                if not node.url:  # a link whose target was refused: its text alone
                    self.inlines(paragraph, node.children, char_style)
                elif node.url.startswith("#"):
                    oxml.add_internal_link(
                        paragraph, self.bookmarks.name(node.url[1:]), text, link_style
                    )
                else:
                    oxml.add_external_link(paragraph, node.url, text, link_style)
            elif isinstance(node, m.FootnoteRef):
                run = paragraph.add_run(str(node.number or "?"))
                mark = self.map.ids.get("footnote-mark")
                if mark:
                    self.set_run_style(run, mark)
            elif isinstance(node, m.Ref):
                self.ref(paragraph, node)

    def ref(self, paragraph: Paragraph, ref: m.Ref) -> None:
        name = self.bookmarks.name(ref.anchor) if ref.anchor else ""
        if ref.form in ("number", "full"):
            if name and ref.anchor.startswith(("fig:", "tbl:")):
                oxml.add_field(paragraph, f"REF {name}_n \\h", ref.text)
            else:
                paragraph.add_run(ref.text)
        if ref.form == "full":
            paragraph.add_run("（")
        if ref.form in ("page", "full"):
            if name:
                oxml.add_field(
                    paragraph, f"PAGEREF {name} \\h", self.pages.page_text(ref.anchor, "?")
                )
            else:
                paragraph.add_run("?")
        if ref.form == "full":
            paragraph.add_run("ページ）")

    # ------------------------------------------------------------ figures and tables

    def caption(self, container: Container, caption: m.Caption | None, anchor: str) -> None:
        if caption is None or not (caption.content or caption.number):
            return
        paragraph = self.para(container, "caption")
        if caption.number:
            # the number as a SEQ field inside a bookmark, so REF fields can cite it
            prefix, _, n = caption.number.rpartition("-") if "-" in caption.number else ("", "", "")
            name = self.bookmarks.name(anchor) if anchor else ""
            label = caption.number
            if name:
                start = oxml.new_element(
                    "w:bookmarkStart", {"w:id": str(self.bookmarks.next_id), "w:name": f"{name}_n"}
                )
                paragraph._p.append(start)
            if prefix and n.isdigit():
                paragraph.add_run(prefix + "-")
                oxml.add_field(paragraph, "SEQ 図表 \\* ARABIC" + (" \\r 1" if n == "1" else ""), n)
            else:
                digits = "".join(c for c in label if c.isdigit())
                head = (
                    label[: len(label) - len(digits)]
                    if digits and label.endswith(digits)
                    else label
                )
                paragraph.add_run(head)
                if digits and label.endswith(digits):
                    oxml.add_field(paragraph, "SEQ 図表 \\* ARABIC", digits)
            if name:
                paragraph._p.append(
                    oxml.new_element("w:bookmarkEnd", {"w:id": str(self.bookmarks.next_id)})
                )
                self.bookmarks.next_id += 1
            paragraph.add_run("　")
        self.inlines(paragraph, caption.content)
        if anchor:
            self.bookmarks.add(paragraph, anchor)

    def source(self, container: Container, caption: m.Caption | None, credit: str = "") -> None:
        if caption is not None and caption.source:
            self.inlines(self.para(container, "source"), caption.source)
        if credit:
            self.para(container, "source").add_run(credit)

    def figure(self, container: Container, block: m.Figure, width: float | None = None) -> None:
        frame = (
            width or self.layout.frame_size("case" if block.role.startswith("case") else "body")[0]
        )
        placed = frame * block.width
        case_style = block.role.startswith("case")
        if not case_style:
            self.caption(container, block.caption, block.anchor)
        if block.chart is not None:
            png, w, h = chart_png(block.chart, placed, self.ctx)
            paragraph = self.para(container, "figure")
            paragraph.add_run().add_picture(io.BytesIO(png), width=Pt(w), height=Pt(h))
        elif block.missing or not block.image:
            label = self.layout.labels.get("figure-placeholder", "図版準備中")
            text = m.plain_text(block.caption.content) if block.caption else ""
            self.placeholder(
                container, f"{label}：{text}" if text else label, placed * 0.42, width=placed
            )
        else:
            try:
                image = prepared(
                    self.ctx.assets / block.image,
                    "screen",
                    self.ctx.assets / self.layout.print.icc_profile,
                    (placed, placed),
                )
                buffer = io.BytesIO(png_bytes(image))
                ratio = image.height / image.width if image.width else 1.0
                height = min(placed * ratio, self.layout.page.frame_height * 0.45)
                paragraph = self.para(container, "figure")
                paragraph.add_run().add_picture(buffer, width=Pt(height / ratio), height=Pt(height))
            except ImageProblem as problem:
                self.placeholder(
                    container, f"画像を読めません：{problem}", placed * 0.3, width=placed
                )
        if case_style and block.caption is not None:
            self.inlines(self.para(container, "case-caption"), block.caption.content)
        self.source(container, block.caption, block.credit)

    def table(self, container: Container, block: m.Table) -> None:
        frame = self.frame_width()
        if block.role in ("case-aside", "card-grid"):
            self.aside(container, block, frame)
            return
        self.caption(container, block.caption, block.anchor)
        columns = block.columns
        if not columns:
            return
        weights = list(block.widths) if len(block.widths) == columns else [1.0] * columns
        widths = [frame * w / sum(weights) for w in weights]
        before, after = self.layout.space("table")
        if before:
            self.gap(container, before)
        table = self.new_table(container, len(block.rows), columns)
        table.style = self.style("TableGrid", 3)
        oxml.set_column_widths(table, widths)
        oxml.set_cell_margins(table, 2, 3, 2, 3)
        oxml.set_table_borders(table, 4, "000000")
        for r, (row, word_row) in enumerate(zip(block.rows, table.rows, strict=True)):
            if r < block.header_rows:
                oxml.set_repeat_header(word_row)
            cells = row_cells(table, word_row)
            c = 0
            for cell in row.cells:
                target = cells[c]
                if cell.colspan > 1:
                    target = target.merge(cells[c + cell.colspan - 1])
                oxml.set_cell_valign(target, "center")
                fill = (
                    cell.fill
                    if cell.fill in self.layout.colors
                    else (
                        "paper-tint" if cell.header and "paper-tint" in self.layout.colors else ""
                    )
                )
                if fill:
                    oxml.set_cell_shading(
                        target, hex_color(self.layout.colors[fill], self.styles.profile)
                    )
                self.cell(target, cell)
                c += cell.colspan
        self.gap(container, after)
        self.source(container, block.caption)

    def new_table(self, container: Container, rows: int, cols: int) -> WordTable:
        """A table in `container`. In a cell, python-docx follows the table with an empty,
        unstyled paragraph (a cell must end with one); it is removed here and `close_cell`
        adds a styled one only where the cell still needs it."""
        if isinstance(container, WordDocument):
            # python-docx's Document.add_table finds the last section for the width by
            # searching the whole body, every time; the width only changes with a section
            if self.block_width is None:
                self.block_width = container._block_width
            table = container._body.add_table(rows, cols, self.block_width)
        else:
            table = container.add_table(rows, cols)
        if isinstance(container, _Cell):
            following = table._tbl.getnext()
            if following is not None and following.tag == qn("w:p") and len(following) == 0:
                following.getparent().remove(following)
        return table

    def close_cell(self, target: _Cell, role: str) -> None:
        """End the cell with a paragraph, as Word requires: the cell's own style when it is
        empty, else a 1 pt spacer after a nested table."""
        last = target._tc[-1] if len(target._tc) else None
        if last is not None and last.tag == qn("w:p"):
            return
        if not target.paragraphs and not target.tables:
            self.para(target, role)
            return
        spacer = target.add_paragraph()
        self.set_style(spacer, self.styles.gap_id(1.0))

    def cell(self, target: _Cell, cell: m.TableCell) -> None:
        role = "cell-head" if cell.header else "cell"
        first = target.paragraphs[0]
        first._p.getparent().remove(first._p)
        for child in cell.blocks:
            if isinstance(child, m.Paragraph):
                child_role = role if child.role in ("cell", "body", "cell-head") else child.role
                paragraph = self.para(target, child_role)
                if cell.align:
                    oxml.set_jc(
                        oxml.paragraph_properties(paragraph),
                        JUSTIFY[cell.align],
                    )
                self.inlines(paragraph, child.content)
            else:
                self.block(target, child, "cell")
        self.close_cell(target, role)

    def add_section(self, start: Any) -> Any:
        """A new section whose break sits in the last paragraph instead of a paragraph of
        its own (python-docx adds an empty one, which can spill onto an extra page)."""
        section = self.doc.add_section(start)
        body = self.doc.element.body
        holder = body.sectPr.getprevious()  # the empty paragraph python-docx added
        previous = holder.getprevious() if holder is not None else None
        if (
            previous is not None
            and previous.tag == qn("w:p")
            and previous.pPr is not None
            and previous.pPr.sectPr is None
        ):
            previous.pPr.append(holder.pPr.sectPr)
            body.remove(holder)
        elif holder is not None:
            oxml.set_paragraph_style(holder.get_or_add_pPr(), self.styles.gap_id(1.0))
        return section

    def gap(self, container: Container, points: float) -> None:
        """A spacer paragraph of exactly `points` (Word has no space before/after a table,
        and needs a paragraph between two tables anyway)."""
        if self.page_end and container is self.doc:
            return
        paragraph = container.add_paragraph()
        self.set_style(paragraph, self.styles.gap_id(points))
        if self.break_next:
            oxml.set_page_break_before(oxml.paragraph_properties(paragraph), True)
            self.break_next = False

    def aside(self, container: Container, block: m.Table, frame: float) -> None:
        weights = block.widths or (0.63, 0.37)
        widths = [frame * w / sum(weights) for w in weights]
        if self.break_next:
            self.gap(container, self.layout.space("aside")[0])
        table = self.new_table(container, len(block.rows), len(widths))
        oxml.set_column_widths(table, widths)
        oxml.set_cell_margins(table, 0, 0, 0, 0)
        cells = [
            (word_row, i, cell)
            for row, word_row in zip(block.rows, table.rows, strict=True)
            for i, cell in enumerate(row.cells)
        ]
        for word_row, index, cell in cells:
            target = row_cells(table, word_row)[index]
            first = target.paragraphs[0]
            first._p.getparent().remove(first._p)
            inner = widths[index] - (8 if index < len(widths) - 1 else 0)
            oxml.set_cell_margins_of(target, right=8 if index < len(widths) - 1 else 0)
            saved, self.width_override = self.width_override, inner
            for child in cell.blocks:
                if isinstance(child, m.Figure):
                    self.figure(target, child, width=inner)
                else:
                    self.block(target, child)
            self.width_override = saved
            self.close_cell(target, "case-body")
        self.gap(container, self.layout.space("aside")[1])

    def box(self, container: Container, block: m.Box) -> None:
        style = self.layout.boxes.get(block.kind) or self.layout.boxes["note"]
        frame = self.frame_width()
        if style.space_before or self.break_next:  # a table cannot carry a page break itself
            self.gap(container, style.space_before)
        table = self.new_table(container, 1, 1)
        oxml.set_column_widths(table, [frame])
        pad = style.padding
        oxml.set_cell_margins(table, pad, pad, pad, pad)
        if style.border is not None:
            oxml.set_table_borders(
                table,
                max(2, round(style.border_width * 8)),
                hex_color(style.border, self.styles.profile),
            )
        cell = table.cell(0, 0)
        if style.background is not None:
            oxml.set_cell_shading(cell, hex_color(style.background, self.styles.profile))
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)
        if block.title:
            self.inlines(self.para(cell, style.title_style), block.title)
        for child in block.blocks:
            if isinstance(child, m.Paragraph) and child.role in ("body", "box-body"):
                self.inlines(self.para(cell, style.body_style), child.content)
            else:
                self.block(cell, child, style.body_style)
        if block.footer:
            self.inlines(self.para(cell, style.footer_style), block.footer)
        self.close_cell(cell, style.body_style)
        self.gap(container, style.space_after)

    def placeholder(
        self, container: Container, label: str, height: float, *, width: float | None = None
    ) -> None:
        frame = width or self.frame_width()
        before, after = self.layout.space("placeholder")
        if before or self.break_next:
            self.gap(container, before)
        table = self.new_table(container, 1, 1)
        oxml.set_column_widths(table, [frame])
        oxml.set_table_borders(table, 6, "808080")
        oxml.set_row_height(table.rows[0], height, "exact")
        cell = table.cell(0, 0)
        oxml.set_cell_valign(cell, "center")
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)
        self.para(cell, "placeholder").add_run(label)
        self.gap(container, after)

    # ------------------------------------------------------------ page-level blocks

    def band(self, container: Container, block: m.Band) -> None:
        frame = self.layout.frame_size("case")[0]
        table = self.new_table(container, 1, 1)
        oxml.set_column_widths(table, [frame])
        oxml.set_cell_margins(
            table, 0, 0, 8, 0
        )  # as the PDF: text at the frame edge, padding below
        cell = table.cell(0, 0)
        color = self.layout.colors.get(
            "band", self.layout.colors.get("accent", (0.85, 0.35, 0.0, 0.0))
        )
        oxml.set_cell_shading(cell, hex_color(color, self.styles.profile))
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)
        for text, role in (
            (block.label, "case-band-label"),
            (block.place, "case-band-place"),
            (block.title, "case-title"),
        ):
            paragraph = self.para(cell, role)
            paragraph.add_run(text)
        self.band_title = paragraph  # the case's anchor is bookmarked here
        self.gap(container, self.layout.space("band")[1])

    def toc(self, container: Container, block: m.Toc) -> None:
        self.para(container, "toc-title").add_run(block.title)
        lines = []
        for entry in block.entries:
            text = f"{entry.number}　{entry.text}" if entry.number else entry.text
            lines.append(
                oxml.TocLine(
                    min(entry.level, 3),
                    text,
                    self.bookmarks.name(entry.anchor, "_Toc"),
                    self.pages.page_text(entry.anchor),
                )
            )
        ids = tuple(self.map.id(f"toc-{i}") for i in (1, 2, 3))
        oxml.add_toc(
            self.doc,
            lines,
            right_tab_pt=self.layout.page.frame_width,
            levels=f"1-{self.layout.toc_depth}",
            style_ids=ids,
        )

    def notes(self, container: Container, block: m.Notes) -> None:
        self.para(container, "notes-title").add_run("注")
        for note in block.items:
            first = True
            for child in note.blocks:
                if isinstance(child, m.Paragraph):
                    paragraph = self.para(container, "note")
                    if first:
                        paragraph.add_run(f"{note.number}　")
                    self.inlines(paragraph, child.content)
                    first = False
                else:
                    self.block(container, child)

    def cover(self, container: Container, block: m.Cover) -> None:
        for role, text in block.lines:
            self.para(container, role).add_run(text)

    def colophon(self, container: Container, block: m.Colophon) -> None:
        section = self.doc.sections[-1]
        oxml.child(oxml._sect_pr(section), "w:vAlign").set(qn("w:val"), "bottom")
        children: list[m.Block] = [
            m.Paragraph((m.Text(line),), block.loc, role="colophon-title")
            for line in block.title.split("\n")
        ]
        children += [
            m.Paragraph((m.Text(f"{a}　{b}" if a else b),), block.loc, role="colophon")
            for a, b in block.rows
        ]
        self.box(container, m.Box("colophon", (), tuple(children), block.loc))

    def case(self, container: Container, block: m.CaseSpread) -> None:
        """Four pages, each opened by a page break, set with the case's fit step.

        A case inside a flowing part (the 概略書's example) gets a section of its own,
        on case pages, and the part's pages resume in a new section after it.
        """
        own_section = self.current.template == "case"
        if not own_section:
            case_part = dc_replace(
                self.current,
                template="case",
                running_head=block.place,
                subhead=block.title,
                restart=False,
                start="next",
                blocks=(block,),
            )
            self.setup_section(self.add_section(WD_SECTION.NEW_PAGE), case_part)
        self.write_case(container, block)
        if not own_section:
            resumed = dc_replace(self.current, restart=False, blocks=())
            self.setup_section(self.add_section(WD_SECTION.NEW_PAGE), resumed)

    def write_case(self, container: Container, block: m.CaseSpread) -> None:
        self.step = block.fit.step
        self.in_case = True
        for index, page in enumerate(block.pages):
            if index:
                self.break_next = True
            for position, child in enumerate(page.blocks):
                # nothing may follow a page's last block: a spacer there could spill
                # onto a page of its own; the next page opens with a page break anyway
                self.page_end = position == len(page.blocks) - 1
                self.block(container, child)
            self.page_end = False
            if index == 0 and block.anchor:
                self.bookmark_first(container, block.anchor)
        self.step = 0
        self.in_case = False

    def bookmark_first(self, container: Container, anchor: str) -> None:
        """Bookmark the band's title paragraph so the case can be linked and paged."""
        if self.band_title is not None:
            self.bookmarks.add(self.band_title, anchor)
            self.band_title = None


def list_styles_needed(
    blocks: Sequence[m.Block],
    styles: StyleSheetBuilder,
    layout: Layout,
    list_role: str = "",
    step: int = 0,
    depth: int = 0,
) -> None:
    """Create, before the style sheet is written, every list style the writer will ask for."""
    for block in blocks:
        if isinstance(block, m.ListBlock):
            role = (
                block.role
                if block.role in layout.styles and block.role != "list"
                else (list_role or ("list-number" if block.ordered else "list"))
            )
            for item in block.items:
                marker = block.marker or layout.bullets[min(depth, len(layout.bullets) - 1)]
                styles.list_style(role, "　" if block.ordered else marker, depth, step)
                styles.list_style(role, "　", depth, step)
                for child in item.blocks:
                    if isinstance(child, m.ListBlock):
                        list_styles_needed((child,), styles, layout, list_role, step, depth + 1)
                    elif not isinstance(child, m.Paragraph):
                        list_styles_needed((child,), styles, layout, list_role, step, depth)
        elif isinstance(block, m.Box):
            box = layout.boxes.get(block.kind) or layout.boxes["note"]
            list_styles_needed(block.blocks, styles, layout, box.body_style, step)
        elif isinstance(block, m.Quote):
            list_styles_needed(block.blocks, styles, layout, "quote", step)
        elif isinstance(block, m.Table):
            for row in block.rows:
                for cell in row.cells:
                    list_styles_needed(
                        cell.blocks,
                        styles,
                        layout,
                        "cell" if block.role != "case-aside" else list_role,
                        step,
                    )
        elif isinstance(block, m.CaseSpread):
            for page in block.pages:
                list_styles_needed(page.blocks, styles, layout, list_role, block.fit.step)
        elif isinstance(block, m.Notes):
            for note in block.items:
                list_styles_needed(note.blocks, styles, layout, list_role, step)


def row_cells(table: WordTable, row: Any) -> list[_Cell]:
    """The cells of one row, left to right, before any merge in it.

    python-docx's `table.cell(r, c)` lays out the whole table's grid on every call
    (quadratic in a table's size); a row's cells are all a writer filling it needs.
    """
    return [_Cell(tc, table) for tc in row._tr.tc_lst]


def remember_part_names(document: WordDocument) -> None:
    """Give the package a `next_partname` that knows the names already taken.

    python-docx walks every part of the package for each new header or footer
    (a section has six), which grows with the document; here the names are collected
    once and each new one is added. The names are the ones python-docx would give:
    the lowest free number for the template.
    """
    package = document.part.package
    taken = {str(part.partname) for part in package.iter_parts()}

    def next_partname(template: str) -> PackURI:
        number = 1
        while template % number in taken:
            number += 1
        taken.add(template % number)
        return PackURI(template % number)

    package.next_partname = next_partname
