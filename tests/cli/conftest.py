"""Fixtures for the command-line tests: a fictional project in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from load.fictional import add_case_pictures, make_project


@pytest.fixture
def clean_project(tmp_path: Path) -> Path:
    """The fictional project with its pictures: builds with no warning, even with --strict."""
    root = make_project(tmp_path / "project")
    add_case_pictures(root)
    return root
