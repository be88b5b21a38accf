"""Preflight's page memo: pages replayed from a memo report exactly what walking them does.

A memo is an `InkMemo` (its `pages`), installed with `use_ink_memo`. Every check is
compared as `format()` and `to_json()` of the whole report: without a memo, with a cold
memo, and with the memo saved and read back (warm). The rule tests of test_preflight.py
are run again here with their `preflight` replaced by that comparison.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import test_preflight as base
from pikepdf import Array, Dictionary, Name
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kumihan.verify import preflight as pf
from kumihan.verify.preflight import InkMemo, PageMemo, PreflightReport, preflight, use_ink_memo

MakePdf = Callable[..., Path]
good = base.good  # the fixture, for the rule tests that take it


@contextmanager
def installed(memo: InkMemo | None) -> Iterator[InkMemo | None]:
    use_ink_memo(memo)
    try:
        yield memo
    finally:
        use_ink_memo(None)


def run(path: Path, memo: InkMemo | None, **options: Any) -> PreflightReport:
    with installed(memo):
        return preflight(path, **options)


def same(a: PreflightReport, b: PreflightReport) -> bool:
    return a.format() == b.format() and a.to_json() == b.to_json()


def cold_and_warm(
    path: Path, folder: Path, **options: Any
) -> tuple[PreflightReport, InkMemo, InkMemo]:
    """The report of a warm run, after asserting that no memo, a cold memo and the warm
    memo (saved and read back) give the same report; and the two memos."""
    plain = run(path, None, **options)
    cold_memo = InkMemo(folder / "ink.json")
    cold = run(path, cold_memo, **options)
    cold_memo.save()
    warm_memo = InkMemo(folder / "ink.json")
    warm = run(path, warm_memo, **options)
    assert same(plain, cold), f"{plain.format()}\n---\n{cold.format()}"
    assert same(plain, warm), f"{plain.format()}\n---\n{warm.format()}"
    return warm, cold_memo, warm_memo


def rgb_on_page_2(c: Canvas, page: int) -> None:
    if page == 2:
        c.setFillColorRGB(1, 0, 0)
        c.rect(100, 100, 50, 50, stroke=0, fill=1)


# ---------------------------------------------------------------------------
# The rule tests, replayed


def _cases(name: str, test: Callable[..., None]) -> Iterator[Any]:
    """One pytest.param per case of a rule test: its name and its parametrized arguments."""
    marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
    if not marks:
        yield pytest.param(name, {}, id=name)
        return
    (mark,) = marks
    names = [n.strip() for n in mark.args[0].split(",")]
    for i, values in enumerate(mark.args[1]):
        row = values if len(names) > 1 else (values,)
        yield pytest.param(name, dict(zip(names, row, strict=True)), id=f"{name}[{i}]")


_RULE_CASES = [
    case
    for name, test in sorted(vars(base).items())
    if name.startswith("test_") and "preflight(" in inspect.getsource(test)
    for case in _cases(name, test)
]


@pytest.mark.parametrize("name, arguments", _RULE_CASES)
def test_rule_tests_pass_with_a_warm_memo(
    name: str,
    arguments: dict[str, Any],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Each rule test, its preflight answered by a warm memo (checked against a full walk)."""
    calls: list[InkMemo] = []

    def checked(path: Path, **options: Any) -> PreflightReport:
        if pf._INK_MEMO is not None:  # the test is about memos itself: leave it alone
            return preflight(path, **options)
        warm, _, memo = cold_and_warm(path, tmp_path / f"memo-{len(calls)}", **options)
        calls.append(memo)
        return warm

    monkeypatch.setattr(base, "preflight", checked)
    test = getattr(base, name)
    fixtures = [p for p in inspect.signature(test).parameters if p not in arguments]
    test(**arguments, **{p: request.getfixturevalue(p) for p in fixtures})
    # every page the cold run walked, the warm run replayed
    assert all(memo.pages.misses == 0 for memo in calls)


# ---------------------------------------------------------------------------
# Keys: by content, not by page number or object number


