"""Dedupe: merge rules on inline copies, and batch duplicate marking."""

from __future__ import annotations

import json

from extract.model import FormCopy, IndicatorRow
from extract.stages.dedupe import choose, group_copies, merge_copies, page_span


def _copy(name="遗属补助", method="text", conf=1.0, pages=(22,), **kw):
    return FormCopy(project_name=name, method=method, confidence=conf, pages=list(pages), **kw)


def test_group_near_identical_names():
    groups = group_copies([_copy("强制人员生活教育费"), _copy("强制人员生活教育费 "), _copy("遗属补助")])
    assert [len(g) for g in groups] == [2, 1]


def test_choose_rules():
    a, b, c = _copy(), _copy(), _copy()
    assert choose(["x", "x", "y"], [a, b, c]) == ("x", "majority")
    assert choose(["x", "y"], [_copy(method="ocr", conf=0.9), _copy()]) == ("y", "text_over_ocr")
    assert choose(["x", "y"], [_copy(method="ocr", conf=0.7), _copy(method="ocr", conf=0.9)]) == ("y", "higher_confidence")
    assert choose([250000.0, 25000.0], [a, b], known=25000.0) == (25000.0, "agrees_with_document")
    assert choose(["水电暖气物业等", "水电暖气物业等保障度"], [a, b]) == ("水电暖气物业等保障度", "longer_truncated")
    assert choose(["2025-01-08", "2025-01-06"], [a, b]) == ("2025-01-08", "tie")
    assert choose([None, "x"], [a, b]) == ("x", "agree")  # a blank cell is filled, no conflict


def test_merge_rows_and_conflicts():
    ind = [IndicatorRow("年度", "产出指标", "数量指标", "遗属人数", "1人", None, 1.0, "人")]
    c1 = _copy(filled_at="2025-01-08T17:32:05", indicators=list(ind), pages=[22])
    c2 = _copy(filled_at="2025-01-06T17:32:05", indicators=list(ind), pages=[32, 33])
    m = merge_copies("d", [c1, c2])
    (p,) = m.projects
    assert (p["pages"], p["copies"], p["conflicts"], p["filled_at"]) == ("22;32-33", 2, 1, "2025-01-08T17:32:05")
    (conf,) = m.conflicts
    assert conf["field"] == "filled_at" and json.loads(conf["values"]) == ["2025-01-08T17:32:05", "2025-01-06T17:32:05"]
    assert conf["reason"] == "tie" and len(m.indicators) == 1


def test_page_span():
    assert page_span([19, 20]) == "19-20" and page_span([16]) == "16"


# ----------------------------------------------------------------------------- OCR copies


def test_implausible_counts_marks_between_ideographs_and_unpaired_brackets():
    from extract.stages.dedupe import implausible

    assert implausible("经费标准,按月足额。") == 0
    assert implausible("经费标准.按月足额") == 1  # "." between ideographs: not a decimal point
    assert implausible("补助22.52万元") == 0  # a decimal point between digits is fine
    assert implausible("印发《标准》的通知") == 0
    assert implausible("印发(标准》的通知") == 2  # ( closed by 》: both marks unpaired


def test_merge_ocr_texts_takes_chinese_plausible_punctuation_from_either_copy():
    from extract.stages.dedupe import merge_ocr_texts

    a = "保障水电费.取暖费、按照山西省(标准》的通知要求"
    b = "保障水电费、取暖费 按照山西省《标准》的通知要求"
    # a has the higher confidence, but its "." and "(" are implausible; b's space is
    assert merge_ocr_texts(a, b, 0.95, 0.90) == "保障水电费、取暖费、按照山西省《标准》的通知要求"


