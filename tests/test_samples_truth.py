"""Self-consistency of the committed sample ground truth (samples/*.truth.json).

Pure JSON checks: no fonts, no generator, no PDF parsing (fast)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FULL = ["yq2025_born_digital", "yq2025_one_digit", "yq2025_mixed", "yq2025_scanned"]
ALL = FULL + ["garbled_cid", "garbled_kangxi"]


def load(name):
    return json.loads((SAMPLES / f"{name}.truth.json").read_text(encoding="utf-8"))


def lines_of(t, key):
    return [l for l in t["budget_lines"] if l["table_key"] == key]


@pytest.mark.parametrize("name", ALL)
def test_files_exist_and_small(name):
    pdf = SAMPLES / f"{name}.pdf"
    assert pdf.is_file()
    assert pdf.stat().st_size < 1.5 * 1024 * 1024
    t = load(name)
    d = t["documents"][0]
    assert d["path"] == f"{name}.pdf" and d["fiscal_year"] == 2025 and d["unit_name"] == "阳泉市强制隔离戒毒所"
    for tb in t["budget_tables"]:
        assert 1 <= tb["page_first"] <= tb["page_last"] <= d["pages"]


@pytest.mark.parametrize("name", ALL)
def test_line_shape(name):
    t = load(name)
    keys = {tb["table_key"] for tb in t["budget_tables"]}
    for l in t["budget_lines"]:
        assert l["table_key"] in keys
        assert isinstance(l["amount"], float) and l["unit"] == "万元"
        if l["code"] is not None:
            assert l["code"].isdigit() and l["level"] == {3: 1, 5: 2, 7: 3}[len(l["code"])]
        two_sided = l["table_key"] in ("income_expenditure_total", "fiscal_grant_total")
        assert (l["side"] in ("收入", "支出")) if two_sided else l["side"] is None
        assert " " not in l["column"] and l["column"]


def _children_sum_ok(lines, column):
    by = {l["code"]: l["amount"] for l in lines if l["code"] and l["column"] == column}
    bad = []
    for code, amt in by.items():
        kids = [a for c, a in by.items() if c.startswith(code) and len(c) == len(code) + 2]
        if kids and round(sum(kids), 2) != round(amt, 2):
            bad.append((code, amt, round(sum(kids), 2)))
    total = next(l["amount"] for l in lines if l["name"] == "合计" and l["column"] == column)
    tops = round(sum(a for c, a in by.items() if len(c) == 3), 2)
    if tops != round(total, 2):
        bad.append(("合计", total, tops))
    return bad


@pytest.mark.parametrize("col", ["2025年预算数/合计", "2025年预算数/基本支出", "2025年预算数/项目支出"])
def test_expenditure_children_sum_to_parents(col):
    t = load("yq2025_born_digital")
    assert _children_sum_ok(lines_of(t, "expenditure_total"), col) == []
    assert _children_sum_ok(lines_of(t, "general_budget_expenditure"), col) == []


def test_income_total_children_sum():
    t = load("yq2025_born_digital")
    assert _children_sum_ok(lines_of(t, "income_total"), "本年收入/合计") == []


def test_row_balance_expenditure():
    t = load("yq2025_born_digital")
    rows = defaultdict(dict)
    for l in lines_of(t, "expenditure_total"):
        rows[l["row_no"]][l["column"].split("/")[-1]] = l["amount"]
    for r in rows.values():
        assert round(r.get("基本支出", 0) + r.get("项目支出", 0), 2) == r["合计"]


def test_two_sided_totals_balance():
    t = load("yq2025_born_digital")
    for key, inc_col, exp_col in [("income_expenditure_total", "收入/2025年", "支出/2025年合计"),
                                  ("fiscal_grant_total", "收入/金额", "支出/金额/小计")]:
        ls = lines_of(t, key)
        inc = next(l["amount"] for l in ls if l["side"] == "收入" and l["name"] == "收入总计" and l["column"] == inc_col)
        exp = next(l["amount"] for l in ls if l["side"] == "支出" and l["name"] == "支出总计" and l["column"] == exp_col)
        assert inc == exp == 1763.09


def test_tables_and_counts():
    t = load("yq2025_born_digital")
    tb = {x["table_no"]: x for x in t["budget_tables"]}
    assert sorted(tb) == list(range(1, 14))
    assert tb[1]["table_key"] == "income_expenditure_total" and tb[1]["page_last"] > tb[1]["page_first"]
    assert tb[1]["n_rows"] == 33
    assert {n for n, x in tb.items() if not x["has_data"]} == {7, 8, 9, 13}
    assert not any(l["table_key"] in ("gov_fund_income", "gov_fund_expenditure", "state_capital",
                                      "project_expenditure_carryover") for l in t["budget_lines"])


def test_projects_and_forms():
    t = load("yq2025_born_digital")
    ps = {p["project_name"]: p for p in t["projects"]}
    assert len(ps) == 7
    assert "强制人员生活教育费" in ps and "强戒人员生活教育费" not in ps
    assert ps["戒毒场所水电运行费"]["funds_total"] == 250000.0 and ps["戒毒场所水电运行费"]["funds_annual"] == 210000.0
    assert ps["戒毒场所水电运行费"]["filled_at"] == "2025-01-10T09:45:34"
    assert ps["遗属补助"]["filled_at"] == "2025-01-08T17:32:05"
    assert all(p["copies"] == 2 and p["dept_code"] == "028" for p in ps.values())
    # form annual funds (元) == project table (万元) × 10000
    proj = {l["name"]: l["amount"] for l in lines_of(t, "project_expenditure") if l["column"] == "合计"}
    alias = {"强制人员生活教育费": "强戒人员生活教育费"}
    for name, p in ps.items():
        assert round(proj[alias.get(name, name)] * 10000, 2) == p["funds_annual"]
    assert round(sum(p["funds_annual"] for p in ps.values()) / 10000, 2) == proj["阳泉市强制隔离戒毒所"] == 85.41
    # conflicts count matches expected_conflicts
    n = defaultdict(int)
    for c in t["expected_conflicts"]:
        if c["entity"] == "project":
            n[c["key"]] += 1
    assert all(p["conflicts"] == n[name] for name, p in ps.items())
    assert ps["遗属补助"]["conflicts"] >= 1


def test_indicators():
    t = load("yq2025_born_digital")
    ind = t["indicators"]
    assert {i["scope"] for i in ind} == {"实施期", "年度"}
    w = next(i for i in ind if i["level3"] == "预计用水量" and i["scope"] == "实施期")
    assert (w["op"], w["value"], w["value_unit"]) == ("≥", 14000.0, "吨")
    m = next(i for i in ind if i["value_raw"] == "按月发放")
    assert (m["op"], m["value"], m["value_unit"]) == (None, None, None)
    p = next(i for i in ind if i["value_raw"] == "100%")
    assert (p["op"], p["value"], p["value_unit"]) == (None, 100.0, "%")
    assert all(i["level3"] or i["value_raw"] for i in ind)


def test_doc_refs():
    t = load("yq2025_born_digital")
    refs = t["doc_refs"]
    assert all(r["canonical"] == f"{r['issuer']}〔{r['year']}〕{r['number']}号" for r in refs)
    bad = [r for r in refs if r["raw"].startswith("晋财政法") and "2019" in r["raw"]]
    assert bad and all(r["canonical"] == "晋财政法〔2013〕122号" and r["corrected"] for r in bad)
    assert all(not r["corrected"] for r in refs if r["copy"] == 1)


def test_one_digit_differs_in_exactly_one_line():
    a, b = load("yq2025_born_digital"), load("yq2025_one_digit")
    key = lambda l: (l["table_key"], l["row_no"], l["side"], l["column"])
    da, db = {key(l): l for l in a["budget_lines"]}, {key(l): l for l in b["budget_lines"]}
    assert da.keys() == db.keys()
    diff = [k for k in da if da[k] != db[k]]
    assert len(diff) == 1
    k = diff[0]
    m = b["mutation"]
    assert k[0] == m["table_key"] == "expenditure_total" and da[k]["code"] == m["code"] == "2040802"
    assert (da[k]["amount"], db[k]["amount"]) == (52.0, 58.0)
    assert _children_sum_ok(lines_of(b, "expenditure_total"), "2025年预算数/合计") != []
    assert {x: a[x] for x in a if x not in ("documents", "budget_lines")} == \
           {x: b[x] for x in b if x not in ("documents", "budget_lines", "mutation")}


def test_variants_share_truth():
    base = load("yq2025_born_digital")
    for name in ("yq2025_mixed", "yq2025_scanned"):
        t = load(name)
        assert t["budget_lines"] == base["budget_lines"]
        assert t["projects"] == base["projects"]
        assert t["documents"][0]["ocr_pages"] > 0
    for name in ("garbled_cid", "garbled_kangxi"):
        t = load(name)
        keys = {tb["table_key"] for tb in t["budget_tables"]}
        assert t["budget_lines"] == [l for l in base["budget_lines"] if l["table_key"] in keys]
