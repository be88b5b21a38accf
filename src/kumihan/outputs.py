"""Writing outputs safely: temporary files first, then every file moved into place at once.

Takes the bytes of a build's files; gives them in the output directory only
when all of them are ready, each moved with `os.replace` (atomic on one file
system) under a lock, so a failed or killed build leaves the last good outputs
intact and two builds started together never interleave their files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """An exclusive lock on the output directory (released when the process dies)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".kumihan.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def stage(out_dir: Path, name: str, data: bytes) -> Path:
    """Write `data` to a temporary file beside its destination; return the temporary path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=out_dir)
    try:
        # mkstemp makes the file private (0600); outputs are shared like any new file
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


PREVIOUS = ".previous"  # the last build's files, kept for `build.py diff`


def commit(out_dir: Path, staged: dict[str, Path]) -> list[Path]:
    """Move every staged file to its final name, under the output lock.

    The file it replaces is kept as `.previous/<name>` (by hard link, so nothing is
    copied), which `build.py diff` compares the new build against.
    """
    written = []
    previous = out_dir / PREVIOUS
    with output_lock(out_dir):
        previous.mkdir(exist_ok=True)
        for name, temp in staged.items():
            final = out_dir / name
            if final.exists():
                kept = previous / name
                kept.unlink(missing_ok=True)
                os.link(final, kept)
            os.replace(temp, final)
            written.append(final)
    return written


def discard(staged: dict[str, Path]) -> None:
    for temp in staged.values():
        temp.unlink(missing_ok=True)
