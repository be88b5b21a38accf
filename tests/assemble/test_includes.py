"""assemble.includes: data drawn from the records, as the model expects it."""

from __future__ import annotations

import pytest

from kumihan import model as m
from kumihan.assemble.includes import Includes
from kumihan.diagnostics import Diagnostics, SourceLoc
from load.diag import codes, only

LOC = SourceLoc("content/summary/01-purpose.md", 12)


def cell_text(cell: m.TableCell) -> str:
    parts = []
    for block in cell.blocks:
        if isinstance(block, m.Paragraph):
            parts.append(m.plain_text(block.content))
        elif isinstance(block, m.ListBlock):
            parts.append("/".join(m.plain_text(i.blocks[0].content) for i in block.items))  # type: ignore[union-attr]
    return "\n".join(parts)


def grid(table: m.Table) -> list[list[str]]:
    return [[cell_text(c) for c in row.cells] for row in table.rows]


@pytest.fixture
def includes(project, layout_of):
    def make(deliverable: str = "summary", **kwargs: object) -> tuple[Includes, Diagnostics]:
        content, _ = project(**kwargs)
        diagnostics = Diagnostics()
        return Includes(content, layout_of(deliverable), diagnostics), diagnostics

    return make


def resolve(includes: Includes, name: str, *args: str) -> list[m.Block]:
    return includes.resolve(m.Include(name, tuple(args), LOC))


def test_schedule_has_merged_year_heads_month_heads_and_shaded_periods(includes):
    inc, diagnostics = includes()
    (table,) = resolve(inc, "schedule")
    assert isinstance(table, m.Table)
    assert table.header_rows == 2
    assert table.anchor == "tbl:schedule"
    years, months, committee, hearing = table.rows
    assert [(cell_text(c), c.colspan) for c in years.cells] == [
        ("", 1),
        ("令和6年", 2),
        ("令和7年", 2),
    ]
    assert all(c.header for c in years.cells + months.cells)
    assert [cell_text(c) for c in months.cells] == ["", "11月", "12月", "1月", "2月"]
    # every row spans the same number of columns
    assert {sum(c.colspan for c in row.cells) for row in table.rows} == {5}
    assert cell_text(committee.cells[0]) == "【委員会】\n■ 開催"
    assert [cell_text(c) for c in committee.cells[1:]] == ["", "第1回", "", ""]
    assert [c.fill for c in committee.cells[1:]] == ["", "", "", ""]
    assert cell_text(hearing.cells[0]) == "【ヒアリング調査】\n■ 計画\n■ 実施"
    # a period is one shaded cell across its months, carrying its label
    assert [(cell_text(c), c.colspan, c.fill) for c in hearing.cells[1:]] == [
        ("", 1, ""),
        ("調査の実施", 2, "accent-light"),
        ("", 1, ""),
    ]
    assert "accent-light" in includes_layout_colors(inc)
    assert len(table.widths) == 5 and table.widths[0] > table.widths[1]
    assert not diagnostics


def includes_layout_colors(inc: Includes) -> dict[str, object]:
    return dict(inc.layout.colors)


def test_schedule_year_heads_in_seireki(includes, layout_of):
    from dataclasses import replace

    inc, _ = includes()
    inc.layout = replace(layout_of("summary"), dates="seireki")
    (table,) = resolve(inc, "schedule")
    assert [cell_text(c) for c in table.rows[0].cells] == ["", "2024年", "2025年"]  # type: ignore[union-attr]


def test_hearing_list_is_sorted_by_interview_date(includes):
    inc, _ = includes(draft=True)
    (table,) = resolve(inc, "hearing-list")
    assert isinstance(table, m.Table)
    assert grid(table) == [
        ["取組主体", "取組・拠点の名称", "対象地域", "ヒアリング対象", "ヒアリング実施日"],
        [
            "かえで町商店会",
            "まちなか見守り隊",
            "架空県かえで町",
            "かえで町商店会",
            "令和6年10月5日",
        ],
        [
            "さくら市社会福祉協議会",
            "さくら市地域支え合い推進室",
            "架空県さくら市",
            "さくら市社会福祉協議会/山田花子（地域支え合い推進員）",
            "令和6年11月20日",
        ],
        ["もみじ村", "もみじ村の取組", "架空県もみじ村", "もみじ村", "令和6年12月1日"],
    ]


def test_survey_response_computes_the_rate(includes):
    inc, _ = includes()
    (para,) = resolve(inc, "survey-response")
    assert isinstance(para, m.Paragraph)
    assert m.plain_text(para.content) == "調査対象数47件、有効回収数45件、有効回収率95.7%"


def test_survey_chart_numbers_come_from_the_tallies(includes):
    inc, _ = includes()
    (figure,) = resolve(inc, "survey-chart", "grasp")
    assert isinstance(figure, m.Figure) and figure.chart is not None
    assert figure.chart.kind == "hbar"
    assert figure.chart.categories == ("把握している", "その他の回答")
    assert figure.chart.series == (m.Series("件数", (9.0, 36.0)),)
    assert figure.chart.n == 45
    assert figure.anchor == "fig:survey-grasp"
    assert figure.caption is not None
    assert m.plain_text(figure.caption.content) == "取組状況の把握（n=45）"
    assert m.plain_text(figure.caption.source) == "資料：架空県アンケート調査"
    assert figure.loc.file == "content/survey/pref.yaml"


def test_survey_chart_of_a_multiple_answer_question(includes):
    inc, _ = includes()
    (figure,) = resolve(inc, "survey-chart", "pref", "reasons")
    assert figure.chart.series[0].values == (30.0, 25.0, 10.0)  # type: ignore[union-attr]


