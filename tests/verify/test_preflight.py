"""Preflight: a good PDF/X-1a passes every check; each broken rule fails its own check, on its page.

The PDFs are built with reportlab (tests/verify/conftest.py), finished with
`finish_print_pdf`, and where needed edited afterwards with pikepdf to break one
rule on page 2 only.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name
from PIL import Image
from reportlab.lib.colors import CMYKColorSep
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kumihan.render.pdf.color import image_for_print
from kumihan.render.pdf.pdfx import finish_screen_pdf
from kumihan.verify.preflight import (
    PRINT_CHECKS,
    SCREEN_CHECKS,
    InkMemo,
    PreflightReport,
    preflight,
    use_ink_memo,
)

MakePdf = Callable[..., Path]  # the make_pdf fixture (tests/verify/conftest.py)


def only_page_2(draw: Callable[[Canvas], None]) -> Callable[[Canvas, int], None]:
    def wrapped(c: Canvas, page: int) -> None:
        if page == 2:
            draw(c)

    return wrapped


def failed(report: PreflightReport, check: str) -> tuple[int, ...]:
    """The pages of the check's FAIL findings; asserts there is at least one."""
    fails = report.failures(check)
    assert fails, f"{check} did not fail:\n{report.format()}"
    return tuple(sorted({p for f in fails for p in f.pages}))


def others_pass(report: PreflightReport, check: str) -> None:
    """Every check other than `check` is clean: the test broke one rule only."""
    bad = [f for f in report.findings if f.check != check and f.status == "FAIL"]
    assert not bad, report.format()


# ---------------------------------------------------------------------------
# The good PDF


@pytest.fixture
def good(make_pdf: MakePdf) -> Path:
    return make_pdf("good.pdf")


def test_good_pdf_passes_every_check(good: Path) -> None:
    report = preflight(good, bleed_mm=3)
    assert report.passed, report.format()
    assert [f.check for f in report.findings] == list(PRINT_CHECKS)
    assert {f.status for f in report.findings} == {"PASS"}, report.format()
    messages = {f.check: f.message for f in report.findings}
    assert "350 ppi" in messages["images"]
    assert "bleed 3.0 mm" in messages["boxes"]
    assert "0.50 pt" in messages["rules"]


