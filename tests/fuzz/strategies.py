"""Hypothesis strategies: Markdown in the project's dialect (well-formed and broken, with
hostile bits), and case records (valid, and broken in keys, types, nesting, dates and sizes).

Markdown documents are built by a small grammar whose choices come from what Hypothesis
draws: a few leading bytes (Hypothesis's own choices, biased to the simple first options)
and then a PRNG seeded by a drawn integer. Two draws per document keep thousands of
documents cheap to make, and `derandomize=True` makes every run the same.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import yaml
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from load.fictional import CASE_SAKURA

# derandomized for CI; shrinking is off to keep the suite's time bounded when a bug is found
# (set phases to the default locally to shrink a failing example)
BASE = settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

# ---------------------------------------------------------------- building blocks

CONTROL = [
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200e",
    "\u2028",
    "\u202e",
    "\u2066",
    "\ufeff",
]
AWKWARD = [
    *("\ufffd", "\U0001f600", "\ue000", "𠮷", "ｶ", "ﾞ", "～", "〜", "Ａ", "\t", "\\", "`", "*", "_"),
    *("[", "]", "|", ":", "{", "}", "<", ">", "&", "#", "!", "@", "^", "\r", "\r\n", "\n"),
]
PHRASES = [
    *("架空県さくら市", "山田花子", "地域づくり", "住民の気づき。", "English words", "21,489人"),
    *("40.0％", "令和6年度", "ＡＢＣ１２３", "ｶﾞｲﾄﾞﾌﾞｯｸ", "8月～10月", "8月〜10月", "（注）"),
    *(
        "「引用」、",
        "ー々〆",
        "x",
        " ",
        "1.",
        "- ",
        "# ",
        "> ",
        "架空県さくら市の山田花子が地域づくりを進める。",
    ),
]
ANCHORS = [
    "sec:purpose",
    "sec:method",
    "fig:a",
    "fig:survey-grasp",
    "tbl:plan",
    "tbl:t",
    "case:sakura",
    "sec:nowhere",
    "fig:zz",
    "x",
]
URLS = [
    *("https://example.com/a", "http://example.com", "mailto:hanako@example.com", "#sec:purpose"),
    *("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "file:///etc/passwd"),
    *(
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "other.md",
        "",
        "//evil.example",
        "https://例え.jp/パス",
    ),
]
IMAGES = [
    *(
        "images/ok.png",
        "images/none.png",
        "images/bomb.png",
        "images/not-an-image.png",
        "../outside.png",
    ),
    *(
        "/etc/passwd",
        "http://example.com/x.png",
        "C:\\\\x.png",
        "images/../../x.png",
        "",
        "images/ok.png#x",
    ),
]
BOX_KINDS = ["note", "column", "point", "comment", "summary", "warning", "", "include", "NOTE"]
INCLUDES = [
    *("schedule", "committee-members", "committee-meetings", "hearing-list", "survey-response"),
    *(
        "survey-chart grasp",
        "survey-chart pref reasons",
        "survey-chart nope",
        "survey-chart",
        "policy-cards",
    ),
    *(
        "case-types",
        "case-index",
        "case sakura",
        "case nobody",
        "case",
        "organisation",
        "shedule",
        "",
    ),
]
HTML_BLOCKS = [
    "<div>中身</div>",
    "<!-- メモ -->",
    "<script>alert(1)</script>",
    "<table><tr><td>x</td></tr></table>",
    "<?php ?>",
]
MISC_BLOCKS = [
    *(
        "---",
        "***",
        "```\ncode\n```",
        "```",
        "    indented code",
        "> 引用\n> 続き",
        "[^1]: 注の本文。",
    ),
    *(
        "[^a]:",
        "$$x$$",
        ":::",
        "::: ::: :::",
        "[@",
        "\\",
        ">>>>>>>>>>>>>>>>>>>> 深い引用",
        "- - - - - - - - 深い",
    ),
]
FRONT_MATTER = [
    *("", "---\nid: fuzz\ntitle: 題\n---\n", "---\nstatus: draft\n---\n"),
    "---\nstatus: final\ntoc: false\nnumbered: false\nrunning_head: 柱\n---\n",
    *(
        "---\ntitel: x\n---\n",
        "---\nstatus: done\n---\n",
        "---\n- a\n- b\n---\n",
        "---\ntitle: [unclosed\n---\n",
    ),
    *(
        "---\ntitle: a: b\n---\n",
        "---\nid: !!python/object/apply:os.system ['true']\n---\n",
        "---\nx: !custom 1\n---\n",
    ),
    *(
        "---\nx: &a [1,2]\ny: *a\n---\n",
        "---\ntitle: 1\ntitle: 2\n---\n",
        "---\n\t: tab\n---\n",
        "---\n",
        "---\n---\n",
    ),
    "---\nstatus: [draft]\ntoc: {a: 1}\n---\n",
]


class Grammar:
    """Choices read from `data`; when it runs out, from a PRNG seeded with `seed`."""

    urls: tuple[str, ...] = tuple(URLS)
    images: tuple[str, ...] = tuple(IMAGES)
    box_kinds: tuple[str, ...] = tuple(BOX_KINDS)
    includes: tuple[str, ...] = tuple(INCLUDES)
    front_matter: tuple[str, ...] = tuple(FRONT_MATTER)
    figure_attrs: tuple[str, ...] = (
        "",
        "{#fig:a}",
        "{#fig:b width=50%}",
        "{width=abc}",
        '{width="50%"}',
        "{#fig:survey-grasp}",
    )
    inline_kinds = 14
    heading_levels = 7
    max_depth = 2
    odd_blocks: tuple[str, ...] = (*HTML_BLOCKS, *MISC_BLOCKS)
    ragged = True

    def __init__(self, data: bytes, seed: int = 0) -> None:
        self.data = data
        self.pos = 0
        self.rng = random.Random(seed)

    def byte(self) -> int:
        if self.pos >= len(self.data):
            return self.rng.randrange(256)
        value = self.data[self.pos]
        self.pos += 1
        return value

    def below(self, n: int) -> int:
        return self.byte() % n if n > 1 else 0

    def pick(self, options: Sequence[str]) -> str:
        return options[self.below(len(options))]

    # ------------------------------------------------------------ text

    def unicode(self) -> str:
        """A few arbitrary code points (any plane, controls and private use included)."""
        out = []
        for _ in range(self.below(6)):
            cp = (self.byte() << 16 | self.byte() << 8 | self.byte()) % 0x110000
            if not 0xD800 <= cp <= 0xDFFF:
                out.append(chr(cp))
        return "".join(out)

    def text(self) -> str:
        kind = self.below(8)
        if not self.ragged and kind in (5, 6):
            kind = 0
        if kind < 5:
            return self.pick(PHRASES)
        if kind == 5:
            return "".join(self.pick(CONTROL + AWKWARD) for _ in range(1 + self.below(4)))
        if kind == 6:
            return self.unicode()
        return "".join(chr(0x3041 + self.below(0x56)) for _ in range(self.below(12)))  # kana

    def inline(self) -> str:
        t = self.text()
        kind = self.below(self.inline_kinds)
        if not self.ragged and kind in (4, 5, 6, 7, 8):
            kind = 9
        if kind == 0:
            return f"**{t}**"
        if kind == 1:
            return f"*{t}*"
        if kind == 2:
            return f"`{t}`"
        if kind == 3:
            return f"[{t}]({self.pick(self.urls)})"
        if kind == 4:
            form = self.pick(["", "|page", "|full", "|number", "|bad"])
            return f"[@{self.pick(ANCHORS)}{form}]"
        if kind == 5:
            return f"[^{self.pick(['1', 'a', 'nodef'])}]"
        if kind == 6:
            return self.pick(
                ["<b>", "</b>", "<span style='x'>", "<br>", "<!-- c -->", "<script>x</script>"]
            )
        if kind == 7:
            return f"![{t}]({self.pick(self.images)})"
        if kind == 8:
            return self.pick(
                [
                    "\\",
                    "  \n",
                    "\n",
                    "**",
                    "[",
                    "](",
                    "[@",
                    "{#x}",
                    "~~",
                    "<http://a.b>",
                    "<javascript:x>",
                ]
            )
        return t

    def paragraph(self) -> str:
        return "".join(self.inline() for _ in range(1 + self.below(5)))

    # ------------------------------------------------------------ blocks

    def heading(self) -> str:
        attrs = self.pick(
            [
                "",
                " {#sec:purpose}",
                " {.unnumbered}",
                " {#sec:x .unnumbered}",
                " {-}",
                " {#}",
                " {",
                " {.notoc}",
            ]
        )
        return (
            "#" * (1 + self.below(self.heading_levels))
            + " "
            + self.paragraph().replace("\n", " ")
            + attrs
        )

    def figure(self) -> str:
        caption = self.pick(["", "図の題", self.text()])
        credit = self.pick(["", ' "提供：さくら市"', ' "x"'])
        attrs = self.pick(self.figure_attrs)
        return f"![{caption}]({self.pick(self.images)}{credit}){attrs}"

    def table(self) -> str:
        columns = 1 + self.below(4)
        head = "| " + " | ".join(self.pick(PHRASES) for _ in range(columns)) + " |"
        sep = "|" + "|".join(self.pick(["---", ":--", "--:", ":-:"]) for _ in range(columns)) + "|"
        rows = []
        for _ in range(self.below(5)):
            count = [columns, columns, columns + 1, max(1, columns - 1)][
                self.below(4 if self.ragged else 1)
            ]
            rows.append(
                "| " + " | ".join(self.paragraph().replace("\n", " ") for _ in range(count)) + " |"
            )
        caption = self.pick(["", "\n\nTable: 表の題 {#tbl:t}", "\n\n表：題", "\n\nTable: {#tbl:}"])
        return "\n".join([head, sep, *rows]) + caption

    def listing(self, depth: int = 0) -> str:
        marker = self.pick(
            ["", '{marker="■"}\n', '{marker="●"}\n', "{marker=}\n", '{marker="■" .x}\n']
        )
        ordered = self.below(2) == 1
        lines = []
        for i in range(1 + self.below(4)):
            bullet = f"{i + 1}." if ordered else "-"
            lines.append(f"{bullet} {self.paragraph()}".replace("\n", " "))
            if depth < 3 and self.below(4) == 0:
                nested = self.listing(depth + 1)
                lines.extend(
                    "   " + line
                    for line in nested.splitlines()
                    if line and not line.startswith("{")
                )
        return marker + "\n".join(lines)

    def container(self, depth: int) -> str:
        kind = self.pick(self.box_kinds)
        if kind == "include":
            head = f"::: include {self.pick(self.includes)}"
            inner = ""
            after = self.pick(["", "\n\nTable: 差し込みの題 {#tbl:plan}", "\n\nTable: 題"])
        else:
            title = self.pick(["", "将来の展望", self.text().replace("\n", " ")])
            speaker = self.pick(["", " | 山田花子", " |", " | | x"])
            head = f"::: {kind} {title}{speaker}"
            inner = "\n\n".join(self.block(depth + 1) for _ in range(self.below(3)))
            after = ""
        close = self.pick([":::", ":::", "", "::::"] if self.ragged else [":::"])
        return f"{head}\n{inner}\n{close}{after}"

    def block(self, depth: int = 0) -> str:
        kind = self.below(10 if depth < self.max_depth else 9)
        if kind <= 1:
            return self.paragraph()
        if kind == 2:
            return self.heading()
        if kind == 3:
            return self.figure()
        if kind == 4:
            return self.table()
        if kind == 5:
            return self.listing()
        if kind == 6:
            return self.pick(self.odd_blocks)
        if kind == 7:
            return self.text()
        if kind == 8:
            return self.paragraph()
        return self.container(depth)

    def document(self) -> str:
        front = self.pick(self.front_matter)
        joiner = self.pick(["\n\n", "\n", "\n\n\n", "\r\n\r\n"] if self.ragged else ["\n\n"])
        blocks = [self.block() for _ in range(self.below(9))]
        return front + joiner.join(blocks) + self.pick(["", "\n"])


class TameGrammar(Grammar):
    """Only well-formed constructs (so most documents build): safe links, present pictures,
    known boxes and includes, no HTML or control characters, no heading jumps."""

    urls = ("https://example.com/a", "mailto:hanako@example.com", "#sec:purpose")
    images = ("images/ok.png",)
    box_kinds = ("note", "column", "point", "comment", "summary", "include")
    includes = (
        *("schedule", "committee-members", "committee-meetings", "hearing-list", "survey-response"),
        *(
            "survey-chart grasp",
            "survey-chart pref reasons",
            "policy-cards",
            "case-types",
            "case-index",
        ),
        *("case sakura", "organisation"),
    )
    front_matter = ("", "---\nid: fuzz\ntitle: 題\n---\n", "---\nstatus: draft\n---\n")
    figure_attrs = ("", "{#fig:a}", '{#fig:b width="50%"}', "{#fig:survey-grasp}")
    heading_levels = 2
    max_depth = 1  # a box inside a box needs a longer ::::: fence; not what this grammar writes
    odd_blocks = ("---", "```\ncode\n```", "> 引用\n> 続き")
    ragged = False


tame_markdown_document = st.builds(
    lambda data, seed: TameGrammar(data, seed).document(),
    st.binary(max_size=16),
    st.integers(0, 2**32),
)

markdown_document = st.builds(
    lambda data, seed: Grammar(data, seed).document(), st.binary(max_size=32), st.integers(0, 2**32)
)


# ---------------------------------------------------------------- case records

BASE_CASE = yaml.safe_load(CASE_SAKURA)
CASE_KEYS = [
    *sorted(BASE_CASE),
    "populaton",
    "speeker",
    "order",
    "short_name",
    "",
    "0",
    "profile.population",
]

words = st.sampled_from(PHRASES)
wild = st.binary(max_size=24).map(lambda b: b.decode("utf-16-le", "ignore"))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    words,
    wild,
    st.sampled_from(
        [
            "2024-11-01",
            "2024-13-01",
            "2024/11/01",
            "2024-02-30",
            "令和6年",
            "0000-00-00",
            "draft",
            "final",
            "1",
            "4",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from([*CASE_KEYS, "heading", "text", "items", "figure", "image", "caption"]),
            children,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
LONG_OR_HOSTILE = [
    "a" * 5000,
    "あ" * 20000,
    "\u202e" * 10,
    "x\x00y",
    "[@fig:none]",
    "<b>x</b>",
    "[x](javascript:y)",
    "![p](images/bomb.png)",
]
PICTURES = [
    "images/ok.png",
    "images/none.png",
    "images/bomb.png",
    "images/not-an-image.png",
    "../x.png",
    "/etc/passwd",
]


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.extend(_paths(value, (*prefix, index)))
    return out


def _set(data: object, path: tuple[object, ...], value: object) -> object:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        copy[head] = _set(copy.get(head), rest, value)
        return copy
    if isinstance(data, list) and isinstance(head, int) and head < len(data):
        copy_list = list(data)
        copy_list[head] = _set(copy_list[head], rest, value)
        return copy_list
    return data


def _delete(data: object, path: tuple[object, ...]) -> object:
    if len(path) == 1:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k != path[0]}
        if isinstance(data, list) and isinstance(path[0], int):
            return [v for i, v in enumerate(data) if i != path[0]]
        return data
    if isinstance(data, dict) and path[0] in data:
        return {**data, path[0]: _delete(data[path[0]], path[1:])}
    if isinstance(data, list) and isinstance(path[0], int) and path[0] < len(data):
        copy = list(data)
        copy[path[0]] = _delete(copy[path[0]], path[1:])
        return copy
    return data


ALL_PATHS = [p for p in _paths(BASE_CASE) if p]


@st.composite
def case_data(draw: st.DrawFn, *, hostile: bool = True) -> object:
    """The complete fictional case with a few random edits: replace, delete, add, rename."""
    data: object = BASE_CASE
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.integers(0, 5 if hostile else 3))
        path = draw(st.sampled_from(ALL_PATHS))
        if action <= 1:
            data = _set(data, path, draw(values))
        elif action == 2:
            data = _delete(data, path)
        elif action == 3 and isinstance(data, dict):
            data = {**data, draw(st.sampled_from([*CASE_KEYS, "extra"])): draw(values)}
        elif action == 4:
            data = _set(data, path, draw(st.sampled_from(LONG_OR_HOSTILE)))
        else:
            data = _set(data, path, draw(st.sampled_from(PICTURES)))
    if draw(st.booleans()) and isinstance(data, dict):
        data = {**data, "status": draw(st.sampled_from(["draft", "final"]))}
    return data


def dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)


DAMAGE = [
    ":",
    "- ",
    "\t",
    "  ",
    '"',
    "&a ",
    "*a ",
    "!!python/name:os.system ",
    "!x ",
    "? ",
    "{",
    "\x00",
    "\ufeff",
    "\r",
]
TAILS = [
    "id: dup\n",
    "profile:\n  population: 1\n",
    "<<: {a: 1}\n",
    "---\nb: 2\n",
    "x: &b [1]\ny: *b\n",
]


@st.composite
def case_yaml(draw: st.DrawFn, *, hostile: bool = True) -> str:
    """Case record text: a dumped (edited) record, sometimes damaged as text."""
    text = dump(draw(case_data(hostile=hostile)))
    damage = draw(st.integers(0, 7))
    if damage == 0 and text:
        return text[: draw(st.integers(0, len(text)))]
    if damage == 1 and text:
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from(DAMAGE)) + text[at:]
    if damage == 2:
        return text + draw(st.sampled_from(TAILS))
    return text


TEXT_PATHS = [
    p
    for p in ALL_PATHS
    if p[-1]
    in (
        "summary",
        "text",
        "structure",
        "programs",
        "heading",
        "caption",
        "period",
        "speaker",
        "title",
    )
    or (len(p) >= 2 and p[-2] == "items")
]
OPTIONAL_SECTIONS = [
    ("summary",),
    ("learnings",),
    ("history",),
    ("notes",),
    ("approach",),
    ("features",),
    ("voices",),
    ("profile",),
]


def _prose(rng: random.Random) -> str:
    """Schema-valid text of random length: phrases, kana, a Latin word, sometimes paragraphs."""
    parts = []
    for _ in range(rng.choice([1, 2, 5, 20, 60, 150])):
        pick = rng.random()
        if pick < 0.6:
            parts.append(rng.choice(PHRASES).strip() or "地域")
        elif pick < 0.9:
            parts.append(
                "".join(chr(0x3041 + rng.randrange(0x55)) for _ in range(rng.randrange(1, 30)))
            )
        elif pick < 0.97:
            parts.append(
                rng.choice(
                    ["**強調**", "*斜体*", "[リンク](https://example.com)", "`code`", "\n\n"]
                )
            )
        else:
            parts.append("")
    return "".join(parts) or "本文"


@st.composite
def buildable_case_yaml(draw: st.DrawFn) -> str:
    """A schema-valid case with random text lengths and sections (so most of them render):
    long texts overflow the four pages, drafts drop sections, blocks repeat."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    data = BASE_CASE
    for path in TEXT_PATHS:
        if rng.random() < 0.5:
            value = _prose(rng)
            data = _set(
                data,
                path,
                value.replace("\n", " ")
                if path[-1] in ("heading", "caption", "period", "speaker", "title")
                else value,
            )
    for key in ("learnings", "features", "voices"):
        blocks = list(data[key])  # type: ignore[index]
        while rng.random() < 0.3 and len(blocks) < 4:
            blocks.append(rng.choice(blocks))
        data = {**data, key: blocks}  # type: ignore[dict-item]
    if rng.random() < 0.4:
        data = {**data, "status": "draft"}  # type: ignore[dict-item]
        for section in OPTIONAL_SECTIONS:
            if rng.random() < 0.5:
                data = _delete(data, section)
    if rng.random() < 0.3 and "features" in data:  # type: ignore[operator]
        data = _set(
            data,
            ("features", 0, "figure", "image"),
            rng.choice(["images/ok.png", "images/none.png"]),
        )
    return dump(data)
