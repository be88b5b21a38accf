"""draw_line: composed lines → PDF operations whose glyphs land where the composer put them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import pytest
from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

from kumihan.render.pdf.textdraw import draw_line
from kumihan.typeset.compose import compose
from kumihan.typeset.fonts import FontBook
from kumihan.typeset.types import Color, Line, Rules, RunStyle, Span

BODY = RunStyle("mincho", 10.0)
PAGE = (300.0, 400.0)
TEXT = (
    "本事業は、分野横断的な「地域づくり」を推進するため、"
    "先行事例（2024年度はRMO等21,489件）を把握した。"
)


def paint(color: Color) -> CMYKColor:
    return CMYKColor(*color)


def draw(
    path: Path, lines: list[Line], *, x: float = 40.0, top: float = 360.0, shift: float = 0.0
) -> Path:
    canvas = Canvas(str(path), pagesize=PAGE, initialFontName="mincho")
    canvas.translate(shift, 0)
    for i, line in enumerate(lines):
        draw_line(canvas, line, x, top - 18 * i, paint)
    canvas.showPage()
    canvas.save()
    return path


def expected_chars(line: Line, fonts: FontBook, x: float) -> list[tuple[str, float]]:
    out = []
    for run in line.runs:
        pos = x + run.x
        for ch in run.text:
            out.append((ch, pos))
            pos += fonts.advance(run.face, ch) * run.style.size + run.char_space
    return out


def test_glyphs_land_where_composed(fonts: FontBook, tmp_path: Path) -> None:
    lines = compose([Span(TEXT, BODY)], 200, Rules(), fonts, indent_first=10)
    pdf = draw(tmp_path / "a.pdf", lines)
    with pdfplumber.open(pdf) as doc:
        chars = doc.pages[0].chars
    for i, line in enumerate(lines):
        baseline = 360.0 - 18 * i
        got = [(c["text"], c["x0"]) for c in chars if abs(c["matrix"][5] - baseline) < 0.01]
        want = expected_chars(line, fonts, 40.0)
        assert [c for c, _ in got] == [c for c, _ in want]
        assert all(abs(a - b) < 0.01 for (_, a), (_, b) in zip(got, want, strict=True))


def test_one_text_object_per_line_and_run_spacing(fonts: FontBook, tmp_path: Path) -> None:
    lines = compose([Span(TEXT, BODY)], 203.5, Rules(), fonts)
    pdf = draw(tmp_path / "b.pdf", lines)
    with pikepdf.open(pdf) as doc:
        ops = [(str(i.operator), i.operands) for i in pikepdf.parse_content_stream(doc.pages[0])]
    assert sum(op == "BT" for op, _ in ops) == len(lines)
    shows = sum(op == "Tj" for op, _ in ops)
    runs = [r for ln in lines for r in ln.runs if r.text]
    assert len(runs) <= shows <= len(runs) + 2  # + a font-subset switch now and then
    tc = {round(float(operands[0]), 3) for op, operands in ops if op == "Tc"}
    spaced = {round(r.char_space, 3) for r in runs if r.char_space}
    assert spaced and spaced <= tc


def test_extraction_gives_the_text_exactly(fonts: FontBook, tmp_path: Path) -> None:
    text = "三菱UFJリサーチ&コンサルティング（報告書A4版165頁）の hello world を参照。" * 2
    lines = compose([Span(text, BODY)], 180, Rules(), fonts)
    pdf = draw(tmp_path / "c.pdf", lines)
    want = [ln.text.rstrip(" ") for ln in lines]
    page = pypdfium2.PdfDocument(str(pdf))[0]
    got = page.get_textpage().get_text_range().replace("\r", "").split("\n")
    assert [g.rstrip(" ") for g in got] == want
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        )
        assert [g.rstrip(" ") for g in out.stdout.split("\n") if g.strip("\f")] == want


def test_links_underline_and_colour(fonts: FontBook, tmp_path: Path) -> None:
    ext = RunStyle(
        "gothic", 10.0, color=(1.0, 0.0, 0.0, 0.0), link="https://example.jp/", underline=True
    )
    anchor = RunStyle("mincho", 10.0, link="#sec-2")
    spans = [
        Span("詳細は", BODY),
        Span("こちら", ext),
        Span("と", BODY),
        Span("第2章", anchor),
        Span("。", BODY),
    ]
    line = compose(spans, 250, Rules(), fonts)[0]
    path = tmp_path / "d.pdf"
    canvas = Canvas(str(path), pagesize=PAGE, initialFontName="mincho")
    canvas.bookmarkPage("sec-2")
    canvas.translate(25, 0)  # as inside a flowable: annotations must follow the transform
    draw_line(canvas, line, 15.0, 300.0, paint)
    canvas.showPage()
    canvas.save()
    with pikepdf.open(path) as doc:
        annots = list(doc.pages[0].Annots)
    uri = [a for a in annots if "/A" in a]
    dest = [a for a in annots if "/Dest" in a]
    assert len(uri) == 1 and len(dest) == 1
    assert str(uri[0].A.URI) == "https://example.jp/"
    assert [float(v) for v in uri[0].Border] == [0, 0, 0]
    run = next(r for r in line.runs if r.text == "こちら")
    x0, _, x1, _ = (float(v) for v in uri[0].Rect)
    assert x0 == pytest.approx(40 + run.x) and x1 == pytest.approx(40 + run.x + run.width)
    with pdfplumber.open(path) as doc:
        page = doc.pages[0]
        red = [c for c in page.chars if c["text"] in "こちら"]
        assert all(tuple(c["non_stroking_color"]) == (1, 0, 0, 0) for c in red)
        under = [ln for ln in page.lines if abs(ln["x0"] - (40 + run.x)) < 0.01]
        assert len(under) == 1 and under[0]["x1"] == pytest.approx(40 + run.x + run.width)


def test_box_draws_a_form_defined_later(fonts: FontBook, tmp_path: Path) -> None:
    spans = [Span("目次", BODY), Span("00", BODY, box="pageno", box_width=20), Span("頁", BODY)]
    line = compose(spans, 200, Rules(align="left"), fonts)[0]
    path = tmp_path / "e.pdf"
    canvas = Canvas(str(path), pagesize=PAGE, initialFontName="mincho")
    draw_line(canvas, line, 40.0, 300.0, paint)
    canvas.showPage()
    canvas.beginForm("pageno")  # defined after use, as when page numbers settle late
    canvas.setFont("mincho", 10.0)
    canvas.drawString(0, 0, "12")
    canvas.endForm()
    canvas.save()
    with pdfplumber.open(path) as doc:
        chars = sorted(doc.pages[0].chars, key=lambda c: c["x0"])
    assert "".join(c["text"] for c in chars) == "目次12頁"
    box = next(r for r in line.runs if r.box)
    one = next(c for c in chars if c["text"] == "1")
    assert one["x0"] == pytest.approx(40 + box.x) and one["matrix"][5] == pytest.approx(300)


def test_text_state_is_left_clean(fonts: FontBook, tmp_path: Path) -> None:
    note = RunStyle("mincho", 6.0, rise=3.0)
    spans = [Span(TEXT[:30], BODY), Span("1", note), Span(TEXT[30:], BODY)]
    lines = compose(spans, 203.5, Rules(), fonts)
    path = tmp_path / "f.pdf"
    canvas = Canvas(str(path), pagesize=PAGE, initialFontName="mincho")
    draw_line(canvas, lines[0], 40.0, 300.0, paint)
    canvas.setFont("mincho", 10.0)
    canvas.drawString(40.0, 200.0, "後の文字")
    canvas.save()
    with pdfplumber.open(path) as doc:
        after = [c for c in doc.pages[0].chars if c["matrix"][5] == pytest.approx(200.0)]
    assert [round(c["x0"], 3) for c in after] == [40.0, 50.0, 60.0, 70.0]
    assert all(c["y0"] == pytest.approx(after[0]["y0"]) for c in after)
