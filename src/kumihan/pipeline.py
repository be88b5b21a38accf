"""The compiler's stages in order, for one project: load → validate → assemble → transform.

`prepare` takes the project root and a deliverable name; gives the layout and
the transformed `Document` (numbering, cross-references, contents, glyph
check, fit decisions), with every problem in the `Diagnostics`. The renderers
are called from `build.py` (the registry), never from here.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from kumihan import model as m
from kumihan.assemble import assemble
from kumihan.cache import BlobStore
from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.layout.spec import Layout, load_layout
from kumihan.load.content import Content, load_content
from kumihan.transforms.fit import FitStore, Measurer, fit_cases
from kumihan.transforms.glyphs import check_glyphs
from kumihan.transforms.images import check_images
from kumihan.transforms.normalise import normalise_document
from kumihan.transforms.numbering import number_document
from kumihan.transforms.toc import fill_toc
from kumihan.transforms.xref import resolve_refs
from kumihan.typeset.fonts import FontBook

DELIVERABLES = ("summary", "casebook", "report")
JST = dt.timezone(dt.timedelta(hours=9))


@dataclass
class Prepared:
    deliverable: str
    layout: Layout
    document: m.Document
    created: dt.datetime  # the timestamp written into every output


def source_date(content: Content | None) -> dt.datetime:
    """The timestamp written into outputs: SOURCE_DATE_EPOCH, else the issue date (09:00 JST).

    Never the wall clock, so the same inputs give byte-identical files.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    if content is not None and content.project is not None:
        issued = content.project.issued
        return dt.datetime(issued.year, issued.month, issued.day, 9, 0, tzinfo=JST)
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def layout_path(root: Path, deliverable: str) -> Path:
    return root / "layouts" / f"{deliverable}.yaml"


def read_layout(root: Path, deliverable: str, diagnostics: Diagnostics) -> Layout | None:
    path = layout_path(root, deliverable)
    if not path.is_file():
        diagnostics.add(
            SourceLoc(f"layouts/{deliverable}.yaml"),
            "E503",
            "レイアウトファイルがありません",
            f"layouts/{deliverable}.yaml を作ってください。",
        )
        return None
    return load_layout(path, root, diagnostics)


def prepare(
    root: Path,
    deliverable: str,
    content: Content,
    diagnostics: Diagnostics,
    *,
    fonts: FontBook,
    measurer: Measurer,
    layout: Layout,
    strict: bool = False,
    fit_store: FitStore | None = None,
    spreads: BlobStore | None = None,
) -> Prepared:
    """Assemble and transform one deliverable (content already loaded and validated).
    `fit_store` and `spreads`: the project's caches of fit decisions and case pages."""
    document = assemble(layout, content, diagnostics, spreads)
    document = normalise_document(document, layout.normalise, diagnostics)
    document = number_document(document, layout, diagnostics)
    document = resolve_refs(document, diagnostics)
    document = fill_toc(document)
    check_glyphs(document, fonts, layout.styles["body"].face, diagnostics, strict=strict)
    check_images(
        document, root / "assets", layout.page.frame_width, layout.print.min_ppi, diagnostics
    )
    document = fit_cases(document, layout, measurer, diagnostics, strict=strict, store=fit_store)
    return Prepared(deliverable, layout, document, source_date(content))


def load(root: Path, diagnostics: Diagnostics) -> Content:
    return load_content(root, diagnostics)
