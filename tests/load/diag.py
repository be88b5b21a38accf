"""Assertion helpers on diagnostics, shared by the stage tests."""

from __future__ import annotations

from collections.abc import Iterable

from kumihan.diagnostics import Diagnostic


def codes(diagnostics: Iterable[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def with_code(diagnostics: Iterable[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == code]


def only(diagnostics: Iterable[Diagnostic], code: str) -> Diagnostic:
    """The single diagnostic with `code` (fails when there are none or several)."""
    items = list(diagnostics)
    found = [d for d in items if d.code == code]
    assert len(found) == 1, [d.format() for d in items]
    return found[0]


def is_japanese(text: str) -> bool:
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text)


def assert_explained(diagnostic: Diagnostic) -> None:
    """A message editors can act on: Japanese, with a Japanese hint."""
    assert is_japanese(diagnostic.message), diagnostic.format()
    assert diagnostic.hint and is_japanese(diagnostic.hint), diagnostic.format()
