"""A digest of what each PDF page draws, by value: pages with one digest look the same.

`page_fingerprints(path)` reads a PDF with pikepdf and gives, per page, a SHA-256 of
everything rendering the page reads — its boxes and rotation, its content streams,
its resources (fonts with their programs, pictures, forms, colour spaces …) and its
annotations (all but where a link leads) — with object numbers left out, so the same page in two builds
hashes the same although the objects were numbered anew. Streams are hashed by their
raw (still compressed) bytes, so nothing is decoded; different bytes that decode
alike only count as different, which costs a rendering, never a missed change.

`compare_pdfs` renders only the pages whose digests differ: after an edit to one
case, two of a casebook's 186 pages instead of all of them.

Each digest also covers what the document's catalog says about how every page looks
(optional content shown, form fields, output intent). A page whose digest cannot be
made (a reference cycle, a broken object) gets None and is always rendered.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Stream

# what a page's rendering reads from the page object itself (/Parent is followed
# only for inherited attributes; /Annots are read by what they show)
_PAGE_KEYS = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/Rotate", "/UserUnit", "/Group")
_INHERITED = frozenset({"/MediaBox", "/CropBox", "/Rotate", "/Resources"})
# an annotation's entries that never change how it looks: where a link leads (another
# page, whose digest would pull in the whole document), its page, popup, dates and name;
# every other entry counts (a viewer draws an annotation without /AP from /IC, /CA,
# /QuadPoints, /InkList, /DA … and hides it by /F or /OC)
_ANNOTATION_LINKS = frozenset({"/Dest", "/A", "/PA", "/P", "/Parent", "/Popup", "/M", "/NM"})
# links out of a resource that are not part of what it draws
_BACK_LINKS = frozenset({"/Parent", "/P"})
_MAX_DEPTH = 64
# what the catalog says that changes how pages look
_DOCUMENT_KEYS = ("/OCProperties", "/AcroForm", "/OutputIntents")


class _Unkeyable(Exception):
    """A page whose digest cannot be made: it is rendered."""


_UNKEYABLE = (_Unkeyable, pikepdf.PdfError, RecursionError, ValueError, TypeError)


def page_fingerprints(path: Path) -> list[str | None]:
    """The digest of each page of the PDF at `path`, in order (None: not made)."""
    with pikepdf.open(path) as pdf:
        hasher = _Hasher()
        try:
            # what the document says about every page's look: which optional content
            # is shown, how form fields are drawn, the output intent
            hasher.seed = b"".join(hasher.digest_of(pdf.Root.get(name)) for name in _DOCUMENT_KEYS)
        except _UNKEYABLE:
            return [None] * len(pdf.pages)
        return [hasher.page(page.obj) for page in pdf.pages]


class _Hasher:
    """Digests by value; each indirect object is hashed once per document."""

    def __init__(self) -> None:
        self.done: dict[tuple[int, int], bytes] = {}
        self.open: set[tuple[int, int]] = set()
        self.seed = b""

    def page(self, page: Dictionary) -> str | None:
        out = hashlib.sha256(b"kumihan-page 1")
        out.update(self.seed)
        try:
            for name in (*_PAGE_KEYS, "/Resources"):
                self._tagged(out, name, _inherited(page, name))
            contents = page.get("/Contents")
            self._tagged(out, "/Contents", contents)
            self._annotations(out, page.get("/Annots"))
        except _UNKEYABLE:
            return None
        return out.hexdigest()

    def digest_of(self, value: Any) -> bytes:
        """A value's digest (`-` for none)."""
        return b"-" if value is None else self._digest(value, 0)

    def _tagged(self, out: Any, name: str, value: Any) -> None:
        _feed(out, b"k", name.encode())
        out.update(self.digest_of(value))

    def _annotations(self, out: Any, annots: Any) -> None:
        if not isinstance(annots, Array):
            out.update(b"N")
            return
        out.update(b"N%d:" % len(annots))
        for annot in annots:
            if not isinstance(annot, Dictionary):
                out.update(b"x")
                continue
            for name in sorted(annot.keys()):
                if name not in _ANNOTATION_LINKS:
                    self._tagged(out, name, annot[name])

    def _digest(self, obj: Any, depth: int) -> bytes:
        """An object's digest; indirect ones remembered by object number."""
        if depth > _MAX_DEPTH:
            raise _Unkeyable("nested too deeply")
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            og = obj.objgen
            found = self.done.get(og)
            if found is not None:
                return found
            if og in self.open:
                raise _Unkeyable("reference cycle")
            self.open.add(og)
            try:
                found = self.done[og] = self._value(obj, depth)
            finally:
                self.open.discard(og)
            return found
        return self._value(obj, depth)

    def _value(self, obj: Any, depth: int) -> bytes:
        out = hashlib.sha256()
        if isinstance(obj, Stream):
            out.update(b"S")
            self._entries(out, obj.stream_dict, depth)
            _feed(out, b"b", bytes(obj.get_raw_stream_buffer()))
        elif isinstance(obj, Dictionary):
            out.update(b"D")
            self._entries(out, obj, depth)
        elif isinstance(obj, Array):
            out.update(b"A%d:" % len(obj))
            for item in obj:
                out.update(self._digest(item, depth + 1))
        elif isinstance(obj, pikepdf.Object):
            _feed(out, b"s", obj.unparse())  # names, strings, null
        else:
            _feed(out, b"p", repr(obj).encode())  # int, Decimal, bool
        return out.digest()

    def _entries(self, out: Any, obj: Any, depth: int) -> None:
        for name in sorted(obj.keys()):
            if name in _BACK_LINKS:
                continue
            _feed(out, b"k", name.encode())
            out.update(self._digest(obj[name], depth + 1))


def _inherited(page: Dictionary, name: str) -> Any:
    """An attribute of the page, or (for the inheritable ones) of its nearest ancestor."""
    node: Any = page
    for _ in range(_MAX_DEPTH):
        if name in node:
            return node[name]
        if name not in _INHERITED or "/Parent" not in node:
            return None
        node = node["/Parent"]
    raise _Unkeyable("page tree nested too deeply")


def _feed(out: Any, tag: bytes, data: bytes) -> None:
    """Tagged, length-prefixed bytes: no two different sequences feed the same."""
    out.update(b"%s%d:" % (tag, len(data)))
    out.update(data)
