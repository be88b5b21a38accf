"""Colour management for the print (CMYK) and screen (RGB) PDFs.

Takes colours and Pillow images as the content gives them; gives back what each
PDF variant may contain:

- `cmyk_to_rgb`: a CMYK colour from the layout → the sRGB colour the screen PDF
  shows, through the press profile (not by formula, so screen matches print).
- `image_for_print`: any image → 'CMYK' (colour) or 'L' (grayscale, DeviceGray),
  alpha flattened onto white, total ink within the limit, no finer than the print
  needs (`print_size`: 350 ppi at the placed size when above 450 ppi, or the JPEG's
  own 1/2, 1/4 or 1/8 decoding scale when that falls between the two).
- `image_for_screen`: any image → 'RGB' or 'L', no larger than the placed size
  needs at `max_ppi` (`screen_size` gives that size from the header alone;
  `screen_image` converts to it, downsampling before any colour transform).
- `total_ink` / `ink_limit`: measure and clamp the total ink of CMYK pixels.

Only Pillow (with its LittleCMS binding) is used; transforms are built once per
profile and cached, and flat colours once converted are remembered across builds
(`remember_colours`).
"""

from __future__ import annotations

import contextlib
import io
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageCms, ImageMath, features

from kumihan.cache import JsonTable, file_digest
from kumihan.verify.ink import max_total_ink

# The repository's press profile: basICColor ISO Coated v2 300 % (coated offset).
DEFAULT_PROFILE = (
    Path(__file__).resolve().parents[4] / "assets" / "icc" / "ISOcoated_v2_300_bas.icc"
)
INK_LIMIT = 3.0  # 300 %: what printers ask for on coated stock
# Print resolution at the placed size: the vendor asks for 300–350 ppi (1-bit line art
# 600–1200). A picture far above that is downsampled to the top of the range, as the
# PDF/X presets of Acrobat do above 1.5× their target: the plate gains nothing from
# the extra pixels, and the file, the conversion and the preflight all pay for them.
PRINT_PPI = 350.0
PRINT_PPI_LIMIT = 450.0  # above this, downsampled to PRINT_PPI
LINE_ART_PPI = 1200.0
LINE_ART_PPI_LIMIT = 1800.0
_SRGB = "sRGB"  # key of the built-in sRGB profile in the transform cache

_WHITE_RGB = (255, 255, 255)
_GRAY_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"})


@lru_cache(maxsize=16)
def _profile(key: str | bytes) -> ImageCms.ImageCmsProfile:
    """A profile by path, by embedded ICC bytes, or the built-in sRGB."""
    if key == _SRGB:
        return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    if isinstance(key, bytes):
        return ImageCms.ImageCmsProfile(io.BytesIO(key))
    return ImageCms.ImageCmsProfile(key)


