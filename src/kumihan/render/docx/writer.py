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
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import replace as dc_replace
from functools import cache
from typing import IO, Any, Literal, Protocol, cast

from docx.document import Document as WordDocument
from docx.enum.section import WD_HEADER_FOOTER, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.image.image import Image
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.rel import Relationships
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.section import CT_SectPr
from docx.oxml.shape import CT_Inline
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.parts.image import ImagePart
from docx.parts.story import StoryPart
from docx.section import Section
from docx.shared import Emu, Inches, Length, Pt
from docx.table import Table as WordTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from kumihan import model as m
from kumihan.cache import value_digest
from kumihan.diagnostics import SourceLoc
from kumihan.layout.spec import Layout
from kumihan.render.docx import fragments, oxml
from kumihan.render.docx.fragments import Journal, fragment_store
from kumihan.render.docx.pages import PageNumbers
from kumihan.render.docx.styles import StyleSheetBuilder, hex_color
from kumihan.render.pdf.charts import chart_png
from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.images import ImageProblem, no_prefetch, prepared, word_picture
from kumihan.transforms.numbers import heading_label
from kumihan.transforms.walk import iter_blocks
from kumihan.typeset.types import Color

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

    def __init__(self, journal: Journal | None = None) -> None:
        self.names: dict[str, str] = {}
        self.next_id = 1
        self.journal = journal or Journal()  # a case being recorded notes the names it takes

    def name(self, anchor: str, kind: str = "_Ref") -> str:
        if anchor not in self.names:
            self.names[anchor] = f"{kind}{len(self.names) + 1:08d}"
        name = self.names[anchor]
        self.journal.note("name", anchor, kind, name)
        return name

    def add(self, paragraph: Paragraph, anchor: str, kind: str = "_Ref") -> None:
        oxml.add_bookmark(paragraph, self.name(anchor, kind), self.next_id)
        self.next_id += 1


class ShapeIds:
    """The drawing ids (wp:docPr/@id) of new pictures, as python-docx's StoryPart.next_id
    gives them: one more than the largest id in the part.

    next_id reads every id attribute of the part for each picture (O(n²) over a
    document's pictures). Here the part is read once, at its first picture, and the
    count goes on from there: pictures are the only elements the writer adds with an
    `id` attribute, so each new id is the largest.
    """

    def __init__(self) -> None:
        self.next_ids: dict[StoryPart, int] = {}

    def take(self, part: StoryPart) -> int:
        """In: the story part the picture goes into. Out: the picture's id."""
        number = self.next_ids.get(part)
        if number is None:
            number = part.next_id
        self.next_ids[part] = number + 1
        return number


HeaderOrFooter = Literal["header", "footer"]


class Story:
    """A header or footer part, as `DocxWriter.furniture` writes into it.

    In: the part. Out: its paragraphs, as python-docx's _Header / _Footer give them,
    without their look-up of the part in the section's w:sectPr on every use.
    """

    def __init__(self, part: StoryPart) -> None:
        self.part = part

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The part's paragraphs (w:hdr/w:p or w:ftr/w:p), in order."""
        return [Paragraph(p, self) for p in cast(Any, self.part.element).p_lst]


class RelIds:
    """Ids for new relationships of one part, as python-docx's `Relationships._next_rId`
    gives them: the lowest free "rIdN".

    _next_rId tries rId1, rId2, … for every new relationship. While the writer runs,
    relationships are only added, never removed, so the lowest free number only grows
    and the search goes on from where it last stopped.
    """

    def __init__(self, rels: Relationships) -> None:
        self.rels = rels
        self.number = 1  # rId1 … rId(number - 1) are all taken

    def take(self) -> str:
        """The id for the relationship about to be added (add it before the next call)."""
        while f"rId{self.number}" in self.rels:
            self.number += 1
        return f"rId{self.number}"


