"""Dedupe: merge rules on inline copies, and batch duplicate marking."""

from __future__ import annotations

import json

from extract.stages.dedupe import DocSummary, choose, group_copies, mark_duplicates, merge_copies, page_span
from extract.stages.form_layouts import FormCopy, IndicatorRow


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


def test_mark_duplicates():
    s = [DocSummary("a", frozenset({"x"})), DocSummary("b", frozenset({"x"})), DocSummary("a", frozenset({"x"})),
         DocSummary("c", frozenset()), DocSummary("d", frozenset())]
    assert mark_duplicates(s) == [None, "a", "a", None, None]
