"""A clean starting document for the DOCX renderer.

In: a style sheet (a sequence of `StyleDef`, normally read from layouts/) and the
font declarations (`FontDecl`) for word/fontTable.xml.
Out: a python-docx `Document` holding exactly those styles, on A4, with nothing of
python-docx's default template that resolves to ＭＳ fonts, Calibri or Cambria and
none of its leftover parts (stylesWithEffects.xml, which openxml-audit flags as
inconsistent with styles.xml; the bibliography customXml; the thumbnail).

Built-in styles are recognised by their English w:name ("heading 1", "Body Text",
"toc 1"…), which Japanese Word displays localised (見出し 1, 本文, 目次 1…); they
are written without w:customStyle so Word treats them as its own. Other names are
custom styles (w:customStyle="1").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import Part
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml

from kumihan.render.docx import oxml
from kumihan.render.docx.oxml import BorderSide, Element, Justification, LineRule
from kumihan.typeset.fontfacts import font_facts
from kumihan.units import mm

StyleKind = Literal["paragraph", "character", "table"]
FontFamily = Literal["roman", "swiss", "modern", "script", "decorative", "auto"]
FontPitch = Literal["fixed", "variable", "default"]

A4_PT = (mm(210), mm(297))
# Word's Japanese A4 default: 35 mm top, 30 mm elsewhere, header 15 mm, footer 17.5 mm.
# Layouts override these with oxml.set_page; they only keep a bare document sane.
DEFAULT_MARGINS_MM = {
    "top": 35.0,
    "bottom": 30.0,
    "left": 30.0,
    "right": 30.0,
    "header": 15.0,
    "footer": 17.5,
}


@dataclass(frozen=True, slots=True)
class BorderSpec:
    """A single-line border: which sides, width in eighths of a point, colour, gap."""

    sides: tuple[BorderSide, ...] = ("top", "left", "bottom", "right")
    size_eighths: int = 4
    color_hex: str = "000000"
    space_pt: float = 4


@dataclass(frozen=True, slots=True)
class ListDef:
    """One-level automatic numbering attached to a paragraph style.

    `num_fmt` is Word's w:numFmt ("bullet", "decimal", "decimalFullWidth",
    "decimalEnclosedCircle", "aiueoFullWidth"…); `text` its w:lvlText ("・", "%1.",
    "（%1）"); the indents place number and text.
    """

    num_fmt: str
    text: str
    left_pt: float
    hanging_pt: float
    start: int = 1


@dataclass(frozen=True, slots=True)
class StyleDef:
    """One style. None means "inherit" (from `based_on`, then Normal, then the defaults).

    `based_on` and `next` name another style of the sheet by style id or name.
    `outline_level` is the heading level 1–9 (TOC \\o "1-3" collects levels 1–3).
    `first_line_chars` is in characters (1.0 → w:firstLineChars="100"); the point
    value LibreOffice needs is derived from the style's resolved size.
    `table_borders` and `cell_margins_pt` (top, left, bottom, right) apply to table styles.
    `snap_to_grid=False` is worth setting on styles whose exact line height differs from
    the w:docGrid pitch (headings, captions): Word ignores the grid for exact spacing,
    LibreOffice snaps such lines to the grid unless the paragraph opts out.
    """

    name: str
    style_id: str
    kind: StyleKind = "paragraph"
    based_on: str | None = None
    next: str | None = None
    east_asia_font: str | None = None
    ascii_font: str | None = None
    size_pt: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    underline: str | None = None
    color_hex: str | None = None
    align: Justification | None = None
    line_pt: float | None = None
    line_rule: LineRule = "exact"
    line_multiple: float | None = None
    space_before_pt: float | None = None
    space_after_pt: float | None = None
    first_line_chars: float | None = None
    left_indent_pt: float | None = None
    hanging_pt: float | None = None
    right_indent_pt: float | None = None
    keep_next: bool | None = None
    keep_lines: bool | None = None
    widow_control: bool | None = None
    outline_level: int | None = None
    page_break_before: bool | None = None
    shading_hex: str | None = None
    border: BorderSpec | None = None
    kinsoku: bool | None = True
    snap_to_grid: bool | None = None
    auto_space: bool | None = None
    list_def: ListDef | None = None
    table_borders: BorderSpec | None = None
    cell_margins_pt: tuple[float, float, float, float] | None = None
    ui_priority: int | None = None
    q_format: bool = False
    semi_hidden: bool = False
    unhide_when_used: bool = False


@dataclass(frozen=True, slots=True)
class FontSignature:
    """w:sig: OS/2 Unicode ranges (usb0–3) and code pages (csb0–1)."""

    usb: tuple[int, int, int, int]
    csb: tuple[int, int]


@dataclass(frozen=True, slots=True)
class FontDecl:
    """One word/fontTable.xml entry; `name` is the name the styles use in w:rFonts.

    `alt_name` is the family name under which another system installs the same font
    (Windows: "BIZ UD明朝 Medium"); Word looks it up when `name` is not installed.
    """

    name: str
    alt_name: str | None = None
    family: FontFamily = "auto"
    pitch: FontPitch = "default"
    charset: str = "80"  # 80 = SHIFTJIS_CHARSET
    panose: str | None = None
    signature: FontSignature | None = None


# Word's built-in styles by lower-cased name: canonical name, style id, ui priority.
_BUILTINS: dict[str, tuple[str, str, int]] = {
    name.lower(): (name, style_id, priority)
    for name, style_id, priority in [
        ("Normal", "Normal", 0),
        *[(f"heading {n}", f"Heading{n}", 9) for n in range(1, 10)],
        ("Title", "Title", 10),
        ("Subtitle", "Subtitle", 11),
        ("Emphasis", "Emphasis", 20),
        ("Strong", "Strong", 22),
        ("Quote", "Quote", 29),
        ("List Paragraph", "ListParagraph", 34),
        ("caption", "Caption", 35),
        *[(f"toc {n}", f"TOC{n}", 39) for n in range(1, 10)],
        ("TOC Heading", "TOCHeading", 39),
        ("Table Grid", "TableGrid", 39),
        ("No Spacing", "NoSpacing", 1),
        ("Default Paragraph Font", "DefaultParagraphFont", 1),
        ("Body Text", "BodyText", 99),
        ("Body Text Indent", "BodyTextIndent", 99),
        ("List Bullet", "ListBullet", 99),
        ("List Number", "ListNumber", 99),
        ("List Bullet 2", "ListBullet2", 99),
        ("List Number 2", "ListNumber2", 99),
        ("header", "Header", 99),
        ("footer", "Footer", 99),
        ("Hyperlink", "Hyperlink", 99),
        ("FollowedHyperlink", "FollowedHyperlink", 99),
        ("footnote text", "FootnoteText", 99),
        ("footnote reference", "FootnoteReference", 99),
        ("Normal Table", "TableNormal", 99),
        ("No List", "NoList", 99),
        ("Block Text", "BlockText", 99),
        ("Note Heading", "NoteHeading", 99),
        ("Date", "Date", 99),
        ("Closing", "Closing", 99),
    ]
}


def is_builtin(name: str) -> bool:
    """Whether Word knows a style of this name (and localises it)."""
    return name.lower() in _BUILTINS


def builtin_style_id(name: str) -> str:
    """Word's own style id for a built-in name ("heading 1" → "Heading1")."""
    return _BUILTINS[name.lower()][1]


