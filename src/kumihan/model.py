"""The document model: what a deliverable says, independent of PDF or DOCX.

Loaders and the assembler build it; transforms (numbering, cross-references,
contents, dates, fitting) return new copies with decisions filled in; the two
renderers only read it. Nodes are small frozen dataclasses and every block
carries the `SourceLoc` it came from, so any later stage can point an editor at
the line to fix.

Styling is by *role* names (``body``, ``caption``, ``case-title`` …) that the
layout maps to concrete styles; nothing here knows a point size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from kumihan.diagnostics import SourceLoc
from kumihan.pickling import speed_up_pickling

# ---------------------------------------------------------------- inline


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink. `url` is either an external http(s)/mailto URL or ``#anchor``."""

    children: tuple[Inline, ...]
    url: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


@dataclass(frozen=True, slots=True)
class Ref:
    """A cross-reference written ``[@fig:id]`` / ``[@sec:id]`` / ``[@tbl:id]``.

    `form` is ``number`` (図表2-1), ``page`` (23) or ``full`` (図表2-1（23ページ）).
    The xref transform fills `text` (the number as printed) and `anchor`
    (the target's anchor); the page number is known only after pagination.
    """

    target: str
    loc: SourceLoc
    form: Literal["number", "page", "full"] = "number"
    text: str = ""
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class FootnoteRef:
    """A footnote mark; `number` is given by the numbering transform."""

    label: str
    loc: SourceLoc
    number: int = 0


Inline: TypeAlias = Text | Emph | Strong | Code | Link | LineBreak | Ref | FootnoteRef
Inlines: TypeAlias = tuple[Inline, ...]

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading. `number` ("第1章", "1.", "(1)") is set by the numbering transform."""

    level: int
    content: Inlines
    loc: SourceLoc
    anchor: str = ""
    number: str = ""
    numbered: bool = True
    in_toc: bool = True
    role: str = ""  # "" → heading-<level>


@dataclass(frozen=True, slots=True)
class Paragraph:
    content: Inlines
    loc: SourceLoc
    role: str = "body"


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple[Block, ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bullet or ordered list. `marker` overrides the layout's bullet (■, ●, ○, ▶ …)."""

    items: tuple[ListItem, ...]
    loc: SourceLoc
    ordered: bool = False
    start: int = 1
    marker: str = ""
    role: str = "list"


Align: TypeAlias = Literal["left", "center", "right", ""]


@dataclass(frozen=True, slots=True)
class TableCell:
    blocks: tuple[Block, ...]
    colspan: int = 1
    rowspan: int = 1
    align: Align = ""
    header: bool = False
    fill: str = ""  # a colour name from the layout (a schedule bar, a shaded head)


@dataclass(frozen=True, slots=True)
class TableRow:
    cells: tuple[TableCell, ...]


@dataclass(frozen=True, slots=True)
class Caption:
    """A figure or table caption; `number` ("図表2-1") is set by the numbering transform."""

    content: Inlines
    number: str = ""
    source: Inlines = ()  # 出典／資料 line under the object


