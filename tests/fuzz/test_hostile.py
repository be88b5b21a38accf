"""Hostile inputs, each named: they must end as diagnostics (or a visible, reported frame),
never as an exception, a hang, a memory blow-up or a side effect."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from kumihan import model as m
from kumihan.assemble import assemble
from kumihan.diagnostics import Diagnostics, Severity
from kumihan.load.content import load_content
from kumihan.load.markdown import parse_markdown
from kumihan.pipeline import read_layout
from kumihan.registry import build_deliverable
from kumihan.transforms.walk import iter_blocks
from load.diag import codes, with_code
from load.fictional import CASE_SAKURA, POLICY, PROJECT_YAML, SURVEY, bomb_png, write

from .project import FUZZ_CHAPTER, fuzz_root

CASE = "content/cases/sakura.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return fuzz_root(tmp_path / "project")


def load(root: Path) -> tuple[object, Diagnostics]:
    diagnostics = Diagnostics()
    return load_content(root, diagnostics), diagnostics


def build(root: Path, deliverable: str = "casebook"):
    return build_deliverable(
        root,
        deliverable,
        formats=("pdf", "docx"),
        variants=("print",),
        preflight=False,
        use_cache=False,
    )


def errors_of(result) -> list:
    return [d for d in result.diagnostics if d.severity is Severity.ERROR]


def billion_laughs() -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- YAML


def test_alias_bomb_case_record_is_refused_quickly_in_little_memory(root: Path):
    write(root, CASE, billion_laughs())
    tracemalloc.start()
    started = time.perf_counter()
    try:
        content, diagnostics = load(root)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [d.loc.file for d in with_code(diagnostics, "E109")] == [CASE]
    assert "sakura" not in content.cases  # type: ignore[attr-defined]
    assert elapsed < 10
    assert peak < 200 * 1024 * 1024


@pytest.mark.parametrize(
    ("relative", "original"),
    [
        (CASE, CASE_SAKURA),
        ("content/policies/kakuu-seido.yaml", POLICY),
        ("content/project.yaml", PROJECT_YAML),
        ("content/survey/pref.yaml", SURVEY),
    ],
)
def test_python_tags_are_refused_without_side_effects(root: Path, relative: str, original: str):
    marker = root / "pwned"
    hostile = original.replace(
        "title:", f"title: !!python/object/apply:os.system ['touch {marker}']\nx_title:", 1
    )
    if hostile == original:
        hostile = original.replace(
            "name:", f"name: !!python/object/apply:os.system ['touch {marker}']\nx_name:", 1
        )
    write(root, relative, hostile)
    _, diagnostics = load(root)
    assert relative in [d.loc.file for d in with_code(diagnostics, "E109")]
    assert not marker.exists()


def test_python_tag_in_front_matter_is_refused(root: Path):
    marker = root / "pwned"
    write(
        root,
        FUZZ_CHAPTER,
        f"---\nid: !!python/object/apply:os.system ['touch {marker}']\n---\n\n# 題\n",
    )
    _, diagnostics = load(root)
    assert [(d.loc.file, d.loc.line) for d in with_code(diagnostics, "E109")] == [(FUZZ_CHAPTER, 2)]
    assert not marker.exists()


def test_five_megabyte_yaml_file_is_refused_without_parsing(root: Path):
    write(root, CASE, CASE_SAKURA + "notes:\n" + "  - {heading: 見出し, text: 本文}\n" * 170_000)
    assert (root / CASE).stat().st_size > 5_000_000
    started = time.perf_counter()
    content, diagnostics = load(root)
    assert time.perf_counter() - started < 5
    assert [d.loc.file for d in with_code(diagnostics, "E110")] == [CASE]
    assert "sakura" not in content.cases  # type: ignore[attr-defined]


def test_five_megabyte_markdown_file_is_refused(root: Path):
    write(root, FUZZ_CHAPTER, "# 題\n\n" + "地域づくりの本文。\n\n" * 200_000)
    started = time.perf_counter()
    _, diagnostics = load(root)
    assert time.perf_counter() - started < 5
    assert [d.loc.file for d in with_code(diagnostics, "E110")] == [FUZZ_CHAPTER]


def test_deeply_nested_yaml_is_a_diagnostic_not_a_crash(root: Path):
    write(root, CASE, "id: sakura\nnotes: " + "[" * 2000 + "]" * 2000 + "\n")
    _, diagnostics = load(root)
    assert CASE in [d.loc.file for d in diagnostics.errors]


def test_binary_garbage_as_yaml_is_a_diagnostic(root: Path):
    (root / CASE).write_bytes(bytes(range(256)) * 10)
    _, diagnostics = load(root)
    assert CASE in [d.loc.file for d in diagnostics.errors]


# ---------------------------------------------------------------- pictures


def test_decompression_bomb_in_a_case_record_is_a_diagnostic_not_a_blow_up(root: Path):
    record = yaml.safe_load(CASE_SAKURA)
    record["features"][0]["figure"]["image"] = "images/bomb.png"
    write(root, CASE, yaml.safe_dump(record, allow_unicode=True, sort_keys=False))
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = build(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 60
    assert peak < 800 * 1024 * 1024  # 100000×100000 RGB would be 30 GB
    found = [d for d in result.diagnostics if "bomb.png" in d.message]
    assert found, "the editor must be told about the picture, not only shown a frame"
    assert {d.code for d in found} <= {"E112", "W108", "E108"}
    assert found[0].loc.file == CASE
    if any(d.severity is Severity.ERROR for d in found):
        assert result.artifacts == []


def test_decompression_bomb_message_gives_the_pictures_real_size(root: Path):
    record = yaml.safe_load(CASE_SAKURA)
    record["features"][0]["figure"]["image"] = "images/bomb.png"
    write(root, CASE, yaml.safe_dump(record, allow_unicode=True, sort_keys=False))
    result = build(root)
    (d,) = [d for d in result.diagnostics if d.code == "E112"]
    assert "100,000×100,000" in d.message, d.message


def test_decompression_bomb_in_a_markdown_figure_is_a_diagnostic(root: Path):
    write(
        root, FUZZ_CHAPTER, "---\nstatus: draft\n---\n\n# 題\n\n![大きすぎる図](images/bomb.png)\n"
    )
    result = build(root, "summary")
    found = [d for d in result.diagnostics if "bomb.png" in d.message]
    assert found and (found[0].loc.file, found[0].loc.line) == (FUZZ_CHAPTER, 7)
    assert found[0].severity is Severity.ERROR
    assert result.artifacts == []


def test_bomb_with_a_smaller_but_still_huge_header_is_refused(root: Path):
    bomb_png(root / "assets" / "images" / "wide.png", 20_000, 8_000)  # 160 Mpx
    write(root, FUZZ_CHAPTER, "# 題\n\n![横長](images/wide.png)\n")
    result = build(root, "summary")
    assert any(d.code == "E112" and "wide.png" in d.message for d in result.diagnostics)
    assert result.artifacts == []


def test_file_that_is_not_an_image_is_e112(root: Path):
    write(root, FUZZ_CHAPTER, "# 題\n\n![壊れた図](images/not-an-image.png)\n")
    result = build(root, "summary")
    assert [d.code for d in result.diagnostics if "not-an-image" in d.message] == ["E112"]
    assert result.artifacts == []


@pytest.mark.parametrize(
    "path",
    ["../../../../etc/passwd", "/etc/passwd", "C:\\\\Windows\\\\x.png", "file:///etc/passwd"],
)
def test_picture_paths_outside_assets_are_refused_everywhere(root: Path, path: str):
    record = yaml.safe_load(CASE_SAKURA)
    record["profile"]["figure"]["image"] = path.replace("\\\\", "\\")
    write(root, CASE, yaml.safe_dump(record, allow_unicode=True, sort_keys=False))
    write(root, FUZZ_CHAPTER, f"# 題\n\n![外](<{path}>)\n")
    _, diagnostics = load(root)
    files = sorted(d.loc.file for d in with_code(diagnostics, "E107"))
    assert files == [CASE, FUZZ_CHAPTER]
    assert build(root, "casebook").artifacts == []


# ---------------------------------------------------------------- links and characters


def test_javascript_links_are_refused_in_markdown_and_in_records(root: Path):
    record = yaml.safe_load(CASE_SAKURA)
    record["summary"] = "詳しくは[こちら](javascript:alert(document.cookie))を見る。"
    write(root, CASE, yaml.safe_dump(record, allow_unicode=True, sort_keys=False))
    write(root, FUZZ_CHAPTER, "# 題\n\n[押す](javascript:alert(1)) と [押す2](JAVASCRIPT:x)\n")
    result = build(root, "casebook")
    files = sorted(d.loc.file for d in result.diagnostics if d.code == "E205")
    assert files == [CASE, FUZZ_CHAPTER, FUZZ_CHAPTER]
    assert result.artifacts == []


def test_control_characters_are_refused_at_their_line_and_column(root: Path):
    record = yaml.safe_load(CASE_SAKURA)
    record["title"] = "だれもが\u202e担い手"
    text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    write(root, CASE, text)
    write(root, FUZZ_CHAPTER, "# 題\n\n本文\x1b[31m赤\n")
    result = build(root, "casebook")
    found = [(d.loc.file, d.loc.line) for d in result.diagnostics if d.code == "E206"]
    title_line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("title:"))
    assert (FUZZ_CHAPTER, 3) in found
    assert (CASE, title_line) in found
    assert result.artifacts == []


def test_internal_link_to_a_missing_anchor_is_a_diagnostic_not_a_crash(root: Path):
    write(root, FUZZ_CHAPTER, "# 題 {#sec:here}\n\n[前の節](#sec:nowhere)を見る。\n")
    result = build(root, "summary")
    assert [d.code for d in result.diagnostics if d.loc.file == FUZZ_CHAPTER] == ["E202"]
    assert result.artifacts == []


def test_internal_link_to_an_existing_anchor_builds(root: Path):
    write(root, FUZZ_CHAPTER, "# 題 {#sec:here}\n\n[この節](#sec:here)を見る。\n")
    result = build(root, "summary")
    assert errors_of(result) == [] and result.artifacts


# ---------------------------------------------------------------- sizes and depths


def test_deeply_nested_markdown_is_parsed_without_a_crash():
    for text in (
        ">" * 5000 + " 深い\n",
        "- " * 3000 + "深い\n",
        "*" * 20000 + "x\n",
        "[" * 20000 + "\n",
    ):
        diagnostics = Diagnostics()
        chapter = parse_markdown(text, "x.md", diagnostics)
        assert isinstance(chapter.blocks, tuple)


def test_long_boxed_note_runs_over_pages_or_is_reported(root: Path):
    write(
        root,
        FUZZ_CHAPTER,
        "# 題\n\n::: note 長い囲み\n" + "地域の取組を記録する。" * 400 + "\n:::\n",
    )
    result = build(root, "summary")
    assert result.artifacts or errors_of(result)


def test_table_row_taller_than_a_page_runs_over_or_is_reported(root: Path):
    cell = "制度の説明が長く続く。" * 300
    write(root, FUZZ_CHAPTER, f"# 題\n\n| 制度 | 内容 |\n|---|---|\n| 架空交付金 | {cell} |\n")
    result = build(root, "summary")
    assert result.artifacts or errors_of(result)


def test_very_long_case_title_is_reported_not_a_crash(root: Path):
    record = yaml.safe_load(CASE_SAKURA)
    record["title"] = "だれもが担い手になるまちづくり" * 100
    write(root, CASE, yaml.safe_dump(record, allow_unicode=True, sort_keys=False))
    result = build(root, "casebook")
    assert result.artifacts or errors_of(result)
    assert any(d.code in ("W401", "E401") for d in result.diagnostics)


def test_huge_case_text_overflows_with_a_warning_and_still_builds(root: Path):
    record = yaml.safe_load(CASE_SAKURA)
    record["summary"] = "地域の取組を記録する。" * 2000
    write(root, CASE, yaml.safe_dump(record, allow_unicode=True, sort_keys=False))
    result = build(root, "casebook")
    assert not errors_of(result)
    overflow = [d for d in result.diagnostics if d.code == "W401"]
    assert overflow and "1ページ目" in overflow[0].message
    assert result.case_pages["sakura"] and len(result.case_pages["sakura"]) == 4


def test_includes_cannot_pull_in_arbitrary_files(root: Path):
    write(
        root,
        FUZZ_CHAPTER,
        "# 題\n\n::: include ../../etc/passwd\n:::\n\n::: include case ../../x\n:::\n",
    )
    content, diagnostics = load(root)
    layout = read_layout(root, "summary", diagnostics)
    assert layout is not None
    doc = assemble(layout, content, diagnostics)  # type: ignore[arg-type]
    assert sorted(codes(diagnostics.errors)) == ["E202", "E208"]
    assert not any(isinstance(b, m.Include) for p in doc.parts for b in iter_blocks(p.blocks))
