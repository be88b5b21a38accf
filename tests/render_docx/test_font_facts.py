"""Word's font table entries, read from the font files once and remembered by their hash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kumihan.cache import JsonTable, forget_file_hashes
from kumihan.render.docx.template import font_decl_from_file
from kumihan.typeset import fontfacts
from kumihan.typeset.fontfacts import remember_font_facts

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"


@pytest.fixture
def table(tmp_path: Path) -> Iterator[JsonTable]:
    made = JsonTable(tmp_path / "font-facts.json")
    remember_font_facts(made)
    yield made
    remember_font_facts(None)
    forget_file_hashes()


def test_a_remembered_font_gives_the_same_entry_without_reading_the_font(
    table: JsonTable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    font = tmp_path / "mincho.ttf"
    font.write_bytes((FONTS / "BIZUDMincho-Regular.ttf").read_bytes())
    read = font_decl_from_file(font, name="架空明朝", alt_name="Kakuu Mincho")
    assert read.panose and read.signature is not None and read.pitch in ("fixed", "variable")
    table.save()

    def no_reading(path: Path) -> list[object]:
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(fontfacts, "read_font_facts", no_reading)
    remember_font_facts(JsonTable(table.path))  # the next build
    again = font_decl_from_file(font, name="架空明朝", alt_name="Kakuu Mincho")
    assert again == read
    # another file (other bytes): read, not taken from the table
    other = tmp_path / "gothic.ttf"
    other.write_bytes((FONTS / "BIZUDGothic-Regular.ttf").read_bytes())
    with pytest.raises(AssertionError, match="read again"):
        font_decl_from_file(other, name="架空ゴシック", family="modern")


def test_a_malformed_entry_is_read_from_the_font_again(table: JsonTable) -> None:
    path = FONTS / "BIZUDGothic-Regular.ttf"
    right = font_decl_from_file(path, name="架空ゴシック", family="modern")
    [key] = table.entries
    for bad in ([1, 2, 3, 4], ["0202", [1, 2], [3, 4], "fixed"], "text", None):
        table.entries[key] = bad
        assert font_decl_from_file(path, name="架空ゴシック", family="modern") == right
