"""Build caches keyed by content hash, so a rebuild redoes only what an edit touched.

Kinds of cache, all under `<project>/.kumihan-cache/` (safe to delete at any time):

- **deliverables**: a deliverable's finished files, keyed by the hash of everything it
  reads — its layout files, the content files its manifest and includes use, the
  images under assets/, the build options and the toolkit's own source. Editing a
  guidebook chapter rebuilds only the 報告書; editing one case rebuilds what shows cases.
- **fit**: each case's fit decision, keyed by the case's model and the layout, so the
  ladder of trial layouts is measured again only for the case that changed.
- **images**: each picture converted for a PDF variant and deflated (`BlobStore`),
  keyed by the picture's and the profile's bytes, so a rebuild, and the deliverables
  built side by side, convert each picture once.
- **content**: each content file as loaded — the record or chapter and the problems
  found in it (`ContentMemo`), keyed by the file's bytes and the list of assets, so
  a rebuild parses and validates only the files that changed.
- **spreads**: each case's four pages as assembled from its record, before fitting
  (`kumihan.assemble`), keyed by the record, the layout and the toolkit.
- **pages**: case pages as drawn (`kumihan.render.pdf.replay`); **ink.json**: the
  preflight's measured image inks; **inspected.json**: each picture's size and mode,
  by its path, size and time (`JsonTable`), so a rebuild does not decode unchanged
  pictures to check them; **hashes.json**: each input file's hash, by its path, size,
  times and inode (`file_digest`), so unchanged fonts and pictures are not read again;
  **colours.json** and **font-facts.json**: colours converted through the ICC profile
  and what Word's font table says of each font (`kumihan.render.pdf.color`,
  `kumihan.typeset.fontfacts`); **deflated**: page streams as deflated
  (`kumihan.render.pdf.speedups`).

Entries are written atomically; a damaged or unreadable entry is treated as a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import tempfile
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

try:
    import fcntl
except ImportError:  # not POSIX: entries are made without claims
    fcntl = None  # type: ignore[assignment]

from kumihan import __version__
from kumihan import model as m

V = TypeVar("V")  # a value kept pickled in a `BlobStore`

CACHE_DIR = ".kumihan-cache"


@lru_cache(maxsize=1)
def toolkit_digest() -> str:
    """A hash of the toolkit's own code and schemas: a new version invalidates every entry."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def value_digest(value: object) -> bytes:
    """A hash of a value (a case page, a part, a layout): equal values hash the same in
    every process, however their parts are shared.

    By the value's repr: the model and the layouts are dataclasses of strings, numbers,
    tuples, dicts and paths, whose repr is their value, and making it is as quick as a
    pickle. (A pickle refers back to objects it has already written, so equal values whose
    parts are shared differently — parsed afresh, or unpickled from the content memo —
    would pickle, and hash, differently.) Something whose repr is its address is hashed
    by a pickle made without back-references instead."""
    text = repr(value)
    if " at 0x" not in text:
        return hashlib.sha256(text.encode()).digest()
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: the bytes depend on the value alone
    pickler.dump(value)
    return hashlib.sha256(out.getbuffer()).digest()


def files_digest(root: Path, paths: Iterable[Path], extra: str = "") -> str:
    """A hash of files' names and bytes (missing files count as absent), plus `extra`."""
    digest = hashlib.sha256(toolkit_digest().encode())
    digest.update(extra.encode())
    for path in sorted(set(paths)):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        digest.update(name.encode() + b"\0")
        try:
            digest.update(file_digest(path))
        except OSError:
            digest.update(b"<absent>")
        digest.update(b"\0")
    return digest.hexdigest()


_HASHES: JsonTable | None = None
# a file changed this recently may change again within the clock's tick, unseen by its
# times: its hash is not remembered (as git treats a "racily clean" file)
_SETTLED_NS = 2_000_000_000


