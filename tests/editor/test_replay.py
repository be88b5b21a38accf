"""Case pages are reused between builds: after one case is edited, only its pages are drawn
again, and the files are byte-for-byte those a build from an empty cache writes.

Runs the registry in this process with `KUMIHAN_SERIAL=1`, so both PDF variants are
drawn here and a spy on `FixedPage.draw` (the drawing of a case page's content) sees
every page drawn afresh.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kumihan.registry import build_deliverable
from kumihan.render.pdf.flowables import FixedPage
from kumihan.render.pdf.replay import page_store

from .test_loop import edit_every_page, editable_case


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of case pages drawn afresh (not replayed), appended per draw."""
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    calls: list[int] = []
    original = FixedPage.draw

    def spy(self: FixedPage) -> None:
        calls.append(1)
        original(self)

    monkeypatch.setattr(FixedPage, "draw", spy)
    return calls


def pdfs(root: Path, *, fresh: bool = False) -> dict[str, bytes]:
    """Both casebook PDFs, rendered (the deliverable's finished files are never reused);
    `fresh` as the CLI's --no-cache: nothing reused at all."""
    shutil.rmtree(root / ".kumihan-cache" / "deliverables", ignore_errors=True)
    built = build_deliverable(root, "casebook", ("pdf",), preflight=False, use_cache=not fresh)
    assert not [d for d in built.diagnostics if d.code.startswith("E")]
    assert page_store() is None  # the build's caches are not left in use after it
    return {a.name: a.data for a in built.artifacts}


def test_an_edit_redraws_only_that_cases_pages(project: Path, drawn: list[int]) -> None:
    first = pdfs(project)
    pages_per_variant = len(drawn) // 2
    assert pages_per_variant >= 8  # the sample has several cases of four pages
    path, record = editable_case(project)

    drawn.clear()
    edit_every_page(path, record)
    warm = pdfs(project)

    assert len(drawn) == 2 * 4  # the edited case's four pages, in each variant
    assert warm != first
    drawn.clear()
    assert pdfs(project) == warm  # unchanged again: every page replayed
    assert drawn == []

    shutil.rmtree(project / ".kumihan-cache")
    cold = pdfs(project)

    assert len(drawn) == 2 * pages_per_variant
    assert cold.keys() == warm.keys() == {"事例集.pdf", "事例集_web.pdf"}
    for name in cold:
        assert cold[name] == warm[name], name


def test_a_layout_change_redraws_every_case_page(project: Path, drawn: list[int]) -> None:
    pdfs(project)
    total = len(drawn)
    layout = project / "layouts" / "casebook.yaml"
    layout.write_text(layout.read_text(encoding="utf-8") + "\n# 改訂\n", encoding="utf-8")

    drawn.clear()
    pdfs(project)

    assert len(drawn) == total


def test_pages_with_photos_replay_to_the_bytes_of_a_fresh_build(
    tmp_path: Path, drawn: list[int]
) -> None:
    import stress  # benchmarks/stress.py: a fictional project whose every case has photos

    root = stress.generate(tmp_path / "stress", stress.Size(cases=2, sections=1, photos=1.0))
    pdfs(root)
    cases = sorted((root / "content" / "cases").glob("*.yaml"))
    stress.edit_case(cases[0], "この一文は確認のために追記した。")

    drawn.clear()
    warm = pdfs(root)
    redrawn = len(drawn)
    shutil.rmtree(root / ".kumihan-cache")
    cold = pdfs(root)

    assert 0 < redrawn < len(drawn)  # the edited case's pages only
    for name in cold:
        assert cold[name] == warm[name], name
    assert b"/Subtype /Image" in cold["事例集.pdf"]


def test_no_cache_draws_every_page_again(project: Path, drawn: list[int]) -> None:
    first = pdfs(project)
    total = len(drawn)

    drawn.clear()
    again = pdfs(project, fresh=True)

    assert len(drawn) == total
    assert again == first


def test_no_cache_preflights_without_the_memo(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preflight's page memo and inks are used by a build, not by --no-cache."""
    import kumihan.registry as registry

    roots: list[Path | None] = []
    original = registry._preflight

    def spy(data: bytes, pad_to: int, bleed: float, root: Path | None = None) -> tuple[str, bool]:
        roots.append(root)
        return original(data, pad_to, bleed, root)

    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    monkeypatch.setattr(registry, "_preflight", spy)
    for fresh in (False, True):
        shutil.rmtree(project / ".kumihan-cache" / "deliverables", ignore_errors=True)
        built = build_deliverable(project, "casebook", ("pdf",), ("print",), use_cache=not fresh)
        assert not built.preflight_failed
    assert roots == [project, None]
