"""Fixtures shared by the stage tests: the repository's own layouts, loaded once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kumihan.diagnostics import Diagnostics
from kumihan.layout.spec import Layout, load_layout

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def layout_of() -> Callable[[str], Layout]:
    """A layout of `layouts/` by name (house, summary, casebook, report), read once."""
    cache: dict[str, Layout] = {}

    def get(name: str) -> Layout:
        if name not in cache:
            diagnostics = Diagnostics()
            layout = load_layout(REPO / "layouts" / f"{name}.yaml", REPO, diagnostics)
            assert layout is not None and not diagnostics.has_errors, list(diagnostics)
            cache[name] = layout
        return cache[name]

    return get