def remember_file_hashes(table: JsonTable | None) -> None:
    """Keep the hashes `file_digest` makes in `table` across builds (None: in this process
    only), so an unchanged font or picture is not read and hashed by every build."""
    global _HASHES
    _HASHES = table


def file_digest(path: Path) -> bytes:
    """SHA-256 of a file's bytes (OSError if it cannot be read). Computed once per process
    for each size, modification and change time and inode (a build keys several caches
    by the same fonts and pictures), and taken from the remembered table when all four
    are the ones it was hashed with."""
    stat = path.stat()
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) <= _SETTLED_NS:
        # changed a moment ago, and perhaps again within the clock's tick, which its times
        # would not show: read now, remembered neither here nor in the table (a watcher
        # keeps this process across saves)
        return hashlib.sha256(path.read_bytes()).digest()
    return _file_hash(path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def forget_file_hashes() -> None:
    """Forget the hashes held in memory (tests, as a new process would)."""
    _file_hash.cache_clear()


@lru_cache(maxsize=4096)
def _file_hash(path: Path, size: int, mtime_ns: int, ctime_ns: int, inode: int) -> bytes:
    table = _HASHES
    stamp = [size, mtime_ns, ctime_ns, inode]
    name = str(path)
    if table is not None:
        found = table.get(name)
        if isinstance(found, list) and found[:4] == stamp and isinstance(found[-1], str):
            with contextlib.suppress(ValueError):
                return bytes.fromhex(found[-1])
    digest = hashlib.sha256(path.read_bytes()).digest()
    if table is not None:
        table.put(name, [*stamp, digest.hex()])
    return digest


def _write_atomic(path: Path, *chunks: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            for data in chunks:
                stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class DeliverableCache:
    """Finished files of a deliverable, one entry per deliverable (the latest build),
    found by any of the keys it was put under (by position: each key names another way
    of knowing the files are still right).

    An entry is two pickles in a row, the keys and then the files, so a miss (the
    usual case after an edit) reads a few bytes instead of every file of the last build.
    """

    def __init__(self, root: Path) -> None:
        self.dir = root / CACHE_DIR / "deliverables"

    def _path(self, deliverable: str) -> Path:
        return self.dir / f"{deliverable}.pickle"

    def get(self, deliverable: str, key: str, at: int = 0) -> Any | None:
        """The value put with `key` in place `at` of its keys, if it is the latest."""
        try:
            with self._path(deliverable).open("rb") as handle:
                keys = pickle.load(handle)
                if not isinstance(keys, tuple) or len(keys) <= at or keys[at] != key:
                    return None
                return pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
            return None

    def put(self, deliverable: str, keys: tuple[str, ...], value: Any) -> None:
        # a read-only checkout builds without a cache
        with contextlib.suppress(OSError):
            _write_atomic(
                self._path(deliverable),
                pickle.dumps(keys, protocol=pickle.HIGHEST_PROTOCOL),
                pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
            )


class FitCache:
    """Fit decisions by case content: `get`/`put` a `Fit` for a case's model (kept in
    `fit.json`, a `JsonTable`)."""

    def __init__(self, root: Path, layout_key: str) -> None:
        self.table = JsonTable(root / CACHE_DIR / "fit.json", limit=5000)
        self.layout_key = layout_key

    def key(self, spread: m.CaseSpread) -> str:
        digest = hashlib.sha256(toolkit_digest().encode())
        digest.update(self.layout_key.encode())
        digest.update(
            repr(
                m.CaseSpread(
                    spread.case_id,
                    spread.title,
                    spread.place,
                    spread.pages,
                    spread.loc,
                    spread.anchor,
                )
            ).encode()
        )
        return digest.hexdigest()

    def get(self, spread: m.CaseSpread) -> m.Fit | None:
        entry = self.table.get(self.key(spread))
        if not entry:
            return None
        step, size, leading, overflow = entry
        return m.Fit(
            int(step), float(size), float(leading), tuple((int(p), float(v)) for p, v in overflow)
        )

    def put(self, spread: m.CaseSpread, fit: m.Fit) -> None:
        entry = [fit.step, fit.body_size, fit.leading, [list(o) for o in fit.overflow]]
        self.table.put(self.key(spread), entry)

    def save(self) -> None:
        self.table.save()


class JsonTable:
    """Small JSON values by string key, in one file of the cache (`.kumihan-cache/<name>`).

    Read once when made; `save` writes it back atomically when something was added,
    keeping the newest `limit` entries. A file written by another toolkit version, or
    damaged, reads as empty. For facts keyed by everything they depend on, so an entry
    never goes stale, it only goes unused.
    """

    def __init__(self, path: Path, *, limit: int = 10_000) -> None:
        self.path, self.limit = path, limit
        self.dirty = False
        self.entries: dict[str, Any] = {}
        try:
            loaded = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return
        if isinstance(loaded, dict) and loaded.get("toolkit") == toolkit_digest():
            entries = loaded.get("entries")
            self.entries = entries if isinstance(entries, dict) else {}

    def get(self, key: str) -> Any | None:
        return self.entries.get(key)

    def put(self, key: str, value: Any) -> None:
        self.entries.pop(key, None)  # newest last: the oldest are dropped first
        self.entries[key] = value
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        # one moment's table: the picture converter's thread may still be adding file
        # hashes while a build that failed part-way saves
        entries = dict(self.entries)
        if len(entries) > self.limit:
            entries = self.entries = dict(list(entries.items())[-self.limit :])
        data = {"toolkit": toolkit_digest(), "entries": entries}
        with contextlib.suppress(OSError):
            _write_atomic(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        self.dirty = False


class BlobStore:
    """Bytes by name in a folder of the cache (converted pictures: `kumihan.render.pdf.images`).

    Names are hashes the caller makes of everything the bytes depend on, so an entry
    never goes stale, it only goes unused: the folder is trimmed to `limit` bytes,
    least recently used first, when a process first writes to it and the folder was
    not trimmed in the last `TRIM_EVERY_S` seconds (trimming reads the size and time of
    every entry: thousands of case pages after a long session of edits).

    An entry that takes long to make can be claimed first (`claim`, `release`), so that
    two processes building at once (the 事例集 and the 報告書 share their photos) do not
    both make it: the second reads what the first kept.
    """

    TRIM_EVERY_S = 600.0

    def __init__(self, root: Path, folder: str, limit: int = 512 * 1024 * 1024) -> None:
        self.dir = root / CACHE_DIR / folder
        self.limit = limit
        self.trimmed = False
        self.marker = root / CACHE_DIR / f"trimmed-{folder}"  # its time: the last trim
        self._held: dict[str, tuple[int, int]] = {}  # claims: name → (process, locked file)

    def get(self, name: str) -> bytes | None:
        path = self.dir / name
        try:
            data = path.read_bytes()
            os.utime(path)  # recently used: trimmed last
        except OSError:
            return None
        return data

    def get_value(self, name: str, kind: type[V]) -> V | None:
        """The value kept pickled under `name` if it is a `kind`; a damaged entry,
        whatever unpickling makes of it, is a miss."""
        data = self.get(name)
        if data is None:
            return None
        try:
            found = pickle.loads(data)
        except Exception:
            return None
        return found if isinstance(found, kind) else None

    def put_value(self, name: str, value: object) -> None:
        """Keep `value` pickled under `name` (nothing, if it cannot be pickled: it is made
        afresh next time)."""
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PickleError, TypeError, AttributeError):
            return
        self.put(name, data)

    def put(self, name: str, *chunks: bytes) -> None:
        with contextlib.suppress(OSError):
            if not self.trimmed:
                self.trimmed = True
                if self._trim_due():
                    self._trim()
            _write_atomic(self.dir / name, *chunks)

    def claim(self, name: str) -> bool:
        """Take the making of `name`: True when this process is to make it (and then
        `release` it), False while another process is making it.

        A claim is a lock the system holds for the process (`flock` on `<name>.claim`),
        so it ends when the process releases it or dies (a killed build), whatever its
        number or namespace. Where no lock can be had (a read-only or full cache, a file
        system without locks), True: the entry is made, just not shared."""
        if fcntl is None:
            return True
        path = self.dir / f"{name}.claim"
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return True
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            return False
        except OSError:
            os.close(handle)
            return True
        try:  # released (unlinked) between the opening and the lock: that claims nothing
            current = os.fstat(handle).st_ino == os.stat(path).st_ino
        except OSError:
            current = False
        if not current:
            os.close(handle)
            return False  # asked again, the entry is there or the claim is new
        self._held[name] = (os.getpid(), handle)
        return True

    def release(self, name: str) -> None:
        """Give up this process's claim on `name` (made, or given up on)."""
        held = self._held.pop(name, None)
        if held is None or held[0] != os.getpid():  # a claim forked from the parent is not ours
            return
        with contextlib.suppress(OSError):
            (self.dir / f"{name}.claim").unlink()  # first: a waiter never locks it in place
        with contextlib.suppress(OSError):
            os.close(held[1])

    def _trim_due(self) -> bool:
        """Whether the folder was last trimmed long enough ago (and mark it trimmed now)."""
        with contextlib.suppress(OSError):
            # a marker dated in the future (a copied cache, a clock set back) is stale
            if 0 <= time.time() - self.marker.stat().st_mtime < self.TRIM_EVERY_S:
                return False
        with contextlib.suppress(OSError):
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            self.marker.touch()
        return True

    def _trim(self) -> None:
        entries = []
        for path in self.dir.glob("*"):
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        if total <= self.limit:
            return
        for _, size, path in sorted(entries):
            if total <= self.limit * 3 // 4:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


class ContentMemo:
    """Content files as loaded, by a key of everything loading them reads.

    `key(kind, name, data)` takes what the file is (case, policy, markdown …), its
    project-relative name and its bytes; the key also covers the toolkit's code and
    the files under assets/ (names, sizes, times: a chapter's image check reads them).
    One pickle for the whole project, read once and written back after loading when
    something was added; entries no load uses are dropped once they pile up. Each
    entry is kept pickled on its own, so writing the file back after one edit pickles
    only what the edit added.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / CACHE_DIR / "content.pickle"
        self.entries: dict[str, bytes] = {}  # key → the pickled value
        self.used: dict[str, bytes] = {}
        self.dirty = False
        try:
            with self.path.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, dict):
                self.entries = loaded
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
            self.entries = {}
        digest = hashlib.sha256(toolkit_digest().encode())
        assets = root / "assets"
        for path in sorted(assets.rglob("*")) if assets.is_dir() else []:
            with contextlib.suppress(OSError):
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(assets)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
                )
        self.context = digest.digest()

    def key(self, kind: str, name: str, data: bytes) -> str:
        digest = hashlib.sha256(self.context)
        digest.update(f"{kind}|{name}|".encode())
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> Any | None:
        found = self.entries.get(key)
        if not isinstance(found, bytes):
            return None
        try:
            value = pickle.loads(found)
        except Exception:  # damaged, or of a class since changed: loaded again
            return None
        self.used[key] = found
        return value

    def put(self, key: str, value: Any) -> None:
        with contextlib.suppress(pickle.PickleError, TypeError, AttributeError):
            self.used[key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        kept = {**self.entries, **self.used}
        # the deliverables built side by side each use their own layout: keep what the
        # others used too, unless old versions of edited files have piled up
        if len(kept) > 2 * len(self.used) + 64:
            kept = self.used
        with contextlib.suppress(OSError, pickle.PickleError, TypeError, AttributeError):
            _write_atomic(self.path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        self.entries, self.dirty = kept, False
