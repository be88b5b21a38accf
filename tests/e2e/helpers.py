"""What the end-to-end tests share: running `python build.py` in a project copy, reading the
text of the PDFs (ours and LibreOffice's) and of the DOCX, and comparing text fairly.

Nothing here knows how kumihan works inside: the tests judge the files it writes, the way
an editor, a printer or an agency would look at them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build.py"
# the 概略書 as text, the reference the sample content was authored from; kept with the
# tests so they run wherever the repository is checked out
SEED = Path(__file__).parent / "data" / "seed-gairyakusho.txt"
FONTS_DIR = REPO / "assets" / "fonts"

DELIVERABLES = {"summary": "概略書", "casebook": "事例集", "report": "報告書"}
OUTPUT_NAMES = tuple(
    f"{stem}{suffix}" for stem in DELIVERABLES.values() for suffix in (".pdf", "_web.pdf", ".docx")
)

MM = 72.0 / 25.4
# The page furniture (running heads above, folio and organisation below) sits in these bands
# of the trimmed page; house.yaml: header baseline 14 mm, footer baseline 10 mm, and the
# body frame starts 20 mm (case pages) or 28 mm from the top, ends 18 or 25 mm from the foot.
HEADER_BAND = 17 * MM
FOOTER_BAND = 14.5 * MM

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ---------------------------------------------------------------------- running builds


@dataclass
class Run:
    """One `python build.py …` run."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return (
            f"python build.py {' '.join(self.args)} → exit {self.code}\n"
            f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        )


def run_build(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> Run:
    """`python build.py ARGS` with the project copy `root` as the working directory, as an
    editor runs it (build.py lives in the repository; the project is found from the cwd)."""
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, str(BUILD), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
    )
    return Run(tuple(args), done.returncode, done.stdout, done.stderr)


