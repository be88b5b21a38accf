"""validate + records on case records: every kind of error, with field path, file:line:col and a hint."""

from __future__ import annotations

import datetime as dt

import pytest

from kumihan.diagnostics import Severity

from .diag import assert_explained, codes, only, with_code
from .fictional import CASE_KAEDE, CASE_MOMIJI_DRAFT, CASE_SAKURA

FILE = "content/cases/sakura.yaml"


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def col_of(text: str, needle: str, after: str = "") -> int:
    line = text.splitlines()[line_of(text, needle) - 1]
    return line.index(after or needle) + 1


def test_complete_fictional_record_is_valid(load_case):
    record, diagnostics = load_case(CASE_SAKURA)
    assert record is not None, [d.format() for d in diagnostics]
    assert not diagnostics.has_errors
    assert record.id == "sakura" and record.type == 1 and record.order == 1
    assert record.interviewed_on == dt.date(2024, 11, 20)
    assert record.population == 21489 and record.aging_rate == 40.0
    assert record.short_name == "架空県さくら市社協"
    assert [p.period for p in record.history] == ["令和4年度", "令和5年度"]
    assert [b.heading for b in record.individual][2] == "得られたアウトカム"
    assert record.voices[1].speaker == "山田花子"
    assert record.features[0].figure is not None
    assert record.features[0].figure.credit == "提供：さくら市"


def test_text_fields_keep_the_line_of_their_first_text_line(load_case):
    record, _ = load_case(CASE_SAKURA)
    assert record is not None
    assert record.summary is not None
    assert record.summary.loc.line == line_of(CASE_SAKURA, "架空県さくら市では")
    item = record.individual[1].items[0]
    assert item.value == "研修を開く。"
    assert (item.loc.file, item.loc.line) == (FILE, line_of(CASE_SAKURA, "研修を開く。"))


def test_short_name_defaults_to_place(load_case):
    record, _ = load_case(CASE_KAEDE, "content/cases/kaede.yaml")
    assert record is not None and record.short_name == "架空県かえで町"


def test_misspelt_key_names_nearest_known_key_at_the_keys_line(load_case):
    text = CASE_SAKURA.replace("  population: 21489", "  populaton: 21489")
    record, diagnostics = load_case(text)
    assert record is None
    d = only(diagnostics, "E102")
    assert d.field == "profile.populaton"
    assert (d.loc.file, d.loc.line, d.loc.col) == (FILE, line_of(text, "populaton"), 3)
    assert "population" in d.hint
    assert_explained(d)


def test_misspelt_top_level_key_is_e102_with_hint(load_case):
    text = CASE_SAKURA.replace("summary: |", "sumary: |")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E102")
    assert d.field == "sumary" and "summary" in d.hint
    assert (d.loc.line, d.loc.col) == (line_of(text, "sumary:"), 1)


def test_unknown_key_inside_a_list_block(load_case):
    text = CASE_SAKURA.replace("    speaker: 山田花子", "    speeker: 山田花子")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E102")
    assert d.field == "voices[1].speeker"
    assert "speaker" in d.hint
    assert d.loc.line == line_of(text, "speeker")


def test_population_in_words_is_a_type_error_with_a_digits_hint(load_case):
    text = CASE_SAKURA.replace("population: 21489", "population: 二万人")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E103")
    assert d.field == "profile.population"
    assert (d.loc.line, d.loc.col) == (line_of(text, "二万人"), col_of(text, "二万人"))
    assert "二万人" in d.message
    assert "数字" in d.hint
    assert_explained(d)


def test_number_where_text_is_expected_is_a_type_error(load_case):
    text = CASE_SAKURA.replace("        - 研修を開く。", "        - 1234")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E103")
    assert d.field == "approach.individual[1].items[0]"
    assert d.loc.line == line_of(text, "- 1234")
    assert_explained(d)


def test_list_where_mapping_is_expected_is_a_type_error(load_case):
    start, end = CASE_SAKURA.index("profile:"), CASE_SAKURA.index("history:")
    text = CASE_SAKURA[:start] + "profile: [21489, 40.0]\n" + CASE_SAKURA[end:]
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E103")
    assert d.field == "profile"
    assert d.loc.line == line_of(text, "profile:")
    assert "key: value" in d.message or "キー" in d.message