def test_merge_ocr_texts_keeps_a_span_one_copy_dropped_and_uses_the_document():
    from extract.stages.dedupe import DocContext, merge_ocr_texts

    assert merge_ocr_texts("发放援疆干警生活补助", "发放援干警生活补助。", 0.9, 0.95) == "发放援疆干警生活补助。"
    ctx = DocContext()
    ctx.add("警戒执勤护卫组织")
    ctx.add("押解戒毒学员,警戒护卫")
    # 繁 for 警: the higher-confidence copy is wrong, the document spells 警戒
    assert merge_ocr_texts("负责繁戒执勤工作", "负责警戒执勤工作", 0.95, 0.9, ctx) == "负责警戒执勤工作"
    assert merge_ocr_texts("完全不同的一段文字内容", "另外一个项目名称", 0.9, 0.9) is None  # no alignment


def test_merge_ocr_texts_drops_a_glyph_read_twice():
    from extract.stages.dedupe import DocContext, merge_ocr_texts

    ctx = DocContext()
    for text in ("阳泉市强制隔离戒毒所", "阳泉市强强制隔离戒毒所", "强制人员生活教育费"):
        ctx.add(text)
    # the higher-confidence copy read 强 twice; the document has 强强 only in that reading
    assert merge_ocr_texts("阳泉市强强制隔离戒毒所", "阳泉市强制隔离戒毒所", 0.95, 0.9, ctx) == "阳泉市强制隔离戒毒所"
    ctx.add("坚强强大")  # a doubled pair the document does use elsewhere is kept
    assert merge_ocr_texts("阳泉市强强制隔离戒毒所", "阳泉市强制隔离戒毒所", 0.95, 0.9, ctx) == "阳泉市强强制隔离戒毒所"


def test_choose_prefers_the_document_majority_for_a_ref_before_confidence():
    from extract.stages.dedupe import DocContext

    ctx = DocContext()
    for text in ("根据晋财政法【2013】122号,保障", "要求(晋财政法【2013】122号)未进行保障的",
                 "根据晋财政法【2019】122号,强制人员"):
        ctx.add(text)
    hi, lo = _copy(method="ocr", conf=0.95), _copy(method="ocr", conf=0.90)
    value, reason = choose(["根据晋财政法【2019】122号,强制人员生活教育费", "根据晋财政法【2013】122号.强制人员生活教育费"],
                           [hi, lo], context=ctx)
    # the year comes from the document; the "." from the other copy loses to ","
    assert (value, reason) == ("根据晋财政法【2013】122号,强制人员生活教育费", "agrees_with_document")
    value, reason = choose(["保障水电费.取暖费", "保障水电费、取暖费"], [hi, lo], context=ctx)
    assert (value, reason) == ("保障水电费、取暖费", "merged_ocr")
    # without the document nothing is merged: the first copy, read about as well, is kept
    assert choose(["保障水电费.取暖费", "保障水电费、取暖费"], [hi, lo]) == ("保障水电费.取暖费", "tie")


def test_indicators_carry_the_merged_name_and_snap_level_names():
    ind = [IndicatorRow("年度", "产出指标", "数擊指标", "护卫协繁满意度", "≥95%", "≥", 95.0, "%")]
    ind2 = [IndicatorRow("年度", "产出指标", "数量指标", "护卫协警满意度", "≥95%", "≥", 95.0, "%")]
    ctx_text = "护卫协警人员,警戒护卫"
    c1 = _copy("援干部工作经费", method="ocr", conf=0.95, indicators=ind, overview=ctx_text)
    c2 = _copy("援疆干部工作经费", method="ocr", conf=0.90, indicators=ind2, pages=[30])
    m = merge_copies("d", [c1, c2])
    (p,) = m.projects
    assert p["project_name"] == "援疆干部工作经费"
    (row,) = m.indicators
    assert (row["project_name"], row["level2"], row["level3"]) == ("援疆干部工作经费", "数量指标", "护卫协警满意度")


def test_merge_ocr_texts_aligns_a_short_name_with_one_slip():
    from extract.stages.dedupe import DocContext, merge_ocr_texts

    ctx = DocContext()
    ctx.add("维护社会治安稳定")
    assert merge_ocr_texts("社会治按", "社会治安", 0.95, 0.9, ctx) == "社会治安"
    assert merge_ocr_texts("社会", "社区", 0.95, 0.9, ctx) is None  # too short to align