# --------------------------------------------------------------------------------------
# Style sheet checks and inheritance
# --------------------------------------------------------------------------------------


class StyleSheetError(ValueError):
    """A style sheet that cannot become a Word styles part; the message lists every problem."""


class _Sheet:
    """The style sheet indexed by id and name, with inherited values resolved."""

    def __init__(self, styles: Sequence[StyleDef]) -> None:
        self.styles = list(styles)
        self.by_id = {s.style_id: s for s in styles}
        self.by_name = {s.name.lower(): s for s in styles}
        problems = self._problems()
        if problems:
            raise StyleSheetError("style sheet: " + "; ".join(problems))
        normal = self.by_id[self._normal_id()]
        assert normal.east_asia_font and normal.ascii_font and normal.size_pt
        self.normal = normal

    def _normal_id(self) -> str:
        return self.by_name["normal"].style_id

    def lookup(self, ref: str) -> StyleDef | None:
        return self.by_id.get(ref) or self.by_name.get(ref.lower())

    def _problems(self) -> list[str]:
        problems: list[str] = []
        if len(self.by_id) != len(self.styles):
            problems.append("two styles share a style_id")
        if len(self.by_name) != len(self.styles):
            problems.append("two styles share a name")
        normal = self.by_name.get("normal")
        if normal is None or normal.kind != "paragraph":
            problems.append('no paragraph style named "Normal" (標準)')
        elif not (normal.east_asia_font and normal.ascii_font and normal.size_pt):
            problems.append("Normal needs east_asia_font, ascii_font and size_pt (the defaults)")
        for style in self.styles:
            problems += self._style_problems(style)
        return problems

    def _style_problems(self, style: StyleDef) -> list[str]:
        problems: list[str] = []
        if not style.style_id.isidentifier():
            problems.append(f"{style.name}: style_id {style.style_id!r} must be letters and digits")
        for field, ref in (("based_on", style.based_on), ("next", style.next)):
            target = self.lookup(ref) if ref else None
            if ref and target is None:
                problems.append(f"{style.name}: {field} {ref!r} is not in the sheet")
            elif target is not None and field == "based_on" and target.kind != style.kind:
                problems.append(f"{style.name}: based on {target.name}, a {target.kind} style")
        if style.line_rule == "auto" and style.line_pt is not None:
            problems.append(f"{style.name}: line_rule 'auto' takes line_multiple, not line_pt")
        if style.list_def is not None and style.kind != "paragraph":
            problems.append(f"{style.name}: only paragraph styles can carry a list_def")
        seen = {style.style_id}
        base = self.lookup(style.based_on) if style.based_on else None
        while base is not None:
            if base.style_id in seen:
                problems.append(f"{style.name}: based_on forms a loop")
                break
            seen.add(base.style_id)
            base = self.lookup(base.based_on) if base.based_on else None
        return problems

    def chain(self, style: StyleDef) -> list[StyleDef]:
        """The style, its bases, and (for paragraph and table styles) Normal last."""
        chain = [style]
        while chain[-1].based_on:
            base = self.lookup(chain[-1].based_on)
            assert base is not None
            chain.append(base)
        if style.kind == "paragraph" and chain[-1] is not self.normal:
            chain.append(self.normal)
        return chain

    def fonts(self, style: StyleDef) -> tuple[str, str] | None:
        """Resolved (ascii, eastAsia) fonts, or None for a character style without its own."""
        chain = self.chain(style) + ([self.normal] if style.kind == "table" else [])
        ascii_font = next((s.ascii_font for s in chain if s.ascii_font), None)
        east_asia = next((s.east_asia_font for s in chain if s.east_asia_font), None)
        if ascii_font is None and east_asia is None:
            return None
        return ascii_font or east_asia or "", east_asia or ascii_font or ""

    def size(self, style: StyleDef) -> float:
        chain = [*self.chain(style), self.normal]
        return next(s.size_pt for s in chain if s.size_pt is not None)

    def ref_id(self, ref: str | None) -> str | None:
        target = self.lookup(ref) if ref else None
        return None if target is None else target.style_id


