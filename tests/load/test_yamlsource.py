"""yamlsource: safe YAML → data plus file:line:col for every field path."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from kumihan.diagnostics import Diagnostics, SourceLoc
from kumihan.load.yamlsource import MAX_FILE_BYTES, load_yaml_file, read_text

from .diag import assert_explained, codes, is_japanese, only

NESTED = """\
id: sakura
approach:
  individual:
    - heading: 地域資源を知る
      items:
        - 老人クラブに出向く。
    - heading: 関係性をつくる
      text: 研修を開く。
    - heading: 個別支援において協働する
      items:
        - かかりつけ医からつないでもらう。
        - 紹介が広がる。
"""


def test_nested_field_paths_have_line_and_column_of_their_value(parse):
    located, diagnostics = parse(NESTED)
    assert located is not None and not diagnostics
    assert located.loc("approach.individual[2].items[0]") == SourceLoc("x.yaml", 11, 11)
    assert located.loc("approach.individual[2].items[1]") == SourceLoc("x.yaml", 12, 11)
    assert located.loc("approach.individual[1].text") == SourceLoc("x.yaml", 8, 13)
    assert located.loc("approach.individual[0]") == SourceLoc("x.yaml", 4, 7)
    assert located.loc("id") == SourceLoc("x.yaml", 1, 5)


def test_key_location_is_the_key_itself_not_its_value(parse):
    located, _ = parse(NESTED)
    assert located is not None
    assert located.key_loc("approach.individual") == SourceLoc("x.yaml", 3, 3)
    assert located.key_loc("approach.individual[1].text") == SourceLoc("x.yaml", 8, 7)


def test_unknown_path_falls_back_to_nearest_located_ancestor(parse):
    located, _ = parse(NESTED)
    assert located is not None
    # a missing child of the third block points at the block
    assert located.loc("approach.individual[2].figure") == SourceLoc("x.yaml", 9, 7)


def test_block_scalar_points_at_first_line_of_its_text(parse):
    text = "summary: |\n  一行目の文。\n  二行目の文。\nnote: >\n\n  折り返す文。\n"
    located, _ = parse(text)
    assert located is not None
    assert located.data["summary"] == "一行目の文。\n二行目の文。\n"
    assert located.loc("summary").line == 2
    assert located.loc("summary").col == 1


def test_dates_and_timestamps_stay_strings(parse):
    located, _ = parse("a: 2024-11-01\nb: 2024-13-01\nc: 2024-11-01 10:00:00\nd: 2024/11/01\n")
    assert located is not None
    assert located.data == {
        "a": "2024-11-01",
        "b": "2024-13-01",
        "c": "2024-11-01 10:00:00",
        "d": "2024/11/01",
    }


def test_plain_scalars_keep_their_yaml_types(parse):
    located, _ = parse("n: 21489\nr: 40.0\nb: true\nz: ~\n")
    assert located is not None
    assert located.data == {"n": 21489, "r": 40.0, "b": True, "z": None}
    assert isinstance(located.data["n"], int) and not isinstance(located.data["n"], bool)


def test_duplicate_key_is_refused_at_the_second_key(parse):
    located, diagnostics = parse("title: 一つ目\nplace: 架空県さくら市\ntitle: 二つ目\n")
    assert located is None
    d = only(diagnostics, "E101")
    assert (d.loc.line, d.loc.col) == (3, 1)
    assert "title" in d.message
    assert_explained(d)


def test_duplicate_key_in_nested_mapping_is_refused(parse):
    located, diagnostics = parse("profile:\n  population: 1\n  population: 2\n")
    assert located is None
    assert only(diagnostics, "E101").loc.line == 3


def test_python_tags_are_refused_and_never_constructed(parse, tmp_path: Path):
    marker = tmp_path / "pwned"
    text = f"title: !!python/object/apply:os.system ['touch {marker}']\n"
    located, diagnostics = parse(text)
    assert located is None
    d = only(diagnostics, "E109")
    assert (d.loc.line, d.loc.col) == (1, 8)
    assert_explained(d)
    assert not marker.exists()


def test_python_object_new_tag_is_refused(parse):
    located, diagnostics = parse("x: !!python/object/new:builtins.dict {}\n")
    assert located is None
    assert codes(diagnostics) == ["E109"]


def test_custom_local_tag_is_refused(parse):
    located, diagnostics = parse("items:\n  - ok\n  - !secret 値\n")
    assert located is None
    d = only(diagnostics, "E109")
    assert d.loc.line == 3


def test_binary_and_set_tags_are_refused(parse):
    for text in ("x: !!binary aGVsbG8=\n", "x: !!set {a, b}\n", "x: !!omap [a: 1]\n"):
        located, diagnostics = parse(text)
        assert located is None, text
        assert codes(diagnostics) == ["E109"], text


def test_merge_key_is_refused(parse):
    located, diagnostics = parse("base: &b {a: 1}\nother:\n  <<: *b\n")
    assert located is None
    assert only(diagnostics, "E109").loc.line == 3


def billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_in_little_memory(parse):
    # memory, not time, is what an expanded bomb would exhaust (and time bounds in a
    # test fail on a busy machine): 9**10 values would need hundreds of GB
    tracemalloc.start()
    try:
        located, diagnostics = parse(billion_laughs())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert located is None
    d = only(diagnostics, "E109")
    assert_explained(d)
    assert peak < 150 * 1024 * 1024


def test_moderate_aliases_are_allowed(parse):
    located, diagnostics = parse("a: &x {k: v}\nb: *x\nc: *x\n")
    assert not diagnostics
    assert located is not None and located.data["c"] == {"k": "v"}


def test_syntax_error_reports_line_and_column(parse):
    located, diagnostics = parse("id: sakura\ntitle: 見出し: 続き\n")
    assert located is None
    d = only(diagnostics, "E101")
    assert (d.loc.line, d.loc.col) == (2, 11)  # the second ": "
    assert is_japanese(d.hint)


def test_syntax_error_message_is_in_japanese(parse):
    # README: every problem is reported in Japanese; PyYAML's English text alone is not enough
    _, diagnostics = parse("id: sakura\ntitle: 見出し: 続き\n")
    assert_explained(only(diagnostics, "E101"))


def test_unclosed_quote_is_a_syntax_error_with_a_line(parse):
    located, diagnostics = parse('id: sakura\ntitle: "閉じない\nplace: x\n')
    assert located is None
    d = only(diagnostics, "E101")
    assert d.loc.line >= 2 and d.loc.col > 0


def test_bad_indentation_is_a_syntax_error(parse):
    located, diagnostics = parse("profile:\n  population: 1\n aging_rate: 2\n")
    assert located is None
    assert only(diagnostics, "E101").loc.line == 3


def test_line_offset_shifts_every_location(parse):
    from kumihan.load.yamlsource import parse_yaml

    diagnostics = Diagnostics()
    located = parse_yaml("id: a\ntitle: b\n", "c.md", diagnostics, line_offset=1)
    assert located is not None
    assert located.loc("title") == SourceLoc("c.md", 3, 8)
    assert located.key_loc("title") == SourceLoc("c.md", 3, 1)


def test_deeply_nested_flow_sequences_are_refused_not_crashing(parse):
    # a 1 KB file: must be a diagnostic, not a RecursionError escaping the loader
    depth = 600
    located, diagnostics = parse("a: " + "[" * depth + "]" * depth + "\n")
    assert located is None
    assert codes(diagnostics) and set(codes(diagnostics)) <= {"E101", "E109"}


def test_deeply_nested_block_mappings_are_refused_not_crashing(parse):
    text = "".join("  " * i + "k:\n" for i in range(600))
    located, diagnostics = parse(text)
    assert located is None
    assert codes(diagnostics) and set(codes(diagnostics)) <= {"E101", "E109"}


def test_empty_document_is_an_empty_mapping(parse):
    located, diagnostics = parse("# only a comment\n")
    assert located is not None and located.data == {} and not diagnostics


def test_multiple_documents_are_refused(parse):
    located, diagnostics = parse("a: 1\n---\nb: 2\n")
    assert located is None
    assert codes(diagnostics) == ["E101"]


# ---------------------------------------------------------------- files


def test_huge_file_is_refused_before_parsing(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"title: " + b"a" * (MAX_FILE_BYTES + 1) + b"\n")
    diagnostics = Diagnostics()
    started = time.perf_counter()
    assert load_yaml_file(path, "content/cases/big.yaml", diagnostics) is None
    assert time.perf_counter() - started < 1.0
    d = only(diagnostics, "E110")
    assert d.loc.file == "content/cases/big.yaml"
    assert_explained(d)


def test_bad_utf8_is_refused_with_e100(tmp_path: Path):
    path = tmp_path / "sjis.yaml"
    path.write_bytes("title: 架空県さくら市\n".encode("shift_jis"))
    diagnostics = Diagnostics()
    assert load_yaml_file(path, "content/cases/sjis.yaml", diagnostics) is None
    d = only(diagnostics, "E100")
    assert "UTF-8" in d.message
    assert_explained(d)


def test_missing_file_is_e100_not_an_exception(tmp_path: Path):
    diagnostics = Diagnostics()
    assert read_text(tmp_path / "nope.yaml", "content/nope.yaml", diagnostics) is None
    assert codes(diagnostics) == ["E100"]


def test_utf8_bom_is_accepted(tmp_path: Path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffid: sakura\n".encode())
    diagnostics = Diagnostics()
    located = load_yaml_file(path, "content/cases/bom.yaml", diagnostics)
    assert not diagnostics.has_errors
    assert located is not None and located.data == {"id": "sakura"}
