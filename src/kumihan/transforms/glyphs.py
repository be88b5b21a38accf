"""Glyph coverage, checked before rendering: no character may print as an empty box.

Takes the document and the `FontBook`; reports each character no face has
(E301, with file, line, the character and its code point) and each one only a
fallback face has (W301, or E301 when strict). Each character is reported once
per file, at its first line.
"""

from __future__ import annotations

import unicodedata

from kumihan import model as m
from kumihan.diagnostics import Diagnostics
from kumihan.transforms.walk import block_inlines, iter_document
from kumihan.typeset.fonts import FontBook

IGNORED = {"\n", "\t", "\u00ad", "\u200d", "\ufeff"}


def block_texts(block: m.Block) -> list[str]:
    texts = [m.plain_text(inlines) for inlines in block_inlines(block)]
    if isinstance(block, m.Band):
        texts += [block.label, block.place, block.title]
    elif isinstance(block, m.Placeholder):
        texts.append(block.label)
    elif isinstance(block, m.Cover):
        texts += [text for _, text in block.lines]
    elif isinstance(block, m.Colophon):
        texts += [block.title] + [f"{a}{b}" for a, b in block.rows]
    elif isinstance(block, m.Toc):
        texts += [e.text for e in block.entries]
    return texts


def check_glyphs(
    doc: m.Document, fonts: FontBook, primary: str, diagnostics: Diagnostics, *, strict: bool
) -> None:
    """Report characters the faces cannot draw (`primary` is the body face key)."""
    seen: set[tuple[str, str]] = set()
    drawn: set[str] = set(IGNORED)  # characters the primary face or its companions draw
    for _part, block in iter_document(doc):
        loc = getattr(block, "loc", None)
        if loc is None:
            continue
        for text in block_texts(block):
            if drawn.issuperset(text):
                continue  # most text: every character known to be fine
            for char in text:
                if char in drawn or (loc.file, char) in seen or char.isspace():
                    continue
                face = fonts.resolve(primary, char)
                in_fallback = face is not None and face in fonts.fallbacks
                if face is not None and not in_fallback:
                    drawn.add(char)
                    continue
                seen.add((loc.file, char))
                name = unicodedata.name(char, "名前のない文字")
                where = f"「{char}」(U+{ord(char):04X} {name})"
                if face is None:
                    diagnostics.add(
                        loc,
                        "E301",
                        f"{where} はどのフォントにもありません",
                        "別の字形（常用の字体）に置き換えるか、その文字を持つフォントを layouts/house.yaml の fonts.fallback に加えてください。",
                    )
                else:
                    diagnostics.add(
                        loc,
                        "E301" if strict else "W301",
                        f"{where} は代替フォント {face} で表示します",
                        "本文フォントにある字形に置き換えると、書体がそろいます。",
                    )