# --------------------------------------------------------------------------------------
# Style elements
# --------------------------------------------------------------------------------------


def _on(parent: Element, tag: str) -> None:
    oxml.child(parent, tag)


def _style_element(style: StyleDef, sheet: _Sheet) -> Element:
    builtin = _BUILTINS.get(style.name.lower())
    element = oxml.new_element("w:style", {"w:type": style.kind, "w:styleId": style.style_id})
    if style is sheet.normal:
        element.set(qn("w:default"), "1")
    if builtin is None:
        element.set(qn("w:customStyle"), "1")
    name = builtin[0] if builtin else style.name
    oxml.child(element, "w:name").set(qn("w:val"), name)
    based_on = sheet.ref_id(style.based_on)
    if based_on is None and style.kind == "table":
        based_on = "TableNormal"
    if based_on is not None:
        oxml.child(element, "w:basedOn").set(qn("w:val"), based_on)
    next_id = sheet.ref_id(style.next)
    if next_id is not None:
        oxml.child(element, "w:next").set(qn("w:val"), next_id)
    priority = (
        style.ui_priority if style.ui_priority is not None else (builtin[2] if builtin else 99)
    )
    oxml.child(element, "w:uiPriority").set(qn("w:val"), str(priority))
    for flag, tag in (
        (style.semi_hidden, "w:semiHidden"),
        (style.unhide_when_used, "w:unhideWhenUsed"),
        (style.q_format, "w:qFormat"),
    ):
        if flag:
            _on(element, tag)
    if style.kind == "paragraph":
        _paragraph_props(oxml.child(element, "w:pPr"), style, sheet)
    _run_props(oxml.child(element, "w:rPr"), style, sheet)
    if style.kind == "table":
        _table_props(oxml.child(element, "w:tblPr"), style)
    return element


