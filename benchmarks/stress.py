"""A generated, wholly fictional project for stress tests and benchmarks.

    python benchmarks/stress.py DIR [--cases N] [--sections N] [--seed N] [--photos F] [--quick]

Takes a destination directory and a size; gives a project there that `python build.py`
builds with cwd = DIR: `layouts/` copied and `assets/` copied from this checkout (asset
files hard-linked when possible), generated pictures under `assets/images/stress/`, and `content/` with a
project.yaml for 架空市, N final case records with every section filled, 10 policy sheets,
a 12-question survey whose tallies add up, and Markdown chapters for the 概略書, 事例集
and 報告書 (with its 第4章 ガイドブック). At the default size (45 cases) the 報告書 runs past
200 pages. Places, people, organisations and programmes are invented (架空県, 空想町,
架空省…); the text is recombined from stock phrases by a seeded generator, so the same
arguments always give the same bytes.

`edit_case(path, sentence)` appends a sentence to a case's 事業の概要, for the
benchmark's and the tests' one-case rebuild.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LONG = 1.6  # length factor of every seventh case: long enough to need a smaller size
PHOTO_SIZE = (1800, 1200)  # ≥ 300 ppi across the 420 pt text frame
CHART_SIZE = (1800, 1000)

# ---------------------------------------------------------------------- vocabulary
# Invented proper names: every place sits in a prefecture that does not exist.
PREFECTURES = ("架空県", "空想県", "仮想県", "夢見県")
TOWN_STEMS = (
    "さくら",
    "みどり",
    "あおば",
    "ひかり",
    "こもれび",
    "ゆうなぎ",
    "あさぎり",
    "ほしぞら",
    "かざはな",
    "つきみ",
    "はなみずき",
    "せせらぎ",
    "わかば",
    "やまびこ",
    "なぎさ",
    "こはる",
    "しらかば",
    "たまゆら",
    "あかね",
    "みなも",
    "そよかぜ",
    "ひなた",
    "ふたば",
    "いずみ",
)
TOWN_KINDS = ("市", "町", "村")
SURNAMES = ("空野", "架山", "夢川", "仮田", "想原", "虹村", "雲井", "星野辺", "月岡", "風見")
GIVEN = ("一郎", "花子", "次郎", "由美", "健太", "さくら", "誠", "明美", "翔", "直子")
ACTORS = {  # name → short name for the case lists
    "社会福祉協議会": "社協",
    "地域包括支援センター": "包括",
    "まちづくり協議会": "まち協",
    "NPO法人ひだまり": "ひだまり",
    "一般社団法人つなぐ手": "つなぐ手",
    "株式会社みらい商店": "みらい商店",
    "生活協同組合こもれび": "生協こもれび",
    "自治会連合会": "自治会連合会",
    "地域運営組織ささえ愛": "ささえ愛",
    "合同会社ヨリドコロ": "ヨリドコロ",
}
SUBJECTS = (
    "地域包括支援センターの職員",
    "社会福祉協議会の生活支援コーディネーター",
    "自治会の役員",
    "民生委員・児童委員",
    "NPO法人のスタッフ",
    "商店街の店主",
    "小学校の教員",
    "住民ボランティア",
    "市の福祉部門の担当者",
    "まちづくり部門の職員",
    "地域おこし協力隊の隊員",
    "介護事業所の相談員",
    "子ども食堂の運営者",
    "高校生のボランティア",
    "地元企業の社員",
    "図書館の司書",
)
OBJECTS = (
    "気になる世帯の情報",
    "地域の困りごと",
    "居場所づくりの企画",
    "見守りの仕組み",
    "住民同士の顔の見える関係",
    "多世代の交流の場",
    "移動販売の取組",
    "ひきこもりの方の社会参加",
    "空き家を活用した拠点",
    "買い物支援のボランティア",
    "防災訓練と見守りの連携",
    "農園での就労体験",
    "ICTを使った安否確認",
    "SNSでの情報発信",
    "地域食堂の運営",
    "相談窓口の案内",
)
VERBS = (
    "共有している",
    "話し合っている",
    "少しずつ広げてきた",
    "試行的に始めた",
    "定期的に点検している",
    "住民と一緒に考えている",
    "関係機関につないでいる",
    "記録に残して振り返っている",
    "月1回の会議で確認している",
    "分野を越えて検討している",
)
REASONS = (
    "制度の隙間に置かれた人を取り残さないため",
    "支援する側とされる側を分けないため",
    "日常の中で気づきを生かすため",
    "担い手の負担を分け合うため",
    "顔の見える関係を保つため",
    "住民の関心を出発点にするため",
    "専門職だけで抱え込まないため",
    "地域の強みを生かすため",
)
OUTCOMES = (
    "相談につながる件数が増えた",
    "参加者が新たな担い手になった",
    "孤立しがちな世帯との接点ができた",
    "部門を越えた連絡が早くなった",
    "住民から提案が出るようになった",
    "支援の選択肢が広がった",
    "地域の行事に若い世代が加わった",
    "職員の意識が少しずつ変わった",
)
CONNECTIVES = (
    "また、",
    "さらに、",
    "一方で、",
    "その結果、",
    "このため、",
    "あわせて、",
    "",
    "",
    "",
)
PERIODS = ("令和2年度", "令和3年度", "令和4年度", "令和5年度", "令和6年度")
APPROACH_STEPS = (
    "地域資源を知る",
    "関係性をつくる",
    "得られたアウトカム",
    "個別支援において協働する",
)
VOICE_HEADINGS = (
    "取組による地域の変化",
    "今後の課題",
    "行政との協働について",
    "担い手として感じること",
)
MINISTRIES = ("架空省", "空想庁", "仮想省", "夢見庁")
CATEGORIES = ("人材確保", "財政支援", "拠点整備", "情報提供", "計画策定")


@dataclass(frozen=True)
class Size:
    cases: int = 45
    sections: int = 6  # sections per guidebook and analysis chapter
    policies: int = 10
    questions: int = 12
    photos: float = 0.3  # share of cases with photographs and an organisation chart


QUICK = Size(cases=8, sections=2)
TINY = Size(cases=3, sections=1, policies=8, questions=12, photos=0.34)


# ---------------------------------------------------------------------- text


class Writer:
    """Japanese prose recombined from stock phrases, reproducible from the seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        r = self.rng
        kind = r.randrange(4)
        if kind == 0:
            text = f"{r.choice(SUBJECTS)}は、{r.choice(REASONS)}、{r.choice(OBJECTS)}を{r.choice(VERBS)}。"
        elif kind == 1:
            text = (
                f"{r.choice(OBJECTS)}については、{r.choice(SUBJECTS)}と{r.choice(SUBJECTS)}が"
                f"{r.choice(VERBS)}。"
            )
        elif kind == 2:
            count = r.randrange(3, 240)
            text = f"令和{r.randrange(2, 7)}年度には延べ{count}人が参加し、{r.choice(OUTCOMES)}。"
        else:
            share = r.randrange(10, 95)
            text = (
                f"参加者の約{share}%が「続けたい」と答えており、{r.choice(OBJECTS)}の"
                f"手応えを{r.choice(SUBJECTS)}が感じている。"
            )
        return r.choice(CONNECTIVES) + text

    def paragraph(self, sentences: int) -> str:
        return "".join(self.sentence() for _ in range(max(1, sentences)))

    def paragraphs(self, count: int, sentences: tuple[int, int] = (3, 5)) -> str:
        return "\n\n".join(self.paragraph(self.rng.randint(*sentences)) for _ in range(count))

    def phrase(self) -> str:
        r = self.rng
        return f"{r.choice(OBJECTS)}を{r.choice(VERBS).removesuffix('いる').removesuffix('て')}る"

    def item(self) -> str:
        r = self.rng
        return f"{r.choice(SUBJECTS)}と{r.choice(OBJECTS)}を{r.choice(VERBS)}。"

    def heading(self) -> str:
        r = self.rng
        return f"{r.choice(OBJECTS)}と{r.choice(OBJECTS)}"


