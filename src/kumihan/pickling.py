"""Quicker pickling of frozen, slotted dataclasses (the model, records, layouts).

The caches pickle the whole model of a project (records, chapters, case pages).
For a frozen dataclass with slots, `dataclasses` pickles through Python-level
`__getstate__`/`__setstate__` that call `fields()` for every object: most of the
time of reading and writing those caches. `speed_up_pickling` gives such classes
the same state (the field values, in field order) through `operator.attrgetter`
and a precomputed list of names; pickles stay interchangeable with the stock ones.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable
from types import MemberDescriptorType
from typing import Any


def _state_functions(
    cls: type, names: tuple[str, ...]
) -> tuple[Callable[[Any], list[Any]], Callable[[Any, Iterable[Any]], None]]:
    get = operator.attrgetter(*names)
    setattr_ = object.__setattr__  # the class is frozen: its own __setattr__ refuses

    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple

        def getstate(self: Any) -> list[Any]:
            return [get(self)]
    else:

        def getstate(self: Any) -> list[Any]:
            return list(get(self))

    def set_each(self: Any, state: Iterable[Any]) -> None:
        for name, value in zip(names, state, strict=False):
            setattr_(self, name, value)

    slots = [getattr(cls, name, None) for name in names]
    if not all(isinstance(slot, MemberDescriptorType) for slot in slots):
        return getstate, set_each

    def first_setstate(self: Any, state: Iterable[Any]) -> None:
        # made when first unpickled, not at import: most classes never are in a build
        unrolled = _unrolled_setstate(slots, set_each)
        setattr(cls, "__setstate__", unrolled)  # noqa: B010 (a class's method)
        unrolled(self, state)

    return getstate, first_setstate


def _unrolled_setstate(
    slots: list[Any], fallback: Callable[[Any, Iterable[Any]], None]
) -> Callable[[Any, Iterable[Any]], None]:
    """A `__setstate__` that sets each slot through its descriptor, one statement per
    field (made with exec, as `dataclasses` makes `__init__`): two and a half times
    quicker than a loop of `object.__setattr__`, and a build unpickles tens of
    thousands of model objects. A state of another length takes `fallback`."""
    count = len(slots)
    values = ", ".join(f"v{i}" for i in range(count))
    lines = [
        "def setstate(self, state):",
        f"    if len(state) != {count}:",
        "        return fallback(self, state)",
        f"    {values}, = state",
        *(f"    set{i}(self, v{i})" for i in range(count)),
    ]
    scope: dict[str, Any] = {f"set{i}": slot.__set__ for i, slot in enumerate(slots)}
    scope["fallback"] = fallback
    exec("\n".join(lines), scope)  # the code names field positions only, never a value
    setstate: Callable[[Any, Iterable[Any]], None] = scope["setstate"]
    return setstate


def speed_up_pickling(namespace: dict[str, Any]) -> None:
    """Give every frozen, slotted dataclass defined in `namespace` (a module's globals())
    quick `__getstate__`/`__setstate__`; other classes are left as they are."""
    module = namespace.get("__name__")
    for value in list(namespace.values()):
        if (
            isinstance(value, type)
            and value.__module__ == module
            and dataclasses.is_dataclass(value)
            and getattr(value.__getstate__, "__name__", "") == "_dataclass_getstate"
        ):
            names = tuple(f.name for f in dataclasses.fields(value))
            if names:
                getstate, setstate = _state_functions(value, names)
                setattr(value, "__getstate__", getstate)  # noqa: B010 (a class's methods)
                setattr(value, "__setstate__", setstate)  # noqa: B010
