"""A DOCX written before pagination, its page numbers filled in later, is the DOCX
written with the pagination at hand: byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import docx
from lxml import etree
from tests.e2e.helpers import copy_project

from kumihan.diagnostics import Diagnostics
from kumihan.registry import _render_caches, prepare_deliverable
from kumihan.render.docx import docx_file, oxml, render_docx, write_docx
from kumihan.render.docx.pages import DeferredPages, PageNumbers
from kumihan.render.pdf import render_pdf
from kumihan.render.pdf.context import PageRecord

# anchors a, b are on numbered pages; "front" is on an unnumbered one; "gone" is nowhere
RECORD = PageRecord(anchors={"a": 3, "b": 5, "front": 1}, labels={1: "", 3: "1", 5: "iii"})


def _body(pages: PageNumbers, fill: PageRecord | None = None) -> bytes:
    """A body with contents lines and page references, as the writer makes them."""
    word = docx.Document()
    lines = [
        oxml.TocLine(1, "第1章", f"_Toc{n}", pages.page_text(anchor))
        for n, anchor in enumerate(("a", "front", "gone", "b"))
    ]
    oxml.add_toc(word, lines, right_tab_pt=400.0)
    paragraph = word.add_paragraph("本文")
    for anchor in ("b", "front", "gone"):
        oxml.add_field(paragraph, f"PAGEREF {anchor} \\h", pages.page_text(anchor, "?"))
    if isinstance(pages, DeferredPages):
        assert fill is not None
        pages.fill(word, fill)
    return bytes(etree.tostring(word.element.body))


def test_filled_tokens_give_the_body_written_with_the_record() -> None:
    deferred = DeferredPages()
    filled = _body(deferred, RECORD)
    assert filled == _body(RECORD)
    assert len(deferred.asked) == 7
    assert "\ue000".encode() not in filled
    # the unnumbered and unknown pages: no run in the contents, "?" in a reference
    text = etree.fromstring(filled).xpath("string()")
    assert text.count("?") == 2 and "iii" in text


def test_a_token_in_a_different_document_is_left_alone() -> None:
    """Only this writer's tokens are filled: another `DeferredPages` has its own mark."""
    first, second = DeferredPages(), DeferredPages()
    token = first.page_text("a")
    word = docx.Document()
    word.add_paragraph().add_run(token)
    second.page_text("a")
    second.fill(word, RECORD)
    assert word.paragraphs[0].text == token
    first.fill(word, RECORD)
    assert word.paragraphs[0].text == "1"


def test_the_sample_report_is_the_same_either_way(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    prepared = prepare_deliverable(root, "report", Diagnostics(), strict=False)
    assert prepared is not None
    created = datetime(2026, 1, 1, tzinfo=UTC)
    with _render_caches(root):
        record = render_pdf(prepared.document, prepared.layout, root, "print", created).record
        direct = render_docx(prepared.document, prepared.layout, root, record, created)
        deferred = DeferredPages()
        word = write_docx(prepared.document, prepared.layout, root, deferred)
        deferred.fill(word, record)
        later = docx_file(word, prepared.document, created)
    assert len(deferred.asked) > 20  # the contents and the page references
    assert later == direct
