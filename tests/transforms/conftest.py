"""Fixtures for the transforms: the repository's layouts and small hand-built documents."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kumihan.diagnostics import Diagnostics
from kumihan.layout.spec import Layout, load_layout

from .nodes import REPO


@pytest.fixture(scope="session")
def layout_of() -> Callable[[str], Layout]:
    cache: dict[str, Layout] = {}

    def get(name: str) -> Layout:
        if name not in cache:
            diagnostics = Diagnostics()
            layout = load_layout(REPO / "layouts" / f"{name}.yaml", REPO, diagnostics)
            assert layout is not None and not diagnostics.has_errors, list(diagnostics)
            cache[name] = layout
        return cache[name]

    return get
