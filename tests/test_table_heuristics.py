"""Direct tests of the table rules (tables.py, table_keys.py, lines.py) on small constructed grids.

Each rule gets the case it exists for and the case it must leave alone; the city named is where the
rule was met (see docs/design.md, "Why the rules are what they are").
"""

from __future__ import annotations

import pytest

from extract.model import Grid, TableBlock
from extract.stages import lines as L
from extract.stages import tables as T
from extract.stages.grid import cells_to_grid
from extract.stages.table_keys import looks_like_title
from tests.grids import grid, line, page, word

INHERITED = L.INHERITED


def _ctx(g: Grid, title: str | None = None, *, first: bool = True, last: bool = True,
         continued: bool = False) -> T.GridContext:
    return T.GridContext(grid=g, title=title, continued=continued, first_on_page=first, last_on_page=last)


_HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]


def _body(page_no: int, *codes: str, widths: list[float] | None = None) -> Grid:
    return grid([[c, "名称", "1.00", "1.00", ""] for c in codes], page_no=page_no, widths=widths)


# ----------------------------------------------------------------------------- stitching over pages


def test_stitch_joins_an_untitled_grid_at_the_top_of_the_next_page():
    first = grid([_HEADER, ["201", "一般公共服务", "9.00", "9.00", ""]], page_no=3)
    groups = T.stitch_grids([_ctx(first, "表3 一般公共预算支出表"), _ctx(_body(4, "20101", "20102"))])
    assert [[c.grid.page_no for c in g] for g in groups] == [[3, 4]]


def test_stitch_joins_a_repeated_title_and_a_continued_mark():
    """Shenzhen prints 表1 收支总表 on every page; others print 续表 above the continuation."""
    a, b, c = _body(1, "201"), _body(2, "202"), _body(3, "203")
    groups = T.stitch_grids([_ctx(a, "表1 收支总表"), _ctx(b, "表1收支总表"), _ctx(c, "续表1", continued=True)])
    assert [[x.grid.page_no for x in g] for g in groups] == [[1, 2, 3]]


def test_stitch_keeps_a_newly_titled_table_apart():
    groups = T.stitch_grids([_ctx(_body(1, "201"), "表1 收支总表"), _ctx(_body(2, "202"), "表2 收入总表")])
    assert [[x.grid.page_no for x in g] for g in groups] == [[1], [2]]


def test_stitch_keeps_tables_with_other_columns_apart():
    narrow = grid([["项目", "金额", "备注"], ["工资", "1.00", ""]], page_no=2, widths=[40, 30, 30])
    groups = T.stitch_grids([_ctx(_body(1, "201")), _ctx(narrow)])
    assert len(groups) == 2


@pytest.mark.parametrize("first,last,page_no", [(False, True, 2), (True, False, 2), (True, True, 3)])
def test_stitch_needs_the_first_grid_of_the_very_next_page(first, last, page_no):
    groups = T.stitch_grids([_ctx(_body(1, "201"), "表1 收支总表", last=last),
                             _ctx(_body(page_no, "202"), first=first)])
    assert len(groups) == 2


def test_same_columns_equal_count():
    assert T.same_columns(_body(1, "201"), _body(2, "202", widths=[50, 50, 50, 50, 50]))


def test_same_columns_one_border_column_dropped_with_edges_in_place():
    main = _body(1, "201")  # edges 0 10 20 30 40 50
    merged = grid([["合计", "1.00", "1.00", ""], ["x", "1.00", "1.00", ""], ["y", "", "", ""]],
                  widths=[20, 10, 10, 10])  # edges 0 20 30 40 50: a subset
    assert T.same_columns(main, merged)
    assert T.same_columns(main, grid([["a", "b", "c", "d"]] * 3, widths=[12, 10, 10, 18]))  # 2 pt off: tolerated


def test_same_columns_one_off_with_edges_elsewhere_is_another_table():
    assert not T.same_columns(_body(1, "201"), grid([["a", "b", "c", "d"]] * 3, widths=[15, 10, 10, 15]))


def test_same_columns_header_fragment_with_far_fewer_columns():
    banner = grid([["收入", "支出"]], widths=[20, 30])  # edges 0 20 50, nested in the body's
    assert T.same_columns(banner, _body(2, "201", "202", "203"))
    tall = grid([["收入", "支出"]] * 3, widths=[20, 30])
    assert not T.same_columns(tall, _body(2, "201", "202", "203"))


