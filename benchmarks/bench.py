"""The build benchmark: the sample project and a generated stress corpus, timed per deliverable.

    python benchmarks/bench.py [--quick] [--cases N] [--photos F] [--repeat N] [--results FILE] [--keep DIR]
                               [--skip-sample] [--skip-stress] [--no-compose]

Takes this checkout (its content/, layouts/, assets/ are copied to a scratch directory,
so output/ and the caches of the checkout are never touched) and `benchmarks/stress.py`;
gives a table on stdout and `benchmarks/results.md` (the table, the targets and the
machine: CPU, cores, RAM, Python, date) for the README to quote.

Every measurement is a fresh `python build.py ...` process started with cwd = the scratch
project, so it includes interpreter start-up and imports, as an editor's build does
(with Python's bytecode cache on, as it is by default: PYTHONDONTWRITEBYTECODE is
removed from the children's environment).
Wall time is measured around the process; peak memory is the child's maximum resident
set size (`os.wait4`), which for a parallel build is the largest single process.
Per-format rows start from an empty `.kumihan-cache` (cold: the fit ladder runs and
every picture is converted); the one-case rows edit one case record after a full build
and rebuild with the cache warm, as an editor's next build would be (the "watch" row
times the same rebuild inside one long-lived process, as `build.py watch` does it on
each save: no start-up, no imports); the layout-change
row edits layouts/house.yaml, so every page is set and drawn again with the pictures
already converted.

Targets (issue 7): full sample build < 10 s on 2 cores, > 80 PDF pages/s on the stress
corpus, one-case rebuild < 1 s, peak memory < 500 MB. Nothing here asserts them; the
table marks each as met or not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import stress  # noqa: E402  (the sibling script, importable when run from anywhere)

DELIVERABLES = ("summary", "casebook", "report")
FORMATS = (  # label, build.py options, the file it writes (by output stem)
    ("PDF 印刷用", ("--format", "pdf", "--variant", "print"), "{stem}.pdf"),
    ("PDF Web用", ("--format", "pdf", "--variant", "screen"), "{stem}_web.pdf"),
    ("DOCX", ("--format", "docx"), "{stem}.docx"),
)
STEMS = {"summary": "概略書", "casebook": "事例集", "report": "報告書"}
TARGET_FULL_S = 10.0
TARGET_PAGES_PER_S = 80.0
TARGET_ONE_CASE_S = 1.0
TARGET_PEAK_MB = 500.0


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    code: int
    output: str


@dataclass(frozen=True)
class Row:
    corpus: str
    what: str
    fmt: str
    pages: int | None
    run: Run

    @property
    def pages_per_s(self) -> float | None:
        return self.pages / self.run.seconds if self.pages and self.run.seconds else None


def build(project: Path, args: Sequence[str], out: Path) -> Run:
    """`python build.py ARGS --out OUT --quiet` in `project`: wall time and peak RSS."""
    return command(project, [*args, "--out", str(out), "--quiet"])


def command(project: Path, args: Sequence[str]) -> Run:
    """`python build.py ARGS` in `project`: wall time, peak RSS, exit code and output."""
    command = [sys.executable, str(REPO / "build.py"), *args]
    # Python as an editor runs it: compiled modules cached in __pycache__ (a sandbox
    # or CI image may switch that off, which would time compiling the toolkit anew)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, output)


# The watcher's rebuild (`kumihan.editor.rebuild`, as `build.py watch` calls it on each
# save) in one long-lived process: a warm build, then the case edited and the casebook
# rebuilt `repeat` times; prints the fastest rebuild's seconds.
WATCH_SCRIPT = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import stress
from kumihan.editor import BuildOptions, rebuild
root, case, out = Path.cwd(), Path(sys.argv[2]), Path(sys.argv[3])
rebuild(root, ["casebook"], BuildOptions(), out)
times = []
for n in range(int(sys.argv[4])):
    stress.edit_case(case, f"watch のための追記{n + 1}。")
    done = rebuild(root, ["casebook"], BuildOptions(), out)
    assert done.ok and done.rendered == ["casebook"], done
    times.append(done.seconds)
print(min(times))
"""


