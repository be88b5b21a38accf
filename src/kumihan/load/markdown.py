"""Markdown source → model blocks, each with its file and line.

The only module that imports markdown-it. Takes CommonMark + GFM tables +
front matter + footnotes + containers (``::: note 見出し``, ``::: include NAME``)
+ attributes (``{#fig:id}`` after an image, ``{marker="■"}`` before a list,
``{#sec:id .unnumbered}`` at the end of a heading); gives a `Chapter` of model
blocks. Problems (raw HTML, ragged tables, unsafe links, control characters,
heading jumps, missing images…) become diagnostics; nothing raises.

Cross-references are written ``[@fig:id]`` (the number), ``[@fig:id|page]``
(the page) or ``[@fig:id|full]`` (both); the xref transform resolves them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal, cast

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from kumihan import model as m
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.load.controls import report_controls
from kumihan.load.records import image_path_problem
from kumihan.load.yamlsource import parse_yaml
from kumihan.pickling import speed_up_pickling

BOX_KINDS = ("note", "column", "point", "comment", "summary")
FRONT_MATTER_KEYS = ("id", "title", "status", "running_head", "toc", "numbered")
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")

_REF = re.compile(r"\[@([a-z]+:[A-Za-z0-9_\-]+)(?:\|(page|full|number))?\]")
_HEADING_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_ATTRS_TEXT = re.compile(r"^\s*\{[^{}]*\}\s*$")
_TABLE_CAPTION = re.compile(r"^(?:Table|表)[:：]\s*(.*?)\s*(?:\{#([A-Za-z0-9_:\-]+)\})?\s*$", re.S)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    id: str = ""
    title: str = ""
    status: str = "final"
    running_head: str = ""
    toc: bool = True
    numbered: bool = True


@dataclass(frozen=True, slots=True)
class Chapter:
    """One Markdown file: its front matter and its blocks (footnote texts in `footnotes`)."""

    file: str
    meta: FrontMatter
    blocks: tuple[m.Block, ...]
    footnotes: tuple[m.FootnoteDef, ...] = ()

    @property
    def is_draft(self) -> bool:
        return self.meta.status == "draft"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": True})  # html on so raw HTML is seen and refused
        .enable("table")
        .use(front_matter_plugin)
        .use(footnote_plugin)
        .use(attrs_plugin)
        .use(attrs_block_plugin)
        .use(container_plugin, name="box", validate=lambda *_args: True)
    )
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # we judge schemes ourselves
    return md


def check_controls(text: str, file: str, line_offset: int, diagnostics: Diagnostics) -> str:
    """Report control characters (line:col) and return the text without them."""
    return report_controls(text, SourceLoc(file, line_offset + 1, 1), diagnostics)


class _Walker:
    """Turns one parsed source into blocks; collects diagnostics on the way."""

    def __init__(
        self,
        file: str,
        line_offset: int,
        diagnostics: Diagnostics,
        assets: Path | None,
        draft: bool,
        source_lines: Sequence[str],
    ) -> None:
        self.file = file
        self.offset = line_offset
        self.diag = diagnostics
        self.assets = assets
        self.draft = draft
        self.lines = source_lines
        self.footnotes: list[m.FootnoteDef] = []
        self.last_heading = 0

    def loc(self, node: SyntaxTreeNode | Token | None, extra: int = 0) -> SourceLoc:
        mapping = getattr(node, "map", None)
        line = (mapping[0] + 1 if mapping else 1) + self.offset + extra
        return SourceLoc(self.file, line)

    # ------------------------------------------------------------ blocks

    def blocks(self, nodes: Sequence[SyntaxTreeNode]) -> tuple[m.Block, ...]:
        out: list[m.Block] = []
        for node in nodes:
            block = self.block(node, out)
            if block is not None:
                out.append(block)
        return tuple(out)

    def block(self, node: SyntaxTreeNode, previous: list[m.Block]) -> m.Block | None:
        kind = node.type
        if kind == "front_matter":
            return None
        if kind == "heading":
            return self.heading(node)
        if kind == "paragraph":
            return self.paragraph(node, previous)
        if kind in ("bullet_list", "ordered_list"):
            return self.list_block(node)
        if kind == "table":
            return self.table(node)
        if kind == "blockquote":
            return m.Quote(self.blocks(node.children), self.loc(node))
        if kind == "container_box":
            return self.container(node)
        if kind in ("fence", "code_block"):
            return m.Paragraph((m.Text(node.content.rstrip("\n")),), self.loc(node), role="code")
        if kind == "hr":
            return m.PageBreak(self.loc(node))
        if kind == "html_block":
            self.diag.add(
                self.loc(node),
                "E201",
                f"HTML「{node.content.strip()[:30]}」は出力されません",
                "HTML タグを消し、Markdown の書き方（表は | 区切り、箇条書きは - ）にしてください。",
            )
            return None
        if kind == "footnote_block":
            for fn in node.children:
                label = str(fn.meta.get("label", fn.meta.get("id", "")))
                body = [c for c in fn.children if c.type != "footnote_anchor"]
                # the footnote token has no line map; its first paragraph has
                where = self.loc(body[0]) if body else self.loc(fn)
                self.footnotes.append(m.FootnoteDef(label, self.blocks(body), where))
            return None
        self.diag.add(self.loc(node), "E208", f"この書き方（{kind}）には対応していません", "")
        return None

    def heading(self, node: SyntaxTreeNode) -> m.Heading:
        level = int(node.tag[1])
        loc = self.loc(node)
        if self.last_heading and level > self.last_heading + 1:
            self.diag.add(
                loc,
                "E203",
                f"見出しレベル {self.last_heading} の次がレベル {level} です",
                f"{'#' * (self.last_heading + 1)} にするか、間の見出しを入れてください。",
            )
        self.last_heading = level
        inline = node.children[0]
        anchor, classes = "", set[str]()
        # `{#sec:id .unnumbered}` at the end of the heading text
        last = inline.children[-1] if inline.children else None
        if last is not None and last.type == "text":
            match = _HEADING_ATTRS.search(last.content)
            if match:
                for part in match.group(1).split():
                    if part.startswith("#"):
                        anchor = part[1:]
                    elif part.startswith("."):
                        classes.add(part[1:])
                    elif part == "-":
                        classes.add("unnumbered")
                last.token.content = last.content[: match.start()]  # type: ignore[union-attr]
        content = self.inlines(inline, loc)
        return m.Heading(
            level=level,
            content=content,
            loc=loc,
            anchor=anchor,
            numbered="unnumbered" not in classes,
            in_toc="notoc" not in classes,
        )

    def paragraph(self, node: SyntaxTreeNode, previous: list[m.Block]) -> m.Block | None:
        inline = node.children[0]
        loc = self.loc(node)
        children = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image":
            return self.figure(children[0], loc)
        if (
            len(children) == 2
            and children[0].type == "image"
            and children[1].type == "text"
            and _ATTRS_TEXT.match(children[1].content)
        ):
            # `{width=50%}` the attrs plugin could not read: say so, not "image in text"
            self.diag.add(
                loc,
                "E211",
                f"画像の属性「{children[1].content.strip()}」が読めません",
                '値は引用符で囲んでください（例: {width="50%"}、{#fig:map width="80%"}）。',
            )
            return self.figure(children[0], loc)
        raw = inline.content
        caption = _TABLE_CAPTION.match(raw)
        if caption and previous and isinstance(previous[-1], m.Table | m.Include):
            target = previous[-1]
            text, anchor = caption.group(1), caption.group(2) or target.anchor
            content = self.inline_text(text, loc)
            if isinstance(target, m.Table):
                previous[-1] = replace(target, caption=m.Caption(content), anchor=anchor)
            else:
                previous[-1] = replace(target, caption=content, anchor=anchor)
            return None
        content = self.inlines(inline, loc)
        if not content:
            return None
        return m.Paragraph(content, loc)

    def figure(self, image: SyntaxTreeNode, loc: SourceLoc) -> m.Figure:
        src = str(image.attrs.get("src", ""))
        caption = self.inlines(image, loc)
        credit = str(image.attrs.get("title", "") or "")
        anchor = str(image.attrs.get("id", "") or "")
        width = _width(image.attrs.get("width"))
        if width is None:
            self.diag.add(
                loc,
                "E211",
                f"画像の幅「{image.attrs.get('width')}」が読めません",
                '版面の幅に対する割合を書いてください（例: width="50%"）。',
            )
            width = 1.0
        missing = False
        problem = image_path_problem(src)
        if problem:
            self.diag.add(
                loc,
                "E107",
                f"「{src}」: {problem}",
                "assets/ からの相対パス（例: images/summary/overview.png）で書いてください。",
            )
            missing = True
        elif self.assets is not None and not (self.assets / src).is_file():
            missing = True
            if not self.draft:
                self.diag.add(
                    loc,
                    "E108",
                    f"assets/{src} がありません",
                    "ファイルを assets/ に置くか、パスを直してください。"
                    "図がまだない原稿なら front matter に status: draft と書くと枠だけ表示します。",
                )
            else:
                # a draft shows a frame, but the editor is still told (and --strict refuses it)
                self.diag.add(
                    loc,
                    "W108",
                    f"assets/{src} がありません（枠を表示します）",
                    "画像ファイルを assets/ に置くか、パスを直してください。--strict ではエラーになります。",
                )
        return m.Figure(
            loc=loc,
            caption=m.Caption(caption) if caption else None,
            image=src,
            credit=credit,
            anchor=anchor,
            width=width,
            missing=missing,
        )

    def list_block(self, node: SyntaxTreeNode) -> m.ListBlock:
        items = tuple(m.ListItem(self.blocks(li.children), self.loc(li)) for li in node.children)
        start = int(node.attrs.get("start", 1) or 1)
        marker = str(node.attrs.get("marker", "") or "")
        return m.ListBlock(
            items, self.loc(node), ordered=node.type == "ordered_list", start=start, marker=marker
        )

    def table(self, node: SyntaxTreeNode) -> m.Table:
        loc = self.loc(node)
        rows: list[m.TableRow] = []
        header_rows = 0
        expected = 0
        for section in node.children:
            for tr in section.children:
                header = section.type == "thead"
                cells = []
                for cell in tr.children:
                    style = str(cell.attrs.get("style", ""))
                    align = cast(m.Align, style.split(":")[-1] if "text-align" in style else "")
                    content = self.inlines(cell.children[0], self.loc(tr)) if cell.children else ()
                    blocks: tuple[m.Block, ...] = (
                        (m.Paragraph(content, self.loc(tr), role="cell"),) if content else ()
                    )
                    cells.append(m.TableCell(blocks, align=align, header=header))
                rows.append(m.TableRow(tuple(cells)))
                if header:
                    header_rows += 1
                    expected = len(cells)
                self.check_row(tr, expected)
        return m.Table(tuple(rows), loc, header_rows=header_rows)

    def check_row(self, tr: SyntaxTreeNode, expected: int) -> None:
        """markdown-it pads or cuts ragged rows silently; count the source's cells instead."""
        if not tr.map:
            return
        index = tr.map[0]
        if index >= len(self.lines):
            return
        source = self.lines[index].strip()
        body = re.sub(r"\\\|", "", source)
        body = re.sub(r"`[^`]*`", "", body)
        if body.startswith("|"):
            body = body[1:]
        if body.endswith("|"):
            body = body[:-1]
        count = body.count("|") + 1
        if count != expected:
            self.diag.add(
                self.loc(tr),
                "E204",
                f"この行は {count} 列ですが、見出し行は {expected} 列です",
                "| の数をそろえてください（空のセルも | | と書きます）。",
            )

    def container(self, node: SyntaxTreeNode) -> m.Block | None:
        info = node.info.strip()
        kind, _, rest = info.partition(" ")
        loc = self.loc(node)
        if kind == "include":
            words = rest.split()
            if not words:
                self.diag.add(
                    loc,
                    "E208",
                    "include の名前がありません",
                    "::: include schedule のように書いてください。",
                )
                return None
            return m.Include(words[0], tuple(words[1:]), loc)
        if kind not in BOX_KINDS:
            self.diag.add(
                loc,
                "E208",
                f"囲みの種類「{kind}」はありません",
                f"::: の後に {' / '.join(BOX_KINDS)} のどれかを書いてください（例: ::: note 将来の展望）。",
            )
        title_text, _, speaker = rest.partition("|")
        title = self.inline_text(title_text.strip(), loc) if title_text.strip() else ()
        footer = self.inline_text(speaker.strip(), loc) if speaker.strip() else ()
        return m.Box(kind, title, self.blocks(node.children), loc, footer=footer)

    # ------------------------------------------------------------ inline

    def inline_text(self, text: str, loc: SourceLoc) -> m.Inlines:
        tokens = _parser().parseInline(text)
        if not tokens:
            return ()
        tree = SyntaxTreeNode(tokens)
        return self.inlines(tree.children[0], loc) if tree.children else ()

    def inlines(self, node: SyntaxTreeNode, loc: SourceLoc) -> m.Inlines:
        out: list[m.Inline] = []
        line = [0]  # softbreaks seen: the line within the paragraph
        self._inline_children(node.children, loc, out, line)
        return _merge_text(out)

    def _inline_children(
        self, nodes: Sequence[SyntaxTreeNode], loc: SourceLoc, out: list[m.Inline], line: list[int]
    ) -> None:
        for child in nodes:
            here = SourceLoc(loc.file, loc.line + line[0])
            kind = child.type
            if kind == "text":
                out.extend(self.text_with_refs(child.content, here))
            elif kind == "softbreak":
                line[0] += 1
                out.append(m.Text("\n"))  # resolved to "" or " " by _merge_text
            elif kind == "hardbreak":
                line[0] += 1
                out.append(m.LineBreak())
            elif kind == "em":
                inner: list[m.Inline] = []
                self._inline_children(child.children, loc, inner, line)
                out.append(m.Emph(_merge_text(inner)))
            elif kind == "strong":
                inner = []
                self._inline_children(child.children, loc, inner, line)
                out.append(m.Strong(_merge_text(inner)))
            elif kind == "code_inline":
                out.append(m.Code(child.content))
            elif kind == "link":
                inner = []
                self._inline_children(child.children, loc, inner, line)
                url = str(child.attrs.get("href", ""))
                if self.link_ok(url, here):
                    out.append(m.Link(_merge_text(inner), url))
                else:
                    out.extend(inner)
            elif kind == "image":
                self.diag.add(
                    here,
                    "E211",
                    "文中の画像は使えません",
                    "画像は ![キャプション](images/…) だけの段落にしてください。",
                )
            elif kind == "html_inline":
                self.diag.add(
                    here,
                    "E201",
                    f"HTML タグ「{child.content}」は出力されません",
                    "タグを消してください。強調は **太字**、改行は行末に \\ を書きます。",
                )
            elif kind == "footnote_ref":
                label = str(child.meta.get("label", child.meta.get("id", "")))
                out.append(m.FootnoteRef(label, here))
            else:
                out.append(m.Text(child.content))

    def text_with_refs(self, text: str, loc: SourceLoc) -> list[m.Inline]:
        out: list[m.Inline] = []
        pos = 0
        for match in _REF.finditer(text):
            if match.start() > pos:
                out.append(m.Text(text[pos : match.start()]))
            form = cast(Literal["number", "page", "full"], match.group(2) or "number")
            out.append(m.Ref(match.group(1), loc, form))
            pos = match.end()
        if pos < len(text):
            out.append(m.Text(text[pos:]))
        return out

    def link_ok(self, url: str, loc: SourceLoc) -> bool:
        lowered = url.strip().lower()
        if lowered.startswith("#") or lowered.startswith(ALLOWED_SCHEMES):
            return True
        scheme = lowered.split(":", 1)[0] if ":" in lowered else "(相対パス)"
        self.diag.add(
            loc,
            "E205",
            f"リンク先「{url[:60]}」（{scheme}）は使えません",
            "http:// または https:// で始まる URL、mailto:、または文書内の #アンカー にしてください。",
        )
        return False


