"""Pages as pictures: render PDF pages, compare two PDFs page by page, compose sheets.

Takes finished PDFs (ours or anyone's); gives Pillow images and plain data:

- `render_pages(path, scale=...)`: each page as an RGB image (pypdfium2), cropped to
  the TrimBox when the page has one, so a print PDF's bleed and トンボ are not shown.
- `page_labels(path)`: the printed page numbers (/PageLabels, read by pikepdf).
- `compare_pdfs(before, after, ...)`: a `Comparison` listing the changed, added and
  removed pages. Pages that draw the same things by value (`kumihan.verify.fingerprint`)
  are unchanged and not rendered; the others are rendered, and any differing pixel
  marks a page changed unless a threshold (a fraction of the page's pixels) says
  otherwise.
- `highlight`, `contact_sheet`, `side_by_side`: images for people to look at.

Nothing here writes files or prints; the editor commands (`kumihan.editor`) do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from kumihan.verify.fingerprint import page_fingerprints

POINTS_PER_INCH = 72.0
FONT_DIR = Path(__file__).resolve().parents[3] / "assets" / "fonts"
LABEL_FONT = "BIZUDGothic-Regular.ttf"  # covers the kana and kanji a label or title may hold

Progress = Callable[[int, int], None]  # (pages done, pages in all)
AnyFont = ImageFont.FreeTypeFont | ImageFont.ImageFont


def scale_for_dpi(dpi: float) -> float:
    return dpi / POINTS_PER_INCH


# ---------------------------------------------------------------------- reading PDFs


def _trim_crop(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    """What to cut off each side (left, bottom, right, top) to show the trimmed page only."""
    media = page.get_mediabox()
    trim = page.get_trimbox()  # pdfium falls back to the CropBox when there is no TrimBox
    left, bottom = max(0.0, trim[0] - media[0]), max(0.0, trim[1] - media[1])
    right, top = max(0.0, media[2] - trim[2]), max(0.0, media[3] - trim[3])
    return (left, bottom, right, top)


def render_pages(
    path: Path,
    *,
    scale: float,
    trim: bool = True,
    pages: Iterable[int] | None = None,
    progress: Progress | None = None,
) -> Iterator[Image.Image]:
    """Each page (0-based `pages`, default all) as an RGB image at `scale` pixels per point.

    Images are yielded one at a time so a long document never sits in memory whole.
    """
    document = pdfium.PdfDocument(str(path))
    try:
        indices = list(range(len(document))) if pages is None else list(pages)
        for done, index in enumerate(indices, 1):
            page = document[index]
            crop = _trim_crop(page) if trim else (0.0, 0.0, 0.0, 0.0)
            bitmap = page.render(scale=scale, crop=crop)
            image = bitmap.to_pil().convert("RGB")
            page.close()
            if progress is not None:
                progress(done, len(indices))
            yield image
    finally:
        document.close()


def page_count(path: Path) -> int:
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def page_labels(path: Path) -> list[str]:
    """The printed page number of each page: /PageLabels when the PDF has them, else 1, 2, 3…

    A page whose label is blank (an unnumbered cover or blank verso) gets "".
    """
    with pikepdf.open(path) as pdf:
        if "/PageLabels" not in pdf.Root:
            return [str(n) for n in range(1, len(pdf.pages) + 1)]
        return [str(page.label).strip() for page in pdf.pages]


def describe_pages(indices: Iterable[int], labels: Sequence[str]) -> str:
    """0-based pages as people read them: printed numbers, in ranges, with the PDF's own
    page numbers added where they differ ("13–16（PDF 19–22）", "3–6", "（PDF 2）")."""
    runs: list[list[int]] = []
    for index in sorted(set(indices)):
        offset = _offset(index, labels)
        follows = bool(runs) and index == runs[-1][-1] + 1
        if follows and offset is not None and offset == _offset(runs[-1][-1], labels):
            runs[-1].append(index)
        else:
            runs.append([index])
    return "、".join(_describe_run(run, labels) for run in runs)


def _offset(index: int, labels: Sequence[str]) -> int | None:
    """Printed number minus physical number, for a page with a decimal label."""
    label = labels[index] if index < len(labels) else ""
    return int(label) - (index + 1) if label.isdigit() else None


def _describe_run(run: list[int], labels: Sequence[str]) -> str:
    first, last = run[0], run[-1]

    def span(a: str, b: str) -> str:
        return a if a == b else f"{a}–{b}"

    physical = span(str(first + 1), str(last + 1))
    label = labels[first] if first < len(labels) else ""
    if not label:
        return f"（PDF {physical}）"
    printed = span(label, labels[last])
    return printed if printed == physical else f"{printed}（PDF {physical}）"


# ---------------------------------------------------------------------- comparing


def image_digest(image: Image.Image) -> str:
    digest = hashlib.sha256(f"{image.mode}{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def changed_fraction(before: Image.Image, after: Image.Image) -> float:
    """The share of pixels that differ (1.0 when the page size changed)."""
    if before.size != after.size or before.mode != after.mode:
        return 1.0
    mask = ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v else 0)
    histogram = mask.histogram()
    total = before.size[0] * before.size[1]
    return histogram[255] / total if total else 0.0


@dataclass(frozen=True)
class PageChange:
    index: int  # 0-based physical page
    fraction: float  # share of the page's pixels that differ


@dataclass
class Comparison:
    """Two versions of one PDF, page by page (pages paired by position)."""

    before: Path
    after: Path
    before_pages: int
    after_pages: int
    before_labels: list[str]
    after_labels: list[str]
    changed: list[PageChange] = field(default_factory=list)
    added: list[int] = field(default_factory=list)  # 0-based pages of `after`
    removed: list[int] = field(default_factory=list)  # 0-based pages of `before`
    identical_files: bool = False

    @property
    def unchanged(self) -> bool:
        return not (self.changed or self.added or self.removed)


def _same_file(a: Path, b: Path) -> bool:
    """True when the two paths hold the same bytes (a hard link, or a rebuild with no change)."""
    try:
        if a.samefile(b):
            return True
        if a.stat().st_size != b.stat().st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def compare_pdfs(
    before: Path,
    after: Path,
    *,
    scale: float = 1.0,
    threshold: float = 0.0,
    trim: bool = True,
    progress: Progress | None = None,
) -> Comparison:
    """Which pages of `after` differ from `before` (rendered at `scale`), which were added,
    which removed.

    Pages are paired by position: page n with page n. A page counts as changed when
    more than `threshold` of its pixels differ (0: any pixel). Pages that draw the same
    things (`page_fingerprints`) are not rendered: they are unchanged.
    """
    result = Comparison(
        before,
        after,
        page_count(before),
        page_count(after),
        page_labels(before),
        page_labels(after),
    )
    common = min(result.before_pages, result.after_pages)
    result.added = list(range(common, result.after_pages))
    result.removed = list(range(common, result.before_pages))
    if _same_file(before, after):
        result.identical_files = True
        return result
    # a page that draws the same things as before looks the same: only the others are
    # rendered (after one edit, a few pages of hundreds)
    old_prints, new_prints = _fingerprints(before, common), _fingerprints(after, common)
    suspect = [
        index
        for index in range(common)
        if old_prints[index] is None or old_prints[index] != new_prints[index]
    ]
    old = render_pages(before, scale=scale, trim=trim, pages=suspect)
    new = render_pages(after, scale=scale, trim=trim, pages=suspect, progress=progress)
    for index, a, b in zip(suspect, old, new, strict=True):
        if image_digest(a) == image_digest(b):
            continue
        fraction = changed_fraction(a, b)
        if fraction > threshold:
            result.changed.append(PageChange(index, fraction))
    return result


def _fingerprints(path: Path, pages: int) -> list[str | None]:
    """`page_fingerprints`, or none at all (every page rendered) for a file pikepdf will
    not read and pdfium does (damaged, or locked with a password)."""
    try:
        return page_fingerprints(path)
    except (pikepdf.PdfError, OSError, ValueError):
        return [None] * pages


# ---------------------------------------------------------------------- images for people


def label_font(size: int, fonts_dir: Path = FONT_DIR) -> AnyFont:
    """The project's gothic face at `size` px, or Pillow's own font when it is not there."""
    path = fonts_dir / LABEL_FONT
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def highlight(before: Image.Image, after: Image.Image) -> Image.Image:
    """`after`, faded, with what differs from `before` in red ink on a pink ground."""
    faded = Image.blend(after, Image.new("RGB", after.size, "white"), 0.6)
    if before.size != after.size:
        return faded
    mask = ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v else 0)
    # grow the mask so a changed character stays legible and is visible at thumbnail size
    mask = mask.filter(ImageFilter.MaxFilter(5))
    grey = after.convert("L")
    red_ink = Image.merge("RGB", (Image.new("L", after.size, 255), grey, grey))
    marked = ImageChops.multiply(red_ink, Image.new("RGB", after.size, (255, 210, 210)))
    faded.paste(marked, mask=mask)
    return faded


def fit_width(image: Image.Image, width: int) -> Image.Image:
    if image.width == width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _text_width(draw: ImageDraw.ImageDraw, text: str, font: AnyFont) -> float:
    return draw.textlength(text, font=font)


def _draw_title(draw: ImageDraw.ImageDraw, text: str, size: int, gap: int, width: int) -> None:
    """The sheet's title at `size` px, smaller if that is what it takes to fit `width`."""
    font = label_font(size)
    while size > 10 and _text_width(draw, text, font) > width - 2 * gap:
        size -= 1
        font = label_font(size)
    draw.text((gap, gap), text, fill=(0, 0, 0), font=font)


