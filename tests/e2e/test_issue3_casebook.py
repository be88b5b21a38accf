"""Issue 3 — the 事例集 (casebook): four pages per case, fitting, and record validation.

How we judge it:
- the sample casebook builds; every case is exactly four pages in the PDF (each case's
  band page found by its title, the next case four pages later) and in LibreOffice's
  rendering of the DOCX (the PDF's page count exactly, every case on the same page);
- fictional records (fictional.py): a short one fits; a long one is fitted (I402) and
  still four pages; one overflowing page 3 by a known amount is reported with page 3 and
  its sections (W401; E401 and exit 1 with --strict); one with an absent picture gets a
  placeholder frame (W108; an error with --strict); one with only the required fields
  (draft) builds;
- schema errors (misspelt key E102 with the nearest key as hint, wrong type E103, bad date
  E106, type: 4 E105, a picture path leaving assets/ E107) give one clear message with
  file, line and field path, exit 1, outputs untouched;
- `build.py check` reports every case's fit (fits / fitted / overflows).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from . import fictional
from .cases import Case, band_page, case_layout_problems, read_cases
from .conftest import Built, Fiction
from .helpers import diagnostics, errors, flow, run_build, snapshot, squash

# builds deliverables and runs LibreOffice (pyproject.toml: the "slow" marker)
pytestmark = pytest.mark.slow

CASEBOOK_PDFS = ["事例集_web.pdf", "事例集.pdf"]
OVERFLOW_FILES = ("content/cases/momiji-over.yaml", "content/cases/momiji-over-more.yaml")
PAGE3_SECTIONS = ("個別支援を起点とした地域への働きかけ", "地域そのものへの働きかけ")


# ---------------------------------------------------------------------- the sample


def test_sample_casebook_builds(sample: Built) -> None:
    for name in ("事例集.pdf", "事例集_web.pdf", "事例集.docx"):
        assert sample.path(name).stat().st_size > 0, name
    assert not errors(sample.run.output), sample.run


@pytest.mark.parametrize("name", CASEBOOK_PDFS)
def test_sample_every_case_is_four_pages_in_pdf(sample: Built, name: str) -> None:
    cases = read_cases(sample.root)
    pdf = sample.pdf(name)
    starts, problems = case_layout_problems(pdf, cases, name)
    assert not problems, "\n".join(problems)
    last = max(starts.values())
    assert last + 4 <= len(pdf), (
        f"{name}: the last case needs pages {last + 1}–{last + 4}, the PDF has {len(pdf)}"
    )


def test_sample_every_case_is_four_pages_in_libreoffice(sample: Built) -> None:
    cases = read_cases(sample.root)
    pdf = sample.pdf("事例集_web.pdf")
    lo = sample.lo("事例集")
    ours, _ = case_layout_problems(pdf, cases, "PDF")
    theirs, problems = case_layout_problems(lo, cases, "LibreOffice")
    assert not problems, "\n".join(problems)
    assert len(lo) == len(pdf), f"LibreOffice renders {len(lo)} pages, the PDF has {len(pdf)}"
    moved = {
        cid: (ours[cid] + 1, theirs.get(cid, -2) + 1)
        for cid in ours
        if theirs.get(cid) != ours[cid]
    }
    assert not moved, (
        f"cases starting on another page in LibreOffice (PDF page, LibreOffice page): {moved}"
    )


# ---------------------------------------------------------------------- fictional records


def reported_for(text: str, file: str, code: str | None = None) -> list:
    return [d for d in diagnostics(text) if d.file == file and (code is None or d.code == code)]


def test_fictional_casebook_builds_with_warnings(fiction: Fiction) -> None:
    run = fiction.run
    assert run.code == 0, str(run)
    assert not errors(run.output), str(run)
    for name in ("事例集.pdf", "事例集_web.pdf", "事例集.docx"):
        assert fiction.path(name).is_file(), name


@pytest.mark.parametrize("name", CASEBOOK_PDFS)
def test_fictional_cases_are_four_pages_in_pdf(fiction: Fiction, name: str) -> None:
    """Every case, the overflowing ones included (their excess is cut and marked), keeps
    exactly four pages."""
    assert fiction.run.code == 0, str(fiction.run)
    cases = read_cases(fiction.root)
    assert {"sakura", "tsubaki-noimage", "ume-draft", "momiji-over", "momiji-over-more"} <= {
        c.id for c in cases
    }
    _starts, problems = case_layout_problems(fiction.pdf(name), cases, name)
    assert not problems, "\n".join(problems)


def test_fictional_cases_are_four_pages_in_libreoffice(fiction: Fiction) -> None:
    """In Word (LibreOffice) too, up to the first overflowing case (whose excess Word cannot
    cut), every case starts where it starts in the PDF."""
    assert fiction.run.code == 0, str(fiction.run)
    cases = read_cases(fiction.root)
    upto = next(i for i, c in enumerate(cases) if c.id == "momiji-over") + 1
    ours, _ = case_layout_problems(fiction.pdf("事例集_web.pdf"), cases[:upto], "PDF")
    _theirs, problems = case_layout_problems(fiction.lo("事例集"), cases[: upto - 1], "LibreOffice")
    assert not problems, "\n".join(problems)
    for case in cases[:upto]:
        assert band_page(fiction.lo("事例集"), case) == ours[case.id], (
            f"case {case.id}: PDF page {ours[case.id] + 1}, LibreOffice page"
            f" {band_page(fiction.lo('事例集'), case) + 1}"
        )


def test_short_record_fits_without_any_remark(fiction: Fiction) -> None:
    file = "content/cases/sakura.yaml"
    assert fiction.check is not None
    assert not reported_for(fiction.run.output, file), fiction.run.output
    assert not reported_for(fiction.check.output, file), fiction.check.output
    assert fit_verdicts(fiction.check.stdout)["sakura"].startswith("収まる"), fiction.check.stdout


def overflow_points(message: str) -> float:
    match = re.search(r"でも\s*([\d.]+)\s*pt", message)
    assert match, message
    return float(match.group(1))


def test_overflow_names_page_3_its_sections_and_the_known_amount(fiction: Fiction) -> None:
    amounts = {}
    for file in OVERFLOW_FILES:
        found = reported_for(fiction.run.output, file, "W401")
        assert len(found) == 1, (
            f"{file}: expected one W401 in the build output:\n{fiction.run.output}"
        )
        message = found[0].text
        assert "3ページ目" in message, message
        for section in PAGE3_SECTIONS:
            assert section in message, f"{file}: the report does not name {section}: {message}"
        assert not re.search(r"[124]ページ目", message), f"only page 3 overflows: {message}"
        points = overflow_points(message)
        lines = re.search(r"約(\d+)行", message)
        assert lines, message
        # the estimate of lines to cut follows from the amount (13.5 pt lines at the last step)
        assert abs(int(lines.group(1)) - points / fictional.LAST_STEP_LEADING) <= 1, message
        assert found[0].hint and "3ページ目" in found[0].hint, found[0]
        amounts[file] = points
    more, less = amounts[OVERFLOW_FILES[1]], amounts[OVERFLOW_FILES[0]]
    known = fictional.EXTRA_LINES * fictional.LAST_STEP_LEADING
    # the printed figures are whole points: allow one point of rounding
    assert abs((more - less) - known) <= 1.0, (
        f"{fictional.EXTRA_LINES} more lines ({known} pt) should overflow by {known} pt more;"
        f" reported {less} pt and {more} pt"
    )


def test_overflow_fails_with_strict(fiction: Fiction) -> None:
    assert fiction.strict_check is not None and fiction.strict_build is not None
    for run in (fiction.strict_check, fiction.strict_build):
        assert run.code == 1, str(run)
        for file in OVERFLOW_FILES:
            found = reported_for(run.output, file, "E401")
            assert len(found) == 1, f"{file}: expected E401 with --strict:\n{run.output}"
            assert "3ページ目" in found[0].text
    assert fiction.after_strict == fiction.before_strict, "a failed --strict build changed output/"


def pages_of(pdf, case: Case) -> list[str]:
    start = band_page(pdf, case)
    assert start >= 0, case
    return [flow(pdf.bodies[start + i]) for i in range(4)]


def test_absent_picture_is_a_frame_and_a_warning(fiction: Fiction) -> None:
    file = "content/cases/tsubaki-noimage.yaml"
    line = fictional.line_of(fictional.NO_IMAGE, "image: images/cases/tsubaki/photo-1.jpg")
    found = reported_for(fiction.run.output, file, "W108")
    assert [d.line for d in found] == [line], (
        f"expected W108 at {file}:{line}:\n{fiction.run.output}"
    )
    case = next(c for c in read_cases(fiction.root) if c.id == "tsubaki-noimage")
    for name in CASEBOOK_PDFS:
        page4 = pages_of(fiction.pdf(name), case)[3]
        assert squash("図版準備中") in page4 and squash("（写真）架空の居場所") in page4, (
            f"{name}: no placeholder frame with the caption on page 4: {page4[:300]}"
        )


def test_absent_picture_is_an_error_with_strict(fiction: Fiction) -> None:
    file = "content/cases/tsubaki-noimage.yaml"
    line = fictional.line_of(fictional.NO_IMAGE, "image: images/cases/tsubaki/photo-1.jpg")
    assert fiction.strict_build is not None and fiction.strict_check is not None
    for run in (fiction.strict_build, fiction.strict_check):
        assert run.code == 1, str(run)
        found = [d for d in reported_for(run.output, file) if d.code in ("E108", "W108")]
        assert [d.line for d in found] == [line], (
            f"--strict: the absent picture is not reported:\n{run.output}"
        )


def test_draft_with_every_optional_field_missing_builds(fiction: Fiction) -> None:
    file = "content/cases/ume-draft.yaml"
    assert fiction.run.code == 0, str(fiction.run)
    assert reported_for(fiction.run.output, file, "W403"), fiction.run.output
    assert not [d for d in reported_for(fiction.run.output, file) if d.code.startswith("E")]
    case = next(c for c in read_cases(fiction.root) if c.id == "ume-draft")
    for name in CASEBOOK_PDFS:
        for number, page in enumerate(pages_of(fiction.pdf(name), case), 1):
            assert squash("原稿準備中") in page, (
                f"{name}: page {number} of the draft shows no 原稿準備中"
            )


def fit_verdicts(stdout: str) -> dict[str, str]:
    """The `check` listing under 事例の収まり: case id → verdict (each id once)."""
    assert "事例の収まり" in stdout, stdout
    listing = stdout.split("事例の収まり", 1)[1]
    verdicts: dict[str, str] = {}
    for line in listing.splitlines()[1:]:
        match = re.match(r"^\s+([a-z0-9-]+)\s+(\S.*)$", line)
        if not match:
            if verdicts:
                break
            continue
        assert match.group(1) not in verdicts, f"{match.group(1)} listed twice:\n{stdout}"
        verdicts[match.group(1)] = match.group(2)
    return verdicts


FITS = re.compile(r"^収まる（[\d.]+pt・行送り[\d.]+pt）$")
FITTED = re.compile(r"^[\d.]+pt・行送り[\d.]+pt に縮小して収まる$")
OVERFLOWS = re.compile(r"^はみ出し（.*\dページ目 [\d.]+pt.*）$")


def test_check_reports_every_case_fit(fiction: Fiction) -> None:
    assert fiction.check is not None
    assert fiction.check.code == 0, str(fiction.check)
    verdicts = fit_verdicts(fiction.check.stdout)
    ids = {c.id for c in read_cases(fiction.root)}
    assert set(verdicts) == ids, f"check lists {sorted(verdicts)}, the cases are {sorted(ids)}"
    for case_id, verdict in verdicts.items():
        assert FITS.match(verdict) or FITTED.match(verdict) or OVERFLOWS.match(verdict), (
            case_id,
            verdict,
        )
    for case_id in ("sakura", "tsubaki-noimage", "ume-draft"):
        assert FITS.match(verdicts[case_id]), (case_id, verdicts[case_id])
    for case_id in ("momiji-over", "momiji-over-more"):
        assert OVERFLOWS.match(verdicts[case_id]) and "3ページ目" in verdicts[case_id], verdicts[
            case_id
        ]
    assert FITTED.match(verdicts["yabu"]), verdicts["yabu"]  # the sample's own long case
    cases = fiction.check_json.get("cases")
    assert isinstance(cases, dict) and set(cases) == ids, fiction.check_json


# ---------------------------------------------------------------------- the long record


def test_long_record_is_fitted_and_reported(long_case: Fiction) -> None:
    file = "content/cases/kaede-long.yaml"
    assert long_case.check is not None
    assert reported_for(long_case.check.output, file, "I402"), long_case.check.output
    assert FITTED.match(fit_verdicts(long_case.check.stdout)["kaede-long"]), long_case.check.stdout
    assert long_case.run.code == 0, str(long_case.run)
    assert reported_for(long_case.run.output, file, "I402"), long_case.run.output


@pytest.mark.parametrize("name", CASEBOOK_PDFS)
def test_long_record_keeps_four_pages_in_pdf(long_case: Fiction, name: str) -> None:
    assert long_case.run.code == 0, str(long_case.run)
    _starts, problems = case_layout_problems(long_case.pdf(name), read_cases(long_case.root), name)
    assert not problems, "\n".join(problems)


def test_long_record_keeps_four_pages_in_libreoffice(long_case: Fiction) -> None:
    assert long_case.run.code == 0, str(long_case.run)
    cases = read_cases(long_case.root)
    pdf = long_case.pdf("事例集_web.pdf")
    ours, _ = case_layout_problems(pdf, cases, "PDF")
    theirs, problems = case_layout_problems(long_case.lo("事例集"), cases, "LibreOffice")
    assert not problems, "\n".join(problems)
    assert theirs == ours
    assert len(long_case.lo("事例集")) == len(pdf)


# ---------------------------------------------------------------------- schema errors


def misspell(text: str) -> tuple[str, str]:
    return text.replace("  population: 12345", "  populaton: 12345"), "populaton:"


def wrong_type(text: str) -> tuple[str, str]:
    return text.replace("  population: 12345", "  population: 二万人"), "population: 二万人"


def bad_date(text: str) -> tuple[str, str]:
    return text.replace(
        "interviewed_on: 2024-11-20", "interviewed_on: 2024-13-45"
    ), "interviewed_on:"


def bad_type(text: str) -> tuple[str, str]:
    return text.replace("type: 1\n", "type: 4\n"), "type: 4"


def image_up(text: str) -> tuple[str, str]:
    changed = text.replace("images/cases/sakura/soshikizu.png", "../content/project.yaml")
    return changed, "image: ../content/project.yaml"


def image_absolute(text: str) -> tuple[str, str]:
    changed = text.replace("images/cases/sakura/soshikizu.png", "/etc/hostname")
    return changed, "image: /etc/hostname"


@pytest.mark.parametrize(
    ("change", "code", "field", "hint"),
    [
        (misspell, "E102", "profile.populaton", "population"),
        (wrong_type, "E103", "profile.population", ""),
        (bad_date, "E106", "interviewed_on", ""),
        (bad_type, "E105", "type", ""),
        (image_up, "E107", "profile.figure.image", ""),
        (image_absolute, "E107", "profile.figure.image", ""),
    ],
    ids=["misspelt-key", "wrong-type", "bad-date", "type-4", "image-dotdot", "image-absolute"],
)
def test_schema_error_one_clear_message(
    broken_project: Path, change: Callable[[str], tuple[str, str]], code: str, field: str, hint: str
) -> None:
    fictional.add_records(broken_project, {"sakura": fictional.SHORT})
    text, marker = change(fictional.SHORT)
    assert text != fictional.SHORT
    file = "content/cases/sakura.yaml"
    (broken_project / file).write_text(text, encoding="utf-8")
    line = fictional.line_of(text, marker)
    before = snapshot(broken_project / "output")
    run = run_build(broken_project)
    found = errors(run.stderr)
    assert run.code == 1, str(run)
    assert len(found) == 1, f"expected one error, got {len(found)}:\n{run.stderr}"
    error = found[0]
    assert (error.file, error.line, error.code) == (file, line, code), (
        f"expected {file}:{line} {code}, got {error.file}:{error.line} {error.code}\n{run.stderr}"
    )
    assert error.col > 0, f"no column: {run.stderr}"
    assert error.field == field, f"field path {error.field!r}, expected {field!r}: {run.stderr}"
    assert error.hint, f"no hint: {run.stderr}"
    if hint:
        assert hint in error.hint, f"the hint does not suggest {hint!r}: {error.hint}"
    assert snapshot(broken_project / "output") == before, "output/ changed after a failed build"


def test_fictional_records_are_fictional() -> None:
    """The test records name no real place: every place is in 架空県."""
    for text in [fictional.SHORT, fictional.LONG, *fictional.RECORDS.values()]:
        place = re.search(r"^place: (.*)$", text, re.M)
        assert place and place.group(1).startswith("架空県"), place