def _width(value: object) -> float | None:
    """A figure's `width` attribute ("50%", "0.5") → a fraction of the frame; None when
    unreadable. Missing means the full frame width."""
    if value is None:
        return 1.0
    text = str(value).strip()
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        return None
    if number <= 0:
        return None
    fraction = number / 100 if percent or number > 1 else number
    return max(0.1, min(1.0, fraction))


def _is_cjk(char: str) -> bool:
    if not char:
        return False
    name = unicodedata.east_asian_width(char)
    return name in ("W", "F")


def _merge_text(nodes: list[m.Inline]) -> m.Inlines:
    """Join adjacent Text nodes; a soft line break between Japanese characters vanishes,
    elsewhere it becomes a space (Markdown's rule, adapted to Japanese)."""
    out: list[m.Inline] = []
    for i, node in enumerate(nodes):
        if isinstance(node, m.Text) and node.text == "\n":
            before = _edge_char(out[-1], last=True) if out else ""
            after = _edge_char(nodes[i + 1], last=False) if i + 1 < len(nodes) else ""
            node = m.Text("" if (_is_cjk(before) or _is_cjk(after)) else " ")
            if not node.text:
                continue
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


def _edge_char(node: m.Inline, last: bool) -> str:
    if isinstance(node, m.Text | m.Code):
        text = node.text
    elif isinstance(node, m.Emph | m.Strong | m.Link):
        text = m.plain_text(node.children)
    else:
        return ""
    if not text:
        return ""
    return text[-1] if last else text[0]


