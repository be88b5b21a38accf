"""Which renderer makes which file: one deliverable → its PDFs and DOCX, in memory.

The only module (with the CLI) that imports the renderers. `build_deliverable`
runs in a worker process: it loads and prepares the deliverable, renders the
print PDF (whose pagination also gives the DOCX its page numbers), the screen
PDF and the DOCX, preflights the print PDF, and returns the files' bytes and
all diagnostics. Nothing is written here; the caller writes all files or none.

With more than one CPU (and `os.fork`), the formats are made side by side once
the deliverable is prepared: a forked process writes the DOCX (filling in its
page numbers when the parent sends it the print PDF's pagination), another
renders the screen PDF, and the parent renders the print PDF and preflights it.
A forked process shares the prepared document without copying it and sends back
only bytes. `KUMIHAN_SERIAL=1` keeps everything in one process (to profile it,
say).
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

import PIL
import reportlab

from kumihan import dataclass_code
from kumihan.cache import (
    CACHE_DIR,
    BlobStore,
    ContentMemo,
    DeliverableCache,
    FitCache,
    JsonTable,
    files_digest,
    remember_file_hashes,
    value_digest,
)
from kumihan.diagnostics import Diagnostic, Diagnostics, Severity, SourceLoc
from kumihan.layout.spec import Layout
from kumihan.load.content import load_content
from kumihan.pipeline import Prepared, prepare, read_layout
from kumihan.render.pdf import PdfResult, make_context, render_pdf
from kumihan.render.pdf.color import remember_colours
from kumihan.render.pdf.context import PageRecord
from kumihan.render.pdf.glyphfont import use_subset_store
from kumihan.render.pdf.images import no_prefetch, remember_inspections, use_store, worker_idle
from kumihan.render.pdf.measure import PdfMeasurer
from kumihan.render.pdf.replay import PageStore, page_store, use_page_store
from kumihan.render.pdf.speedups import use_deflate_store
from kumihan.typeset.fontfacts import remember_font_facts
from kumihan.units import MM

T = TypeVar("T")

FORMATS = ("pdf", "docx")
VARIANTS = ("print", "screen")


@dataclass
class Artifact:
    name: str
    kind: str  # "PDF (印刷用)", "PDF (Web用)", "DOCX"
    pages: int
    data: bytes


@dataclass
class DeliverableBuild:
    deliverable: str
    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    preflight: list[str] = field(default_factory=list)  # formatted reports
    preflight_failed: bool = False
    case_pages: dict[str, list[int]] = field(default_factory=dict)
    from_cache: bool = False


ReadLayout = tuple[Layout | None, list[Diagnostic]]  # a layout as read, with its problems


def _read_layout(root: Path, deliverable: str, memo: ContentMemo | None = None) -> ReadLayout:
    """The deliverable's layout and its problems; through `memo` (keyed by every layout
    file's bytes, as one layout may extend another) when there is one."""
    key = None
    if memo is not None:
        try:
            data = b"".join(
                p.name.encode() + b"\0" + p.read_bytes() + b"\0" for p in layout_files(root)
            )
        except OSError:
            data = None
        key = memo.key("layout", deliverable, data) if data is not None else None
        found = memo.get(key) if key is not None else None
        if found is not None:
            layout, problems = found
            return layout, list(problems)
    diagnostics = Diagnostics()
    read = read_layout(root, deliverable, diagnostics), diagnostics.items
    if memo is not None and key is not None:
        memo.put(key, read)
    return read


