"""JLREQ character classes and line-break opportunities (禁則処理).

Takes characters or a string of one paragraph segment (no forced breaks in it);
gives each character's JLREQ Appendix A class (cl-01 … cl-14), a few predicates,
and, for a whole string, where a line may break (`break_opportunities`).

The rules (JLREQ 3.1.7–3.1.10, with the house choices noted):

- no line starts with cl-02 closing brackets, cl-03 hyphens (incl. ～ U+FF5E),
  cl-04 dividing punctuation, cl-05 middle dots, cl-06 full stops, cl-07 commas;
  at ``strict`` also not with cl-09 iteration marks, cl-10 ー, cl-11 small kana;
- no line ends with cl-01 opening brackets;
- never split: two cl-08 characters (—— ―― …… ‥‥); a Latin word (a run of
  Latin characters breaks only at spaces; a URL or path also after / . - _ ? & =,
  but never between two slashes); a number with its decimal point, thousands
  commas, slashes and colons (21,489 / 40.0 / 1/2 / 10:30, also full-width);
  a prefixed abbreviation (¥ ￥ $ ＃ € № …) and the digit after it; a digit and
  the postfixed abbreviation or unit after it (40.0％, 3㎜, 5km; "5 km" may break
  at the space); a run of full-width letters and digits (ＡＢＣ, １２３);
- ASCII spaces are break opportunities: a line may break after a run of spaces
  (which then ends the line) when the characters either side of the run allow it.

Everything is table driven: each character maps to a one-letter class code (upper
case for Japanese forms, lower case for Latin ones, which also form Latin words),
so a whole paragraph is classified with one `str.translate`. Latin characters are
those `fonts.is_latin` sets in a Latin companion face (ASCII, Latin-1 and Latin
Extended, curly quotes; NBSP too, so it joins words as it should).
"""

from __future__ import annotations

import re

from kumihan.typeset.fonts import is_latin
from kumihan.typeset.types import Kinsoku

# ---------------------------------------------------------------- the classes

_CLASS_CHARS: dict[int, str] = {
    1: "‘“(（〔[［{｛〈《「『【⦅｟〘〖«〝",
    2: "’”)）〕]］}｝〉》」』】⦆｠〙〗»〟",
    3: "‐〜゠–～",
    4: "!！?？‼⁇⁈⁉",
    5: "・:：;；",
    6: "。.．",
    7: "、,，",
    8: "—―…‥〳〴〵",
    9: "ヽヾゝゞ々〻",
    10: "ー",
    11: "ぁぃぅぇぉァィゥェォっゃゅょゎゕゖッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ",
    12: "¥￥$＄£￡#＃€№",
    13: "°′″℃¢￠%％‰㏋ℓ",
    14: "\u3000",
}

# Square unit symbols (㌢ ㍍ … ㎎ ㎏ ㎜ ㎝ ㎞ ㎡ ㏄ …) are postfixed units too; the era
# names (㍻) and the telegraph symbols for hours and days in the same block are not.
_SQUARE_UNITS = [*range(0x3300, 0x3358), *range(0x3371, 0x337B), *range(0x3380, 0x33E0), 0x33FF]

CLASS_OF: dict[str, int] = {ch: cl for cl, chars in _CLASS_CHARS.items() for ch in chars}
CLASS_OF.update({chr(cp): 13 for cp in _SQUARE_UNITS})

OPENING = frozenset(_CLASS_CHARS[1])
CLOSING = frozenset(_CLASS_CHARS[2])
MIDDLE_DOTS = frozenset(_CLASS_CHARS[5])
FULL_STOPS = frozenset(_CLASS_CHARS[6])
COMMAS = frozenset(_CLASS_CHARS[7])
INSEPARABLE = frozenset(_CLASS_CHARS[8])
PREFIXED = frozenset(_CLASS_CHARS[12])
POSTFIXED = frozenset(ch for ch, cl in CLASS_OF.items() if cl == 13)
HANGING = frozenset("。、")  # ぶら下げ: only these may hang past the measure

NOT_AT_START_GENERAL = frozenset({2, 3, 4, 5, 6, 7})
NOT_AT_START_STRICT = NOT_AT_START_GENERAL | {9, 10, 11}
URL_BREAK_AFTER = frozenset("/.-_?&=")
NUMBER_SEPARATORS = frozenset(",.:/，．：／")


def char_class(ch: str) -> int:
    """The JLREQ class number (1–14) of `ch`, or 0 when it is in none of them."""
    return CLASS_OF.get(ch, 0)


def is_digit(ch: str) -> bool:
    """ASCII or full-width decimal digit."""
    return "0" <= ch <= "9" or "０" <= ch <= "９"


def is_fullwidth_alnum(ch: str) -> bool:
    """Full-width Latin letter or digit (ＡＢＣ, １２３)."""
    return "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ"


def is_japanese_letter(ch: str) -> bool:
    """Kana, kanji and full-width alphanumerics: the side of 和欧間 spacing that is not Latin."""
    if ch in CLASS_OF and CLASS_OF[ch] not in (9, 10, 11):
        return False
    cp = ord(ch)
    return (
        0x3040 <= cp <= 0x30FF
        or 0x31F0 <= cp <= 0x31FF
        or 0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3FFFF
        or ch in "々〆〇〻"
        or is_fullwidth_alnum(ch)
    )


def not_at_line_start(ch: str, kinsoku: Kinsoku = "general") -> bool:
    """May `ch` not begin a line (行頭禁則)?"""
    banned = NOT_AT_START_STRICT if kinsoku == "strict" else NOT_AT_START_GENERAL
    return CLASS_OF.get(ch, 0) in banned


def not_at_line_end(ch: str) -> bool:
    """May `ch` not end a line (行末禁則)? Only opening brackets."""
    return ch in OPENING