def watch_rebuild(project: Path, case: Path, out: Path, repeat: int) -> Run:
    """The casebook rebuilt after a one-case edit inside a running watcher: the time of
    the rebuild alone (no start-up, no imports), and the watcher's peak memory."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [
        sys.executable,
        "-c",
        WATCH_SCRIPT,
        str(HERE),
        str(case),
        str(out),
        str(max(2, repeat)),
    ]
    process = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    lines = output.strip().splitlines()
    try:
        seconds = float(lines[-1])
    except (IndexError, ValueError):
        seconds = float("nan")
    return checked(Run(seconds, usage.ru_maxrss / 1024, code, output), "watch rebuild")


def diff_row(corpus: str, project: Path, out: Path, pictures: Path) -> Row:
    """`build.py diff` right after the one-case rebuild: its time, and how many of the
    casebook's pages it lists as changed (the edited case's, and no other)."""
    run = checked(
        command(project, ["diff", "--build-dir", str(out), "--out", str(pictures), "--json"]),
        f"{corpus} diff",
    )
    report = json.loads(run.output)
    changed = {
        book["name"]: len(book["changed"]) + len(book["added"]) + len(book["removed"])
        for book in report["deliverables"]
    }
    shown = changed.get(STEMS["casebook"], 0)
    return Row(corpus, f"1事例編集後の diff（事例集で変更 {shown} ページ）", "diff", None, run)


def cold(project: Path) -> None:
    shutil.rmtree(project / ".kumihan-cache", ignore_errors=True)


def best_cold(project: Path, args: Sequence[str], out: Path, repeat: int, what: str) -> Run:
    """The fastest of `repeat` cold builds (a shared machine adds noise, never speed);
    peak memory is the largest seen."""
    runs = []
    for _ in range(repeat):
        cold(project)
        runs.append(checked(build(project, args, out), what))
    fastest = min(runs, key=lambda r: r.seconds)
    return Run(fastest.seconds, max(r.peak_mb for r in runs), fastest.code, fastest.output)


def pdf_pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def checked(run: Run, what: str) -> Run:
    if run.code != 0:
        raise SystemExit(f"bench: {what} failed (exit {run.code}):\n{run.output}")
    return run


def copy_sample(dest: Path) -> Path:
    for folder in ("content", "layouts", "assets"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def edited_case(project: Path) -> Path:
    """The first final case record with a 事業の概要 (the one the rebuild rows edit)."""
    for path in sorted((project / "content" / "cases").glob("*.yaml")):
        body = path.read_text(encoding="utf-8")
        if "status: final" in body and "\nsummary: |" in body:
            return path
    raise SystemExit(f"bench: no final case with a summary in {project}")


def measure(corpus: str, project: Path, scratch: Path, repeat: int = 1) -> list[Row]:
    rows = []
    out = scratch / f"{corpus}-out"
    print(f"[{corpus}] 全成果物（cold）…", flush=True)
    run = best_cold(project, [], out, repeat, f"{corpus} full build")
    pdfs = sum(pdf_pages(p) for p in out.glob("*.pdf"))
    rows.append(Row(corpus, "全成果物", "PDF×2 + DOCX", pdfs, run))
    for deliverable in DELIVERABLES:
        stem = STEMS[deliverable]
        for label, options, file in FORMATS:
            print(f"[{corpus}] {deliverable} {label}…", flush=True)
            where = scratch / f"{corpus}-{deliverable}-{options[1]}"
            args = [deliverable, *options]
            run = best_cold(project, args, where, repeat, f"{corpus} {deliverable} {label}")
            written = where / file.format(stem=stem)
            # a DOCX has no pages of its own; it takes the print PDF's pagination
            pages = pdf_pages(written if written.suffix == ".pdf" else out / f"{stem}.pdf")
            rows.append(Row(corpus, stem, label, pages, run))
    # the editor's loop: a full build, then one case edited and the casebook rebuilt
    print(f"[{corpus}] 1事例を編集して再ビルド…", flush=True)
    checked(build(project, [], out), f"{corpus} warm build")
    case = edited_case(project)
    runs = []
    for n in range(repeat):
        stress.edit_case(case, f"ベンチマークのための追記{n + 1}。")
        runs.append(checked(build(project, ["casebook"], out), f"{corpus} one-case rebuild"))
    run = min(runs, key=lambda r: r.seconds)
    rows.append(Row(corpus, f"1事例編集後（{case.stem}）", "事例集のみ", None, run))
    print(f"[{corpus}] 1事例編集後の diff…", flush=True)
    rows.append(diff_row(corpus, project, out, scratch / f"{corpus}-diff"))
    print(f"[{corpus}] watch 中の再ビルド…", flush=True)
    run = watch_rebuild(project, case, out, repeat)
    rows.append(Row(corpus, f"1事例編集後（{case.stem}）、watch 中", "事例集のみ", None, run))
    runs = []
    for n in range(repeat):
        stress.edit_case(case, f"全体の再ビルドのための追記{n + 1}。")
        runs.append(checked(build(project, [], out), f"{corpus} one-case full rebuild"))
    run = min(runs, key=lambda r: r.seconds)
    rows.append(Row(corpus, f"1事例編集後（{case.stem}）", "全成果物", None, run))
    # a layout change: every page set and drawn again, the pictures already converted
    runs = []
    house = project / "layouts" / "house.yaml"
    for n in range(repeat):
        # a new file, not the old one rewritten: the copy must never write through a link
        edited = house.with_suffix(".new")
        edited.write_text(house.read_text("utf-8") + f"\n# ベンチマーク {n + 1}\n", "utf-8")
        os.replace(edited, house)
        runs.append(checked(build(project, [], out), f"{corpus} rebuild after a layout change"))
    run = min(runs, key=lambda r: r.seconds)
    pdfs = sum(pdf_pages(p) for p in out.glob("*.pdf"))
    rows.append(Row(corpus, "レイアウト変更後（画像は変換済み）", "PDF×2 + DOCX", pdfs, run))
    return rows


# ---------------------------------------------------------------------- report


def machine(load_at_start: tuple[float, float, float] | None = None) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    return {
        "CPU": cpu,
        "コア数": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "メモリ": ram or "?",
        "Python": platform.python_version(),
        "負荷（開始時の load average 1/5/15 分）": " / ".join(
            f"{v:.2f}" for v in (load_at_start or os.getloadavg())
        ),
        "負荷（終了時の load average 1/5/15 分）": " / ".join(f"{v:.2f}" for v in os.getloadavg()),
        "OS": platform.platform(),
        "日時": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "コミット": commit or "?",
    }


def table(rows: Sequence[Row]) -> list[list[str]]:
    lines = []
    for row in rows:
        pps = row.pages_per_s
        lines.append(
            [
                row.corpus,
                row.what,
                row.fmt,
                str(row.pages) if row.pages else "",
                f"{row.run.seconds:.2f}",
                f"{pps:.1f}" if pps else "",
                f"{row.run.peak_mb:.0f}",
            ]
        )
    return lines


HEADER = ["コーパス", "対象", "形式", "ページ", "時間 (s)", "ページ/s", "最大メモリ (MB)"]


def targets(rows: Sequence[Row]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for the issue's four targets, where the rows allow."""
    found = []
    full = [r for r in rows if r.corpus == "sample" and r.what == "全成果物"]
    if full:
        s = full[0].run.seconds
        found.append(
            (f"サンプル全体のビルド < {TARGET_FULL_S:g} s", f"{s:.2f} s", s < TARGET_FULL_S)
        )
    whole = [r for r in rows if r.corpus == "stress" and r.what == "全成果物"]
    if whole and whole[0].pages_per_s is not None:
        pps = whole[0].pages_per_s
        found.append(
            (
                f"stress 全体のビルド（キャッシュなし）の PDF > {TARGET_PAGES_PER_S:g} ページ/s"
                "（PDF 2 種の全ページ ÷ DOCX も含む全体の時間）",
                f"{pps:.1f} ページ/s",
                pps > TARGET_PAGES_PER_S,
            )
        )
    stress_pdf = [r for r in rows if r.corpus == "stress" and r.fmt.startswith("PDF ")]
    if stress_pdf:
        pages = sum(r.pages or 0 for r in stress_pdf)
        seconds = sum(r.run.seconds for r in stress_pdf)
        pps = pages / seconds
        found.append(
            (
                f"stress の PDF > {TARGET_PAGES_PER_S:g} ページ/s（形式ごとに 1 つずつ、"
                "キャッシュなしで作った PDF 行の合計ページ ÷ 合計時間）",
                f"{pps:.1f} ページ/s",
                pps > TARGET_PAGES_PER_S,
            )
        )
    relaid = [r for r in rows if r.corpus == "stress" and r.what.startswith("レイアウト変更後")]
    if relaid and relaid[0].pages_per_s is not None:
        pps = relaid[0].pages_per_s
        found.append(
            (
                f"stress（レイアウト変更後の全体ビルド、画像は変換済み）の PDF > "
                f"{TARGET_PAGES_PER_S:g} ページ/s（PDF 2 種の全ページ ÷ DOCX も含む全体の時間）",
                f"{pps:.1f} ページ/s",
                pps > TARGET_PAGES_PER_S,
            )
        )
    for corpus in ("sample", "stress"):
        for row in [r for r in rows if r.corpus == corpus and r.fmt == "事例集のみ"]:
            s = row.run.seconds
            how = "watch 中" if row.what.endswith("watch 中") else "build.py"
            found.append(
                (
                    f"{corpus}: 1事例の再ビルド（事例集、{how}）< {TARGET_ONE_CASE_S:g} s",
                    f"{s:.2f} s",
                    s < TARGET_ONE_CASE_S,
                )
            )
    if rows:
        peak = max(r.run.peak_mb for r in rows)
        found.append(
            (f"最大メモリ < {TARGET_PEAK_MB:g} MB", f"{peak:.0f} MB", peak < TARGET_PEAK_MB)
        )
    return found


