"""`build.py proof`: one contact sheet per PDF, one thumbnail per page, trimmed to the TrimBox."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from kumihan import editor
from kumihan.verify import pages as pg

from .conftest import COLOURS, Page, pdf


def colour_pixels(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    """How many pixels of `image` are within `tolerance` of `colour` on every channel."""
    rgb = image.convert("RGB")
    bands = [
        band.point(lambda v, c=c: 255 if abs(v - c) <= tolerance else 0)
        for band, c in zip(rgb.split(), colour, strict=True)
    ]
    from PIL import ImageChops

    mask = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
    return mask.histogram()[255]


@pytest.fixture
def empty_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory the CLI takes for a project (content/ and layouts/ exist), as the cwd."""
    (tmp_path / "content").mkdir()
    (tmp_path / "layouts").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_one_thumbnail_per_page(empty_project: Path) -> None:
    count = 5
    source = pdf(
        empty_project / "five.pdf", [Page(COLOURS[i], f"page {i + 1}") for i in range(count)]
    )
    out = empty_project / "sheets"

    code = editor.main(["proof", "--out", str(out), "--columns", "2", "--width", "60", str(source)])

    assert code == 0
    sheet = Image.open(out / "five.png")
    thumb_area = 60 * round(60 * 419.5 / 297.6)
    for i in range(count):  # every page is there, about one thumbnail's worth of its colour
        assert colour_pixels(sheet, COLOURS[i]) == pytest.approx(thumb_area, rel=0.25), i
    assert colour_pixels(sheet, COLOURS[count]) == 0  # and nothing else
    # 2 columns → 3 rows: the sheet is wide enough for 2 thumbnails, not 3
    assert 2 * 60 < sheet.width < 3 * 60 + 4 * 16


def test_print_pdf_is_cropped_to_trim(empty_project: Path) -> None:
    source = pdf(empty_project / "print.pdf", [Page(COLOURS[1])] * 2, bleed=True)
    out = empty_project / "sheets"

    assert editor.main(["proof", "--out", str(out), str(source)]) == 0

    sheet = Image.open(out / "print.png")
    assert colour_pixels(sheet, COLOURS[1]) > 0
    assert colour_pixels(sheet, (255, 0, 0), tolerance=40) == 0  # the bleed band is cut off


def test_default_prefers_screen_pdf(
    empty_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = empty_project / "output"
    output.mkdir()
    pdf(output / "冊子.pdf", [Page(COLOURS[0])] * 3, bleed=True)
    pdf(output / "冊子_web.pdf", [Page(COLOURS[2])] * 3)
    pdf(output / "別冊.pdf", [Page(COLOURS[3])])  # no screen variant: the print PDF is used

    assert editor.main(["proof"]) == 0

    sheet = Image.open(output / "proof" / "冊子.png")
    assert colour_pixels(sheet, COLOURS[2]) > 0
    assert colour_pixels(sheet, COLOURS[0]) == 0
    assert colour_pixels(Image.open(output / "proof" / "別冊.png"), COLOURS[3]) > 0
    printed = capsys.readouterr().out
    assert "冊子.png" in printed and "別冊.png" in printed


def test_no_pdfs_is_not_an_error(empty_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert editor.main(["proof"]) == 0
    assert "PDF がありません" in capsys.readouterr().out


def test_missing_file_is_a_usage_error(empty_project: Path) -> None:
    assert editor.main(["proof", str(empty_project / "nope.pdf")]) == 2


def test_page_labels(tmp_path: Path) -> None:
    source = pdf(tmp_path / "labelled.pdf", [Page(c) for c in COLOURS[:5]])
    with pikepdf.open(source, allow_overwriting_input=True) as document:
        document.Root.PageLabels = pikepdf.Dictionary(
            Nums=[
                0, pikepdf.Dictionary(P=" "),
                1, pikepdf.Dictionary(S=pikepdf.Name.r, St=1),
                3, pikepdf.Dictionary(S=pikepdf.Name.D, St=1),
            ]
        )  # fmt: skip
        document.save(source)

    assert pg.page_labels(source) == ["", "i", "ii", "1", "2"]
    assert (
        pg.describe_pages([0, 1, 3, 4], pg.page_labels(source))
        == "（PDF 1）、i（PDF 2）、1–2（PDF 4–5）"
    )


def test_describe_pages_ranges() -> None:
    labels = [str(n) for n in range(1, 11)]
    assert pg.describe_pages([2, 3, 4, 5, 8], labels) == "3–6、9"
    assert pg.describe_pages([], labels) == ""
