"""The composer's decisions, checked on exact positions at 10 pt (1 em = 10 pt)."""

from __future__ import annotations

import pytest

from kumihan.typeset.compose import compose
from kumihan.typeset.fonts import FontBook
from kumihan.typeset.types import Line, Rules, RunStyle, Span
from kumihan.verify.kinsoku import check_justified, check_lines

EM = 10.0
BODY = RunStyle("mincho", EM)
LEFT = Rules(align="left")


def glyphs(line: Line, fonts: FontBook) -> list[tuple[str, float, float]]:
    """(character, x of its advance box, advance) for every drawn character."""
    out = []
    for run in line.runs:
        x = run.x
        if run.box:
            out.append((run.text, x, run.width))
            continue
        for ch in run.text:
            adv = fonts.advance(run.face, ch) * run.style.size
            out.append((ch, x, adv))
            x += adv + run.char_space
    return out


def xs(line: Line, fonts: FontBook) -> list[float]:
    return [round(x, 6) for _, x, _ in glyphs(line, fonts)]


def box_end(line: Line) -> float:
    run = [r for r in line.runs if r.width > 0][-1]
    return run.x + run.width


def one_line(text: str, fonts: FontBook, rules: Rules = LEFT, width: float = 500.0) -> Line:
    lines = compose([Span(text, BODY)], width, rules, fonts)
    assert len(lines) == 1
    return lines[0]


# ------------------------------------------------------------ punctuation spacing


def test_closing_then_opening_collapses_to_half_an_em(fonts: FontBook) -> None:
    line = one_line("あ」「い", fonts)
    # 」 ink 10–15, half an em, 「 ink 20–25 (its glyph box starts at 15), い at 25
    assert xs(line, fonts) == [0, 10, 15, 25]
    assert line.width == pytest.approx(35)


def test_full_stop_then_closing_is_solid(fonts: FontBook) -> None:
    line = one_line("あ。」い", fonts)
    assert xs(line, fonts) == [0, 10, 15, 25]


def test_opening_then_opening_is_solid(fonts: FontBook) -> None:
    line = one_line("あ（「い", fonts)
    assert xs(line, fonts) == [0, 10, 15, 25]


def test_natural_punctuation_keeps_its_half_em(fonts: FontBook) -> None:
    line = one_line("あ、い。う「え」お", fonts)
    assert xs(line, fonts) == [0, 10, 20, 30, 40, 50, 60, 70, 80]
    assert len(line.runs) == 1  # uniform spacing: one run, one show-text


def test_middle_dot_takes_a_quarter_em_each_side(fonts: FontBook) -> None:
    line = one_line("あ・い」・う", fonts)
    # ・ keeps its quarters (full-width box); after 」 only the dot's quarter remains
    assert xs(line, fonts) == [0, 10, 20, 30, 35, 45]


def test_opening_bracket_at_line_start_loses_its_half_em(fonts: FontBook) -> None:
    line = one_line("「あ」", fonts)
    assert xs(line, fonts)[0] == -5  # ink starts at the indent (天付き)
    indented = compose([Span("「あ」", BODY)], 500, LEFT, fonts, indent_first=EM)[0]
    assert xs(indented, fonts)[0] == 5


# ------------------------------------------------------------ 和欧間


def test_quarter_em_between_japanese_and_latin(fonts: FontBook) -> None:
    line = one_line("日本ABC語", fonts)
    g = glyphs(line, fonts)
    c_end = g[4][1] + g[4][2]
    assert g[2][1] - (g[1][1] + g[1][2]) == pytest.approx(2.5)  # 本 → A
    assert g[5][1] - c_end == pytest.approx(2.5)  # C → 語
    assert {r.face for r in line.runs if r.text == "ABC"} == {"mincho-latin"}


def test_no_latin_space_beside_punctuation_or_at_line_start(fonts: FontBook) -> None:
    line = one_line("（ABC）です", fonts)
    g = glyphs(line, fonts)
    assert g[1][1] == pytest.approx(5)  # A right after （'s ink
    assert g[4][1] == pytest.approx(g[3][1] + g[3][2])  # ） right after C
    start = one_line("ABC日本", fonts)
    assert glyphs(start, fonts)[0][1] == 0


