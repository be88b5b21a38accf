"""Charts rasterised for Word are kept in the picture store: the same PNG, drawn once."""

from __future__ import annotations

from pathlib import Path

import pytest

from kumihan import model as m
from kumihan.cache import BlobStore
from kumihan.render.pdf import charts, images, make_context

REPO = Path(__file__).resolve().parents[2]

CHART = m.Chart(
    kind="hbar",
    categories=("架空の選択肢A", "架空の選択肢B"),
    series=(m.Series("回答", (12.0, 30.0)),),
    n=42,
)


def test_a_chart_is_rasterised_once_per_content(
    layout_of, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = make_context(layout_of("report"), REPO, "screen")
    fresh = charts.chart_png(CHART, 300.0, ctx)  # no store: drawn
    drawn: list[m.Chart] = []
    real = charts._rasterised

    def spy(chart: m.Chart, *args: object) -> tuple[bytes, float, float]:
        drawn.append(chart)
        return real(chart, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "_rasterised", spy)
    images.use_store(BlobStore(tmp_path, "images"))
    try:
        first = charts.chart_png(CHART, 300.0, ctx)
        again = charts.chart_png(CHART, 300.0, ctx)
        other = m.Chart(
            kind="hbar", categories=CHART.categories, series=(m.Series("回答", (12.0, 31.0)),)
        )
        changed = charts.chart_png(other, 300.0, ctx)
    finally:
        images.use_store(None)
    assert first == again == fresh
    assert changed[0] != first[0]
    assert drawn == [CHART, other]  # the repeat came from the store
