"""The command line: build deliverables, check content, preflight PDFs.

    python build.py [summary|casebook|report|all ...] [--format pdf,docx] [--variant print,screen]
                    [--out DIR] [--strict] [--jobs N] [--no-preflight]
    python build.py check [--strict] [--json]
    python build.py preflight FILE.pdf [--profile print|screen] [--json]

Exit status: 0 success, 1 content errors (or a failed preflight), 2 usage errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from kumihan import dataclass_code
from kumihan import model as m
from kumihan.cache import CACHE_DIR, JsonTable
from kumihan.collector import pause_for_good
from kumihan.diagnostics import Diagnostic, Diagnostics, Severity
from kumihan.pipeline import DELIVERABLES

if TYPE_CHECKING:
    from kumihan.registry import DeliverableBuild

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("check", "preflight", "watch", "proof", "diff")


def project_root() -> Path:
    """The project root: the current directory if it has content/ and layouts/, else this checkout."""
    here = Path.cwd()
    if (here / "content").is_dir() and (here / "layouts").is_dir():
        return here
    return Path(__file__).resolve().parents[2]


def _csv(choices: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    def parse(value: str) -> tuple[str, ...]:
        items = tuple(v.strip() for v in value.split(",") if v.strip())
        bad = [v for v in items if v not in choices]
        if bad or not items:
            raise argparse.ArgumentTypeError(
                f"{', '.join(bad) or value!r}: choose from {', '.join(choices)}"
            )
        return items

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the deliverables (概略書 summary, 事例集 casebook, 報告書 report) into output/.",
    )
    parser.add_argument(
        "deliverables",
        nargs="*",
        metavar="DELIVERABLE",
        help="summary, casebook, report or all (default: all)",
    )
    parser.add_argument(
        "--format",
        type=_csv(("pdf", "docx")),
        default=("pdf", "docx"),
        help="pdf, docx or pdf,docx (default both)",
    )
    parser.add_argument(
        "--variant",
        type=_csv(("print", "screen")),
        default=("print", "screen"),
        help="PDF variants: print (PDF/X-1a, bleed, marks), screen (RGB, web); default both",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output directory (default: output/)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings (draft records, overflow, fallback glyphs) as errors",
    )
    parser.add_argument(
        "--jobs", type=int, default=0, help="parallel processes (default: number of CPUs)"
    )
    parser.add_argument(
        "--no-preflight", action="store_true", help="skip the preflight of print PDFs"
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors and the summary")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read, lay out and draw everything again (default: reuse what did not change)",
    )
    return parser


def check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py check", description="Validate all content without writing anything."
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also fail on warnings: draft records, overflowing cases, fallback glyphs",
    )
    parser.add_argument("--json", action="store_true", help="print the problems as JSON")
    return parser


def preflight_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py preflight",
        description="Check a PDF against the print vendor's rules (PDF/X-1a).",
    )
    parser.add_argument("pdf", type=Path, help="the PDF to check")
    parser.add_argument("--profile", choices=("print", "screen"), default="print")
    parser.add_argument(
        "--page-multiple",
        type=int,
        default=2,
        help="page count must be a multiple of this (4 for saddle stitch)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def run() -> NoReturn:
    """The command line's entry point (`build.py`, the `kumihan` script): `main`, then the
    process ends at once. Every file is written and closed, and every worker process
    waited for, before `main` returns; what is left is a build's heap (the document, its
    pages, the caches), which the interpreter would otherwise free object by object on
    the way out: 0.1–0.2 s of an editor's one-case rebuild."""
    pause_for_good()  # one command, then the process ends (`watch` turns it on again)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to lose
            stream.flush()
    dataclass_code.save()  # os._exit skips atexit
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "check":
            return run_check(check_parser().parse_args(args[1:]))
        if args and args[0] == "preflight":
            return run_preflight(preflight_parser().parse_args(args[1:]))
        if args and args[0] in ("watch", "proof", "diff"):
            from kumihan import editor

            code: int = editor.main(args)
            return code
        return run_build(build_parser().parse_args(args))
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE


