"""Numbering, decided once on the model: headings, figures and tables, footnotes, anchors.

Takes an assembled `Document` and the layout's number formats (``第{n}章``,
``{n}.``, ``({n})``, ``図表{chapter}-{n}``); gives the document with
`Heading.number`, `Caption.number`, `FootnoteRef.number` and anchors filled,
so both renderers print the same numbers and cross-references can find them.
"""

from __future__ import annotations

from dataclasses import replace

from kumihan import model as m
from kumihan.diagnostics import Diagnostics
from kumihan.layout.spec import Layout
from kumihan.transforms.numbers import render_number
from kumihan.transforms.walk import BlockFn, H, kept_if_same, map_document, map_inlines


class _Counter:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.levels = [0] * 7
        self.figures = 0
        # figures outside numbered chapters (事業概要, 資料編) share one running count, so
        # 図表1 names one figure of the whole report
        self.flat_figures = 0
        self.auto = 0
        self.in_numbered_chapter = False
        self.flat_format = layout.numbering.get("figure-flat", "図表{n}")
        chapter_format = layout.numbering.get("heading-1", "")
        self.by_chapter = bool(chapter_format) and "{chapter}" in layout.numbering.get("figure", "")
        self.figure_format = layout.numbering.get(
            "figure"
            if self.by_chapter or "{chapter}" not in layout.numbering.get("figure", "")
            else "figure-flat",
            "図表{n}",
        )

    def heading(self, block: m.Heading) -> m.Heading:
        anchor = block.anchor
        if not anchor:
            self.auto += 1
            anchor = f"h{self.auto}"
        if block.level == 1 and not block.role:
            # figures count per chapter; an unnumbered chapter (事業概要) counts them flat
            self.in_numbered_chapter = block.numbered and bool(
                self.layout.numbering.get("heading-1")
            )
            if self.by_chapter:
                self.figures = 0
            # sections count afresh under every chapter, numbered or not (資料編 1., 2. …)
            for deeper in range(2, len(self.levels)):
                self.levels[deeper] = 0
        if block.role or not block.numbered:
            return replace(block, anchor=anchor)
        level = block.level
        self.levels[level] += 1
        for deeper in range(level + 1, len(self.levels)):
            self.levels[deeper] = 0
        pattern = self.layout.numbering.get(f"heading-{level}", "")
        number = render_number(pattern, self.levels[level], self.levels[1]) if pattern else ""
        return replace(block, anchor=anchor, number=number)

    def caption(self, block: m.Figure | m.Table) -> m.Figure | m.Table:
        if block.caption is None or not block.numbered:
            return block
        if self.in_numbered_chapter or not self.by_chapter:
            self.figures += 1
            number = render_number(self.figure_format, self.figures, self.levels[1])
        else:
            self.flat_figures += 1
            number = render_number(self.flat_format, self.flat_figures, self.levels[1])
        anchor = block.anchor
        if not anchor:
            self.auto += 1
            anchor = f"fig{self.auto}"
        return replace(block, caption=replace(block.caption, number=number), anchor=anchor)


def number_document(doc: m.Document, layout: Layout, diagnostics: Diagnostics) -> m.Document:
    """Fill heading, figure/table and footnote numbers and anchors, in reading order."""
    counter = _Counter(layout)

    def visit(block: m.Block) -> m.Block:
        if isinstance(block, m.Heading):
            return counter.heading(block)
        if isinstance(block, m.Figure | m.Table):
            return counter.caption(block)
        return block

    # map_document is children-first; counters must follow reading order (pre-order).
    parts = kept_if_same(tuple(_holding(part, visit) for part in doc.parts), doc.parts)
    doc = doc if parts is doc.parts else replace(doc, parts=parts)
    return _number_footnotes(doc, diagnostics)


def _preorder(block: m.Block, visit: BlockFn) -> m.Block:
    """Apply `visit` to a block before its children (reading order for counters); a
    subtree `visit` left as it was is kept, not copied (as `map_document` keeps it)."""
    block = visit(block)
    if isinstance(block, m.Box | m.Quote):
        return _holding(block, visit)
    if isinstance(block, m.ListBlock):
        items = kept_if_same(tuple(_holding(i, visit) for i in block.items), block.items)
        return block if items is block.items else replace(block, items=items)
    if isinstance(block, m.Table):
        rows = kept_if_same(tuple(_row(r, visit) for r in block.rows), block.rows)
        return block if rows is block.rows else replace(block, rows=rows)
    if isinstance(block, m.CaseSpread):
        pages = kept_if_same(tuple(_holding(p, visit) for p in block.pages), block.pages)
        return block if pages is block.pages else replace(block, pages=pages)  # type: ignore[arg-type]
    return block


def _holding(holder: H, visit: BlockFn) -> H:
    """A part, box, quote, list item, cell or case page with its blocks in pre-order."""
    blocks = kept_if_same(tuple(_preorder(b, visit) for b in holder.blocks), holder.blocks)
    return holder if blocks is holder.blocks else replace(holder, blocks=blocks)


def _row(row: m.TableRow, visit: BlockFn) -> m.TableRow:
    cells = kept_if_same(tuple(_holding(c, visit) for c in row.cells), row.cells)
    return row if cells is row.cells else m.TableRow(cells)


def _number_footnotes(doc: m.Document, diagnostics: Diagnostics) -> m.Document:
    """Footnote marks are numbered through the document in order of first reference."""
    numbers: dict[tuple[str, str], int] = {}  # (file, label) → number
    defined: set[tuple[str, str]] = set()
    for part in doc.parts:
        for block in part.blocks:
            if isinstance(block, m.Notes):
                defined.update((n.loc.file, n.label) for n in block.items)

    def mark(node: m.Inline) -> m.Inline:
        if not isinstance(node, m.FootnoteRef):
            return node
        key = (node.loc.file, node.label)
        if key not in defined:
            diagnostics.add(
                node.loc,
                "E209",
                f"脚注 [^{node.label}] の本文がありません",
                f"[^{node.label}]: 注の本文 を書いてください。",
            )
            return node
        if key not in numbers:
            numbers[key] = len(numbers) + 1
        return replace(node, number=numbers[key])

    def visit(block: m.Block) -> m.Block:
        if isinstance(block, m.Heading | m.Paragraph):
            content = map_inlines(block.content, mark)
            # unchanged (no footnote mark in it): kept, so the document is not copied
            return block if content is block.content else replace(block, content=content)
        return block

    doc = map_document(doc, visit)

    def notes(block: m.Block) -> m.Block:
        if isinstance(block, m.Notes):
            items = tuple(
                replace(n, number=numbers.get((n.loc.file, n.label), 0)) for n in block.items
            )
            return replace(
                block, items=tuple(sorted((i for i in items if i.number), key=lambda n: n.number))
            )
        return block

    return map_document(doc, notes)
