"""A case's or a part's Word body written once and put back in later builds, so an edit
rewrites only its own case or chapter in the DOCX too (as `kumihan.render.pdf.replay`
and `kumihan.render.pdf.flowing` do for the PDF's pages).

A case writes its four pages into the body of the document, a part (a chapter, the
policy cards …) its blocks: paragraphs and tables whose XML depends on the case or
part alone, except for what it takes from the document as a whole. That is what a `Fragment` keeps beside the XML, in the order it was taken:

- bookmark names (`Bookmarks.name`: numbered in the order anchors are first met in
  the document) and ids (a run of consecutive numbers);
- relationships of the document part (pictures, external links: the lowest free
  "rIdN") and drawing ids (`wp:docPr/@id`), each picture with its bytes;
- printed page numbers (PAGEREF results): the case is written with page tokens of its
  own (`DeferredPages`), and they are filled from the writer's page numbers both when
  written and when put back.

On a hit, the XML is parsed and those are taken again from this document, in the same
order, and renamed in the XML; so what is put back is byte for byte what a fresh
writer gives (the tests compare a warm build with one from an empty cache). Fragments
are kept in `.kumihan-cache/docx-bodies` (`use_fragment_store`).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from lxml import etree  # type: ignore[import-untyped]  # (no stubs installed)

from kumihan.cache import BlobStore
from kumihan.render.docx.pages import DeferredPages

_FRAGMENT_VERSION = b"1"

# the names `Bookmarks` gives, as they appear in field instructions (REF, PAGEREF)
_BOOKMARK_NAME = re.compile(r"_(?:Ref|Toc)\d{8}")


@dataclass
class Fragment:
    """One case's or part's body XML and what writing it took from the document."""

    xml: bytes  # its w:p and w:tbl, inside a w:body declaring the document's namespaces
    taken: list[tuple[Any, ...]] = field(default_factory=list)  # ("name"|"picture"|"link", …)
    first_id: int = 0  # the first bookmark id it used
    ids: int = 0  # how many consecutive bookmark ids it used
    page_mark: str = ""  # its page tokens (`DeferredPages.mark`) …
    pages_asked: list[tuple[str, str]] = field(default_factory=list)  # … and what they stand for
    break_next: bool = False  # the writer's "next paragraph opens a page" after the case


class FragmentStore:
    """Fragments by key in a `BlobStore`; `context` names what every case depends on
    (the layouts, fonts and pictures under assets/ and the toolkit: `files_digest`)."""

    def __init__(self, blobs: BlobStore, context: str) -> None:
        self.blobs = blobs
        self.context = context

    def key(
        self, value_digest: bytes, *, layout: str, width: int, template: str, break_next: bool
    ) -> str:
        """In: the case's or part's `value_digest`, the deliverable's layout file (all
        layouts are in the context; the same content may look otherwise in another) and
        the writer's state it depends on (the body's text width in EMU, the part's page
        template, a pending page break)."""
        digest = hashlib.sha256(_FRAGMENT_VERSION + self.context.encode())
        # the libraries that write much of the kept XML (tables, pictures, serialisation)
        digest.update(f"python-docx {docx.__version__}|lxml {etree.LXML_VERSION}|".encode())
        digest.update(f"{layout}|{width}|{template}|{break_next}|".encode())
        digest.update(value_digest)
        return digest.hexdigest()

    def get(self, key: str) -> Fragment | None:
        return self.blobs.get_value(key, Fragment)

    def put(self, key: str, fragment: Fragment) -> None:
        self.blobs.put_value(key, fragment)


_STORE: FragmentStore | None = None


def use_fragment_store(store: FragmentStore | None) -> None:
    """Keep and reuse cases' Word bodies in `store` (None: write every case afresh)."""
    global _STORE
    _STORE = store


def fragment_store() -> FragmentStore | None:
    return _STORE


class Journal:
    """What a case or part being recorded takes from the document, in order (None: not
    recording)."""

    def __init__(self) -> None:
        self.entries: list[tuple[Any, ...]] | None = None

    def note(self, *entry: Any) -> None:
        if self.entries is not None:
            self.entries.append(entry)


def _last_content(body: Any) -> Any:
    """The body's last w:p or w:tbl (None when it has none): what precedes its closing
    w:sectPr, where new ones go. (Found from the end: lxml counts and indexes children
    by walking them, which over a long document's body would cost each case.)"""
    last = next(body.iterchildren(reversed=True), None)
    if last is not None and last.tag == _SECT_PR:
        return last.getprevious()
    return last


def _added_after(body: Any, before: Any) -> list[Any]:
    """The w:p and w:tbl added to `body` after `before` (its last one then, or None)."""
    following = before.itersiblings() if before is not None else body.iterchildren()
    return [element for element in following if element.tag != _SECT_PR]