def test_join_fragment_stacks_the_banner_over_the_next_pages_body():
    head = grid([["收入", "支出"]], widths=[20, 20], top=800.0, page_no=5)
    body = grid([["工资", "1.00", "办公", "2.00"], ["福利", "3.00", "差旅", "4.00"]], top=60.0, page_no=6)
    joined = T.join_fragment(head, body)
    assert (joined.n_rows, joined.n_cols, joined.page_no, joined.row_pages) == (3, 4, 5, [5, 6, 6])
    assert [(c.row, c.col, c.col_span, c.text) for c in joined.cells if c.row == 0] == [
        (0, 0, 2, "收入"), (0, 2, 2, "支出")]
    assert joined.matrix()[2] == ["福利", "3.00", "差旅", "4.00"]


# ----------------------------------------------------------------------------- around a grid


def test_join_wrapped_lines_rejoins_a_title_and_a_unit():
    assert T.join_wrapped_lines(["2025年一般公共预算支出预", "算表", "单位：万", "元"]) == [
        "2025年一般公共预算支出预算表", "单位：万元"]


def test_join_wrapped_lines_keeps_a_whole_title_and_long_lines():
    lines = ["收入总表", "支出总表", "2025年部门预算", "附表说明"]
    assert T.join_wrapped_lines(lines) == lines


def _titled_page(above: list[list[str]], below: list[list[str]] = (), grid_rows=None) -> tuple:
    g = grid(grid_rows or [_HEADER, ["201", "一般公共服务", "9.00", "9.00", ""]],
             widths=[60, 120, 80, 80, 80], x0=72, top=200)
    words = [w for k, texts in enumerate(above) for w in line(texts, 120 + 20 * k)]
    words += [w for k, texts in enumerate(below) for w in line(texts, 240 + 20 * k)]
    return page(words, [g]), g


def test_grid_context_reads_title_number_unit_and_no_data_note():
    p, g = _titled_page([["表3"], ["2025年一般公共预算支出表"], ["单位：万元"]], [["注：本表无数据"]])
    ctx = T.grid_context(p, 0)
    assert (ctx.title, ctx.table_no, ctx.unit, ctx.no_data_note, ctx.continued) == (
        "2025年一般公共预算支出表", 3, "万元", True, False)
    assert (ctx.first_on_page, ctx.last_on_page) == (True, True)


def test_grid_context_without_title_marks_a_continuation():
    p, _ = _titled_page([["续表"]])
    ctx = T.grid_context(p, 0)
    assert (ctx.title, ctx.unit, ctx.continued, ctx.no_data_note) == (None, None, True, False)


def test_claim_wrapped_yuan_takes_the_yuan_back_from_the_first_header_cell():
    """Xi'an 表12: 单位：万 / 元 wrapped so that 元 prints inside the grid (元预算金额)."""
    rows = [["元预算金额", "科目", "合计"], ["201", "一般公共服务", "9.00"]]
    g = grid(rows, widths=[80, 120, 80], x0=72, top=200)
    p = page(line(["2025年一般公共预算支出表"], 150) + line(["单位：万"], 180, x0=400) + [word("元", 80, 202)], [g])
    assert T._claim_wrapped_yuan(g, p) == "万元"
    assert g.cells[0].text == "预算金额"
    far = grid(rows, widths=[80, 120, 80], x0=72, top=200)
    assert T._claim_wrapped_yuan(far, page([word("元", 80, 260)], [far])) is None  # 元 in the body: not the unit
    assert far.cells[0].text == "元预算金额"


def test_label_no_reads_a_separate_label_line():
    assert T._label_no(["预算公开表3", "2025年收支总表"]) == 3
    assert T._label_no(["表十二"]) == 12
    assert T._label_no(["表1 收支总表", "单位：万元"]) is None  # a title, not a bare label


def test_in_grid_title_of_an_excel_export():
    g = grid([["2025年部门收支总表", "", ""], ["单位：万元", "", ""], ["项目", "本年预算", "上年预算"],
              ["合计", "9.00", "8.00"]], {(0, 0): (1, 3), (1, 0): (1, 3)})
    assert T._in_grid_title(g) == ("2025年部门收支总表", "万元", 2)


