"""Layout families of issue 12: split 科目编码, two economic classifications, totals rows
inside a merged header, and tolerances that follow the printed precision.

Each test builds the family's table shape inline (the real files are in
../shared/corpus/wild; tests/test_real_corpus.py checks their figures).
"""

from __future__ import annotations

from tests.grids import grid, table

from extract.checks.common import compare, printed_step
from extract.checks.sums import check_sums
from extract.model import TableBlock
from extract.stages import lines as L
from extract.stages.table_keys import table_key
from extract.stages.tables import split_header


_grid, _table = grid, table  # shared with the other layout tests (tests/grids.py)


def _codes(t: TableBlock) -> list[tuple]:
    return [(r["row_no"], r["code"], r["level"], r["name"], r["amount"]) for r in L.table_lines(t, "d")]


def test_split_code_columns_take_missing_segments_from_parent_rows():
    """Yantai: 类 | 款 | 项 columns, each row printing only its own segment."""
    rows = [["科目编码", "", "", "科目名称", "合计"],
            ["类", "款", "项", "", ""],
            ["", "", "", "合计", "2,123.11"],
            ["201", "", "", "一般公共服务支出", "1,506.40"],
            ["", "05", "", "统计信息事务", "1,506.40"],
            ["", "", "01", "行政运行", "588.75"],
            ["", "", "50", "事业运行", "917.65"],
            ["208", "", "", "社会保障和就业支出", "292.73"],
            ["", "05", "", "行政事业单位养老支出", "292.73"],
            ["", "", "05", "机关事业单位基本养老保险缴费支出", "292.73"]]
    t = _table(rows, {(0, 0): (1, 3), (0, 3): (2, 1), (0, 4): (2, 1)})
    assert _codes(t) == [(1, None, None, "合计", 2123.11), (2, "201", 1, "一般公共服务支出", 1506.4),
                         (3, "20105", 2, "统计信息事务", 1506.4), (4, "2010501", 3, "行政运行", 588.75),
                         (5, "2010550", 3, "事业运行", 917.65), (6, "208", 1, "社会保障和就业支出", 292.73),
                         (7, "20805", 2, "行政事业单位养老支出", 292.73),
                         (8, "2080505", 3, "机关事业单位基本养老保险缴费支出", 292.73)]


def test_split_segment_without_a_parent_row_has_no_code():
    rows = [["类", "款", "项", "科目名称", "合计"], ["", "05", "", "行政事业单位养老支出", "292.73"],
            ["", "", "01", "行政单位离退休", "78.84"]]
    t = _table(rows, {})
    assert [r["code"] for r in L.table_lines(t, "d")] == [None, None]


def test_single_code_column_with_two_digit_kuan_segments():
    """Xi'an, Changsha: 类 and 项 printed in full, a 款 as its two digits under the 类."""
    rows = [["科目编码", "科目名称", "合计"],
            ["201", "一般公共服务支出", "56.52"], ["10", "人力资源事务", "56.52"],
            ["2011007", "博士后日常经费", "7.00"], ["208", "社会保障和就业支出", "100.00"],
            ["05", "行政事业单位离退休", "100.00"], ["2080505", "机关事业单位基本养老保险缴费支出", "100.00"]]
    t = _table(rows, {})
    assert [r["code"] for r in L.table_lines(t, "d")] == ["201", "20110", "2011007", "208", "20805", "2080505"]


def _yantai_economic() -> TableBlock:
    """Yantai 基本支出表: 部门经济分类 类|款, name, 政府经济分类 类|款, name, amounts."""
    rows = [["科目编码", "", "部门预算支出经济分类科目名称", "科目编码", "", "政府预算支出经济分类科目名称", "小计"],
            ["类", "款", "", "类", "款", "", ""],
            ["", "", "合计", "", "", "", "1,848.54"],
            ["301", "", "工资福利支出", "501", "", "机关工资福利支出", "754.26"],
            ["301", "01", "基本工资", "501", "01", "工资奖金津补贴", "369.90"],
            ["301", "02", "津贴补贴", "501", "01", "工资奖金津补贴", "384.36"],
            ["301", "", "工资福利支出", "505", "", "对事业单位经常性补助", "1,094.28"],
            ["301", "01", "基本工资", "505", "01", "工资福利支出", "700.00"],
            ["301", "02", "津贴补贴", "505", "01", "工资福利支出", "394.28"]]
    return _table(rows, {(0, 0): (1, 2), (0, 2): (2, 1), (0, 3): (1, 2), (0, 5): (2, 1), (0, 6): (2, 1)},
                  key="general_budget_basic_expenditure")


