"""Pictures for the PDF: lazy conversion, one conversion per size, broken files, forks."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from kumihan.registry import _Forked
from kumihan.render.pdf import images
from kumihan.render.pdf.color import DEFAULT_PROFILE, image_for_print, image_for_screen
from kumihan.render.pdf.images import ImageProblem, no_prefetch, prepared
from kumihan.render.pdf.pdfx import _reencode


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    images.clear_caches()


def photo(path: Path, size: tuple[int, int] = (600, 400), fmt: str = "JPEG") -> Path:
    image = Image.new("RGB", size)
    pixels = image.load()
    assert pixels is not None
    for y in range(0, size[1], 3):
        for x in range(0, size[0], 2):
            pixels[x, y] = (x % 256, y % 256, (x * y) % 256)
    image.save(path, fmt)
    return path


def test_print_picture_is_the_eager_conversion(tmp_path: Path) -> None:
    path = photo(tmp_path / "a.jpg")
    lazy = prepared(path, "print", DEFAULT_PROFILE, (200.0, 200.0))
    assert (lazy.size, lazy.mode) == ((600, 400), "CMYK")
    with Image.open(path) as source:
        eager = image_for_print(source.convert("RGB"), DEFAULT_PROFILE)
    assert lazy.tobytes() == eager.tobytes()


def test_screen_picture_is_downsampled_like_before(tmp_path: Path) -> None:
    path = photo(tmp_path / "a.png", fmt="PNG")
    lazy = prepared(path, "screen", DEFAULT_PROFILE, (72.0, 72.0))  # 1 in at 150 ppi
    with Image.open(path) as source:
        eager = image_for_screen(source.convert("RGB"), placed_size_pt=(72.0, 72.0))
    assert (lazy.size, lazy.mode) == (eager.size, "RGB") == ((150, 100), "RGB")
    assert lazy.tobytes() == eager.tobytes()
    lazy.load()  # any other use of the pixels works as with an ordinary image
    buffer = io.BytesIO()
    lazy.save(buffer, format="PNG")
    assert Image.open(buffer).size == (150, 100)


def test_print_keeps_its_pixels_up_to_450_ppi(tmp_path: Path) -> None:
    path = photo(tmp_path / "a.jpg")  # 600 × 400 px
    at_100pt = prepared(path, "print", DEFAULT_PROFILE, (100.0, 100.0))  # 432 ppi
    large = prepared(path, "print", DEFAULT_PROFILE, (400.0, 400.0))  # 108 ppi
    assert at_100pt.key == large.key  # type: ignore[attr-defined]
    assert at_100pt.size == (600, 400)


def test_print_above_450_ppi_is_downsampled_to_350(tmp_path: Path) -> None:
    path = photo(tmp_path / "a.jpg")
    inch = prepared(path, "print", DEFAULT_PROFILE, (72.0, 72.0))  # 600 ppi at 1 in
    assert (inch.size, inch.mode) == ((350, 233), "CMYK")
    # converted as the eager functions do: decoded at a reduced scale, then downsampled
    eager = image_for_print(images.open_image(path, (350, 233)), DEFAULT_PROFILE, (350, 233))
    assert inch.tobytes() == eager.tobytes()
    line_art = tmp_path / "line.png"
    Image.new("1", (2000, 100), 1).save(line_art)  # 1-bit: kept up to 1800 ppi
    assert prepared(line_art, "print", DEFAULT_PROFILE, (72.0, 72.0)).size == (1200, 60)
    assert prepared(line_art, "print", DEFAULT_PROFILE, (80.0, 80.0)).size == (2000, 100)


def test_a_jpeg_is_printed_at_the_reduced_scale_it_decodes_at(tmp_path: Path) -> None:
    """800 × 600 px at 1 in is 800 ppi: downsampled to 350 ppi, except that a JPEG decodes
    at half its size to 400 ppi, between 350 and 450, and is embedded so, unresampled."""
    jpeg = prepared(photo(tmp_path / "a.jpg", (800, 600)), "print", DEFAULT_PROFILE, (72.0, 72.0))
    png = prepared(
        photo(tmp_path / "a.png", (800, 600), "PNG"), "print", DEFAULT_PROFILE, (72.0, 72.0)
    )
    odd = prepared(photo(tmp_path / "b.jpg", (801, 600)), "print", DEFAULT_PROFILE, (72.0, 72.0))
    assert (jpeg.size, png.size, odd.size) == ((400, 300), (350, 262), (350, 262))
    decoded = images.open_image(tmp_path / "a.jpg", (400, 300))
    assert decoded.size == (400, 300)  # nothing left to resample
    assert jpeg.tobytes() == image_for_print(decoded, DEFAULT_PROFILE).tobytes()


def test_no_prefetch_converts_nothing(tmp_path: Path) -> None:
    path = photo(tmp_path / "a.jpg")
    with no_prefetch():
        image = prepared(path, "print", DEFAULT_PROFILE, (100.0, 100.0))
    key = image.key  # type: ignore[attr-defined]
    converter = images._CONVERTER
    assert key not in converter.queue and key not in converter.done and key != converter.busy
    assert image.size == (600, 400)


def test_conversion_ahead_gives_the_same_pixels(tmp_path: Path) -> None:
    paths = [photo(tmp_path / f"{n}.jpg", (300 + n, 200)) for n in range(4)]
    ahead = [prepared(p, "print", DEFAULT_PROFILE, (100.0, 100.0)) for p in paths]
    data = [image.tobytes() for image in ahead]
    images.clear_caches()
    with no_prefetch():
        alone = [prepared(p, "print", DEFAULT_PROFILE, (100.0, 100.0)) for p in paths]
    assert [image.tobytes() for image in alone] == data


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_damaged_picture_is_refused_at_once(tmp_path: Path, fmt: str) -> None:
    path = photo(tmp_path / f"a.{fmt.lower()}", fmt=fmt)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageProblem, match="読めません"):
        prepared(path, "print", DEFAULT_PROFILE, (100.0, 100.0))


def test_not_a_picture_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(b"not a picture")
    with pytest.raises(ImageProblem):
        prepared(path, "screen", DEFAULT_PROFILE, (100.0, 100.0))


def test_edited_file_is_converted_again(tmp_path: Path) -> None:
    path = photo(tmp_path / "a.png", (300, 200), fmt="PNG")
    before = prepared(path, "print", DEFAULT_PROFILE, (100.0, 100.0)).tobytes()
    Image.new("RGB", (300, 200), (255, 0, 0)).save(path)
    os.utime(path, ns=(1, 1))  # a different stamp even within the clock's resolution
    after = prepared(path, "print", DEFAULT_PROFILE, (100.0, 100.0)).tobytes()
    assert before != after


def test_forked_work_returns_its_result_or_raises() -> None:
    with _Forked(lambda: (os.getpid(), b"x" * 1_000_000)) as child:
        pid, data = child()
    assert pid != os.getpid() and len(data) == 1_000_000

    def fails() -> None:
        raise ValueError("壊れた")

    with _Forked(fails) as failing, pytest.raises(ValueError, match="壊れた"):
        failing()


def test_ascii85_is_reencoded_flate_is_kept() -> None:
    assert _reencode(b"<< /Filter [ /ASCII85Decode /FlateDecode ] >>")
    assert not _reencode(b"<< /Filter [ /FlateDecode ] >>")


def test_a_placed_picture_is_embedded_once_from_its_deflated_pixels(tmp_path: Path) -> None:
    import pikepdf
    from reportlab.pdfgen.canvas import Canvas

    from kumihan.cache import BlobStore
    from kumihan.render.pdf.picture import place_picture

    path = photo(tmp_path / "a.jpg")
    images.use_store(BlobStore(tmp_path / "project", "images"))
    try:
        first = prepared(path, "print", DEFAULT_PROFILE, (200.0, 200.0))
        expected = first.tobytes()
        images.clear_caches()  # the next build: the conversion comes from the store
        again = prepared(path, "print", DEFAULT_PROFILE, (200.0, 200.0))
        out = tmp_path / "out.pdf"
        canvas = Canvas(str(out))
        place_picture(canvas, again, 10, 10, 100, 66)
        place_picture(canvas, again, 10, 200, 50, 33)  # the same picture again
        canvas.showPage()
        canvas.save()
        pixels = images._CONVERTER.get(again.key)
        assert pixels._raw is None  # embedded without inflating the stored pixels
    finally:
        images.use_store(None)

    with pikepdf.open(out) as pdf:
        xobjects = pdf.pages[0].Resources.XObject
        assert len(xobjects) == 1
        (stream,) = xobjects.values()
        assert stream.ColorSpace == "/DeviceCMYK" and (stream.Width, stream.Height) == (600, 400)
        assert stream.read_bytes() == expected
        content = pdf.pages[0].Contents.read_bytes().decode()
    assert content.count(" Do") == 2


def test_pictures_asked_for_ahead_and_never_read_leave_the_converter_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picture the document already embedded is asked for but never read again. Once
    the drawing is over (`settle_prefetch`), the converter must be idle, or no later
    build in the same process (the watcher) could fork its formats."""
    import time

    monkeypatch.setattr(images, "AHEAD_BYTES", 1)  # one conversion ahead fills the budget
    paths = [photo(tmp_path / f"{name}.jpg") for name in "abc"]
    for path in paths:
        prepared(path, "print", DEFAULT_PROFILE, (200.0, 200.0))  # asked for, never read
    deadline = time.monotonic() + 10
    while images._CONVERTER.busy is not None or images._CONVERTER.working:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert not images.worker_idle()  # the budget is spent: the rest waits for a reader
    images.settle_prefetch()
    while not images.worker_idle():
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("name", "fmt", "magic"),
    [
        ("photo.jpg", "JPEG", b"\xff\xd8\xff"),  # a photograph: JPEG, as Word keeps photos
        ("drawing.png", "PNG", b"\x89PNG"),  # line art and screenshots stay lossless
        ("misnamed.png", "JPEG", b"\xff\xd8\xff"),  # by the file's bytes, not its name
    ],
)
def test_word_picture_is_jpeg_for_photographs_only(
    tmp_path: Path, name: str, fmt: str, magic: bytes
) -> None:
    path = photo(tmp_path / name, fmt=fmt)
    with no_prefetch():
        image = prepared(path, "screen", DEFAULT_PROFILE, (144.0, 144.0))
    data = images.word_picture(image)
    assert data.startswith(magic)
    with Image.open(io.BytesIO(data)) as decoded:
        assert (decoded.size, decoded.mode) == (image.size, "RGB")