def test_latin_space_can_be_turned_off(fonts: FontBook) -> None:
    line = one_line("日本ABC", fonts, Rules(align="left", latin_space=0.0))
    g = glyphs(line, fonts)
    assert g[2][1] == pytest.approx(20)


# ------------------------------------------------------------ breaking


def test_comma_never_starts_a_line_push_out(fonts: FontBook) -> None:
    # ten characters fill 100 pt; the 、 after them cannot start the next line and
    # nothing on the line can be squeezed, so け is pushed out (追い出し)
    lines = compose([Span("あいうえおかきくけこ、さし", BODY)], 100, Rules(), fonts)
    assert [ln.text for ln in lines] == ["あいうえおかきくけ", "こ、さし"]
    assert box_end(lines[0]) == pytest.approx(100)
    assert lines[0].runs[0].char_space == pytest.approx(10 / 8)


def test_push_in_squeezes_punctuation_to_keep_the_unit(fonts: FontBook) -> None:
    # the first 、 gives up its half-em so that the last 、 stays on the line (追い込み)
    lines = compose([Span("あいう、えおかきくけ、さし", BODY)], 100, Rules(), fonts)
    assert lines[0].text == "あいう、えおかきくけ、"
    g = glyphs(lines[0], fonts)
    assert g[4][1] == pytest.approx(35)  # え right after the first 、's ink
    assert box_end(lines[0]) == pytest.approx(105)  # last 、's ink ends at the edge
    assert lines[0].width == pytest.approx(100)


def test_hanging_full_stop(fonts: FontBook) -> None:
    text = "あいうえおかきくけこ。さしすせそ"
    hung = compose([Span(text, BODY)], 100, Rules(hanging=True), fonts)
    assert hung[0].text == "あいうえおかきくけこ。"
    assert hung[0].hang == pytest.approx(5)
    assert hung[0].width == pytest.approx(100)
    assert box_end(hung[0]) == pytest.approx(110)
    plain = compose([Span(text, BODY)], 100, Rules(hanging=False), fonts)
    assert plain[0].text == "あいうえおかきくけ" and plain[0].hang == 0


@pytest.mark.parametrize("width", [float(w) for w in range(60, 160, 7)])
def test_number_with_commas_is_never_split(fonts: FontBook, width: float) -> None:
    text = "調査件数は合計で21,489件、回答率は40.5％、費用は￥12,000だった。"
    lines = compose([Span(text, BODY)], width, Rules(), fonts)
    texts = [ln.text for ln in lines]
    assert "".join(texts) == text
    for token in ("21,489", "40.5％", "￥12,000"):
        assert any(token in t for t in texts), (token, texts)
    assert check_lines(texts) == []


def test_url_splits_only_after_a_slash(fonts: FontBook) -> None:
    url = "https://exampledomain/abcdefghij/klmnopqrst/uvwxyz"
    text = f"詳細は{url}を参照。"
    lines = compose([Span(text, BODY)], 120, Rules(), fonts)
    assert "".join(ln.text for ln in lines) == text
    start = text.index(url)
    cuts: list[tuple[str, str]] = []
    pos = 0
    for ln in lines[:-1]:
        pos += len(ln.text)
        if start < pos < start + len(url):
            cuts.append((text[pos - 1], text[pos]))
    assert len(cuts) >= 2
    assert all(before == "/" and after != "/" for before, after in cuts), cuts


def test_words_break_at_spaces_which_stay_with_the_line(fonts: FontBook) -> None:
    lines = compose([Span("the quick brown fox jumps over the lazy dog", BODY)], 80, Rules(), fonts)
    texts = [ln.text for ln in lines]
    assert "".join(texts) == "the quick brown fox jumps over the lazy dog"
    for ln in lines[:-1]:
        assert ln.text.endswith(" ") and not ln.text.startswith(" ")
        space = ln.runs[-1]
        assert space.text.strip() == "" and space.width == 0
    assert check_justified(lines, 80) == []


def test_ideographic_space_is_kept(fonts: FontBook) -> None:
    line = one_line("\u3000あいう", fonts)
    assert line.text.startswith("\u3000")
    assert xs(line, fonts)[1] == pytest.approx(10)