def test_second_classification_goes_to_gov_econ_code():
    got = [(r["code"], r["name"], r["gov_econ_code"], r["gov_econ_name"]) for r in
           L.table_lines(_yantai_economic(), "d")]
    assert got == [(None, "合计", None, None), ("301", "工资福利支出", "501", "机关工资福利支出"),
                   ("30101", "基本工资", "50101", "工资奖金津补贴"), ("30102", "津贴补贴", "50101", "工资奖金津补贴"),
                   ("301", "工资福利支出", "505", "对事业单位经常性补助"), ("30101", "基本工资", "50501", "工资福利支出"),
                   ("30102", "津贴补贴", "50501", "工资福利支出")]


def test_checks_sum_repeated_codes_and_both_hierarchies():
    checks = check_sums("d", L.table_lines(_yantai_economic(), "d"))
    children = [(c["detail"].split(" = ")[0], c["status"]) for c in checks if c["check"] == "sum.children"]
    assert children == [("类 301 (Σ rows 2, 5)", "pass"), ("政府经济分类 类 501", "pass"),
                        ("政府经济分类 类 505", "pass")]
    total = [c for c in checks if c["check"] == "sum.total"]
    assert [(c["expected"], c["status"]) for c in total] == [("1848.54", "pass")]


def _xian_economic(total: str = "181716.56") -> list[list[str]]:
    return [["部门经济科目编码", "部门经济科目名称", "政府经济科目编码", "政府经济科目名称", "合计"],
            ["", "", "", "合计", total],
            ["301", "工资福利支出", "", "", "1589.39"],
            ["30101", "基本工资", "50501", "工资福利支出", "347.14"],
            ["30101", "基本工资", "50101", "工资奖金津补贴", "1242.25"]]


def test_totals_row_inside_a_merged_header_is_body():
    """Xi'an: 合计 and its amounts printed beside the header's vertically merged cells."""
    t = _table(_xian_economic(), {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1)}, key="other")
    assert t.columns == ["部门经济科目编码", "部门经济科目名称", "政府经济科目编码", "政府经济科目名称", "合计"]
    got = [(r["code"], r["gov_econ_code"], r["amount"]) for r in L.table_lines(t, "d")]
    assert got == [(None, None, 181716.56), ("301", None, 1589.39), ("30101", "50501", 347.14),
                   ("30101", "50101", 1242.25)]
    children = [c for c in check_sums("d", L.table_lines(t, "d")) if c["check"] == "sum.children"]
    assert [(c["expected"], c["actual"], c["status"]) for c in children] == [("1589.39", "1589.39", "pass")]


def test_a_row_of_years_stays_header():
    rows = [["项目", "2024年", "2025年"], ["", "2024", "2025"], ["合计", "1.00", "2.00"]]
    g = _grid(rows, {(0, 0): (2, 1)})
    assert split_header(g) == 2


def test_basic_by_function_titles_are_other():
    assert table_key("2022年部门综合预算一般公共预算基本支出明细表(按功能科目分)") == "other"
    assert table_key("2022年部门综合预算一般公共预算基本支出明细表(按支出经济分类科目-不含上年结转)") \
        == "general_budget_basic_expenditure"


def test_tolerance_follows_printed_precision():
    whole = [{"amount": a} for a in (154369326.0, 94995790.0, 59373536.0, 1200.0, 35.0)]
    cents = [{"amount": a} for a in (154369326.0, 94995790.5, 59373536.0, 1200.0, 35.0)]
    assert printed_step(whole) == 1.0 and printed_step(cents) == 0.01
    assert printed_step([{"amount": a} for a in (10.0, 20.0, 30.0, 40.0, 50.0)]) == 0.01  # 10.00 … in 万元
    assert compare(154369327.0, 154369326.0, terms=2, step=1.0).status == "pass"
    assert compare(154369327.0, 154369326.0, terms=2).status == "fail"
    assert compare(786781502.82, 786781502.80, terms=2).status == "pass"  # 0.02 over 2 terms, large figures


