"""A case record → a `CaseSpread`: the four fixed pages of the 事例集.

Takes a validated `CaseRecord` and the layout's labels; gives four `CasePage`s
in the seed's structure (1 概要・学び・基本情報, 2 経緯, 3 働きかけ, 4 特徴・コメント).
Sections a draft record lacks become visible `Placeholder`s; a figure whose
file is absent becomes a placeholder frame with its caption.
"""

from __future__ import annotations

from collections.abc import Callable

from kumihan import model as m
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.layout.spec import Layout
from kumihan.load.markdown import parse_inline, text_blocks
from kumihan.load.records import BlockRec, CaseRecord, FigureRec, Txt, missing_sections
from kumihan.transforms.dates import format_date
from kumihan.transforms.walk import iter_blocks

PAGE_ROLES = ("overview", "history", "approach", "features")

# section titles printed on the pages (fixed by the 事例集's design; the seed's wording)
TITLES = {
    "summary": "事業の概要",
    "learnings": "この事例からの学び",
    "profile": "事例の基本情報",
    "structure": "地域づくりの取組体制、関係機関",
    "programs": "地域づくりの取組に活用している制度",
    "history": "包括的な支援体制の整備に向けた地域づくりの取組の経緯",
    "approach": "この事例で行われている地域への働きかけ",
    "individual": "個別支援を起点とした地域への働きかけ",
    "community": "地域そのものへの働きかけ",
    "features": "取組の特徴、今後に向けて",
}


