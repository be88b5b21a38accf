"""The table of contents, decided on the model: `Toc.entries` from the headings.

Takes a numbered `Document`; gives it with each `Toc` block's entries filled
(headings with `in_toc` down to the layout's depth, and each case of the 事例集
under its chapter). Page numbers come from pagination, by anchor.
"""

from __future__ import annotations

from dataclasses import replace

from kumihan import model as m
from kumihan.transforms.walk import iter_document


def toc_entries(doc: m.Document, depth: int) -> tuple[m.TocEntry, ...]:
    entries: list[m.TocEntry] = []
    for _part, block in iter_document(doc):
        if (
            isinstance(block, m.Heading)
            and block.in_toc
            and not block.role
            and block.level <= depth
        ):
            entries.append(
                m.TocEntry(block.level, block.number, m.plain_text(block.content), block.anchor)
            )
        elif isinstance(block, m.CaseSpread) and depth >= 2:
            entries.append(m.TocEntry(2, "", f"{block.place}　{block.title}", block.anchor))
    return tuple(entries)


def fill_toc(doc: m.Document) -> m.Document:
    parts = []
    for part in doc.parts:
        blocks = tuple(
            replace(b, entries=toc_entries(doc, b.depth)) if isinstance(b, m.Toc) else b
            for b in part.blocks
        )
        parts.append(replace(part, blocks=blocks))
    return replace(doc, parts=tuple(parts))
