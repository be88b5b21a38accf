"""records + content: id/file name, policy sheets, surveys, project.yaml, draft records, whole content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kumihan.diagnostics import Diagnostics, Severity
from kumihan.load.content import load_content
from kumihan.load.records import read_policy, read_project, read_survey
from kumihan.load.validate import validate
from kumihan.load.yamlsource import parse_yaml

from .diag import assert_explained, codes, only, with_code
from .fictional import (
    CASE_MOMIJI_DRAFT,
    CASE_SAKURA,
    POLICY,
    PROJECT_YAML,
    SURVEY,
    make_project,
    write,
)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _read(text: str, schema: str, reader, file: str):
    diagnostics = Diagnostics()
    located = parse_yaml(text, file, diagnostics)
    assert located is not None, [d.format() for d in diagnostics]
    if not validate(located, schema, diagnostics):
        return None, diagnostics
    return reader(located, diagnostics), diagnostics


# ---------------------------------------------------------------- id = file name


def test_id_differing_from_file_name_is_e111(tmp_path: Path):
    root = make_project(
        tmp_path, cases={"sakura": CASE_SAKURA.replace("id: sakura", "id: sakura-shi")}
    )
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    d = only(diagnostics, "E111")
    assert d.field == "id"
    assert (d.loc.file, d.loc.line, d.loc.col) == ("content/cases/sakura.yaml", 1, 5)
    assert "sakura-shi" in d.message and "sakura.yaml" in d.message
    assert_explained(d)
    # the record with a wrong id must not slip through under either name
    assert "sakura-shi" not in content.cases


def test_policy_id_differing_from_file_name_is_e111(tmp_path: Path):
    root = make_project(tmp_path)
    write(root, "content/policies/kakuu-seido.yaml", POLICY.replace("id: kakuu-seido", "id: other"))
    diagnostics = Diagnostics()
    load_content(root, diagnostics)
    assert only(diagnostics, "E111").loc.file == "content/policies/kakuu-seido.yaml"


# ---------------------------------------------------------------- policy sheets


def test_policy_sheet_reads_every_field():
    policy, diagnostics = _read(POLICY, "policy", read_policy, "content/policies/kakuu-seido.yaml")
    assert policy is not None and not diagnostics
    assert policy.ministry == "架空省" and policy.category == "財政支援"
    assert [e.value for e in policy.examples] == ["空き店舗を拠点にした例（架空県さくら市）"]
    assert policy.links[0].url == "https://example.com/seido"
    assert policy.sources[0].accessed == dt.date(2024, 9, 24)
    assert policy.overview.loc.line == line_of(POLICY, "overview:")


def test_policy_sheet_missing_ministry_is_e104():
    text = POLICY.replace("ministry: 架空省\n", "")
    policy, diagnostics = _read(text, "policy", read_policy, "content/policies/kakuu-seido.yaml")
    assert policy is None
    d = only(diagnostics, "E104")
    assert "ministry" in d.message
    assert d.loc.file == "content/policies/kakuu-seido.yaml"
    assert_explained(d)


def test_policy_link_must_be_http():
    text = POLICY.replace('url: "https://example.com/seido"', 'url: "javascript:alert(1)"')
    _, diagnostics = _read(text, "policy", read_policy, "content/policies/kakuu-seido.yaml")
    d = only(diagnostics, "E105")
    assert d.field == "links[0].url"
    assert "http" in d.hint


def test_policy_source_bad_access_date_is_e106():
    text = POLICY.replace("accessed: 2024-09-24", "accessed: 2024-09-31")
    _, diagnostics = _read(text, "policy", read_policy, "content/policies/kakuu-seido.yaml")
    assert only(diagnostics, "E106").field == "sources[0].accessed"


# ---------------------------------------------------------------- surveys


def test_survey_response_rate_is_computed():
    survey, diagnostics = _read(SURVEY, "survey", read_survey, "content/survey/pref.yaml")
    assert survey is not None and not diagnostics
    assert round(survey.response_rate, 1) == 95.7
    assert survey.period == (dt.date(2024, 8, 26), dt.date(2024, 9, 13))


def test_single_answer_tallies_not_adding_up_to_n_is_e502():
    text = SURVEY.replace("{label: その他の回答, count: 36}", "{label: その他の回答, count: 35}")
    survey, diagnostics = _read(text, "survey", read_survey, "content/survey/pref.yaml")
    assert survey is not None
    d = only(diagnostics, "E502")
    assert d.field == "questions[0].options"
    assert "44" in d.message and "45" in d.message
    assert d.loc.line == line_of(text, "{label: 把握している")
    assert "multiple" in d.hint
    assert_explained(d)


def test_multiple_answer_tallies_may_exceed_n():
    survey, diagnostics = _read(SURVEY, "survey", read_survey, "content/survey/pref.yaml")
    assert survey is not None
    question = survey.questions[1]
    assert question.multiple and sum(o.count for o in question.options) > question.n
    assert "E502" not in codes(diagnostics)


def test_multiple_answer_count_above_n_is_e502():
    text = SURVEY.replace("{label: 住民の要望, count: 30}", "{label: 住民の要望, count: 46}")
    _, diagnostics = _read(text, "survey", read_survey, "content/survey/pref.yaml")
    assert only(diagnostics, "E502").field == "questions[1].options"


def test_valid_responses_above_population_is_e502():
    text = SURVEY.replace("valid: 45", "valid: 48")
    _, diagnostics = _read(text, "survey", read_survey, "content/survey/pref.yaml")
    assert "valid" in [d.field for d in with_code(diagnostics, "E502")]


def test_question_n_above_valid_is_e502():
    text = SURVEY.replace("valid: 45", "valid: 40")
    _, diagnostics = _read(text, "survey", read_survey, "content/survey/pref.yaml")
    assert {"questions[0].n", "questions[1].n"} <= {d.field for d in with_code(diagnostics, "E502")}


def test_unknown_chart_kind_is_e105():
    text = SURVEY.replace("chart: hbar", "chart: donut")
    _, diagnostics = _read(text, "survey", read_survey, "content/survey/pref.yaml")
    assert only(diagnostics, "E105").field == "questions[0].chart"


# ---------------------------------------------------------------- project.yaml


def test_project_reads_schedule_and_committee():
    project, diagnostics = _read(PROJECT_YAML, "project", read_project, "content/project.yaml")
    assert project is not None and not diagnostics
    assert project.months == ("2024-11", "2024-12", "2025-01", "2025-02")
    assert project.tasks[0].marks == (("2024-12", "第1回"),)
    assert project.tasks[1].periods[0].start == "2024-12"
    assert project.members[1].role == "委員長"
    assert project.meetings[0].date == dt.date(2024, 9, 30)


def test_schedule_period_outside_months_is_e105():
    text = PROJECT_YAML.replace(
        '{from: "2024-12", to: "2025-01"', '{from: "2024-12", to: "2025-04"'
    )
    _, diagnostics = _read(text, "project", read_project, "content/project.yaml")
    d = only(diagnostics, "E105")
    assert d.field == "schedule.tasks[1].periods[0]"
    assert "2025-04" in d.message
    assert d.loc.line == line_of(text, "2025-04")
    assert_explained(d)


def test_schedule_period_ending_before_it_starts_is_e105():
    text = PROJECT_YAML.replace(
        '{from: "2024-12", to: "2025-01"', '{from: "2025-01", to: "2024-12"'
    )
    _, diagnostics = _read(text, "project", read_project, "content/project.yaml")
    d = only(diagnostics, "E105")
    assert "2025-01" in d.message and "2024-12" in d.message
    assert "入れ替え" in d.hint


def test_schedule_mark_outside_months_is_e105():
    text = PROJECT_YAML.replace('marks: {"2024-12": 第1回}', 'marks: {"2025-03": 第1回}')
    _, diagnostics = _read(text, "project", read_project, "content/project.yaml")
    d = only(diagnostics, "E105")
    assert d.field == "schedule.tasks[0].marks.2025-03"


def test_schedule_month_in_bad_form_is_e105_with_hint():
    text = PROJECT_YAML.replace('months: ["2024-11",', 'months: ["2024-13",')
    _, diagnostics = _read(text, "project", read_project, "content/project.yaml")
    d = next(d for d in diagnostics if d.field == "schedule.months[0]")
    assert d.code == "E105" and "YYYY-MM" in d.hint


def test_meeting_time_in_bad_form_is_e105():
    text = PROJECT_YAML.replace('start: "15:00"', 'start: "25:00"')
    _, diagnostics = _read(text, "project", read_project, "content/project.yaml")
    d = only(diagnostics, "E105")
    assert d.field == "committee.meetings[0].start" and "HH:MM" in d.hint


def test_postcode_in_bad_form_is_e105():
    text = PROJECT_YAML.replace("postcode: 123-4567", "postcode: 12-34567")
    _, diagnostics = _read(text, "project", read_project, "content/project.yaml")
    assert only(diagnostics, "E105").field == "organisation.postcode"


# ---------------------------------------------------------------- the whole content/ directory


def test_fictional_project_loads_without_errors(tmp_path: Path):
    root = make_project(tmp_path, draft=True)
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    assert not diagnostics.has_errors, [d.format() for d in diagnostics]
    assert content.project is not None
    assert set(content.cases) == {"sakura", "kaede", "momiji"}
    assert [c.id for c in content.cases_in_order()] == ["sakura", "momiji", "kaede"]
    assert set(content.policies) == {"kakuu-seido"} and set(content.surveys) == {"pref"}
    assert "summary/01-purpose.md" in content.chapters


def test_errors_of_every_file_are_reported_in_one_run(tmp_path: Path):
    root = make_project(tmp_path)
    write(root, "content/cases/sakura.yaml", CASE_SAKURA.replace("type: 1\n", "type: 9\n"))
    write(root, "content/cases/kaede.yaml", "id: kaede\ntitle: [\n")
    write(root, "content/policies/kakuu-seido.yaml", POLICY.replace("ministry: 架空省\n", ""))
    write(
        root,
        "content/project.yaml",
        PROJECT_YAML.replace("fiscal_year: 2024", "fiscal_year: 二〇二四"),
    )
    write(root, "content/summary/01-purpose.md", "# 題\n\n<br>\n")
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    by_file = {d.loc.file: d.code for d in diagnostics.errors}
    assert by_file == {
        "content/cases/sakura.yaml": "E105",
        "content/cases/kaede.yaml": "E101",
        "content/policies/kakuu-seido.yaml": "E104",
        "content/project.yaml": "E103",
        "content/summary/01-purpose.md": "E201",
    }
    assert content.project is None and not content.cases and not content.policies
    ordered = diagnostics.sorted()
    assert [(d.loc.file, d.loc.line) for d in ordered] == sorted(
        (d.loc.file, d.loc.line) for d in ordered
    )


def test_missing_content_directory_is_e100(tmp_path: Path):
    diagnostics = Diagnostics()
    load_content(tmp_path, diagnostics)
    assert codes(diagnostics) == ["E100"]


def test_missing_project_yaml_is_e100(tmp_path: Path):
    root = make_project(tmp_path)
    (root / "content" / "project.yaml").unlink()
    diagnostics = Diagnostics()
    load_content(root, diagnostics)
    d = only(diagnostics, "E100")
    assert d.loc.file == "content/project.yaml"


def test_yaml_file_that_is_a_list_is_a_type_error_not_a_crash(tmp_path: Path):
    root = make_project(tmp_path)
    write(root, "content/cases/sakura.yaml", "- id: sakura\n- type: 1\n")
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    assert "sakura" not in content.cases
    assert only(diagnostics, "E103").loc.file == "content/cases/sakura.yaml"


def test_content_readme_is_not_a_chapter(tmp_path: Path):
    root = make_project(tmp_path)
    write(root, "content/README.md", "<b>editors' guide</b>\n")
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    assert "README.md" not in content.chapters and not diagnostics.has_errors


def test_draft_record_loads_with_no_error_and_its_sections_absent(tmp_path: Path):
    root = make_project(tmp_path, cases={"momiji": CASE_MOMIJI_DRAFT})
    diagnostics = Diagnostics()
    content = load_content(root, diagnostics)
    record = content.cases["momiji"]
    assert record.is_draft and record.summary is None and record.voices == ()
    assert all(d.severity is not Severity.ERROR for d in diagnostics)
