"""Fixtures for the composer tests: the BIZ UD font book, registered with reportlab."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kumihan.typeset.bench import default_font_book
from kumihan.typeset.fonts import FontBook


@pytest.fixture(scope="session")
def fonts() -> FontBook:
    book = default_font_book()
    for key, spec in book.specs.items():
        try:
            pdfmetrics.getFont(key)
        except KeyError:
            pdfmetrics.registerFont(TTFont(key, str(spec.path)))
    return book
