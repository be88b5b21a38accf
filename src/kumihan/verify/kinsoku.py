"""Check set text against the JLREQ line-breaking rules (禁則) and justification.

Takes lines of text (plain strings, composed `Line`s, or a PDF); gives a list of
`Violation(page, line, rule, detail)`, empty when the text is clean.

- `check_lines(lines)`: consecutive lines of one text block, as strings. Each line
  is checked at its edges (no forbidden class at the start, no opening bracket at
  the end; ASCII spaces at the edges are ignored), and each pair of consecutive
  lines at the break between them: a number (digits with , . / : between digits,
  ASCII or full-width), a prefixed abbreviation and its number (￥100), a number
  and its unit (40％, 3㎜), a Latin word (unless the first line ends with a space,
  or with / . - _ ? & = as in a URL), a full-width alphanumeric run (ＡＢＣ), or a
  pair of cl-08 characters (……, ——) must not be split.
- `check_justified(lines, width)`: composed lines of a justified paragraph; every
  line but the last must end at the frame's right edge (see `kumihan.typeset.compose`
  for where the last glyph's advance box ends).
- `check_pdf(path)`: reads every page with pdfplumber and applies `check_lines` to
  each text block found on the page (see `pdf_blocks` for how lines and blocks are
  recognised).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from kumihan.typeset.fonts import is_latin
from kumihan.typeset.jlreq import (
    CLOSING,
    COMMAS,
    FULL_STOPS,
    INSEPARABLE,
    MIDDLE_DOTS,
    NUMBER_SEPARATORS,
    OPENING,
    POSTFIXED,
    PREFIXED,
    URL_BREAK_AFTER,
    is_digit,
    is_fullwidth_alnum,
    not_at_line_start,
)
from kumihan.typeset.types import Kinsoku, Line


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: on `page` (1-based; 0 when not from a PDF), in `line`.

    `rule` is one of: ``line-start``, ``line-end``, ``number-split``,
    ``prefix-split``, ``unit-split``, ``word-split``, ``inseparable-split``,
    ``not-justified``. For a split, `line` is the first of the two lines and
    `detail` the second.
    """

    page: int
    line: str
    rule: str
    detail: str = ""


# ------------------------------------------------------------ rules on strings


def edge_rules(line: str, kinsoku: Kinsoku = "general") -> list[str]:
    """The rules `line` breaks at its own start and end."""
    text = line.strip(" ")
    if not text:
        return []
    rules = []
    if not_at_line_start(text[0], kinsoku):
        rules.append("line-start")
    if text[-1] in OPENING:
        rules.append("line-end")
    return rules


def break_rule(before: str, after: str) -> str:
    """The rule a line break between `before` and `after` breaks, or ""."""
    if not before or not after or before[-1] == " " or after[0] == " ":
        return ""
    x, y = before[-1], after[0]
    if x in INSEPARABLE and y in INSEPARABLE:
        return "inseparable-split"
    if _splits_number(before, after):
        return "number-split"
    if x in PREFIXED and is_digit(y):
        return "prefix-split"
    if is_digit(x) and y in POSTFIXED:
        return "unit-split"
    if is_latin(x) and is_latin(y) and x not in URL_BREAK_AFTER:
        return "word-split"
    if is_fullwidth_alnum(x) and is_fullwidth_alnum(y):
        return "word-split"
    return ""


def _splits_number(before: str, after: str) -> bool:
    x, y = before[-1], after[0]
    if is_digit(x) and is_digit(y):
        return True
    if x in NUMBER_SEPARATORS and len(before) > 1 and is_digit(before[-2]) and is_digit(y):
        return True
    return is_digit(x) and y in NUMBER_SEPARATORS and len(after) > 1 and is_digit(after[1])