def test_final_dot_of_ocr_prose_is_a_chinese_full_stop():
    from extract.ocr.prose import fix_final_stop

    assert fix_final_stop("共计25万元.") == "共计25万元。"
    assert fix_final_stop("提升满意度达90%.") == "提升满意度达90%。"
    assert fix_final_stop("合计12.") == "合计12."  # after a digit: not provable
    assert fix_final_stop("total 25.") == "total 25." and fix_final_stop(None) is None
    c1 = _copy(method="ocr", conf=0.9, plan="按月缴纳水电费.")
    c2 = _copy(method="ocr", conf=0.8, plan="按月缴纳水电费.", pages=[30])
    (p,) = merge_copies("d", [c1, c2]).projects
    assert p["plan"] == "按月缴纳水电费。"


def test_indicator_values_merge_only_where_the_number_agrees():
    a = [IndicatorRow("年度", "效益指标", "社会效益", "普及禁毒知识", "有效曾及"),
         IndicatorRow("年度", "产出指标", "数量指标", "援疆干警", "1人", None, 1.0, "人")]
    b = [IndicatorRow("年度", "效益指标", "社会效益", "普及禁毒知识", "有效普及"),
         IndicatorRow("年度", "产出指标", "数量指标", "援疆干警", "7人", None, 7.0, "人")]
    c1 = _copy("禁毒", method="ocr", conf=0.95, indicators=a, overview="禁毒知识普及率100%")
    c2 = _copy("禁毒", method="ocr", conf=0.90, indicators=b, pages=[30])
    rows = merge_copies("d", [c1, c2]).indicators
    assert [r["value_raw"] for r in rows] == ["有效普及", "1人"]  # 1 vs 7: a number is never merged


def test_different_projects_sharing_a_name_stay_apart():
    """Guangzhou (file 25) prints nine district variants and many units' 其他运行经费."""
    districts = [_copy("园区环保监督检查员经费(越秀区)"), _copy("园区环保监督检查员经费(海珠区)")]
    assert [len(g) for g in group_copies(districts)] == [1, 1]
    units = [_copy("其他运行经费", funds_annual=210000.0, overview="保障市环境监测中心站日常运转"),
             _copy("其他运行经费", funds_annual=140000.0, overview="保障市环境监测中心站日常运转")]
    assert [len(g) for g in group_copies(units)] == [1, 1]
    same_money = [_copy("其他运行经费", funds_annual=1.0, overview="保障固体废物管理中心日常运转和设备维护"),
                  _copy("其他运行经费", funds_annual=1.0, overview="开展大气污染防治宣传与执法检查工作")]
    assert [len(g) for g in group_copies(same_money)] == [1, 1]
    copies = [_copy("遗属补助", funds_annual=10000.0, overview="保障遗属人员生活"),
              _copy("遗属补助", funds_annual=10000.0, overview="保障遗属人员生活。"),
              _copy("遗属补助", method="ocr", conf=0.9, funds_annual=1000.0, overview="保障遗属人员生活")]
    assert [len(g) for g in group_copies(copies)] == [3]  # an OCR misread amount does not split a form


def test_timestamps_of_two_ocr_copies_are_not_merged_by_characters():
    from extract.stages.dedupe import DocContext

    hi, lo = _copy(method="ocr", conf=0.95), _copy(method="ocr", conf=0.80)
    assert choose(["2025-01-08T17:32:05", "2025-01-06T17:32:05"], [lo, hi], context=DocContext()) == \
        ("2025-01-06T17:32:05", "higher_confidence")
    # copies read about as well (0.95 / 0.93): confidence says nothing, the first copy is followed
    first, second = _copy(method="ocr", conf=0.93), _copy(method="ocr", conf=0.95)
    assert choose(["2025-01-08T17:32:05", "2025-01-06T17:32:05"], [first, second], context=DocContext()) == \
        ("2025-01-08T17:32:05", "tie")


