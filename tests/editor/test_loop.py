"""The issue's acceptance test: an editor changes one case, builds, and `diff` lists only
that case's pages as changed — in the 事例集 and wherever else the case is printed.

Runs on a copy of the real project. The pages a case occupies are taken from the
renderer's own record (`DeliverableBuild.case_pages`), the changed pages from the
rendered PDFs; the test checks the two agree exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import stress  # benchmarks/stress.py (conftest puts benchmarks/ on the path)
import yaml

from kumihan.pipeline import DELIVERABLES
from kumihan.registry import build_deliverable

from .conftest import run_build

SENTENCE = "この一文は校正で追記した。"


def editable_case(root: Path) -> tuple[Path, dict[str, Any]]:
    """The first final case with text on each of its four pages."""
    for path in sorted((root / "content" / "cases").glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record.get("status") == "final" and all(
            (
                record.get("summary"),
                record.get("history"),
                record.get("approach"),
                record.get("voices"),
            )
        ):
            return path, record
    pytest.skip("the sample project has no final case record to edit")


def add_text(block: dict[str, Any]) -> None:
    """Append the sentence to a block's text, or add it as one more item."""
    if block.get("text"):
        block["text"] = block["text"].rstrip("\n") + SENTENCE + "\n"
    else:
        block["items"] = [*block["items"], SENTENCE]


def edit_every_page(path: Path, record: dict[str, Any]) -> None:
    """One more sentence on each of the case's four pages (1: 事業の概要, 2: 経緯,
    3: 地域への働きかけ, 4: コメント), nothing else changed."""
    record["summary"] = record["summary"].rstrip("\n") + SENTENCE + "\n"
    add_text(record["history"][0]["events"][0])
    add_text((record["approach"].get("community") or record["approach"]["individual"])[0])
    add_text(record["voices"][0])
    written = stress.to_yaml(record) + "\n"
    assert yaml.safe_load(written) == record  # the rewrite itself changes nothing else
    path.write_text(written, encoding="utf-8")


def diff_report(root: Path, *args: str) -> dict[str, Any]:
    result = run_build(root, "diff", "--json", *args)
    assert result.returncode == 0, result.stderr
    return {d["name"]: d for d in json.loads(result.stdout)["deliverables"]}


def test_one_case_edit_changes_only_that_cases_pages(project: Path) -> None:
    first = run_build(project, "--no-preflight")
    assert first.returncode == 0, first.stderr
    path, record = editable_case(project)

    edit_every_page(path, record)
    second = run_build(project, "--no-preflight")
    assert second.returncode == 0, second.stderr

    case = record["id"]
    expected = {}
    for deliverable in DELIVERABLES:
        built = build_deliverable(project, deliverable, preflight=False)  # the cache serves it
        stem = built.artifacts[0].name.rsplit(".", 1)[0]
        expected[stem] = sorted(built.case_pages.get(case, []))
    assert len(expected["事例集"]) == 4

    for variant in ("screen", "print"):
        report = diff_report(project, "--variant", variant)
        assert set(report) == set(expected)
        for name, pages in expected.items():
            found = report[name]
            assert [p["page"] for p in found["changed"]] == pages, (variant, name)
            assert found["added"] == [] and found["removed"] == [], (variant, name)

    shown = run_build(project, "diff").stdout
    assert "事例集: 変更 4 ページ" in shown
    assert (project / "output" / "diff" / "事例集.html").is_file()


def test_a_build_without_edits_changes_nothing(project: Path) -> None:
    for _ in range(2):
        result = run_build(project, "casebook", "--format", "pdf", "--no-preflight")
        assert result.returncode == 0, result.stderr

    report = diff_report(project)

    assert report["事例集"]["changed"] == []
    assert report["事例集"]["added"] == [] and report["事例集"]["removed"] == []
