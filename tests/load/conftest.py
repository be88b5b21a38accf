"""Fixtures for the load stage: parsing helpers that return data and diagnostics together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kumihan.diagnostics import Diagnostics
from kumihan.load.markdown import Chapter, parse_markdown
from kumihan.load.records import CaseRecord, read_case
from kumihan.load.validate import validate
from kumihan.load.yamlsource import Located, parse_yaml

CASE_FILE = "content/cases/sakura.yaml"


@pytest.fixture
def parse() -> Callable[[str], tuple[Located | None, Diagnostics]]:
    def run(text: str, file: str = "x.yaml") -> tuple[Located | None, Diagnostics]:
        diagnostics = Diagnostics()
        return parse_yaml(text, file, diagnostics), diagnostics

    return run


@pytest.fixture
def load_case() -> Callable[[str], tuple[CaseRecord | None, Diagnostics]]:
    """YAML text of a case → (record or None when invalid, diagnostics)."""

    def run(text: str, file: str = CASE_FILE) -> tuple[CaseRecord | None, Diagnostics]:
        diagnostics = Diagnostics()
        located = parse_yaml(text, file, diagnostics)
        if located is None or not validate(located, "case", diagnostics):
            return None, diagnostics
        return read_case(located, diagnostics), diagnostics

    return run


@pytest.fixture
def md(tmp_path: Path) -> Callable[..., tuple[Chapter, Diagnostics]]:
    """Markdown text → (chapter, diagnostics); images resolve against tmp_path/assets."""
    assets = tmp_path / "assets"
    (assets / "images").mkdir(parents=True)

    def run(text: str, file: str = "content/report/10-x.md") -> tuple[Chapter, Diagnostics]:
        diagnostics = Diagnostics()
        return parse_markdown(text, file, diagnostics, assets=assets), diagnostics

    return run