def check_lines(
    lines: Sequence[str], kinsoku: Kinsoku = "general", *, page: int = 0
) -> list[Violation]:
    """Check consecutive lines of one text block (see the module docstring)."""
    found = [Violation(page, line, rule) for line in lines for rule in edge_rules(line, kinsoku)]
    for before, after in pairwise(lines):
        rule = break_rule(before, after)
        if rule:
            found.append(Violation(page, before, rule, after))
    return found


# ------------------------------------------------------------ justification


def _trailing_space_em(ch: str) -> float:
    """The empty part after the ink of a full-width punctuation glyph, in em."""
    if ch in CLOSING or ch in FULL_STOPS or ch in COMMAS:
        return 0.5
    if ch in MIDDLE_DOTS:
        return 0.25
    return 0.0


def check_justified(
    lines: Sequence[Line], width: float, *, tolerance: float = 0.5
) -> list[Violation]:
    """Every line but a last one (``Line.last``) of a justified paragraph composed
    `width` points wide must end at the frame's right edge: the advance box of its
    last glyph ends within `tolerance` of the edge, or (a line-end 、。」 whose
    trailing space was dropped, or a hanging 、。) that space past the edge plus
    ``Line.hang``."""
    found = []
    for line in lines:
        drawn = [r for r in line.runs if r.width > 0]
        if line.last or not drawn:
            continue
        run = drawn[-1]
        over = run.x + run.width - width - line.hang
        trail = _trailing_space_em(run.text.rstrip(" ")[-1:]) * run.style.size if not run.box else 0
        if abs(over) <= tolerance or (trail and abs(over - trail) <= tolerance):
            continue
        found.append(Violation(0, line.text, "not-justified", f"ends {over:+.2f} pt from the edge"))
    return found


# ------------------------------------------------------------ PDF


@dataclass(frozen=True, slots=True)
class PdfLine:
    """A line of text as found on a page: its text, left and right edges, baseline
    (PDF user space, from the bottom) and typical font size."""

    text: str
    left: float
    right: float
    baseline: float
    size: float


def check_pdf(path: Path | str, kinsoku: Kinsoku = "general") -> list[Violation]:
    """Check every text block on every page of the PDF at `path`."""
    import pdfplumber

    found: list[Violation] = []
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for block in pdf_blocks(page):
                if all(_FOLIO.fullmatch(line.text) for line in block):
                    continue  # a column of page numbers (contents, folios), not running text
                found.extend(check_lines([line.text for line in block], kinsoku, page=number))
    return found


def pdf_blocks(page: Any) -> list[list[PdfLine]]:
    """The text blocks of a pdfplumber page, each a list of consecutive lines.

    Lines: upright characters whose baselines (from the text matrix, so a raised
    footnote mark stays on its line) lie within 0.45 em of each other, sorted left
    to right and cut where the gap between two characters exceeds 2.5 em or a
    vertical rule passes between them (table cells and columns side by side are
    separate lines; cells of an unruled table closer than 2.5 em are not told
    apart). A line's left edge is its first glyph's box, moved half an em right
    when that is a full-width opening bracket set 天付き.

    Blocks: a line continues the block of a line above it when they have the same
    font size (± 0.5 pt); the baseline step is 1–3 em and, once the block has two
    lines, equal to the block's step (± 1 pt); their left edges agree within 1 pt,
    or the upper line is the block's first and is indented by up to 4 em (a
    paragraph's first-line indent); and no horizontal rule lies between them. So a
    heading (another size, or another step) and the next paragraph (an indented
    first line below a line of the same left edge) start new blocks; paragraphs
    set without indent or space between them are read as one block. A line with
    dot leaders (a TOC entry, ending in its page number) ends its block. Blocks do
    not continue across pages.
    """
    vertical = [(e["x0"], e["y0"], e["y1"]) for e in page.edges if e["orientation"] == "v"]
    horizontal = [(e["y0"], e["x0"], e["x1"]) for e in page.edges if e["orientation"] == "h"]
    return _blocks(_page_lines(page.chars, vertical), horizontal)


