"""Direct tests of the form rules (forms.py, form_layouts.py, form_values.py) on constructed grids and words.

Routing (is this grid a card, a list, a continuation), indicator columns by header x range, the carry-down of
merged cells, a list's continuation over pages: the case each rule exists for, and the case it must leave alone.
"""

from __future__ import annotations

import pytest

from extract.stages import form_layouts as FL
from extract.stages import form_values as fv
from extract.stages import forms as F
from tests.grids import grid, line, page, word

_INDICATORS = ["一级指标", "二级指标", "三级指标", "指标值"]


# ----------------------------------------------------------------------------- routing


def test_page_title_is_the_text_above_the_first_grid():
    g = grid([["项目名称", "x"]], widths=[100, 300], x0=72, top=200)
    words = line(["项目支出绩效目标表"], 120) + [word("单位:万元", 450, 193, size=9)]  # on the top rule (重庆)
    words += [word("项目名称", 80, 203), word("页脚", 80, 800)]
    assert F.page_title(page(words, [g])) == "项目支出绩效目标表单位:万元"
    assert F.page_title(page(line(["绩效目标表"], 100) + line(["正文"], 400))) == "绩效目标表"  # no grid: top fifth


def test_is_form_page_by_title_or_by_grid_header():
    plain = grid([["功能分类科目编码", "功能分类科目", "金额"], ["201", "一般公共服务", "9.00"]])
    assert F.is_form_page(page(line(["2025年项目支出绩效目标表"], 40), [grid([["a", "b"]], top=100)]))
    assert F.is_form_page(page([], [grid([["项目名称", "某某项目"], ["年度目标", "x"]], top=100)]))
    assert not F.is_form_page(page(line(["2025年一般公共预算支出表"], 40), [plain]))


_SUBJECT_TABLE = [["科目编码", "科目名称", "金额"], ["201", "一般公共服务", "9.00"]]


def test_a_budget_table_headed_subject_name_is_no_form():
    assert F._grid_kind(grid(_SUBJECT_TABLE)) is None
    assert not F.is_form_page(page(line(["2025年一般公共预算支出表"], 40), [grid(_SUBJECT_TABLE, top=100)]))


@pytest.mark.parametrize("rows,kind", [
    ([["项目名称", "某某项目", "", ""], ["主管部门", "某某局", "", ""]], "card"),
    ([["项目名称", *_INDICATORS], ["某某项目", "产出指标", "数量指标", "培训人数", "≥100人"]], "list"),
    ([["单位名称", "项目名称", "金额", "绩效目标"], ["某局", "某项目", "9.00", "完成"]], "list"),  # 广州 057
    ([["项目名称", "绩效目标"], ["某项目", "完成"]], "card"),  # too few columns for a list
    ([["科目编码", "功能科目", "金额"], ["201", "一般公共服务", "9.00"]], None),
])
def test_grid_kind_by_header_labels(rows, kind):
    assert F._grid_kind(grid(rows)) == kind


@pytest.mark.parametrize("rows,continues", [
    ([_INDICATORS, ["产出指标", "数量指标", "培训人数", "100人"]], True),
    ([["产出指标", "数量指标", "培训人数", "100人"]], True),  # no header: the level-1 word says it
    ([["当年绩效目标", "完成培训"]], True),
    ([["负责人", "张三", "填报日期", "2025-01-10"]], True),
    ([["科目编码", "金额"], ["201", "9.00"]], False),
])
def test_looks_like_continuation(rows, continues):
    assert F._looks_like_continuation(grid(rows)) is continues


def test_titled_project_takes_the_name_from_the_title():
    """泉州 prints the project's name in the title above a grid that opens with 专项资金情况."""
    g = grid([["专项资金情况", "9.00", "", ""], _INDICATORS])
    title = "单警装备、公务用车采购等项目建设项目绩效目标表"
    assert F._titled_project(g, title) == "单警装备、公务用车采购等项目建设"
    assert F._titled_project(g, "预算表12 项目支出绩效目标表") is None  # a table number: no name
    assert F._titled_project(g, "部门整体支出绩效目标表") is None  # a department form
    assert F._titled_project(grid([["专项资金情况", "9.00"]]), title) is None  # no indicator header


def test_untitled_department_from_the_unit_line():
    """重庆 prints 单位名称：X above a 部门整体 form that opens with 当年整体绩效目标."""
    g = grid([["当年整体绩效目标", "x", ""], ["指标名称", "指标性质", "指标值"]])
    title = "部门（单位）整体支出绩效目标表 单位名称：重庆市规划和自然资源局 单位：万元"
    assert F._untitled_department(g, title) == "重庆市规划和自然资源局"
    assert F._untitled_department(g, "项目支出绩效目标表 单位名称：某局") is None
    assert F._untitled_department(grid([["当年整体绩效目标", "x"]]), title) is None


