"""Finding the four pages of each case in a rendered casebook (ours or LibreOffice's)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import yaml

from .helpers import Pdf, flow, squash

# The title at the top of each of a case's four pages, in order (the seed's structure;
# shared/spec/content-formats.md "Each case prints on exactly four pages, in this order").
PAGE_TITLES = (
    "事業の概要",
    "包括的な支援体制の整備に向けた地域づくりの取組の経緯",
    "この事例で行われている地域への働きかけ",
    "取組の特徴、今後に向けて",
)


@dataclass(frozen=True)
class Case:
    id: str
    type: int
    order: int
    place: str
    title: str
    status: str

    @property
    def band(self) -> list[str]:
        """What the first page's band shows: the type, the place and the title."""
        return [f"事例タイプ{self.type}▶▶▶", self.place + self.title]


def read_cases(root: Path) -> list[Case]:
    """The case records of a project, in casebook order: by type, then order (else file name)."""
    cases = []
    for path in sorted((root / "content" / "cases").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases.append(
            Case(
                data["id"],
                int(data["type"]),
                int(data.get("order", 10**6)),
                str(data["place"]),
                str(data["title"]),
                str(data["status"]),
            )
        )
    return sorted(cases, key=lambda c: (c.type, c.order, c.id))


def band_page(pdf: Pdf, case: Case, start: int = 0) -> int:
    """The page (0-based) whose body begins with the case's band, or -1."""
    wanted = [squash(n) for n in case.band]
    for index in range(start, len(pdf)):
        body = flow(pdf.bodies[index])
        if all(w in body[:200] for w in wanted):
            return index
    return -1


def case_layout_problems(
    pdf: Pdf, cases: list[Case], source: str
) -> tuple[dict[str, int], list[str]]:
    """Each case's band page, and every way the casebook breaks "four pages per case, in
    order": a case not found, a case not starting four pages after the previous one, a
    page of the four not showing its title near its top."""
    starts: dict[str, int] = {}
    problems = []
    position = 0
    for case in cases:
        page = band_page(pdf, case, position)
        if page < 0:
            problems.append(
                f"{source}: case {case.id} ({case.place} {case.title}): band page not found"
            )
            continue
        starts[case.id] = page
        position = page + 1
        for offset, title in enumerate(PAGE_TITLES):
            index = page + offset
            if index >= len(pdf):
                problems.append(
                    f"{source}: case {case.id}: page {offset + 1} missing (the PDF ends)"
                )
                break
            if squash(title) not in flow(pdf.bodies[index])[:300]:
                problems.append(
                    f"{source}: case {case.id}: page {offset + 1} (physical {index + 1}) does not"
                    f" start with {title!r}: {flow(pdf.bodies[index])[:60]!r}"
                )
    found = [c for c in cases if c.id in starts]
    for before, after in itertools.pairwise(found):
        gap = starts[after.id] - starts[before.id]
        if gap != 4:
            problems.append(
                f"{source}: case {after.id} starts {gap} pages after case {before.id}"
                f" (physical {starts[before.id] + 1} → {starts[after.id] + 1}); a case is 4 pages"
            )
    return starts, problems
