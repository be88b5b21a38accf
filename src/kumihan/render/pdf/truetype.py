"""A TrueType font file → what a PDF CID font needs: glyph ids, widths, metrics, subsets.

`TrueTypeProgram.load(path)` takes a .ttf file; gives its character → glyph id
map, advance widths and descriptor metrics (parsed once per file, then read
from a small pickle in the user cache), and `subset(gids)` gives a font
program that keeps every glyph id where it was and drops the outlines of all
other glyphs. Keeping the ids is what lets a page's content stream name glyphs
by their ids in the original font, the same on every page and in every build,
whatever else the document sets (see `kumihan.render.pdf.glyphfont`).

fontTools can make such a subset (`retain_gids`), but it decompiles every table
it keeps and takes about half a second per Japanese face; the subset here only
copies bytes (glyph outlines, and the few tables a CIDFontType2 program needs)
and takes milliseconds, which matters because every build embeds every face.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kumihan.typeset.fonts import cached_parse

# Tables a CIDFontType2 program needs (ISO 32000-1 9.9: glyf, head, hhea, hmtx, loca,
# maxp; cvt, fpgm and prep for the hinting instructions the glyphs call). cmap is not
# needed: the PDF maps CIDs to glyph ids itself (CIDToGIDMap /Identity).
_KEPT = (b"cvt ", b"fpgm", b"head", b"hhea", b"hmtx", b"maxp", b"prep")

# composite glyph flags (OpenType glyf table)
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_2X2 = 0x0080

_CACHE_VERSION = 1


@dataclass
class TrueTypeProgram:
    """One TrueType font file, parsed for embedding as a CIDFontType2."""

    path: Path
    postscript: str
    units_per_em: int
    cmap: dict[int, int]  # code point → glyph id
    advances: array[int]  # glyph id → advance width in font units
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    italic_angle: float
    _data: bytes | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: Path) -> TrueTypeProgram:
        return _load(path.resolve())

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self.path.read_bytes()
        return self._data

    def width(self, gid: int) -> float:
        """Advance width of glyph `gid` in thousandths of an em (PDF glyph space)."""
        advances = self.advances
        units: int = advances[gid] if gid < len(advances) else advances[-1]
        return units * 1000.0 / self.units_per_em

    def subset(self, gids: set[int]) -> bytes:
        """A font program with the outlines of `gids` (and their components) at their ids."""
        tables = _tables(self.data)
        head = tables[b"head"]
        long_loca = struct.unpack(">h", head[50:52])[0] == 1
        loca = _offsets(tables[b"loca"], long_loca)
        glyf = tables[b"glyf"]
        count = len(loca) - 1
        keep = _closure(glyf, loca, {g for g in gids if 0 <= g < count} | {0})
        out_glyf = bytearray()
        out_loca = array("I")
        for gid in sorted(keep):
            # the glyphs between kept ones are empty: their offsets repeat
            out_loca.extend(array("I", [len(out_glyf)]) * (gid + 1 - len(out_loca)))
            out_glyf += glyf[loca[gid] : loca[gid + 1]]
            out_glyf += b"\0" * (-len(out_glyf) % 4)
        out_loca.extend(array("I", [len(out_glyf)]) * (count + 1 - len(out_loca)))
        out_loca.byteswap()  # to big-endian
        new = {tag: tables[tag] for tag in _KEPT if tag in tables}
        new[b"head"] = head[:8] + b"\0\0\0\0" + head[12:50] + struct.pack(">h", 1) + head[52:]
        new[b"loca"] = out_loca.tobytes()
        new[b"glyf"] = bytes(out_glyf)
        return _font_file(new)


@lru_cache(maxsize=16)
def _load(path: Path) -> TrueTypeProgram:
    program = cached_parse(path, f"cid{_CACHE_VERSION}", _parse)
    program.path = path
    return program


def _parse(path: Path) -> TrueTypeProgram:
    from fontTools.ttLib import TTFont  # only on a cache miss

    font = TTFont(str(path), lazy=True)
    order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    cmap = {cp: order[name] for cp, name in font.getBestCmap().items()}
    head, hhea, post = font["head"], font["hhea"], font["post"]
    os2 = font.get("OS/2")
    hmtx = font["hmtx"].metrics
    advances = array("H", (hmtx[name][0] for name in font.getGlyphOrder()))
    names = font["name"]
    postscript = str(names.getDebugName(6) or path.stem).replace(" ", "")
    cap = getattr(os2, "sCapHeight", 0) if os2 is not None else 0
    program = TrueTypeProgram(
        path=path,
        postscript=postscript,
        units_per_em=int(head.unitsPerEm),
        cmap=cmap,
        advances=advances,
        bbox=(int(head.xMin), int(head.yMin), int(head.xMax), int(head.yMax)),
        ascent=int(hhea.ascent),
        descent=int(hhea.descent),
        cap_height=int(cap or hhea.ascent),
        italic_angle=float(post.italicAngle),
    )
    font.close()
    return program


def _tables(data: bytes) -> dict[bytes, bytes]:
    """The font file's tables by tag."""
    (count,) = struct.unpack(">H", data[4:6])
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        tables[tag] = data[offset : offset + length]
    return tables


def _offsets(loca: bytes, long_format: bool) -> list[int]:
    values = array("I" if long_format else "H")
    values.frombytes(loca)
    values.byteswap()  # from big-endian
    return list(values) if long_format else [v * 2 for v in values]


def _closure(glyf: bytes, loca: list[int], gids: set[int]) -> set[int]:
    """`gids` and every glyph their composite glyphs are built from."""
    keep = set(gids)
    todo = list(gids)
    while todo:
        gid = todo.pop()
        start, end = loca[gid], loca[gid + 1]
        if end - start < 10 or struct.unpack(">h", glyf[start : start + 2])[0] >= 0:
            continue  # empty or simple
        at = start + 10
        while True:
            flags, component = struct.unpack(">HH", glyf[at : at + 4])
            at += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
            if flags & _HAVE_SCALE:
                at += 2
            elif flags & _HAVE_XY_SCALE:
                at += 4
            elif flags & _HAVE_2X2:
                at += 8
            if component not in keep and component < len(loca) - 1:
                keep.add(component)
                todo.append(component)
            if not flags & _MORE_COMPONENTS:
                break
    return keep


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words = array("I")
    words.frombytes(padded)
    words.byteswap()
    return sum(words) & 0xFFFFFFFF


def _font_file(tables: dict[bytes, bytes]) -> bytes:
    """An sfnt file of `tables` (sorted by tag, padded, with checksums and head's adjustment)."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1,
                         count * 16 - power * 16)  # fmt: skip
    offset = 12 + 16 * count
    directory = b""
    body = b""
    for tag in tags:
        data = tables[tag]
        directory += struct.pack(">4sIII", tag, _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    head_at = offset + sum(
        len(tables[t]) + (-len(tables[t]) % 4) for t in tags[: tags.index(b"head")]
    )
    font[head_at + 8 : head_at + 12] = struct.pack(">I", adjustment)
    return bytes(font)
