"""Session fixtures for the end-to-end tests: each build and each LibreOffice conversion is
done once per session, in copies of the project under pytest's temporary directory (the
repository's output/ and .kumihan-cache/ are never touched).

- `sample`: the sample project (content/, layouts/, assets/ copied), built with
  `python build.py --no-cache`; its PDFs and DOCX, read lazily and kept.
- `sample_lo`: LibreOffice's PDF of each of the sample's DOCX files.
- `fiction`: the sample plus fictional case records (see fictional.py), built as a
  casebook, checked, and built and checked again with --strict.
- `long_case`: the sample plus one long fictional record that needs fitting.
- `broken_project`: a fresh copy of the sample project with the sample's files already in
  output/, for the bad-input tests (each breaks one file).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import fictional
from .helpers import (
    DELIVERABLES,
    OUTPUT_NAMES,
    Docx,
    Pdf,
    Run,
    copy_project,
    libreoffice_pdf,
    run_build,
    soffice_or_skip,
)


@dataclass
class Built:
    """A project copy and what building it gave."""

    root: Path
    run: Run
    _pdfs: dict[str, Pdf] = field(default_factory=dict)
    _docx: dict[str, Docx] = field(default_factory=dict)
    _lo: dict[str, Pdf] = field(default_factory=dict)

    @property
    def out(self) -> Path:
        return self.root / "output"

    def path(self, name: str) -> Path:
        return self.out / name

    def pdf(self, name: str) -> Pdf:
        """`name` as in output/ (e.g. 概略書_web.pdf), read once."""
        if name not in self._pdfs:
            self._pdfs[name] = Pdf(self.path(name))
        return self._pdfs[name]

    def docx(self, stem: str) -> Docx:
        if stem not in self._docx:
            self._docx[stem] = Docx(self.path(f"{stem}.docx"))
        return self._docx[stem]

    def lo(self, stem: str) -> Pdf:
        """LibreOffice's rendering of `stem`.docx (converted once, skipped without soffice)."""
        soffice_or_skip()
        if stem not in self._lo:
            target = self.root / "libreoffice"
            self._lo[stem] = Pdf(libreoffice_pdf(self.path(f"{stem}.docx"), target))
        return self._lo[stem]


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = copy_project(tmp_path_factory.mktemp("sample") / "project")
    run = run_build(root, "--no-cache")
    assert run.code == 0, f"the sample project does not build:\n{run}"
    for name in OUTPUT_NAMES:
        assert (root / "output" / name).is_file(), f"{name} was not written:\n{run}"
    return Built(root, run)


@pytest.fixture(scope="session")
def sample_lo(sample: Built) -> dict[str, Pdf]:
    """LibreOffice's PDF of each deliverable's DOCX (stem → Pdf)."""
    return {stem: sample.lo(stem) for stem in DELIVERABLES.values()}


@dataclass
class Fiction(Built):
    """The fictional casebook: the normal build, `check`, `check --json`, and --strict runs."""

    check: Run | None = None
    check_json: dict[str, object] = field(default_factory=dict)
    strict_build: Run | None = None
    strict_check: Run | None = None
    before_strict: dict[str, bytes] = field(default_factory=dict)
    after_strict: dict[str, bytes] = field(default_factory=dict)


@pytest.fixture(scope="session")
def fiction(tmp_path_factory: pytest.TempPathFactory) -> Fiction:
    from .helpers import snapshot

    root = copy_project(tmp_path_factory.mktemp("fiction") / "project")
    fictional.add_records(root, fictional.RECORDS)
    built = Fiction(root, run_build(root, "casebook", "--no-cache"))
    built.check = run_build(root, "check")
    check_json = run_build(root, "check", "--json")
    built.check_json = json.loads(check_json.stdout) if check_json.stdout.strip() else {}
    built.strict_check = run_build(root, "check", "--strict")
    built.before_strict = snapshot(root / "output") if (root / "output").is_dir() else {}
    built.strict_build = run_build(root, "casebook", "--strict", "--no-cache")
    built.after_strict = snapshot(root / "output") if (root / "output").is_dir() else {}
    return built


@pytest.fixture(scope="session")
def long_case(tmp_path_factory: pytest.TempPathFactory) -> Fiction:
    """The sample with one long record that needs fitting (kept apart from `fiction`, so a
    problem with it cannot hide what the other records show)."""
    root = copy_project(tmp_path_factory.mktemp("long") / "project")
    fictional.add_records(root, {"kaede-long": fictional.LONG})
    built = Fiction(root, run_build(root, "casebook", "--no-cache"))
    built.check = run_build(root, "check")
    return built


@pytest.fixture(scope="session")
def broken_template(sample: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project copy whose output/ already holds the sample's files."""
    root = copy_project(tmp_path_factory.mktemp("template") / "project")
    shutil.copytree(sample.out, root / "output")
    return root


@pytest.fixture
def broken_project(broken_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template for one test to break."""
    root = tmp_path / "project"
    shutil.copytree(broken_template, root, symlinks=True)
    return root
