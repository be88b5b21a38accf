"""A sample build shared by the quality tests: every deliverable, built once per session
into a temporary output directory (the repository's output/ is left alone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kumihan.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample-output")
    code = main(["--out", str(out), "--quiet", "--no-cache"])
    assert code == 0
    return out
