"""Issue 11: form labels as data (extract/vocab/form_labels.json), funds in any unit, real names.

Pure string rules, one per family that taught them (烟台, 福州, 西安, 上海, 泉州, 北京 转移支付).
"""

from __future__ import annotations

import json
from importlib import resources

import pytest

from extract.stages import form_values as fv
from extract.stages.form_layouts import is_indicator_header, kind_of, list_role, role_of
from extract.stages.forms import _TABLE_MARK, _TABLE_MARK_LEAD, _TITLE_TAIL


def test_vocabulary_ships_with_the_package():
    text = resources.files("extract").joinpath("vocab/form_labels.json").read_text(encoding="utf-8")
    assert json.loads(text)["fields"]["prefix"][0] == ["项目名称", "project_name"]


@pytest.mark.parametrize("label, field", [
    ("年度预算资金总额：", "funds_annual"),  # 烟台
    ("资金总额", "funds_annual"),  # 福州, 泉州 (资金总额：)
    ("实施期资金总额：", "funds_total"),  # 西安
    ("项目资金总额", "funds_total"),  # 上海
    ("年度资金申请总额", "funds_annual"),  # 上海
    ("年度金额：", "funds_annual"),  # 北京 转移支付
    ("专项（项目）名称", "project_name"),  # 西安
    ("转移支付名称", "project_name"),
    ("市级主管部门", "dept"),
    ("项目实施期目标", "goal_period"),  # 泉州
    ("项目总目标", "goal_period"),
    ("年度总体目标", "goal_annual"),
    ("项目", "project_name"),
    ("项目资金（万元）", None),
])
def test_label_fields(label, field):
    assert fv.label_field(label) == field


def test_fund_sources_open_their_label():
    assert fv.source_field("其中：中央财政资金") == "central"
    assert fv.source_field("市级财政资金") == "local"
    assert fv.source_field("单位自筹") == "self"
    assert fv.source_field("北京市水务改革发展资金") is None  # a project name, not 市级资金


def test_units_from_label_or_cell():
    assert fv.label_unit("项目资金（万元）") == 10000.0
    assert fv.label_unit("专项资金情况（万元）") == 10000.0
    assert fv.label_unit("资金金额1620.98（万元）") == 10000.0  # 西安 37 prints the total inside
    assert fv.label_unit("项目资金（元）") == 1.0
    assert fv.label_unit("总体目标") is None
    assert fv.parse_amount_unit("337770.89万元") == (337770.89, 10000.0)
    assert fv.parse_amount_unit("4,100,000.00") == (4100000.0, None)
    assert fv.parse_amount_unit("9.00") == (9.0, None)


def test_names_are_real_and_without_glyph_spacing():
    assert fv.clean_name("广州市交通运输局2026- 2029年 信息化运维项目") == "广州市交通运输局2026-2029年信息化运维项目"
    assert fv.clean_name("IT Service 运维") == "IT Service运维"
    for junk in ("SM- W-C-051103", "2019年", "12,000.00", "项目名称", "一级指标", "产出指标", "备注", ""):
        assert not fv.is_real_name(junk), junk
    assert fv.is_real_name("交通战备专项") and fv.is_real_name("1%人口抽样调查")


def test_unit_names_and_terms_lose_ocr_spacing_and_stray_marks():
    # read from the grey 200 dpi and the skewed scan profiles: a speck beside the cell read as 。,
    # a space read between a word and its bracket
    assert fv.clean_term("。阳泉市强制隔离戒毒所") == "阳泉市强制隔离戒毒所"
    assert fv.clean_term("一次性项目 (1年结束)") == "一次性项目(1年结束)"
    assert fv.clean_term("阳泉市司法局（本级）、") == "阳泉市司法局(本级)"  # NFKC, as every text field
    assert fv.clean_term("经常性项目") == "经常性项目"
    assert "implementing_unit" in fv.NAME_FIELDS and "overview" not in fv.NAME_FIELDS  # prose keeps its marks


def test_unknown_labels_are_reported_not_values():
    assert fv.unknown_label("计划开工日期")
    assert not fv.unknown_label("产出指标") and not fv.unknown_label("9.00") and not fv.unknown_label("项目资金（万元）")
    assert not fv.unknown_label("为我市交通战备日常工作提供支持，保障我市交通战备工作顺利开展")


