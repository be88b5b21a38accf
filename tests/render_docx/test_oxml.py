"""Raw OXML helpers: each writes the elements Word expects, in schema order."""

from __future__ import annotations

import docx
import pytest
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from kumihan.render.docx import oxml
from kumihan.render.docx.oxml import Element, TocLine
from kumihan.units import mm

from .conftest import NO_BREAK_AFTER, NO_BREAK_BEFORE, TOC, assert_schema_order, build_sample


def w(element: Element, name: str) -> str | None:
    """A w: attribute value."""
    value = element.get(qn(f"w:{name}"))
    return None if value is None else str(value)


def tags(parent: Element) -> list[str]:
    return [c.tag.split("}")[1] for c in parent]


@pytest.fixture
def doc() -> Document:
    return docx.Document()


# ------------------------------------------------------------------ schema order


def test_paragraph_properties_land_in_schema_order_whatever_the_call_order(doc: Document) -> None:
    pPr = oxml.paragraph_properties(doc.add_paragraph("x"))
    oxml.set_outline_level(pPr, 2)
    oxml.set_jc(pPr, "both")
    oxml.set_indent(pPr, first_line_chars=1, first_line_pt=10.5)
    oxml.set_spacing(pPr, 6, 0, 18, "exact")
    oxml.set_snap_to_grid(pPr, False)
    oxml.set_auto_space(pPr, True, True)
    oxml.set_kinsoku(pPr)
    oxml.add_tab_stop(pPr, 100, "right", "dot")
    oxml.set_shading(pPr, "F2F2F2")
    oxml.set_paragraph_border(pPr)
    oxml.set_widow_control(pPr, False)
    oxml.set_page_break_before(pPr)
    oxml.set_keep_lines(pPr)
    oxml.set_keep_next(pPr)
    oxml.set_paragraph_style(pPr, "BodyText")
    assert tags(pPr) == [
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "pBdr", "shd",
        "tabs", "kinsoku", "autoSpaceDE", "autoSpaceDN", "snapToGrid", "spacing", "ind", "jc",
        "outlineLvl",
    ]  # fmt: skip
    assert_schema_order(pPr)


def test_run_properties_land_in_schema_order(doc: Document) -> None:
    rPr = oxml.run_properties(doc.add_paragraph().add_run("x")._r)
    oxml.set_lang(rPr)
    oxml.set_underline(rPr)
    oxml.set_size(rPr, 10.5)
    oxml.set_color(rPr, "#1f3864")
    oxml.set_italic(rPr)
    oxml.set_bold(rPr)
    oxml.set_east_asian_fonts(rPr, "BIZ UD明朝", "BIZ UD明朝")
    oxml.set_run_style(rPr, "Strong")
    assert tags(rPr) == [
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "color",
        "sz",
        "szCs",
        "u",
        "lang",
    ]
    assert w(rPr.find(qn("w:color")), "val") == "1F3864"


def test_pPr_goes_before_existing_runs(doc: Document) -> None:
    paragraph = doc.add_paragraph("本文")
    oxml.set_jc(oxml.paragraph_properties(paragraph), "center")
    assert tags(paragraph._p) == ["pPr", "r"]


def test_unknown_children_stay_last(doc: Document) -> None:
    settings = doc.settings.element
    oxml.set_default_tab_stop(settings, 10.5)
    # w14:defaultImageDpi is an extension Word writes after every schema child
    assert tags(settings)[-1] == "defaultImageDpi"
    assert_schema_order(settings)


# ------------------------------------------------------------------ run and paragraph values


def test_east_asian_fonts_fill_four_slots_and_drop_theme_attributes(doc: Document) -> None:
    rPr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert rPr.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is not None  # the template's
    oxml.set_east_asian_fonts(rPr, "BIZ UDゴシック", "BIZ UD明朝")
    fonts = rPr.find(qn("w:rFonts"))
    assert {k.split("}")[1]: v for k, v in fonts.attrib.items()} == {
        "ascii": "BIZ UDゴシック",
        "hAnsi": "BIZ UDゴシック",
        "eastAsia": "BIZ UD明朝",
        "cs": "BIZ UDゴシック",
    }


