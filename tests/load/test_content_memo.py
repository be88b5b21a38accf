"""The content memo: a rebuild reads back the files it loaded before and parses only what
changed, with the same records and the same problems as a load without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kumihan.cache import ContentMemo
from kumihan.diagnostics import Diagnostics
from kumihan.load import content as content_module
from kumihan.load.content import Content, load_content

from .fictional import make_project, png, write

BROKEN_CASE = "id: kuuso\ntitle: [閉じていない\n"


def load(root: Path, memo: bool = True) -> tuple[Content, list[str]]:
    diagnostics = Diagnostics()
    found = load_content(root, diagnostics, ContentMemo(root) if memo else None)
    return found, [f"{d.loc}|{d.code}|{d.message}" for d in diagnostics.sorted()]


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed (not taken from the memo), by display name."""
    names: list[str] = []
    original = content_module.load_yaml_file
    original_text = content_module.read_text

    def yaml_spy(path: Path, display: str, diagnostics: Diagnostics) -> object:
        names.append(display)
        return original(path, display, diagnostics)

    def text_spy(path: Path, display: str, diagnostics: Diagnostics) -> object:
        names.append(display)
        return original_text(path, display, diagnostics)

    monkeypatch.setattr(content_module, "load_yaml_file", yaml_spy)
    monkeypatch.setattr(content_module, "read_text", text_spy)
    return names


def test_a_second_load_reads_nothing_again_and_gives_the_same(
    tmp_path: Path, parsed: list[str]
) -> None:
    root = make_project(tmp_path / "p")
    write(root, "content/cases/kuuso.yaml", BROKEN_CASE)
    first, first_problems = load(root)
    assert parsed and any("kuuso" in p for p in first_problems)

    parsed.clear()
    second, second_problems = load(root)

    assert parsed == []
    assert second_problems == first_problems  # problems come back with their records
    assert second.cases == first.cases and second.chapters == first.chapters
    assert second.project == first.project and second.policies == first.policies
    without, plain_problems = load(root, memo=False)
    assert without.cases == second.cases and plain_problems == second_problems


def test_an_edited_file_is_the_only_one_parsed_again(tmp_path: Path, parsed: list[str]) -> None:
    root = make_project(tmp_path / "p")
    load(root)
    case = root / "content" / "cases" / "sakura.yaml"
    case.write_text(case.read_text("utf-8").replace("title:", "title: 改", 1), "utf-8")

    parsed.clear()
    found, _ = load(root)

    assert parsed == ["content/cases/sakura.yaml"]
    assert found.cases["sakura"].title.startswith("改")


def test_a_new_asset_reloads_the_chapters_that_check_images(
    tmp_path: Path, parsed: list[str]
) -> None:
    chapter = "# 第1章 架空の章\n\n![架空の図](images/kuuso/zu.png)\n"
    root = make_project(tmp_path / "p", chapters={"report/01.md": chapter})
    _, before = load(root)
    assert any("zu.png" in p for p in before)

    png(root / "assets" / "images" / "kuuso" / "zu.png")
    parsed.clear()
    _, after = load(root)

    assert "content/report/01.md" in parsed
    assert not any("zu.png" in p for p in after)


def test_layouts_are_remembered_until_any_layout_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kumihan import registry

    root = make_project(tmp_path / "p")
    reads: list[str] = []
    original = registry.read_layout

    def spy(root: Path, deliverable: str, diagnostics: Diagnostics) -> object:
        reads.append(deliverable)
        return original(root, deliverable, diagnostics)

    monkeypatch.setattr(registry, "read_layout", spy)

    memo = ContentMemo(root)
    first, _ = registry._read_layout(root, "casebook", memo)
    load_content(root, Diagnostics(), memo)  # saves the memo, layout included
    again, _ = registry._read_layout(root, "casebook", ContentMemo(root))
    assert reads == ["casebook"] and again == first

    house = root / "layouts" / "house.yaml"  # the layout the casebook's extends
    house.write_text(house.read_text("utf-8") + "\n# 改訂\n", "utf-8")
    registry._read_layout(root, "casebook", ContentMemo(root))
    assert reads == ["casebook", "casebook"]