class _CaseBuilder:
    def __init__(
        self,
        record: CaseRecord,
        layout: Layout,
        diagnostics: Diagnostics,
        assets_exists: Callable[[str], bool],
    ) -> None:
        self.record = record
        self.layout = layout
        self.diag = diagnostics
        self.exists = assets_exists
        self.label = layout.labels

    def mark(self, name: str, default: str) -> str:
        return self.label.get(f"case-{name}-mark", default)

    def text(self, txt: Txt, role: str) -> tuple[m.Block, ...]:
        return text_blocks(txt.value, txt.loc, self.diag, role=role)

    def inline(self, value: str, loc: SourceLoc) -> m.Inlines:
        return parse_inline(value, loc, self.diag)

    def heading(self, key: str, loc: SourceLoc, role: str = "case-section") -> m.Heading:
        return m.Heading(
            level=3,
            content=(m.Text(TITLES[key]),),
            loc=loc,
            numbered=False,
            in_toc=False,
            role=role,
        )

    def placeholder(self, key: str, loc: SourceLoc, lines: int = 3) -> m.Placeholder:
        word = self.label.get("placeholder", "原稿準備中")
        return m.Placeholder(f"{word}：{TITLES.get(key, key)}", loc, lines)

    def figure(self, fig: FigureRec, role: str = "case-figure", width: float = 1.0) -> m.Figure:
        return m.Figure(
            loc=fig.loc,
            caption=m.Caption(self.inline(fig.caption, fig.loc)),
            image=fig.image,
            credit=fig.credit,
            width=width,
            missing=not self.exists(fig.image),
            numbered=False,
            role=role,
        )

    def block(
        self,
        block: BlockRec,
        *,
        mark: str,
        heading_role: str,
        body_role: str,
        list_marker: str = "・",
    ) -> list[m.Block]:
        """A record *block*: a marked heading, its text, its items, its figure."""
        out: list[m.Block] = [
            m.Heading(
                level=4,
                content=(m.Text(f"{mark}{block.heading}" if mark else block.heading),),
                loc=block.loc,
                numbered=False,
                in_toc=False,
                role=heading_role,
            )
        ]
        body: list[m.Block] = []
        if block.text is not None:
            body.extend(self.text(block.text, body_role))
        if block.items:
            items = tuple(
                m.ListItem(self.text(item, f"{body_role}-item"), item.loc) for item in block.items
            )
            body.append(m.ListBlock(items, block.loc, marker=list_marker, role="case-list"))
        if block.figure is None:
            return out + body
        # a story with a photo: the photo sits beside the text, as on the seed's page 4
        figure = self.figure(block.figure, width=1.0)
        row = m.TableRow((m.TableCell(tuple(body)), m.TableCell((figure,))))
        out.append(
            m.Table(
                (row,),
                block.loc,
                header_rows=0,
                widths=(0.63, 0.37),
                numbered=False,
                role="case-aside",
            )
        )
        return out

    # ------------------------------------------------------------ the four pages

    def page1(self) -> m.CasePage:
        r = self.record
        loc = r.loc
        label = self.label.get(f"case-type-{r.type}", "")
        blocks: list[m.Block] = [
            m.Band(f"事例タイプ{r.type} ▶▶▶ {label}", r.place, r.title, loc),
            self.heading("summary", loc),
        ]
        sections = ["事業の概要"]
        if r.summary is not None:
            blocks.extend(self.text(r.summary, "case-lead"))
        else:
            blocks.append(self.placeholder("summary", loc))
        blocks.append(self.heading("learnings", loc))
        sections.append("この事例からの学び")
        if r.learnings:
            for learning in r.learnings:
                body = self.block(
                    learning,
                    mark=self.mark("learning", "●"),
                    heading_role="case-learning",
                    body_role="case-body",
                )
                blocks.extend(body)
        else:
            blocks.append(self.placeholder("learnings", loc))
        blocks.append(self.heading("profile", loc))
        sections.append("事例の基本情報")
        blocks.extend(self.profile())
        return m.CasePage(r.id, 1, "overview", tuple(blocks), loc, tuple(sections))

    def profile(self) -> list[m.Block]:
        r = self.record
        loc = r.loc
        out: list[m.Block] = []
        facts = []
        if r.population is not None:
            facts.append(f"人口 {r.population:,}人")
        if r.aging_rate is not None:
            facts.append(f"高齢化率 {r.aging_rate:.1f}%")
        if facts:
            out.append(
                m.Paragraph((m.Text(f"（{r.place}）" + "　".join(facts)),), loc, role="case-facts")
            )
        else:
            out.append(self.placeholder("profile", loc, lines=1))
        if r.figure is not None:
            out.append(self.figure(r.figure, width=0.6))
        step = self.mark("step", "▶")
        for key, txt in (("structure", r.structure), ("programs", r.programs)):
            out.append(
                m.Heading(
                    level=4,
                    content=(m.Text(f"{step} {TITLES[key]}"),),
                    loc=loc,
                    numbered=False,
                    in_toc=False,
                    role="case-step",
                )
            )
            if txt is not None:
                out.extend(self.text(txt, "case-body"))
            else:
                out.append(self.placeholder(key, loc, lines=2))
        return out

    def page2(self) -> m.CasePage:
        r = self.record
        blocks: list[m.Block] = [self.heading("history", r.loc, role="case-page-title")]
        if r.history:
            for period in r.history:
                blocks.append(
                    m.Heading(
                        level=4,
                        content=(m.Text(period.period),),
                        loc=period.loc,
                        numbered=False,
                        in_toc=False,
                        role="case-period",
                    )
                )
                for event in period.events:
                    blocks.extend(
                        self.block(
                            event,
                            mark=self.mark("event", "■"),
                            heading_role="case-event",
                            body_role="case-body",
                        )
                    )
        else:
            blocks.append(self.placeholder("history", r.loc, lines=6))
        for note in r.notes:
            inner: list[m.Block] = []
            if note.text is not None:
                inner.extend(self.text(note.text, "box-body"))
            if note.items:
                inner.append(
                    m.ListBlock(
                        tuple(m.ListItem(self.text(i, "box-body"), i.loc) for i in note.items),
                        note.loc,
                        role="case-list",
                    )
                )
            blocks.append(m.Box("case-note", (m.Text(note.heading),), tuple(inner), note.loc))
        return m.CasePage(
            r.id,
            2,
            "history",
            tuple(blocks),
            r.loc,
            ("取組の経緯",) + (("ボックス",) if r.notes else ()),
        )

    def page3(self) -> m.CasePage:
        r = self.record
        blocks: list[m.Block] = [self.heading("approach", r.loc, role="case-page-title")]
        sections = []
        for key, items in (("individual", r.individual), ("community", r.community)):
            blocks.append(self.heading(key, r.loc))
            sections.append(TITLES[key])
            if not items:
                blocks.append(self.placeholder(key, r.loc, lines=5))
                continue
            for item in items:
                if _is_outcome(item):
                    inner = list(self.text(item.text, "box-body")) if item.text else []
                    if item.items:
                        inner.append(
                            m.ListBlock(
                                tuple(
                                    m.ListItem(self.text(i, "box-body"), i.loc) for i in item.items
                                ),
                                item.loc,
                                role="case-list",
                            )
                        )
                    blocks.append(
                        m.Box(
                            "outcome",
                            (m.Text(f"{self.mark('step', '▶')} {item.heading}"),),
                            tuple(inner),
                            item.loc,
                        )
                    )
                else:
                    blocks.extend(
                        self.block(
                            item,
                            mark=f"{self.mark('step', '▶')} " if key == "individual" else "",
                            heading_role="case-step",
                            body_role="case-body",
                        )
                    )
        return m.CasePage(r.id, 3, "approach", tuple(blocks), r.loc, tuple(sections))

    def page4(self) -> m.CasePage:
        r = self.record
        blocks: list[m.Block] = [self.heading("features", r.loc, role="case-page-title")]
        sections = ["取組の特徴"]
        if r.features:
            for feature in r.features:
                blocks.extend(
                    self.block(
                        feature,
                        mark=self.mark("feature", "○ "),
                        heading_role="case-feature",
                        body_role="case-body",
                    )
                )
        else:
            blocks.append(self.placeholder("features", r.loc, lines=8))
        sections.append("コメント")
        if r.voices:
            for voice in r.voices:
                inner = list(self.text(voice.text, "box-body")) if voice.text else []
                if voice.items:
                    inner.append(
                        m.ListBlock(
                            tuple(m.ListItem(self.text(i, "box-body"), i.loc) for i in voice.items),
                            voice.loc,
                            role="case-list",
                        )
                    )
                footer = (m.Text(f"（{voice.speaker}のコメント）"),) if voice.speaker else ()
                blocks.append(
                    m.Box(
                        "comment", (m.Text(voice.heading),), tuple(inner), voice.loc, footer=footer
                    )
                )
        else:
            blocks.append(
                m.Placeholder(f"{self.label.get('placeholder', '原稿準備中')}：コメント", r.loc, 4)
            )
        return m.CasePage(r.id, 4, "features", tuple(blocks), r.loc, tuple(sections))


