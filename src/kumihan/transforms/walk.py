"""Generic traversal of the model: visit every block in reading order, rebuild with changes.

Transforms are written as a function from one block to a block; `map_document`
applies it depth-first (children first) everywhere blocks nest: parts, boxes,
quotes, list items, table cells, case pages, footnote texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from kumihan import model as m

BlockFn = Callable[[m.Block], m.Block]


def _children(block: m.Block, fn: BlockFn) -> m.Block:
    if isinstance(block, m.Box | m.Quote):
        return replace(block, blocks=tuple(map_block(b, fn) for b in block.blocks))
    if isinstance(block, m.ListBlock):
        items = tuple(
            replace(i, blocks=tuple(map_block(b, fn) for b in i.blocks)) for i in block.items
        )
        return replace(block, items=items)
    if isinstance(block, m.Table):
        rows = tuple(
            m.TableRow(
                tuple(
                    replace(c, blocks=tuple(map_block(b, fn) for b in c.blocks)) for c in row.cells
                )
            )
            for row in block.rows
        )
        return replace(block, rows=rows)
    if isinstance(block, m.CaseSpread):
        pages = tuple(
            replace(p, blocks=tuple(map_block(b, fn) for b in p.blocks)) for p in block.pages
        )
        return replace(block, pages=pages)  # type: ignore[arg-type]
    if isinstance(block, m.Notes):
        notes = tuple(
            replace(n, blocks=tuple(map_block(b, fn) for b in n.blocks)) for n in block.items
        )
        return replace(block, items=notes)
    return block


def map_block(block: m.Block, fn: BlockFn) -> m.Block:
    return fn(_children(block, fn))


def map_document(doc: m.Document, fn: BlockFn) -> m.Document:
    parts = tuple(replace(p, blocks=tuple(map_block(b, fn) for b in p.blocks)) for p in doc.parts)
    return replace(doc, parts=parts)


def iter_blocks(blocks: tuple[m.Block, ...] | list[m.Block]) -> Iterator[m.Block]:
    """Every block, nested ones included, in reading order (parents before children)."""
    for block in blocks:
        yield block
        if isinstance(block, m.Box | m.Quote):
            yield from iter_blocks(block.blocks)
        elif isinstance(block, m.ListBlock):
            for item in block.items:
                yield from iter_blocks(item.blocks)
        elif isinstance(block, m.Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from iter_blocks(cell.blocks)
        elif isinstance(block, m.CaseSpread):
            for page in block.pages:
                yield from iter_blocks(page.blocks)
        elif isinstance(block, m.Notes):
            for note in block.items:
                yield from iter_blocks(note.blocks)


def iter_document(doc: m.Document) -> Iterator[tuple[m.Part, m.Block]]:
    for part in doc.parts:
        for block in iter_blocks(part.blocks):
            yield part, block


InlineFn = Callable[[m.Inline], m.Inline]


def map_inlines(inlines: m.Inlines, fn: InlineFn) -> m.Inlines:
    out: list[m.Inline] = []
    for node in inlines:
        if isinstance(node, m.Emph | m.Strong | m.Link):
            node = replace(node, children=map_inlines(node.children, fn))
        out.append(fn(node))
    return tuple(out)


def map_block_inlines(block: m.Block, fn: InlineFn) -> m.Block:
    """Apply `fn` to the inline content a block itself holds (not its children's)."""
    if isinstance(block, m.Heading | m.Paragraph):
        return replace(block, content=map_inlines(block.content, fn))
    if isinstance(block, m.Figure | m.Table) and block.caption is not None:
        caption = replace(
            block.caption,
            content=map_inlines(block.caption.content, fn),
            source=map_inlines(block.caption.source, fn),
        )
        return replace(block, caption=caption)
    if isinstance(block, m.Box):
        return replace(
            block, title=map_inlines(block.title, fn), footer=map_inlines(block.footer, fn)
        )
    return block


def block_inlines(block: m.Block) -> list[m.Inlines]:
    """The inline sequences a block itself holds (for text checks)."""
    if isinstance(block, m.Heading | m.Paragraph):
        return [block.content]
    if isinstance(block, m.Figure | m.Table) and block.caption is not None:
        return [block.caption.content, block.caption.source]
    if isinstance(block, m.Box):
        return [block.title, block.footer]
    return []
