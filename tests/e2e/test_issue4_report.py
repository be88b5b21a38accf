"""Issue 4 — the 報告書 (report): contents, cross-references, numbering, agreement.

How we judge it:
- the sample report builds in both formats; every entry of the table of contents gives the
  page where its heading lands — in the PDF (its /PageLabels and printed folios map
  physical pages to printed numbers) and in LibreOffice's rendering of the DOCX;
- every cross-reference resolves; every figure and table has its number and caption;
  bookmarks open the pages that hold their headings;
- the report, the casebook and the summary agree: a case's pages in the report are the
  casebook's pages (same text per page); the survey figures in the summary equal the
  report's;
- bad input (a broken cross-reference, a tally not adding up to n, a policy sheet without
  `ministry`, a manifest naming a missing chapter) gives a clear error with file and line.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
import yaml

from kumihan.verify.libreoffice import find_soffice

from .cases import band_page, read_cases
from .conftest import Built
from .helpers import (
    DELIVERABLES,
    Docx,
    Pdf,
    W,
    errors,
    flow,
    nfkc,
    run_build,
    snapshot,
    squash,
)

# builds deliverables and runs LibreOffice (pyproject.toml: the "slow" marker)
pytestmark = pytest.mark.slow

REPORT_PDFS = ["報告書_web.pdf", "報告書.pdf"]
ALL_PDFS = [f"{stem}{suffix}" for stem in DELIVERABLES.values() for suffix in ("_web.pdf", ".pdf")]
HEADING_MIN_PT = 11.5  # body text is 10.5 pt; the contents lists headings of 12 pt and more
LEADERS = re.compile(r"^(?P<text>.*?)\s*(?:[.．・…‥]\s*){3,}\s*(?P<page>[0-9]+|[ivxlc]+)\s*$")


# ---------------------------------------------------------------------- contents


@dataclass(frozen=True)
class TocEntry:
    text: str
    page: str  # as printed


def toc_entries(pdf: Pdf) -> list[TocEntry]:
    """The table of contents as printed: from the page whose body starts with 目次 while
    pages hold dot-leader lines. A line without leaders continues on the next line."""
    start = next((i for i, body in enumerate(pdf.bodies) if flow(body).startswith("目次")), -1)
    assert start >= 0, "no page starts with 目次"
    entries: list[TocEntry] = []
    index = start
    while index < len(pdf):
        lines = [nfkc(line).strip() for line in pdf.bodies[index].splitlines() if line.strip()]
        if index > start and not any(LEADERS.match(line) for line in lines):
            break
        pending = ""
        for line in lines:
            if index == start and line == "目次":
                continue
            match = LEADERS.match(line)
            if match:
                entries.append(TocEntry((pending + match["text"]).strip(), match["page"]))
                pending = ""
            else:
                pending += line
        index += 1
    return entries


def heading_page(pdf: Pdf, text: str, start: int) -> int:
    for index in range(start, len(pdf)):
        if pdf.pages[index].heading_at(text, HEADING_MIN_PT):
            return index
    return -1


def toc_problems(pdf: Pdf, printed: list[str], source: str) -> list[str]:
    """Each contents entry against where its heading lands; `printed[i]` is the printed
    number of physical page i."""
    entries = toc_entries(pdf)
    problems = []
    if len(entries) < 20:
        problems.append(f"{source}: only {len(entries)} contents entries: {entries}")
    position = 0
    for entry in entries:
        page = heading_page(pdf, entry.text, position)
        if page < 0:
            problems.append(
                f"{source}: heading {entry.text!r} (contents: p. {entry.page}) not found after physical page {position + 1}"
            )
            continue
        position = page
        if printed[page] != entry.page:
            problems.append(
                f"{source}: {entry.text!r}: the contents say {entry.page}, the heading is on"
                f" physical page {page + 1}, printed {printed[page]!r}"
            )
    return problems


@pytest.mark.parametrize("name", REPORT_PDFS)
def test_contents_page_numbers_match_the_pdf(sample: Built, name: str) -> None:
    pdf = sample.pdf(name)
    problems = toc_problems(pdf, pdf.labels, f"{name} (/PageLabels)")
    # a page with a printed folio must show the number the contents use
    problems += toc_problems(
        pdf,
        [f or label for f, label in zip(pdf.folios, pdf.labels, strict=True)],
        f"{name} (printed folio)",
    )
    assert not problems, "\n".join(problems)


def test_contents_page_numbers_match_libreoffice(sample: Built) -> None:
    lo = sample.lo("報告書")
    problems = toc_problems(lo, lo.folios, "LibreOffice's 報告書")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ALL_PDFS)
def test_printed_folios_agree_with_page_labels(sample: Built, name: str) -> None:
    """The premise of the contents check: the folio printed on a page is its /PageLabel,
    and no printed page number is used twice."""
    pdf = sample.pdf(name)
    mismatched = [
        (i + 1, folio, label)
        for i, (folio, label) in enumerate(zip(pdf.folios, pdf.labels, strict=True))
        if folio and folio != label
    ]
    assert not mismatched, f"{name}: (physical page, printed folio, /PageLabel): {mismatched}"
    numbered = [label for label in pdf.labels if label]
    doubles = sorted({label for label in numbered if numbered.count(label) > 1})
    assert not doubles, (
        f"{name}: page labels used on more than one page: {doubles} (all: {pdf.labels})"
    )


# ---------------------------------------------------------------------- sources


def report_sources(root: Path) -> list[Path]:
    """The Markdown files of the report, in manifest order (layouts/report.yaml parts)."""
    layout = yaml.safe_load((root / "layouts" / "report.yaml").read_text(encoding="utf-8"))
    content = root / "content"
    files: list[Path] = []
    for part in layout["parts"]:
        if part.get("kind") != "markdown":
            continue
        for path in sorted(content.rglob("*.md")):
            relative = path.relative_to(content).as_posix()
            if fnmatch.fnmatch(relative, part["source"]) and path not in files:
                files.append(path)
    return files


REF = re.compile(r"\[@(?P<id>[a-z]+:[\w-]+)(?:\|(?P<form>\w+))?\]")
ANCHOR = re.compile(r"\{[^}]*#(?P<id>[a-z]+:[\w-]+)[^}]*\}")


@dataclass(frozen=True)
class Anchor:
    id: str
    level: int  # heading level (0 for figures and tables)
    text: str  # the heading text or caption


def anchors(files: list[Path]) -> dict[str, Anchor]:
    found = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = ANCHOR.search(line)
            if not match:
                continue
            heading = re.match(r"^(#+)\s+(.*?)\s*\{", line)
            if heading:
                found[match["id"]] = Anchor(match["id"], len(heading[1]), heading[2])
            else:
                caption = re.match(r"^(?:Table:\s*|!\[)(.*?)(?:\]|\s*\{)", line)
                found[match["id"]] = Anchor(match["id"], 0, caption[1] if caption else "")
    return found


def outline(pdf_path: Path) -> list[tuple[int, str, int, float]]:
    """The bookmarks: (depth, title, 0-based page, top of the /XYZ destination)."""
    items = []
    with pikepdf.open(pdf_path) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        with pdf.open_outline() as tree:

            def walk(nodes: list, depth: int) -> None:
                for node in nodes:
                    dest = node.destination
                    if dest is None and node.action is not None:
                        dest = node.action.get("/D")
                    assert isinstance(dest, pikepdf.Array), f"{node.title}: destination {dest!r}"
                    top = float(dest[3]) if len(dest) > 3 and dest[1] == "/XYZ" else float("nan")
                    items.append((depth, str(node.title), pages.get(dest[0].objgen, -1), top))
                    walk(node.children, depth + 1)

            walk(list(tree.root), 0)
    return items


def number_of(anchor: Anchor, bookmarks: list[tuple[int, str, int, float]]) -> str:
    """The number the layout gave an anchored heading (e.g. 第1章), read from the bookmark
    titles: the bookmark at the heading's depth whose title ends with the heading's text."""
    for depth, title, _page, _top in bookmarks:
        if depth == anchor.level - 1 and squash(title).endswith(squash(anchor.text)):
            return re.sub(r"\s+", "", title[: len(title) - len(anchor.text)].strip())
    raise AssertionError(f"no bookmark for {anchor}")


def test_every_cross_reference_resolves(sample: Built) -> None:
    files = report_sources(sample.root)
    targets = anchors(files)
    bookmarks = outline(sample.path("報告書_web.pdf"))
    pdf_text = sample.pdf("報告書_web.pdf").body_flow
    print_text = sample.pdf("報告書.pdf").body_flow
    docx_text = sample.docx("報告書").body_flow
    sources = [("PDF", pdf_text), ("print PDF", print_text), ("DOCX", docx_text)]
    if find_soffice() is not None:
        sources.append(("LibreOffice", sample.lo("報告書").body_flow))
    problems, checked = [], 0
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            refs = list(REF.finditer(line))
            if not refs:
                continue
            where = f"{path.relative_to(sample.root)}:{number}"
            rendered = line
            for ref in refs:
                target = targets.get(ref["id"])
                if target is None:
                    problems.append(f"{where}: [@{ref['id']}] has no anchor in the report")
                    continue
                assert ref["form"] in (None,), (
                    f"{where}: the test does not know the form {ref['form']!r}"
                )
                label = number_of(target, bookmarks) if target.level else ""
                rendered = rendered.replace(ref[0], label)
            sentence = squash(rendered)
            for source, text in sources:
                if sentence not in text:
                    problems.append(f"{where}: {source} lacks the resolved sentence {rendered!r}")
            checked += 1
    assert checked, "the report has no cross-references to check"
    for name, text in (("PDF", pdf_text), ("DOCX", docx_text)):
        for junk in ("[@", "??", "参照先"):
            assert junk not in text, f"{name}: unresolved reference marker {junk!r}"
    assert not problems, "\n".join(problems)


def test_internal_links_land_on_their_target(sample: Built) -> None:
    """Every internal link of the screen PDF (contents entries, cross-references) goes to a
    page that shows, where the link points, the text the link shows (dot leaders and page
    number left out). The print PDF (PDF/X) carries no links."""
    pdfplumber = pytest.importorskip("pdfplumber")
    name = "報告書_web.pdf"
    pdf = sample.pdf(name)
    problems, links = [], 0
    with pikepdf.open(sample.path(name)) as doc, pdfplumber.open(sample.path(name)) as plumber:
        pages = {page.objgen: index for index, page in enumerate(doc.pages)}
        for index, page in enumerate(doc.pages):
            height = float(page.MediaBox[3])
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                dest = annot.get("/Dest")
                if dest is None and "/A" in annot and annot.A.get("/S") == "/GoTo":
                    dest = annot.A.D
                if dest is None:
                    continue
                assert isinstance(dest, pikepdf.Array), f"named destinations: {dest!r}"
                links += 1
                x0, y0, x1, y1 = (float(v) for v in annot.Rect)
                # the glyphs under the link (pdfplumber reads glyph positions; pdfium's boxes
                # for text carrying /ActualText are not where the glyphs are)
                shown = (
                    plumber.pages[index].crop((x0, height - y1, x1, height - y0)).extract_text()
                    or ""
                )
                match = LEADERS.match(nfkc(shown).replace("\n", ""))
                shown = squash(match["text"] if match else shown)
                target = pages.get(dest[0].objgen, -1)
                top = float(dest[3])
                near = squash(pdf.text_near(target, top, above=6, below=60))
                if not lands(shown, near):
                    problems.append(
                        f"link on physical page {index + 1} showing {shown[:30]!r} goes to page"
                        f" {target + 1} at y={top:.0f}, which shows {near[:40]!r}"
                    )
    assert links >= 20, f"{name}: only {links} internal links"
    assert not problems, "\n".join(problems)


def lands(shown: str, near: str) -> bool:
    """The link's text (give or take one neighbouring character the link box touches on
    either side) is what the destination shows first."""
    for left in (0, 1):
        for right in (0, 1):
            candidate = shown[left : len(shown) - right]
            if (
                len(candidate) >= max(2, len(shown) - 2)
                and candidate in near[: len(candidate) + 40]
            ):
                return True
    return False


# ---------------------------------------------------------------------- figures and tables


CAPTION = re.compile(r"^図表(?:(?P<chapter>\d+)-)?(?P<n>\d+)\s+(?P<text>\S.*)$")
DATA_INCLUDES = {
    "committee-members",
    "committee-meetings",
    "schedule",
    "hearing-list",
    "survey-chart",
}


def docx_captions(docx: Docx) -> list[str]:
    names = {
        s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")
        for s in docx.styles.iter(f"{W}style")
        if s.find(f"{W}name") is not None
    }
    return [
        nfkc(Docx.text_of(p)).strip()
        for p in docx.paragraphs()
        if names.get(Docx.style_of(p) or "", "").lower() == "caption"
    ]


def pdf_captions(pdf: Pdf) -> list[str]:
    out = []
    for body in pdf.bodies:
        for line in body.splitlines():
            line = nfkc(line).strip()
            if CAPTION.match(line):
                out.append(line)
    return out


def expected_figures(files: list[Path]) -> list[str]:
    """What the sources ask to be numbered: pictures, tables with a Table: caption, and the
    includes that draw tables or charts (content/README.md). Captions given in the source
    are listed; '' where the include supplies its own."""
    wanted: list[str] = []
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            picture = re.match(r"^!\[(.*?)\]\(", line)
            include = re.match(r"^::: include ([\w-]+)", line)
            if picture:
                wanted.append(picture[1])
            elif include and include[1] in DATA_INCLUDES:
                following = [text for text in lines[index + 2 : index + 5] if text.strip()]
                caption = (
                    re.match(r"^Table:\s*(.*?)\s*(\{.*\})?$", following[0]) if following else None
                )
                wanted.append(caption[1] if caption else "")
            elif (
                line.startswith("|")
                and index + 1 < len(lines)
                and re.match(r"^\|\s*-", lines[index + 1])
            ):
                rest = [text for text in lines[index:] if not text.startswith("|")]
                after = next((text for text in rest if text.strip()), "")
                caption = re.match(r"^Table:\s*(.*?)\s*(\{.*\})?$", after)
                wanted.append(caption[1] if caption else "")
    return wanted


def test_every_figure_and_table_has_number_and_caption(sample: Built) -> None:
    files = report_sources(sample.root)
    wanted = expected_figures(files)
    docx = sample.docx("報告書")
    in_docx = docx_captions(docx)
    problems = []
    for source, captions in (
        ("DOCX", in_docx),
        ("PDF", pdf_captions(sample.pdf("報告書_web.pdf"))),
        ("print PDF", pdf_captions(sample.pdf("報告書.pdf"))),
    ):
        if len(captions) != len(wanted):
            problems.append(
                f"{source}: {len(captions)} numbered captions for {len(wanted)} figures/tables: {captions}"
            )
        for caption, want in zip(captions, wanted, strict=False):
            match = CAPTION.match(caption)
            if not match:
                problems.append(f"{source}: caption without number and text: {caption!r}")
            elif want and squash(match["text"]) != squash(want):
                problems.append(f"{source}: caption {caption!r}, the source says {want!r}")
        if captions != in_docx:
            problems.append(f"{source} captions differ from the DOCX's: {captions} vs {in_docx}")
    # numbers run 1, 2, 3 … within each chapter; figures outside numbered chapters
    # (事業概要, 資料編) share one running count, so that 図表4 names one figure
    last: dict[str, int] = {}
    for caption in in_docx:
        match = CAPTION.match(caption)
        if not match:
            continue
        chapter = match["chapter"] or "-"
        expected = last.get(chapter, 0) + 1
        if int(match["n"]) != expected:
            problems.append(f"{caption!r}: expected number {expected} in its chapter")
        last[chapter] = int(match["n"])
    assert not problems, "\n".join(problems)


def test_docx_tables_and_figures_sit_under_a_caption(sample: Built) -> None:
    """In the DOCX every data table (cells in the layout's 表見出し/表本文 styles) and every
    figure paragraph (style 図) outside the case pages comes right after a caption paragraph
    carrying a SEQ field (spacer paragraphs in between allowed)."""
    docx = sample.docx("報告書")
    names = {
        s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")
        for s in docx.styles.iter(f"{W}style")
        if s.find(f"{W}name") is not None
    }
    problems, seen = [], 0
    previous: list = []
    for element in docx.body:
        tag = element.tag.split("}")[-1]
        if tag == "tbl":
            styles = {names.get(Docx.style_of(p) or "") for p in element.iter(f"{W}p")}
            is_data = bool(styles & {"表見出し", "表本文"})
            is_figure = False
        elif tag == "p":
            style = names.get(Docx.style_of(element) or "")
            is_data = False
            is_figure = style == "図" and element.find(f".//{W}drawing") is not None
        else:
            continue
        if is_data or is_figure:
            seen += 1
            caption = next(
                (
                    p
                    for p in reversed(previous)
                    if Docx.text_of(p).strip() or p.find(f".//{W}drawing") is not None
                ),
                None,
            )
            ok = (
                caption is not None
                and names.get(Docx.style_of(caption) or "", "").lower() == "caption"
                and "SEQ" in "".join(t.text or "" for t in caption.iter(f"{W}instrText"))
            )
            if not ok:
                text = Docx.text_of(element)[:40]
                problems.append(
                    f"{'table' if is_data else 'figure'} {text!r} is not under a numbered caption"
                )
        if tag == "p":
            previous.append(element)
        else:
            previous.append(element)
            previous = previous[-6:]
    assert seen >= 8, f"only {seen} tables and figures found"
    assert not problems, "\n".join(problems)


def test_figure_numbers_are_unique(sample: Built) -> None:
    """A number names one figure: 図表1 must not be two different figures of the report."""
    captions = docx_captions(sample.docx("報告書"))
    numbers = [re.sub(r"\s.*$", "", c) for c in captions]
    doubles = {
        n: [c for c in captions if c.startswith(n + "\u3000") or c.startswith(n + " ")]
        for n in numbers
        if numbers.count(n) > 1
    }
    assert not doubles, f"figure numbers used twice in the report: {doubles}"


# ---------------------------------------------------------------------- bookmarks


@pytest.mark.parametrize("name", ALL_PDFS)
def test_bookmarks_open_the_page_of_their_heading(sample: Built, name: str) -> None:
    pdf = sample.pdf(name)
    items = outline(sample.path(name))
    assert items, f"{name} has no bookmarks"
    problems = []
    last_page = 0
    for depth, title, page, top in items:
        if page < 0:
            problems.append(f"{title!r}: destination is not a page of the document")
            continue
        if page < last_page:
            problems.append(
                f"{title!r}: page {page + 1} comes before the previous bookmark's {last_page + 1}"
            )
        last_page = page
        wanted = squash(title)
        body = squash(pdf.full[page])
        if wanted not in body:
            problems.append(f"{title!r} (depth {depth}): page {page + 1} does not show it")
            continue
        near = squash(pdf.text_near(page, top, above=6, below=60))
        if wanted[:6] not in near:
            problems.append(
                f"{title!r}: the destination (page {page + 1}, y={top:.0f}) shows {near[:30]!r}"
            )
    assert not problems, f"{name}:\n" + "\n".join(problems)


# ---------------------------------------------------------------------- agreement


@pytest.mark.parametrize("name", ["事例集_web.pdf", "事例集.pdf"])
def test_case_pages_in_report_are_the_casebooks(sample: Built, name: str) -> None:
    report = sample.pdf(name.replace("事例集", "報告書"))
    casebook = sample.pdf(name)
    summary = sample.pdf(name.replace("事例集", "概略書"))
    problems = []
    for case in read_cases(sample.root):
        ours = band_page(casebook, case)
        theirs = band_page(report, case)
        assert ours >= 0 and theirs >= 0, (case.id, ours, theirs)
        for offset in range(4):
            a = flow(casebook.bodies[ours + offset])
            b = flow(report.bodies[theirs + offset])
            if a != b:
                at = next(
                    (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                    min(len(a), len(b)),
                )
                problems.append(
                    f"case {case.id} page {offset + 1}: casebook p.{ours + offset + 1} and report"
                    f" p.{theirs + offset + 1} differ at …{a[max(0, at - 20) : at + 20]!r} vs …{b[max(0, at - 20) : at + 20]!r}"
                )
        in_summary = band_page(summary, case)
        if in_summary >= 0:
            for offset in range(4):
                if flow(casebook.bodies[ours + offset]) != flow(
                    summary.bodies[in_summary + offset]
                ):
                    problems.append(
                        f"case {case.id} page {offset + 1}: the summary's page differs from the casebook's"
                    )
    assert not problems, "\n".join(problems)


def chart_blocks(pdf: Pdf, questions: list[dict]) -> dict[str, str]:
    """Each survey chart as printed: from its caption (number dropped) to its source line."""
    text = flow("\n".join(pdf.bodies))
    blocks = {}
    for question in questions:
        found = re.search(r"図表(?:\d+-)?\d+" + re.escape(squash(question["text"])), text)
        assert found, f"{pdf.path.name}: no chart captioned {question['text']!r}"
        at = found.start() + len(re.match(r"図表(?:\d+-)?\d+", found[0])[0])
        end = text.find(squash("資料："), at)
        assert end > at, f"{pdf.path.name}: chart {question['id']} has no source line"
        blocks[question["id"]] = text[at:end]
    return blocks


@pytest.mark.parametrize("suffix", ["_web.pdf", ".pdf"])
def test_survey_figures_agree_between_summary_and_report(sample: Built, suffix: str) -> None:
    survey = yaml.safe_load(
        (sample.root / "content" / "survey" / "prefecture.yaml").read_text(encoding="utf-8")
    )
    questions = survey["questions"]
    summary = chart_blocks(sample.pdf(f"概略書{suffix}"), questions)
    report = chart_blocks(sample.pdf(f"報告書{suffix}"), questions)
    for question in questions:
        qid = question["id"]
        assert summary[qid] == report[qid], (
            f"chart {qid}: summary {summary[qid]!r} vs report {report[qid]!r}"
        )
        n = question["n"]
        assert squash(f"（n={n}）") in summary[qid], summary[qid]
        for option in question["options"]:
            share = f"{option['count'] / n * 100:.1f}"
            assert squash(f"{option['count']}件（{share}%）") in summary[qid], (
                qid,
                option,
                summary[qid],
            )
    response = squash(
        f"調査対象数{survey['population']}件、有効回収数{survey['valid']}件、"
        f"有効回収率{survey['valid'] / survey['population'] * 100:.1f}%"
    )
    for name in (f"概略書{suffix}", f"報告書{suffix}"):
        assert response in sample.pdf(name).body_flow, f"{name}: no {response}"


# ---------------------------------------------------------------------- bad input


def edit_line(root: Path, file: str, marker: str, old: str, new: str) -> tuple[str, int]:
    """Replace `old` by `new` on the first line of `file` holding `marker`; the file
    and that line's number (1-based)."""
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if marker in line)
    lines[at] = lines[at].replace(old, new)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return file, at + 1


