"""Cases' and parts' Word bodies are reused between builds: after one case is edited, only
that case is written again, and the .docx is byte for byte the one a build from an empty cache
writes, even when the edit shifts what later cases take from the document (picture and
link relationship ids, drawing ids).

Runs on the fictional stress project (every case with photographs). A spy on
`DocxWriter.write_case_pages` counts the cases written afresh; with `KUMIHAN_SERIAL=1`
the DOCX is written in this process, where the spy sees it.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml

from kumihan.registry import build_deliverable
from kumihan.render.docx.fragments import fragment_store
from kumihan.render.docx.writer import DocxWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import stress  # benchmarks/stress.py: the fictional stress project


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the cases written afresh (not put back from a fragment)."""
    calls: list[str] = []
    original = DocxWriter.write_case_pages

    def spy(self: DocxWriter, container: Any, block: Any) -> None:
        calls.append(block.anchor)
        original(self, container, block)

    monkeypatch.setattr(DocxWriter, "write_case_pages", spy)
    return calls


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    size = stress.Size(cases=3, sections=1, policies=8, questions=12, photos=1.0)
    root = stress.generate(tmp_path_factory.mktemp("fragments") / "stress", size)
    # the last case links to the first and cites its page: a hyperlink and a PAGEREF field
    # naming its bookmark
    first, *_, last = sorted((root / "content" / "cases").glob("*.yaml"))
    stress.edit_case(last, f"（[最初の事例](#case:{first.stem})、[@case:{first.stem}|page]ページ）")
    return root


def docx(root: Path, *, fresh: bool = False) -> bytes:
    """The casebook's .docx, written (the finished file is never reused); `fresh`: as
    --no-cache, nothing reused at all."""
    shutil.rmtree(root / ".kumihan-cache" / "deliverables", ignore_errors=True)
    built = build_deliverable(root, "casebook", ("docx",), use_cache=not fresh)
    assert not [d for d in built.diagnostics if d.code.startswith("E")], built.diagnostics
    assert fragment_store() is None  # not left in use after the build
    [artifact] = built.artifacts
    return artifact.data


def shift_later_cases(root: Path, case: Path) -> None:
    """Edit so that every later case takes other ids from the document, its own content
    unchanged: the case gains a link to a (fictional) web page (one relationship more
    before the later cases' pictures), and the guide before the cases gains a heading
    (one bookmark more) and a link to the last case (whose bookmark is named earlier).
    The heading has an anchor of its own: one numbered for it would renumber the later
    headings' anchors (h1, h2 …), which changes the cases themselves."""
    record = yaml.safe_load(case.read_text(encoding="utf-8"))
    record["summary"] = (
        record["summary"].rstrip("\n") + "詳しくは[架空の報告](https://example.org/kakuu)を参照。\n"
    )
    case.write_text(stress.to_yaml(record) + "\n", encoding="utf-8")
    [guide] = (root / "content" / "casebook").glob("*.md")
    text = guide.read_text(encoding="utf-8")
    last = sorted((root / "content" / "cases").glob("*.yaml"))[-1].stem
    guide.write_text(
        text + f"\n## 架空の追記 {{#sec:kakuu}}\n\n[最後の事例](#case:{last})を参照。\n",
        encoding="utf-8",
    )


def bookmark_ids(data: bytes) -> list[str]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        body = package.read("word/document.xml").decode()
    return [part.split('"')[0] for part in body.split('<w:bookmarkStart w:id="')[1:]]


def relationships(data: bytes) -> dict[str, str]:
    """The document part's relationships: id → target."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        rels = ElementTree.fromstring(package.read("word/_rels/document.xml.rels"))
    return {rel.attrib["Id"]: rel.attrib["Target"] for rel in rels}


def test_an_edit_writes_only_that_case_and_the_file_equals_a_fresh_one(
    project: Path, written: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    cases = sorted((project / "content" / "cases").glob("*.yaml"))
    first = docx(project)
    assert len(written) == len(cases)

    written.clear()
    assert docx(project) == first  # nothing changed: every case put back
    assert written == []

    shift_later_cases(project, cases[0])
    written.clear()
    warm = docx(project)
    assert written == [f"case:{cases[0].stem}"]
    assert warm != first
    before, after = relationships(first), relationships(warm)
    assert "https://example.org/kakuu" in after.values()
    assert len(after) == len(before) + 1
    pictures = {target: i for i, target in before.items() if target.startswith("media/")}
    moved = [t for t, i in pictures.items() if after.get(i) != t]
    assert moved  # the later cases' pictures have other relationship ids
    assert len(bookmark_ids(warm)) == len(bookmark_ids(first)) + 1  # the new heading's

    written.clear()
    cold = docx(project, fresh=True)
    assert len(written) == len(cases)
    assert cold == warm


def test_the_forked_writer_puts_cases_back_to_the_same_bytes(project: Path) -> None:
    """The usual build: the DOCX in a forked process, its page numbers filled later."""
    docx(project)
    stress.edit_case(sorted((project / "content" / "cases").glob("*.yaml"))[1])
    warm = docx(project)
    assert warm == docx(project, fresh=True)


def test_a_chapter_edit_rewrites_only_that_chapter(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part's blocks (a chapter, the policy cards, the survey) are kept as cases are."""
    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    parts: list[str] = []
    original = DocxWriter.write_blocks

    def spy(self: DocxWriter, part: Any) -> None:
        parts.append(part.name)
        original(self, part)

    monkeypatch.setattr(DocxWriter, "write_blocks", spy)
    report = build_docx(project, "report")
    everything = len(parts)
    parts.clear()
    assert build_docx(project, "report") == report
    replayed_all = list(parts)  # parts with a case or colophon are written every time

    chapters = sorted((project / "content" / "guidebook").glob("*.md"))
    chapters[0].write_text(
        chapters[0].read_text(encoding="utf-8")
        + "\n追記の段落。[架空の資料](https://example.org/shiryo)を参照。\n",
        encoding="utf-8",
    )
    parts.clear()
    warm = build_docx(project, "report")
    assert len(parts) == len(replayed_all) + 1 < everything  # that chapter, and no other
    assert warm == build_docx(project, "report", fresh=True)


def build_docx(root: Path, deliverable: str, *, fresh: bool = False) -> bytes:
    shutil.rmtree(root / ".kumihan-cache" / "deliverables", ignore_errors=True)
    built = build_deliverable(root, deliverable, ("docx",), use_cache=not fresh)
    assert not [d for d in built.diagnostics if d.code.startswith("E")], built.diagnostics
    [artifact] = built.artifacts
    return artifact.data


def test_writing_the_docx_leaves_no_picture_converting(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Word's pictures are PNGs kept beside their conversion: the writer asks for none
    ahead, so nothing goes on converting (in a thread) after the document is written."""
    from kumihan.render.pdf import images

    monkeypatch.setenv("KUMIHAN_SERIAL", "1")
    queued: list[Any] = []
    monkeypatch.setattr(images._CONVERTER, "prefetch", queued.append)
    stress.edit_case(sorted((project / "content" / "cases").glob("*.yaml"))[0])
    docx(project, fresh=True)  # every case written, every picture asked for
    # the print PDF drawn for the pagination asks for its own (print) pictures ahead;
    # Word's are the screen variant's
    assert queued and not [key for key in queued if key.variant == "screen"]
