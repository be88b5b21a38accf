"""Case pages drawn once and replayed in later builds, so an edit redraws only its own case.

`FixedPage` (a case page) asks `drawn_page` for a record of the same page drawn
before; it takes a key naming everything the page's drawing depends on (the
case page's model and fit, the layout, fonts and pictures, the toolkit's code,
the variant, where on the media it is drawn and the outline level it starts
at). On a hit, `replay` puts that page's drawing back on the canvas; on a miss,
the page is drawn inside `recording`, which gives the record to keep.

A record is what the drawing left behind:

- the content-stream operators (text is by glyph id and fonts have fixed
  resource names, `kumihan.render.pdf.glyphfont`, so the same page gives the
  same operators in any document);
- the glyphs each face showed (so the embedded subsets include them), the
  pictures it placed (embedded again on replay, from the picture cache), the
  forms it uses and its spot colours;
- the canvas calls that register things in the document rather than on the page
  (link annotations, destinations, outline entries), made again on replay with
  their operators discarded;
- what it noted in the `PageRecord` (anchors, overflows, outline level), the
  page-number forms it asked for, and what it told the furniture (no header).

A replayed page is byte-for-byte the page a fresh drawing would give, so a build
from a warm cache writes the same file as one from an empty cache (the tests
compare the two). Records are kept in `.kumihan-cache/pages` (`use_page_store`).
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getFont

from kumihan.cache import BlobStore
from kumihan.render.pdf import glyphfont, picture
from kumihan.render.pdf.context import PageNotes, RenderContext
from kumihan.render.pdf.images import PreparedImage, local_key, portable_key
from kumihan.render.pdf.picture import register_picture

# canvas calls whose effect is on the document (objects, names), not only on the page
RECORDED_CALLS = (
    "drawImage",
    "linkRect",
    "linkURL",
    "linkAbsolute",
    "bookmarkPage",
    "bookmarkHorizontalAbsolute",
    "addOutlineEntry",
)

_RECORD_VERSION = b"4"  # 2: links absolute; 3: faces in order; 4: all forms, anchors

R = TypeVar("R")


@dataclass
class DrawnPage:
    """One page's drawing, as `recording` saw it (see the module docstring)."""

    code: list[str] = field(default_factory=list)
    forms_in_use: list[str] = field(default_factory=list)
    colors: dict[Any, Any] = field(default_factory=dict)
    has_images: bool = False
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    glyphs: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    anchors: list[str] = field(default_factory=list)
    page_forms: dict[str, Any] = field(default_factory=dict)
    overflows: list[float] = field(default_factory=list)
    outline_level: int = -1
    page_flags: list[str] = field(default_factory=list)  # told to the furniture (`mark_page`)
    pictures: list[tuple[Any, str]] = field(default_factory=list)  # (conversion key, mode)


class _Uncacheable(Exception):
    """The page did something a record cannot hold (a picture drawn by reportlab)."""


class PageStore:
    """Records by key in a `BlobStore`; `context` names what every page depends on."""

    def __init__(self, blobs: BlobStore, context: str) -> None:
        self.blobs = blobs
        self.context = context

    def key(self, page_key: str, ctx: RenderContext, x: float, y: float) -> str:
        digest = hashlib.sha256(_RECORD_VERSION + self.context.encode())
        # the deliverable's own layout too: all layouts are in the context, and the same
        # content may be styled otherwise in another deliverable
        digest.update(f"{ctx.layout.file}|{ctx.variant}|{x:.4f}|{y:.4f}|".encode())
        digest.update(f"{ctx.record.outline_level}|".encode())
        digest.update(page_key.encode())
        return digest.hexdigest()

    def get(self, key: str) -> DrawnPage | None:
        return self.get_record(key, DrawnPage)

    def get_record(self, key: str, kind: type[R]) -> R | None:
        """The record kept under `key` if it is a `kind` (a page, or a run of pages)."""
        return self.blobs.get_value(key, kind)

    def put(self, key: str, record: object) -> None:
        self.blobs.put_value(key, record)  # an unpicklable drawing is drawn afresh next time


_STORE: PageStore | None = None


def use_page_store(store: PageStore | None) -> None:
    """Keep and reuse case pages in `store` (None: draw every page, keep nothing)."""
    global _STORE
    _STORE = store


def page_store() -> PageStore | None:
    return _STORE