def test_a_memo_from_another_pdf_reports_this_pdfs_failure_on_its_page(
    make_pdf: MakePdf, tmp_path: Path
) -> None:
    clean = make_pdf("a.pdf", pages=3)
    broken = make_pdf("b.pdf", pages=3, draw=rgb_on_page_2, enforce_cmyk=False)
    memo = InkMemo(tmp_path / "ink.json")
    assert run(clean, memo).passed
    memo.save()

    again = InkMemo(tmp_path / "ink.json")
    report = run(broken, again)
    assert again.pages.hits == 2 and again.pages.misses == 1  # pages 1 and 3 replayed
    assert same(report, run(broken, None))
    assert [f.pages for f in report.failures("colour")] == [(2,)], report.format()
    assert [f.check for f in report.failures()] == ["colour"]


def test_moved_pages_report_their_new_numbers(make_pdf: MakePdf, tmp_path: Path) -> None:
    first = make_pdf("first.pdf", pages=3, draw=rgb_on_page_2, enforce_cmyk=False)
    memo = InkMemo(tmp_path / "ink.json")
    assert run(first, memo).failures("colour")[0].pages == (2,)
    memo.save()

    # the same pages in another order, copied into a new file: new object numbers too
    moved = tmp_path / "moved.pdf"
    with pikepdf.open(first) as source, pikepdf.new() as target:
        for index in (1, 2, 0):
            target.pages.append(source.pages[index])
        target.save(moved)
        numbers = {p.obj.objgen for p in source.pages}
    with pikepdf.open(moved) as check:
        assert {p.obj.objgen for p in check.pages} != numbers

    again = InkMemo(tmp_path / "ink.json")
    report = run(moved, again)
    assert again.pages.hits == 3 and again.pages.misses == 0
    assert same(report, run(moved, None))
    assert report.failures("colour")[0].pages == (1,), report.format()


def _facts(path: Path, memo: InkMemo | None) -> tuple[Any, ...]:
    """Everything the walk found, with fonts as object numbers (comparable across runs)."""
    with installed(memo), pikepdf.open(path) as pdf:
        issues = pf._Issues()
        facts = pf._walk(pdf, issues, measure_ink=True)
        found = [list(issues.of(check)) for check in sorted(issues.checks())]
    return (
        found,
        [(k, f.objgen, sorted(u), sorted(li)) for k, (f, u, li) in facts.fonts.items()],
        [(k, {p: sorted(s) for p, s in by.items()}) for k, by in facts.text.items()],
        [(p.page, p.key, p.label, p.ppi, p.line_art) for p in facts.images],
        (facts.image_count, facts.max_ink, facts.thinnest_rule, sorted(facts.colour_spaces)),
        {k: sorted(v) for k, v in facts.streams.items()},
    )


def test_which_fonts_are_one_object_is_part_of_the_key(tmp_path: Path) -> None:
    """Fonts are keyed by identity, not value: a page listing one font under two names
    and a page listing two fonts must not share a record."""

    def font(pdf: pikepdf.Pdf, name: str) -> pikepdf.Object:
        return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=name))

    text = b"BT /F1 12 Tf 10 10 Td (a) Tj /F2 12 Tf (b) Tj ET"

    def one(pdf: pikepdf.Pdf) -> list[tuple[bytes, Dictionary]]:
        helvetica = font(pdf, "/Helvetica")
        return [(text, Dictionary(Font=Dictionary(F1=helvetica, F2=helvetica)))]

    def two(pdf: pikepdf.Pdf) -> list[tuple[bytes, Dictionary]]:
        fonts = Dictionary(F1=font(pdf, "/Helvetica"), F2=font(pdf, "/Times-Roman"))
        return [(text, Dictionary(Font=fonts))]

    memo = InkMemo(tmp_path / "ink.json")
    run(tiny_pdf(tmp_path / "one.pdf", one), memo)
    later = tiny_pdf(tmp_path / "two.pdf", two)
    report = run(later, memo)
    assert same(report, run(later, None))
    assert "Helvetica, Times-Roman" in report.failures("fonts")[0].message, report.format()


