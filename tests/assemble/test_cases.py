"""assemble.cases: a case record → exactly four CasePages in the 事例集's structure."""

from __future__ import annotations

from kumihan import model as m
from kumihan.assemble.cases import build_case
from kumihan.diagnostics import Diagnostics
from load.diag import codes, only, with_code
from load.fictional import CASE_KAEDE, CASE_MOMIJI_DRAFT, CASE_SAKURA


def texts(blocks: tuple[m.Block, ...]) -> list[tuple[str, str]]:
    """A flat dump of a page: (kind/role, text) for every block, nested ones included."""
    out: list[tuple[str, str]] = []
    for block in blocks:
        if isinstance(block, m.Heading):
            out.append((f"H:{block.role}", m.plain_text(block.content)))
        elif isinstance(block, m.Paragraph):
            out.append((f"P:{block.role}", m.plain_text(block.content)))
        elif isinstance(block, m.ListBlock):
            out.append((f"L:{block.marker}", ""))
            for item in block.items:
                out.extend(texts(item.blocks))
        elif isinstance(block, m.Box):
            out.append((f"Box:{block.kind}", m.plain_text(block.title)))
            out.extend(texts(block.blocks))
            if block.footer:
                out.append(("Footer", m.plain_text(block.footer)))
        elif isinstance(block, m.Table):
            out.append((f"Table:{block.role}", ""))
            for row in block.rows:
                for cell in row.cells:
                    out.extend(texts(cell.blocks))
        elif isinstance(block, m.Figure):
            out.append(("Figure", block.image))
        elif isinstance(block, m.Placeholder):
            out.append(("Placeholder", block.label))
        elif isinstance(block, m.Band):
            out.append(("Band", f"{block.label}|{block.place}|{block.title}"))
        else:
            out.append((type(block).__name__, ""))
    return out


def build(
    record_of, layout_of, text=CASE_SAKURA, exists=lambda _image: True, deliverable="casebook"
):
    record, diagnostics = record_of(text)
    spread = build_case(record, layout_of(deliverable), diagnostics, exists)
    return spread, diagnostics


def test_a_case_has_exactly_four_pages_with_their_roles(record_of, layout_of):
    spread, _ = build(record_of, layout_of)
    assert [(p.page, p.role) for p in spread.pages] == [
        (1, "overview"),
        (2, "history"),
        (3, "approach"),
        (4, "features"),
    ]
    assert all(p.case_id == "sakura" for p in spread.pages)
    assert spread.anchor == "case:sakura"
    assert (spread.title, spread.place) == ("だれもが担い手になるまちづくり", "架空県さくら市")
    assert spread.fit == m.Fit()  # decided later by the fit transform


def test_page_one_band_summary_learnings_and_profile(record_of, layout_of):
    spread, _ = build(record_of, layout_of)
    page = spread.pages[0]
    assert page.sections == ("事業の概要", "この事例からの学び", "事例の基本情報")
    assert texts(page.blocks) == [
        (
            "Band",
            "事例タイプ1 ▶▶▶ 福祉部門による地域づくりの取組事例|架空県さくら市|だれもが担い手になるまちづくり",
        ),
        ("H:case-section", "事業の概要"),
        (
            "P:case-lead",
            "架空県さくら市では、住民同士のゆるやかなつながりを地域づくりの基盤と考えている。",
        ),
        ("P:case-lead", "専門職と住民の両方に向けた仕掛けをつくっている。"),
        ("H:case-section", "この事例からの学び"),
        ("H:case-learning", "●本人を中心とした支援"),
        ("P:case-body", "制度の枠にとらわれず支援する。"),
        ("H:case-learning", "●気づきを支援に"),
        ("L:・", ""),
        ("P:case-body-item", "住民の気づきを専門職につなぐ。"),
        ("P:case-body-item", "声かけを文化にする。"),
        ("H:case-section", "事例の基本情報"),
        ("P:case-facts", "（架空県さくら市）人口 21,489人　高齢化率 40.0%"),
        ("Figure", "images/cases/sakura/soshikizu.png"),
        ("H:case-step", "▶ 地域づくりの取組体制、関係機関"),
        ("P:case-body", "推進室に生活支援コーディネーターを置く。"),
        ("H:case-step", "▶ 地域づくりの取組に活用している制度"),
        ("P:case-body", "重層的支援体制整備事業を活用している。"),
    ]


def test_type_label_comes_from_the_layout(record_of, layout_of):
    spread, _ = build(record_of, layout_of, CASE_KAEDE)
    band = spread.pages[0].blocks[0]
    assert isinstance(band, m.Band)
    assert band.label == "事例タイプ2 ▶▶▶ 市民協働部門による地域づくりの取組事例"