# ----------------------------------------------------------------------------- indicator columns


def test_header_columns_one_block_takes_the_default_scope():
    g = grid([_INDICATORS], widths=[40, 40, 80, 40])
    [spec] = FL.header_columns(FL.row_cells(g, 0), FL.SCOPE_ANNUAL)
    assert (spec.scope, spec.cols) == ("年度", {"level1": (0, 40), "level2": (40, 80), "level3": (80, 160),
                                                "value": (160, 200)})


def test_header_columns_two_blocks_side_by_side():
    """山西: 实施期 and 年度 indicators side by side; the 年度 half has no 一级指标 of its own."""
    g = grid([["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"]])
    period, annual = FL.header_columns(FL.row_cells(g, 0), FL.SCOPE_ANNUAL)
    assert (period.scope, annual.scope) == ("实施期", "年度")
    assert annual.cols == {"level2": (40, 50), "level3": (50, 60), "value": (60, 70), "level1": (0, 10)}


def test_header_columns_period_and_annual_values_share_the_levels():
    g = grid([["一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"]])
    period, annual = FL.header_columns(FL.row_cells(g, 0), FL.SCOPE_ANNUAL)
    assert period.cols == {"level1": (0, 10), "level2": (10, 20), "level3": (20, 30), "value": (30, 40)}
    assert annual.cols == {"level1": (0, 10), "level2": (10, 20), "level3": (20, 30), "value": (40, 50)}


def test_header_columns_of_no_indicator_header():
    assert FL.header_columns(FL.row_cells(grid([["项目名称", "金额"]]), 0), FL.SCOPE_ANNUAL) == []


def test_text_at_carries_a_vertically_merged_cell_down():
    g = grid([_INDICATORS, ["产出指标", "数量指标", "人数", "100人"], ["", "质量指标", "合格率", "100%"]],
             {(1, 0): (2, 1)})
    assert FL.text_at(g, 2, (0, 10)).text == "产出指标"
    assert FL.text_at(g, 2, (10, 20)).text == "质量指标"


def test_text_at_a_cell_merged_from_the_left_belongs_to_its_own_column():
    g = grid([_INDICATORS, ["满意度指标", "", "", "95%"]], {(1, 0): (1, 3)})
    assert FL.text_at(g, 1, (10, 20)) is None and FL.text_at(g, 1, (0, 10)).text == "满意度指标"
    wide = grid([["项目名称", "", "x"]], {(0, 0): (1, 2)})  # starts 10 pt left, ends where the range does
    assert FL.text_at(wide, 0, (10, 20)) is None


def test_read_indicator_row_carries_empty_levels_down_per_scope():
    g = grid([_INDICATORS, ["产出指标", "数量指标", "培训人数", "≥100人"], ["", "", "培训天数", "5天"]])
    [spec] = FL.header_columns(FL.row_cells(g, 0), FL.SCOPE_ANNUAL)
    form, carry = FL.FormCopy(), {}
    for r in (1, 2):
        FL.read_indicator_row(g, r, [spec], carry, form)
    assert [(i.scope, i.level1, i.level2, i.level3, i.value_raw, i.op, i.value, i.value_unit)
            for i in form.indicators] == [("年度", "产出指标", "数量指标", "培训人数", "≥100人", "≥", 100.0, "人"),
                                          ("年度", "产出指标", "数量指标", "培训天数", "5天", None, 5.0, "天")]


def test_read_indicator_row_skips_an_empty_row():
    g = grid([_INDICATORS, ["", "", "", ""]])
    [spec] = FL.header_columns(FL.row_cells(g, 0), FL.SCOPE_ANNUAL)
    form = FL.FormCopy()
    FL.read_indicator_row(g, 1, [spec], {}, form)
    assert form.indicators == []


# ----------------------------------------------------------------------------- labels, units, titles


def test_name_header_and_keys():
    assert FL.is_name_key("项目名称") and FL.is_name_key("项目名称资金") and FL.is_name_key("单位名称")
    assert not FL.is_name_key("项目") and not FL.is_name_key("项目名称及代码")
    assert FL.name_header(grid([["项 目 名 称"]]).cells[0])


def test_scale_of_title_lines():
    assert FL.scale_of("项目支出绩效目标表 单位：万元") == 10000.0
    assert FL.scale_of("项目支出绩效目标表 单位：元") == 1.0
    assert FL.scale_of("项目支出绩效目标表 单位：千元") == 1000.0  # any unit word, its factor from extract.vocab


