"""Pure functions of the spine, on inline data."""

from __future__ import annotations

from tests.grids import grid, table

import pytest

from extract.model import Word
from extract.stages import lines as L
from extract.stages.grid import cells_to_grid, fill_cells
from extract.stages.layout import join_texts
from extract.stages.normalise import chinese_numeral, normalise_text, document_metadata
from extract.stages.numbers import parse_amount
from extract.stages.table_keys import split_table_no, table_key


@pytest.mark.parametrize("text,value", [("1,763.09", 1763.09), ("１，７６３．０９", 1763.09), ("0.00", 0.0),
                                        ("-12.30", -12.3), ("(12.30)", -12.3), ("", None), ("—", None),
                                        ("2025年", None), ("1,76,3.09", None), ("12.60万元", 12.6)])
def test_parse_amount(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("title,key", [
    ("表一2025年预算收支总表", "income_expenditure_total"), ("收入支出决算总表", "income_expenditure_total"),
    ("部门收支总体情况表", "income_expenditure_total"), ("预算单位财务收支预算总表", "income_expenditure_total"),
    ("部门综合预算收支总表", "income_expenditure_total"), ("2025年财政拨款收支总表", "fiscal_grant_total"),
    ("收入决算表", "income_total"), ("收入总体情况表", "income_total"), ("2025年预算支出总表", "expenditure_total"),
    ("一般公共预算支出功能分类预算表", "general_budget_expenditure"),
    ("一般公共预算支出情况表（按功能分类科目）", "general_budget_expenditure"),
    ("一般公共预算基本支出部门预算经济分类预算表", "general_budget_basic_expenditure"),
    ("2025年一般公共预算安排基本支出分经济科目表（不含上年结转）", "general_budget_basic_expenditure"),
    ("财政拨款\"三公\"经费支出决算表", "three_public"), ("“三公”经费和机关运行经费预算表", "three_public"),
    ("2025年政府性基金预算收入表（不含上年结转）", "gov_fund_income"),
    ("政府性基金预算财政拨款收入支出决算表", "gov_fund_expenditure"),
    ("2025年国有资本经营预算收支预算表（不含上年结转）", "state_capital"),
    ("2025年财政拨款安排机关运行经费预算表", "operating_expenses"),
    ("2025年项目支出预算表（本年预算）", "project_expenditure"),
    ("2025年项目支出预算表（上年结转）", "project_expenditure_carryover"),
    ("政府采购预算表", "procurement"), ("项目支出绩效目标表", "other"), ("基本支出总表", "other"),
    ("一般公共预算支出表(按经济分类)", "other"),
])
def test_table_key_by_meaning(title, key):
    assert table_key(title) == key


def test_split_table_no():
    assert split_table_no("表十三2025年项目支出预算表（上年结转）") == (13, "2025年项目支出预算表(上年结转)")
    assert split_table_no("预算公开表3") == (3, "")
    assert chinese_numeral("二十一") == 21 and chinese_numeral("十") == 10


def test_radicals_supplement_and_kangxi_fold():
    assert normalise_text("⼀般公共预算⽀出") == "一般公共预算支出"  # Kangxi radicals: NFKC
    assert normalise_text("⻓期⻔诊⻅⻋") == "长期门诊见车"  # CJK radicals supplement: explicit map
    assert normalise_text("财政资 金") == "财政资金"


def test_join_texts_keeps_latin_spaces_only():
    assert join_texts(["市县(区)财政资", "金"]) == "市县(区)财政资金"
    assert join_texts(["PP-OCR", "v5"]) == "PP-OCR v5"


_grid, _table = grid, table  # shared with the other layout tests (tests/grids.py)


def test_merged_header_paths_and_lines():
    rows = [["项目", "", "2025年预算数", "", ""],
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["", "合计", "1,763.09", "1,677.68", "85.41"],
            ["2040802", "一般行政管理事务", "52.00", "", "52.00"]]
    t = _table(rows, {(0, 0): (1, 2), (0, 2): (1, 3)})
    assert t.columns == ["项目/科目编码", "项目/科目名称", "2025年预算数/合计", "2025年预算数/基本支出",
                         "2025年预算数/项目支出"]
    got = {(r["row_no"], r["code"], r["name"], r["level"], r["column"], r["amount"]) for r in L.table_lines(t, "d")}
    assert got == {(1, None, "合计", None, "2025年预算数/合计", 1763.09),
                   (1, None, "合计", None, "2025年预算数/基本支出", 1677.68),
                   (1, None, "合计", None, "2025年预算数/项目支出", 85.41),
                   (2, "2040802", "一般行政管理事务", 3, "2025年预算数/合计", 52.0),
                   (2, "2040802", "一般行政管理事务", 3, "2025年预算数/项目支出", 52.0)}


def test_two_sided_table_keeps_side_as_path_top():
    rows = [["收入", "", "支出", ""], ["项目", "2025年", "项目", "2025年合计"],
            ["一、一般公共预算", "1763.09", "四、公共安全支出", "1270.33"]]
    t = _table(rows, {(0, 0): (1, 2), (0, 2): (1, 2)})
    got = {(r["side"], r["name"], r["column"], r["amount"]) for r in L.table_lines(t, "d")}
    assert got == {("收入", "一、一般公共预算", "收入/2025年", 1763.09), ("支出", "四、公共安全支出", "支出/2025年合计", 1270.33)}


def test_side_by_side_panels_and_split_codes():
    rows = [["科目编码", "", "", "科目名称", "人员经费", "科目编码", "科目名称", "公用经费"],
            ["类", "款", "项", "", "", "", "", ""],
            ["201", "08", "01", "行政运行", "10.00", "30201", "办公费", "2.50"]]
    t = _table(rows, {(0, 0): (1, 3), (0, 3): (2, 1), (0, 4): (2, 1), (0, 5): (2, 1), (0, 6): (2, 1), (0, 7): (2, 1)})
    got = {(r["code"], r["name"], r["column"], r["amount"]) for r in L.table_lines(t, "d")}
    assert got == {("2010801", "行政运行", "人员经费", 10.0), ("30201", "办公费", "公用经费", 2.5)}


def test_column_number_row_is_not_a_header_level():
    rows = [["项目名称", "合计"], ["1", "2"], ["援疆干部工作经费", "3.90"]]
    t = _table(rows, {})
    assert t.columns == ["项目名称", "合计"] and len(t.body) == 1


def test_cells_to_grid_spans_and_fill():
    g = cells_to_grid([(0, 0, 20, 10), (20, 0, 30, 10), (0, 10, 10, 20), (10, 10, 20, 20), (20, 10, 30, 20)], 1)
    assert (g.n_rows, g.n_cols) == (2, 3)
    assert [(c.row, c.col, c.row_span, c.col_span) for c in g.cells][0] == (0, 0, 1, 2)
    fill_cells(g, [Word("财政资", 1, 1, 9, 4, size=3), Word("金", 1, 5, 4, 8, size=3)])
    assert g.cells[0].text == "财政资金"


def test_metadata_from_title_page_and_headers():
    unit, year, kind = document_metadata(["阳泉市强制隔离戒毒所", "2025年度单位预算公开"],
                                         ["单位名称：阳泉市强制隔离戒毒所 单位：万元"] * 3)
    assert (unit, year, kind) == ("阳泉市强制隔离戒毒所", 2025, "单位预算")
