"""Fixtures for the DOCX renderer's low-level layer: a style sheet, and a small
document built with template + oxml helpers the way the renderer will build one.

The sample exercises everything the tests check: A4, headings with TOC bookmarks,
Body Text with a one-character first-line indent, a pre-filled TOC, a table with a
repeated header row and a merged cell, PAGE fields in footers, a lowerRoman front
section followed by a decimal body section, internal and external links and a
boxed paragraph.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.section import Section

from kumihan.render.docx import oxml
from kumihan.render.docx.oxml import Element, TocLine
from kumihan.render.docx.package import save_docx
from kumihan.render.docx.template import (
    BorderSpec,
    FontDecl,
    ListDef,
    StyleDef,
    font_decl_from_file,
    new_document,
)
from kumihan.units import mm
from kumihan.verify.libreoffice import convert_to_pdf, find_soffice

FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
MINCHO = "BIZ UD明朝"
GOTHIC = "BIZ UDゴシック"
TIMESTAMP = datetime(2025, 3, 31, 9, 0, 0, tzinfo=UTC)

# Word's 標準 禁則 lists (Japanese), as a layout would supply them.
NO_BREAK_BEFORE = "!%),.:;?]}¢°’”‰′″℃、。々〉》」』】〕゛゜ゝゞ・ヽヾ！％），．：；？］｝｡｣､･ﾞﾟ￠"
NO_BREAK_AFTER = "$([\\{£¥‘“〈《「『【〔＄（［｛｢￡￥"

PAGE_W, PAGE_H = mm(210), mm(297)
MARGIN = mm(25)
TEXT_WIDTH = PAGE_W - 2 * MARGIN


def _style(name: str, style_id: str, face: str | None = None, **values: Any) -> StyleDef:
    return StyleDef(name, style_id, east_asia_font=face, ascii_font=face, **values)


def style_sheet() -> list[StyleDef]:
    """A small sheet in the shape layouts/ will give: built-ins plus custom styles."""
    return [
        _style("Normal", "Normal", MINCHO, size_pt=10.5, align="both", line_pt=18,
               widow_control=False, auto_space=True, q_format=True),
        _style("heading 1", "Heading1", GOTHIC, based_on="Normal", next="Body Text",
               size_pt=14, bold=True, outline_level=1, keep_next=True, space_before_pt=12,
               space_after_pt=6, line_pt=24, align="left", q_format=True),
        _style("heading 2", "Heading2", GOTHIC, based_on="Normal", next="Body Text",
               size_pt=12, bold=True, outline_level=2, keep_next=True, space_before_pt=6,
               align="left", q_format=True),
        _style("Body Text", "BodyText", based_on="Normal", first_line_chars=1.0, q_format=True),
        _style("Title", "Title", GOTHIC, based_on="Normal", size_pt=16, align="center",
               line_pt=30, q_format=True),
        _style("toc 1", "TOC1", GOTHIC, based_on="Normal", next="Normal"),
        _style("toc 2", "TOC2", based_on="Normal", next="Normal", left_indent_pt=10.5),
        _style("toc 3", "TOC3", based_on="Normal", next="Normal", left_indent_pt=21),
        _style("header", "Header", based_on="Normal", size_pt=9),
        _style("footer", "Footer", based_on="Normal", size_pt=9, align="center"),
        _style("caption", "Caption", GOTHIC, based_on="Normal", size_pt=9, q_format=True),
        _style("List Bullet", "ListBullet", based_on="Normal",
               list_def=ListDef("bullet", "・", left_pt=21, hanging_pt=10.5)),
        _style("List Number", "ListNumber", based_on="Normal",
               list_def=ListDef("decimal", "%1.", left_pt=21, hanging_pt=15)),
        _style("コメント", "Comment", based_on="Normal", size_pt=9.5, q_format=True,
               border=BorderSpec(size_eighths=6, color_hex="404040", space_pt=4),
               shading_hex="F2F2F2", left_indent_pt=6, right_indent_pt=6),
        _style("Hyperlink", "Hyperlink", kind="character", color_hex="0563C1",
               underline="single"),
        _style("Strong", "Strong", kind="character", bold=True, q_format=True),
        _style("Table Grid", "TableGrid", kind="table",
               table_borders=BorderSpec(sides=("top", "left", "bottom", "right",
                                               "insideH", "insideV")),
               cell_margins_pt=(0, 5.4, 0, 5.4)),
    ]  # fmt: skip


def font_decls() -> list[FontDecl]:
    return [
        font_decl_from_file(FONTS_DIR / "BIZUDMincho-Regular.ttf", name=MINCHO,
                            alt_name="BIZ UD明朝 Medium", family="roman"),
        font_decl_from_file(FONTS_DIR / "BIZUDGothic-Regular.ttf", name=GOTHIC,
                            alt_name="BIZ UDGothic", family="modern"),
    ]  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """What the sample document contains, for assertions."""

    toc: tuple[TocLine, ...]
    body_text: tuple[str, ...]
    external_url: str


TOC = (
    TocLine(1, "第1章　調査の概要", "_Toc100000001", "1"),
    TocLine(2, "1.1　調査の目的", "_Toc100000002", "1"),
    TocLine(2, "1.2　調査の方法", "_Toc100000003", "2"),
)
BODY = (
    "本調査は、地域における公共施設の利活用の状況を把握し、今後の施策の検討に資することを目的として実施した。",
    "調査は令和6年度に実施し、全国の市区町村を対象としたアンケートと、事例の聞き取りによって構成される。",
)
URL = "https://www.example.go.jp/report/"


def build_sample() -> tuple[Document, Sample]:
    """The sample document (front section with TOC, body section with content)."""
    doc = new_document(style_sheet(), fonts=font_decls())
    settings = doc.settings.element
    oxml.configure_japanese(
        settings, no_break_before=NO_BREAK_BEFORE, no_break_after=NO_BREAK_AFTER,
        compress="compressPunctuation",
    )  # fmt: skip
    oxml.set_default_tab_stop(settings, 10.5)
    front = doc.sections[0]
    oxml.set_page(front, PAGE_W, PAGE_H, MARGIN, MARGIN, MARGIN, MARGIN, mm(12), mm(12))
    oxml.set_doc_grid(front, 18, "lines")
    oxml.set_page_numbering(front, 1, "lowerRoman")
    _footer_with_page(front)

    doc.add_paragraph("目次", style="Title")
    oxml.add_toc(doc, TOC, right_tab_pt=TEXT_WIDTH)

    body = doc.add_section(WD_SECTION.NEW_PAGE)
    oxml.set_page_numbering(body, 1, "decimal")
    _footer_with_page(body)

    ids = iter(range(1, 100))
    h1 = doc.add_paragraph(TOC[0].text, style="Heading 1")
    oxml.add_bookmark(h1, TOC[0].bookmark, next(ids))
    h2 = doc.add_paragraph(TOC[1].text, style="Heading 2")
    oxml.add_bookmark(h2, TOC[1].bookmark, next(ids))
    for text in BODY:
        doc.add_paragraph(text, style="Body Text")
    _table(doc)
    oxml.add_field(doc.add_paragraph("表", style="Caption"), "SEQ 表 \\* ARABIC", "1")
    doc.add_paragraph("囲み：回答率は前回調査より上昇した。", style="コメント")
    doc.add_paragraph("選択肢の一つ目", style="List Bullet")
    doc.add_paragraph("選択肢の二つ目", style="List Bullet")
    links = doc.add_paragraph("詳しくは", style="Body Text")
    oxml.add_internal_link(links, TOC[2].bookmark, "1.2 調査の方法", "Hyperlink")
    links.add_run("および")
    oxml.add_external_link(links, URL, "報告書のページ", "Hyperlink")
    links.add_run("を参照。")
    h2b = doc.add_paragraph(TOC[2].text, style="Heading 2")
    oxml.set_page_break_before(oxml.paragraph_properties(h2b))
    oxml.add_bookmark(h2b, TOC[2].bookmark, next(ids))
    doc.add_paragraph(BODY[0], style="Body Text")
    return doc, Sample(TOC, BODY, URL)


def _footer_with_page(section: Section) -> None:
    oxml.unlink_header_footer(section)
    footer = section.footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.style = "Footer"
    oxml.add_field(paragraph, "PAGE", "1")


def _table(doc: Document) -> None:
    table = doc.add_table(rows=4, cols=3)
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, ("区分", "回答数", "割合"), strict=True):
        cell.text = text
        oxml.set_cell_shading(cell, "D9D9D9")
    oxml.set_repeat_header(table.rows[0])
    rows = [("市", "512", "65.2%"), ("町", "301", "58.1%"), ("村", "88", "49.7%")]
    for row, values in zip(table.rows[1:], rows, strict=True):
        oxml.set_cant_split(row)
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    merged = table.cell(3, 1).merge(table.cell(3, 2))
    merged.text = "集計中"
    oxml.set_column_widths(table, [TEXT_WIDTH * 0.4, TEXT_WIDTH * 0.3, TEXT_WIDTH * 0.3])
    oxml.set_cell_margins(table, 1, 5.4, 1, 5.4)
    oxml.set_cell_valign(table.cell(0, 0), "center")


@pytest.fixture(scope="session")
def sample() -> tuple[Document, Sample]:
    return build_sample()


@pytest.fixture(scope="session")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    doc, _ = build_sample()
    path = tmp_path_factory.mktemp("docx") / "sample.docx"
    save_docx(doc, path, timestamp=TIMESTAMP, title="調査報告書", author="kumihan tests",
              subject="試験", keywords="公共施設, 調査")  # fmt: skip
    return path


@pytest.fixture(scope="session")
def sample_pdf(sample_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample as LibreOffice lays it out (skipped where LibreOffice is missing)."""
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return convert_to_pdf(sample_docx, tmp_path_factory.mktemp("pdf"), FONTS_DIR)


def part_xml(docx_path: Path, name: str) -> Element:
    """One XML part of a saved package, parsed with python-docx's element classes."""
    with zipfile.ZipFile(docx_path) as package:
        return parse_xml(package.read(name))


def assert_schema_order(root: Element) -> None:
    """Every property element under `root` lists its children in schema order."""
    for parent_tag in ("w:pPr", "w:rPr", "w:sectPr", "w:settings", "w:tblPr", "w:tcPr", "w:style"):
        ranks = {qn(tag): i for i, tag in enumerate(oxml.schema_order(parent_tag))}
        parents = [root] if root.tag == qn(parent_tag) else root.iter(qn(parent_tag))
        for parent in parents:
            seen = [ranks[c.tag] for c in parent if c.tag in ranks]
            assert seen == sorted(seen), f"{parent_tag} children out of order: " + ", ".join(
                c.tag.split("}")[1] for c in parent
            )