@pytest.mark.parametrize("title,dept", [
    ("部门名称：长沙市信访局 单位：万元", "长沙市信访局"), ("资金主管部门：某某局", "某某局"),
    ("单位名称：重庆市规划和自然资源局金额单位：万元", "重庆市规划和自然资源局"), ("项目支出绩效目标表", None),
])
def test_title_dept(title, dept):
    assert FL.title_dept(title) == dept


def test_cell_text_keeps_a_quarter_em_space():
    g = grid([["x"]], widths=[300], x0=72, top=100, row_height=30)
    cell = g.cells[0]
    words = [word("《财政部", 80, 105), word("司法部》", 124, 105), word("起,", 80, 118, width=15),
             word("遗属", 96, 118)]
    assert FL.cell_text(cell, page(words)) == "《财政部 司法部》起,遗属"  # 4 pt gap: a space; 1 pt: none
    cell.text = "  无词 "
    assert FL.cell_text(cell, page([])) == "无词"


# ----------------------------------------------------------------------------- list forms


def test_header_zone_reaches_the_end_of_the_tallest_header_cell():
    g = grid([["项目名称", "绩效指标", "", ""], ["", "一级指标", "二级指标", "指标值"],
              ["某项目", "产出指标", "数量指标", "1"], ["", "", "", ""], ["", "", "", ""]],
             {(0, 0): (2, 1), (0, 1): (1, 3)})
    end, header = FL._header_zone(g)
    assert end == 2 and [c.text for c in header] == ["项目名称", "绩效指标", "一级指标", "二级指标", "指标值"]
    assert FL._header_zone(grid([["a", "b"], ["c", "d"]]))[0] == 1  # no name header: one row


def test_repeated_header_end_of_a_continuation_grid():
    g = grid([["项目名称", *_INDICATORS], ["服务项目名称", "产出指标", "数量指标", "x", "1"]])
    assert FL._repeated_header_end(g) == 1
    assert FL._repeated_header_end(grid([["某项目", "产出指标", "数量指标", "x", "1"]])) == 0


def _list_state(page_no: int = 39) -> FL.ListState:
    header = grid([["项目名称", *_INDICATORS], ["某项目", "产出指标", "数量指标", "人数", "1"]],
                  widths=[100, 60, 60, 120, 60], x0=40, page_no=page_no)
    state = FL.ListState("项目支出绩效目标表")
    state.read(header, page([], [header], page_no=page_no))
    return state


def test_list_continues_on_a_header_less_grid_with_the_same_columns():
    """北京 prints the list's header once (预算12表, p.39) and runs it over dozens of pages."""
    state = _list_state()
    same = grid([["下一项目", "产出指标", "数量指标", "人数", "2"]], widths=[100, 60, 60, 120, 60], x0=41)
    assert state.continues(same, page([], [same], page_no=40))
    assert not state.continues(same, page([], [same], page_no=42))  # not the next page
    other = grid([["a", "b", "c"]], widths=[200, 100, 100], x0=40)
    assert not state.continues(other, page([], [other], page_no=40))


def test_list_reads_projects_and_their_indicators():
    state = _list_state()
    [form] = state.finish()
    assert (form.project_name, form.layout, form.pages) == ("某项目", "list", [39])
    assert [(i.level1, i.level2, i.level3, i.value) for i in form.indicators] == [("产出指标", "数量指标", "人数", 1.0)]


# ----------------------------------------------------------------------------- value helpers


def test_ocr_thousands_only_for_runs_of_three_digit_groups():
    assert fv.ocr_thousands("225.200") == "225,200" and fv.ocr_thousands("1.250.000") == "1,250,000"
    assert fv.ocr_thousands("225.20") == "225.20" and fv.ocr_thousands("2252.000") == "2252.000"


def test_split_label_value_and_project_code():
    assert fv.split_label_value("填报日期：20250110094534") == ("填报日期", "20250110094534")
    assert fv.split_label_value("项目名称") == ("项目名称", "")
    assert fv.split_project_code("102T17-购买考试服务支出项目") == ("102T17", "购买考试服务支出项目")
    assert fv.split_project_code("2026-2029年规划编制") == ("2026", "2029年规划编制")
    assert fv.split_project_code("ABC-项目") == (None, "ABC-项目")  # a code has a digit


def test_compose_value_and_level_words():
    assert fv.compose_value("不低于", "95", "%") == "≥95%"
    assert fv.compose_value("", "", "人") == ""  # a unit alone is no value
    assert fv.is_level1("产出 指标") and not fv.is_level1("数量指标")
    assert fv.is_level2("数量指标") and not fv.is_level2("产出指标")


