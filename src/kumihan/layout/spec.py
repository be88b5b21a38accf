"""Typed layout: how a deliverable looks, read from `layouts/*.yaml`.

Takes a deliverable's layout file (which `extends:` the house style); gives a
frozen `Layout` with lengths in points and colours in CMYK. Every size, font,
colour and spacing the renderers use comes from here — code never hard-codes
10.5 pt. Bad values are diagnostics with the layout file's line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.load.yamlsource import Located, load_yaml_file
from kumihan.pickling import speed_up_pickling
from kumihan.typeset.types import Color, Rules
from kumihan.units import LengthError, to_points

PAPER = {"A4": (595.2756, 841.8898), "A5": (419.5276, 595.2756), "B5": (515.9055, 728.5039)}


@dataclass(frozen=True, slots=True)
class FaceDecl:
    """A font face: its key, file (under assets/fonts), Latin companion and the Word name."""

    key: str
    file: str
    latin: str = ""
    docx: str = ""
    docx_alt: str = ""


@dataclass(frozen=True, slots=True)
class Style:
    """A paragraph (or inline) style: everything needed to set it in PDF and in DOCX."""

    name: str
    face: str = "mincho"
    size: float = 10.5
    leading: float = 18.0
    space_before: float = 0.0
    space_after: float = 0.0
    indent_first: float = 0.0  # points
    indent_left: float = 0.0
    indent_right: float = 0.0
    align: Literal["justify", "left", "center", "right"] = "justify"
    color: Color = (0.0, 0.0, 0.0, 1.0)
    background: Color | None = None
    rule_below: float = 0.0  # a rule under the paragraph (heading underline), points
    rule_color: Color = (0.0, 0.0, 0.0, 1.0)
    keep_with_next: bool = False
    page_break_before: bool = False
    docx: str = ""  # the Word style name (built-in English name or a Japanese custom name)
    docx_id: str = ""
    outline: int = 0  # outline level for headings (1-based; 0 = none)

    @property
    def indent_first_chars(self) -> float:
        return self.indent_first / self.size if self.size else 0.0


@dataclass(frozen=True, slots=True)
class BoxStyle:
    """How a boxed note is drawn."""

    name: str
    border: Color | None = (0.0, 0.0, 0.0, 1.0)
    border_width: float = 0.5
    background: Color | None = None
    padding: float = 6.0
    title_style: str = "box-title"
    body_style: str = "box-body"
    footer_style: str = "box-footer"
    title_band: Color | None = None  # a filled band behind the title
    space_before: float = 6.0
    space_after: float = 6.0


@dataclass(frozen=True, slots=True)
class Margins:
    top: float
    bottom: float
    inside: float
    outside: float


@dataclass(frozen=True, slots=True)
class HeaderFooter:
    """Texts of a header or footer by position; fields: {page} {running_head} {title} {organisation}."""

    left: str = ""
    center: str = ""
    right: str = ""
    style: str = "footer"
    rule: bool = False


@dataclass(frozen=True, slots=True)
class PageTemplate:
    name: str
    header: HeaderFooter | None = None
    footer: HeaderFooter | None = None
    mirror: bool = True  # swap left/right on even pages
    margins: Margins | None = None  # overrides the page margins (case pages are set wider)


@dataclass(frozen=True, slots=True)
class PageSpec:
    width: float
    height: float
    margins: Margins
    header_distance: float  # trim top → header baseline
    footer_distance: float  # trim bottom → footer baseline
    bleed: float
    slug: float  # room outside the bleed for トンボ
    pad_to: int = 0  # pad page count to a multiple (0 = no padding)
    line_pitch: float = 18.0  # the document grid (DOCX w:docGrid)

    @property
    def frame_width(self) -> float:
        return self.width - self.margins.inside - self.margins.outside

    @property
    def frame_height(self) -> float:
        return self.height - self.margins.top - self.margins.bottom


@dataclass(frozen=True, slots=True)
class FitStep:
    size: float
    leading: float


@dataclass(frozen=True, slots=True)
class FitSpec:
    """The fit ladder for fixed-page content: steps tried in order, applied to `styles`."""

    steps: tuple[FitStep, ...] = ()
    styles: tuple[str, ...] = ()
    reserve: float = 0.0  # points kept free at the page foot (room for Word's rounding)


@dataclass(frozen=True, slots=True)
class PrintSpec:
    icc_profile: str = "icc/ISOcoated_v2_300_bas.icc"
    output_condition: str = "Japan Color 2001 Coated"
    output_condition_id: str = "JC200103"
    registry: str = "http://www.color.org"
    min_ppi: int = 300


@dataclass(frozen=True, slots=True)
class Normalise:
    fullwidth_ascii: bool = False
    wave_dash: str = ""  # "" = leave; "〜" or "～" = unify to that character
    halfwidth_kana: bool = True


@dataclass(frozen=True, slots=True)
class PartSpec:
    """One entry of a deliverable's manifest (`parts:` in its layout)."""

    kind: Literal["markdown", "cover", "toc", "cases", "case-index", "colophon", "include"]
    loc: SourceLoc
    source: str = ""  # glob relative to content/ for kind markdown
    name: str = ""
    template: str = "body"
    numbering: Literal["none", "roman", "arabic"] = "arabic"
    restart: bool = False
    start: Literal["next", "right", "continue"] = "next"
    running_head: str = ""
    title: str = ""
    heading_level: int = 0  # shift Markdown headings by this many levels
    chapter: str = ""  # a chapter heading put before the part's content
    chapter_anchor: str = ""


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything about how one deliverable looks and what goes in it."""

    deliverable: str
    title: str
    output: str  # output file stem
    file: str
    page: PageSpec
    faces: tuple[FaceDecl, ...]
    fallback_faces: tuple[str, ...]
    colors: dict[str, Color]
    styles: dict[str, Style]
    boxes: dict[str, BoxStyle]
    templates: dict[str, PageTemplate]
    numbering: dict[str, str]
    bullets: tuple[str, ...]
    rules: Rules
    normalise: Normalise
    dates: Literal["wareki", "seireki"]
    fit: FitSpec
    print: PrintSpec
    parts: tuple[PartSpec, ...]
    labels: dict[str, str] = field(default_factory=dict)
    toc_depth: int = 2
    spacing: dict[str, tuple[float, float]] = field(default_factory=dict)  # block → (before, after)

    def space(self, kind: str) -> tuple[float, float]:
        """Space before and after a table-like block (``table``, ``aside``, ``placeholder``, ``band``)."""
        return self.spacing.get(kind, (0.0, 0.0))

    def style(self, name: str) -> Style:
        """The style `name`, falling back along its dashed prefix (case-body → body)."""
        probe = name
        while probe:
            if probe in self.styles:
                return self.styles[probe]
            probe = probe.rpartition("-")[0]
        return self.styles["body"]

    def margins(self, template: str) -> Margins:
        """The margins of pages made with `template` (its own, or the page's)."""
        spec = self.templates.get(template)
        return spec.margins if spec is not None and spec.margins is not None else self.page.margins

    def frame_size(self, template: str) -> tuple[float, float]:
        """The text frame's width and height on pages made with `template`."""
        margins = self.margins(template)
        return (
            self.page.width - margins.inside - margins.outside,
            self.page.height - margins.top - margins.bottom,
        )

    def face(self, key: str) -> FaceDecl:
        return next(f for f in self.faces if f.key == key)

    def with_styles(self, styles: dict[str, Style]) -> Layout:
        return replace(self, styles=styles)


# ---------------------------------------------------------------- loading


class _LayoutReader:
    """Reads the merged layout dict into typed objects, reporting bad values."""

    def __init__(self, sources: list[Located], diagnostics: Diagnostics) -> None:
        self.sources = sources  # deliverable first, then what it extends
        self.diag = diagnostics

    def loc(self, path: str) -> SourceLoc:
        for source in self.sources:
            probe = path
            while probe:
                if probe in source.locs:
                    return source.locs[probe]
                probe = probe.rpartition(".")[0]
        return SourceLoc(self.sources[0].file, 1)

    def key_loc(self, path: str) -> SourceLoc:
        """Where the key introducing `path` is written (a misspelt key is pointed at)."""
        for source in self.sources:
            if path in source.key_locs:
                return source.key_locs[path]
        return self.loc(path)

    def length(self, value: Any, path: str, em: float | None = None, default: float = 0.0) -> float:
        if value is None:
            return default
        try:
            return to_points(value, em)
        except LengthError as exc:
            self.diag.add(
                self.loc(path), "E503", str(exc), "10.5pt、3mm、1em のように書いてください。", path
            )
            return default

    def color(self, value: Any, path: str, colors: dict[str, Color]) -> Color:
        if isinstance(value, str) and value in colors:
            return colors[value]
        if (
            isinstance(value, list)
            and len(value) == 4
            and all(isinstance(v, int | float) for v in value)
        ):
            c, mm_, y, k = (float(v) / 100.0 for v in value)
            if all(0 <= v <= 1 for v in (c, mm_, y, k)):
                return (c, mm_, y, k)
        self.diag.add(
            self.loc(path),
            "E503",
            f"色「{value}」が読めません",
            "CMYK のパーセント [C, M, Y, K]（例: [0, 0, 0, 100]）か、colors: に定義した名前を書いてください。",
            path,
        )
        return (0.0, 0.0, 0.0, 1.0)

    def check_keys(self, data: dict[str, Any], known: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in known:
                near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
                self.diag.add(
                    self.key_loc(f"{path}.{key}" if path else str(key)),
                    "E503",
                    f"「{key}」というレイアウト項目はありません",
                    f"「{near[0]}」の書き間違いではありませんか。"
                    if near
                    else f"使える項目: {', '.join(known)}",
                    f"{path}.{key}" if path else str(key),
                )


_STYLE_KEYS = (
    "font",
    "size",
    "leading",
    "space_before",
    "space_after",
    "indent",
    "indent_left",
    "indent_right",
    "align",
    "color",
    "background",
    "rule_below",
    "rule_color",
    "keep_with_next",
    "page_break_before",
    "docx",
    "docx_id",
    "outline",
    "based_on",
)
_BOX_KEYS = (
    "border",
    "border_width",
    "background",
    "padding",
    "title_style",
    "body_style",
    "footer_style",
    "title_band",
    "space_before",
    "space_after",
)
_TOP_KEYS = (
    "extends",
    "deliverable",
    "title",
    "output",
    "page",
    "fonts",
    "colors",
    "styles",
    "boxes",
    "templates",
    "numbering",
    "bullets",
    "typesetting",
    "fit",
    "print",
    "parts",
    "labels",
    "toc_depth",
    "spacing",
)


def _merge(base: Any, over: Any) -> Any:
    """Deep-merge two layout dicts: mappings merge key by key, everything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return over


def load_layout(path: Path, root: Path, diagnostics: Diagnostics) -> Layout | None:
    """Read `layouts/<deliverable>.yaml` and what it extends into a `Layout`."""
    sources: list[Located] = []
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None:
        if current in seen:
            diagnostics.add(SourceLoc(_rel(current, root)), "E503", "extends が循環しています", "")
            return None
        seen.add(current)
        located = load_yaml_file(current, _rel(current, root), diagnostics)
        if located is None:
            return None
        if not isinstance(located.data, dict):
            diagnostics.add(
                SourceLoc(located.file, 1),
                "E503",
                "レイアウトは「キー: 値」の形で書いてください",
                "",
            )
            return None
        sources.append(located)
        parent = located.data.get("extends")
        current = path.parent / f"{parent}.yaml" if parent else None
        if current is not None and not current.is_file():
            diagnostics.add(
                located.loc("extends"),
                "E503",
                f"extends: {parent} のファイル {parent}.yaml がありません",
                "",
                "extends",
            )
            return None
    merged: dict[str, Any] = {}
    for located in reversed(sources):
        merged = _merge(merged, located.data)
    reader = _LayoutReader(sources, diagnostics)
    return _read(merged, reader, sources[0].file, path.stem)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _read(data: dict[str, Any], r: _LayoutReader, file: str, stem: str) -> Layout:
    r.check_keys(data, _TOP_KEYS, "")
    colors: dict[str, Color] = {}
    for name, value in (data.get("colors") or {}).items():
        colors[name] = r.color(value, f"colors.{name}", colors)
    page = _read_page(data.get("page") or {}, r)
    faces = []
    fallback: tuple[str, ...] = ()
    for key, value in (data.get("fonts") or {}).items():
        if key == "fallback":
            fallback = tuple(value or ())
            continue
        faces.append(
            FaceDecl(
                key=key,
                file=str(value.get("file", "")),
                latin=str(value.get("latin", "")),
                docx=str(value.get("docx", "")),
                docx_alt=str(value.get("docx_alt", "")),
            )
        )
    face_keys = {f.key for f in faces}
    styles = _read_styles(data.get("styles") or {}, r, colors, face_keys)
    boxes = {
        name: _read_box(name, value or {}, r, colors)
        for name, value in (data.get("boxes") or {}).items()
    }
    templates = {
        name: _read_template(name, value or {}, r)
        for name, value in (data.get("templates") or {}).items()
    }
    typesetting = data.get("typesetting") or {}
    rules = Rules(
        kinsoku="strict" if typesetting.get("kinsoku") == "strict" else "general",
        hanging=bool(typesetting.get("hanging", False)),
        latin_space=float(str(typesetting.get("latin_space", "0.25em")).removesuffix("em") or 0)
        if typesetting.get("latin_space") not in (False, None, "off")
        else 0.0,
    )
    norm = typesetting.get("normalise") or {}
    normalise = Normalise(
        fullwidth_ascii=bool(norm.get("fullwidth_ascii", False)),
        wave_dash=str(norm.get("wave_dash", "") or ""),
        halfwidth_kana=bool(norm.get("halfwidth_kana", True)),
    )
    fit_data = data.get("fit") or {}
    fit = FitSpec(
        steps=tuple(
            FitStep(
                r.length(s.get("size"), f"fit.steps[{i}].size"),
                r.length(s.get("leading"), f"fit.steps[{i}].leading"),
            )
            for i, s in enumerate(fit_data.get("steps") or [])
        ),
        styles=tuple(fit_data.get("styles") or ()),
        reserve=r.length(fit_data.get("reserve"), "fit.reserve"),
    )
    pr = data.get("print") or {}
    defaults = PrintSpec()  # (slots: class attributes are descriptors, not the defaults)
    print_spec = PrintSpec(
        icc_profile=str(pr.get("icc_profile", defaults.icc_profile)),
        output_condition=str(pr.get("output_condition", defaults.output_condition)),
        output_condition_id=str(pr.get("output_condition_id", defaults.output_condition_id)),
        registry=str(pr.get("registry", defaults.registry)),
        min_ppi=int(pr.get("min_ppi", defaults.min_ppi)),
    )
    parts = tuple(_read_part(i, p or {}, r) for i, p in enumerate(data.get("parts") or []))
    dates: Literal["wareki", "seireki"] = (
        "seireki" if typesetting.get("dates") == "seireki" else "wareki"
    )
    return Layout(
        deliverable=str(data.get("deliverable", stem)),
        title=str(data.get("title", stem)),
        output=str(data.get("output", stem)),
        file=file,
        page=page,
        faces=tuple(faces),
        fallback_faces=fallback,
        colors=colors,
        styles=styles,
        boxes=boxes,
        templates=templates,
        numbering={str(k): str(v) for k, v in (data.get("numbering") or {}).items()},
        bullets=tuple(str(b) for b in (data.get("bullets") or ("・",))),
        rules=rules,
        normalise=normalise,
        dates=dates,
        fit=fit,
        print=print_spec,
        parts=parts,
        labels={str(k): str(v) for k, v in (data.get("labels") or {}).items()},
        toc_depth=int(data.get("toc_depth", 2)),
        spacing={
            str(name): (
                r.length((value or {}).get("before", 0), f"spacing.{name}.before"),
                r.length((value or {}).get("after", 0), f"spacing.{name}.after"),
            )
            for name, value in (data.get("spacing") or {}).items()
        },
    )


def _read_page(data: dict[str, Any], r: _LayoutReader) -> PageSpec:
    r.check_keys(
        data,
        ("size", "margins", "header", "footer", "bleed", "slug", "pad_to", "line_pitch"),
        "page",
    )
    size = data.get("size", "A4")
    if isinstance(size, str) and size in PAPER:
        width, height = PAPER[size]
    elif isinstance(size, list) and len(size) == 2:
        width, height = r.length(size[0], "page.size"), r.length(size[1], "page.size")
    else:
        r.diag.add(
            r.loc("page.size"),
            "E503",
            f"用紙サイズ「{size}」が読めません",
            "A4 か [210mm, 297mm] と書いてください。",
            "page.size",
        )
        width, height = PAPER["A4"]
    bleed = r.length(data.get("bleed", "3mm"), "page.bleed")
    return PageSpec(
        width=width,
        height=height,
        margins=_read_margins(data.get("margins") or {}, "page.margins", r),
        header_distance=r.length(data.get("header", "12mm"), "page.header"),
        footer_distance=r.length(data.get("footer", "12mm"), "page.footer"),
        bleed=bleed,
        slug=r.length(data.get("slug", "12mm"), "page.slug"),
        pad_to=int(data.get("pad_to", 0) or 0),
        line_pitch=r.length(data.get("line_pitch", "18pt"), "page.line_pitch"),
    )


def _read_styles(
    data: dict[str, Any], r: _LayoutReader, colors: dict[str, Color], faces: set[str]
) -> dict[str, Style]:
    styles: dict[str, Style] = {}
    pending = dict(data)
    # resolve `based_on` in dependency order; a style without it starts from defaults
    for _ in range(len(pending) + 1):
        progressed = False
        for name, value in list(pending.items()):
            value = value or {}
            base_name = value.get("based_on")
            if base_name and base_name not in styles:
                if base_name not in data:
                    r.diag.add(
                        r.loc(f"styles.{name}.based_on"),
                        "E503",
                        f"based_on: {base_name} というスタイルはありません",
                        "",
                        f"styles.{name}.based_on",
                    )
                    base_name = None
                else:
                    continue
            base = styles[base_name] if base_name else Style(name)
            styles[name] = _read_style(name, value, base, r, colors, faces)
            del pending[name]
            progressed = True
        if not pending or not progressed:
            break
    for name in pending:
        r.diag.add(
            r.loc(f"styles.{name}"),
            "E503",
            f"スタイル {name} の based_on が循環しています",
            "",
            f"styles.{name}",
        )
    if "body" not in styles:
        styles["body"] = Style("body")
    return styles


def _read_style(
    name: str,
    value: dict[str, Any],
    base: Style,
    r: _LayoutReader,
    colors: dict[str, Color],
    faces: set[str],
) -> Style:
    path = f"styles.{name}"
    r.check_keys(value, _STYLE_KEYS, path)
    face = str(value.get("font", base.face))
    if faces and face not in faces:
        near = difflib.get_close_matches(face, sorted(faces), n=1)
        r.diag.add(
            r.loc(f"{path}.font"),
            "E503",
            f"フォント「{face}」は fonts: にありません",
            f"「{near[0]}」ではありませんか。" if near else "",
            f"{path}.font",
        )
        face = base.face
    size = r.length(value.get("size"), f"{path}.size", default=base.size)
    align = str(value.get("align", base.align))
    if align not in ("justify", "left", "center", "right"):
        r.diag.add(
            r.loc(f"{path}.align"),
            "E503",
            f"align「{align}」は使えません",
            "justify / left / center / right のどれかにしてください。",
            f"{path}.align",
        )
        align = base.align
    return Style(
        name=name,
        face=face,
        size=size,
        # without its own leading, a style keeps its base's leading in proportion to its size
        leading=r.length(
            value.get("leading"),
            f"{path}.leading",
            em=size,
            default=base.leading * size / base.size,
        ),
        space_before=r.length(
            value.get("space_before"), f"{path}.space_before", em=size, default=base.space_before
        ),
        space_after=r.length(
            value.get("space_after"), f"{path}.space_after", em=size, default=base.space_after
        ),
        indent_first=r.length(
            value.get("indent"), f"{path}.indent", em=size, default=base.indent_first
        ),
        indent_left=r.length(
            value.get("indent_left"), f"{path}.indent_left", em=size, default=base.indent_left
        ),
        indent_right=r.length(
            value.get("indent_right"), f"{path}.indent_right", em=size, default=base.indent_right
        ),
        align=align,  # type: ignore[arg-type]
        color=r.color(value["color"], f"{path}.color", colors) if "color" in value else base.color,
        background=r.color(value["background"], f"{path}.background", colors)
        if value.get("background")
        else base.background,
        rule_below=r.length(value.get("rule_below"), f"{path}.rule_below", default=base.rule_below),
        rule_color=r.color(value["rule_color"], f"{path}.rule_color", colors)
        if "rule_color" in value
        else base.rule_color,
        keep_with_next=bool(value.get("keep_with_next", base.keep_with_next)),
        page_break_before=bool(value.get("page_break_before", base.page_break_before)),
        docx=str(value.get("docx", "")),
        docx_id=str(value.get("docx_id", "")),
        outline=int(value.get("outline", 0)),
    )


def _read_box(
    name: str, value: dict[str, Any], r: _LayoutReader, colors: dict[str, Color]
) -> BoxStyle:
    path = f"boxes.{name}"
    r.check_keys(value, _BOX_KEYS, path)
    border = value.get("border", [0, 0, 0, 100])
    return BoxStyle(
        name=name,
        border=r.color(border, f"{path}.border", colors) if border else None,
        border_width=r.length(value.get("border_width", "0.5pt"), f"{path}.border_width"),
        background=r.color(value["background"], f"{path}.background", colors)
        if value.get("background")
        else None,
        padding=r.length(value.get("padding", "6pt"), f"{path}.padding"),
        title_style=str(value.get("title_style", "box-title")),
        body_style=str(value.get("body_style", "box-body")),
        footer_style=str(value.get("footer_style", "box-footer")),
        title_band=r.color(value["title_band"], f"{path}.title_band", colors)
        if value.get("title_band")
        else None,
        space_before=r.length(value.get("space_before", "6pt"), f"{path}.space_before"),
        space_after=r.length(value.get("space_after", "6pt"), f"{path}.space_after"),
    )


def _read_hf(value: dict[str, Any] | None, path: str, r: _LayoutReader) -> HeaderFooter | None:
    if not value:
        return None
    r.check_keys(value, ("left", "center", "right", "style", "rule"), path)
    return HeaderFooter(
        left=str(value.get("left", "")),
        center=str(value.get("center", "")),
        right=str(value.get("right", "")),
        style=str(value.get("style", "footer")),
        rule=bool(value.get("rule", False)),
    )


def _read_template(name: str, value: dict[str, Any], r: _LayoutReader) -> PageTemplate:
    path = f"templates.{name}"
    r.check_keys(value, ("header", "footer", "mirror", "margins"), path)
    margins = value.get("margins")
    return PageTemplate(
        name=name,
        header=_read_hf(value.get("header"), f"{path}.header", r),
        footer=_read_hf(value.get("footer"), f"{path}.footer", r),
        mirror=bool(value.get("mirror", True)),
        margins=_read_margins(margins, f"{path}.margins", r) if margins else None,
    )


def _read_margins(margins: dict[str, Any], path: str, r: _LayoutReader) -> Margins:
    r.check_keys(margins, ("top", "bottom", "inside", "outside"), path)
    return Margins(
        top=r.length(margins.get("top", "25mm"), f"{path}.top"),
        bottom=r.length(margins.get("bottom", "25mm"), f"{path}.bottom"),
        inside=r.length(margins.get("inside", "20mm"), f"{path}.inside"),
        outside=r.length(margins.get("outside", "20mm"), f"{path}.outside"),
    )


_PART_KEYS = (
    "kind",
    "source",
    "name",
    "template",
    "numbering",
    "restart",
    "start",
    "running_head",
    "title",
    "heading_level",
    "chapter",
    "chapter_anchor",
)


def _read_part(index: int, value: dict[str, Any], r: _LayoutReader) -> PartSpec:
    path = f"parts[{index}]"
    loc = r.loc(path)
    r.check_keys(value, _PART_KEYS, path)
    kind = str(value.get("kind", "markdown"))
    if kind not in ("markdown", "cover", "toc", "cases", "case-index", "colophon", "include"):
        r.diag.add(
            loc,
            "E501",
            f"kind「{kind}」はありません",
            "markdown / cover / toc / cases / case-index / colophon のどれかにしてください。",
            f"{path}.kind",
        )
        kind = "markdown"
    numbering = str(value.get("numbering", "arabic"))
    start = str(value.get("start", "next"))
    return PartSpec(
        kind=kind,  # type: ignore[arg-type]
        loc=loc,
        source=str(value.get("source", "")),
        name=str(value.get("name", value.get("source", kind))),
        template=str(value.get("template", "cover" if kind == "cover" else "body")),
        numbering=numbering if numbering in ("none", "roman", "arabic") else "arabic",  # type: ignore[arg-type]
        restart=bool(value.get("restart", False)),
        start=start if start in ("next", "right", "continue") else "next",  # type: ignore[arg-type]
        running_head=str(value.get("running_head", "")),
        title=str(value.get("title", "")),
        heading_level=int(value.get("heading_level", 0)),
        chapter=str(value.get("chapter", "")),
        chapter_anchor=str(value.get("chapter_anchor", "")),
    )


speed_up_pickling(globals())  # the caches pickle these by the thousand