def prepare_deliverable(
    root: Path,
    deliverable: str,
    diagnostics: Diagnostics,
    *,
    strict: bool,
    layout_read: ReadLayout | None = None,
    memo: ContentMemo | None = None,
    fresh: bool = False,
) -> Prepared | None:
    """Load, validate, assemble and transform one deliverable; None when content has errors.

    `layout_read`: the deliverable's layout as already read (by `build_deliverable`,
    for its cache key), so it is not parsed twice. `memo`: the content memo to load
    through (one is opened when not given); `fresh`: none, every file is read again.
    """
    if memo is None and not fresh:
        memo = ContentMemo(root)
    layout, problems = layout_read or _read_layout(root, deliverable, memo)
    content = load_content(root, diagnostics, memo)
    diagnostics.extend(problems)
    if layout is None:
        return None
    ctx = make_context(layout, root, "print")
    # by the deliverable's own layout too: the same case may be set otherwise in another
    fit_store = FitCache(root, files_digest(root, layout_files(root), extra=layout.file))
    with no_prefetch():  # the fit ladder lays pictures out, it never draws them
        prepared = prepare(
            root,
            deliverable,
            content,
            diagnostics,
            fonts=ctx.fonts,
            measurer=PdfMeasurer(ctx),
            layout=layout,
            strict=strict,
            fit_store=fit_store,
            spreads=BlobStore(root, "spreads") if memo is not None else None,
        )
    fit_store.save()
    return prepared


def layout_files(root: Path) -> list[Path]:
    return sorted((root / "layouts").glob("*.yaml"))


def inputs_of(root: Path, deliverable: str) -> list[Path]:
    """Every file a deliverable's build reads: the layouts, all YAML records, the Markdown
    files its manifest names, and everything under assets/. A change to any of them
    invalidates the deliverable's cached files; a change elsewhere does not."""
    return _inputs(root, _read_layout(root, deliverable)[0])


def _inputs(root: Path, layout: Layout | None) -> list[Path]:
    content = root / "content"
    paths = layout_files(root) + sorted(content.rglob("*.yaml"))
    if layout is not None:
        globs = [p.source for p in layout.parts if p.kind == "markdown"]
        for path in sorted(content.rglob("*.md")):
            relative = path.relative_to(content).as_posix()
            if any(fnmatch.fnmatch(relative, g) for g in globs):
                paths.append(path)
    paths += [p for p in sorted((root / "assets").rglob("*")) if p.is_file()]
    return paths


def build_deliverable(
    root: Path,
    deliverable: str,
    formats: tuple[str, ...] = FORMATS,
    variants: tuple[str, ...] = VARIANTS,
    *,
    strict: bool = False,
    preflight: bool = True,
    use_cache: bool = True,
) -> DeliverableBuild:
    """Render one deliverable's files (in memory) or return why it cannot be built.

    When nothing the deliverable reads has changed since the last build with the same
    options, the cached files are returned without rendering. Without `use_cache`,
    everything is read, laid out, drawn and preflighted again (converted pictures, charts
    and font subsets, which are named by their own bytes, are still taken from the cache).
    """
    # input files' hashes as earlier builds made them (fonts and pictures are megabytes)
    hashes = JsonTable(root / CACHE_DIR / "hashes.json") if use_cache else None
    remember_file_hashes(hashes)
    try:
        cache = DeliverableCache(root)
        options = (formats, variants, strict, preflight, os.environ.get("SOURCE_DATE_EPOCH", ""))
        memo = ContentMemo(root) if use_cache else None
        layout_read = _read_layout(root, deliverable, memo)
        key = files_digest(root, _inputs(root, layout_read[0]), repr(options))
        cached = cache.get(deliverable, key) if use_cache else None
        if isinstance(cached, tuple) and isinstance(cached[0], DeliverableBuild):
            cached[0].from_cache = True
            return cached[0]
        result, rendered = _build(
            root,
            deliverable,
            formats,
            variants,
            strict=strict,
            preflight=preflight,
            layout_read=layout_read,
            memo=memo,
            fresh=not use_cache,
            rendered_from=(cache, repr(options)) if use_cache else None,
        )
        if not any(d.severity is Severity.ERROR for d in result.diagnostics) and result.artifacts:
            # found again by its inputs, or, when they change, by its prepared document
            rendered_key, made = rendered or ("", None)
            cache.put(deliverable, (key, rendered_key), (result, made))
        return result
    finally:
        remember_file_hashes(None)
        if hashes is not None:
            hashes.save()


