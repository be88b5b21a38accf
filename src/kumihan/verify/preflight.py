"""Preflight of a finished PDF: what a print vendor's checker (or a screen reader) would reject.

Takes the path of any PDF; gives a `PreflightReport` with one or more `Finding`s
per named check, each PASS, WARN or FAIL with the 1-based pages concerned.

How: one walk over every page's content stream (pikepdf's parser), following
the graphics state through q/Q, cm, colour, line width, ExtGState and text
operators, into form XObjects, tiling patterns and printing annotations'
appearance streams. The walk records facts (colours painted, text shown per
font, images placed with their CTM, strokes, transparency); the checks then
judge those facts. Document-level checks (boxes, Info, OutputIntent, objects)
read the PDF directly. Glyph ids come from the embedded font programs through
fontTools.

Print profile (PDF/X-1a:2003 as Japanese vendors ask for it): boxes, fonts,
glyphs, colour, text-black, ink, images, rules, transparency, overprint, pdfx,
pages. Screen profile: fonts, glyphs, title, lang, outline.

Known limits: objects wholly outside the BleedBox (marks, slug) are left out of
the ink, rule, rich-black and registration checks, judged by their path's or
image's box and, for text, by the start of the line; stroke width uses the CTM's
smaller scale; shading ink is read from type 2/3 functions only; glyphs are not
checked for Type 1 (FontFile) programs or Type0 fonts on predefined CMaps other
than Identity (WARN); JPEG 2000 image ink is not measured (X-1a forbids JPX).

Rebuilds: with an `InkMemo` installed (`use_ink_memo`), each page's share of the walk
(its issues and facts) is also remembered by a digest of the page's content by value
(`PageMemo`, a file beside the inks), and a page met again is replayed instead of
walked. Replay gives the same report as a walk: see `_walk`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import struct
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream
from PIL import Image

from kumihan.verify.ink import INK_PREFIX, ink_key, max_band_ink

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

Status = Literal["PASS", "WARN", "FAIL"]
Profile = Literal["print", "screen"]

# Vendor limits (see shared/reference/print-submission.md).
PPI_WARN = 300.0
PPI_FAIL = 150.0
PPI_LINE_ART = 600.0
INK_LIMIT = 3.0  # 300 %, as a sum of fractions
RULE_MIN_PT = 0.3
RICH_BLACK_K = 0.8
MM = 72.0 / 25.4
_BOX_TOLERANCE = 0.01  # pt: boxes written with rounded decimals
_BLEED_TOLERANCE = 0.05  # pt: about 0.02 mm

PRINT_CHECKS = (
    "boxes",
    "fonts",
    "glyphs",
    "colour",
    "text-black",
    "ink",
    "images",
    "rules",
    "transparency",
    "overprint",
    "pdfx",
    "pages",
)
SCREEN_CHECKS = ("fonts", "glyphs", "title", "lang", "outline")


# ---------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class Finding:
    """One outcome of one check; `pages` are 1-based and empty for document-wide findings."""

    check: str
    status: Literal["PASS", "WARN", "FAIL"]
    message: str
    pages: tuple[int, ...] = ()


@dataclass
class PreflightReport:
    """Every finding of a preflight run, in check order."""

    path: str
    profile: str
    findings: list[Finding]

    @property
    def passed(self) -> bool:
        """True when no finding is a FAIL (warnings do not fail a PDF)."""
        return all(f.status != "FAIL" for f in self.findings)

    def failures(self, check: str | None = None) -> list[Finding]:
        """The FAIL findings, of one check or of all."""
        return [f for f in self.findings if f.status == "FAIL" and check in (None, f.check)]

    def status(self, check: str) -> Status:
        """The worst status of one check (PASS if it has no findings)."""
        worst: Status = "PASS"
        for f in self.findings:
            if f.check == check and _RANK[f.status] > _RANK[worst]:
                worst = f.status
        return worst

    def format(self) -> str:
        """Human text: a heading, then one line per finding (status, check, message, pages)."""
        width = max((len(f.check) for f in self.findings), default=5)
        verdict = "passed" if self.passed else "FAILED"
        lines = [f"preflight ({self.profile}) {self.path}: {verdict}"]
        for f in self.findings:
            where = f" ({_page_list(f.pages)})" if f.pages else ""
            lines.append(f"{f.status:<4}  {f.check:<{width}}  {f.message}{where}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: path, profile, passed, and the findings."""
        return {
            "path": self.path,
            "profile": self.profile,
            "passed": self.passed,
            "findings": [
                {"check": f.check, "status": f.status, "message": f.message, "pages": list(f.pages)}
                for f in self.findings
            ],
        }


_RANK: dict[str, int] = {"PASS": 0, "WARN": 1, "FAIL": 2}


def _page_list(pages: tuple[int, ...], limit: int = 12) -> str:
    """(1, 2, 3, 7) → 'pages 1–3, 7'; long lists are cut with a count."""
    runs: list[str] = []
    start = prev = pages[0]
    for p in (*pages[1:], None):
        if p is not None and p == prev + 1:
            prev = p
            continue
        runs.append(str(start) if start == prev else f"{start}–{prev}")
        if p is not None:
            start = prev = p
    text = ", ".join(runs[:limit]) + (f", … ({len(pages)} pages)" if len(runs) > limit else "")
    return ("page " if len(pages) == 1 else "pages ") + text


def preflight(
    path: Path,
    *,
    profile: Profile = "print",
    page_multiple: int = 2,
    bleed_mm: float | None = None,
) -> PreflightReport:
    """Check the PDF at `path` against the print (PDF/X-1a) or screen profile.

    `page_multiple`: the binding unit; a page count off it is a WARN, or a FAIL when a
    unit above 2 was asked for. `bleed_mm`: the bleed every page must have, if given.
    """
    if profile not in ("print", "screen"):
        raise ValueError(f"unknown preflight profile {profile!r} (print or screen)")
    try:
        pdf = Pdf.open(path)
    except pikepdf.PasswordError:
        finding = Finding("pdfx", "FAIL", "encrypted with a password: cannot be read or printed")
        return PreflightReport(str(path), profile, [finding])
    except pikepdf.PdfError as exc:
        return PreflightReport(str(path), profile, [Finding("structure", "FAIL", str(exc))])
    with pdf:
        issues = _Issues()
        facts = _walk(pdf, issues, measure_ink=profile == "print")
        if profile == "print":
            _check_boxes(pdf, issues, bleed_mm)
            _check_pdfx(pdf, issues, facts)
            _check_pages(len(pdf.pages), page_multiple, issues)
        else:
            _check_screen(pdf, issues)
        _check_fonts(facts, issues)
        _check_glyphs(facts, issues)
        _judge_images(facts, issues)
        checks = PRINT_CHECKS if profile == "print" else SCREEN_CHECKS
        findings = _findings(checks, issues, _pass_messages(pdf, facts, page_multiple))
        if "structure" in issues.checks():
            findings = _findings(("structure",), issues, {}) + findings
    return PreflightReport(str(path), profile, findings)


# ---------------------------------------------------------------------------
# Issues: (check, status, message) → pages and details, collected from everywhere


class _Issues:
    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str], tuple[set[int], set[str]]] = {}

    def add(
        self, check: str, status: Status, message: str, page: int = 0, detail: str = ""
    ) -> None:
        pages, details = self._items.setdefault((check, status, message), (set(), set()))
        if page:
            pages.add(page)
        if detail:
            details.add(detail)

    def checks(self) -> set[str]:
        return {key[0] for key in self._items}

    def of(self, check: str) -> Iterator[Finding]:
        keys = sorted((k for k in self._items if k[0] == check), key=lambda k: -_RANK[k[1]])
        for key in keys:
            pages, details = self._items[key]
            message = key[2]
            if details:
                message += ": " + ", ".join(sorted(details, key=_natural)[:8])
                message += ", …" if len(details) > 8 else ""
            status: Status = "FAIL" if key[1] == "FAIL" else "WARN"
            yield Finding(check, status, message, tuple(sorted(pages)))

    def merge(self, other: _Issues) -> None:
        """Add `other`'s issues (one page's) to these, in the order `other` first met them."""
        for key, (pages, details) in other._items.items():
            mine = self._items.setdefault(key, (set(), set()))
            mine[0].update(pages)
            mine[1].update(details)

    def rows(self, page: int) -> list[list[Any]] | None:
        """One page's issues as JSON rows (check, status, message, on the page?, details);
        None if an issue names a page other than `page`."""
        out: list[list[Any]] = []
        for (check, status, message), (pages, details) in self._items.items():
            if pages - {page}:
                return None
            out.append([check, status, message, bool(pages), sorted(details)])
        return out

    @classmethod
    def from_rows(cls, rows: list[Any], page: int) -> _Issues:
        """The inverse of `rows`, on page `page` (ValueError/TypeError for rows it did not make)."""
        issues = cls()
        for check, status, message, on_page, details in rows:
            if not (isinstance(check, str) and isinstance(message, str)) or status not in _RANK:
                raise ValueError("not an issue row")
            found = ({page} if on_page else set(), {str(d) for d in details})
            issues._items[(check, status, message)] = found
        return issues


def _natural(text: str) -> tuple[int, str]:
    digits = re.match(r"\d+", text)
    return (int(digits.group()) if digits else 1 << 30, text)


def _findings(checks: Iterable[str], issues: _Issues, passes: dict[str, str]) -> list[Finding]:
    out: list[Finding] = []
    for check in checks:
        found = list(issues.of(check))
        out.extend(found or [Finding(check, "PASS", passes.get(check, "ok"))])
    return out


# ---------------------------------------------------------------------------
# Geometry: PDF matrices as 6-tuples (a b c d e f), row-vector convention

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (what `m cm` does to a CTM n is _mul(m, n))."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _min_scale(m: Matrix) -> float:
    """The smallest singular value of the CTM: how thin a line can get in any direction."""
    a, b, c, d = m[0], m[1], m[2], m[3]
    s1 = a * a + b * b + c * c + d * d
    det = abs(a * d - b * c)
    disc = math.sqrt(max(s1 * s1 - 4 * det * det, 0.0))
    return math.sqrt(max((s1 - disc) / 2, 0.0))


