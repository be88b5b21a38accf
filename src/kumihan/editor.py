"""The editor's loop: contact sheets, page diffs against the previous build, rebuild on save.

    python build.py proof [PDF ...] [--out DIR] [--width PX] [--columns N]
    python build.py diff  [--out DIR] [--build-dir DIR] [--threshold FRACTION] [--dpi DPI]
                          [--variant screen|print] [--max-pictures N] [--json]
    python build.py watch [DELIVERABLE ...] [--format pdf,docx] [--variant print,screen]
                          [--out DIR] [--strict] [--no-preflight] [--no-diff]

Takes the built PDFs in output/ (and, for `diff`, the previous build's files that
`kumihan.outputs.commit` keeps in output/.previous/), or for `watch` the project's
sources; gives PNG contact sheets (output/proof/), HTML pages and PNG summaries of
the changed pages (output/diff/), rebuilt outputs, and a short report on stdout.
The page pictures come from `kumihan.verify.pages`; the builds from the registry.

A terminal gets a small rich progress display; a pipe or CI (`CI` set) gets plain lines.
Exit status: 0 done (also "nothing to compare"), 2 usage errors (as the build's CLI).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import html
import json
import os
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from PIL import Image

from kumihan.collector import paused, resume
from kumihan.diagnostics import Diagnostic, Diagnostics, Severity
from kumihan.outputs import PREVIOUS
from kumihan.pipeline import DELIVERABLES
from kumihan.verify import pages as pg

EXIT_OK, EXIT_USAGE = 0, 2
SCREEN_SUFFIX = "_web"
DIFF_DPI = 72.0  # compare at this resolution: cheap, and any change of a glyph shows
IMAGE_DPI = 96.0  # the before/after pictures people look at
SUMMARY_ROWS = 24  # pages shown in a deliverable's summary PNG (the HTML shows more)
SUMMARY_WIDTH = 240  # px, each picture in the summary PNG
MAX_PICTURES = 40  # pages pictured per deliverable (see _pictured)
WATCHED = ("content", "layouts", "assets")


# ---------------------------------------------------------------------- reporting


class Reporter:
    """Plain lines for pipes and CI; `RichReporter` adds a spinner on a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def line(self, text: str = "") -> None:
        print(text, file=self.stream or sys.stdout, flush=True)

    def error(self, text: str) -> None:
        print(text, file=self.stream or sys.stderr, flush=True)

    @contextlib.contextmanager
    def status(self, text: str, *, animate: bool = True) -> Iterator[Callable[[str], None]]:
        """A transient 'working on…' message; plain output shows nothing for it. Without
        `animate`, the message changes only when updated, and no thread draws it."""
        yield lambda _text: None


class RichReporter(Reporter):
    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console

        self.console = Console(highlight=False, soft_wrap=True)
        self.errors = Console(stderr=True, highlight=False, soft_wrap=True)

    def line(self, text: str = "") -> None:
        self.console.print(text, markup=False)

    def error(self, text: str) -> None:
        self.errors.print(text, markup=False, style="red")

    @contextlib.contextmanager
    def status(self, text: str, *, animate: bool = True) -> Iterator[Callable[[str], None]]:
        if animate:
            with self.console.status(text) as spinner:
                yield lambda update: spinner.update(update)
            return
        from rich.live import Live
        from rich.text import Text

        # redrawn on each update only: a spinner's refresh thread would keep a build
        # from making its formats in forked processes (`registry._can_fork`)
        with Live(Text(text), console=self.console, auto_refresh=False, transient=True) as live:
            yield lambda update: live.update(Text(update), refresh=True)


def make_reporter() -> Reporter:
    interactive = sys.stdout.isatty() and not os.environ.get("CI")
    return RichReporter() if interactive else Reporter()


Command = Callable[[argparse.Namespace, Path, "Reporter"], int]


def _page_progress(update: Callable[[str], None], what: str) -> pg.Progress:
    return lambda done, total: update(f"{what}: {done}/{total} ページ")


# ---------------------------------------------------------------------- entry point