def markdown(
    rows: Sequence[Row], compose_cps: float | None, info: dict[str, str], note: str
) -> str:
    out = ["# ベンチマーク結果", "", f"`python benchmarks/bench.py{note}` の出力。", ""]
    out += ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(cells) + " |" for cells in table(rows)]
    out += ["", "## 目標", "", "| 目標 | 測定値 | 達成 |", "|---|---|---|"]
    out += [f"| {t} | {v} | {'✓' if ok else '✗'} |" for t, v, ok in targets(rows)]
    if compose_cps is not None:
        out += [
            "",
            f"組版エンジン（`kumihan.typeset.bench.bench_compose`）: {compose_cps:,.0f} 文字/s",
        ]
    out += ["", "## 計測環境", ""]
    out += [f"- {k}: {v}" for k, v in info.items()]
    out += [
        "",
        "時間は `python build.py` のプロセス全体（起動・import を含む）。形式別の行はキャッシュなし"
        "（`.kumihan-cache` を消してから）、「1事例編集後」の行は直前の全体ビルドのキャッシュがある状態"
        "（「watch 中」の行は `build.py watch` と同じく起動済みのプロセスの中での再ビルドだけの時間）。"
        "「レイアウト変更後」の行は layouts/house.yaml を変えた後の全体ビルド（全ページを組み直し、"
        "画像の変換だけがキャッシュにある状態）。"
        "「diff」の行は 1 事例を編集して事例集を再ビルドした直後の `build.py diff`"
        "（output/ の各 PDF を前回のビルドと比べる。描く内容が変わったページだけを画像にして比べる）。"
        "DOCX の行のページ数は印刷用 PDF のページ数（DOCX は印刷用 PDF の組版からページ番号を取るため、"
        "その組版時間を含む）。最大メモリは最も大きいプロセス 1 つの最大 RSS。"
        "子プロセスは Python の既定どおりバイトコードのキャッシュを使う（PYTHONDONTWRITEBYTECODE を外す）。",
        "",
    ]
    return "\n".join(out)