def test_lang_marks_japanese(doc: Document) -> None:
    rPr = oxml.run_properties(doc.add_paragraph().add_run("x")._r)
    oxml.set_lang(rPr)
    lang = rPr.find(qn("w:lang"))
    assert (w(lang, "val"), w(lang, "eastAsia")) == ("en-US", "ja-JP")


def test_first_line_in_characters_and_points(doc: Document) -> None:
    pPr = oxml.paragraph_properties(doc.add_paragraph())
    oxml.set_indent(pPr, first_line_chars=1.0, first_line_pt=10.5, left_pt=21)
    ind = pPr.find(qn("w:ind"))
    assert (w(ind, "firstLineChars"), w(ind, "firstLine"), w(ind, "left")) == ("100", "210", "420")
    oxml.set_indent(pPr, hanging_pt=10.5)  # a hanging indent replaces the first-line one
    assert (w(ind, "firstLineChars"), w(ind, "firstLine"), w(ind, "hanging")) == (None, None, "210")


def test_spacing_units(doc: Document) -> None:
    pPr = oxml.paragraph_properties(doc.add_paragraph())
    oxml.set_spacing(pPr, before_pt=6, after_pt=3, line_pt=18, rule="exact")
    spacing = pPr.find(qn("w:spacing"))
    assert [w(spacing, a) for a in ("before", "after", "line", "lineRule")] == [
        "120",
        "60",
        "360",
        "exact",
    ]
    oxml.set_spacing(pPr, rule="auto", line_multiple=1.5)
    assert (w(spacing, "line"), w(spacing, "lineRule"), w(spacing, "before")) == (
        "360",
        "auto",
        "120",
    )
    with pytest.raises(ValueError, match="line_multiple"):
        oxml.set_spacing(pPr, line_pt=18, rule="auto")


def test_on_off_writes_explicit_off(doc: Document) -> None:
    pPr = oxml.paragraph_properties(doc.add_paragraph())
    oxml.set_kinsoku(pPr, True)
    assert w(pPr.find(qn("w:kinsoku")), "val") is None
    oxml.set_kinsoku(pPr, False)
    assert w(pPr.find(qn("w:kinsoku")), "val") == "0"


def test_outline_level_is_one_based(doc: Document) -> None:
    pPr = oxml.paragraph_properties(doc.add_paragraph())
    oxml.set_outline_level(pPr, 1)
    assert w(pPr.find(qn("w:outlineLvl")), "val") == "0"
    with pytest.raises(ValueError):
        oxml.set_outline_level(pPr, 0)


def test_paragraph_border_box(doc: Document) -> None:
    pPr = oxml.paragraph_properties(doc.add_paragraph())
    oxml.set_paragraph_border(pPr, size_eighths=6, color_hex="404040", space_pt=4)
    pbdr = pPr.find(qn("w:pBdr"))
    assert tags(pbdr) == ["top", "left", "bottom", "right"]
    assert {(w(e, "val"), w(e, "sz"), w(e, "space"), w(e, "color")) for e in pbdr} == {
        ("single", "6", "4", "404040")
    }


def test_bad_colour_is_refused(doc: Document) -> None:
    with pytest.raises(ValueError, match="RGB"):
        oxml.set_shading(oxml.paragraph_properties(doc.add_paragraph()), "grey")


def test_tab_stops_sorted(doc: Document) -> None:
    pPr = oxml.paragraph_properties(doc.add_paragraph())
    oxml.add_tab_stop(pPr, 200, "right", "dot")
    oxml.add_tab_stop(pPr, 50)
    assert [w(t, "pos") for t in pPr.find(qn("w:tabs"))] == ["1000", "4000"]
    assert w(pPr.find(qn("w:tabs"))[1], "leader") == "dot"


# ------------------------------------------------------------------ fields, bookmarks, links


def _field_parts(paragraph_element: Element) -> list[tuple[str, str]]:
    """(kind, text) for each fldChar / instrText / w:t in document order."""
    out: list[tuple[str, str]] = []
    for element in paragraph_element.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if element.tag == qn("w:fldChar"):
            out.append(("fld", str(w(element, "fldCharType"))))
        elif element.tag == qn("w:instrText"):
            out.append(("instr", str(element.text)))
        else:
            out.append(("text", str(element.text)))
    return out