def test_an_ocr_name_with_two_misread_glyphs_joins_its_text_copy_when_funds_and_content_agree():
    from extract.stages.dedupe import same_form

    text = "为贯彻落实习近平总书记等中央领导的重要指示批示精神,进一步加强新疆监狱工作"
    t = _copy("援疆干部工作经费", funds_annual=39000.0, overview=text)
    o = _copy("援關于部工作经费", method="ocr", conf=0.9, funds_annual=39000.0, overview=text, pages=[30])
    assert same_form(t, o)
    assert not same_form(t, _copy("援關于部工作经费", method="ocr", funds_annual=3900.0, overview=text))
    assert not same_form(t, _copy("援關于部工作经费", method="ocr", funds_annual=39000.0, overview="遗属人员补助不得在人员经费预算中编制安排"))


def test_two_wordings_common_in_the_document_are_not_a_misread_and_the_trusted_copy_decides():
    """重要原则 / 重要举措 are two wordings of the form, not a misread: the copy whose
    文号 the document confirms is followed, not the copy that scanned more cleanly."""
    from extract.stages.dedupe import DocContext, trusted_copy

    careful = _copy(method="ocr", conf=0.90, basis="根据晋财政法【2013】122号,保障", plan="戒毒条例的重要原则,是保障")
    sloppy = _copy(method="ocr", conf=0.95, basis="根据晋财政法【2019】122号,保障", plan="戒毒条例的重要举措,是保障")
    ctx = DocContext.of([careful, sloppy])
    for text in ("要求(晋财政法【2013】122号)未进行保障", "《戒毒条例》的重要举措", "重要举措", "重要原则", "的重要原则"):
        ctx.add(text)
    assert trusted_copy([careful, sloppy], ctx) is careful
    value, reason = choose([careful.plan, sloppy.plan], [careful, sloppy], context=ctx, trusted=careful)
    assert (value, reason) == ("戒毒条例的重要原则,是保障", "merged_ocr")
    # with nothing to trust, the first copy leads unless the other was read clearly better
    assert choose([careful.plan, sloppy.plan], [careful, sloppy], context=ctx)[0] == "戒毒条例的重要原则,是保障"
    assert choose([sloppy.plan, careful.plan], [sloppy, careful], context=ctx)[0] == "戒毒条例的重要举措,是保障"
    clear = _copy(method="ocr", conf=0.99, plan=sloppy.plan)
    assert choose([careful.plan, clear.plan], [careful, clear], context=ctx)[0] == "戒毒条例的重要举措,是保障"
    # a field that does not align is taken whole from the trusted copy
    assert choose(["2025-01-08", "2025-01-06"], [careful, sloppy], trusted=careful) == ("2025-01-08", "trusted_copy")


def test_trusted_copy_needs_a_copy_that_stands_out():
    from extract.stages.dedupe import DocContext, trusted_copy

    a, b = _copy(basis="根据晋财政法【2013】122号"), _copy(basis="根据晋财政法【2013】122号")
    assert trusted_copy([a, b], DocContext.of([a, b])) is None
    assert trusted_copy([a], DocContext.of([a])) is None
    assert trusted_copy([_copy(basis="没有文号"), _copy(basis="也没有")], DocContext()) is None


def test_two_units_same_name_and_amount_stay_apart():
    """烟台 085 prints 实施公车统管费用 for two implementing units, same amount, near-same goal."""
    goal = "实施公车统管费用,主要用于单位实施集中统管公车出行费用保障。"
    units = [_copy("实施公车统管费用", funds_annual=50000.0, goal_period=goal, implementing_unit="烟台市食品药品检验检测中心"),
             _copy("实施公车统管费用", funds_annual=50000.0, goal_period=goal, implementing_unit="烟台市知识产权保护中心")]
    assert [len(g) for g in group_copies(units)] == [1, 1]
    copies = [_copy("实施公车统管费用", funds_annual=50000.0, goal_period=goal, implementing_unit="烟台市统计局"),
              _copy("实施公车统管费用", funds_annual=50000.0, goal_period=goal, implementing_unit="烟台市 统计局")]
    assert [len(g) for g in group_copies(copies)] == [2]


