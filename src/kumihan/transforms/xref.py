"""Cross-references: ``[@fig:id]`` → 図表2-1, ``[@sec:id]`` → 第2章 / 「見出し」, ``[@case:id]``.

Takes a numbered `Document`; gives it with every `Ref.text` and `Ref.anchor`
filled from the target's number (or title), and an error naming file and line
for every reference to an anchor that does not exist. Page numbers are filled
by the renderers after pagination, from the same anchors.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

from kumihan import model as m
from kumihan.diagnostics import Diagnostics
from kumihan.transforms.walk import iter_document, map_block_inlines, map_document


def targets(doc: m.Document) -> dict[str, str]:
    """Every anchor in the document → the text a reference to it prints."""
    found: dict[str, str] = {}
    for _part, block in iter_document(doc):
        if isinstance(block, m.Heading) and block.anchor:
            found[block.anchor] = block.number or f"「{m.plain_text(block.content)}」"
        elif isinstance(block, m.Figure | m.Table) and block.anchor:
            caption = block.caption
            found[block.anchor] = (
                caption.number
                if caption and caption.number
                else f"「{m.plain_text(caption.content) if caption else block.anchor}」"
            )
        elif isinstance(block, m.CaseSpread):
            found[block.anchor] = f"「{block.title}」"
    return found


def resolve_refs(doc: m.Document, diagnostics: Diagnostics) -> m.Document:
    """Fill every `Ref`; report unknown targets with the nearest known anchor."""
    known = targets(doc)

    def fill(node: m.Inline) -> m.Inline:
        if not isinstance(node, m.Ref):
            return node
        text = known.get(node.target)
        if text is None:
            near = difflib.get_close_matches(node.target, list(known), n=1, cutoff=0.6)
            diagnostics.add(
                node.loc,
                "E202",
                f"参照先「{node.target}」がありません",
                f"「{near[0]}」ではありませんか。"
                if near
                else "見出しに {#sec:…}、図に {#fig:…} を付けて参照先を作ってください。",
            )
            return replace(node, text="??")
        return replace(node, text=text, anchor=node.target)

    return map_document(doc, lambda block: map_block_inlines(block, fill))