def _build(
    root: Path,
    deliverable: str,
    formats: tuple[str, ...],
    variants: tuple[str, ...],
    *,
    strict: bool,
    preflight: bool,
    layout_read: ReadLayout | None = None,
    memo: ContentMemo | None = None,
    fresh: bool = False,
    rendered_from: tuple[DeliverableCache, str] | None = None,
) -> tuple[DeliverableBuild, tuple[str, Rendered] | None]:
    """Prepare and render. With `rendered_from` (the cache and the build's options), the
    files rendered last from the very same prepared document are reused (`Rendered`),
    and what was rendered is returned with its key, to be kept."""
    diagnostics = Diagnostics()
    result = DeliverableBuild(deliverable)
    rendered: tuple[str, Rendered] | None = None
    with _fact_tables(root, fresh) as tables:
        prepared = prepare_deliverable(
            root,
            deliverable,
            diagnostics,
            strict=strict,
            layout_read=layout_read,
            memo=memo,
            fresh=fresh,
        )
        if prepared is None or _fails(diagnostics, strict):
            result.diagnostics = diagnostics.sorted()
            return result, None
        key = _rendered_key(root, prepared, rendered_from[1]) if rendered_from else None
        kept = rendered_from[0].get(deliverable, key, at=1) if rendered_from and key else None
        if isinstance(kept, tuple) and isinstance(kept[1], Rendered):
            kept[1].put_into(result, diagnostics)
            rendered = (key, kept[1]) if key else None
        else:
            first_of_render = len(diagnostics)
            with _render_caches(root, replay=not fresh):
                _render(
                    prepared, root, formats, variants, preflight, result, diagnostics, fresh, tables
                )
            if key:
                rendered = (key, Rendered.of(result, diagnostics.items[first_of_render:]))
    result.diagnostics = diagnostics.sorted()
    return result, rendered


@dataclass
class Rendered:
    """What rendering a prepared document gave: its files, the problems rendering found
    (not those of preparing, found again each time), its preflight and case pages.

    Kept under a hash of the prepared document itself (`_rendered_key`): an edit that
    leaves a deliverable's document as it was (a survey finding or a case the 概略書 does
    not show) reuses its files though an input it reads has changed."""

    artifacts: list[Artifact]
    diagnostics: list[Diagnostic]
    preflight: list[str]
    preflight_failed: bool
    case_pages: dict[str, list[int]]

    @classmethod
    def of(cls, build: DeliverableBuild, found: list[Diagnostic]) -> Rendered:
        return cls(
            list(build.artifacts),
            list(found),
            list(build.preflight),
            build.preflight_failed,
            dict(build.case_pages),
        )

    def put_into(self, build: DeliverableBuild, diagnostics: Diagnostics) -> None:
        build.artifacts = list(self.artifacts)
        build.preflight = list(self.preflight)
        build.preflight_failed = self.preflight_failed
        build.case_pages = dict(self.case_pages)
        build.from_cache = True
        diagnostics.extend(self.diagnostics)


def rendering_context(root: Path) -> str:
    """A hash of what every page is drawn with: the layouts, the fonts and pictures under
    assets/ (by their bytes), the toolkit (`files_digest`) and the libraries that write
    the files."""
    assets = [p for p in sorted((root / "assets").rglob("*")) if p.is_file()]
    libraries = f"reportlab {reportlab.Version}|Pillow {PIL.__version__}"
    return files_digest(root, layout_files(root) + assets, libraries)


def _rendered_key(root: Path, prepared: Prepared, options: str) -> str | None:
    """A hash of everything rendering reads: the prepared document and its layout (by
    value), `rendering_context`, the build's options. None when the document cannot be
    hashed."""
    digest = hashlib.sha256(rendering_context(root).encode())
    try:
        for value in (prepared.document, prepared.layout, prepared.created, options):
            digest.update(value_digest(value))
    except (pickle.PickleError, TypeError, AttributeError, RecursionError):
        return None
    return digest.hexdigest()