def test_field_has_cached_result(doc: Document) -> None:
    paragraph = doc.add_paragraph("図")
    oxml.add_field(paragraph, "SEQ 図 \\* ARABIC", "3", run_style="Strong")
    assert _field_parts(paragraph._p) == [
        ("text", "図"),
        ("fld", "begin"),
        ("instr", " SEQ 図 \\* ARABIC "),
        ("fld", "separate"),
        ("text", "3"),
        ("fld", "end"),
    ]
    instr = paragraph._p.find(f".//{qn('w:instrText')}")
    assert instr.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    styles = {w(r, "val") for r in paragraph._p.iter(qn("w:rStyle"))}
    assert styles == {"Strong"}


def test_bookmark_wraps_content_after_pPr(doc: Document) -> None:
    paragraph = doc.add_paragraph("見出し", style="Heading 1")
    oxml.add_bookmark(paragraph, "_Toc123456789", 7)
    assert tags(paragraph._p) == ["pPr", "bookmarkStart", "r", "bookmarkEnd"]
    start = paragraph._p.find(qn("w:bookmarkStart"))
    assert (w(start, "id"), w(start, "name")) == ("7", "_Toc123456789")
    assert w(paragraph._p.find(qn("w:bookmarkEnd")), "id") == "7"


@pytest.mark.parametrize("name", ["第1章", "_Ref12", "case_01", "a" * 40])
def test_bookmark_names_word_accepts(name: str) -> None:
    oxml.check_bookmark_name(name)


@pytest.mark.parametrize("name", ["1abc", "two words", "a-b", "a" * 41, "", "_"])
def test_bookmark_names_word_refuses(name: str) -> None:
    with pytest.raises(ValueError):
        oxml.check_bookmark_name(name)


def test_internal_link(doc: Document) -> None:
    paragraph = doc.add_paragraph("参照：")
    oxml.add_internal_link(paragraph, "_Toc1", "第1章", "Hyperlink")
    link = paragraph._p.find(qn("w:hyperlink"))
    assert (w(link, "anchor"), link.get(qn("r:id"))) == ("_Toc1", None)
    assert [t.text for t in link.iter(qn("w:t"))] == ["第1章"]
    assert w(link.find(f".//{qn('w:rStyle')}"), "val") == "Hyperlink"


def test_external_link_is_an_external_relationship(doc: Document) -> None:
    paragraph = doc.add_paragraph()
    oxml.add_external_link(paragraph, "https://www.example.go.jp/", "サイト", "Hyperlink")
    link = paragraph._p.find(qn("w:hyperlink"))
    rel = doc.part.rels[link.get(qn("r:id"))]
    assert (rel.reltype, rel.is_external, rel.target_ref) == (
        RT.HYPERLINK,
        True,
        "https://www.example.go.jp/",
    )
    assert "ns0:" not in link.xml  # the r: prefix of the part is reused


# ------------------------------------------------------------------ TOC


def _field_depths(paragraphs: list[Element]) -> list[int]:
    """Field nesting depth after each paragraph (0 = all fields closed)."""
    depth, out = 0, []
    for p in paragraphs:
        for fld in p.iter(qn("w:fldChar")):
            kind = w(fld, "fldCharType")
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
        out.append(depth)
    return out


def test_toc_is_one_field_over_prefilled_paragraphs(doc: Document) -> None:
    toc = oxml.add_toc(doc, TOC, right_tab_pt=mm(160))
    ps = [p._p for p in toc]
    assert len(ps) == len(TOC)
    assert _field_depths(ps) == [1] * (len(TOC) - 1) + [0]
    assert _field_parts(ps[0])[:3] == [
        ("fld", "begin"),
        ("instr", ' TOC \\o "1-3" \\h \\z \\u '),
        ("fld", "separate"),
    ]
    for p, line in zip(ps, TOC, strict=True):
        assert p.style == f"TOC{line.level}"
        tab = p.find(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}")
        assert (w(tab, "val"), w(tab, "leader"), w(tab, "pos")) == (
            "right",
            "dot",
            str(round(mm(160) * 20)),
        )
        link = p.find(qn("w:hyperlink"))
        assert w(link, "anchor") == line.bookmark
        parts = _field_parts(link)
        assert parts[0] == ("text", line.text)
        assert ("instr", f" PAGEREF {line.bookmark} \\h ") in parts
        assert parts[-2:] == [("text", line.page), ("fld", "end")]
        assert link.find(f"{qn('w:r')}/{qn('w:tab')}") is not None


