"""The clean template: styles, fonts, settings, parts — and how Word's validator and
LibreOffice take the sample document built on it."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx.document import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from openxml_audit import OpenXmlValidator  # type: ignore[import-untyped]

from kumihan.render.docx.oxml import Element
from kumihan.render.docx.package import save_docx
from kumihan.render.docx.template import (
    StyleDef,
    StyleSheetError,
    builtin_style_id,
    is_builtin,
    new_document,
)
from kumihan.verify.libreoffice import (
    ConversionError,
    convert_to_pdf,
    find_soffice,
    fontconfig_file,
)

from .conftest import (
    FONTS_DIR,
    GOTHIC,
    MINCHO,
    NO_BREAK_AFTER,
    NO_BREAK_BEFORE,
    TEXT_WIDTH,
    TIMESTAMP,
    Sample,
    assert_schema_order,
    part_xml,
    style_sheet,
)

THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
FOREIGN_FONTS = ("ＭＳ", "MS ", "Calibri", "Cambria", "Times New Roman", "Arial", "游")


def w(element: Element, name: str) -> str | None:
    value = element.get(qn(f"w:{name}"))
    return None if value is None else str(value)


def styles_by_id(docx_path: Path) -> dict[str, Element]:
    root = part_xml(docx_path, "word/styles.xml")
    return {str(w(s, "styleId")): s for s in root.findall(qn("w:style"))}


# ------------------------------------------------------------------ styles


def test_exactly_the_sheet_plus_words_structural_defaults(sample_docx: Path) -> None:
    styles = styles_by_id(sample_docx)
    expected = {s.style_id for s in style_sheet()} | {
        "DefaultParagraphFont",
        "TableNormal",
        "NoList",
    }
    assert set(styles) == expected
    assert [w(s, "styleId") for s in styles.values() if w(s, "default") == "1"] == [
        "Normal", "DefaultParagraphFont", "TableNormal", "NoList",
    ]  # fmt: skip


def test_builtins_keep_words_names_and_ids_customs_are_marked(sample_docx: Path) -> None:
    styles = styles_by_id(sample_docx)
    for style in style_sheet():
        element = styles[style.style_id]
        name = w(element.find(qn("w:name")), "val")
        if is_builtin(style.name):
            assert w(element, "customStyle") is None, style.name
            assert builtin_style_id(style.name) == style.style_id
        else:
            assert w(element, "customStyle") == "1", style.name
        assert name == style.name
    assert w(styles["Heading1"].find(qn("w:name")), "val") == "heading 1"
    assert w(styles["Comment"].find(qn("w:name")), "val") == "コメント"


def test_headings_carry_outline_levels_for_the_toc(sample_docx: Path) -> None:
    styles = styles_by_id(sample_docx)
    levels = {
        sid: w(styles[sid].find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}"), "val")
        for sid in ("Heading1", "Heading2")
    }
    assert levels == {"Heading1": "0", "Heading2": "1"}
    assert styles["BodyText"].find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}") is None


def test_every_paragraph_style_names_four_font_slots_and_japanese(sample_docx: Path) -> None:
    root = part_xml(sample_docx, "word/styles.xml")
    defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    checked = [defaults] + [
        s.find(qn("w:rPr")) for s in root.findall(qn("w:style")) if w(s, "type") == "paragraph"
    ]
    assert len(checked) == 1 + sum(1 for s in style_sheet() if s.kind == "paragraph")
    for rPr in checked:
        fonts = rPr.find(qn("w:rFonts"))
        slots = {w(fonts, slot) for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
        assert len(slots) == 1 and slots <= {MINCHO, GOTHIC}, fonts.attrib
        assert w(rPr.find(qn("w:lang")), "eastAsia") == "ja-JP"
    styles = styles_by_id(sample_docx)
    heading_font = styles["Heading1"].find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert w(heading_font, "eastAsia") == GOTHIC
    # a character style without its own face must not override the paragraph's
    assert styles["Strong"].find(f"{qn('w:rPr')}/{qn('w:rFonts')}") is None


def test_no_theme_fonts_or_foreign_faces_anywhere(sample_docx: Path) -> None:
    with zipfile.ZipFile(sample_docx) as package:
        for name in package.namelist():
            text = package.read(name).decode("utf-8")
            for attr in THEME_ATTRS:
                assert f":{attr}=" not in text, f"{name} uses {attr}"
            if name in ("word/styles.xml", "word/fontTable.xml", "word/document.xml"):
                for face in FOREIGN_FONTS:
                    assert face not in text, f"{name} mentions {face}"
    theme = part_xml(sample_docx, "word/theme/theme1.xml")
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    scheme = theme.find(f".//{a}fontScheme")
    faces = {
        (font.tag.split("}")[1], font.get("script"), font.get("typeface"))
        for part in (scheme.find(f"{a}majorFont"), scheme.find(f"{a}minorFont"))
        for font in part
        if font.tag in (f"{a}latin", f"{a}ea") or font.get("script") == "Jpan"
    }
    assert {face for _, _, face in faces} <= {MINCHO, GOTHIC}, faces


def test_body_text_indents_one_character_in_both_units(sample_docx: Path) -> None:
    ind = styles_by_id(sample_docx)["BodyText"].find(f"{qn('w:pPr')}/{qn('w:ind')}")
    # firstLine for LibreOffice: 1 character × Normal's 10.5 pt, in twips
    assert (w(ind, "firstLineChars"), w(ind, "firstLine")) == ("100", "210")


def test_boxed_style_and_list_numbering(sample_docx: Path) -> None:
    styles = styles_by_id(sample_docx)
    pPr = styles["Comment"].find(qn("w:pPr"))
    assert [c.tag.split("}")[1] for c in pPr.find(qn("w:pBdr"))] == [
        "top",
        "left",
        "bottom",
        "right",
    ]
    assert w(pPr.find(qn("w:shd")), "fill") == "F2F2F2"
    num_id = w(styles["ListBullet"].find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}"), "val")
    numbering = part_xml(sample_docx, "word/numbering.xml")
    num = numbering.find(f'{qn("w:num")}[@{qn("w:numId")}="{num_id}"]')
    abstract_id = w(num.find(qn("w:abstractNumId")), "val")
    abstract = numbering.find(f'{qn("w:abstractNum")}[@{qn("w:abstractNumId")}="{abstract_id}"]')
    lvl = abstract.find(qn("w:lvl"))
    assert [w(lvl.find(qn(t)), "val") for t in ("w:numFmt", "w:pStyle", "w:lvlText")] == [
        "bullet",
        "ListBullet",
        "・",
    ]


def test_every_style_element_in_schema_order(sample_docx: Path) -> None:
    for part in ("word/styles.xml", "word/document.xml", "word/settings.xml", "word/numbering.xml"):
        assert_schema_order(part_xml(sample_docx, part))


def _problems(sheet: list[StyleDef]) -> str:
    with pytest.raises(StyleSheetError) as error:
        new_document(sheet)
    return str(error.value)


def test_style_sheet_problems_are_reported_together() -> None:
    sheet = style_sheet()
    broken = [
        dataclasses.replace(sheet[1], based_on="存在しない"),
        dataclasses.replace(sheet[2], style_id="Heading1"),
        dataclasses.replace(sheet[3], based_on="Hyperlink"),
        *sheet[4:],
    ]
    message = _problems(broken)
    for expected in ('"Normal"', "存在しない", "share a style_id", "a character style"):
        assert expected in message, message


def test_normal_must_define_the_defaults() -> None:
    sheet = style_sheet()
    message = _problems([dataclasses.replace(sheet[0], size_pt=None), *sheet[1:]])
    assert "Normal needs" in message


def test_based_on_loop_is_refused() -> None:
    sheet = style_sheet()
    looped = [
        sheet[0],
        dataclasses.replace(sheet[1], based_on="Heading2"),
        dataclasses.replace(sheet[2], based_on="Heading1"),
    ]
    assert "loop" in _problems(looped)


# ------------------------------------------------------------------ package parts, settings, fonts


def test_leftover_parts_are_gone(sample_docx: Path) -> None:
    with zipfile.ZipFile(sample_docx) as package:
        names = package.namelist()
        app = package.read("docProps/app.xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert not [
        n
        for n in names
        if "stylesWithEffects" in n or n.startswith("customXml") or "thumbnail" in n
    ]
    assert "stylesWithEffects" not in rels and "customXml" not in rels
    assert "<Application>kumihan</Application>" in app and "Macintosh" not in app


def test_page_is_a4() -> None:
    document = new_document(style_sheet())
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.05)


def test_settings_carry_japanese_line_breaking(sample_docx: Path) -> None:
    settings = part_xml(sample_docx, "word/settings.xml")
    after = settings.find(qn("w:noLineBreaksAfter"))
    before = settings.find(qn("w:noLineBreaksBefore"))
    assert (w(after, "lang"), w(after, "val")) == ("ja-JP", NO_BREAK_AFTER)
    assert (w(before, "lang"), w(before, "val")) == ("ja-JP", NO_BREAK_BEFORE)
    assert w(settings.find(qn("w:characterSpacingControl")), "val") == "compressPunctuation"
    assert settings.find(qn("w:rsids")) is None and settings.find(qn("w:updateFields")) is None
    mode = settings.find(
        f'{qn("w:compat")}/{qn("w:compatSetting")}[@{qn("w:name")}="compatibilityMode"]'
    )
    assert w(mode, "val") == "15"


def _panose(path: Path) -> str:
    p = TTFont(str(path))["OS/2"].panose
    return "".join(f"{v:02X}" for v in vars(p).values())


def test_font_table_declares_the_faces(sample_docx: Path) -> None:
    table = part_xml(sample_docx, "word/fontTable.xml")
    fonts = {w(f, "name"): f for f in table.findall(qn("w:font"))}
    assert set(fonts) == {MINCHO, GOTHIC}
    mincho = fonts[MINCHO]
    assert [c.tag.split("}")[1] for c in mincho] == [
        "altName",
        "panose1",
        "charset",
        "family",
        "pitch",
        "sig",
    ]
    assert w(mincho.find(qn("w:altName")), "val") == "BIZ UD明朝 Medium"
    assert w(mincho.find(qn("w:charset")), "val") == "80"
    assert w(mincho.find(qn("w:family")), "val") == "roman"
    assert w(fonts[GOTHIC].find(qn("w:family")), "val") == "modern"
    assert w(mincho.find(qn("w:panose1")), "val") == _panose(FONTS_DIR / "BIZUDMincho-Regular.ttf")
    assert w(fonts[GOTHIC].find(qn("w:panose1")), "val") == _panose(
        FONTS_DIR / "BIZUDGothic-Regular.ttf"
    )


# ------------------------------------------------------------------ validation


def _audit(path: Path) -> list[str]:
    result = OpenXmlValidator().validate(path)
    return [str(e) for e in result.errors]


def test_openxml_audit_reports_nothing(sample_docx: Path) -> None:
    assert _audit(sample_docx) == []


def test_openxml_audit_would_catch_out_of_order_children(sample_docx: Path, tmp_path: Path) -> None:
    """The check above can fail: swap two pPr children and the validator objects."""
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(sample_docx) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/styles.xml":
                text = data.decode()
                text, count = re.subn(r"(<w:kinsoku/>)(<w:spacing [^>]*/>)", r"\2\1", text, count=1)
                assert count == 1
                data = text.encode()
            target.writestr(item, data)
    assert _audit(broken)


# ------------------------------------------------------------------ LibreOffice


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _squash(text: str) -> str:
    return re.sub(r"[\s　]+", "", text)


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils missing"
)


@pytest.mark.slow
@needs_poppler
def test_libreoffice_shows_the_prefilled_toc_and_field_results(
    sample_pdf: Path, sample: tuple[Document, Sample]
) -> None:
    _, content = sample
    # LibreOffice keeps the blank page it inserts so that page "1" (the restarted body)
    # lands on a right-hand page; drop blank pages before comparing
    pages = [page for page in _page_texts(sample_pdf) if page.strip()]
    assert len(pages) == 3
    toc_page = pages[0]
    rows = [_squash(row) for row in toc_page.splitlines()]
    for line in content.toc:
        # entry text, dot leader and the cached page number on one line
        pattern = re.escape(_squash(line.text)) + r"\.{5,}" + re.escape(line.page)
        assert any(re.fullmatch(pattern, row) for row in rows), toc_page
    # PAGE fields: lowerRoman front matter, decimal body restarting at 1
    assert [page.strip().splitlines()[-1].strip() for page in pages] == ["i", "1", "2"]
    assert "表1" in _squash(pages[1])  # SEQ field result
    for text in content.body_text:
        assert _squash(text) in _squash(pages[1])


@pytest.mark.slow
@needs_poppler
def test_libreoffice_uses_the_biz_ud_faces(sample_pdf: Path) -> None:
    listing = subprocess.run(
        ["pdffonts", str(sample_pdf)], capture_output=True, text=True, check=True
    ).stdout
    names = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()}
    assert names and all(n.startswith(("BIZUDMincho", "BIZUDGothic")) for n in names), names
    assert any(n.startswith("BIZUDMincho") for n in names) and any(
        n.startswith("BIZUDGothic") for n in names
    )


@pytest.mark.slow
@needs_poppler
def test_libreoffice_indents_body_text_by_one_character(
    sample_pdf: Path, sample: tuple[Document, Sample]
) -> None:
    _, content = sample
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(sample_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # the body page: the one holding the first body paragraph (LibreOffice may insert a
    # blank page before it)
    body_page = next(page for page in xml.split("<page ")[1:] if content.body_text[0][:4] in page)
    lines = re.findall(r'<line xMin="([\d.]+)"[^>]*>\s*<word[^>]*>([^<]*)</word>', body_page)
    first = next(float(x) for x, word in lines if content.body_text[0].startswith(word))
    left = min(float(x) for x, _ in lines)
    assert first - left == pytest.approx(10.5, abs=0.6)
    assert left == pytest.approx((595.3 - TEXT_WIDTH) / 2, abs=1)


def test_conversion_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="no such file"):
        convert_to_pdf(tmp_path / "missing.docx", tmp_path, FONTS_DIR, soffice="/bin/true")
    bogus = tmp_path / "x.docx"
    bogus.write_bytes(b"PK")
    with pytest.raises(ConversionError, match="did not write"):
        convert_to_pdf(bogus, tmp_path / "out", FONTS_DIR, soffice="/bin/true")


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig tools missing")
def test_fontconfig_file_adds_the_font_directory_and_aliases(tmp_path: Path) -> None:
    conf = fontconfig_file(FONTS_DIR, {"BIZ UD明朝 Medium": "BIZ UDMincho"}, tmp_path)
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    listed = subprocess.run(
        ["fc-list", ":", "file"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert str(FONTS_DIR / "BIZUDMincho-Regular.ttf") in listed
    match = subprocess.run(
        ["fc-match", "BIZ UD明朝 Medium"], env=env, capture_output=True, text=True, check=True
    )
    assert "BIZ UDMincho" in match.stdout


@pytest.mark.slow
@needs_poppler
def test_libreoffice_follows_an_alias_for_the_windows_family_name(tmp_path: Path) -> None:
    """LibreOffice ignores fontTable's w:altName; a fontconfig alias is what maps a
    Windows family name ("BIZ UD明朝 Medium") onto the installed face."""
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    windows = "BIZ UD明朝 Medium"
    sheet = [
        dataclasses.replace(s, east_asia_font=windows, ascii_font=windows)
        if s.east_asia_font == MINCHO
        else s
        for s in style_sheet()
    ]
    document = new_document(sheet)
    document.add_paragraph("本文の明朝体。", style="Normal")
    path = tmp_path / "windows-name.docx"
    save_docx(document, path, timestamp=TIMESTAMP, title="t", author="a", subject="s", keywords="k")
    pdf = convert_to_pdf(path, tmp_path, FONTS_DIR, aliases={windows: "BIZ UDMincho"})
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "BIZUDMincho" in listing
