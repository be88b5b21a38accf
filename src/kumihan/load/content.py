"""The `content/` directory → one `Content` bundle of validated records and chapters.

Reads `project.yaml`, `cases/*.yaml`, `policies/*.yaml`, `survey/*.yaml` and every
Markdown file; validates each against its schema; gives typed records and parsed
chapters, and every problem as a diagnostic (all files are read even when some
fail, so one run reports everything).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

from kumihan.cache import ContentMemo
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
from kumihan.load.yamlsource import Located, load_yaml_file, read_text


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


def load_content(root: Path, diagnostics: Diagnostics, memo: ContentMemo | None = None) -> Content:
    """Load and validate everything under `root/content`.

    With a `memo` (the build's cache), a file loaded before with the same bytes gives
    its record and problems from there, without being parsed or validated again.
    """
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
    load = _Loader(root, diagnostics, memo)
    project_file = base / "project.yaml"
    if project_file.is_file():
        content.project = load(project_file, "project", _read_project)
    else:
        diagnostics.add(
            SourceLoc("content/project.yaml"),
            "E100",
            "project.yaml がありません",
            "content/project.yaml を作ってください。",
        )

    content.cases = load.records(base / "cases", "case", read_case)
    content.policies = load.records(base / "policies", "policy", read_policy)
    content.surveys = load.records(base / "survey", "survey", read_survey)

    for path in sorted(base.rglob("*.md")):
        relative = path.relative_to(base).as_posix()
        if relative == "README.md":
            continue  # the editors' guide, not content
        chapter = load(path, "markdown", partial(_read_chapter, assets=content.assets))
        if chapter is not None:
            content.chapters[relative] = chapter
    if memo is not None:
        memo.save()
    return content


T = TypeVar("T")


class _Loader:
    """Loads one file with a reader, through the memo when there is one."""

    def __init__(self, root: Path, diagnostics: Diagnostics, memo: ContentMemo | None) -> None:
        self.root, self.diagnostics, self.memo = root, diagnostics, memo

    def __call__(
        self, path: Path, kind: str, reader: Callable[[Path, str, Diagnostics], T | None]
    ) -> T | None:
        display = rel(path, self.root)
        memo = self.memo
        key = None
        if memo is not None:
            try:
                key = memo.key(kind, display, path.read_bytes())
            except OSError:
                key = None  # the reader reports it
            found = memo.get(key) if key is not None else None
            if found is not None:
                value, problems = found
                self.diagnostics.extend(problems)
                return cast("T | None", value)
        found_here = Diagnostics()
        value = reader(path, display, found_here)
        self.diagnostics.extend(found_here.items)
        if memo is not None and key is not None:
            memo.put(key, (value, found_here.items))
        return value

    def records(
        self, folder: Path, kind: str, reader: Callable[[Located, Diagnostics], T]
    ) -> dict[str, T]:
        """The valid records of one folder by file stem (the invalid ones are reported)."""
        found: dict[str, T] = {}
        for path in sorted(folder.glob("*.yaml")):
            record = self(path, kind, partial(_read_record, kind=kind, reader=reader))
            if record is not None:
                found[path.stem] = record
        return found


def _read_project(path: Path, display: str, diagnostics: Diagnostics) -> Project | None:
    located = load_yaml_file(path, display, diagnostics)
    if located is not None and validate(located, "project", diagnostics):
        return read_project(located, diagnostics)
    return None


def _read_record(
    path: Path,
    display: str,
    diagnostics: Diagnostics,
    *,
    kind: str,
    reader: Callable[[Located, Diagnostics], T],
) -> T | None:
    located = load_yaml_file(path, display, diagnostics)
    if located is None:
        return None
    check_id(located, path.stem, diagnostics)
    if validate(located, kind, diagnostics):
        return reader(located, diagnostics)
    return None


def _read_chapter(
    path: Path, display: str, diagnostics: Diagnostics, *, assets: Path
) -> Chapter | None:
    text = read_text(path, display, diagnostics)
    if text is None:
        return None
    return parse_markdown(text, display, diagnostics, assets=assets)
