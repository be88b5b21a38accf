"""``::: include NAME`` → model blocks drawn from the content's data.

Takes an `Include` node, the loaded `Content` and the layout; gives the blocks
that stand in its place: tables from project.yaml (schedule, committee), the
hearing list from the case records, charts from survey data, the policy cards,
the case-type list, the organisation block. Data is never retyped into prose,
so the summary and the report show the same numbers from one source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from itertools import groupby

from kumihan import model as m
from kumihan.assemble.cases import build_case, case_anchor, interview_line
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.layout.spec import Layout
from kumihan.load.content import Content
from kumihan.load.markdown import text_blocks
from kumihan.load.records import PolicySheet, Question, Survey, Task
from kumihan.transforms.dates import era_label, format_date

INCLUDE_NAMES = (
    "schedule",
    "committee-members",
    "committee-meetings",
    "hearing-list",
    "survey-response",
    "survey-chart",
    "policy-cards",
    "case-types",
    "case-index",
    "organisation",
    "case",
)


def _p(text: str, loc: SourceLoc, role: str = "cell") -> m.Paragraph:
    return m.Paragraph((m.Text(text),), loc, role=role)


def _cell(
    text: str,
    loc: SourceLoc,
    *,
    header: bool = False,
    align: m.Align = "",
    colspan: int = 1,
    fill: str = "",
) -> m.TableCell:
    role = "cell-head" if header else "cell"
    blocks: tuple[m.Block, ...] = (
        tuple(_p(line, loc, role) for line in text.split("\n")) if text else ()
    )
    return m.TableCell(blocks, colspan=colspan, align=align, header=header, fill=fill)


def _schedule_cells(task: Task, months: Sequence[str], loc: SourceLoc) -> list[m.TableCell]:
    """One task's month cells: a period is one shaded cell spanning its months, carrying its
    label (and any mark that falls inside it); other months carry their mark or nothing."""
    marks = dict(task.marks)
    cells: list[m.TableCell] = []
    index = 0
    while index < len(months):
        key = months[index]
        period = next((p for p in task.periods if p.start <= key <= p.end), None)
        if period is None:
            cells.append(_cell(marks.get(key, ""), loc, align="center"))
            index += 1
            continue
        span = 1
        while index + span < len(months) and months[index + span] <= period.end:
            span += 1
        inside = [marks[k] for k in months[index : index + span] if k in marks]
        text = "\n".join(t for t in (period.label, *inside) if t)
        cells.append(_cell(text, loc, align="center", colspan=span, fill="accent-light"))
        index += span
    return cells


class Includes:
    """Resolves include names against one `Content` and layout."""

    def __init__(self, content: Content, layout: Layout, diagnostics: Diagnostics) -> None:
        self.content = content
        self.layout = layout
        self.diag = diagnostics
        self.handlers: dict[str, Callable[[m.Include], list[m.Block]]] = {
            "schedule": self.schedule,
            "committee-members": self.members,
            "committee-meetings": self.meetings,
            "hearing-list": self.hearing_list,
            "survey-response": self.survey_response,
            "survey-chart": self.survey_chart,
            "policy-cards": self.policy_cards,
            "case-types": self.case_types,
            "case-index": self.case_index,
            "organisation": self.organisation,
            "case": self.case,
        }

    def resolve(self, include: m.Include) -> list[m.Block]:
        handler = self.handlers.get(include.name)
        if handler is None:
            import difflib

            near = difflib.get_close_matches(include.name, INCLUDE_NAMES, n=1)
            self.diag.add(
                include.loc,
                "E208",
                f"include「{include.name}」はありません",
                f"「{near[0]}」ではありませんか。"
                if near
                else f"使える名前: {', '.join(INCLUDE_NAMES)}",
            )
            return []
        if (
            include.name in ("schedule", "committee-members", "committee-meetings", "organisation")
            and self.content.project is None
        ):
            self.diag.add(
                include.loc,
                "E501",
                f"include {include.name} には content/project.yaml が必要です",
                "project.yaml のエラーを直してください。",
            )
            return []
        blocks = handler(include)
        if include.caption or include.anchor:
            blocks = _recaption(blocks, include)
        return blocks

    # ------------------------------------------------------------ project.yaml

    def schedule(self, inc: m.Include) -> list[m.Block]:
        project = self.content.project
        assert project is not None
        loc = inc.loc
        months = [(int(x[:4]), int(x[5:7])) for x in project.months]
        year_row = [_cell("", loc, header=True)]
        for year, group in groupby(months, key=lambda ym: ym[0]):
            span = len(list(group))
            year_row.append(
                _cell(
                    era_label(year, self.layout.dates),
                    loc,
                    header=True,
                    align="center",
                    colspan=span,
                )
            )
        month_row = [_cell("", loc, header=True)] + [
            _cell(f"{mo}月", loc, header=True, align="center") for _, mo in months
        ]
        rows = [m.TableRow(tuple(year_row)), m.TableRow(tuple(month_row))]
        for task in project.tasks:
            label = f"【{task.name}】" + "".join(f"\n■ {step}" for step in task.steps)
            rows.append(
                m.TableRow((_cell(label, loc), *_schedule_cells(task, project.months, loc)))
            )
        widths = (2.6,) + (1.0,) * len(months)
        return [
            m.Table(
                tuple(rows),
                loc,
                header_rows=2,
                widths=widths,
                caption=m.Caption((m.Text("全体のスケジュール"),)),
                anchor="tbl:schedule",
                role="table-schedule",
            )
        ]

    def members(self, inc: m.Include) -> list[m.Block]:
        project = self.content.project
        assert project is not None
        loc = inc.loc
        rows = [m.TableRow((_cell("氏 名", loc, header=True), _cell("所 属", loc, header=True)))]
        for member in project.members:
            mark = "◎" if member.role == "委員長" else ""
            rows.append(
                m.TableRow((_cell(f"{mark}{member.name}", loc), _cell(member.affiliation, loc)))
            )
        blocks: list[m.Block] = [
            m.Table(
                tuple(rows),
                loc,
                widths=(1.0, 3.0),
                caption=m.Caption((m.Text("検討委員会 委員構成"),), source=(m.Text("◎：委員長"),)),
                anchor="tbl:members",
            )
        ]
        return blocks

    def meetings(self, inc: m.Include) -> list[m.Block]:
        project = self.content.project
        assert project is not None
        loc = inc.loc
        head = m.TableRow(
            tuple(_cell(t, loc, header=True) for t in ("", "開催日時", "開催方式・場所", "議題"))
        )
        rows = [head]
        for meeting in project.meetings:
            when = format_date(meeting.date, self.layout.dates)
            if meeting.start:
                when += f"\n{meeting.start}~{meeting.end}" if meeting.end else f"\n{meeting.start}~"
            where = meeting.format + (f"\n{meeting.place}" if meeting.place else "")
            agenda = m.ListBlock(
                tuple(m.ListItem((_p(a, loc),), loc) for a in meeting.agenda),
                loc,
                marker="・",
                role="cell-list",
            )
            rows.append(
                m.TableRow(
                    (
                        _cell(f"第{meeting.number}回", loc, header=True),
                        _cell(when, loc),
                        _cell(where, loc),
                        m.TableCell((agenda,)),
                    )
                )
            )
        return [
            m.Table(
                tuple(rows),
                loc,
                widths=(0.8, 1.6, 2.4, 3.4),
                caption=m.Caption((m.Text("検討委員会の開催日時、開催方式・場所、議題"),)),
                anchor="tbl:meetings",
            )
        ]

    def organisation(self, inc: m.Include) -> list[m.Block]:
        project = self.content.project
        assert project is not None
        org = project.organisation
        lines = [org.name]
        if org.postcode:
            lines.append(f"〒{org.postcode}")
        lines.append(org.address)
        if org.tel:
            lines.append(f"TEL {org.tel}")
        return [m.Paragraph((m.Text(line),), inc.loc, role="noindent") for line in lines]

    # ------------------------------------------------------------ cases

    def hearing_list(self, inc: m.Include) -> list[m.Block]:
        loc = inc.loc
        head = m.TableRow(
            tuple(
                _cell(t, loc, header=True)
                for t in (
                    "取組主体",
                    "取組・拠点の名称",
                    "対象地域",
                    "ヒアリング対象",
                    "ヒアリング実施日",
                )
            )
        )
        rows = [head]
        for case in sorted(self.content.cases.values(), key=lambda c: (c.interviewed_on, c.id)):
            targets = m.ListBlock(
                tuple(m.ListItem((_p(t, loc),), loc) for t in case.interviewees),
                loc,
                marker="・",
                role="cell-list",
            )
            rows.append(
                m.TableRow(
                    (
                        _cell(case.actor, loc),
                        _cell(case.initiative, loc),
                        _cell(case.place, loc),
                        m.TableCell((targets,)),
                        _cell(interview_line(case, self.layout), loc),
                    )
                )
            )
        return [
            m.Table(
                tuple(rows),
                loc,
                widths=(1.6, 1.8, 1.2, 2.2, 1.4),
                caption=m.Caption((m.Text("地域づくりヒアリングの調査対象"),)),
                anchor="tbl:hearing",
            )
        ]

    def case_types(self, inc: m.Include) -> list[m.Block]:
        loc = inc.loc
        out: list[m.Block] = []
        cases = self.content.cases_in_order()
        for case_type, group in groupby(cases, key=lambda c: c.type):
            label = self.layout.labels.get(f"case-type-{case_type}", "")
            out.append(
                m.Paragraph(
                    (m.Strong((m.Text(f"■事例タイプ{case_type} {label}"),)),), loc, role="noindent"
                )
            )
            items = tuple(
                m.ListItem(
                    (m.Paragraph((m.Text(f"{c.short_name}　{c.title}"),), loc, role="list"),), loc
                )
                for c in group
            )
            out.append(m.ListBlock(items, loc, marker="　"))
        return out

    def case_index(self, inc: m.Include) -> list[m.Block]:
        """The 事例一覧: type, place, actor, title and the case's first page."""
        loc = inc.loc
        head = m.TableRow(
            tuple(
                _cell(t, loc, header=True)
                for t in ("タイプ", "対象地域", "取組主体", "事例タイトル", "頁")
            )
        )
        rows = [head]
        for case in self.content.cases_in_order():
            page = m.TableCell(
                (m.Paragraph((m.Ref(case_anchor(case.id), loc, "page"),), loc, role="cell"),),
                align="right",
            )
            rows.append(
                m.TableRow(
                    (
                        _cell(str(case.type), loc, align="center"),
                        _cell(case.place, loc),
                        _cell(case.actor, loc),
                        m.TableCell(
                            (
                                m.Paragraph(
                                    (m.Link((m.Text(case.title),), f"#{case_anchor(case.id)}"),),
                                    loc,
                                    role="cell",
                                ),
                            )
                        ),
                        page,
                    )
                )
            )
        return [
            m.Table(
                tuple(rows),
                loc,
                widths=(0.6, 1.5, 2.0, 3.2, 0.5),
                caption=m.Caption((m.Text("事例一覧"),)),
                anchor="tbl:case-index",
            )
        ]

    def case(self, inc: m.Include) -> list[m.Block]:
        """One case's four pages in the flow (the 概略書 shows 養父市 as the example)."""
        case_id = inc.args[0] if inc.args else ""
        record = self.content.cases.get(case_id)
        if record is None:
            import difflib

            near = difflib.get_close_matches(case_id, list(self.content.cases), n=1)
            self.diag.add(
                inc.loc,
                "E202",
                f"事例「{case_id}」は content/cases/ にありません",
                f"「{near[0]}」ではありませんか。"
                if near
                else "::: include case yabu のように事例の id を書いてください。",
            )
            return []
        return [
            build_case(
                record,
                self.layout,
                self.diag,
                lambda image: (self.content.assets / image).is_file(),
            )
        ]

    # ------------------------------------------------------------ survey

    def _survey(self, inc: m.Include) -> Survey | None:
        if not self.content.surveys:
            self.diag.add(
                inc.loc,
                "E501",
                "アンケートのデータがありません",
                "content/survey/ に YAML を置いてください。",
            )
            return None
        if len(inc.args) >= 2 and inc.args[0] in self.content.surveys:
            return self.content.surveys[inc.args[0]]
        return next(iter(self.content.surveys.values()))

    def survey_response(self, inc: m.Include) -> list[m.Block]:
        survey = self._survey(inc)
        if survey is None:
            return []
        text = (
            f"調査対象数{survey.population}件、有効回収数{survey.valid}件、"
            f"有効回収率{survey.response_rate:.1f}%"
        )
        return [m.Paragraph((m.Text(text),), inc.loc, role="noindent")]

    def survey_chart(self, inc: m.Include) -> list[m.Block]:
        survey = self._survey(inc)
        if survey is None:
            return []
        qid = inc.args[-1] if inc.args else ""
        question = next((q for q in survey.questions if q.id == qid), None)
        if question is None:
            known = ", ".join(q.id for q in survey.questions)
            self.diag.add(
                inc.loc,
                "E202",
                f"設問「{qid}」はアンケートデータにありません",
                f"使える設問: {known}",
            )
            return []
        return [chart_figure(survey, question, inc.loc)]

    # ------------------------------------------------------------ policies

    def policy_cards(self, inc: m.Include) -> list[m.Block]:
        """The 他省庁の制度 cards, two side by side as in the seed (a layout grid)."""
        cards: list[m.Block] = [policy_card(p, self.diag) for p in self.content.policies_in_order()]
        rows = []
        for index in range(0, len(cards), 2):
            pair = cards[index : index + 2]
            cells = tuple(m.TableCell((card,)) for card in pair)
            if len(cells) == 1:
                cells += (m.TableCell(()),)
            rows.append(m.TableRow(cells))
        if not rows:
            return []
        return [
            m.Table(
                tuple(rows),
                inc.loc,
                header_rows=0,
                widths=(1.0, 1.0),
                numbered=False,
                role="card-grid",
            )
        ]