def test_replayed_facts_equal_walked_facts(make_pdf: MakePdf, kit: Any, tmp_path: Path) -> None:
    """Fonts, strings, images, streams: the same keys, pages and order as a walk."""

    def draw(c: Canvas, page: int) -> None:
        if page == 1:  # a form drawn on every page from page 1 on
            c.beginForm("mark")
            c.setFillColorCMYK(0, 0, 0, 1)
            c.setFont(kit.FONT, 7)
            c.drawString(0, 0, "共通の印")
            c.endForm()
        c.doForm("mark")
        c.setFont("Helvetica", 9)  # not embedded: a font fact with a FAIL
        c.drawString(60, 60 + page, f"page {page}")
        if page == 3:
            ink = Image.new("CMYK", (32, 32), (90, 90, 90, 90))
            c.drawImage(ImageReader(ink), 200, 200, 20, 20)

    path = make_pdf("facts.pdf", pages=4, draw=draw)
    memo = InkMemo(tmp_path / "ink.json")
    walked = _facts(path, None)
    assert _facts(path, memo) == walked
    memo.save()
    again = InkMemo(tmp_path / "ink.json")
    assert _facts(path, again) == walked
    assert again.pages.hits == 4
    assert walked[1] and walked[2] and walked[3] and walked[5]  # there was something to compare


# ---------------------------------------------------------------------------
# State that crosses pages: pages depending on it are walked, not replayed


def tiny_pdf(path: Path, pages: Callable[[pikepdf.Pdf], list[tuple[bytes, Dictionary]]]) -> Path:
    """A bare PDF: one page per (content, resources) that `pages` makes in it."""
    with pikepdf.new() as pdf:
        for content, resources in pages(pdf):
            page = pdf.add_blank_page(page_size=(200, 200))
            page.obj.Resources = resources
            page.obj.Contents = pdf.make_stream(content)
            page.obj.TrimBox = page.obj.BleedBox = Array([0, 0, 200, 200])
        pdf.save(path)
    return path


def test_an_unreadable_form_is_reported_on_the_first_page_drawing_it(tmp_path: Path) -> None:
    def broken_form(pdf: pikepdf.Pdf) -> pikepdf.Stream:
        form = pdf.make_stream(b"not deflated at all")
        form.Filter = Name.FlateDecode
        form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 10, 10])
        return form

    def both(pdf: pikepdf.Pdf) -> list[tuple[bytes, Dictionary]]:
        form = broken_form(pdf)
        return [(b"/Fx Do", Dictionary(XObject=Dictionary(Fx=form)))] * 2

    def second_only(pdf: pikepdf.Pdf) -> list[tuple[bytes, Dictionary]]:
        form = broken_form(pdf)
        return [
            (b"0 0 0 1 k 0 0 5 5 re f", Dictionary()),
            (b"/Fx Do", Dictionary(XObject=Dictionary(Fx=form))),
        ]

    memo = InkMemo(tmp_path / "ink.json")
    first = run(tiny_pdf(tmp_path / "a.pdf", both), memo)
    assert [f.pages for f in first.failures("structure")] == [(1,)]
    later = tiny_pdf(tmp_path / "b.pdf", second_only)
    report = run(later, memo)
    assert same(report, run(later, None))
    assert [f.pages for f in report.failures("structure")] == [(2,)], report.format()


def test_a_colour_space_resolved_through_another_pages_resources(tmp_path: Path) -> None:
    """An Indexed space naming its base: the walk resolves it with the resources of the
    first page using it, and later pages reuse that; a page doing so is never replayed."""

    def indexed(pdf: pikepdf.Pdf) -> pikepdf.Object:
        return pdf.make_indirect(Array([Name.Indexed, Name("/Base"), 0, b"\0\0\0\xff"]))

    def uses(space: pikepdf.Object, base_space: Name) -> tuple[bytes, Dictionary]:
        spaces = Dictionary(Ix=space, Base=base_space)
        return (b"/Ix cs 0 sc 0 0 10 10 re f", Dictionary(ColorSpace=spaces))

    def both(pdf: pikepdf.Pdf) -> list[tuple[bytes, Dictionary]]:
        space = indexed(pdf)
        return [uses(space, Name.DeviceCMYK), uses(space, Name.DeviceRGB)]

    def second_only(pdf: pikepdf.Pdf) -> list[tuple[bytes, Dictionary]]:
        return [(b"0 0 0 1 k 0 0 5 5 re f", Dictionary()), uses(indexed(pdf), Name.DeviceRGB)]

    memo = InkMemo(tmp_path / "ink.json")
    first = run(tiny_pdf(tmp_path / "a.pdf", both), memo)
    assert not first.failures("colour")  # page 2 took page 1's CMYK base
    later = tiny_pdf(tmp_path / "b.pdf", second_only)
    report = run(later, memo)
    assert same(report, run(later, None))
    assert [f.pages for f in report.failures("colour")] == [(2,)], report.format()


