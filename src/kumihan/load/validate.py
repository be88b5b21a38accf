"""Located YAML data + a JSON Schema → diagnostics with file:line:col and field path.

Takes the `Located` data from `yamlsource` and one of the package's schemas
(`kumihan/schemas/*.json`); gives Japanese diagnostics, one per problem, with
the nearest known key as a hint for a misspelt key.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from kumihan.diagnostics import Diagnostics
from kumihan.load.yamlsource import Located

_TYPE_NAMES = {
    "string": "文字列",
    "integer": "整数",
    "number": "数値",
    "boolean": "true / false",
    "array": "リスト（- で始まる行）",
    "object": "キーと値の組（key: value）",
    "null": "空",
}


@cache
def schema(name: str) -> dict[str, Any]:
    """Load a packaged schema by name (``case``, ``policy``, ``project``, ``survey``)."""
    text = resources.files("kumihan.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name), format_checker=FormatChecker())


def field_path(parts: Iterable[object]) -> str:
    """``['approach', 'individual', 2]`` → ``approach.individual[2]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out


def _value_kind(value: object) -> str:
    if isinstance(value, bool):
        return "true / false"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "数値"
    if isinstance(value, str):
        return "文字列"
    if isinstance(value, list):
        return "リスト"
    if isinstance(value, dict):
        return "キーと値の組"
    return "空"


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:39] + "…"


def _is_date_schema(sub: dict[str, Any]) -> bool:
    return sub.get("format") == "date" or ("$ref" in sub and str(sub["$ref"]).endswith("/date"))


def validate(located: Located, schema_name: str, diagnostics: Diagnostics) -> bool:
    """Validate `located.data` against a schema; report every problem. True when valid."""
    ok = True
    errors = sorted(
        _validator(schema_name).iter_errors(located.data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    for error in errors:
        ok = False
        _report(error, located, diagnostics)
    return ok


def _report(error: ValidationError, located: Located, diagnostics: Diagnostics) -> None:
    path = field_path(error.absolute_path)
    loc = located.loc(path)
    kind = error.validator
    if kind == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = (
            [k for k in error.instance if k not in known]
            if isinstance(error.instance, dict)
            else []
        )
        for key in extra:
            child = f"{path}.{key}" if path else key
            near = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
            hint = (
                f"「{near[0]}」の書き間違いではありませんか。"
                if near
                else f"使えるキーは {', '.join(known)} です。"
            )
            diagnostics.add(
                located.key_loc(child), "E102", f"「{key}」というキーはありません", hint, child
            )
        return
    if kind == "required":
        missing = (
            str(error.message).split("'")[1] if "'" in error.message else str(error.validator_value)
        )
        # the field names what is absent (tools read it); the location is its parent's
        missing_path = f"{path}.{missing}" if path else missing
        diagnostics.add(
            loc,
            "E104",
            f"「{missing}」がありません",
            f"{missing}: を書き加えてください。",
            missing_path,
        )
        return
    if kind == "type":
        wanted = error.validator_value
        wanted_names = "、".join(
            _TYPE_NAMES.get(str(w), str(w))
            for w in (wanted if isinstance(wanted, list) else [wanted])
        )
        diagnostics.add(
            loc,
            "E103",
            f"{wanted_names}が必要ですが、{_value_kind(error.instance)}「{_show(error.instance)}」が書かれています",
            _type_hint(wanted, error.instance),
            path,
        )
        return
    if kind in ("format", "pattern") and (
        _is_date_schema(error.schema) or error.validator_value == "date"
    ):
        diagnostics.add(
            loc,
            "E106",
            f"「{_show(error.instance)}」は日付として読めません",
            "YYYY-MM-DD の形で、実在する日付を書いてください（例: 2024-11-01）。",
            path,
        )
        return
    if kind == "enum":
        allowed = " / ".join(str(v) for v in error.validator_value)
        diagnostics.add(
            loc,
            "E105",
            f"「{_show(error.instance)}」は使えません",
            f"{allowed} のどれかにしてください。",
            path,
        )
        return
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = "以上" if "inimum" in kind else "以下"
        diagnostics.add(
            loc,
            "E105",
            f"{_show(error.instance)} は範囲外です",
            f"{error.validator_value} {bound}の値にしてください。",
            path,
        )
        return
    if kind in ("minItems", "maxItems", "minLength"):
        what = {
            "minItems": "項目が少なすぎます",
            "maxItems": "項目が多すぎます",
            "minLength": "空です",
        }[kind]
        limit = f"{error.validator_value} 個" if kind != "minLength" else "1 文字"
        bound = "以下" if kind == "maxItems" else "以上"
        diagnostics.add(loc, "E105", what, f"{limit}{bound}にしてください。", path)
        return
    if kind == "anyOf" and isinstance(error.instance, dict):
        options = [sorted(s.get("required", [])) for s in error.validator_value]
        names = " か ".join("・".join(o) for o in options)
        diagnostics.add(
            loc,
            "E104",
            f"{names} のどちらかが必要です",
            "本文（text）か箇条書き（items）を書いてください。",
            path,
        )
        return
    if kind == "pattern":
        diagnostics.add(
            loc,
            "E105",
            f"「{_show(error.instance)}」は形式が違います",
            _pattern_hint(str(error.validator_value)),
            path,
        )
        return
    diagnostics.add(
        loc,
        "E105",
        f"値が記録の形に合いません（{error.message}）",
        "spec の content-formats.md にある書き方に合わせてください。",
        path,
    )


def _type_hint(wanted: object, value: object) -> str:
    if wanted in ("integer", "number") and isinstance(value, str):
        return "算用数字だけで書いてください（例: 21489、40.0）。単位や「人」「%」は付けません。"
    if wanted == "array":
        return "各項目を「- 」で始まる行にしてください。"
    if wanted == "string" and isinstance(value, int | float):
        return '文字列として扱うなら "..." で囲んでください。'
    if wanted == "object":
        return "「キー: 値」の形で字下げして書いてください。"
    return ""


def _pattern_hint(pattern: str) -> str:
    if pattern == "^[a-z0-9-]+$":
        return "半角英小文字・数字・ハイフンだけで書いてください（例: yabu）。"
    if pattern.startswith("^https?"):
        return "http:// または https:// で始まる URL を書いてください。"
    if "0[1-9]|1[0-2]" in pattern:
        return "YYYY-MM の形で書いてください（例: 2024-09）。"
    if ":[0-5]" in pattern:
        return "HH:MM の形で書いてください（例: 15:00）。"
    if "[0-9]{3}-[0-9]{4}" in pattern:
        return "郵便番号は 123-4567 の形で書いてください。"
    return f"形式 {pattern} に合わせてください。"