def copy_project(target: Path) -> Path:
    """content/, layouts/ and assets/ of the repository, copied to `target` (a project root)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("content", "layouts", "assets"):
        shutil.copytree(REPO / name, target / name, symlinks=False)
    return target


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` (hidden ones too) → its bytes."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


DIAGNOSTIC = re.compile(
    r"^(?P<file>[^\s:][^:]*?):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<code>[EWI]\d{3}) (?P<rest>.*)$"
)


@dataclass(frozen=True)
class Reported:
    """One diagnostic line as the CLI prints it: `file:line:col: CODE title [field]: message`."""

    file: str
    line: int
    col: int
    code: str
    text: str  # everything after the code
    hint: str

    @property
    def field(self) -> str:
        match = re.match(r"[^\[:]*\[([^\]]+)\]", self.text)
        return match.group(1) if match else ""


def diagnostics(text: str) -> list[Reported]:
    """The diagnostics printed in `text`, each with the hint line that follows it."""
    found: list[Reported] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = DIAGNOSTIC.match(line)
        if not match:
            continue
        hint = ""
        if index + 1 < len(lines) and lines[index + 1].strip().startswith("ヒント"):
            hint = lines[index + 1].strip()
        found.append(
            Reported(
                match["file"],
                int(match["line"]),
                int(match["col"] or 0),
                match["code"],
                match["rest"],
                hint,
            )
        )
    return found


def errors(text: str) -> list[Reported]:
    return [d for d in diagnostics(text) if d.code.startswith("E")]


# ---------------------------------------------------------------------- text


MARKER_LINE = re.compile(r"^\s*[・■－\-–○●▶◆]\s*$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def squash(text: str) -> str:
    """The comparison form of a text: NFKC, every kind of white space removed."""
    return re.sub(r"\s+", "", nfkc(text))


def flow(text: str) -> str:
    """Extracted text → comparison form. Lines that hold nothing but a list marker are
    dropped first (a bullet drawn as its own text object lands before or after its item
    depending on the drawing order; the markers themselves are the layout's)."""
    kept = [line for line in text.splitlines() if not MARKER_LINE.match(line)]
    return squash("\n".join(kept))


def wareki(day: dt.date) -> str:
    """The house style's 和暦 for dates of the 令和 era (the only era the sample needs)."""
    assert day >= dt.date(2019, 5, 1), day
    year = day.year - 2018
    return f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"


@dataclass
class Found:
    """Where each expected piece was found in a text, or the first piece that was not."""

    positions: list[tuple[int, int]] = field(default_factory=list)
    missing: str | None = None
    missing_index: int = -1
    searched_from: int = 0

    @property
    def end(self) -> int:
        return self.positions[-1][1] if self.positions else self.searched_from


def find_in_order(
    text: str, pieces: Sequence[str], start: int = 0, *, interrupted: bool = False
) -> Found:
    """Find each piece (already in comparison form) in `text` after the previous one.

    Taking the earliest occurrence each time is optimal: if the pieces can be found in
    order at all, this finds them. `interrupted`: a piece may be split in two by other
    text (side-by-side cells running over a page).
    """
    found = Found(searched_from=start)
    position = start
    for index, piece in enumerate(pieces):
        at = text.find(piece, position)
        end = at + len(piece)
        if at < 0 and interrupted:
            at, end = _find_interrupted(text, piece, position)
        if at < 0:
            found.missing = piece
            found.missing_index = index
            found.searched_from = position
            return found
        found.positions.append((at, end))
        position = end
    return found


def _find_interrupted(text: str, piece: str, start: int, gap: int = 2000) -> tuple[int, int]:
    """`piece` found as a head of at least 10 characters and the rest within `gap`
    characters after it: a side-by-side cell whose text runs over a page break has the
    next cell's text between the two parts in any page-by-page reading. (-1, -1) if not."""
    for cut in range(len(piece) - 1, 9, -1):
        head = text.find(piece[:cut], start)
        if head < 0:
            continue
        tail = text.find(piece[cut:], head + cut, head + cut + gap + len(piece))
        if tail >= 0:
            return head, tail + len(piece) - cut
    return -1, -1


def context(text: str, at: int, width: int = 60) -> str:
    return text[max(0, at - width) : at + width]


# ---------------------------------------------------------------------- PDFs


@dataclass
class Page:
    """One page's characters in drawing order, with each one's vertical centre and font size.

    pdfium reports a hyphen drawn at the end of a line as U+FFFE (it guesses a word was
    hyphenated) and drops it from bounded text; the hyphen is on the page (a URL broken
    after its own hyphen), so it is put back.
    """

    text: str
    centres: list[float]
    sizes: list[float]
    trim: tuple[float, float, float, float]  # left, bottom, right, top
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    @classmethod
    def read(cls, page: pdfium.PdfPage) -> Page:
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count else ""
            if len(text) != count:  # characters outside the BMP: one call per character
                text = "".join((textpage.get_text_range(i, 1) or " ")[:1] for i in range(count))
            centres, sizes, boxes = [], [], []
            for i in range(count):
                box = textpage.get_charbox(i)
                boxes.append(box)
                centres.append((box[1] + box[3]) / 2)
                sizes.append(pdfium_c.FPDFText_GetFontSize(textpage.raw, i))
        finally:
            textpage.close()
        trim = tuple(page.get_trimbox())
        return cls(text.replace("\ufffe", "-"), centres, sizes, trim, boxes)  # type: ignore[arg-type]

    def in_rect(self, x0: float, y0: float, x1: float, y1: float) -> str:
        """The characters whose centre lies in the rectangle (PDF user space)."""
        out = []
        for char, (left, bottom, right, top) in zip(self.text, self.boxes, strict=True):
            x, y = (left + right) / 2, (bottom + top) / 2
            if x0 <= x <= x1 and y0 <= y <= y1:
                out.append(char)
        return "".join(out)

    def band(self, low: float, high: float) -> str:
        return "".join(c for c, y in zip(self.text, self.centres, strict=True) if low <= y <= high)

    @property
    def body_low(self) -> float:
        return self.trim[1] + FOOTER_BAND

    @property
    def body_high(self) -> float:
        return self.trim[3] - HEADER_BAND

    @cached_property
    def body(self) -> str:
        """The text between the running head and the footer."""
        return self.band(self.body_low, self.body_high)

    @cached_property
    def footer(self) -> str:
        return self.band(self.trim[1], self.body_low)

    @cached_property
    def squashed(self) -> tuple[str, list[int]]:
        """The body in comparison form, and for each of its characters the page character
        it came from."""
        out: list[str] = []
        origin: list[int] = []
        for index, (char, y) in enumerate(zip(self.text, self.centres, strict=True)):
            if not self.body_low <= y <= self.body_high:
                continue
            for piece in re.sub(r"\s+", "", nfkc(char)):
                out.append(piece)
                origin.append(index)
        return "".join(out), origin

    def heading_at(self, needle: str, min_size: float) -> bool:
        """True when `needle` (any form) occurs in the body starting in type of at least
        `min_size` pt — a heading, not the same words in running text or a list."""
        text, origin = self.squashed
        wanted = squash(needle)
        at = text.find(wanted)
        while at >= 0:
            if self.sizes[origin[at]] >= min_size:
                return True
            at = text.find(wanted, at + 1)
        return False


class Pdf:
    """A PDF's pages as text: the body (page furniture cut off) and the folio, per page.

    Works on our print PDF (TrimBox inside bleed and marks), our screen PDF and
    LibreOffice's PDF alike: positions are taken relative to the TrimBox (pdfium falls
    back to the CropBox/MediaBox when a page has none).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        document = pdfium.PdfDocument(str(path))
        try:
            self.pages = []
            for index in range(len(document)):
                page = document[index]
                self.pages.append(Page.read(page))
                page.close()
        finally:
            document.close()
        self.bodies = [p.body for p in self.pages]
        self.full = [p.text for p in self.pages]
        self.folio_texts = [p.footer for p in self.pages]

    def __len__(self) -> int:
        return len(self.pages)

    def text_near(self, index: int, y: float, above: float = 6.0, below: float = 72.0) -> str:
        """The text of page `index` in a band from `above` pt over `y` to `below` pt under it
        (PDF user space, as in a /XYZ destination)."""
        return self.pages[index].band(y - below, y + above)

    @cached_property
    def body_flow(self) -> str:
        """All pages' body text in comparison form, in page order."""
        return flow("\n".join(self.bodies))

    @cached_property
    def labels(self) -> list[str]:
        """/PageLabels of each page ('' where the PDF has none)."""
        with pikepdf.open(self.path) as pdf:
            if "/PageLabels" not in pdf.Root:
                return ["" for _ in pdf.pages]
            return [str(page.label).strip() for page in pdf.pages]

    @cached_property
    def folios(self) -> list[str]:
        """The printed page number of each page (from the footer band), '' where none."""
        result = []
        for text in self.folio_texts:
            tokens = re.findall(r"(?<![\w.])([0-9]+|[ivxlc]+)(?![\w.])", nfkc(text))
            result.append(tokens[0] if tokens else "")
        return result


# ---------------------------------------------------------------------- DOCX


class Docx:
    """A DOCX read as XML: the body's paragraphs and tables in document order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as package:
            self.parts = {name: package.read(name) for name in package.namelist()}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        self.styles = etree.fromstring(self.parts["word/styles.xml"])
        self.body = self.document.find(f"{W}body")

    @staticmethod
    def text_of(element: etree._Element) -> str:
        return "".join(t.text or "" for t in element.iter(f"{W}t"))

    @staticmethod
    def style_of(paragraph: etree._Element) -> str | None:
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        return None if style is None else style.get(f"{W}val")

    def paragraphs(self) -> list[etree._Element]:
        return list(self.body.iter(f"{W}p"))

    @cached_property
    def body_flow(self) -> str:
        """Every paragraph's text, in document order (table cells included), comparison form."""
        return flow("\n".join(self.text_of(p) for p in self.paragraphs()))

    def tables(self) -> list[list[list[str]]]:
        """Every top-level table as rows of cell texts (cells spanning columns are followed
        by empty cells, a continued vertical merge is empty), paragraphs joined by newlines."""
        out = []
        for table in self.body.iter(f"{W}tbl"):
            rows = []
            for row in table.findall(f"{W}tr"):
                cells: list[str] = []
                for cell in row.findall(f"{W}tc"):
                    span = cell.find(f"{W}tcPr/{W}gridSpan")
                    merge = cell.find(f"{W}tcPr/{W}vMerge")
                    continued = merge is not None and merge.get(f"{W}val") in (None, "continue")
                    text = "\n".join(self.text_of(p) for p in cell.findall(f"{W}p"))
                    cells.append("" if continued else text)
                    if span is not None:
                        cells.extend([""] * (int(span.get(f"{W}val")) - 1))
                rows.append(cells)
            out.append(rows)
        return out


# ---------------------------------------------------------------------- LibreOffice


def soffice_or_skip() -> None:
    import pytest

    from kumihan.verify.libreoffice import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")


def libreoffice_pdf(docx: Path, outdir: Path) -> Path:
    """LibreOffice's rendering of `docx` with the project's fonts (assets/fonts)."""
    from kumihan.verify.libreoffice import convert_to_pdf

    return convert_to_pdf(docx, outdir, FONTS_DIR)


def which_or_skip(tool: str) -> str:
    import pytest

    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed")
    return path


def first_page_with(pdf: Pdf, needles: Iterable[str], start: int = 0) -> int:
    """The first page (0-based, from `start`) whose body text holds every needle."""
    wanted = [squash(n) for n in needles]
    for index in range(start, len(pdf)):
        body = flow(pdf.bodies[index])
        if all(w in body for w in wanted):
            return index
    return -1