@dataclass(frozen=True, slots=True)
class Table:
    """A table. The first `header_rows` rows repeat when the table breaks across pages.

    `widths` are relative column widths (they need not sum to 1); empty means equal.
    """

    rows: tuple[TableRow, ...]
    loc: SourceLoc
    header_rows: int = 1
    widths: tuple[float, ...] = ()
    caption: Caption | None = None
    anchor: str = ""
    numbered: bool = True
    role: str = "table"

    @property
    def columns(self) -> int:
        if not self.rows:
            return 0
        return sum(c.colspan for c in self.rows[0].cells)


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart drawn from data. `kind` is ``hbar`` (horizontal bars), ``bar`` or ``pie``."""

    kind: Literal["hbar", "bar", "pie"]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "件"
    n: int = 0
    show_percent: bool = True


@dataclass(frozen=True, slots=True)
class Figure:
    """A picture (`image`, relative to assets/) or a chart; `missing` marks an absent file."""

    loc: SourceLoc
    caption: Caption | None = None
    image: str = ""
    chart: Chart | None = None
    credit: str = ""
    anchor: str = ""
    width: float = 1.0  # fraction of the frame width
    missing: bool = False
    numbered: bool = True
    role: str = "figure"


@dataclass(frozen=True, slots=True)
class Quote:
    blocks: tuple[Block, ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Box:
    """A boxed note (``::: note 将来の展望``), a comment box, a learning block…

    `kind` selects the box style in the layout (``note``, ``comment``, ``learning`` …);
    `footer` is set right-aligned under the content (the speaker of a comment).
    """

    kind: str
    title: Inlines
    blocks: tuple[Block, ...]
    loc: SourceLoc
    footer: Inlines = ()


@dataclass(frozen=True, slots=True)
class Band:
    """The coloured band that opens a case: 事例タイプ, place and title."""

    label: str
    place: str
    title: str
    loc: SourceLoc
    full_bleed: bool = True


@dataclass(frozen=True, slots=True)
class Placeholder:
    """Where a draft record has no text yet: a visible 原稿準備中 frame."""

    label: str
    loc: SourceLoc
    lines: int = 3


@dataclass(frozen=True, slots=True)
class PageBreak:
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Include:
    """``::: include NAME ARGS`` in Markdown: data the assembler puts here (a table, chart…).

    Only loaders create it and only the assembler reads it; renderers never see one.
    """

    name: str
    args: tuple[str, ...]
    loc: SourceLoc
    caption: Inlines = ()  # a ``Table:`` line after the include overrides the caption
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    number: str
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Toc:
    """The table of contents; the toc transform fills `entries` from the headings."""

    loc: SourceLoc
    title: str = "目次"
    entries: tuple[TocEntry, ...] = ()
    depth: int = 2


@dataclass(frozen=True, slots=True)
class FootnoteDef:
    label: str
    blocks: tuple[Block, ...]
    loc: SourceLoc
    number: int = 0


@dataclass(frozen=True, slots=True)
class Notes:
    """Footnote texts, gathered by the numbering transform at the end of their part."""

    items: tuple[FootnoteDef, ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Cover:
    """A cover page: lines set by role, top to bottom."""

    lines: tuple[tuple[str, str], ...]  # (role, text)
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Colophon:
    """The 奥付: a title and label/value rows."""

    title: str
    rows: tuple[tuple[str, str], ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class CasePage:
    """One of the four fixed pages of a case; `blocks` must fit on a single page."""

    case_id: str
    page: int  # 1..4
    role: str  # "overview", "history", "approach", "features"
    blocks: tuple[Block, ...]
    loc: SourceLoc
    sections: tuple[str, ...] = ()  # section names for overflow reports


@dataclass(frozen=True, slots=True)
class Fit:
    """The fit transform's decision for one case: the style step applied to all four pages.

    `step` indexes the layout's fit ladder (0 = the normal size). `overflow` holds,
    per page that still does not fit, the points by which it overflows.
    """

    step: int = 0
    body_size: float = 0.0
    leading: float = 0.0
    overflow: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True, slots=True)
class CaseSpread:
    """A case of the 事例集: four `CasePage`s and the fit decision that holds for all."""

    case_id: str
    title: str
    place: str
    pages: tuple[CasePage, CasePage, CasePage, CasePage]
    loc: SourceLoc
    anchor: str = ""
    fit: Fit = field(default_factory=Fit)


Block: TypeAlias = (
    Heading
    | Paragraph
    | ListBlock
    | Table
    | Figure
    | Quote
    | Box
    | Band
    | Placeholder
    | PageBreak
    | Include
    | Toc
    | Notes
    | Cover
    | Colophon
    | CaseSpread
)

# ---------------------------------------------------------------- document

PageNumbering: TypeAlias = Literal["none", "roman", "arabic"]
PartStart: TypeAlias = Literal["next", "right", "continue"]


@dataclass(frozen=True, slots=True)
class Part:
    """A run of pages sharing a page template, running head and numbering.

    `template` names a page template in the layout (``cover``, ``body``, ``case`` …).
    `restart` restarts the page count at 1 (front matter → body).
    """

    name: str
    blocks: tuple[Block, ...]
    loc: SourceLoc
    template: str = "body"
    numbering: PageNumbering = "arabic"
    restart: bool = False
    start: PartStart = "next"
    running_head: str = ""
    subhead: str = ""  # a second running-head text ({subhead}: the case title)
    bookmark: str = ""  # a top-level bookmark for the part, if it has no heading


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    subtitle: str = ""
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    organisation: str = ""
    issued: str = ""  # ISO date


@dataclass(frozen=True, slots=True)
class Document:
    """A whole deliverable, e.g. the 事例集, as parts in page order."""

    deliverable: str
    meta: Metadata
    parts: tuple[Part, ...]


def plain_text(inlines: Inlines) -> str:
    """The text of inline content, markup dropped (for bookmarks, TOC, checks)."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, Emph | Strong | Link):
            out.append(plain_text(node.children))
        elif isinstance(node, Ref):
            out.append(node.text or node.target)
        elif isinstance(node, FootnoteRef):
            out.append(f"*{node.number or node.label}")
        elif isinstance(node, LineBreak):
            out.append("\n")
    return "".join(out)


speed_up_pickling(globals())  # the caches pickle these by the thousand
