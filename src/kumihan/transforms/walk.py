"""Generic traversal of the model: visit every block in reading order, rebuild with changes.

Transforms are written as a function from one block to a block; `map_document`
applies it depth-first (children first) everywhere blocks nest: parts, boxes,
quotes, list items, table cells, case pages, footnote texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from kumihan import model as m

BlockFn = Callable[[m.Block], m.Block]
T = TypeVar("T")
H = TypeVar("H", bound=Any)  # anything with a `blocks` tuple


def kept_if_same(new: tuple[T, ...], old: tuple[T, ...]) -> tuple[T, ...]:
    """`old` when `new` holds the very same objects: an unchanged subtree is kept, not
    copied (the model is immutable), so a transform that changes a few blocks of a
    long document rebuilds only their ancestors."""
    if len(new) == len(old) and all(a is b for a, b in zip(new, old, strict=True)):
        return old
    return new


def _blocks(blocks: tuple[m.Block, ...], fn: BlockFn) -> tuple[m.Block, ...]:
    return kept_if_same(tuple(map_block(b, fn) for b in blocks), blocks)


def _with_blocks(holder: H, fn: BlockFn) -> H:
    """A box, quote, list item, cell, case page or note with its blocks mapped."""
    blocks = _blocks(holder.blocks, fn)
    return holder if blocks is holder.blocks else replace(holder, blocks=blocks)


def _children(block: m.Block, fn: BlockFn) -> m.Block:
    if isinstance(block, m.Box | m.Quote):
        return _with_blocks(block, fn)
    if isinstance(block, m.ListBlock):
        items = kept_if_same(tuple(_with_blocks(i, fn) for i in block.items), block.items)
        return block if items is block.items else replace(block, items=items)
    if isinstance(block, m.Table):
        rows = kept_if_same(tuple(_row(row, fn) for row in block.rows), block.rows)
        return block if rows is block.rows else replace(block, rows=rows)
    if isinstance(block, m.CaseSpread):
        pages = kept_if_same(tuple(_with_blocks(p, fn) for p in block.pages), block.pages)
        return block if pages is block.pages else replace(block, pages=pages)  # type: ignore[arg-type]
    if isinstance(block, m.Notes):
        notes = kept_if_same(tuple(_with_blocks(n, fn) for n in block.items), block.items)
        return block if notes is block.items else replace(block, items=notes)
    return block


def _row(row: m.TableRow, fn: BlockFn) -> m.TableRow:
    cells = kept_if_same(tuple(_with_blocks(c, fn) for c in row.cells), row.cells)
    return row if cells is row.cells else m.TableRow(cells)


def map_block(block: m.Block, fn: BlockFn) -> m.Block:
    return fn(_children(block, fn))


def map_document(doc: m.Document, fn: BlockFn) -> m.Document:
    parts = kept_if_same(tuple(_with_blocks(p, fn) for p in doc.parts), doc.parts)
    return doc if parts is doc.parts else replace(doc, parts=parts)


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
    """`fn` applied to every inline, children first; `inlines` itself when none changed."""
    out: list[m.Inline] = []
    for node in inlines:
        if isinstance(node, m.Emph | m.Strong | m.Link):
            children = map_inlines(node.children, fn)
            if children is not node.children:
                node = replace(node, children=children)
        out.append(fn(node))
    return kept_if_same(tuple(out), inlines)


def map_block_inlines(block: m.Block, fn: InlineFn) -> m.Block:
    """Apply `fn` to the inline content a block itself holds (not its children's)."""
    if isinstance(block, m.Heading | m.Paragraph):
        content = map_inlines(block.content, fn)
        return block if content is block.content else replace(block, content=content)
    if isinstance(block, m.Figure | m.Table) and block.caption is not None:
        caption = block.caption
        text, source = map_inlines(caption.content, fn), map_inlines(caption.source, fn)
        if text is caption.content and source is caption.source:
            return block
        return replace(block, caption=replace(caption, content=text, source=source))
    if isinstance(block, m.Box):
        title, footer = map_inlines(block.title, fn), map_inlines(block.footer, fn)
        if title is block.title and footer is block.footer:
            return block
        return replace(block, title=title, footer=footer)
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
