"""The cyclic collector paused while a build runs, and on again in a watcher."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from kumihan import editor
from kumihan.collector import paused

REPO = Path(__file__).resolve().parents[2]


class _Node:
    def __init__(self) -> None:
        self.other: object = self


def test_paused_is_off_within_and_collects_what_the_block_left() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        cycle = _Node()
        gone = weakref.ref(cycle)
        del cycle
        assert gone() is not None  # a cycle: reference counting alone never frees it
    assert gc.isenabled()
    assert gone() is None  # collected on the way out


def test_paused_leaves_an_off_collector_off() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_build_py_turns_the_collector_off_before_importing_the_toolkit() -> None:
    probe = (
        "import gc, runpy, sys\n"
        f"runpy.run_path({str(REPO / 'build.py')!r}, run_name='imported')\n"
        "print(gc.isenabled(), 'kumihan.cli' in sys.modules)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == ["False", "True"]


def test_the_watcher_turns_it_on_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session of hours must not keep every cycle it ever made."""
    seen: list[bool] = []
    monkeypatch.setattr(editor, "watch", lambda *a, **k: seen.append(gc.isenabled()) or 0)
    args = editor.watch_parser().parse_args([])
    gc.disable()
    try:
        assert editor.run_watch(args, tmp_path, editor.Reporter()) == 0
    finally:
        gc.enable()
    assert seen == [True]