def record(writer: Any, write: Callable[[], None]) -> Fragment | None:
    """Write a case or part with `write` (which appends to the writer's document body),
    noting what it takes; gives its fragment, or None when it left state a fragment
    cannot hold. Its page numbers are filled in from the writer's own `pages` before
    this returns."""
    body = writer.doc.element.body
    outer_pages = writer.pages
    own_pages = DeferredPages()
    writer.pages = own_pages
    before = _last_content(body)
    first_id = writer.bookmarks.next_id
    writer.journal.entries = []
    try:
        write()
    finally:
        taken = writer.journal.entries
        writer.journal.entries = None
        writer.pages = outer_pages
    elements = _added_after(body, before)
    wrapper = etree.Element(qn("w:body"), nsmap=writer.doc.element.nsmap)
    wrapper.extend(deepcopy(element) for element in elements)
    fragment = Fragment(
        xml=etree.tostring(wrapper),
        taken=taken or [],
        first_id=first_id,
        ids=writer.bookmarks.next_id - first_id,
        page_mark=own_pages.mark,
        pages_asked=list(own_pages.asked),
        break_next=writer.break_next,
    )
    for element in elements:
        own_pages.fill_element(element, outer_pages)
    return None if writer.band_title is not None else fragment


def replay(writer: Any, fragment: Fragment) -> None:
    """Put `fragment` back at the end of the writer's document body, taking again from the
    document what it took when recorded (see the module docstring)."""
    body = writer.doc.element.body
    wrapper = parse_xml(fragment.xml)
    names: dict[str, str] = {}
    relationships: dict[str, str] = {}
    shapes: dict[str, str] = {}
    part = writer.doc.part
    for entry in fragment.taken:
        kind = entry[0]
        if kind == "name":
            _, anchor, name_kind, old = entry
            names[old] = writer.bookmarks.name(anchor, name_kind)
        elif kind == "picture":
            _, blob, old_rid, old_shape = entry
            rid, shape = writer.pictures.relate(part, io.BytesIO(blob))
            relationships[old_rid] = rid
            shapes[str(old_shape)] = str(shape)
        elif kind == "link":
            _, url, old_rid = entry
            relationships[old_rid] = part.relate_to(url, RT.HYPERLINK, is_external=True)
    id_shift = writer.bookmarks.next_id - fragment.first_id
    writer.bookmarks.next_id += fragment.ids
    _rename(wrapper, names, relationships, shapes, id_shift)
    DeferredPages.resumed(fragment.page_mark, fragment.pages_asked).fill_element(
        wrapper, writer.pages
    )
    closing = next(body.iterchildren(reversed=True), None)
    if closing is not None and closing.tag == _SECT_PR:
        for element in list(wrapper):  # each goes in before the body's closing w:sectPr
            closing.addprevious(element)
    else:
        body.extend(list(wrapper))
    writer.break_next = fragment.break_next


def _rename(
    wrapper: Any,
    names: dict[str, str],
    relationships: dict[str, str],
    shapes: dict[str, str],
    id_shift: int,
) -> None:
    """Bookmark names and ids, relationship ids and drawing ids as this document gave them."""
    w_id, w_name, w_anchor, r_id = qn("w:id"), qn("w:name"), qn("w:anchor"), qn("r:id")
    r_embed, w_instr = qn("r:embed"), qn("w:instr")

    def bookmark(name: str) -> str:
        base, suffix = (name[:-2], "_n") if name.endswith("_n") else (name, "")
        return names.get(base, base) + suffix

    def in_instruction(text: str) -> str:
        return _BOOKMARK_NAME.sub(lambda found: names.get(found[0], found[0]), text)

    for element in _iter(wrapper):
        tag = element.tag
        if tag == _BOOKMARK_START:
            element.set(w_id, str(int(element.get(w_id)) + id_shift))
            element.set(w_name, bookmark(element.get(w_name)))
        elif tag == _BOOKMARK_END:
            element.set(w_id, str(int(element.get(w_id)) + id_shift))
        elif tag == _HYPERLINK:
            if element.get(w_anchor) is not None:
                element.set(w_anchor, bookmark(element.get(w_anchor)))
            if element.get(r_id) is not None:
                element.set(r_id, relationships[element.get(r_id)])
        elif tag == _INSTR_TEXT:
            element.text = in_instruction(element.text or "")
        elif tag == _FLD_SIMPLE:
            element.set(w_instr, in_instruction(element.get(w_instr)))
        elif tag == _DOC_PR:
            new = shapes[element.get("id")]
            element.set("id", new)
            element.set("name", f"Picture {new}")
        elif tag == _BLIP:
            element.set(r_embed, relationships[element.get(r_embed)])


_BOOKMARK_START, _BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
_HYPERLINK, _INSTR_TEXT, _FLD_SIMPLE = qn("w:hyperlink"), qn("w:instrText"), qn("w:fldSimple")
_DOC_PR, _BLIP, _SECT_PR = qn("wp:docPr"), qn("a:blip"), qn("w:sectPr")


def _iter(wrapper: Any) -> Iterator[Any]:
    return wrapper.iter(  # type: ignore[no-any-return]
        _BOOKMARK_START, _BOOKMARK_END, _HYPERLINK, _INSTR_TEXT, _FLD_SIMPLE, _DOC_PR, _BLIP
    )