# ---------------------------------------------------------------------- YAML out
# A small emitter instead of yaml.dump: text fields come out as literal blocks (`|`),
# as editors write them, so a test can edit a case's text with plain string operations.


PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9.+~][^\n]*")
YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _scalar(value: object) -> str:
    if isinstance(value, str) and _plain(value):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML string


def _plain(value: str) -> bool:
    """Whether a string can be written without quotes and still load as the same string."""
    return (
        PLAIN.fullmatch(value) is not None
        and value.strip() == value
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and value.lower() not in YAML_WORDS
    )


def to_yaml(value: Any, indent: int = 0) -> str:
    """`value` (dicts, lists, strings, numbers, dates) as YAML; end the file with a newline."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            lines.append(_entry(f"{pad}{key}:", item, indent))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                first, *rest = to_yaml(item, indent + 2).split("\n", 1)
                lines.append(f"{pad}- {first.lstrip()}" + (f"\n{rest[0]}" if rest else ""))
            else:
                lines.append(_entry(f"{pad}-", item, indent))
    return "\n".join(lines)


def _entry(head: str, item: Any, indent: int) -> str:
    if isinstance(item, dict | list):
        return (
            f"{head}\n{to_yaml(item, indent + 2)}"
            if item
            else f"{head} {'{}' if isinstance(item, dict) else '[]'}"
        )
    if isinstance(item, str) and "\n" in item and not item.endswith("\n\n"):
        # `|` keeps the one final newline, `|-` drops it: the text loads back unchanged
        chomp = "" if item.endswith("\n") else "-"
        lines = item.removesuffix("\n").split("\n")
        body = "\n".join(f"{' ' * (indent + 2)}{line}" if line else "" for line in lines)
        indicator = "2" if lines[0].startswith(" ") else ""  # else YAML takes the spaces as indent
        return f"{head} |{indicator}{chomp}\n{body}"
    return f"{head} {_scalar(item)}"


def text(value: str) -> str:
    """A text field: always a literal block ending in a newline."""
    return value.rstrip("\n") + "\n"


# ---------------------------------------------------------------------- pictures


def _photo(path: Path, rng: random.Random, font: Path) -> None:
    from PIL import Image, ImageDraw, ImageFilter

    small = Image.new("RGB", (240, 160), tuple(rng.randrange(120, 220) for _ in range(3)))
    draw = ImageDraw.Draw(small)
    for _ in range(14):
        x, y = rng.randrange(-40, 240), rng.randrange(-40, 160)
        w, h = rng.randrange(20, 120), rng.randrange(20, 90)
        colour = tuple(rng.randrange(30, 250) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=colour)
    image = small.filter(ImageFilter.GaussianBlur(3)).resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
    _caption(image, "架空の写真（生成画像）", font)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=82)


def _chart(path: Path, labels: Sequence[str], font: Path) -> None:
    """An organisation chart: a box on top and its partners below, joined by lines."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", CHART_SIZE, "white")
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(str(font), 44) if font.is_file() else ImageFont.load_default(44)
    w, _h = CHART_SIZE
    top = (w // 2 - 330, 80, w // 2 + 330, 230)
    draw.rectangle(top, outline=(0, 80, 160), width=6, fill=(225, 238, 250))
    draw.text((top[0] + 30, top[1] + 50), labels[0], fill="black", font=face)
    rest = labels[1:] or ["関係機関"]
    slot = w // len(rest)
    for i, label in enumerate(rest):
        box = (i * slot + 30, 600, (i + 1) * slot - 30, 760)
        draw.line(((w // 2, 230), ((box[0] + box[2]) // 2, 600)), fill=(80, 80, 80), width=5)
        draw.rectangle(box, outline=(0, 80, 160), width=5, fill=(245, 245, 245))
        draw.text((box[0] + 20, box[1] + 55), label[:10], fill="black", font=face)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=False)


def _caption(image: Any, label: str, font: Path) -> None:
    from PIL import ImageDraw, ImageFont

    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(str(font), 56) if font.is_file() else ImageFont.load_default(56)
    draw.text((40, image.height - 100), label, fill="white", font=face)


# ---------------------------------------------------------------------- records


def place_names(rng: random.Random, count: int) -> list[str]:
    names = [f"{p}{s}{k}" for p in PREFECTURES for s in TOWN_STEMS for k in TOWN_KINDS]
    rng.shuffle(names)
    return names[:count]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def case_record(
    index: int, place: str, rng: random.Random, *, photos: bool, assets: Path, font: Path
) -> dict[str, Any]:
    w = Writer(rng)
    # a few cases are long enough that the fit ladder has to shrink them
    scale = LONG if index % 7 == 3 else rng.uniform(0.95, 1.3)

    def n(base: float) -> int:
        return max(1, round(base * scale))

    case_id = f"case-{index + 1:03d}"
    town = place.split("県", 1)[1]
    actor = rng.choice(sorted(ACTORS))
    record: dict[str, Any] = {
        "id": case_id,
        "type": index % 3 + 1,
        "order": index // 3 + 1,
        "status": "final",
        "title": f"{w.heading()}による地域づくり",
        "short_name": f"{town}{ACTORS[actor]}",
        "place": place,
        "actor": f"{town}{actor}",
        "initiative": f"{town}{actor}による取組",
        "interviewees": [f"{town}{actor}", f"{town}役場 福祉課"],
        "interviewed_on": dt.date(2024, 11, 1) + dt.timedelta(days=rng.randrange(0, 80)),
        "summary": text(w.paragraph(n(3))),
        "learnings": [
            {"heading": w.heading(), "text": text(w.paragraph(n(2.5)))} for _ in range(3)
        ],
        "profile": {
            "population": rng.randrange(2_000, 180_000),
            "aging_rate": round(rng.uniform(22.0, 48.0), 1),
            "structure": text(w.paragraph(n(4))),
            "programs": text(w.paragraph(n(2))),
        },
        "history": [
            {
                "period": period,
                "events": [
                    {"heading": w.heading(), "text": text(w.paragraph(n(2)))}
                    for _ in range(rng.randint(1, 2))
                ],
            }
            for period in PERIODS[rng.randrange(0, 2) : 5 : 1][:3]
        ],
        "notes": [
            {"heading": "将来の展望", "text": text(w.paragraph(n(3)))},
        ],
        "approach": {
            "individual": [
                {"heading": APPROACH_STEPS[0], "items": [w.item() for _ in range(n(2.5))]},
                {"heading": APPROACH_STEPS[1], "items": [w.item() for _ in range(n(2.5))]},
                {"heading": APPROACH_STEPS[2], "text": text(w.paragraph(n(2.5)))},
                {"heading": APPROACH_STEPS[3], "items": [w.item() for _ in range(n(2))]},
            ],
            "community": [
                {"heading": w.heading(), "text": text(w.paragraph(n(3)))} for _ in range(2)
            ],
        },
        "features": [
            {"heading": w.heading(), "text": text(w.paragraphs(2, (n(2), n(3))))} for _ in range(2)
        ],
        "voices": [
            {
                "heading": VOICE_HEADINGS[i],
                "text": text(w.paragraphs(2, (n(2), n(2.5)))),
                "speaker": f"{town}{rng.choice(sorted(ACTORS))}",
            }
            for i in range(2)
        ],
    }
    if photos:
        chart = f"images/stress/{case_id}/soshikizu.png"
        _chart(assets / chart, [record["actor"], *rng.sample(sorted(ACTORS), 3)], font)
        record["profile"]["figure"] = {"image": chart, "caption": f"{place}の取組体制（架空）"}
        photo = f"images/stress/{case_id}/photo-1.jpg"
        _photo(assets / photo, rng, font)
        record["features"][0]["figure"] = {
            "image": photo,
            "caption": "（写真）活動の様子（生成画像）",
            "credit": f"{town}提供",
        }
        record["profile"]["structure"] = text(w.paragraph(n(2)))
        record["features"][0]["text"] = text(w.paragraph(n(2)))
    return record


def policy_sheet(index: int, rng: random.Random) -> dict[str, Any]:
    w = Writer(rng)
    return {
        "id": f"policy-{index + 1:02d}",
        "order": index + 1,
        "name": f"{rng.choice(OBJECTS)}推進交付金（架空）",
        "ministry": rng.choice(MINISTRIES),
        "category": rng.choice(CATEGORIES),
        "overview": text(w.paragraph(2)),
        "support": text("\n".join(f"- {w.item()}" for _ in range(3))),
        "examples": [w.item() for _ in range(2)],
        "links": [
            {"label": "制度の案内（架空）", "url": f"https://www.example.com/policy/{index + 1}"}
        ],
        "sources": [
            {
                "text": "架空省「地域づくり支援制度の手引き」",
                "url": f"https://www.example.com/policy/{index + 1}/guide.pdf",
                "accessed": dt.date(2024, 10, 1),
            }
        ],
    }


def survey(rng: random.Random, questions: int) -> dict[str, Any]:
    w = Writer(rng)
    valid = 45
    items = []
    for q in range(questions):
        n = valid - rng.randrange(0, 4)
        options = rng.randint(3, 6)
        cuts = sorted(rng.sample(range(1, n), options - 1))
        counts = [b - a for a, b in zip([0, *cuts], [*cuts, n], strict=True)]
        items.append(
            {
                "id": f"q{q + 1:02d}",
                "text": f"{rng.choice(OBJECTS)}の状況",
                "n": n,
                "chart": ("hbar", "bar", "pie")[q % 3],
                "options": [
                    {"label": f"{rng.choice(OBJECTS)}を{rng.choice(VERBS)}", "count": c}
                    for c in counts
                ],
                "finding": w.paragraph(2),
            }
        )
    return {
        "id": "prefecture",
        "title": "架空県内市町村アンケート調査",
        "target": "架空県内の市町村の福祉部門の担当者（架空）",
        "method": "WEBアンケート調査",
        "period": {"from": dt.date(2024, 8, 26), "to": dt.date(2024, 9, 13)},
        "population": 47,
        "valid": valid,
        "topics": [f"{rng.choice(OBJECTS)}の状況" for _ in range(5)],
        "questions": items,
    }


def project(rng: random.Random) -> dict[str, Any]:
    return {
        "title": "架空市における分野横断的な地域づくりに関する調査研究（ベンチマーク用の架空データ）",
        "programme": "令和6年度 架空省 地域づくり調査研究補助事業（架空）",
        "fiscal_year": 2024,
        "issued": dt.date(2025, 3, 31),
        "organisation": {
            "name": "架空総合研究所株式会社",
            "name_en": "Fictional Research Institute",
            "postcode": "999-0001",
            "address": "架空県架空市中央1-2-3 架空ビル",
            "tel": "(000) 000-0000",
        },
        "committee": {
            "name": "架空市 地域づくり調査研究 検討委員会",
            "members": [
                {
                    "role": "委員長" if i == 0 else "委員",
                    "name": person(rng),
                    "affiliation": f"{rng.choice(('架空大学', '空想大学', '仮想市役所', '夢見社会福祉協議会'))} 研究員",
                }
                for i in range(6)
            ],
            "meetings": [
                {
                    "number": i + 1,
                    "date": day,
                    "start": "15:00",
                    "end": "17:00",
                    "format": "対面開催" if i % 2 == 0 else "オンライン開催",
                    **({"place": "架空市役所 会議室A"} if i % 2 == 0 else {}),
                    "agenda": ["調査の進め方", "事例集の構成案"],
                }
                for i, day in enumerate(
                    (
                        dt.date(2024, 9, 30),
                        dt.date(2024, 12, 10),
                        dt.date(2025, 2, 5),
                        dt.date(2025, 3, 28),
                    )
                )
            ],
        },
        "schedule": {
            "months": [f"{y}-{m:02d}" for y, m in ((2024, m) for m in range(7, 13))]
            + [f"2025-{m:02d}" for m in range(1, 4)],
            "tasks": [
                {
                    "name": "委員会",
                    "steps": ["委員会設置", "開催"],
                    "marks": {
                        "2024-09": "第1回",
                        "2024-12": "第2回",
                        "2025-02": "第3回",
                        "2025-03": "第4回",
                    },
                },
                {
                    "name": "文献・資料調査",
                    "steps": ["調査の実施"],
                    "periods": [{"from": "2024-08", "to": "2024-10", "label": "調査の実施"}],
                },
                {
                    "name": "アンケート調査",
                    "steps": ["調査の実施"],
                    "periods": [{"from": "2024-08", "to": "2024-09", "label": "調査の実施"}],
                },
                {
                    "name": "ヒアリング調査",
                    "steps": ["ヒアリング調査の実施"],
                    "periods": [{"from": "2024-11", "to": "2025-01", "label": "ヒアリング"}],
                },
                {"name": "報告書の作成"},
            ],
        },
    }


# ---------------------------------------------------------------------- Markdown


def front(ident: str, title: str) -> str:
    return f"---\nid: {ident}\ntitle: {title}\n---\n\n"


def include(name: str) -> str:
    return f"::: include {name}\n:::\n"


def long_chapter(
    w: Writer,
    rng: random.Random,
    ident: str,
    title: str,
    sections: int,
    *,
    level: int = 1,
    opening: str = "",
) -> str:
    """A chapter (heading at `level`) of `sections` sections, each with three subsections,
    a list, a boxed note, every other one a table, and cross-references back."""
    h = "#" * level
    out = [front(ident, title) + opening, f"{h} {title} {{#sec:{ident}}}\n", w.paragraphs(2) + "\n"]
    for s in range(sections):
        out.append(f"{h}# {w.heading()} {{#sec:{ident}-{s + 1}}}\n")
        out.append(w.paragraphs(2) + "\n")
        for t in range(3):
            out.append(f"{h}## {w.heading()}\n")
            out.append(w.paragraphs(rng.randint(2, 4)) + "\n")
            if t == 1:
                out.append("\n".join(f"- {w.item()}" for _ in range(4)) + "\n")
            if t == 2:
                out.append(f"::: note {w.heading()}\n{w.paragraph(3)}\n:::\n")
        if s % 2 == 0:
            out.append("| 区分 | 取組 | 主な担い手 |\n| --- | --- | --- |")
            out.append(
                "\n".join(f"| {k + 1} | {w.phrase()} | {rng.choice(SUBJECTS)} |" for k in range(5))
                + "\n"
            )
            out.append(f"Table: {w.heading()}（架空） {{#tbl:{ident}-{s + 1}}}\n")
        if s:
            out.append(f"前節（[@sec:{ident}-{s}]）で見た点もふまえて整理した。\n")
    return "\n".join(out)


def chapters(
    size: Size, rng: random.Random, first_case: str, question_ids: list[str]
) -> dict[str, str]:
    w = Writer(rng)
    files: dict[str, str] = {}
    overview = "![本事業の全体構成（架空）](images/stress/overview.png){#fig:overview}\n"
    files["summary/01-purpose.md"] = (
        front("purpose", "事業目的") + "# 事業目的 {#sec:purpose}\n\n" + w.paragraphs(2) + "\n"
    )
    files["summary/02-overview.md"] = (
        front("overview", "事業概要")
        + "# 事業概要 {#sec:overview}\n\n"
        + w.paragraphs(2)
        + "\n\n"
        + overview
        + "\n## 文献・資料調査 {#sec:lit}\n\n"
        + w.paragraphs(1)
        + "\n\n## アンケート調査 {#sec:survey}\n\n"
        + w.paragraphs(1)
        + "\n\n## ヒアリング調査 {#sec:hearing}\n\n"
        + w.paragraphs(1)
        + "\n"
    )
    files["summary/03-process.md"] = (
        front("process", "調査研究の過程")
        + "# 調査研究の過程 {#sec:process}\n\n全体のスケジュールは以下の通り。\n\n"
        + include("schedule")
        + "\n## ヒアリング調査 {#sec:process-hearing}\n\n"
        + include("hearing-list")
        + "\nTable: ヒアリングの調査対象 {#tbl:hearing-list}\n\n## 検討委員会 {#sec:process-committee}\n\n"
        + include("committee-meetings")
    )
    files["summary/04-results.md"] = (
        front("results", "事業結果")
        + "# 事業結果 {#sec:results}\n\n## 文献・資料調査 {#sec:results-lit}\n\n"
        + include("policy-cards")
        + "\n## アンケート調査 {#sec:results-survey}\n\n"
        + include("survey-response")
        + "\n"
        + "".join(include(f"survey-chart {q}") + "\n" for q in question_ids[:2])
        + f"\n## ヒアリング調査 {{#sec:results-hearing}}\n\n{w.paragraph(2)}[@sec:lit]\n\n"
        + include("case-types")
        + "\n事例の整理のイメージ（各事例4ページ構成）\n\n"
        + include(f"case {first_case}")
    )
    files["summary/05-organisation.md"] = (
        front("organisation", "事業実施機関")
        + "# 事業実施機関 {#sec:organisation}\n\n"
        + include("organisation")
    )
    files["casebook/00-guide.md"] = (
        front("guide", "本事例集の見方")
        + "# 本事例集の見方 {#sec:guide}\n\n"
        + w.paragraph(3)
        + "\n\n"
        + include("case-types")
    )
    files["report/00-hajimeni.md"] = (
        front("hajimeni", "はじめに") + "# はじめに {.unnumbered}\n\n" + w.paragraphs(3) + "\n"
    )
    files["report/01-gaiyo.md"] = (
        front("gaiyo", "事業概要")
        + "# 事業概要 {#sec:rep-gaiyo .unnumbered}\n\n## 事業目的 {.unnumbered}\n\n"
        + w.paragraphs(2)
        + "\n\n## 実施方法 {.unnumbered}\n\n"
        + w.paragraphs(2)
        + "\n\n"
        + overview.replace("fig:overview", "fig:rep-overview")
        + "\n調査の内容と結果は[@sec:ch-lit]、[@sec:ch-survey]、[@sec:ch-hearing]に示す。\n"
    )
    files["report/10-literature.md"] = (
        front("literature", "文献・資料調査")
        + "# 文献・資料調査 {#sec:ch-lit}\n\n## 調査概要\n\n"
        + w.paragraphs(2)
        + "\n\n## 他省庁の取組（架空） {#sec:ch-lit-policies}\n\n"
        + include("policy-cards")
    )
    survey_md = [
        front("survey", "アンケート調査"),
        "# アンケート調査 {#sec:ch-survey}\n\n## 調査概要\n\n",
        w.paragraphs(2) + "\n\n### 回収結果\n\n" + include("survey-response"),
        "\n## 調査結果\n",
    ]
    for q in question_ids:
        survey_md.append(
            f"\n### {w.heading()}\n\n"
            + include(f"survey-chart {q}")
            + "\n"
            + w.paragraphs(2)
            + "\n"
        )
    files["report/20-survey.md"] = "".join(survey_md)
    files["report/25-analysis.md"] = long_chapter(
        w, rng, "analysis", "調査結果の分析", size.sections
    )
    files["report/30-hearing.md"] = (
        front("hearing", "ヒアリング調査")
        + "# ヒアリング調査 {#sec:ch-hearing}\n\n## 調査概要\n\n"
        + w.paragraphs(2)
        + "\n\n### 調査対象の一覧\n\n"
        + include("hearing-list")
        + "\nTable: ヒアリングの調査対象 {#tbl:rep-hearing-list}\n\n## 事例集\n\n"
        + w.paragraph(2)
        + "\n\n"
        + include("case-types")
    )
    gb_opening = "# 自治体担当者向けガイドブック {#sec:gb}\n\n" + w.paragraph(3) + "\n\n"
    for number, (ident, title) in enumerate(
        (("gb-kangaekata", "考え方編"), ("gb-genba", "現場実践編"), ("gb-kankyo", "環境整備編")), 1
    ):
        opening = gb_opening if number == 1 else ""  # the first file opens 第4章
        files[f"guidebook/0{number}-{ident.split('-')[1]}.md"] = long_chapter(
            w, rng, ident, title, size.sections, level=2, opening=opening
        )
    files["guidebook/04-owarini.md"] = (
        front("gb-owarini", "おわりに") + "## おわりに {.unnumbered}\n\n" + w.paragraphs(3) + "\n"
    )
    files["report/90-appendix.md"] = (
        front("appendix", "資料編")
        + "# 資料編 {.unnumbered}\n\n## 検討委員会 {#sec:app-committee}\n\n### 委員構成\n\n"
        + include("committee-members")
        + "\n### 開催状況\n\n"
        + include("committee-meetings")
        + "\nTable: 開催日時、開催方式・場所、議題 {#tbl:app-committee-meetings}\n"
    )
    return files


# ---------------------------------------------------------------------- the project


def _copy_tree(source: Path, dest: Path) -> None:
    """Copy a directory, hard-linking files when source and destination share a file system."""

    def link_or_copy(src: str, dst: str) -> object:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        return dst

    shutil.copytree(source, dest, copy_function=link_or_copy, dirs_exist_ok=True)


def overview_figure(path: Path, font: Path) -> None:
    _chart(path, ["本事業（架空）", "文献調査", "アンケート", "ヒアリング", "ガイドブック"], font)


def generate(dest: Path, size: Size = Size(), *, seed: int = 2024, source: Path = REPO) -> Path:
    """Write the stress project into `dest` (replacing its content/); return `dest`."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    # the layouts are copied, never linked: the benchmark edits house.yaml in its copy
    shutil.rmtree(dest / "layouts", ignore_errors=True)
    shutil.copytree(source / "layouts", dest / "layouts")
    _copy_tree(source / "assets", dest / "assets")
    content = dest / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(dest / "assets" / "images" / "stress", ignore_errors=True)
    assets = dest / "assets"
    font = assets / "fonts" / "BIZUDGothic-Regular.ttf"
    overview_figure(assets / "images" / "stress" / "overview.png", font)

    def write(relative: str, body: str) -> None:
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body.rstrip("\n") + "\n", encoding="utf-8")

    write(
        "project.yaml",
        "# 架空のプロジェクト（benchmarks/stress.py が生成）\n" + to_yaml(project(rng)),
    )
    places = place_names(rng, size.cases)
    with_photos = set(rng.sample(range(size.cases), round(size.cases * size.photos)))
    case_ids = []
    for i, place in enumerate(places):
        record = case_record(i, place, rng, photos=i in with_photos, assets=assets, font=font)
        case_ids.append(record["id"])
        write(f"cases/{record['id']}.yaml", to_yaml(record))
    for i in range(size.policies):
        sheet = policy_sheet(i, rng)
        write(f"policies/{sheet['id']}.yaml", to_yaml(sheet))
    data = survey(rng, size.questions)
    write("survey/prefecture.yaml", to_yaml(data))
    question_ids = [q["id"] for q in data["questions"]]
    for relative, body in chapters(size, rng, case_ids[0], question_ids).items():
        write(relative, body)
    return dest


def edit_case(path: Path, sentence: str = "この一文は編集の確認のために追記した。") -> None:
    """Append `sentence` to the case's 事業の概要 (the first line of its `summary: |` block)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("summary: |"))
    lines[at + 1] = lines[at + 1].rstrip() + sentence
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="directory to write the project into")
    parser.add_argument("--cases", type=int, default=None, help="case records (default 45)")
    parser.add_argument("--sections", type=int, default=None, help="sections per long chapter (6)")
    parser.add_argument(
        "--photos", type=float, default=None, help="share of cases with pictures (0.3)"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quick", action="store_true", help="a small corpus (8 cases) for CI")
    args = parser.parse_args(argv)
    base = QUICK if args.quick else Size()
    size = Size(
        cases=args.cases if args.cases is not None else base.cases,
        sections=args.sections if args.sections is not None else base.sections,
        policies=base.policies,
        questions=base.questions,
        photos=args.photos if args.photos is not None else base.photos,
    )
    if size.cases < 1 or size.sections < 1:
        parser.error("--cases and --sections must be at least 1")
    generate(args.dest, size, seed=args.seed)
    print(
        f"{args.dest}: {size.cases} 事例、制度 {size.policies}、設問 {size.questions}（seed {args.seed}）"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
