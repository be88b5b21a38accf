"""Three of reportlab's slow spots made quick, the PDF it writes unchanged.

Imported by `kumihan.render.pdf` before any other reportlab module, so that:

- `reportlab.platypus.paragraph` compiles its URI pattern (a case-insensitive class
  up to U+FFFF, 25 ms at every start; we never call the function that uses it) only
  when that pattern is first used;
- `PDFName`, called for every key of every dictionary written, remembers the names
  it has escaped (about 5,000 calls per 180 pages, a few dozen distinct names);
- reportlab's FlateDecode filter takes a stream's deflated bytes from the store
  `use_deflate_store` names when the same bytes were deflated before: a rebuild
  after one edit writes the same content streams for all other pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import zlib
from collections.abc import Iterator
from typing import Any

from kumihan.cache import BlobStore

# reportlab.platypus.paragraph's `uri_pat`, by how its source begins
_LAZY_PREFIXES = ("(^(?:[a-z0-9\\.\\-\\+]*)://)",)
# below this many bytes, deflating is quicker than reading the store's file
_STORED_FROM = 2048


class _LazyPattern:
    """A pattern compiled when one of its methods is first called."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)


@contextlib.contextmanager
def _lazy_patterns(prefixes: tuple[str, ...]) -> Iterator[None]:
    """Within the block, `re.compile` defers patterns beginning with one of `prefixes`."""
    compile_now = re.compile

    def compile_later(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and pattern.startswith(prefixes):
            return _LazyPattern(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_later
    try:
        yield
    finally:
        re.compile = compile_now


with _lazy_patterns(_LAZY_PREFIXES):
    import reportlab.platypus  # noqa: F401  (the package imports its paragraph module)

from reportlab.pdfbase import pdfdoc  # noqa: E402  (after the import above, on purpose)

_escape_name = pdfdoc.PDFName
_names: dict[tuple[str, str, str], str] = {}


def _remembered_name(data: str, lo: str = chr(0x21), hi: str = chr(0x7E)) -> str:
    """`pdfdoc.PDFName`, each distinct name escaped once per process."""
    key = (data, lo, hi)
    name = _names.get(key)
    if name is None:
        name = _names[key] = _escape_name(data, lo, hi)
    return name


pdfdoc.PDFName = _remembered_name

_STORE: BlobStore | None = None
# deflated bytes depend on zlib's version too: a warm build writes what a cold one would
_SALT = f"deflate|{zlib.ZLIB_RUNTIME_VERSION}|".encode()


def use_deflate_store(store: BlobStore | None) -> None:
    """Keep and reuse deflated streams in `store` (None: deflate each, keep nothing)."""
    global _STORE
    _STORE = store


def _deflate(self: Any, text: str | bytes) -> bytes:
    """reportlab's `PDFStreamFilterZCompress.encode`, through the store: the same
    bytes as `zlib.compress` at its default level."""
    data = text.encode("utf8") if isinstance(text, str) else text
    store = _STORE
    if store is None or len(data) < _STORED_FROM:
        return zlib.compress(data)
    name = "z-" + hashlib.sha256(_SALT + data).hexdigest()
    found = store.get(name)
    # kept with a CRC of the deflated bytes: a damaged entry is deflated afresh, never
    # written into a page (a check at a gigabyte a second, not an inflate)
    if found and len(found) > 4 and found[:4] == zlib.crc32(found[4:]).to_bytes(4, "big"):
        return found[4:]
    deflated = zlib.compress(data)
    store.put(name, zlib.crc32(deflated).to_bytes(4, "big"), deflated)
    return deflated


pdfdoc.PDFStreamFilterZCompress.encode = _deflate
