"""Forms: value parsing, labels, a hand-built card, the born-digital sample and real files."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from extract.model import Cell, Grid, Page, Word
from extract.stages import form_values as fv
from extract.stages.forms import read_forms

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "yq2025_born_digital.pdf"
REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


@pytest.mark.parametrize("raw,expected", [
    ("≥14000吨", ("≥", 14000.0, "吨")), ("≤110000元/年", ("≤", 110000.0, "元/年")),
    ("100%", (None, 100.0, "%")), ("按月发放", (None, None, None)), ("提高95%", (None, 95.0, "%")),
    ("≦核定人数", (None, None, None)),
])
def test_parse_value(raw, expected):
    v = fv.parse_value(raw)
    assert (v.op, v.value, v.unit) == expected


def test_labels_and_fields():
    assert fv.split_dept("028-阳泉市司法局") == ("028", "阳泉市司法局")
    assert fv.parse_timestamp("20250110094534") == "2025-01-10T09:45:34"
    assert fv.label_field("项目日期") == "period" and fv.label_field("项目期") == "period"
    assert fv.source_field("市、县（区）财政资") == "local"
    assert fv.source_field("其中:中央财政拨款") == "central"


def _cell(r, c, x0, x1, text, rs=1):
    return Cell(r, c, rs, 1, x0, 10 * r, x1, 10 * (r + rs), text)


def test_hand_built_card():
    cells = [_cell(0, 0, 0, 50, "项目名称"), _cell(0, 1, 50, 200, "测试项目"),
             _cell(1, 0, 0, 50, "主管部门及代码"), _cell(1, 1, 50, 200, "028-阳泉市司法局"),
             _cell(2, 0, 0, 50, "一级指标"), _cell(2, 1, 50, 100, "二级指标"), _cell(2, 2, 100, 150, "三级指标"),
             _cell(2, 3, 150, 200, "指标值"),
             _cell(3, 0, 0, 50, "产出指标", rs=2), _cell(3, 1, 50, 100, "数量指标", rs=2),
             _cell(3, 2, 100, 150, "预计用水量"), _cell(3, 3, 150, 200, "≥14000吨"),
             _cell(4, 2, 100, 150, "满意度"), _cell(4, 3, 150, 200, "100%")]
    page = Page(1, 300, 300, grids=[Grid(1, 0, 0, 200, 50, 5, 4, cells)])
    (form,) = read_forms([page])
    assert (form.project_name, form.dept_code, form.dept_name) == ("测试项目", "028", "阳泉市司法局")
    assert [(i.level1, i.level2, i.level3, i.value) for i in form.indicators] == [
        ("产出指标", "数量指标", "预计用水量", 14000.0), ("产出指标", "数量指标", "满意度", 100.0)]


@lru_cache(maxsize=None)
def read_pdf(path: Path, first: int = 1, last: int | None = None):
    import pypdfium2 as pdfium

    from extract.stages.grid import find_grids
    from extract.stages.read import read_page
    pdf = pdfium.PdfDocument(str(path))
    pages = []
    for i in range(first - 1, last or len(pdf)):
        p = read_page(pdf[i], i + 1)
        p.grids = find_grids(p)
        pages.append(p)
    return pages


@pytest.mark.skipif(not SAMPLE.exists(), reason="samples not generated")
def test_sample_projects_and_indicators_exact():
    from extract.stages.dedupe import merge_copies
    truth = json.loads(SAMPLE.with_suffix("").with_suffix(".truth.json").read_text())
    forms = read_forms(read_pdf(SAMPLE))
    assert len(forms) == 14
    merged = merge_copies("d", forms)
    assert len(merged.projects) == len(truth["projects"]) == 7
    for got, want in zip(merged.projects, truth["projects"]):
        assert {k: got.get(k) for k in want if k != "garbles_copy2"} == \
            {k: v for k, v in want.items() if k != "garbles_copy2"}
    cols = list(truth["indicators"][0])
    assert [{k: r[k] for k in cols} for r in merged.indicators] == truth["indicators"]
    exp = {(c["key"], c["field"]): c["values"] for c in truth["expected_conflicts"] if c["entity"] == "project"}
    got = {(c["key"], c["field"]): json.loads(c["values"]) for c in merged.conflicts}
    assert got == exp


def _real(prefix: str) -> Path:
    hits = sorted(REAL.glob(f"{prefix}_*.pdf")) if REAL.exists() else []
    if not hits:
        pytest.skip("real corpus absent")
    return hits[0]


def test_real_19_beijing_list_form():
    forms = read_forms(read_pdf(_real("19"), 12, 23))
    assert len(forms) == 15
    first = forms[0]
    assert (first.project_name, first.funds_annual, first.pages) == ("千家万盆鲜花祝福祖国", 300000.0, [12])
    ind = first.indicators[3]
    assert (ind.scope, ind.level1, ind.level2, ind.level3, ind.op, ind.value, ind.value_unit) == \
        ("年度", "成本指标", "经济成本指标", "购买花卉", "≤", 29.0, "万元")


def test_real_27_department_card_over_two_pages():
    (form,) = read_forms(read_pdf(_real("27")))
    assert form.kind == "department" and form.pages == [1, 2]
    scopes = {i.scope for i in form.indicators}
    assert scopes == {"实施期", "年度"} and len(form.indicators) == 42
    first = form.indicators[0]
    assert (first.level1, first.level2, first.value_raw, first.op, first.value) == ("产出指标", "数量指标", "≥20", "≥", 20.0)


def test_real_31_changsha_list_continues_over_pages():
    forms = read_forms(read_pdf(_real("31"), 20, 32))
    names = [f.project_name for f in forms]
    assert names[:2] == ["基层及其他信访业务工作经费专项", "人民来访接待中心及特护期运行专项"]
    assert forms[0].pages == [22, 23] and forms[0].funds_annual == 357800.0
    assert forms[-1].kind == "department"
    ind = forms[0].indicators[0]
    assert (ind.level1, ind.level2, ind.level3, ind.op, ind.value, ind.value_unit) == \
        ("成本指标", "经济成本指标", "总成本", "≤", 35.78, "万元")


def _ind(i):
    return (i.scope, i.level1, i.level2, i.level3, i.value_raw, i.op, i.value, i.value_unit)


def test_split_levels_packed_in_one_cell():
    assert fv.split_levels("产出指标数量指标白皮松、车梁木等花卉苗木") == ("", "产出指标", "数量指标", "白皮松、车梁木等花卉苗木")
    assert fv.split_levels("满意度指标服务对象满意度指标尽责参与满意率") == \
        ("", "满意度指标", "服务对象满意度指标", "尽责参与满意率")
    # the clipped tail of the cell above leads the text of this one
    assert fv.split_levels("理,可提升其附加值1-2倍效益指标社会效益指标促进") == \
        ("理,可提升其附加值1-2倍", "效益指标", "社会效益指标", "促进")
    assert fv.parse_value("2026年10月底前完成") == fv.Value(None, None, None)  # a date, not 2026 of a unit


def test_real_19_beijing_department_form_packed_levels():
    # 部门整体支出绩效目标表, pp. 24-27: 活动 | 绩效指标 (一级+二级+三级 in one cell) | 指标性质 | 指标值 | 度量单位.
    # Hand-checked against the page rendered at 70 dpi: 10 indicator rows on p. 24, 16 on p. 25.
    (form,) = [f for f in read_forms(read_pdf(_real("19"), 24, 27)) if f.kind == "department"]
    assert (form.project_name, form.pages) == ("首都绿化委员会办公室", [24, 25, 26, 27])
    assert form.goal_annual.startswith("在市委市政府和首都绿化委员会的坚强领导下") and form.goal_period is None
    ind = form.indicators
    assert len(ind) == 54 and {i.scope for i in ind} == {"年度"}
    assert _ind(ind[0]) == ("年度", "产出指标", "数量指标", "白皮松、车梁木、翠菊冠、大花萱草等花卉苗木", "=413200株",
                            "=", 413200.0, "株")
    assert _ind(ind[2])[:5] == ("年度", "效益指标", "经济效益指标", "对采购苗木和草花采取精细化管理,可提升其附加值1-2倍",
                                "效果显著")
    assert _ind(ind[8]) == ("年度", "产出指标", "质量指标", "服务接待率", "100%", None, 100.0, "%")  # 定性
    assert _ind(ind[12]) == ("年度", "满意度指标", "服务对象满意度指标", "尽责参与满意率", "≥98%", "≥", 98.0, "%")
    assert _ind(ind[13]) == ("年度", "成本指标", "经济成本指标", "国市级基地一等补助", "≤100万元", "≤", 100.0, "万元")
    # p. 27: a clipped one-line cell; its hidden tail is in the text layer of the row below
    assert ind[-9].level3 == "对采购苗木采取精细化管理,可提升其附加值1-2倍"
    assert _ind(ind[-7])[1:5] == ("效益指标", "社会效益指标", "全市发动至少1千家庭参加活动", "1000户")
    assert _ind(ind[-1]) == ("年度", "成本指标", "经济成本指标", "市花月季", "≤300万元", "≤", 300.0, "万元")


def test_real_17_beijing_department_form():
    # p. 60, hand-checked: 17 rows, 交通秩序和交通规划管理 … 综合事务.
    (form,) = [f for f in read_forms(read_pdf(_real("17"), 60, 60)) if f.kind == "department"]
    assert form.project_name == "北京市公安局交通管理局" and form.goal_period is None
    ind = form.indicators
    assert len(ind) == 17
    assert [i.value_raw for i in ind] == ["≥95%", "=100%", "≥95%", "优", "≥95%", "=100%", "=100%", "高", "优",
                                          "=100%", "优", "≥95%", "=100%", "=100%", "高", "优", "优"]
    assert _ind(ind[0])[:4] == ("年度", "产出指标", "数量指标", "标志标线、信号灯设置等工作完成率")
    assert _ind(ind[3])[1:4] == ("效益指标", "社会效益指标", "扩大宣传覆盖面和影响力")


def test_real_23_chongqing_special_fund_card_over_two_pages():
    # 重点专项资金绩效目标表（一级项目）, pp. 29-30, hand-checked on the pages rendered at 70 dpi:
    # 项目名称 | 主管部门 on one row, 当年预算 88,197.35 (单位：万元) beside 市级支出 / 补助区县;
    # p. 30 opens with 当年绩效目标, then 指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重(%) | 是否核心.
    forms = read_forms(read_pdf(_real("23"), 27, 31))
    (card,) = [f for f in forms if f.layout == "card" and f.kind == "project"]
    assert (card.project_name, card.dept_name, card.pages) == ("规划和自然资源专项", "重庆市规划和自然资源局", [29, 30])
    assert card.funds_annual == 881973500.0 and card.funds_total is None
    assert card.funds_annual_local is None  # 重庆市规划和自然资源局 holds 市 and 资 but is no fund source
    assert card.overview.startswith("一是为履行测绘地理信息行业管理职责")
    assert card.goal_annual.startswith("完成地质灾害工程治理5处,避险搬迁5000人") and card.goal_period is None
    ind = card.indicators
    assert len(ind) == 8 and {i.scope for i in ind} == {"年度"}
    assert [_ind(i) for i in ind[:4]] == [
        ("年度", "", "", "提交找矿靶区数量", "≥7处", "≥", 7.0, "处"),
        ("年度", "", "", "2026年确定实施的市级项目拟建设规模", "≥4000公顷", "≥", 4000.0, "公顷"),
        ("年度", "", "", "地灾隐患点群众避险搬迁人数", "≥5000人", "≥", 5000.0, "人"),
        ("年度", "", "", "水文地质调查面积", "≥1800平方千米", "≥", 1800.0, "平方千米")]
    assert _ind(ind[-1]) == ("年度", "", "", "年度预算执行率", "=100%", "=", 100.0, "%")
    # p. 28 部门整体绩效目标表 (单位名称 above the grid, no 项目名称 cell) and p. 31 一般性项目 list
    (dept,) = [f for f in forms if f.kind == "department"]
    assert (dept.project_name, dept.pages, len(dept.indicators)) == ("重庆市规划和自然资源局", [28], 8)
    assert dept.goal_annual.startswith("一是构建高质量发展国土空间开发保护新格局")
    assert _ind(dept.indicators[4]) == ("年度", "", "", "本年度验收的项目耕地质量等级提升", "≥0.1级", "≥", 0.1, "级")
    listed = [f for f in forms if f.layout == "list"]
    assert [(f.project_name, f.funds_annual, len(f.indicators)) for f in listed] == [
        ("规划和自然资源综合管理", 289015400.0, 6), ("规划和自然资源事务", 357866500.0, 6),
        ("规划测绘及地理信息事务", 184733200.0, 6)]
    assert _ind(listed[1].indicators[3]) == ("年度", "", "", "矿产品监测成果发布频次", "≥1次/月", "≥", 1.0, "次/月")


def test_an_ocr_label_one_character_off_is_snapped_to_the_label_list():
    from extract.stages.form_values import label_field, label_key

    assert label_key("项自名称") == "项目名称" and label_field("项自名称") == "project_name"
    assert label_key("实施车位") == "实施单位"
    # a goal header misread is still a header, not the 实施期 goal (scanned sample, 专业人员聘用补贴)
    assert label_key("实施期自标") == "实施期目标" and label_key("年度日标") == "年度目标"
    assert label_key("项目资金(元)") == "项目资金元"  # not one substitution from a listed label: kept
    assert label_key("合计") == "合计" and label_key("财政拨款") == "财政拨款"
