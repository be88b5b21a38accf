"""Fixtures for the assemble stage: the fictional project, loaded (layouts: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kumihan.diagnostics import Diagnostics
from kumihan.load.content import Content, load_content
from kumihan.load.records import CaseRecord, read_case
from kumihan.load.validate import validate
from kumihan.load.yamlsource import parse_yaml
from load.fictional import make_project


@pytest.fixture
def record_of() -> Callable[..., tuple[CaseRecord, Diagnostics]]:
    def read(text: str, file: str = "content/cases/sakura.yaml") -> tuple[CaseRecord, Diagnostics]:
        diagnostics = Diagnostics()
        located = parse_yaml(text, file, diagnostics)
        assert located is not None and validate(located, "case", diagnostics), list(diagnostics)
        return read_case(located, diagnostics), diagnostics

    return read


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., tuple[Content, Diagnostics]]:
    """The fictional project written under tmp_path and loaded (keyword args go to make_project)."""

    def load(**kwargs: object) -> tuple[Content, Diagnostics]:
        root = make_project(tmp_path / "project", **kwargs)  # type: ignore[arg-type]
        diagnostics = Diagnostics()
        content = load_content(root, diagnostics)
        assert not diagnostics.has_errors, [d.format() for d in diagnostics]
        return content, diagnostics

    return load