def test_code_cell_with_an_overflowed_name_keeps_its_code():
    """Xi'an: 机关事业单位基本养老保险缴费 overflows into the next cell: 险50102."""
    rows = _xian_economic()[:3] + [["30108", "机关事业单位基本养老保", "险50102", "社会保障缴费", "1040490.82"]]
    t = _table(rows, {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1)}, key="other")
    assert [r["gov_econ_code"] for r in L.table_lines(t, "d")][-1] == "50102"


def test_side_by_side_panels_under_one_column_balance_each():
    """Xi'an 收支总表: 功能分类 | 预算数 | 部门经济分类 | 预算数 under 支出, one column path."""
    from extract.checks.balance import check_balance
    c = "支出/预算数"
    mk = lambda row, name, amount: {"doc_id": "d", "table_key": "income_expenditure_total", "row_no": row,
                                    "side": "支出", "code": None, "name": name, "column": c, "amount": amount}
    rows = [mk(1, "一、部门预算", 10.0), mk(1, "一、部门预算", 10.0), mk(2, "本年支出合计", 10.0),
            mk(2, "本年支出合计", 10.0)]
    sums = [r for r in check_balance("d", rows) if r["check"] == "sum.total"]
    assert [(r["expected"], r["status"]) for r in sums] == [("10.00", "pass"), ("10.00", "pass")]


def test_rate_columns_are_not_summed():
    from extract.checks import run_checks
    rows = [{"doc_id": "d", "table_key": "general_budget_expenditure", "row_no": i, "side": None, "code": code,
             "name": code, "column": "增减(%)", "amount": a, "page": 1}
            for i, (code, a) in enumerate([("201", 940.07), ("20140", -60.86), ("2014001", 4.88)], 1)]
    assert [r for r in run_checks("d", {"budget_lines": rows}) if r["check"].startswith("sum")] == []


def test_functions_summed_over_unit_blocks():
    """Shenzhen 支出总表 lists 本级 then each 下属单位, with no department-level 类 rows."""
    from extract.checks.cross import function_checks
    spend = [{"table_key": "income_expenditure_total", "row_no": 1, "side": "支出", "code": None,
              "name": "一、教育支出", "column": "支出/2026年预算数", "amount": 264.35}]
    ex = [{"table_key": "expenditure_total", "row_no": r, "side": None, "code": "205", "name": "教育支出",
           "column": "支出总计", "amount": a} for r, a in ((3, 132.06), (40, 1.67), (61, 130.62))]
    got = function_checks("d", {"income_expenditure_total": spend, "expenditure_total": ex})
    assert [(g["expected"], g["status"]) for g in got] == [("264.35", "pass")]


def _xian_totals() -> dict[str, list[dict]]:
    """Xi'an 021: 收支总表, 收入总表 and 支出总表 totals as printed (元, Excel display rounding)."""
    def mk(key, row, name, column, amount, side=None):
        return {"doc_id": "d", "table_key": key, "row_no": row, "side": side, "code": None, "name": name,
                "column": column, "amount": amount, "page": 1}
    return {"income_expenditure_total": [
        mk("income_expenditure_total", 33, "本年收入合计", "收入/预算数", 936647884.33, "收入"),
        mk("income_expenditure_total", 40, "收入总计", "收入/预算数", 943864999.96, "收入"),
        mk("income_expenditure_total", 33, "本年支出合计", "支出/预算数", 936647884.33, "支出"),
        mk("income_expenditure_total", 35, "未安排支出的实户资金", "支出/预算数", 7217115.63, "支出"),
        mk("income_expenditure_total", 40, "支出总计", "支出/预算数", 943864999.96, "支出")],
        "income_total": [mk("income_total", 1, "合计", "部门预算/合计", 943865000.0)],
        "expenditure_total": [mk("expenditure_total", 1, "合计", "部门预算/合计", 936647884.3)]}


