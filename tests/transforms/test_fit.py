"""fit: each case's style step decided with a fake Measurer; diagnostics; the FitCache."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kumihan import model as m
from kumihan.cache import FitCache
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.layout.spec import Layout
from kumihan.transforms.fit import decide, fit_cases, fit_steps, fitted_layout, layout_for

from .nodes import blocks_of, document

CASE_LOC = SourceLoc("content/cases/sakura.yaml", 1, 1)
SECTIONS = {
    1: ("事業の概要", "この事例からの学び", "事例の基本情報"),
    2: ("取組の経緯",),
    3: ("個別支援を起点とした地域への働きかけ", "地域そのものへの働きかけ"),
    4: ("取組の特徴", "コメント"),
}
ROLES = {1: "overview", 2: "history", 3: "approach", 4: "features"}


class LinesMeasurer:
    """A page is `lines[page]` lines of the case body style: height = lines × leading."""

    def __init__(self, lines: dict[int, int]) -> None:
        self.lines = lines
        self.calls: list[tuple[str, int, float]] = []

    def height(self, page: m.CasePage, layout: Layout) -> float:
        style = layout.style("case-body")
        self.calls.append((page.case_id, page.page, style.size))
        return self.lines[page.page] * style.leading


def spread(case_id: str = "sakura", text: str = "本文") -> m.CaseSpread:
    pages = tuple(
        m.CasePage(
            case_id,
            n,
            ROLES[n],
            (m.Paragraph((m.Text(f"{text}{n}"),), CASE_LOC, role="case-body"),),
            CASE_LOC,
            SECTIONS[n],
        )
        for n in (1, 2, 3, 4)
    )
    return m.CaseSpread(case_id, "題", "架空県さくら市", pages, CASE_LOC, anchor=f"case:{case_id}")  # type: ignore[arg-type]


def capacity(layout: Layout) -> float:
    return layout.frame_size("case")[1] - layout.fit.reserve


def lines_fitting(layout: Layout, step: int) -> int:
    """The most body lines that fit a page at `step`."""
    leading = fitted_layout(layout, fit_steps(layout)[step]).style("case-body").leading
    return math.floor(capacity(layout) / leading)


@pytest.fixture
def casebook(layout_of) -> Layout:
    layout = layout_of("casebook")
    assert len(layout.fit.steps) == 3  # the ladder these tests are written against
    return layout


def spreads(doc: m.Document) -> list[m.CaseSpread]:
    return [b for b in blocks_of(doc) if isinstance(b, m.CaseSpread)]


def test_case_that_fits_keeps_the_normal_size_and_says_nothing(casebook):
    measurer = LinesMeasurer({1: 30, 2: 30, 3: 30, 4: 30})
    diagnostics = Diagnostics()
    out = fit_cases(document((spread(),)), casebook, measurer, diagnostics, strict=False)
    (fitted,) = spreads(out)
    assert fitted.fit == m.Fit(0, 9.5, 15.0, ())
    assert not diagnostics
    assert len(measurer.calls) == 4


def test_first_step_at_which_all_four_pages_fit_wins(casebook):
    lines = lines_fitting(casebook, 1)
    assert lines > lines_fitting(casebook, 0)  # too long at the normal size
    measurer = LinesMeasurer({1: 10, 2: 10, 3: lines, 4: 10})
    fit = decide(spread(), casebook, measurer)
    assert fit == m.Fit(1, 9.25, 14.5, ())
    # every page measured at step 0, then every page at step 1 — the same step for all four
    assert measurer.calls == [("sakura", p, 9.5) for p in (1, 2, 3, 4)] + [
        ("sakura", p, 9.25) for p in (1, 2, 3, 4)
    ]


def test_the_page_that_needs_most_decides_the_step_for_all(casebook):
    measurer = LinesMeasurer(
        {1: lines_fitting(casebook, 1), 2: 10, 3: lines_fitting(casebook, 2), 4: 10}
    )
    fit = decide(spread(), casebook, measurer)
    assert fit.step == 2 and fit.overflow == ()
    assert fit.body_size == 9.0 and fit.leading == 14.0
    assert layout_for(casebook, fit).style("case-body").leading == 14.0
    assert layout_for(casebook, fit).style("case-lead").size == 9.0


def test_fitted_layout_scales_every_fit_style_in_proportion(casebook):
    fitted = fitted_layout(casebook, casebook.fit.steps[1])
    for name in casebook.fit.styles:
        before, after = casebook.style(name), fitted.style(name)
        assert after.size == pytest.approx(9.0 * before.size / 9.5, abs=0.01)
        assert after.size < before.size
    assert fitted.style("body") == casebook.style("body")  # only the case styles change


def test_fitted_case_reports_i402_with_the_size_used(casebook):
    measurer = LinesMeasurer({1: 10, 2: lines_fitting(casebook, 1), 3: 10, 4: 10})
    diagnostics = Diagnostics()
    fit_cases(document((spread(),)), casebook, measurer, diagnostics, strict=False)
    (d,) = list(diagnostics)
    assert d.code == "I402"
    assert d.loc == CASE_LOC
    assert "sakura" in d.message and "9.25pt" in d.message and "14.5pt" in d.message


def test_overflow_is_recorded_per_page_in_points_at_the_last_step(casebook):
    last = fitted_layout(casebook, casebook.fit.steps[-1]).style("case-body").leading
    measurer = LinesMeasurer({1: 10, 2: 60, 3: 10, 4: 55})
    fit = decide(spread(), casebook, measurer)
    assert fit.step == len(casebook.fit.steps)
    assert fit.body_size == 9.0 and fit.leading == 13.5
    assert [p for p, _ in fit.overflow] == [2, 4]
    assert fit.overflow[0][1] == pytest.approx(60 * last - capacity(casebook), abs=0.1)
    assert fit.overflow[1][1] == pytest.approx(55 * last - capacity(casebook), abs=0.1)


def test_overflow_is_w401_per_page_naming_page_sections_and_characters(casebook):
    measurer = LinesMeasurer({1: 10, 2: 60, 3: 10, 4: 55})
    diagnostics = Diagnostics()
    fit_cases(document((spread(),)), casebook, measurer, diagnostics, strict=False)
    found = diagnostics.sorted()
    assert [d.code for d in found] == ["W401", "W401"]
    page2 = next(d for d in found if "2ページ目" in d.message)
    page4 = next(d for d in found if "4ページ目" in d.message)
    assert "取組の経緯" in page2.message
    assert "取組の特徴・コメント" in page4.message
    excess = 60 * 13.5 - capacity(casebook)
    lines = math.ceil(excess / 13.5)
    chars = lines * int(casebook.frame_size("case")[0] / 9.0)
    assert f"{excess:.0f}pt" in page2.message
    assert f"約{lines}行" in page2.message and f"約{chars}字" in page2.message
    assert f"約{chars}字" in page2.hint
    assert all(d.loc == CASE_LOC for d in found)
    assert not diagnostics.has_errors


def test_overflow_is_e401_when_strict(casebook):
    diagnostics = Diagnostics()
    fit_cases(
        document((spread(),)),
        casebook,
        LinesMeasurer({1: 70, 2: 10, 3: 10, 4: 10}),
        diagnostics,
        strict=True,
    )
    (d,) = list(diagnostics)
    assert d.code == "E401" and "1ページ目" in d.message and "事業の概要" in d.message


def test_every_case_gets_its_own_decision(casebook):
    class PerCase(LinesMeasurer):
        def height(self, page: m.CasePage, layout: Layout) -> float:
            self.lines = (
                {1: 10, 2: 10, 3: 10, 4: 10}
                if page.case_id == "kaede"
                else {1: 70, 2: 10, 3: 10, 4: 10}
            )
            return super().height(page, layout)

    doc = document((spread("sakura"),), (spread("kaede"),))
    out = fit_cases(doc, casebook, PerCase({}), Diagnostics(), strict=False)
    fits = {s.case_id: s.fit for s in spreads(out)}
    assert fits["kaede"].step == 0 and fits["kaede"].overflow == ()
    assert fits["sakura"].overflow and fits["sakura"].overflow[0][0] == 1


def test_the_same_case_twice_is_measured_once(casebook):
    measurer = LinesMeasurer({1: 10, 2: 10, 3: 10, 4: 10})
    doc = document((spread(),), (spread(),))  # e.g. the summary shows a case the report also has
    out = fit_cases(doc, casebook, measurer, Diagnostics(), strict=False)
    assert len(measurer.calls) == 4
    assert len(spreads(out)) == 2


# ---------------------------------------------------------------- the fit cache


def test_fit_cache_remembers_decisions_between_runs(casebook, tmp_path: Path):
    lines = {1: 10, 2: lines_fitting(casebook, 2), 3: 10, 4: 10}
    first = LinesMeasurer(lines)
    store = FitCache(tmp_path, "layout-a")
    doc = document((spread("sakura"),), (spread("kaede", "別の本文"),))
    out1 = fit_cases(doc, casebook, first, Diagnostics(), strict=False, store=store)
    store.save()
    assert len(first.calls) == 2 * 4 * 3  # two cases, four pages, steps 0..2
    assert (tmp_path / ".kumihan-cache" / "fit.json").is_file()

    again = LinesMeasurer(lines)
    diagnostics = Diagnostics()
    out2 = fit_cases(
        doc, casebook, again, diagnostics, strict=False, store=FitCache(tmp_path, "layout-a")
    )
    assert again.calls == []
    assert [s.fit for s in spreads(out2)] == [s.fit for s in spreads(out1)]
    # a remembered decision is still reported
    assert sorted(d.code for d in diagnostics) == ["I402", "I402"]


def test_fit_cache_measures_only_the_changed_case(casebook, tmp_path: Path):
    lines = {1: 10, 2: 10, 3: 10, 4: 10}
    store = FitCache(tmp_path, "layout-a")
    fit_cases(
        document((spread("sakura"),), (spread("kaede"),)),
        casebook,
        LinesMeasurer(lines),
        Diagnostics(),
        strict=False,
        store=store,
    )
    store.save()

    measurer = LinesMeasurer(lines)
    changed = document((spread("sakura", "書き直した本文"),), (spread("kaede"),))
    fit_cases(
        changed,
        casebook,
        measurer,
        Diagnostics(),
        strict=False,
        store=FitCache(tmp_path, "layout-a"),
    )
    assert {case for case, _, _ in measurer.calls} == {"sakura"}
    assert len(measurer.calls) == 4


def test_fit_cache_is_invalidated_by_a_layout_change(casebook, tmp_path: Path):
    lines = {1: 10, 2: 10, 3: 10, 4: 10}
    store = FitCache(tmp_path, "layout-a")
    fit_cases(
        document((spread(),)),
        casebook,
        LinesMeasurer(lines),
        Diagnostics(),
        strict=False,
        store=store,
    )
    store.save()
    measurer = LinesMeasurer(lines)
    fit_cases(
        document((spread(),)),
        casebook,
        measurer,
        Diagnostics(),
        strict=False,
        store=FitCache(tmp_path, "layout-b"),
    )
    assert len(measurer.calls) == 4


def test_fit_cache_ignores_a_damaged_file(casebook, tmp_path: Path):
    path = tmp_path / ".kumihan-cache" / "fit.json"
    path.parent.mkdir()
    path.write_text("{not json", encoding="utf-8")
    measurer = LinesMeasurer({1: 10, 2: 10, 3: 10, 4: 10})
    store = FitCache(tmp_path, "layout-a")
    fit_cases(document((spread(),)), casebook, measurer, Diagnostics(), strict=False, store=store)
    store.save()
    assert len(measurer.calls) == 4
    assert FitCache(tmp_path, "layout-a").get(spread()) == m.Fit(0, 9.5, 15.0, ())


def test_fit_cache_round_trips_overflow(casebook, tmp_path: Path):
    store = FitCache(tmp_path, "k")
    fit = m.Fit(3, 9.0, 13.5, ((2, 111.8), (4, 44.3)))
    store.put(spread(), fit)
    store.save()
    assert FitCache(tmp_path, "k").get(spread()) == fit
