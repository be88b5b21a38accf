"""Saving a python-docx Document as a reproducible .docx file.

In: a finished `Document`, the document's metadata and a timestamp (the build's
fixed date, never "now").
Out: DOCX bytes, or a file written atomically. The same document content and
timestamp always give the same bytes: core properties carry the timestamp, and the
ZIP holds the files python-docx's save would write (`package_entries`) with a fixed
entry order, fixed entry dates and attributes (python-docx's save stamps every entry
with the current time; `normalize_zip` fixes a ZIP it wrote).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from docx.document import Document
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem

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


_COMPRESSED_ALREADY = (".png", ".jpg", ".jpeg", ".gif")


def _entry_order(names: list[str]) -> list[str]:
    first = [n for n in _FIRST_ENTRIES if n in names]
    return first + sorted(n for n in names if n not in _FIRST_ENTRIES)


def _zip(entries: dict[str, bytes], timestamp: datetime) -> bytes:
    """ZIP bytes of `entries` (name → content) with fixed order, dates (from
    `timestamp`) and attributes."""
    stamp = _utc(timestamp)
    date_time = max(
        _ZIP_EPOCH, (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in _entry_order(list(entries)):
            info = zipfile.ZipInfo(name, date_time=date_time)
            # pictures are compressed already: deflating them again gains nothing
            stored = name.lower().endswith(_COMPRESSED_ALREADY)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            # Fixed Unix mode rw-r--r--: writestr would otherwise fill in 0600, and
            # create_system would follow the build machine's platform.
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


def normalize_zip(data: bytes, timestamp: datetime) -> bytes:
    """Rewrite ZIP `data` with fixed order, dates (from `timestamp`) and attributes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        if len(set(names)) != len(names):
            raise ValueError("package has duplicate ZIP entries")
        return _zip({name: source.read(name) for name in names}, timestamp)


def package_entries(document: Document) -> dict[str, bytes]:
    """The files python-docx's `Document.save` puts in the ZIP: name → content.

    The same names and bytes as the ZIP that save writes, without compressing each
    file there only to read it back and compress it again for `normalize_zip`.
    """
    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    entries: dict[str, bytes] = {}

    def add(name: str, content: bytes | str) -> None:
        if name in entries:
            raise ValueError("package has duplicate ZIP entries")
        # as ZipFile.writestr, which PackageWriter calls: text is stored as UTF-8
        entries[name] = content.encode("utf-8") if isinstance(content, str) else content

    content_types = _ContentTypesItem.from_parts(parts)  # type: ignore[no-untyped-call]
    add(CONTENT_TYPES_URI.membername, content_types.blob)
    add(PACKAGE_URI.rels_uri.membername, package.rels.xml)
    for part in parts:
        add(part.partname.membername, part.blob)
        if len(part.rels):
            add(part.partname.rels_uri.membername, part.rels.xml)
    return entries


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
    return _zip(package_entries(document), timestamp)


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
