"""Generated case records (valid and broken) through load → assemble → transforms, and a
smaller number through a full in-process render: success or diagnostics, never an exception."""

from __future__ import annotations

import io

import pikepdf
from docx import Document as DocxDocument
from hypothesis import event, given, settings
from hypothesis import strategies as st

from kumihan import model as m
from kumihan.diagnostics import CODES, Severity
from kumihan.registry import build_deliverable
from kumihan.transforms.walk import iter_blocks

from .project import FUZZ_CHAPTER, FuzzProject
from .strategies import BASE, buildable_case_yaml, case_yaml, tame_markdown_document

CASE = "content/cases/sakura.yaml"


@settings(BASE, max_examples=500)
@given(text=case_yaml())
def test_case_record_through_load_assemble_and_transforms(text: str, fuzz_project: FuzzProject):
    fuzz_project.write(CASE, text)
    doc, diagnostics = fuzz_project.pipeline("casebook")
    assert all(d.code in CODES for d in diagnostics.items)
    for d in diagnostics.items:
        if d.loc.file == CASE:
            assert d.loc.line >= 0 and d.message
    spreads = [b for p in doc.parts for b in iter_blocks(p.blocks) if isinstance(b, m.CaseSpread)]
    for spread in spreads:
        assert len(spread.pages) == 4
        assert [p.page for p in spread.pages] == [1, 2, 3, 4]
    case_errors = [
        d for d in diagnostics.items if d.loc.file == CASE and d.severity is Severity.ERROR
    ]
    loaded = any(s.case_id == "sakura" for s in spreads)
    if not case_errors:
        assert loaded, [d.format() for d in diagnostics.items]


@settings(BASE, max_examples=30)
@given(
    case=st.one_of(
        buildable_case_yaml(),
        buildable_case_yaml(),
        buildable_case_yaml(),
        case_yaml(hostile=False),
    ),
    chapter=tame_markdown_document,
)
def test_full_render_of_casebook_and_summary_gives_files_or_diagnostics(
    case: str, chapter: str, fuzz_project: FuzzProject
):
    fuzz_project.write(CASE, case)
    fuzz_project.write(FUZZ_CHAPTER, chapter)
    for deliverable in ("casebook", "summary"):
        result = build_deliverable(
            fuzz_project.root,
            deliverable,
            formats=("pdf", "docx"),
            variants=("print",),
            preflight=False,
            use_cache=False,
        )
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        event(f"{deliverable}: {'refused' if errors else 'rendered'}")
        if errors:
            assert result.artifacts == []
            continue
        assert {a.name.rsplit(".", 1)[1] for a in result.artifacts} == {"pdf", "docx"}
        for artifact in result.artifacts:
            if artifact.name.endswith(".pdf"):
                with pikepdf.open(io.BytesIO(artifact.data)) as pdf:
                    assert len(pdf.pages) == artifact.pages > 0
            else:
                DocxDocument(io.BytesIO(artifact.data))
        if deliverable == "casebook":
            pages = result.case_pages.get("sakura", [])
            assert len(pages) == 4, result.case_pages
