"""A small fictional project shared by the stage tests (load, assemble, fuzz, cli).

Everything here is invented: 架空県さくら市, 山田花子, 架空総合研究所. `make_project`
writes a project root with `content/` (project.yaml, two or three case records, a policy
sheet, a survey and one short chapter per manifest glob), the repository's `layouts/`,
and an `assets/` whose fonts and ICC profile are symlinks to the repository's files (so
font metrics caches are shared and nothing large is copied).
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROJECT_YAML = """\
title: 架空県における地域づくりの手法に関する調査研究
programme: 令和6年度 架空事業推進費補助金
fiscal_year: 2024
issued: 2025-03-31
organisation:
  name: 架空総合研究所
  name_en: Kaku Research Institute
  postcode: 123-4567
  address: 架空県さくら市中央1-2-3
  tel: (000) 000-0000
committee:
  name: 地域づくり手法検討委員会
  note: 追加で1回開催した。
  members:
    - {role: 委員, name: 佐藤 一郎, affiliation: 架空大学 教授}
    - {role: 委員長, name: 山田 花子, affiliation: さくら大学 教授}
  meetings:
    - number: 1
      date: 2024-09-30
      start: "15:00"
      end: "17:00"
      format: 対面開催
      place: さくら市民会館
      agenda: [調査計画, 論点整理]
schedule:
  months: ["2024-11", "2024-12", "2025-01", "2025-02"]
  tasks:
    - name: 委員会
      steps: [開催]
      marks: {"2024-12": 第1回}
    - name: ヒアリング調査
      steps: [計画, 実施]
      periods:
        - {from: "2024-12", to: "2025-01", label: 調査の実施}
"""

# a complete final record: every section of the four pages, one outcome, one photo
CASE_SAKURA = """\
id: sakura
type: 1
order: 1
status: final
title: だれもが担い手になるまちづくり
short_name: 架空県さくら市社協
place: 架空県さくら市
actor: さくら市社会福祉協議会
initiative: さくら市地域支え合い推進室
interviewees:
  - さくら市社会福祉協議会
  - 山田花子（地域支え合い推進員）
interviewed_on: 2024-11-20
summary: |
  架空県さくら市では、住民同士のゆるやかなつながりを地域づくりの基盤と考えている。

  専門職と住民の両方に向けた仕掛けをつくっている。
learnings:
  - heading: 本人を中心とした支援
    text: |
      制度の枠にとらわれず支援する。
  - heading: 気づきを支援に
    items:
      - 住民の気づきを専門職につなぐ。
      - 声かけを文化にする。
profile:
  population: 21489
  aging_rate: 40.0
  figure:
    image: images/cases/sakura/soshikizu.png
    caption: さくら市の組織図
  structure: |
    推進室に生活支援コーディネーターを置く。
  programs: |
    重層的支援体制整備事業を活用している。
history:
  - period: 令和4年度
    events:
      - heading: モデル事業を開始
        text: |
          市内の診療所と連携した。
  - period: 令和5年度
    events:
      - heading: 推進室を開設
        text: |
          推進室を開設した。
      - heading: 研修を開始
        items:
          - 専門職向けの研修
notes:
  - heading: 将来の展望
    text: |
      課として体制を整える。
approach:
  individual:
    - heading: 地域資源を知る
      items:
        - 老人クラブに出向く。
        - 団体を取材する。
    - heading: 関係性をつくる
      items:
        - 研修を開く。
    - heading: 得られたアウトカム
      text: |
        相談が増えた。
  community:
    - heading: カレッジを開催
      text: |
        住民が企画を立てる。
features:
  - heading: ひきこもりの社会参加を後押し
    text: |
      30代のAさんが活動を始めた。
    figure:
      image: images/cases/sakura/photo-1.png
      caption: （写真）顔の見えるつながり
      credit: 提供：さくら市
  - heading: 小さな役割をつくる
    text: |
      できることから始める。
voices:
  - heading: 取組による地域の変化
    text: |
      住民の声が届くようになった。
    speaker: さくら市社会福祉協議会
  - heading: 今後の課題
    items:
      - 担い手の確保
    speaker: 山田花子
"""

# a final record of type 2 without pictures, interviewed before sakura
CASE_KAEDE = """\
id: kaede
type: 2
status: final
title: 商店街がつなぐ見守り
place: 架空県かえで町
actor: かえで町商店会
initiative: まちなか見守り隊
interviewees: [かえで町商店会]
interviewed_on: 2024-10-05
summary: 商店街が見守りの拠点になっている。
learnings:
  - heading: 商いと見守り
    text: 買い物のついでに声をかける。
profile:
  population: 8000
  aging_rate: 35.5
  structure: 商店会と町の福祉課が連携する。
  programs: 町の補助金を活用している。
history:
  - period: 令和5年度
    events:
      - heading: 見守り隊を結成
        text: 十店舗が参加した。
approach:
  individual:
    - heading: 地域資源を知る
      text: 店主の話を聞く。
  community:
    - heading: 商店街で集う
      text: 月に一度の市を開く。
features:
  - heading: 買い物が見守りになる
    text: 顔なじみの店が気づく。
voices:
  - heading: 今後の課題
    text: 後継者を育てる。
    speaker: かえで町商店会
