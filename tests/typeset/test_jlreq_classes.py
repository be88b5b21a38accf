"""JLREQ classes and break opportunities: each rule with a case that must break and one
that must not."""

from __future__ import annotations

import pytest

from kumihan.typeset.jlreq import (
    break_opportunities,
    char_class,
    class_letters,
    is_japanese_letter,
    may_break,
    not_at_line_end,
    not_at_line_start,
)


@pytest.mark.parametrize(
    ("chars", "cl"),
    [
        ("「『（〔【〈《‘“([", 1),
        ("」』）〕】〉》’”)]", 2),
        ("‐〜゠–～", 3),  # ～ U+FF5E counts as the wave dash
        ("！？!?‼", 4),
        ("・：；:;", 5),
        ("。．.", 6),
        ("、，,", 7),
        ("—―…‥", 8),  # ― U+2015 with the em dash
        ("ヽヾゝゞ々〻", 9),
        ("ー", 10),
        ("ぁっゃァッャㇰヶ", 11),
        ("¥￥$＃€№", 12),
        ("%％℃‰°㎜㎏㎝㎞㎡㏄㌢", 13),
        ("\u3000", 14),
        ("漢字かなカナAa1１＿", 0),
    ],
)
def test_classes(chars: str, cl: int) -> None:
    assert [char_class(c) for c in chars] == [cl] * len(chars)


def test_era_square_is_not_a_unit() -> None:
    assert char_class("㍻") == 0


def test_predicates() -> None:
    assert not_at_line_start("、") and not_at_line_start("」") and not not_at_line_start("「")
    assert not_at_line_start("ー", "strict") and not not_at_line_start("ー", "general")
    assert not_at_line_end("「") and not not_at_line_end("」")
    assert is_japanese_letter("漢") and is_japanese_letter("ー") and is_japanese_letter("Ａ")
    assert not is_japanese_letter("、") and not is_japanese_letter("A")


def breaks(text: str, kinsoku: str = "general") -> str:
    """The text with | at every allowed break."""
    ops = break_opportunities(text, kinsoku)  # type: ignore[arg-type]
    return "".join(("|" if ops[i] else "") + ch for i, ch in enumerate(text))


@pytest.mark.parametrize(
    ("before", "after", "general", "strict"),
    [
        ("字", "字", True, True),
        ("字", "、", False, False),  # cl-07 never starts a line
        ("、", "字", True, True),
        ("字", "。", False, False),  # cl-06
        ("字", "」", False, False),  # cl-02
        ("」", "字", True, True),
        ("字", "「", True, True),
        ("「", "字", False, False),  # cl-01 never ends a line
        ("字", "！", False, False),  # cl-04
        ("字", "・", False, False),  # cl-05
        ("字", "：", False, False),
        ("字", "〜", False, False),  # cl-03
        ("字", "～", False, False),  # U+FF5E as cl-03
        ("字", "ー", True, False),  # cl-10 at level 3
        ("字", "っ", True, False),  # cl-11
        ("字", "々", True, False),  # cl-09
        ("…", "…", False, False),  # cl-08 pairs
        ("―", "―", False, False),
        ("—", "—", False, False),
        ("…", "字", True, True),
        ("字", "…", True, True),
        ("￥", "1", False, False),  # prefixed abbreviation
        ("１", "％", False, False),  # postfixed unit
        ("3", "㎜", False, False),
        ("Ａ", "Ｂ", False, False),  # full-width run
        ("１", "２", False, False),
        ("1", "２", False, False),
        ("a", "b", False, False),  # Latin word
        ("a", "字", True, True),
        ("字", "a", True, True),
    ],
)
def test_pairs(before: str, after: str, general: bool, strict: bool) -> None:
    assert may_break(before, after, "general") is general
    assert may_break(before, after, "strict") is strict


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今日は「晴れ」です。", "今|日|は|「晴|れ」|で|す。"),
        ("21,489円", "21,489|円"),  # a number with thousands commas
        ("40.0％の", "40.0％|の"),  # decimal and postfixed unit
        ("２１，４８９件", "２１，４８９|件"),  # full-width number
        ("３．５倍", "３．５|倍"),
        ("1/2の", "1/2|の"),
        ("10:30に", "10:30|に"),
        ("￥100と", "￥100|と"),
        ("№5と", "№5|と"),
        ("5kmと5 km", "5km|と|5 |km"),  # 5km joined; at a space the break may come
        ("hello world", "hello |world"),  # no break before a space, one after it
        ("( foo", "( foo"),  # never after an opening bracket, even across a space
        ("foo )", "foo )"),  # never before a closing one
        ("ＡＢＣ１２３と", "ＡＢＣ１２３|と"),
        ("……と――", "……|と|――"),
        ("ABCの株式会社", "ABC|の|株|式|会|社"),
    ],
)
def test_contexts(text: str, expected: str) -> None:
    assert breaks(text) == expected


def test_url_breaks_only_after_separators() -> None:
    url = "https://www.example.go.jp/a_b/c-d/index.html?x=1&y=2"
    got = breaks(url)
    assert got == "https://|www.|example.|go.|jp/|a_|b/|c-|d/|index.|html?|x=|1&|y=|2"
    pieces = got.split("|")
    assert all(p[-1] in "/.-_?&=" for p in pieces[:-1])
    assert "https:/|/" not in got  # never between the two slashes


def test_url_keeps_numbers_whole() -> None:
    assert breaks("https://example.com/v1.2/2024/05") == "https://|example.|com/|v1.2/2024/05"


def test_plain_word_with_dots_does_not_break() -> None:
    assert breaks("e.g.の") == "e.g.|の"


def test_class_letters_cover_every_character() -> None:
    text = "漢、A1１ａ「（」"
    assert len(class_letters(text)) == len(text)