@contextlib.contextmanager
def recording(canvas: Any, ctx: RenderContext) -> Iterator[list[DrawnPage]]:
    """Record what is drawn within the block; the list gets the record, or stays empty
    when the page cannot be recorded."""
    out: list[DrawnPage] = []
    record = ctx.record
    code_at, forms_at = len(canvas._code), len(canvas._formsinuse)
    colors_before = dict(canvas._colorsUsed)
    notes = PageNotes()  # every form and anchor the page registers, new or not
    overflows_at = len(record.overflows)
    images_before = canvas._currentPageHasImages
    flags_before = set(_page_flags(canvas))
    canvas._currentPageHasImages = 0
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    glyphs: dict[str, set[tuple[int, int]]] = {}
    problems: list[str] = []
    depth = [0]

    def wrapped(name: str, method: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if depth[0] == 0:
                try:
                    calls.append((name, *_portable(canvas, name, args, kwargs)))
                except _Uncacheable as exc:
                    problems.append(str(exc))
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in RECORDED_CALLS:
        setattr(canvas, name, wrapped(name, getattr(canvas, name)))
    pictures: list[PreparedImage] = []
    glyphfont.RECORDERS.append(glyphs)
    picture.RECORDERS.append(pictures)
    ctx.recorders.append(notes)
    try:
        yield out
    finally:
        glyphfont.RECORDERS.remove(glyphs)
        picture.RECORDERS.remove(pictures)
        ctx.recorders.remove(notes)
        for name in RECORDED_CALLS:
            delattr(canvas, name)  # the class's methods again
        has_images = bool(canvas._currentPageHasImages)
        canvas._currentPageHasImages = images_before or has_images
    if problems:
        return
    out.append(
        DrawnPage(
            code=canvas._code[code_at:],
            forms_in_use=canvas._formsinuse[forms_at:],
            colors={k: v for k, v in canvas._colorsUsed.items() if k not in colors_before},
            has_images=has_images,
            calls=calls,
            # in the order the faces were first used: a face new to the document is
            # added to its fonts then, and the fonts' objects are numbered in that order
            glyphs={face: sorted(pairs) for face, pairs in glyphs.items()},
            anchors=list(dict.fromkeys(notes.anchors)),
            page_forms=notes.forms,
            overflows=[points for _, points in record.overflows[overflows_at:]],
            outline_level=record.outline_level,
            page_flags=sorted(_page_flags(canvas) - flags_before),
            pictures=[(portable_key(image.key, ctx.assets), image.mode) for image in pictures],
        )
    )


def replay(canvas: Any, ctx: RenderContext, page: DrawnPage) -> None:
    """Put a recorded page's drawing on the canvas's current page."""
    code_at, forms_at = len(canvas._code), len(canvas._formsinuse)
    for key, mode in page.pictures:
        register_picture(canvas, PreparedImage(local_key(key, ctx.assets), mode))
    for name, args, kwargs in page.calls:
        getattr(canvas, name)(*args, **kwargs)
    # the calls were made for their effect on the document: their operators are in `code`
    del canvas._code[code_at:]
    del canvas._formsinuse[forms_at:]
    canvas._code.extend(page.code)
    canvas._formsinuse.extend(page.forms_in_use)
    canvas._colorsUsed.update(page.colors)
    if page.has_images:
        canvas._currentPageHasImages = 1
    doc = canvas._doc
    for face, pairs in page.glyphs.items():
        font = getFont(face)
        if isinstance(font, glyphfont.GlyphFont):
            font.use(doc, pairs)
    record = ctx.record
    number = canvas.getPageNumber()
    for anchor in page.anchors:
        record.anchors.setdefault(anchor, number)
    ctx.forms.update(page.page_forms)
    record.overflows.extend((number, points) for points in page.overflows)
    record.outline_level = page.outline_level
    _page_flags(canvas).update(page.page_flags)


def _page_flags(canvas: Any) -> set[str]:
    """The flags this page tells the furniture (`kumihan.render.pdf.furniture.mark_page`)."""
    flags: set[str] = getattr(getattr(canvas, "_doctemplate", None), "page_flags", set())
    return flags


def _portable(
    canvas: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """A recorded call's arguments as they can be made again anywhere: a link's rectangle
    given relative to the current transformation (a flowable's, when it was drawn) is
    made absolute, since a replayed page is put back with no transformation."""
    if any(isinstance(arg, ImageReader) for arg in args):
        raise _Uncacheable("a picture drawn by reportlab, not by kumihan.render.pdf.picture")
    if name not in _RELATIVE_RECTS:
        return args, kwargs
    bound = inspect.signature(getattr(type(canvas), name)).bind(canvas, *args, **kwargs)
    bound.apply_defaults()
    rect_name = _RELATIVE_RECTS[name]
    rect = bound.arguments[rect_name]
    if bound.arguments["relative"] and rect:
        corners = [canvas.absolutePosition(x, y) for x in rect[::2] for y in rect[1::2]]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        bound.arguments[rect_name] = (min(xs), min(ys), max(xs), max(ys))
        bound.arguments["relative"] = 0
    extra = bound.arguments.pop("kw", {})
    return bound.args[1:], {**bound.kwargs, **extra}


# the calls that may take a rectangle relative to the current transformation
_RELATIVE_RECTS = {"linkRect": "Rect", "linkURL": "rect"}