def test_toc_inserted_before_a_paragraph(doc: Document) -> None:
    title = doc.add_paragraph("目次")
    after = doc.add_paragraph("本文")
    oxml.add_toc(doc, TOC[:2], right_tab_pt=400, before=after)
    body = [p.text for p in doc.paragraphs]
    assert body[0] == "目次" and body[-1] == "本文"
    assert body[1:3] == [TOC[0].text + "\t" + TOC[0].page, TOC[1].text + "\t" + TOC[1].page]
    assert title._p.getnext().style == "TOC1"


def test_empty_toc_still_holds_the_field(doc: Document) -> None:
    (paragraph,) = oxml.add_toc(doc, [], right_tab_pt=400)
    assert [k for k, _ in _field_parts(paragraph._p)] == ["fld", "instr", "fld", "fld"]


def test_deep_levels_use_the_last_style(doc: Document) -> None:
    (paragraph,) = oxml.add_toc(
        doc, [TocLine(5, "深い", "_Toc9", "3")], right_tab_pt=400, levels="1-5"
    )
    assert paragraph._p.style == "TOC3"
    with pytest.raises(ValueError):
        oxml.toc_instruction("1to3")


# ------------------------------------------------------------------ tables


def test_table_helpers(doc: Document) -> None:
    table = doc.add_table(rows=3, cols=3)
    table.cell(2, 0).merge(table.cell(2, 1))
    oxml.set_repeat_header(table.rows[0])
    oxml.set_cant_split(table.rows[1])
    oxml.set_row_height(table.rows[1], 20, "exact")
    oxml.set_cell_shading(table.cell(0, 0), "D9D9D9")
    oxml.set_cell_valign(table.cell(0, 0), "center")
    oxml.set_column_widths(table, [100.3, 150.3, 200.3])
    oxml.set_cell_margins(table, 1, 5.4, 1, 5.4)
    oxml.set_table_borders(table, 4, "000000")
    tbl = table._tbl
    grid = [int(str(w(c, "w"))) for c in tbl.tblGrid.gridCol_lst]
    assert grid == [2006, 3006, 4006]
    assert w(tbl.tblPr.find(qn("w:tblW")), "w") == str(sum(grid))
    assert w(tbl.tblPr.find(qn("w:tblLayout")), "type") == "fixed"
    merged_row = [int(str(w(tc.tcPr.find(qn("w:tcW")), "w"))) for tc in tbl.tr_lst[2].tc_lst]
    assert merged_row == [grid[0] + grid[1], grid[2]]
    assert tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
    assert tags(tbl.tr_lst[1].trPr) == ["cantSplit", "trHeight"]
    assert tags(tbl.tblPr.find(qn("w:tblBorders"))) == [
        "top",
        "left",
        "bottom",
        "right",
        "insideH",
        "insideV",
    ]
    assert tags(tbl.tblPr.find(qn("w:tblCellMar"))) == ["top", "left", "bottom", "right"]
    assert_schema_order(tbl)
    with pytest.raises(ValueError, match="3 grid columns"):
        oxml.set_column_widths(table, [100, 100])


# ------------------------------------------------------------------ sections and settings