def _paragraph_props(pPr: Element, style: StyleDef, sheet: _Sheet) -> None:
    on_off = (
        (style.keep_next, oxml.set_keep_next),
        (style.keep_lines, oxml.set_keep_lines),
        (style.page_break_before, oxml.set_page_break_before),
        (style.widow_control, oxml.set_widow_control),
        (style.kinsoku, oxml.set_kinsoku),
    )
    for value, setter in on_off:
        if value is not None:
            setter(pPr, value)
    if style.snap_to_grid is not None:
        oxml.set_snap_to_grid(pPr, style.snap_to_grid)
    if style.auto_space is not None:
        oxml.set_auto_space(pPr, style.auto_space, style.auto_space)
    if style.border is not None:
        b = style.border
        oxml.set_paragraph_border(pPr, b.sides, b.size_eighths, b.color_hex, b.space_pt)
    if style.shading_hex is not None:
        oxml.set_shading(pPr, style.shading_hex)
    if (style.space_before_pt, style.space_after_pt, style.line_pt, style.line_multiple) != (
        None,
    ) * 4:
        oxml.set_spacing(
            pPr,
            style.space_before_pt,
            style.space_after_pt,
            style.line_pt,
            style.line_rule,
            line_multiple=style.line_multiple,
        )
    _indent(pPr, style, sheet)
    if style.align is not None:
        oxml.set_jc(pPr, style.align)
    if style.outline_level is not None:
        oxml.set_outline_level(pPr, style.outline_level)


def _indent(pPr: Element, style: StyleDef, sheet: _Sheet) -> None:
    first_chars = style.first_line_chars
    values = (first_chars, style.left_indent_pt, style.hanging_pt, style.right_indent_pt)
    if values == (None,) * 4:
        return
    oxml.set_indent(
        pPr,
        first_line_chars=first_chars,
        # LibreOffice 7 ignores w:firstLineChars; the equivalent points keep it in step.
        first_line_pt=None if first_chars is None else first_chars * sheet.size(style),
        left_pt=style.left_indent_pt,
        hanging_pt=style.hanging_pt,
        right_pt=style.right_indent_pt,
    )


