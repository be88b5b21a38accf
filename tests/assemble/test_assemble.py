"""assemble: a deliverable's manifest + the fictional content → one Document of parts."""

from __future__ import annotations

from pathlib import Path

from kumihan import model as m
from kumihan.assemble import assemble
from kumihan.diagnostics import Diagnostics
from kumihan.layout.spec import load_layout
from kumihan.load.content import load_content
from kumihan.transforms.walk import iter_blocks
from load.diag import only
from load.fictional import add_case_pictures, make_project, write


def parts(doc: m.Document) -> list[str]:
    return [p.name for p in doc.parts]


def test_casebook_parts_follow_the_manifest(project, layout_of):
    content, _ = project(draft=True)
    diagnostics = Diagnostics()
    doc = assemble(layout_of("casebook"), content, diagnostics)
    assert doc.deliverable == "casebook"
    assert parts(doc) == [
        "cover",
        "casebook/00-guide.md",
        "case-index",
        "case:sakura",
        "case:momiji",
        "case:kaede",
    ]
    cases = [p for p in doc.parts if p.name.startswith("case:")]
    assert all(p.template == "case" and len(p.blocks) == 1 for p in cases)
    assert [p.running_head for p in cases] == [
        "事例タイプ1　架空県さくら市",
        "事例タイプ1　架空県もみじ村",
        "事例タイプ2　架空県かえで町",
    ]
    assert cases[0].subhead == "だれもが担い手になるまちづくり"
    index = doc.parts[2]
    heading = index.blocks[0]
    assert (
        isinstance(heading, m.Heading)
        and heading.anchor == "sec:case-index"
        and not heading.numbered
    )
    assert isinstance(index.blocks[1], m.Table)
    # the guide's include was replaced by the case-type list
    guide = doc.parts[1]
    assert not any(isinstance(b, m.Include) for b in iter_blocks(guide.blocks))
    assert doc.meta.title == "架空県における地域づくりの手法に関する調査研究 事例集"
    assert doc.meta.issued == "2025-03-31"


def test_cover_lines_from_project_yaml(project, layout_of):
    content, _ = project()
    doc = assemble(layout_of("casebook"), content, Diagnostics())
    (cover,) = doc.parts[0].blocks
    assert isinstance(cover, m.Cover)
    assert cover.lines == (
        ("cover-programme", "令和6年度 架空事業推進費補助金"),
        ("cover-title", "架空県における地域づくりの手法に関する調査研究"),
        ("cover-kind", "事例集"),
        ("cover-date", "令和7年3月"),
        ("cover-org", "架空総合研究所"),
    )


def test_report_parts_in_manifest_order_with_toc_and_colophon(project, layout_of):
    content, _ = project()
    doc = assemble(layout_of("report"), content, Diagnostics())
    assert parts(doc) == [
        "cover",
        "report/00-hajimeni.md",
        "toc",
        "report/01-gaiyo.md",
        "report/10-survey.md",
        "case:sakura",
        "case:kaede",
        "guidebook/01-kangaekata.md",
        "report/90-appendix.md",
        "colophon",
    ]
    hajimeni, toc = doc.parts[1], doc.parts[2]
    assert (hajimeni.numbering, hajimeni.restart, hajimeni.start) == ("roman", True, "right")
    assert isinstance(toc.blocks[0], m.Toc)
    (colophon,) = doc.parts[-1].blocks
    assert isinstance(colophon, m.Colophon)
    assert dict(colophon.rows)["発行日"] == "令和7年3月31日"
    assert dict(colophon.rows)["住所"] == "〒123-4567 架空県さくら市中央1-2-3"


def test_every_include_is_resolved_in_every_deliverable(project, layout_of):
    content, _ = project(draft=True)
    for deliverable in ("summary", "casebook", "report"):
        diagnostics = Diagnostics()
        doc = assemble(layout_of(deliverable), content, diagnostics)
        assert not diagnostics.has_errors, [d.format() for d in diagnostics]
        for part in doc.parts:
            assert not any(isinstance(b, m.Include) for b in iter_blocks(part.blocks)), part.name


def test_table_caption_written_after_an_include_reaches_the_table(project, layout_of):
    content, _ = project()
    doc = assemble(layout_of("summary"), content, Diagnostics())
    schedule = next(
        b
        for p in doc.parts
        for b in iter_blocks(p.blocks)
        if isinstance(b, m.Table) and b.role == "table-schedule"
    )
    assert schedule.anchor == "tbl:plan"
    assert schedule.caption is not None and m.plain_text(schedule.caption.content) == "全体の日程"


