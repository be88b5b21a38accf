"""benchmarks/stress.py: a fictional project that checks clean and builds."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import stress  # benchmarks/stress.py
import yaml

from .conftest import REPO, run_build


def sample_places() -> set[str]:
    """Every place named in the real sample project (the generator must invent its own)."""
    places = set()
    for path in (REPO / "content" / "cases").glob("*.yaml"):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        places.add(record["place"])
    return places


def test_tiny_corpus_checks_and_builds(tmp_path: Path) -> None:
    root = stress.generate(tmp_path / "stress", stress.TINY)

    check = run_build(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "エラー 0 件" in check.stdout
    built = run_build(root, "--no-preflight", "--format", "pdf", "--variant", "screen")
    assert built.returncode == 0, built.stderr

    with pikepdf.open(root / "output" / "事例集_web.pdf") as casebook:
        assert len(casebook.pages) >= 4 * stress.TINY.cases
    text = "\n".join(p.read_text("utf-8") for p in (root / "content").rglob("*.*"))
    assert not any(place in text for place in sample_places())


def test_full_size_records_are_complete(tmp_path: Path) -> None:
    size = stress.Size(photos=0.0)  # pictures take most of the time and are not checked here
    root = stress.generate(tmp_path / "stress", size)
    content = root / "content"

    cases = [yaml.safe_load(p.read_text("utf-8")) for p in (content / "cases").glob("*.yaml")]
    assert len(cases) == size.cases >= 45
    assert all(c["status"] == "final" for c in cases)
    assert all(c["place"].startswith(stress.PREFECTURES) for c in cases)
    assert len(list((content / "policies").glob("*.yaml"))) >= 8
    survey = yaml.safe_load((content / "survey" / "prefecture.yaml").read_text("utf-8"))
    assert len(survey["questions"]) >= 12
    for question in survey["questions"]:
        assert sum(o["count"] for o in question["options"]) == question["n"] <= survey["valid"]


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    size = stress.Size(cases=4, sections=1, photos=0.5)
    one = stress.generate(tmp_path / "one", size, seed=7)
    two = stress.generate(tmp_path / "two", size, seed=7)

    def files(root: Path) -> dict[str, bytes]:
        tree = [*(root / "content").rglob("*"), *(root / "assets" / "images").rglob("*")]
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in tree if p.is_file()}

    assert files(one) == files(two)
    assert files(one) != files(stress.generate(tmp_path / "three", size, seed=8))


def test_policy_card_grid_split_in_report(tmp_path: Path) -> None:
    """Ten policy cards put a card-grid row across a page break in this corpus; the renderer
    used to crash there (a box that fit reported a one-part split to reportlab's table)."""
    root = stress.generate(tmp_path / "stress", stress.Size(cases=3, sections=1))

    built = run_build(root, "report", "--no-preflight", "--format", "pdf", "--variant", "screen")

    assert built.returncode == 0, built.stderr[-2000:]


def test_default_report_is_long_enough(tmp_path: Path) -> None:
    root = stress.generate(tmp_path / "stress", stress.Size(photos=0.0))

    built = run_build(root, "report", "--no-preflight", "--format", "pdf", "--variant", "screen")

    assert built.returncode == 0, built.stderr
    with pikepdf.open(root / "output" / "報告書_web.pdf") as report:
        assert len(report.pages) >= 165


def test_layouts_are_copies_the_benchmark_may_edit(tmp_path: Path) -> None:
    """The benchmark edits layouts/house.yaml in the corpus: it must not be this
    checkout's file under another name (a hard link), however it is written."""
    root = stress.generate(tmp_path / "stress", stress.Size(cases=2, sections=1))
    for theirs in sorted((root / "layouts").glob("*.yaml")):
        ours = stress.REPO / "layouts" / theirs.name
        assert not theirs.samefile(ours)
        before = ours.read_bytes()
        with theirs.open("a", encoding="utf-8") as handle:
            handle.write("\n# 編集\n")
        assert ours.read_bytes() == before