Char = dict[str, Any]
LIST_MARKERS = frozenset("・■□●○◆◇▶▷－-※")
_FOLIO = re.compile(r"[0-9ivxlcdm]{1,4}")
_LEADER = re.compile(r"(?:\. ?){4,}|[・·]{4,}|[…‥]{3,}")  # dot leaders of a TOC entry
Rulings = list[tuple[float, float, float]]  # rulings: (position, from, to)


def _page_lines(chars: Iterable[Char], vertical: Rulings) -> list[PdfLine]:
    upright = [c for c in chars if c.get("upright", True) and c["text"]]
    upright.sort(key=lambda c: -c["matrix"][5])  # stable: stream order within a baseline
    rows: list[tuple[float, float, list[Char]]] = []
    for c in upright:
        base = c["matrix"][5]
        if rows and rows[-1][0] - base <= 0.45 * max(c["size"], rows[-1][1]):
            rows[-1][2].append(c)
        else:
            rows.append((base, c["size"], [c]))
    lines: list[PdfLine] = []
    for base, _, row in rows:
        row.sort(key=lambda c: c["x0"])
        lines.extend(_pdf_line(piece, base) for piece in _cut_row(row, base, vertical))
    return lines


def _cut_row(row: list[Char], base: float, vertical: Rulings) -> list[list[Char]]:
    pieces = [[row[0]]]
    for prev, c in pairwise(row):
        gap = c["x0"] - prev["x1"]
        ruled = any(
            prev["x1"] - 0.5 <= x <= c["x0"] + 0.5 and y0 <= base <= y1 for x, y0, y1 in vertical
        )
        if gap > 2.5 * max(prev["size"], c["size"]) or ruled:
            pieces.append([c])
        else:
            pieces[-1].append(c)
    return pieces


def _pdf_line(chars: list[Char], base: float) -> PdfLine:
    # a list item's bullet hangs in the indent, apart from its text: it is not part of the
    # line the kinsoku rules judge (・ as a bullet is not the middle dot of cl-05)
    if (
        len(chars) > 1
        and chars[0]["text"] in LIST_MARKERS
        and (
            chars[1]["x0"] - chars[0]["x1"] >= 0.1 * chars[0]["size"]
            # an item opening with 「 or 【 sets the bracket 天付き, into the bullet's gap
            or chars[1]["text"] in OPENING
        )
    ):
        chars = chars[1:]
    first = chars[0]
    left = first["x0"]
    if first["text"] in OPENING and first["x1"] - first["x0"] >= 0.9 * first["size"]:
        left += first["size"] / 2
    sizes = sorted(c["size"] for c in chars)
    text = "".join(c["text"] for c in chars)
    return PdfLine(text, left, chars[-1]["x1"], base, sizes[len(sizes) // 2])


def _blocks(lines: list[PdfLine], horizontal: Rulings) -> list[list[PdfLine]]:
    blocks: list[list[PdfLine]] = []
    for line in sorted(lines, key=lambda ln: (-ln.baseline, ln.left)):
        home = next((b for b in reversed(blocks) if _continues(b, line, horizontal)), None)
        if home is None:
            blocks.append([line])
        else:
            home.append(line)
    return blocks


def _continues(block: list[PdfLine], line: PdfLine, horizontal: Rulings) -> bool:
    above = block[-1]
    if _LEADER.search(above.text):
        return False
    size = line.size
    step = above.baseline - line.baseline
    if abs(above.size - size) > 0.5 or not size <= step <= 3 * size:
        return False
    if len(block) > 1 and abs(step - (block[-2].baseline - above.baseline)) > 1.0:
        return False
    indented_first = len(block) == 1 and 0 < above.left - line.left <= 4 * size
    if abs(above.left - line.left) > 1.0 and not indented_first:
        return False
    lo, hi = line.baseline + 0.9 * size, above.baseline - 0.25 * size
    x0, x1 = max(above.left, line.left), min(above.right, line.right)
    return not any(lo < y < hi and a < x1 and b > x0 for y, a, b in horizontal)