def _run_props(rPr: Element, style: StyleDef, sheet: _Sheet) -> None:
    # A character style names fonts only when it has its own: otherwise a 強調太字 run
    # inside a ゴシック heading would switch back to Normal's 明朝.
    fonts = sheet.fonts(style)
    if fonts is not None:
        oxml.set_east_asian_fonts(rPr, ascii=fonts[0], east_asia=fonts[1])
    if style.bold is not None:
        oxml.set_bold(rPr, style.bold)
    if style.italic is not None:
        oxml.set_italic(rPr, style.italic)
    if style.color_hex is not None:
        oxml.set_color(rPr, style.color_hex)
    if style.size_pt is not None:
        oxml.set_size(rPr, style.size_pt)
    if style.underline is not None:
        oxml.set_underline(rPr, style.underline)
    oxml.set_lang(rPr)


def _table_props(tblPr: Element, style: StyleDef) -> None:
    if style.table_borders is not None:
        b = style.table_borders
        oxml.set_box_borders(tblPr, b.sides, b.size_eighths, b.color_hex)
    if style.cell_margins_pt is not None:
        oxml.set_cell_margins(tblPr, *style.cell_margins_pt)


def _structural_styles(sheet: _Sheet) -> list[Element]:
    """Word's three default styles that every document carries; added unless in the sheet."""
    xml = {
        "default paragraph font": (
            '<w:style {ns} w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
            '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/>'
            "<w:semiHidden/><w:unhideWhenUsed/></w:style>"
        ),
        "normal table": (
            '<w:style {ns} w:type="table" w:default="1" w:styleId="TableNormal">'
            '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
            '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
            '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr></w:style>"
        ),
        "no list": (
            '<w:style {ns} w:type="numbering" w:default="1" w:styleId="NoList">'
            '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
            "<w:unhideWhenUsed/></w:style>"
        ),
    }
    return [
        parse_xml(text.format(ns=nsdecls("w")))
        for name, text in xml.items()
        if name not in sheet.by_name
    ]


def _write_styles(document: Document, sheet: _Sheet) -> None:
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        styles.remove(style)
    normal = sheet.normal
    assert normal.ascii_font and normal.east_asia_font and normal.size_pt
    oxml.set_doc_defaults(
        styles,
        ascii_font=normal.ascii_font,
        east_asia_font=normal.east_asia_font,
        size_pt=normal.size_pt,
    )
    for element in [_style_element(s, sheet) for s in sheet.styles] + _structural_styles(sheet):
        styles.append(element)


# --------------------------------------------------------------------------------------
# Numbering
# --------------------------------------------------------------------------------------


def _abstract_num(abstract_id: int, style_id: str, list_def: ListDef) -> Element:
    """A single-level w:abstractNum linked to its paragraph style (children in schema order)."""
    abstract = oxml.new_element("w:abstractNum", {"w:abstractNumId": str(abstract_id)})
    abstract.append(oxml.new_element("w:multiLevelType", {"w:val": "singleLevel"}))
    lvl = oxml.new_element("w:lvl", {"w:ilvl": "0"})
    # A full-width bullet (・, ■) is exactly the one-em hang: after it a tab would find no
    # room before the indent and jump to the next default tab stop, so nothing follows it.
    # (■ and ● are "ambiguous" width: full width in Japanese fonts, so counted as wide)
    wide = len(list_def.text) == 1 and unicodedata.east_asian_width(list_def.text) in "WFA"
    suffix = "nothing" if list_def.num_fmt == "bullet" and wide else "tab"
    for tag, value in (
        ("w:start", str(list_def.start)),
        ("w:numFmt", list_def.num_fmt),
        ("w:pStyle", style_id),
        ("w:suff", suffix),
        ("w:lvlText", list_def.text),
        ("w:lvlJc", "left"),
    ):
        lvl.append(oxml.new_element(tag, {"w:val": value}))
    pPr = oxml.new_element("w:pPr")
    oxml.set_indent(pPr, left_pt=list_def.left_pt, hanging_pt=list_def.hanging_pt)
    lvl.append(pPr)
    abstract.append(lvl)
    return abstract


