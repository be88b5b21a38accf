"""Layout styles → Word style definitions, and the role → style-id lookup.

Takes the `Layout` (its styles carry `docx:` names) and the document's fit
decisions; gives the `StyleDef`s of the Word style sheet — built-in names where
Word has one (見出し 1 = "heading 1", 本文 = "Body Text", 図表番号 = "caption"…),
Japanese names for the toolkit's own (事例タイトル, 学び見出し, コメント…) — and
a `StyleMap` the writer asks for style ids by layout role. Sizes, leading and
spacing are the layout's, so the DOCX and the PDF set text the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Literal

from kumihan.layout.spec import Layout, Style
from kumihan.render.docx.template import (
    BorderSpec,
    FontDecl,
    ListDef,
    StyleDef,
    builtin_style_id,
    font_decl_from_file,
    is_builtin,
)
from kumihan.render.pdf.color import cmyk_to_rgb
from kumihan.transforms.fit import fit_steps, fitted_layout
from kumihan.typeset.types import Color

CHARACTER_ROLES = ("strong", "emph", "link", "footnote-mark")
ALIGN = {"justify": "both", "left": "left", "center": "center", "right": "right"}


def hex_color(color: Color, profile: Path) -> str:
    """A layout CMYK colour as Word's RRGGBB (through the same ICC profile as the screen PDF)."""
    if color == (0.0, 0.0, 0.0, 1.0):
        return "000000"
    r, g, b = cmyk_to_rgb(*color, profile=profile)
    return f"{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"


def custom_id(role: str) -> str:
    """A style id for a toolkit style: ``case-body`` → ``KCaseBody`` (never a built-in id)."""
    return "K" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", role) if part)


@dataclass
class StyleMap:
    """Style ids by layout role, plus list-style variants created on demand."""

    ids: dict[str, str] = field(default_factory=dict)  # role → style id
    names: dict[str, str] = field(default_factory=dict)  # role → style name
    defs: list[StyleDef] = field(default_factory=list)
    fit_ids: dict[tuple[int, str], str] = field(default_factory=dict)  # (fit step, role) → id

    def id(self, role: str, step: int = 0) -> str:
        if step and (step, role) in self.fit_ids:
            return self.fit_ids[(step, role)]
        probe = role
        while probe:
            if probe in self.ids:
                return self.ids[probe]
            probe = probe.rpartition("-")[0]
        return self.ids["body"]