def test_good_pdf_qpdf_check_is_clean(good: Path) -> None:
    if not shutil.which("qpdf"):
        pytest.skip("qpdf not installed")
    run = subprocess.run(["qpdf", "--check", str(good)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No syntax or stream encoding errors" in run.stdout
    assert "WARNING" not in run.stdout + run.stderr


def test_good_pdf_pdffonts_lists_only_embedded_fonts(good: Path) -> None:
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts not installed")
    out = subprocess.run(["pdffonts", str(good)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    assert rows, out.stdout
    for row in rows:
        # name, type (may be two words), encoding, emb, sub, uni, object, generation
        assert row.split()[-5] == "yes", row


def test_good_pdf_pdfinfo_shows_the_boxes(kit: Any, good: Path) -> None:
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo not installed")
    out = subprocess.run(
        ["pdfinfo", "-box", "-f", "1", "-l", "2", str(good)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    x0, y0 = kit.trim_origin()
    trim = f"{x0:.2f} {y0:.2f} {x0 + kit.TRIM_W:.2f} {y0 + kit.TRIM_H:.2f}"
    bleed = f"0.00 0.00 {kit.TRIM_W + 2 * kit.BLEED:.2f} {kit.TRIM_H + 2 * kit.BLEED:.2f}"
    boxes = {
        " ".join(line.split()[:3]): " ".join(line.split()[3:])
        for line in out.splitlines()
        if "Box" in line
    }
    assert boxes["Page 1 TrimBox:"] == trim
    assert boxes["Page 2 BleedBox:"] == bleed
    assert (
        "PDF/X-1:2003"
        in subprocess.run(["pdfinfo", str(good)], capture_output=True, text=True, check=True).stdout
    )


def test_good_pdf_renders_in_ghostscript_without_warnings(good: Path) -> None:
    if not shutil.which("gs"):
        pytest.skip("ghostscript not installed")
    cmd = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage", str(good)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stderr == "" and run.stdout == ""


def test_report_format_and_json(make_pdf: MakePdf) -> None:
    path = make_pdf("rgb.pdf", enforce_cmyk=False, draw=only_page_2(_rgb_rect))
    report = preflight(path)
    text = report.format()
    assert text.splitlines()[0].endswith("FAILED")
    assert any(
        line.startswith("FAIL  colour") and line.endswith("(page 2)") for line in text.splitlines()
    ), text
    assert any(line.startswith("PASS  fonts") for line in text.splitlines())
    data = json.loads(json.dumps(report.to_json()))
    assert data["passed"] is False
    assert {"check": "colour", "status": "FAIL"}.items() <= data["findings"][3].items()
    colour = [f for f in data["findings"] if f["check"] == "colour"]
    assert colour[0]["pages"] == [2]


# ---------------------------------------------------------------------------
# One broken rule each


def _rgb_rect(c: Canvas) -> None:
    c.setFillColorRGB(1, 0, 0)
    c.rect(100, 100, 50, 50, stroke=0, fill=1)


def test_rgb_fill_fails_colour(make_pdf: MakePdf) -> None:
    report = preflight(make_pdf("rgb.pdf", enforce_cmyk=False, draw=only_page_2(_rgb_rect)))
    assert failed(report, "colour") == (2,)
    assert "RGB" in report.failures("colour")[0].message
    assert "fill" in report.failures("colour")[0].message
    others_pass(report, "colour")


def test_rgb_image_fails_colour(kit: Any, make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:
        c.drawImage(ImageReader(kit.photo(350, 233)), 100, 100, 72, 48)

    report = preflight(make_pdf("rgbimage.pdf", draw=only_page_2(draw)))
    assert failed(report, "colour") == (2,)
    assert "image" in report.failures("colour")[0].message
    others_pass(report, "colour")


def test_rgb_inside_a_form_xobject_is_found(make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:
        c.beginForm("logo")
        _rgb_rect(c)
        c.endForm()
        c.doForm("logo")

    report = preflight(make_pdf("form.pdf", enforce_cmyk=False, draw=only_page_2(draw)))
    assert failed(report, "colour") == (2,)


def test_unembedded_font_fails_fonts(make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:
        c.setFont("Helvetica", 10)
        c.drawString(100, 100, "Helvetica is not embedded")

    report = preflight(make_pdf("helv.pdf", draw=only_page_2(draw)))
    assert failed(report, "fonts") == (2,)
    assert "Helvetica" in report.failures("fonts")[0].message
    others_pass(report, "fonts")


def test_missing_trimbox_fails_boxes(kit: Any, make_pdf: MakePdf) -> None:
    path = make_pdf("notrim.pdf")
    kit.edit(path, lambda pdf: pdf.pages[1].obj.__delitem__("/TrimBox"))
    report = preflight(path)
    assert failed(report, "boxes") == (2,)
    assert "TrimBox" in report.failures("boxes")[0].message
    others_pass(report, "boxes")


def test_unequal_or_wrong_bleed_fails_boxes(kit: Any, make_pdf: MakePdf) -> None:
    path = make_pdf("bleed.pdf")

    def shift(pdf: pikepdf.Pdf) -> None:
        box = [float(v) for v in pdf.pages[1].obj.BleedBox]
        pdf.pages[1].obj.BleedBox = Array([box[0] + 2 * kit.MM, *box[1:]])

    kit.edit(path, shift)
    report = preflight(path)
    assert failed(report, "boxes") == (2,)
    assert "not equal" in report.failures("boxes")[0].message
    assert failed(preflight(make_pdf("b3.pdf"), bleed_mm=5), "boxes") == (1, 2)


def test_photo_at_72_ppi_fails_and_200_ppi_warns(kit: Any, make_pdf: MakePdf) -> None:
    def low(c: Canvas) -> None:
        c.drawImage(ImageReader(image_for_print(kit.photo(72, 48))), 100, 100, 72, 48)

    def mid(c: Canvas) -> None:
        c.drawImage(ImageReader(image_for_print(kit.photo(200, 133))), 100, 100, 72, 48)

    report = preflight(make_pdf("72.pdf", draw=only_page_2(low)))
    assert failed(report, "images") == (2,)
    assert "72 ppi" in report.failures("images")[0].message
    others_pass(report, "images")

    report = preflight(make_pdf("200.pdf", draw=only_page_2(mid)))
    warns = [f for f in report.findings if f.check == "images" and f.status == "WARN"]
    assert not report.failures("images") and len(warns) == 1
    assert warns[0].pages == (2,) and "200 ppi" in warns[0].message
    assert report.passed


def test_rich_black_text_fails_text_black(kit: Any, make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:
        c.setFillColorCMYK(0.6, 0.4, 0.4, 1)
        c.setFont(kit.FONT, 10)
        c.drawString(100, 100, "リッチブラック")

    report = preflight(make_pdf("rich.pdf", draw=only_page_2(draw)))
    assert failed(report, "text-black") == (2,)
    others_pass(report, "text-black")


def test_rgb_text_fails_text_black(kit: Any, make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:
        c.setFillColorRGB(0, 0, 0)
        c.setFont(kit.FONT, 10)
        c.drawString(100, 100, "RGBの黒")

    report = preflight(make_pdf("rgbtext.pdf", enforce_cmyk=False, draw=only_page_2(draw)))
    assert failed(report, "text-black") == (2,)
    assert failed(report, "colour") == (2,)


def test_fill_alpha_fails_transparency(make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:
        c.setFillAlpha(0.5)
        c.setFillColorCMYK(0, 1, 0, 0)
        c.rect(100, 100, 50, 50, stroke=0, fill=1)

    report = preflight(make_pdf("alpha.pdf", draw=only_page_2(draw)))
    assert failed(report, "transparency") == (2,)
    assert "alpha" in report.failures("transparency")[0].message
    others_pass(report, "transparency")


def test_image_soft_mask_fails_transparency(kit: Any, make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:  # a photo only page 2 has, so that only it gets the mask
        c.drawImage(ImageReader(image_for_print(kit.photo(351, 234))), 100, 100, 72, 48)

    path = make_pdf("smask.pdf", draw=only_page_2(draw))

    def add_smask(pdf: pikepdf.Pdf) -> None:
        for image in pdf.pages[1].Resources.XObject.values():
            if image.get("/Width") == 351:
                mask = pikepdf.Stream(pdf, bytes(351 * 234))
                mask.Type, mask.Subtype = Name.XObject, Name.Image
                mask.Width, mask.Height, mask.BitsPerComponent = 351, 234, 8
                mask.ColorSpace = Name.DeviceGray
                image.SMask = mask

    kit.edit(path, add_smask)
    report = preflight(path)
    assert failed(report, "transparency") == (2,)
    assert "SMask" in report.failures("transparency")[0].message


def test_page_transparency_group_fails_transparency(kit: Any, make_pdf: MakePdf) -> None:
    path = make_pdf("group.pdf")

    def group(pdf: pikepdf.Pdf) -> None:
        pdf.pages[1].obj.Group = Dictionary(
            Type=Name.Group, S=Name.Transparency, CS=Name.DeviceCMYK
        )

    kit.edit(path, group)
    assert failed(preflight(path), "transparency") == (2,)


def test_thin_rule_and_hairline_fail_rules(make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:
        c.setLineWidth(0.1)
        c.line(100, 100, 300, 100)

    report = preflight(make_pdf("thin.pdf", draw=only_page_2(draw)))
    assert failed(report, "rules") == (2,)
    assert "0.10 pt" in report.failures("rules")[0].message
    others_pass(report, "rules")

    def hairline(c: Canvas) -> None:
        c.setLineWidth(0)
        c.line(100, 100, 300, 100)

    report = preflight(make_pdf("hair.pdf", draw=only_page_2(hairline)))
    assert "hairline" in report.failures("rules")[0].message


def test_total_ink_over_300_fails_ink(make_pdf: MakePdf) -> None:
    def fill(c: Canvas) -> None:
        c.setFillColorCMYK(1, 1, 1, 0.5)
        c.rect(100, 100, 50, 50, stroke=0, fill=1)

    report = preflight(make_pdf("ink.pdf", draw=only_page_2(fill)))
    assert failed(report, "ink") == (2,)
    others_pass(report, "ink")

    def image(c: Canvas) -> None:  # a CMYK image not passed through image_for_print
        c.drawImage(
            ImageReader(Image.new("CMYK", (400, 400), (255, 255, 255, 255))), 50, 50, 72, 72
        )

    report = preflight(make_pdf("inkimage.pdf", draw=only_page_2(image)))
    assert failed(report, "ink") == (2,)
    assert "400 %" in report.format()


def test_white_overprint_fails_overprint(kit: Any, make_pdf: MakePdf) -> None:
    path = make_pdf("op.pdf")

    def overprint(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[1]
        page.add_resource(Dictionary(Type=Name.ExtGState, OP=True, op=True, OPM=1),
                          Name.ExtGState, Name("/GSop"))  # fmt: skip
        page.contents_add(pikepdf.Stream(pdf, b"q /GSop gs 0 0 0 0 k 60 60 40 40 re f Q"))

    kit.edit(path, overprint)
    report = preflight(path)
    assert failed(report, "overprint") == (2,)
    others_pass(report, "overprint")


def _lzw(data: bytes) -> bytes:
    """LZW as PDF writes it (9-bit codes; short input keeps the table under 512 entries)."""
    assert len(data) < 200
    table = {bytes([i]): i for i in range(256)}
    codes, word = [256], b""  # 256: clear table
    for byte in data:
        if word + bytes([byte]) in table:
            word += bytes([byte])
            continue
        codes.append(table[word])
        table[word + bytes([byte])] = len(table) + 2  # 256, 257 are reserved
        word = bytes([byte])
    codes += [table[word], 257]  # 257: end of data
    bits = "".join(f"{code:09b}" for code in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8)


def _add_lzw_content(pdf: pikepdf.Pdf) -> None:
    raw = b"q 0 0 0 1 k 60 60 20 20 re f Q\n"
    stream = pikepdf.Stream(pdf, _lzw(raw))
    stream.Filter = Name.LZWDecode
    assert stream.read_bytes() == raw  # our encoder agrees with qpdf's decoder
    pdf.pages[1].contents_add(stream)


def test_lzw_stream_fails_pdfx_and_finishing_removes_it(kit: Any, make_pdf: MakePdf) -> None:
    path = make_pdf("lzw.pdf")
    # compress_streams would make qpdf re-encode LZW as Flate
    kit.edit(path, _add_lzw_content, compress_streams=False)
    report = preflight(path)
    lzw = [f for f in report.failures("pdfx") if "LZW" in f.message]
    assert lzw and lzw[0].pages == (2,), report.format()
    others_pass(report, "pdfx")

    refinished = path.with_name("relzw.pdf")
    refinished.write_bytes(kit.finish(path.read_bytes()))
    assert preflight(refinished).passed


def test_encrypted_file_fails_pdfx(kit: Any, make_pdf: MakePdf) -> None:
    path = make_pdf("enc.pdf")
    kit.edit(
        path,
        lambda pdf: None,
        encryption=pikepdf.Encryption(owner="owner", user="", R=3, aes=False, metadata=False),
    )
    report = preflight(path)
    assert any("encrypted" in f.message for f in report.failures("pdfx")), report.format()

    locked = make_pdf("locked.pdf")
    kit.edit(
        locked,
        lambda pdf: None,
        encryption=pikepdf.Encryption(owner="o", user="u", R=3, aes=False, metadata=False),
    )
    report = preflight(locked)
    assert not report.passed and "password" in report.failures("pdfx")[0].message


def test_type3_font_fails_fonts(kit: Any, make_pdf: MakePdf) -> None:
    path = make_pdf("type3.pdf")

    def add_type3(pdf: pikepdf.Pdf) -> None:
        square = pikepdf.Stream(pdf, b"1000 0 0 0 750 750 d1 0 0 750 750 re f")
        font = Dictionary(
            Type=Name.Font,
            Subtype=Name.Type3,
            FontBBox=[0, 0, 750, 750],
            FontMatrix=[0.001, 0, 0, 0.001, 0, 0],
            CharProcs=Dictionary(square=square),
            Encoding=Dictionary(Type=Name.Encoding, Differences=[97, Name.square]),
            FirstChar=97,
            LastChar=97,
            Widths=[1000],
            Resources=Dictionary(),
        )
        page = pdf.pages[1]
        page.add_resource(pdf.make_indirect(font), Name.Font, Name("/T3"))
        page.contents_add(pikepdf.Stream(pdf, b"BT /T3 12 Tf 60 60 Td (a) Tj ET"))

    kit.edit(path, add_type3)
    report = preflight(path)
    assert failed(report, "fonts") == (2,)
    assert "Type 3" in report.failures("fonts")[0].message
    assert report.status("glyphs") == "PASS"  # 'a' has a glyph procedure
    others_pass(report, "fonts")


def test_character_missing_from_font_fails_glyphs(kit: Any, make_pdf: MakePdf) -> None:
    def draw(c: Canvas) -> None:
        c.setFont(kit.FONT, 12)
        c.drawString(100, 100, "吉𠮷野家")  # BIZ UD Gothic has no U+20BB7

    report = preflight(make_pdf("notdef.pdf", draw=only_page_2(draw)))
    assert failed(report, "glyphs") == (2,)
    assert ".notdef" in report.failures("glyphs")[0].message
    others_pass(report, "glyphs")


def _type0_font(kit: Any, pdf: pikepdf.Pdf) -> tuple[pikepdf.Object, TTFont]:
    """BIZ UDPGothic (Latin subset) as an Identity-H CIDFontType2, as most PDF tools write it."""
    path = kit.ROOT / "assets" / "fonts" / "BIZUDPGothic-Regular-Latin.ttf"
    data = path.read_bytes()
    program = pikepdf.Stream(pdf, data)
    program.Length1 = len(data)
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/BIZUDPGothic"),
        Flags=4,
        FontBBox=[0, -120, 1000, 880],
        ItalicAngle=0,
        Ascent=880,
        Descent=-120,
        CapHeight=700,
        StemV=80,
        FontFile2=program,
    )
    cid = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=Name("/BIZUDPGothic"),
        CIDSystemInfo=Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=descriptor,
        CIDToGIDMap=Name.Identity,
        DW=1000,
    )
    font = Dictionary(
        Type=Name.Font,
        Subtype=Name.Type0,
        BaseFont=Name("/BIZUDPGothic"),
        Encoding=Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid)],
    )
    return pdf.make_indirect(font), TTFont(path)


@pytest.mark.parametrize("text, broken", [("Kumihan", False), (None, True)])
def test_type0_identity_h_glyphs(
    kit: Any, make_pdf: MakePdf, text: str | None, broken: bool
) -> None:
    path = make_pdf(f"type0-{broken}.pdf")

    def add(pdf: pikepdf.Pdf) -> None:
        font, tt = _type0_font(kit, pdf)
        if text is None:  # glyph 0 and a glyph id past the end of the font
            gids = [0, tt["maxp"].numGlyphs + 5]
        else:
            cmap = tt.getBestCmap()
            gids = [tt.getGlyphID(cmap[ord(ch)]) for ch in text]
        hexes = "".join(f"{g:04X}" for g in gids).encode()
        page = pdf.pages[1]
        page.add_resource(font, Name.Font, Name("/T0"))
        page.contents_add(pikepdf.Stream(pdf, b"BT /T0 12 Tf 60 60 Td <" + hexes + b"> Tj ET"))

    kit.edit(path, add)
    report = preflight(path)
    if broken:
        assert failed(report, "glyphs") == (2,)
        assert "code 0x0000" in report.failures("glyphs")[0].message
    else:
        assert report.status("glyphs") == "PASS", report.format()
    others_pass(report, "glyphs")


def test_odd_page_count(make_pdf: MakePdf) -> None:
    path = make_pdf("three.pdf", pages=3)
    assert failed(preflight(path, page_multiple=4), "pages") == ()
    assert "3 pages, not a multiple of 4" in preflight(path, page_multiple=4).format()
    assert preflight(path).status("pages") == "WARN"
    assert preflight(make_pdf("four.pdf", pages=4), page_multiple=4).status("pages") == "PASS"


def test_unfinished_reportlab_output_fails_pdfx(make_pdf: MakePdf) -> None:
    report = preflight(make_pdf("raw.pdf", finish=False))
    messages = " ".join(f.message for f in report.failures("pdfx"))
    assert "GTS_PDFXVersion" in messages
    assert "OutputIntent" in messages
    others_pass(report, "pdfx")


def test_registration_colour_only_outside_the_bleed(kit: Any, make_pdf: MakePdf) -> None:
    registration = CMYKColorSep(1, 1, 1, 1, spotName="All", density=1)

    def marks(c: Canvas, page: int) -> None:
        x0, y0 = kit.trim_origin(margin=10 * kit.MM)
        c.setStrokeColor(registration)
        c.setLineWidth(0.25)  # thin, but the marks are cut away
        for x in (x0, x0 + kit.TRIM_W):  # L-shaped corner marks below the bleed
            c.line(x, y0 - kit.BLEED - 1 * kit.MM, x, y0 - kit.BLEED - 9 * kit.MM)
        if page == 2:
            c.setFillColor(registration)
            c.rect(x0 + 20, y0 + 20, 30, 30, stroke=0, fill=1)

    report = preflight(make_pdf("marks.pdf", margin=10 * kit.MM, draw=marks))
    assert failed(report, "colour") == (2,)
    assert "registration" in report.failures("colour")[0].message
    others_pass(report, "colour")


def test_printing_annotation_is_walked_and_must_stay_outside_the_bleed(
    kit: Any,
    make_pdf: MakePdf,
) -> None:
    path = make_pdf("annot.pdf")

    def annotate(pdf: pikepdf.Pdf) -> None:
        look = pikepdf.Stream(pdf, b"1 0 0 rg 0 0 40 40 re f")
        look.Type, look.Subtype, look.BBox = Name.XObject, Name.Form, [0, 0, 40, 40]
        annot = Dictionary(
            Type=Name.Annot, Subtype=Name.Square, Rect=[60, 60, 100, 100], F=4,
            AP=Dictionary(N=look),
        )  # fmt: skip
        pdf.pages[1].obj.Annots = Array([pdf.make_indirect(annot)])

    kit.edit(path, annotate)
    report = preflight(path)
    assert failed(report, "colour") == (2,)
    assert failed(report, "pdfx") == (2,)


# ---------------------------------------------------------------------------
# Screen profile


def _screen(kit: Any, path: Path, *, pages: int, outline: bool) -> Path:
    def draw(c: Canvas, page: int) -> None:
        if outline:
            c.bookmarkPage(f"p{page}")
            c.addOutlineEntry(f"ページ {page}", f"p{page}", level=0)

    raw = kit.build(path, pages=pages, draw=draw, finish_it=False)
    path.write_bytes(
        finish_screen_pdf(
            raw.read_bytes(),
            title="試験",
            author="a",
            subject="s",
            keywords="k",
            created=kit.CREATED,
        )
    )
    return path


def test_screen_profile(kit: Any, tmp_path: Path) -> None:
    report = preflight(_screen(kit, tmp_path / "s.pdf", pages=6, outline=True), profile="screen")
    assert [f.check for f in report.findings] == list(SCREEN_CHECKS)
    assert {f.status for f in report.findings} == {"PASS"}, report.format()

    report = preflight(_screen(kit, tmp_path / "n.pdf", pages=6, outline=False), profile="screen")
    assert report.status("outline") == "WARN" and report.passed

    raw = kit.build(tmp_path / "raw.pdf", pages=2, finish_it=False)
    report = preflight(raw, profile="screen")
    assert report.status("lang") == "FAIL"
    assert report.status("outline") == "PASS"  # two pages need no bookmarks


# ---------------------------------------------------------------------------
# Less common drawing: inline images, JPEG images, shadings


def test_inline_rgb_image_fails_colour(kit: Any, make_pdf: MakePdf) -> None:
    path = make_pdf("inline.pdf")

    def add(pdf: pikepdf.Pdf) -> None:
        content = b"q 40 0 0 40 60 60 cm BI /W 2 /H 2 /CS /RGB /BPC 8 /F /AHx ID "
        content += b"ff000000ff000000ff000000 > EI Q"
        pdf.pages[1].contents_add(pikepdf.Stream(pdf, content))

    kit.edit(path, add)
    report = preflight(path)
    assert failed(report, "colour") == (2,)
    assert failed(report, "images") == (2,)  # 2 px on 40 pt: 3.6 ppi


@pytest.mark.parametrize("ink, fails", [((0, 0, 0, 0), False), ((255, 255, 255, 255), True)])
def test_cmyk_jpeg_ink_is_read_with_its_decode_array(
    tmp_path: Path, make_pdf: MakePdf, ink: tuple[int, int, int, int], fails: bool
) -> None:
    jpeg = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (300, 300), ink).save(jpeg, quality=95)  # Adobe-style, inverted

    def draw(c: Canvas) -> None:
        c.drawImage(str(jpeg), 100, 100, 72, 72)  # embedded as DCT with /Decode [1 0 …]

    report = preflight(make_pdf("jpeg.pdf", draw=only_page_2(draw)))
    if fails:
        assert failed(report, "ink") == (2,)
        assert "image 400 %" in report.format()
    else:
        assert report.status("ink") == "PASS", report.format()


@pytest.mark.parametrize(
    "space, c0, c1, check",
    [
        ("/DeviceCMYK", [0, 0, 0, 0], [1, 1, 1, 1], "ink"),
        ("/DeviceRGB", [1, 0, 0], [0, 0, 1], "colour"),
    ],
)
def test_axial_shading(
    kit: Any, make_pdf: MakePdf, space: str, c0: list[int], c1: list[int], check: str
) -> None:
    path = make_pdf("shading.pdf")

    def add(pdf: pikepdf.Pdf) -> None:
        function = Dictionary(FunctionType=2, Domain=[0, 1], C0=c0, C1=c1, N=1)
        shading = Dictionary(
            ShadingType=2, ColorSpace=Name(space), Coords=[60, 0, 100, 0], Function=function
        )
        page = pdf.pages[1]
        page.add_resource(pdf.make_indirect(shading), Name.Shading, Name("/Sh1"))
        page.contents_add(pikepdf.Stream(pdf, b"q 60 60 40 40 re W n /Sh1 sh Q"))

    kit.edit(path, add)
    report = preflight(path)
    assert failed(report, check) == (2,)
    others_pass(report, check)


def test_image_inks_are_remembered_by_the_image_and_reused(
    make_pdf: MakePdf, tmp_path: Path
) -> None:
    def image(c: Canvas) -> None:
        c.drawImage(ImageReader(Image.new("CMYK", (64, 64), (60, 60, 60, 60))), 50, 50, 72, 72)

    path = make_pdf("memo.pdf", draw=only_page_2(image))
    memo = InkMemo(tmp_path / "ink.json")
    use_ink_memo(memo)
    try:
        first = preflight(path)
        mine = [k for k, ink in memo.inks.items() if ink == pytest.approx(240 / 255)]
        assert len(mine) == 1  # measured once, kept under the image's hash
        memo.save()

        # the memo is what a second run reads: an entry it holds is taken as measured
        again = InkMemo(tmp_path / "ink.json")
        assert again.inks == memo.inks
        again.inks[mine[0]] = 4.0
        use_ink_memo(again)
        second = preflight(path)
    finally:
        use_ink_memo(None)
    assert not first.failures("ink")
    assert failed(second, "ink") == (2,)