def _bbox(m: Matrix, rect: Rect) -> Rect:
    pts = [_apply(m, x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _rect(obj: Any) -> Rect | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in obj)
    except (TypeError, ValueError):
        return None
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _matrix(obj: Any) -> Matrix:
    if not isinstance(obj, Array) or len(obj) != 6:
        return IDENTITY
    a, b, c, d, e, f = (float(v) for v in obj)
    return (a, b, c, d, e, f)


def _contains(outer: Rect, inner: Rect, tol: float = _BOX_TOLERANCE) -> bool:
    return (
        inner[0] >= outer[0] - tol
        and inner[1] >= outer[1] - tol
        and inner[2] <= outer[2] + tol
        and inner[3] <= outer[3] + tol
    )


def _disjoint(a: Rect, b: Rect) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


# ---------------------------------------------------------------------------
# Colour spaces


@dataclass(frozen=True, eq=False)
class _Space:
    """A resolved colour space; identity-hashed because instances are interned per document."""

    family: str  # DeviceGray, DeviceRGB, DeviceCMYK, CalGray, CalRGB, Lab, ICCBased, ...
    n: int
    colorants: tuple[str, ...] = ()  # Separation/DeviceN names
    base: _Space | None = None  # Indexed base, Pattern underlying, Separation/DeviceN alternate


GRAY = _Space("DeviceGray", 1)
RGB = _Space("DeviceRGB", 3)
CMYK = _Space("DeviceCMYK", 4)
PATTERN = _Space("Pattern", 0)
_DEVICE = {
    "/DeviceGray": GRAY,
    "/G": GRAY,
    "/DeviceRGB": RGB,
    "/RGB": RGB,
    "/DeviceCMYK": CMYK,
    "/CMYK": CMYK,
    "/Pattern": PATTERN,
}
_PROCESS_COLORANTS = {"Cyan", "Magenta", "Yellow", "Black", "None"}

# (space, components, pattern key or None): hashable, so verdicts can be memoised
Colour = tuple[_Space, tuple[float, ...], Any]
_BLACK: Colour = (GRAY, (0.0,), None)


def _print_problem(space: _Space) -> tuple[Status, str] | None:
    """Why PDF/X-1a rejects (FAIL) or a printer might query (WARN) a colour space, if it does."""
    fam = space.family
    if fam in ("DeviceGray", "DeviceCMYK", "Pattern"):
        return None
    if fam in ("DeviceRGB", "CalRGB") or (fam == "ICCBased" and space.n == 3):
        return ("FAIL", f"RGB colour ({fam})")
    if fam == "Lab":
        return ("FAIL", "Lab colour")
    if fam in ("CalGray", "ICCBased"):
        return ("FAIL", f"{fam} colour (X-1a allows DeviceCMYK and DeviceGray only)")
    if fam == "Indexed" and space.base is not None:
        return _print_problem(space.base)
    if fam in ("Separation", "DeviceN"):
        if space.base is not None and (alt := _print_problem(space.base)) and alt[0] == "FAIL":
            return ("FAIL", f"spot colour with {alt[1]} alternate")
        spots = [c for c in space.colorants if c not in _PROCESS_COLORANTS | {"All"}]
        if spots:
            return ("WARN", "spot colour (an extra plate): " + ", ".join(spots))
        return None
    return ("FAIL", f"unsupported colour space {fam}")


def _is_rgb(space: _Space) -> bool:
    base = space.base if space.family == "Indexed" else None
    fam = (base or space).family
    return fam in ("DeviceRGB", "CalRGB") or (fam == "ICCBased" and (base or space).n == 3)


def _ink(colour: Colour) -> float | None:
    space, comps, _ = colour
    if space.family == "DeviceCMYK" and len(comps) == 4:
        return sum(comps)
    return None


def _rich_black(colour: Colour) -> bool:
    space, comps, _ = colour
    return (
        space.family == "DeviceCMYK"
        and len(comps) == 4
        and comps[3] >= RICH_BLACK_K
        and (max(comps[:3]) > 0.0)
    )


def _white(colour: Colour) -> bool:
    space, comps, _ = colour
    if space.family == "DeviceCMYK":
        return len(comps) == 4 and max(comps) == 0.0
    if space.family == "DeviceGray":
        return len(comps) == 1 and comps[0] >= 1.0
    return False


# ---------------------------------------------------------------------------
# What the walk learns about the document


@dataclass
class _Placement:
    page: int
    key: tuple[int, int]
    label: str
    ppi: float
    line_art: bool


@dataclass
class _Facts:
    # font key → (font, pages that select it with Tf, pages whose resources list it)
    fonts: dict[Any, tuple[Dictionary, set[int], set[int]]] = field(default_factory=dict)
    # font key → page → the distinct strings shown in that font on that page
    text: dict[Any, dict[int, set[bytes]]] = field(default_factory=dict)
    images: list[_Placement] = field(default_factory=list)
    image_count: int = 0
    max_ink: float = 0.0
    thinnest_rule: float | None = None
    colour_spaces: set[str] = field(default_factory=set)
    # stream object number → pages drawing it (contents, XObjects, patterns), for page numbers
    streams: dict[tuple[int, int], set[int]] = field(default_factory=lambda: defaultdict(set))

    def merge(self, other: _Facts) -> None:
        """Add one page's facts (`other`) to the document's, as if walked on after them:
        first-seen orders kept, page sets joined, counts summed, extremes kept."""
        for key, (font, used, listed) in other.fonts.items():
            entry = self.fonts.setdefault(key, (font, set(), set()))
            entry[1].update(used)
            entry[2].update(listed)
        for key, by_page in other.text.items():
            mine = self.text.setdefault(key, {})
            for page, strings in by_page.items():
                mine.setdefault(page, set()).update(strings)
        self.images.extend(other.images)
        self.image_count += other.image_count
        if other.max_ink > self.max_ink:
            self.max_ink = other.max_ink
        thinnest = other.thinnest_rule
        if thinnest is not None and (self.thinnest_rule is None or thinnest < self.thinnest_rule):
            self.thinnest_rule = thinnest
        self.colour_spaces |= other.colour_spaces
        for key, pages in other.streams.items():
            self.streams[key] |= pages


# ---------------------------------------------------------------------------
# The walk


class _GState:
    __slots__ = ("ctm", "fill", "font", "lw", "op_fill", "op_stroke", "stroke", "tr")

    def __init__(self, ctm: Matrix = IDENTITY) -> None:
        self.ctm = ctm
        self.fill: Colour = _BLACK
        self.stroke: Colour = _BLACK
        self.lw = 1.0
        self.font: Any = None
        self.tr = 0
        self.op_fill = False
        self.op_stroke = False

    def copy(self) -> _GState:
        new = _GState.__new__(_GState)
        for slot in _GState.__slots__:
            setattr(new, slot, getattr(self, slot))
        return new


# Only the operators the checks need: leaving out TL, Tc, Tw, Tz, Ts and marked content
# keeps pikepdf from building Python objects for the bulk of a text-heavy page.
_OPERATORS = (
    "q Q cm w gs g G rg RG k K cs CS sc scn SC SCN m l c v y re S s f F f* B B* b b* n "
    "BT Tf Tr Td TD Tm Tj TJ ' \" Do sh BI ID EI"
)
_FILL_TR = frozenset({0, 2, 4, 6})
_STROKE_TR = frozenset({1, 2, 5, 6})
_MAX_DEPTH = 24


def _walk(pdf: Pdf, issues: _Issues, *, measure_ink: bool) -> _Facts:
    """Walk every page into `issues` and the returned facts.

    Each page is walked into issues and facts of its own, merged in page order: the
    same end state as one running walk (the walk never reads what earlier pages found,
    only keeps first-seen orders, unions, sums and extremes, which merging keeps), and
    the form in which a page's share is remembered. With an ink memo installed, a page
    whose key (`_PageKeys`) the memo knows is replayed from its record instead.
    """
    walker = _Walker(measure_ink)
    facts = _Facts()
    memo = _INK_MEMO.pages if _INK_MEMO is not None else None
    keys = _PageKeys(measure_ink) if memo is not None else None
    for number, page in enumerate(pdf.pages, start=1):
        key = keys.key(page.obj) if keys is not None else None
        share = _replay(memo, key, number, pdf) if memo is not None and key is not None else None
        if share is None:
            share = walker.page(number, page.obj)
            if memo is not None and key is not None and not walker.volatile:
                _remember(memo, key, share, number, walker.ink_deps)
        issues.merge(share[0])
        facts.merge(share[1])
    return facts


def _key(obj: Any) -> Any:
    """A stable key for a PDF object: its object number, or its serialisation if direct.

    Not id(): pikepdf makes a new wrapper on every access, so ids of direct objects
    are reused and would alias different objects.
    """
    objgen = obj.objgen
    return objgen if objgen != (0, 0) else ("direct", bytes(obj.unparse()))


def _inherited(page: Dictionary, key: str) -> Any:
    node: Any = page
    for _ in range(64):
        if not isinstance(node, Dictionary):
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


class _Walker:
    """Walks content streams for one document, page by page, each page into its own
    facts and issues.

    Its caches (colour spaces, images, parsed streams) outlive a page. An entry made
    with the resources of the page that first met it (a named colour space inside an
    array, an image's named colour space) or from a stream that failed to parse (reported
    on the first page only) would make a later page's share depend on an earlier page;
    a page touching such an entry is `volatile` and is never remembered (see `_walk`).
    """

    def __init__(self, measure_ink: bool) -> None:
        self.issues = _Issues()
        self.measure_ink = measure_ink
        self.facts = _Facts()
        self.page_no = 0
        self.bleed: Rect | None = None
        self.volatile = False
        self.ink_deps: list[tuple[str, float | None]] = []  # ink memo entries the page read
        self._spaces: dict[Any, _Space] = {}
        self._verdicts: dict[tuple[Colour, str], list[tuple[str, Status, str, bool]]] = {}
        self._parsed: dict[Any, list[Any]] = {}
        self._images: dict[Any, _ImageInfo] = {}
        self._broken: set[Any] = set()  # parsed-stream keys that failed
        self._contextual: set[Any] = set()  # space and image keys resolved through resources
        self._lookups = 0  # named resource lookups so far: a rise marks an entry contextual
        self._patterns_done: set[tuple[Any, int]] = set()
        self.patterns: dict[Any, Any] = {}  # pattern key (in a Colour) → the pattern object
        # (colour, usage, page) already judged for an object inside the bleed box
        self.painted: set[tuple[Colour, str, int]] = set()

    # -- pages, forms, annotations --------------------------------------------------

    def page(self, number: int, page: Dictionary) -> tuple[_Issues, _Facts]:
        """Walk one page: the issues and facts found on it alone."""
        self.issues, self.facts = _Issues(), _Facts()
        self.volatile = False
        self.ink_deps = []
        self.page_no = number
        media = _rect(_inherited(page, "/MediaBox")) or (0.0, 0.0, 612.0, 792.0)
        self.bleed = _rect(page.get("/BleedBox")) or _rect(_inherited(page, "/CropBox")) or media
        resources = _inherited(page, "/Resources")
        contents = page.get("/Contents")
        for stream in contents if isinstance(contents, Array) else [contents]:
            self.used(stream)
        group = page.get("/Group")
        if isinstance(group, Dictionary) and group.get("/S") == Name.Transparency:
            self.issues.add("transparency", "FAIL", "transparency group", number, "page")
        try:
            instructions = pikepdf.parse_content_stream(pikepdf.Page(page), _OPERATORS)
        except pikepdf.PdfError as exc:
            self.issues.add("structure", "FAIL", f"content stream unreadable: {exc}", number)
            self.volatile = True  # the message may carry object numbers
            instructions = []
        _Interp(self, resources, _GState(), 0).run(instructions)
        self._annotations(page)
        return self.issues, self.facts

    def used(self, obj: Any) -> None:
        """Note that the current page draws this stream (and its soft mask)."""
        if isinstance(obj, Stream):
            self.facts.streams[obj.objgen].add(self.page_no)
            if isinstance(obj.get("/SMask"), Stream):
                self.facts.streams[obj.SMask.objgen].add(self.page_no)

    def form(self, xobj: Stream, gs: _GState, resources: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            self.issues.add("structure", "FAIL", "form XObjects nested too deeply", self.page_no)
            return
        group = xobj.get("/Group")
        if isinstance(group, Dictionary) and group.get("/S") == Name.Transparency:
            self.issues.add("transparency", "FAIL", "transparency group", self.page_no, "form")
        inner = gs.copy()
        inner.ctm = _mul(_matrix(xobj.get("/Matrix")), gs.ctm)
        own = xobj.get("/Resources")
        _Interp(self, own if own is not None else resources, inner, depth + 1).run(
            self.parsed(xobj)
        )

    def parsed(self, stream: Stream) -> list[Any]:
        key = _key(stream)
        if key not in self._parsed:
            try:
                self._parsed[key] = pikepdf.parse_content_stream(stream, _OPERATORS)
            except pikepdf.PdfError as exc:
                self.issues.add(
                    "structure", "FAIL", f"content stream unreadable: {exc}", self.page_no
                )
                self._parsed[key] = []
                self._broken.add(key)
        if key in self._broken:
            self.volatile = True  # reported on the first page drawing it only
        return self._parsed[key]

    def _annotations(self, page: Dictionary) -> None:
        annots = page.get("/Annots")
        if not isinstance(annots, Array):
            return
        for annot in annots:
            if not isinstance(annot, Dictionary):
                continue
            flags = int(annot.get("/F", 0))
            printed = flags & 4 and not flags & 2  # Print set, Hidden clear
            appearance = _appearance(annot)
            rect = _rect(annot.get("/Rect"))
            if printed and appearance is not None and rect is not None:
                gs = _GState(_annotation_matrix(appearance, rect))
                _Interp(self, appearance.get("/Resources"), gs, 1).run(self.parsed(appearance))

    # -- colour --------------------------------------------------------------------

    def space(self, obj: Any, resources: Any = None, depth: int = 0) -> _Space:
        """Resolve a colour space operand, name or array (resources give named spaces)."""
        if isinstance(obj, Name):
            name = str(obj)
            if name in _DEVICE:
                return _DEVICE[name]
            self._lookups += 1
            named = _resource(resources, "/ColorSpace", name)
            if named is None or depth > 8:
                self.issues.add("structure", "FAIL", f"missing colour space {name}", self.page_no)
                return GRAY
            return self.space(named, resources, depth + 1)
        key = _key(obj)
        if key not in self._spaces:
            before = self._lookups
            self._spaces[key] = self._array_space(obj, resources, depth)
            if self._lookups != before:
                self._contextual.add(key)
        self._touch(key)
        return self._spaces[key]

    def _touch(self, key: Any) -> None:
        """Note the use of a cached space or image: if it was made through a page's
        resources, the current page (and whatever encloses it) depends on that page."""
        if key in self._contextual:
            self.volatile = True
            self._lookups += 1

    def _array_space(self, obj: Any, resources: Any, depth: int) -> _Space:
        if not isinstance(obj, Array) or len(obj) == 0:
            return GRAY
        fam = str(obj[0]).lstrip("/")
        if fam in ("DeviceGray", "DeviceRGB", "DeviceCMYK", "Pattern") and len(obj) == 1:
            return _DEVICE["/" + fam]
        if fam == "ICCBased":
            n = int(obj[1].get("/N", 3)) if isinstance(obj[1], Stream) else 3
            return _Space("ICCBased", n)
        if fam in ("CalGray", "CalRGB", "Lab"):
            return _Space(fam, {"CalGray": 1, "CalRGB": 3, "Lab": 3}[fam])
        if fam in ("Indexed", "I"):
            return _Space("Indexed", 1, base=self.space(obj[1], resources, depth + 1))
        if fam == "Separation":
            alt = self.space(obj[2], resources, depth + 1)
            return _Space("Separation", 1, (str(obj[1]).lstrip("/"),), alt)
        if fam == "DeviceN":
            names = tuple(str(n).lstrip("/") for n in obj[1])
            return _Space("DeviceN", len(names), names, self.space(obj[2], resources, depth + 1))
        if fam == "Pattern":
            return _Space("Pattern", 0, base=self.space(obj[1], resources, depth + 1))
        return _Space(fam, 1)

    def verdicts(self, colour: Colour, usage: str) -> list[tuple[str, Status, str, bool]]:
        """(check, status, message, positional) for painting `colour`; memoised."""
        key = (colour, usage)
        found = self._verdicts.get(key)
        if found is None:
            found = self._verdicts[key] = _colour_verdicts(colour, usage)
        return found

    # -- images --------------------------------------------------------------------

    def image_info(self, obj: Stream, resources: Any) -> _ImageInfo:
        key = _key(obj)
        info = self._images.get(key)
        if info is None:
            before = self._lookups
            info = self._images[key] = _ImageInfo.read(obj, self, resources)
            if self._lookups != before:
                self._contextual.add(key)
        self._touch(key)
        return info

    def pattern_once(self, key: Any) -> bool:
        """True the first time a pattern is painted on the current page."""
        if (key, self.page_no) in self._patterns_done:
            return False
        self._patterns_done.add((key, self.page_no))
        return True

    def font_key(self, resources: Any, name: str) -> Any:
        font = _resource(resources, "/Font", name)
        if not isinstance(font, Dictionary):
            self.issues.add("structure", "FAIL", f"missing font resource {name}", self.page_no)
            return None
        key = _key(font)
        self.facts.fonts.setdefault(key, (font, set(), set()))[1].add(self.page_no)
        return key

    def register_fonts(self, resources: Any) -> None:
        """Fonts listed in resources count even unused: pdffonts and vendors' checkers see them."""
        fonts = resources.get("/Font") if isinstance(resources, Dictionary) else None
        if not isinstance(fonts, Dictionary):
            return
        for font in fonts.values():
            if isinstance(font, Dictionary):
                self.facts.fonts.setdefault(_key(font), (font, set(), set()))[2].add(self.page_no)


def _is_dict(obj: Any) -> bool:
    """Dictionaries and streams (pikepdf does not count a Stream as a Dictionary)."""
    return isinstance(obj, Dictionary | Stream)


def _resource(resources: Any, category: str, name: str) -> Any:
    if not isinstance(resources, Dictionary):
        return None
    group = resources.get(category)
    if not isinstance(group, Dictionary):
        return None
    return group.get(name)


def _colour_verdicts(colour: Colour, usage: str) -> list[tuple[str, Status, str, bool]]:
    space = colour[0]
    out: list[tuple[str, Status, str, bool]] = []
    problem = _print_problem(space)
    if problem is not None:
        out.append(("colour", problem[0], problem[1], False))
    if "All" in space.colorants:
        out.append(
            ("colour", "FAIL", "registration colour (Separation All) inside the bleed box", True)
        )
    ink = _ink(colour)
    if ink is not None and ink > INK_LIMIT + 1e-6:
        out.append(("ink", "FAIL", f"total ink above {_percent(INK_LIMIT)}", True))
    if usage == "text":
        if _rich_black(colour):
            out.append(("text-black", "FAIL", "rich black text (C, M or Y with K ≥ 80 %)", True))
        if _is_rgb(space):
            out.append(("text-black", "FAIL", "text in RGB (black text must be K only)", False))
    return out


def _appearance(annot: Dictionary) -> Stream | None:
    ap = annot.get("/AP")
    normal = ap.get("/N") if isinstance(ap, Dictionary) else None
    if isinstance(normal, Dictionary) and not isinstance(normal, Stream):
        state = annot.get("/AS")
        normal = normal.get(str(state)) if isinstance(state, Name) else None
    return normal if isinstance(normal, Stream) else None


def _annotation_matrix(form: Stream, rect: Rect) -> Matrix:
    """PDF 32000 12.5.5: map the form's transformed BBox onto the annotation's Rect."""
    matrix = _matrix(form.get("/Matrix"))
    box = _bbox(matrix, _rect(form.get("/BBox")) or rect)
    w, h = box[2] - box[0], box[3] - box[1]
    sx = (rect[2] - rect[0]) / w if w else 1.0
    sy = (rect[3] - rect[1]) / h if h else 1.0
    fit: Matrix = (sx, 0.0, 0.0, sy, rect[0] - box[0] * sx, rect[1] - box[1] * sy)
    return _mul(matrix, fit)


# ---------------------------------------------------------------------------
# The content-stream interpreter (one instance per content stream run)


class _Interp:
    def __init__(self, walker: _Walker, resources: Any, gs: _GState, depth: int) -> None:
        self.w = walker
        self.res = resources
        self.gs = gs
        self.depth = depth
        self.stack: list[_GState] = []
        self.path: list[float] = []  # device-space x0, y0, x1, y1 of the current path
        self.tlm: Matrix = IDENTITY  # text line matrix: text positions are line starts
        self.fonts: dict[str, Any] = {}  # resource name → font key, for this stream's resources
        walker.register_fonts(resources)

    def run(self, instructions: list[Any]) -> None:
        table = _HANDLERS
        for ins in instructions:
            handler = table.get(str(ins.operator))
            if handler is not None:
                try:
                    handler(self, ins.operands)
                except (IndexError, TypeError, ValueError, AttributeError, KeyError):
                    op = str(ins.operator)
                    self.w.issues.add(
                        "structure", "WARN", f"malformed operator {op}", self.w.page_no
                    )

    # -- graphics state ---------------------------------------------------------------

    def op_q(self, _: Any) -> None:
        self.stack.append(self.gs.copy())

    def op_Q(self, _: Any) -> None:
        if self.stack:
            self.gs = self.stack.pop()

    def op_cm(self, o: Any) -> None:
        m: Matrix = (float(o[0]), float(o[1]), float(o[2]), float(o[3]), float(o[4]), float(o[5]))
        self.gs.ctm = _mul(m, self.gs.ctm)

    def op_w(self, o: Any) -> None:
        self.gs.lw = float(o[0])

    def op_gs(self, o: Any) -> None:
        ext = _resource(self.res, "/ExtGState", str(o[0]))
        if not isinstance(ext, Dictionary):
            return
        page, issues = self.w.page_no, self.w.issues
        if "/LW" in ext:
            self.gs.lw = float(ext.LW)
        if "/OP" in ext:
            self.gs.op_stroke = bool(ext.OP)
            self.gs.op_fill = bool(ext.get("/op", ext.OP))
        elif "/op" in ext:
            self.gs.op_fill = bool(ext.op)
        for key in ("/CA", "/ca"):
            if key in ext and float(ext[key]) < 1.0:
                issues.add("transparency", "FAIL", f"constant alpha {key[1:]} < 1", page)
        blend = ext.get("/BM")
        names = [str(b) for b in blend] if isinstance(blend, Array) else [str(blend)]
        if blend is not None and not {"/Normal", "/Compatible"} & set(names):
            issues.add("transparency", "FAIL", "blend mode", page, names[0].lstrip("/"))
        smask = ext.get("/SMask")
        if smask is not None and smask != Name("/None"):
            issues.add("transparency", "FAIL", "soft mask in ExtGState", page)
        for key in ("/TR", "/TR2"):
            if key in ext and ext[key] != Name("/Default") and ext[key] != Name("/Identity"):
                issues.add("pdfx", "FAIL", "transfer function in ExtGState", page)
        halftone = ext.get("/HT")
        if isinstance(halftone, Dictionary) and "/HalftoneName" in halftone:
            issues.add("pdfx", "FAIL", "halftone with HalftoneName", page)

    # -- colour -------------------------------------------------------------------------

    def op_g(self, o: Any) -> None:
        self.gs.fill = (GRAY, (float(o[0]),), None)

    def op_G(self, o: Any) -> None:
        self.gs.stroke = (GRAY, (float(o[0]),), None)

    def op_rg(self, o: Any) -> None:
        self.gs.fill = (RGB, tuple(float(v) for v in o[:3]), None)

    def op_RG(self, o: Any) -> None:
        self.gs.stroke = (RGB, tuple(float(v) for v in o[:3]), None)

    def op_k(self, o: Any) -> None:
        self.gs.fill = (CMYK, tuple(float(v) for v in o[:4]), None)

    def op_K(self, o: Any) -> None:
        self.gs.stroke = (CMYK, tuple(float(v) for v in o[:4]), None)

    def op_cs(self, o: Any) -> None:
        self.gs.fill = _initial(self.w.space(o[0], self.res))

    def op_CS(self, o: Any) -> None:
        self.gs.stroke = _initial(self.w.space(o[0], self.res))

    def op_sc(self, o: Any) -> None:
        self.gs.fill = self._set_components(self.gs.fill[0], o)

    def op_SC(self, o: Any) -> None:
        self.gs.stroke = self._set_components(self.gs.stroke[0], o)

    def _set_components(self, space: _Space, o: Any) -> Colour:
        numbers = tuple(float(v) for v in o if isinstance(v, int | float | Decimal))
        key = None
        if o and isinstance(o[-1], Name):
            pattern = _resource(self.res, "/Pattern", str(o[-1]))
            if _is_dict(pattern):
                key = _key(pattern)
                self.w.patterns[key] = pattern
        return (space, numbers, key)

    # -- paths and painting ----------------------------------------------------------------

    def _point(self, x: Any, y: Any) -> None:
        px, py = _apply(self.gs.ctm, float(x), float(y))
        p = self.path
        if p:
            p[0], p[1], p[2], p[3] = min(p[0], px), min(p[1], py), max(p[2], px), max(p[3], py)
        else:
            p.extend((px, py, px, py))

    def op_m(self, o: Any) -> None:
        self._point(o[0], o[1])

    def op_c(self, o: Any) -> None:
        for i in (0, 2, 4):
            self._point(o[i], o[i + 1])

    def op_v(self, o: Any) -> None:
        self._point(o[0], o[1])
        self._point(o[2], o[3])

    def op_re(self, o: Any) -> None:
        x, y, w, h = (float(v) for v in o[:4])
        for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)):
            self._point(px, py)

    def op_n(self, _: Any) -> None:
        self.path = []

    def _painted(self, fill: bool, stroke: bool) -> None:
        box: Rect | None = None
        if len(self.path) == 4:
            box = (self.path[0], self.path[1], self.path[2], self.path[3])
        self.path = []
        if box is not None and self._outside(box):
            return  # printer's marks and slug: cut away, judged by nobody
        gs = self.gs
        if fill:
            self.paint(gs.fill, "fill")
            if gs.op_fill and _white(gs.fill):
                self.w.issues.add(
                    "overprint", "FAIL", "white object set to overprint", self.w.page_no
                )
        if stroke:
            self.paint(gs.stroke, "stroke")
            self._rule_width()
            if gs.op_stroke and _white(gs.stroke):
                self.w.issues.add(
                    "overprint", "FAIL", "white object set to overprint", self.w.page_no
                )

    def _rule_width(self) -> None:
        width = self.gs.lw * _min_scale(self.gs.ctm)
        facts = self.w.facts
        if facts.thinnest_rule is None or width < facts.thinnest_rule:
            facts.thinnest_rule = width
        if width < RULE_MIN_PT - 1e-6:
            label = "hairline (width 0)" if width == 0 else f"{width:.2f} pt"
            self.w.issues.add(
                "rules", "FAIL", f"line thinner than {RULE_MIN_PT} pt", self.w.page_no, label
            )

    def _outside(self, box: Rect) -> bool:
        bleed = self.w.bleed
        return bleed is not None and _disjoint(box, bleed)

    def paint(self, colour: Colour, usage: str, inside: Callable[[], bool] | None = None) -> None:
        """Record painting `colour`; `inside()` says whether the object reaches into the bleed.

        Judged once per colour, usage and page: the verdicts would only repeat.
        """
        w = self.w
        memo = (colour, usage, w.page_no)
        if memo in w.painted:
            return
        space = colour[0]
        w.facts.colour_spaces.add(space.family)
        if space.family == "Pattern":
            self._paint_pattern(colour, usage)
            return
        verdicts = w.verdicts(colour, usage)
        ink = _ink(colour)
        placed = True
        if inside is not None and (ink is not None or any(v[3] for v in verdicts)):
            placed = inside()
        for check, status, message, positional in verdicts:
            if placed or not positional:
                detail = {"colour": usage, "ink": _percent(ink or 0.0)}.get(check, "")
                w.issues.add(check, status, message, w.page_no, detail)
        if placed:
            w.painted.add(memo)
            if ink is not None and ink > w.facts.max_ink:
                w.facts.max_ink = ink

    def _paint_pattern(self, colour: Colour, usage: str) -> None:
        space, comps, key = colour
        pattern = self.w.patterns.get(key)
        if pattern is None:
            return
        kind = int(pattern.get("/PatternType", 1))
        if kind == 2:
            self.shading(pattern.get("/Shading"))
            return
        if int(pattern.get("/PaintType", 1)) == 2 and space.base is not None:
            self.paint((space.base, comps, None), usage)  # uncoloured: our colour
            return
        if isinstance(pattern, Stream) and self.w.pattern_once(key):
            self.w.used(pattern)
            gs = _GState(_matrix(pattern.get("/Matrix")))
            _Interp(self.w, pattern.get("/Resources"), gs, self.depth + 1).run(
                self.w.parsed(pattern)
            )

    def op_S(self, _: Any) -> None:
        self._painted(False, True)

    def op_f(self, _: Any) -> None:
        self._painted(True, False)

    def op_B(self, _: Any) -> None:
        self._painted(True, True)

    def op_sh(self, o: Any) -> None:
        self.shading(_resource(self.res, "/Shading", str(o[0])))

    def shading(self, shading: Any) -> None:
        if not _is_dict(shading):
            return
        space = self.w.space(shading.get("/ColorSpace"), self.res)
        inks = _shading_inks(shading) if space.family == "DeviceCMYK" else []
        for ink in inks:
            self.paint((space, ink, None), "shading")
        if not inks:
            self.paint((space, (), None), "shading")

    # -- text ----------------------------------------------------------------------------

    def op_BT(self, _: Any) -> None:
        self.tlm = IDENTITY

    def op_Tf(self, o: Any) -> None:
        name = str(o[0])
        if name not in self.fonts:
            self.fonts[name] = self.w.font_key(self.res, name)
        self.gs.font = self.fonts[name]

    def op_Tr(self, o: Any) -> None:
        self.gs.tr = int(o[0])

    def op_Td(self, o: Any) -> None:
        self.tlm = _mul((1.0, 0.0, 0.0, 1.0, float(o[0]), float(o[1])), self.tlm)

    def op_Tm(self, o: Any) -> None:
        self.tlm = (float(o[0]), float(o[1]), float(o[2]), float(o[3]), float(o[4]), float(o[5]))

    def op_Tj(self, o: Any) -> None:
        self.show((bytes(o[-1]),))

    def op_TJ(self, o: Any) -> None:
        self.show(tuple(bytes(s) for s in o[0] if isinstance(s, pikepdf.String)))

    def show(self, strings: tuple[bytes, ...]) -> None:
        gs, w = self.gs, self.w
        if gs.font is not None:
            by_page = w.facts.text.setdefault(gs.font, {})
            seen = by_page.get(w.page_no)
            if seen is None:
                seen = by_page[w.page_no] = set()
            seen.update(strings)
        tr = gs.tr
        if tr in (3, 7):
            return  # invisible text (OCR layers) paints nothing
        if tr in _FILL_TR:
            self.paint(gs.fill, "text", self._text_inside)
        if tr in _STROKE_TR:
            self.paint(gs.stroke, "text", self._text_inside)

    def _text_inside(self) -> bool:
        """Whether the current text line starts inside the bleed box (glyph extents ignored)."""
        x, y = _apply(self.gs.ctm, self.tlm[4], self.tlm[5])
        return not self._outside((x, y, x + 0.001, y + 0.001))

    # -- XObjects and inline images ----------------------------------------------------------

    def op_Do(self, o: Any) -> None:
        name = str(o[0])
        xobj = _resource(self.res, "/XObject", name)
        if not isinstance(xobj, Stream):
            self.w.issues.add("structure", "FAIL", f"missing XObject {name}", self.w.page_no)
            return
        self.w.used(xobj)
        subtype = xobj.get("/Subtype")
        if subtype == Name.Image:
            self.image(self.w.image_info(xobj, self.res))
        elif subtype == Name.Form:
            if xobj.get("/Subtype2") == Name.PS:
                self.w.issues.add("pdfx", "FAIL", "PostScript XObject", self.w.page_no)
            self.w.form(xobj, self.gs, self.res, self.depth)
        elif subtype == Name.PS:
            self.w.issues.add("pdfx", "FAIL", "PostScript XObject", self.w.page_no)

    def op_inline(self, o: Any) -> None:
        iimage: pikepdf.PdfInlineImage = o[0]
        info = _ImageInfo.read(iimage.obj, self.w, self.res, inline_data=iimage)
        if "/LZWDecode" in info.filters:
            self.w.issues.add("pdfx", "FAIL", "LZW compression", self.w.page_no, "inline image")
        self.image(info)

    def image(self, info: _ImageInfo) -> None:
        w, ctm = self.w, self.gs.ctm
        box = _bbox(ctm, (0.0, 0.0, 1.0, 1.0))
        if self._outside(box):
            return
        page = w.page_no
        w.facts.image_count += 1
        if info.mask:
            self.paint(self.gs.fill, "image")
        else:
            self.paint((info.space, (), None), "image")
        if info.smask:
            w.issues.add("transparency", "FAIL", "soft mask (SMask) on image", page)
        width_pt, height_pt = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        if width_pt > 0 and height_pt > 0:
            ppi = min(info.width / width_pt, info.height / height_pt) * 72.0
            label = f"{info.width}×{info.height} px"
            w.facts.images.append(_Placement(page, info.key, label, ppi, info.line_art))
        if w.measure_ink:
            ink = info.max_ink
            if info.ink_key is not None:
                w.ink_deps.append((info.ink_key, ink))  # a replay must find the same ink
            if ink is not None:
                w.facts.max_ink = max(w.facts.max_ink, ink)
                if ink > INK_LIMIT + 1e-6:
                    message = f"total ink above {_percent(INK_LIMIT)}"
                    w.issues.add("ink", "FAIL", message, page, f"image {_percent(ink)}")