@pytest.mark.parametrize(
    "bad", ["2024-13-01", "2024/11/01", "2024-02-30", "令和6年11月1日", "2024-11"]
)
def test_bad_interview_date_is_e106(load_case, bad):
    text = CASE_SAKURA.replace("interviewed_on: 2024-11-20", f"interviewed_on: {bad}")
    record, diagnostics = load_case(text)
    assert record is None
    d = only(diagnostics, "E106")
    assert d.field == "interviewed_on"
    assert (d.loc.line, d.loc.col) == (line_of(text, "interviewed_on"), 17)
    assert "YYYY-MM-DD" in d.hint
    assert_explained(d)


def test_type_out_of_range_is_e105(load_case):
    text = CASE_SAKURA.replace("type: 1\n", "type: 4\n")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E105")
    assert d.field == "type"
    assert (d.loc.line, d.loc.col) == (2, 7)
    assert "3" in d.hint
    assert_explained(d)


def test_type_as_text_is_a_type_error(load_case):
    _, diagnostics = load_case(CASE_SAKURA.replace("type: 1\n", "type: 一\n"))
    assert only(diagnostics, "E103").field == "type"


def test_unknown_status_is_e105_listing_allowed_values(load_case):
    text = CASE_SAKURA.replace("status: final", "status: done")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E105")
    assert d.field == "status"
    assert (d.loc.line, d.loc.col) == (4, 9)
    assert "draft" in d.hint and "final" in d.hint
    assert_explained(d)


def test_aging_rate_over_100_is_e105(load_case):
    _, diagnostics = load_case(CASE_SAKURA.replace("aging_rate: 40.0", "aging_rate: 140"))
    assert only(diagnostics, "E105").field == "profile.aging_rate"


def test_bad_id_pattern_is_e105(load_case):
    _, diagnostics = load_case(CASE_SAKURA.replace("id: sakura", "id: Sakura_1"))
    d = only(diagnostics, "E105")
    assert d.field == "id"
    assert_explained(d)


def test_missing_required_field_is_e104_naming_it(load_case):
    text = CASE_SAKURA.replace("title: だれもが担い手になるまちづくり\n", "")
    record, diagnostics = load_case(text)
    assert record is None
    d = only(diagnostics, "E104")
    assert "title" in d.message
    assert "title" in d.hint
    assert d.loc.file == FILE and d.loc.line >= 1
    assert_explained(d)


def test_missing_required_field_has_the_missing_fields_path(load_case):
    # the JSON report's `field` is what tools read: it should name the absent field
    text = CASE_SAKURA.replace("title: だれもが担い手になるまちづくり\n", "")
    _, diagnostics = load_case(text)
    assert only(diagnostics, "E104").field == "title"


def test_voice_without_speaker_is_e104_at_the_voice(load_case):
    text = CASE_SAKURA.replace("    speaker: 山田花子\n", "")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E104")
    assert d.field.startswith("voices[1]")
    assert "speaker" in d.message
    assert d.loc.line == line_of(text, "heading: 今後の課題")


def test_block_without_text_or_items_is_e104(load_case):
    text = CASE_SAKURA.replace("    text: |\n      制度の枠にとらわれず支援する。\n", "")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E104")
    assert d.field == "learnings[0]"
    assert d.loc.line == line_of(text, "heading: 本人を中心とした支援")
    assert "text" in d.message and "items" in d.message
    assert_explained(d)


def test_block_without_heading_is_e104(load_case):
    text = CASE_SAKURA.replace("  - heading: 小さな役割をつくる\n    text:", "  - text:")
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E104")
    assert d.field.startswith("features[1]") and "heading" in d.message


def test_too_many_learnings_is_e105(load_case):
    extra = "".join(f"  - {{heading: 学び{i}, text: 本文}}\n" for i in range(4))
    _, diagnostics = load_case(CASE_SAKURA.replace("learnings:\n", "learnings:\n" + extra))
    d = only(diagnostics, "E105")
    assert d.field == "learnings" and "4" in d.hint


def test_empty_interviewees_is_e105(load_case):
    text = CASE_SAKURA.replace(
        "interviewees:\n  - さくら市社会福祉協議会\n  - 山田花子（地域支え合い推進員）\n",
        "interviewees: []\n",
    )
    _, diagnostics = load_case(text)
    assert only(diagnostics, "E105").field == "interviewees"


