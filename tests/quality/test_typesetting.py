"""Issue 6's judge on the real outputs: no kinsoku violation on any line of any generated
PDF, justified body lines end at the frame's right edge, and the DOCX carries the same
house rules as Word settings."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from reportlab.platypus.flowables import Flowable

from kumihan.diagnostics import Diagnostics
from kumihan.registry import prepare_deliverable
from kumihan.render.pdf import make_context
from kumihan.render.pdf.blocks import FlowableBuilder
from kumihan.render.pdf.document import KumihanDoc, story_for
from kumihan.render.pdf.flowables import JParagraph
from kumihan.typeset.jlreq import CLASS_OF, NOT_AT_START_GENERAL, OPENING
from kumihan.verify.kinsoku import check_justified, check_pdf

ROOT = Path(__file__).resolve().parents[2]
PDFS = [
    "概略書.pdf",
    "概略書_web.pdf",
    "事例集.pdf",
    "事例集_web.pdf",
    "報告書.pdf",
    "報告書_web.pdf",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", PDFS)
def test_no_line_of_any_output_breaks_a_kinsoku_rule(sample_output: Path, name: str) -> None:
    violations = check_pdf(sample_output / name)
    assert violations == [], "\n".join(map(str, violations[:20]))


def _paragraphs(flowables: list[Flowable]) -> list[JParagraph]:
    """Every JParagraph in a story, inside boxes, groups, case pages and table cells."""
    found: list[JParagraph] = []
    for flowable in flowables:
        if isinstance(flowable, JParagraph):
            found.append(flowable)
        for attribute in ("children", "first", "rest", "paragraphs", "_cellvalues"):
            inner = getattr(flowable, attribute, None)
            if isinstance(inner, Flowable):
                inner = [inner]
            if isinstance(inner, list | tuple):
                flat: list[Flowable] = []
                for item in inner:
                    if isinstance(item, list | tuple):  # table rows of cells of flowables
                        for cell in item:
                            flat.extend(cell if isinstance(cell, list | tuple) else [cell])
                    elif isinstance(item, Flowable):
                        flat.append(item)
                found.extend(_paragraphs(flat))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("deliverable", ["summary", "casebook", "report"])
def test_justified_lines_end_at_the_frame_edge(deliverable: str) -> None:
    """Every line but the last of every justified paragraph actually laid out in the PDF
    (body, lists, boxes, cells, case pages) ends within 0.5 pt of its frame's right edge.

    Checked on the composed lines the renderer drew (pdfminer, under pdfplumber, drops
    the character spacing at font-subset switches, so PDF extraction cannot measure it).
    """
    diagnostics = Diagnostics()
    prepared = prepare_deliverable(ROOT, deliverable, diagnostics, strict=False)
    assert prepared is not None
    ctx = make_context(prepared.layout, ROOT, "screen")
    builder = FlowableBuilder(
        ctx, prepared.layout.page.frame_width, prepared.layout.page.frame_height
    )
    parts = [(part, builder.blocks(part.blocks)) for part in prepared.document.parts]
    flowables = [f for _, fl in parts for f in fl]
    KumihanDoc(io.BytesIO(), ctx, prepared.document.meta).build(story_for(parts))
    checked = 0
    for paragraph in _paragraphs(flowables):
        lines = paragraph._lines
        if paragraph.style.align != "justify" or not lines or paragraph._lines_width is None:
            continue
        width = paragraph._lines_width
        problems = check_justified(lines, width)
        assert problems == [], (paragraph.style.name, problems[:3])
        checked += sum(1 for line in lines if not line.last)
    # the sample casebook has one complete case (the others are drafts)
    assert checked > (50 if deliverable == "casebook" else 200)


def test_docx_settings_carry_the_house_rules(sample_output: Path) -> None:
    with zipfile.ZipFile(sample_output / "概略書.docx") as archive:
        settings = archive.read("word/settings.xml").decode()
        styles = archive.read("word/styles.xml").decode()
        document = archive.read("word/document.xml").decode()
    before = re.search(r'<w:noLineBreaksBefore w:lang="ja-JP" w:val="([^"]+)"', settings)
    after = re.search(r'<w:noLineBreaksAfter w:lang="ja-JP" w:val="([^"]+)"', settings)
    assert before and after
    forbidden_at_start = {ch for ch, cl in CLASS_OF.items() if cl in NOT_AT_START_GENERAL}
    assert set(before.group(1)) == forbidden_at_start
    assert set(after.group(1)) == set(OPENING)
    assert '<w:characterSpacingControl w:val="compressPunctuation"/>' in settings
    body = re.search(r'<w:style w:type="paragraph" w:styleId="BodyText".*?</w:style>', styles, re.S)
    assert body is not None
    for setting in (
        "<w:kinsoku/>",
        '<w:jc w:val="both"/>',
        'w:firstLineChars="100"',
        "<w:autoSpaceDE/>",
        "<w:autoSpaceDN/>",
    ):
        assert setting in body.group(0), setting
    assert re.search(r'<w:docGrid w:linePitch="360" w:type="lines"/>', document)
