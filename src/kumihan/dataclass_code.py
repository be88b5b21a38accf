"""The methods Python's dataclasses add, compiled once and kept beside the .pyc files.

`@dataclass` writes each method it adds (`__init__`, `__eq__`, `__repr__`, `__hash__`,
the frozen `__setattr__` …) as source text and compiles it, for every class at every
start: about 600 small compilations, 60 ms of each command before it does anything.
Python keeps no .pyc for them. Here the compiled code is kept by its source text in
`__pycache__/dataclass-methods.<tag>.v<format>.marshal` (written as .pyc files are: not when
`sys.dont_write_bytecode`, nor where the package cannot be written), so a later start
compiles only what changed. The code run is the code `compile` gives for the same text:
nothing else about the classes changes.

- `install()`: from the package's first import (`kumihan/__init__.py`), before any
  dataclass of the toolkit is made.
- `save()`: before a command's process ends (`cli.run`, forked workers); writes only
  when something new was compiled.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import importlib.util
import marshal
import os
import sys
import tempfile
from pathlib import Path
from types import CodeType
from typing import Any

_FORMAT = 2  # 2: compiled without this module's `from __future__` flags
FILE = (
    Path(__file__).resolve().parent
    / "__pycache__"
    / f"dataclass-methods.{sys.implementation.cache_tag}.v{_FORMAT}.marshal"
)

_codes: dict[str, CodeType] = {}
_used: set[str] = set()  # the texts this process made classes from
_new = False  # something was compiled that the file does not hold
_BOUND = 4000  # entries in the file (the toolkit and its libraries use about 700)


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    """`exec` as `dataclasses` calls it, with the text's compiled code remembered."""
    global _new
    if type(source) is str:
        _used.add(source)
        code = _codes.get(source)
        if code is None:
            # dont_inherit: as `exec` compiles the text, without the flags of this module
            # (its `from __future__ import annotations` would keep the methods'
            # annotations as strings)
            code = _codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            _new = True
        source = code
    builtins.exec(source, globals, locals)


def install(path: Path = FILE) -> None:
    """Load the kept code (if any, and from this very Python) and have `dataclasses`
    compile through the memo from now on."""
    _codes.update(_read(path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # shadows the builtin there


def _read(path: Path) -> dict[str, CodeType]:
    """The code kept at `path`, or nothing if it is missing, damaged or from another
    Python (its bytecode magic differs)."""
    try:
        data = path.read_bytes()
        magic = importlib.util.MAGIC_NUMBER
        if not data.startswith(magic):
            return {}
        kept = marshal.loads(data[len(magic) :])
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(kept, dict):
        return {}
    return {k: v for k, v in kept.items() if isinstance(k, str) and isinstance(v, CodeType)}


def save(path: Path = FILE) -> None:
    """Write the kept code with what this process compiled, if it compiled anything new
    (merged with what other processes wrote meanwhile; written atomically)."""
    global _new
    if not _new or sys.dont_write_bytecode:
        return
    _new = False
    merged = _read(path) | _codes
    if len(merged) > _BOUND:
        # texts no longer made (the toolkit changed) would pile up: past the bound, only
        # what this process used is kept
        merged = {text: code for text, code in merged.items() if text in _used}
    with contextlib.suppress(OSError):  # a read-only install: compile again next time
        path.parent.mkdir(exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(importlib.util.MAGIC_NUMBER + marshal.dumps(merged))
            os.replace(name, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
