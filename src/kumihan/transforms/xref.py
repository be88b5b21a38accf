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
    """Fill every `Ref`; report unknown targets — of refs and of ``#anchor`` links — with
    the nearest known anchor."""
    known = targets(doc)

    def hint_for(target: str) -> str:
        near = difflib.get_close_matches(target, list(known), n=1, cutoff=0.6)
        if near:
            return f"「{near[0]}」ではありませんか。"
        return "見出しに {#sec:…}、図に {#fig:…} を付けて参照先を作ってください。"

    def check_links(block: m.Block) -> m.Block:
        # a Link has no location of its own: report it at its block's
        def check(node: m.Inline) -> m.Inline:
            if isinstance(node, m.Link) and node.url.startswith("#"):
                target = node.url[1:]
                if target not in known:
                    diagnostics.add(
                        block.loc,
                        "E202",
                        f"リンク先「#{target}」がありません",
                        hint_for(target),
                    )
                    return _unlinked(node)
            return node

        return map_block_inlines(block, check)

    def fill(node: m.Inline) -> m.Inline:
        if not isinstance(node, m.Ref):
            return node
        text = known.get(node.target)
        if text is None:
            diagnostics.add(
                node.loc, "E202", f"参照先「{node.target}」がありません", hint_for(node.target)
            )
            return replace(node, text="??")
        return replace(node, text=text, anchor=node.target)

    checked = map_document(doc, check_links)
    return map_document(checked, lambda block: map_block_inlines(block, fill))


def _unlinked(link: m.Link) -> m.Link:
    """The link's text kept, pointing nowhere the renderers would have to resolve."""
    return replace(link, url="")