# Small facts earlier builds found, each table by the module that uses it: pictures' sizes
# and modes (found before the DOCX's process is forked, which then checks no picture
# again), flat colours converted for the screen and Word, and what Word's font table says
# of each font file (the last two found in the forked processes, which save them: `_saving`).
_FACTS: tuple[tuple[Callable[[JsonTable | None], None], str], ...] = (
    (remember_inspections, "inspected.json"),
    (remember_colours, "colours.json"),
    (remember_font_facts, "font-facts.json"),
)


@contextlib.contextmanager
def _fact_tables(root: Path, fresh: bool) -> Iterator[tuple[JsonTable | None, ...]]:
    """The tables of `_FACTS` in use within the block (none when `fresh`), saved after it."""
    tables = tuple(None if fresh else JsonTable(root / CACHE_DIR / name) for _, name in _FACTS)
    for (remember, _), table in zip(_FACTS, tables, strict=True):
        remember(table)
    try:
        yield tables
    finally:
        for (remember, _), table in zip(_FACTS, tables, strict=True):
            remember(None)
            if table is not None:
                table.save()


@contextlib.contextmanager
def _render_caches(root: Path, *, replay: bool = True) -> Iterator[None]:
    """The project's render caches in use within the block, and none after it (a build
    run in a longer-lived process — tests, the watcher — leaves no cache behind).
    Without `replay`, every case page is drawn again."""
    use_store(BlobStore(root, "images"))  # converted pictures, kept between builds
    use_subset_store(BlobStore(root, "fonts"))  # embedded font subsets, likewise
    # streams deflated before (the pages an edit left as they were)
    use_deflate_store(BlobStore(root, "deflated") if replay else None)
    # pages drawn in earlier builds: their key names what every page is drawn with
    # (`rendering_context`), and each page its content
    store = PageStore(BlobStore(root, "pages"), rendering_context(root))
    use_page_store(store if replay else None)
    try:
        yield
    finally:
        use_store(None)
        use_subset_store(None)
        use_deflate_store(None)
        use_page_store(None)


def _render(
    prepared: Prepared,
    root: Path,
    formats: tuple[str, ...],
    variants: tuple[str, ...],
    preflight: bool,
    result: DeliverableBuild,
    diagnostics: Diagnostics,
    fresh: bool = False,
    tables: tuple[JsonTable | None, ...] = (),
) -> None:
    """Render the prepared deliverable's files into `result` (problems to `diagnostics`);
    `fresh`: the preflight measures and walks everything again (no memo); `tables`: the
    tables of facts the forked processes save their additions to."""
    stem = prepared.layout.output
    want_print = "pdf" in formats and "print" in variants
    want_screen = "pdf" in formats and "screen" in variants
    want_docx = "docx" in formats
    with contextlib.ExitStack() as children:  # a failure stops the processes it started
        # Side by side: the DOCX in a forked process (written at once, its page numbers
        # filled in when the parent sends the print PDF's pagination) and the screen
        # PDF in another, while the parent renders the print PDF and the preflight.
        fork = _can_fork()
        pages_to_child: _Channel | None = None
        docx_child: _Forked[bytes] | None = None
        screen_child: _Forked[tuple[bytes, int]] | None = None
        if want_screen and want_print and fork:
            screen_child = children.enter_context(
                _Forked(_saving(partial(_screen, prepared, root), tables))
            )
        if want_docx and fork:
            pages_to_child = children.enter_context(_Channel())
            docx_child = children.enter_context(
                _Forked(
                    _saving(partial(_docx_beside, prepared, root, pages_to_child), tables),
                    pages_to_child,
                )
            )
        printed: PdfResult | None = None
        if want_print or want_docx:
            printed = render_pdf(
                prepared.document, prepared.layout, root, "print", prepared.created
            )
            result.case_pages = printed.record.case_pages
            for page_no, points in printed.record.overflows:
                # the renderer's last resort: a block no page could hold, cut at the foot
                diagnostics.add(
                    SourceLoc(prepared.layout.file),
                    "W404",
                    f"{stem} の {page_no} ページ目に、1 ページに収まらない要素があり、"
                    f"下の {points:.0f}pt を切って赤い帯で示しました",
                    "その表・囲み・見出しを分けるか短くしてください。--strict ではエラーになります。",
                )
            if pages_to_child is not None:
                pages_to_child.send(printed.record)
            if want_print:
                result.artifacts.append(
                    Artifact(f"{stem}.pdf", "PDF（印刷用）", printed.pages, printed.data)
                )
        shown: tuple[bytes, int] | None = None
        if want_screen and screen_child is None:
            shown = _screen(prepared, root)
        if want_print and preflight:
            assert printed is not None
            page = prepared.layout.page
            memo_root = None if fresh else root
            report, passed = _preflight(printed.data, page.pad_to, page.bleed, memo_root)
            result.preflight.append(report)
            result.preflight_failed = not passed
        docx: bytes | None = None
        if want_docx:
            assert printed is not None
            docx = docx_child() if docx_child is not None else _docx(prepared, root, printed.record)
        if screen_child is not None:
            shown = screen_child()
        if shown is not None:
            data, pages = shown
            result.artifacts.append(Artifact(f"{stem}_web.pdf", "PDF（Web用）", pages, data))
        if docx is not None:
            assert printed is not None
            result.artifacts.append(Artifact(f"{stem}.docx", "DOCX", printed.pages, docx))