# ---------------------------------------------------------------- entry points


def _front_matter(
    tokens: list[Token], file: str, diagnostics: Diagnostics
) -> tuple[FrontMatter, bool]:
    if not tokens or tokens[0].type != "front_matter":
        return FrontMatter(), True
    located = parse_yaml(tokens[0].content, file, diagnostics, line_offset=1)
    if located is None:
        return FrontMatter(), False
    data = located.data
    if not isinstance(data, dict):
        diagnostics.add(
            SourceLoc(file, 2),
            "E207",
            "front matter が「キー: 値」の形ではありません",
            "id: と title: を書いてください。",
        )
        return FrontMatter(), False
    ok = True
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            near = difflib.get_close_matches(str(key), FRONT_MATTER_KEYS, n=1, cutoff=0.5)
            diagnostics.add(
                located.key_loc(str(key)),
                "E102",
                f"front matter に「{key}」というキーはありません",
                f"「{near[0]}」の書き間違いではありませんか。"
                if near
                else f"使えるキー: {', '.join(FRONT_MATTER_KEYS)}",
                str(key),
            )
            ok = False
    status = str(data.get("status", "final"))
    if status not in ("draft", "final"):
        diagnostics.add(
            located.loc("status"),
            "E105",
            f"status「{status}」は使えません",
            "draft か final にしてください。",
            "status",
        )
        status = "final"
    meta = FrontMatter(
        id=str(data.get("id", "")),
        title=str(data.get("title", "")),
        status=status,
        running_head=str(data.get("running_head", "")),
        toc=bool(data.get("toc", True)),
        numbered=bool(data.get("numbered", True)),
    )
    return meta, ok


