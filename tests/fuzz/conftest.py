"""Fixtures for the fuzz tests: one fuzz project per test module."""

from __future__ import annotations

import pytest

from kumihan.diagnostics import Diagnostics
from kumihan.pipeline import read_layout
from kumihan.render.pdf.fonts import font_book

from .project import FuzzProject, fuzz_root


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory) -> FuzzProject:
    root = fuzz_root(tmp_path_factory.mktemp("fuzz") / "project")
    diagnostics = Diagnostics()
    layouts = {}
    for name in ("summary", "casebook"):
        layout = read_layout(root, name, diagnostics)
        assert layout is not None
        layouts[name] = layout
    assert not diagnostics.has_errors
    fonts = font_book(layouts["summary"], root / "assets" / "fonts")
    return FuzzProject(root, layouts, fonts)