def test_section_helpers(doc: Document) -> None:
    section = doc.sections[0]
    oxml.set_doc_grid(section, 18, "linesAndChars", char_space=oxml.char_space_for(40, 425.2, 10.5))
    oxml.set_title_page(section)
    oxml.set_page_numbering(section, 1, "lowerRoman")
    oxml.set_section_start(section, "oddPage")
    oxml.set_page(section, mm(210), mm(297), mm(30), mm(30), mm(25), mm(25), mm(15), mm(15))
    sect = section._sectPr
    assert (w(sect.find(qn("w:pgSz")), "w"), w(sect.find(qn("w:pgSz")), "h")) == ("11906", "16838")
    assert w(sect.find(qn("w:pgSz")), "orient") is None
    grid = sect.find(qn("w:docGrid"))
    assert (w(grid, "type"), w(grid, "linePitch"), w(grid, "charSpace")) == (
        "linesAndChars",
        "360",
        "532",
    )
    num = sect.find(qn("w:pgNumType"))
    assert (w(num, "fmt"), w(num, "start")) == ("lowerRoman", "1")
    assert w(sect.find(qn("w:type")), "val") == "oddPage"
    assert_schema_order(sect)
    oxml.set_page_numbering(section, None, "decimal")  # continue numbering
    assert w(num, "start") is None
    oxml.set_doc_grid(section, 18, "lines")
    assert w(grid, "charSpace") is None


def test_unlink_header_footer(doc: Document) -> None:
    second = doc.add_section()
    oxml.unlink_header_footer(second, first_page=True)
    assert not second.footer.is_linked_to_previous
    assert not second.first_page_header.is_linked_to_previous
    assert second.even_page_footer.is_linked_to_previous


def test_configure_japanese(doc: Document) -> None:
    settings = doc.settings.element
    oxml.configure_japanese(
        settings,
        no_break_before=NO_BREAK_BEFORE,
        no_break_after=NO_BREAK_AFTER,
        compress="compressPunctuation",
    )
    oxml.set_update_fields_on_open(settings, True)
    oxml.set_even_and_odd_headers(settings, True)
    after = settings.find(qn("w:noLineBreaksAfter"))
    before = settings.find(qn("w:noLineBreaksBefore"))
    assert (w(after, "lang"), w(after, "val")) == ("ja-JP", NO_BREAK_AFTER)
    assert (w(before, "lang"), w(before, "val")) == ("ja-JP", NO_BREAK_BEFORE)
    assert w(settings.find(qn("w:characterSpacingControl")), "val") == "compressPunctuation"
    names = tags(settings)
    assert (
        names.index("characterSpacingControl")
        < names.index("noLineBreaksAfter")
        < names.index("noLineBreaksBefore")
    )
    assert_schema_order(settings)
    oxml.set_update_fields_on_open(settings, False)
    oxml.set_even_and_odd_headers(settings, False)
    assert (
        settings.find(qn("w:updateFields")) is None
        and settings.find(qn("w:evenAndOddHeaders")) is None
    )
    with pytest.raises(ValueError, match="empty"):
        oxml.configure_japanese(settings, no_break_before="", no_break_after=NO_BREAK_AFTER)


def test_doc_defaults_replace_template_spacing(doc: Document) -> None:
    styles = doc.styles.element
    oxml.set_doc_defaults(
        styles, ascii_font="BIZ UD明朝", east_asia_font="BIZ UD明朝", size_pt=10.5
    )
    defaults = styles.find(qn("w:docDefaults"))
    rPr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert tags(rPr) == ["rFonts", "sz", "szCs", "lang"]
    assert len(defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")) == 0


def test_restart_list() -> None:
    document, _ = build_sample()
    numbering = document.part.numbering_part.element
    num_id = oxml.num_id_of_style(document.styles.element, "ListNumber")
    assert num_id is not None
    new_id = oxml.restart_list(numbering, num_id, start=1)
    assert new_id not in (None, num_id)
    num = numbering.find(f'{qn("w:num")}[@{qn("w:numId")}="{new_id}"]')
    original = numbering.find(f'{qn("w:num")}[@{qn("w:numId")}="{num_id}"]')
    assert w(num.find(qn("w:abstractNumId")), "val") == w(
        original.find(qn("w:abstractNumId")), "val"
    )
    assert w(num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}"), "val") == "1"
    assert tags(numbering)[-1] == "num"
    with pytest.raises(KeyError):
        oxml.restart_list(numbering, 999)
