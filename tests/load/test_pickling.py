"""The quick pickling of frozen, slotted dataclasses gives back equal objects."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass

from kumihan import model as m
from kumihan.diagnostics import SourceLoc
from kumihan.pickling import speed_up_pickling


@dataclass(frozen=True, slots=True)
class Pair:
    left: object
    right: object = None


@dataclass(frozen=True, slots=True)
class One:
    only: int


@dataclass
class Plain:  # neither frozen nor slotted: left alone
    value: int


def test_state_round_trips_for_every_shape() -> None:
    stock = pickle.dumps(Pair(One(1), (One(2), "x")))  # dataclasses' own __getstate__
    speed_up_pickling({"__name__": __name__, "Pair": Pair, "One": One, "Plain": Plain})
    assert Pair.__getstate__ is not dataclasses._dataclass_getstate  # type: ignore[attr-defined]
    assert not hasattr(Plain, "__setstate__") or Plain.__setstate__ is object.__setstate__  # type: ignore[attr-defined]
    value = Pair(One(3), (One(4), "y"))
    assert pickle.loads(pickle.dumps(value)) == value
    assert pickle.loads(stock) == Pair(One(1), (One(2), "x"))  # old pickles still load
    assert One(5).__getstate__() == [5]  # type: ignore[attr-defined]


def test_model_objects_round_trip() -> None:
    loc = SourceLoc("content/cases/kakuu.yaml", 12, 3)
    block = m.Box(
        kind="note",
        loc=loc,
        title=(m.Text("架空の見出し"),),
        blocks=(m.Paragraph(content=(m.Strong((m.Text("強調"),)),), loc=loc),),
    )
    assert pickle.loads(pickle.dumps(block)) == block
    assert m.Paragraph.__getstate__.__name__ == "getstate"  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Three:
    a: object
    b: object
    c: object = "c"


def test_the_unrolled_setstate_is_made_at_first_use_and_takes_any_state_length() -> None:
    speed_up_pickling({"__name__": __name__, "Three": Three})
    first = Three.__setstate__  # type: ignore[attr-defined]
    value = Three(1, (2, 3), Three("x", None))
    assert pickle.loads(pickle.dumps(value)) == value
    assert Three.__setstate__ is not first  # type: ignore[attr-defined]  # replaced on first use
    assert Three.__setstate__.__name__ == "setstate"  # type: ignore[attr-defined]
    # a state of another length (a pickle from before a field was added) still loads
    older = object.__new__(Three)
    Three.__setstate__(older, [7, 8])  # type: ignore[attr-defined]
    assert (older.a, older.b) == (7, 8)
