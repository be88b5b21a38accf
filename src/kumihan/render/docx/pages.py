"""Page numbers for a DOCX written before the PDF has been paginated.

The DOCX shows printed page numbers in two places only: the pre-filled contents
and the results of PAGEREF fields. Both come from the print PDF's `PageRecord`,
which exists only once that PDF is drawn. So that the DOCX can be written at the
same time as the PDF (in another process), `DeferredPages` hands the writer a
token for each page number it asks for; once the record arrives, `fill` puts the
real numbers in their place. The document comes out exactly as if the writer had
been given the record: a number that turns out to be empty (an unnumbered page)
removes its run, as the writer would not have written one.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

from docx.document import Document as WordDocument
from docx.oxml.ns import qn

from kumihan.render.pdf.context import PageRecord

# A token is a random mark and a number between two private-use characters, alone in
# its w:t (a page number is written as a run of its own): no content text can be one.
_OPEN, _CLOSE = "\ue000", "\ue001"


class PageNumbers(Protocol):
    """Where the DOCX writer gets printed page numbers from."""

    def page_text(self, anchor: str, missing: str = "") -> str:
        """The printed page number of `anchor`, or `missing` when it has none."""
        ...


class DeferredPages:
    """Tokens now (`page_text`), the record's page numbers later (`fill`)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []  # (anchor, missing) by token number
        self.mark = f"{_OPEN}{secrets.token_hex(4)}:"

    def page_text(self, anchor: str, missing: str = "") -> str:
        self.asked.append((anchor, missing))
        return f"{self.mark}{len(self.asked) - 1}{_CLOSE}"

    @classmethod
    def resumed(cls, mark: str, asked: list[tuple[str, str]]) -> DeferredPages:
        """The tokens another `DeferredPages` gave (its `mark` and `asked`), to fill those
        it left in XML kept from an earlier build (`kumihan.render.docx.fragments`)."""
        pages = cls()
        pages.mark, pages.asked = mark, list(asked)
        return pages

    def fill(self, word: WordDocument, record: PageRecord) -> None:
        """Replace every token in the document's body with the page number it stands for."""
        self.fill_element(word.element.body, record)

    def fill_element(self, element: Any, pages: PageNumbers) -> None:
        """Replace the tokens within `element` with what `pages` gives for them (a page
        number, or another writer's token)."""
        if not self.asked:
            return
        text_tag = qn("w:t")
        for text in list(element.iter(text_tag)):
            value = text.text
            if not value or not value.startswith(self.mark) or not value.endswith(_CLOSE):
                continue
            anchor, missing = self.asked[int(value[len(self.mark) : -1])]
            page = pages.page_text(anchor, missing)
            if page:
                text.text = page
                if page.strip() != page:  # as python-docx writes a run's text
                    text.set(qn("xml:space"), "preserve")
            else:  # a field with no result: the writer makes no run for it
                run = text.getparent()
                run.getparent().remove(run)
