"""A deliverable whose prepared document an edit left as it was is not rendered again.

The 概略書 reads every YAML record (its cache key names them all), but shows none of the
survey's findings: after one is edited, its document is the same, and its files are taken
from the last render of that document (`registry.Rendered`), byte for byte what rendering
gives, while the 報告書, which prints the finding, is rendered again; an edit to the
概略書's own text renders it again. Runs on a copy of the real project.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kumihan import registry
from kumihan.registry import build_deliverable

from .test_loop import SENTENCE


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The deliverables rendered (not reused), by layout output name."""
    calls: list[str] = []
    original = registry._render

    def spy(prepared: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(prepared.deliverable)
        original(prepared, *args, **kwargs)

    monkeypatch.setattr(registry, "_render", spy)
    return calls


def files(built: registry.DeliverableBuild) -> dict[str, bytes]:
    return {artifact.name: artifact.data for artifact in built.artifacts}


def test_an_edit_that_leaves_the_document_as_it_was_renders_nothing(
    project: Path, renders: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")  # the spy sees every render
    before = build_deliverable(project, "summary")
    assert renders == ["summary"]
    survey = project / "content" / "survey" / "prefecture.yaml"
    lines = survey.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if line.lstrip().startswith("finding: "))
    lines[last] = lines[last].rstrip("\n") + SENTENCE + "\n"
    survey.write_text("".join(lines), encoding="utf-8")

    after = build_deliverable(project, "summary")  # its inputs changed: prepared again
    assert renders == ["summary"]  # … but its document did not: nothing rendered
    assert after.from_cache and files(after) == files(before)
    assert after.preflight == before.preflight
    fresh = build_deliverable(project, "summary", use_cache=False)  # rendered, as ever
    assert files(fresh) == files(after)
    del renders[:]

    report = build_deliverable(project, "report")  # the finding is printed there: rendered
    assert renders == ["report"] and not report.from_cache
    assert not any(d.code.startswith("E") for d in report.diagnostics)

    [chapter] = sorted((project / "content" / "summary").glob("*.md"))[:1]
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n追記した一文。\n", "utf-8")
    edited = build_deliverable(project, "summary")
    assert renders[-1] == "summary" and not edited.from_cache
    assert files(edited) != files(before)
