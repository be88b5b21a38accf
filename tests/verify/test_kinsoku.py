"""The kinsoku checker: its rules on strings, its reading of PDFs, and both ends of
the pipeline (composed text passes, naively wrapped text fails)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.colors import CMYKColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kumihan.render.pdf.textdraw import draw_line
from kumihan.typeset.bench import body_paragraphs, default_font_book
from kumihan.typeset.compose import compose
from kumihan.typeset.fonts import FontBook
from kumihan.typeset.types import Line, Rules, RunStyle, Span
from kumihan.verify.kinsoku import check_justified, check_lines, check_pdf, pdf_blocks

A4 = (595.0, 842.0)
BODY = RunStyle("mincho", 10.5)
PITCH = 18.0
LEFT_EDGE = 72.0

SAMPLE = [
    "本事業は、分野横断的な地域づくりを推進するために、先行して取組む事例を把握するとともに、"
    "保健医療、福祉（ひきこもり、刑務所出所者、困難な課題を抱える女性、孤独孤立、保健、難病、"
    "医療的ケア児、社会的処方等）及び他省庁の取組との連携した地域づくりの手法について調査研究を行った。",
    "「重層的支援体制整備事業」の回答は21,489件（回答率40.5％）で、1件あたり￥12,000、"
    "平均距離は3.5km、最大3㎜の誤差……と報告された――詳細はWeb調査"
    "（https://www.example.go.jp/survey/2024/results/index.html）を参照のこと。",
    "三菱UFJリサーチ&コンサルティング株式会社が、RMO（地域運営組織）やCOVID-19対応の事例を"
    "ヒアリングした。ＡＢＣ１２３のような全角英数字や、ちょっとした「ー」「々」「っ」も含む。",
]


@pytest.fixture(scope="module")
def fonts() -> FontBook:
    book = default_font_book()
    for key, spec in book.specs.items():
        try:
            pdfmetrics.getFont(key)
        except KeyError:
            pdfmetrics.registerFont(TTFont(key, str(spec.path)))
    return book


# ------------------------------------------------------------ rules on strings


@pytest.mark.parametrize(
    ("lines", "rule"),
    [
        (["あいう", "、えお"], "line-start"),
        (["あいう", "」えお"], "line-start"),
        (["あいう", "・えお"], "line-start"),
        (["あいう", "！えお"], "line-start"),
        (["あいう", "〜えお"], "line-start"),
        (["あいう「", "えお"], "line-end"),
        (["合計21", "489件"], "number-split"),
        (["合計21,", "489件"], "number-split"),
        (["合計２１，", "４８９件"], "number-split"),
        (["率は40", ".5％"], "number-split"),
        (["費用は￥", "100"], "prefix-split"),
        (["率は40", "％"], "unit-split"),
        (["長さ3", "㎜"], "unit-split"),
        (["WebサイトのUR", "Lは"], "word-split"),
        (["5k", "m先"], "word-split"),
        (["ＡＢ", "Ｃの"], "word-split"),
        (["それは…", "…"], "inseparable-split"),
        (["それは―", "―"], "inseparable-split"),
    ],
)
def test_each_rule_is_reported(lines: list[str], rule: str) -> None:
    assert rule in {v.rule for v in check_lines(lines)}


@pytest.mark.parametrize(
    "lines",
    [
        ["あいう、", "えお"],
        ["あいう", "「えお」"],
        ["合計21,489", "件"],
        ["距離は5 ", "km"],
        ["hello ", "world"],
        ["https://example.jp/", "index.html"],
        ["https://example.", "jp/"],
        ["それは……", "と"],
        ["あいう", "ーえお"],  # general: ー may start a line
        ["　あいう", "えお"],  # an ideographic space is a deliberate indent
    ],
)
def test_allowed_breaks_are_not_reported(lines: list[str]) -> None:
    assert check_lines(lines) == []


def test_strict_forbids_prolonged_sound_mark_at_line_start() -> None:
    assert [v.rule for v in check_lines(["あいう", "ーえお"], "strict")] == ["line-start"]


def test_violation_names_both_lines_of_a_split() -> None:
    (v,) = check_lines(["合計21", "489件"])
    assert (v.page, v.line, v.rule, v.detail) == (0, "合計21", "number-split", "489件")


def test_check_justified_reports_a_short_line(fonts: FontBook) -> None:
    lines = compose([Span(SAMPLE[0], BODY)], 300, Rules(), fonts)
    assert check_justified(lines, 300) == []
    last_run = lines[0].runs[-1]
    short_run = dataclasses.replace(last_run, width=last_run.width - 2)
    short = dataclasses.replace(lines[0], runs=(*lines[0].runs[:-1], short_run))
    found = check_justified([short, *lines[1:]], 300)
    assert [v.rule for v in found] == ["not-justified"]


# ------------------------------------------------------------ reading PDFs


def draw_pdf(path: Path, pages: Sequence[Callable[[Canvas], None]]) -> Path:
    canvas = Canvas(str(path), pagesize=A4, initialFontName="mincho")
    for page in pages:
        page(canvas)
        canvas.showPage()
    canvas.save()
    return path


def texts_of(path: Path) -> list[list[str]]:
    with pdfplumber.open(path) as pdf:
        return [[line.text for line in block] for page in pdf.pages for block in pdf_blocks(page)]


def test_heading_and_paragraphs_are_separate_blocks(tmp_path: Path) -> None:
    def page(c: Canvas) -> None:
        c.setFont("gothic", 14)
        c.drawString(LEFT_EDGE, 780, "第1章　概要2024")
        c.setFont("mincho", 10.5)
        rows = [
            (LEFT_EDGE + 10.5, "2025年の調査は"),
            (LEFT_EDGE, "全国で行った。"),
            (LEFT_EDGE + 10.5, "123件の回答"),
        ]
        for i, (x, text) in enumerate(rows):
            c.drawString(x, 755 - PITCH * i, text)

    blocks = texts_of(draw_pdf(tmp_path / "h.pdf", [page]))
    assert blocks == [["第1章　概要2024"], ["2025年の調査は", "全国で行った。"], ["123件の回答"]]


def test_cells_side_by_side_are_separate_lines(tmp_path: Path) -> None:
    def page(c: Canvas) -> None:
        c.setFont("mincho", 10.5)
        for i, (a, b) in enumerate([("項目A", "21"), ("項目B", "489")]):
            y = 700 - PITCH * i
            c.drawString(100, y, a)
            c.drawString(100 + 5 * 10.5 + 6, y, b)  # 6 pt from the cell to its left
        c.line(100 + 5 * 10.5 + 3, 680, 100 + 5 * 10.5 + 3, 720)  # the column rule
        c.line(90, 700 - 5, 200, 700 - 5)  # a row rule between the two rows

    blocks = texts_of(draw_pdf(tmp_path / "t.pdf", [page]))
    assert sorted(map(tuple, blocks)) == [("21",), ("489",), ("項目A",), ("項目B",)]


def test_toc_entries_with_leaders_are_not_joined(tmp_path: Path) -> None:
    def page(c: Canvas) -> None:
        c.setFont("mincho", 10.5)
        for i, (title, number) in enumerate([("1. 文献調査", "12"), ("2. 事例調査", "15")]):
            y = 700 - PITCH * i
            c.drawString(LEFT_EDGE, y, title + "." * 30 + number)

    path = draw_pdf(tmp_path / "toc.pdf", [page])
    assert len(texts_of(path)) == 2
    assert check_pdf(path) == []


# ------------------------------------------------------------ end to end


def draw_paragraphs(canvas: Canvas, paragraphs: list[list[Line]]) -> None:
    y = 780.0
    for lines in paragraphs:
        for line in lines:
            if y < 60:
                canvas.showPage()
                y = 780.0
            draw_line(canvas, line, LEFT_EDGE, y, lambda color: CMYKColor(*color))
            y -= PITCH
        y -= PITCH / 2  # space between paragraphs


@pytest.mark.parametrize(
    ("width", "hanging"), [(180.0, False), (263.0, True), (351.5, False), (420.0, True)]
)
def test_composed_pdf_passes_and_extracts(
    fonts: FontBook, tmp_path: Path, width: float, hanging: bool
) -> None:
    texts = SAMPLE + body_paragraphs(copies=1)[:40]
    rules = Rules(hanging=hanging)
    paragraphs = [
        compose([Span(t, BODY)], width, rules, fonts, indent_first=BODY.size) for t in texts
    ]
    path = tmp_path / f"composed-{width}.pdf"
    canvas = Canvas(str(path), pagesize=A4, initialFontName="mincho")
    draw_paragraphs(canvas, paragraphs)
    canvas.save()

    assert check_pdf(path) == []
    found = [line for block in texts_of(path) for line in block]
    assert found == [line.text for lines in paragraphs for line in lines]
    for lines in paragraphs:
        assert check_justified(lines, width) == []


def naive_lines(text: str, per_line: int) -> list[str]:
    return [text[i : i + per_line] for i in range(0, len(text), per_line)]


def test_naively_wrapped_pdf_fails(tmp_path: Path, fonts: FontBook) -> None:
    per_line = 23
    wrapped = [naive_lines(t, per_line) for t in SAMPLE]
    expected = {(v.line, v.rule) for lines in wrapped for v in check_lines(lines)}
    assert expected  # the sample does trip a fixed-count wrap

    def page(c: Canvas) -> None:
        c.setFont("mincho", 10.5)
        y = 780.0
        for lines in wrapped:
            for i, line in enumerate(lines):
                c.drawString(LEFT_EDGE + (10.5 if i == 0 else 0), y, line)
                y -= PITCH
            y -= PITCH / 2

    found = check_pdf(draw_pdf(tmp_path / "naive.pdf", [page]))
    assert {(v.line, v.rule) for v in found} == expected
    assert {v.page for v in found} == {1}
