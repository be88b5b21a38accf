"""numbering + numbers: heading, figure/table and footnote numbers decided on the model."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kumihan import model as m
from kumihan.diagnostics import Diagnostics
from kumihan.transforms.numbering import number_document
from kumihan.transforms.numbers import heading_label, kanji, render_number, roman, style_number

from .nodes import blocks_of, document, figure, heading, loc, para, table


def numbers(doc: m.Document) -> list[tuple[str, str]]:
    """(kind, number) in reading order: headings by text, captions by caption text."""
    out = []
    for block in blocks_of(doc):
        if isinstance(block, m.Heading):
            out.append((m.plain_text(block.content), block.number))
        elif isinstance(block, m.Figure | m.Table) and block.caption is not None:
            out.append((m.plain_text(block.caption.content), block.caption.number))
    return out


def test_report_heading_formats_by_level(layout_of):
    doc = document(
        (
            heading(1, "調査の概要"),
            heading(2, "目的"),
            heading(3, "背景"),
            heading(4, "論点"),
            heading(5, "細目"),
            heading(5, "細目2"),
            heading(4, "論点2"),
            heading(3, "背景2"),
            heading(2, "方法"),
            heading(3, "手順"),
        ),
        (heading(1, "結果"), heading(2, "概要")),
    )
    out = number_document(doc, layout_of("report"), Diagnostics())
    assert numbers(out) == [
        ("調査の概要", "第1章"),
        ("目的", "1."),
        ("背景", "(1)"),
        ("論点", "①"),
        ("細目", "ア"),
        ("細目2", "イ"),
        ("論点2", "②"),
        ("背景2", "(2)"),
        ("方法", "2."),
        ("手順", "(1)"),
        ("結果", "第2章"),
        ("概要", "1."),
    ]


def test_unnumbered_heading_gets_no_number_and_does_not_count(layout_of):
    doc = document(
        (
            heading(1, "はじめに", numbered=False),
            heading(1, "調査"),
            heading(2, "補足", numbered=False),
            heading(2, "方法"),
        )
    )
    out = number_document(doc, layout_of("report"), Diagnostics())
    assert numbers(out) == [("はじめに", ""), ("調査", "第1章"), ("補足", ""), ("方法", "1.")]


def test_sections_restart_under_an_unnumbered_chapter(layout_of):
    doc = document(
        (heading(1, "調査"), heading(2, "a"), heading(2, "b")),
        (heading(1, "資料編", numbered=False), heading(2, "委員会"), heading(2, "日程")),
    )
    out = number_document(doc, layout_of("report"), Diagnostics())
    assert numbers(out)[3:] == [("資料編", ""), ("委員会", "1."), ("日程", "2.")]


def test_figures_are_numbered_per_chapter_and_restart(layout_of):
    doc = document(
        (heading(1, "調査"), figure("図A"), table("表B"), heading(2, "節"), figure("図C")),
        (heading(1, "結果"), figure("図D")),
    )
    out = number_document(doc, layout_of("report"), Diagnostics())
    captions = [x for x in numbers(out) if x[0].startswith(("図", "表"))]
    assert captions == [
        ("図A", "図表1-1"),
        ("表B", "図表1-2"),
        ("図C", "図表1-3"),
        ("図D", "図表2-1"),
    ]


def test_figures_in_an_unnumbered_chapter_are_numbered_flat(layout_of):
    doc = document(
        (heading(1, "事業概要", numbered=False), figure("全体構成"), figure("体制")),
        (heading(1, "調査"), figure("結果")),
    )
    out = number_document(doc, layout_of("report"), Diagnostics())
    captions = [x for x in numbers(out) if x[1].startswith("図表")]
    assert captions == [("全体構成", "図表1"), ("体制", "図表2"), ("結果", "図表1-1")]
    assert not any("0-" in n for _, n in captions)


def test_summary_layout_numbers_figures_through_the_document(layout_of):
    doc = document(
        (heading(1, "事業目的"), figure("a")),
        (heading(1, "事業概要"), figure("b"), table("c")),
    )
    out = number_document(doc, layout_of("summary"), Diagnostics())
    assert [n for t, n in numbers(out) if t in "abc"] == ["図表1", "図表2", "図表3"]
    assert [n for t, n in numbers(out) if t.startswith("事業")] == ["", ""]


def test_figures_nested_in_boxes_and_tables_are_counted_in_reading_order(layout_of):
    inner = m.Table((m.TableRow((m.TableCell((figure("表の中の図"),)),)),), loc(), numbered=False)
    doc = document(
        (
            heading(1, "調査"),
            figure("前"),
            m.Box("note", (m.Text("囲み"),), (figure("囲みの中"),), loc()),
            inner,
            figure("後"),
        )
    )
    out = number_document(doc, layout_of("report"), Diagnostics())
    assert [x for x in numbers(out) if x[0] != "調査"] == [
        ("前", "図表1-1"),
        ("囲みの中", "図表1-2"),
        ("表の中の図", "図表1-3"),
        ("後", "図表1-4"),
    ]


def test_unnumbered_figures_and_captionless_figures_are_skipped(layout_of):
    doc = document(
        (
            heading(1, "調査"),
            replace(figure("写真"), numbered=False),
            m.Figure(loc(), image="images/x.png"),
            figure("図"),
        )
    )
    out = number_document(doc, layout_of("report"), Diagnostics())
    assert ("写真", "") in numbers(out) and ("図", "図表1-1") in numbers(out)


def test_custom_layout_formats(layout_of):
    layout = replace(
        layout_of("report"),
        numbering={
            "heading-1": "{n}.",
            "heading-2": "({n})",
            "heading-3": "{n:circled}",
            "heading-4": "{n:katakana}",
            "heading-5": "({n:katakana})",
            "figure": "図{chapter}.{n}",
        },
    )
    doc = document(
        (
            heading(1, "a"),
            heading(2, "b"),
            heading(3, "c"),
            heading(3, "c2"),
            heading(4, "d"),
            heading(5, "e"),
            figure("f"),
        ),
        (heading(1, "g"), figure("h")),
    )
    out = number_document(doc, layout, Diagnostics())
    assert [n for _, n in numbers(out)] == [
        "1.",
        "(1)",
        "①",
        "②",
        "ア",
        "(ア)",
        "図1.1",
        "2.",
        "図2.1",
    ]


def test_anchors_are_given_to_headings_and_figures_without_one(layout_of):
    doc = document(
        (
            heading(1, "調査", anchor="sec:survey"),
            heading(2, "節"),
            figure("図"),
            figure("図2", anchor="fig:b"),
        )
    )
    out = number_document(doc, layout_of("report"), Diagnostics())
    anchors = [b.anchor for b in blocks_of(out) if isinstance(b, m.Heading | m.Figure)]
    assert anchors[0] == "sec:survey" and anchors[3] == "fig:b"
    assert anchors[1] and anchors[2] and len(set(anchors)) == 4


def test_case_headings_with_a_role_are_not_numbered(layout_of):
    role_heading = replace(heading(3, "事業の概要"), role="case-section")
    doc = document((heading(1, "調査"), role_heading, heading(2, "節")))
    out = number_document(doc, layout_of("report"), Diagnostics())
    assert numbers(out) == [("調査", "第1章"), ("事業の概要", ""), ("節", "1.")]


def test_footnotes_are_numbered_in_order_of_first_reference(layout_of):
    file = "content/report/10-x.md"
    notes = m.Notes(
        (
            m.FootnoteDef("a", (para(m.Text("注A")),), loc(9, file)),
            m.FootnoteDef("b", (para(m.Text("注B")),), loc(10, file)),
        ),
        loc(9, file),
    )
    doc = document(
        (
            para(
                m.Text("本文"), m.FootnoteRef("b", loc(1, file)), m.FootnoteRef("a", loc(1, file))
            ),
            para(m.FootnoteRef("b", loc(2, file))),
            notes,
        )
    )
    diagnostics = Diagnostics()
    out = number_document(doc, layout_of("report"), diagnostics)
    assert not diagnostics
    refs = [
        n
        for b in blocks_of(out)
        if isinstance(b, m.Paragraph)
        for n in b.content
        if isinstance(n, m.FootnoteRef)
    ]
    assert [(r.label, r.number) for r in refs] == [("b", 1), ("a", 2), ("b", 1)]
    (numbered_notes,) = [b for b in blocks_of(out) if isinstance(b, m.Notes)]
    assert [(n.label, n.number) for n in numbered_notes.items] == [("b", 1), ("a", 2)]


def test_footnote_without_definition_is_e209(layout_of):
    doc = document((para(m.FootnoteRef("x", loc(4)), line=4),))
    diagnostics = Diagnostics()
    number_document(doc, layout_of("report"), diagnostics)
    (d,) = list(diagnostics)
    assert d.code == "E209" and d.loc.line == 4 and "[^x]" in d.hint


# ---------------------------------------------------------------- number formats


@pytest.mark.parametrize(
    ("pattern", "n", "chapter", "expected"),
    [
        ("第{n}章", 3, 0, "第3章"),
        ("{n}.", 12, 0, "12."),
        ("({n})", 2, 0, "(2)"),
        ("{n:circled}", 1, 0, "①"),
        ("{n:circled}", 20, 0, "⑳"),
        ("{n:circled}", 21, 0, "21"),
        ("{n:katakana}", 1, 0, "ア"),
        ("{n:katakana}", 6, 0, "カ"),
        ("{n:roman}", 4, 0, "iv"),
        ("{n:Roman}", 9, 0, "IX"),
        ("第{n:kanji}章", 12, 0, "第十二章"),
        ("図表{chapter}-{n}", 2, 3, "図表3-2"),
    ],
)
def test_render_number(pattern, n, chapter, expected):
    assert render_number(pattern, n, chapter) == expected


def test_number_styles_edge_cases():
    assert kanji(10) == "十" and kanji(20) == "二十" and kanji(7) == "七"
    assert roman(1994) == "mcmxciv"
    assert style_number(3, None) == "3"


def test_heading_label_separators():
    assert heading_label("第1章", (m.Text("調査"),)) == (m.Text("第1章　"), m.Text("調査"))
    assert heading_label("1.", (m.Text("目的"),)) == (m.Text("1. "), m.Text("目的"))
    assert heading_label("", (m.Text("目的"),)) == (m.Text("目的"),)
