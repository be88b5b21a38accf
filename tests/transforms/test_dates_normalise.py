"""dates (和暦 by date, 元年, 年度, month labels) and normalise (with I302 counts)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kumihan import model as m
from kumihan.diagnostics import Diagnostics
from kumihan.layout.spec import Normalise
from kumihan.transforms.dates import (
    era_label,
    era_year,
    format_date,
    format_fiscal_year,
    format_month,
)
from kumihan.transforms.normalise import normalise_document, normalise_text

from .nodes import blocks_of, document, figure, heading, loc, para

D = dt.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 11, 1), "令和6年11月1日"),
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2020, 1, 1), "令和2年1月1日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1989, 1, 8), "平成元年1月8日"),
        (D(1926, 12, 24), "大正15年12月24日"),
        (D(1926, 12, 25), "昭和元年12月25日"),
        (D(2025, 3, 31), "令和7年3月31日"),
    ],
)
def test_wareki_is_converted_by_date(day, expected):
    assert format_date(day) == expected


def test_seireki_style():
    assert format_date(D(2019, 5, 1), "seireki") == "2019年5月1日"
    assert format_month(2019, 4, "seireki") == "2019年4月"
    assert format_fiscal_year(2024, "seireki") == "2024年度"
    assert era_label(2024, "seireki") == "2024年"


def test_era_year_of_boundary_days():
    assert era_year(D(2019, 4, 30)) == ("平成", 31)
    assert era_year(D(2019, 5, 1)) == ("令和", 1)
    assert era_year(D(1989, 1, 7)) == ("昭和", 64)
    assert era_year(D(1989, 1, 8)) == ("平成", 1)


def test_dates_before_meiji_are_refused():
    with pytest.raises(ValueError):
        era_year(D(1868, 1, 1))


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, "令和6年度"),
        (2020, "令和2年度"),
        (2018, "平成30年度"),
        (1988, "昭和63年度"),
        (1989, "平成元年度"),
    ],
)
def test_fiscal_year_is_named_by_its_april(year, expected):
    assert format_fiscal_year(year) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2024, 11, "令和6年11月"),
        (2025, 3, "令和7年3月"),
        (2019, 4, "平成31年4月"),
        (2019, 5, "令和元年5月"),
        (1989, 1, "平成元年1月"),
    ],
)
def test_month_labels(year, month, expected):
    assert format_month(year, month) == expected


def test_year_labels_for_schedule_heads():
    assert era_label(2024) == "令和6年"
    assert era_label(2019) == "令和元年"
    assert era_label(2025) == "令和7年"


# ---------------------------------------------------------------- normalise

ALL = Normalise(fullwidth_ascii=True, wave_dash="〜", halfwidth_kana=True)


def test_fullwidth_letters_and_digits_become_halfwidth_punctuation_stays():
    counts: Counter[str] = Counter()
    out = normalise_text("ＡＢＣ１２３（注）、ｘ！", ALL, counts)
    assert out == "ABC123（注）、x！"
    assert counts["全角英数→半角"] == 7


def test_wave_dashes_are_unified_both_ways():
    counts: Counter[str] = Counter()
    assert normalise_text("8月～10月〜", ALL, counts) == "8月〜10月〜"
    assert counts["～→〜"] == 1
    other: Counter[str] = Counter()
    rules = Normalise(wave_dash="～", halfwidth_kana=False)
    assert normalise_text("8月〜10月〜", rules, other) == "8月～10月～"
    assert other["〜→～"] == 2


def test_halfwidth_kana_becomes_fullwidth_with_voiced_marks_composed():
    counts: Counter[str] = Counter()
    out = normalise_text("ｶﾞｲﾄﾞﾌﾞｯｸ ﾊﾟﾝ ｳﾞ", ALL, counts)
    assert out == "ガイドブック パン ヴ"
    # counted by the characters written: ｶﾞｲﾄﾞﾌﾞｯｸ (9) + ﾊﾟﾝ (3) + ｳﾞ (2)
    assert counts["半角カナ→全角"] == 14


def test_halfwidth_punctuation_kana_block():
    counts: Counter[str] = Counter()
    assert normalise_text("｢ｱｲ｣､｡", ALL, counts) == "「アイ」、。"


def test_rules_off_change_nothing():
    counts: Counter[str] = Counter()
    rules = Normalise(fullwidth_ascii=False, wave_dash="", halfwidth_kana=False)
    assert normalise_text("ＡＢ～ｶﾞ", rules, counts) == "ＡＢ～ｶﾞ"
    assert not +counts


def test_normalise_document_reports_counts_per_file_and_rule():
    a = "content/report/10-a.md"
    b = "content/report/20-b.md"
    doc = document(
        (
            m.Heading(1, (m.Text("ＡＢ"),), loc(1, a)),
            m.Paragraph((m.Text("ｶﾞｲﾄﾞ"), m.Strong((m.Text("１月～３月"),))), loc(3, a)),
            m.Box("note", (m.Text("ﾒﾓ"),), (m.Paragraph((m.Text("Ｘ"),), loc(6, a)),), loc(5, a)),
        ),
        (m.Paragraph((m.Text("ＺＺＺ"),), loc(1, b)), figure("図～")),
    )
    diagnostics = Diagnostics()
    out = normalise_document(doc, ALL, diagnostics)
    texts = [
        m.plain_text(bl.content) for bl in blocks_of(out) if isinstance(bl, m.Heading | m.Paragraph)
    ]
    assert texts == ["AB", "ガイド1月〜3月", "X", "ZZZ"]
    box = next(bl for bl in blocks_of(out) if isinstance(bl, m.Box))
    assert box.title == (m.Text("メモ"),)
    notes = {(d.loc.file, d.message) for d in diagnostics}
    assert notes == {
        (a, "全角英数→半角: 5 文字"),  # ＡＢ, １, ３, Ｘ
        (a, "半角カナ→全角: 7 文字"),  # ｶﾞｲﾄﾞ (5) + ﾒﾓ (2), counted by input characters
        (a, "～→〜: 1 文字"),
        (b, "全角英数→半角: 3 文字"),
        ("content/report/10-x.md", "～→〜: 1 文字"),
    }
    assert all(d.code == "I302" for d in diagnostics)


def test_code_spans_are_not_normalised():
    doc = document((para(m.Code("ＡＢ～"), m.Text("ＡＢ")),))
    out = normalise_document(doc, ALL, Diagnostics())
    (p,) = [bl for bl in blocks_of(out) if isinstance(bl, m.Paragraph)]
    assert p.content == (m.Code("ＡＢ～"), m.Text("AB"))


def test_no_rules_means_no_change_and_no_notes():
    doc = document((heading(1, "ＡＢ～ｶﾞ"),))
    diagnostics = Diagnostics()
    rules = Normalise(fullwidth_ascii=False, wave_dash="", halfwidth_kana=False)
    assert normalise_document(doc, rules, diagnostics) == doc
    assert not diagnostics


def _per_character(text: str, rules: Normalise, counts: Counter[str]) -> str:
    """The rules as defined, one character at a time (what `normalise_text` must equal)."""
    import unicodedata

    out = text
    if rules.halfwidth_kana:
        kana = [c for c in out if "\uff61" <= c <= "\uff9f"]
        if kana:
            counts["半角カナ→全角"] += len(kana)
            out = unicodedata.normalize(
                "NFC",
                "".join(
                    unicodedata.normalize("NFKC", c) if "\uff61" <= c <= "\uff9f" else c
                    for c in out
                ),
            )
    if rules.fullwidth_ascii:
        half = "".join(
            chr(ord(c) - 0xFEE0)
            if ("Ａ" <= c <= "Ｚ" or "ａ" <= c <= "ｚ" or "０" <= c <= "９")
            else c
            for c in out
        )
        counts["全角英数→半角"] += sum(1 for a, b in zip(out, half, strict=True) if a != b)
        out = half
    if rules.wave_dash in ("〜", "～"):
        other = "～" if rules.wave_dash == "〜" else "〜"
        counts[f"{other}→{rules.wave_dash}"] += out.count(other)
        out = out.replace(other, rules.wave_dash)
    return out


@given(
    st.text(alphabet=st.sampled_from("ＡＺａｚ０９Ａ１ｶﾞﾊﾟｰﾞﾟ｡｢ｧabc〜～！（）漢かな　 \n")),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", "〜", "～"]),
)
@settings(max_examples=300, deadline=None)
def test_normalise_text_equals_the_per_character_rules(
    text: str, kana: bool, ascii_: bool, wave: str
) -> None:
    rules = Normalise(halfwidth_kana=kana, fullwidth_ascii=ascii_, wave_dash=wave)
    fast, slow = Counter[str](), Counter[str]()
    assert normalise_text(text, rules, fast) == _per_character(text, rules, slow)
    assert +fast == +slow
