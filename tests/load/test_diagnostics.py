"""diagnostics: problems as values, reported once each, sorted by file and line."""

from __future__ import annotations

import json

import pytest

from kumihan.diagnostics import CODES, Diagnostics, Severity, SourceLoc

from .diag import is_japanese


def test_sorted_by_file_line_column_and_code_with_duplicates_once():
    diagnostics = Diagnostics()
    diagnostics.add(SourceLoc("content/b.md", 3), "E201", "b3", "h")
    diagnostics.add(SourceLoc("content/a.yaml", 10, 5), "E105", "a10", "h")
    diagnostics.add(SourceLoc("content/a.yaml", 2, 9), "E104", "a2c9", "h")
    diagnostics.add(SourceLoc("content/a.yaml", 2, 1), "E102", "a2c1", "h")
    diagnostics.add(
        SourceLoc("content/a.yaml", 10, 5), "E105", "a10", "h"
    )  # the same problem again
    assert [d.message for d in diagnostics] == ["a2c1", "a2c9", "a10", "b3"]
    assert len(diagnostics.items) == 5 and len(diagnostics.sorted()) == 4


def test_errors_and_has_errors_ignore_warnings_and_notes():
    diagnostics = Diagnostics()
    diagnostics.add(SourceLoc("x"), "W403", "w", "h")
    diagnostics.add(SourceLoc("x"), "I402", "i", "h")
    assert not diagnostics.has_errors and diagnostics.errors == []
    diagnostics.add(SourceLoc("x"), "E101", "e", "h")
    assert diagnostics.has_errors and [d.code for d in diagnostics.errors] == ["E101"]


def test_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError):
        Diagnostics().add(SourceLoc("x"), "E999", "m")


def test_format_and_json():
    diagnostics = Diagnostics()
    diagnostics.add(
        SourceLoc("content/cases/sakura.yaml", 34, 3),
        "E102",
        "「populaton」というキーはありません",
        "ヒント文",
        "profile.populaton",
    )
    diagnostics.add(SourceLoc("content/x.md", 7), "E201", "m", "")
    (first, second) = diagnostics.sorted()
    assert first.format() == (
        "content/cases/sakura.yaml:34:3: E102 未知のキー [profile.populaton]: 「populaton」というキーはありません\n    ヒント: ヒント文"
    )
    assert second.format() == "content/x.md:7: E201 HTML は書けません: m"
    data = json.loads(diagnostics.to_json())
    assert data[0] == {
        "file": "content/cases/sakura.yaml",
        "line": 34,
        "column": 3,
        "code": "E102",
        "severity": "error",
        "title": "未知のキー",
        "field": "profile.populaton",
        "message": "「populaton」というキーはありません",
        "hint": "ヒント文",
    }


def test_every_code_has_a_japanese_title_and_a_severity_matching_its_letter():
    letters = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}
    for code, (severity, title) in CODES.items():
        assert letters[code[0]] is severity, code
        assert is_japanese(title), code