# ----------------------------------------------------------------------------- issue 13: copies of one form


_BASIS = ("从2023年起,遗属人员补助不得在人员经费预算中编制安排,特申请项目资金保障遗属补助需求,按月足额保障我单位遗属人员"
          "生活补助,根据晋财政法【2013】122号要求进行保障。")
#: The same cell read from a grey 150 dpi scan: a third of its glyphs misread or lost (ratio 65).
_BASIS_OCR = ("以2O23年起遗民人员补肋不得在人民经费豫算中韩制安博待中请项日资全保障造业补助罪求按月是保障物位遗国人负"
              "生活补物根据需财攻去【2019】1221号要求进行侏障")


def test_copies_with_the_same_name_and_funds_are_one_project_whatever_the_date_says():
    """遗属补助: the text copy prints 填报日期 20250108173205, the scanned copy 20250106173205, and the
    scan garbles the prose under CONTENT_SIMILARITY: still one project, copies = 2, the date a conflict."""
    from extract.stages.dedupe import CONTENT_SIMILARITY, SAME_FUNDS_CONTENT, content_similarity

    text = _copy(funds_annual=10000.0, funds_total=10000.0, basis=_BASIS, filled_at="2025-01-08T17:32:05")
    scan = _copy(method="ocr", conf=0.9, funds_annual=10000.0, funds_total=10000.0, basis=_BASIS_OCR,
                 filled_at="2025-01-06T17:32:05", pages=[32])
    assert SAME_FUNDS_CONTENT <= content_similarity(text, scan) < CONTENT_SIMILARITY
    m = merge_copies("d", [text, scan])
    (p,) = m.projects
    assert (p["project_name"], p["copies"], p["pages"], p["filled_at"]) == ("遗属补助", 2, "22;32", "2025-01-08T17:32:05")
    got = {c["field"]: (json.loads(c["values"]), c["chosen"], c["reason"]) for c in m.conflicts}
    assert got == {"filled_at": (["2025-01-08T17:32:05", "2025-01-06T17:32:05"], "2025-01-08T17:32:05", "text_over_ocr"),
                   "basis": ([_BASIS, _BASIS_OCR], _BASIS, "text_over_ocr")}
    assert p["conflicts"] == 2


def test_an_ocr_name_two_glyphs_off_with_the_same_funds_joins_its_text_copy():
    """据疆干部工作经费 / 专业人员聘用补点 (ratio 87.5) with the copy's funds: one form even where the
    scan pulled the content similarity under GARBLED_NAME_CONTENT."""
    from extract.stages.dedupe import GARBLED_NAME_CONTENT, content_similarity, same_form

    text = _copy("专业人员聘用补贴", funds_annual=261000.0, funds_total=445500.0, basis=_BASIS)
    scan = _copy("专业人员聘用补点", method="ocr", funds_annual=261000.0, funds_total=445500.0, basis=_BASIS_OCR,
                 pages=[34])
    assert content_similarity(text, scan) < GARBLED_NAME_CONTENT
    assert same_form(text, scan) and [len(g) for g in group_copies([text, scan])] == [2]
    # a total read differently is a different form (or a misread amount: then the content must agree)
    assert not same_form(text, _copy("专业人员聘用补点", method="ocr", funds_annual=261000.0, funds_total=45500.0,
                                     basis=_BASIS_OCR))
    # an annual amount the scan did not read proves nothing: the content decides, as before
    assert not same_form(text, _copy("专业人员聘用补点", method="ocr", funds_annual=None, basis=_BASIS_OCR))