def _saving(work: Callable[[], T], tables: tuple[JsonTable | None, ...]) -> Callable[[], T]:
    """`work`, then `tables` saved: for a forked process, whose additions the parent
    never sees. Processes that save at once each write the whole file (atomically): an
    entry another one added may be lost, and is added again when next needed."""

    def run() -> T:
        try:
            return work()
        finally:
            for table in tables:
                if table is not None:
                    table.save()

    return run


def _screen(prepared: Prepared, root: Path) -> tuple[bytes, int]:
    """The screen PDF's bytes and page count."""
    screen = render_pdf(prepared.document, prepared.layout, root, "screen", prepared.created)
    return screen.data, screen.pages


def _docx(prepared: Prepared, root: Path, record: PageRecord) -> bytes:
    from kumihan.render.docx import render_docx

    with _kept_bodies(root):
        return render_docx(prepared.document, prepared.layout, root, record, prepared.created)


@contextlib.contextmanager
def _kept_bodies(root: Path) -> Iterator[None]:
    """Within the block, the Word bodies of cases and parts are kept and reused when the
    PDF's pages are (`_render_caches`), under the same key of layouts, assets, toolkit."""
    from kumihan.render.docx.fragments import FragmentStore, use_fragment_store

    pages = page_store()
    if pages is not None:
        use_fragment_store(FragmentStore(BlobStore(root, "docx-bodies"), pages.context))
    try:
        yield
    finally:
        use_fragment_store(None)


def _docx_beside(prepared: Prepared, root: Path, pages: _Channel) -> bytes:
    """The DOCX in a forked process, written while the parent renders the print PDF:
    its page numbers (contents, page references) are tokens until that PDF's
    pagination arrives, then filled in; the bytes are those `_docx` gives."""
    from kumihan.render.docx import docx_file, write_docx
    from kumihan.render.docx.pages import DeferredPages

    deferred = DeferredPages()
    with _kept_bodies(root):
        word = write_docx(prepared.document, prepared.layout, root, deferred)
    record = pages.receive()
    assert isinstance(record, PageRecord)
    deferred.fill(word, record)
    return docx_file(word, prepared.document, prepared.created)


def _fails(diagnostics: Diagnostics, strict: bool) -> bool:
    if diagnostics.has_errors:
        return True
    return strict and any(d.code.startswith("W") for d in diagnostics.items)