def test_page_two_periods_events_and_boxed_notes(record_of, layout_of):
    spread, _ = build(record_of, layout_of)
    page = spread.pages[1]
    assert page.sections == ("取組の経緯", "ボックス")
    assert texts(page.blocks) == [
        ("H:case-page-title", "包括的な支援体制の整備に向けた地域づくりの取組の経緯"),
        ("H:case-period", "令和4年度"),
        ("H:case-event", "■モデル事業を開始"),
        ("P:case-body", "市内の診療所と連携した。"),
        ("H:case-period", "令和5年度"),
        ("H:case-event", "■推進室を開設"),
        ("P:case-body", "推進室を開設した。"),
        ("H:case-event", "■研修を開始"),
        ("L:・", ""),
        ("P:case-body-item", "専門職向けの研修"),
        ("Box:case-note", "将来の展望"),
        ("P:box-body", "課として体制を整える。"),
    ]


def test_page_three_steps_with_outcomes_set_apart_in_boxes(record_of, layout_of):
    spread, _ = build(record_of, layout_of)
    page = spread.pages[2]
    assert page.sections == ("個別支援を起点とした地域への働きかけ", "地域そのものへの働きかけ")
    assert texts(page.blocks) == [
        ("H:case-page-title", "この事例で行われている地域への働きかけ"),
        ("H:case-section", "個別支援を起点とした地域への働きかけ"),
        ("H:case-step", "▶ 地域資源を知る"),
        ("L:・", ""),
        ("P:case-body-item", "老人クラブに出向く。"),
        ("P:case-body-item", "団体を取材する。"),
        ("H:case-step", "▶ 関係性をつくる"),
        ("L:・", ""),
        ("P:case-body-item", "研修を開く。"),
        ("Box:outcome", "▶ 得られたアウトカム"),
        ("P:box-body", "相談が増えた。"),
        ("H:case-section", "地域そのものへの働きかけ"),
        ("H:case-step", "カレッジを開催"),
        ("P:case-body", "住民が企画を立てる。"),
    ]


def test_page_four_features_photos_beside_text_and_comment_boxes(record_of, layout_of):
    spread, _ = build(record_of, layout_of)
    page = spread.pages[3]
    assert page.sections == ("取組の特徴", "コメント")
    assert texts(page.blocks) == [
        ("H:case-page-title", "取組の特徴、今後に向けて"),
        ("H:case-feature", "○ ひきこもりの社会参加を後押し"),
        ("Table:case-aside", ""),
        ("P:case-body", "30代のAさんが活動を始めた。"),
        ("Figure", "images/cases/sakura/photo-1.png"),
        ("H:case-feature", "○ 小さな役割をつくる"),
        ("P:case-body", "できることから始める。"),
        ("Box:comment", "取組による地域の変化"),
        ("P:box-body", "住民の声が届くようになった。"),
        ("Footer", "（さくら市社会福祉協議会のコメント）"),
        ("Box:comment", "今後の課題"),
        ("L:", ""),
        ("P:box-body", "担い手の確保"),
        ("Footer", "（山田花子のコメント）"),
    ]
    aside = page.blocks[2]
    assert isinstance(aside, m.Table)
    assert aside.header_rows == 0 and not aside.numbered and len(aside.rows[0].cells) == 2
    assert aside.widths[0] > aside.widths[1]  # text wider than the photo
    photo = aside.rows[0].cells[1].blocks[0]
    assert isinstance(photo, m.Figure)
    assert photo.credit == "提供：さくら市" and not photo.numbered
    assert photo.caption == m.Caption((m.Text("（写真）顔の見えるつながり"),))


def test_blocks_keep_the_lines_of_their_record_fields(record_of, layout_of):
    spread, _ = build(record_of, layout_of)
    lines = CASE_SAKURA.splitlines()
    learning = spread.pages[0].blocks[5]
    assert isinstance(learning, m.Heading)
    assert lines[learning.loc.line - 1].strip() == "- heading: 本人を中心とした支援"
    outcome = next(b for b in spread.pages[2].blocks if isinstance(b, m.Box))
    body = outcome.blocks[0]
    assert lines[body.loc.line - 1].strip() == "相談が増えた。"


def test_complete_final_record_has_no_placeholders_and_no_warnings(record_of, layout_of):
    spread, diagnostics = build(record_of, layout_of)
    assert not any(isinstance(b, m.Placeholder) for p in spread.pages for b in p.blocks)
    assert not diagnostics