def test_include_inside_a_box_is_resolved(tmp_path: Path, layout_of):
    root = make_project(tmp_path)
    write(
        root,
        "content/summary/01-purpose.md",
        "# 目的\n\n::: note 回収\n::: include survey-response\n:::\n:::\n",
    )
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    doc = assemble(layout_of("summary"), content, diagnostics)
    box = next(b for b in iter_blocks(doc.parts[0].blocks) if isinstance(b, m.Box))
    assert [m.plain_text(b.content) for b in box.blocks] == [  # type: ignore[union-attr]
        "調査対象数47件、有効回収数45件、有効回収率95.7%"
    ]


def test_footnotes_are_gathered_at_the_end_of_their_chapter(tmp_path: Path, layout_of):
    root = make_project(tmp_path)
    write(root, "content/summary/01-purpose.md", "# 目的\n\n本文[^n]。\n\n[^n]: 注の本文。\n")
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    doc = assemble(layout_of("summary"), content, diagnostics)
    last = doc.parts[0].blocks[-1]
    assert isinstance(last, m.Notes)
    assert [n.label for n in last.items] == ["n"]
    assert last.loc.file == "content/summary/01-purpose.md"


def test_manifest_glob_matching_nothing_is_e501_at_the_layout_line(tmp_path: Path):
    root = make_project(tmp_path)
    layout_file = root / "layouts" / "summary.yaml"
    text = layout_file.read_text(encoding="utf-8").replace(
        "source: summary/*.md", "source: summry/*.md"
    )
    layout_file.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    layout = load_layout(layout_file, root, diagnostics)
    assert layout is not None
    content = load_content(root, diagnostics)
    doc = assemble(layout, content, diagnostics)
    d = only(diagnostics, "E501")
    assert d.loc.file == "layouts/summary.yaml"
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "- kind: markdown" in s)
    assert d.loc.line == line
    assert "summry/*.md" in d.message
    assert doc.parts == ()


def test_no_case_records_is_e501(tmp_path: Path, layout_of):
    root = make_project(tmp_path, cases={})
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    assemble(layout_of("casebook"), content, diagnostics)
    assert only(diagnostics, "E501").loc.file == "layouts/casebook.yaml"


def test_heading_level_shift_and_chapter_heading_from_the_manifest(tmp_path: Path):
    root = make_project(tmp_path)
    write(
        root,
        "layouts/shifted.yaml",
        "extends: house\ndeliverable: shifted\nparts:\n"
        "  - {kind: markdown, source: guidebook/*.md, heading_level: 1, chapter: ガイドブック, chapter_anchor: sec:gb}\n",
    )
    diagnostics = Diagnostics()
    layout = load_layout(root / "layouts" / "shifted.yaml", root, diagnostics)
    assert layout is not None
    doc = assemble(layout, load_content(root, diagnostics), diagnostics)
    headings = [b for b in doc.parts[0].blocks if isinstance(b, m.Heading)]
    assert [(h.level, m.plain_text(h.content), h.anchor) for h in headings] == [
        (1, "ガイドブック", "sec:gb"),
        (2, "ガイドブック", "sec:guidebook"),
    ]


def test_stored_spreads_are_the_spreads_built_again(project, layout_of, tmp_path, monkeypatch):
    """A case's pages come back from the store while its record and pictures are as
    they were, with their warnings; a picture put in place builds them again."""
    import kumihan.assemble as assembling
    from kumihan.cache import BlobStore

    content, _ = project(draft=True)
    layout = layout_of("casebook")
    store = BlobStore(tmp_path / "cache-root", "spreads")
    first, direct = Diagnostics(), Diagnostics()
    stored = assemble(layout, content, first, store)
    assert stored == assemble(layout, content, direct)
    assert first.sorted() == direct.sorted() and any(d.code == "W403" for d in first)

    built: list[str] = []
    real_build = assembling.build_case

    def spy(record, *args):
        built.append(record.id)
        return real_build(record, *args)

    monkeypatch.setattr(assembling, "build_case", spy)
    again = Diagnostics()
    assert assemble(layout, content, again, store) == stored
    assert built == [] and again.sorted() == first.sorted()

    assert any(d.code == "W108" for d in first)  # the draft's pictures are not there yet
    add_case_pictures(content.assets.parent)
    found = Diagnostics()
    with_pictures = assemble(layout, content, found, store)
    assert built == ["sakura"]  # the only case that shows them
    assert with_pictures == assemble(layout, content, Diagnostics()) != stored
    assert not any(d.code == "W108" for d in found)