def _write_numbering(document: Document, sheet: _Sheet) -> None:
    """Replace the template's numbering with one list definition per list style."""
    numbering = document.part.numbering_part.element
    for element in list(numbering):
        numbering.remove(element)
    listed = [s for s in sheet.styles if s.list_def is not None]
    nums: list[Element] = []
    for index, style in enumerate(listed):
        assert style.list_def is not None
        numbering.append(_abstract_num(index, style.style_id, style.list_def))
        num = oxml.new_element("w:num", {"w:numId": str(index + 1)})
        num.append(oxml.new_element("w:abstractNumId", {"w:val": str(index)}))
        nums.append(num)
    for num in nums:  # every w:abstractNum precedes every w:num
        numbering.append(num)
    styles = document.styles.element
    for index, style in enumerate(listed):
        element = styles.find(f'{qn("w:style")}[@{qn("w:styleId")}="{style.style_id}"]')
        oxml.set_numbering(oxml.paragraph_properties(element), index + 1)


# --------------------------------------------------------------------------------------
# Fonts: theme, font table
# --------------------------------------------------------------------------------------


def _related(part: Part, reltype: str) -> Part:
    return part.part_related_by(reltype)


def _set_theme_fonts(document: Document, major: tuple[str, str], minor: tuple[str, str]) -> None:
    """Point the theme's font scheme at the sheet's fonts (latin, Japanese).

    Styles no longer use theme fonts, but Word's font menu offers "+本文"/"+見出し";
    they should mean the document's own faces rather than Cambria or ＭＳ 明朝.
    """
    theme = _related(document.part, RT.THEME)
    root = parse_xml(theme.blob)
    for which, (latin, east_asia) in (("a:majorFont", major), ("a:minorFont", minor)):
        for font in root.iter(qn(which)):
            font.find(qn("a:latin")).set("typeface", latin)
            font.find(qn("a:ea")).set("typeface", east_asia)
            for script_font in font.iterchildren(qn("a:font")):
                if script_font.get("script") == "Jpan":
                    script_font.set("typeface", east_asia)
    # A generic Part keeps its bytes in _blob; python-docx has no setter for it.
    theme._blob = serialize_part_xml(root)


def font_decl_from_file(
    path: Path, *, name: str, alt_name: str | None = None, family: FontFamily = "roman"
) -> FontDecl:
    """A `FontDecl` with panose, pitch and signature read from the TrueType file at `path`
    (or remembered from an earlier build: `kumihan.typeset.fontfacts`)."""
    panose, usb, csb, pitch = font_facts(path)
    return FontDecl(
        name=name,
        alt_name=alt_name,
        family=family,
        pitch=pitch,
        panose=panose,
        signature=FontSignature(usb=usb, csb=csb),
    )


def _font_element(decl: FontDecl) -> Element:
    """A w:font, children in CT_Font order (altName, panose1, charset, family, pitch, sig)."""
    font = oxml.new_element("w:font", {"w:name": decl.name})
    if decl.alt_name:
        font.append(oxml.new_element("w:altName", {"w:val": decl.alt_name}))
    if decl.panose:
        font.append(oxml.new_element("w:panose1", {"w:val": decl.panose}))
    font.append(oxml.new_element("w:charset", {"w:val": decl.charset}))
    font.append(oxml.new_element("w:family", {"w:val": decl.family}))
    font.append(oxml.new_element("w:pitch", {"w:val": decl.pitch}))
    if decl.signature:
        usb, csb = decl.signature.usb, decl.signature.csb
        attrs = {f"w:usb{i}": f"{v:08X}" for i, v in enumerate(usb)}
        attrs |= {f"w:csb{i}": f"{v:08X}" for i, v in enumerate(csb)}
        font.append(oxml.new_element("w:sig", attrs))
    return font


def register_fonts(document: Document, fonts: Sequence[FontDecl]) -> None:
    """Add or replace entries of word/fontTable.xml (matched by name)."""
    part = _related(document.part, RT.FONT_TABLE)
    root = parse_xml(part.blob)
    names = {decl.name for decl in fonts}
    for existing in root.findall(qn("w:font")):
        if existing.get(qn("w:name")) in names:
            root.remove(existing)
    for decl in fonts:
        root.append(_font_element(decl))
    part._blob = serialize_part_xml(root)