def test_in_grid_title_skips_a_label_row_and_leaves_a_plain_header():
    labelled = grid([["表11", "", ""], ["2025年部门收支总表", "", ""], ["项目", "金额", "备注"]],
                    {(1, 0): (1, 3)})
    assert T._in_grid_title(labelled) == ("2025年部门收支总表", None, 2)
    assert T._in_grid_title(grid([["项目", "金额", "备注"], ["合计", "9.00", ""]])) == (None, None, 0)


# ----------------------------------------------------------------------------- header and body rows


@pytest.mark.parametrize("row,body", [
    (["2010101", "行政运行", "", ""], True),  # a 科目编码
    (["[2120106]工程建设管理", "", ""], True),  # a code inside the label
    (["合计", "", "9.00", "1.00"], True),
    (["", "合计", "", ""], True),  # a totals label whose amounts are blank
    (["项目", "合计", "基本支出", "项目支出"], False),  # 合计 among header words
    (["1", "2", "3", "4"], False),  # a column-number row
    (["人员经费", "", "", ""], True),  # a label with blank amounts
    (["科目", "", "金额", ""], False),
])
def test_row_is_body(row, body):
    assert T._row_is_body(row) is body


@pytest.mark.parametrize("row,numbers", [
    (["栏次", "1", "2", "3"], True), (["甲", "乙", "1", "2"], True), (["", "1", "2=3+4", ""], True),
    (["1"], False), (["项目", "1", "2"], False), (["", ""], False),
])
def test_is_column_number_row(row, numbers):
    assert T._is_column_number_row(row) is numbers


@pytest.mark.parametrize("row,total", [
    (["合计", "181,716.56", "7942.58"], True),
    (["", "总计", "12345", ""], True),
    (["合计", "2024", "2025"], False),  # years: header
    (["合计", "小计", "1.00"], False),  # two labels
    (["合计", "基本支出", "1.00"], False),
])
def test_is_totals_row(row, total):
    assert T.is_totals_row(row) is total


def test_split_header_stops_at_the_first_body_row_below_merged_cells():
    g = grid([["项目", "", "2025年预算数", "", ""], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
              ["", "合计", "1.00", "1.00", ""]], {(0, 0): (1, 2), (0, 2): (1, 3)})
    assert T.split_header(g) == 2


def test_sides_from_a_repeated_label_column():
    sides: list[str | None] = [None] * 4
    T._sides_from_repeated_labels([["项目"], ["金额"], ["项目"], ["金额"]], sides)
    assert sides == ["收入", "收入", "支出", "支出"]
    untouched: list[str | None] = [None] * 4
    T._sides_from_repeated_labels([["金额"], ["项目"], ["金额"], ["项目"]], untouched)  # no label in column 0
    assert untouched == [None] * 4


def test_column_paths_two_sided_banner():
    g = grid([["收入", "", "支出", ""], ["项目", "金额", "项目", "金额"], ["1", "2", "3", "4"]],
             {(0, 0): (1, 2), (0, 2): (1, 2)})
    assert T.column_paths(g, 3) == (["收入/项目", "收入/金额", "支出/项目", "支出/金额"],
                                    ["收入", "收入", "支出", "支出"])


# ----------------------------------------------------------------------------- grids to one table


def test_repeated_header_rows_fuzzy_and_column_numbers():
    header = [["科目编码", "科目名称", "合计"]]
    rows = [["科目编码", "科日名称", "合计"], ["1", "2", "3"], ["201", "一般公共服务", "9.00"]]
    assert T._repeated_header_rows(rows, header) == 2  # 科日 for 科目: an OCR'd repeat
    assert T._repeated_header_rows([["201", "一般公共服务", "9.00"]], header) == 0


def test_align_row_puts_a_merged_total_under_its_columns():
    main = grid([["类", "款", "项", "科目名称", "金额"], ["201", "01", "01", "行政运行", "1.00"]])
    part = cells_to_grid([(0, 0, 40, 10), (40, 0, 50, 10)], 2)
    assert part is not None
    part.cells[0].text, part.cells[1].text = "合计", "9.00"
    assert T._align_row(part, 0, ["合计", "9.00"], main) == ["合计", "", "", "", "9.00"]


