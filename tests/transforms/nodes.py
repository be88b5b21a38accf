"""Small model builders for the transform tests."""

from __future__ import annotations

from pathlib import Path

from kumihan import model as m
from kumihan.diagnostics import SourceLoc

REPO = Path(__file__).resolve().parents[2]


def loc(line: int = 1, file: str = "content/report/10-x.md") -> SourceLoc:
    return SourceLoc(file, line)


def heading(
    level: int, text: str, *, anchor: str = "", numbered: bool = True, line: int = 1
) -> m.Heading:
    return m.Heading(level, (m.Text(text),), loc(line), anchor=anchor, numbered=numbered)


def figure(caption: str, *, anchor: str = "", line: int = 1) -> m.Figure:
    return m.Figure(
        loc(line), caption=m.Caption((m.Text(caption),)), image="images/a.png", anchor=anchor
    )


def table(caption: str, *, anchor: str = "") -> m.Table:
    row = m.TableRow((m.TableCell((m.Paragraph((m.Text("x"),), loc()),)),))
    return m.Table((row,), loc(), caption=m.Caption((m.Text(caption),)), anchor=anchor)


def para(*inlines: m.Inline, line: int = 1, file: str = "content/report/10-x.md") -> m.Paragraph:
    return m.Paragraph(tuple(inlines), loc(line, file))


def document(*parts: tuple[m.Block, ...], deliverable: str = "report") -> m.Document:
    return m.Document(
        deliverable,
        m.Metadata("架空の報告書"),
        tuple(m.Part(f"part{i}", blocks, loc()) for i, blocks in enumerate(parts)),
    )


def blocks_of(doc: m.Document) -> list[m.Block]:
    from kumihan.transforms.walk import iter_document

    return [b for _, b in iter_document(doc)]
