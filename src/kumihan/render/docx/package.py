"""Saving a python-docx Document as a reproducible .docx file.

In: a finished `Document`, the document's metadata and a timestamp (the build's
fixed date, never "now").
Out: DOCX bytes, or a file written atomically. The same document content and
timestamp always give the same bytes: core properties carry the timestamp, and the
ZIP is rewritten with a fixed entry order, fixed entry dates and attributes
(python-docx stamps every entry with the current time).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from docx.document import Document

# OPC readers look for these two first; Word does not need it, but it is what Word writes.
_FIRST_ENTRIES = ("[Content_Types].xml", "_rels/.rels")
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a ZIP entry can hold


def _utc(timestamp: datetime) -> datetime:
    """Aware UTC datetime; a naive timestamp is taken to be UTC already."""
    if timestamp.tzinfo is None:
        return timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(UTC)


def set_core_properties(
    document: Document,
    *,
    timestamp: datetime,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    language: str = "ja-JP",
) -> None:
    """docProps/core.xml: metadata, and created = modified = `timestamp`, revision 1."""
    core = document.core_properties
    stamp = _utc(timestamp).replace(microsecond=0, tzinfo=None)  # python-docx writes "Z"
    core.title = title
    core.author = author
    core.last_modified_by = author
    core.subject = subject
    core.keywords = keywords
    core.language = language
    core.comments = ""
    core.revision = 1
    core.created = stamp
    core.modified = stamp


def _entry_order(names: list[str]) -> list[str]:
    first = [n for n in _FIRST_ENTRIES if n in names]
    return first + sorted(n for n in names if n not in _FIRST_ENTRIES)


def normalize_zip(data: bytes, timestamp: datetime) -> bytes:
    """Rewrite ZIP `data` with fixed order, dates (from `timestamp`) and attributes."""
    stamp = _utc(timestamp)
    date_time = max(
        _ZIP_EPOCH, (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        if len(set(names)) != len(names):
            raise ValueError("package has duplicate ZIP entries")
        for name in _entry_order(names):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Fixed Unix mode rw-r--r--: writestr would otherwise fill in 0600, and
            # create_system would follow the build machine's platform.
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()


def docx_bytes(
    document: Document,
    *,
    timestamp: datetime,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    language: str = "ja-JP",
) -> bytes:
    """The reproducible .docx bytes of `document` (its core properties are set first)."""
    set_core_properties(
        document,
        timestamp=timestamp,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        language=language,
    )
    raw = io.BytesIO()
    document.save(raw)
    return normalize_zip(raw.getvalue(), timestamp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same directory.

    Readers (Word, a watcher, LibreOffice) see either the old file or the new one,
    never a half-written one; os.replace is atomic within one file system.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_docx(
    document: Document,
    path: Path,
    *,
    timestamp: datetime,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    language: str = "ja-JP",
) -> None:
    """Save `document` reproducibly and atomically to `path`."""
    data = docx_bytes(
        document,
        timestamp=timestamp,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        language=language,
    )
    write_atomic(path, data)
