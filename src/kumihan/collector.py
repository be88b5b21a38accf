"""Python's cyclic garbage collector, paused while a build runs.

A build makes a few million objects and frees nearly all of them by reference
counting; what the cyclic collector adds is its passes over everything alive: 0.05 s
of importing the toolkit and its libraries, and 0.1 s of an editor's one-case rebuild,
where each forked format's process would also walk (and so copy, page by page) the
objects it inherits. Paused, a build's peak memory grows by about a tenth.

- `pause_for_good()`: for a process that runs one command and ends (`build.py`,
  `kumihan`): the collector stays off.
- `paused()`: for a long-lived one (the watcher): off during each rebuild, then on
  again, collecting what the rebuild left.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


def pause_for_good() -> None:
    """Turn the collector off for the rest of this short-lived process."""
    gc.disable()


def resume() -> None:
    """Turn the collector on again (a command that keeps running, like `watch`)."""
    gc.enable()


@contextlib.contextmanager
def paused(*, collect_after: bool = True) -> Iterator[None]:
    """The collector off within the block; after it, back as it was (and, if it was on,
    one full collection of what the block left, when `collect_after`)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
            if collect_after:
                gc.collect()