class Pictures:
    """Pictures put into one document as python-docx's `run.add_picture` puts them: the
    same image parts, relationship ids and drawing ids, and the same XML.

    python-docx hashes every image part of the package again for each new picture (to
    reuse one with the same bytes), compares the part with every relationship of the
    story part and reads every id in it: O(n²) over a document. Here each image part
    is hashed once, a new part's relationship takes its id from `rel_ids` (the document
    part's), and drawing ids come from `ShapeIds`.
    """

    def __init__(
        self, document: WordDocument, rel_ids: RelIds, journal: Journal | None = None
    ) -> None:
        self.document_part = document.part
        self.rel_ids = rel_ids
        self.shape_ids = ShapeIds()
        self.by_sha1: dict[str, ImagePart] | None = None  # the package's image parts
        self.journal = journal or Journal()  # a case being recorded notes its pictures

    def add(self, paragraph: Paragraph, stream: IO[bytes], width: Length, height: Length) -> None:
        """In: the paragraph, the image file's bytes and the size to show it at.
        Out: a new run at the end of the paragraph holding the picture inline."""
        run = add_text(paragraph)
        part = paragraph.part
        r_id, image = self.image(part, stream)
        cx, cy = image.scaled_dimensions(width, height)
        shape_id = self.shape_ids.take(part)
        self.journal.note("picture", image.blob, r_id, shape_id)
        run.add_drawing(CT_Inline.new_pic_inline(shape_id, r_id, image.filename, cx, cy))

    def relate(self, part: StoryPart, stream: IO[bytes]) -> tuple[str, int]:
        """What `add` takes from the document for a picture, without writing it (a case
        put back from a fragment): the relationship id and the drawing id."""
        r_id, _ = self.image(part, stream)
        return r_id, self.shape_ids.take(part)

    def image(self, part: StoryPart, stream: IO[bytes]) -> tuple[str, Image]:
        """`part.get_or_add_image(stream)`: the id of the relationship from `part` to the
        image part holding these bytes (both added if new), and that part's image."""
        image = Image.from_file(stream)
        image_parts = part.package.image_parts
        if self.by_sha1 is None:
            self.by_sha1 = {}
            for existing in image_parts:  # python-docx takes the first match
                self.by_sha1.setdefault(existing.sha1, existing)
        image_part = self.by_sha1.get(image.sha1)
        if image_part is None:
            image_part = image_parts._add_image_part(image)
            self.by_sha1[image.sha1] = image_part
            if part is self.document_part:
                # a new part has no relationship yet: no need for relate_to's search
                r_id = self.rel_ids.take()
                part.rels.add_relationship(RT.IMAGE, image_part, r_id)
                return r_id, image_part.image
        return part.relate_to(image_part, RT.IMAGE), image_part.image


def layout_loc(layout: Layout) -> SourceLoc:
    return SourceLoc(layout.file)


def new_paragraph(container: Container) -> Paragraph:
    """`container.add_paragraph()`: a new empty paragraph at the end of a document body,
    cell, header or footer (placed by `oxml.append_block`)."""
    parent: Any = container._body if isinstance(container, WordDocument) else container
    return Paragraph(oxml.add_paragraph_element(parent._element), parent)


def add_text(paragraph: Paragraph, text: str = "") -> CT_R:
    """`paragraph.add_run(text)`; gives the new w:r (see `oxml.add_run`)."""
    return cast(CT_R, oxml.add_run(paragraph._p, text))


def add_line_break(paragraph: Paragraph) -> None:
    """`paragraph.add_run().add_break()`: a run holding one w:br (a line break)."""
    add_text(paragraph).append(oxml.new_element("w:br"))