def _deliverables(names: Sequence[str]) -> tuple[str, ...]:
    if not names or "all" in names:
        return DELIVERABLES
    bad = [n for n in names if n not in DELIVERABLES]
    if bad:
        print(
            f"build.py: unknown deliverable {', '.join(bad)}: choose from summary, casebook, report, all",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_USAGE)
    return tuple(dict.fromkeys(names))


def print_diagnostics(
    items: Sequence[Diagnostic], *, quiet: bool = False, stream: TextIO | None = None
) -> None:
    out = stream or sys.stderr
    for item in items:
        if quiet and item.severity is not Severity.ERROR:
            continue
        print(item.format(), file=out)


def _unique(items: Sequence[Diagnostic]) -> list[Diagnostic]:
    collected = Diagnostics()
    collected.extend(items)
    return collected.sorted()


def run_build(args: argparse.Namespace) -> int:
    from kumihan.outputs import commit, discard, stage
    from kumihan.registry import build_deliverable

    root = project_root()
    deliverables = _deliverables(args.deliverables)
    out_dir: Path = args.out or root / "output"
    started = time.perf_counter()
    jobs = args.jobs or min(len(deliverables), os.cpu_count() or 1)
    if args.jobs == 1:  # one process: no deliverables side by side, no formats either
        os.environ["KUMIHAN_SERIAL"] = "1"
    kwargs = {
        "formats": args.format,
        "variants": args.variant,
        "strict": args.strict,
        "preflight": not args.no_preflight,
        "use_cache": not args.no_cache,
    }
    if jobs > 1 and len(deliverables) > 1:
        # imported here: a one-deliverable build (the editor's usual) starts 15 ms sooner
        from concurrent.futures import ProcessPoolExecutor

        durations = JsonTable(root / CACHE_DIR / "durations.json")
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            # the longest first, so the others fill the other worker meanwhile (a
            # one-case edit: the 報告書 takes as long as the other two together)
            futures = {
                d: pool.submit(_timed_build, root, d, kwargs)
                for d in longest_first(deliverables, durations)
            }
            timed = [futures[d].result() for d in deliverables]
        results = [result for result, _ in timed]
        for result, seconds in timed:
            if not result.from_cache:
                durations.put(result.deliverable, seconds)
        durations.save()
    else:
        results = [build_deliverable(root, d, **kwargs) for d in deliverables]
    diagnostics = _unique([d for r in results for d in r.diagnostics])
    print_diagnostics(diagnostics, quiet=args.quiet)
    errors = [
        d
        for d in diagnostics
        if d.severity is Severity.ERROR or (args.strict and d.severity is Severity.WARNING)
    ]
    failed_preflight = [r for r in results if r.preflight_failed]
    for r in failed_preflight:
        print(f"\nプリフライト（{r.deliverable}）:", file=sys.stderr)
        print("\n".join(r.preflight), file=sys.stderr)
    if errors or failed_preflight:
        count = len(errors)
        print(
            f"\nビルドを中止しました: エラー {count} 件{'、プリフライト失敗' if failed_preflight else ''}。"
            f" {out_dir} の既存の出力は変更していません。",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    staged = {}
    try:
        for result in results:
            for artifact in result.artifacts:
                staged[artifact.name] = stage(out_dir, artifact.name, artifact.data)
        written = commit(out_dir, staged)
    except OSError as exc:
        discard(staged)
        print(f"E601 出力を書き込めません: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    elapsed = time.perf_counter() - started
    artifacts = {a.name: (a, r.from_cache) for r in results for a in r.artifacts}
    print(f"\n{len(written)} 個のファイルを {out_dir} に書き出しました（{elapsed:.1f} 秒）:")
    for path in written:
        art, cached = artifacts[path.name]
        pages = f"{art.pages:>4} ページ" if art.kind != "DOCX" else "         "
        note = "  （入力に変更なし: 前回の出力を再利用）" if cached else ""
        print(f"  {path.name:<24} {art.kind:<12} {pages}  {len(art.data) / 1024:>8.0f} KB{note}")
    return EXIT_OK


def longest_first(deliverables: Sequence[str], durations: JsonTable) -> list[str]:
    """The deliverables by how long each last took to build, longest first; one never
    timed counts as the longest there is, later ones in `DELIVERABLES` first."""

    def known(deliverable: str) -> float:
        seconds = durations.get(deliverable)
        return float(seconds) if isinstance(seconds, int | float) else float("inf")

    order = sorted(deliverables, key=lambda d: DELIVERABLES.index(d), reverse=True)
    return sorted(order, key=known, reverse=True)


def _timed_build(
    root: Path, deliverable: str, kwargs: dict[str, object]
) -> tuple[DeliverableBuild, float]:
    """`build_deliverable`, and how long it took (run in a worker process)."""
    from kumihan.registry import build_deliverable

    started = time.perf_counter()
    result = build_deliverable(root, deliverable, **kwargs)  # type: ignore[arg-type]
    return result, time.perf_counter() - started


def run_check(args: argparse.Namespace) -> int:
    from kumihan.registry import prepare_deliverable

    root = project_root()
    diagnostics = Diagnostics()
    fits: dict[str, str] = {}
    for deliverable in DELIVERABLES:
        prepared = prepare_deliverable(root, deliverable, diagnostics, strict=args.strict)
        if prepared is not None:
            fits.update(case_fits(prepared.document))
    items = diagnostics.sorted()
    failing = [
        d
        for d in items
        if d.severity is Severity.ERROR or (args.strict and d.severity is Severity.WARNING)
    ]
    if args.json:
        report = {"ok": not failing, "problems": [d.to_json() for d in items], "cases": fits}
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_diagnostics(items, stream=sys.stdout)
        if fits:
            print("\n事例の収まり（4 ページ）:")
            for case_id, verdict in fits.items():
                print(f"  {case_id:<20} {verdict}")
        errors = sum(1 for d in items if d.severity is Severity.ERROR)
        warnings = sum(1 for d in items if d.severity is Severity.WARNING)
        print(
            f"\nエラー {errors} 件、警告 {warnings} 件"
            + ("（--strict: 警告も失敗として扱います）" if args.strict else "")
        )
    return EXIT_CONTENT if failing else EXIT_OK


def case_fits(document: m.Document) -> dict[str, str]:
    """Each case's fit, as `check` reports it: fits / fitted at N pt / overflows by …"""
    from kumihan.transforms.walk import iter_document

    verdicts = {}
    for _part, block in iter_document(document):
        if not isinstance(block, m.CaseSpread):
            continue
        fit = block.fit
        if fit.overflow:
            pages = "、".join(f"{page}ページ目 {points:.0f}pt" for page, points in fit.overflow)
            verdicts[block.case_id] = f"はみ出し（{fit.body_size:g}pt でも {pages}）"
        elif fit.step:
            verdicts[block.case_id] = (
                f"{fit.body_size:g}pt・行送り{fit.leading:g}pt に縮小して収まる"
            )
        else:
            verdicts[block.case_id] = f"収まる（{fit.body_size:g}pt・行送り{fit.leading:g}pt）"
    return verdicts


def run_preflight(args: argparse.Namespace) -> int:
    from kumihan.verify.preflight import preflight

    if not args.pdf.is_file():
        print(f"build.py preflight: {args.pdf}: no such file", file=sys.stderr)
        return EXIT_USAGE
    report = preflight(args.pdf, profile=args.profile, page_multiple=args.page_multiple)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.format())
    return EXIT_OK if report.passed else EXIT_CONTENT
