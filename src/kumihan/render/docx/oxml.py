"""Raw WordprocessingML helpers for the DOCX renderer.

In: python-docx proxies (Paragraph, Table, _Row, _Cell, Section) or the CT_*
elements behind them (w:pPr, w:rPr, w:sectPr, w:settings, w:styles, w:numbering).
Out: the same objects changed in place; nothing here reads the document model.

python-docx has no API for fields, bookmarks, the eastAsia font slot, document
grid, Japanese line-breaking settings, shading or repeated header rows, so these
helpers write the XML directly. Every child element is inserted in the order its
parent's schema sequence demands (Word and openxml-audit reject documents whose
children are out of order): `_ORDERS` below is the single table of those
sequences, and `insert_in_order` (behind `child`) the single place that consults it.

Units: lengths are given in points and converted here (twentieths of a point,
half points, eighths of a point); style parameters are style *ids* (w:styleId),
not display names, because this is the raw layer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, cast

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.document import CT_Body
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from docx.oxml.section import CT_SectPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree  # type: ignore[import-untyped]  # (no stubs installed)

from kumihan.units import half_points, twips

Element = BaseOxmlElement

LineRule = Literal["exact", "atLeast", "auto"]
Justification = Literal["both", "left", "center", "right", "distribute"]
GridType = Literal["lines", "linesAndChars", "snapToChars", "default"]
PageNumberFormat = Literal["decimal", "lowerRoman", "upperRoman", "lowerLetter", "upperLetter"]
SectionStart = Literal["nextPage", "oddPage", "evenPage", "continuous"]
Compression = Literal["doNotCompress", "compressPunctuation", "compressPunctuationAndJapaneseKana"]
VAlign = Literal["top", "center", "bottom"]
TabAlign = Literal["left", "center", "right", "decimal"]
TabLeader = Literal["none", "dot", "hyphen", "underscore", "middleDot"]
BorderSide = Literal["top", "left", "bottom", "right", "between", "insideH", "insideV"]

# --------------------------------------------------------------------------------------
# Schema sequences (ECMA-376 Part 1, transitional wml.xsd), keyed by the parent's tag.
# A child missing from its parent's table (an extension such as w14:docId) is kept
# after every known child, which is where Word writes extensions.
# --------------------------------------------------------------------------------------

_RPR_SEQ = (
    "w:ins", "w:del", "w:moveFrom", "w:moveTo",  # paragraph-mark rPr only
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
    "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange",
)  # fmt: skip

_PPR_SEQ = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip

_SECTPR_SEQ = (
    "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type",
    "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType",
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip

_SETTINGS_SEQ = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
    "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
    "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData",
    "w:embedTrueTypeFonts", "w:embedSystemFonts", "w:saveSubsetFonts", "w:saveFormsData",
    "w:mirrorMargins", "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign",
    "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod", "w:documentType", "w:mailMerge", "w:revisionView",
    "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme",
    "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation",
    "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps",
    "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle",
    "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl",
    "w:printTwoOnOne", "w:strictFirstAndLastChars", "w:noLineBreaksAfter",
    "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving",
    "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator",
)  # fmt: skip

_TBLPR_SEQ = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
    "w:tblDescription", "w:tblPrChange",
)  # fmt: skip

# CT_TrPrBase is a repeating choice, so any order is valid; Word's own order is kept.
_TRPR_SEQ = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    "w:ins", "w:del", "w:trPrChange",
)  # fmt: skip

_TCPR_SEQ = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip

_STYLE_SEQ = (
    "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
    "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked",
    "w:personal", "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr",
    "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr",
)  # fmt: skip

_BOX_SEQ = ("w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right", "w:insideH", "w:insideV")

_ORDERS: dict[str, tuple[str, ...]] = {
    qn("w:rPr"): _RPR_SEQ,
    qn("w:pPr"): _PPR_SEQ,
    qn("w:sectPr"): _SECTPR_SEQ,
    qn("w:settings"): _SETTINGS_SEQ,
    qn("w:tblPr"): _TBLPR_SEQ,
    qn("w:trPr"): _TRPR_SEQ,
    qn("w:tcPr"): _TCPR_SEQ,
    qn("w:style"): _STYLE_SEQ,
    qn("w:styles"): ("w:docDefaults", "w:latentStyles", "w:style"),
    qn("w:docDefaults"): ("w:rPrDefault", "w:pPrDefault"),
    qn("w:pBdr"): ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"),
    qn("w:tblBorders"): _BOX_SEQ,
    qn("w:tcBorders"): (*_BOX_SEQ, "w:tl2br", "w:tr2bl"),
    qn("w:tblCellMar"): _BOX_SEQ[:6],
    qn("w:tcMar"): _BOX_SEQ[:6],
    qn("w:numPr"): ("w:ilvl", "w:numId", "w:numberingChange", "w:ins"),
    qn("w:tbl"): ("w:bookmarkStart", "w:tblPr", "w:tblGrid", "w:tr"),
    qn("w:tr"): ("w:tblPrEx", "w:trPr", "w:tc"),
    qn("w:tc"): ("w:tcPr", "w:p", "w:tbl"),
    qn("w:p"): ("w:pPr",),  # only pPr has a fixed place: first
    qn("w:r"): ("w:rPr",),
}
_RANK_CACHE: dict[str, dict[str, int]] = {}


def _ranks(parent_tag: str) -> dict[str, int]:
    ranks = _RANK_CACHE.get(parent_tag)
    if ranks is None:
        order = _ORDERS.get(parent_tag)
        if order is None:
            raise KeyError(f"no child order known for {parent_tag}; add it to _ORDERS")
        ranks = {qn(tag): i for i, tag in enumerate(order)}
        _RANK_CACHE[parent_tag] = ranks
    return ranks


def schema_order(parent_tag: str) -> tuple[str, ...]:
    """The schema sequence of children for a parent tag such as "w:pPr" (for tests)."""
    return _ORDERS[qn(parent_tag)]


_CLARK: dict[str, str] = {}
_MAKE: dict[str, tuple[str, dict[str, str]]] = {}


def clark(name: str) -> str:
    """python-docx's `qn` ("w:val" → "{http://…/main}val"), remembered per name.

    `qn` splits and formats its argument on every call; the writer asks for the same
    few dozen names tens of thousands of times.
    """
    found = _CLARK.get(name)
    if found is None:
        found = _CLARK[name] = qn(name)
    return found


def new_element(tag: str, attrs: dict[str, str] | None = None) -> Element:
    """A detached element; `attrs` keys are prefixed names such as "w:val".

    The same element python-docx's `OxmlElement(tag)` makes (its element class, one
    namespace declaration for the tag's prefix, dropped again when the element is put
    in a tree that declares it), without building a NamespacePrefixedTag each time.
    """
    made = _MAKE.get(tag)
    if made is None:
        prefix = tag.partition(":")[0]
        made = _MAKE[tag] = (qn(tag), {prefix: nsmap[prefix]})
    element = cast(Element, oxml_parser.makeelement(made[0], nsmap=made[1]))
    if attrs:
        for name, value in attrs.items():
            element.set(clark(name), value)
    return element


_W_NAMESPACE = "{" + nsmap["w"] + "}"


def sub_element(parent: Element, tag: str, attrs: dict[str, str] | None = None) -> Element:
    """A new `tag` element appended to `parent`: `parent.append(new_element(tag, attrs))`.

    A detached element brings a namespace declaration of its own, which lxml drops
    again when it joins the tree; a w: element made in place under a w: parent takes
    the declaration already in scope, in half the time, and comes out the same.
    """
    if not (tag.startswith("w:") and parent.tag.startswith(_W_NAMESPACE)):
        element = new_element(tag, attrs)
        parent.append(element)
        return element
    element = cast(Element, etree.SubElement(parent, clark(tag)))
    if attrs:
        for name, value in attrs.items():
            element.set(clark(name), value)
    return element


def _successor(parent: Element, tag: str) -> Element | None:
    """The first child of `parent` that the schema puts after a `tag` (Clark name) child."""
    ranks = _ranks(parent.tag)
    unknown = len(ranks)
    rank = ranks.get(tag, unknown)
    for sibling in parent.iterchildren():
        if ranks.get(sibling.tag, unknown) > rank:
            return cast(Element, sibling)
    return None


def insert_in_order(parent: Element, child: Element) -> Element:
    """Insert `child` into `parent` before the first sibling the schema puts after it."""
    successor = _successor(parent, child.tag)
    if successor is not None:
        successor.addprevious(child)
    else:
        parent.append(child)
    return child


def child(parent: Element, tag: str) -> Element:
    """The existing `tag` child of `parent`, or a new one inserted in schema order."""
    name = clark(tag)
    found = parent.find(name)
    if found is not None:
        return cast(Element, found)
    successor = _successor(parent, name)
    element = sub_element(parent, tag)
    if successor is not None:
        successor.addprevious(element)
    return element


def remove_children(parent: Element, *tags: str) -> None:
    """Remove every child of `parent` with one of `tags`."""
    for tag in tags:
        for found in parent.findall(clark(tag)):
            parent.remove(found)


def append_block(container: Element, block: Element) -> Element:
    """Append a w:p or w:tbl to a w:body, w:tc, w:hdr or w:ftr; gives `block`.

    Where python-docx's add_p / _insert_tbl put it: in a body, before the body's
    closing w:sectPr. python-docx finds that w:sectPr by scanning the body's children
    for every paragraph (O(n²) over a document); it is the last child, so look there.
    """
    last = next(container.iterchildren(reversed=True), None)
    if last is not None and last.tag == clark("w:sectPr"):
        last.addprevious(block)
    elif container.tag == clark("w:body"):
        container.insert_element_before(block, "w:sectPr")  # python-docx's own rule
    else:
        container.append(block)  # cells, headers and footers: at the end
    return block


def add_paragraph_element(container: Element) -> Element:
    """A new, empty w:p placed in `container` as `append_block` places it; gives the w:p."""
    last = next(container.iterchildren(reversed=True), None)
    p = sub_element(container, "w:p")
    if last is not None and last.tag == clark("w:sectPr"):
        last.addprevious(p)
    elif container.tag == clark("w:body"):
        container.remove(p)
        container.insert_element_before(p, "w:sectPr")  # python-docx's own rule
    return p


def body_sect_pr(body: CT_Body) -> CT_SectPr | None:
    """The w:sectPr of a w:body (its last section's properties), or None.

    It is the body's last child; python-docx's `body.sectPr` looks for it through
    every paragraph and table of the body.
    """
    last = next(body.iterchildren(reversed=True), None)
    if last is not None and last.tag == clark("w:sectPr"):
        return cast(CT_SectPr, last)
    return body.sectPr


def _set_attrs(element: Element, attrs: dict[str, str | None]) -> None:
    for name, value in attrs.items():
        if value is None:
            element.attrib.pop(clark(name), None)
        else:
            element.set(clark(name), value)


def _set_on_off(parent: Element, tag: str, on: bool) -> None:
    # Off is written explicitly (w:val="0") so a style can switch off what its base
    # style switched on; plain <w:tag/> means on.
    element = child(parent, tag)
    _set_attrs(element, {"w:val": None if on else "0"})


def _num(value: float) -> str:
    """A computed value as integer attribute text (hundredths, 240ths of a line)."""
    return str(round(value))


def _hex(color: str) -> str:
    """An RGB colour as Word writes it ("#1a2b3c" → "1A2B3C"); "auto" stays."""
    value = color.lstrip("#")
    if value == "auto":
        return value
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        raise ValueError(f"not an RGB colour: {color!r} (write e.g. 1F3864)")
    return value.upper()


# --------------------------------------------------------------------------------------
# Access to property elements
# --------------------------------------------------------------------------------------


def paragraph_properties(paragraph: Paragraph | Element) -> Element:
    """The w:pPr of a paragraph (proxy or w:p) or style (w:style), created if missing."""
    element = paragraph._p if isinstance(paragraph, Paragraph) else paragraph
    if element.tag == clark("w:pPr"):
        return element
    return child(element, "w:pPr")


def run_properties(run_or_style: Element) -> Element:
    """The w:rPr of a w:r or w:style element, created if missing."""
    if run_or_style.tag == clark("w:rPr"):
        return run_or_style
    return child(run_or_style, "w:rPr")


# --------------------------------------------------------------------------------------
# Run properties
# --------------------------------------------------------------------------------------

_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_east_asian_fonts(
    rPr: Element,
    ascii: str,
    east_asia: str,
    h_ansi: str | None = None,
    cs: str | None = None,
) -> None:
    """Fill all four w:rFonts slots and drop theme-font attributes.

    Theme attributes win over explicit names in Word, so they must go or the
    explicit names are ignored (python-docx's template resolves them to ＭＳ fonts).
    """
    fonts = child(rPr, "w:rFonts")
    _set_attrs(fonts, dict.fromkeys(_THEME_FONT_ATTRS))
    _set_attrs(
        fonts,
        {
            "w:ascii": ascii,
            "w:hAnsi": h_ansi or ascii,
            "w:eastAsia": east_asia,
            "w:cs": cs or ascii,
        },
    )


def set_font_hint(rPr: Element, hint: Literal["eastAsia", "default", "cs"] | None) -> None:
    """w:rFonts/@w:hint: which slot draws characters both scripts share (“ ” … ・)."""
    _set_attrs(child(rPr, "w:rFonts"), {"w:hint": hint})


def set_lang(
    rPr: Element, east_asia: str = "ja-JP", val: str = "en-US", bidi: str | None = None
) -> None:
    """w:lang: Word applies Japanese line breaking to text whose eastAsia language is ja-JP."""
    _set_attrs(child(rPr, "w:lang"), {"w:val": val, "w:eastAsia": east_asia, "w:bidi": bidi})


def set_size(rPr: Element, size_pt: float) -> None:
    """w:sz and w:szCs (half points)."""
    value = str(half_points(size_pt))
    _set_attrs(child(rPr, "w:sz"), {"w:val": value})
    _set_attrs(child(rPr, "w:szCs"), {"w:val": value})


def set_bold(rPr: Element, on: bool = True) -> None:
    """w:b and w:bCs."""
    _set_on_off(rPr, "w:b", on)
    _set_on_off(rPr, "w:bCs", on)


def set_italic(rPr: Element, on: bool = True) -> None:
    """w:i and w:iCs (Japanese faces have no italic; Word slants them)."""
    _set_on_off(rPr, "w:i", on)
    _set_on_off(rPr, "w:iCs", on)


def set_color(rPr: Element, color_hex: str) -> None:
    """w:color as RRGGBB (no theme colour, so the value survives a theme change)."""
    _set_attrs(child(rPr, "w:color"), {"w:val": _hex(color_hex)})


def set_underline(rPr: Element, kind: str | None = "single") -> None:
    """w:u; None removes it."""
    if kind is None:
        remove_children(rPr, "w:u")
    else:
        _set_attrs(child(rPr, "w:u"), {"w:val": kind})


def set_run_style(rPr: Element, style_id: str) -> None:
    """w:rStyle (a character style id)."""
    _set_attrs(child(rPr, "w:rStyle"), {"w:val": style_id})


# --------------------------------------------------------------------------------------
# Paragraph properties
# --------------------------------------------------------------------------------------


def set_paragraph_style(pPr: Element, style_id: str) -> None:
    """w:pStyle (a paragraph style id)."""
    _set_attrs(child(pPr, "w:pStyle"), {"w:val": style_id})


def set_spacing(
    pPr: Element,
    before_pt: float | None = None,
    after_pt: float | None = None,
    line_pt: float | None = None,
    rule: LineRule = "exact",
    *,
    line_multiple: float | None = None,
) -> None:
    """w:spacing: space before/after in points; line pitch.

    With rule "exact"/"atLeast" the line height is `line_pt` points; with "auto" it
    is `line_multiple` lines (1.0 = single), which is how Word stores "multiple".
    """
    spacing = child(pPr, "w:spacing")
    attrs: dict[str, str | None] = {}
    if before_pt is not None:
        attrs["w:before"] = str(twips(before_pt))
    if after_pt is not None:
        attrs["w:after"] = str(twips(after_pt))
    if rule == "auto":
        if line_pt is not None:
            raise ValueError("rule='auto' takes line_multiple (lines), not line_pt")
        if line_multiple is not None:
            attrs["w:line"] = _num(line_multiple * 240)
            attrs["w:lineRule"] = "auto"
    elif line_pt is not None:
        attrs["w:line"] = str(twips(line_pt))
        attrs["w:lineRule"] = rule
    _set_attrs(spacing, attrs)


def set_indent(
    pPr: Element,
    first_line_chars: float | None = None,
    first_line_pt: float | None = None,
    left_pt: float | None = None,
    left_chars: float | None = None,
    hanging_pt: float | None = None,
    *,
    hanging_chars: float | None = None,
    right_pt: float | None = None,
) -> None:
    """w:ind. `*_chars` are in characters (1.0 = one em of the paragraph's font).

    Word stores character units in hundredths (w:firstLineChars="100") and prefers
    them over the point values; LibreOffice 7.x reads only the point values, so pass
    both (chars × font size) to get the same indent in both. A first-line indent and
    a hanging indent exclude each other.
    """
    ind = child(pPr, "w:ind")
    attrs: dict[str, str | None] = {}
    if first_line_chars is not None or first_line_pt is not None:
        attrs.update({"w:hanging": None, "w:hangingChars": None})
        if first_line_chars is not None:
            attrs["w:firstLineChars"] = _num(first_line_chars * 100)
        if first_line_pt is not None:
            attrs["w:firstLine"] = str(twips(first_line_pt))
    if hanging_pt is not None or hanging_chars is not None:
        attrs.update({"w:firstLine": None, "w:firstLineChars": None})
        if hanging_chars is not None:
            attrs["w:hangingChars"] = _num(hanging_chars * 100)
        if hanging_pt is not None:
            attrs["w:hanging"] = str(twips(hanging_pt))
    if left_pt is not None:
        attrs["w:left"] = str(twips(left_pt))
    if left_chars is not None:
        attrs["w:leftChars"] = _num(left_chars * 100)
    if right_pt is not None:
        attrs["w:right"] = str(twips(right_pt))
    _set_attrs(ind, attrs)


def set_jc(pPr: Element, value: Justification) -> None:
    """w:jc. "both" is 両端揃え, Japanese body text's default."""
    _set_attrs(child(pPr, "w:jc"), {"w:val": value})


def set_kinsoku(pPr: Element, on: bool = True) -> None:
    """w:kinsoku: apply the Japanese line-breaking rules (settings' lists) here."""
    _set_on_off(pPr, "w:kinsoku", on)


def set_snap_to_grid(props: Element, on: bool) -> None:
    """w:snapToGrid on a w:pPr or w:rPr: align lines (or characters) to w:docGrid."""
    _set_on_off(props, "w:snapToGrid", on)


def set_keep_next(pPr: Element, on: bool = True) -> None:
    """w:keepNext (次の段落と分離しない)."""
    _set_on_off(pPr, "w:keepNext", on)


def set_keep_lines(pPr: Element, on: bool = True) -> None:
    """w:keepLines (段落を分割しない)."""
    _set_on_off(pPr, "w:keepLines", on)


def set_widow_control(pPr: Element, on: bool = True) -> None:
    """w:widowControl (改ページ時 1 行残して段落を区切らない)."""
    _set_on_off(pPr, "w:widowControl", on)


def set_page_break_before(pPr: Element, on: bool = True) -> None:
    """w:pageBreakBefore (段落前で改ページ)."""
    _set_on_off(pPr, "w:pageBreakBefore", on)


def set_outline_level(pPr: Element, level: int) -> None:
    """w:outlineLvl for heading `level` 1–9 (written 0–8, as Word stores it).

    TOC \\o "1-3" collects paragraphs whose style has outline level 1–3.
    """
    if not 1 <= level <= 9:
        raise ValueError(f"outline level {level} is outside 1–9")
    _set_attrs(child(pPr, "w:outlineLvl"), {"w:val": str(level - 1)})


def set_auto_space(pPr: Element, de: bool, dn: bool) -> None:
    """w:autoSpaceDE (和文と英字の間隔) and w:autoSpaceDN (和文と数字の間隔)."""
    _set_on_off(pPr, "w:autoSpaceDE", de)
    _set_on_off(pPr, "w:autoSpaceDN", dn)


def set_shading(props: Element, fill_hex: str) -> None:
    """Solid background w:shd on a w:pPr, w:rPr, w:tcPr or w:tblPr."""
    _set_attrs(
        child(props, "w:shd"), {"w:val": "clear", "w:color": "auto", "w:fill": _hex(fill_hex)}
    )


def _border_attrs(size_eighths: int, color_hex: str, space_pt: float) -> dict[str, str | None]:
    return {
        "w:val": "single",
        "w:sz": str(size_eighths),
        "w:space": str(round(space_pt)),
        "w:color": _hex(color_hex),
    }


def set_paragraph_border(
    pPr: Element,
    sides: Sequence[BorderSide] = ("top", "left", "bottom", "right"),
    size_eighths: int = 4,
    color_hex: str = "000000",
    space_pt: float = 4,
) -> None:
    """w:pBdr: a single-line box. Consecutive paragraphs with equal borders share one box.

    `space_pt` is the gap between text and line in whole points (0–31, Word's range).
    """
    pbdr = child(pPr, "w:pBdr")
    attrs = _border_attrs(size_eighths, color_hex, space_pt)
    for side in sides:
        _set_attrs(child(pbdr, f"w:{side}"), attrs)


def add_tab_stop(
    pPr: Element, pos_pt: float, align: TabAlign = "left", leader: TabLeader = "none"
) -> None:
    """Add a w:tab to w:tabs, kept sorted by position."""
    tabs = child(pPr, "w:tabs")
    pos = twips(pos_pt)
    tab = new_element("w:tab", {"w:val": align, "w:pos": str(pos)})
    if leader != "none":
        tab.set(clark("w:leader"), leader)
    for existing in tabs.findall(clark("w:tab")):
        if int(existing.get(clark("w:pos"), "0")) > pos:
            existing.addprevious(tab)
            return
    tabs.append(tab)


def set_numbering(pPr: Element, num_id: int, level: int = 0) -> None:
    """w:numPr: put the paragraph in list `num_id` at list level `level` (0-based)."""
    num_pr = child(pPr, "w:numPr")
    _set_attrs(child(num_pr, "w:ilvl"), {"w:val": str(level)})
    _set_attrs(child(num_pr, "w:numId"), {"w:val": str(num_id)})


# --------------------------------------------------------------------------------------
# Runs, fields, bookmarks, links
# --------------------------------------------------------------------------------------


_RUN_SPECIALS = re.compile(r"[\t\r\n]")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _append_t(run: Element, text: str) -> None:
    t = sub_element(run, "w:t")
    t.text = text
    # python-docx's CT_R.add_t: str.strip() counts U+3000 (全角空白) as white space too
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")


def append_text(run: Element, text: str) -> None:
    """Append `text` to a w:r that holds no text yet, as python-docx's `run.text = text`.

    In: a w:r (perhaps with a w:rPr) and any string. Out: the run gains a w:tab for
    each tab, a w:br for each CR or LF, and a w:t (space-preserving when it starts or
    ends with white space) for each stretch between them. python-docx first clears
    the run with an XPath query and then walks the text a character at a time; on a
    new run there is nothing to clear, and one split gives the same elements.
    """
    start = 0
    for special in _RUN_SPECIALS.finditer(text):
        if special.start() > start:
            _append_t(run, text[start : special.start()])
        sub_element(run, "w:tab" if special.group() == "\t" else "w:br")
        start = special.end()
    if start < len(text):
        _append_t(run, text[start:])


def add_run(parent: Element, text: str | None = None) -> Element:
    """Append a new w:r holding `text` to a w:p or w:hyperlink; gives the w:r.

    The same XML as python-docx's `Paragraph.add_run(text)` (see `append_text`).
    """
    run = sub_element(parent, "w:r")
    if text:
        append_text(run, text)
    return run


def set_run_style_of(run: Element, style_id: str | None) -> None:
    """A new run's character style, as python-docx's `CT_R.style = style_id` writes it.

    In: a w:r without run properties yet, and a style id, or None for the default
    character style, which python-docx leaves unnamed: an empty w:rPr.
    """
    rPr = run.find(clark("w:rPr"))
    if rPr is None:
        rPr = new_element("w:rPr")
        run.insert(0, rPr)  # python-docx's CT_R._insert_rPr
    if style_id is None:
        remove_children(rPr, "w:rStyle")
    else:
        set_run_style(rPr, style_id)


def _run(
    text: str | None = None, *, style_id: str | None = None, marks: Sequence[str] = ()
) -> Element:
    """A w:r with an optional character style and on/off marks such as "w:noProof"."""
    run = new_element("w:r")
    if style_id is not None or marks:
        rPr = child(run, "w:rPr")
        if style_id is not None:
            set_run_style(rPr, style_id)
        for mark in marks:
            child(rPr, mark)
    if text:
        # as CT_R.text: "\t" becomes w:tab, "\n" w:br, and spaces are preserved
        append_text(run, text)
    return run


def _fld_char(
    kind: Literal["begin", "separate", "end"], style_id: str | None, marks: Sequence[str]
) -> Element:
    run = _run(style_id=style_id, marks=marks)
    run.append(new_element("w:fldChar", {"w:fldCharType": kind}))
    return run


def field_runs(
    instr: str, result: str, *, run_style: str | None = None, marks: Sequence[str] = ()
) -> list[Element]:
    """The runs of a complex field: begin, instruction, separate, cached result, end.

    Word and LibreOffice show the cached result until fields are updated, so the
    result should already be right (the page number, the caption number…).
    """
    instr_run = _run(style_id=run_style, marks=marks)
    instr_text = new_element("w:instrText")
    instr_text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr_text.text = f" {instr.strip()} "
    instr_run.append(instr_text)
    runs = [
        _fld_char("begin", run_style, marks),
        instr_run,
        _fld_char("separate", run_style, marks),
    ]
    if result:
        runs.append(_run(result, style_id=run_style, marks=marks))
    runs.append(_fld_char("end", run_style, marks))
    return runs


def add_field(
    paragraph: Paragraph, instr: str, result: str, *, run_style: str | None = None
) -> None:
    """Append a complex field (PAGE, NUMPAGES, SEQ 図表 \\* ARABIC, REF _Ref1 \\h…)."""
    for run in field_runs(instr, result, run_style=run_style):
        paragraph._p.append(run)


_BOOKMARK_NAME = re.compile(r"^[^\W\d_]\w*$|^_\w+$")


def check_bookmark_name(name: str) -> None:
    """Raise ValueError unless `name` is a bookmark name Word accepts.

    Word: at most 40 characters, letters, digits and underscores, starting with a
    letter; a leading underscore makes a hidden bookmark (_Toc…, _Ref…).
    """
    if len(name) > 40:
        raise ValueError(f"bookmark {name!r} is {len(name)} characters long; Word allows 40")
    if not _BOOKMARK_NAME.match(name):
        raise ValueError(
            f"bookmark {name!r}: use letters, digits and '_', starting with a letter "
            "(or '_' for a hidden bookmark such as _Toc12)"
        )


def add_bookmark(paragraph: Paragraph, name: str, bm_id: int) -> None:
    """Wrap the paragraph's content in bookmark `name` (w:bookmarkStart/End with `bm_id`).

    Ids must be unique in the document; the caller owns the counter.
    """
    check_bookmark_name(name)
    p = paragraph._p
    start = new_element("w:bookmarkStart", {"w:id": str(bm_id), "w:name": name})
    end = new_element("w:bookmarkEnd", {"w:id": str(bm_id)})
    pPr = p.find(clark("w:pPr"))
    if pPr is not None:
        pPr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def _hyperlink(paragraph: Paragraph, attrs: dict[str, str]) -> Element:
    # Appended before the attributes are set, so the r: prefix resolves to the part's
    # root declaration instead of a fresh ns0 declaration.
    link = new_element("w:hyperlink")
    paragraph._p.append(link)
    for name, value in attrs.items():
        link.set(clark(name), value)
    return link


def add_internal_link(
    paragraph: Paragraph, anchor: str, text: str, run_style: str | None = None
) -> None:
    """Append a w:hyperlink to bookmark `anchor` showing `text`."""
    check_bookmark_name(anchor)
    link = _hyperlink(paragraph, {"w:anchor": anchor, "w:history": "1"})
    link.append(_run(text, style_id=run_style))


def add_external_link(
    paragraph: Paragraph, url: str, text: str, run_style: str | None = None
) -> str:
    """Append a w:hyperlink to `url` (a TargetMode="External" relationship of the part);
    gives the relationship's id."""
    r_id: str = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = _hyperlink(paragraph, {"r:id": r_id, "w:history": "1"})
    link.append(_run(text, style_id=run_style))
    return r_id


# --------------------------------------------------------------------------------------
# Table of contents
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TocLine:
    """One pre-computed TOC entry: heading level (1-based), text, target bookmark, page."""

    level: int
    text: str
    bookmark: str
    page: str


class ParagraphContainer(Protocol):
    """Anything with python-docx's add_paragraph (Document, _Cell, _Header, _Footer)."""

    def add_paragraph(self) -> Paragraph: ...


def toc_instruction(levels: str = "1-3") -> str:
    """`TOC \\o "1-3" \\h \\z \\u`: outline levels, hyperlinks, no page numbers on the web."""
    if not re.fullmatch(r"[1-9]-[1-9]", levels):
        raise ValueError(f"TOC levels {levels!r}: write e.g. '1-3'")
    return f'TOC \\o "{levels}" \\h \\z \\u'


def _toc_entry(line: TocLine, *, link_style: str | None) -> Element:
    """A w:hyperlink holding entry text, tab, and a nested PAGEREF field."""
    check_bookmark_name(line.bookmark)
    link = new_element("w:hyperlink", {"w:anchor": line.bookmark, "w:history": "1"})
    link.append(_run(line.text, style_id=link_style, marks=("w:noProof",)))
    # webHidden: Word hides tab and page number in web layout, as in its own TOCs.
    hidden = ("w:noProof", "w:webHidden")
    link.append(_run("\t", marks=hidden))
    for run in field_runs(f"PAGEREF {line.bookmark} \\h", line.page, marks=hidden):
        link.append(run)
    return link


def add_toc(
    container: ParagraphContainer,
    entries: Sequence[TocLine],
    *,
    right_tab_pt: float,
    levels: str = "1-3",
    style_ids: Sequence[str] = ("TOC1", "TOC2", "TOC3"),
    link_style: str | None = None,
    before: Paragraph | None = None,
) -> list[Paragraph]:
    """Append (or insert before `before`) a TOC field whose result is already filled.

    One paragraph per entry, in style `style_ids[level - 1]` (the last id for deeper
    levels), with a right-aligned dot-leader tab at `right_tab_pt` (the text width,
    measured from the left margin), the entry as a hyperlink to its bookmark and the
    page as a nested PAGEREF field. The TOC field begins in the first paragraph and
    ends in the last, so updating fields in Word (F9) regenerates the same block.
    With no entries one empty paragraph holds the field.
    """
    instr = toc_instruction(levels)
    paragraphs: list[Paragraph] = []
    for index, line in enumerate(entries or [None]):
        paragraph = container.add_paragraph()
        p = paragraph._p
        pPr = paragraph_properties(p)
        if line is not None:
            style = style_ids[min(line.level, len(style_ids)) - 1]
            set_paragraph_style(pPr, style)
            add_tab_stop(pPr, right_tab_pt, "right", "dot")
        if index == 0:
            p.extend(field_runs(instr, "")[:3])  # begin, instruction, separate
        if line is not None:
            p.append(_toc_entry(line, link_style=link_style))
        paragraphs.append(paragraph)
    paragraphs[-1]._p.append(_fld_char("end", None, ()))
    if before is not None:
        for paragraph in paragraphs:
            before._p.addprevious(paragraph._p)
    return paragraphs


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


def _tr_pr(row: _Row) -> Element:
    return child(row._tr, "w:trPr")


def _tc_pr(cell: _Cell) -> Element:
    return child(cell._tc, "w:tcPr")


def _tbl_pr(table: Table) -> Element:
    return child(table._tbl, "w:tblPr")


def set_repeat_header(row: _Row, on: bool = True) -> None:
    """w:tblHeader: repeat this row at the top of every page the table spans."""
    _set_on_off(_tr_pr(row), "w:tblHeader", on)


def set_cant_split(row: _Row, on: bool = True) -> None:
    """w:cantSplit: keep the row on one page."""
    _set_on_off(_tr_pr(row), "w:cantSplit", on)


def set_row_height(row: _Row, pt: float, rule: Literal["exact", "atLeast"] = "atLeast") -> None:
    """w:trHeight."""
    _set_attrs(child(_tr_pr(row), "w:trHeight"), {"w:val": str(twips(pt)), "w:hRule": rule})


def set_cell_shading(cell: _Cell, fill_hex: str) -> None:
    """w:tcPr/w:shd."""
    set_shading(_tc_pr(cell), fill_hex)


def set_cell_valign(cell: _Cell, value: VAlign) -> None:
    """w:tcPr/w:vAlign."""
    _set_attrs(child(_tc_pr(cell), "w:vAlign"), {"w:val": value})


def _table_or_pr(table: Table | Element) -> Element:
    return _tbl_pr(table) if isinstance(table, Table) else table


def set_cell_margins(
    table: Table | Element, top: float, left: float, bottom: float, right: float
) -> None:
    """w:tblCellMar in points, for every cell (on a table or a table style's w:tblPr)."""
    mar = child(_table_or_pr(table), "w:tblCellMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        _set_attrs(child(mar, f"w:{side}"), {"w:w": str(twips(value)), "w:type": "dxa"})


def set_cell_margins_of(
    cell: _Cell,
    *,
    top: float | None = None,
    left: float | None = None,
    bottom: float | None = None,
    right: float | None = None,
) -> None:
    """w:tcMar: margins of one cell, in points (sides left None keep the table's)."""
    mar = child(_tc_pr(cell), "w:tcMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        if value is not None:
            _set_attrs(child(mar, f"w:{side}"), {"w:w": str(twips(value)), "w:type": "dxa"})


def set_box_borders(
    tblPr: Element,
    sides: Sequence[BorderSide] = ("top", "left", "bottom", "right", "insideH", "insideV"),
    size_eighths: int = 4,
    color_hex: str = "000000",
) -> None:
    """w:tblBorders on a w:tblPr (of a table or a table style): single lines."""
    borders = child(tblPr, "w:tblBorders")
    attrs = _border_attrs(size_eighths, color_hex, 0)
    for side in sides:
        _set_attrs(child(borders, f"w:{side}"), attrs)


def set_table_borders(
    table: Table, size_eighths: int = 4, color_hex: str = "000000", *, inside: bool = True
) -> None:
    """Single lines around the table and (if `inside`) between its cells."""
    sides: list[BorderSide] = ["top", "left", "bottom", "right"]
    if inside:
        sides += ["insideH", "insideV"]
    set_box_borders(_tbl_pr(table), sides, size_eighths, color_hex)


def set_table_width(table: Table, pt: float) -> None:
    """w:tblW in twentieths of a point."""
    _set_attrs(child(_tbl_pr(table), "w:tblW"), {"w:w": str(twips(pt)), "w:type": "dxa"})


def set_column_widths(table: Table, widths_pt: Sequence[float]) -> None:
    """Fix column widths: w:tblGrid, every w:tcW (spans summed), fixed layout, table width.

    Word honours w:tcW, LibreOffice honours w:tblGrid; fixed layout stops either from
    re-fitting columns to their content, so both draw the same widths.
    """
    tbl = table._tbl
    columns = len(tbl.tblGrid.gridCol_lst)
    if len(widths_pt) != columns:
        raise ValueError(f"table has {columns} grid columns, got {len(widths_pt)} widths")
    # Round each column once and add up integers, so spans and the table width agree
    # with the grid to the twip.
    widths = [twips(w) for w in widths_pt]
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.set(clark("w:w"), str(width))
    for tr in tbl.tr_lst:
        offset = tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc_w = child(child(tc, "w:tcPr"), "w:tcW")
            _set_attrs(tc_w, {"w:w": str(sum(widths[offset : offset + span])), "w:type": "dxa"})
            offset += span
    tbl_pr = _tbl_pr(table)
    _set_attrs(child(tbl_pr, "w:tblW"), {"w:w": str(sum(widths)), "w:type": "dxa"})
    _set_attrs(child(tbl_pr, "w:tblLayout"), {"w:type": "fixed"})


# --------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------

SectionLike = Section | Element


def _sect_pr(section: SectionLike) -> Element:
    return section._sectPr if isinstance(section, Section) else section


def set_page(
    section: SectionLike,
    width_pt: float,
    height_pt: float,
    top: float,
    bottom: float,
    left: float,
    right: float,
    header: float,
    footer: float,
    gutter: float = 0,
) -> None:
    """w:pgSz and w:pgMar, all in points (header/footer: distance from the paper edge)."""
    sect_pr = _sect_pr(section)
    orient = "landscape" if width_pt > height_pt else None
    _set_attrs(
        child(sect_pr, "w:pgSz"),
        {"w:w": str(twips(width_pt)), "w:h": str(twips(height_pt)), "w:orient": orient},
    )
    margins = {
        "w:top": top, "w:right": right, "w:bottom": bottom, "w:left": left,
        "w:header": header, "w:footer": footer, "w:gutter": gutter,
    }  # fmt: skip
    _set_attrs(child(sect_pr, "w:pgMar"), {k: str(twips(v)) for k, v in margins.items()})


def set_doc_grid(
    section: SectionLike, line_pitch_pt: float, type: GridType = "lines", char_space: int = 0
) -> None:
    """w:docGrid: the page's line grid (行送り) and, with linesAndChars, its character grid.

    `char_space` is Word's raw value (see `char_space_for`).
    """
    attrs: dict[str, str | None] = {
        "w:type": None if type == "default" else type,
        "w:linePitch": str(twips(line_pitch_pt)),
        "w:charSpace": str(char_space) if type in ("linesAndChars", "snapToChars") else None,
    }
    _set_attrs(child(_sect_pr(section), "w:docGrid"), attrs)


def char_space_for(chars_per_line: int, text_width_pt: float, font_size_pt: float) -> int:
    """w:docGrid/@w:charSpace for `chars_per_line` characters across the text width.

    Word stores the extra pitch per character over the Normal font size, in 4096ths
    of a point.
    """
    return round((text_width_pt / chars_per_line - font_size_pt) * 4096)


def set_page_numbering(
    section: SectionLike, start: int | None, fmt: PageNumberFormat = "decimal"
) -> None:
    """w:pgNumType: number format and, if `start` is given, restart at `start`."""
    attrs: dict[str, str | None] = {"w:fmt": fmt, "w:start": None if start is None else str(start)}
    _set_attrs(child(_sect_pr(section), "w:pgNumType"), attrs)


def set_title_page(section: SectionLike, on: bool = True) -> None:
    """w:titlePg: a different header/footer on the section's first page."""
    _set_on_off(_sect_pr(section), "w:titlePg", on)


def set_section_start(section: SectionLike, start: SectionStart) -> None:
    """w:type: where the section starts (nextPage is also the default when absent)."""
    _set_attrs(child(_sect_pr(section), "w:type"), {"w:val": start})


def unlink_header_footer(
    section: Section, *, first_page: bool = False, even_page: bool = False
) -> None:
    """Give the section its own header and footer (python-docx's is_linked_to_previous=False)."""
    parts = [section.header, section.footer]
    if first_page:
        parts += [section.first_page_header, section.first_page_footer]
    if even_page:
        parts += [section.even_page_header, section.even_page_footer]
    for part in parts:
        part.is_linked_to_previous = False


# --------------------------------------------------------------------------------------
# Settings (word/settings.xml) and document defaults (word/styles.xml)
# --------------------------------------------------------------------------------------


def configure_japanese(
    settings: Element,
    *,
    no_break_before: str,
    no_break_after: str,
    compress: Compression = "compressPunctuation",
) -> None:
    """Japanese line breaking and punctuation compression for the whole document.

    `no_break_before`: characters that may not start a line (行頭禁則);
    `no_break_after`: characters that may not end a line (行末禁則). Word uses these
    custom lists in place of its built-in level; paragraphs opt in with w:kinsoku.
    """
    _set_attrs(child(settings, "w:characterSpacingControl"), {"w:val": compress})
    remove_children(settings, "w:strictFirstAndLastChars")
    for tag, chars in (
        ("w:noLineBreaksAfter", no_break_after),
        ("w:noLineBreaksBefore", no_break_before),
    ):
        if not chars:
            raise ValueError(f"{tag}: an empty list would turn Japanese line breaking off")
        _set_attrs(child(settings, tag), {"w:lang": "ja-JP", "w:val": chars})


def set_default_tab_stop(settings: Element, pt: float) -> None:
    """w:defaultTabStop."""
    _set_attrs(child(settings, "w:defaultTabStop"), {"w:val": str(twips(pt))})


def set_even_and_odd_headers(settings: Element, on: bool) -> None:
    """w:evenAndOddHeaders: separate headers/footers for even pages (book layout)."""
    if on:
        _set_on_off(settings, "w:evenAndOddHeaders", True)
    else:
        remove_children(settings, "w:evenAndOddHeaders")


def set_update_fields_on_open(settings: Element, on: bool) -> None:
    """w:updateFields. Word then asks the reader to update fields on every open;
    leave it off and ship correct cached results instead."""
    if on:
        _set_attrs(child(settings, "w:updateFields"), {"w:val": "true"})
    else:
        remove_children(settings, "w:updateFields")


def set_doc_defaults(
    styles: Element,
    *,
    ascii_font: str,
    east_asia_font: str,
    size_pt: float,
    h_ansi_font: str | None = None,
    cs_font: str | None = None,
    lang: str = "en-US",
    east_asia_lang: str = "ja-JP",
) -> None:
    """w:docDefaults: fonts, size and language every style and run starts from.

    The paragraph defaults are emptied (python-docx's template adds 10 pt after and
    1.15 lines), so paragraph spacing comes from the styles alone.
    """
    defaults = child(styles, "w:docDefaults")
    rPr = child(child(defaults, "w:rPrDefault"), "w:rPr")
    for element in list(rPr):
        rPr.remove(element)
    set_east_asian_fonts(rPr, ascii_font, east_asia_font, h_ansi_font, cs_font)
    set_size(rPr, size_pt)
    set_lang(rPr, east_asia=east_asia_lang, val=lang)
    pPr = child(child(defaults, "w:pPrDefault"), "w:pPr")
    for element in list(pPr):
        pPr.remove(element)


# --------------------------------------------------------------------------------------
# Numbering (word/numbering.xml)
# --------------------------------------------------------------------------------------


def num_id_of_style(styles: Element, style_id: str) -> int | None:
    """The w:numId a paragraph style's w:numPr names, or None."""
    found = styles.xpath(f'./w:style[@w:styleId="{style_id}"]/w:pPr/w:numPr/w:numId/@w:val')
    return int(found[0]) if found else None


def restart_list(numbering: Element, num_id: int, start: int = 1) -> int:
    """A new w:num sharing `num_id`'s definition but counting again from `start`.

    Every paragraph of the new list must then carry the returned id (`set_numbering`):
    paragraphs with another numId, even the style's own, belong to another list.
    """
    abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
    if not abstract:
        raise KeyError(f"numbering has no w:num {num_id}")
    new_id = max(int(v) for v in numbering.xpath("./w:num/@w:numId")) + 1
    num = new_element("w:num", {"w:numId": str(new_id)})
    num.append(new_element("w:abstractNumId", {"w:val": str(abstract[0])}))
    override = new_element("w:lvlOverride", {"w:ilvl": "0"})
    override.append(new_element("w:startOverride", {"w:val": str(start)}))
    num.append(override)
    cleanup = numbering.find(clark("w:numIdMacAtCleanup"))
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return new_id
