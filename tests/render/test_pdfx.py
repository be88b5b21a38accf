"""finish_print_pdf / finish_screen_pdf: identification, structure, determinism."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kumihan.render.pdf.pdfx import finish_print_pdf, finish_screen_pdf, pdf_date

FONT_FILE = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "BIZUDGothic-Regular.ttf"
FONT = "BIZUDGothic"
JST = timezone(timedelta(hours=9))
CREATED = datetime(2024, 4, 1, 9, 30, tzinfo=JST)
META = {"title": "報告書", "author": "調査チーム", "subject": "調査結果", "keywords": "地域, 調査"}


def reportlab_pdf(*, pages: int = 2, link: bool = False, outline: bool = False) -> bytes:
    """A small reportlab PDF as the renderer writes it: embedded font, CMYK, trim and bleed."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(300, 400), invariant=True, initialFontName=FONT)
    for page in range(1, pages + 1):
        c.setTrimBox((9, 9, 291, 391))
        c.setBleedBox((0, 0, 300, 400))
        c.setFillColorCMYK(0, 0, 0, 1)
        c.setFont(FONT, 10)
        c.drawString(30, 350, f"{page}ページ目の本文")
        c.drawImage(ImageReader(Image.new("CMYK", (30, 30), (0, 80, 80, 0))), 30, 200, 7, 7)
        if link:
            c.linkURL("https://example.jp/", (30, 340, 130, 360))
        if outline:
            c.bookmarkPage(f"p{page}")
            c.addOutlineEntry(f"第{page}章", f"p{page}", level=0)
        c.showPage()
    c.save()
    return buf.getvalue()


def finished(data: bytes | None = None, **changes: object) -> bytes:
    kwargs: dict[str, object] = {**META, "created": CREATED, **changes}
    return finish_print_pdf(data if data is not None else reportlab_pdf(), **kwargs)  # type: ignore[arg-type]


def test_print_identification() -> None:
    out = finished()
    assert out.startswith(b"%PDF-1.4\n")
    with pikepdf.open(io.BytesIO(out)) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == "報告書"
        assert str(info.Author) == "調査チーム"
        assert str(info.Subject) == "調査結果"
        assert str(info.Keywords) == "地域, 調査"
        assert str(info.Creator) == "kumihan"
        assert str(info.CreationDate) == str(info.ModDate) == "D:20240401093000+09'00'"
        assert info.Trapped == Name("/False")
        assert str(info.GTS_PDFXVersion) == "PDF/X-1:2003"
        assert str(info.GTS_PDFXConformance) == "PDF/X-1a:2003"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == Name.GTS_PDFX
        assert str(intent.OutputConditionIdentifier) == "JC200103"
        assert str(intent.OutputCondition) == "Japan Color 2001 Coated"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert "/DestOutputProfile" not in intent  # a registered characterisation
        assert len(pdf.trailer.ID) == 2
        assert pdf.pdf_version == "1.4"


def test_print_structure_is_pdf_14() -> None:
    with pikepdf.open(io.BytesIO(finished())) as pdf:
        kinds = {str(o.get("/Type")) for o in pdf.objects if isinstance(o, pikepdf.Stream)}
        assert "/ObjStm" not in kinds and "/XRef" not in kinds
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") != Name.Metadata:
                # reportlab's ASCII85 wrapping is gone; everything is Flate (or DCT)
                filters = obj.get("/Filter")
                assert filters in (Name.FlateDecode, Name.DCTDecode), (obj.objgen, filters)


def test_print_xmp_mirrors_info() -> None:
    with pikepdf.open(io.BytesIO(finished())) as pdf:
        packet = pdf.Root.Metadata.read_bytes()
    root = ET.fromstring(packet[packet.index(b"<x:xmpmeta") : packet.rindex(b"</x:xmpmeta>") + 12])
    text = {el.tag.split("}")[1]: (el.text or "") for el in root.iter()}
    assert text["GTS_PDFXVersion"] == "PDF/X-1:2003"
    assert text["CreateDate"] == "2024-04-01T09:30:00+09:00"
    assert text["Trapped"] == "False"
    assert "報告書" in packet.decode("utf-8")


def test_print_is_deterministic() -> None:
    data = reportlab_pdf()
    assert finished(data) == finished(data)
    assert finished(data) != finished(data, created=CREATED + timedelta(seconds=1))
    assert finished(data) != finished(data, title="別の題")


def test_print_drops_link_annotations() -> None:
    raw = reportlab_pdf(link=True)
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        assert "/Annots" in pdf.pages[0].obj
    with pikepdf.open(io.BytesIO(finished(raw))) as pdf:
        assert all("/Annots" not in page.obj for page in pdf.pages)


def test_print_passes_qpdf_and_is_recognised_by_pdfinfo(tmp_path: Path) -> None:
    path = tmp_path / "print.pdf"
    path.write_bytes(finished())
    if shutil.which("qpdf"):
        run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and "WARNING" not in run.stdout + run.stderr
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo not installed")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "PDF/X-1:2003" in info
    assert re.search(r"^PDF version:\s+1\.4$", info, re.M), info


def test_pdf_date() -> None:
    assert pdf_date(datetime(2024, 1, 2, 3, 4, 5, tzinfo=JST)) == "D:20240102030405+09'00'"
    assert pdf_date(datetime(2024, 1, 2, 3, 4, 5)) == "D:20240102030405+00'00'"  # naive: UTC
    minus = timezone(-timedelta(hours=5, minutes=30))
    assert pdf_date(datetime(2024, 1, 2, tzinfo=minus)) == "D:20240102000000-05'30'"
    assert pdf_date(datetime(2024, 1, 2, tzinfo=UTC)).endswith("+00'00'")


def screen(data: bytes, **changes: object) -> bytes:
    kwargs: dict[str, object] = {**META, "created": CREATED, **changes}
    return finish_screen_pdf(data, **kwargs)  # type: ignore[arg-type]


def test_screen_metadata_language_and_outline() -> None:
    with pikepdf.open(io.BytesIO(screen(reportlab_pdf(outline=True)))) as pdf:
        assert str(pdf.Root.Lang) == "ja"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert pdf.Root.PageMode == Name.UseOutlines
        assert str(pdf.docinfo.Title) == "報告書"
        assert "/GTS_PDFXVersion" not in pdf.docinfo
        assert b"<dc:language><rdf:Bag><rdf:li>ja</rdf:li>" in pdf.Root.Metadata.read_bytes()
    with pikepdf.open(io.BytesIO(screen(reportlab_pdf(), lang="en"))) as pdf:
        assert pdf.Root.PageMode == Name.UseNone
        assert str(pdf.Root.Lang) == "en"


def test_screen_is_deterministic_and_clean(tmp_path: Path) -> None:
    data = reportlab_pdf(outline=True, link=True)
    out = screen(data)
    assert out == screen(data)
    assert out != screen(data, lang="en")
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert "/Annots" in pdf.pages[0].obj  # links stay in the screen PDF
    if shutil.which("qpdf"):
        path = tmp_path / "screen.pdf"
        path.write_bytes(out)
        run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and "WARNING" not in run.stdout + run.stderr
