"""Layout manifest + loaded content → one `Document` (before transforms).

Takes a deliverable's `Layout` (its `parts:` say what goes where) and the
loaded `Content`; gives the `Document` whose parts hold model blocks: chapters
with their includes resolved, the cover, the contents, the cases, the colophon.
A manifest entry naming nothing that exists is an error at its line in the
layout file.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import pickle
from dataclasses import replace

from kumihan import model as m
from kumihan.assemble.cases import build_case
from kumihan.assemble.includes import Includes
from kumihan.cache import BlobStore, toolkit_digest, value_digest
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.layout.spec import Layout, PartSpec
from kumihan.load.content import Content
from kumihan.load.markdown import Chapter
from kumihan.load.records import CaseRecord
from kumihan.transforms.dates import format_date, format_month


def assemble(
    layout: Layout,
    content: Content,
    diagnostics: Diagnostics,
    spreads: BlobStore | None = None,
) -> m.Document:
    """Build the deliverable's document from its manifest. With `spreads` (the project's
    cache), each case's four pages are kept there and taken back while the record, the
    layout and the toolkit are unchanged: rebuilding a spread parses its Markdown."""
    assembler = _Assembler(layout, content, diagnostics, spreads)
    parts: list[m.Part] = []
    for spec in layout.parts:
        parts.extend(assembler.part(spec))
    project = content.project
    meta = m.Metadata(
        title=f"{project.title} {layout.title}" if project else layout.title,
        subtitle=layout.title,
        author=project.organisation.name if project else "",
        subject=project.programme if project else "",
        keywords=("地域共生社会", "地域づくり", layout.title),
        organisation=project.organisation.name if project else "",
        issued=project.issued.isoformat() if project else "",
    )
    return m.Document(layout.deliverable, meta, tuple(parts))


class _Assembler:
    def __init__(
        self,
        layout: Layout,
        content: Content,
        diagnostics: Diagnostics,
        spreads: BlobStore | None = None,
    ) -> None:
        self.layout = layout
        self.content = content
        self.diag = diagnostics
        self.includes = Includes(content, layout, diagnostics)
        self.spreads = spreads
        self.layout_digest: bytes | None = None

    def exists(self, image: str) -> bool:
        return (self.content.assets / image).is_file()

    def part(self, spec: PartSpec) -> list[m.Part]:
        if spec.kind == "markdown":
            return self.markdown(spec)
        if spec.kind == "cover":
            return [self.simple(spec, (self.cover(spec),), "none")]
        if spec.kind == "toc":
            toc = m.Toc(spec.loc, title=spec.title or "目次", depth=self.layout.toc_depth)
            return [self.simple(spec, (toc,), spec.numbering)]
        if spec.kind == "cases":
            return self.cases(spec)
        if spec.kind == "case-index":
            heading = m.Heading(
                1,
                (m.Text(spec.title or "事例一覧"),),
                spec.loc,
                anchor="sec:case-index",
                numbered=False,
            )
            blocks = (heading, *self.includes.resolve(m.Include("case-index", (), spec.loc)))
            return [
                self.simple(spec, blocks, spec.numbering, running_head=spec.title or "事例一覧")
            ]
        if spec.kind == "colophon":
            return [self.simple(spec, (self.colophon(spec),), spec.numbering)]
        return []

    def simple(
        self, spec: PartSpec, blocks: tuple[m.Block, ...], numbering: str, running_head: str = ""
    ) -> m.Part:
        return m.Part(
            name=spec.name or spec.kind,
            blocks=blocks,
            loc=spec.loc,
            template=spec.template,
            numbering=numbering,  # type: ignore[arg-type]
            restart=spec.restart,
            start=spec.start,
            running_head=running_head or spec.running_head,
            bookmark=spec.title if spec.kind in ("toc", "colophon") else "",
        )

    # ------------------------------------------------------------ markdown chapters

    def markdown(self, spec: PartSpec) -> list[m.Part]:
        names = sorted(k for k in self.content.chapters if fnmatch.fnmatch(k, spec.source))
        if not names:
            self.diag.add(
                spec.loc,
                "E501",
                f"source: {spec.source} に当たる Markdown ファイルが content/ にありません",
                "ファイル名を確かめるか、parts: からこの行を消してください。",
                "parts.source",
            )
            return []
        parts = []
        for index, name in enumerate(names):
            chapter = self.content.chapters[name]
            blocks = list(self.resolve(chapter.blocks))
            if spec.heading_level:
                blocks = [_shift(b, spec.heading_level) for b in blocks]
            if index == 0 and spec.chapter:
                anchor = spec.chapter_anchor or f"sec:{spec.name}"
                blocks.insert(0, m.Heading(1, (m.Text(spec.chapter),), spec.loc, anchor=anchor))
            if chapter.footnotes:
                blocks.append(m.Notes(chapter.footnotes, SourceLoc(chapter.file)))
            head = spec.running_head or chapter.meta.running_head or _first_heading(blocks, chapter)
            first = index == 0
            parts.append(
                m.Part(
                    name=name,
                    blocks=tuple(blocks),
                    loc=SourceLoc(chapter.file, 1),
                    template=spec.template,
                    numbering=spec.numbering,
                    restart=spec.restart and first,
                    start=spec.start if first or spec.start != "continue" else "continue",
                    running_head=head,
                )
            )
        return parts

    def resolve(self, blocks: tuple[m.Block, ...]) -> list[m.Block]:
        """Replace includes (also inside boxes and quotes) by the blocks they stand for."""
        out: list[m.Block] = []
        for block in blocks:
            if isinstance(block, m.Include):
                out.extend(self.includes.resolve(block))
            elif isinstance(block, m.Box | m.Quote):
                out.append(replace(block, blocks=tuple(self.resolve(block.blocks))))
            else:
                out.append(block)
        return out

    # ------------------------------------------------------------ cases

    def spread(self, record: CaseRecord) -> m.CaseSpread:
        """`build_case`, through the store of spreads when there is one. A stored spread
        is keyed by the record, the layout and the toolkit, and kept with its problems and
        the pictures it looked for: it is used only while each is still there or absent."""
        store = self.spreads
        if store is None:
            return build_case(record, self.layout, self.diag, self.exists)
        if self.layout_digest is None:
            self.layout_digest = value_digest(self.layout)
        digest = hashlib.sha256(toolkit_digest().encode() + self.layout_digest)
        digest.update(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        name = f"{digest.hexdigest()}.pickle"
        found = store.get(name)
        if found is not None:
            with contextlib.suppress(Exception):  # damaged or foreign: built again
                spread, problems, looked_for = pickle.loads(found)
                if isinstance(spread, m.CaseSpread) and all(
                    self.exists(image) == there for image, there in looked_for
                ):
                    self.diag.extend(problems)
                    return spread
        looked: dict[str, bool] = {}

        def exists(image: str) -> bool:
            looked[image] = self.exists(image)
            return looked[image]

        problems = Diagnostics()
        spread = build_case(record, self.layout, problems, exists)
        self.diag.extend(problems.items)
        entry = (spread, problems.items, sorted(looked.items()))
        store.put(name, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        return spread

    def cases(self, spec: PartSpec) -> list[m.Part]:
        parts = []
        for record in self.content.cases_in_order():
            spread = self.spread(record)
            parts.append(
                m.Part(
                    name=f"case:{record.id}",
                    blocks=(spread,),
                    loc=record.loc,
                    template="case",
                    numbering=spec.numbering,
                    restart=False,
                    start=spec.start,
                    running_head=f"事例タイプ{record.type}　{record.place}",
                    subhead=record.title,
                )
            )
        unreadable = any(d.loc.file.startswith("content/cases/") for d in self.diag.errors)
        if not parts and not unreadable:  # when records failed, their errors say why
            self.diag.add(
                spec.loc,
                "E501",
                "content/cases/ に事例がありません",
                "事例の YAML を置くか、parts: から cases を消してください。",
            )
        return parts

    # ------------------------------------------------------------ cover and colophon

    def cover(self, spec: PartSpec) -> m.Cover:
        project = self.content.project
        if project is None:
            return m.Cover((("cover-title", self.layout.title),), spec.loc)
        issued = format_month(project.issued.year, project.issued.month, self.layout.dates)
        return m.Cover(
            (
                ("cover-programme", project.programme),
                ("cover-title", project.title),
                ("cover-kind", spec.title or self.layout.title),
                ("cover-date", issued),
                ("cover-org", project.organisation.name),
            ),
            spec.loc,
        )

    def colophon(self, spec: PartSpec) -> m.Colophon:
        project = self.content.project
        if project is None:
            return m.Colophon(self.layout.title, (), spec.loc)
        org = project.organisation
        address = (f"〒{org.postcode} " if org.postcode else "") + org.address
        rows = [
            ("発行日", format_date(project.issued, self.layout.dates)),
            ("発行", org.name),
            ("住所", address),
        ]
        if org.tel:
            rows.append(("電話", org.tel))
        rows.append(("", project.programme))
        return m.Colophon(f"{project.title}\n{self.layout.title}", tuple(rows), spec.loc)


def _first_heading(blocks: list[m.Block], chapter: Chapter) -> str:
    for block in blocks:
        if isinstance(block, m.Heading) and block.level == 1:
            return m.plain_text(block.content)
    return chapter.meta.title


def _shift(block: m.Block, by: int) -> m.Block:
    if isinstance(block, m.Heading):
        return replace(block, level=min(6, block.level + by))
    return block
