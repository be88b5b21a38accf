"""Property: random Japanese text rich in punctuation, numbers, units, Latin words and
URLs, at random widths, composes with no kinsoku violation and exact justification."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kumihan.typeset.compose import compose
from kumihan.typeset.fonts import FontBook
from kumihan.typeset.jlreq import break_opportunities
from kumihan.typeset.types import Rules, RunStyle, Span
from kumihan.verify.kinsoku import break_rule, check_justified, check_lines, edge_rules

SIZE = 10.0
WORDS = ["地域", "共生", "社会", "実現", "向けた", "ちょっと", "キャッシュ", "取組", "こと"]
WORDS += [*"のに々ーは"]
PUNCT = [*"、。「」（）『』・：！？〜〔〕\u3000", "……", "――"]
LATIN = ["Web", "RMO", "data set", "e.g.", "COVID-19", "(1)", "A 4", "hello world"]


@st.composite
def numbers(draw: st.DrawFn) -> str:
    whole = draw(st.integers(0, 9_999_999))
    text = f"{whole:,}"
    if draw(st.booleans()):
        text += f".{draw(st.integers(0, 99))}"
    if draw(st.booleans()):
        text = text.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))
    prefix = draw(st.sampled_from(["", "", "￥", "$", "№"]))
    unit = draw(st.sampled_from(["", "", "％", "%", "㎜", "℃", "km", "件"]))
    return prefix + text + unit


@st.composite
def urls(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.text("abcdefghxyz0123", min_size=1, max_size=7), min_size=1, max_size=4)
    )
    return "https://example.jp/" + "/".join(parts)


tokens = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(PUNCT),
    st.sampled_from(LATIN),
    numbers(),
    urls(),
    st.text("あいうかきくアイウ漢字々ーっ", min_size=1, max_size=6),
)


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    body = "".join(draw(st.lists(tokens, min_size=1, max_size=60)))
    return "本文" + body.strip(" ") + "。"


def longest_unit_em(text: str, kinsoku: str) -> float:
    """Width bound (em) of the longest stretch without a break opportunity."""
    ops = break_opportunities(text, kinsoku)  # type: ignore[arg-type]
    longest = run = 0
    for i in range(1, len(text)):
        run = 0 if ops[i] else run + 1
        longest = max(longest, run + 1)
    return longest * 1.25 + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=paragraphs(),
    width_em=st.floats(8, 45),
    hanging=st.booleans(),
    kinsoku=st.sampled_from(["general", "strict"]),
    indent=st.sampled_from([0.0, 1.0, 2.0]),
)
def test_random_paragraphs_compose_cleanly(
    fonts: FontBook, text: str, width_em: float, hanging: bool, kinsoku: str, indent: float
) -> None:
    width = width_em * SIZE
    assume(longest_unit_em(text, kinsoku) < width_em - indent)
    rules = Rules(kinsoku=kinsoku, hanging=hanging)  # type: ignore[arg-type]
    lines = compose(
        [Span(text, RunStyle("mincho", SIZE))],
        width,
        rules,
        fonts,
        indent_first=indent * SIZE,
    )
    texts = [ln.text for ln in lines]
    assert "".join(texts) == text
    assert check_lines(texts, kinsoku) == []  # type: ignore[arg-type]
    assert check_justified(lines, width) == []
    for i, line in enumerate(lines[:-1]):
        assert abs(line.width - (width - (indent * SIZE if i == 0 else 0))) < 1e-6
        assert line.hang == 0 or (hanging and line.text.rstrip()[-1] in "、。")


@settings(max_examples=300, deadline=None)
@given(text=paragraphs(), kinsoku=st.sampled_from(["general", "strict"]))
def test_every_break_opportunity_satisfies_the_checker(text: str, kinsoku: str) -> None:
    ops = break_opportunities(text, kinsoku)  # type: ignore[arg-type]
    for i in range(1, len(text)):
        if ops[i]:
            before, after = text[:i], text[i:]
            assert break_rule(before, after) == "", (before[-8:], after[:8])
            assert edge_rules(after.lstrip(" "), kinsoku)[:1] != ["line-start"]  # type: ignore[arg-type]
            assert "line-end" not in edge_rules(before, kinsoku)  # type: ignore[arg-type]