def test_two_builds_at_once_convert_each_picture_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes (the 事例集 and the 報告書, built side by side) asking for the same
    two pictures ahead, in the same order: each converts one and reads the other's from
    the store, instead of both converting both."""
    from kumihan.cache import BlobStore

    pictures = [photo(tmp_path / "a.jpg"), photo(tmp_path / "b.jpg", (500, 300))]
    log = tmp_path / "converted.log"
    convert = images._convert

    def slow_convert(key: images._Key) -> Image.Image:
        with log.open("a") as stream:
            stream.write(f"{key.path.name}\n")
        time.sleep(0.3)  # long enough for the other process to find the claim
        return convert(key)

    monkeypatch.setattr(images, "_convert", slow_convert)
    images.use_store(BlobStore(tmp_path / "project", "images"))
    while not images.worker_idle():  # as a build forks only then (an earlier test's
        time.sleep(0.01)  # conversion would leave LittleCMS mid-way in the children)
    try:

        def draw() -> list[bytes]:
            wanted = [prepared(p, "print", DEFAULT_PROFILE, (200.0, 200.0)) for p in pictures]
            return [image.tobytes() for image in wanted]

        with _Forked(draw) as first, _Forked(draw) as second:
            drawn = [first(), second()]
    finally:
        images.use_store(None)
    assert drawn[0] == drawn[1]
    assert sorted(log.read_text().split()) == ["a.jpg", "b.jpg"]
    assert not list((tmp_path / "project").rglob("*.claim"))  # every claim released


def test_the_preflight_takes_the_ink_the_converter_noted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A print conversion notes its highest total ink under the key the preflight gives
    the embedded stream: the preflight finds it there instead of inflating and summing
    the picture again, and it is the number the preflight's own measurement gives."""
    from reportlab.pdfgen.canvas import Canvas

    from kumihan.cache import BlobStore
    from kumihan.render.pdf.picture import place_picture
    from kumihan.verify import preflight as checker

    store = BlobStore(tmp_path / "project", "images")
    images.use_store(store)
    try:
        picture = prepared(photo(tmp_path / "a.jpg"), "print", DEFAULT_PROFILE, (200.0, 200.0))
        out = tmp_path / "out.pdf"
        canvas = Canvas(str(out))
        place_picture(canvas, picture, 10, 10, 100, 66)
        canvas.showPage()
        canvas.save()
    finally:
        images.use_store(None)

    def inks(noted: Path | None) -> tuple[dict[str, float | None], int]:
        measured: list[object] = []
        measure = checker._image_ink
        monkeypatch.setattr(
            checker, "_image_ink", lambda info: measured.append(info) or measure(info)
        )
        memo = checker.InkMemo(tmp_path / f"ink-{noted is not None}.json", noted=noted)
        checker.use_ink_memo(memo)
        try:
            checker.preflight(out)
        finally:
            checker.use_ink_memo(None)
        return memo.inks, len(measured)

    noted, measured_with_notes = inks(store.dir)
    fresh, measured_afresh = inks(None)
    assert (measured_with_notes, measured_afresh) == (0, 1)
    assert noted == fresh and len(noted) == 1


