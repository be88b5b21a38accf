"""Thousands of generated Markdown chapters: every outcome is a model or diagnostics, never an
uncaught exception; and what reaches the model is safe (no unsafe links, no control characters)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings

from kumihan import model as m
from kumihan.diagnostics import CODES, Diagnostics
from kumihan.load.markdown import parse_markdown
from kumihan.load.records import image_path_problem
from kumihan.transforms.walk import block_inlines, iter_blocks
from load.fictional import bomb_png, png

from .project import FUZZ_CHAPTER, FuzzProject
from .strategies import BASE, markdown_document

CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
SAFE_URL = ("http://", "https://", "mailto:", "#")


def all_inlines(nodes: m.Inlines) -> list[m.Inline]:
    out: list[m.Inline] = []
    for node in nodes:
        out.append(node)
        if isinstance(node, m.Emph | m.Strong | m.Link):
            out.extend(all_inlines(node.children))
    return out


def model_text(blocks: tuple[m.Block, ...]) -> tuple[list[str], list[m.Inline]]:
    texts: list[str] = []
    inlines: list[m.Inline] = []
    for block in iter_blocks(blocks):
        for seq in block_inlines(block):
            nodes = all_inlines(seq)
            inlines.extend(nodes)
            texts.extend(n.text for n in nodes if isinstance(n, m.Text | m.Code))
    return texts, inlines


def check_chapter_is_safe(
    chapter_blocks: tuple[m.Block, ...], footnotes: tuple[m.FootnoteDef, ...]
) -> None:
    blocks = chapter_blocks + tuple(b for f in footnotes for b in f.blocks)
    texts, inlines = model_text(blocks)
    for text in texts:
        assert not CONTROL.search(text), repr(text)
    for node in inlines:
        if isinstance(node, m.Link):
            assert node.url.strip().lower().startswith(SAFE_URL), node.url
    for block in iter_blocks(blocks):
        if isinstance(block, m.Figure) and block.image and image_path_problem(block.image):
            assert block.missing, block.image


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-assets")
    png(root / "images" / "ok.png", (8, 8))
    bomb_png(root / "images" / "bomb.png")
    return root


@settings(BASE, max_examples=3000)
@given(text=markdown_document)
def test_markdown_parser_gives_a_model_or_diagnostics(text: str, assets: Path):
    diagnostics = Diagnostics()
    chapter = parse_markdown(text, "content/summary/01-fuzz.md", diagnostics, assets=assets)
    lines = len(re.split(r"\r\n|\r|\n", text)) + 1  # markdown-it also breaks lines at a lone CR
    for d in diagnostics.items:
        assert d.code in CODES
        assert d.loc.file == "content/summary/01-fuzz.md"
        assert 0 <= d.loc.line <= lines, (d.format(), text)
        assert d.message
    for block in iter_blocks(chapter.blocks):
        loc = getattr(block, "loc", None)
        if loc is not None:
            assert loc.file == "content/summary/01-fuzz.md"
            assert 1 <= loc.line <= lines
    assert not any(isinstance(b, m.Include) and not b.name for b in iter_blocks(chapter.blocks))
    check_chapter_is_safe(chapter.blocks, chapter.footnotes)


@settings(BASE, max_examples=600)
@given(text=markdown_document)
def test_markdown_chapter_through_load_assemble_and_transforms(
    text: str, fuzz_project: FuzzProject
):
    fuzz_project.write(FUZZ_CHAPTER, text)
    doc, diagnostics = fuzz_project.pipeline("summary")
    assert all(d.code in CODES for d in diagnostics.items)
    for part in doc.parts:
        assert not any(isinstance(b, m.Include) for b in iter_blocks(part.blocks))
        for block in iter_blocks(part.blocks):
            for seq in block_inlines(block):
                for node in all_inlines(seq):
                    if isinstance(node, m.Ref):
                        assert node.text, node  # every reference resolved or marked ??
    if not diagnostics.has_errors:
        assert doc.parts and doc.parts[0].name == "summary/01-fuzz.md"