def main(argv: Sequence[str]) -> int:
    """`argv[0]` is the command (proof, diff or watch), the rest its options."""
    from kumihan.cli import project_root

    command, rest = (argv[0], list(argv[1:])) if argv else ("", [])
    commands: dict[str, tuple[Callable[[], argparse.ArgumentParser], Command]] = {
        "proof": (proof_parser, run_proof),
        "diff": (diff_parser, run_diff),
        "watch": (watch_parser, run_watch),
    }
    if command not in commands:
        print(f"build.py: choose proof, diff or watch (not {command!r})", file=sys.stderr)
        return EXIT_USAGE
    make_parser, run = commands[command]
    return run(make_parser().parse_args(rest), project_root(), make_reporter())


def _output_dir(root: Path, given: Path | None) -> Path:
    return given if given is not None else root / "output"


# ---------------------------------------------------------------------- proof


def proof_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py proof",
        description="Page thumbnails of each PDF on one contact sheet (PNG), page numbers under each.",
    )
    parser.add_argument(
        "pdfs",
        nargs="*",
        type=Path,
        metavar="PDF",
        help="PDFs to proof (default: every deliverable in output/, the screen PDF when there is one)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="where the sheets go (default: output/proof/)"
    )
    parser.add_argument("--width", type=int, default=160, help="thumbnail width in px (160)")
    parser.add_argument("--columns", type=int, default=8, help="thumbnails per row (8)")
    return parser


def deliverable_pdfs(build_dir: Path) -> dict[str, list[Path]]:
    """Built PDFs by deliverable name (事例集 → [事例集_web.pdf, 事例集.pdf]), screen first."""
    found: dict[str, list[Path]] = {}
    for pdf in sorted(build_dir.glob("*.pdf")):
        name = pdf.stem.removesuffix(SCREEN_SUFFIX)
        found.setdefault(name, []).append(pdf)
    for variants in found.values():
        variants.sort(key=lambda p: not p.stem.endswith(SCREEN_SUFFIX))
    return found


def proof_targets(build_dir: Path) -> list[tuple[str, Path]]:
    """One PDF per deliverable: the screen variant (no bleed, no marks) when it exists."""
    return [(name, variants[0]) for name, variants in deliverable_pdfs(build_dir).items()]


def make_proof(
    pdf: Path, dest: Path, *, width: int, columns: int, progress: pg.Progress | None = None
) -> Path:
    """Render `pdf` as a contact sheet at `dest` (PNG); print PDFs are cropped to the TrimBox."""
    labels = pg.page_labels(pdf)
    shown = [label or "—" for label in labels]
    # render at twice the thumbnail size and scale down: text stays legible
    scale = 2 * width / _trim_width(pdf)
    images = list(pg.render_pages(pdf, scale=scale, progress=progress))
    title = f"{pdf.name}  {len(images)} ページ"
    sheet = pg.contact_sheet(images, shown, columns=columns, width=width, title=title)
    dest.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(dest, optimize=False)
    return dest


def _trim_width(pdf: Path) -> float:
    """The first page's trimmed width in points (what a thumbnail shows)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0]
        left, _bottom, right, _top = page.get_trimbox()
        return float(right - left) or 595.0
    finally:
        document.close()


def run_proof(args: argparse.Namespace, root: Path, reporter: Reporter) -> int:
    build_dir = root / "output"
    out_dir: Path = args.out or build_dir / "proof"
    if args.width < 16 or args.columns < 1:
        reporter.error("build.py proof: --width must be ≥ 16 and --columns ≥ 1")
        return EXIT_USAGE
    if args.pdfs:
        missing = [p for p in args.pdfs if not p.is_file()]
        if missing:
            reporter.error(f"build.py proof: no such file: {', '.join(map(str, missing))}")
            return EXIT_USAGE
        targets = _named(args.pdfs)
    else:
        targets = proof_targets(build_dir)
        if not targets:
            reporter.line(
                f"{build_dir} に PDF がありません。先に python build.py でビルドしてください。"
            )
            return EXIT_OK
    for name, pdf in targets:
        dest = out_dir / f"{name}.png"
        with reporter.status(f"{pdf.name} を描画中") as update:
            make_proof(
                pdf,
                dest,
                width=args.width,
                columns=args.columns,
                progress=_page_progress(update, pdf.name),
            )
        reporter.line(f"{dest}  （{pdf.name}、{pg.page_count(pdf)} ページ）")
    return EXIT_OK


def _named(pdfs: Sequence[Path]) -> list[tuple[str, Path]]:
    """Sheet names for explicit PDFs: the deliverable name, or the file's stem when two collide."""
    names = [p.stem.removesuffix(SCREEN_SUFFIX) for p in pdfs]
    return [
        (name if names.count(name) == 1 else pdf.stem, pdf)
        for name, pdf in zip(names, pdfs, strict=True)
    ]


