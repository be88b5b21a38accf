"""YAML text → plain Python data plus the source location of every value.

The only module that imports `yaml`. It composes the node graph with PyYAML's
safe loader (so no Python tags are ever constructed) and builds the data
itself, which lets it
- record `file:line:col` for every mapping key and value (`Located.locs`,
  keyed by field path such as ``approach.individual[2].items[0]``);
- refuse language-specific tags (``!!python/object``) and custom tags;
- refuse alias bombs: the number of nodes built, aliases expanded, is capped;
- refuse huge files before parsing them.
Dates stay strings (``2024-11-01``) so the schema, not YAML, judges them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kumihan.diagnostics import Diagnostics, SourceLoc

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000  # values built, aliases counted every time they are expanded

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _Refused(Exception):
    def __init__(self, loc: SourceLoc, message: str, hint: str, code: str = "E109") -> None:
        super().__init__(message)
        self.loc, self.message, self.hint, self.code = loc, message, hint, code


@dataclass
class Located:
    """Data read from one YAML source, with locations by field path ("" = the document)."""

    data: Any
    file: str
    locs: dict[str, SourceLoc] = field(default_factory=dict)
    key_locs: dict[str, SourceLoc] = field(default_factory=dict)

    def loc(self, path: str) -> SourceLoc:
        """The location of the value at `path`, or of its nearest located ancestor."""
        probe = path
        while probe:
            if probe in self.locs:
                return self.locs[probe]
            probe = _parent(probe)
        return self.locs.get("", SourceLoc(self.file, 1, 1))

    def key_loc(self, path: str) -> SourceLoc:
        """The location of the key that introduces `path` (for unknown-key errors)."""
        return self.key_locs.get(path) or self.loc(path)


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rfind("[")]
    return path.rpartition(".")[0]


def _child(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.located = Located(None, file)
        self._constructor = yaml.SafeLoader("")  # only used to read scalar values

    def at(self, node: Node) -> SourceLoc:
        mark = node.start_mark
        return SourceLoc(self.file, mark.line + 1, mark.column + 1)

    def build(self, node: Node, path: str) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(
                self.at(node),
                f"値の数が上限（{MAX_NODES:,}）を超えました（エイリアスの展開による膨張）",
                "アンカー（&）とエイリアス（*）を使わずに書いてください。",
            )
        if node.tag not in _SAFE_TAGS:
            raise _Refused(
                self.at(node),
                f"使えないタグ {node.tag} があります",
                "!! や ! で始まるタグを消し、普通の値として書いてください。",
            )
        loc = self.at(node)
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            # a block scalar's text starts on the line after its indicator
            loc = SourceLoc(self.file, loc.line + 1, 1)
        self.located.locs[path] = loc
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, _child(path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused(
                        self.at(key_node),
                        "マージキー（<<）は使えません",
                        "キーをそのまま書き並べてください。",
                    )
                key = self.build(key_node, _child(path, "__key__"))
                if isinstance(key, list | dict):
                    raise _Refused(
                        self.at(key_node),
                        "キーに複合値は使えません",
                        "キーは文字列にしてください。",
                    )
                key_text = str(key)
                if key_text in result:
                    raise _Refused(
                        self.at(key_node),
                        f"キー「{key_text}」が二度書かれています",
                        "片方を消してください（後の値で前の値が黙って上書きされるのを防ぐため）。",
                        code="E101",
                    )
                child = _child(path, key_text)
                self.located.key_locs[child] = self.at(key_node)
                result[key_text] = self.build(value_node, child)
            self.located.locs.pop(_child(path, "__key__"), None)
            return result
        raise _Refused(self.at(node), "読めない値です", "")  # pragma: no cover

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates stay text; the schema checks their form
        return self._constructor.construct_object(node, deep=True)


def parse_yaml(
    text: str, file: str, diagnostics: Diagnostics, line_offset: int = 0
) -> Located | None:
    """Parse one YAML document. Problems go to `diagnostics`; returns None on failure.

    `line_offset` shifts reported lines (front matter inside a Markdown file).
    """
    builder = _Builder(file)
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 0
        problem = exc.problem or str(exc)
        diagnostics.add(
            SourceLoc(file, line, col),
            "E101",
            f"{problem}" + (f"（{exc.context}）" if exc.context else ""),
            "インデント、コロンの後の空白、引用符の対応を確かめてください。"
            '「: 」を含む文は "..." で囲むか | を使った複数行の書き方にしてください。',
        )
        return None
    except yaml.YAMLError as exc:
        diagnostics.add(
            SourceLoc(file, 1 + line_offset, 0), "E101", str(exc), "YAML として読めません。"
        )
        return None
    if node is None:
        builder.located.data = {}
        return builder.located
    try:
        builder.located.data = builder.build(node, "")
    except _Refused as refused:
        loc = SourceLoc(file, refused.loc.line + line_offset, refused.loc.col)
        diagnostics.add(loc, refused.code, refused.message, refused.hint)
        return None
    if line_offset:
        builder.located.locs = {
            k: SourceLoc(v.file, v.line + line_offset, v.col)
            for k, v in builder.located.locs.items()
        }
        builder.located.key_locs = {
            k: SourceLoc(v.file, v.line + line_offset, v.col)
            for k, v in builder.located.key_locs.items()
        }
    return builder.located


def read_text(path: Path, display: str, diagnostics: Diagnostics) -> str | None:
    """Read a UTF-8 source file, refusing huge files and bad encodings."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        diagnostics.add(
            SourceLoc(display),
            "E100",
            f"{exc.strerror}",
            "ファイルの場所と名前を確かめてください。",
        )
        return None
    if size > MAX_FILE_BYTES:
        diagnostics.add(
            SourceLoc(display),
            "E110",
            f"{size:,} バイトあります（上限 {MAX_FILE_BYTES:,} バイト）",
            "ファイルを章や事例ごとに分けてください。",
        )
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        diagnostics.add(
            SourceLoc(display),
            "E100",
            f"UTF-8 として読めません（{exc.start} バイト目）",
            "エディタで文字コードを UTF-8 にして保存し直してください。",
        )
        return None
    except OSError as exc:
        diagnostics.add(SourceLoc(display), "E100", str(exc.strerror), "")
        return None


def load_yaml_file(path: Path, display: str, diagnostics: Diagnostics) -> Located | None:
    """Read and parse a YAML file; `display` is the project-relative name used in messages."""
    text = read_text(path, display, diagnostics)
    if text is None:
        return None
    return parse_yaml(text, display, diagnostics)
