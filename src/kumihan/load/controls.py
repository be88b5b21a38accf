"""Invisible characters no source may contain: C0/C1 controls, zero-width and bidi marks.

They print as nothing or reorder the text around them (U+202E turns a title
backwards), so both loaders — Markdown and YAML — refuse them with E206 at
their line and column, and go on with the text stripped of them.
"""

from __future__ import annotations

import re

from kumihan.diagnostics import Diagnostics, SourceLoc

CONTROL_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_HINT = "見えない制御文字です。その位置の文字を消して打ち直してください。"


def report_controls(
    text: str,
    start: SourceLoc,
    diagnostics: Diagnostics,
    field: str = "",
    first_col: int | None = None,
) -> str:
    """Report each control character in `text` and return the text without them.

    `start` is where the text's first line is; later lines start at column 1 unless
    `first_col` says otherwise (a YAML block scalar's indent is not known here).
    """
    if not CONTROL_CHARS.search(text):
        return text
    for number, line in enumerate(text.split("\n")):
        for match in CONTROL_CHARS.finditer(line):
            col = (start.col if number == 0 else (first_col or 1)) + match.start()
            diagnostics.add(
                SourceLoc(start.file, start.line + number, col),
                "E206",
                f"U+{ord(match.group()):04X} が含まれています",
                _HINT,
                field,
            )
    return CONTROL_CHARS.sub("", text)