def test_projects_sharing_a_name_stay_apart_when_their_funds_differ():
    a = _copy("其他运行经费", funds_annual=210000.0, basis=_BASIS)
    b = _copy("其他运行经费", funds_annual=140000.0, basis=_BASIS)
    scan = _copy("其他运行经费", method="ocr", funds_annual=140000.0, basis=_BASIS_OCR, pages=[30])
    groups = group_copies([a, b, scan])
    assert [[c.funds_annual for c in g] for g in groups] == [[210000.0], [140000.0, 140000.0]]
    m = merge_copies("d", [a, b, scan])
    assert [(p["project_name"], p["copies"], p["funds_annual"]) for p in m.projects] == [
        ("其他运行经费", 1, 210000.0), ("其他运行经费", 2, 140000.0)]


def test_two_copies_differing_in_a_doc_ref_and_a_sentence_are_one_project_with_a_row_each():
    c1 = _copy(funds_annual=10000.0, basis="根据晋财政法【2013】122号,是贯彻落实《戒毒条例》的重要原则。",
               plan="按月足额发放。")
    c2 = _copy(funds_annual=10000.0, basis="根据晋财政法【2019】122号,是贯彻落实《戒毒条例》的重要原则。",
               plan="按月足额发放,专款专用。", pages=[32])
    m = merge_copies("d", [c1, c2])
    (p,) = m.projects
    assert p["copies"] == 2 and p["conflicts"] == 2
    assert sorted((c["field"], len(json.loads(c["values"]))) for c in m.conflicts) == [("basis", 2), ("plan", 2)]


def test_an_ocr_copy_alike_in_content_to_two_projects_joins_the_one_whose_funds_it_prints():
    a = _copy("其他运行经费", funds_annual=210000.0, basis=_BASIS)
    b = _copy("其他运行经费", funds_annual=140000.0, basis=_BASIS)
    scan = _copy("其他运行经费", method="ocr", funds_annual=140000.0, basis=_BASIS, pages=[30])
    assert [[c.funds_annual for c in g] for g in group_copies([a, b, scan])] == [[210000.0], [140000.0, 140000.0]]
    misread = _copy("其他运行经费", method="ocr", funds_annual=14000.0, basis=_BASIS, pages=[30])
    assert [len(g) for g in group_copies([a, b, misread])] == [2, 1]  # no funds to go by: the first that fits


def test_an_ocr_copy_whose_prose_went_unread_joins_by_its_exact_name_and_funds():
    """A darker scan (tools/harsh_mixed.py, harsh at 200 dpi) leaves the prose cells of 强制人员生活教育费
    unread ('BmRRMSesPmE', content 15) but reads its name and funds exactly: one project."""
    from extract.stages.dedupe import content_similarity, same_form

    text = _copy("强制人员生活教育费", funds_annual=225200.0, funds_total=225200.0, basis=_BASIS)
    scan = _copy("强制人员生活教育费", method="ocr", funds_annual=225200.0, funds_total=225200.0,
                 basis="BmRRMSesPmE", pages=[27, 28])
    assert content_similarity(text, scan) < 20 and same_form(text, scan)
    # a garbled name needs some content too
    assert not same_form(text, _copy("强制人员生活教", method="ocr", funds_annual=225200.0, basis="BmRRMSesPmE"))


def test_an_ocr_copy_fitting_two_text_projects_of_one_name_and_amount_joins_the_alike_one():
    a = _copy("其他运行经费", funds_annual=1.0, overview="保障固体废物管理中心日常运转和设备维护")
    b = _copy("其他运行经费", funds_annual=1.0, overview="开展大气污染防治宣传与执法检查工作")
    scan = _copy("其他运行经费", method="ocr", funds_annual=1.0, overview="开展大气污染防冶宣传与执法检查工作", pages=[40])
    assert [[c.overview for c in g] for g in group_copies([a, b, scan])] == [[a.overview], [b.overview, scan.overview]]