def test_narrative_above_a_table_headed_subject_name_is_kept():
    from extract.model import Document
    from extract.stages.sections import extract_sections

    g = grid(_SUBJECT_TABLE, widths=[100, 200, 100], x0=72, top=300)
    doc = Document("d", "d.pdf", None)  # type: ignore[arg-type]
    doc.pages = [page(line(["一、收支预算总体情况"], 100) + line(["本部门收入合计9万元。"], 130, x0=96), [g])]
    rows = extract_sections(doc)
    assert [(r["heading"], r["text"]) for r in rows] == [("一、收支预算总体情况", "本部门收入合计9万元。")]


# ----------------------------------------------------------------------------- the card reader

_CARD = [["项目名称", "某某项目", "", "", ""],
         ["项目资金（万元）", "实施期资金总额", "100.00", "年度资金总额", "40.00"],
         ["", "中央财政资金", "60.00", "中央财政资金", "30.00"],
         ["总体目标", "实施期目标", "", "年度目标", ""],
         ["", "完成培训", "", "培训100人", ""]]
_CARD_SPANS = {(0, 1): (1, 4), (1, 0): (2, 1), (3, 0): (2, 1), (3, 1): (1, 2), (3, 3): (1, 2), (4, 1): (1, 2),
               (4, 3): (1, 2)}


def _read_card(rows, spans, words=(), title: str = "项目支出绩效目标表") -> FL.CardState:
    g = grid(rows, spans, widths=[80] * len(rows[0]), top=100)
    p = page(list(words), [g])
    state = FL.CardState(p, title)
    state.read(g, p)
    return state


def test_card_funds_sources_by_side_goals_by_header_and_signature_date():
    """A source label right of 年度资金总额 is an annual source; goals sit under 实施期目标 / 年度目标."""
    state = _read_card(_CARD, _CARD_SPANS, line(["填报日期：", "2025-01-10"], 160, gap=2))
    f = state.form
    assert (f.project_name, f.funds_total, f.funds_annual, f.funds_total_central, f.funds_annual_central) == (
        "某某项目", 100.0, 40.0, 60.0, 30.0)
    assert (f.goal_period, f.goal_annual, f.filled_at, state.scale) == ("完成培训", "培训100人", "2025-01-10", 10000.0)
    [done] = state.finish()
    assert (done.funds_total, done.funds_annual_central) == (1000000.0, 300000.0)  # 万元 → 元


def test_card_amount_printed_under_its_funds_label():
    """北京 部门整体: 预算支出总额 heads its column; the amount is on the row below."""
    rows = [["部门名称", "某局"], ["预算支出总额", "财政拨款"], ["1,000.00", "800.00"]]
    assert _read_card(rows, {}, title="部门整体支出绩效目标表").form.funds_annual == 1000.0


def test_card_header_run_together_in_one_cell_takes_columns_from_the_first_body_row():
    """西安 37 p.34 prints 一级指标二级指标指标内容指标值 in one cell over a four-column body."""
    rows = [["项目名称", "某某项目", "", ""], ["一级指标二级指标指标内容指标值", "", "", ""],
            ["产出指标", "数量指标", "培训人数", "100人"]]
    f = _read_card(rows, {(0, 1): (1, 3), (1, 0): (1, 4)}).form
    assert [(i.level1, i.level2, i.level3, i.value_raw) for i in f.indicators] == [
        ("产出指标", "数量指标", "培训人数", "100人")]


def test_card_without_substance_or_real_name_is_dropped():
    """项目名称 heads budget tables too: a card with a name and nothing else is no form."""
    assert _read_card([["项目名称", "某某项目"]], {}).finish() == []


def test_list_block_continues_over_a_page_break():
    """An empty name cell at the top of the next page continues the project of the page before."""
    state = _list_state()
    more = grid([["", "效益指标", "社会效益", "满意度", "95"]], widths=[100, 60, 60, 120, 60], x0=40, page_no=40)
    state.read_continuation(more, page([], [more], page_no=40))
    [form] = state.finish()
    assert (form.pages, [i.level3 for i in form.indicators]) == ([39, 40], ["人数", "满意度"])


def test_list_total_row_ends_the_block():
    state = _list_state()
    total = grid([["合计", "", "", "", ""], ["", "效益指标", "社会效益", "满意度", "95"]],
                 widths=[100, 60, 60, 120, 60], x0=40, page_no=40)
    state.read_continuation(total, page([], [total], page_no=40))
    [form] = state.finish()
    assert [i.level3 for i in form.indicators] == ["人数"]
