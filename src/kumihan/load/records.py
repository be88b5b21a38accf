"""Validated YAML → typed records: case records, policy sheets, project, survey.

Takes `Located` data that passed its schema (see `validate.py`); gives frozen
dataclasses whose text fields keep their source location, so the Markdown in
them can later be parsed with correct line numbers. Checks the schema cannot
express (id = file name, image paths inside assets/, survey tallies adding up,
what a final case must have) are made here and reported as diagnostics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.load.yamlsource import Located
from kumihan.pickling import speed_up_pickling


@dataclass(frozen=True, slots=True)
class Txt:
    """A text field (inline Markdown) and where its first line is."""

    value: str
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class FigureRec:
    image: str
    caption: str
    credit: str
    loc: SourceLoc
    path: str  # field path, e.g. features[0].figure


@dataclass(frozen=True, slots=True)
class BlockRec:
    heading: str
    text: Txt | None
    items: tuple[Txt, ...]
    figure: FigureRec | None
    speaker: str
    loc: SourceLoc
    path: str


@dataclass(frozen=True, slots=True)
class PeriodRec:
    period: str
    events: tuple[BlockRec, ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class CaseRecord:
    id: str
    type: int
    order: int | None
    status: str
    title: str
    short_name: str
    place: str
    actor: str
    initiative: str
    interviewees: tuple[str, ...]
    interviewed_on: dt.date
    summary: Txt | None
    learnings: tuple[BlockRec, ...]
    population: int | None
    aging_rate: float | None
    figure: FigureRec | None
    structure: Txt | None
    programs: Txt | None
    history: tuple[PeriodRec, ...]
    notes: tuple[BlockRec, ...]
    individual: tuple[BlockRec, ...]
    community: tuple[BlockRec, ...]
    features: tuple[BlockRec, ...]
    voices: tuple[BlockRec, ...]
    loc: SourceLoc
    located: Located

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


# what a final case must have, by page: (field path, label used in messages)
FINAL_FIELDS: tuple[tuple[int, str, str], ...] = (
    (1, "summary", "事業の概要"),
    (1, "learnings", "この事例からの学び"),
    (1, "profile.population", "人口"),
    (1, "profile.aging_rate", "高齢化率"),
    (1, "profile.structure", "地域づくりの取組体制、関係機関"),
    (1, "profile.programs", "地域づくりの取組に活用している制度"),
    (2, "history", "取組の経緯"),
    (3, "approach.individual", "個別支援を起点とした地域への働きかけ"),
    (3, "approach.community", "地域そのものへの働きかけ"),
    (4, "features", "取組の特徴"),
    (4, "voices", "コメント"),
)


@dataclass(frozen=True, slots=True)
class LinkRec:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class SourceRec:
    text: str
    url: str
    accessed: dt.date | None


@dataclass(frozen=True, slots=True)
class PolicySheet:
    id: str
    order: int | None
    name: str
    ministry: str
    category: str
    overview: Txt
    support: Txt
    examples: tuple[Txt, ...]
    links: tuple[LinkRec, ...]
    sources: tuple[SourceRec, ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Member:
    role: str
    name: str
    affiliation: str


@dataclass(frozen=True, slots=True)
class Meeting:
    number: int
    date: dt.date
    start: str
    end: str
    format: str
    place: str
    agenda: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TaskPeriod:
    start: str  # YYYY-MM
    end: str
    label: str


@dataclass(frozen=True, slots=True)
class Task:
    name: str
    steps: tuple[str, ...]
    periods: tuple[TaskPeriod, ...]
    marks: tuple[tuple[str, str], ...]  # (YYYY-MM, label)


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    name_en: str
    postcode: str
    address: str
    tel: str


@dataclass(frozen=True, slots=True)
class Project:
    title: str
    programme: str
    fiscal_year: int
    issued: dt.date
    report_pages: int | None
    organisation: Organisation
    committee_name: str
    committee_note: str
    members: tuple[Member, ...]
    meetings: tuple[Meeting, ...]
    months: tuple[str, ...]
    tasks: tuple[Task, ...]
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    n: int
    multiple: bool
    chart: str
    options: tuple[Option, ...]
    finding: str
    source: str
    loc: SourceLoc


@dataclass(frozen=True, slots=True)
class Survey:
    id: str
    title: str
    target: str
    method: str
    period: tuple[dt.date, dt.date] | None
    population: int
    valid: int
    topics: tuple[str, ...]
    questions: tuple[Question, ...]
    loc: SourceLoc

    @property
    def response_rate(self) -> float:
        """Valid responses as a percentage of the population (95.7 for 45 of 47)."""
        return 100.0 * self.valid / self.population


# ---------------------------------------------------------------- helpers


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class _Reader:
    """Reads typed values from validated data, keeping locations."""

    def __init__(self, located: Located) -> None:
        self.located = located

    def txt(self, data: dict[str, Any], key: str, path: str) -> Txt | None:
        value = data.get(key)
        if value is None:
            return None
        return Txt(str(value), self.located.loc(_join(path, key)))

    def figure(self, data: dict[str, Any] | None, path: str) -> FigureRec | None:
        if not data:
            return None
        return FigureRec(
            image=str(data["image"]),
            caption=str(data["caption"]),
            credit=str(data.get("credit", "")),
            loc=self.located.loc(_join(path, "image")),
            path=path,
        )

    def block(self, data: dict[str, Any], path: str) -> BlockRec:
        items = tuple(
            Txt(str(item), self.located.loc(f"{path}.items[{i}]"))
            for i, item in enumerate(data.get("items", []))
        )
        return BlockRec(
            heading=str(data["heading"]),
            text=self.txt(data, "text", path),
            items=items,
            figure=self.figure(data.get("figure"), _join(path, "figure")),
            speaker=str(data.get("speaker", "")),
            loc=self.located.loc(path),
            path=path,
        )

    def blocks(self, data: list[dict[str, Any]] | None, path: str) -> tuple[BlockRec, ...]:
        return tuple(self.block(b, f"{path}[{i}]") for i, b in enumerate(data or []))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check_id(located: Located, stem: str, diagnostics: Diagnostics) -> None:
    """The record's `id` must equal its file name."""
    data = located.data
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"] != stem:
        diagnostics.add(
            located.loc("id"),
            "E111",
            f"id は「{data['id']}」ですが、ファイル名は「{stem}.yaml」です",
            f"id を {stem} にするか、ファイル名を {data['id']}.yaml にしてください。",
            "id",
        )