def own_story(
    document: WordDocument,
    rel_ids: RelIds,
    sect_pr: CT_SectPr,
    kind: HeaderOrFooter,
    index: WD_HEADER_FOOTER,
) -> StoryPart:
    """The header or footer part of kind `index` that `sect_pr` names, added if it names
    none: python-docx's `is_linked_to_previous = False` (same part name, same
    relationship id), without relate_to's search of the document part's relationships.
    """
    header = kind == "header"
    reference = sect_pr.get_headerReference(index) if header else sect_pr.get_footerReference(index)
    document_part = document.part
    if reference is not None:
        return cast(StoryPart, document_part.related_parts[reference.rId])
    story = _new_story(header, document_part.package)
    r_id = rel_ids.take()  # a new part: no relationship to it can exist yet
    document_part.rels.add_relationship(RT.HEADER if header else RT.FOOTER, story, r_id)
    if header:
        sect_pr.add_headerReference(index, r_id)
    else:
        sect_pr.add_footerReference(index, r_id)
    return story


@cache
def _story_template(header: bool) -> Any:
    """python-docx's default header or footer XML, parsed once."""
    template = HeaderPart._default_header_xml if header else FooterPart._default_footer_xml
    return parse_xml(template())  # type: ignore[no-untyped-call]


def _new_story(header: bool, package: Any) -> StoryPart:
    """`HeaderPart.new(package)` / `FooterPart.new(package)`: the same part, name and
    element, copied from a template parsed once (python-docx reads and parses its
    template file for each one: six per case section)."""
    if header:
        name = package.next_partname("/word/header%d.xml")
        return HeaderPart(name, CT.WML_HEADER, deepcopy(_story_template(True)), package)
    name = package.next_partname("/word/footer%d.xml")
    return FooterPart(name, CT.WML_FOOTER, deepcopy(_story_template(False)), package)


def add_section_break(document: WordDocument, start: WD_SECTION) -> tuple[Section, CT_P]:
    """`document.add_section(start)`: the new last section, and the new paragraph whose
    w:sectPr (a copy of the body's) now ends the section before it.

    As python-docx's CT_Body.add_section_break, which looks for the body's w:sectPr
    twice through every paragraph and table of the body; it is the last child.
    """
    body = document.element.body
    sentinel = oxml.body_sect_pr(body)
    if sentinel is None:
        section = document.add_section(start)
        return section, cast(CT_P, body.sectPr.getprevious())
    holder = cast(CT_P, oxml.add_paragraph_element(body))
    holder.set_sectPr(sentinel.clone())
    # the body's own w:sectPr goes on to the new section, linked to the previous
    # section's headers and footers
    for reference in sentinel.xpath("w:headerReference|w:footerReference"):
        sentinel.remove(reference)
    sentinel.start_type = start
    return Section(sentinel, document.part), holder


