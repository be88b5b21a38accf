"""reportlab's slow spots made quick (`kumihan.render.pdf.speedups`), with the same results."""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from pathlib import Path

from reportlab.pdfbase import pdfdoc
from reportlab.platypus import paragraph

from kumihan.cache import BlobStore
from kumihan.render.pdf import speedups


def test_the_build_imports_reportlab_with_its_uri_pattern_compiled_later() -> None:
    """In a fresh interpreter, as `build.py` imports the toolkit: the pattern is deferred."""
    probe = (
        "import kumihan.cli, kumihan.registry\n"
        "from reportlab.platypus import paragraph\n"
        "print(type(paragraph.uri_pat).__name__)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "_LazyPattern"


def test_a_deferred_pattern_matches_as_the_compiled_one() -> None:
    source = paragraph.uri_pat.pattern  # compiled, or compiled on this first use
    lazy = speedups._LazyPattern(source, re.I)
    compiled = re.compile(source, re.I)
    for text in ("https://example.org/a?b=1", "ftp://[::1]:21/x", "not a uri", "http://例え.jp"):
        assert bool(lazy.match(text)) == bool(compiled.match(text))


def test_pdf_names_are_escaped_as_reportlab_escapes_them() -> None:
    for name in ("Type", "Font", "A B", "#1(x)", "日本"):
        assert pdfdoc.PDFName(name) == speedups._escape_name(name)
        assert pdfdoc.PDFName(name) == pdfdoc.PDFName(name)  # the remembered one


def test_deflated_streams_come_from_the_store_with_zlibs_bytes(tmp_path: Path) -> None:
    data = b"BT /F1 12 Tf (kumihan) Tj ET\n" * 400
    filt = pdfdoc.PDFZCompress
    store = BlobStore(tmp_path, "deflated")
    speedups.use_deflate_store(store)
    try:
        first = filt.encode(data)
        assert first == zlib.compress(data)
        stored = list(store.dir.iterdir())
        assert len(stored) == 1
        # what the store holds is what is written (a planted entry shows it) …
        planted = b"from the store"
        stored[0].write_bytes(zlib.crc32(planted).to_bytes(4, "big") + planted)
        assert filt.encode(data) == planted
        # … unless it is damaged: then it is deflated again
        for damaged in (b"\0\0\0\0" + planted, b"\0\0\0\0", b"", planted[:3]):
            stored[0].write_bytes(damaged)
            assert filt.encode(data) == zlib.compress(data)
        # short streams are deflated at once, never stored
        assert filt.encode(b"q Q") == zlib.compress(b"q Q")
        assert len(list(store.dir.iterdir())) == 1
    finally:
        speedups.use_deflate_store(None)
    assert filt.encode(data) == zlib.compress(data)  # no store: deflated every time