def image_path_problem(path: str) -> str:
    """Why an image path may not be used ("" when it is fine): it must stay inside assets/."""
    if "\x00" in path or "\\" in path:
        return "使えない文字（\\ や制御文字）が含まれています"
    pure = PurePosixPath(path)
    if pure.is_absolute() or (len(path) > 1 and path[1] == ":"):
        return "絶対パスは使えません"
    if any(part == ".." for part in pure.parts):
        return "「..」で assets/ の外に出ることはできません"
    if "://" in path:
        return "URL は使えません（画像ファイルを assets/ に置いてください）"
    return ""


def check_images(figures: list[FigureRec], diagnostics: Diagnostics) -> None:
    for figure in figures:
        problem = image_path_problem(figure.image)
        if problem:
            diagnostics.add(
                figure.loc,
                "E107",
                f"「{figure.image}」: {problem}",
                "assets/ からの相対パス（例: images/cases/yabu/photo-1.jpg）で書いてください。",
                f"{figure.path}.image",
            )


# ---------------------------------------------------------------- readers


def read_case(located: Located, diagnostics: Diagnostics) -> CaseRecord:
    """A schema-valid case record → `CaseRecord` (plus final-status and image checks)."""
    data: dict[str, Any] = located.data
    r = _Reader(located)
    profile = data.get("profile") or {}
    approach = data.get("approach") or {}
    history = tuple(
        PeriodRec(
            period=str(p["period"]),
            events=r.blocks(p["events"], f"history[{i}].events"),
            loc=located.loc(f"history[{i}]"),
        )
        for i, p in enumerate(data.get("history") or [])
    )
    record = CaseRecord(
        id=data["id"],
        type=int(data["type"]),
        order=data.get("order"),
        status=data["status"],
        title=data["title"],
        short_name=str(data.get("short_name", "") or data["place"]),
        place=data["place"],
        actor=data["actor"],
        initiative=data["initiative"],
        interviewees=tuple(data["interviewees"]),
        interviewed_on=_date(data["interviewed_on"]),
        summary=r.txt(data, "summary", ""),
        learnings=r.blocks(data.get("learnings"), "learnings"),
        population=profile.get("population"),
        aging_rate=profile.get("aging_rate"),
        figure=r.figure(profile.get("figure"), "profile.figure"),
        structure=r.txt(profile, "structure", "profile"),
        programs=r.txt(profile, "programs", "profile"),
        history=history,
        notes=r.blocks(data.get("notes"), "notes"),
        individual=r.blocks(approach.get("individual"), "approach.individual"),
        community=r.blocks(approach.get("community"), "approach.community"),
        features=r.blocks(data.get("features"), "features"),
        voices=r.blocks(data.get("voices"), "voices"),
        loc=located.loc(""),
        located=located,
    )
    check_images(case_figures(record), diagnostics)
    missing = missing_sections(record)
    if missing and not record.is_draft:
        for page, path, label in missing:
            diagnostics.add(
                located.loc("status"),
                "E403",
                f"status: final ですが {page}ページ目の「{label}」（{path}）がありません",
                f"{path} を書くか、status: draft にしてください。",
                path,
            )
    return record