def test_unknown_survey_question_is_e202_listing_known_ones(includes):
    inc, diagnostics = includes()
    assert resolve(inc, "survey-chart", "grsap") == []
    d = only(diagnostics, "E202")
    assert d.loc == LOC and "grasp" in d.hint and "reasons" in d.hint


def test_case_index_has_page_references_to_every_case_in_order(includes):
    inc, _ = includes(draft=True)
    (table,) = resolve(inc, "case-index")
    assert isinstance(table, m.Table)
    assert [cell_text(r.cells[1]) for r in table.rows[1:]] == [
        "架空県さくら市",
        "架空県もみじ村",
        "架空県かえで町",
    ]
    pages = [r.cells[4].blocks[0].content[0] for r in table.rows[1:]]  # type: ignore[union-attr]
    assert pages == [
        m.Ref("case:sakura", LOC, "page"),
        m.Ref("case:momiji", LOC, "page"),
        m.Ref("case:kaede", LOC, "page"),
    ]
    title = table.rows[1].cells[3].blocks[0].content[0]  # type: ignore[union-attr]
    assert title == m.Link((m.Text("だれもが担い手になるまちづくり"),), "#case:sakura")


def test_case_types_group_cases_by_type_with_layout_labels(includes):
    inc, _ = includes(draft=True)
    blocks = resolve(inc, "case-types")
    heads = [m.plain_text(b.content) for b in blocks if isinstance(b, m.Paragraph)]
    assert heads == [
        "■事例タイプ1 福祉部門による地域づくりの取組事例",
        "■事例タイプ2 市民協働部門による地域づくりの取組事例",
    ]
    lists = [b for b in blocks if isinstance(b, m.ListBlock)]
    assert [[m.plain_text(i.blocks[0].content) for i in lst.items] for lst in lists] == [  # type: ignore[union-attr]
        ["架空県さくら市社協　だれもが担い手になるまちづくり", "架空県もみじ村　準備中の事例"],
        ["架空県かえで町　商店街がつなぐ見守り"],
    ]


def test_committee_members_mark_the_chair(includes):
    inc, _ = includes()
    (table,) = resolve(inc, "committee-members")
    assert grid(table) == [
        ["氏 名", "所 属"],
        ["佐藤 一郎", "架空大学 教授"],
        ["◎山田 花子", "さくら大学 教授"],
    ]  # type: ignore[arg-type]
    assert m.plain_text(table.caption.source) == "◎：委員長"  # type: ignore[union-attr]


def test_committee_meetings_in_house_date_style(includes):
    inc, _ = includes()
    (table,) = resolve(inc, "committee-meetings")
    assert grid(table)[1] == [
        "第1回",
        "令和6年9月30日\n15:00~17:00",
        "対面開催\nさくら市民会館",
        "調査計画/論点整理",
    ]  # type: ignore[arg-type]


def test_organisation_block(includes):
    inc, _ = includes()
    lines = [m.plain_text(b.content) for b in resolve(inc, "organisation")]  # type: ignore[union-attr]
    assert lines == [
        "架空総合研究所",
        "〒123-4567",
        "架空県さくら市中央1-2-3",
        "TEL (000) 000-0000",
    ]


def test_policy_cards_two_side_by_side(includes):
    inc, _ = includes()
    (grid_table,) = resolve(inc, "policy-cards")
    assert isinstance(grid_table, m.Table) and grid_table.role == "card-grid"
    (row,) = grid_table.rows
    card = row.cells[0].blocks[0]
    assert isinstance(card, m.Box) and card.kind == "policy"
    assert m.plain_text(card.title) == "架空地域づくり交付金"
    assert row.cells[1].blocks == ()  # an odd count leaves the second cell empty
    first = card.blocks[0]
    assert (
        isinstance(first, m.Paragraph)
        and m.plain_text(first.content) == "所管省庁：架空省　分類：財政支援"
    )


def test_case_include_gives_the_cases_four_pages(includes):
    inc, _ = includes()
    (spread,) = resolve(inc, "case", "sakura")
    assert isinstance(spread, m.CaseSpread) and len(spread.pages) == 4


def test_unknown_case_id_is_e202_with_the_nearest_id(includes):
    inc, diagnostics = includes()
    assert resolve(inc, "case", "sakra") == []
    d = only(diagnostics, "E202")
    assert "sakura" in d.hint


def test_unknown_include_is_e208_with_the_nearest_name(includes):
    inc, diagnostics = includes()
    assert resolve(inc, "shedule") == []
    d = only(diagnostics, "E208")
    assert d.loc == LOC and "schedule" in d.hint


def test_table_caption_after_include_overrides_caption_and_anchor(includes):
    inc, _ = includes()
    (table,) = inc.resolve(
        m.Include("schedule", (), LOC, caption=(m.Text("全体の日程"),), anchor="tbl:plan")
    )
    assert isinstance(table, m.Table)
    assert table.caption is not None and table.caption.content == (m.Text("全体の日程"),)
    assert table.anchor == "tbl:plan"


def test_includes_needing_project_yaml_are_e501_without_it(includes):
    inc, diagnostics = includes()
    inc.content.project = None
    for name in ("schedule", "committee-members", "committee-meetings", "organisation"):
        assert resolve(inc, name) == []
    assert codes(diagnostics) == ["E501"] * 4


def test_survey_includes_without_survey_data_are_e501(includes):
    inc, diagnostics = includes()
    inc.content.surveys.clear()
    assert resolve(inc, "survey-response") == []
    assert codes(diagnostics) == ["E501"]
    assert resolve(inc, "survey-chart", "grasp") == []
    assert len(diagnostics.items) == 2 and {d.code for d in diagnostics.items} == {"E501"}
