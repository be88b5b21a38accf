"""What every PDF flowable needs while laying out: fonts, rules, colours, the page record.

`RenderContext` is built once per render; `PageRecord` collects, as pages are
drawn, which physical page each anchor landed on and how each page is numbered,
so the contents, page references and the DOCX renderer can use true page numbers.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from kumihan import model as m
from kumihan.layout.spec import Layout, Style
from kumihan.render.pdf.paint import Painter, Variant
from kumihan.typeset.fonts import FontBook
from kumihan.typeset.types import Rules, RunStyle, Span


@dataclass
class PageRecord:
    """Pagination facts, filled while drawing: anchors → physical pages, page labels."""

    anchors: dict[str, int] = field(default_factory=dict)  # anchor → physical page (1-based)
    labels: dict[int, str] = field(
        default_factory=dict
    )  # physical page → printed number ("" = none)
    parts: list[tuple[str, int]] = field(default_factory=list)  # (part name, first physical page)
    case_pages: dict[str, list[int]] = field(default_factory=dict)  # case id → its physical pages
    # blocks no page could hold, cut at the frame's foot: (physical page, points cut off)
    overflows: list[tuple[int, float]] = field(default_factory=list)
    outline_level: int = -1  # the last outline entry's level (reportlab needs steps of one)

    def page_of(self, anchor: str) -> str:
        """The printed page number of an anchor ("" when unknown or unnumbered)."""
        page = self.anchors.get(anchor)
        return self.labels.get(page, "") if page else ""

    def page_text(self, anchor: str, missing: str = "") -> str:
        """The printed page number of an anchor, or `missing` when it has none."""
        return self.page_of(anchor) or missing


@dataclass
class PageNotes:
    """What a page being recorded registered in the document as a whole."""

    forms: dict[str, tuple[str, str, str, float, tuple[float, float, float, float]]] = field(
        default_factory=dict
    )
    anchors: list[str] = field(default_factory=list)


@dataclass
class RenderContext:
    layout: Layout
    fonts: FontBook
    painter: Painter
    variant: Variant
    assets: Path
    record: PageRecord
    # page-number forms drawn so far: name → (anchor, alignment, face, size, colour)
    forms: dict[str, tuple[str, str, str, float, tuple[float, float, float, float]]] = field(
        default_factory=dict
    )
    # pages being recorded (`replay.recording`): each is told every page-number form
    # registered and every anchor placed while it is open, in order
    recorders: list[PageNotes] = field(default_factory=list)

    def page_box(self, anchor: str, style: Style, align: str = "left") -> str:
        """The form that prints `anchor`'s page number in `style`; filled after pagination.

        Right-aligned forms end at 2.5 em (contents, tables); left-aligned ones start at 0.
        """
        name = page_form(f"{anchor}|{align}|{style.face}|{style.size}|{style.color}")
        value = (anchor, align, style.face, style.size, style.color)
        self.forms[name] = value
        for notes in self.recorders:
            notes.forms[name] = value
        return name

    def rules(self, style: Style) -> Rules:
        return replace(self.layout.rules, align=style.align)

    def run_style(
        self,
        style: Style,
        *,
        face: str | None = None,
        link: str = "",
        color: tuple[float, float, float, float] | None = None,
        size: float | None = None,
        rise: float = 0.0,
    ) -> RunStyle:
        return RunStyle(
            face=face or style.face,
            size=size or style.size,
            color=color or style.color,
            link=link,
            rise=rise,
        )

    def spans(self, inlines: m.Inlines, style: Style) -> list[Span]:
        """Model inline content → composer spans in `style` (strong/emph/link from the layout)."""
        out: list[Span] = []
        self._spans(inlines, style, self.run_style(style), out)
        return out

    def _spans(self, inlines: m.Inlines, style: Style, run: RunStyle, out: list[Span]) -> None:
        layout = self.layout
        for node in inlines:
            if isinstance(node, m.Text):
                if node.text:
                    out.append(Span(node.text, run))
            elif isinstance(node, m.Strong):
                strong = layout.styles.get("strong")
                self._spans(
                    node.children,
                    style,
                    replace(run, face=strong.face if strong else "gothic-bold"),
                    out,
                )
            elif isinstance(node, m.Emph):
                emph = layout.styles.get("emph")
                self._spans(
                    node.children, style, replace(run, face=emph.face if emph else "gothic"), out
                )
            elif isinstance(node, m.Code):
                code = layout.styles.get("code")
                out.append(Span(node.text, replace(run, face=code.face if code else "gothic")))
            elif isinstance(node, m.Link):
                link = layout.styles.get("link")
                color = link.color if link else run.color
                self._spans(node.children, style, replace(run, link=node.url, color=color), out)
            elif isinstance(node, m.LineBreak):
                out.append(Span("\n", run))
            elif isinstance(node, m.FootnoteRef):
                small = replace(run, size=run.size * 0.6, rise=run.size * 0.38)
                out.append(Span(str(node.number or "?"), small))
            elif isinstance(node, m.Ref):
                out.extend(self.ref_spans(node, run))

    def ref_spans(self, ref: m.Ref, run: RunStyle) -> list[Span]:
        """A cross-reference: its number as text, its page as a box filled after pagination."""
        linked = replace(run, link=f"#{ref.anchor}") if ref.anchor else run
        probe = Style("ref", face=run.face, size=run.size, color=run.color)
        page_box = Span("", linked, box=self.page_box(ref.anchor, probe), box_width=run.size * 1.6)
        if ref.form == "number":
            return [Span(ref.text, linked)]
        if ref.form == "page":
            return [page_box]
        return [Span(f"{ref.text}（", linked), page_box, Span("ページ）", linked)]


def page_form(anchor: str) -> str:
    """The name of the form XObject that prints an anchor's page number."""
    # crc32, not hash(): the name must be the same in every process for byte-identical PDFs
    return (
        "pg_"
        + "".join(c if c.isascii() and c.isalnum() else "_" for c in anchor)
        + f"_{zlib.crc32(anchor.encode()):08x}"
    )