def test_display_rounding_and_unspent_income_explain_cross_totals():
    from extract.checks.cross import CHAIN, _explained_gap, display_step
    assert (display_step(943865000.0), display_step(936647884.3), display_step(936647884.33)) == (1.0, 0.1, 0.0)
    assert display_step(1000.0) == 0.0  # 1,000.00 printed to the cent
    t = _xian_totals()
    got = {check: fn("d", check, t)[0]["status"] for check, fn in CHAIN[:3]}
    assert got == {"cross.income_total": "pass", "cross.expenditure_total": "pass", "cross.income_expenditure": "fail"}
    gap = _explained_gap(CHAIN[2][1]("d", "cross.income_expenditure", t), t)
    assert gap[0]["status"] == "pass" and "7217115.63" in gap[0]["detail"]


def test_narrative_skips_changes_and_takes_the_agreeing_mention():
    from extract.checks.narrative import best_quote, quotes
    text = "增加基本支出844.15万元。西安市社会科学院日常公用经费65.56万元,本部门公用经费360.10万元。"
    assert [q[0] for q in quotes(text, "基本支出")] == []
    table = [{"amount": 360.10, "unit": "万元"}]
    assert best_quote(text, "公用经费", table)[0] == 360.10
    assert best_quote(text, "公用经费", [{"amount": 1.0, "unit": "万元"}])[0] == 65.56  # none agrees: the first


def test_quoted_share_rounds_to_its_printed_digit():
    from extract.checks.narrative import share_check
    t = {"expenditure_total": [
        {"table_key": "expenditure_total", "row_no": 1, "name": "合计", "column": "合计", "amount": 99230.46},
        {"table_key": "expenditure_total", "row_no": 1, "name": "合计", "column": "项目支出", "amount": 28506.17}]}
    line = t["expenditure_total"][1]
    ok = share_check("d", "narrative.project", line, 28.7, "项目支出28,506.17万元,占28.7%", t)
    bad = share_check("d", "narrative.project", line, 28.6, "项目支出28,506.17万元,占28.6%", t)
    assert (ok[0]["status"], bad[0]["status"]) == ("pass", "fail")


def test_narrative_skips_the_part_of_one_economic_class():
    from extract.checks.narrative import quotes
    text = "对个人和家庭的补助(303)100151.38万元,其中:人员经费138.06万元。本部门人员经费7942.58万元。"
    assert [q[0] for q in quotes(text, "人员经费")] == [7942.58]


def test_department_code_column_is_no_subject_code():
    """Suzhou 收入总表 lists units under 部门代码 (123001): not a 科目编码."""
    rows = [["部门代码", "部门名称", "合计"], ["合计", "", "249,977.11"], ["123", "苏州市交通运输局", "249,977.11"],
            ["123001", "苏州市交通运输局", "201,457.56"]]  # 合计 merged over 代码 and 名称: its text in 代码
    t = _table(rows, {}, key="income_total")
    assert [(r["code"], r["name"]) for r in L.table_lines(t, "d")] == [
        (None, "合计"), (None, "苏州市交通运输局"), (None, "苏州市交通运输局")]


def test_three_public_quote_matches_the_subtotal_of_the_budget_year():
    """Xi'an 025: 当年/合计 264600 adds 会议费 and 培训费; the text quotes the 三公 小计 (4.50万元)."""
    from extract.checks.narrative import check_narrative
    cols = [("上年/合计", 695000.0), ("当年/合计", 264600.0), ("当年/三公经费预算/小计", 45000.0),
            ("增减变化情况/合计", -430400.0)]
    lines = [{"doc_id": "d", "table_key": "three_public", "row_no": 1, "side": None, "code": None, "name": "合计",
              "column": c, "amount": a, "unit": "元", "page": 35} for c, a in cols]
    sections = [{"doc_id": "d", "text": "2025年本部门当年一般公共预算“三公”经费预算支出4.50万元。"}]
    got = [(c["check"], c["status"], c["location"]) for c in check_narrative("d", sections, lines)]
    assert got == [("narrative.three_public", "pass", "three_public row 1 [合计] col 当年/三公经费预算/小计 p35")]
