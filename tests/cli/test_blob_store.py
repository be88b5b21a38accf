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


def test_a_claim_is_held_until_released_or_its_process_dies(tmp_path: Path) -> None:
    import subprocess
    import sys

    store = BlobStore(tmp_path, "images")
    store.dir.mkdir(parents=True)
    holder = (  # another build, converting the photo: it holds the claim's lock
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", holder, str(store.dir / "photo.claim")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        assert not store.claim("photo")  # theirs: read what they keep
        assert store.claim("diagram")  # nobody's: ours to make
        assert not store.claim("diagram")  # ours until released (the other thread waits)
        store.release("diagram")
        assert not (store.dir / "diagram.claim").exists()
        assert store.claim("diagram")
        store.release("diagram")
    finally:
        other.kill()
        other.wait()
    # the build holding it was killed: its file is left, the claim is not
    assert (store.dir / "photo.claim").exists()
    assert store.claim("photo")
    store.release("photo")


def test_a_cache_that_cannot_be_written_claims_everything(tmp_path: Path) -> None:
    """A full or read-only cache: each process makes what it needs, nothing waits."""
    store = BlobStore(tmp_path, "images")
    store.dir.parent.mkdir(parents=True)
    store.dir.write_text("a file where the folder should be")
    assert store.claim("photo") and store.claim("photo")
    store.release("photo")
