"""Runs of flowing pages drawn once and replayed in later builds, as case pages are.

A chapter's pages (text, tables, charts, policy cards) are laid out by platypus and
drawn anew at every build: in the 報告書 they are most of the time a one-case edit
costs. A `PageRun` is a run of parts that begins on a page of its own and ends where
the next part begins on a new page (parts that `continue` on the same page join the run
before them). Its pages depend on its parts alone, given the layout, fonts, pictures
and toolkit (the page store's context), the variant, whether its first page is a
left- or right-hand one, and the outline level it starts at. So:

- on a miss, the run is laid out and drawn as usual while each of its pages is
  recorded (`replay.recording`, from the page's start to just before its furniture);
  the records, the running-head state each page began with and the state the run
  ended with are kept together (`DrawnRun`);
- on a hit, its flowables are never made: one `ReplayedPage` per recorded page goes
  into the story instead, with the running-head state set before each page begins,
  so the furniture (folios, running heads, marks), drawn at each page's end as
  always, comes out as it would have.

Runs with a case in them are drawn as usual (their case pages are replayed one by
one), and the first run (the cover, begun before any flowable is read) too.
A replayed run is byte for byte what a fresh drawing gives; the tests compare a warm
build with one from an empty cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportlab.platypus import PageBreak
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import Flowable

from kumihan import model as m
from kumihan.cache import value_digest
from kumihan.render.pdf.context import RenderContext
from kumihan.render.pdf.replay import DrawnPage, page_store, recording, replay
from kumihan.transforms.walk import iter_blocks

if TYPE_CHECKING:
    from kumihan.render.pdf.document import KumihanDoc

Heads = tuple[str, str, str]  # the page template, running head and subhead a page begins with


@dataclass
class DrawnRun:
    """A run's pages as drawn, and the state the page machinery needs around them."""

    pages: list[DrawnPage] = field(default_factory=list)
    heads: list[Heads] = field(default_factory=list)  # each page's, as it began
    end: Heads = ("body", "", "")  # the state the run left for the parts after it
    saved_templates: list[Heads] = field(default_factory=list)  # and the template stack


def replayable(parts: list[m.Part]) -> bool:
    """Can the run of `parts` be recorded and replayed (no case page in it)?"""
    return not any(
        isinstance(block, m.CaseSpread) for part in parts for block in iter_blocks(part.blocks)
    )


class PageRun(ActionFlowable):  # type: ignore[misc]
    """Begins a run of flowing pages, once its first page has begun: replays the run's
    pages if a build drew them before, else puts its flowables (made only now) into
    the story and records the pages they give."""

    def __init__(self, parts: list[m.Part], items: Callable[[], list[Flowable]]) -> None:
        super().__init__()
        self.parts = parts
        self.items = items  # the run's flowables after its first PartStart

    def apply(self, doc: KumihanDoc) -> None:
        store = page_store()
        queue = doc.queue
        if store is None or doc.run_recorder is not None:
            queue[0:0] = self.items()
            return
        digest = value_digest(tuple(self.parts)).hex()
        where = f"run|{digest}|{doc.page % 2}|{len(doc.saved_templates)}"
        key = store.key(where, doc.ctx, 0.0, 0.0)
        found = store.get_record(key, DrawnRun)
        if found is not None and found.pages:
            queue[0:0] = _replayed(found, doc.ctx)
            return
        doc.run_recorder = RunRecorder(key, doc)
        queue[0:0] = [*self.items(), RunEnd()]


class RunEnd(ActionFlowable):  # type: ignore[misc]
    """The run's last flowable is placed: its last page is recorded until it ends."""

    def apply(self, doc: KumihanDoc) -> None:
        if doc.run_recorder is not None:
            doc.run_recorder.close(doc)


class SetHeads(ActionFlowable):  # type: ignore[misc]
    """Set the page template and running heads the next page begins with (as the run
    had them when it was drawn), or those it ended with."""

    def __init__(self, heads: Heads, saved: list[Heads] | None = None) -> None:
        super().__init__()
        self.heads, self.saved = heads, saved

    def apply(self, doc: KumihanDoc) -> None:
        doc.template_name, doc.running_head, doc.subhead = self.heads
        if self.saved is not None:
            doc.saved_templates = list(self.saved)


class ReplayedPage(Flowable):  # type: ignore[misc]
    """A whole recorded page, put back on the current page."""

    def __init__(self, page: DrawnPage, ctx: RenderContext) -> None:
        super().__init__()
        self.page, self.ctx = page, ctx
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah - 0.01
        return self.width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        replay(canvas, self.ctx, self.page)  # recorded where it was drawn: no move


def _replayed(run: DrawnRun, ctx: RenderContext) -> list[Flowable]:
    """The story that puts `run` back: its pages, each next one begun with its heads."""
    story: list[Flowable] = []
    for index, page in enumerate(run.pages):
        if index:
            story += [SetHeads(run.heads[index]), PageBreak()]
        story.append(ReplayedPage(page, ctx))
    story.append(SetHeads(run.end, run.saved_templates))
    return story


class RunRecorder:
    """Records a run's pages as platypus lays them out (`KumihanDoc` tells it where each
    page begins and ends); keeps the run when its last page ends."""

    def __init__(self, key: str, doc: KumihanDoc) -> None:
        self.key = key
        self.run = DrawnRun()
        self.closing = False
        self.failed = False
        self.current: Any = None  # the open recording of the current page
        self.begin_page(doc)

    def begin_page(self, doc: KumihanDoc) -> None:
        self.run.heads.append(doc.page_state)
        self.current = recording(doc.canv, doc.ctx)
        self.drawn: list[DrawnPage] = self.current.__enter__()

    def end_page(self, doc: KumihanDoc) -> bool:
        """Close the current page's recording; True when the run is complete."""
        self.current.__exit__(None, None, None)
        self.current = None
        if self.drawn:
            self.run.pages.append(self.drawn[0])
        else:
            self.failed = True  # something on the page cannot be recorded
        if not self.closing:
            return False
        store = page_store()
        if store is not None and not self.failed:
            store.put(self.key, self.run)
        return True

    def abandon(self) -> None:
        """Close the open recording without keeping anything (the build failed)."""
        if self.current is not None:
            self.current.__exit__(None, None, None)
            self.current = None

    def close(self, doc: KumihanDoc) -> None:
        self.closing = True
        self.run.end = (doc.template_name, doc.running_head, doc.subhead)
        self.run.saved_templates = list(doc.saved_templates)
