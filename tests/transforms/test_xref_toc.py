"""xref and toc: references resolved from numbered anchors; contents filled from headings."""

from __future__ import annotations

from dataclasses import replace

from kumihan import model as m
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.transforms.numbering import number_document
from kumihan.transforms.toc import fill_toc, toc_entries
from kumihan.transforms.xref import resolve_refs, targets

from .nodes import blocks_of, document, figure, heading, loc, para, table


def refs(doc: m.Document) -> list[m.Ref]:
    out: list[m.Ref] = []

    def collect(inlines: m.Inlines) -> None:
        for node in inlines:
            if isinstance(node, m.Ref):
                out.append(node)
            elif isinstance(node, m.Emph | m.Strong | m.Link):
                collect(node.children)

    for block in blocks_of(doc):
        if isinstance(block, m.Heading | m.Paragraph):
            collect(block.content)
        elif isinstance(block, m.Figure | m.Table) and block.caption:
            collect(block.caption.content)
        elif isinstance(block, m.Box):
            collect(block.title)
    return out


def sample(*extra: m.Block) -> m.Document:
    return document(
        (heading(1, "はじめに", numbered=False, anchor="sec:intro"),),
        (
            heading(1, "調査", anchor="sec:survey"),
            heading(2, "文献調査", anchor="sec:lit"),
            figure("全体像", anchor="fig:overview"),
            table("対象", anchor="tbl:area"),
            *extra,
        ),
    )


def test_targets_print_numbers_or_titles(layout_of):
    doc = number_document(sample(), layout_of("report"), Diagnostics())
    found = targets(doc)
    assert found["sec:survey"] == "第1章"
    assert found["sec:lit"] == "1."
    assert found["fig:overview"] == "図表1-1"
    assert found["tbl:area"] == "図表1-2"
    assert found["sec:intro"] == "「はじめに」"


def test_references_get_text_and_anchor(layout_of):
    text = para(
        m.Ref("fig:overview", loc(7)),
        m.Text("と"),
        m.Ref("sec:lit", loc(7), "page"),
        m.Text("と"),
        m.Ref("tbl:area", loc(7), "full"),
        line=7,
    )
    doc = number_document(sample(text), layout_of("report"), Diagnostics())
    diagnostics = Diagnostics()
    out = resolve_refs(doc, diagnostics)
    assert not diagnostics
    assert [(r.target, r.text, r.anchor, r.form) for r in refs(out)] == [
        ("fig:overview", "図表1-1", "fig:overview", "number"),
        ("sec:lit", "1.", "sec:lit", "page"),
        ("tbl:area", "図表1-2", "tbl:area", "full"),
    ]


def test_references_inside_nested_blocks_and_headings_resolve(layout_of):
    boxed = m.Box(
        "note", (m.Ref("sec:survey", loc()),), (para(m.Ref("fig:overview", loc())),), loc()
    )
    cell = m.Table(
        (m.TableRow((m.TableCell((para(m.Ref("tbl:area", loc())),)),)),), loc(), numbered=False
    )
    listed = m.ListBlock((m.ListItem((para(m.Emph((m.Ref("sec:lit", loc()),))),), loc()),), loc())
    doc = number_document(sample(boxed, cell, listed), layout_of("report"), Diagnostics())
    diagnostics = Diagnostics()
    out = resolve_refs(doc, diagnostics)
    assert not diagnostics
    assert sorted(r.text for r in refs(out)) == sorted(["第1章", "図表1-1", "図表1-2", "1."])


def test_unknown_reference_is_e202_with_nearest_anchor_hint(layout_of):
    bad = para(
        m.Text("前"), m.Ref("fig:overveiw", SourceLoc("content/report/10-x.md", 12)), line=12
    )
    doc = number_document(sample(bad), layout_of("report"), Diagnostics())
    diagnostics = Diagnostics()
    out = resolve_refs(doc, diagnostics)
    (d,) = list(diagnostics)
    assert d.code == "E202"
    assert (d.loc.file, d.loc.line) == ("content/report/10-x.md", 12)
    assert "fig:overveiw" in d.message
    assert "fig:overview" in d.hint
    (ref,) = refs(out)
    assert ref.text == "??" and ref.anchor == ""


def test_unknown_reference_far_from_any_anchor_gets_a_how_to_hint(layout_of):
    doc = number_document(
        sample(para(m.Ref("tbl:zzzzzzzz", loc()))), layout_of("report"), Diagnostics()
    )
    diagnostics = Diagnostics()
    resolve_refs(doc, diagnostics)
    (d,) = list(diagnostics)
    assert d.code == "E202" and "{#" in d.hint


