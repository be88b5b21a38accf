"""Sections whose headers or footers would repeat the previous section's are linked to it
(Word's "same as previous"): the casebook has one footer for all its cases, and a
header of their own for each case's running head."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import docx
from tests.e2e.helpers import copy_project

from kumihan.diagnostics import Diagnostics
from kumihan.registry import _render_caches, prepare_deliverable
from kumihan.render.docx import render_docx
from kumihan.render.pdf import render_pdf


def _casebook(tmp_path: Path) -> docx.document.Document:
    root = copy_project(tmp_path / "project")
    prepared = prepare_deliverable(root, "casebook", Diagnostics(), strict=False)
    assert prepared is not None
    created = datetime(2026, 1, 1, tzinfo=UTC)
    with _render_caches(root):
        record = render_pdf(prepared.document, prepared.layout, root, "print", created).record
        data = render_docx(prepared.document, prepared.layout, root, record, created)
    return docx.Document(io.BytesIO(data))


def _text(story: object) -> str:
    return "".join(p.text for p in story.paragraphs)  # type: ignore[attr-defined]


def test_cases_share_their_footers_and_keep_their_own_running_heads(tmp_path: Path) -> None:
    word = _casebook(tmp_path)
    cases = [s for s in word.sections if s.different_first_page_header_footer]  # the bands
    assert len(cases) >= 3

    # every case section after the first shows the first one's footers (page fields)
    for section in cases[1:]:
        assert section.footer.is_linked_to_previous
        assert section.even_page_footer.is_linked_to_previous
        assert section.first_page_footer.is_linked_to_previous
        assert section.first_page_header.is_linked_to_previous  # the band page: none
    # and each its own running head, naming its case
    heads = [_text(s.header) for s in cases]
    assert all(not s.header.is_linked_to_previous for s in cases)
    assert len(set(heads)) == len(heads) and all(heads)
    assert not any(_text(s.first_page_header) for s in cases)


def test_the_package_holds_each_story_once(tmp_path: Path) -> None:
    """python-docx follows the links: a linked story is the previous section's part."""
    word = _casebook(tmp_path)
    parts = {
        id(section.footer._get_or_add_definition())
        for section in word.sections
        if section.different_first_page_header_footer
    }
    assert len(parts) == 1
    stories = [
        str(part.partname)
        for part in word.part.package.iter_parts()
        if "/header" in str(part.partname) or "/footer" in str(part.partname)
    ]
    assert len(stories) < 6 * len(word.sections)  # not a set of six per section
