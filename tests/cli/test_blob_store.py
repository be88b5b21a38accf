"""`BlobStore`: bytes by name in the cache, trimmed least recently used first, and not
more often than every `TRIM_EVERY_S` seconds."""

from __future__ import annotations

import os
import time
from pathlib import Path

from kumihan.cache import BlobStore


def _fill(store: BlobStore, names: list[str]) -> None:
    """Entries of 100 bytes, each used a second after the one before."""
    store.dir.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for age, name in enumerate(reversed(names)):
        path = store.dir / name
        path.write_bytes(b"x" * 100)
        os.utime(path, (now - 100 - age, now - 100 - age))


def test_the_first_write_trims_the_least_recently_used(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, "pages", limit=500)
    _fill(store, [f"old{n}" for n in range(4)] + [f"new{n}" for n in range(4)])  # 800 bytes
    assert store.get("old0") is not None  # used just now: kept

    store.put("newest", b"y" * 100)

    left = sorted(p.name for p in store.dir.iterdir())
    # down to three quarters of the limit, oldest first, before the new entry is written
    assert left == ["new2", "new3", "newest", "old0"]


def test_a_folder_trimmed_a_moment_ago_is_not_read_again(tmp_path: Path) -> None:
    first = BlobStore(tmp_path, "pages", limit=500)
    first.put("a", b"z")
    _fill(first, [f"e{n}" for n in range(8)])

    # the next process, within TRIM_EVERY_S: writes without listing the folder
    BlobStore(tmp_path, "pages", limit=500).put("b", b"z")
    assert len(list(first.dir.iterdir())) == 10

    # later on, it trims again
    past = time.time() - BlobStore.TRIM_EVERY_S - 1
    os.utime(first.marker, (past, past))
    BlobStore(tmp_path, "pages", limit=500).put("c", b"z")
    assert len(list(first.dir.iterdir())) < 10


def test_a_marker_dated_in_the_future_does_not_stop_trimming(tmp_path: Path) -> None:
    """A cache copied from another machine, or a clock set back."""
    store = BlobStore(tmp_path, "pages", limit=500)
    _fill(store, [f"e{n}" for n in range(8)])
    store.marker.parent.mkdir(parents=True, exist_ok=True)
    store.marker.touch()
    future = time.time() + 86_400
    os.utime(store.marker, (future, future))
    store.put("new", b"z")
    assert len(list(store.dir.iterdir())) < 9


def test_a_claim_is_held_by_one_live_process(tmp_path: Path) -> None:
    import subprocess

    store = BlobStore(tmp_path, "images")
    other = subprocess.Popen(["sleep", "30"])  # another build, still converting
    try:
        store.dir.mkdir(parents=True)
        (store.dir / "photo.claim").write_text(str(other.pid))
        assert not store.claim("photo")  # theirs: read what they keep
        assert store.claim("diagram")  # nobody's: ours to make
        assert not store.claim("diagram")  # ours until released (the other thread waits)
        store.release("diagram")
        assert store.claim("diagram")
    finally:
        other.kill()
        other.wait()
    # the build holding the claim was killed: the claim is taken over
    assert store.claim("photo")
    assert (store.dir / "photo.claim").read_text() == str(os.getpid())


def test_a_claim_too_old_is_taken_over(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, "images")
    store.dir.mkdir(parents=True)
    claim = store.dir / "photo.claim"
    claim.write_text(str(os.getppid()))  # a live process …
    assert not store.claim("photo")
    old = time.time() - BlobStore.CLAIM_STALE_S - 1  # … that has held it far too long
    os.utime(claim, (old, old))
    assert store.claim("photo")
