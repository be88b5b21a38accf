"""Page-number forms: one per anchor and look (alignment, face, size, colour), and every
one a page registers is told to the recordings open on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kumihan.layout.spec import Layout
from kumihan.render.pdf import make_context
from kumihan.render.pdf.context import PageNotes

REPO = Path(__file__).resolve().parents[2]


def test_the_same_anchor_in_two_colours_gets_two_forms(
    layout_of: Callable[[str], Layout],
) -> None:
    ctx = make_context(layout_of("report"), REPO, "screen")
    body = ctx.layout.style("body")
    linked = replace(body, color=(1.0, 0.6, 0.0, 0.2))
    plain_form = ctx.page_box("sec:kakuu", body)
    linked_form = ctx.page_box("sec:kakuu", linked)
    assert plain_form != linked_form
    assert ctx.forms[plain_form][4] == body.color
    assert ctx.forms[linked_form][4] == linked.color
    assert ctx.page_box("sec:kakuu", body) == plain_form  # the same look: the same form


def test_a_recording_hears_of_a_form_registered_before_it_opened(
    layout_of: Callable[[str], Layout],
) -> None:
    ctx = make_context(layout_of("report"), REPO, "screen")
    body = ctx.layout.style("body")
    form = ctx.page_box("sec:kakuu", body)  # an earlier page's
    notes = PageNotes()
    ctx.recorders.append(notes)
    assert ctx.page_box("sec:kakuu", body) == form
    assert notes.forms == {form: ctx.forms[form]}