def test_photographs_are_deflated_quickly_drawings_tightly(tmp_path: Path) -> None:
    """A photo's pixels barely pack tighter at zlib's default level than at its quickest,
    for twice the time: in print, a JPEG's are deflated at level 1, a drawing's (PNG) at
    the default."""
    import zlib

    photo_jpeg = prepared(photo(tmp_path / "a.jpg"), "print", DEFAULT_PROFILE, (200.0, 200.0))
    drawing = prepared(
        photo(tmp_path / "b.png", fmt="PNG"), "print", DEFAULT_PROFILE, (200.0, 200.0)
    )
    assert photo_jpeg.stream() == ("FlateDecode", zlib.compress(photo_jpeg.tobytes(), 1))  # type: ignore[attr-defined]
    assert drawing.stream() == ("FlateDecode", zlib.compress(drawing.tobytes()))  # type: ignore[attr-defined]
    assert zlib.compress(drawing.tobytes(), 1) != zlib.compress(drawing.tobytes())


def test_the_screen_pdf_and_word_keep_photographs_as_jpeg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the screen PDF a photograph is a JPEG stream (DCTDecode), and Word is given the
    very same bytes, whichever process converted the picture: a build that reads the
    conversion from the store embeds what the converting build embedded."""
    from kumihan.cache import BlobStore

    path = photo(tmp_path / "a.jpg")
    drawing = prepared(
        photo(tmp_path / "b.png", fmt="PNG"), "screen", DEFAULT_PROFILE, (72.0, 72.0)
    )
    assert drawing.stream()[0] == "FlateDecode"  # type: ignore[attr-defined]
    images.use_store(BlobStore(tmp_path / "project", "images"))
    try:
        with _Forked(
            lambda: prepared(path, "screen", DEFAULT_PROFILE, (72.0, 72.0)).stream()
        ) as other:
            kind, data = other()  # converted, encoded and kept by another process
        images.clear_caches()
        here = prepared(path, "screen", DEFAULT_PROFILE, (72.0, 72.0))
        assert here.stream() == (kind, data)  # type: ignore[attr-defined]
        assert images.word_picture(here) == data
    finally:
        images.use_store(None)
    assert kind == "DCTDecode"
    with Image.open(io.BytesIO(data)) as decoded:
        assert (decoded.format, decoded.size, decoded.mode) == ("JPEG", (150, 100), "RGB")
    images.clear_caches()
    assert prepared(path, "screen", DEFAULT_PROFILE, (72.0, 72.0)).stream() == (kind, data)  # type: ignore[attr-defined]


def test_a_picture_beside_text_is_asked_for_at_its_column_width_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case story's photo sits in a column of a layout grid: it is prepared (and
    converted ahead) at the column's width, never also at the frame's, a size never drawn."""
    from kumihan import model as m
    from kumihan.diagnostics import Diagnostics, SourceLoc
    from kumihan.layout.spec import load_layout
    from kumihan.render.pdf import blocks, make_context

    repo = Path(__file__).resolve().parents[2]
    layout = load_layout(repo / "layouts" / "casebook.yaml", repo, Diagnostics())
    assert layout is not None
    assets = tmp_path / "assets"
    (assets / "images").mkdir(parents=True)
    photo(assets / "images" / "a.jpg")
    for folder in ("fonts", "icc"):
        (assets / folder).symlink_to(repo / "assets" / folder)
    ctx = make_context(layout, tmp_path, "screen")
    asked: list[tuple[float, float]] = []
    real = blocks.prepared
    monkeypatch.setattr(
        blocks,
        "prepared",
        lambda path, variant, profile, placed: (
            asked.append(placed) or real(path, variant, profile, placed)
        ),
    )
    loc = SourceLoc("content/cases/kakuu.yaml", 1, 1)
    text = m.TableCell((m.Paragraph((m.Text("架空の本文。"),), loc),))
    picture = m.TableCell((m.Figure(loc, image="images/a.jpg", role="case-figure"),))
    grid = m.Table((m.TableRow((text, picture)),), loc, 0, (3.0, 2.0), role="case-aside")
    builder = blocks.FlowableBuilder(ctx, layout.page.frame_width, layout.page.frame_height)
    with no_prefetch():
        builder.block(grid)
    assert asked and all(w < layout.page.frame_width * 0.5 for w, _ in asked)


