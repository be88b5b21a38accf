"""Total ink of CMYK pixels, and the name under which an image stream's ink is kept.

`max_total_ink(image)` takes a 'CMYK' Pillow image and gives the highest C+M+Y+K of
any pixel as a fraction (3.0 = 300 %). The preflight measures every CMYK image of a
PDF with it, and the picture converter measures its print conversions with it, so
the ink the converter notes for the stream it embeds (`ink_key`, `kumihan.render.pdf.
images`) is the number the preflight would find by inflating and summing that stream:
a print PDF's photos are then measured once, while they are converted, instead of
again in every preflight of every deliverable that shows them.
"""

from __future__ import annotations

import hashlib

from PIL import Image, ImageMath

INK_PREFIX = "ink-"  # the store's entries of noted inks: "ink-" + `ink_key`


def max_total_ink(image: Image.Image) -> float:
    """The highest total ink of any pixel of a 'CMYK' image, as a fraction."""
    if image.mode != "CMYK":
        raise ValueError(f"total ink needs a CMYK image, not {image.mode!r}")
    c, m, y, k = image.split()
    return max_band_ink((c, m, y, k))


def max_band_ink(bands: tuple[Image.Image, Image.Image, Image.Image, Image.Image]) -> float:
    """`max_total_ink` of four 'L' bands (C, M, Y, K)."""
    total = ImageMath.lambda_eval(
        lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=bands[0], m=bands[1], y=bands[2], k=bands[3]
    )
    return float(total.getextrema()[1]) / 255.0


def ink_key(
    stream: bytes,
    width: int,
    height: int,
    bpc: int,
    filters: tuple[str, ...],
    decode: tuple[float, ...] = (),
) -> str:
    """The key of an image's ink: its stream's bytes as stored in the PDF (still
    encoded), and everything that says how to read them."""
    digest = hashlib.sha256(stream)
    digest.update(repr((width, height, bpc, filters, decode)).encode())
    return digest.hexdigest()