def broken_reference(root: Path) -> tuple[str, int]:
    file = "content/report/01-gaiyo.md"
    return edit_line(root, file, "[@sec:ch-lit]", "[@sec:ch-lit]", "[@sec:ch-no-such-chapter]")


def tally_off(root: Path) -> tuple[str, int]:
    # the error may name the option that is off, or the options list it belongs to
    marker = "{label: その他の回答, count: 36}"
    return edit_line(root, "content/survey/prefecture.yaml", marker, "count: 36", "count: 35")


def no_ministry(root: Path) -> tuple[str, int]:
    file = "content/policies/shuraku-network.yaml"
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("ministry:")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    return file, first + 1  # a missing key is reported where the record starts


def missing_chapter(root: Path) -> tuple[str, int]:
    return edit_line(
        root,
        "layouts/report.yaml",
        "source: report/9?-*.md",
        "report/9?-*.md",
        "report/99-no-such-chapter.md",
    )


@pytest.mark.parametrize(
    ("breaker", "code", "lines_before"),
    [
        (broken_reference, "E202", 0),
        (tally_off, "E502", 2),
        (no_ministry, "E104", 0),
        (missing_chapter, "E501", 1),
    ],
    ids=[
        "broken-cross-reference",
        "tally-not-n",
        "policy-without-ministry",
        "manifest-missing-chapter",
    ],
)
def test_bad_input_clear_error_with_file_and_line(
    broken_project: Path, breaker: Callable[[Path], tuple[str, int]], code: str, lines_before: int
) -> None:
    """`lines_before`: how far above the changed line the error may point and still be
    exact — the tally's options list (2 lines up) for a wrong count; the part's `- kind:`
    line (1 up) for a manifest entry's `source:`."""
    before = snapshot(broken_project / "output")
    file, line = breaker(broken_project)
    run = run_build(broken_project)
    found = errors(run.stderr)
    assert run.code == 1, str(run)
    assert len(found) == 1, f"expected one error, got {len(found)}:\n{run.stderr}"
    error = found[0]
    assert error.file == file and error.code == code, f"expected {file} {code}:\n{run.stderr}"
    assert line - lines_before <= error.line <= line, (
        f"the error points at line {error.line}, the problem is on line {line}:\n{run.stderr}"
    )
    assert error.hint, run.stderr
    assert snapshot(broken_project / "output") == before, "output/ changed after a failed build"
