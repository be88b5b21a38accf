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
from kumihan.load.controls import report_controls

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000  # values built, aliases counted every time they are expanded
MAX_DEPTH = 64  # nesting of mappings and lists; no record comes near it

# PyYAML's problem texts → what an editor reads. Matched by substring, first match wins;
# the original English stays in the message for anyone searching the web for it.
_PROBLEMS_JA: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "値の途中に「: 」（コロンと空白）があり、キーと読めません"),
    ("could not find expected ':'", "キーの後の「:」が見つかりません"),
    ("cannot start any token", "ここに書けない文字があります（タブ文字や記号）"),
    ("found unexpected end of stream", "引用符や括弧が閉じられないままファイルが終わりました"),
    ("found unknown escape character", "\\ の後に使えない文字があります"),
    ("expected <block end>", "インデント（字下げ）が揃っていません"),
    ("did not find expected key", "インデントが揃っていないか、キーが抜けています"),
    ("did not find expected '-'", "リストの「- 」の位置が揃っていません"),
    ("expected a single document", "一つのファイルに文書（---）が二つ以上あります"),
    ("but found another document", "一つのファイルに文書（---）が二つ以上あります"),
    ("found undefined alias", "定義されていないエイリアス（*）があります"),
    ("found duplicate anchor", "同じ名前のアンカー（&）が二つあります"),
    ("expected ',' or ']'", "[ ] の括弧が閉じられていません"),
    ("expected ',' or '}'", "{ } の括弧が閉じられていません"),
    ("unacceptable character", "ファイルに使えない制御文字が含まれています"),
    ("found a tab character", "インデントにタブ文字があります"),
)


def _problem_in_japanese(problem: str) -> str:
    """PyYAML's English problem text → a Japanese sentence that keeps the original."""
    for needle, japanese in _PROBLEMS_JA:
        if needle in problem:
            return f"{japanese}（YAML: {problem}）"
    return f"YAML として読めません（{problem}）"


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
    def __init__(self, file: str, diagnostics: Diagnostics, line_offset: int = 0) -> None:
        self.file = file
        self.diagnostics = diagnostics
        self.line_offset = line_offset
        self.count = 0
        self.located = Located(None, file)
        self._constructor = yaml.SafeLoader("")  # only used to read scalar values

    def at(self, node: Node) -> SourceLoc:
        mark = node.start_mark
        return SourceLoc(self.file, mark.line + 1, mark.column + 1)

    def build(self, node: Node, path: str, depth: int = 0) -> Any:
        self.count += 1
        if depth > MAX_DEPTH:
            raise _Refused(
                self.at(node),
                f"入れ子が深すぎます（{MAX_DEPTH} 段を超えています）",
                "記録の形（content-formats.md）どおりの浅い構造で書いてください。",
            )
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
            return self.scalar(node, loc, path)
        if isinstance(node, SequenceNode):
            return [
                self.build(item, _child(path, i), depth + 1) for i, item in enumerate(node.value)
            ]
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
                result[key_text] = self.build(value_node, child, depth + 1)
            self.located.locs.pop(_child(path, "__key__"), None)
            return result
        raise _Refused(self.at(node), "読めない値です", "")  # pragma: no cover

    def scalar(self, node: ScalarNode, loc: SourceLoc, path: str) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates stay text; the schema checks their form
        value = self._constructor.construct_object(node, deep=True)
        if isinstance(value, str):
            # titles and places print as they are: a bidi mark would reorder them
            quoted = 1 if node.style in ("'", '"') else 0
            start = SourceLoc(self.file, loc.line + self.line_offset, loc.col + quoted)
            value = report_controls(value, start, self.diagnostics, path.replace(".__key__", ""))
        return value


def _compose(text: str) -> Node | None:
    """The document's node graph: libyaml's parser when PyYAML has it (about ten times
    faster), else PyYAML's own. Text libyaml refuses is parsed again by PyYAML, whose
    problem texts and positions the messages above are written for."""
    loaders: list[Any] = [yaml.SafeLoader]
    if getattr(yaml, "__with_libyaml__", False):
        loaders.insert(0, yaml.CSafeLoader)
    for index, loader_class in enumerate(loaders):
        loader = loader_class(text)
        try:
            node: Node | None = loader.get_single_node()
            return node
        except (yaml.YAMLError, RecursionError):
            if index == len(loaders) - 1:
                raise
        finally:
            loader.dispose()
    return None


def parse_yaml(
    text: str, file: str, diagnostics: Diagnostics, line_offset: int = 0
) -> Located | None:
    """Parse one YAML document. Problems go to `diagnostics`; returns None on failure.

    `line_offset` shifts reported lines (front matter inside a Markdown file).
    """
    builder = _Builder(file, diagnostics, line_offset)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 0
        problem = exc.problem or str(exc)
        diagnostics.add(
            SourceLoc(file, line, col),
            "E101",
            _problem_in_japanese(problem + (f"; {exc.context}" if exc.context else "")),
            "インデント、コロンの後の空白、引用符の対応を確かめてください。"
            '「: 」を含む文は "..." で囲むか | を使った複数行の書き方にしてください。',
        )
        return None
    except yaml.YAMLError as exc:
        diagnostics.add(
            SourceLoc(file, 1 + line_offset, 0),
            "E101",
            _problem_in_japanese(str(exc)),
            "ファイルを UTF-8 のテキストとして保存し直し、制御文字を消してください。",
        )
        return None
    except RecursionError:
        # PyYAML composes nested nodes recursively: a few hundred `[` exhaust the stack
        diagnostics.add(
            SourceLoc(file, 1 + line_offset, 1),
            "E109",
            "入れ子が深すぎて読めません",
            "記録の形（content-formats.md）どおりの浅い構造で書いてください。",
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