def test_carry_merged_labels_marks_group_labels_only():
    g = grid([["资金来源", "项目", "金额"], ["一般公共预算资金", "小计", "9.00"], ["", "专项收入", "3.00"],
              ["", "", "6.00"]], {(1, 0): (2, 1), (2, 2): (1, 1)})
    assert T._carry_merged_labels(g, 2, ["", "专项收入", "3.00"], first_body=1) == [
        INHERITED + "一般公共预算资金", "专项收入", "3.00"]
    header = grid([["科目名称", "金额"], ["", "9.00"]], {(0, 0): (2, 1)})
    assert T._carry_merged_labels(header, 1, ["", "9.00"], first_body=1) == ["", "9.00"]  # a header cell


def test_carry_merged_labels_never_carries_an_amount():
    g = grid([["a", "9.00"], ["b", ""]], {(0, 1): (2, 1)})
    assert T._carry_merged_labels(g, 1, ["b", ""]) == ["b", ""]


def _money_table(*amounts: str) -> TableBlock:
    body = [[f"20{k}", "名称", a] for k, a in enumerate(amounts)]
    return TableBlock("t", "expenditure_total", None, "万元", 1, 1, ["科目编码", "科目名称", "金额"], body)


def test_has_nonzero_amount():
    """Shenzhen and Foshan print empty fund tables as rows of 0.00."""
    assert not T.has_nonzero_amount(_money_table("0.00", "0.00"))
    assert T.has_nonzero_amount(_money_table("0.00", "12.50"))


def test_group_to_table_header_fragment_and_continuation():
    head = grid([["收入", "支出"]], widths=[20, 20], top=800.0, page_no=5)
    body = grid([["项目", "金额", "项目", "金额"], ["工资", "1.00", "办公", "2.00"]], top=60.0, page_no=6)
    more = grid([["项目", "金额", "项目", "金额"], ["福利", "3.00", "差旅", "4.00"]], top=60.0, page_no=7)
    group = [_ctx(head, "2025年收支总表"), _ctx(body), _ctx(more)]
    table = T.group_to_table(group, "万元")
    assert table is not None
    assert (table.table_key, table.unit_of_measure, table.page_first, table.page_last) == (
        "income_expenditure_total", "万元", 5, 7)
    assert table.columns == ["收入/项目", "收入/金额", "支出/项目", "支出/金额"]
    assert table.body == [["工资", "1.00", "办公", "2.00"], ["福利", "3.00", "差旅", "4.00"]]
    assert table.body_pages == [6, 7]


def test_group_to_table_prefers_the_in_grid_title_over_a_running_header():
    g = grid([["2025年部门收入总表", "", ""], ["项目", "本年", "上年"], ["合计", "9.00", "8.00"]], {(0, 0): (1, 3)})
    table = T.group_to_table([_ctx(g, "表11-收入表")], None)
    assert table is not None and (table.title, table.table_key) == ("2025年部门收入总表", "income_total")


def test_group_to_table_leaves_forms_and_untitled_boxes():
    g = grid([["项目名称", "x"], ["绩效目标", "y"]])
    assert T.group_to_table([_ctx(g, "项目支出绩效目标表")], None) is None
    assert T.group_to_table([_ctx(g)], None) is None


# ----------------------------------------------------------------------------- titles


@pytest.mark.parametrize("text,title", [
    ("2025年部门收支总表", True), ("一般公共预算支出情况表（按经济分类）", True), ("项目支出明细", True),
    ("单位：万元", False), ("注：本表无数据", False), ("人员情况表", False), ("部门收支表", True), ("收支表", False),
    ("一般公共预算支出表..........5", False), ("2025年部门预算", False),
])
def test_looks_like_title(text, title):
    assert looks_like_title(text) is title


# ----------------------------------------------------------------------------- column roles and rows


def _lines_table(columns: list[str], body: list[list[str]]) -> TableBlock:
    return TableBlock("t", "general_budget_expenditure", None, "万元", 1, 1, columns, body)


def test_column_roles_by_header_and_values():
    t = _lines_table(["行次", "科目编码", "类", "款", "项", "科目名称", "单位编码", "合计", "备注"],
                     [["1", "2010101", "201", "01", "01", "行政运行", "101001", "9.00", "x"],
                      ["2", "2010102", "201", "01", "02", "一般行政管理事务", "101001", "1.00", ""]])
    assert L.column_roles(t) == ["row_number", "code", "id", "id", "id", "label", "id", "amount", "label"]


