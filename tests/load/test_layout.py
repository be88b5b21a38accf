"""layout.spec: layouts/*.yaml (with extends) → a typed Layout; bad values are E503 at their line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kumihan.diagnostics import Diagnostics
from kumihan.layout.spec import PAPER, load_layout

from .diag import is_japanese, only, with_code
from .fictional import REPO, write


@pytest.fixture
def layouts(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "layouts", tmp_path / "layouts")
    return tmp_path


def load(root: Path, name: str):
    diagnostics = Diagnostics()
    return load_layout(root / "layouts" / f"{name}.yaml", root, diagnostics), diagnostics


def test_repository_layouts_load_without_problems(layouts: Path):
    for name in ("summary", "casebook", "report"):
        layout, diagnostics = load(layouts, name)
        assert layout is not None and not diagnostics, [d.format() for d in diagnostics]
        assert layout.deliverable == name
        assert (layout.page.width, layout.page.height) == PAPER["A4"]


def test_deliverable_overrides_what_it_extends(layouts: Path):
    report, _ = load(layouts, "report")
    summary, _ = load(layouts, "summary")
    assert report is not None and summary is not None
    assert report.numbering["heading-1"] == "第{n}章"
    assert summary.numbering["heading-1"] == ""
    # untouched house values arrive in both
    assert report.styles["body"] == summary.styles["body"]
    assert report.styles["body"].size == 10.5 and report.styles["body"].leading == 18.0


def test_based_on_inherits_and_scales_leading(layouts: Path):
    layout, _ = load(layouts, "report")
    assert layout is not None
    noindent = layout.styles["noindent"]
    assert noindent.face == layout.styles["body"].face and noindent.indent_first == 0.0
    assert layout.style("case-body-item") == layout.styles["case-body"]  # dashed fallback


def test_bad_values_are_e503_at_their_line_with_field_and_hint(layouts: Path):
    write(
        layouts,
        "layouts/bad.yaml",
        "extends: house\n"
        "deliverable: bad\n"
        "styles:\n"
        "  body:\n"
        "    size: 10.5 points\n"
        "    colr: text\n"
        "  heading-1: {font: gothik}\n"
        "colors:\n"
        "  bad: [0, 0, 120, 0]\n"
        "page:\n"
        "  size: A3\n",
    )
    layout, diagnostics = load(layouts, "bad")
    assert layout is not None  # a layout with problems is still read, so all of them are reported
    found = {d.field: d for d in with_code(diagnostics, "E503")}
    assert set(found) == {
        "styles.body.size",
        "styles.body.colr",
        "styles.heading-1.font",
        "colors.bad",
        "page.size",
    }
    assert (found["styles.body.size"].loc.file, found["styles.body.size"].loc.line) == (
        "layouts/bad.yaml",
        5,
    )
    assert found["styles.body.colr"].loc.line == 6 and "color" in found["styles.body.colr"].hint
    assert "gothic" in found["styles.heading-1.font"].hint
    assert found["colors.bad"].loc.line == 9
    assert found["page.size"].loc.line == 11
    assert all(d.hint for d in found.values())


def test_unknown_top_level_key_points_at_the_key(layouts: Path):
    write(layouts, "layouts/bad.yaml", "extends: house\nnumbring: {heading-1: x}\n")
    _, diagnostics = load(layouts, "bad")
    d = only(diagnostics, "E503")
    assert d.field == "numbring" and "numbering" in d.hint
    assert (d.loc.line, d.loc.col) == (2, 1)


def test_length_error_message_is_japanese(layouts: Path):
    write(layouts, "layouts/bad.yaml", "extends: house\nstyles:\n  body: {size: 10.5 points}\n")
    _, diagnostics = load(layouts, "bad")
    assert is_japanese(only(diagnostics, "E503").message)


def test_extends_cycle_is_refused(layouts: Path):
    write(layouts, "layouts/a.yaml", "extends: b\n")
    write(layouts, "layouts/b.yaml", "extends: a\n")
    layout, diagnostics = load(layouts, "a")
    assert layout is None
    assert only(diagnostics, "E503").loc.file in ("layouts/a.yaml", "layouts/b.yaml")


def test_extends_of_a_missing_file_is_refused_at_its_line(layouts: Path):
    write(layouts, "layouts/a.yaml", "deliverable: a\nextends: nothere\n")
    layout, diagnostics = load(layouts, "a")
    assert layout is None
    d = only(diagnostics, "E503")
    assert (d.loc.line, d.field) == (2, "extends")


def test_unknown_part_kind_is_e501(layouts: Path):
    write(layouts, "layouts/a.yaml", "extends: house\nparts:\n  - {kind: appendix}\n")
    _, diagnostics = load(layouts, "a")
    d = only(diagnostics, "E501")
    assert d.field == "parts[0].kind" and d.loc.line == 3


def test_layout_that_is_not_a_mapping_is_e503(layouts: Path):
    write(layouts, "layouts/a.yaml", "- a\n- b\n")
    layout, diagnostics = load(layouts, "a")
    assert layout is None and only(diagnostics, "E503").loc.line == 1
