"""Model → DOCX (python-docx) for agencies who keep editing in Word.

`render_docx` takes the transformed `Document`, its `Layout` and the PDF's
`PageRecord`; gives the .docx bytes: named styles only (見出し 1–4, 本文,
箇条書き, 図表番号, 事例タイトル …), BIZ UD fonts in all four font slots with
Japanese language tags, Japanese line-break settings matching the PDF's, a
document grid, sections with page numbering, a pre-filled TOC field and
PAGE/PAGEREF/SEQ/REF fields. Byte-identical for the same inputs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from docx.document import Document as WordDocument
from docx.oxml.ns import qn

from kumihan import model as m
from kumihan.layout.spec import Layout
from kumihan.render.docx import oxml
from kumihan.render.docx.package import docx_bytes
from kumihan.render.docx.pages import PageNumbers
from kumihan.render.docx.styles import StyleSheetBuilder, font_decls
from kumihan.render.docx.template import new_document
from kumihan.render.docx.writer import DocxWriter, list_styles_needed
from kumihan.render.pdf import make_context
from kumihan.render.pdf.context import PageRecord
from kumihan.transforms.walk import iter_document
from kumihan.typeset.jlreq import CLASS_OF, NOT_AT_START_GENERAL, NOT_AT_START_STRICT, OPENING


def line_break_lists(layout: Layout) -> tuple[str, str]:
    """Word's 行頭禁則 / 行末禁則 character lists, from the same JLREQ classes as the PDF."""
    forbidden = NOT_AT_START_STRICT if layout.rules.kinsoku == "strict" else NOT_AT_START_GENERAL
    before = "".join(sorted(ch for ch, cl in CLASS_OF.items() if cl in forbidden))
    after = "".join(sorted(OPENING))
    return before, after


def superscript_style(word: Any, style_id: str | None) -> None:
    """Make the footnote-mark character style superscript (StyleDef has no such field)."""
    if not style_id:
        return
    for style in word.styles.element.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            rpr = oxml.run_properties(style)
            oxml.insert_in_order(rpr, oxml.new_element("w:vertAlign", {"w:val": "superscript"}))


def render_docx(
    doc: m.Document, layout: Layout, root: Path, record: PageRecord, created: datetime
) -> bytes:
    """The DOCX's bytes, its page numbers taken from the print PDF's `record`."""
    return docx_file(write_docx(doc, layout, root, record), doc, created)


def docx_file(word: WordDocument, doc: m.Document, created: datetime) -> bytes:
    """A written Word document → the .docx bytes, stamped `created` (deterministic)."""
    return docx_bytes(
        word,
        timestamp=created,
        title=doc.meta.title,
        author=doc.meta.author,
        subject=doc.meta.subject,
        keywords=", ".join(doc.meta.keywords),
    )


def write_docx(doc: m.Document, layout: Layout, root: Path, pages: PageNumbers) -> WordDocument:
    """The document written into a new Word document: styles, settings, every part;
    printed page numbers from `pages` (a `PageRecord`, or `DeferredPages` to fill later)."""
    assets = root / "assets"
    styles = StyleSheetBuilder(layout, assets)
    fit_used = {b.fit.step for _, b in iter_document(doc) if isinstance(b, m.CaseSpread)}
    styles.build(fit_used)
    for part in doc.parts:
        list_styles_needed(part.blocks, styles, layout)
    word = new_document(styles.map.defs, fonts=font_decls(layout, assets / "fonts"))
    superscript_style(word, styles.map.ids.get("footnote-mark"))
    settings = word.settings.element
    before, after = line_break_lists(layout)
    oxml.configure_japanese(
        settings, no_break_before=before, no_break_after=after, compress="compressPunctuation"
    )
    oxml.set_even_and_odd_headers(settings, True)
    ctx = make_context(layout, root, "screen")
    writer = DocxWriter(word, layout, styles, pages, ctx, doc.meta.organisation)
    for part in doc.parts:
        writer.part(part)
    return word
