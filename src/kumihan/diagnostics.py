"""Diagnostics: every problem found in content, as a value.

Loaders and transforms append `Diagnostic`s to a `Diagnostics` collection
instead of raising, so one run reports every problem at once. Messages are in
Japanese (the editors' language); each has a stable code from `CODES`, a hint
saying how to fix it, and the file, line, column and field path where it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from kumihan.pickling import speed_up_pickling


@dataclass(frozen=True, slots=True, order=True)
class SourceLoc:
    """Where something came from: a project-relative path, 1-based line and column (0 = unknown)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.file}:{self.line}:{self.col}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file


NOWHERE = SourceLoc("<toolkit>")


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# code → (severity, title). The title is what kind of problem it is; the message
# of each diagnostic says what exactly, and the hint how to fix it.
CODES: dict[str, tuple[Severity, str]] = {
    # files and YAML
    "E100": (Severity.ERROR, "ファイルを読めません"),
    "E101": (Severity.ERROR, "YAML の構文エラー"),
    "E102": (Severity.ERROR, "未知のキー"),
    "E103": (Severity.ERROR, "値の型が違います"),
    "E104": (Severity.ERROR, "必須の項目がありません"),
    "E105": (Severity.ERROR, "値が許されていません"),
    "E106": (Severity.ERROR, "日付の形式が違います"),
    "E107": (Severity.ERROR, "画像のパスが assets/ の外を指しています"),
    "E108": (Severity.ERROR, "画像ファイルが見つかりません"),
    "W108": (Severity.WARNING, "画像ファイルがないため枠だけ表示します"),
    "E109": (Severity.ERROR, "安全でない YAML です"),
    "E110": (Severity.ERROR, "ファイルが大きすぎます"),
    "E111": (Severity.ERROR, "id とファイル名が一致しません"),
    "E112": (Severity.ERROR, "画像ファイルを読めません"),
    "E113": (Severity.ERROR, "id が重複しています"),
    "W114": (Severity.WARNING, "画像の解像度が印刷には足りません"),
    # Markdown
    "E201": (Severity.ERROR, "HTML は書けません"),
    "E202": (Severity.ERROR, "相互参照の参照先がありません"),
    "E203": (Severity.ERROR, "見出しのレベルが飛んでいます"),
    "E204": (Severity.ERROR, "表の列数がそろっていません"),
    "E205": (Severity.ERROR, "使えないリンクです"),
    "E206": (Severity.ERROR, "制御文字が含まれています"),
    "E207": (Severity.ERROR, "front matter が正しくありません"),
    "E208": (Severity.ERROR, "囲み（::: ）の書き方が違います"),
    "E209": (Severity.ERROR, "脚注の参照先がありません"),
    "E210": (Severity.ERROR, "ラベルが重複しています"),
    "E211": (Severity.ERROR, "画像の書き方が違います"),
    # characters
    "E301": (Severity.ERROR, "フォントにない文字です"),
    "W301": (Severity.WARNING, "フォントにない文字を代替フォントで表示します"),
    "I302": (Severity.INFO, "文字を正規化しました"),
    # fitting
    "E401": (Severity.ERROR, "事例がページに収まりません"),
    "W401": (Severity.WARNING, "事例がページに収まりません"),
    "I402": (Severity.INFO, "文字を小さくして収めました"),
    "W404": (Severity.WARNING, "ページに収まらない要素があります"),
    "W403": (Severity.WARNING, "原稿準備中の項目があります"),
    "E403": (Severity.ERROR, "final の事例に必要な項目がありません"),
    # assembly
    "E501": (Severity.ERROR, "構成ファイルの指定が正しくありません"),
    "E502": (Severity.ERROR, "集計が回答数と合いません"),
    "E503": (Severity.ERROR, "レイアウトの指定が正しくありません"),
    # output
    "E601": (Severity.ERROR, "出力を書き込めません"),
    "E602": (Severity.ERROR, "プリフライトに失敗しました"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: where, which code, what is wrong, how to fix it."""

    loc: SourceLoc
    code: str
    message: str
    hint: str = ""
    field: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    @property
    def title(self) -> str:
        return CODES[self.code][1]

    def format(self) -> str:
        """One human-readable entry: `file:line:col: E104 title [field]: message` + hint line."""
        where = f" [{self.field}]" if self.field else ""
        text = f"{self.loc}: {self.code} {self.title}{where}: {self.message}"
        if self.hint:
            text += f"\n    ヒント: {self.hint}"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.loc.file,
            "line": self.loc.line,
            "column": self.loc.col,
            "code": self.code,
            "severity": self.severity.value,
            "title": self.title,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Diagnostics:
    """A collection that stages append to; sorted by file and line when reported."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, loc: SourceLoc, code: str, message: str, hint: str = "", field: str = "") -> None:
        if code not in CODES:
            raise KeyError(f"unknown diagnostic code {code}")
        self.items.append(Diagnostic(loc, code, message, hint, field))

    def extend(self, others: Iterable[Diagnostic]) -> None:
        self.items.extend(others)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.items)  # the same problem found twice is reported once
        return sorted(unique, key=lambda d: (d.loc.file, d.loc.line, d.loc.col, d.code))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def to_json(self) -> str:
        return json.dumps([d.to_json() for d in self.sorted()], ensure_ascii=False, indent=2)


class ContentError(Exception):
    """Raised at the end of a stage when its diagnostics hold errors."""

    def __init__(self, diagnostics: Diagnostics) -> None:
        self.diagnostics = diagnostics
        super().__init__(f"{len(diagnostics.errors)} content error(s)")


speed_up_pickling(globals())  # the caches pickle these by the thousand