def _preflight(
    data: bytes, pad_to: int, bleed: float, root: Path | None = None
) -> tuple[str, bool]:
    """The preflight of a print PDF: the formatted report, and whether it passed.
    With `root`, image inks measured before are taken from its cache."""
    from kumihan.verify.preflight import InkMemo, preflight, use_ink_memo

    # the picture store: the converter notes there the ink of each print conversion
    memo = (
        InkMemo(root / CACHE_DIR / "ink.json", noted=root / CACHE_DIR / "images")
        if root is not None
        else None
    )
    use_ink_memo(memo)
    try:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            report = preflight(
                Path(handle.name), profile="print", page_multiple=pad_to or 2, bleed_mm=bleed / MM
            )
    finally:
        use_ink_memo(None)
    if memo is not None:
        memo.save()
    return report.format(), report.passed


# ---------------------------------------------------------------- side by side


def _can_fork() -> bool:
    """Formats run side by side on Linux with two CPUs or more (fork is unsafe on macOS
    and absent on Windows; with one CPU it would only add work), from a process with
    no other thread at work (a thread holding a lock at the fork would leave it held
    in the child): only the picture converter's, when idle."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if os.environ.get("KUMIHAN_SERIAL") or len(os.sched_getaffinity(0)) < 2:
        return False
    others = threading.active_count() - 1
    return others == 0 or (others == 1 and worker_idle())


class _Forked(Generic[T]):
    """`work` started in a forked process at once; calling the object waits for its result.

    The child inherits everything the parent has prepared (nothing is pickled on the
    way in) and sends back `work`'s result, or its exception, pickled through a pipe.
    Leaving the `with` block without having waited stops the child.
    """

    def __init__(self, work: Callable[[], T], channel: _Channel | None = None) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            status = 1
            try:
                os.close(read_end)
                if channel is not None:
                    channel.in_child()
                try:
                    payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # sent to the parent, which raises it
                    payload = _pickled_error(exc)
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
                status = 0
                dataclass_code.save()  # what this process made first (its own imports)
            finally:
                os._exit(status)
        os.close(write_end)
        if channel is not None:
            channel.in_parent()
        self.pid: int | None = pid
        self.source = os.fdopen(read_end, "rb")

    def __call__(self) -> T:
        with self.source:
            payload = self.source.read()
        status = self._reap()
        if not payload:
            raise RuntimeError(f"a worker process ended without a result (status {status})")
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        result: T = value
        return result

    def __enter__(self) -> _Forked[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pid is not None:  # never waited for: the build failed meanwhile
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGTERM)
            self._reap()
            self.source.close()

    def _reap(self) -> int:
        assert self.pid is not None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return status


class _Channel:
    """One message from the parent to a forked child, pickled through a pipe.

    Made before the fork; `_Forked` keeps the reading end in the child and the
    writing end in the parent. A message larger than a pipe holds is written by a
    thread, so the parent never waits for the child to read it.
    """

    def __init__(self) -> None:
        self.read_end, self.write_end = os.pipe()

    def in_child(self) -> None:
        os.close(self.write_end)
        self.write_end = -1

    def in_parent(self) -> None:
        os.close(self.read_end)
        self.read_end = -1

    def send(self, value: object) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        out = os.fdopen(self.write_end, "wb")
        self.write_end = -1

        def write() -> None:
            with out, contextlib.suppress(BrokenPipeError):
                out.write(payload)

        if len(payload) < 32 * 1024:  # fits in the pipe: written at once
            write()
        else:
            threading.Thread(target=write, name="kumihan-send", daemon=True).start()

    def receive(self) -> object:
        with os.fdopen(self.read_end, "rb") as source:
            payload = source.read()
        self.read_end = -1
        if not payload:
            raise RuntimeError("the parent process sent nothing (its build failed)")
        return pickle.loads(payload)

    def __enter__(self) -> _Channel:
        return self

    def __exit__(self, *exc: object) -> None:
        for end in (self.read_end, self.write_end):
            if end >= 0:
                with contextlib.suppress(OSError):
                    os.close(end)
        self.read_end = self.write_end = -1


def _pickled_error(exc: BaseException) -> bytes:
    try:
        return pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that does not pickle: keep its text
        error = RuntimeError(f"{type(exc).__name__}: {exc}")
        return pickle.dumps((False, error), protocol=pickle.HIGHEST_PROTOCOL)
