"""The preflight reads a TrueType program's glyph count without fontTools where it can."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from tests.e2e.helpers import copy_project

from kumihan.diagnostics import Diagnostics
from kumihan.registry import _render_caches, prepare_deliverable
from kumihan.render.pdf import render_pdf
from kumihan.render.pdf.truetype import _load
from kumihan.verify.preflight import _glyph_count

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"


@pytest.mark.parametrize("name", ["BIZUDMincho-Regular.ttf", "BIZUDPGothic-Bold-Latin.ttf"])
def test_the_glyph_count_is_fonttools_count(name: str) -> None:
    data = (FONTS / name).read_bytes()
    expected = int(TTFont(FONTS / name, lazy=True)["maxp"].numGlyphs)
    assert _glyph_count(data) == expected
    # a subset as embedded keeps the glyph ids, and so the count
    subset = _load(FONTS / name).subset({3, 40, 500})
    assert _glyph_count(subset) == expected


def test_anything_else_goes_to_fonttools_which_refuses_garbage() -> None:
    with pytest.raises(Exception):  # noqa: B017 (fontTools' own error types)
        _glyph_count(b"\0\1\0\0" + b"\xff" * 8)
    with pytest.raises(Exception):  # noqa: B017
        _glyph_count(b"not a font at all")


def test_a_preflight_of_our_pdf_imports_no_fonttools(tmp_path: Path) -> None:
    """The one-case rebuild's preflight runs on its critical path: fontTools is 30 ms."""
    root = copy_project(tmp_path / "project")
    prepared = prepare_deliverable(root, "summary", Diagnostics(), strict=False)
    assert prepared is not None
    with _render_caches(root):
        printed = render_pdf(
            prepared.document, prepared.layout, root, "print", datetime(2026, 1, 1, tzinfo=UTC)
        )
    sample_pdf = tmp_path / "summary.pdf"
    sample_pdf.write_bytes(printed.data)
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kumihan.verify.preflight import preflight\n"
        f"report = preflight(Path({str(sample_pdf)!r}), profile='print', page_multiple=2)\n"
        "assert report.passed, report.format()\n"
        "print(any(m.startswith('fontTools') for m in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "False"