def test_every_unknown_reference_is_reported(layout_of):
    doc = number_document(
        sample(para(m.Ref("fig:a", loc(3))), para(m.Ref("fig:b", loc(4)))),
        layout_of("report"),
        Diagnostics(),
    )
    diagnostics = Diagnostics()
    resolve_refs(doc, diagnostics)
    assert [d.loc.line for d in diagnostics] == [3, 4]


def test_reference_to_a_case_prints_its_title(layout_of):
    page = m.CasePage("sakura", 1, "overview", (), loc())
    spread = m.CaseSpread(
        "sakura", "だれもが担い手", "架空県さくら市", (page,) * 4, loc(), anchor="case:sakura"
    )
    doc = document((heading(1, "事例"), para(m.Ref("case:sakura", loc())), spread))
    diagnostics = Diagnostics()
    out = resolve_refs(number_document(doc, layout_of("report"), diagnostics), diagnostics)
    assert not diagnostics
    assert refs(out)[0].text == "「だれもが担い手」"


# ---------------------------------------------------------------- toc


def test_toc_lists_numbered_headings_to_the_layouts_depth(layout_of):
    doc = document(
        (m.Toc(loc(), depth=2),),
        (
            heading(1, "はじめに", numbered=False, anchor="sec:intro"),
            heading(1, "調査", anchor="sec:survey"),
            heading(2, "文献調査"),
            heading(3, "目的"),
            replace(heading(2, "隠す"), in_toc=False),
            replace(heading(3, "事例の見出し"), role="case-section"),
        ),
    )
    out = fill_toc(number_document(doc, layout_of("report"), Diagnostics()))
    (toc,) = [b for b in blocks_of(out) if isinstance(b, m.Toc)]
    assert [(e.level, e.number, e.text) for e in toc.entries] == [
        (1, "", "はじめに"),
        (1, "第1章", "調査"),
        (2, "1.", "文献調査"),
    ]
    assert toc.entries[0].anchor == "sec:intro" and toc.entries[1].anchor == "sec:survey"
    assert toc.entries[2].anchor  # given by numbering


def test_toc_depth_three_includes_third_level(layout_of):
    doc = document((m.Toc(loc(), depth=3), heading(1, "a"), heading(2, "b"), heading(3, "c")))
    out = fill_toc(number_document(doc, layout_of("report"), Diagnostics()))
    (toc,) = [b for b in blocks_of(out) if isinstance(b, m.Toc)]
    assert [e.number for e in toc.entries] == ["第1章", "1.", "(1)"]


def test_toc_lists_cases_under_their_chapter(layout_of):
    page = m.CasePage("sakura", 1, "overview", (), loc())
    spread = m.CaseSpread(
        "sakura", "だれもが担い手", "架空県さくら市", (page,) * 4, loc(), anchor="case:sakura"
    )
    doc = document((m.Toc(loc()),), (heading(1, "事例集", anchor="sec:cases"), spread))
    entries = toc_entries(number_document(doc, layout_of("report"), Diagnostics()), 2)
    assert [(e.level, e.text, e.anchor) for e in entries] == [
        (1, "事例集", "sec:cases"),
        (2, "架空県さくら市　だれもが担い手", "case:sakura"),
    ]


def test_toc_without_toc_block_changes_nothing(layout_of):
    doc = number_document(document((heading(1, "a"),)), layout_of("report"), Diagnostics())
    assert fill_toc(doc) == doc


def test_internal_link_to_an_unknown_anchor_is_e202(layout_of):
    # `[前の節](#sec:nowhere)`: the renderers cannot link to an anchor that does not exist
    link = para(m.Link((m.Text("前の節"),), "#sec:nowhere"), line=9)
    doc = number_document(sample(link), layout_of("report"), Diagnostics())
    diagnostics = Diagnostics()
    resolve_refs(doc, diagnostics)
    (d,) = list(diagnostics)
    assert d.code == "E202" and d.loc.line == 9 and "sec:nowhere" in d.message


def test_internal_link_to_a_known_anchor_is_fine(layout_of):
    link = para(m.Link((m.Text("文献調査"),), "#sec:lit"))
    doc = number_document(sample(link), layout_of("report"), Diagnostics())
    diagnostics = Diagnostics()
    resolve_refs(doc, diagnostics)
    assert not diagnostics
