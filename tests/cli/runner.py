"""Running `python build.py …` as editors do: in the project directory, as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from load.fictional import REPO

BUILD = REPO / "build.py"


def run_build(root: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, str(BUILD), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def start_build(root: Path, *args: str) -> subprocess.Popen[str]:
    """A build in its own process group, so the test can stop it and every worker it started."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.Popen(
        [sys.executable, str(BUILD), *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` (hidden ones included) → its bytes."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }
