"""Colour management: CMYK → screen RGB through the profile, images for print and screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from kumihan.cache import JsonTable
from kumihan.render.pdf.color import (
    cmyk_to_rgb,
    image_for_print,
    image_for_screen,
    ink_limit,
    total_ink,
)


def test_srgb_red_for_print_is_cmyk_red_within_the_ink_limit() -> None:
    out = image_for_print(Image.new("RGB", (8, 8), (255, 0, 0)))
    assert out.mode == "CMYK"
    c, m, y, k = out.getpixel((0, 0))  # type: ignore[misc]
    assert m > 200 and y > 200, (c, m, y, k)
    assert c < 30 and k < 30, (c, m, y, k)
    assert total_ink(out) <= 3.0


def test_black_photo_stays_within_300_percent() -> None:
    out = image_for_print(Image.new("RGB", (4, 4), (0, 0, 0)))
    assert 2.5 < total_ink(out) <= 3.0  # a rich four-colour black, as the 300 % profile allows


def test_alpha_is_flattened_onto_white() -> None:
    img = Image.new("RGBA", (2, 1), (255, 0, 0, 0))
    img.putpixel((1, 0), (255, 0, 0, 255))
    out = image_for_print(img)
    assert out.mode == "CMYK"
    assert out.getpixel((0, 0)) == (0, 0, 0, 0)  # transparent → paper white
    assert out.getpixel((1, 0))[1] > 200  # type: ignore[index]  # opaque red stays red
    gray = image_for_print(Image.new("LA", (1, 1), (0, 0)))
    assert gray.mode == "L" and gray.getpixel((0, 0)) == 255


def test_gray_stays_gray_and_one_bit_becomes_gray() -> None:
    assert image_for_print(Image.new("L", (2, 2), 100)).mode == "L"
    line_art = image_for_print(Image.new("1", (2, 2), 1))
    assert line_art.mode == "L" and line_art.getpixel((0, 0)) == 255


def test_palette_image_goes_through_rgb() -> None:
    pal = Image.new("RGB", (2, 2), (0, 0, 255)).convert("P")
    assert image_for_print(pal).mode == "CMYK"


def test_cmyk_to_rgb_uses_the_profile() -> None:
    black = cmyk_to_rgb(0, 0, 0, 1)
    assert max(black) < 0.2
    r, g, b = cmyk_to_rgb(1, 0, 0, 0)
    assert r < 0.2 and b > 0.75 and 0.4 < g < 0.8  # process cyan, not RGB (0, 1, 1)
    assert cmyk_to_rgb(0, 0, 0, 0) == (1.0, 1.0, 1.0)


@given(st.tuples(*[st.floats(0, 1)] * 4))
@settings(max_examples=40)
def test_cmyk_to_rgb_is_in_range(cmyk: tuple[float, float, float, float]) -> None:
    assert all(0.0 <= v <= 1.0 for v in cmyk_to_rgb(*cmyk))


@given(st.lists(st.tuples(*[st.integers(0, 255)] * 4), min_size=1, max_size=16))
@settings(max_examples=60)
def test_ink_limit_caps_every_pixel_and_keeps_black(pixels: list[tuple[int, ...]]) -> None:
    img = Image.new("CMYK", (len(pixels), 1))
    for x, p in enumerate(pixels):
        img.putpixel((x, 0), p)
    out = ink_limit(img)
    assert total_ink(out) <= 3.0
    for x, p in enumerate(pixels):
        q = out.getpixel((x, 0))
        assert q[3] == p[3]  # type: ignore[index]
        if sum(p) <= 765:
            assert q == p  # untouched when within the limit


def test_screen_image_is_rgb_and_downsampled() -> None:
    big = Image.new("CMYK", (3000, 1500), (0, 0, 0, 255))
    out = image_for_screen(big, placed_size_pt=(144, 72))  # 2 × 1 in at 150 ppi
    assert out.mode == "RGB" and out.size == (300, 150)
    assert max(out.getpixel((0, 0))) < 60  # type: ignore[arg-type]
    small = Image.new("RGBA", (50, 50), (0, 0, 255, 0))
    kept = image_for_screen(small, placed_size_pt=(144, 144))
    assert kept.size == (50, 50) and kept.getpixel((0, 0)) == (255, 255, 255)


def test_unusable_embedded_profile_falls_back_to_srgb() -> None:
    img = Image.new("RGB", (2, 2), (255, 0, 0))
    plain = image_for_print(img).getpixel((0, 0))
    img.info["icc_profile"] = b"not a profile"
    assert image_for_print(img).getpixel((0, 0)) == plain


def test_converted_colours_are_remembered_across_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colour once converted is read from the table by the next build's processes, which
    then build no ICC transform; the table is keyed by the profile's bytes."""
    from kumihan.render.pdf import color

    table_path = tmp_path / "colours.json"
    profile = tmp_path / "press.icc"
    profile.write_bytes(color.DEFAULT_PROFILE.read_bytes())
    fresh = cmyk_to_rgb(0.6, 0.1, 0.0, 0.2, profile)

    color._cmyk8_to_rgb.cache_clear()
    table = JsonTable(table_path)
    color.remember_colours(table)
    try:
        assert cmyk_to_rgb(0.6, 0.1, 0.0, 0.2, profile) == fresh
    finally:
        color.remember_colours(None)
    table.save()

    # the next process: nothing in memory, and no transform may be built
    color._cmyk8_to_rgb.cache_clear()

    def no_transform(*args: object) -> None:
        raise AssertionError("a transform was built for a remembered colour")

    monkeypatch.setattr(color, "_transform", no_transform)
    color.remember_colours(JsonTable(table_path))
    try:
        assert cmyk_to_rgb(0.6, 0.1, 0.0, 0.2, profile) == fresh
        # a changed profile is another key: converted again
        profile.write_bytes(profile.read_bytes() + b"\0")
        color._cmyk8_to_rgb.cache_clear()
        with pytest.raises(AssertionError, match="transform was built"):
            cmyk_to_rgb(0.6, 0.1, 0.0, 0.2, profile)
    finally:
        color.remember_colours(None)
        color._cmyk8_to_rgb.cache_clear()