def missing_sections(record: CaseRecord) -> list[tuple[int, str, str]]:
    """The page sections a final record needs and this one lacks: (page, field path, label)."""
    present = {
        "summary": record.summary is not None,
        "learnings": bool(record.learnings),
        "profile.population": record.population is not None,
        "profile.aging_rate": record.aging_rate is not None,
        "profile.structure": record.structure is not None,
        "profile.programs": record.programs is not None,
        "history": bool(record.history),
        "approach.individual": bool(record.individual),
        "approach.community": bool(record.community),
        "features": bool(record.features),
        "voices": bool(record.voices),
    }
    return [(page, path, label) for page, path, label in FINAL_FIELDS if not present[path]]


def case_figures(record: CaseRecord) -> list[FigureRec]:
    blocks = [
        *record.learnings,
        *record.notes,
        *record.individual,
        *record.community,
        *record.features,
        *record.voices,
        *(e for p in record.history for e in p.events),
    ]
    figures = [b.figure for b in blocks if b.figure]
    if record.figure:
        figures.insert(0, record.figure)
    return figures


def read_policy(located: Located, diagnostics: Diagnostics) -> PolicySheet:
    data: dict[str, Any] = located.data
    r = _Reader(located)
    overview = r.txt(data, "overview", "")
    support = r.txt(data, "support", "")
    assert overview is not None and support is not None  # required by the schema
    return PolicySheet(
        id=data["id"],
        order=data.get("order"),
        name=data["name"],
        ministry=data["ministry"],
        category=data["category"],
        overview=overview,
        support=support,
        examples=tuple(
            Txt(str(e), located.loc(f"examples[{i}]")) for i, e in enumerate(data["examples"])
        ),
        links=tuple(LinkRec(str(x["label"]), str(x["url"])) for x in data.get("links", [])),
        sources=tuple(
            SourceRec(
                str(s["text"]),
                str(s.get("url", "")),
                _date(s["accessed"]) if s.get("accessed") else None,
            )
            for s in data.get("sources", [])
        ),
        loc=located.loc(""),
    )