"""

# a draft record with only the required fields: every section is a placeholder
CASE_MOMIJI_DRAFT = """\
id: momiji
type: 1
order: 2
status: draft
title: 準備中の事例
place: 架空県もみじ村
actor: もみじ村
initiative: もみじ村の取組
interviewees: [もみじ村]
interviewed_on: 2024-12-01
"""

POLICY = """\
id: kakuu-seido
name: 架空地域づくり交付金
ministry: 架空省
category: 財政支援
overview: 地域の拠点づくりを支援する架空の制度。
support: |
  - 対象：市町村
  - 上限：100万円
examples:
  - 空き店舗を拠点にした例（架空県さくら市）
links:
  - {label: 架空省HP, url: "https://example.com/seido"}
sources:
  - {text: 架空省 資料, url: "https://example.com/seido.pdf", accessed: 2024-09-24}
"""

SURVEY = """\
id: pref
title: 架空県アンケート調査
period: {from: 2024-08-26, to: 2024-09-13}
population: 47
valid: 45
topics: [取組状況]
questions:
  - id: grasp
    text: 取組状況の把握
    n: 45
    chart: hbar
    options:
      - {label: 把握している, count: 9}
      - {label: その他の回答, count: 36}
  - id: reasons
    text: 取組の理由（複数回答）
    n: 45
    multiple: true
    options:
      - {label: 住民の要望, count: 30}
      - {label: 首長の方針, count: 25}
      - {label: その他, count: 10}
"""

CHAPTERS = {
    "summary/01-purpose.md": """\
        ---
        id: purpose
        title: 事業目的
        ---

        # 事業目的 {#sec:purpose}

        架空県さくら市を例に、地域づくりの手法を調べた。

        ## 調査の方法 {#sec:method}

        ::: include survey-response
        :::

        ::: include survey-chart grasp
        :::

        [@fig:survey-grasp]のとおり把握は少ない。

        ::: include schedule
        :::

        Table: 全体の日程 {#tbl:plan}

        ::: include hearing-list
        :::
        """,
    "casebook/00-guide.md": """\
        ---
        id: guide
        title: 本事例集の見方
        ---

        # 本事例集の見方 {#sec:guide}

        各事例は4ページで構成する。

        ::: include case-types
        :::
        """,
    "report/00-hajimeni.md": """\
        # はじめに {.unnumbered}

        本報告書は架空の調査をまとめたものである。
        """,
    "report/01-gaiyo.md": """\
        # 事業概要 {#sec:gaiyo .unnumbered}

        ## 検討委員会

        ::: include committee-members
        :::

        ::: include committee-meetings
        :::
        """,
    "report/10-survey.md": """\
        # 調査の結果 {#sec:result}

        ## 他省庁の制度

        ::: include policy-cards
        :::

        ## アンケート

        ::: include survey-chart reasons
        :::

        詳しくは[@sec:guidebook]を見よ。
        """,
    "guidebook/01-kangaekata.md": """\
        # ガイドブック {#sec:guidebook}

        考え方をまとめた。
        """,
    "report/90-appendix.md": """\
        # 資料編 {.unnumbered}

        ::: include organisation
        :::
        """,
}


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def link_assets(root: Path) -> None:
    """assets/fonts and assets/icc as symlinks to the repository's; assets/images empty."""
    assets = root / "assets"
    (assets / "images").mkdir(parents=True, exist_ok=True)
    for sub in ("fonts", "icc"):
        target = assets / sub
        if not target.exists():
            target.symlink_to(REPO / "assets" / sub, target_is_directory=True)


def copy_layouts(root: Path) -> None:
    shutil.copytree(REPO / "layouts", root / "layouts", dirs_exist_ok=True)


def make_project(
    root: Path,
    *,
    draft: bool = False,
    cases: dict[str, str] | None = None,
    chapters: dict[str, str] | None = None,
) -> Path:
    """Write the fictional project under `root` and return `root`.

    `cases` replaces the case records (id → YAML); `draft` adds the draft record momiji.
    """
    root.mkdir(parents=True, exist_ok=True)
    copy_layouts(root)
    link_assets(root)
    write(root, "content/project.yaml", PROJECT_YAML)
    records = dict(cases) if cases is not None else {"sakura": CASE_SAKURA, "kaede": CASE_KAEDE}
    if draft:
        records["momiji"] = CASE_MOMIJI_DRAFT
    for case_id, text in records.items():
        write(root, f"content/cases/{case_id}.yaml", text)
    write(root, "content/policies/kakuu-seido.yaml", POLICY)
    write(root, "content/survey/pref.yaml", SURVEY)
    for name, text in (CHAPTERS if chapters is None else chapters).items():
        write(root, f"content/{name}", textwrap.dedent(text))
    return root


def png(path: Path, size: tuple[int, int] = (1800, 1200)) -> Path:
    """A plain RGB PNG (large enough for print at the full frame width)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 220, 240)).save(path)
    return path


def add_case_pictures(root: Path) -> None:
    """The pictures CASE_SAKURA names, so a strict build has nothing missing."""
    images = root / "assets" / "images" / "cases" / "sakura"
    png(images / "soshikizu.png")
    png(images / "photo-1.png")


def bomb_png(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny PNG whose header claims `width`×`height` pixels (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # one compressed row of zeros is enough for a header reader; the rest is missing
    data = zlib.compress(b"\x00" * (1 + 3 * 64))
    blob = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    return path
