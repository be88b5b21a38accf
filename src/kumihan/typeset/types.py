"""The composer's input and output: styled spans in, positioned lines out.

A `Span` is a run of text in one `RunStyle`; `compose()` (in `compose.py`) breaks
a paragraph's spans into `Line`s of `PlacedRun`s whose x positions already hold
every JLREQ decision (kinsoku, punctuation spacing, Japanese–Latin spacing,
justification), so a renderer only draws runs where they are placed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Color = tuple[float, float, float, float]  # CMYK, 0..1 each
BLACK: Color = (0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True, slots=True)
class RunStyle:
    """How a run of characters is set.

    `face` is a face key of the `FontBook` (the composer resolves the face that
    actually draws each character: Latin companion, the face, fallbacks).
    `link` is an external URL or ``#anchor``; `rise` lifts the baseline (footnote marks).
    """

    face: str
    size: float
    color: Color = BLACK
    link: str = ""
    underline: bool = False
    rise: float = 0.0


@dataclass(frozen=True, slots=True)
class Span:
    """Text in one style. A span with `box` set is an unbreakable box of `box_width`
    points drawn later by name (e.g. a page number only known after pagination);
    its `text` is what text extraction should see."""

    text: str
    style: RunStyle
    box: str = ""
    box_width: float = 0.0


@dataclass(frozen=True, slots=True)
class PlacedRun:
    """Characters drawn from one start point with a constant extra space after each.

    `face` is the resolved face key that has the glyphs; `x` is from the line's
    start (the frame's left edge, indents included); `char_space` is added after
    every character (PDF ``Tc``); `width` is the advance of the whole run.
    """

    text: str
    face: str
    style: RunStyle
    x: float
    char_space: float
    width: float
    box: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """One composed line.

    `width` is the distance from the line start to the end of the last run's
    advance (equal to the measure for a justified line); `size` is the largest
    font size on the line (the renderer derives the line height from the style's
    leading); `last` marks a paragraph's last line; `hang` is how far punctuation
    hangs past the measure (ぶら下げ).
    """

    runs: tuple[PlacedRun, ...]
    width: float
    size: float
    last: bool
    hang: float = 0.0

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


Align = Literal["justify", "left", "center", "right"]
Kinsoku = Literal["strict", "general"]


@dataclass(frozen=True, slots=True)
class Rules:
    """The house rules for composition, read from the layout.

    - `kinsoku`: ``general`` (JLREQ level 3: 々, ー and small kana may start a line)
      or ``strict`` (they may not);
    - `hanging`: 。 and 、 may hang past the line end (ぶら下げ);
    - `latin_space`: space between kana/kanji and Latin/digits, in em (0 = off);
    - `align`: justify (last line flush left), left, center or right.
    """

    kinsoku: Kinsoku = "general"
    hanging: bool = False
    latin_space: float = 0.25
    align: Align = "justify"
