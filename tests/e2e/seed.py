"""The seed (the published 概略書 as extracted text) as what the generated 概略書 must hold.

`parse_seed()` turns the seed into three kinds of expectations, each in comparison form
(NFKC, white space removed — see `helpers.squash`):

- **flow**: the headings and paragraphs of the running text, which must appear in this
  order in the text of the PDF and of the DOCX;
- **islands**: the four 他省庁の制度 cards. The layout sets them side by side, two per
  row, so on a page the text of two cards alternates (the seed itself shows the first two
  as one table row). Each card's own text must appear in order, starting after the flow
  text that precedes the cards; the flow resumes after the end of the last card;
- **tables**: the committee members, the schedule, the hearing list and the meetings,
  compared cell by cell (rows × columns), not as running text.

How seed lines are normalised (the same rules for every line):

- layout-generated prefixes are dropped: heading numbers (`1.`, `(1)`, `（１）`), a leading
  `- ` (the extractor's list marker) and one list or heading marker (・ ● ▶ ○ ■ －);
- a numbered heading written with its content on one line, `(4) 調査方法：WEBアンケート調査`,
  is the heading `調査方法` followed by the paragraph `WEBアンケート調査` (the content
  contract, content/README.md, writes such items as a heading and a paragraph);
- HTML fragments (`<p>`, `<ul style=…>`) are extraction garbage: the text between tags is
  kept, each `<p>` and each list item (items glued together as `① …② …`, `■ …■ …`) is a
  piece of its own; `<https://…>` autolinks lose their angle brackets;
- a seed line that spans a page break in the original (`「願` / `い」、…`) stays two pieces,
  which must then be adjacent in order — they are, in a correct rendering.

Every line that is NOT checked, or checked in a corrected form, is listed in EXEMPT and
CORRECTED below with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .helpers import nfkc, squash, wareki

# ---------------------------------------------------------------------- exemptions

# The title block: the seed lines before the first heading (事業目的). They come from the
# cover/title page of the published PDF, which our layout prints from project data
# (layout title, project.yaml title, organisation, report_pages), not from the body text.
TITLE_BLOCK = {
    "事業概略書": "the deliverable's title (layouts/summary.yaml title)",
    "地域共生社会の実現に向けた分野横断的な地域づくりの手法に関する調査研究": (
        "project.yaml title (the same words later, as the committee's name, ARE checked)"
    ),
    "三菱UFJリサーチ&コンサルティング株式会社（報告書A 4版 165頁）": (
        "project.yaml organisation and report_pages"
    ),
}
FIRST_HEADING = "事業目的"

# Seed lines in the body that are not checked, and why.
EXEMPT: dict[str, str] = {
    "10 Mitsubishi UFJ Research and Consulting": (
        "running footer (folio + organisation) of the original PDF, caught mid-card by the"
        " extractor"
    ),
}

# Seed lines checked in a corrected form: seed line → the pieces expected instead, and why.
CORRECTED: dict[str, tuple[list[str], str]] = {
    "過疎地域等集落 ネットワーク形成支援事業": (
        ["過疎地域等集落ネットワーク圏形成支援事業"],
        "the card heading drops 圏; the seed's own source lines on the same card name the"
        " programme 過疎地域等集落ネットワーク圏形成支援事業, which the content uses"
        " (content/policies/shuraku-network.yaml)",
    ),
    "（兵庫県養父市）人口 21,489人 高齢率 40.0%": (
        ["（兵庫県養父市）人口21,489人高齢化率40.0%"],
        "the label 高齢化率 is the layout's (spec: profile.aging_rate = 高齢化率); the seed's"
        " 高齢率 is an extraction slip; the figures are compared as they are",
    ),
    " - （２）事業も財源も「分野横断できる」ことを知るおわりに": (
        ["事業も財源も「分野横断できる」ことを知る", "おわりに"],
        "the extractor glued the next list item (おわりに) onto this one",
    ),
}

HTML_TAG = re.compile(r"</?(?:p|ul|ol|li|br|span|div)\b[^>]*>")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
HEADING_NUMBER = re.compile(r"^(?:\d+\.|\(\d+\))\s*")
LEADING_DASH = re.compile(r"^\s*-\s+")
MARKER = re.compile(r"^[・●▶○■－]\s*")
LIST_ITEM_START = re.compile(r"(?=[①-⑳■○])")
DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


@dataclass
class SeedTable:
    name: str
    rows: list[list[str]]  # raw cell texts (HTML removed)
    line: int  # 1-based line of the first row in the seed

    @property
    def width(self) -> int:
        return max(len(r) for r in self.rows)


@dataclass
class Seed:
    """The expectations: a sequence of items, each a flow piece or a group of islands."""

    items: list[tuple[str, object]] = field(
        default_factory=list
    )  # ("flow", Piece) | ("islands", [[Piece]])
    tables: list[SeedTable] = field(default_factory=list)


@dataclass(frozen=True)
class Piece:
    text: str  # comparison form
    line: int  # 1-based seed line
    raw: str  # the seed line as written


# ---------------------------------------------------------------------- pieces


def html_pieces(text: str) -> list[str]:
    """A seed HTML fragment → its texts: each <p> and each list item a piece."""
    pieces: list[str] = []
    for chunk in HTML_TAG.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        for item in LIST_ITEM_START.split(chunk):
            if item.strip():
                pieces.append(item.strip())
    return pieces


def line_pieces(raw: str) -> list[str]:
    """One seed line → its pieces in comparison form (see the module docstring)."""
    if raw in CORRECTED:
        return [squash(p) for p in CORRECTED[raw][0]]
    line = AUTOLINK.sub(r"\1", raw)
    texts = html_pieces(line) if HTML_TAG.search(line) else [line]
    out: list[str] = []
    for text in texts:
        text = nfkc(text).strip()
        text = LEADING_DASH.sub("", text)
        numbered = HEADING_NUMBER.match(text)
        text = HEADING_NUMBER.sub("", text)
        text = MARKER.sub("", text)
        parts = [text]
        if numbered and ":" in text:
            # "(4) 調査方法：WEBアンケート調査" → heading + paragraph
            head, _, rest = text.partition(":")
            parts = [head, rest]
        out.extend(squash(p) for p in parts if squash(p))
    return out


def cell_form(text: str) -> str:
    """A table cell in comparison form: HTML and list bullets removed (a bullet is a ・ at
    the start of a line or after a space; a ・ inside a word stays), dates in 和暦."""
    text = HTML_TAG.sub(" ", nfkc(text))
    text = re.sub(r"(^|\s)・", r"\1", text)
    text = squash(text)
    match = DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        text = wareki(dt.date(year, month, day))
    return text


# ---------------------------------------------------------------------- parsing


def _table_name(rows: list[list[str]]) -> str:
    head = squash(" ".join(rows[0]))
    if "氏名" in head:
        return "committee-members"
    if "令和6年" in head:
        return "schedule"
    if "取組主体" in head:
        return "hearing-list"
    if "開催日時" in head:
        return "committee-meetings"
    return head


def parse_seed(path: Path) -> Seed:
    lines = [
        line.rstrip(" \u3000\xa0\r\n") for line in path.read_text(encoding="utf-8").splitlines()
    ]
    seed = Seed()
    numbered = [(i + 1, line) for i, line in enumerate(lines)]
    # the title block: everything before the first heading
    first = next(i for i, (_n, line) in enumerate(numbered) if line == FIRST_HEADING)
    for number, line in numbered[:first]:
        assert not line.strip() or line in TITLE_BLOCK, (
            f"seed line {number} {line!r} is not part of the expected title block"
        )
    body = numbered[first:]
    # drop blank lines (a hearing-list row follows a blank line) and page furniture
    body = [(n, text) for n, text in body if text.strip() and text not in EXEMPT]

    index = 0
    cards_anchor = "他省庁の取組については、下記の通り整理し資料編として整理した。"
    while index < len(body):
        number, line = body[index]
        if "\t" in line and not line.startswith("地域おこし協力隊\t"):
            rows, first = [], number
            while index < len(body) and "\t" in body[index][1]:
                rows.append(body[index][1].split("\t"))
                index += 1
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            seed.tables.append(SeedTable(_table_name(rows), rows, first))
            continue
        seed.items.append(("flow", [Piece(p, number, line) for p in line_pieces(line)]))
        index += 1
        if line == cards_anchor:
            index = _cards(body, index, seed)
    # flatten the flow items (one item per piece)
    flat: list[tuple[str, object]] = []
    for kind, value in seed.items:
        if kind == "flow":
            flat.extend(("flow", piece) for piece in value)  # type: ignore[union-attr]
        else:
            flat.append((kind, value))
    seed.items = flat
    return seed


def _cards(body: list[tuple[int, str]], index: int, seed: Seed) -> int:
    """The 他省庁の制度 cards, from `index` to the next heading 2. 都道府県アンケート調査."""
    end = index
    while not body[end][1].startswith("2. 都道府県アンケート調査"):
        end += 1
    region = body[index:end]
    cards: list[list[Piece]] = []
    # the first two cards: a table row of headers, then a row of HTML cells
    (head_no, head), (html_no, html) = region[0], region[1]
    heads = head.split("\t")
    cells = [c for c in html.split("\t") if c.strip()]
    assert len(heads) == 4 and len(cells) == 2, (head, len(cells))
    for name, meta, cell in ((heads[0], heads[1], cells[0]), (heads[2], heads[3], cells[1])):
        pieces = [Piece(p, head_no, name) for p in line_pieces(name)]
        pieces += [Piece(p, head_no, meta) for p in line_pieces(meta)]
        pieces += [Piece(p, html_no, cell) for p in line_pieces(cell)]
        cards.append(pieces)
    # the other cards as plain lines: a card starts at the line before 所管省庁：…
    rest = region[2:]
    for position, (number, line) in enumerate(rest):
        starts = position + 1 < len(rest) and rest[position + 1][1].startswith("所管省庁：")
        if starts:
            cards.append([])
        cards[-1].extend(Piece(p, number, line) for p in line_pieces(line))
    seed.items.append(("islands", cards))
    return end


def flow_pieces(seed: Seed) -> list[Piece]:
    """Every flow piece, in order (islands excluded)."""
    return [value for kind, value in seed.items if kind == "flow"]  # type: ignore[misc]