def print_table(rows: Sequence[Row]) -> None:
    cells = table(rows)
    if sys.stdout.isatty() and not os.environ.get("CI"):
        from rich.console import Console
        from rich.table import Table

        shown = Table(*HEADER)
        for line in cells:
            shown.add_row(*line)
        Console().print(shown)
    else:
        print("\t".join(HEADER))
        for line in cells:
            print("\t".join(line))
    for target, value, ok in targets(rows):
        print(f"{'✓' if ok else '✗'} {target}: {value}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small stress corpus (CI smoke)")
    parser.add_argument("--cases", type=int, default=None, help="cases in the stress corpus")
    parser.add_argument(
        "--photos", type=float, default=None, help="share of stress cases with pictures (0.3)"
    )
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep it")
    parser.add_argument("--skip-sample", action="store_true")
    parser.add_argument("--skip-stress", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per measurement, the fastest is kept (1)"
    )
    parser.add_argument("--no-compose", action="store_true", help="skip the composer benchmark")
    args = parser.parse_args(argv)
    size = stress.QUICK if args.quick else stress.Size()
    if args.cases is not None or args.photos is not None:
        cases = size.cases if args.cases is None else args.cases
        photos = size.photos if args.photos is None else args.photos
        size = stress.Size(cases, size.sections, size.policies, size.questions, photos)
    load_at_start = os.getloadavg()  # a shared machine's other work slows every row
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="kumihan-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        if not args.skip_sample:
            sample = scratch / "sample"
            shutil.rmtree(sample, ignore_errors=True)
            rows += measure("sample", copy_sample(sample), scratch, args.repeat)
        if not args.skip_stress:
            print(f"[stress] {size.cases} 事例のコーパスを生成…", flush=True)
            project = stress.generate(scratch / "stress", size)
            rows += measure("stress", project, scratch, args.repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    compose_cps = None
    if not args.no_compose:
        from kumihan.typeset.bench import bench_compose

        compose_cps = bench_compose()
    print_table(rows)
    if compose_cps is not None:
        print(f"組版エンジン: {compose_cps:,.0f} 文字/s")
    note = " --quick" if args.quick else ""
    note += f" --cases {args.cases}" if args.cases is not None else ""
    note += f" --photos {args.photos:g}" if args.photos is not None else ""
    note += f" --repeat {args.repeat}" if args.repeat != 1 else ""
    info = machine(load_at_start)
    args.results.write_text(markdown(rows, compose_cps, info, note), encoding="utf-8")
    print(f"→ {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
