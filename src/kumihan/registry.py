"""Which renderer makes which file: one deliverable → its PDFs and DOCX, in memory.

The only module (with the CLI) that imports the renderers. `build_deliverable`
runs in a worker process: it loads and prepares the deliverable, renders the
print PDF (whose pagination also gives the DOCX its page numbers), the screen
PDF and the DOCX, preflights the print PDF, and returns the files' bytes and
all diagnostics. Nothing is written here; the caller writes all files or none.
"""

from __future__ import annotations

import fnmatch
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kumihan.cache import DeliverableCache, FitCache, files_digest
from kumihan.diagnostics import Diagnostic, Diagnostics, Severity
from kumihan.load.content import load_content
from kumihan.pipeline import Prepared, prepare, read_layout
from kumihan.render.pdf import PdfResult, make_context, render_pdf
from kumihan.render.pdf.measure import PdfMeasurer
from kumihan.units import MM

FORMATS = ("pdf", "docx")
VARIANTS = ("print", "screen")


@dataclass
class Artifact:
    name: str
    kind: str  # "PDF (印刷用)", "PDF (Web用)", "DOCX"
    pages: int
    data: bytes


@dataclass
class DeliverableBuild:
    deliverable: str
    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    preflight: list[str] = field(default_factory=list)  # formatted reports
    preflight_failed: bool = False
    case_pages: dict[str, list[int]] = field(default_factory=dict)
    from_cache: bool = False


def prepare_deliverable(
    root: Path, deliverable: str, diagnostics: Diagnostics, *, strict: bool
) -> Prepared | None:
    """Load, validate, assemble and transform one deliverable; None when content has errors."""
    content = load_content(root, diagnostics)
    layout = read_layout(root, deliverable, diagnostics)
    if layout is None:
        return None
    ctx = make_context(layout, root, "print")
    fit_store = FitCache(root, files_digest(root, layout_files(root)))
    prepared = prepare(
        root,
        deliverable,
        content,
        diagnostics,
        fonts=ctx.fonts,
        measurer=PdfMeasurer(ctx),
        layout=layout,
        strict=strict,
        fit_store=fit_store,
    )
    fit_store.save()
    return prepared


def layout_files(root: Path) -> list[Path]:
    return sorted((root / "layouts").glob("*.yaml"))


def inputs_of(root: Path, deliverable: str) -> list[Path]:
    """Every file a deliverable's build reads: the layouts, all YAML records, the Markdown
    files its manifest names, and everything under assets/. A change to any of them
    invalidates the deliverable's cached files; a change elsewhere does not."""
    diagnostics = Diagnostics()
    layout = read_layout(root, deliverable, diagnostics)
    content = root / "content"
    paths = layout_files(root) + sorted(content.rglob("*.yaml"))
    if layout is not None:
        globs = [p.source for p in layout.parts if p.kind == "markdown"]
        for path in sorted(content.rglob("*.md")):
            relative = path.relative_to(content).as_posix()
            if any(fnmatch.fnmatch(relative, g) for g in globs):
                paths.append(path)
    paths += [p for p in sorted((root / "assets").rglob("*")) if p.is_file()]
    return paths


def build_deliverable(
    root: Path,
    deliverable: str,
    formats: tuple[str, ...] = FORMATS,
    variants: tuple[str, ...] = VARIANTS,
    *,
    strict: bool = False,
    preflight: bool = True,
    use_cache: bool = True,
) -> DeliverableBuild:
    """Render one deliverable's files (in memory) or return why it cannot be built.

    When nothing the deliverable reads has changed since the last build with the same
    options, the cached files are returned without rendering.
    """
    cache = DeliverableCache(root)
    options = repr((formats, variants, strict, preflight, os.environ.get("SOURCE_DATE_EPOCH", "")))
    key = files_digest(root, inputs_of(root, deliverable), options)
    cached = cache.get(deliverable, key) if use_cache else None
    if isinstance(cached, DeliverableBuild):
        cached.from_cache = True
        return cached
    result = _build(root, deliverable, formats, variants, strict=strict, preflight=preflight)
    if not any(d.severity is Severity.ERROR for d in result.diagnostics) and result.artifacts:
        cache.put(deliverable, key, result)
    return result


def _build(
    root: Path,
    deliverable: str,
    formats: tuple[str, ...],
    variants: tuple[str, ...],
    *,
    strict: bool,
    preflight: bool,
) -> DeliverableBuild:
    diagnostics = Diagnostics()
    result = DeliverableBuild(deliverable)
    prepared = prepare_deliverable(root, deliverable, diagnostics, strict=strict)
    if prepared is None or _fails(diagnostics, strict):
        result.diagnostics = diagnostics.sorted()
        return result
    created = prepared.created
    layout = prepared.layout
    stem = layout.output
    printed: PdfResult | None = None
    if ("pdf" in formats and "print" in variants) or "docx" in formats:
        printed = render_pdf(prepared.document, layout, root, "print", created)
        result.case_pages = printed.record.case_pages
        if "pdf" in formats and "print" in variants:
            result.artifacts.append(
                Artifact(f"{stem}.pdf", "PDF（印刷用）", printed.pages, printed.data)
            )
            if preflight:
                _preflight(printed.data, layout.page.pad_to, layout.page.bleed, result)
    if "pdf" in formats and "screen" in variants:
        screen = render_pdf(prepared.document, layout, root, "screen", created)
        result.artifacts.append(
            Artifact(f"{stem}_web.pdf", "PDF（Web用）", screen.pages, screen.data)
        )
    if "docx" in formats:
        from kumihan.render.docx import render_docx

        assert printed is not None
        data = render_docx(prepared.document, layout, root, printed.record, created)
        result.artifacts.append(Artifact(f"{stem}.docx", "DOCX", printed.pages, data))
    result.diagnostics = diagnostics.sorted()
    return result


def _fails(diagnostics: Diagnostics, strict: bool) -> bool:
    if diagnostics.has_errors:
        return True
    return strict and any(d.code.startswith("W") for d in diagnostics.items)


def _preflight(data: bytes, pad_to: int, bleed: float, result: DeliverableBuild) -> None:
    from kumihan.verify.preflight import preflight

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        report = preflight(
            Path(handle.name), profile="print", page_multiple=pad_to or 2, bleed_mm=bleed / MM
        )
    result.preflight.append(report.format())
    result.preflight_failed = not report.passed
