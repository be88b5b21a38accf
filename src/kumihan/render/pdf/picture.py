"""Place a converted picture on a canvas as an image XObject, straight from its encoded pixels.

`place_picture(canvas, image, x, y, width, height)` takes a `PreparedImage` (see
`kumihan.render.pdf.images`) and the box it fills; it embeds the picture once per
document and draws it. Unlike reportlab's `drawImage`, it never reads the pixels
themselves: the XObject is named after the conversion (file, profile, variant, size)
instead of an MD5 of the pixels, and its stream is the encoded bytes the converter
or the cache already holds, so a picture kept from an earlier build is embedded
without being inflated or hashed (for a page of photos in CMYK, most of the time
its drawing took).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

from kumihan.render.pdf.images import PreparedImage

_COLOUR_SPACES = {"CMYK": "DeviceCMYK", "L": "DeviceGray", "RGB": "DeviceRGB"}

# While a page is being recorded (`kumihan.render.pdf.replay.recording`), every picture
# placed is also noted here, so a replay can embed it again.
RECORDERS: list[list[PreparedImage]] = []


def place_picture(
    canvas: Any, image: PreparedImage, x: float, y: float, width: float, height: float
) -> None:
    """Draw `image` scaled to `width` × `height` with its lower left corner at (x, y)."""
    name = register_picture(canvas, image)
    canvas._code.append(
        f"q 1 0 0 1 {fp_str(x)} {fp_str(y)} cm {fp_str(width)} 0 0 {fp_str(height)} 0 0 cm "
        f"/{canvas._doc.getXObjectName(name)} Do Q"
    )
    canvas._formsinuse.append(name)  # the page's /XObject resources
    canvas._currentPageHasImages = 1
    for recorder in RECORDERS:
        recorder.append(image)


def register_picture(canvas: Any, image: PreparedImage) -> str:
    """Embed `image` in the canvas's document (once); its form name."""
    name = f"kimg{image.name()}"
    doc = canvas._doc
    registered = doc.getXObjectName(name)
    if doc.idToObject.get(registered) is None:
        xobject = pdfdoc.PDFImageXObject(name)
        xobject.width, xobject.height = image.size
        xobject.bitsPerComponent = 8
        xobject.colorSpace = _COLOUR_SPACES[image.mode]
        kind, xobject.streamContent = image.stream()
        xobject._filters = (kind,)
        doc.Reference(xobject, registered)
        doc.addForm(name, xobject)
    return name