def contact_sheet(
    images: Sequence[Image.Image],
    labels: Sequence[str],
    *,
    columns: int = 8,
    width: int = 160,
    title: str = "",
    gap: int = 16,
) -> Image.Image:
    """Thumbnails `width` px wide in a grid, each with its label centred under it."""
    if not images:
        raise ValueError("contact_sheet: no pages")
    thumbs = [fit_width(image, width) for image in images]
    cell_h = max(t.height for t in thumbs)
    font_size = max(10, width // 10)
    font = label_font(font_size)
    label_h = font_size + 8
    title_h = font_size * 2 + gap if title else 0
    columns = max(1, min(columns, len(thumbs)))
    rows = -(-len(thumbs) // columns)
    sheet_w = gap + columns * (width + gap)
    sheet_h = title_h + gap + rows * (cell_h + label_h + gap)
    sheet = Image.new("RGB", (sheet_w, sheet_h), (236, 236, 236))
    draw = ImageDraw.Draw(sheet)
    if title:
        _draw_title(draw, title, font_size * 3 // 2, gap, sheet_w)
    for n, (thumb, label) in enumerate(zip(thumbs, labels, strict=True)):
        row, col = divmod(n, columns)
        x = gap + col * (width + gap)
        y = title_h + gap + row * (cell_h + label_h + gap)
        draw.rectangle((x - 1, y - 1, x + thumb.width, y + thumb.height), outline=(150, 150, 150))
        sheet.paste(thumb, (x, y))
        text_x = x + (width - _text_width(draw, label, font)) / 2
        draw.text((text_x, y + thumb.height + 4), label, fill=(0, 0, 0), font=font)
    return sheet


def side_by_side(
    rows: Sequence[tuple[str, Sequence[Image.Image]]],
    *,
    headings: Sequence[str] = (),
    width: int = 240,
    title: str = "",
    gap: int = 16,
) -> Image.Image:
    """One row per entry: a caption on the left, then its images `width` px wide side by side."""
    if not rows:
        raise ValueError("side_by_side: no rows")
    font_size = max(12, width // 14)
    font = label_font(font_size)
    caption_w = font_size * 9
    columns = max(len(images) for _caption, images in rows)
    fitted = [(caption, [fit_width(i, width) for i in images]) for caption, images in rows]
    row_heights = [max((i.height for i in images), default=0) for _c, images in fitted]
    head_h = font_size + gap if headings else 0
    title_h = font_size * 2 + gap if title else 0
    sheet_w = gap + caption_w + columns * (width + gap)
    sheet_h = title_h + head_h + gap + sum(h + gap for h in row_heights)
    sheet = Image.new("RGB", (sheet_w, sheet_h), (236, 236, 236))
    draw = ImageDraw.Draw(sheet)
    if title:
        _draw_title(draw, title, font_size * 3 // 2, gap, sheet_w)
    left = gap + caption_w
    for col, heading in enumerate(headings):
        x = left + col * (width + gap) + (width - _text_width(draw, heading, font)) / 2
        draw.text((x, title_h + gap), heading, fill=(0, 0, 0), font=font)
    y = title_h + head_h + gap
    for (caption, images), height in zip(fitted, row_heights, strict=True):
        draw.multiline_text((gap, y), caption, fill=(0, 0, 0), font=font, spacing=4)
        for col, image in enumerate(images):
            x = left + col * (width + gap)
            draw.rectangle(
                (x - 1, y - 1, x + image.width, y + image.height), outline=(150, 150, 150)
            )
            sheet.paste(image, (x, y))
        y += height + gap
    return sheet
