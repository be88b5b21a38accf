"""Reproducible, atomic saving of DOCX packages."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest

from kumihan.render.docx import package
from kumihan.render.docx.package import docx_bytes, normalize_zip, save_docx

from .conftest import BODY, TIMESTAMP, build_sample

META = {"title": "調査報告書", "author": "企画課", "subject": "試験", "keywords": "公共施設"}


def _bytes(timestamp: datetime = TIMESTAMP) -> bytes:
    document, _ = build_sample()
    return docx_bytes(document, timestamp=timestamp, **META)


def test_two_builds_are_byte_identical() -> None:
    assert _bytes() == _bytes()


def test_saving_one_document_twice_is_byte_identical(tmp_path: Path) -> None:
    document, _ = build_sample()
    save_docx(document, tmp_path / "a.docx", timestamp=TIMESTAMP, **META)
    save_docx(document, tmp_path / "b.docx", timestamp=TIMESTAMP, **META)
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_the_timestamp_is_what_changes_the_bytes() -> None:
    assert _bytes() != _bytes(TIMESTAMP + timedelta(days=1))


def test_zip_entries_fixed_order_date_and_attributes() -> None:
    with zipfile.ZipFile(io.BytesIO(_bytes())) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])
    assert {i.date_time for i in infos} == {(2025, 3, 31, 9, 0, 0)}
    assert {(i.compress_type, i.create_system, i.external_attr) for i in infos} == {
        (zipfile.ZIP_DEFLATED, 3, 0o644 << 16)
    }


def test_naive_and_aware_timestamps_agree() -> None:
    jst = timezone(timedelta(hours=9))
    assert _bytes(datetime(2025, 3, 31, 9, 0, 0)) == _bytes(
        datetime(2025, 3, 31, 18, 0, 0, tzinfo=jst)
    )


def test_dates_before_1980_are_clamped() -> None:
    data = normalize_zip(_bytes(), datetime(1970, 1, 1, tzinfo=UTC))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_core_properties(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    document, _ = build_sample()
    save_docx(document, path, timestamp=TIMESTAMP, **META)
    core = docx.Document(str(path)).core_properties
    assert (core.title, core.author, core.last_modified_by, core.subject, core.keywords) == (
        "調査報告書", "企画課", "企画課", "試験", "公共施設",
    )  # fmt: skip
    assert core.created == core.modified == TIMESTAMP
    assert (core.revision, core.language, core.comments) == (1, "ja-JP", "")
    with zipfile.ZipFile(path) as archive:
        assert b"python-docx" not in archive.read("docProps/core.xml")


def test_saved_file_reopens_with_python_docx(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    document, sample = build_sample()
    save_docx(document, path, timestamp=TIMESTAMP, **META)
    reopened = docx.Document(str(path))
    texts = [p.text for p in reopened.paragraphs]
    assert all(text in texts for text in BODY)
    assert any(text.startswith(sample.toc[0].text) for text in texts)
    assert {
        "コメント",
        "Heading 1",
        "Body Text",
    }  # python-docx shows UI names <= {s.name for s in reopened.styles}
    assert len(reopened.sections) == 2 and len(reopened.tables) == 1


def test_save_replaces_atomically_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.docx"
    document, _ = build_sample()
    save_docx(document, path, timestamp=TIMESTAMP, **META)
    first = path.read_bytes()
    save_docx(document, path, timestamp=TIMESTAMP + timedelta(hours=1), **META)
    assert path.read_bytes() != first
    assert os.listdir(path.parent) == ["report.docx"]
    assert path.stat().st_mode & 0o777 == 0o644


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"old")

    def refuse(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        package.write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["report.docx"]


def test_duplicate_entries_are_refused() -> None:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive, pytest.warns(UserWarning):
        archive.writestr("a.xml", b"1")
        archive.writestr("a.xml", b"2")
    with pytest.raises(ValueError, match="duplicate"):
        normalize_zip(raw.getvalue(), TIMESTAMP)
