"""markdown: every construct of the dialect → model nodes with source lines; every refusal."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from PIL import Image

from kumihan import model as m
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.load.markdown import parse_inline, parse_markdown, text_blocks

from .diag import assert_explained, codes, only, with_code

FILE = "content/report/10-x.md"


def doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def picture(tmp_path: Path, name: str = "images/a.png") -> None:
    path = tmp_path / "assets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8)).save(path)


# ---------------------------------------------------------------- constructs


def test_front_matter_is_read(md):
    chapter, diagnostics = md(
        doc("""
        ---
        id: purpose
        title: 事業目的
        status: draft
        running_head: 目的
        ---

        # 事業目的
        """)
    )
    assert not diagnostics
    assert chapter.meta.id == "purpose" and chapter.meta.title == "事業目的"
    assert chapter.is_draft and chapter.meta.running_head == "目的"
    heading = chapter.blocks[0]
    assert isinstance(heading, m.Heading) and heading.loc == SourceLoc(FILE, 8)


def test_heading_anchor_and_unnumbered_class(md):
    chapter, diagnostics = md(
        doc("""
        # はじめに {.unnumbered}

        ## 文献・資料調査 {#sec:lit}

        ### 目的 {#sec:aim .unnumbered}
        """)
    )
    assert not diagnostics
    first, second, third = chapter.blocks
    assert (
        isinstance(first, m.Heading)
        and isinstance(second, m.Heading)
        and isinstance(third, m.Heading)
    )
    assert (first.level, first.numbered, first.anchor) == (1, False, "")
    assert first.content == (m.Text("はじめに"),)
    assert (second.level, second.numbered, second.anchor) == (2, True, "sec:lit")
    assert second.content == (m.Text("文献・資料調査"),)
    assert (third.anchor, third.numbered) == ("sec:aim", False)
    assert [b.loc.line for b in chapter.blocks] == [1, 3, 5]


def test_figure_with_caption_credit_and_anchor(md, tmp_path: Path):
    picture(tmp_path)
    chapter, diagnostics = md(
        doc("""
        # 章

        ![本事業の全体構成](images/a.png "提供：架空県さくら市"){#fig:overview}
        """)
    )
    assert not diagnostics
    figure = chapter.blocks[1]
    assert isinstance(figure, m.Figure)
    assert figure.caption == m.Caption((m.Text("本事業の全体構成"),))
    assert figure.image == "images/a.png"
    assert figure.credit == "提供：架空県さくら市"
    assert figure.anchor == "fig:overview"
    assert not figure.missing
    assert figure.loc == SourceLoc(FILE, 3)


def test_table_with_caption_line_after_it(md):
    chapter, diagnostics = md(
        doc("""
        # 章

        | 地域 | 人口 |
        |:---|---:|
        | さくら市 | 21,489 |

        Table: 対象地域 {#tbl:area}
        """)
    )
    assert not diagnostics
    assert len(chapter.blocks) == 2  # the caption line is not a paragraph
    table = chapter.blocks[1]
    assert isinstance(table, m.Table)
    assert table.caption == m.Caption((m.Text("対象地域"),))
    assert table.anchor == "tbl:area"
    assert table.header_rows == 1 and table.columns == 2
    head, body = table.rows
    assert all(c.header for c in head.cells) and not any(c.header for c in body.cells)
    assert [c.align for c in body.cells] == ["left", "right"]
    assert m.plain_text(body.cells[1].blocks[0].content) == "21,489"  # type: ignore[union-attr]
    assert table.loc.line == 3
    assert body.cells[0].blocks[0].loc.line == 5  # type: ignore[union-attr]


def test_japanese_table_caption_form(md):
    chapter, _ = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n表：日本語の題\n")
    table = chapter.blocks[0]
    assert isinstance(table, m.Table) and m.plain_text(table.caption.content) == "日本語の題"  # type: ignore[union-attr]


def test_table_caption_after_include(md):
    chapter, diagnostics = md(
        doc("""
        ::: include committee-meetings
        :::

        Table: 開催日時、開催方式・場所、議題 {#tbl:meetings}
        """)
    )
    assert not diagnostics
    (include,) = chapter.blocks
    assert include == m.Include(
        "committee-meetings",
        (),
        SourceLoc(FILE, 1),
        caption=(m.Text("開催日時、開催方式・場所、議題"),),
        anchor="tbl:meetings",
    )


def test_table_caption_line_without_a_table_stays_a_paragraph(md):
    chapter, _ = md("前の段落。\n\nTable: 表ではない\n")
    assert [type(b) for b in chapter.blocks] == [m.Paragraph, m.Paragraph]


def test_include_with_arguments(md):
    chapter, diagnostics = md(
        "::: include survey-chart grasp\n:::\n\n::: include case sakura\n:::\n"
    )
    assert not diagnostics
    assert chapter.blocks == (
        m.Include("survey-chart", ("grasp",), SourceLoc(FILE, 1)),
        m.Include("case", ("sakura",), SourceLoc(FILE, 4)),
    )


def test_note_container_with_title(md):
    chapter, diagnostics = md(
        doc("""
        ::: note 将来の展望
        課として体制を整える。

        - 一つ目
        :::
        """)
    )
    assert not diagnostics
    (box,) = chapter.blocks
    assert isinstance(box, m.Box)
    assert (box.kind, box.title, box.footer) == ("note", (m.Text("将来の展望"),), ())
    assert [type(b) for b in box.blocks] == [m.Paragraph, m.ListBlock]
    assert box.loc.line == 1 and box.blocks[0].loc.line == 2


def test_comment_container_with_speaker(md):
    chapter, diagnostics = md("::: comment 今後の課題 | 山田花子\n担い手を育てる。\n:::\n")
    assert not diagnostics
    (box,) = chapter.blocks
    assert isinstance(box, m.Box)
    assert box.kind == "comment"
    assert box.title == (m.Text("今後の課題"),)
    assert box.footer == (m.Text("山田花子"),)


@pytest.mark.parametrize("kind", ["note", "column", "point", "comment", "summary"])
def test_every_box_kind_is_accepted(md, kind):
    chapter, diagnostics = md(f"::: {kind} 題\n本文。\n:::\n")
    assert not diagnostics
    assert isinstance(chapter.blocks[0], m.Box) and chapter.blocks[0].kind == kind


def test_list_marker_attribute(md):
    chapter, diagnostics = md('{marker="■"}\n- 委員会\n- 調査\n')
    assert not diagnostics
    (lst,) = chapter.blocks
    assert isinstance(lst, m.ListBlock)
    assert lst.marker == "■" and not lst.ordered
    assert [m.plain_text(i.blocks[0].content) for i in lst.items] == ["委員会", "調査"]  # type: ignore[union-attr]
    assert [i.loc.line for i in lst.items] == [2, 3]


def test_nested_and_ordered_lists(md):
    chapter, _ = md("3. 三つ目\n   - 入れ子A\n   - 入れ子B\n4. 四つ目\n")
    (lst,) = chapter.blocks
    assert isinstance(lst, m.ListBlock) and lst.ordered and lst.start == 3
    inner = lst.items[0].blocks[1]
    assert isinstance(inner, m.ListBlock) and not inner.ordered
    assert [i.loc.line for i in inner.items] == [2, 3]
    assert lst.marker == ""


def test_footnote_reference_and_definition(md):
    chapter, diagnostics = md("本文です[^a]。\n\n[^a]: 注の本文。\n")
    assert not diagnostics
    (para,) = chapter.blocks
    assert isinstance(para, m.Paragraph)
    assert m.FootnoteRef("a", SourceLoc(FILE, 1)) in para.content
    (note,) = chapter.footnotes
    assert note.label == "a" and note.loc.line == 3
    assert m.plain_text(note.blocks[0].content) == "注の本文。"  # type: ignore[union-attr]


def test_cross_references_in_three_forms(md):
    chapter, diagnostics = md("図は[@fig:x]、節は[@sec:lit|page]、表は[@tbl:y|full]を見よ。\n")
    assert not diagnostics
    (para,) = chapter.blocks
    refs = [n for n in para.content if isinstance(n, m.Ref)]  # type: ignore[union-attr]
    assert [(r.target, r.form) for r in refs] == [
        ("fig:x", "number"),
        ("sec:lit", "page"),
        ("tbl:y", "full"),
    ]
    assert all(r.loc == SourceLoc(FILE, 1) for r in refs)
    assert m.plain_text(para.content) == "図はfig:x、節はsec:lit、表はtbl:yを見よ。"  # type: ignore[union-attr]


def test_reference_on_a_later_line_of_a_paragraph_has_that_line(md):
    chapter, _ = md("一行目の文。\n二行目の文。\n三行目で[@fig:x]を見る。\n")
    ref = next(n for n in chapter.blocks[0].content if isinstance(n, m.Ref))  # type: ignore[union-attr]
    assert ref.loc.line == 3


def test_soft_break_vanishes_between_japanese_and_is_a_space_between_latin(md):
    chapter, _ = md("日本語の文が\n続きます。English words\ncontinue here.\n数字の後\n2024年。\n")
    (para,) = chapter.blocks
    assert para.content == (  # type: ignore[union-attr]
        m.Text("日本語の文が続きます。English words continue here.数字の後2024年。"),
    )


def test_soft_break_next_to_emphasis(md):
    chapter, _ = md("**強調**\nの後。\n*word*\nnext\n")
    para = chapter.blocks[0]
    assert m.plain_text(para.content) == "強調の後。word next"  # type: ignore[union-attr]


def test_inline_markup_becomes_model_inlines(md):
    chapter, diagnostics = md(
        "**太字**と*斜体*と`code`と[リンク](https://example.com)と[内部](#sec:lit)。\\\n改行\n"
    )
    assert not diagnostics
    content = chapter.blocks[0].content  # type: ignore[union-attr]
    assert m.Strong((m.Text("太字"),)) in content
    assert m.Emph((m.Text("斜体"),)) in content
    assert m.Code("code") in content
    assert m.Link((m.Text("リンク"),), "https://example.com") in content
    assert m.Link((m.Text("内部"),), "#sec:lit") in content
    assert m.LineBreak() in content


def test_thematic_break_is_a_page_break(md):
    chapter, _ = md("前\n\n---\n\n後\n")
    assert isinstance(chapter.blocks[1], m.PageBreak) and chapter.blocks[1].loc.line == 3


def test_fenced_code_is_a_code_paragraph(md):
    chapter, _ = md("```\nprint('x')\n```\n")
    (para,) = chapter.blocks
    assert isinstance(para, m.Paragraph) and para.role == "code"


# ---------------------------------------------------------------- refusals


def test_raw_html_block_is_e201(md):
    chapter, diagnostics = md('# 章\n\n<div class="x">\n中身\n</div>\n')
    d = only(diagnostics, "E201")
    assert d.loc == SourceLoc(FILE, 3)
    assert_explained(d)
    assert all(
        not isinstance(b, m.Paragraph) or "div" not in m.plain_text(b.content)
        for b in chapter.blocks
    )


def test_raw_html_inline_is_e201_and_dropped(md):
    chapter, diagnostics = md("一行目\n文の中に<span>タグ</span>がある。\n")
    found = with_code(diagnostics, "E201")
    assert len(found) == 2
    assert all(d.loc.line == 2 for d in found)
    assert "<span>" not in m.plain_text(chapter.blocks[0].content)  # type: ignore[union-attr]


def test_html_comment_is_refused_too(md):
    _, diagnostics = md("<!-- メモ -->\n")
    assert codes(diagnostics) == ["E201"]


def test_ragged_table_rows_are_e204_at_the_rows_line(md):
    _, diagnostics = md(
        doc("""
        # 章

        | a | b |
        |---|---|
        | 1 | 2 |
        | 1 | 2 | 3 |
        | 1 |
        """)
    )
    found = with_code(diagnostics, "E204")
    assert [d.loc.line for d in found] == [6, 7]
    assert "3" in found[0].message and "2" in found[0].message
    assert_explained(found[0])


def test_escaped_pipe_and_code_do_not_count_as_columns(md):
    _, diagnostics = md("| a | b |\n|---|---|\n| x \\| y | `p|q` |\n")
    assert "E204" not in codes(diagnostics)


def test_heading_level_jump_is_e203(md):
    _, diagnostics = md("# 章\n\n### 飛んだ見出し\n")
    d = only(diagnostics, "E203")
    assert d.loc == SourceLoc(FILE, 3)
    assert "##" in d.hint
    assert_explained(d)


def test_heading_going_back_up_is_fine(md):
    _, diagnostics = md("# 章\n\n## 節\n\n### 項\n\n# 次の章\n\n## 節\n")
    assert not diagnostics


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "vbscript:x",
    ],
)
def test_unsafe_link_is_e205_and_not_linked(md, url):
    chapter, diagnostics = md(f"前の行\n[押す]({url})\n")
    d = only(diagnostics, "E205")
    assert d.loc.line == 2
    assert_explained(d)
    content = chapter.blocks[0].content  # type: ignore[union-attr]
    assert not any(isinstance(n, m.Link) for n in content)
    assert "押す" in m.plain_text(content)


def test_autolink_with_unsafe_scheme_is_refused(md):
    _, diagnostics = md("<javascript:alert(1)>\n")
    assert "E205" in codes(diagnostics) or "E201" in codes(diagnostics)


@pytest.mark.parametrize(
    "url", ["https://example.com/a", "http://example.com", "mailto:hanako@example.com", "#sec:lit"]
)
def test_safe_links_are_kept(md, url):
    chapter, diagnostics = md(f"[先]({url})\n")
    assert not diagnostics
    assert chapter.blocks[0].content == (m.Link((m.Text("先"),), url),)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("char", "col"), [("\x07", 4), ("\u202e", 4), ("\x1b", 4), ("\u200b", 4), ("\u2066", 4)]
)
def test_control_character_is_e206_with_line_and_column(md, char, col):
    chapter, diagnostics = md(f"# 章\n\n本文。\nabc{char}def\n")
    d = only(diagnostics, "E206")
    assert (d.loc.line, d.loc.col) == (4, col)
    assert f"U+{ord(char):04X}" in d.message
    assert_explained(d)
    assert char not in m.plain_text(chapter.blocks[1].content)  # type: ignore[union-attr]


def test_tab_and_newlines_are_not_control_errors(md):
    _, diagnostics = md("a\tb\r\nc\n")
    assert "E206" not in codes(diagnostics)


def test_unknown_container_kind_is_e208(md):
    _, diagnostics = md("# 章\n\n::: warning 注意\n本文\n:::\n")
    d = only(diagnostics, "E208")
    assert d.loc.line == 3
    assert "warning" in d.message and "note" in d.hint
    assert_explained(d)


def test_include_without_name_is_e208_not_a_crash(md):
    _, diagnostics = md("::: include\n:::\n")
    assert codes(diagnostics) == ["E208"]


def test_inline_image_is_e211(md, tmp_path: Path):
    picture(tmp_path)
    _, diagnostics = md("文の中に![図](images/a.png)がある。\n")
    assert only(diagnostics, "E211").loc.line == 1


def test_unquoted_image_attributes_are_e211_and_the_figure_is_kept(md, tmp_path: Path):
    picture(tmp_path)
    chapter, diagnostics = md("# 章\n\n![図](images/a.png){width=50%}\n")
    d = only(diagnostics, "E211")
    assert d.loc.line == 3 and "{width=50%}" in d.message and '"50%"' in d.hint
    assert isinstance(chapter.blocks[-1], m.Figure)


@pytest.mark.parametrize(("attr", "width"), [('"50%"', 0.5), ('"0.8"', 0.8), ('"80"', 0.8)])
def test_image_width_as_percent_or_fraction(md, tmp_path: Path, attr: str, width: float):
    picture(tmp_path)
    chapter, diagnostics = md(f"![図](images/a.png){{width={attr}}}\n")
    assert not diagnostics
    assert isinstance(chapter.blocks[0], m.Figure) and chapter.blocks[0].width == width


def test_unreadable_image_width_is_e211(md, tmp_path: Path):
    picture(tmp_path)
    _, diagnostics = md('![図](images/a.png){width="half"}\n')
    assert "half" in only(diagnostics, "E211").message


def test_missing_image_in_final_chapter_is_e108(md):
    chapter, diagnostics = md("# 章\n\n![図](images/none.png){#fig:none}\n")
    d = only(diagnostics, "E108")
    assert d.loc.line == 3
    assert "images/none.png" in d.message
    assert_explained(d)
    assert isinstance(chapter.blocks[1], m.Figure) and chapter.blocks[1].missing


def test_missing_image_in_draft_chapter_is_a_frame_with_a_warning(md):
    chapter, diagnostics = md("---\nstatus: draft\n---\n\n![図](images/none.png)\n")
    assert "E108" not in codes(diagnostics)
    assert only(diagnostics, "W108").loc.line == 5  # shown as a frame, but the editor is told
    figure = chapter.blocks[0]
    assert isinstance(figure, m.Figure) and figure.missing


@pytest.mark.parametrize(
    "path", ["../secret.png", "/etc/passwd", "http://example.com/a.png", "C:\\a.png"]
)
def test_figure_path_outside_assets_is_e107(md, path):
    chapter, diagnostics = md(f"![図]({path.replace(chr(92), chr(92) * 2)})\n")
    d = only(diagnostics, "E107")
    assert d.loc.line == 1
    assert_explained(d)
    assert chapter.blocks[0].missing  # type: ignore[union-attr]


def test_front_matter_syntax_error_has_the_line_inside_the_md_file(md):
    chapter, diagnostics = md("---\nid: purpose\ntitle: 見出し: 続き\n---\n\n# 章\n")
    d = only(diagnostics, "E101")
    assert (d.loc.file, d.loc.line, d.loc.col) == (FILE, 3, 11)
    assert isinstance(chapter.blocks[0], m.Heading)  # the body is still read


def test_front_matter_unknown_key_is_e102_with_hint(md):
    _, diagnostics = md("---\nid: purpose\ntitel: 事業目的\n---\n\n# 章\n")
    d = only(diagnostics, "E102")
    assert d.field == "titel"
    assert (d.loc.line, d.loc.col) == (3, 1)
    assert "title" in d.hint
    assert_explained(d)


def test_front_matter_bad_status_is_e105(md):
    chapter, diagnostics = md("---\nstatus: done\n---\n")
    d = only(diagnostics, "E105")
    assert (d.loc.line, d.field) == (2, "status")
    assert not chapter.is_draft


def test_front_matter_that_is_not_a_mapping_is_e207(md):
    _, diagnostics = md("---\n- a\n- b\n---\n")
    assert only(diagnostics, "E207").loc.line == 2


def test_front_matter_python_tag_is_e109(md):
    _, diagnostics = md("---\nid: !!python/object/apply:os.system ['true']\n---\n")
    assert only(diagnostics, "E109").loc.line == 2


def test_several_problems_in_one_file_are_all_reported(md):
    _, diagnostics = md(
        doc("""
        ---
        titel: x
        ---

        # 章

        <b>太字</b>

        ### 飛ぶ

        [x](javascript:void(0))
        """)
    )
    assert sorted(set(codes(diagnostics))) == ["E102", "E201", "E203", "E205"]


# ---------------------------------------------------------------- text fields of records


def test_record_text_field_lines_are_offset_to_the_yaml_file():
    diagnostics = Diagnostics()
    loc = SourceLoc("content/cases/sakura.yaml", 20, 1)
    blocks = text_blocks(
        "一段落目。\n\n二段落目に<b>タグ</b>。\n", loc, diagnostics, role="case-body"
    )
    assert [b.loc.line for b in blocks] == [20, 22]
    assert all(isinstance(b, m.Paragraph) and b.role == "case-body" for b in blocks)
    assert {d.loc.line for d in diagnostics} == {22}
    assert set(codes(diagnostics)) == {"E201"}


def test_record_text_field_lists_stay_lists():
    blocks = text_blocks("- 一つ目\n- 二つ目\n", SourceLoc("c.yaml", 5, 1), Diagnostics())
    assert isinstance(blocks[0], m.ListBlock) and len(blocks[0].items) == 2


def test_parse_inline_reports_control_characters_at_the_fields_line():
    diagnostics = Diagnostics()
    inlines = parse_inline("見出し\u202eです", SourceLoc("c.yaml", 7, 14), diagnostics)
    assert m.plain_text(inlines) == "見出しです"
    assert only(diagnostics, "E206").loc.line == 7


def test_markdown_without_assets_does_not_check_files():
    diagnostics = Diagnostics()
    chapter = parse_markdown("![図](images/none.png)\n", "x.md", diagnostics)
    assert not diagnostics and not chapter.blocks[0].missing  # type: ignore[union-attr]


def test_crlf_line_endings_keep_lines_and_table_checks(md):
    _, diagnostics = md("# 章\r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 | 3 |\r\n\r\n<b>x</b>\r\n")
    assert [(d.code, d.loc.line) for d in diagnostics.sorted()] == [
        ("E204", 5),
        ("E201", 7),
        ("E201", 7),
    ]


def test_lone_cr_line_endings_still_check_table_rows(md):
    # markdown-it treats a lone CR as a line break; the ragged-row check must see the same lines
    _, diagnostics = md("# 章\r\r| a | b |\r|---|---|\r| 1 | 2 | 3 |\r")
    assert [(d.code, d.loc.line) for d in diagnostics.sorted()] == [("E204", 5)]