def test_a_changed_image_ink_walks_the_page_again(make_pdf: MakePdf, tmp_path: Path) -> None:
    def image(c: Canvas, page: int) -> None:
        if page == 2:
            c.drawImage(ImageReader(Image.new("CMYK", (8, 8), (60, 60, 60, 60))), 50, 50, 9, 9)

    path = make_pdf("ink.pdf", draw=image)
    memo = InkMemo(tmp_path / "ink.json")
    assert not run(path, memo).failures("ink")
    mine = [k for k, ink in memo.inks.items() if ink == pytest.approx(240 / 255)]
    memo.inks[mine[0]] = 4.0  # as if measured so: page 2's record no longer holds
    memo.pages.hits = memo.pages.misses = 0
    report = run(path, memo)
    assert (memo.pages.hits, memo.pages.misses) == (1, 1)
    assert report.failures("ink")[0].pages == (2,)


# ---------------------------------------------------------------------------
# The file


def test_a_damaged_or_foreign_file_is_ignored_and_rewritten(
    make_pdf: MakePdf, tmp_path: Path
) -> None:
    path = make_pdf("doc.pdf", pages=3, draw=rgb_on_page_2, enforce_cmyk=False)
    plain = run(path, None)
    memo = InkMemo(tmp_path / "ink.json")
    run(path, memo)
    memo.save()
    file = tmp_path / "ink-pages.txt"
    header, *lines = file.read_text("ascii").splitlines()
    assert len(lines) == 3
    keys = [line.split(" ")[0] for line in lines]

    damaged = {
        "binary": b"\x89PNG\r\n\x1a\n\xff\xfe",
        "other salt": f"kumihan-preflight-pages 1 {'0' * 32}\n{lines[0]}\n".encode(),
        "truncated": f"{header}\n{lines[0][:40]}".encode(),
        "bad json": "".join(f"{header}\n" + "".join(f"{k} 1 {{oops\n" for k in keys)).encode(),
        "wrong shape": (f"{header}\n" + "".join(f'{k} 1 {{"i":5}}\n' for k in keys)).encode(),
    }
    for what, data in damaged.items():
        file.write_bytes(data)
        memo = InkMemo(tmp_path / "ink.json")
        assert same(run(path, memo), plain), what
        assert memo.pages.hits == 0, what
        memo.save()
        assert file.read_text("ascii").splitlines()[0] == header, what
        again = InkMemo(tmp_path / "ink.json")
        assert same(run(path, again), plain) and again.pages.hits == 3, what


def test_a_new_toolkit_invalidates_the_file(
    make_pdf: MakePdf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_pdf("doc.pdf")
    memo = InkMemo(tmp_path / "ink.json")
    run(path, memo)
    memo.save()

    import kumihan.cache

    monkeypatch.setattr(kumihan.cache, "toolkit_digest", lambda: "another preflight.py")
    pf._page_salt.cache_clear()
    try:
        again = InkMemo(tmp_path / "ink.json")
        run(path, again)
        assert (again.pages.hits, again.pages.misses) == (0, 2)
    finally:
        monkeypatch.undo()
        pf._page_salt.cache_clear()


def _record(n: int) -> dict[str, Any]:
    return {"n": n}


def test_the_file_keeps_the_most_recently_used_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "pages.txt"
    keys = [f"{i:064x}" for i in range(6)]
    monkeypatch.setattr(time, "time", lambda: 1000.0)
    old = PageMemo(file, limit=10)
    for i, key in enumerate(keys[:4]):
        old.put(key, _record(i))
    old.save()

    monkeypatch.setattr(time, "time", lambda: 2000.0)
    new = PageMemo(file, limit=3)
    assert new.get(keys[1]) == _record(1)  # used now: kept
    new.put(keys[4], _record(4))
    new.put(keys[5], _record(5))
    new.save()
    kept = PageMemo(file, limit=3)
    assert len(kept) == 3
    assert [kept.get(k) is not None for k in keys] == [False, True, False, False, True, True]


def test_saving_keeps_what_another_process_wrote(tmp_path: Path) -> None:
    file = tmp_path / "pages.txt"
    one, two = PageMemo(file), PageMemo(file)  # both read the file before either saves
    one.put("a" * 64, _record(1))
    two.put("b" * 64, _record(2))
    one.save()
    two.save()
    both = PageMemo(file)
    assert both.get("a" * 64) == _record(1) and both.get("b" * 64) == _record(2)
