"""Page fingerprints: the same drawing hashes the same in any PDF; `compare_pdfs` renders
only the pages whose fingerprints differ."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from kumihan.verify import pages as pg
from kumihan.verify.fingerprint import page_fingerprints

from .conftest import COLOURS, Page, pdf

PAGES = [Page(COLOURS[0], "one"), Page(COLOURS[1], "two"), Page(COLOURS[2], "three")]


def test_the_same_page_hashes_the_same_under_other_object_numbers(tmp_path: Path) -> None:
    alone = page_fingerprints(pdf(tmp_path / "a.pdf", PAGES))
    # a page in front: every object of the three pages gets another number
    shifted = page_fingerprints(pdf(tmp_path / "b.pdf", [Page(COLOURS[3], "zero"), *PAGES]))

    assert None not in alone
    assert shifted[1:] == alone
    assert len(set(alone)) == 3


def test_a_changed_drawing_or_box_changes_the_fingerprint(tmp_path: Path) -> None:
    before = page_fingerprints(pdf(tmp_path / "a.pdf", PAGES))
    text = page_fingerprints(pdf(tmp_path / "b.pdf", [PAGES[0], Page(COLOURS[1], "TWO"), PAGES[2]]))
    dot = page_fingerprints(
        pdf(tmp_path / "c.pdf", [*PAGES[:2], Page(COLOURS[2], "three", (9, 9))])
    )
    trimmed = page_fingerprints(pdf(tmp_path / "d.pdf", PAGES, bleed=True))

    assert [a == b for a, b in zip(before, text, strict=True)] == [True, False, True]
    assert [a == b for a, b in zip(before, dot, strict=True)] == [True, True, False]
    assert all(a != b for a, b in zip(before, trimmed, strict=True))


def test_a_picture_is_hashed_by_its_bytes(tmp_path: Path) -> None:
    base = pdf(tmp_path / "a.pdf", PAGES[:1])
    prints = []
    for n, level in enumerate((0, 255)):
        with pikepdf.open(base) as doc:
            page = doc.pages[0]
            image = pikepdf.Stream(doc, bytes([level]) * 4)
            image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
            image.Width, image.Height, image.BitsPerComponent = 2, 2, 8
            image.ColorSpace = pikepdf.Name.DeviceGray
            page.add_resource(image, pikepdf.Name.XObject, pikepdf.Name.Im0)
            page.contents_add(pikepdf.Stream(doc, b"q 20 0 0 20 10 10 cm /Im0 Do Q"))
            doc.save(tmp_path / f"picture{n}.pdf")
        prints.append(page_fingerprints(tmp_path / f"picture{n}.pdf")[0])

    assert prints[0] != prints[1]


def test_compare_renders_only_pages_whose_fingerprints_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = pdf(tmp_path / "a.pdf", PAGES)
    after = pdf(tmp_path / "b.pdf", [PAGES[0], Page(COLOURS[1], "TWO"), PAGES[2]])
    asked: list[list[int]] = []
    render = pg.render_pages

    def recording(path: Path, **options: object) -> object:
        asked.append(list(options["pages"]))  # type: ignore[call-overload]
        return render(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pg, "render_pages", recording)

    result = pg.compare_pdfs(before, after)

    assert [c.index for c in result.changed] == [1]
    assert asked == [[1], [1]]


def test_a_page_without_a_fingerprint_is_rendered(tmp_path: Path) -> None:
    """A form that draws itself (a reference cycle) gets no fingerprint; the comparison
    still renders the page (pdfium draws the cycle once) and finds it unchanged."""
    paths = []
    for name, size in (("a", 10), ("b", 11)):  # files that differ, pages that look alike
        path = pdf(tmp_path / f"{name}.pdf", PAGES[:1])
        with pikepdf.open(path, allow_overwriting_input=True) as doc:
            form = pikepdf.Stream(doc, b"")
            form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
            form.BBox = [0, 0, size, size]
            form = doc.make_indirect(form)
            form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Me=form))
            doc.pages[0].add_resource(form, pikepdf.Name.XObject, pikepdf.Name.Fm0)
            doc.save(path)
        paths.append(path)

    assert page_fingerprints(paths[0]) == [None]
    result = pg.compare_pdfs(paths[0], paths[1])
    assert result.changed == [] and not result.identical_files


def test_what_the_catalog_says_of_every_pages_look_is_in_each_fingerprint(
    tmp_path: Path,
) -> None:
    """Hidden optional content is set in the catalog, not on the page: the same page
    objects with another /OCProperties may look different, so they hash differently."""
    paths = []
    for name, hidden in (("shown", False), ("hidden", True)):
        path = pdf(tmp_path / f"{name}.pdf", PAGES[:2])
        with pikepdf.open(path, allow_overwriting_input=True) as doc:
            layer = doc.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String("注記"))
            )
            doc.Root.OCProperties = pikepdf.Dictionary(
                OCGs=[layer],
                D=pikepdf.Dictionary(OFF=[layer] if hidden else []),
            )
            doc.save(path)
        paths.append(path)

    shown, hidden = (page_fingerprints(p) for p in paths)
    assert None not in shown and None not in hidden
    assert all(a != b for a, b in zip(shown, hidden, strict=True))


def _annotated(path: Path, annotations: list[pikepdf.Dictionary]) -> Path:
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        doc.pages[0].obj.Annots = doc.make_indirect(pikepdf.Array(annotations))
        doc.save(path)
    return path


def test_an_annotation_drawn_from_its_own_entries_is_in_the_fingerprint(tmp_path: Path) -> None:
    """Without /AP a viewer draws a square from /Rect, /C and /IC: another fill colour
    looks different, so it hashes differently."""
    prints = []
    for name, fill in (("red", [1, 0, 0]), ("blue", [0, 0, 1])):
        square = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Square,
            Rect=[20, 20, 120, 120],
            C=[0, 0, 0],
            IC=fill,
        )
        prints.append(
            page_fingerprints(_annotated(pdf(tmp_path / f"{name}.pdf", PAGES[:1]), [square]))[0]
        )
    assert None not in prints and prints[0] != prints[1]


def test_where_a_link_leads_is_not(tmp_path: Path) -> None:
    """A link to another page would pull that page (and its links) into the digest."""
    prints = []
    for name, target in (("first", 0), ("second", 1)):
        path = pdf(tmp_path / f"{name}.pdf", PAGES[:2])
        with pikepdf.open(path, allow_overwriting_input=True) as doc:
            link = pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[20, 20, 120, 40],
                Border=[0, 0, 0],
                Dest=[doc.pages[target].obj, pikepdf.Name.Fit],
            )
            for page in doc.pages:
                page.obj.Annots = pikepdf.Array([doc.make_indirect(link)])
            doc.save(path)
        prints.append(page_fingerprints(path))
    assert None not in prints[0] and prints[0] == prints[1]


def test_a_file_pikepdf_cannot_read_is_compared_page_by_page(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a PDF at all")
    assert pg._fingerprints(broken, 3) == [None, None, None]
