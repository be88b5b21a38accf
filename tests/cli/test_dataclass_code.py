"""The methods dataclasses add are compiled once and kept: a later start compiles none of
them, the classes behave as Python makes them, and a damaged or foreign file is ignored."""

from __future__ import annotations

import importlib.util
import inspect
import marshal
import subprocess
import sys
import textwrap
import typing
from dataclasses import FrozenInstanceError, dataclass
from pathlib import Path

import pytest

from kumihan import dataclass_code
from kumihan.model import Paragraph

SRC = Path(__file__).resolve().parents[2] / "src"

# a fresh interpreter: the memo read from FILE, some dataclasses made, the number of
# compilations of dataclass methods printed, the memo saved (as a command's end does)
MAKE_CLASSES = textwrap.dedent(
    """
    import atexit, builtins, sys
    from pathlib import Path
    sys.dont_write_bytecode = False
    from kumihan import dataclass_code
    atexit.unregister(dataclass_code.save)  # the package's own file stays as it is
    dataclass_code._codes.clear()
    dataclass_code.install(Path(sys.argv[1]))
    compiled = []
    real = builtins.compile
    def counting(source, *args, **kwargs):
        compiled.append(source)
        return real(source, *args, **kwargs)
    builtins.compile = counting
    from dataclasses import dataclass
    @dataclass(frozen=True, slots=True)
    class KakuuTown:
        name: str
        population: int = 0
    @dataclass
    class KakuuVillage:
        name: str
    builtins.compile = real
    assert KakuuTown("架空町", 3) == KakuuTown("架空町", 3)
    print(len(compiled))
    dataclass_code.save(Path(sys.argv[1]))
    """
)


def compilations(memo: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", MAKE_CLASSES, str(memo)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return int(done.stdout.strip())


def test_a_later_start_compiles_no_dataclass_method(tmp_path: Path) -> None:
    memo = tmp_path / "__pycache__" / "dataclass-methods.marshal"
    assert compilations(memo) > 5  # __init__, __repr__, __eq__, __hash__, __setattr__ …
    assert memo.is_file()
    assert compilations(memo) == 0


def test_a_damaged_or_foreign_file_is_compiled_afresh(tmp_path: Path) -> None:
    memo = tmp_path / "dataclass-methods.marshal"
    compilations(memo)
    kept = memo.read_bytes()
    magic = importlib.util.MAGIC_NUMBER
    other_python = bytes([magic[0] ^ 1]) + magic[1:]
    for bad in (b"", magic + b"\x00garbage", other_python + kept[len(magic) :]):
        memo.write_bytes(bad)
        assert compilations(memo) > 5


def test_classes_made_through_the_memo_behave_as_pythons(tmp_path: Path) -> None:
    assert dataclass_code._codes  # the toolkit's own classes went through it

    @dataclass(frozen=True, slots=True)
    class KakuuPlace:
        name: str
        households: int = 0

    place = KakuuPlace("架空村", 12)
    assert place == KakuuPlace("架空村", 12) and hash(place) == hash(KakuuPlace("架空村", 12))
    assert repr(place).endswith("KakuuPlace(name='架空村', households=12)")
    with pytest.raises(FrozenInstanceError):
        place.name = "別の村"  # type: ignore[misc]
    # the methods are compiled as dataclasses compile them, not with this module's
    # `from __future__ import annotations`: their annotations are the types
    assert typing.get_type_hints(KakuuPlace.__init__) == {
        "name": str,
        "households": int,
        "return": type(None),
    }
    # (the model's own annotations are strings: its module defers them)
    assert inspect.signature(Paragraph).parameters["role"].annotation == "str"


def test_nothing_is_written_when_bytecode_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo = tmp_path / "dataclass-methods.marshal"
    monkeypatch.setattr(dataclass_code, "_new", True)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    dataclass_code.save(memo)
    assert not memo.exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    dataclass_code.save(memo)
    assert memo.is_file()


def test_past_the_bound_only_the_code_this_process_used_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo = tmp_path / "dataclass-methods.marshal"
    stale = {f"def kakuu_{i}(): pass": compile("pass", "<string>", "exec") for i in range(30)}
    memo.write_bytes(importlib.util.MAGIC_NUMBER + marshal.dumps(stale))
    monkeypatch.setattr(dataclass_code, "_BOUND", 10)
    monkeypatch.setattr(dataclass_code, "_new", True)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    dataclass_code.save(memo)
    kept = dataclass_code._read(memo)
    assert kept and not set(kept) & set(stale)
    assert set(kept) <= dataclass_code._used
