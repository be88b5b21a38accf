"""`build.py diff`: the changed, added and removed pages of each PDF against the previous build."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from kumihan import editor
from kumihan.verify import pages as pg

from .conftest import COLOURS, Page, pdf


@pytest.fixture
def build_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """output/ of a project directory that is the cwd, with an empty output/.previous/."""
    for folder in ("content", "layouts", "output/.previous"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "output"


BEFORE = [Page(COLOURS[0], "one"), Page(COLOURS[1], "two"), Page(COLOURS[2], "three")]
AFTER = [
    Page(COLOURS[0], "one"),
    Page(COLOURS[1], "TWO"),
    Page(COLOURS[2], "three"),
    Page(COLOURS[3], "four"),
]


def test_compare_pdfs_finds_the_changed_and_added_page(tmp_path: Path) -> None:
    before = pdf(tmp_path / "before.pdf", BEFORE)
    after = pdf(tmp_path / "after.pdf", AFTER)

    result = pg.compare_pdfs(before, after)

    assert [c.index for c in result.changed] == [1]
    assert result.added == [3]
    assert result.removed == []
    assert 0 < result.changed[0].fraction < 0.2

    back = pg.compare_pdfs(after, before)
    assert [c.index for c in back.changed] == [1] and back.removed == [3] and back.added == []


def test_threshold_ignores_a_tiny_change(tmp_path: Path) -> None:
    before = pdf(tmp_path / "before.pdf", [Page(COLOURS[0])])
    after = pdf(tmp_path / "after.pdf", [Page(COLOURS[0], dot=(100, 100))])

    assert [c.index for c in pg.compare_pdfs(before, after).changed] == [0]
    assert pg.compare_pdfs(before, after, threshold=0.01).changed == []


def test_diff_command_lists_pages_and_writes_html(
    build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf(build_dir / ".previous" / "冊子_web.pdf", BEFORE)
    pdf(build_dir / "冊子_web.pdf", AFTER)
    out = build_dir / "diff"

    assert editor.main(["diff", "--json"]) == 0

    report = json.loads(capsys.readouterr().out)
    [book] = report["deliverables"]
    assert book["name"] == "冊子"
    assert [p["page"] for p in book["changed"]] == [2]
    assert [p["page"] for p in book["added"]] == [4]
    assert book["removed"] == []
    html = Path(book["html"]).read_text(encoding="utf-8")
    assert Path(book["html"]) == out / "冊子.html"
    images = re.findall(r'src="([^"]+)"', html)
    # page 2 before, after and marked; page 4 after only
    assert len(images) == 4
    from urllib.parse import unquote

    for src in images:
        assert (out / unquote(src)).is_file(), src
    summary = Image.open(book["png"])
    assert summary.width > summary.height  # three pictures side by side per row


def test_diff_text_report(build_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf(build_dir / ".previous" / "冊子_web.pdf", BEFORE)
    pdf(build_dir / "冊子_web.pdf", AFTER)
    pdf(build_dir / "別冊_web.pdf", BEFORE)
    os.link(
        build_dir / "別冊_web.pdf", build_dir / ".previous" / "別冊_web.pdf"
    )  # as commit() does
    pdf(build_dir / "新刊_web.pdf", BEFORE)  # first build: nothing to compare with

    assert editor.main(["diff"]) == 0

    printed = capsys.readouterr().out
    assert "冊子: 変更 1 ページ: 2；追加 1 ページ: 4（3 → 4 ページ）" in printed
    assert "別冊: 変更なし（3 ページ）" in printed
    assert "新刊: 前回のビルドがないため比較していません" in printed
    assert not (build_dir / "diff" / "別冊.png").exists()


def test_stale_pictures_are_removed(build_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf(build_dir / ".previous" / "冊子_web.pdf", BEFORE)
    pdf(build_dir / "冊子_web.pdf", AFTER)
    editor.main(["diff"])
    assert (build_dir / "diff" / "冊子.png").exists()

    pdf(build_dir / ".previous" / "冊子_web.pdf", AFTER)  # the next build changed nothing
    editor.main(["diff"])

    assert not (build_dir / "diff" / "冊子.png").exists()
    assert not (build_dir / "diff" / "冊子").exists()
    assert "変わったページはありません" in (build_dir / "diff" / "冊子.html").read_text("utf-8")


def test_print_variant_is_compared_within_the_trim(
    build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf(build_dir / ".previous" / "冊子.pdf", BEFORE, bleed=True)
    pdf(build_dir / "冊子.pdf", AFTER, bleed=True)

    assert editor.main(["diff", "--variant", "print", "--json"]) == 0

    [book] = json.loads(capsys.readouterr().out)["deliverables"]
    assert book["after"].endswith("冊子.pdf")
    assert [p["page"] for p in book["changed"]] == [2]


def test_no_previous_build(build_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf(build_dir / "冊子_web.pdf", AFTER)

    assert editor.main(["diff"]) == 0

    assert "前回のビルドがありません" in capsys.readouterr().out