def chart_figure(survey: Survey, question: Question, loc: SourceLoc) -> m.Figure:
    """A survey question → a numbered figure with a chart drawn from its tallies."""
    chart = m.Chart(
        kind="hbar" if question.chart in ("hbar", "table") else question.chart,  # type: ignore[arg-type]
        categories=tuple(o.label for o in question.options),
        series=(m.Series("件数", tuple(float(o.count) for o in question.options)),),
        unit="件",
        n=question.n,
    )
    source = question.source or f"資料：{survey.title}"
    return m.Figure(
        loc=question.loc,
        caption=m.Caption(
            (m.Text(f"{question.text}（n={question.n}）"),), source=(m.Text(source),)
        ),
        chart=chart,
        anchor=f"fig:survey-{question.id}",
    )


def policy_card(policy: PolicySheet, diagnostics: Diagnostics) -> m.Box:
    """A policy sheet → a 他省庁の制度 card (a boxed block in the seed's section order)."""
    loc = policy.loc
    blocks: list[m.Block] = [
        m.Paragraph(
            (m.Text(f"所管省庁：{policy.ministry}　分類：{policy.category}"),),
            loc,
            role="card-meta",
        ),
        m.Heading(
            4, (m.Text("制度の概要"),), loc, numbered=False, in_toc=False, role="card-section"
        ),
        *text_blocks(policy.overview.value, policy.overview.loc, diagnostics, role="card-body"),
        m.Heading(
            4, (m.Text("支援内容等"),), loc, numbered=False, in_toc=False, role="card-section"
        ),
        *text_blocks(policy.support.value, policy.support.loc, diagnostics, role="card-body"),
        m.Heading(
            4,
            (m.Text("地域福祉関連の活用事例"),),
            loc,
            numbered=False,
            in_toc=False,
            role="card-section",
        ),
        m.ListBlock(
            tuple(
                m.ListItem(text_blocks(e.value, e.loc, diagnostics, role="card-body"), e.loc)
                for e in policy.examples
            ),
            loc,
            marker="■",
            role="card-list",
        ),
    ]
    if policy.links:
        blocks.append(
            m.Heading(
                4,
                (m.Text("詳しく知りたい場合は・・・"),),
                loc,
                numbered=False,
                in_toc=False,
                role="card-section",
            )
        )
        for link in policy.links:
            blocks.append(
                m.Paragraph(
                    (m.Text(f"{link.label} "), m.Link((m.Text(link.url),), link.url)),
                    loc,
                    role="card-small",
                )
            )
    if policy.sources:
        blocks.append(m.Paragraph((m.Text("出典）"),), loc, role="card-small"))
        for source in policy.sources:
            parts: list[m.Inline] = [m.Text(source.text)]
            if source.url:
                parts += [m.Text("，"), m.Link((m.Text(source.url),), source.url)]
            if source.accessed:
                parts.append(m.Text(f"（{_slash_date(source.accessed)}参照）"))
            blocks.append(m.Paragraph(tuple(parts), loc, role="card-small"))
    return m.Box("policy", (m.Text(policy.name),), tuple(blocks), loc)


def _recaption(blocks: list[m.Block], include: m.Include) -> list[m.Block]:
    """Give the first table or figure an include produced the caption/anchor written after it."""
    from dataclasses import replace

    out = list(blocks)
    for index, block in enumerate(out):
        if isinstance(block, m.Table | m.Figure):
            caption = block.caption or m.Caption(())
            if include.caption:
                caption = replace(caption, content=include.caption)
            out[index] = replace(block, caption=caption, anchor=include.anchor or block.anchor)
            break
    return out


def _slash_date(day: dt.date) -> str:
    """Access dates as the seed prints them: 2024/8/16."""
    return f"{day.year}/{day.month}/{day.day}"