def _initial(space: _Space) -> Colour:
    """The initial colour after cs/CS: black in device spaces, tint 1 in Separation."""
    if space.family == "DeviceCMYK":
        return (space, (0.0, 0.0, 0.0, 1.0), None)
    if space.family in ("Separation", "DeviceN"):
        return (space, (1.0,) * space.n, None)
    if space.family in ("Lab", "CalRGB", "DeviceRGB") or (
        space.family == "ICCBased" and space.n == 3
    ):
        return (space, (0.0,) * space.n, None)
    return (space, (0.0,) * max(space.n, 1), None)


_HANDLERS: dict[str, Callable[[_Interp, Any], None]] = {
    "q": _Interp.op_q,
    "Q": _Interp.op_Q,
    "cm": _Interp.op_cm,
    "w": _Interp.op_w,
    "gs": _Interp.op_gs,
    "g": _Interp.op_g,
    "G": _Interp.op_G,
    "rg": _Interp.op_rg,
    "RG": _Interp.op_RG,
    "k": _Interp.op_k,
    "K": _Interp.op_K,
    "cs": _Interp.op_cs,
    "CS": _Interp.op_CS,
    "sc": _Interp.op_sc,
    "scn": _Interp.op_sc,
    "SC": _Interp.op_SC,
    "SCN": _Interp.op_SC,
    "m": _Interp.op_m,
    "l": _Interp.op_m,
    "c": _Interp.op_c,
    "v": _Interp.op_v,
    "y": _Interp.op_v,
    "re": _Interp.op_re,
    "S": _Interp.op_S,
    "s": _Interp.op_S,
    "f": _Interp.op_f,
    "F": _Interp.op_f,
    "f*": _Interp.op_f,
    "B": _Interp.op_B,
    "B*": _Interp.op_B,
    "b": _Interp.op_B,
    "b*": _Interp.op_B,
    "n": _Interp.op_n,
    "BT": _Interp.op_BT,
    "Tf": _Interp.op_Tf,
    "Tr": _Interp.op_Tr,
    "Td": _Interp.op_Td,
    "TD": _Interp.op_Td,
    "Tm": _Interp.op_Tm,
    "Tj": _Interp.op_Tj,
    "TJ": _Interp.op_TJ,
    "'": _Interp.op_Tj,
    '"': _Interp.op_Tj,
    "Do": _Interp.op_Do,
    "INLINE IMAGE": _Interp.op_inline,
    "sh": _Interp.op_sh,
}


