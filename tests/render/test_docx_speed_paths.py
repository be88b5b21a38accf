"""The DOCX writer's fast paths write exactly what the python-docx calls they replace
write: the same elements, ids, part names and relationships, so the same bytes.

Each test builds two documents side by side, one through python-docx's own API and
one through the fast path, and compares their XML or their finished .docx bytes.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_HEADER_FOOTER, WD_SECTION
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from lxml import etree  # type: ignore[import-untyped]
from PIL import Image

from kumihan.render.docx import oxml
from kumihan.render.docx.package import docx_bytes, normalize_zip
from kumihan.render.docx.writer import (
    HeaderOrFooter,
    Pictures,
    RelIds,
    ShapeIds,
    add_line_break,
    add_section_break,
    add_text,
    block_width,
    new_paragraph,
    own_story,
    remember_part_names,
)

KINDS: tuple[HeaderOrFooter, ...] = ("header", "footer")
TIMESTAMP = datetime(2025, 3, 31, 9, 0, 0, tzinfo=UTC)
META = {"title": "t", "author": "a", "subject": "s", "keywords": "k"}

TEXTS = [
    "本文",
    "plain text",
    "a\tb",
    "\tleading tab",
    "trailing tab\t",
    "line\nbreak",
    "carriage\rreturn",
    "both\r\nends",
    "\n",
    "\t\t",
    " leading space",
    "trailing space ",
    " ",
    "　全角空白で始まる",
    "全角空白で終わる　",
    "中に　全角空白",
    "mixed\t 和文\n　end ",
]


def _xml(element: object) -> bytes:
    return bytes(etree.tostring(element))


def _package(document: Document) -> bytes:
    return docx_bytes(document, timestamp=TIMESTAMP, **META)


def _png(color: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG", dpi=(144, 144))
    return out.getvalue()


@pytest.mark.parametrize("text", TEXTS)
def test_add_text_writes_the_runs_add_run_writes(text: str) -> None:
    document = docx.Document()
    expected, actual = document.add_paragraph(), document.add_paragraph()
    expected.add_run(text)
    add_text(actual, text)
    assert _xml(actual._p) == _xml(expected._p)


@pytest.mark.parametrize("text", TEXTS)
def test_field_and_link_runs_hold_the_text_ct_r_text_writes(text: str) -> None:
    expected = oxml.new_element("w:r")
    rPr = oxml.child(expected, "w:rPr")
    oxml.set_run_style(rPr, "Hyperlink")
    oxml.child(rPr, "w:noProof")
    expected.text = text  # python-docx's CT_R.text setter
    actual = oxml._run(text, style_id="Hyperlink", marks=("w:noProof",))
    assert _xml(actual) == _xml(expected)


@pytest.mark.parametrize("style_id", ["Strong", None])
def test_run_style_on_a_new_run_as_python_docx_sets_it(style_id: str | None) -> None:
    document = docx.Document()
    expected, actual = document.add_paragraph(), document.add_paragraph()
    expected.add_run("強調")._r.style = style_id
    oxml.set_run_style_of(add_text(actual, "強調"), style_id)
    assert _xml(actual._p) == _xml(expected._p)


def test_line_break_run() -> None:
    document = docx.Document()
    expected, actual = document.add_paragraph(), document.add_paragraph()
    expected.add_run().add_break()
    add_line_break(actual)
    assert _xml(actual._p) == _xml(expected._p)


def test_new_paragraphs_land_where_add_paragraph_puts_them() -> None:
    expected, actual = docx.Document(), docx.Document()
    for document, add in ((expected, lambda c: c.add_paragraph()), (actual, new_paragraph)):
        add(document)
        table = document.add_table(1, 2)
        cell = table.cell(0, 1)
        paragraph = add(cell)
        paragraph.add_run("セル")
        add(document).add_run("本文")
    assert _xml(actual.element) == _xml(expected.element)


def test_new_paragraph_without_a_body_sect_pr() -> None:
    expected, actual = docx.Document(), docx.Document()
    for document in (expected, actual):
        body = document.element.body
        body.remove(body.sectPr)
    expected.add_paragraph()
    new_paragraph(actual)
    assert _xml(actual.element) == _xml(expected.element)


def test_child_made_in_place_equals_one_made_detached() -> None:
    document = docx.Document()
    paragraphs = [document.add_paragraph() for _ in range(2)]
    for tag in ("w:jc", "w:pStyle", "w:spacing", "w:keepNext"):
        oxml.child(oxml.paragraph_properties(paragraphs[0]), tag)
        pPr = paragraphs[1]._p.get_or_add_pPr()
        oxml.insert_in_order(pPr, oxml.new_element(tag))
    assert _xml(paragraphs[0]._p) == _xml(paragraphs[1]._p)
    assert _xml(document.element).count(b"xmlns:w=") == 1


@pytest.mark.parametrize(("parent", "tag"), [("w:r", "w:t"), ("a:graphic", "a:graphicData")])
def test_sub_element_equals_a_detached_element_appended(parent: str, tag: str) -> None:
    expected, actual = oxml.new_element(parent), oxml.new_element(parent)
    expected.append(oxml.new_element(tag, {"w:val": "x"}))
    made = oxml.sub_element(actual, tag, {"w:val": "x"})
    assert made.tag == qn(tag)
    assert type(made) is type(expected[0])
    assert _xml(actual) == _xml(expected)


def test_body_sect_pr_is_the_body_s_own() -> None:
    document = docx.Document()
    document.add_paragraph()
    body = document.element.body
    assert oxml.body_sect_pr(body) is body.sectPr
    body.remove(body.sectPr)
    assert oxml.body_sect_pr(body) is None


def test_rel_ids_are_the_lowest_free_as_python_docx_gives_them() -> None:
    document = docx.Document()
    rels = document.part.rels
    for r_id in list(rels):
        if r_id in ("rId2", "rId4"):
            del rels[r_id]
    ids = RelIds(rels)
    for number in range(5):
        expected = rels._next_rId
        assert ids.take() == expected
        rels.add_relationship(RT.HYPERLINK, f"https://example.com/{number}", expected, True)


def test_section_break_as_add_section() -> None:
    expected, actual = docx.Document(), docx.Document()
    for document in (expected, actual):
        document.add_paragraph("前")
        oxml.unlink_header_footer(document.sections[-1])
    first = expected.add_section(WD_SECTION.ODD_PAGE)
    second, holder = add_section_break(actual, WD_SECTION.ODD_PAGE)
    assert _xml(actual.element) == _xml(expected.element)
    assert second._sectPr is actual.element.body.sectPr
    assert holder.pPr.sectPr is not None
    assert block_width(second) == expected._block_width
    assert first._sectPr is expected.element.body.sectPr


def test_own_headers_and_footers_as_unlink_header_footer() -> None:
    expected, actual = docx.Document(), docx.Document()
    remember_part_names(actual)
    ids = RelIds(actual.part.rels)
    for number in range(3):
        for document in (expected, actual):
            document.add_paragraph(f"第{number}節")
            if number:
                document.add_section(WD_SECTION.NEW_PAGE)
        oxml.unlink_header_footer(expected.sections[-1], first_page=True, even_page=True)
        section = actual.sections[-1]
        parts = []
        for index in (
            WD_HEADER_FOOTER.PRIMARY,
            WD_HEADER_FOOTER.FIRST_PAGE,
            WD_HEADER_FOOTER.EVEN_PAGE,
        ):
            for kind in KINDS:
                parts.append(own_story(actual, ids, section._sectPr, kind, index))
        # the parts are the section's own, and asking again gives the same ones
        assert parts[0] is section.header._get_or_add_definition()
        assert parts[5] is section.even_page_footer._get_or_add_definition()
        again = own_story(actual, ids, section._sectPr, "footer", WD_HEADER_FOOTER.PRIMARY)
        assert again is parts[1]
    assert _package(actual) == _package(expected)


def test_pictures_as_add_picture() -> None:
    red, blue = _png((200, 0, 0)), _png((0, 0, 200), (20, 50))
    expected, actual = docx.Document(), docx.Document()
    for document in (expected, actual):
        # a picture already in the document: ids and image names go on from it
        document.add_paragraph().add_run().add_picture(io.BytesIO(red), width=Pt(30))
        document.add_paragraph().add_run().add_picture(io.BytesIO(blue))  # python-docx's own
        document.add_paragraph("前").add_run().add_picture(io.BytesIO(blue))  # ditto
    pictures = Pictures(actual, RelIds(actual.part.rels))
    sizes = [(Pt(40), Pt(30)), (Pt(10), Pt(25)), (Pt(80), Pt(60)), (Pt(5), Pt(5))]
    blobs = [blue, _png((0, 150, 0)), red, _png((0, 150, 0))]  # two repeats
    for document in (expected, actual):
        cell = document.add_table(1, 1).cell(0, 0)
        for index, (blob, (width, height)) in enumerate(zip(blobs, sizes, strict=True)):
            container = cell if index % 2 else document
            paragraph: Paragraph = container.add_paragraph()
            if document is expected:
                paragraph.add_run().add_picture(io.BytesIO(blob), width=width, height=height)
            else:
                pictures.add(paragraph, io.BytesIO(blob), width, height)
    assert _xml(actual.element) == _xml(expected.element)
    assert _package(actual) == _package(expected)


def test_shape_ids_count_on_from_the_part() -> None:
    document = docx.Document()
    document.add_paragraph().add_run().add_picture(io.BytesIO(_png((1, 2, 3))))
    part = document.part
    ids = ShapeIds()
    assert ids.take(part) == part.next_id == 2
    assert ids.take(part) == 3


def test_docx_bytes_equal_the_saved_package_normalized() -> None:
    document = docx.Document()
    document.add_paragraph("本文").add_run().add_picture(io.BytesIO(_png((9, 9, 9))))
    oxml.unlink_header_footer(document.sections[0], first_page=True)
    document.sections[0].header.paragraphs[0].add_run("柱")
    fast = _package(document)
    raw = io.BytesIO()
    document.save(raw)
    assert fast == normalize_zip(raw.getvalue(), TIMESTAMP)
