"""Input files' hashes remembered across builds (`kumihan.cache.file_digest`)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kumihan import cache
from kumihan.cache import JsonTable, file_digest, forget_file_hashes, remember_file_hashes


@pytest.fixture
def table(tmp_path: Path) -> Iterator[JsonTable]:
    made = JsonTable(tmp_path / "hashes.json")
    remember_file_hashes(made)
    forget_file_hashes()  # as a new process
    yield made
    remember_file_hashes(None)
    forget_file_hashes()


def test_a_settled_files_hash_is_taken_from_the_table_until_the_file_changes(
    tmp_path: Path, table: JsonTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_SETTLED_NS", 0)  # every file counts as settled
    font = tmp_path / "face.ttf"
    font.write_bytes(b"glyphs" * 100)
    assert file_digest(font) == hashlib.sha256(b"glyphs" * 100).digest()
    [entry] = table.entries.values()

    # the next process takes the hash from the table without reading the file: a hash
    # planted there shows it was used
    entry[-1] = "00" * 32
    forget_file_hashes()
    assert file_digest(font) == bytes(32)

    # rewritten (to the same size) a second later: other times, read and hashed again
    font.write_bytes(b"GLYPHS" * 100)
    later = font.stat().st_mtime_ns + 10**9
    os.utime(font, ns=(later, later))
    forget_file_hashes()
    assert file_digest(font) == hashlib.sha256(b"GLYPHS" * 100).digest()


def test_a_file_rewritten_with_its_old_time_put_back_is_read_again(
    tmp_path: Path, table: JsonTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cp -p`, `tar x`, `touch -d`: the modification time can be set back, the change
    time cannot."""
    monkeypatch.setattr(cache, "_SETTLED_NS", 0)
    picture = tmp_path / "photo.jpg"
    picture.write_bytes(b"before")
    old = picture.stat()
    assert file_digest(picture) == hashlib.sha256(b"before").digest()
    time.sleep(0.01)  # a later change time
    picture.write_bytes(b"after!")
    os.utime(picture, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert picture.stat().st_mtime_ns == old.st_mtime_ns
    forget_file_hashes()
    assert file_digest(picture) == hashlib.sha256(b"after!").digest()


def test_a_file_changed_a_moment_ago_is_not_remembered(tmp_path: Path, table: JsonTable) -> None:
    """Its times could stay the same through another change within the clock's tick:
    neither the table nor this process keeps its hash."""
    picture = tmp_path / "photo.jpg"
    picture.write_bytes(b"pixels")
    assert file_digest(picture) == hashlib.sha256(b"pixels").digest()
    assert table.entries == {}
    picture.write_bytes(b"PIXELS")  # at once, perhaps within the same tick
    assert file_digest(picture) == hashlib.sha256(b"PIXELS").digest()


def test_without_a_table_files_are_hashed_and_a_missing_one_raises(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"a")
    assert file_digest(path) == hashlib.sha256(b"a").digest()
    with pytest.raises(OSError):
        file_digest(tmp_path / "missing.txt")
