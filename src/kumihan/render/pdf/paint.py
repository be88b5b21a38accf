"""Layout colours (CMYK) → reportlab colour objects for the print or screen variant.

Print: DeviceCMYK as given (pure K100 black stays K-only). Screen: converted to
RGB through the ICC profile (see `color.py`), cached per colour.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from reportlab.lib.colors import CMYKColor, Color, toColor

from kumihan.render.pdf.color import cmyk_to_rgb
from kumihan.typeset.types import Color as CMYK

Variant = Literal["print", "screen"]


class Painter:
    """Converts CMYK layout colours for one variant."""

    def __init__(self, variant: Variant, profile: Path) -> None:
        self.variant = variant
        self.profile = profile

    def __call__(self, color: CMYK) -> Color:
        return _convert(color, self.variant, str(self.profile))


@lru_cache(maxsize=512)
def _convert(color: CMYK, variant: Variant, profile: str) -> Color:
    if variant == "print":
        return CMYKColor(*color)
    r, g, b = cmyk_to_rgb(*color, profile=Path(profile))
    return Color(r, g, b)


def print_colours(colour: object) -> CMYKColor:
    """reportlab's colour enforcement for the print variant: CMYK and spot colours pass,
    greys become K, anything RGB is refused (an error in the toolkit, not in content).

    reportlab's own "cmyk" mode would turn the registration colour of the marks into
    400 % process colour, and "sep_cmyk" would turn rich blacks into plain K.
    """
    tc = toColor(colour)
    if isinstance(tc, CMYKColor):
        return tc
    if isinstance(tc, Color) and tc.red == tc.green == tc.blue:
        return CMYKColor(0, 0, 0, 1 - tc.red)
    raise ValueError(f"RGB colour {colour!r} in the print variant")
