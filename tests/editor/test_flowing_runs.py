"""Runs of flowing pages (chapters, policy cards, survey charts and tables) are reused
between builds: after an edit, only the runs it touches are laid out and drawn again, and
the PDFs are byte for byte those a build from an empty cache writes.

Runs the registry in this process with `KUMIHAN_SERIAL=1`, so both PDF variants are
drawn here, where spies see which runs are recorded afresh and which are replayed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import stress  # benchmarks/stress.py (conftest puts benchmarks/ on the path)

from kumihan.registry import build_deliverable
from kumihan.render.pdf import flowing
from kumihan.render.pdf.replay import page_store


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    size = stress.Size(cases=2, sections=2, policies=8, questions=12, photos=1.0)
    return stress.generate(tmp_path_factory.mktemp("runs") / "stress", size)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many runs were recorded afresh and how many replayed, in both variants."""
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    seen = {"recorded": 0, "replayed": 0}
    recorder, replayed = flowing.RunRecorder.__init__, flowing._replayed

    def recording(self: flowing.RunRecorder, *args: object) -> None:
        seen["recorded"] += 1
        recorder(self, *args)  # type: ignore[arg-type]

    def replaying(*args: object) -> object:
        seen["replayed"] += 1
        return replayed(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(flowing.RunRecorder, "__init__", recording)
    monkeypatch.setattr(flowing, "_replayed", replaying)
    return seen


def pdfs(root: Path, deliverable: str = "report", *, fresh: bool = False) -> dict[str, bytes]:
    """Both PDFs of a deliverable, rendered (finished files are never reused); `fresh` as
    the CLI's --no-cache."""
    shutil.rmtree(root / ".kumihan-cache" / "deliverables", ignore_errors=True)
    built = build_deliverable(root, deliverable, ("pdf",), preflight=False, use_cache=not fresh)
    assert not [d for d in built.diagnostics if d.code.startswith("E")], built.diagnostics
    assert page_store() is None
    return {a.name: a.data for a in built.artifacts}


def append_paragraph(chapter: Path) -> None:
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\n確認のために追記した段落。\n", encoding="utf-8"
    )


def test_an_edit_redraws_only_the_runs_it_touches(project: Path, runs: dict[str, int]) -> None:
    pdfs(project)
    total = runs["recorded"]
    assert total >= 6  # front matter, chapters, policy cards, survey … in each variant
    assert runs["replayed"] == 0

    runs.update(recorded=0, replayed=0)
    pdfs(project)
    assert runs == {"recorded": 0, "replayed": total}

    chapters = sorted((project / "content" / "guidebook").glob("*.md"))
    append_paragraph(chapters[0])
    runs.update(recorded=0, replayed=0)
    warm = pdfs(project)
    assert 0 < runs["recorded"] < total  # the edited chapter's run, in each variant
    assert runs["recorded"] + runs["replayed"] == total

    shutil.rmtree(project / ".kumihan-cache")
    cold = pdfs(project, fresh=True)
    assert cold.keys() == warm.keys() == {"報告書.pdf", "報告書_web.pdf"}
    for name in cold:
        assert cold[name] == warm[name], name


def test_a_case_edit_replays_every_run_without_a_case(project: Path, runs: dict[str, int]) -> None:
    """The editor's usual edit: one case. The report's chapters are all replayed."""
    pdfs(project)
    cases = sorted((project / "content" / "cases").glob("*.yaml"))
    stress.edit_case(cases[0], "この一文は確認のために追記した。")
    runs.update(recorded=0, replayed=0)
    warm = pdfs(project)
    replayed = runs["replayed"]
    assert replayed > 0
    cold = pdfs(project, fresh=True)
    for name in cold:
        assert cold[name] == warm[name], name
    for deliverable in ("summary", "casebook"):
        assert pdfs(project, deliverable) == pdfs(project, deliverable, fresh=True)


# What a run registers in the document as a whole must be put back with it, whether or
# not another run registered it first (the reviewer's cases: a page-number form two
# chapters share, the same form in two colours, a label given twice).


def chapter(root: Path, index: int) -> Path:
    return sorted((root / "content" / "guidebook").glob("*.md"))[index]


def add(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def remove(path: Path, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert text in content
    path.write_text(content.replace(text, ""), encoding="utf-8")


def warm_equals_cold(root: Path) -> None:
    warm = pdfs(root)
    cold = pdfs(root, fresh=True)
    for name in cold:
        assert cold[name] == warm[name], name


@pytest.fixture
def fresh_project(tmp_path: Path) -> Path:
    size = stress.Size(cases=2, sections=2, policies=8, questions=12, photos=0.0)
    return stress.generate(tmp_path / "stress", size)


def test_a_page_number_form_two_chapters_share(
    fresh_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    cite = "\n詳しくは[@sec:gb-kankyo-1|page]ページを参照。\n"
    add(chapter(fresh_project, 0), cite)
    add(chapter(fresh_project, 1), cite)
    pdfs(fresh_project)
    remove(chapter(fresh_project, 0), cite)  # the second chapter's run is replayed
    warm_equals_cold(fresh_project)


def test_the_same_page_reference_in_two_colours(
    fresh_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    add(chapter(fresh_project, 0), "\n詳しくは[@sec:gb-kankyo-1|page]ページを参照。\n")
    add(
        chapter(fresh_project, 1),
        "\n[詳しくは[@sec:gb-kankyo-1|page]ページ](https://example.org/kakuu)\n",
    )
    pdfs(fresh_project)
    add(chapter(fresh_project, 3), "\n確認のために追記した段落。\n")
    warm_equals_cold(fresh_project)


def test_a_label_given_twice(fresh_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    twice = "\n#### 重複 {#sec:kakuu-dup}\n\n本文。\n"
    add(chapter(fresh_project, 0), twice)
    add(chapter(fresh_project, 2), twice + "[@sec:kakuu-dup|page]ページ。\n")
    pdfs(fresh_project)
    remove(chapter(fresh_project, 0), twice)
    warm_equals_cold(fresh_project)


def test_a_moved_project_replays_its_pictures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    size = stress.Size(cases=2, sections=1, policies=8, questions=12, photos=1.0)
    first = stress.generate(tmp_path / "first", size)
    pdfs(first, "casebook")
    moved = first.rename(tmp_path / "moved")
    stress.edit_case(sorted((moved / "content" / "cases").glob("*.yaml"))[0])
    warm = pdfs(moved, "casebook")
    assert warm == pdfs(moved, "casebook", fresh=True)
