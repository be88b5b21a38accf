"""Fictional case records for the 事例集 tests. Every place, body and person is invented
(架空県さくら市, 架空県もみじ町 …); the records follow shared/spec/content-formats.md.

Sizes are chosen against the house layout (layouts/house.yaml): a case page holds
698 pt of text (259 mm frame less the 36 pt reserve); the fit ladder is 9.5/15 pt →
9.25/14.5 → 9/14 → 9/13.5. Page 3 of these records is made of one-line list items, so
each item adds exactly one line (15 pt as written, 13.5 pt at the last fit step):

- LONG_ITEMS items do not fit as written but fit at a smaller step (measured window with
  this page-3 frame: 39–43 items; 41 is in the middle);
- OVERFLOW_ITEMS and OVERFLOW_ITEMS + EXTRA_LINES items overflow page 3 even at the last
  step; the second record overflows by exactly EXTRA_LINES × 13.5 pt more than the first —
  the known amount the report must state.
"""

from __future__ import annotations

from pathlib import Path

SENTENCE = "架空の住民が集まり、小さな活動を続けている。"
LAST_STEP_LEADING = 13.5  # layouts/house.yaml fit.steps[-1].leading
LONG_ITEMS = 41
OVERFLOW_ITEMS = 50
EXTRA_LINES = 10


def head(case_id: str, *, type_: int, order: int, status: str, title: str, place: str) -> str:
    return f"""\
id: {case_id}
type: {type_}
order: {order}
status: {status}
title: {title}
place: {place}
actor: {place}地域づくり協議会
initiative: {place}のまちの居場所
interviewees:
  - {place}地域づくり協議会
  - 架空太郎（コーディネーター）
interviewed_on: 2024-11-20
"""


def pages(*, items: int = 2, photo: str | None = None, figure: str | None = None) -> str:
    """Every page section of a final record; page 3 holds `items` one-line list items."""
    listed = "\n".join(f"        - 架空の項目その{n + 1}。" for n in range(items))
    profile_figure = (
        f"""
  figure:
    image: {figure}
    caption: 架空の組織図"""
        if figure
        else ""
    )
    feature_photo = (
        f"""
    figure:
      image: {photo}
      caption: （写真）架空の居場所
      credit: 架空市提供"""
        if photo
        else ""
    )
    return f"""\
summary: |
  {SENTENCE * 3}
learnings:
  - heading: 本人を中心とした支援
    text: {SENTENCE * 2}
  - heading: 気づきを支援に
    items:
      - 住民の気づきを専門職につなぐ。
      - 声かけを文化にする。
profile:
  population: 12345
  aging_rate: 31.5{profile_figure}
  structure: {SENTENCE}
  programs: {SENTENCE}
history:
  - period: 令和5年度
    events:
      - heading: 架空の推進室を開設
        text: {SENTENCE * 2}
  - period: 令和6年度
    events:
      - heading: 架空の研修を開始
        text: {SENTENCE}
notes:
  - heading: 将来の展望
    text: {SENTENCE}
approach:
  individual:
    - heading: 地域資源を知る
      items:
{listed}
  community:
    - heading: 架空のカレッジを開催
      text: {SENTENCE}
features:
  - heading: 架空の居場所が参加を後押し
    text: |
      {SENTENCE * 2}

      {SENTENCE}{feature_photo}
voices:
  - heading: 今後の課題
    text: {SENTENCE}
    speaker: 架空の協議会
"""


# a short final record with its organisation chart (the picture is written by write_png)
SHORT = head(
    "sakura", type_=1, order=91, status="final", title="だれもが担い手になるまちづくり",
    place="架空県さくら市",
) + pages(figure="images/cases/sakura/soshikizu.png")  # fmt: skip

LONG = head(
    "kaede-long", type_=2, order=91, status="final", title="商店街がつなぐ長い物語",
    place="架空県かえで町",
) + pages(items=LONG_ITEMS)  # fmt: skip

OVERFLOW = head(
    "momiji-over", type_=3, order=91, status="final", title="あふれる記録",
    place="架空県もみじ町",
) + pages(items=OVERFLOW_ITEMS)  # fmt: skip

OVERFLOW_MORE = head(
    "momiji-over-more", type_=3, order=92, status="final", title="さらにあふれる記録",
    place="架空県もみじ村",
) + pages(items=OVERFLOW_ITEMS + EXTRA_LINES)  # fmt: skip

# a final record whose photo file is absent
NO_IMAGE = head(
    "tsubaki-noimage", type_=1, order=92, status="final", title="写真の届かない事例",
    place="架空県つばき市",
) + pages(photo="images/cases/tsubaki/photo-1.jpg")  # fmt: skip

# only the required fields: every page section is a 原稿準備中 placeholder
DRAFT = head(
    "ume-draft", type_=2, order=92, status="draft", title="原稿を待つ事例", place="架空県うめ村",
)  # fmt: skip

RECORDS = {
    "sakura": SHORT,
    "tsubaki-noimage": NO_IMAGE,
    "ume-draft": DRAFT,
    "momiji-over": OVERFLOW,
    "momiji-over-more": OVERFLOW_MORE,
}


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of `text` that contains `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise ValueError(needle)


def write_png(path: Path, size: tuple[int, int] = (1800, 1200)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 220, 240)).save(path)
    return path


def add_records(root: Path, records: dict[str, str]) -> None:
    for case_id, text in records.items():
        (root / "content" / "cases" / f"{case_id}.yaml").write_text(text, encoding="utf-8")
    if "sakura" in records:
        write_png(root / "assets" / "images" / "cases" / "sakura" / "soshikizu.png")