def test_forced_break_sets_the_line_like_a_last_line(fonts: FontBook) -> None:
    lines = compose([Span("あいう\nえおかきくけこさしすせそ", BODY)], 100, Rules(), fonts)
    assert [ln.text for ln in lines] == ["あいう", "えおかきくけこさしす", "せそ"]
    assert lines[0].last and lines[0].runs[0].char_space == 0
    assert not lines[1].last and lines[2].last


# ------------------------------------------------------------ justification and alignment


def test_justified_lines_end_at_the_edge(fonts: FontBook) -> None:
    text = (
        "本事業は、分野横断的な地域づくりを推進するため、先行して取組む事例（2024年度）を把握した。"
        * 4
    )
    for width in (97.0, 150.0, 203.5, 318.0):
        lines = compose([Span(text, BODY)], width, Rules(), fonts, indent_first=EM)
        assert check_justified(lines, width) == []
        for i, ln in enumerate(lines[:-1]):
            assert ln.width == pytest.approx(width - (EM if i == 0 else 0))
        assert lines[-1].width < width


def test_last_line_is_flush_left_and_unspread(fonts: FontBook) -> None:
    lines = compose([Span("あいうえおかきくけこさし", BODY)], 100, Rules(), fonts)
    assert lines[-1].text == "さし"
    assert xs(lines[-1], fonts) == [0, 10]


@pytest.mark.parametrize(("align", "offset"), [("left", 0), ("center", 35), ("right", 70)])
def test_alignment_offsets(fonts: FontBook, align: str, offset: float) -> None:
    line = one_line("あいう", fonts, Rules(align=align), width=100)  # type: ignore[arg-type]
    assert xs(line, fonts) == [offset, offset + 10, offset + 20]


def test_indents(fonts: FontBook) -> None:
    lines = compose([Span("あ" * 25, BODY)], 100, Rules(), fonts, indent_first=20, indent_rest=10)
    assert [ln.runs[0].x for ln in lines] == [20, 10, 10]
    assert [len(ln.text) for ln in lines] == [8, 9, 8]


# ------------------------------------------------------------ runs, faces, boxes


def test_runs_split_by_face_and_style(fonts: FontBook) -> None:
    link = RunStyle("gothic", EM, link="https://example.com")
    spans = [Span("本文とABC", BODY), Span("リンク", link), Span("です。", BODY)]
    line = compose(spans, 500, LEFT, fonts)[0]
    assert [(r.text, r.face) for r in line.runs] == [
        ("本文と", "mincho"),
        ("ABC", "mincho-latin"),
        ("リンク", "gothic"),
        ("です。", "mincho"),
    ]
    assert line.runs[2].style.link == "https://example.com"


def test_box_is_placed_like_a_character(fonts: FontBook) -> None:
    spans = [Span("頁", BODY), Span("12", BODY, box="pnum", box_width=30), Span("参照", BODY)]
    line = compose(spans, 500, LEFT, fonts)[0]
    box = [r for r in line.runs if r.box]
    assert len(box) == 1 and box[0].box == "pnum" and box[0].text == "12"
    assert box[0].x == 10 and box[0].width == 30
    assert glyphs(line, fonts)[-2][1] == 40


def test_sizes_mix_on_a_line(fonts: FontBook) -> None:
    note = RunStyle("mincho", 6.0, rise=3.0)
    line = compose([Span("本文", BODY), Span("1", note), Span("です", BODY)], 500, LEFT, fonts)[0]
    assert line.size == EM
    assert [r.style.size for r in line.runs] == [EM, 6.0, EM]


def test_empty_input_gives_no_lines(fonts: FontBook) -> None:
    assert compose([], 100, Rules(), fonts) == []
    assert compose([Span("", BODY)], 100, Rules(), fonts) == []


def test_text_survives_composition(fonts: FontBook) -> None:
    text = "地域（ちいき）の「つながり」づくり――その手法……。Web調査（https://example.jp/a/b）で40.0％、3㎜！"
    for width in (60.0, 95.0, 133.0):
        lines = compose([Span(text, BODY)], width, Rules(hanging=True), fonts)
        assert "".join(ln.text for ln in lines) == text
        assert check_lines([ln.text for ln in lines]) == []