@pytest.mark.parametrize("keys, header", [
    (["", "一级指标", "二级指标", "三级指标", "指标值"], True),  # 烟台
    (["年度绩效指标", "一级指标", "二级指标", "指标内容", "指标值", "备注"], True),  # 西安
    (["", "一级指标", "二级指标", "三级指标", "年度/项目指标值"], True),  # 上海 年度(/项目)指标值
    (["指标名称", "指标性质", "指标值", "计量单位"], True),  # 重庆
    (["绩效指标", "成本指标", "经济成本", "交通战备经费支出成本", "≤9万元"], False),  # a data row
])
def test_indicator_header_by_roles(keys, header):
    assert is_indicator_header([fv.label_key(k) for k in keys]) is header


def test_roles_known_but_not_data():
    assert role_of("评扣分标准") == "score" and role_of("分值权重90分") == "score" and role_of("备注") == "note"
    assert role_of("指标值内容") == "note"
    assert list_role("支出项目类别资金使用单位") == "name" and list_role("绩效目标") == "goal"


def test_kind_from_title():
    assert kind_of("2026年部门整体支出绩效目标表") == "department"
    assert kind_of("部门（单位）整体绩效目标表") == "department"
    assert kind_of("2025年度项目支出绩效自评表") == "self_evaluation"
    assert kind_of("政策和项目预算绩效目标表(2026年度)") == "project"


def test_project_name_from_title():
    def name(title: str) -> str:
        return _TABLE_MARK_LEAD.sub("", _TITLE_TAIL.sub("", title))
    assert name("单警装备、公务用车采购等项目建设项目绩效目标表") == "单警装备、公务用车采购等项目建设"
    assert name("车驾管所及办案经费项目绩效目标表") == "车驾管所及办案经费"
    assert name("预算14表医药卫生体制改革专项转移支付绩效目标表(2026年度)") == "医药卫生体制改革专项转移支付"
    assert _TABLE_MARK.search(name("主要用于完成各预算表12项目支出绩效目标表"))  # 北京: overflow, not a name


def test_packed_indicators_with_semicolons():
    text = ("1、1-产出指标；11-数量指标；办理案件数量；实施周期指标值:≥100件；年度指标值:≥100件。"
            "2、2-效益指标；21-社会效益指标；群众满意度；实施周期指标值:≥95%；年度指标值:≥95%。")
    assert fv.parse_packed_indicators(text) == [
        ("产出指标", "数量指标", "办理案件数量", "≥100件", "≥100件"),
        ("效益指标", "社会效益指标", "群众满意度", "≥95%", "≥95%")]


def test_unit_after_colon_is_no_value():
    assert fv.is_unit_note("（万元）") and fv.is_unit_note("(元)")
    assert not fv.is_unit_note("260") and not fv.is_unit_note("20250110094534")


def test_a_name_opening_with_a_source_word_is_no_source():
    assert fv.source_field("其他履职专项业务经费") is None  # 西安 019's project name
    assert fv.source_field("其他") == "other" and fv.source_field("其他资金：") == "other"
    assert fv.label_field("部门（单位）名称") == "project_name"


def test_header_labels_run_together_in_one_cell():
    from extract.stages.form_layouts import merged_header_roles

    assert merged_header_roles("一级指标二级指标指标内容指标值") == ["level1", "level2", "level3", "value"]  # 西安 37 p.34
    assert merged_header_roles("一级指标") is None and merged_header_roles("项目名称") is None
    assert merged_header_roles("一级指标二级指标备注") is None  # no indicator name, no value


def test_new_labels_do_not_capture_budget_table_words():
    """The OCR snap targets a short list: 年初预算数 (a budget table's column) is no 年度预算数."""
    assert fv.label_key("年初预算数") == "年初预算数" and fv.label_field("年初预算数") is None
    assert fv.label_key("项自名称") == "项目名称"  # the OCR misreading the snap exists for


def test_list_header_labels_unknown_to_the_vocabulary_are_reported():
    from extract.model import Cell, Grid
    from extract.stages.form_layouts import ListState

    def cell(row: int, x0: float, text: str) -> Cell:
        return Cell(row, int(x0 // 100), 1, 1, x0, row * 20.0, x0 + 100, row * 20.0 + 20, text)

    cells = [cell(0, 0, "项目名称"), cell(0, 100, "金额"), cell(0, 200, "绩效目标"), cell(0, 300, "资金性质说明"),
             cell(1, 0, "执法办案"), cell(1, 100, "6,192.04"), cell(1, 200, "打击违法犯罪"), cell(1, 300, "")]
    grid = Grid(3, 0, 0, 400, 40, 2, 4, cells)
    state = ListState("项目支出绩效表 单位:万元")
    state.read(grid, type("P", (), {"page_no": 3, "method": "text"})())
    (form,) = state.finish()
    assert (form.project_name, form.funds_annual, form.goal_annual) == ("执法办案", 61920400.0, "打击违法犯罪")
    assert form.unknown_labels == ["资金性质说明"]
