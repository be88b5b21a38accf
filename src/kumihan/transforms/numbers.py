"""Number formats for headings, figures and lists: {n}, {n:circled}, {n:katakana}, {n:roman}.

A layout writes a format such as ``第{n}章`` or ``({n})``; `render_number`
fills it. Kept apart from the numbering pass so the TOC, captions and
renderers all share one definition.
"""

from __future__ import annotations

import re

from kumihan import model as m

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
)
_KANJI = "〇一二三四五六七八九"
_FIELD = re.compile(r"\{(n|chapter)(?::(\w+))?\}")


def roman(number: int, upper: bool = False) -> str:
    """1 → i (or I)."""
    values = (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    )
    out = []
    for value, letters in values:
        while number >= value:
            out.append(letters)
            number -= value
    text = "".join(out)
    return text.upper() if upper else text


def kanji(number: int) -> str:
    """12 → 十二 (for 第十二章 styles)."""
    if number < 10:
        return _KANJI[number]
    tens, ones = divmod(number, 10)
    return (_KANJI[tens] if tens > 1 else "") + "十" + (_KANJI[ones] if ones else "")


def style_number(number: int, style: str | None) -> str:
    """One number in a named style: arabic (default), circled, katakana, roman, Roman, kanji."""
    if style == "circled" and 1 <= number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    if style == "katakana" and 1 <= number <= len(_KATAKANA):
        return _KATAKANA[number - 1]
    if style == "roman":
        return roman(number)
    if style == "Roman":
        return roman(number, upper=True)
    if style == "kanji":
        return kanji(number)
    return str(number)


def render_number(pattern: str, n: int, chapter: int = 0) -> str:
    """Fill a number pattern: ``図表{chapter}-{n}`` with n=2, chapter=1 → 図表1-2."""

    def field(match: re.Match[str]) -> str:
        value = n if match.group(1) == "n" else chapter
        return style_number(value, match.group(2))

    return _FIELD.sub(field, pattern)


def heading_label(number: str, content: m.Inlines) -> m.Inlines:
    """A heading's printed content: its number, a separator, its text.

    A word-like number (第1章) is followed by an ideographic space, a numeral
    (1. or (1)) by a half-width space, as in the seed.
    """
    if not number:
        return content
    separator = "　" if number[-1] in "章節部編" else " "
    return (m.Text(number + separator), *content)