def read_project(located: Located, diagnostics: Diagnostics) -> Project:
    data: dict[str, Any] = located.data
    org = data["organisation"]
    committee = data["committee"]
    schedule = data["schedule"]
    months = tuple(str(m) for m in schedule["months"])
    tasks = []
    for i, t in enumerate(schedule["tasks"]):
        periods = tuple(
            TaskPeriod(str(p["from"]), str(p["to"]), str(p.get("label", "")))
            for p in t.get("periods", [])
        )
        marks = tuple((str(k), str(v)) for k, v in (t.get("marks") or {}).items())
        for j, p in enumerate(periods):
            for month in (p.start, p.end):
                if month not in months:
                    diagnostics.add(
                        located.loc(f"schedule.tasks[{i}].periods[{j}]"),
                        "E105",
                        f"{month} は schedule.months にない月です",
                        "months に含まれる月を書いてください。",
                        f"schedule.tasks[{i}].periods[{j}]",
                    )
            if p.start > p.end:
                diagnostics.add(
                    located.loc(f"schedule.tasks[{i}].periods[{j}]"),
                    "E105",
                    f"開始 {p.start} が終了 {p.end} より後です",
                    "from と to を入れ替えてください。",
                    f"schedule.tasks[{i}].periods[{j}]",
                )
        for month, _ in marks:
            if month not in months:
                diagnostics.add(
                    located.loc(f"schedule.tasks[{i}].marks"),
                    "E105",
                    f"{month} は schedule.months にない月です",
                    "months に含まれる月を書いてください。",
                    f"schedule.tasks[{i}].marks.{month}",
                )
        tasks.append(Task(str(t["name"]), tuple(t.get("steps", [])), periods, marks))
    return Project(
        title=data["title"],
        programme=data["programme"],
        fiscal_year=int(data["fiscal_year"]),
        issued=_date(data["issued"]),
        report_pages=data.get("report_pages"),
        organisation=Organisation(
            name=org["name"],
            name_en=org.get("name_en", ""),
            postcode=org.get("postcode", ""),
            address=org["address"],
            tel=org.get("tel", ""),
        ),
        committee_name=committee["name"],
        committee_note=committee.get("note", ""),
        members=tuple(
            Member(str(m.get("role", "")), str(m["name"]), str(m["affiliation"]))
            for m in committee["members"]
        ),
        meetings=tuple(
            Meeting(
                number=int(m["number"]),
                date=_date(m["date"]),
                start=str(m.get("start", "")),
                end=str(m.get("end", "")),
                format=str(m["format"]),
                place=str(m.get("place", "")),
                agenda=tuple(str(a) for a in m["agenda"]),
            )
            for m in committee["meetings"]
        ),
        months=months,
        tasks=tuple(tasks),
        loc=located.loc(""),
    )


def read_survey(located: Located, diagnostics: Diagnostics) -> Survey:
    data: dict[str, Any] = located.data
    if data["valid"] > data["population"]:
        diagnostics.add(
            located.loc("valid"),
            "E502",
            f"有効回収数 {data['valid']} が調査対象数 {data['population']} を超えています",
            "population と valid を確かめてください。",
            "valid",
        )
    questions = []
    for i, q in enumerate(data["questions"]):
        path = f"questions[{i}]"
        options = tuple(Option(str(o["label"]), int(o["count"])) for o in q["options"])
        total = sum(o.count for o in options)
        multiple = bool(q.get("multiple", False))
        if not multiple and total != q["n"]:
            diagnostics.add(
                located.loc(f"{path}.options"),
                "E502",
                f"設問「{q['id']}」の件数の合計 {total} が回答数 n = {q['n']} と合いません",
                "各選択肢の count を確かめるか、複数回答なら multiple: true を書いてください。",
                f"{path}.options",
            )
        if multiple and any(o.count > q["n"] for o in options):
            diagnostics.add(
                located.loc(f"{path}.options"),
                "E502",
                f"設問「{q['id']}」に回答数 n = {q['n']} を超える件数があります",
                "count を確かめてください。",
                f"{path}.options",
            )
        if q["n"] > data["valid"]:
            diagnostics.add(
                located.loc(f"{path}.n"),
                "E502",
                f"設問「{q['id']}」の n = {q['n']} が有効回収数 {data['valid']} を超えています",
                "n を確かめてください。",
                f"{path}.n",
            )
        questions.append(
            Question(
                id=str(q["id"]),
                text=str(q["text"]),
                n=int(q["n"]),
                multiple=multiple,
                chart=str(q.get("chart", "hbar")),
                options=options,
                finding=str(q.get("finding", "")),
                source=str(q.get("source", "")),
                loc=located.loc(path),
            )
        )
    period = data.get("period")
    return Survey(
        id=data["id"],
        title=data["title"],
        target=str(data.get("target", "")),
        method=str(data.get("method", "")),
        period=(_date(period["from"]), _date(period["to"])) if period else None,
        population=int(data["population"]),
        valid=int(data["valid"]),
        topics=tuple(str(t) for t in data.get("topics", [])),
        questions=tuple(questions),
        loc=located.loc(""),
    )


speed_up_pickling(globals())  # the caches pickle these by the thousand
