"""benchmarks/bench.py: the report it writes (no timing is asserted anywhere)."""

from __future__ import annotations

import bench  # benchmarks/bench.py

ROWS = [
    bench.Row("sample", "全成果物", "PDF×2 + DOCX", 208, bench.Run(4.0, 120.0, 0, "")),
    bench.Row("stress", "事例集", "PDF 印刷用", 186, bench.Run(2.0, 600.0, 0, "")),
    bench.Row("stress", "事例集", "PDF Web用", 186, bench.Run(1.0, 500.0, 0, "")),
    bench.Row(
        "stress", "1事例編集後（case-001）", "事例集のみ", None, bench.Run(0.5, 200.0, 0, "")
    ),
    bench.Row(
        "stress",
        "1事例編集後（case-001）、watch 中",
        "事例集のみ",
        None,
        bench.Run(1.5, 300.0, 0, ""),
    ),
    bench.Row(
        "stress",
        "レイアウト変更後（画像は変換済み）",
        "PDF×2 + DOCX",
        900,
        bench.Run(10.0, 1, 0, ""),
    ),
]


def test_targets_are_judged_from_the_rows() -> None:
    found = {target.split(" ")[0]: (value, ok) for target, value, ok in bench.targets(ROWS)}
    targets = {target: (value, ok) for target, value, ok in bench.targets(ROWS)}

    assert found["サンプル全体のビルド"] == ("4.00 s", True)
    assert found["stress"] == ("124.0 ページ/s", True)  # 372 pages in 3 s
    assert targets["stress: 1事例の再ビルド（事例集、build.py）< 1 s"] == ("0.50 s", True)
    assert targets["stress: 1事例の再ビルド（事例集、watch 中）< 1 s"] == ("1.50 s", False)
    assert found["stress（レイアウト変更後の全体ビルド、画像は変換済み）の"] == (
        "90.0 ページ/s",
        True,
    )
    assert found["最大メモリ"] == ("600 MB", False)


def test_markdown_has_the_table_and_the_machine() -> None:
    text = bench.markdown(ROWS, 123456.0, {"CPU": "テスト用CPU", "コア数": "2"}, " --quick")

    assert text.count("\n| sample |") + text.count("\n| stress |") == len(ROWS)
    assert "| stress | 事例集 | PDF Web用 | 186 | 1.00 | 186.0 | 500 |" in text
    assert "123,456 文字/s" in text
    assert "- CPU: テスト用CPU" in text
    assert "bench.py --quick" in text