def test_column_roles_blank_column_and_codes_by_value():
    t = _lines_table(["", "科目", "2025年预算数"], [["", "201", "9.00"], ["", "20101", "1.00"]])
    assert L.column_roles(t) == ["empty", "code", "amount"]


def test_code_groups_runs_of_parts_and_single_codes():
    assert L.code_groups(["code_part", "code_part", "code_part", "label", "code", "amount", "code_part"]) == [
        [0, 1, 2], [4], [6]]


def test_second_classification_by_code_or_header():
    roles = ["code", "label", "code", "label", "amount"]
    t = _lines_table(["部门经济分类/科目编码", "部门经济分类/科目名称", "科目编码", "科目名称", "金额"],
                     [["30101", "基本工资", "50101", "工资奖金津补贴", "1.00"]])
    assert L.second_classifications(list(roles), t) == ["code", "label", "gov_code", "label", "amount"]
    t.body[0][2] = "30101"  # no 5xx codes and no 政府…经济 header: stays a code
    assert L.second_classifications(list(roles), t) == roles


def test_second_split_group_that_is_no_gov_economic_becomes_id():
    roles = ["code_part", "code_part", "label", "code_part", "code_part", "label", "amount"]
    t = _lines_table(["功能科目/类", "功能科目/款", "功能科目/名称", "经济科目/类", "经济科目/款", "经济科目/名称",
                      "金额"], [["201", "01", "行政运行", "302", "01", "办公费", "1.00"]])
    assert L.second_classifications(list(roles), t)[3:5] == ["id", "id"]


def test_panels_split_at_a_label_after_an_amount():
    roles = ["code", "label", "amount", "code", "label", "amount"]
    assert L.panels(list(range(6)), roles) == [[0, 1, 2], [3, 4, 5]]
    headers = ["项目", "金额", "说明", "项目", "金额", "x"]
    assert L.panels(list(range(6)), ["label", "amount", "label", "label", "amount", "label"], headers) == [
        [0, 1, 2], [3, 4, 5]]  # 说明 describes the row: no new panel; 项目 names rows: a new one


def test_printed_code_split_and_overflowed():
    roles = ["code_part", "code_part", "code_part", "label"]
    headers = ["类", "款", "项", "名称"]
    assert L.printed_code(["", "05", "", "x"], [0, 1, 2, 3], roles, "", headers) == [None, "05", None]
    assert L.printed_code(["", "", "", "合计"], [0, 1, 2, 3], roles, "", headers) is None
    assert L.printed_code(["险50102", "x"], [0, 1], ["code", "label"], "") == "50102"  # Xi'an overflow
    assert L.printed_code(["合计", "x"], [0, 1], ["code", "label"], "") is None


def test_code_tracker_single_column_segments():
    tracker = L.CodeTracker(full_items=True)
    assert [tracker.rebuild(p) for p in ("201", "10", "2011007", None, "99")] == [
        "201", "20110", "2011007", None, "20199"]
    assert L.CodeTracker(full_items=False).rebuild("10") is None  # no full 项 codes: 10 is no 款 segment


def test_code_tracker_split_columns_follow_the_parent():
    tracker = L.CodeTracker(full_items=False)
    assert tracker.rebuild(["208", None, None]) == "208"
    assert tracker.rebuild([None, "5", None]) == "20805"  # 款 printed as 5 means 05, under the 类 above
    assert tracker.rebuild([None, None, "1"]) == "2080501"
    assert tracker.rebuild(["209", None, None]) == "209"
    assert L.CodeTracker(full_items=False).rebuild([None, "05", None]) is None  # no 类 printed above it


def test_gov_name_from_the_gov_economic_label_column():
    headers = ["部门经济分类科目名称", "政府经济分类科目名称", "金额"]
    assert L.gov_name(["基本工资", "工资奖金津补贴", "1.00"], [0, 1, 2], ["label", "label", "amount"],
                      headers) == "工资奖金津补贴"
    assert L.gov_name(["基本工资", "", "1.00"], [0, 1, 2], ["label", "label", "amount"], headers) is None