# ---------------------------------------------------------------------- diff


def diff_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py diff",
        description="Compare each PDF in output/ with the previous build (output/.previous/): "
        "list the changed, added and removed pages and show them before/after.",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="where the HTML and PNGs go (default: output/diff/)"
    )
    parser.add_argument(
        "--build-dir",
        type=Path,
        default=None,
        help="the build's output directory, as given to build.py --out (default: output/)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.0,
        help="a page counts as changed when more than this fraction of its pixels differ "
        "(default 0: any pixel; outputs are deterministic)",
    )
    parser.add_argument(
        "--dpi", type=float, default=DIFF_DPI, help=f"resolution of the comparison ({DIFF_DPI:g})"
    )
    parser.add_argument(
        "--variant",
        choices=("screen", "print"),
        default="screen",
        help="which PDF of each deliverable to compare (default screen; the other when only it has a previous build)",
    )
    parser.add_argument(
        "--max-pictures",
        type=int,
        default=MAX_PICTURES,
        help=f"pages per deliverable shown as pictures ({MAX_PICTURES}); the rest are listed",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


@dataclass
class DeliverableDiff:
    name: str
    comparison: pg.Comparison
    html: Path | None = None
    png: Path | None = None

    def to_json(self) -> dict[str, object]:
        c = self.comparison

        def page(index: int, labels: list[str]) -> dict[str, object]:
            return {"page": index + 1, "label": labels[index]}

        return {
            "name": self.name,
            "before": str(c.before),
            "after": str(c.after),
            "pages_before": c.before_pages,
            "pages_after": c.after_pages,
            "changed": [
                {**page(ch.index, c.after_labels), "fraction": round(ch.fraction, 6)}
                for ch in c.changed
            ],
            "added": [page(i, c.after_labels) for i in c.added],
            "removed": [page(i, c.before_labels) for i in c.removed],
            "html": str(self.html) if self.html else None,
            "png": str(self.png) if self.png else None,
        }


def diff_pairs(build_dir: Path, variant: str) -> tuple[list[tuple[str, Path, Path]], list[str]]:
    """(name, previous, current) per deliverable with a previous build; and the names without one."""
    previous = build_dir / PREVIOUS
    pairs, missing = [], []
    for name, variants in deliverable_pdfs(build_dir).items():
        ordered = variants if variant == "screen" else variants[::-1]
        chosen = next((p for p in ordered if (previous / p.name).is_file()), None)
        if chosen is None:
            missing.append(name)
        else:
            pairs.append((name, previous / chosen.name, chosen))
    return pairs, missing


def diff_deliverable(
    name: str,
    before: Path,
    after: Path,
    *,
    dpi: float = DIFF_DPI,
    threshold: float = 0.0,
    progress: pg.Progress | None = None,
) -> DeliverableDiff:
    comparison = pg.compare_pdfs(
        before, after, scale=pg.scale_for_dpi(dpi), threshold=threshold, progress=progress
    )
    return DeliverableDiff(name, comparison)


def _counts(c: pg.Comparison) -> str:
    """'変更 4、追加 1（30 → 31 ページ）': the numbers without the page lists."""
    counts = [(k, len(v)) for k, v in (("変更", c.changed), ("追加", c.added), ("削除", c.removed))]
    shown = "、".join(f"{kind} {n}" for kind, n in counts if n) or "変更なし"
    return f"{shown}（{c.before_pages} → {c.after_pages} ページ）"


def describe(result: DeliverableDiff) -> str:
    """One line per deliverable: what changed, in printed page numbers."""
    c = result.comparison
    if c.unchanged:
        return f"{result.name}: 変更なし（{c.after_pages} ページ）"
    parts = []
    if c.changed:
        indices = [ch.index for ch in c.changed]
        parts.append(f"変更 {len(indices)} ページ: {pg.describe_pages(indices, c.after_labels)}")
    if c.added:
        parts.append(f"追加 {len(c.added)} ページ: {pg.describe_pages(c.added, c.after_labels)}")
    if c.removed:
        parts.append(
            f"削除 {len(c.removed)} ページ: {pg.describe_pages(c.removed, c.before_labels)}"
        )
    pages = f"{c.before_pages} → {c.after_pages} ページ"
    return f"{result.name}: " + "；".join(parts) + f"（{pages}）"


@dataclass
class _Shown:
    """One page on the diff page: its caption, slug and image files (role → relative URL)."""

    caption: str
    slug: str
    files: dict[str, str] = field(default_factory=dict)


# (page as printed, what happened, file slug, before, after)
PagePictures = tuple[str, str, str, Image.Image | None, Image.Image | None]


def _pictured(c: pg.Comparison, limit: int) -> tuple[list[pg.PageChange], list[int], list[int]]:
    """The changed, added and removed pages that get pictures: the first `limit` in all.

    Past a few dozen pages an edit has reflowed the document; pictures of every page
    would take minutes and hundreds of MB and show nothing the page list does not."""
    changed = c.changed[:limit]
    added = c.added[: limit - len(changed)]
    removed = c.removed[: limit - len(changed) - len(added)]
    return changed, added, removed


def _pictures(c: pg.Comparison, limit: int, progress: pg.Progress | None) -> Iterator[PagePictures]:
    """Before/after pictures of the changed, added and removed pages, one page at a time
    (they never sit in memory together)."""
    scale = pg.scale_for_dpi(IMAGE_DPI)
    changes, added, removed = _pictured(c, limit)
    changed = [ch.index for ch in changes]
    old = pg.render_pages(c.before, scale=scale, pages=changed)
    new = pg.render_pages(c.after, scale=scale, pages=changed + added, progress=progress)
    for ch, before, after in zip(changes, old, new, strict=False):
        label = pg.describe_pages([ch.index], c.after_labels)
        yield label, f"変更（{ch.fraction:.2%}）", f"p{ch.index + 1:04d}", before, after
    for index, after in zip(added, new, strict=True):
        label = pg.describe_pages([index], c.after_labels)
        yield label, "追加", f"p{index + 1:04d}", None, after
    gone = pg.render_pages(c.before, scale=scale, pages=removed)
    for index, before in zip(removed, gone, strict=True):
        label = pg.describe_pages([index], c.before_labels)
        yield label, "削除", f"removed-p{index + 1:04d}", before, None


def write_diff(
    result: DeliverableDiff,
    out_dir: Path,
    progress: pg.Progress | None = None,
    *,
    max_pictures: int = MAX_PICTURES,
) -> None:
    """`<out>/<name>.html` (with its images in `<out>/<name>/`) and `<out>/<name>.png`.

    The deliverable's old images are removed first, so the page never shows a stale picture.
    """
    name, c = result.name, result.comparison
    image_dir = out_dir / name
    shutil.rmtree(image_dir, ignore_errors=True)
    summary = out_dir / f"{name}.png"
    summary.unlink(missing_ok=True)
    image_dir.mkdir(parents=True, exist_ok=True)
    shown: list[_Shown] = []
    rows: list[tuple[str, list[Image.Image]]] = []  # thumbnails for the summary PNG
    blank = Image.new("RGB", (8, 8), "white")
    for label, what, slug, before, after in _pictures(c, max_pictures, progress):
        marked = pg.highlight(before, after) if before is not None and after is not None else None
        page = _Shown(f"{label} {what}", slug)
        for role, image in (("before", before), ("after", after), ("diff", marked)):
            if image is not None:
                file = image_dir / f"{slug}-{role}.png"
                image.save(file, compress_level=1)
                page.files[role] = f"{quote(name)}/{file.name}"
        shown.append(page)
        if len(rows) < SUMMARY_ROWS:
            pictures = [
                pg.fit_width(blank if i is None else i, SUMMARY_WIDTH)
                for i in (before, after, marked)
            ]
            rows.append((f"{label}\n{what}", pictures))
    if not shown:
        image_dir.rmdir()
    result.html = out_dir / f"{name}.html"
    result.html.write_text(_diff_html(result, shown, max_pictures), encoding="utf-8")
    if rows:
        more = len(c.changed) + len(c.added) + len(c.removed) - len(rows)
        title = f"{name}  {_counts(c)}"
        if more > 0:
            title += f"  （ほか {more} ページは {result.html.name}）"
        sheet = pg.side_by_side(
            rows, headings=("前回", "今回", "差分"), title=title, width=SUMMARY_WIDTH
        )
        sheet.save(summary, compress_level=6)
        result.png = summary


def _diff_html(result: DeliverableDiff, shown: list[_Shown], max_pictures: int) -> str:
    c = result.comparison
    esc = html.escape
    changes, added, removed = _pictured(c, max_pictures)
    left_out = [
        (kind, pg.describe_pages(pages, labels))
        for kind, pages, labels in (
            ("変更", [ch.index for ch in c.changed[len(changes) :]], c.after_labels),
            ("追加", c.added[len(added) :], c.after_labels),
            ("削除", c.removed[len(removed) :], c.before_labels),
        )
        if pages
    ]
    omitted = (
        f"<p>画像は最初の {max_pictures} ページ分だけ作りました（--max-pictures）。ほかのページ: "
        + "；".join(f"{kind} {esc(text)}" for kind, text in left_out)
        + "</p>"
        if left_out
        else ""
    )
    figures = []
    for page in shown:
        cells = []
        for role, heading in (("before", "前回"), ("after", "今回"), ("diff", "差分（赤）")):
            if role in page.files:
                cells.append(
                    f"<figure><figcaption>{heading}</figcaption>"
                    f'<a href="{page.files[role]}"><img src="{page.files[role]}" alt="{heading}"></a></figure>'
                )
            else:
                cells.append(f"<figure><figcaption>{heading}</figcaption><p>（なし）</p></figure>")
        figures.append(
            f'<section id="{page.slug}"><h2>{esc(page.caption)}</h2>'
            f'<div class="row">{"".join(cells)}</div></section>'
        )
    body = "\n".join(figures) or "<p>前回のビルドから変わったページはありません。</p>"
    return f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8">
<title>{esc(result.name)}: 前回のビルドとの差分</title>
<style>
body {{ font-family: "BIZ UDGothic", sans-serif; margin: 2em; background: #f4f4f4; }}
.row {{ display: flex; gap: 1em; align-items: flex-start; }}
figure {{ margin: 0; flex: 1; }}
img {{ width: 100%; border: 1px solid #999; background: white; }}
h2 {{ font-size: 1.1em; margin-top: 2em; }}
</style></head><body>
<h1>{esc(result.name)}: 前回のビルドとの差分</h1>
<p>{esc(describe(result))}</p>
<p>前回: {esc(str(c.before))}<br>今回: {esc(str(c.after))}</p>
{omitted}
{body}
</body></html>
"""


def run_diff(args: argparse.Namespace, root: Path, reporter: Reporter) -> int:
    build_dir = _output_dir(root, args.build_dir)
    out_dir: Path = args.out or build_dir / "diff"
    if not 0.0 <= args.threshold < 1.0 or args.dpi <= 0 or args.max_pictures < 0:
        reporter.error(
            "build.py diff: --threshold must be in [0, 1), --dpi > 0 and --max-pictures ≥ 0"
        )
        return EXIT_USAGE
    pairs, missing = diff_pairs(build_dir, args.variant)
    results = []
    for name, before, after in pairs:
        with reporter.status(f"{name} を比較中") as update:
            result = diff_deliverable(
                name,
                before,
                after,
                dpi=args.dpi,
                threshold=args.threshold,
                progress=_page_progress(update, f"{name} を比較中"),
            )
            write_diff(
                result,
                out_dir,
                _page_progress(update, f"{name} の画像を作成中"),
                max_pictures=args.max_pictures,
            )
        results.append(result)
    if args.json:
        report = {"deliverables": [r.to_json() for r in results], "no_previous": missing}
        reporter.line(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not pairs:
        reporter.line(
            f"前回のビルドがありません（{build_dir / PREVIOUS} に PDF がない）。"
            "python build.py でもう一度ビルドすると、その前の出力と比べられます。"
        )
        return EXIT_OK
    for result in results:
        reporter.line(describe(result))
        if result.png is not None:
            reporter.line(f"  {result.html}")
            reporter.line(f"  {result.png}")
    for name in missing:
        reporter.line(f"{name}: 前回のビルドがないため比較していません")
    return EXIT_OK


# ---------------------------------------------------------------------- watch


def watch_parser() -> argparse.ArgumentParser:
    from kumihan.registry import FORMATS, VARIANTS

    parser = argparse.ArgumentParser(
        prog="build.py watch",
        description="Rebuild on every save under content/, layouts/ and assets/ (Ctrl-C stops).",
    )
    parser.add_argument(
        "deliverables",
        nargs="*",
        metavar="DELIVERABLE",
        help="summary, casebook, report or all (default: all)",
    )
    parser.add_argument(
        "--format", type=_csv(FORMATS), default=FORMATS, help="pdf, docx or pdf,docx"
    )
    parser.add_argument(
        "--variant", type=_csv(VARIANTS), default=VARIANTS, help="print, screen or print,screen"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output directory (default: output/)"
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--no-preflight", action="store_true", help="skip the print preflight")
    parser.add_argument(
        "--no-diff", action="store_true", help="do not list the pages each rebuild changed"
    )
    return parser


def _csv(choices: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    def parse(value: str) -> tuple[str, ...]:
        items = tuple(v.strip() for v in value.split(",") if v.strip())
        if not items or any(v not in choices for v in items):
            raise argparse.ArgumentTypeError(f"{value!r}: choose from {', '.join(choices)}")
        return items

    return parse


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = ("pdf", "docx")
    variants: tuple[str, ...] = ("print", "screen")
    strict: bool = False
    preflight: bool = True


@dataclass
class Rebuild:
    """What one rebuild did."""

    deliverables: tuple[str, ...]
    seconds: float = 0.0
    ok: bool = True
    rendered: list[str] = field(default_factory=list)  # deliverables rendered afresh
    reused: list[str] = field(default_factory=list)  # served from the build cache
    written: list[Path] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # files whose bytes did not change
    pages: dict[str, int] = field(default_factory=dict)  # file name → pages
    diagnostics: list[Diagnostic] = field(default_factory=list)
    preflight: list[str] = field(default_factory=list)  # failed preflight reports


def rebuild(
    root: Path,
    deliverables: Sequence[str],
    options: BuildOptions,
    out_dir: Path,
    status: Callable[[str], None] = lambda _text: None,
) -> Rebuild:
    """Build `deliverables` in this process and write the files whose bytes changed.

    All or nothing, as `build.py`: content errors or a failed preflight write no file and
    leave the last good outputs. Unlike `build.py`, a file identical to the one on disk is
    not rewritten, so output/.previous/ keeps the version before its last real change.
    """
    if "docx" in options.formats:
        # each rebuild forks a process for the DOCX: with python-docx imported here once,
        # in the long-lived watcher, no child imports it again (50 ms each)
        import kumihan.render.docx  # noqa: F401

    # the collector off while building (the watcher collects after showing the result)
    with paused(collect_after=False):
        return _rebuild(root, deliverables, options, out_dir, status)


def _rebuild(
    root: Path,
    deliverables: Sequence[str],
    options: BuildOptions,
    out_dir: Path,
    status: Callable[[str], None],
) -> Rebuild:
    from kumihan.outputs import commit, discard, stage
    from kumihan.registry import build_deliverable

    started = time.perf_counter()
    report = Rebuild(tuple(deliverables))
    builds = []
    for name in deliverables:
        status(f"{name} をビルド中…")
        build = build_deliverable(
            root,
            name,
            options.formats,
            options.variants,
            strict=options.strict,
            preflight=options.preflight,
        )
        builds.append(build)
        (report.reused if build.from_cache else report.rendered).append(name)
    collected = Diagnostics()
    collected.extend(d for b in builds for d in b.diagnostics)
    report.diagnostics = collected.sorted()
    failing = [
        d
        for d in report.diagnostics
        if d.severity is Severity.ERROR or (options.strict and d.severity is Severity.WARNING)
    ]
    report.preflight = [text for b in builds if b.preflight_failed for text in b.preflight]
    if failing or report.preflight or not all(b.artifacts for b in builds):
        report.ok = False
        report.seconds = time.perf_counter() - started
        return report
    staged: dict[str, Path] = {}
    try:
        for build in builds:
            for artifact in build.artifacts:
                report.pages[artifact.name] = artifact.pages
                if _same_bytes(out_dir / artifact.name, artifact.data):
                    report.unchanged.append(artifact.name)
                else:
                    staged[artifact.name] = stage(out_dir, artifact.name, artifact.data)
        report.written = commit(out_dir, staged) if staged else []
    except OSError:
        discard(staged)
        raise
    report.seconds = time.perf_counter() - started
    return report


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def affected(root: Path, changed: Sequence[Path], deliverables: Sequence[str]) -> tuple[str, ...]:
    """The deliverables that read any of the changed files (all of them if a file went away)."""
    from kumihan.registry import inputs_of

    resolved = {p.resolve() for p in changed}
    if any(not p.exists() for p in resolved):
        return tuple(deliverables)
    return tuple(d for d in deliverables if resolved & {p.resolve() for p in inputs_of(root, d)})


class WatchLog:
    """What the watcher prints between rebuilds: changes, diagnostics (new warnings only)."""

    def __init__(self, root: Path, reporter: Reporter) -> None:
        self.root = root
        self.reporter = reporter
        self.warnings_seen: set[str] = set()

    def changes(self, changes: Sequence[tuple[str, Path]]) -> None:
        for kind, path in changes:
            self.reporter.line(f"  {kind}: {self._relative(path)}")

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def result(self, report: Rebuild, page_changes: Sequence[str], verb: str) -> None:
        errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
        warnings = [d for d in report.diagnostics if d.severity is Severity.WARNING]
        for item in errors:
            self.reporter.error(item.format())
        fresh = [w for w in warnings if w.format() not in self.warnings_seen]
        for item in fresh:
            self.reporter.line(item.format())
        if report.ok:  # a failed load reports only some warnings; keep the full set
            self.warnings_seen = {w.format() for w in warnings}
        for text in report.preflight:
            self.reporter.error(text)
        took = f"{report.seconds:.1f} 秒"
        if not report.ok:
            self.reporter.error(
                f"ビルドを中止しました（{took}）: エラー {len(errors)} 件"
                f"{'、プリフライト失敗' if report.preflight else ''}。前回の出力はそのままです。"
            )
            return
        reused = "、".join(report.reused)
        if report.rendered:
            also = f"（入力に変更なし: {reused}）" if reused else ""
            self.reporter.line(f"{verb}しました: {'、'.join(report.rendered)}{also}  {took}")
        else:
            self.reporter.line(f"入力に変更なし: {reused}（前回の結果を再利用）  {took}")
        for path in report.written:
            pages = report.pages.get(path.name, 0)
            count = f"  {pages} ページ" if path.suffix == ".pdf" else ""
            self.reporter.line(f"  書き出し: {path.name}{count}")
        if report.unchanged:
            self.reporter.line(f"  内容が同じため書き換えず: {'、'.join(report.unchanged)}")
        for line in page_changes:
            self.reporter.line(f"  {line}")
        if warnings and not fresh:
            self.reporter.line(f"  警告 {len(warnings)} 件（前回と同じ。build.py check で一覧）")


def _page_changes(out_dir: Path, written: Sequence[Path]) -> list[str]:
    """'事例集: 変更 4 ページ: 3–6' for each deliverable whose PDF was just rewritten
    (its screen PDF when that was written too), against the file it replaced."""
    chosen: dict[str, Path] = {}
    for path in sorted(written, key=lambda p: not p.stem.endswith(SCREEN_SUFFIX)):
        if path.suffix == ".pdf":
            chosen.setdefault(path.stem.removesuffix(SCREEN_SUFFIX), path)
    lines = []
    for name, after in chosen.items():
        before = out_dir / PREVIOUS / after.name
        if before.is_file():
            lines.append(describe(diff_deliverable(name, before, after)))
    return lines


def saved_files(batch: set[tuple[Any, str]]) -> list[tuple[str, Path]]:
    """A batch of file events as (保存 or 削除, path), one per path.

    Editors save through temporary files (written, renamed, gone within the batch);
    those are left out, and a file replaced by a rename counts as saved.
    """
    kinds: dict[Path, set[str]] = {}
    for change, name in batch:
        kinds.setdefault(Path(name), set()).add(getattr(change, "name", str(change)))
    saved: list[tuple[str, Path]] = []
    for file, seen in sorted(kinds.items()):
        if file.exists():
            saved.append(("保存", file))
        elif "added" not in seen:
            saved.append(("削除", file))
    return saved


def watch(
    root: Path,
    deliverables: Sequence[str] = DELIVERABLES,
    *,
    options: BuildOptions | None = None,
    out_dir: Path | None = None,
    reporter: Reporter | None = None,
    stop_event: threading.Event | None = None,
    ready: threading.Event | None = None,
    max_rounds: int | None = None,
    initial_build: bool = True,
    show_page_changes: bool = True,
    step_ms: int = 100,
    timeout_ms: int = 500,
) -> int:
    """Watch content/, layouts/ and assets/ under `root`; rebuild what each batch of saves touches.

    Returns the number of rebuilds after changes. Stops when `stop_event` is set, after
    `max_rounds` such rebuilds, or on Ctrl-C (KeyboardInterrupt, which the caller handles).
    `ready` is set once the file watcher is running, so a test knows when to touch a file.
    """
    import watchfiles

    options = options or BuildOptions()
    out_dir = out_dir or root / "output"
    reporter = reporter or Reporter()
    log = WatchLog(root, reporter)
    watched = [root / d for d in WATCHED if (root / d).is_dir()]

    def build(names: Sequence[str], verb: str) -> None:
        try:
            with reporter.status("ビルド中…", animate=False) as update:
                report = rebuild(root, names, options, out_dir, update)
                lines = []
                if report.ok and show_page_changes and report.written:
                    update("前回との差分を確認中…")
                    lines = _page_changes(out_dir, report.written)
        except Exception:  # a crash in the toolkit must not end the editor's session
            reporter.error(traceback.format_exc())
            reporter.error(
                "ビルド中に内部エラーが起きました。前回の出力はそのままです。監視を続けます。"
            )
            return
        log.result(report, lines, verb)
        gc.collect()  # what the rebuild left, now that the editor has its answer

    if initial_build:
        reporter.line(f"ビルド: {'、'.join(deliverables)}")
        build(deliverables, "ビルド")
    reporter.line(f"監視中: {'、'.join(p.name + '/' for p in watched)}（Ctrl-C で終了）")
    rounds = 0
    for batch in watchfiles.watch(
        *watched,
        stop_event=stop_event,
        step=step_ms,
        rust_timeout=timeout_ms,
        yield_on_timeout=True,
    ):
        if ready is not None:
            ready.set()  # the watcher exists once the generator has yielded
        if not batch:
            continue
        changes = saved_files(batch)
        if not changes:
            continue
        names = affected(root, [p for _kind, p in changes], deliverables)
        reporter.line(f"\n{time.strftime('%H:%M:%S')} 変更を検出:")
        log.changes(changes)
        if not names:
            reporter.line("  どの成果物も読まないファイルです。ビルドしません。")
        else:
            build(names, "再ビルド")
        rounds += 1
        if max_rounds is not None and rounds >= max_rounds:
            break
        if stop_event is not None and stop_event.is_set():
            break
    return rounds


def run_watch(args: argparse.Namespace, root: Path, reporter: Reporter) -> int:
    resume()  # a session of hours: the collector is paused only while a rebuild runs
    names = tuple(args.deliverables)
    unknown = [n for n in names if n not in (*DELIVERABLES, "all")]
    if unknown:
        reporter.error(
            f"build.py watch: unknown deliverable {', '.join(unknown)}: choose from summary, casebook, report, all"
        )
        return EXIT_USAGE
    deliverables = DELIVERABLES if not names or "all" in names else tuple(dict.fromkeys(names))
    options = BuildOptions(args.format, args.variant, args.strict, not args.no_preflight)
    try:
        watch(
            root,
            deliverables,
            options=options,
            out_dir=args.out,
            reporter=reporter,
            show_page_changes=not args.no_diff,
        )
    except KeyboardInterrupt:
        reporter.line("\n監視を終了しました。")
    return EXIT_OK
