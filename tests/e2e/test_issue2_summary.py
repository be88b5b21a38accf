"""Issue 2 — the pipeline, judged on the 概略書 (and, where the issue says so, on every file).

How we judge it:
- every heading and paragraph of the seed appears, in order, in the text of the PDF and of
  the DOCX (seed.py says how the seed is normalised and which lines are exempt, and why);
  the tables have the seed's rows and columns;
- LibreOffice's rendering of the DOCX has the PDF's page count, give or take one page;
- openxml-audit finds nothing wrong with any DOCX; pdffonts lists only embedded BIZ UD
  subsets in every PDF, and no PDF references any other font;
- the DOCX uses named styles only, BIZ UD fonts in all four slots, Japanese language tags;
- bad input (raw HTML, a front matter YAML error, a missing picture, a ragged table) gives
  one clear message with file and line, exit status 1, and leaves output/ as it was.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from .conftest import Built
from .helpers import (
    DELIVERABLES,
    SEED,
    Docx,
    W,
    errors,
    find_in_order,
    run_build,
    snapshot,
    which_or_skip,
)
from .seed import CORRECTED, EXEMPT, TITLE_BLOCK, Piece, Seed, parse_seed
from .tables import differences, matching, pdf_tables

# builds deliverables and runs LibreOffice (pyproject.toml: the "slow" marker)
pytestmark = pytest.mark.slow

PDF_NAMES = [f"{stem}{suffix}" for stem in DELIVERABLES.values() for suffix in (".pdf", "_web.pdf")]
BIZ_UD_FACES = {"BIZ UD明朝", "BIZ UDゴシック"}


@pytest.fixture(scope="module")
def seed() -> Seed:
    if not SEED.is_file():
        pytest.skip(f"the seed is not at {SEED}")
    return parse_seed(SEED)


# ---------------------------------------------------------------------- the seed's text


def seed_problems(text: str, seed: Seed) -> list[str]:
    """Every seed piece that is not found in order in `text` (comparison form).

    A flow piece is searched after the previous one; a missing piece is reported and the
    search goes on from where it was. The cards (islands) are each searched in order from
    the position of the text before them; the flow resumes after the furthest card end.
    """
    problems: list[str] = []
    position = 0

    def report(piece: Piece, where: int, what: str) -> None:
        problems.append(
            f"seed line {piece.line} ({what}): {piece.text[:50]!r} not found after …"
            f"{text[max(0, where - 30) : where]!r}; next in output: {text[where : where + 50]!r}"
        )

    for kind, value in seed.items:
        if kind == "flow":
            assert isinstance(value, Piece)
            at = text.find(value.text, position)
            if at < 0:
                report(value, position, "flow")
                continue
            position = at + len(value.text)
        else:
            ends = []
            for card in value:  # type: ignore[union-attr]
                found = find_in_order(text, [p.text for p in card], position, interrupted=True)
                while found.missing is not None:
                    report(card[found.missing_index], found.searched_from, f"card {card[0].text}")
                    rest = card[found.missing_index + 1 :]
                    found = find_in_order(
                        text, [p.text for p in rest], found.searched_from, interrupted=True
                    )
                    card = rest
                ends.append(found.end)
            position = max(ends, default=position)
    return problems


def test_seed_is_understood(seed: Seed) -> None:
    """The seed parses into what the issue names: its four tables and the four cards, and
    every exemption still matches a seed line (so none silently stops applying)."""
    names = [t.name for t in seed.tables]
    assert names == ["committee-members", "schedule", "hearing-list", "committee-meetings"]
    cards = [v for kind, v in seed.items if kind == "islands"]
    assert len(cards) == 1 and len(cards[0]) == 4  # type: ignore[arg-type]
    text = SEED.read_text(encoding="utf-8")
    for line in [*EXEMPT, *CORRECTED, *TITLE_BLOCK]:
        assert line in text, f"exempted seed line no longer in the seed: {line!r}"
    assert sum(1 for kind, _ in seed.items if kind == "flow") > 200


def test_seed_check_catches_a_dropped_and_a_swapped_paragraph(sample: Built, seed: Seed) -> None:
    """The checker itself: dropping one paragraph, or swapping two, is reported."""
    text = sample.docx("概略書").body_flow
    baseline = len(seed_problems(text, seed))
    pieces = [v for kind, v in seed.items if kind == "flow"]
    first = next(p for p in pieces if p.text.startswith("基礎的な情報整理として"))  # type: ignore[union-attr]
    second = next(p for p in pieces if p.text.startswith("次に、分野横断的な"))  # type: ignore[union-attr]
    assert first.text in text and second.text in text  # type: ignore[union-attr]
    dropped = text.replace(second.text, "", 1)  # type: ignore[union-attr]
    assert len(seed_problems(dropped, seed)) > baseline
    swapped = (
        text.replace(first.text, "\x00", 1)  # type: ignore[union-attr]
        .replace(second.text, first.text, 1)  # type: ignore[union-attr]
        .replace("\x00", second.text, 1)  # type: ignore[union-attr]
    )
    assert len(seed_problems(swapped, seed)) > baseline


@pytest.mark.parametrize("name", ["概略書_web.pdf", "概略書.pdf"])
def test_seed_text_in_order_in_pdf(sample: Built, seed: Seed, name: str) -> None:
    problems = seed_problems(sample.pdf(name).body_flow, seed)
    assert not problems, (
        f"{name}: {len(problems)} seed pieces missing or out of order:\n" + "\n".join(problems)
    )


def test_seed_text_in_order_in_docx(sample: Built, seed: Seed) -> None:
    problems = seed_problems(sample.docx("概略書").body_flow, seed)
    assert not problems, (
        f"概略書.docx: {len(problems)} seed pieces missing or out of order:\n" + "\n".join(problems)
    )


def test_seed_text_in_order_in_libreoffice_rendering(sample: Built, seed: Seed) -> None:
    """What an agency sees when it opens the DOCX (LibreOffice standing in for Word)."""
    problems = seed_problems(sample.lo("概略書").body_flow, seed)
    assert not problems, (
        f"LibreOffice PDF of 概略書.docx: {len(problems)} seed pieces:\n" + "\n".join(problems)
    )


# ---------------------------------------------------------------------- tables


def check_tables(seed: Seed, tables: list[list[list[str]]], source: str) -> None:
    problems = []
    for table in seed.tables:
        rows = matching(table, tables)
        if rows is None:
            heads = [" | ".join(t[0]) for t in tables]
            problems.append(
                f"{table.name}: no table with the header {table.rows[0]} (found: {heads})"
            )
            continue
        problems += [f"{table.name}: {p}" for p in differences(table, rows)]
    assert not problems, f"{source}:\n" + "\n".join(problems)


def test_seed_tables_shapes(seed: Seed) -> None:
    """The shapes the issue names, read from the seed (so the comparisons below check them)."""
    shapes = {t.name: (len(t.rows), t.width) for t in seed.tables}
    assert shapes["hearing-list"] == (1 + 7, 5)
    assert shapes["committee-members"] == (1 + 6, 2)
    assert shapes["committee-meetings"][0] == 1 + 4
    schedule = next(t for t in seed.tables if t.name == "schedule")
    assert schedule.rows[1][1:] == [
        "7月",
        "8月",
        "9月",
        "10月",
        "11月",
        "12月",
        "1月",
        "2月",
        "3月",
    ]


@pytest.mark.parametrize("name", ["概略書_web.pdf", "概略書.pdf"])
def test_seed_tables_in_pdf(sample: Built, seed: Seed, name: str) -> None:
    pytest.importorskip("pdfplumber")
    check_tables(seed, pdf_tables(sample.path(name)), name)


def test_seed_tables_in_docx(sample: Built, seed: Seed) -> None:
    check_tables(seed, sample.docx("概略書").tables(), "概略書.docx")


# ---------------------------------------------------------------------- LibreOffice


@pytest.mark.parametrize("stem", list(DELIVERABLES.values()))
def test_libreoffice_page_count_within_one_of_pdf(sample: Built, stem: str) -> None:
    ours = len(sample.pdf(f"{stem}_web.pdf"))
    theirs = len(sample.lo(stem))
    assert abs(theirs - ours) <= 1, f"{stem}: PDF {ours} pages, LibreOffice's DOCX {theirs} pages"


# ---------------------------------------------------------------------- tools


@pytest.mark.parametrize("stem", list(DELIVERABLES.values()))
def test_openxml_audit_finds_nothing(sample: Built, stem: str) -> None:
    audit = which_or_skip("openxml-audit")
    done = subprocess.run(
        [audit, "-o", "json", "-m", "0", str(sample.path(f"{stem}.docx"))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip(), (
        f"openxml-audit printed nothing (exit {done.returncode}): {done.stderr}"
    )
    reports = json.loads(done.stdout)
    for report in reports if isinstance(reports, list) else [reports]:
        assert report["valid"] is True, json.dumps(report, ensure_ascii=False, indent=1)[:3000]
        assert report["error_count"] == 0 and report["warning_count"] == 0, json.dumps(
            report, ensure_ascii=False, indent=1
        )[:3000]
    assert done.returncode == 0, done.stdout[:2000]


@pytest.mark.parametrize("name", PDF_NAMES)
def test_pdffonts_lists_only_embedded_biz_ud_subsets(sample: Built, name: str) -> None:
    pdffonts = which_or_skip("pdffonts")
    done = subprocess.run(
        [pdffonts, str(sample.path(name))], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()[2:]
    assert rows, f"pdffonts lists no fonts in {name}"
    bad = []
    for row in rows:
        # name type encoding emb sub uni object ID — the flags are the 4th–6th fields from the end
        fields = row.split()
        font, emb, sub = fields[0], fields[-5], fields[-4]
        if not re.fullmatch(r"[A-Z]{6}\+BIZUD[A-Za-z-]+", font) or emb != "yes" or sub != "yes":
            bad.append(row)
    assert not bad, f"{name}: fonts that are not embedded BIZ UD subsets:\n" + "\n".join(bad)


@pytest.mark.parametrize("name", PDF_NAMES)
def test_pdf_references_no_other_font(sample: Built, name: str) -> None:
    """Every font object anywhere in the file (pages, forms, annotations, unused objects) is
    an embedded BIZ UD subset; no standard-14 font such as Helvetica is named."""
    bad = []
    with pikepdf.open(sample.path(name)) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or "/BaseFont" not in obj:
                continue
            base = str(obj.BaseFont)
            fonts = [obj]
            if obj.get("/Subtype") == "/Type0":
                fonts = list(obj.get("/DescendantFonts", []))
            embedded = all(
                any(
                    k in f.get("/FontDescriptor", {})
                    for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                for f in fonts
            )
            if not re.fullmatch(r"/[A-Z]{6}\+BIZUD[A-Za-z-]+", base) or not embedded:
                bad.append(f"{base} (embedded: {embedded})")
        raw = sample.path(name).read_bytes()
    assert not bad, (
        f"{name} references fonts other than embedded BIZ UD subsets: {sorted(set(bad))}"
    )
    assert b"Helvetica" not in raw, f"{name} names Helvetica somewhere"


# ---------------------------------------------------------------------- DOCX styles


@pytest.mark.parametrize("stem", list(DELIVERABLES.values()))
def test_docx_paragraphs_use_named_styles_and_no_direct_font_formatting(
    sample: Built, stem: str
) -> None:
    docx = sample.docx(stem)
    unstyled = [
        f"#{index} {Docx.text_of(p)[:20]!r} {where(p)}"
        for index, p in enumerate(docx.paragraphs())
        if Docx.style_of(p) is None
    ]
    direct = []
    for rpr in docx.body.iter(f"{W}rPr"):
        for tag in ("rFonts", "sz", "szCs"):
            if rpr.find(f"{W}{tag}") is not None:
                owner = rpr.getparent()
                direct.append(f"w:{tag} in {etree_name(owner)}: {Docx.text_of(owner)[:30]!r}")
    assert not unstyled, (
        f"{stem}.docx: {len(unstyled)} of {len(docx.paragraphs())} paragraphs have no w:pStyle:\n"
        + "\n".join(unstyled[:8])
    )
    assert not direct, f"{stem}.docx: direct font formatting in document.xml: {direct[:8]}"


def where(paragraph: etree._Element) -> str:
    """Where a paragraph sits: its parent and its neighbours (e.g. in a table cell, right
    after a nested table), and the texts of the table row around it."""
    parent = etree_name(paragraph.getparent())
    before, after = paragraph.getprevious(), paragraph.getnext()
    row = paragraph.getparent().getparent() if parent == "w:tc" else None
    cells = (
        " | ".join(Docx.text_of(c)[:12] for c in row.findall(f"{W}tc")) if row is not None else ""
    )
    return (
        f"(in {parent}, after {etree_name(before) if before is not None else 'nothing'},"
        f" before {etree_name(after) if after is not None else 'nothing'}; row: {cells})"
    )


def etree_name(element: object) -> str:
    tag = getattr(element, "tag", "")
    return "w:" + tag.split("}")[-1] if "}" in tag else str(tag)


@pytest.mark.parametrize("stem", list(DELIVERABLES.values()))
def test_docx_styles_name_biz_ud_in_all_four_slots_with_japanese(sample: Built, stem: str) -> None:
    styles = sample.docx(stem).styles
    fonts = list(styles.iter(f"{W}rFonts"))
    assert fonts, "styles.xml declares no fonts"
    bad = []
    for element in fonts:
        slots = {slot: element.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
        themes = [k for k in element.attrib if k.endswith("Theme")]
        if themes or not all(v in BIZ_UD_FACES for v in slots.values()):
            bad.append({**slots, "themes": themes})
    assert not bad, f"{stem}.docx styles.xml: rFonts not naming BIZ UD in all four slots: {bad[:5]}"
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults is not None, "styles.xml has no default run properties"
    lang = defaults.find(f"{W}lang")
    assert lang is not None and lang.get(f"{W}eastAsia") == "ja-JP", (
        "docDefaults lack w:lang eastAsia=ja-JP"
    )
    others = [
        tag.get(f"{W}eastAsia")
        for tag in styles.iter(f"{W}lang")
        if tag.get(f"{W}eastAsia") not in (None, "ja-JP")
    ]
    assert not others, f"styles with a non-Japanese eastAsia language: {others}"


# ---------------------------------------------------------------------- bad input


PURPOSE = "content/summary/01-purpose.md"


def add_raw_html(root: Path) -> int:
    path = root / PURPOSE
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("# 事業目的 {#sec:purpose}") + 2
    lines[at:at] = ['<div class="note">生の HTML</div>', ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def break_front_matter(root: Path) -> int:
    path = root / PURPOSE
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("title: 事業目的")
    lines[at] = "title: [事業目的"  # an unclosed flow sequence
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def add_missing_picture(root: Path) -> int:
    path = root / PURPOSE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines += ["", "![存在しない図](images/summary/no-such-picture.png){#fig:none}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def add_ragged_table(root: Path) -> int:
    path = root / PURPOSE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines += [
        "",
        "| 区分 | 件数 | 割合 |",
        "| --- | --- | --- |",
        "| 市 | 12 | 30% |",
        "| 町 | 8 |",
        "| 村 | 4 | 10% |",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


@pytest.mark.parametrize(
    ("breaker", "codes"),
    [
        (add_raw_html, {"E201"}),
        (break_front_matter, {"E101", "E207"}),
        (add_missing_picture, {"E108"}),
        (add_ragged_table, {"E204"}),
    ],
    ids=["raw-html", "front-matter-yaml", "missing-picture", "ragged-table"],
)
def test_bad_input_one_clear_message(
    broken_project: Path, breaker: Callable[[Path], int], codes: set[str]
) -> None:
    before = snapshot(broken_project / "output")
    line = breaker(broken_project)
    run = run_build(broken_project)
    found = errors(run.stderr)
    assert run.code == 1, str(run)
    assert len(found) == 1, f"expected one error, got {len(found)}:\n{run.stderr}"
    error = found[0]
    assert (error.file, error.line) == (PURPOSE, line), (
        f"the error should name {PURPOSE}:{line}, it names {error.file}:{error.line}\n{run.stderr}"
    )
    assert error.code in codes, run.stderr
    assert error.hint, f"no hint saying how to fix it:\n{run.stderr}"
    assert snapshot(broken_project / "output") == before, "output/ changed after a failed build"