def test_row_identity_code_and_own_label():
    roles, cols = ["code", "label", "amount"], [0, 1, 2]
    assert L.row_identity(["2010101", "行政运行", "1.00"], cols, roles) == ("2010101", "行政运行")
    assert L.row_identity(["", "[2120106]工程建设管理", "1.00"], cols, roles) == ("2120106", "工程建设管理")
    assert L.row_identity(["", "30102-津贴补贴", "1.00"], cols, roles) == ("30102", "津贴补贴")
    assert L.row_identity(["合计", "", "9.00"], cols, roles) == (None, "合计")  # 合计 in the code column


def test_row_identity_split_code_and_total_across_parts():
    roles, cols = ["code_part", "code_part", "code_part", "label", "amount"], [0, 1, 2, 3, 4]
    assert L.row_identity(["208", "5", "1", "行政运行", "1.00"], cols, roles) == ("2080501", "行政运行")
    assert L.row_identity(["合计", "", "", "", "9.00"], cols, roles) == (None, "合计")


def test_row_identity_group_label_prefix_only_under_the_same_header():
    roles, cols = ["label", "label", "amount"], [0, 1, 2]
    same = ["收入项目/资金来源", "收入项目/科目名称", "金额"]
    row = [INHERITED + "一般公共预算资金", "小计", "9.00"]
    assert L.row_identity(row, cols, roles, same) == (None, "一般公共预算资金/小计")
    other = ["资金来源名称", "项目", "金额"]
    assert L.row_identity(row, cols, roles, other) == (None, "小计")
    assert L.row_identity([INHERITED + "一般公共预算资金", "", "9.00"], cols, roles, other) == (
        None, "一般公共预算资金")


def test_row_identity_prefers_the_departmental_economic_name():
    roles, cols = ["label", "label", "amount"], [0, 1, 2]
    headers = ["部门经济分类名称", "政府经济分类名称", "金额"]
    assert L.row_identity(["基本工资", "工资奖金津补贴", "1.00"], cols, roles, headers) == (None, "基本工资")
    assert L.row_identity(["", "合计", "9.00"], cols, roles, headers) == (None, "合计")


def test_name_columns_and_preferred_labels():
    assert L._name_columns([0, 1, 2], ["项目名称", "采购时间", "规格型号"]) == [0]
    assert L._name_columns([1, 2], ["x", "采购时间", "规格型号"]) == [1, 2]
    assert L._preferred_labels([0, 1], ["部门经济科目", "政府经济科目"]) == [0]
    assert L._preferred_labels([0, 1], ["部门经济科目", "备注"]) == [0, 1]


@pytest.mark.parametrize("code,level", [("201", 1), ("20101", 2), ("2010101", 3), ("2010", None), (None, None)])
def test_code_level(code, level):
    assert L.code_level(code) == level


def test_column_roles_money_header_keeps_code_like_amounts_amounts():
    """A 2025年 column of whole amounts (201, 305) is money by its header, not a 科目编码 column."""
    t = _lines_table(["项目", "2025年"], [["工资", "201"], ["办公", "305"]])
    assert L.column_roles(t) == ["label", "amount"]
    t.columns[1] = "编号"
    assert L.column_roles(t) == ["label", "code"]


def test_build_tables_stitches_pages_and_carries_the_unit_to_an_untitled_unit():
    from extract.model import Document

    def titled(page_no: int, title: str, unit: str | None, rows) -> object:
        g = grid(rows, widths=[60, 120, 80], x0=72, top=200, page_no=page_no)
        words = line([title], 150) + (line([f"单位：{unit}"], 170, x0=400) if unit else [])
        return page(words, [g], page_no=page_no)

    header = ["科目编码", "科目名称", "金额"]
    doc = Document("d", "d.pdf", None)  # type: ignore[arg-type]
    doc.pages = [titled(1, "2025年一般公共预算支出表", "万元", [header, ["201", "一般公共服务", "9.00"]]),
                 page([], [grid([["20101", "人大事务", "1.00"]], widths=[60, 120, 80], x0=72, top=60, page_no=2)],
                      page_no=2),
                 titled(3, "2025年政府性基金预算支出表", None, [header, ["212", "城乡社区支出", "0.00"]])]
    tables = T.build_tables(doc)
    assert [(t.table_key, t.page_first, t.page_last, t.unit_of_measure, len(t.body), t.has_data) for t in tables] == [
        ("general_budget_expenditure", 1, 2, "万元", 2, True), ("gov_fund_expenditure", 3, 3, "万元", 1, False)]
