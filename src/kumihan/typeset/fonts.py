"""Font files → glyph coverage and advance widths, for composition and checks.

Takes the TrueType files named by the layout; gives, per face key, which code
points it has and how wide each is (in em). Knows nothing of PDF or DOCX.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar


@dataclass(frozen=True, slots=True)
class FaceSpec:
    """One face as the layout names it: a key, a font file, and an optional Latin companion.

    `latin` names another face key whose glyphs set Latin letters and digits
    (a proportional companion, e.g. BIZ UDP明朝 beside BIZ UD明朝).
    """

    key: str
    path: Path
    latin: str = ""


@dataclass(frozen=True, slots=True)
class FaceMetrics:
    """Advance widths (em) by code point, and the font's own names."""

    key: str
    path: Path
    widths: Mapping[int, float]
    family: str
    postscript: str


T = TypeVar("T")


def cached_parse(path: Path, kind: str, parse: Callable[[Path], T]) -> T:
    """`parse(path)` for a font file, kept in a small pickle in the user's cache
    (keyed by the file's path, size and time, and by `kind`, which names the parse
    and its version): parsed once per font file, then read back in milliseconds."""
    stat = path.stat()
    key = hashlib.sha256(
        f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{kind}".encode()
    ).hexdigest()[:24]
    base = Path(
        os.environ.get("KUMIHAN_CACHE")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kumihan"
    )
    cache = base / f"{kind}-{path.stem}-{key}.pickle"
    try:
        with cache.open("rb") as handle:
            cached: T = pickle.load(handle)
            return cached
    except (OSError, pickle.PickleError, EOFError, ValueError, AttributeError):
        pass
    result = parse(path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temp = cache.with_suffix(f".{os.getpid()}.tmp")
        with temp.open("wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, cache)
    except OSError:
        pass  # a read-only home: parse every time
    return result


@lru_cache(maxsize=32)
def _read_face(path: Path) -> tuple[dict[int, float], str, str]:
    """Widths and names of a font file."""
    return cached_parse(path, "font1", _parse_face)


def _parse_face(path: Path) -> tuple[dict[int, float], str, str]:
    from fontTools.ttLib import TTFont  # only on a cache miss: most builds never import it

    font = TTFont(str(path), lazy=True)
    units = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    widths = {cp: hmtx[glyph][0] / units for cp, glyph in font.getBestCmap().items()}
    names = font["name"]
    family = str(names.getDebugName(1) or path.stem)
    postscript = str(names.getDebugName(6) or path.stem)
    font.close()
    return widths, family, postscript


def is_latin(char: str) -> bool:
    """Latin letters, digits and ASCII/Latin-1 punctuation: set in the Latin companion face."""
    cp = ord(char)
    return 0x21 <= cp <= 0x7E or 0xA0 <= cp <= 0x24F or 0x2018 <= cp <= 0x201D


class FontBook:
    """The faces of a layout: resolve which face draws a character, and how wide it is."""

    def __init__(self, faces: Iterable[FaceSpec], fallbacks: Iterable[str] = ()) -> None:
        self.specs: dict[str, FaceSpec] = {f.key: f for f in faces}
        self.fallbacks = tuple(fallbacks)
        self.faces: dict[str, FaceMetrics] = {}
        for spec in self.specs.values():
            widths, family, postscript = _read_face(spec.path)
            self.faces[spec.key] = FaceMetrics(spec.key, spec.path, widths, family, postscript)
        self._resolved: dict[tuple[str, str], str | None] = {}

    def resolve(self, key: str, char: str) -> str | None:
        """The face key that draws `char` when the style asks for face `key`, or None.

        Order: the Latin companion (for Latin characters), the face itself, then the
        layout's fallback faces.
        """
        memo = self._resolved.get((key, char))
        if memo is not None or (key, char) in self._resolved:
            return memo
        cp = ord(char)
        candidates: list[str] = []
        spec = self.specs[key]
        if spec.latin and is_latin(char):
            candidates.append(spec.latin)
        candidates.append(key)
        candidates.extend(self.fallbacks)
        found = next((c for c in candidates if cp in self.faces[c].widths), None)
        self._resolved[(key, char)] = found
        return found

    def has(self, char: str, key: str | None = None) -> bool:
        """Does face `key` (or any face, when None) have a glyph for `char`?"""
        cp = ord(char)
        if key is not None:
            return cp in self.faces[key].widths
        return any(cp in f.widths for f in self.faces.values())

    def advance(self, key: str, char: str) -> float:
        """Advance width of `char` in face `key`, in em (0.5 for a missing glyph)."""
        return self.faces[key].widths.get(ord(char), 0.5)