class StyleSheetBuilder:
    """Builds the Word style sheet for one layout."""

    def __init__(self, layout: Layout, assets: Path) -> None:
        self.layout = layout
        self.assets = assets
        self.profile = assets / layout.print.icc_profile
        self.map = StyleMap()

    def face_name(self, face_key: str) -> str:
        face = self.layout.face(face_key)
        return face.docx or face.key

    def style_def(
        self,
        role: str,
        style: Style,
        *,
        name: str | None = None,
        style_id: str | None = None,
        based_on: str | None = "Normal",
    ) -> StyleDef:
        docx_name = name or style.docx or role
        sid = style_id or (
            builtin_style_id(docx_name) if is_builtin(docx_name) else custom_id(role)
        )
        kind = "character" if role in CHARACTER_ROLES else "paragraph"
        font = self.face_name(style.face)
        bold = "bold" in style.face
        if kind == "character":
            return StyleDef(
                name=docx_name,
                style_id=sid,
                kind="character",
                east_asia_font=font if role != "link" else None,
                ascii_font=font if role != "link" else None,
                bold=bold if role == "strong" else None,
                color_hex=hex_color(style.color, self.profile) if role == "link" else None,
                underline="single" if role == "link" else None,
                q_format=True,
            )
        border = None
        if style.rule_below:
            border = BorderSpec(
                sides=("bottom",),
                size_eighths=max(2, round(style.rule_below * 8)),
                color_hex=hex_color(style.rule_color, self.profile),
                space_pt=1,
            )
        return StyleDef(
            name=docx_name,
            style_id=sid,
            kind="paragraph",
            based_on=based_on,
            east_asia_font=font,
            ascii_font=font,
            size_pt=style.size,
            bold=bold,
            color_hex=hex_color(style.color, self.profile),
            align=ALIGN[style.align],  # type: ignore[arg-type]
            # a picture's paragraph must grow with the picture; everything else is exact
            line_pt=None if role == "figure" else style.leading,
            line_rule="auto" if role == "figure" else "exact",
            line_multiple=1.0 if role == "figure" else None,
            space_before_pt=style.space_before,
            space_after_pt=style.space_after,
            first_line_chars=round(style.indent_first / style.size, 2)
            if style.indent_first
            else None,
            left_indent_pt=style.indent_left,
            right_indent_pt=style.indent_right,
            keep_next=style.keep_with_next,
            widow_control=True,
            outline_level=style.outline or None,
            shading_hex=hex_color(style.background, self.profile) if style.background else None,
            border=border,
            kinsoku=True,
            snap_to_grid=False,  # exact line pitch from the layout, as in the PDF
            auto_space=self.layout.rules.latin_space > 0,
            q_format=bool(style.outline) or role in ("body", "caption", "case-title"),
        )

    def build(self, fit_used: set[int]) -> StyleMap:
        layout = self.layout
        body = layout.styles["body"]
        normal = self.style_def(
            "normal",
            Style("normal", face=body.face, size=body.size, leading=body.leading, align="justify"),
            name="Normal",
            style_id="Normal",
            based_on=None,
        )
        self.map.defs.append(normal)
        self.map.ids["normal"] = "Normal"
        for role, style in layout.styles.items():
            if not style.docx:
                continue
            definition = self.style_def(role, style)
            self.map.defs.append(definition)
            self.map.ids[role] = definition.style_id
            self.map.names[role] = definition.name
        # a table style for data tables (表 (格子))
        self.map.defs.append(
            StyleDef(
                name="Table Grid",
                style_id="TableGrid",
                kind="table",
                table_borders=BorderSpec(
                    sides=("top", "left", "bottom", "right", "insideH", "insideV"),
                    size_eighths=4,
                    color_hex="000000",
                    space_pt=0,
                ),
                cell_margins_pt=(2.0, 3.0, 2.0, 3.0),
            )
        )
        self.map.ids["table"] = "TableGrid"
        self.fit_variants(fit_used)
        self.gap_styles()
        return self.map

    def gaps(self) -> set[float]:
        values = {v for pair in self.layout.spacing.values() for v in pair}
        values |= {b.space_before for b in self.layout.boxes.values()} | {
            b.space_after for b in self.layout.boxes.values()
        }
        return {max(1.0, round(v, 2)) for v in values}

    def gap_styles(self) -> None:
        """Spacer paragraphs of exact heights around tables (Word has no space before or
        after a table): "間隔 8pt"… so the DOCX keeps the PDF's vertical rhythm."""
        body = self.layout.styles["body"]
        for height in sorted(self.gaps()):
            sid = f"KGap{round(height * 100)}"
            self.map.defs.append(
                StyleDef(
                    name=f"間隔 {height:g}pt",
                    style_id=sid,
                    kind="paragraph",
                    based_on="Normal",
                    east_asia_font=self.face_name(body.face),
                    ascii_font=self.face_name(body.face),
                    size_pt=1.0,
                    line_pt=height,
                    line_rule="exact",
                    space_before_pt=0.0,
                    space_after_pt=0.0,
                    snap_to_grid=False,
                    semi_hidden=False,
                )
            )
            self.map.ids[f"gap:{height:g}"] = sid

    def gap_id(self, points: float) -> str:
        return self.map.ids[f"gap:{max(1.0, round(points, 2)):g}"]

    def fit_variants(self, fit_used: set[int]) -> None:
        """Case styles at each fit step used: "事例本文 9pt" based on 事例本文, so a fitted case
        stays styled by name, with no direct formatting."""
        steps = fit_steps(self.layout)
        for step in sorted(fit_used):
            if step <= 0 or step >= len(steps):
                continue
            fitted = fitted_layout(self.layout, steps[step])
            for role in self.layout.fit.styles:
                base = self.layout.styles.get(role)
                if base is None or not base.docx:
                    continue
                style = fitted.styles[role]
                name = f"{base.docx} {step_label(style)}"
                sid = f"{custom_id(role)}Fit{step}"
                definition = self.style_def(
                    role, style, name=name, style_id=sid, based_on=self.map.ids[role]
                )
                self.map.defs.append(definition)
                self.map.fit_ids[(step, role)] = sid

    def list_style(self, role: str, marker: str, depth: int, step: int = 0) -> str:
        """A bullet-list paragraph style for (role, marker, depth): Word's automatic bullets
        hung in the indent exactly where the PDF hangs them."""
        base_role = role if role in self.layout.styles else "list"
        key = f"list:{base_role}:{marker}:{depth}:{step}"
        if key in self.map.ids:
            return self.map.ids[key]
        layout = fitted_layout(self.layout, fit_steps(self.layout)[step]) if step else self.layout
        style = layout.style(base_role)
        width = style.size
        left = style.indent_left + (depth + 1) * width
        base_name = style.docx or "List Bullet"
        name = (
            base_name
            if (marker == "・" and depth == 0 and not step and base_name in ("List Bullet",))
            else f"{base_name} {marker.strip() or '字下げ'}{depth + 1 if depth else ''}{f' {step_label(style)}' if step else ''}"
        )
        list_def = ListDef(num_fmt="bullet", text=marker or "・", left_pt=left, hanging_pt=width)
        if name == base_name:
            # the layout's own list style (箇条書き) gets Word's automatic bullet itself
            index = next(i for i, d in enumerate(self.map.defs) if d.name == name)
            self.map.defs[index] = dc_replace(
                self.map.defs[index],
                list_def=list_def,
                first_line_chars=None,
                left_indent_pt=left,
                hanging_pt=width,
            )
            self.map.ids[key] = self.map.defs[index].style_id
            return self.map.ids[key]
        sid = (
            builtin_style_id(name)
            if is_builtin(name)
            else custom_id(f"{base_role}-{ord(marker[0]) if marker else 0}-{depth}-{step}")
        )
        definition = StyleDef(
            name=name,
            style_id=sid,
            kind="paragraph",
            based_on=self.map.id(base_role, step)
            if self.map.id(base_role, step) != sid
            else "Normal",
            east_asia_font=self.face_name(style.face),
            ascii_font=self.face_name(style.face),
            size_pt=style.size,
            line_pt=style.leading,
            line_rule="exact",
            space_before_pt=0.0,
            space_after_pt=0.0,
            # the hang is written in the style itself, not left to the numbering: a style's
            # own w:ind (inherited first-line indent) would otherwise cancel the numbering's
            first_line_chars=None,
            left_indent_pt=left,
            hanging_pt=width,
            list_def=list_def,
            snap_to_grid=False,
            kinsoku=True,
            q_format=False,
        )
        self.map.defs.append(definition)
        self.map.ids[key] = sid
        return sid


def font_decls(layout: Layout, fonts_dir: Path) -> list[FontDecl]:
    """fontTable entries for the Word names the layout uses, read from the font files."""
    seen: dict[str, FontDecl] = {}
    for face in layout.faces:
        name = face.docx or face.key
        if name in seen or face.key.endswith("-latin"):
            continue
        family: Literal["roman", "modern"] = "roman" if "mincho" in face.key else "modern"
        seen[name] = font_decl_from_file(
            fonts_dir / face.file, name=name, alt_name=face.docx_alt or None, family=family
        )
    return list(seen.values())


def step_label(style: Style) -> str:
    """How a fitted style is named after its base: size and leading, since two fit steps
    may share a size ("事例本文 9pt・行送り13.5pt")."""
    return f"{style.size:g}pt・行送り{style.leading:g}pt"