def parse_markdown(
    text: str,
    file: str,
    diagnostics: Diagnostics,
    *,
    assets: Path | None = None,
    line_offset: int = 0,
    draft: bool | None = None,
) -> Chapter:
    """Parse a Markdown chapter (or a record's text field, with `line_offset`).

    `assets` is the directory images are resolved against (None: do not check
    files); `draft` overrides the front matter's status for missing images.
    """
    # markdown-it reads a lone CR as a line end; our line counts must agree with it
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = check_controls(text, file, line_offset, diagnostics)
    tokens = _parser().parse(text)
    meta, _ = _front_matter(tokens, file, diagnostics)
    is_draft = meta.status == "draft" if draft is None else draft
    walker = _Walker(file, line_offset, diagnostics, assets, is_draft, text.split("\n"))
    tree = SyntaxTreeNode(tokens)
    blocks = walker.blocks(tree.children)
    return Chapter(file, meta, blocks, tuple(walker.footnotes))


def parse_inline(text: str, loc: SourceLoc, diagnostics: Diagnostics) -> m.Inlines:
    """Inline Markdown of a one-line field (a heading, a caption) → inline nodes."""
    text = check_controls(text, loc.file, loc.line - 1, diagnostics)
    walker = _Walker(loc.file, loc.line - 1, diagnostics, None, True, text.split("\n"))
    return walker.inline_text(text, loc)


def text_blocks(
    text: str, loc: SourceLoc, diagnostics: Diagnostics, role: str = "body"
) -> tuple[m.Block, ...]:
    """A record's *text* field (inline Markdown; blank lines separate paragraphs) → blocks.

    Lists written in the field stay lists; paragraphs take `role`.
    """
    chapter = parse_markdown(text, loc.file, diagnostics, line_offset=loc.line - 1, draft=True)
    out: list[m.Block] = []
    for block in chapter.blocks:
        if (isinstance(block, m.Paragraph) and role != "body") or isinstance(block, m.Heading):
            out.append(m.Paragraph(block.content, block.loc, role=role))
        else:
            out.append(block)
    return tuple(out)


speed_up_pickling(globals())  # the caches pickle these by the thousand