def _shading_inks(shading: Dictionary) -> list[tuple[float, ...]]:
    """CMYK end colours of a shading's exponential functions (where its extremes lie)."""
    out: list[tuple[float, ...]] = []
    functions = shading.get("/Function")
    stack = list(functions) if isinstance(functions, Array) else [functions]
    while stack:
        fn = stack.pop()
        if not isinstance(fn, Dictionary):
            continue
        if int(fn.get("/FunctionType", -1)) == 2:
            for key, default in (("/C0", (0.0,)), ("/C1", (1.0,))):
                values = fn.get(key)
                out.append(
                    tuple(float(v) for v in values) if isinstance(values, Array) else default
                )
        elif int(fn.get("/FunctionType", -1)) == 3:
            stack.extend(fn.get("/Functions", []))
    return [c for c in out if len(c) == 4]


# ---------------------------------------------------------------------------
# Images


@dataclass
class _ImageInfo:
    key: Any
    width: int
    height: int
    bpc: int
    mask: bool
    smask: bool
    space: _Space
    filters: tuple[str, ...]
    stream: Any
    decode: tuple[float, ...]
    ink_key: str | None = None  # the ink memo's key, once the memo gave or took the ink

    @property
    def line_art(self) -> bool:
        return self.bpc == 1

    @classmethod
    def read(cls, obj: Any, walker: _Walker, resources: Any, inline_data: Any = None) -> _ImageInfo:
        mask = bool(obj.get("/ImageMask", False))
        cs = obj.get("/ColorSpace")
        space = GRAY if mask or cs is None else walker.space(cs, resources)
        filters = obj.get("/Filter")
        names = [filters] if isinstance(filters, Name) else list(filters or [])
        decode = obj.get("/Decode")
        smask = "/SMask" in obj or int(obj.get("/SMaskInData", 0)) > 0
        return cls(
            key=_key(obj) if inline_data is None else ("inline", id(inline_data)),
            width=int(obj.get("/Width", 0)),
            height=int(obj.get("/Height", 0)),
            bpc=1 if mask else int(obj.get("/BitsPerComponent", 8)),
            mask=mask,
            smask=smask,
            space=space,
            filters=tuple(str(n) for n in names),
            stream=obj if inline_data is None else inline_data,
            decode=tuple(float(v) for v in decode) if isinstance(decode, Array) else (),
        )

    @cached_property
    def max_ink(self) -> float | None:
        """The highest total ink of any pixel (CMYK and Indexed-CMYK images), else None."""
        try:
            if self.space.family == "Indexed" and self.space.base is CMYK:
                return _palette_ink(self.stream)
            if self.space is CMYK or (self.space.family == "ICCBased" and self.space.n == 4):
                return _remembered_ink(self)
        except (pikepdf.PdfError, OSError, ValueError, NotImplementedError):
            return None
        return None


def _palette_ink(obj: Any) -> float | None:
    cs: Any = (obj.obj if isinstance(obj, pikepdf.PdfInlineImage) else obj).get("/ColorSpace")
    lookup = cs[3]
    table = lookup.read_bytes() if isinstance(lookup, Stream) else bytes(lookup)
    sums = [sum(table[i : i + 4]) for i in range(0, len(table) - 3, 4)]
    return max(sums) / 255.0 if sums else None


