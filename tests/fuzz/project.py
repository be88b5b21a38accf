"""The fuzz project and the in-process pipeline the fuzz tests drive (no rendering)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kumihan import model as m
from kumihan.assemble import assemble
from kumihan.diagnostics import Diagnostics
from kumihan.layout.spec import Layout
from kumihan.load.content import load_content
from kumihan.transforms.fit import fit_cases
from kumihan.transforms.glyphs import check_glyphs
from kumihan.transforms.images import check_images
from kumihan.transforms.normalise import normalise_document
from kumihan.transforms.numbering import number_document
from kumihan.transforms.toc import fill_toc
from kumihan.transforms.walk import iter_blocks
from kumihan.transforms.xref import resolve_refs
from kumihan.typeset.fonts import FontBook
from load.fictional import CHAPTERS, add_case_pictures, bomb_png, make_project, png, write

FUZZ_CHAPTER = "content/summary/01-fuzz.md"


class BlockCountMeasurer:
    """A cheap stand-in for the PDF engine: 20 pt per block, 300 pt per table."""

    def height(self, page: m.CasePage, layout: Layout) -> float:
        size = layout.style("case-body").size
        total = 0.0
        for block in iter_blocks(page.blocks):
            total += 300.0 if isinstance(block, m.Table) else 20.0 * size / 9.5
        return total


@dataclass
class FuzzProject:
    root: Path
    layouts: dict[str, Layout]
    fonts: FontBook

    def write(self, relative: str, text: str) -> None:
        write(self.root, relative, text)

    def pipeline(self, deliverable: str, *, strict: bool = False) -> tuple[m.Document, Diagnostics]:
        """load → assemble → normalise → number → xref → toc → glyphs → images → fit."""
        layout = self.layouts[deliverable]
        diagnostics = Diagnostics()
        content = load_content(self.root, diagnostics)
        doc = assemble(layout, content, diagnostics)
        doc = normalise_document(doc, layout.normalise, diagnostics)
        doc = number_document(doc, layout, diagnostics)
        doc = resolve_refs(doc, diagnostics)
        doc = fill_toc(doc)
        check_glyphs(doc, self.fonts, layout.styles["body"].face, diagnostics, strict=strict)
        check_images(
            doc, self.root / "assets", layout.page.frame_width, layout.print.min_ppi, diagnostics
        )
        doc = fit_cases(doc, layout, BlockCountMeasurer(), diagnostics, strict=strict)
        return doc, diagnostics


def fuzz_root(root: Path) -> Path:
    """The fictional project with one summary chapter (the one the fuzzer rewrites) and
    pictures: a good one, a decompression bomb and a file that is not an image."""
    make_project(
        root,
        chapters={
            "summary/01-fuzz.md": "# 題\n",
            "casebook/00-guide.md": CHAPTERS["casebook/00-guide.md"],
        },
    )
    add_case_pictures(root)
    images = root / "assets" / "images"
    png(images / "ok.png", (1800, 1200))
    bomb_png(images / "bomb.png")
    (images / "not-an-image.png").write_bytes(b"this is not a PNG at all")
    return root