def block_width(section: Section) -> Length:
    """The width between the margins of `section`, as python-docx's
    `Document._block_width` computes it for the last section."""
    page_width = section.page_width or Inches(8.5)
    left_margin = section.left_margin or Inches(1)
    right_margin = section.right_margin or Inches(1)
    return Emu(page_width - left_margin - right_margin)


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
        self.journal = Journal()  # what a case being recorded takes from the document
        self.bookmarks = Bookmarks(self.journal)
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
        self.rel_ids = RelIds(document.part.rels)  # the document part's new relationships
        self.block_width: Any = None  # the current section's text width (EMU), once known
        self.pictures = Pictures(document, self.rel_ids, self.journal)
        self.hex_cache: dict[Color, str] = {}
        # what the last section's headers and footers show, each its own or inherited
        self.stories_in_effect: dict[tuple[HeaderOrFooter, WD_HEADER_FOOTER], Any] = {}

    # ------------------------------------------------------------ sections

    def part(self, part: m.Part) -> None:
        first = self.first_section
        section = self.last_section() if first else self.new_section(part)
        self.first_section = False
        if first or part.start != "continue":
            self.setup_section(section, part)
        self.current = part
        if any(isinstance(b, m.CaseSpread | m.Colophon) for b in iter_blocks(part.blocks)):
            # cases are kept one by one (`write_case`); a colophon sets its section
            self.write_blocks(part)
        else:
            self.kept(part, lambda: self.write_blocks(part))

    def write_blocks(self, part: m.Part) -> None:
        for block in part.blocks:
            self.block(self.doc, block)

    def last_section(self) -> Section:
        """`doc.sections[-1]`: the section closed by the body's own w:sectPr.

        python-docx finds it with an XPath query over every paragraph of the body.
        """
        sect_pr = oxml.body_sect_pr(self.doc.element.body)
        if sect_pr is None:
            return self.doc.sections[-1]
        return Section(sect_pr, self.doc.part)

    def new_section(self, part: m.Part) -> Any:
        if part.start == "continue":
            return self.last_section()
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
        has_band = any(isinstance(b, m.CaseSpread) for b in part.blocks)
        oxml.set_title_page(section, has_band)
        header = spec.header if spec else None
        footer = spec.footer if spec else None
        first, primary, even = (
            WD_HEADER_FOOTER.FIRST_PAGE,
            WD_HEADER_FOOTER.PRIMARY,
            WD_HEADER_FOOTER.EVEN_PAGE,
        )
        # what each story shows (in the order python-docx would make them): the band
        # page of a case carries no running head, only the folio; a section without a
        # band never shows its first-page story
        plan: dict[tuple[HeaderOrFooter, WD_HEADER_FOOTER], tuple[Any, bool]] = {
            ("header", primary): (header, True),
            ("footer", primary): (footer, True),
            ("header", first): (None, True),
            ("footer", first): (footer if has_band else None, True),
            ("header", even): (header, False),
            ("footer", even): (footer, False),
        }
        for (kind, index), (story_spec, odd) in plan.items():
            key = self.furniture_key(story_spec, part, odd, template)
            if self.stories_in_effect.get((kind, index)) == key:
                # the previous section shows the same: linked to it, as Word's "same as
                # previous" (one footer for all the cases' sections, not one per case)
                continue
            story = own_story(self.doc, self.rel_ids, section._sectPr, kind, index)
            self.furniture(Story(story), story_spec, part, odd, template)
            self.stories_in_effect[kind, index] = key

    def furniture_key(self, spec: Any, part: m.Part, odd: bool, template: str) -> tuple[Any, ...]:
        """Everything `furniture` writes into a story depends on: equal keys, equal stories."""
        if spec is None:
            return ("empty",)
        texts = f"{spec.left}{spec.center}{spec.right}"
        return (
            repr(spec),
            odd,
            part.numbering == "none",
            self.layout.frame_size(template)[0],
            part.running_head if "{running_head}" in texts else "",
            part.subhead if "{subhead}" in texts else "",
        )

    def furniture(self, container: Any, spec: Any, part: m.Part, odd: bool, template: str) -> None:
        paragraph = container.paragraphs[0]
        for run in paragraph._p.r_lst:
            paragraph._p.remove(run)
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
                add_text(paragraph, "\t")
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
                add_text(paragraph, value)

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
        pPr = oxml.paragraph_properties(paragraph)  # as CT_P.get_or_add_pPr: the first child
        if style_id == self.default_style(1):
            oxml.remove_children(pPr, "w:pStyle")
        else:
            oxml.set_paragraph_style(pPr, style_id)

    def set_run_style(self, run: oxml.Element, style_id: str) -> None:
        """`run.style = …` on a new w:r, as `set_style`."""
        oxml.set_run_style_of(run, None if style_id == self.default_style(2) else style_id)

    def hex(self, color: Color) -> str:
        """`hex_color(color, profile)`, remembered: each call resolves the profile's path
        and looks the colour up again, for every shaded cell and bordered box."""
        found = self.hex_cache.get(color)
        if found is None:
            found = self.hex_cache[color] = hex_color(color, self.styles.profile)
        return found

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
        paragraph = new_paragraph(container)
        # write w:pStyle directly: python-docx's `paragraph.style =` re-scans the styles;
        # in a new paragraph, w:pPr and its w:pStyle are the only children, made in place
        pPr = oxml.sub_element(paragraph._p, "w:pPr")
        oxml.sub_element(pPr, "w:pStyle", {"w:val": style_id})
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
                            add_text(paragraph, f"{marker}")
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
                    run = add_text(paragraph, node.text)
                    if char_style:
                        self.set_run_style(run, char_style)
            elif isinstance(node, m.Strong):
                self.inlines(paragraph, node.children, self.map.ids.get("strong"))
            elif isinstance(node, m.Emph):
                self.inlines(paragraph, node.children, self.map.ids.get("emph"))
            elif isinstance(node, m.Code):
                add_text(paragraph, node.text)
            elif isinstance(node, m.LineBreak):
                add_line_break(paragraph)
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
                    r_id = oxml.add_external_link(paragraph, node.url, text, link_style)
                    self.journal.note("link", node.url, r_id)
            elif isinstance(node, m.FootnoteRef):
                run = add_text(paragraph, str(node.number or "?"))
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
                add_text(paragraph, ref.text)
        if ref.form == "full":
            add_text(paragraph, "（")
        if ref.form in ("page", "full"):
            if name:
                oxml.add_field(
                    paragraph, f"PAGEREF {name} \\h", self.pages.page_text(ref.anchor, "?")
                )
            else:
                add_text(paragraph, "?")
        if ref.form == "full":
            add_text(paragraph, "ページ）")

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
                add_text(paragraph, prefix + "-")
                oxml.add_field(paragraph, "SEQ 図表 \\* ARABIC" + (" \\r 1" if n == "1" else ""), n)
            else:
                digits = "".join(c for c in label if c.isdigit())
                head = (
                    label[: len(label) - len(digits)]
                    if digits and label.endswith(digits)
                    else label
                )
                add_text(paragraph, head)
                if digits and label.endswith(digits):
                    oxml.add_field(paragraph, "SEQ 図表 \\* ARABIC", digits)
            if name:
                paragraph._p.append(
                    oxml.new_element("w:bookmarkEnd", {"w:id": str(self.bookmarks.next_id)})
                )
                self.bookmarks.next_id += 1
            add_text(paragraph, "　")
        self.inlines(paragraph, caption.content)
        if anchor:
            self.bookmarks.add(paragraph, anchor)

    def source(self, container: Container, caption: m.Caption | None, credit: str = "") -> None:
        if caption is not None and caption.source:
            self.inlines(self.para(container, "source"), caption.source)
        if credit:
            add_text(self.para(container, "source"), credit)

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
            self.picture(paragraph, io.BytesIO(png), Pt(w), Pt(h))
        elif block.missing or not block.image:
            label = self.layout.labels.get("figure-placeholder", "図版準備中")
            text = m.plain_text(block.caption.content) if block.caption else ""
            self.placeholder(
                container, f"{label}：{text}" if text else label, placed * 0.42, width=placed
            )
        else:
            try:
                # converted only if its encoding is not kept already (`word_picture`), and then
                # at once: not ahead, in a thread that would outlive the document
                with no_prefetch():
                    image = prepared(
                        self.ctx.assets / block.image,
                        "screen",
                        self.ctx.assets / self.layout.print.icc_profile,
                        (placed, placed),
                    )
                buffer = io.BytesIO(word_picture(image))
                ratio = image.height / image.width if image.width else 1.0
                height = min(placed * ratio, self.layout.page.frame_height * 0.45)
                paragraph = self.para(container, "figure")
                self.picture(paragraph, buffer, Pt(height / ratio), Pt(height))
            except ImageProblem as problem:
                self.placeholder(
                    container, f"画像を読めません：{problem}", placed * 0.3, width=placed
                )
        if case_style and block.caption is not None:
            self.inlines(self.para(container, "case-caption"), block.caption.content)
        self.source(container, block.caption, block.credit)

    def picture(
        self, paragraph: Paragraph, stream: IO[bytes], width: Length, height: Length
    ) -> None:
        """`paragraph.add_run().add_picture(stream, width, height)` (see `Pictures`)."""
        self.pictures.add(paragraph, stream, width, height)

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
                    oxml.set_cell_shading(target, self.hex(self.layout.colors[fill]))
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
                self.block_width = block_width(self.last_section())
            body = container._body
            # BlockItemContainer.add_table, inserting without its search for the w:sectPr
            tbl = CT_Tbl.new_tbl(rows, cols, self.block_width)
            oxml.append_block(body._element, tbl)
            table = WordTable(tbl, body)
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
        spacer = new_paragraph(target)
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
        body = self.doc.element.body
        section, holder = add_section_break(self.doc, start)
        previous = holder.getprevious()
        break_pr = holder.pPr.sectPr if holder.pPr is not None else None  # always there
        if (
            previous is not None
            and previous.tag == qn("w:p")
            and previous.pPr is not None
            and previous.pPr.sectPr is None
            and break_pr is not None
        ):
            previous.pPr.append(break_pr)
            body.remove(holder)
        else:
            oxml.set_paragraph_style(holder.get_or_add_pPr(), self.styles.gap_id(1.0))
        return section

    def gap(self, container: Container, points: float) -> None:
        """A spacer paragraph of exactly `points` (Word has no space before/after a table,
        and needs a paragraph between two tables anyway)."""
        if self.page_end and container is self.doc:
            return
        paragraph = new_paragraph(container)
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
                self.hex(style.border),
            )
        cell = table.cell(0, 0)
        if style.background is not None:
            oxml.set_cell_shading(cell, self.hex(style.background))
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
        add_text(self.para(cell, "placeholder"), label)
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
        oxml.set_cell_shading(cell, self.hex(color))
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)
        for text, role in (
            (block.label, "case-band-label"),
            (block.place, "case-band-place"),
            (block.title, "case-title"),
        ):
            paragraph = self.para(cell, role)
            add_text(paragraph, text)
        self.band_title = paragraph  # the case's anchor is bookmarked here
        self.gap(container, self.layout.space("band")[1])

    def toc(self, container: Container, block: m.Toc) -> None:
        add_text(self.para(container, "toc-title"), block.title)
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
        add_text(self.para(container, "notes-title"), "注")
        for note in block.items:
            first = True
            for child in note.blocks:
                if isinstance(child, m.Paragraph):
                    paragraph = self.para(container, "note")
                    if first:
                        add_text(paragraph, f"{note.number}　")
                    self.inlines(paragraph, child.content)
                    first = False
                else:
                    self.block(container, child)

    def cover(self, container: Container, block: m.Cover) -> None:
        for role, text in block.lines:
            add_text(self.para(container, role), text)

    def colophon(self, container: Container, block: m.Colophon) -> None:
        section = self.last_section()
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
        """The case's pages, put back from an earlier build when it wrote the same case
        into the same place (`fragments`), else written and kept for the next."""
        if container is not self.doc:
            self.write_case_pages(container, block)
            return
        self.kept(block, lambda: self.write_case_pages(container, block))

    def kept(self, value: m.Part | m.CaseSpread, write: Callable[[], None]) -> None:
        """What `write` appends to the body for `value` (a part's blocks, or a case), put
        back from an earlier build that wrote the same value into the same place
        (`fragments`), else written and kept for the next."""
        store = fragment_store()
        if store is None:
            write()
            return
        if self.block_width is None:
            self.block_width = block_width(self.last_section())
        key = store.key(
            value_digest(value),
            layout=self.layout.file,
            width=int(self.block_width),
            template=self.current.template,
            break_next=self.break_next,
        )
        found = store.get(key)
        if found is not None:
            fragments.replay(self, found)
            return
        made = fragments.record(self, write)
        if made is not None:
            store.put(key, made)

    def write_case_pages(self, container: Container, block: m.CaseSpread) -> None:
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

    lowest: dict[str, int] = {}  # by template: every lower number is taken

    def next_partname(template: str) -> PackURI:
        # names are only added while the writer runs: go on from the last one given
        number = lowest.get(template, 1)
        while template % number in taken:
            number += 1
        lowest[template] = number + 1
        taken.add(template % number)
        return PackURI(template % number)

    package.next_partname = next_partname
