"""Determinism: the same inputs give byte-identical files; SOURCE_DATE_EPOCH sets the dates
written into them (else the issue date of project.yaml)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from .conftest import Built
from .helpers import OUTPUT_NAMES, run_build

EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC
EPOCH_TIME = dt.datetime.fromtimestamp(EPOCH, tz=dt.UTC)
JST = dt.timezone(dt.timedelta(hours=9))
ISSUED = dt.datetime(2025, 3, 31, 9, 0, tzinfo=JST)  # project.yaml issued, 09:00 JST

# builds deliverables (pyproject.toml: the "slow" marker)
pytestmark = pytest.mark.slow


def pdf_date(value: str) -> dt.datetime:
    """D:YYYYMMDDHHmmSS with Z or +HH'mm' → an aware datetime."""
    match = re.match(r"^D:(\d{14})(Z|[+-]\d{2}'?\d{2}'?)?", value)
    assert match, value
    when = dt.datetime.strptime(match[1], "%Y%m%d%H%M%S")
    zone = match[2] or "Z"
    if zone == "Z":
        return when.replace(tzinfo=dt.UTC)
    sign = 1 if zone[0] == "+" else -1
    hours, minutes = int(zone[1:3]), int(zone.replace("'", "")[3:5])
    return when.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))


def dates_in(path: Path) -> dict[str, dt.datetime]:
    """Every date a file carries: PDF Info and XMP, DOCX core properties."""
    found = {}
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            for key in ("/CreationDate", "/ModDate"):
                if key in pdf.docinfo:
                    found[key] = pdf_date(str(pdf.docinfo[key]))
            with pdf.open_metadata() as xmp:
                for key in xmp:
                    if key.endswith("Date"):
                        found[key] = dt.datetime.fromisoformat(str(xmp[key]).replace("Z", "+00:00"))
    else:
        with zipfile.ZipFile(path) as package:
            core = etree.fromstring(package.read("docProps/core.xml"))
        for element in core:
            if element.tag.endswith(("}created", "}modified")):
                found[element.tag] = dt.datetime.fromisoformat(element.text.replace("Z", "+00:00"))
    return found


def test_two_builds_give_byte_identical_files(sample: Built, tmp_path: Path) -> None:
    again = tmp_path / "again"
    run = run_build(sample.root, "--no-cache", "--out", str(again))
    assert run.code == 0, str(run)
    different = [
        name
        for name in OUTPUT_NAMES
        if (again / name).read_bytes() != sample.path(name).read_bytes()
    ]
    assert not different, f"a second build (--no-cache) wrote different bytes for {different}"


def test_dates_default_to_the_issue_date(sample: Built) -> None:
    for name in OUTPUT_NAMES:
        dates = dates_in(sample.path(name))
        assert dates, f"{name} carries no dates"
        wrong = {k: v.isoformat() for k, v in dates.items() if v != ISSUED}
        assert not wrong, f"{name}: dates other than the issue date {ISSUED.isoformat()}: {wrong}"


def test_source_date_epoch_sets_the_dates(sample: Built, tmp_path: Path) -> None:
    out = tmp_path / "epoch"
    run = run_build(
        sample.root, "--no-cache", "--out", str(out), env={"SOURCE_DATE_EPOCH": str(EPOCH)}
    )
    assert run.code == 0, str(run)
    for name in OUTPUT_NAMES:
        dates = dates_in(out / name)
        assert dates, f"{name} carries no dates"
        wrong = {k: v.isoformat() for k, v in dates.items() if v != EPOCH_TIME}
        assert not wrong, (
            f"{name}: with SOURCE_DATE_EPOCH={EPOCH} the dates should be {EPOCH_TIME.isoformat()}: {wrong}"
        )
        assert (out / name).read_bytes() != sample.path(name).read_bytes(), f"{name} did not change"