@pytest.mark.parametrize(
    "path",
    ["../x.png", "/etc/passwd", "C:\\\\x.png", "http://example.com/x.png", "images/../../x.png"],
)
def test_image_path_leaving_assets_is_e107(load_case, path):
    text = CASE_SAKURA.replace("images/cases/sakura/photo-1.png", path)
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E107")
    assert d.field == "features[0].figure.image"
    assert (d.loc.line, d.loc.col) == (line_of(text, "image: " + path), 14)
    assert_explained(d)


def test_profile_figure_path_is_checked_too(load_case):
    text = CASE_SAKURA.replace("images/cases/sakura/soshikizu.png", "/abs/soshikizu.png")
    _, diagnostics = load_case(text)
    assert only(diagnostics, "E107").field == "profile.figure.image"


def test_image_path_inside_assets_is_fine(load_case):
    _, diagnostics = load_case(CASE_SAKURA)
    assert "E107" not in codes(diagnostics)


def test_final_record_missing_sections_is_one_e403_per_section(load_case):
    text = CASE_MOMIJI_DRAFT.replace("status: draft", "status: final")
    record, diagnostics = load_case(text, "content/cases/momiji.yaml")
    assert record is not None  # schema-valid; the final-status rule is a record check
    found = with_code(diagnostics, "E403")
    assert sorted(d.field for d in found) == sorted(
        [
            "summary",
            "learnings",
            "profile.population",
            "profile.aging_rate",
            "profile.structure",
            "profile.programs",
            "history",
            "approach.individual",
            "approach.community",
            "features",
            "voices",
        ]
    )
    status_line = line_of(text, "status: final")
    for d in found:
        assert d.loc.line == status_line
        assert "draft" in d.hint
        assert_explained(d)


def test_final_record_missing_one_section_names_page_and_section(load_case):
    start = CASE_SAKURA.index("voices:")
    record, diagnostics = load_case(CASE_SAKURA[:start])
    assert record is not None
    d = only(diagnostics, "E403")
    assert d.field == "voices"
    assert "4ページ目" in d.message


def test_draft_record_missing_sections_has_no_e403(load_case):
    record, diagnostics = load_case(CASE_MOMIJI_DRAFT, "content/cases/momiji.yaml")
    assert record is not None and record.is_draft
    assert not diagnostics.has_errors


def test_every_error_of_a_file_is_reported_at_once(load_case):
    text = (
        CASE_SAKURA.replace("type: 1\n", "type: 4\n")
        .replace("status: final", "status: done")
        .replace("interviewed_on: 2024-11-20", "interviewed_on: 2024/11/20")
        .replace("population: 21489", "population: 二万人")
        .replace("  aging_rate: 40.0", "  agingrate: 40.0")
        .replace("    speaker: 山田花子\n", "")
    )
    _, diagnostics = load_case(text)
    assert sorted(codes(diagnostics)) == ["E102", "E103", "E104", "E105", "E105", "E106"]
    fields = {d.field for d in diagnostics}
    assert {"type", "status", "interviewed_on", "profile.population", "profile.agingrate"} <= fields
    ordered = diagnostics.sorted()
    assert [d.loc.line for d in ordered] == sorted(d.loc.line for d in ordered)
    assert all(d.severity is Severity.ERROR for d in ordered)
    for d in ordered:
        assert d.hint, d.format()


def test_formatted_diagnostic_reads_like_the_readme(load_case):
    text = CASE_SAKURA.replace("  population: 21489", "  populaton: 21489")
    _, diagnostics = load_case(text)
    line = line_of(text, "populaton")
    assert only(diagnostics, "E102").format() == (
        f"{FILE}:{line}:3: E102 未知のキー [profile.populaton]: 「populaton」というキーはありません\n"
        "    ヒント: 「population」の書き間違いではありませんか。"
    )


def test_bidi_and_invisible_characters_in_plain_fields_are_refused(load_case):
    # title, place, actor… are printed as they are (band, running head): a U+202E there
    # reorders the printed text just as it would in Markdown
    text = CASE_SAKURA.replace(
        "title: だれもが担い手になるまちづくり", "title: だれもが\u202e担い手になるまちづくり"
    )
    _, diagnostics = load_case(text)
    d = only(diagnostics, "E206")
    assert (d.loc.line, d.field) == (line_of(text, "title:"), "title")
    assert "U+202E" in d.message
