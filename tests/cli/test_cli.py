"""The command line, run as editors run it: `python build.py …` in a project directory."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import time
from pathlib import Path

import pikepdf
import pytest
from docx import Document as DocxDocument

from load.fictional import CASE_KAEDE, CASE_MOMIJI_DRAFT, CASE_SAKURA, POLICY, write

from .runner import run_build, snapshot, start_build

pytestmark = pytest.mark.slow

OUTPUTS = {
    "概略書.pdf",
    "概略書_web.pdf",
    "概略書.docx",
    "事例集.pdf",
    "事例集_web.pdf",
    "事例集.docx",
    "報告書.pdf",
    "報告書_web.pdf",
    "報告書.docx",
}


def assert_valid_outputs(out: Path, names: set[str] = OUTPUTS) -> None:
    """Every output opens: PDFs with pikepdf (pages > 0), DOCX with python-docx (has text)."""
    for name in names:
        data = (out / name).read_bytes()
        if name.endswith(".pdf"):
            with pikepdf.open(io.BytesIO(data)) as pdf:
                assert len(pdf.pages) > 0, name
        else:
            document = DocxDocument(io.BytesIO(data))
            assert any(p.text.strip() for p in document.paragraphs), name


def temporary_files(root: Path) -> list[str]:
    return [
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and (p.name.endswith((".part", ".tmp")) or p.name.startswith("tmp"))
    ]


def break_a_case(root: Path) -> None:
    write(
        root,
        "content/cases/sakura.yaml",
        CASE_SAKURA.replace("  population: 21489", "  populaton: 21489"),
    )


# ---------------------------------------------------------------- exit codes


def test_build_writes_every_file_and_exits_0(clean_project: Path):
    result = run_build(clean_project)
    assert result.returncode == 0, result.stderr
    out = clean_project / "output"
    assert {p.name for p in out.iterdir() if p.is_file() and not p.name.startswith(".")} == OUTPUTS
    assert_valid_outputs(out)
    assert "9 個のファイル" in result.stdout
    assert temporary_files(clean_project) == []


def test_one_deliverable_one_format_one_variant(clean_project: Path):
    result = run_build(
        clean_project, "summary", "--format", "pdf", "--variant", "screen", "--out", "dist"
    )
    assert result.returncode == 0, result.stderr
    written = {
        p.name
        for p in (clean_project / "dist").iterdir()
        if p.is_file() and not p.name.startswith(".")
    }
    assert written == {"概略書_web.pdf"}
    assert not (clean_project / "output").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("brochure",),
        ("summary", "leaflet"),
        ("--format", "pdf,odt"),
        ("--format", ""),
        ("--variant", "proof"),
        ("--jobs", "many"),
        ("--no-such-option",),
        ("check", "--no-such-option"),
        ("preflight", "no-such-file.pdf"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(clean_project: Path, args):
    result = run_build(clean_project, *args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert result.stderr.strip()
    assert not (clean_project / "output").exists()


def test_content_error_exits_1_naming_file_line_and_code(clean_project: Path):
    break_a_case(clean_project)
    result = run_build(clean_project, "casebook")
    assert result.returncode == 1
    line = next(i for i, s in enumerate(CASE_SAKURA.splitlines(), 1) if "population:" in s)
    assert f"content/cases/sakura.yaml:{line}:3: E102" in result.stderr
    assert "population" in result.stderr
    assert not (clean_project / "output").exists()


def test_check_exits_0_on_clean_content_and_1_on_errors(clean_project: Path):
    assert run_build(clean_project, "check").returncode == 0
    break_a_case(clean_project)
    result = run_build(clean_project, "check")
    assert result.returncode == 1
    assert "E102" in result.stdout
    assert not (clean_project / "output").exists()


# ---------------------------------------------------------------- check --json


def test_check_json_reports_every_problem_sorted_with_all_fields(clean_project: Path):
    root = clean_project
    write(
        root,
        "content/cases/sakura.yaml",
        CASE_SAKURA.replace("type: 1\n", "type: 7\n").replace(
            "population: 21489", "population: 二万人"
        ),
    )
    write(
        root,
        "content/cases/kaede.yaml",
        CASE_KAEDE.replace("interviewed_on: 2024-10-05", "interviewed_on: 2024/10/05"),
    )
    write(root, "content/policies/kakuu-seido.yaml", POLICY.replace("ministry: 架空省\n", ""))
    write(
        root,
        "content/guidebook/01-kangaekata.md",
        "# ガイドブック {#sec:guidebook}\n\n<b>太字</b>\n\n[x](javascript:x)\n",
    )
    result = run_build(root, "check", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False
    problems = report["problems"]
    expected = {
        ("content/cases/kaede.yaml", "E106"),
        ("content/cases/sakura.yaml", "E105"),
        ("content/cases/sakura.yaml", "E103"),
        ("content/guidebook/01-kangaekata.md", "E201"),
        ("content/guidebook/01-kangaekata.md", "E205"),
        ("content/policies/kakuu-seido.yaml", "E104"),
    }
    # (with both case records broken, the layouts' `cases` parts also report E501)
    assert {
        (p["file"], p["code"]) for p in problems if p["file"].startswith("content/")
    } == expected
    keys = [(p["file"], p["line"], p["column"]) for p in problems]
    assert keys == sorted(keys)
    for problem in problems:
        assert {"file", "line", "column", "code", "field", "message", "hint", "severity"} <= set(
            problem
        )
        assert problem["line"] > 0 and problem["message"] and problem["hint"]
    by_code = {p["code"]: p for p in problems}
    assert by_code["E103"]["field"] == "profile.population"
    assert by_code["E105"]["field"] == "type"
    assert by_code["E106"]["field"] == "interviewed_on"
    assert by_code["E103"]["column"] > 0


def test_build_reports_every_problem_at_once_sorted_by_file_and_line(clean_project: Path):
    root = clean_project
    write(root, "content/policies/kakuu-seido.yaml", POLICY.replace("ministry: 架空省\n", ""))
    write(
        root,
        "content/cases/kaede.yaml",
        CASE_KAEDE.replace("type: 2", "type: 5").replace("status: final", "status: fin"),
    )
    write(
        root,
        "content/guidebook/01-kangaekata.md",
        "# ガイドブック {#sec:guidebook}\n\n<b>x</b>\n\n### 飛ぶ\n",
    )
    result = run_build(root, "report", "--format", "pdf", "--variant", "print")
    assert result.returncode == 1
    located = [
        line.split(": ", 1)[0]
        for line in result.stderr.splitlines()
        if line.startswith(("content/", "layouts/")) and ": E" in line
    ]
    keys = [(w.split(":")[0], int(w.split(":")[1])) for w in located]
    assert keys == sorted(keys)
    assert {k[0] for k in keys} >= {
        "content/cases/kaede.yaml",
        "content/guidebook/01-kangaekata.md",
        "content/policies/kakuu-seido.yaml",
    }
    assert f"エラー {len(located)} 件" in result.stderr


def test_check_json_lists_every_cases_fit(clean_project: Path):
    write(clean_project, "content/cases/momiji.yaml", CASE_MOMIJI_DRAFT)
    result = run_build(clean_project, "check", "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert set(report["cases"]) == {"sakura", "kaede", "momiji"}
    assert all(report["cases"][c] for c in report["cases"])
    assert [p["code"] for p in report["problems"]] == ["W403"]


def test_check_writes_nothing(clean_project: Path):
    before = {
        p.relative_to(clean_project).as_posix()
        for p in clean_project.rglob("*")
        if ".kumihan-cache" not in p.parts
    }
    run_build(clean_project, "check")
    after = {
        p.relative_to(clean_project).as_posix()
        for p in clean_project.rglob("*")
        if ".kumihan-cache" not in p.parts
    }
    assert after == before


# ---------------------------------------------------------------- --strict


def test_strict_turns_a_draft_record_into_a_failure(clean_project: Path):
    assert run_build(clean_project, "check", "--strict").returncode == 0
    write(clean_project, "content/cases/momiji.yaml", CASE_MOMIJI_DRAFT)
    assert run_build(clean_project, "check").returncode == 0
    result = run_build(clean_project, "check", "--strict", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert any(
        p["code"] == "W403" and p["file"] == "content/cases/momiji.yaml" for p in report["problems"]
    )
    build = run_build(clean_project, "casebook", "--strict")
    assert build.returncode == 1
    assert "W403" in build.stderr
    assert not (clean_project / "output").exists()


def test_strict_fails_on_a_missing_case_picture(clean_project: Path):
    (clean_project / "assets/images/cases/sakura/soshikizu.png").unlink()
    assert run_build(clean_project, "check").returncode == 0
    result = run_build(clean_project, "check", "--strict")
    assert result.returncode == 1
    assert "W108" in result.stdout


def test_strict_fails_on_a_missing_feature_photo(clean_project: Path):
    # the photo beside a ○ feature story is a picture like any other
    (clean_project / "assets/images/cases/sakura/photo-1.png").unlink()
    result = run_build(clean_project, "check", "--strict")
    assert result.returncode == 1, result.stdout
    assert "photo-1.png" in result.stdout


def test_strict_fails_on_a_missing_picture_in_a_draft_chapter(clean_project: Path):
    write(
        clean_project,
        "content/guidebook/01-kangaekata.md",
        "---\nstatus: draft\n---\n\n# ガイドブック {#sec:guidebook}\n\n![全体像](images/guide/none.png)\n",
    )
    assert run_build(clean_project, "check").returncode == 0
    result = run_build(clean_project, "check", "--strict")
    assert result.returncode == 1, result.stdout
    assert "none.png" in result.stdout


# ---------------------------------------------------------------- safe output


def test_failed_build_leaves_previous_output_byte_identical(clean_project: Path):
    assert run_build(clean_project).returncode == 0
    out = clean_project / "output"
    before = snapshot(out)
    break_a_case(clean_project)
    result = run_build(clean_project, "--no-cache")
    assert result.returncode == 1
    assert "既存の出力は変更していません" in result.stderr
    assert snapshot(out) == before
    assert temporary_files(clean_project) == []


def test_output_files_are_readable_by_others_like_any_new_file(clean_project: Path):
    old = os.umask(0o022)
    try:
        assert (
            run_build(clean_project, "summary", "--format", "pdf", "--variant", "print").returncode
            == 0
        )
    finally:
        os.umask(old)
    mode = stat.S_IMODE((clean_project / "output" / "概略書.pdf").stat().st_mode)
    assert mode == 0o644, oct(mode)


def test_replaced_files_are_kept_in_previous(clean_project: Path):
    assert (
        run_build(clean_project, "summary", "--format", "pdf", "--variant", "print").returncode == 0
    )
    first = (clean_project / "output" / "概略書.pdf").read_bytes()
    write(
        clean_project,
        "content/summary/01-purpose.md",
        "# 事業目的 {#sec:purpose}\n\n書き直した本文。\n",
    )
    assert (
        run_build(clean_project, "summary", "--format", "pdf", "--variant", "print").returncode == 0
    )
    assert (clean_project / "output" / ".previous" / "概略書.pdf").read_bytes() == first
    assert (clean_project / "output" / "概略書.pdf").read_bytes() != first


def test_two_concurrent_builds_into_one_directory_both_succeed(clean_project: Path):
    first = start_build(clean_project, "--no-cache")
    second = start_build(clean_project, "--no-cache")
    try:
        _, err1 = first.communicate(timeout=300)
        _, err2 = second.communicate(timeout=300)
    finally:
        for process in (first, second):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert_valid_outputs(clean_project / "output")
    assert [p for p in temporary_files(clean_project) if p.startswith("output/")] == []


@pytest.mark.parametrize("delay", [0.5, 1.0, 1.5])
def test_killed_build_leaves_the_previous_outputs_valid(clean_project: Path, delay: float):
    assert run_build(clean_project).returncode == 0
    out = clean_project / "output"
    # change every deliverable, then interrupt the rebuild
    write(
        clean_project,
        "content/cases/kaede.yaml",
        CASE_KAEDE.replace("商店街がつなぐ見守り", "商店街がつなぐ見守りの輪"),
    )
    process = start_build(clean_project, "--no-cache")
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert_valid_outputs(out)
    for name in OUTPUTS:
        assert (out / name).is_file()
    # and the next build still works
    assert run_build(clean_project).returncode == 0
    assert_valid_outputs(out)


# ---------------------------------------------------------------- the deliverable cache


def test_unchanged_deliverables_are_reused_and_no_cache_renders_again(clean_project: Path):
    first = run_build(clean_project)
    assert first.returncode == 0
    assert "再利用" not in first.stdout
    second = run_build(clean_project)
    assert second.returncode == 0
    reused = [line for line in second.stdout.splitlines() if "前回の出力を再利用" in line]
    assert len(reused) == 9
    third = run_build(clean_project, "--no-cache")
    assert third.returncode == 0
    assert "再利用" not in third.stdout


def test_editing_a_guidebook_chapter_rebuilds_only_the_report(clean_project: Path):
    assert run_build(clean_project).returncode == 0
    write(
        clean_project,
        "content/guidebook/01-kangaekata.md",
        "# ガイドブック {#sec:guidebook}\n\n考え方を書き直した。\n",
    )
    result = run_build(clean_project)
    assert result.returncode == 0
    reused = {
        line.split()[0] for line in result.stdout.splitlines() if "前回の出力を再利用" in line
    }
    assert reused == {
        "概略書.pdf",
        "概略書_web.pdf",
        "概略書.docx",
        "事例集.pdf",
        "事例集_web.pdf",
        "事例集.docx",
    }


def test_cached_build_gives_the_same_bytes(clean_project: Path):
    assert run_build(clean_project, "casebook").returncode == 0
    first = snapshot(clean_project / "output")
    assert run_build(clean_project, "casebook").returncode == 0
    second = snapshot(clean_project / "output")
    assert {k: v for k, v in second.items() if not k.startswith(".")} == {
        k: v for k, v in first.items() if not k.startswith(".")
    }


# ---------------------------------------------------------------- no tracebacks


def test_check_refuses_an_internal_link_to_a_missing_anchor(clean_project: Path):
    write(
        clean_project,
        "content/summary/01-purpose.md",
        "# 事業目的 {#sec:purpose}\n\n[前の節](#sec:nowhere)を見る。\n",
    )
    result = run_build(clean_project, "check")
    assert result.returncode == 1, result.stdout
    assert "content/summary/01-purpose.md:3" in result.stdout


@pytest.mark.parametrize(
    "chapter",
    [
        "# 事業目的 {#sec:purpose}\n\n[前の節](#sec:nowhere)を見る。\n",
        "# 事業目的 {#sec:purpose}\n\n::: note 長い囲み\n"
        + "地域の取組を記録する。" * 400
        + "\n:::\n",
        "# 事業目的 {#sec:purpose}\n\n| 制度 | 内容 |\n|---|---|\n| 架空交付金 | "
        + "制度の説明が続く。" * 300
        + " |\n",
    ],
    ids=["link-to-missing-anchor", "box-longer-than-a-page", "table-row-taller-than-a-page"],
)
def test_build_never_ends_in_a_python_traceback(clean_project: Path, chapter: str):
    write(clean_project, "content/summary/01-purpose.md", chapter)
    result = run_build(
        clean_project, "summary", "--format", "pdf", "--variant", "print", "--no-preflight"
    )
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in (0, 1)
    if result.returncode == 1:
        assert "E" in result.stderr and "ヒント" in result.stderr