# ------------------------------------------------------------ class letters
# One letter per character. Upper case: Japanese forms; lower case: Latin forms,
# which also join into Latin words. Used only inside this module.

_LETTER_OF_CLASS = dict(zip(range(1, 15), "OCHXMPKIRNSYUW", strict=True))
_LATIN_FORMS = "ocxmpkuydl"  # opening, closing, !?, :;, ., ",", unit, prefix, digit, letter
_LATIN_RUN = re.compile(f"[{_LATIN_FORMS}]{{2,}}")
_FULLWIDTH_RUN = re.compile("[FG]{2,}")
# zero-width matches, so overlapping pairs (……… ) are all found
_JOINED_PAIRS = re.compile("(?=II|[Yy][dF]|[dF][Uu]|dF|Fd)")
_SPACE_RUN = re.compile("s+")
_FULLWIDTH_NUMBER_SEP = re.compile("(?<=[0-9０-９])[，．：／](?=[0-9０-９])")
_URL_LIKE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)|/|@")


def _letter(cp: int) -> str:
    ch = chr(cp)
    cl = CLASS_OF.get(ch, 0)
    if ch == " ":
        return "s"
    if is_latin(ch):
        if "0" <= ch <= "9":
            return "d"
        return _LETTER_OF_CLASS[cl].lower() if cl else "l"
    if cl:
        return _LETTER_OF_CLASS[cl]
    if "０" <= ch <= "９":
        return "F"
    if is_fullwidth_alnum(ch):
        return "G"
    return "Z"


class _Letters(dict[int, str]):
    """Code point → class letter, computed on first use (str.translate calls __missing__)."""

    def __missing__(self, cp: int) -> str:
        letter = _letter(cp)
        self[cp] = letter
        return letter


_LETTERS = _Letters()


def _make_start_table(kinsoku: Kinsoku) -> bytes:
    classes = NOT_AT_START_STRICT if kinsoku == "strict" else NOT_AT_START_GENERAL
    banned = {_LETTER_OF_CLASS[c] for c in classes}
    banned |= {b.lower() for b in banned}
    banned.add("s")  # breaks go after a run of spaces, never before it
    return bytes(0 if chr(b) in banned else 1 for b in range(256))


_MAY_START = {"general": _make_start_table("general"), "strict": _make_start_table("strict")}
_MAY_END = bytes(0 if chr(b) in "Oo" else 1 for b in range(256))


def class_letters(text: str) -> str:
    """One class letter per character of `text` (see the module's table)."""
    return text.translate(_LETTERS)


def break_opportunities(text: str, kinsoku: Kinsoku = "general") -> bytearray:
    """Where a line may break in `text`: ``result[i]`` is 1 when a break may come
    between ``text[i-1]`` and ``text[i]`` (``result[0]`` is always 0).

    A break at a run of ASCII spaces is reported after the run (the spaces end the
    line). `text` should hold no forced line breaks; split at "\\n" first.
    """
    n = len(text)
    out = bytearray(n)
    if n < 2:
        return out
    letters = text.translate(_LETTERS)
    raw = letters.encode("ascii")
    may_start = raw.translate(_MAY_START[kinsoku])
    may_end = raw.translate(_MAY_END)
    # A pair allows a break when the right character may start and the left may end a
    # line; the AND of the two byte strings is done on big integers, at C speed.
    both = int.from_bytes(may_start[1:], "big") & int.from_bytes(may_end[:-1], "big")
    out[1:] = both.to_bytes(n - 1, "big")
    _join_runs(text, letters, out)
    _break_at_spaces(letters, out, may_start, may_end)
    return out


def _join_runs(text: str, letters: str, out: bytearray) -> None:
    """Clear breaks inside Latin words, full-width alphanumeric runs, numbers and units."""
    for m in _LATIN_RUN.finditer(letters):
        a, b = m.span()
        out[a + 1 : b] = bytes(b - a - 1)
        if b - a >= 3 and _URL_LIKE.search(text[a:b]):
            _url_breaks(text, letters, a, b, out)
    for m in _FULLWIDTH_RUN.finditer(letters):
        a, b = m.span()
        out[a + 1 : b] = bytes(b - a - 1)
    for m in _JOINED_PAIRS.finditer(letters):
        out[m.start() + 1] = 0
    if any(sep in text for sep in "，．：／"):
        for m in _FULLWIDTH_NUMBER_SEP.finditer(text):
            out[m.start()] = 0
            out[m.start() + 1] = 0


def _url_breaks(text: str, letters: str, a: int, b: int, out: bytearray) -> None:
    """Inside a URL or path `text[a:b]`, allow breaks after / . - _ ? & = (not in numbers)."""
    may_start = _MAY_START["general"]
    for i in range(a, b - 1):
        ch = text[i]
        if ch not in URL_BREAK_AFTER:
            continue
        nxt = text[i + 1]
        if nxt == "/" and ch == "/":
            continue
        if ch in NUMBER_SEPARATORS and i > a and is_digit(text[i - 1]) and is_digit(nxt):
            continue
        if may_start[ord(letters[i + 1])]:
            out[i + 1] = 1


def _break_at_spaces(letters: str, out: bytearray, may_start: bytes, may_end: bytes) -> None:
    """A run of spaces: no break before it; a break after it when its neighbours allow."""
    n = len(letters)
    for m in _SPACE_RUN.finditer(letters):
        a, b = m.span()
        if b >= n:
            continue
        out[b] = 1 if a > 0 and may_end[a - 1] and may_start[b] else 0


def may_break(before: str, after: str, kinsoku: Kinsoku = "general") -> bool:
    """May a line break between the two characters (no wider context)?"""
    return bool(break_opportunities(before + after, kinsoku)[1])
