"""Character normalisation a layout can turn on, with a report of what changed.

Takes the document and the layout's `normalise` settings; gives the document
with full-width ASCII letters and digits made half-width, 〜/～ unified, and
half-width katakana made full-width, and one I302 note per file and rule
saying how many characters changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace

from kumihan import model as m
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.layout.spec import Normalise
from kumihan.transforms.walk import map_block_inlines, map_document, map_inlines

WAVES = ("〜", "～")


# Ａ–Ｚ ａ–ｚ ０–９ only: full-width punctuation (（）、！) is Japanese typography, kept
_FULLWIDTH_ASCII = re.compile("[Ａ-Ｚａ-ｚ０-９]")
_TO_HALFWIDTH = {code: code - 0xFEE0 for code in range(ord("！"), ord("～") + 1)}
_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]")


def normalise_text(text: str, rules: Normalise, counts: Counter[str]) -> str:
    """`text` with the layout's rules applied; what changed counted into `counts`.
    (The searches are regular expressions: a long report has a few hundred thousand
    characters, most of which need nothing.)"""
    out = text
    if rules.halfwidth_kana and _HALFWIDTH_KANA.search(out):
        # NFKC composes ｶﾞ → ガ, so count by the input characters
        counts["半角カナ→全角"] += len(_HALFWIDTH_KANA.findall(out))
        converted = _HALFWIDTH_KANA.sub(lambda k: unicodedata.normalize("NFKC", k[0]), out)
        out = unicodedata.normalize("NFC", converted)
    if rules.fullwidth_ascii and _FULLWIDTH_ASCII.search(out):
        counts["全角英数→半角"] += len(_FULLWIDTH_ASCII.findall(out))
        out = _FULLWIDTH_ASCII.sub(lambda c: c[0].translate(_TO_HALFWIDTH), out)
    if rules.wave_dash in WAVES:
        other = WAVES[1] if rules.wave_dash == WAVES[0] else WAVES[0]
        counts[f"{other}→{rules.wave_dash}"] += out.count(other)
        out = out.replace(other, rules.wave_dash)
    return out


def normalise_document(doc: m.Document, rules: Normalise, diagnostics: Diagnostics) -> m.Document:
    if not (rules.halfwidth_kana or rules.fullwidth_ascii or rules.wave_dash):
        return doc
    by_file: dict[str, Counter[str]] = {}

    def visit(block: m.Block) -> m.Block:
        loc = getattr(block, "loc", None)
        file = loc.file if loc is not None else "<toolkit>"
        counts = by_file.setdefault(file, Counter())

        def fix(node: m.Inline) -> m.Inline:
            if isinstance(node, m.Text):
                text = normalise_text(node.text, rules, counts)
                return node if text == node.text else replace(node, text=text)
            return node

        block = map_block_inlines(block, fix)
        if isinstance(block, m.Box):
            block = replace(block, title=map_inlines(block.title, fix))
        return block

    doc = map_document(doc, visit)
    for file, counts in sorted(by_file.items()):
        for rule, count in sorted(counts.items()):
            if count:
                diagnostics.add(
                    SourceLoc(file),
                    "I302",
                    f"{rule}: {count} 文字",
                    "layouts/house.yaml の typesetting.normalise で切り替えられます。",
                )
    return doc
