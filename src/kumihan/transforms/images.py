"""Pictures, checked before rendering: unreadable files, decompression bombs, low resolution.

Takes the document and the assets directory; reports each picture that cannot be
used (E112: not an image, or so many pixels it would exhaust memory) and each one
whose resolution at its placed size is below what print needs (W114). Only image
headers are read here, so the check is cheap. A path that leaves assets/ is never
opened: the loaders have already reported it (E107).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from kumihan import model as m
from kumihan.diagnostics import Diagnostics
from kumihan.load.records import image_path_problem
from kumihan.transforms.walk import iter_document

MAX_PIXELS = 60_000_000  # the renderer refuses more (see render/pdf/images.py)


def header_size(path: Path) -> tuple[int, int]:
    """The pixel size a picture's header declares, without decoding any pixels.

    Pillow refuses to even open a file whose header claims far more pixels than
    `Image.MAX_IMAGE_PIXELS`, so its own bomb check is lifted while the header is
    read (nothing is decoded here); the caller compares the size with `MAX_PIXELS`.
    """
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(path) as probe:  # reads the header only
            return probe.size
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def check_images(
    doc: m.Document, assets: Path, frame_width: float, min_ppi: int, diagnostics: Diagnostics
) -> None:
    seen: set[str] = set()
    for _part, block in iter_document(doc):
        if not isinstance(block, m.Figure) or not block.image or block.missing:
            continue
        if block.image in seen:
            continue
        seen.add(block.image)
        if image_path_problem(block.image):
            continue  # outside assets/: already an E107, and never opened
        path = assets / block.image
        try:
            width, height = header_size(path)
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            diagnostics.add(
                block.loc,
                "E112",
                f"assets/{block.image} を画像として読めません（{exc.__class__.__name__}）",
                "PNG か JPEG で保存し直してください。",
            )
            continue
        if width * height > MAX_PIXELS:
            diagnostics.add(
                block.loc,
                "E112",
                f"assets/{block.image} は {width:,}×{height:,} 画素あり、大きすぎます（上限 {MAX_PIXELS:,} 画素）",
                "印刷に必要な 350 ppi 程度まで縮小して保存し直してください。",
            )
            continue
        placed_inches = frame_width * block.width / 72.0
        ppi = width / placed_inches if placed_inches else 0.0
        if ppi < min_ppi:
            diagnostics.add(
                block.loc,
                "W114",
                f"assets/{block.image} は配置サイズで約 {ppi:.0f} ppi です（印刷には {min_ppi} ppi 以上）",
                f"横 {int(placed_inches * min_ppi)} 画素以上の画像に差し替えてください。",
            )
