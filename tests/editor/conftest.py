"""Fixtures for the editor commands: tiny PDFs drawn with reportlab, a copy of the real
project in a temporary directory, and a runner for `python build.py …` in that copy.

`pdf(path, pages)` draws one page per entry of `pages`: a solid fill colour, optionally a
few words, on an A6 page, optionally with bleed (a red band outside a TrimBox). The tests
identify pages in rendered pictures by those fill colours.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build.py"
sys.path.insert(0, str(REPO / "benchmarks"))

A6 = (297.6, 419.5)
BLEED = 9.0


@dataclass(frozen=True)
class Page:
    fill: tuple[int, int, int]
    text: str = ""
    dot: tuple[float, float] | None = None  # a 2 pt black square, for a tiny change


def pdf(path: Path, pages: Sequence[Page], *, bleed: bool = False) -> Path:
    """A PDF with one page per `Page`; with `bleed`, a red band outside the TrimBox."""
    width, height = A6
    extra = BLEED if bleed else 0.0
    canvas = Canvas(str(path), pagesize=(width + 2 * extra, height + 2 * extra), invariant=1)
    for page in pages:
        if bleed:
            canvas.setFillColorRGB(1, 0, 0)
            canvas.rect(0, 0, width + 2 * extra, height + 2 * extra, stroke=0, fill=1)
            canvas.setTrimBox((extra, extra, width + extra, height + extra))
        r, g, b = (c / 255 for c in page.fill)
        canvas.setFillColorRGB(r, g, b)
        canvas.rect(extra, extra, width, height, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        if page.text:
            canvas.setFont("Helvetica", 24)
            canvas.drawString(extra + 30, extra + height / 2, page.text)
        if page.dot:
            canvas.rect(extra + page.dot[0], extra + page.dot[1], 2, 2, stroke=0, fill=1)
        canvas.showPage()
    canvas.save()
    return path


COLOURS = [
    (230, 60, 60),
    (60, 160, 60),
    (60, 90, 220),
    (230, 200, 40),
    (160, 60, 200),
    (40, 200, 200),
    (240, 140, 30),
]


def copy_project(dest: Path) -> Path:
    """content/, layouts/ and assets/ of this checkout (asset files hard-linked when possible)."""

    def link_or_copy(src: str, dst: str) -> object:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        return dst

    for folder in ("content", "layouts"):
        shutil.copytree(REPO / folder, dest / folder)
    shutil.copytree(REPO / "assets", dest / "assets", copy_function=link_or_copy)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def run_build(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python build.py ARGS` with `root` as the working directory (so it is the project)."""
    return subprocess.run(
        [sys.executable, str(BUILD), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
