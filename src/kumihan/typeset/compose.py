"""The JLREQ line composer: styled spans in, justified lines of placed runs out.

`compose(spans, width, rules, fonts)` breaks one paragraph into `Line`s. Every
typesetting decision is made here, so a renderer only draws each `PlacedRun` at
its x with its `char_space` (PDF ``Tc``):

- each character is drawn by ``fonts.resolve(style.face, ch)`` (or the style's
  face when nothing has it) and advances ``fonts.advance(face, ch) * size``;
- punctuation spacing (JLREQ 3.1.2–3.1.4): the full-width glyphs of 、。 and
  closing brackets keep the empty half-em after their ink, opening brackets the
  half-em before, ・：； a quarter em each side; consecutive punctuation collapses
  (」「 → half an em between the inks, 。」 and （「 solid);
- an opening bracket's leading half-em is dropped at a line start (天付き); the
  trailing space of the last character (、。」…) is dropped only when the line
  needs it to fit (追い込み);
- 和欧間: ``rules.latin_space`` em between kana/kanji and Latin letters or digits,
  never beside punctuation that has its own space and never at a line edge;
- breaking (`jlreq.break_opportunities`): greedy first fit, where a line takes as
  many characters as fit after squeezing (first the 和欧間 and word spaces, then
  the punctuation spaces), and otherwise falls back to the last allowed break
  (追い出し); with ``rules.hanging`` a 、 or 。 that does not fit hangs past the
  measure (ぶら下げ) instead;
- justification: the 和欧間 and word spaces stretch first (up to +¼ em each), then
  the rest is spread evenly over all inter-character gaps except those inside
  Latin words. The last line of a paragraph, and a line ended by "\\n", is set
  flush left, as are all lines with ``align`` left/center/right (shifted to place).

Geometry of the result (all in points, x from the frame's left edge):

- ``PlacedRun.x`` is where the run's first glyph's advance box starts (an opening
  bracket set 天付き starts half an em left of the indent); ``PlacedRun.width`` is
  from ``x`` to the end of the run's last glyph's advance box: the advances plus
  ``char_space`` between characters, not after the last one;
- ``Line.width`` is the length of the line's content, from the line's start
  (indent, plus the alignment offset for center/right) to the end of the last
  glyph's advance box, minus a dropped line-end space and minus ``Line.hang``.
  For every justified line but the last, ``Line.width == width - indent``;
- so on a justified line the last glyph's full advance box ends at the frame's
  right edge, or exactly its dropped trailing space (½ em for 、。」, ¼ em for ・)
  past it, so that its ink ends at the edge; a hanging 、。 has its ink's half-em
  past the edge (``Line.hang``) and its whole box one em past it;
- spaces at a break are kept as a last run of width 0 at the end of the line, so
  text extraction and the checker see the word boundary; they take no room.
  Spaces at the start of a paragraph segment are dropped.

When no allowed break fits (a word longer than the measure), the line breaks
where the character classes allow (never a forbidden line start or end), else
anywhere: the checker will then report it.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, pairwise

from kumihan.typeset.fonts import FontBook, is_latin
from kumihan.typeset.jlreq import (
    CLASS_OF,
    HANGING,
    break_opportunities,
    is_japanese_letter,
    not_at_line_end,
    not_at_line_start,
)
from kumihan.typeset.types import Kinsoku, Line, PlacedRun, Rules, RunStyle, Span

# ------------------------------------------------------------ spacing kinds
# What a character is for spacing: the pair of kinds either side of a gap decides
# the gap (punctuation space kept or collapsed, 和欧間, word space).
NEUTRAL, JAPANESE, LATIN, SPACE, OPEN, CLOSE, MIDDLE = range(7)
_KINDS = 7
# Gap classes for justification: inter-character (B), inside Latin text (L),
# 和欧間 (A), after a word space (W).
GAP_B, GAP_L, GAP_A, GAP_W = range(4)

_EPS = 1e-6
_BOX_CHAR = "\ufffc"
_CURLY_QUOTES = frozenset("‘’“”")
_STRETCH_FIRST_EM = 0.25  # how far 和欧間 and word spaces stretch before everything else
_WORD_SPACE_MIN_EM = 0.25  # a word space shrinks to a quarter em at most


def _pair_rules() -> tuple[list[int], list[int]]:
    """For each (left kind, right kind): which punctuation spaces stay, and the gap class.

    Bit 1: the left character keeps its trailing space; bit 2: the right one keeps
    its leading space; bit 4: 和欧間 between them. JLREQ 3.1.4: after a closing
    bracket, 、 or 。 any following punctuation is set solid against it (」「 keeps
    only 「's half-em, 。」 nothing); a middle dot before an opening bracket gives
    up its quarter; an opening bracket after an opening bracket is set solid.
    """
    keep: list[int] = []
    gap_class: list[int] = []
    punct = (OPEN, CLOSE, MIDDLE)
    for a in range(_KINDS):
        for b in range(_KINDS):
            right = a in (CLOSE, MIDDLE) and not (a == CLOSE and b in punct)
            right = right and not (a == MIDDLE and b == OPEN)
            left = b in (OPEN, MIDDLE) and not (a == OPEN and b == OPEN)
            wa_ou = {a, b} == {JAPANESE, LATIN}
            keep.append(int(right) | int(left) << 1 | int(wa_ou) << 2)
            if b == SPACE or (a == LATIN and b == LATIN):
                gap_class.append(GAP_L)
            elif a == SPACE:
                gap_class.append(GAP_W)
            elif wa_ou:
                gap_class.append(GAP_A)
            else:
                gap_class.append(GAP_B)
    return keep, gap_class


_KEEP, _GAP_CLASS = _pair_rules()
_SPECIAL = [
    bool(keep) or cls == GAP_W or a in (OPEN, CLOSE, MIDDLE) or b in (OPEN, CLOSE, MIDDLE)
    for (a, b), keep, cls in zip(
        ((a, b) for a in range(_KINDS) for b in range(_KINDS)), _KEEP, _GAP_CLASS, strict=True
    )
]

CharInfo = tuple[int, float, float, float, float, int]  # face id, advance, core, lead, trail, kind


_ComposeKey = tuple[tuple[Span, ...], float, Rules, float, float]
_MEMO_SIZE = 16384  # composed paragraphs remembered per font book


class _Metrics:
    """Per font book: each (style face, character) → drawing face and spacing data, in em;
    and the paragraphs composed so far (the fit ladder, the print and the screen PDF
    compose the same paragraph at the same width again and again)."""

    def __init__(self, fonts: FontBook) -> None:
        self.fonts = fonts
        self.faces: list[str] = []
        self.face_ids: dict[str, int] = {}
        self.tables: dict[str, dict[str, CharInfo]] = {}
        self.composed: OrderedDict[_ComposeKey, tuple[Line, ...]] = OrderedDict()

    def face_id(self, face: str) -> int:
        fid = self.face_ids.get(face)
        if fid is None:
            fid = self.face_ids[face] = len(self.faces)
            self.faces.append(face)
        return fid

    def table(self, base: str) -> dict[str, CharInfo]:
        table = self.tables.get(base)
        if table is None:
            table = self.tables[base] = {}
        return table

    def info(self, base: str, ch: str) -> CharInfo:
        face = self.fonts.resolve(base, ch) or base
        latin = self.fonts.specs[base].latin if base in self.fonts.specs else ""
        if ch == " " and latin and self.fonts.has(ch, latin):
            face = latin  # a word space belongs to the Latin words it separates
        adv = self.fonts.advance(face, ch)
        kind, lead, trail = _spacing_of(ch, adv)
        info = (self.face_id(face), adv, adv - lead - trail, lead, trail, kind)
        self.table(base)[ch] = info
        return info


def _spacing_of(ch: str, adv: float) -> tuple[int, float, float]:
    """Spacing kind and the empty lead/trail inside a full-width punctuation glyph (em)."""
    if ch == " ":
        return SPACE, 0.0, 0.0
    cl = CLASS_OF.get(ch, 0)
    full_width = adv >= 0.9 and not is_latin(ch)
    if full_width and cl == 1:
        return OPEN, adv / 2, 0.0
    if full_width and cl in (2, 6, 7):
        return CLOSE, 0.0, adv / 2
    if full_width and cl == 5:
        return MIDDLE, adv / 4, adv / 4
    if ch in _CURLY_QUOTES:
        return NEUTRAL, 0.0, 0.0
    if is_latin(ch):
        return LATIN, 0.0, 0.0
    if is_japanese_letter(ch):
        return JAPANESE, 0.0, 0.0
    return NEUTRAL, 0.0, 0.0


_METRICS: weakref.WeakKeyDictionary[FontBook, _Metrics] = weakref.WeakKeyDictionary()


def _metrics(fonts: FontBook) -> _Metrics:
    found = _METRICS.get(fonts)
    if found is None:
        found = _METRICS[fonts] = _Metrics(fonts)
    return found


# ------------------------------------------------------------ one segment


@dataclass(slots=True)
class _Segment:
    """A paragraph's characters between forced breaks, as parallel lists (points)."""

    parts: list[str] = field(default_factory=list)
    adv: list[float] = field(default_factory=list)
    core: list[float] = field(default_factory=list)
    lead: list[float] = field(default_factory=list)
    trail: list[float] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    run_key: list[int] = field(default_factory=list)  # style id << 10 | face id; < 0 for a box
    size: list[float] = field(default_factory=list)
    boxes: dict[int, Span] = field(default_factory=dict)
    text: str = ""


def _flatten(
    spans: Sequence[Span], metrics: _Metrics, styles: dict[RunStyle, int]
) -> list[_Segment]:
    """Spans → segments split at "\\n", each character measured and classified."""
    segments = [_Segment()]
    for span in spans:
        style = span.style
        sid = styles.setdefault(style, len(styles))
        seg = segments[-1]
        if span.box:
            seg.boxes[len(seg.adv)] = span
            _append(
                seg,
                [(0, span.box_width, span.box_width, 0.0, 0.0, NEUTRAL)],
                1.0,
                -len(seg.boxes),
                style.size,
                _BOX_CHAR,
            )
            continue
        table = metrics.table(style.face)
        for i, part in enumerate(span.text.split("\n")):
            if i:
                segments.append(_Segment())
            if not part:
                continue
            get = table.get
            infos = [get(c) or metrics.info(style.face, c) for c in part]
            _append(segments[-1], infos, style.size, sid << 10, style.size, part)
    for seg in segments:
        seg.text = "".join(seg.parts)
    return segments


def _append(
    seg: _Segment, infos: list[CharInfo], scale: float, key: int, size: float, text: str
) -> None:
    fids, adv, core, lead, trail, kind = zip(*infos, strict=True)
    seg.parts.append(text)
    seg.adv.extend([a * scale for a in adv])
    seg.core.extend([c * scale for c in core])
    seg.lead.extend([v * scale for v in lead])
    seg.trail.extend([v * scale for v in trail])
    seg.kind.extend(kind)
    seg.run_key.extend([key] * len(infos) if key < 0 else [key | f for f in fids])
    seg.size.extend([size] * len(infos))


@dataclass(slots=True)
class _Gaps:
    """Per gap i (between characters i and i+1) and cumulative positions on one infinite line."""

    class_: list[int]
    delta: list[float]  # natural shift of glyph i+1 from "right after glyph i's advance"
    shrink1: list[float]  # 和欧間 and word spaces
    shrink2: list[float]  # punctuation spaces
    ends: list[float]  # core end of each character
    shrink1_sum: list[float]  # shrink before each character
    shrink2_sum: list[float]
    tightest: list[float]  # ends minus all the shrink before


def _gaps(seg: _Segment, latin_space: float) -> _Gaps:
    n = len(seg.kind)
    kind, lead, trail, size, adv = seg.kind, seg.lead, seg.trail, seg.size, seg.adv
    keys = [a * _KINDS + b for a, b in pairwise(kind)]
    gap_class = [_GAP_CLASS[k] for k in keys]
    gap = [0.0] * max(n - 1, 0)
    delta = gap[:]
    shrink1 = gap[:]
    shrink2 = gap[:]
    # Only gaps beside punctuation, 和欧間 and word spaces differ from zero: visit those.
    for i in [i for i, k in enumerate(keys) if _SPECIAL[k]]:
        keep = _KEEP[keys[i]]
        punct = (trail[i] if keep & 1 else 0.0) + (lead[i + 1] if keep & 2 else 0.0)
        wa_ou = latin_space * max(size[i], size[i + 1]) if keep & 4 else 0.0
        gap[i] = punct + wa_ou
        delta[i] = gap[i] - trail[i] - lead[i + 1]
        shrink2[i] = punct
        shrink1[i] = wa_ou / 2
        if gap_class[i] == GAP_W:
            shrink1[i] += max(0.0, adv[i] - _WORD_SPACE_MIN_EM * size[i])
    ends = [a + b for a, b in zip(accumulate(seg.core), [0.0, *accumulate(gap)], strict=True)]
    s1 = [0.0, *accumulate(shrink1)]
    s2 = [0.0, *accumulate(shrink2)]
    tightest = [e - a - b for e, a, b in zip(ends, s1, s2, strict=True)]
    return _Gaps(gap_class, delta, shrink1, shrink2, ends, s1, s2, tightest)


# ------------------------------------------------------------ breaking


@dataclass(frozen=True, slots=True)
class _Cut:
    """One line's extent: content s..e, trailing spaces up to `next_start`, hanging or not."""

    start: int
    end: int
    next_start: int
    hung: bool = False


def _next_cut(
    seg: _Segment, gaps: _Gaps, ops: bytearray, s: int, measure: float, rules: Rules
) -> _Cut:
    """Where the line starting at `s` ends.

    Characters are laid at natural spacing until the next one's ink would pass the
    measure (a line-end 、。」 may lose its trailing space). If a break is allowed
    there, that is the line. Otherwise (禁則): hang a 、。 (``rules.hanging``), else
    squeeze to keep the next unbreakable unit on the line (追い込み), else push
    back to the last allowed break (追い出し).
    """
    n = len(seg.kind)
    kind = seg.kind
    lead = 0.0 if kind[s] == OPEN else seg.lead[s]
    natural_base = gaps.ends[s] - seg.core[s]
    k = bisect_right(gaps.ends, measure - lead + natural_base + _EPS, s) - 1
    while k + 1 < n and kind[k + 1] == SPACE:
        k += 1
    if k >= n - 1:
        return _trimmed(kind, s, n)
    if k >= s and ops[k + 1]:
        return _trimmed(kind, s, k + 1)
    tight_base = natural_base - gaps.shrink1_sum[s] - gaps.shrink2_sum[s]
    h = k + 1
    if (
        rules.hanging
        and h > s
        and seg.text[h] in HANGING
        and kind[h] == CLOSE
        and (h + 1 >= n or ops[h + 1])
        and lead + gaps.tightest[h] - seg.core[h] - tight_base <= measure + _EPS
    ):
        return _trimmed(kind, s, h + 1, hung=True)
    after = ops.find(1, k + 2)
    pushed_in = _trimmed(kind, s, n if after < 0 else after)
    if lead + gaps.tightest[pushed_in.end] - tight_base <= measure + _EPS:
        return pushed_in
    brk = ops.rfind(1, s + 1, k + 1)
    if brk < 0:
        brk = _emergency_break(seg.text, s, k + 1, rules.kinsoku)
    return _trimmed(kind, s, brk)


def _trimmed(kind: list[int], s: int, brk: int, *, hung: bool = False) -> _Cut:
    """The line s..brk-1 without its trailing spaces; the next line starts after them."""
    e = brk - 1
    while e > s and kind[e] == SPACE:
        e -= 1
    nxt = brk
    while nxt < len(kind) and kind[nxt] == SPACE:
        nxt += 1
    return _Cut(s, e, nxt, hung)


def _emergency_break(text: str, s: int, limit: int, kinsoku: Kinsoku) -> int:
    """No allowed break fits: break inside a word, but never against the character classes."""
    limit = max(limit, s + 1)
    if limit >= len(text):
        return len(text)
    for j in range(limit, s, -1):
        if not not_at_line_start(text[j], kinsoku) and not not_at_line_end(text[j - 1]):
            return j
    return limit


# ------------------------------------------------------------ placing


def _place(
    seg: _Segment,
    gaps: _Gaps,
    cut: _Cut,
    measure: float,
    indent: float,
    last: bool,
    rules: Rules,
    metrics: _Metrics,
    styles: list[RunStyle],
) -> Line:
    s, e = cut.start, cut.end
    lead = 0.0 if seg.kind[s] == OPEN else seg.lead[s]
    length = lead + gaps.ends[e] - (gaps.ends[s] - seg.core[s])
    natural = length - seg.core[e] if cut.hung else length + seg.trail[e]
    dropped = seg.trail[e] if cut.hung else 0.0
    diff = measure - natural
    if diff < -_EPS and not cut.hung and seg.trail[e] > 0:
        dropped = seg.trail[e]
        diff += dropped
    justify = rules.align == "justify" and not last
    r1 = r2 = 0.0
    add = (0.0, 0.0, 0.0, 0.0)
    if diff < -_EPS:
        r1, r2, diff = _shrink_ratios(gaps, s, e, diff)
    elif justify and diff > _EPS:
        add = _stretch(gaps.class_[s:e], diff, max(seg.size[s : e + 1]))
    offset = 0.0
    if not justify and diff > 0 and rules.align in ("center", "right"):
        offset = diff / 2 if rules.align == "center" else diff
    runs, box_end = _runs(
        seg, gaps, s, e, indent + offset + lead - seg.lead[s], r1, r2, add, metrics, styles
    )
    content_end = box_end - dropped
    hang = max(0.0, content_end - indent - measure) if cut.hung else 0.0
    if cut.next_start > e + 1:
        runs.append(_space_run(seg, e + 1, cut.next_start, box_end, metrics, styles))
    return Line(
        runs=tuple(runs),
        width=content_end - hang - indent - offset,
        size=max(seg.size[s : e + 1]),
        last=last,
        hang=hang,
    )


def _shrink_ratios(gaps: _Gaps, s: int, e: int, diff: float) -> tuple[float, float, float]:
    """Squeeze 和欧間 and word spaces first, then punctuation spaces.

    Returns the two shrink ratios and what is left of `diff` (negative: overfull)."""
    need = -diff
    cap1 = gaps.shrink1_sum[e] - gaps.shrink1_sum[s]
    cap2 = gaps.shrink2_sum[e] - gaps.shrink2_sum[s]
    take1 = min(cap1, need)
    take2 = min(cap2, need - take1)
    r1 = take1 / cap1 if cap1 > 0 else 0.0
    r2 = take2 / cap2 if cap2 > 0 else 0.0
    return r1, r2, diff + take1 + take2


def _stretch(classes: list[int], diff: float, em: float) -> tuple[float, float, float, float]:
    """Extra space per gap class (B, L, A, W): 和欧間 and word spaces first (up to a
    quarter em), then the rest evenly over every gap that is not inside a Latin word."""
    n_first = classes.count(GAP_A) + classes.count(GAP_W)
    n_even = n_first + classes.count(GAP_B)
    first = min(_STRETCH_FIRST_EM * em, diff / n_first) if n_first else 0.0
    rest = diff - first * n_first
    even = inside = 0.0
    if rest > _EPS:
        if n_even:
            even = rest / n_even
        elif classes:
            inside = rest / len(classes)  # one long Latin word: letter-space it
    return (even, inside, first + even, first + even)


def _runs(
    seg: _Segment,
    gaps: _Gaps,
    s: int,
    e: int,
    x: float,
    r1: float,
    r2: float,
    add: tuple[float, float, float, float],
    metrics: _Metrics,
    styles: list[RunStyle],
) -> tuple[list[PlacedRun], float]:
    """Group characters s..e into runs of uniform spacing; returns them and the last box end.

    A run ends where the face or style changes, at a box, or where the gap after a
    character differs from the run's spacing (a collapsed bracket, 和欧間, a squeezed
    punctuation space); the next run starts at its own x.
    """
    adv, key, delta, gap_class = seg.adv, seg.run_key, gaps.delta, gaps.class_
    shrink1, shrink2 = gaps.shrink1, gaps.shrink2
    squeeze = r1 > 0 or r2 > 0
    runs: list[PlacedRun] = []
    start, start_x = s, x
    space: float | None = None  # the run's spacing, once it has two characters
    for i in range(s, e):
        if squeeze:
            d = delta[i] - r1 * shrink1[i] - r2 * shrink2[i]
        else:
            d = delta[i] + add[gap_class[i]]
        nx = x + adv[i] + d
        if key[i + 1] != key[i] or key[i] < 0 or (space is not None and abs(d - space) > 1e-9):
            runs.append(_run(seg, start, i, start_x, space or 0.0, x + adv[i], metrics, styles))
            start, start_x, space = i + 1, nx, None
        elif space is None:
            space = d
        x = nx
    runs.append(_run(seg, start, e, start_x, space or 0.0, x + adv[e], metrics, styles))
    return runs, x + adv[e]


def _run(
    seg: _Segment,
    a: int,
    b: int,
    x: float,
    space: float,
    end: float,
    metrics: _Metrics,
    styles: list[RunStyle],
) -> PlacedRun:
    key = seg.run_key[a]
    if key < 0:
        box = seg.boxes[a]
        return PlacedRun(box.text, box.style.face, box.style, x, 0.0, end - x, box.box)
    face, style = metrics.faces[key & 1023], styles[key >> 10]
    return PlacedRun(seg.text[a : b + 1], face, style, x, space, end - x)


def _space_run(
    seg: _Segment, a: int, b: int, x: float, metrics: _Metrics, styles: list[RunStyle]
) -> PlacedRun:
    key = seg.run_key[a]
    return PlacedRun(seg.text[a:b], metrics.faces[key & 1023], styles[key >> 10], x, 0.0, 0.0)


# ------------------------------------------------------------ the entry point


def compose(
    spans: Sequence[Span],
    width: float,
    rules: Rules,
    fonts: FontBook,
    *,
    indent_first: float = 0.0,
    indent_rest: float = 0.0,
    memo: bool = True,
) -> list[Line]:
    """Break one paragraph's spans into lines `width` points wide (see the module docstring).

    A "\\n" in the text forces a line break; the line before it is set like a last
    line (``last=True``, not justified). An empty segment between two "\\n" gives an
    empty line. Returns [] for a paragraph with no characters.

    The result is remembered per font book (the last `_MEMO_SIZE` paragraphs), so the
    same paragraph at the same width is composed once; ``memo=False`` composes afresh
    (the benchmark).
    """
    metrics = _metrics(fonts)
    if not memo:
        return _compose(spans, width, rules, metrics, indent_first, indent_rest)
    key = (tuple(spans), width, rules, indent_first, indent_rest)
    composed = metrics.composed
    found = composed.get(key)
    if found is None:
        found = tuple(_compose(spans, width, rules, metrics, indent_first, indent_rest))
        composed[key] = found
        if len(composed) > _MEMO_SIZE:
            composed.popitem(last=False)
    else:
        composed.move_to_end(key)
    return list(found)


def _compose(
    spans: Sequence[Span],
    width: float,
    rules: Rules,
    metrics: _Metrics,
    indent_first: float,
    indent_rest: float,
) -> list[Line]:
    style_ids: dict[RunStyle, int] = {}
    segments = _flatten(spans, metrics, style_ids)
    if len(segments) > 1 and not segments[-1].kind:
        segments.pop()  # a trailing "\n" ends the paragraph, it does not add a line
    if len(segments) == 1 and not segments[0].kind:
        return []
    styles = list(style_ids)
    blank_size = max((s.style.size for s in spans), default=0.0)
    lines: list[Line] = []
    for seg in segments:
        if seg.kind:
            _compose_segment(seg, width, rules, metrics, styles, indent_first, indent_rest, lines)
        else:
            lines.append(Line((), 0.0, blank_size, True))
    return lines


def _compose_segment(
    seg: _Segment,
    width: float,
    rules: Rules,
    metrics: _Metrics,
    styles: list[RunStyle],
    indent_first: float,
    indent_rest: float,
    lines: list[Line],
) -> None:
    kind = seg.kind
    n = len(kind)
    s = 0
    while s < n and kind[s] == SPACE:
        s += 1
    if s == n:
        lines.append(Line((), 0.0, max(seg.size), True))
        return
    gaps = _gaps(seg, rules.latin_space)
    ops = break_opportunities(seg.text, rules.kinsoku)
    while s < n:
        indent = indent_first if not lines else indent_rest
        measure = width - indent
        cut = _next_cut(seg, gaps, ops, s, measure, rules)
        last = cut.next_start >= n
        lines.append(_place(seg, gaps, cut, measure, indent, last, rules, metrics, styles))
        s = cut.next_start
