"""The `content/` directory → one `Content` bundle of validated records and chapters.

Reads `project.yaml`, `cases/*.yaml`, `policies/*.yaml`, `survey/*.yaml` and every
Markdown file; validates each against its schema; gives typed records and parsed
chapters, and every problem as a diagnostic (all files are read even when some
fail, so one run reports everything).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.load.markdown import Chapter, parse_markdown
from kumihan.load.records import (
    CaseRecord,
    PolicySheet,
    Project,
    Survey,
    check_id,
    read_case,
    read_policy,
    read_project,
    read_survey,
)
from kumihan.load.validate import validate
from kumihan.load.yamlsource import load_yaml_file, read_text


@dataclass
class Content:
    """Everything under content/, loaded. Missing or invalid items are absent here."""

    root: Path  # the project root (content/ and assets/ are below it)
    project: Project | None = None
    cases: dict[str, CaseRecord] = field(default_factory=dict)
    policies: dict[str, PolicySheet] = field(default_factory=dict)
    surveys: dict[str, Survey] = field(default_factory=dict)
    chapters: dict[str, Chapter] = field(default_factory=dict)  # by path relative to content/

    @property
    def assets(self) -> Path:
        return self.root / "assets"

    def cases_in_order(self) -> list[CaseRecord]:
        """Cases by type, then `order`, then file name (the 事例集's order)."""
        return sorted(
            self.cases.values(),
            key=lambda c: (c.type, c.order if c.order is not None else 10**6, c.id),
        )

    def policies_in_order(self) -> list[PolicySheet]:
        return sorted(
            self.policies.values(), key=lambda p: (p.order if p.order is not None else 10**6, p.id)
        )


def rel(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project root, with / separators."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_content(root: Path, diagnostics: Diagnostics) -> Content:
    """Load and validate everything under `root/content`."""
    content = Content(root=root)
    base = root / "content"
    if not base.is_dir():
        diagnostics.add(
            SourceLoc("content/"),
            "E100",
            "content/ フォルダがありません",
            "プロジェクトの最上位で実行してください。",
        )
        return content
    project_file = base / "project.yaml"
    if project_file.is_file():
        located = load_yaml_file(project_file, rel(project_file, root), diagnostics)
        if located is not None and validate(located, "project", diagnostics):
            content.project = read_project(located, diagnostics)
    else:
        diagnostics.add(
            SourceLoc("content/project.yaml"),
            "E100",
            "project.yaml がありません",
            "content/project.yaml を作ってください。",
        )

    for path in sorted((base / "cases").glob("*.yaml")):
        located = load_yaml_file(path, rel(path, root), diagnostics)
        if located is None:
            continue
        check_id(located, path.stem, diagnostics)
        if validate(located, "case", diagnostics):
            content.cases[path.stem] = read_case(located, diagnostics)

    for path in sorted((base / "policies").glob("*.yaml")):
        located = load_yaml_file(path, rel(path, root), diagnostics)
        if located is None:
            continue
        check_id(located, path.stem, diagnostics)
        if validate(located, "policy", diagnostics):
            content.policies[path.stem] = read_policy(located, diagnostics)

    for path in sorted((base / "survey").glob("*.yaml")):
        located = load_yaml_file(path, rel(path, root), diagnostics)
        if located is None:
            continue
        check_id(located, path.stem, diagnostics)
        if validate(located, "survey", diagnostics):
            content.surveys[path.stem] = read_survey(located, diagnostics)

    for path in sorted(base.rglob("*.md")):
        relative = path.relative_to(base).as_posix()
        if relative == "README.md":
            continue  # the editors' guide, not content
        text = read_text(path, rel(path, root), diagnostics)
        if text is None:
            continue
        content.chapters[relative] = parse_markdown(
            text, rel(path, root), diagnostics, assets=content.assets
        )
    return content