def _reset_font_table(document: Document, names: Iterable[str]) -> None:
    """A font table listing only `names` (the template's lists ＭＳ 明朝, Calibri…)."""
    part = _related(document.part, RT.FONT_TABLE)
    root = parse_xml(f"<w:fonts {nsdecls('w')}/>")
    for name in dict.fromkeys(names):
        root.append(_font_element(FontDecl(name=name)))
    part._blob = serialize_part_xml(root)


# --------------------------------------------------------------------------------------
# Leftovers of the default template
# --------------------------------------------------------------------------------------

_LEFTOVER_RELS = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    RT.CUSTOM_XML,
    RT.THUMBNAIL,
)

_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>kumihan</Application>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def _drop_leftover_parts(document: Document) -> None:
    """Unlink parts nobody needs; python-docx writes only parts still related."""
    package = document.part.package
    for rels in (document.part.rels, package.rels):
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype in _LEFTOVER_RELS]:
            del rels[r_id]
    # app.xml claims "Microsoft Macintosh Word" 14 and stale statistics.
    app = package.part_related_by(RT.EXTENDED_PROPERTIES)
    app._blob = _APP_XML.encode("utf-8")
    core = document.core_properties
    core.author = core.comments = core.last_modified_by = ""


_COMPAT_SETTINGS = (
    ("compatibilityMode", "15"),  # Word 2013+ layout, as a document saved by current Word
    ("overrideTableStyleFontSizeAndJustification", "1"),
    ("enableOpenTypeFeatures", "1"),
    ("doNotFlipMirrorIndents", "1"),
    ("differentiateMultirowTableHeaders", "1"),
)


def _clean_settings(settings: Element) -> None:
    """Drop the template's editing history and preview, set Word 2013+ compatibility."""
    oxml.remove_children(settings, "w:rsids", "w:savePreviewPicture", "w:proofState", "w14:docId")
    zoom = oxml.child(settings, "w:zoom")
    zoom.attrib.clear()
    zoom.set(qn("w:percent"), "100")
    compat = oxml.child(settings, "w:compat")
    oxml.remove_children(compat, "w:compatSetting")
    for name, value in _COMPAT_SETTINGS:
        compat.append(
            oxml.new_element(
                "w:compatSetting",
                {
                    "w:name": name,
                    "w:uri": "http://schemas.microsoft.com/office/word",
                    "w:val": value,
                },
            )
        )
    lang = oxml.child(settings, "w:themeFontLang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "ja-JP")


def _set_a4(document: Document) -> None:
    section = document.sections[0]
    for attr in list(section._sectPr.attrib):  # rsid attributes of the template's history
        del section._sectPr.attrib[attr]
    m = {k: mm(v) for k, v in DEFAULT_MARGINS_MM.items()}
    oxml.set_page(
        section, *A4_PT, m["top"], m["bottom"], m["left"], m["right"], m["header"], m["footer"]
    )


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def new_document(style_sheet: Sequence[StyleDef], *, fonts: Sequence[FontDecl] = ()) -> Document:
    """A python-docx Document with exactly `style_sheet`'s styles (plus Word's three
    structural defaults), A4 portrait, clean settings, theme and font table.

    Raises StyleSheetError listing every problem of the sheet at once.
    """
    sheet = _Sheet(style_sheet)
    document = docx.Document()
    _drop_leftover_parts(document)
    _clean_settings(document.settings.element)
    _write_styles(document, sheet)
    _write_numbering(document, sheet)
    normal = sheet.fonts(sheet.normal)
    assert normal is not None
    heading = sheet.lookup("heading 1")
    major = sheet.fonts(heading) if heading is not None else None
    _set_theme_fonts(document, major or normal, normal)
    used = [f for s in sheet.styles for f in (s.east_asia_font, s.ascii_font) if f]
    _reset_font_table(document, used)
    register_fonts(document, fonts)
    _set_a4(document)
    return document