def _is_outcome(block: BlockRec) -> bool:
    """得られたアウトカム blocks are set apart in a box (as in the seed's page 3)."""
    return "アウトカム" in block.heading


def case_anchor(case_id: str) -> str:
    return f"case:{case_id}"


def build_case(
    record: CaseRecord,
    layout: Layout,
    diagnostics: Diagnostics,
    assets_exists: Callable[[str], bool],
) -> m.CaseSpread:
    """One case record → its four pages (fit decided later by the fit transform)."""
    builder = _CaseBuilder(record, layout, diagnostics, assets_exists)
    pages = (builder.page1(), builder.page2(), builder.page3(), builder.page4())
    if record.is_draft:
        missing = missing_sections(record)
        if missing:
            names = "、".join(label for _, _, label in missing)
            diagnostics.add(
                record.loc,
                "W403",
                f"事例「{record.id}」は draft で、{len(missing)} 項目が原稿準備中です（{names}）",
                "原稿がそろったら項目を書き、status: final にしてください。",
            )
    # a draft build shows absent pictures as frames; --strict (the final build) refuses them
    for figure in [f for p in pages for f in _figures(p.blocks)]:
        if figure.missing:
            diagnostics.add(
                figure.loc,
                "W108",
                f"assets/{figure.image} がありません（「{m.plain_text(figure.caption.content) if figure.caption else ''}」の枠を表示します）",
                "画像ファイルを assets/ に置くか、パスを直してください。--strict では エラーになります。",
            )
    return m.CaseSpread(
        case_id=record.id,
        title=record.title,
        place=record.place,
        pages=pages,
        loc=record.loc,
        anchor=case_anchor(record.id),
    )


def _figures(blocks: tuple[m.Block, ...]) -> list[m.Figure]:
    """Every figure on a page, also inside boxes and the photo-beside-text rows."""
    return [b for b in iter_blocks(blocks) if isinstance(b, m.Figure)]


def interview_line(record: CaseRecord, layout: Layout) -> str:
    """ヒアリング実施日 in the house date style."""
    return format_date(record.interviewed_on, layout.dates)
