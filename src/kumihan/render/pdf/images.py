"""Image files under assets/ → images ready for the PDF variant.

Takes a path relative to assets/ and the placed width; gives a Pillow image in
the variant's colour space (print: CMYK through the layout's ICC profile, or
grey; screen: RGB, downsampled to 150 ppi at the placed size) and its pixel
size. Decompression bombs and unreadable files are refused with a message.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image

from kumihan.render.pdf.color import image_for_print, image_for_screen
from kumihan.render.pdf.paint import Variant

MAX_PIXELS = 60_000_000  # ~ a 30×20 cm photo at 600 ppi; more is a decompression bomb


class ImageProblem(Exception):
    """An image that cannot be used; the message says why (in Japanese)."""


def open_image(path: Path) -> Image.Image:
    """Open and fully load an image, refusing bombs and broken files."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageProblem(
                    f"{probe.width}×{probe.height} 画素あり、大きすぎます（上限 {MAX_PIXELS:,} 画素）"
                )
            probe.load()
            return probe.copy()
    except Image.DecompressionBombError as exc:
        raise ImageProblem(f"画素数が多すぎます（{exc}）") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageProblem(f"画像として読めません（{exc}）") from exc


@lru_cache(maxsize=64)
def prepared(
    path: Path, variant: Variant, profile: Path, placed: tuple[float, float]
) -> Image.Image:
    """The image converted for the variant (cached per file, variant and placed size in pt)."""
    image = open_image(path)
    if variant == "print":
        return image_for_print(image, profile)
    return image_for_screen(image, placed_size_pt=placed, profile=profile)
