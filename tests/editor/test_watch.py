"""`build.py watch`: a save under content/ rebuilds what reads it and reports what changed;
bad content reports its errors and leaves the last good outputs in place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import stress  # benchmarks/stress.py
import yaml

from kumihan import editor

from .conftest import BUILD, run_build


class Collect(editor.Reporter):
    """Keeps every line the watcher prints (it runs in another thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.lock = threading.Lock()

    def line(self, text: str = "") -> None:
        with self.lock:
            self.lines.append(text)

    def error(self, text: str) -> None:
        self.line(text)

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.lines)


def first_final_case(root: Path) -> Path:
    for path in sorted((root / "content" / "cases").glob("*.yaml")):
        if yaml.safe_load(path.read_text(encoding="utf-8")).get("status") == "final":
            return path
    pytest.skip("no final case record to edit")


@pytest.fixture
def watching(project: Path) -> Iterator[tuple[Path, Collect, threading.Event, threading.Thread]]:
    """The watcher on the casebook in a thread, stopped after two rebuilds (or at teardown)."""
    reporter = Collect()
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=editor.watch,
        args=(project, ("casebook",)),
        kwargs={
            "options": editor.BuildOptions(preflight=False),
            "reporter": reporter,
            "stop_event": stop,
            "ready": ready,
            "max_rounds": 2,
        },
        daemon=True,
    )
    thread.start()
    assert ready.wait(120), reporter.text()
    yield project, reporter, stop, thread
    stop.set()
    thread.join(30)


def wait_for(reporter: Collect, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in reporter.text():
        assert time.monotonic() < deadline, f"no {text!r} in:\n{reporter.text()}"
        time.sleep(0.1)


def test_save_rebuilds_then_bad_content_keeps_outputs(
    watching: tuple[Path, Collect, threading.Event, threading.Thread],
) -> None:
    root, reporter, _stop, thread = watching
    assert "ビルドしました: casebook" in reporter.text()  # the build at start
    case = first_final_case(root)
    pdf = root / "output" / "事例集_web.pdf"
    built = pdf.read_bytes()

    stress.edit_case(case, "監視中に追記した一文。")
    wait_for(reporter, "再ビルドしました: casebook")

    shown = reporter.text()
    assert f"保存: content/cases/{case.name}" in shown
    assert "書き出し: 事例集_web.pdf" in shown
    assert "事例集: 変更" in shown  # the pages the save changed
    assert pdf.read_bytes() != built
    assert (root / "output" / ".previous" / "事例集_web.pdf").read_bytes() == built

    good = pdf.read_bytes()
    case.write_text(case.read_text(encoding="utf-8") + "typo_key: 1\n", encoding="utf-8")
    thread.join(120)  # the second rebuild ends the watcher (max_rounds=2)

    assert not thread.is_alive()
    shown = reporter.text()
    assert "E102" in shown and "typo_key" in shown
    assert "ビルドを中止しました" in shown
    assert pdf.read_bytes() == good


def test_unrelated_file_builds_nothing(
    watching: tuple[Path, Collect, threading.Event, threading.Thread],
) -> None:
    root, reporter, stop, _thread = watching
    (root / "content" / "memo.txt").write_text("メモ", encoding="utf-8")

    wait_for(reporter, "どの成果物も読まないファイルです")
    stop.set()


def test_affected_deliverables(project: Path) -> None:
    content = project / "content"
    case = next((content / "cases").glob("*.yaml"))
    chapter = next((content / "guidebook").glob("*.md"))
    every = ("summary", "casebook", "report")

    assert editor.affected(project, [case], every) == every
    assert editor.affected(project, [chapter], every) == ("report",)
    assert editor.affected(project, [content / "README.md"], every) == ()
    assert editor.affected(project, [content / "gone.yaml"], every) == every


def test_temporary_files_are_left_out(tmp_path: Path) -> None:
    kept = tmp_path / "kept.yaml"
    kept.write_text("x")

    class Change:
        def __init__(self, name: str) -> None:
            self.name = name

    batch = {
        (Change("added"), str(tmp_path / ".kept.yaml.swp-tmp")),
        (Change("deleted"), str(tmp_path / ".kept.yaml.swp-tmp")),
        (Change("added"), str(kept)),
        (Change("deleted"), str(tmp_path / "removed.yaml")),
    }
    assert editor.saved_files(batch) == [("保存", kept), ("削除", tmp_path / "removed.yaml")]


def test_ctrl_c_ends_the_watch_with_status_0(project: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, str(BUILD), "watch", "casebook", "--format", "pdf", "--no-preflight"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # a test runner may start children with SIGINT ignored; Ctrl-C must reach this one
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    try:
        lines = []
        for line in process.stdout:  # wait until it watches
            lines.append(line)
            if line.startswith("監視中"):
                break
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, "".join(lines) + rest
    assert "監視を終了しました" in rest


def test_watch_command_usage(project: Path) -> None:
    result = run_build(project, "watch", "nonsense")
    assert result.returncode == 2
    assert "unknown deliverable" in result.stderr


def test_the_watchers_build_status_leaves_the_build_free_to_fork() -> None:
    """On a terminal the 'ビルド中…' line is redrawn on update only: a spinner's thread
    would keep the build from making its formats in forked processes."""
    from kumihan import registry
    from kumihan.editor import RichReporter

    reporter = RichReporter()
    before = threading.active_count()
    with reporter.status("ビルド中…", animate=False) as update:
        update("事例集 をビルド中…")
        assert threading.active_count() == before
        if sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) >= 2:
            why = (os.environ.get("KUMIHAN_SERIAL"), [t.name for t in threading.enumerate()])
            assert registry._can_fork(), why
    with reporter.status("描画中", animate=True):
        assert threading.active_count() == before + 1  # the spinner's own thread
