"""Deliverables built side by side start longest first, by their last build's time."""

from __future__ import annotations

from pathlib import Path

from kumihan.cache import JsonTable
from kumihan.cli import longest_first


def test_the_longest_last_build_starts_first(tmp_path: Path) -> None:
    durations = JsonTable(tmp_path / "durations.json")
    durations.put("summary", 0.4)
    durations.put("casebook", 2.5)
    durations.put("report", 1.2)
    assert longest_first(["summary", "casebook", "report"], durations) == [
        "casebook",
        "report",
        "summary",
    ]


def test_never_timed_deliverables_start_first_the_later_declared_before(tmp_path: Path) -> None:
    durations = JsonTable(tmp_path / "durations.json")
    assert longest_first(["summary", "casebook", "report"], durations) == [
        "report",
        "casebook",
        "summary",
    ]
    durations.put("report", 3.0)
    durations.put("casebook", "damaged")  # not a number: as if never timed
    assert longest_first(["summary", "casebook", "report"], durations) == [
        "casebook",
        "summary",
        "report",
    ]