def test_a_photo_as_jpeg_carries_its_pixels_only_and_reads_the_same_everywhere(
    tmp_path: Path,
) -> None:
    """The JPEG made for the screen PDF and Word holds the pixels alone (not the source
    file's comment); its pixels, asked for, are the JPEG's whether this process converted
    the picture or read it from the store; a camera's MPO counts as a JPEG."""
    from kumihan.cache import BlobStore

    path = photo(tmp_path / "a.jpg")
    with Image.open(path) as source:
        source.save(path, "JPEG", comment=b"KAKUU-SECRET-NOTE")
    made_here = prepared(path, "screen", DEFAULT_PROFILE, (72.0, 72.0))
    kind, data = made_here.stream()  # type: ignore[attr-defined]
    assert kind == "DCTDecode" and b"KAKUU-SECRET-NOTE" not in data
    images.use_store(BlobStore(tmp_path / "project", "images"))
    try:
        with _Forked(lambda: prepared(path, "screen", DEFAULT_PROFILE, (72.0, 72.0)).stream()):
            pass  # kept in the store by another process
        images.clear_caches()
        read_back = prepared(path, "screen", DEFAULT_PROFILE, (72.0, 72.0))
        assert read_back.tobytes() == made_here.tobytes()
    finally:
        images.use_store(None)
    with Image.open(io.BytesIO(data)) as decoded:
        assert made_here.tobytes() == decoded.convert("RGB").tobytes()

    mpo = tmp_path / "camera.mpo"
    with Image.open(path) as first:
        first.save(mpo, "MPO", save_all=True, append_images=[first.copy()])
    with Image.open(mpo) as check:
        assert check.format == "MPO"
    camera = prepared(mpo, "screen", DEFAULT_PROFILE, (72.0, 72.0))
    assert camera.stream()[0] == "DCTDecode"  # type: ignore[attr-defined]