@lru_cache(maxsize=16)
def _transform(
    source: str | bytes, target: str | bytes, in_mode: str, out_mode: str
) -> ImageCms.ImageCmsTransform:
    # Relative colorimetric keeps in-gamut colours exact (brand colours, screenshots);
    # black point compensation maps the source black onto the press's rich black
    # instead of clipping shadows.
    return ImageCms.buildTransform(
        _profile(source),
        _profile(target),
        in_mode,
        out_mode,
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


def _key(profile: Path) -> str:
    return str(Path(profile).resolve())


_CONVERTED: JsonTable | None = None
# a conversion depends on the colour engine too: another one may round otherwise
_CMS_VERSIONS = f"Pillow {PIL.__version__} lcms {features.version('littlecms2')}"


def remember_colours(table: JsonTable | None) -> None:
    """Keep each colour `cmyk_to_rgb` converts in `table`, by the profile's hash and the
    colour's value, across builds (None: in this process only). A rebuild then builds
    no transform (30 ms in each process that shows colours on screen or in Word)."""
    global _CONVERTED
    _CONVERTED = table


@lru_cache(maxsize=4096)
def _cmyk8_to_rgb(c: int, m: int, y: int, k: int, profile: str) -> tuple[float, float, float]:
    table = _CONVERTED
    key = ""
    if table is not None:
        with contextlib.suppress(OSError):
            key = f"{file_digest(Path(profile)).hex()}|{_CMS_VERSIONS}|{c},{m},{y},{k}"
            found = table.get(key)
            if (
                isinstance(found, list)
                and len(found) == 3
                and all(type(v) is int and 0 <= v <= 255 for v in found)
            ):
                return (found[0] / 255.0, found[1] / 255.0, found[2] / 255.0)
    pixel = Image.new("CMYK", (1, 1), (c, m, y, k))
    rgb = ImageCms.applyTransform(pixel, _transform(profile, _SRGB, "CMYK", "RGB"))
    assert rgb is not None  # applyTransform returns None only with inPlace=True
    r, g, b = rgb.convert("RGB").tobytes()
    if table is not None and key:
        table.put(key, [r, g, b])
    return (r / 255.0, g / 255.0, b / 255.0)


def cmyk_to_rgb(
    c: float, m: float, y: float, k: float, profile: Path = DEFAULT_PROFILE
) -> tuple[float, float, float]:
    """A CMYK colour (each 0–1) → the sRGB colour (each 0–1) the press profile predicts.

    The transform is 8-bit, so values are quantised to 1/255 on the way in.
    """
    values = tuple(round(min(max(v, 0.0), 1.0) * 255) for v in (c, m, y, k))
    return _cmyk8_to_rgb(*values, _key(profile))


def _flatten(img: Image.Image) -> Image.Image:
    """Alpha (or palette transparency) composited onto white; print has no transparency."""
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode == "PA":
        img = img.convert("RGBA")
    if img.mode in ("LA", "La"):
        background = Image.new("L", img.size, 255)
        background.paste(img.convert("L"), mask=img.getchannel("A"))
        return background
    if img.mode in ("RGBA", "RGBa"):
        background = Image.new("RGB", img.size, _WHITE_RGB)
        background.paste(img.convert("RGB"), mask=img.getchannel("A"))
        return background
    return img


def _to_gray8(img: Image.Image) -> Image.Image:
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # 16-bit and float grays: scale to 8 bits rather than clip at 255
        high = img.getextrema()[1]
        scale = 255.0 / 65535.0 if isinstance(high, int | float) and high > 255 else 1.0
        return img.point(lambda v: v * scale).convert("L")
    return img.convert("L")


def _source_profile(img: Image.Image, fallback: str = _SRGB) -> str | bytes:
    """The image's own ICC profile if it carries a usable one for its mode, else `fallback`."""
    icc = img.info.get("icc_profile")
    if not isinstance(icc, bytes) or not icc:
        return fallback
    try:
        space = _profile(icc).profile.xcolor_space.strip()
    except (OSError, ImageCms.PyCMSError):
        return fallback  # a broken embedded profile: trust the default instead
    return icc if space == {"RGB": "RGB", "CMYK": "CMYK"}.get(img.mode) else fallback


def image_for_print(
    img: Image.Image, profile: Path = DEFAULT_PROFILE, size: tuple[int, int] | None = None
) -> Image.Image:
    """Any image → 'CMYK' (through `profile`) or 'L' (grayscale), ready for DeviceCMYK/DeviceGray.

    Alpha is flattened onto white first. 1-bit images become 'L' because reportlab
    writes mode '1' images as DeviceRGB. CMYK input keeps its separations; every
    CMYK result is clamped to `INK_LIMIT`. With `size` (see `print_size`), the image
    is downsampled to it before the colour transform, which then runs on the pixels
    kept only.
    """
    return print_conversion(img, profile, size)[0]


def print_conversion(
    img: Image.Image, profile: Path = DEFAULT_PROFILE, size: tuple[int, int] | None = None
) -> tuple[Image.Image, float | None]:
    """`image_for_print`, and the highest total ink of a CMYK result (None for grey),
    measured on the way (the ink limit measures it)."""
    size = size or img.size
    if img.mode in _GRAY_MODES:
        return _resize(_to_gray8(_flatten(img)), size), None
    img = _flatten(img)
    if img.mode == "CMYK":
        return ink_limited(_resize(img, size))
    source = _source_profile(img)
    if img.mode != "RGB":
        img = img.convert("RGB")
    img = _resize(img, size)
    cmyk = ImageCms.applyTransform(img, _transform(source, _key(profile), "RGB", "CMYK"))
    assert cmyk is not None  # applyTransform returns None only with inPlace=True
    return ink_limited(cmyk)


def is_gray_mode(mode: str) -> bool:
    """Is an image of this mode printed as grey ('L') rather than in colour?"""
    return mode in _GRAY_MODES


def image_for_screen(
    img: Image.Image,
    *,
    placed_size_pt: tuple[float, float],
    max_ppi: float = 150.0,
    profile: Path = DEFAULT_PROFILE,
) -> Image.Image:
    """Any image → 'RGB' (or 'L' if gray), downsampled to at most `max_ppi` at the placed size.

    CMYK goes through the press profile to sRGB so screen colours match print;
    alpha is flattened onto white.
    """
    return screen_image(img, screen_size(img.size, placed_size_pt, max_ppi), profile)


def screen_size(
    size: tuple[int, int], placed_size_pt: tuple[float, float], max_ppi: float = 150.0
) -> tuple[int, int]:
    """The pixel size the screen PDF uses for an image of `size` placed at `placed_size_pt`:
    its own size, or smaller so as not to exceed `max_ppi` (the aspect ratio is kept)."""
    width, height = size
    if width <= 0 or height <= 0:
        return size
    max_w = max(1, math.ceil(placed_size_pt[0] / 72.0 * max_ppi))
    max_h = max(1, math.ceil(placed_size_pt[1] / 72.0 * max_ppi))
    scale = min(max_w / width, max_h / height)
    if scale >= 1.0:
        return size
    return (max(1, round(width * scale)), max(1, round(height * scale)))


def print_size(
    size: tuple[int, int],
    placed_size_pt: tuple[float, float],
    *,
    line_art: bool = False,
    jpeg: bool = False,
) -> tuple[int, int]:
    """The pixel size the print PDF embeds for an image of `size` fitted into the box
    `placed_size_pt`: its own, or `PRINT_PPI` at the placed size when it is above
    `PRINT_PPI_LIMIT` there (1-bit line art: `LINE_ART_PPI` above `LINE_ART_PPI_LIMIT`).

    A `jpeg` can be decoded at 1/2, 1/4 or 1/8 of its size for a fraction of the work
    (`open_image`): when one of those sizes lies between the two (`PRINT_PPI` at least,
    `PRINT_PPI_LIMIT` at most), it is embedded at that size instead, with no resampling
    at all (sharper, and quicker)."""
    target, limit = (LINE_ART_PPI, LINE_ART_PPI_LIMIT) if line_art else (PRINT_PPI, PRINT_PPI_LIMIT)
    if screen_size(size, placed_size_pt, limit) == size:
        return size
    wanted = screen_size(size, placed_size_pt, target)
    if jpeg and not line_art:
        width, height = size
        for denominator in (8, 4, 2):  # the smallest first
            if width % denominator or height % denominator:
                continue  # decoded a pixel larger than the exact fraction: resampled anyway
            scaled = (width // denominator, height // denominator)
            fine_enough = scaled[0] >= wanted[0] and scaled[1] >= wanted[1]
            if fine_enough and screen_size(scaled, placed_size_pt, limit) == scaled:
                return scaled
    return wanted


def screen_image(
    img: Image.Image, size: tuple[int, int], profile: Path = DEFAULT_PROFILE
) -> Image.Image:
    """Any image → 'RGB' (or 'L' if gray) at `size` (its own size or smaller, see
    `screen_size`), in sRGB: a CMYK image through its profile or the press's, an RGB
    image with another embedded profile (Adobe RGB) through that. Downsampled before any
    colour transform, which then runs on the pixels that are kept only."""
    if img.mode in _GRAY_MODES:
        return _resize(_to_gray8(_flatten(img)), size)
    img = _flatten(img)
    if img.mode == "CMYK":
        img = _resize(img, size)
        source = _source_profile(img, fallback=_key(profile))
        rgb = ImageCms.applyTransform(img, _transform(source, _SRGB, "CMYK", "RGB"))
        assert rgb is not None
        return rgb
    if img.mode != "RGB":
        img = img.convert("RGB")
    img = _resize(img, size)
    source = _source_profile(img)
    if source == _SRGB or _is_srgb(source):
        return img
    # a wider space (Adobe RGB from a camera or an editor): shown as sRGB, the screen's
    rgb = ImageCms.applyTransform(img, _transform(source, _SRGB, "RGB", "RGB"))
    assert rgb is not None
    return rgb


def _is_srgb(icc: str | bytes) -> bool:
    """Does the embedded profile say it is sRGB (as most cameras' and screenshots' do)?"""
    try:
        description = _profile(icc).profile.profile_description or ""
    except (OSError, ImageCms.PyCMSError):
        return True  # unreadable: `_source_profile` trusts the default instead
    return "srgb" in description.lower()


def _resize(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    if size == img.size:
        return img
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _bands(img: Image.Image) -> dict[str, Image.Image]:
    c, m, y, k = img.split()
    return {"c": c, "m": m, "y": y, "k": k}


def total_ink(img: Image.Image) -> float:
    """The highest total ink of any pixel of a 'CMYK' image, as a fraction (3.0 = 300 %):
    as the preflight measures it."""
    return max_total_ink(img)


def _cmy_factor(a: dict[str, Any]) -> Any:
    """Per pixel: the factor on C, M and Y that brings the total down to `cap` (1 where under)."""
    cmy = a["float"](a["c"] + a["m"] + a["y"])
    excess = a["max"](cmy + a["float"](a["k"]) - a["cap"], 0.0)
    return 1.0 - excess / a["max"](cmy, 1.0)


def ink_limit(img: Image.Image, limit: float = INK_LIMIT) -> Image.Image:
    """A 'CMYK' image with every pixel's total ink ≤ `limit`; K is kept, C, M and Y scaled down.

    Returns the image itself when nothing exceeds the limit (the usual case with a
    300 % profile), so the common path costs one measurement.
    """
    return ink_limited(img, limit)[0]


def ink_limited(img: Image.Image, limit: float = INK_LIMIT) -> tuple[Image.Image, float]:
    """`ink_limit`, and the highest total ink of the image it returns."""
    measured = total_ink(img)
    if measured <= limit:
        return img, measured
    bands = _bands(img)
    factor = ImageMath.lambda_eval(_cmy_factor, cap=float(math.floor(limit * 255)), **bands)
    # Converting the float product back to 8 bits truncates, so the total stays ≤ the cap.
    scaled = [
        ImageMath.lambda_eval(lambda a: a["convert"](a["v"] * a["f"], "L"), v=bands[n], f=factor)
        for n in "cmy"
    ]
    result = Image.merge("CMYK", [*scaled, bands["k"]])
    result.info = dict(img.info)
    return result, total_ink(result)
