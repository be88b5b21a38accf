"""Lengths as written in layouts ("10.5pt", "3mm", "2em") → points.

Every length in the toolkit passes through here, so there is one definition of
a millimetre and of an em.
"""

from __future__ import annotations

import re

MM = 72.0 / 25.4
CM = 10 * MM
INCH = 72.0
Q = 0.25 * MM  # 級: the Japanese typesetting unit, a quarter millimetre

_UNITS = {"pt": 1.0, "mm": MM, "cm": CM, "in": INCH, "q": Q, "h": Q}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|q|h|em)?\s*$", re.IGNORECASE)


class LengthError(ValueError):
    """A length string that cannot be read."""


def to_points(value: str | float | int, em: float | None = None) -> float:
    """Read a length ("10.5pt", "3mm", 12, "1.5em") and return points.

    A bare number is taken as points. "em" needs the font size `em`.
    """
    if isinstance(value, bool):
        raise LengthError(f"「{value}」は長さとして読めません")
    if isinstance(value, int | float):
        return float(value)
    match = _LENGTH.match(value)
    if not match:
        raise LengthError(f"「{value}」は長さとして読めません（単位は pt、mm、em）")
    number = float(match.group(1))
    unit = (match.group(2) or "pt").lower()
    if unit == "em":
        if em is None:
            raise LengthError(
                f"「{value}」: ここでは em が使えません（文字の大きさが決まっていません）"
            )
        return number * em
    return number * _UNITS[unit]


def mm(value: float) -> float:
    """Millimetres → points."""
    return value * MM


def twips(points: float) -> int:
    """Points → twentieths of a point (Word's dxa unit)."""
    return round(points * 20)


def half_points(points: float) -> int:
    """Points → half-points (Word's font-size unit)."""
    return round(points * 2)


def emu(points: float) -> int:
    """Points → English Metric Units (Word's drawing unit)."""
    return round(points * 12700)
