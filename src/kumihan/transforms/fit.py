"""Fit decisions for fixed-page content: each case's four pages must fit, or say why not.

Takes a numbered `Document`, the layout's fit ladder (e.g. body 10 pt → 9.5 pt
→ 9 pt with tighter leading, applied to the case styles) and a `Measurer`
(the PDF engine's heights, injected by the pipeline so this stage stays format-
free); gives the document with each `CaseSpread.fit` filled: the first step at
which all four pages fit — the same step on all four pages and in both formats —
or the last step with the overflow of each page that still does not fit.
Reports fitted cases (I402) and overflowing pages (W401, or E401 when strict)
with the case file, page, sections and the lines and characters to cut.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Protocol

from kumihan import model as m
from kumihan.diagnostics import Diagnostics
from kumihan.layout.spec import FitStep, Layout


class Measurer(Protocol):
    def height(self, page: m.CasePage, layout: Layout) -> float:
        """The height the page's blocks take when set with `layout`."""
        ...


def fit_steps(layout: Layout) -> list[FitStep | None]:
    """The ladder: None (the layout as written), then the layout's fit steps."""
    return [None, *layout.fit.steps]


def fitted_layout(layout: Layout, step: FitStep | None) -> Layout:
    """The layout with the fit step applied to the fit styles (size and leading).

    Styles scale in proportion to the first fit style, so a caption stays smaller
    than the body text when both shrink.
    """
    if step is None or not layout.fit.styles:
        return layout
    base = layout.style(layout.fit.styles[0])
    styles = dict(layout.styles)
    for name in layout.fit.styles:
        style = layout.style(name)
        ratio = style.size / base.size if base.size else 1.0
        size = round(step.size * ratio, 2)
        leading = round(step.leading * (style.leading / base.leading if base.leading else 1.0), 2)
        styles[name] = replace(
            style,
            name=name,
            size=size,
            leading=leading,
            indent_first=style.indent_first * size / style.size if style.size else 0.0,
        )
    return layout.with_styles(styles)


def layout_for(layout: Layout, fit: m.Fit) -> Layout:
    """The layout a fitted case is set with (what both renderers use)."""
    steps = fit_steps(layout)
    return fitted_layout(layout, steps[fit.step] if 0 <= fit.step < len(steps) else None)


@dataclass(frozen=True)
class PageOverflow:
    page: int
    points: float
    sections: tuple[str, ...]


def decide(spread: m.CaseSpread, layout: Layout, measurer: Measurer) -> m.Fit:
    """Try each step of the ladder; the first at which all four pages fit wins."""
    capacity = layout.frame_size("case")[1] - layout.fit.reserve
    steps = fit_steps(layout)
    overflow: list[tuple[int, float]] = []
    for index, step in enumerate(steps):
        candidate = fitted_layout(layout, step)
        overflow = []
        for page in spread.pages:
            excess = measurer.height(page, candidate) - capacity
            if excess > 0.01:
                overflow.append((page.page, round(excess, 1)))
        body = (
            candidate.style(layout.fit.styles[0]) if layout.fit.styles else candidate.style("body")
        )
        if not overflow:
            return m.Fit(index, body.size, body.leading, ())
    body = fitted_layout(layout, steps[-1]).style(
        layout.fit.styles[0] if layout.fit.styles else "body"
    )
    return m.Fit(len(steps) - 1, body.size, body.leading, tuple(overflow))


class FitStore(Protocol):
    """Fit decisions remembered between builds (see `kumihan.cache.FitCache`)."""

    def get(self, spread: m.CaseSpread) -> m.Fit | None: ...

    def put(self, spread: m.CaseSpread, fit: m.Fit) -> None: ...


def fit_cases(
    doc: m.Document,
    layout: Layout,
    measurer: Measurer,
    diagnostics: Diagnostics,
    *,
    strict: bool,
    store: FitStore | None = None,
) -> m.Document:
    """Decide every case's fit and report what was done and what still overflows.

    A `store` remembers decisions by case content, so only changed cases are measured.
    """
    seen: dict[int, m.Fit] = {}

    def visit(block: m.Block) -> m.Block:
        if not isinstance(block, m.CaseSpread):
            return block
        key = hash(block)
        fit = seen.get(key)
        if fit is None:
            fit = store.get(block) if store is not None else None
            if fit is None:
                fit = decide(block, layout, measurer)
                if store is not None:
                    store.put(block, fit)
            seen[key] = fit
            report(block, fit, layout, diagnostics, strict=strict)
        return replace(block, fit=fit)

    parts = tuple(replace(p, blocks=tuple(visit(b) for b in p.blocks)) for p in doc.parts)
    return replace(doc, parts=parts)


def report(
    spread: m.CaseSpread, fit: m.Fit, layout: Layout, diagnostics: Diagnostics, *, strict: bool
) -> None:
    if fit.step and not fit.overflow:
        diagnostics.add(
            spread.loc,
            "I402",
            f"事例「{spread.case_id}」は本文を {fit.body_size:g}pt（行送り {fit.leading:g}pt）にして 4 ページに収めました",
            "4 ページすべてに同じ大きさを使っています。元の大きさに戻すには本文を短くしてください。",
        )
    body = layout.style(layout.fit.styles[0] if layout.fit.styles else "body")
    chars_per_line = max(1, int(layout.frame_size("case")[0] / (fit.body_size or body.size)))
    for page_no, points in fit.overflow:
        page = spread.pages[page_no - 1]
        lines = math.ceil(points / (fit.leading or body.leading))
        sections = "・".join(page.sections) or page.role
        diagnostics.add(
            spread.loc,
            "E401" if strict else "W401",
            f"事例「{spread.case_id}」の {page_no}ページ目（{sections}）が {fit.body_size:g}pt でも"
            f" {points:.0f}pt（約{lines}行、約{lines * chars_per_line}字）はみ出します",
            f"{page_no}ページ目の {sections} を約{lines * chars_per_line}字削ってください。",
        )
