"""Issue 14: the domain vocabulary has one home (extract/vocab) and means the same everywhere."""

from __future__ import annotations

import re
import subprocess

import pytest

from extract.vocab import chars, units, words
from tests.conftest import ROOT


def test_to_yuan_names_the_missing_unit_at_each_call():
    assert units.to_yuan(1.5, "万元", missing="元") == 15000.0
    assert units.to_yuan(2.0, "亿元", missing="元") == 200000000.0
    assert units.to_yuan(3.0, "千元", missing="万元") == 3000.0
    assert units.to_yuan(7.0, None, missing="元") == 7.0  # pipeline: an unknown unit never scales
    assert units.to_yuan(7.0, None, missing="万元") == 70000.0  # checks: tables print 万元 by convention
    assert units.to_yuan(7.0, "", missing="万元") == 70000.0


def test_per_unit_gives_the_factors_the_narrative_check_used():
    # 亿元 / 万元 / 元 quoted in prose, in 万元: the exact floats the old table held
    assert units.per_unit("亿元", "万元", missing="万元") == 10000.0
    assert units.per_unit("万元", "万元", missing="万元") == 1.0
    assert units.per_unit("元", "万元", missing="万元") == 0.0001
    assert units.YUAN_PER_WAN / units.yuan_per("亿元", missing="万元") == 0.0001


def test_unit_words_match_longest_first():
    assert re.fullmatch(f"({units.UNIT_WORDS})", "万元") and re.fullmatch(f"({units.UNIT_WORDS})", "千元")
    assert re.match(f"({units.UNIT_WORDS})", "万元")[0] == "万元"


@pytest.mark.parametrize("ch, ideograph, any_ideograph", [
    ("支", True, True), ("㐀", False, True), ("𠂊", False, True), ("a", False, False), ("，", False, False),
])
def test_character_classes(ch: str, ideograph: bool, any_ideograph: bool):
    assert chars.is_ideograph(ch) is ideograph
    assert chars.is_any_ideograph(ch) is any_ideograph
    assert chars.has_ideograph(f"x{ch}y") is ideograph


def test_radicals():
    assert chars.is_radical("⽀") and chars.is_radical("⻓") and not chars.is_radical("支")


def test_totals_rows_the_stage_reads_as_body_include_every_grand_total_the_checks_use():
    assert set(words.GRAND_TOTAL_LABELS) < set(words.TOTAL_ROW_LABELS)
    assert set(words.TOTAL_ROW_LABELS) - set(words.GRAND_TOTAL_LABELS) == {"收入总计", "支出总计"}


def test_word_lists_load_and_org_endings_match():
    assert "合计" in words.TOTAL_ROW_LABELS and "部门合计" in words.GRAND_TOTAL_LABELS
    assert words.ORG_NAME_END.search("阳泉市强制隔离戒毒所") and words.ORG_NAME_END.search("市财政局（本级）")
    assert not words.COVER_ORG_NAME_END.search("全国人民代表大会")  # a cover line ending in 会 is no body's name
    assert "阳泉市公安局".endswith(words.ORG_SUFFIXES)


def test_ranges_are_spelled_only_in_vocab():
    """git grep: the CJK ranges and unit factors are written in extract/vocab and nowhere else."""
    pattern = r"\\u4e00|\\u3400|\\u3000-|\\u9fff|\\u2e80|\\u2f00|\"万元\": *10000"
    found = subprocess.run(["git", "grep", "--untracked", "-n", "-E", pattern, "--", "extract"], cwd=ROOT,
                           capture_output=True, text=True).stdout.splitlines()
    if not found and not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    assert found and all(line.startswith("extract/vocab/") for line in found), found