def test_a_malformed_colour_entry_is_converted_again(tmp_path: Path) -> None:
    from kumihan.render.pdf import color

    fresh = cmyk_to_rgb(0.2, 0.3, 0.4, 0.1)
    table = JsonTable(tmp_path / "colours.json")
    color._cmyk8_to_rgb.cache_clear()
    color.remember_colours(table)
    try:
        cmyk_to_rgb(0.2, 0.3, 0.4, 0.1)
        [key] = table.entries
        for bad in (["x", "y", "z"], [1, 2], [300, 0, 0], None, {"r": 1}):
            table.entries[key] = bad
            color._cmyk8_to_rgb.cache_clear()
            assert cmyk_to_rgb(0.2, 0.3, 0.4, 0.1) == fresh
    finally:
        color.remember_colours(None)
        color._cmyk8_to_rgb.cache_clear()


ADOBE_RGB = Path("/usr/share/color/icc/ghostscript/a98.icc")  # ghostscript's Adobe RGB (1998)


@pytest.mark.skipif(not ADOBE_RGB.is_file(), reason="ghostscript's ICC profiles are not installed")
def test_screen_image_shows_a_wider_rgb_space_in_srgb() -> None:
    """A photo tagged Adobe RGB (cameras, editors) is converted to sRGB for the screen PDF
    and Word, as the print converts it through the same profile; one tagged sRGB, or not
    tagged, keeps its pixels."""
    from PIL import ImageCms

    from kumihan.render.pdf.color import screen_image

    adobe = Image.new("RGB", (8, 8), (100, 150, 200))
    adobe.info["icc_profile"] = ADOBE_RGB.read_bytes()
    shown = screen_image(adobe, (8, 8))
    expected = ImageCms.profileToProfile(
        adobe,
        ImageCms.ImageCmsProfile(str(ADOBE_RGB)),
        ImageCms.createProfile("sRGB"),
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )
    assert expected is not None
    assert shown.getpixel((0, 0)) == expected.getpixel((0, 0)) != (100, 150, 200)

    srgb = Image.new("RGB", (8, 8), (100, 150, 200))
    srgb.info["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert screen_image(srgb, (8, 8)).getpixel((0, 0)) == (100, 150, 200)
    untagged = Image.new("RGB", (8, 8), (100, 150, 200))
    assert screen_image(untagged, (8, 8)).getpixel((0, 0)) == (100, 150, 200)