class InkMemo:
    """Total ink of images already measured, by a hash of the stored image: a rebuilt PDF
    embeds the same pictures, and inflating and summing every pixel of a page of CMYK
    photos is most of a preflight's time. Kept in a JSON file (`use_ink_memo`). With
    `noted`, a folder of inks the picture converter noted as it converted (one file
    per `kumihan.verify.ink.ink_key`), an image met for the first time is looked up
    there before it is measured.

    It also carries the preflight's page memo (`pages`, a `PageMemo` in `<stem>-pages.txt`
    beside the file), read when a walk first asks for it and saved with the inks."""

    def __init__(self, path: Path, noted: Path | None = None) -> None:
        self.path = path
        self.noted = noted
        self.dirty = False
        self._pages: PageMemo | None = None
        try:
            loaded = json.loads(path.read_text("utf-8"))
            self.inks: dict[str, float | None] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.inks = {}

    def given(self, key: str) -> float | None:
        """The ink the converter noted for the image of `key`, if it did."""
        if self.noted is None:
            return None
        try:
            return float((self.noted / f"{INK_PREFIX}{key}").read_text("ascii"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    @property
    def pages(self) -> PageMemo:
        """The walk's records per page, beside the inks (their replay checks the inks)."""
        if self._pages is None:
            self._pages = PageMemo(self.path.with_name(f"{self.path.stem}-pages.txt"), self)
        return self._pages

    def save(self) -> None:
        """Write the inks (and the page memo, if used) when anything was added."""
        if self._pages is not None:
            self._pages.save()
        if not self.dirty:
            return
        if len(self.inks) > 20000:  # a bound on the file; old entries are cheap to redo
            self.inks = dict(list(self.inks.items())[-10000:])
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_text(json.dumps(self.inks), "utf-8")
            os.replace(temp, self.path)
        self.dirty = False


_INK_MEMO: InkMemo | None = None


def use_ink_memo(memo: InkMemo | None) -> None:
    """Remember image inks in `memo` (None: measure every image)."""
    global _INK_MEMO
    _INK_MEMO = memo


def _remembered_ink(info: _ImageInfo) -> float | None:
    memo = _INK_MEMO
    source = info.stream
    if memo is None or isinstance(source, pikepdf.PdfInlineImage):
        return _image_ink(info)
    key = info.ink_key = ink_key(
        source.read_raw_bytes(), info.width, info.height, info.bpc, info.filters, info.decode
    )
    if key in memo.inks:
        return memo.inks[key]
    ink = memo.given(key)
    if ink is None:
        ink = _image_ink(info)
    memo.inks[key] = ink
    memo.dirty = True
    return ink


# ---------------------------------------------------------------------------
# The page memo: each page's share of the walk, by the page's content
#
# A page's share (the issues and facts walking it adds) depends on what the walk reads
# from the page: its boxes, content streams, resources and printing annotations, by
# value; which of its fonts, streams and images are the same object; and its number,
# which only labels what is found. So the key is a digest of the page by value, with
# object numbers (which change from build to build) left out, and the record stores the
# share with "this page" for the number and places in the key's table of indirect
# objects for object numbers; a replay puts the current number and objects back.
#
# Never remembered: pages the walker marks volatile (see `_Walker`), pages whose share
# names an object the key did not meet (a direct font), pages whose key cannot be made
# (a reference cycle, a broken object). A record whose image inks the ink memo no longer
# holds (trimmed, or changed) is walked again.

ObjGen = tuple[int, int]
_PAGE_MEMO_FORMAT = "kumihan-preflight-pages 1"
_BACK_LINKS = frozenset({"/Parent", "/P"})  # links the walk never follows out of a resource
_KEY_DEPTH = 64
_TABLE_LIMIT = 50_000  # indirect objects met by one page's key: past that, walk the page
_ABSENT = object()


@lru_cache(maxsize=1)
def _page_salt() -> str:
    """What every record also rests on: the toolkit's code (this module among it) and the
    pikepdf and qpdf that parse content streams."""
    from kumihan.cache import toolkit_digest  # here, not at the top: it imports the model

    digest = hashlib.sha256(toolkit_digest().encode())
    digest.update(f"{pikepdf.__version__} {pikepdf.__libqpdf_version__}".encode())
    return digest.hexdigest()[:32]


class _Unkeyable(Exception):
    """A page whose key cannot be made: it is walked and not remembered."""


@dataclass
class _PageKey:
    digest: str
    table: list[ObjGen]  # the indirect objects the key met, in the order it met them
    index: dict[ObjGen, int]  # object → its first place in `table`


class _PageKeys:
    """Keys of one document's pages: a digest of everything the walk reads from a page,
    by value. Each indirect object is hashed once per document; streams by their raw
    bytes, so no content is parsed.

    The objects met are listed in `table` in a fixed order (the graph unfolded as a
    tree: an object reached twice is listed twice), and the digest covers which places
    hold the same object. Two pages with one key are the same graph, so a place names
    the corresponding object in either.
    """

    def __init__(self, measure_ink: bool) -> None:
        self.seed = f"{_PAGE_MEMO_FORMAT} {_page_salt()} ink={measure_ink}".encode()
        self._done: dict[tuple[ObjGen, bool], tuple[bytes, tuple[ObjGen, ...]]] = {}
        self._open: set[ObjGen] = set()
        self._bad: set[ObjGen] = set()

    def key(self, page: Dictionary) -> _PageKey | None:
        """The page's key, or None if it cannot be made (the page is then walked)."""
        table: list[ObjGen] = []
        out = hashlib.sha256(self.seed)
        try:
            for name in ("/MediaBox", "/CropBox", "/Resources"):
                self._value(_inherited(page, name), table, out, 0)
            for name in ("/BleedBox", "/Group", "/Contents"):
                self._value(page.get(name), table, out, 0)
            self._annotations(page.get("/Annots"), table, out)
        except Exception:  # any failure only costs a walk, which reports what is wrong
            return None
        if len(table) > _TABLE_LIMIT:
            return None
        index: dict[ObjGen, int] = {}
        places = array("q", [index.setdefault(og, i) for i, og in enumerate(table)])
        out.update(b"T" + places.tobytes())
        return _PageKey(out.hexdigest(), table, index)

    def _value(self, obj: Any, table: list[ObjGen], out: Any, depth: int) -> None:
        """Feed `obj` to `out` by value; indirect objects go through `_object`."""
        if depth > _KEY_DEPTH:
            raise _Unkeyable("nested too deeply")
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            digest, met = self._object(obj, depth, fonts=False)
            out.update(b"R" + digest)
            table.extend(met)
        else:
            self._content(obj, table, out, depth)

    def _content(self, obj: Any, table: list[ObjGen], out: Any, depth: int) -> None:
        """Feed an object's own content (a dictionary's entries, an array's items …)."""
        if isinstance(obj, Stream):
            self._dict(obj.stream_dict, table, out, depth)
            out.update(b"B" + hashlib.sha256(obj.get_raw_stream_buffer()).digest())
        elif isinstance(obj, Dictionary):
            self._dict(obj, table, out, depth)
        elif isinstance(obj, Array):
            self._array(obj, table, out, depth)
        elif isinstance(obj, pikepdf.Object):
            _feed(out, b"s", obj.unparse(resolved=True))  # names, strings
        else:
            _feed(out, b"p", repr(obj).encode())  # int, Decimal, bool, None

    def _object(self, obj: Any, depth: int, *, fonts: bool) -> tuple[bytes, tuple[ObjGen, ...]]:
        """(digest, objects met) of an indirect object, hashed once per document."""
        og: ObjGen = obj.objgen
        found = self._done.get((og, fonts))
        if found is not None:
            return found
        if og in self._open or og in self._bad:
            self._bad.add(og)
            raise _Unkeyable("reference cycle")
        self._open.add(og)
        table: list[ObjGen] = [og]
        out = hashlib.sha256()
        try:
            if fonts:
                self._fonts(obj, table, out, depth)
            else:
                self._content(obj, table, out, depth)
        except _Unkeyable:
            self._bad.add(og)
            raise
        finally:
            self._open.discard(og)
        if len(table) > _TABLE_LIMIT:
            self._bad.add(og)
            raise _Unkeyable("too many objects")
        found = self._done[(og, fonts)] = (out.digest(), tuple(table))
        return found

    def _dict(self, obj: Any, table: list[ObjGen], out: Any, depth: int) -> None:
        text = obj.unparse(resolved=True)
        if b" R" not in text:  # no reference inside ("n g R"): its text is its value
            _feed(out, b"d", text)
            return
        names = sorted(obj.keys())
        out.update(b"D%d:" % len(names))
        for name in names:
            if name in _BACK_LINKS:
                continue
            _feed(out, b"k", name.encode())
            value = obj[name]
            if name == "/Font" and isinstance(value, Dictionary):
                self._font_group(value, table, out, depth + 1)
            else:
                self._value(value, table, out, depth + 1)

    def _array(self, obj: Any, table: list[ObjGen], out: Any, depth: int) -> None:
        text = obj.unparse(resolved=True)
        if b" R" not in text:
            _feed(out, b"a", text)
            return
        out.update(b"A%d:" % len(obj))
        for item in obj:
            self._value(item, table, out, depth + 1)

    def _font_group(self, group: Any, table: list[ObjGen], out: Any, depth: int) -> None:
        """A /Font resource dictionary: fonts by identity, not by value. The walk only notes
        which font a page lists and selects; the checks after it read the font itself, so
        a subset that grew by a glyph changes no page's key."""
        if group.is_indirect:
            digest, met = self._object(group, depth, fonts=True)
            out.update(b"G" + digest)
            table.extend(met)
        else:
            self._fonts(group, table, out, depth)

    def _fonts(self, group: Any, table: list[ObjGen], out: Any, depth: int) -> None:
        names = sorted(group.keys())
        out.update(b"F%d:" % len(names))
        for name in names:
            _feed(out, b"k", name.encode())
            font = group[name]
            if isinstance(font, Dictionary) and font.is_indirect:
                out.update(b"f")
                table.append(font.objgen)
            elif isinstance(font, Dictionary):
                # the walk keys a direct font by its text, object numbers and all
                raise _Unkeyable("direct font")
            else:
                self._value(font, table, out, depth + 1)  # not a font: the walk reports it

    def _annotations(self, annots: Any, table: list[ObjGen], out: Any) -> None:
        """What `_Walker._annotations` reads: per annotation its flags, appearance and Rect."""
        if not isinstance(annots, Array):
            out.update(b"N")
            return
        out.update(b"N%d:" % len(annots))
        for annot in annots:
            if not isinstance(annot, Dictionary):
                out.update(b"x")
                continue
            out.update(b"a")
            for name in ("/F", "/AP", "/AS", "/Rect"):
                self._value(annot.get(name), table, out, 1)


def _feed(out: Any, tag: bytes, data: bytes) -> None:
    """Feed tagged, length-prefixed bytes: no two different sequences feed the same."""
    out.update(b"%s%d:" % (tag, len(data)))
    out.update(data)


_Share = tuple[_Issues, _Facts]


def _remember(
    memo: PageMemo, key: _PageKey, share: _Share, page: int, deps: list[tuple[str, float | None]]
) -> None:
    """Store a walked page's share under its key, with objects as places in the key's table
    (not stored when the share names an object the key did not meet)."""
    issues, facts = share
    rows = issues.rows(page)
    if rows is None:
        return
    place = key.index
    try:
        record = {
            "i": rows,
            "f": [[place[k], bool(u), bool(li)] for k, (_, u, li) in facts.fonts.items()],
            "t": [[place[k], _hex_strings(by_page)] for k, by_page in facts.text.items()],
            "im": [[_image_place(p.key, place), p.label, p.ppi, p.line_art] for p in facts.images],
            "n": facts.image_count,
            "ink": facts.max_ink,
            "rule": facts.thinnest_rule,
            "cs": sorted(facts.colour_spaces),
            "s": [place[og] for og in facts.streams],
            "dep": [[k, v] for k, v in deps],
        }
    except KeyError:
        return
    memo.put(key.digest, record)


def _image_place(image: Any, place: dict[ObjGen, int]) -> int:
    """An image placement's place in the key's table; -1 for an inline image."""
    if isinstance(image, tuple) and image[:1] == ("inline",):
        return -1
    return place[image]


def _hex_strings(by_page: dict[int, set[bytes]]) -> str | None:
    """One page's shown strings as hex words (None: text shown, but no strings)."""
    strings = set().union(*by_page.values())
    return " ".join(s.hex() for s in strings) if strings else None


def _replay(memo: PageMemo, key: _PageKey, page: int, pdf: Pdf) -> _Share | None:
    """The share remembered under `key`, as found on page `page` of `pdf`; None (walk the
    page) when there is none, it does not read, or an ink it used has changed."""
    record = memo.get(key.digest)
    if record is None:
        memo.misses += 1
        return None
    try:
        share = _restore(record, key, page, pdf, memo.inks)
    except (ValueError, TypeError, KeyError, IndexError):
        memo.drop(key.digest)
        share = None
    if share is None:
        memo.misses += 1
    else:
        memo.hits += 1
    return share


def _restore(
    record: dict[str, Any], key: _PageKey, page: int, pdf: Pdf, inks: dict[str, float | None]
) -> _Share | None:
    """The inverse of `_remember` on page `page`, objects taken from `key`'s table of `pdf`;
    None if an image ink differs from `inks`. Raises on a record `_remember` did not make."""
    for image_key, ink in record["dep"]:
        if inks.get(image_key, _ABSENT) != ink:
            return None
    table = key.table

    def at(place: int) -> ObjGen:
        if not 0 <= place < len(table):
            raise IndexError("place outside the key's table")
        return table[place]

    facts = _Facts()
    for place, used, listed in record["f"]:
        font = pdf.get_object(at(place))
        if not isinstance(font, Dictionary):
            raise ValueError("not a font")
        facts.fonts[at(place)] = (font, {page} if used else set(), {page} if listed else set())
    for place, words in record["t"]:
        strings = {bytes.fromhex(w) for w in words.split(" ")} if words is not None else set()
        facts.text[at(place)] = {page: strings}
    for place, label, ppi, line_art in record["im"]:
        # an inline image's key is a walk-local id (of a pikepdf object) that nothing reads
        image: Any = at(place) if place >= 0 else ("inline", 0)
        facts.images.append(_Placement(page, image, str(label), float(ppi), bool(line_art)))
    facts.image_count = int(record["n"])
    facts.max_ink = float(record["ink"])
    rule = record["rule"]
    facts.thinnest_rule = None if rule is None else float(rule)
    facts.colour_spaces = {str(c) for c in record["cs"]}
    for place in record["s"]:
        facts.streams[at(place)].add(page)
    return _Issues.from_rows(record["i"], page), facts


class PageMemo:
    """The walk's share of each page by the page's key (`_PageKeys`), so that a rebuilt
    PDF whose pages are mostly unchanged walks only the pages that changed.

    A file of ASCII lines, one per page: the key, when it was last used (Unix seconds)
    and the record as JSON, under a header naming the format and a hash of the toolkit and
    pikepdf. A file with another header counts as empty, a line that does not read as
    absent; the next save rewrites them. Records are decoded only when used. On saving,
    lines another process wrote meanwhile are kept, and past `limit` pages the least
    recently used go (never those used in this run). `inks`: the ink memo a record's
    image inks are checked against.
    """

    def __init__(self, path: Path, inks: InkMemo | None = None, limit: int = 2000) -> None:
        self.path = path
        self.limit = limit
        self._ink_memo = inks
        self.hits = 0
        self.misses = 0
        self.dirty = False
        self._header = f"{_PAGE_MEMO_FORMAT} {_page_salt()}\n".encode()
        self._now = int(time.time())
        self._read_as: tuple[int, int] | None = None  # the file's (mtime, size) when read
        self._lines = self._read()
        self._used: set[str] = set()
        self._dropped: set[str] = set()

    def __len__(self) -> int:
        return len(self._lines)

    @property
    def inks(self) -> dict[str, float | None]:
        """The image inks records are checked against (the ink memo's, read when asked:
        its save may replace the dict)."""
        return self._ink_memo.inks if self._ink_memo is not None else {}

    def get(self, key: str) -> dict[str, Any] | None:
        """The record under `key`, if any and readable."""
        line = self._lines.get(key)
        if line is None:
            return None
        try:
            record = json.loads(line[1])
        except ValueError:
            record = None
        if not isinstance(record, dict):
            self.drop(key)
            return None
        self._lines[key] = (self._now, line[1])
        self._used.add(key)
        return record

    def put(self, key: str, record: dict[str, Any]) -> None:
        """Remember `record` under `key` (written on `save`)."""
        text = json.dumps(record, separators=(",", ":"))  # ASCII, one line
        self._lines[key] = (self._now, text.encode())
        self._used.add(key)
        self._dropped.discard(key)
        self.dirty = True

    def drop(self, key: str) -> None:
        """Forget the record under `key` (one that did not read)."""
        self._lines.pop(key, None)
        self._dropped.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write the file if anything was added or dropped: merged with what another
        process wrote since it was read, trimmed to `limit`, replaced atomically. Errors
        leave the old file."""
        if not self.dirty:
            return
        lines = self._lines
        if self._stat() != self._read_as:  # someone else saved meanwhile: keep their lines
            lines = {k: v for k, v in self._read().items() if k not in self._dropped}
            for key, line in self._lines.items():
                if key in self._used or key not in lines:
                    lines[key] = line
        if len(lines) > self.limit:
            order = sorted(lines, key=lambda k: (k in self._used, lines[k][0]), reverse=True)
            lines = {k: lines[k] for k in order[: max(self.limit, len(self._used))]}
        body = b"".join(b"%s %d %s\n" % (k.encode(), t, text) for k, (t, text) in lines.items())
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temp.write_bytes(self._header + body)
            os.replace(temp, self.path)
            self._read_as = self._stat()
        self._lines = lines
        self.dirty = False

    def _stat(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def _read(self) -> dict[str, tuple[int, bytes]]:
        """key → (last used, record JSON) from the file; empty if it is not ours."""
        self._read_as = self._stat()
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        if not data.startswith(self._header):
            return {}
        # by offsets rather than split(): a full file is megabytes, copied once this way
        lines: dict[str, tuple[int, bytes]] = {}
        pos, size = len(self._header), len(data)
        while pos < size:
            end = data.find(b"\n", pos)
            end = size if end < 0 else end
            gap = data.find(b" ", pos + 65, end)
            stamp = data[pos + 65 : gap]
            key = data[pos : pos + 64]
            if data[pos + 64 : pos + 65] == b" " and gap > 0 and stamp.isdigit() and key.isalnum():
                lines[key.decode("ascii")] = (int(stamp), data[gap + 1 : end])
            pos = end + 1
        return lines


def _image_ink(info: _ImageInfo) -> float | None:
    if info.bpc not in (8, 16) or "/JPXDecode" in info.filters:
        return None  # JPX: Pillow may lack OpenJPEG; X-1a:2003 forbids JPX anyway
    source = info.stream
    if isinstance(source, pikepdf.PdfInlineImage):
        data = source.read_bytes()
    elif "/DCTDecode" in info.filters:
        jpeg = _jpeg_bytes(source, info.filters)
        with Image.open(io.BytesIO(jpeg)) as img:
            # Pillow reads CMYK JPEGs inverted (Adobe convention); undo it to get the
            # stored samples, which /Decode then applies to as in any PDF consumer.
            data = Image.eval(img.convert("CMYK"), lambda v: 255 - v).tobytes()
    else:
        data = source.read_bytes()
    if info.bpc == 16:
        data = data[0::2]  # the high bytes are precise enough for an ink limit
    size = info.width * info.height * 4
    if len(data) < size:
        return None
    bands = list(Image.frombytes("CMYK", (info.width, info.height), data[:size]).split())
    decode = info.decode
    if len(decode) == 8 and decode != (0.0, 1.0) * 4:
        bands = [
            band.point(
                lambda v, lo=decode[2 * i], hi=decode[2 * i + 1]: (lo + v / 255 * (hi - lo)) * 255
            )
            for i, band in enumerate(bands)
        ]
    return max_band_ink((bands[0], bands[1], bands[2], bands[3]))


def _jpeg_bytes(stream: Stream, filters: tuple[str, ...]) -> bytes:
    """The JPEG inside a DCT stream, with the filters before DCT (ASCII85, Flate) undone.

    pikepdf decodes a filter chain all or nothing, and DCT is not among what it decodes,
    so the leading filters are applied on a scratch copy.
    """
    raw = stream.read_raw_bytes()
    if filters[-1:] != ("/DCTDecode",) or len(filters) == 1:
        return raw
    with Pdf.new() as owner:
        scratch = owner.make_stream(raw)
        scratch[Name.Filter] = Array([Name(f) for f in filters[:-1]])
        return scratch.read_bytes()


def _judge_images(facts: _Facts, issues: _Issues) -> None:
    for p in facts.images:
        floor = PPI_FAIL
        want = PPI_LINE_ART if p.line_art else PPI_WARN
        kind = "1-bit image" if p.line_art else "image"
        detail = f"{p.ppi:.0f} ppi"
        if p.ppi < floor - 0.5:
            issues.add("images", "FAIL", f"{kind} below {floor:.0f} ppi", p.page, detail)
        elif p.ppi < want - 0.5:
            issues.add("images", "WARN", f"{kind} below {want:.0f} ppi", p.page, detail)


# ---------------------------------------------------------------------------
# Fonts


def _descendant(font: Dictionary) -> Dictionary | None:
    kids = font.get("/DescendantFonts")
    if isinstance(kids, Array) and len(kids) and isinstance(kids[0], Dictionary):
        return kids[0]
    return None


def _font_name(font: Dictionary) -> str:
    name = font.get("/BaseFont") or font.get("/Name")
    return str(name).lstrip("/") if name is not None else "(unnamed)"


def _font_program(font: Dictionary) -> tuple[str, Stream] | None:
    """(FontFile key, stream) of a font or its descendant, or None if not embedded."""
    target = _descendant(font) if font.get("/Subtype") == Name.Type0 else font
    desc = target.get("/FontDescriptor") if target is not None else None
    if not isinstance(desc, Dictionary):
        return None
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        stream = desc.get(key)
        if isinstance(stream, Stream):
            return key, stream
    return None


def _check_fonts(facts: _Facts, issues: _Issues) -> None:
    for font, used, listed in facts.fonts.values():
        name = _font_name(font)
        # Name the pages that use the font; an unused one, the pages that list it.
        for page in used or listed or {0}:
            if font.get("/Subtype") == Name.Type3:
                issues.add("fonts", "FAIL", "Type 3 font", page, name)
            elif _font_program(font) is None:
                issues.add("fonts", "FAIL", "font not embedded", page, name)


# ---------------------------------------------------------------------------
# Glyphs: char codes → glyph ids of the embedded program


_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _hex(token: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", token).decode("ascii")
    return bytes.fromhex(digits + "0" * (len(digits) % 2))  # an odd final digit means d0


def _cmap_sections(data: bytes, name: bytes) -> Iterator[bytes]:
    pattern = re.compile(rb"begin" + name + rb"(.*?)end" + name, re.S)
    for match in pattern.finditer(data):
        yield match.group(1)


@dataclass
class _CMap:
    """The parts of an embedded CMap (a Type0 /Encoding stream) the check needs."""

    ranges: list[tuple[int, int, int]]  # (byte length, low, high), shortest first
    cids: dict[int, int]
    cid_ranges: list[tuple[int, int, int]]

    @classmethod
    def parse(cls, data: bytes) -> _CMap:
        ranges: list[tuple[int, int, int]] = []
        for section in _cmap_sections(data, b"codespacerange"):
            tokens = _HEX.findall(section)
            for lo, hi in zip(tokens[0::2], tokens[1::2], strict=False):
                lo_b, hi_b = _hex(lo), _hex(hi)
                ranges.append((len(lo_b), int.from_bytes(lo_b), int.from_bytes(hi_b)))
        cids: dict[int, int] = {}
        for section in _cmap_sections(data, b"cidchar"):
            for code, cid in re.findall(rb"<([0-9A-Fa-f]+)>\s+(\d+)", section):
                cids[int(code, 16)] = int(cid)
        cid_ranges = [
            (int(lo, 16), int(hi, 16), int(cid))
            for section in _cmap_sections(data, b"cidrange")
            for lo, hi, cid in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s+(\d+)", section)
        ]
        return cls(sorted(ranges), cids, cid_ranges)

    def cid(self, code: int) -> int | None:
        if code in self.cids:
            return self.cids[code]
        for lo, hi, start in self.cid_ranges:
            if lo <= code <= hi:
                return start + code - lo
        return None


def _utf16(raw: bytes) -> str:
    return raw.decode("utf-16-be", errors="replace")


def _to_unicode(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for section in _cmap_sections(data, b"bfchar"):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", section):
            out[int(src, 16)] = _utf16(_hex(dst))
    for section in _cmap_sections(data, b"bfrange"):
        pattern = rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])"
        for lo, hi, dst in re.findall(pattern, section):
            start, end = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                for i, item in enumerate(_HEX.findall(dst)):
                    out[start + i] = _utf16(_hex(item))
            else:
                base = _hex(dst[1:-1])
                for i in range(min(end - start + 1, 0x10000)):
                    last = int.from_bytes(base[-2:]) + i if len(base) >= 2 else i
                    out[start + i] = _utf16(base[:-2] + (last & 0xFFFF).to_bytes(2))
    return out


_IDENTITY_RANGES = [(2, 0, 0xFFFF)]
_SIMPLE_RANGES = [(1, 0, 0xFF)]


def _split(data: bytes, ranges: list[tuple[int, int, int]]) -> Sequence[int]:
    """Char codes of a shown string, by the font's codespace ranges."""
    if ranges is _SIMPLE_RANGES:
        return data
    if ranges == _IDENTITY_RANGES:
        # every two bytes are a code (Identity-H, all our CID fonts): unpacked in C,
        # as a long report shows a few hundred thousand of them
        pairs = len(data) // 2
        codes = struct.unpack(f">{pairs}H", data[: 2 * pairs])
        return (*codes, data[-1]) if len(data) % 2 else codes
    out: list[int] = []
    i = 0
    while i < len(data):
        for length, lo, hi in ranges:
            chunk = data[i : i + length]
            if len(chunk) == length and lo <= int.from_bytes(chunk) <= hi:
                out.append(int.from_bytes(chunk))
                i += length
                break
        else:
            out.append(data[i])
            i += 1
    return out


class _GlyphMap:
    """code → glyph id (0 = .notdef) for one font; None from `reason` means checkable."""

    def __init__(self, font: Dictionary) -> None:
        self.font = font
        self.reason: str | None = None
        self.ranges = _SIMPLE_RANGES
        self.unicode: dict[int, str] = {}
        tounicode = font.get("/ToUnicode")
        if isinstance(tounicode, Stream):
            self.unicode = _to_unicode(tounicode.read_bytes())
        self._lookup: Callable[[int], bool] = lambda code: True
        try:
            self._setup()
        except (pikepdf.PdfError, OSError, ValueError, KeyError, AssertionError, TypeError) as exc:
            self.reason = f"font program unreadable ({type(exc).__name__})"

    def bad(self, code: int) -> bool:
        """True if `code` draws .notdef (or nothing at all)."""
        return not self._lookup(code)

    def _setup(self) -> None:
        subtype = self.font.get("/Subtype")
        if subtype == Name.Type3:
            self._setup_type3()
            return
        program = _font_program(self.font)
        if program is None:
            self.reason = "not embedded"
            return
        if subtype == Name.Type0:
            self._setup_type0(*program)
        elif program[0] == "/FontFile2":
            self._setup_truetype(program[1])
        elif program[0] == "/FontFile3":
            self._setup_cff_simple(program[1])
        else:
            self.reason = "Type 1 (FontFile) programs are not read"

    def _setup_type3(self) -> None:
        procs = self.font.get("/CharProcs")
        names = _encoding_names(self.font, None)
        known = set(procs.keys()) if isinstance(procs, Dictionary) else set()
        self._lookup = lambda code: "/" + names.get(code, ".notdef") in known

    def _setup_truetype(self, stream: Stream) -> None:
        from fontTools.ttLib import TTFont

        tt = TTFont(io.BytesIO(stream.read_bytes()), lazy=True)
        count = int(tt["maxp"].numGlyphs)
        gid = _truetype_simple_map(self.font, tt)
        self._lookup = lambda code: 0 < gid(code) < count

    def _setup_cff_simple(self, stream: Stream) -> None:
        cff = _cff(stream)
        if cff is None:
            self.reason = "unsupported FontFile3 subtype"
            return
        top = cff.topDictIndex[0]
        charset = set(top.charset)
        builtin = {}
        encoding = getattr(top, "Encoding", None)
        if isinstance(encoding, list):
            builtin = {i: n for i, n in enumerate(encoding) if n and n != ".notdef"}
        names = _encoding_names(self.font, builtin)
        self._lookup = lambda code: names.get(code, ".notdef") in charset - {".notdef"}

    def _setup_type0(self, key: str, stream: Stream) -> None:
        desc = _descendant(self.font)
        assert desc is not None
        encoding = self.font.get("/Encoding")
        to_cid: Callable[[int], int | None]
        if encoding in (Name("/Identity-H"), Name("/Identity-V")):
            self.ranges, to_cid = _IDENTITY_RANGES, lambda code: code
        elif isinstance(encoding, Stream):
            cmap = _CMap.parse(encoding.read_bytes())
            self.ranges, to_cid = cmap.ranges or _IDENTITY_RANGES, cmap.cid
        else:
            self.reason = f"predefined CMap {str(encoding).lstrip('/')} is not read"
            return
        cid_to_gid = self._cid_to_gid(desc, key, stream)

        def ok(code: int) -> bool:
            cid = to_cid(code)
            return cid is not None and cid != 0 and cid_to_gid(cid) > 0

        self._lookup = ok

    def _cid_to_gid(self, desc: Dictionary, key: str, stream: Stream) -> Callable[[int], int]:
        if key == "/FontFile2":
            count = _glyph_count(stream.read_bytes())
            mapping = desc.get("/CIDToGIDMap")
            if isinstance(mapping, Stream):
                table = mapping.read_bytes()

                def via_map(cid: int) -> int:
                    gid = (
                        int.from_bytes(table[2 * cid : 2 * cid + 2])
                        if 2 * cid + 2 <= len(table)
                        else 0
                    )
                    return gid if gid < count else 0

                return via_map
            return lambda cid: cid if cid < count else 0
        cff = _cff(stream)
        if cff is None:
            raise ValueError("unsupported font program")
        top = cff.topDictIndex[0]
        glyphs = list(top.charset)
        if hasattr(top, "ROS"):  # CID-keyed: the charset names glyphs by CID
            cid_gid = {int(n[3:]): i for i, n in enumerate(glyphs) if n.startswith("cid")}
            return lambda cid: cid_gid.get(cid, 0)
        return lambda cid: cid if cid < len(glyphs) else 0


def _glyph_count(data: bytes) -> int:
    """numGlyphs of a TrueType program, read from its maxp table by the table directory
    (the usual case, a CID font of ours, needs nothing else: fontTools takes 30 ms to
    import on the one-case rebuild's critical path); fontTools reads anything else."""
    if data[:4] in (b"\0\1\0\0", b"true"):
        with contextlib.suppress(struct.error):
            (tables,) = struct.unpack_from(">H", data, 4)
            for index in range(tables):
                tag, _sum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
                if tag == b"maxp":
                    return int(struct.unpack_from(">H", data, offset + 4)[0])
    from fontTools.ttLib import TTFont

    return int(TTFont(io.BytesIO(data), lazy=True)["maxp"].numGlyphs)


def _cff(stream: Stream) -> Any:
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    subtype = stream.get("/Subtype")
    data = stream.read_bytes()
    if subtype == Name.OpenType:
        tt = TTFont(io.BytesIO(data), lazy=True)
        return tt["CFF "].cff if "CFF " in tt else None
    if subtype not in (Name.Type1C, Name.CIDFontType0C):
        return None
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(data), None)
    return cff


@lru_cache(maxsize=8)
def _base_encoding(name: str) -> dict[int, str]:
    from fontTools import agl
    from fontTools.encodings.MacRoman import MacRoman
    from fontTools.encodings.StandardEncoding import StandardEncoding

    if name == "/MacRomanEncoding":
        return dict(enumerate(MacRoman))
    if name == "/WinAnsiEncoding":
        out = {}
        for code in range(256):
            char = bytes([code]).decode("cp1252", errors="ignore")
            if char:
                out[code] = agl.UV2AGL.get(ord(char), f"uni{ord(char):04X}")
        return out
    return dict(enumerate(StandardEncoding))


def _encoding_names(font: Dictionary, builtin: dict[int, str] | None) -> dict[int, str]:
    """code → glyph name from /Encoding (base encoding plus Differences)."""
    encoding = font.get("/Encoding")
    if isinstance(encoding, Name):
        names = dict(_base_encoding(str(encoding)))
    elif isinstance(encoding, Dictionary):
        base = encoding.get("/BaseEncoding")
        names = dict(
            _base_encoding(str(base)) if base is not None else builtin or _base_encoding("")
        )
        code = 0
        for item in encoding.get("/Differences", []):
            if isinstance(item, Name):
                names[code] = str(item).lstrip("/")
                code += 1
            else:
                code = int(item)
    else:
        names = dict(builtin if builtin is not None else _base_encoding(""))
    return {c: n for c, n in names.items() if n}


def _truetype_simple_map(font: Dictionary, tt: TTFont) -> Callable[[int], int]:
    """PDF 32000 9.6.6.4: how a simple TrueType font's codes reach glyphs.

    reportlab's subsets are symbolic, without /Encoding, with a (1,0) cmap whose
    codes are the subset positions 0–255; that is the (1,0) branch below.
    """
    from fontTools import agl

    cmap = tt.get("cmap")
    order = tt.getGlyphOrder()
    index = {name: i for i, name in enumerate(order)}

    def table(platform: int, encoding: int) -> dict[int, int] | None:
        sub = cmap.getcmap(platform, encoding) if cmap is not None else None
        return {c: index.get(n, 0) for c, n in sub.cmap.items()} if sub is not None else None

    descriptor = font.get("/FontDescriptor")
    flags = int(descriptor.get("/Flags", 0)) if isinstance(descriptor, Dictionary) else 0
    symbolic = bool(flags & 4)
    win_symbol, mac, win_unicode = table(3, 0), table(1, 0), table(3, 1)
    if cmap is None:
        return lambda code: code  # no cmap: codes are glyph ids, as viewers do
    if not symbolic and "/Encoding" in font and win_unicode is not None:
        names = _encoding_names(font, None)

        def via_names(code: int) -> int:
            name = names.get(code)
            if name is None:
                return 0
            text = agl.toUnicode(name)
            if len(text) == 1 and ord(text) in win_unicode:
                return win_unicode[ord(text)]
            return index.get(name, 0)

        return via_names
    if win_symbol is not None:
        sym = win_symbol
        return lambda code: next(
            (sym[c] for c in (code, 0xF000 + code, 0xF100 + code, 0xF200 + code) if c in sym), 0
        )
    if mac is not None:
        return lambda code: mac.get(code, 0)
    if win_unicode is not None:
        uni = win_unicode
        return lambda code: uni.get(code, 0)
    return lambda code: 0


def _check_glyphs(facts: _Facts, issues: _Issues) -> None:
    for key, by_page in facts.text.items():
        if key not in facts.fonts:
            continue
        font = facts.fonts[key][0]
        glyphs = _GlyphMap(font)
        name = _font_name(font)
        if glyphs.reason == "not embedded":
            continue  # the fonts check fails it; nothing to read here
        if glyphs.reason is not None:
            issues.add(
                "glyphs", "WARN", "glyphs not checked", min(by_page), f"{name}: {glyphs.reason}"
            )
            continue
        strings = set().union(*by_page.values())
        codes: set[int] = set()
        for shown_string in strings:
            codes.update(_split(shown_string, glyphs.ranges))
        bad = {code for code in codes if glyphs.bad(code)}
        if not bad:
            continue
        for page, shown in by_page.items():
            if any(code in bad for s in shown for code in _split(s, glyphs.ranges)):
                for code in bad:
                    issues.add(
                        "glyphs", "FAIL", f".notdef glyph in {name}", page, _describe(code, glyphs)
                    )


def _describe(code: int, glyphs: _GlyphMap) -> str:
    text = glyphs.unicode.get(code)
    if text and text != "\x00" and text.isprintable():
        return f"'{text}' U+{ord(text[0]):04X}"
    # reportlab sends every character its subset lacks to code 0, mapped to nothing
    digits = 2 * max(length for length, _, _ in glyphs.ranges)
    return f"code 0x{code:0{digits}X} (no Unicode mapping)"


# ---------------------------------------------------------------------------
# Document-level checks


def _check_boxes(pdf: Pdf, issues: _Issues, bleed_mm: float | None) -> None:
    bleeds: dict[float, list[int]] = defaultdict(list)
    for number, page in enumerate(pdf.pages, start=1):
        obj = page.obj
        media = _rect(_inherited(obj, "/MediaBox"))
        trim, bleed = _rect(obj.get("/TrimBox")), _rect(obj.get("/BleedBox"))
        if trim is None:
            issues.add("boxes", "FAIL", "no TrimBox", number)
        if "/ArtBox" in obj and trim is not None:
            issues.add("boxes", "FAIL", "both TrimBox and ArtBox (PDF/X allows one)", number)
        if bleed is None:
            issues.add("boxes", "FAIL", "no BleedBox", number)
        if media is None or trim is None or bleed is None:
            continue
        if not _contains(media, bleed):
            issues.add("boxes", "FAIL", "BleedBox extends beyond MediaBox", number)
        if not _contains(bleed, trim):
            issues.add("boxes", "FAIL", "TrimBox extends beyond BleedBox", number)
            continue
        sides = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
        if max(sides) - min(sides) > _BLEED_TOLERANCE:
            label = "/".join(f"{s / MM:.1f}" for s in sides) + " mm"
            issues.add("boxes", "FAIL", "bleed not equal on all sides", number, label)
            continue
        bleeds[round(sides[0] / MM, 1)].append(number)
    if bleed_mm is not None:
        for value, pages in bleeds.items():
            if abs(value - bleed_mm) * MM > _BLEED_TOLERANCE + 0.05 * MM:
                for p in pages:
                    issues.add("boxes", "FAIL", f"bleed is not {bleed_mm:g} mm", p, f"{value:g} mm")
    elif len(bleeds) > 1:
        common = max(bleeds, key=lambda v: len(bleeds[v]))
        for value, pages in bleeds.items():
            for p in pages if value != common else ():
                issues.add(
                    "boxes", "FAIL", "bleed differs from the other pages", p, f"{value:g} mm"
                )
    if 0.0 in bleeds and bleed_mm is None:
        for p in bleeds[0.0]:
            issues.add("boxes", "WARN", "no bleed (BleedBox = TrimBox)", p)


def _info_text(info: Any, key: str) -> str:
    value = info.get(key) if isinstance(info, Dictionary) else None
    return str(value) if value is not None else ""


def _check_pdfx(pdf: Pdf, issues: _Issues, facts: _Facts) -> None:
    info = pdf.trailer.get("/Info")
    version = _info_text(info, "/GTS_PDFXVersion")
    if not version:
        issues.add("pdfx", "FAIL", "no GTS_PDFXVersion in Info")
    elif not version.startswith("PDF/X-1"):
        issues.add("pdfx", "FAIL", f"GTS_PDFXVersion is {version}, not PDF/X-1a")
    elif version in ("PDF/X-1:2001", "PDF/X-1:2003"):
        conformance = _info_text(info, "/GTS_PDFXConformance")
        if not conformance.startswith("PDF/X-1a"):
            issues.add("pdfx", "FAIL", "GTS_PDFXConformance is not PDF/X-1a")
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if not _info_text(info, key).strip():
            issues.add("pdfx", "FAIL", f"no {key[1:]} in Info")
    trapped = info.get("/Trapped") if isinstance(info, Dictionary) else None
    if trapped not in (Name("/True"), Name("/False")):
        issues.add("pdfx", "FAIL", "Trapped is not /True or /False")
    if "/ID" not in pdf.trailer:
        issues.add("pdfx", "FAIL", "no document ID in the trailer")
    _check_output_intent(pdf, issues)
    if pdf.is_encrypted:
        issues.add("pdfx", "FAIL", "encrypted")
    limit = "1.3" if version.endswith(":2001") else "1.4"
    declared = max(pdf.pdf_version, str(pdf.Root.get("/Version", "/0")).lstrip("/"))
    if declared > limit:
        issues.add("pdfx", "FAIL", f"PDF version {declared} (PDF/X-1a needs ≤ {limit})")
    _check_objects(pdf, issues, _stream_pages(facts), jbig2_allowed=limit >= "1.4")
    _check_annotations(pdf, issues)


def _check_output_intent(pdf: Pdf, issues: _Issues) -> None:
    intents = pdf.Root.get("/OutputIntents")
    pdfx = [i for i in intents or [] if isinstance(i, Dictionary) and i.get("/S") == Name.GTS_PDFX]
    if not pdfx:
        issues.add("pdfx", "FAIL", "no OutputIntent with /S /GTS_PDFX")
        return
    if len(pdfx) > 1:
        issues.add("pdfx", "FAIL", "more than one GTS_PDFX OutputIntent")
    intent = pdfx[0]
    if not _info_text(intent, "/OutputConditionIdentifier"):
        issues.add("pdfx", "FAIL", "OutputIntent without OutputConditionIdentifier")
    profile = intent.get("/DestOutputProfile")
    if profile is None and not _info_text(intent, "/RegistryName"):
        issues.add("pdfx", "FAIL", "OutputIntent has neither a registry name nor a profile")
    if isinstance(profile, Stream) and int(profile.get("/N", 4)) != 4:
        issues.add("pdfx", "FAIL", "DestOutputProfile is not a CMYK profile")


def _filter_names(obj: Any) -> list[str]:
    value = obj.get("/Filter")
    if isinstance(value, Name):
        return [str(value)]
    return [str(v) for v in value] if isinstance(value, Array) else []


def _stream_pages(facts: _Facts) -> dict[tuple[int, int], set[int]]:
    """Pages per stream: what the walk saw drawn, plus the streams of the fonts used."""
    pages: dict[tuple[int, int], set[int]] = defaultdict(set, facts.streams)
    for font, used, listed in facts.fonts.values():
        parts: list[Any] = [font, _descendant(font)]
        parts += [p.get("/FontDescriptor") for p in parts if p is not None]
        for holder in (p for p in parts if _is_dict(p)):
            for key in ("/ToUnicode", "/FontFile", "/FontFile2", "/FontFile3", "/CIDToGIDMap"):
                stream = holder.get(key)
                if isinstance(stream, Stream):
                    pages[stream.objgen] |= used or listed
    return pages


def _check_objects(
    pdf: Pdf, issues: _Issues, pages: dict[tuple[int, int], set[int]], *, jbig2_allowed: bool
) -> None:
    """One pass over every object: filters, object streams and forbidden features."""
    for obj in pdf.objects:
        if not _is_dict(obj):
            continue
        kind = obj.get("/Type")
        if isinstance(obj, Stream):
            filters = _filter_names(obj)
            if "/LZWDecode" in filters:
                where = pages.get(obj.objgen) or {0}
                for page in where:
                    issues.add("pdfx", "FAIL", "LZW compression", page, f"object {obj.objgen[0]}")
            if "/JPXDecode" in filters:
                issues.add("pdfx", "FAIL", "JPEG 2000 image (needs PDF 1.5)")
            if "/JBIG2Decode" in filters and not jbig2_allowed:
                issues.add("pdfx", "FAIL", "JBIG2 image (needs PDF 1.4)")
            if kind == Name.ObjStm:
                issues.add("pdfx", "FAIL", "object streams (need PDF 1.5)")
            if kind == Name.XRef:
                issues.add("pdfx", "FAIL", "cross-reference stream (needs PDF 1.5)")
            if obj.get("/Subtype") == Name.PS:
                issues.add("pdfx", "FAIL", "PostScript XObject")
        if "/OPI" in obj:
            issues.add("pdfx", "FAIL", "OPI reference")
        if "/Alternates" in obj:
            issues.add("pdfx", "FAIL", "alternate images")
        if obj.get("/S") == Name.JavaScript or kind == Name.Filespec or "/EmbeddedFiles" in obj:
            issues.add("pdfx", "FAIL", "JavaScript or embedded files")
    if pdf.trailer.get("/Type") == Name.XRef:
        issues.add("pdfx", "FAIL", "cross-reference stream (needs PDF 1.5)")


def _check_annotations(pdf: Pdf, issues: _Issues) -> None:
    for number, page in enumerate(pdf.pages, start=1):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        area = _rect(page.obj.get("/BleedBox")) or _rect(page.obj.get("/TrimBox"))
        for annot in annots:
            if not isinstance(annot, Dictionary):
                continue
            subtype = str(annot.get("/Subtype", "/Unknown")).lstrip("/")
            rect = _rect(annot.get("/Rect"))
            if subtype in ("TrapNet", "PrinterMark") or rect is None:
                continue
            if area is None or not _disjoint(rect, area):
                issues.add("pdfx", "FAIL", "annotation inside the bleed box", number, subtype)


def _check_pages(count: int, multiple: int, issues: _Issues) -> None:
    if multiple > 1 and count % multiple:
        missing = multiple - count % multiple
        status: Status = "FAIL" if multiple > 2 else "WARN"
        issues.add(
            "pages",
            status,
            f"{_n(count, 'page')}, not a multiple of {multiple} (add {missing} blank)",
        )


def _outline_count(pdf: Pdf) -> int:
    outlines = pdf.Root.get("/Outlines")
    if not isinstance(outlines, Dictionary) or "/First" not in outlines:
        return 0
    count, stack, seen = 0, [outlines.First], set()
    while stack and count < 100_000:
        item = stack.pop()
        if not isinstance(item, Dictionary) or _key(item) in seen:
            continue
        seen.add(_key(item))
        count += 1
        stack.extend(x for x in (item.get("/Next"), item.get("/First")) if x is not None)
    return count


def _check_screen(pdf: Pdf, issues: _Issues) -> None:
    info = pdf.trailer.get("/Info")
    if not _info_text(info, "/Title").strip():
        issues.add("title", "FAIL", "no Title in Info")
    prefs = pdf.Root.get("/ViewerPreferences")
    if not (isinstance(prefs, Dictionary) and bool(prefs.get("/DisplayDocTitle", False))):
        issues.add("title", "WARN", "viewers show the file name (DisplayDocTitle not set)")
    if not str(pdf.Root.get("/Lang", "")).strip():
        issues.add("lang", "FAIL", "no /Lang in the catalog")
    if len(pdf.pages) > 4 and _outline_count(pdf) == 0:
        issues.add("outline", "WARN", f"no bookmarks in a {len(pdf.pages)}-page document")


def _pass_messages(pdf: Pdf, facts: _Facts, multiple: int) -> dict[str, str]:
    """What each passing check says, with the numbers it measured."""
    ppis = [p.ppi for p in facts.images]
    rule = facts.thinnest_rule
    count = len(pdf.pages)
    outlines = _outline_count(pdf)
    info = pdf.trailer.get("/Info")
    trim = _rect(pdf.pages[0].obj.get("/TrimBox")) if count else None
    bleed = _rect(pdf.pages[0].obj.get("/BleedBox")) if count else None
    bleed_text = f", bleed {(trim[0] - bleed[0]) / MM:.1f} mm" if trim and bleed else ""
    spaces = ", ".join(sorted(facts.colour_spaces))
    return {
        "boxes": f"TrimBox and BleedBox on every page{bleed_text}",
        "fonts": f"every font embedded ({_n(len(facts.fonts), 'font')})",
        "glyphs": f"no .notdef glyphs ({_n(len(facts.text), 'font')} checked)",
        "colour": f"only {spaces} painted" if spaces else "nothing painted",
        "text-black": "no rich black or RGB text",
        "ink": f"max total ink {_percent(facts.max_ink)} (limit {_percent(INK_LIMIT)})",
        "images": _n(facts.image_count, "image placement")
        + (f", lowest {min(ppis):.0f} ppi" if ppis else ""),
        "rules": "no strokes" if rule is None else f"thinnest stroke {rule:.2f} pt",
        "transparency": "no transparency",
        "overprint": "no white overprint",
        "pdfx": f"{_info_text(info, '/GTS_PDFXVersion')}, PDF {pdf.pdf_version}, "
        + f"output intent {_output_id(pdf)}",
        "pages": f"{_n(count, 'page')} (multiple of {multiple})",
        "title": f"title {_info_text(info, '/Title')!r}",
        "lang": f"language {pdf.Root.get('/Lang')}",
        "outline": _n(outlines, "bookmark") if outlines else f"not needed ({_n(count, 'page')})",
    }


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.0f} %"


def _output_id(pdf: Pdf) -> str:
    for intent in pdf.Root.get("/OutputIntents") or []:
        if isinstance(intent, Dictionary):
            return _info_text(intent, "/OutputConditionIdentifier")
    return ""