def test_draft_with_every_optional_field_missing_shows_placeholders_on_every_page(
    record_of, layout_of
):
    spread, _ = build(record_of, layout_of, CASE_MOMIJI_DRAFT, exists=lambda _i: False)
    assert len(spread.pages) == 4
    for page in spread.pages:
        labels = [b.label for b in page.blocks if isinstance(b, m.Placeholder)]
        assert labels, f"page {page.page} has no placeholder"
        assert all(label.startswith("原稿準備中") for label in labels)
    page1 = [b.label for b in spread.pages[0].blocks if isinstance(b, m.Placeholder)]
    assert page1 == [
        "原稿準備中：事業の概要",
        "原稿準備中：この事例からの学び",
        "原稿準備中：事例の基本情報",
        "原稿準備中：地域づくりの取組体制、関係機関",
        "原稿準備中：地域づくりの取組に活用している制度",
    ]
    page4 = [b.label for b in spread.pages[3].blocks if isinstance(b, m.Placeholder)]
    assert page4 == ["原稿準備中：取組の特徴、今後に向けて", "原稿準備中：コメント"]
    band = spread.pages[0].blocks[0]
    assert isinstance(band, m.Band) and band.place == "架空県もみじ村"


def test_draft_record_is_w403_listing_what_is_missing(record_of, layout_of):
    _, diagnostics = build(record_of, layout_of, CASE_MOMIJI_DRAFT)
    d = only(diagnostics, "W403")
    assert d.loc.file == "content/cases/sakura.yaml" and d.loc.line == 1
    assert "11 項目" in d.message and "事業の概要" in d.message and "コメント" in d.message
    assert "final" in d.hint
    assert not diagnostics.has_errors


def test_draft_with_some_sections_shows_text_and_placeholders_together(record_of, layout_of):
    text = CASE_MOMIJI_DRAFT + "summary: 概要だけ書いた。\n"
    spread, diagnostics = build(record_of, layout_of, text)
    page1 = texts(spread.pages[0].blocks)
    assert ("P:case-lead", "概要だけ書いた。") in page1
    assert ("Placeholder", "原稿準備中：事業の概要") not in page1
    assert ("Placeholder", "原稿準備中：この事例からの学び") in page1
    assert "10 項目" in only(diagnostics, "W403").message


def test_missing_pictures_are_frames_with_a_warning_each(record_of, layout_of):
    spread, diagnostics = build(record_of, layout_of, exists=lambda _i: False)
    figures = [b for p in spread.pages for b in _all_blocks(p.blocks) if isinstance(b, m.Figure)]
    assert len(figures) == 2 and all(f.missing for f in figures)
    warned = sorted(d.message.split(" ")[0] for d in with_code(diagnostics, "W108"))
    assert warned == [
        "assets/images/cases/sakura/photo-1.png",
        "assets/images/cases/sakura/soshikizu.png",
    ]


def test_present_pictures_are_not_missing(record_of, layout_of):
    spread, diagnostics = build(record_of, layout_of, exists=lambda _i: True)
    figures = [b for p in spread.pages for b in _all_blocks(p.blocks) if isinstance(b, m.Figure)]
    assert figures and not any(f.missing for f in figures)
    assert "W108" not in codes(diagnostics)


def test_text_fields_are_inline_markdown_with_diagnostics_at_the_yaml_line(record_of, layout_of):
    text = CASE_SAKURA.replace(
        "      制度の枠にとらわれず支援する。", "      **制度**の枠に<b>とらわれず</b>支援する。"
    )
    spread, diagnostics = build(record_of, layout_of, text)
    para = spread.pages[0].blocks[6]
    assert isinstance(para, m.Paragraph)
    assert para.content[0] == m.Strong((m.Text("制度"),))
    found = with_code(diagnostics, "E201")
    assert found and all(
        d.loc.line == 21 and d.loc.file == "content/cases/sakura.yaml" for d in found
    )


def test_layout_marks_override_the_defaults(record_of, layout_of):
    from dataclasses import replace

    layout = layout_of("casebook")
    custom = replace(
        layout, labels={**layout.labels, "case-learning-mark": "◆", "case-event-mark": "□"}
    )
    record, diagnostics = record_of(CASE_SAKURA)
    spread = build_case(record, custom, diagnostics, lambda _i: True)
    assert ("H:case-learning", "◆本人を中心とした支援") in texts(spread.pages[0].blocks)
    assert ("H:case-event", "□モデル事業を開始") in texts(spread.pages[1].blocks)


def _all_blocks(blocks: tuple[m.Block, ...]) -> list[m.Block]:
    from kumihan.transforms.walk import iter_blocks

    return list(iter_blocks(blocks))


def test_case_in_the_report_layout_has_the_same_pages(record_of, layout_of):
    casebook, _ = build(record_of, layout_of, deliverable="casebook")
    report, _ = build(record_of, layout_of, deliverable="report")
    assert [texts(p.blocks) for p in casebook.pages] == [texts(p.blocks) for p in report.pages]


def test_diagnostics_object_is_not_required_to_be_empty_first(record_of, layout_of):
    # build_case appends; it must not clear what earlier stages reported
    record, _ = record_of(CASE_MOMIJI_DRAFT)
    diagnostics = Diagnostics()
    diagnostics.add(record.loc, "I302", "前の段の記録", "ヒント")
    build_case(record, layout_of("casebook"), diagnostics, lambda _i: True)
    assert sorted(codes(diagnostics)) == ["I302", "W403"]
