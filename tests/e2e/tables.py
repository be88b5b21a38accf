"""Tables as they come out: from a PDF (ruled tables, read with pdfplumber) and from a DOCX,
as rows of cell texts, for comparing with the seed's tables cell by cell."""

from __future__ import annotations

from pathlib import Path

from .seed import SeedTable, cell_form


def pdf_tables(path: Path) -> list[list[list[str]]]:
    """Every ruled table of the PDF (inside the TrimBox), as rows of cell texts. A table
    that continues on the next page with a repeated header row is joined to its start."""
    import pdfplumber

    found: list[tuple[int, list[list[str]]]] = []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            trim = getattr(page, "trimbox", None)
            area = page.crop(trim) if trim else page
            for table in area.extract_tables():
                rows = [[cell or "" for cell in row] for row in table]
                if rows:
                    found.append((index, rows))
    joined: list[list[list[str]]] = []
    last_page = -2
    for index, rows in found:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and index == last_page + 1
            and len(rows[0]) == len(previous[0])
            and [cell_form(c) for c in rows[0]] == [cell_form(c) for c in previous[0]]
        ):
            previous.extend(rows[1:])
        else:
            joined.append(rows)
        last_page = index
    return joined


def matching(seed: SeedTable, tables: list[list[list[str]]]) -> list[list[str]] | None:
    """The output table whose first row is the seed table's first row (comparison form)."""
    head = [cell_form(c) for c in seed.rows[0]]
    for rows in tables:
        if len(rows[0]) == len(head) and [cell_form(c) for c in rows[0]] == head:
            return rows
    return None


def differences(seed: SeedTable, rows: list[list[str]]) -> list[str]:
    """Cell-by-cell differences between the seed table and an output table."""
    problems = []
    if len(rows) != len(seed.rows):
        problems.append(f"{len(rows)} rows, the seed has {len(seed.rows)}")
    for r, (want_row, got_row) in enumerate(zip(seed.rows, rows, strict=False)):
        if len(got_row) != len(want_row):
            problems.append(f"row {r + 1}: {len(got_row)} columns, the seed has {len(want_row)}")
            continue
        for c, (want, got) in enumerate(zip(want_row, got_row, strict=True)):
            if cell_form(want) != cell_form(got):
                problems.append(
                    f"row {r + 1} column {c + 1}: {cell_form(got)!r}, the seed has {cell_form(want)!r}"
                    f" (seed line {seed.line + r})"
                )
    return problems
