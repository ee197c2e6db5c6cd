"""Validation checks: unit tests on inline rows for every family, then the two samples.

The born-digital sample must pass every check (≥ 40 checks, ≥ 4 kinds); the
one-digit sample (支出总表 2040802 合计 52.00 → 58.00) must fail exactly the checks
that digit breaks, each pointing at that table, row and column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.checks import run_checks
from extract.checks.balance import check_balance
from extract.checks.common import compare
from extract.checks.cross import check_cross
from extract.checks.forms import check_forms, project_table_amounts
from extract.checks.narrative import check_narrative
from extract.checks.sums import check_sums

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
D = "doc"


def line(key: str, row: int, column: str, amount: float, code: str | None = None, name: str | None = None,
         side: str | None = None, unit: str = "万元") -> dict:
    level = {3: 1, 5: 2, 7: 3}.get(len(code)) if code else None
    return {"doc_id": D, "table_key": key, "row_no": row, "side": side, "code": code, "name": name,
            "level": level, "column": column, "amount": amount, "unit": unit, "page": 3, "table_no": 1}


def statuses(rows: list[dict], check: str | None = None) -> list[str]:
    return [r["status"] for r in rows if check is None or r["check"] == check]


# --- tolerance -------------------------------------------------------------------------------------

def test_compare_tolerance_grows_with_terms():
    assert compare(10.00, 10.00).status == "pass" and compare(10.00, 10.00).note == ""
    assert compare(10.00, 10.02, terms=3).status == "pass"
    assert "tolerance" in compare(10.00, 10.02, terms=3).note
    assert compare(10.00, 10.02, terms=1).status == "fail"


# --- sums -------------------------------------------------------------------------------------------

def coded_table(leaf_amount: float = 3.0) -> list[dict]:
    c = "支出/合计"
    return [line("expenditure_total", 1, c, 10.0, None, "合计"),
            line("expenditure_total", 2, c, 10.0, "204", "公共安全支出"),
            line("expenditure_total", 3, c, 10.0, "20408", "强制隔离戒毒"),
            line("expenditure_total", 4, c, 7.0, "2040801", "行政运行"),
            line("expenditure_total", 5, c, leaf_amount, "2040802", "一般行政管理事务")]


def test_sum_children_passes_and_fails_at_parent():
    assert set(statuses(check_sums(D, coded_table()), "sum.children")) == {"pass"}
    bad = [r for r in check_sums(D, coded_table(4.0)) if r["status"] == "fail"]
    assert [r["check"] for r in bad] == ["sum.children"]
    assert bad[0]["location"].startswith("expenditure_total row 3 [20408")
    assert (bad[0]["expected"], bad[0]["actual"]) == ("11.00", "10.00")


def test_sum_total_row_and_columns():
    rows = coded_table() + [line("expenditure_total", r, "支出/基本支出", a, c, n) for r, a, c, n in
                            [(1, 7.0, None, "合计"), (2, 7.0, "204", "x"), (3, 7.0, "20408", "y"), (4, 7.0, "2040801", "z")]]
    rows += [line("expenditure_total", r, "支出/项目支出", 3.0, c, n) for r, c, n in
             [(1, None, "合计"), (2, "204", "x"), (3, "20408", "y"), (5, "2040802", "w")]]
    out = check_sums(D, rows)
    assert "fail" not in statuses(out)
    assert any("基本支出" in r["detail"] for r in out if r["check"] == "sum.total")
    rows[0] = line("expenditure_total", 1, "支出/合计", 12.0, None, "合计")
    assert "fail" in statuses(check_sums(D, rows), "sum.total")


def test_economic_classes_without_codes():
    c = "合计"
    rows = [line("general_budget_basic_expenditure", 1, c, 5.0, None, "合计"),
            line("general_budget_basic_expenditure", 2, c, 3.0, None, "工资福利支出"),
            line("general_budget_basic_expenditure", 3, c, 1.0, None, "基本工资"),
            line("general_budget_basic_expenditure", 4, c, 2.0, None, "津贴补贴"),
            line("general_budget_basic_expenditure", 5, c, 2.0, None, "商品和服务支出"),
            line("general_budget_basic_expenditure", 6, c, 2.0, None, "办公费")]
    out = check_sums(D, rows)
    assert statuses(out) == ["pass"] * len(out) and len(out) == 3


def test_rounded_children_pass_with_note():
    rows = coded_table()
    rows[3] = line("expenditure_total", 4, "支出/合计", 7.01, "2040801", "行政运行")
    kid = [r for r in check_sums(D, rows) if r["location"].startswith("expenditure_total row 3")][0]
    assert kid["status"] == "pass" and "tolerance" in kid["detail"]


# --- balance -----------------------------------------------------------------------------------------

def two_sided(income_total: float = 12.0) -> list[dict]:
    k = "income_expenditure_total"
    return [line(k, 1, "收入/预算数", 10.0, None, "一、一般公共预算", "收入"),
            line(k, 5, "收入/预算数", 10.0, None, "本年收入合计", "收入"),
            line(k, 6, "收入/预算数", 2.0, None, "上年结转", "收入"),
            line(k, 7, "收入/预算数", income_total, None, "收入总计", "收入"),
            line(k, 1, "支出/合计", 12.0, None, "一、一般公共服务支出", "支出"),
            line(k, 5, "支出/合计", 12.0, None, "本年支出合计", "支出"),
            line(k, 7, "支出/合计", 12.0, None, "支出总计", "支出")]


def test_balance_two_sided():
    out = check_balance(D, two_sided())
    assert "fail" not in statuses(out) and len(statuses(out, "total.balance")) >= 3
    bad = [r for r in check_balance(D, two_sided(12.5)) if r["status"] == "fail"]
    assert {r["check"] for r in bad} == {"total.balance"}


def test_balance_skips_without_two_sided_table():
    assert statuses(check_balance(D, coded_table())) == ["skip"]


# --- cross --------------------------------------------------------------------------------------------

def test_cross_totals_and_codes():
    ie = two_sided()
    inc = [line("income_total", 1, "合计", 12.0, None, "合计")]
    ex = [dict(r, amount=12.0 if r["row_no"] < 4 else r["amount"]) for r in coded_table()]
    out = check_cross(D, ie + inc + ex)
    assert statuses(out, "cross.income_total") == ["pass"]
    assert statuses(out, "cross.expenditure_total") == ["pass"]
    assert statuses(out, "cross.fiscal_grant") == ["skip"]  # no such tables: skip, not crash


def test_cross_codes_fail_at_the_changed_cell():
    ex = coded_table()
    gb = [dict(r, table_key="general_budget_expenditure") for r in coded_table()]
    ex[4] = dict(ex[4], amount=4.0)
    ex[0] = dict(ex[0], amount=10.0)
    bad = [r for r in check_cross(D, ex + gb) if r["status"] == "fail"]
    assert [r["check"] for r in bad] == ["cross.codes_general"]
    assert bad[0]["location"].startswith("expenditure_total row 5 [2040802")


# --- forms ---------------------------------------------------------------------------------------------

def test_form_vs_project_table_fuzzy_names():
    table = [line("project_expenditure", 1, "合计", 22.52, None, "强戒人员生活教育费")]
    ok = check_forms(D, [{"doc_id": D, "project_name": "强制人员生活教育费", "funds_annual": 225200.0}], table, [])
    assert statuses(ok) == ["pass"]
    bad = check_forms(D, [{"doc_id": D, "project_name": "强制人员生活教育费", "funds_annual": 252200.0}], table, [])
    assert statuses(bad) == ["fail"] and bad[0]["location"] == "project 强制人员生活教育费"
    none = check_forms(D, [{"doc_id": D, "project_name": "完全不同的名字", "funds_annual": 1.0}], table, [])
    assert statuses(none) == ["skip"]


def test_dedupe_tie_break_reads_the_project_table_as_the_check_does():
    """project_table_amounts: the table's total column (total_column: 总计 before the 财政拨款/合计
    subtotal), by compact name, in 元; a name whose rows (one per unit) disagree breaks no tie.
    """
    table = [line("project_expenditure", 1, "总计", 22.52, None, "1.机构运行经费"),
             line("project_expenditure", 1, "财政拨款/合计", 20.0, None, "1.机构运行经费"),
             line("project_expenditure", 2, "总计", 3.0, None, "业务经费"),
             line("project_expenditure", 3, "总计", 4.0, None, "业务经费")]
    known = project_table_amounts(table, [])
    assert known("机构运行经费", "funds_annual") == 225200.0
    assert known("业务经费", "funds_annual") is None and known("机构运行经费", "funds_total") is None
    assert project_table_amounts([], [])("机构运行经费", "funds_annual") is None


# --- narrative -------------------------------------------------------------------------------------------

def test_narrative_figures_and_shares():
    ex = [line("expenditure_total", 1, "预算数/合计", 1763.09, None, "合计"),
          line("expenditure_total", 1, "预算数/基本支出", 1677.68, None, "合计")]
    text = "支出预算1763.09万元,其中:基本支出1677.68万元,占95.16%;比上年基本支出增加104.15万元"
    out = check_narrative(D, [{"doc_id": D, "text": text}], ex)
    assert {r["check"]: r["status"] for r in out} == {"narrative.basic": "pass", "narrative.basic_share": "pass"}
    wrong = check_narrative(D, [{"doc_id": D, "text": "基本支出1677.88万元"}], ex)
    assert statuses(wrong) == ["fail"]


def test_narrative_table_in_yuan_text_in_wan():
    ex = [line("expenditure_total", 2, "合计", 134339860.0, "201", "一般公共服务支出", unit="元")]
    out = check_narrative(D, [{"doc_id": D, "text": "一般公共服务支出13,434万元"}], ex)
    assert statuses(out) == ["pass"]


def test_run_checks_never_crashes_on_empty_or_odd_rows():
    assert "fail" not in statuses(run_checks(D, {}))
    odd = {"budget_lines": [dict(line("expenditure_total", 1, "合计", 1.0, "2", "x"), amount=float("nan"))]}
    assert "fail" not in statuses(run_checks(D, odd))


# --- samples -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_checks(tmp_path_factory) -> dict[str, list[dict]]:
    from extract.api import run_batch

    out = tmp_path_factory.mktemp("checks")
    run_batch([SAMPLES / "yq2025_born_digital.pdf", SAMPLES / "yq2025_one_digit.pdf"], out)
    import pandas as pd

    docs = pd.read_csv(out / "documents.csv")
    checks = pd.read_csv(out / "checks.csv", dtype=str).fillna("").to_dict("records")
    return {p: [c for c in checks if c["doc_id"] == d] for p, d in zip(docs["path"], docs["doc_id"])}


def test_born_digital_passes_every_check(sample_checks):
    rows = sample_checks["yq2025_born_digital.pdf"]
    assert len(rows) >= 40
    assert [r for r in rows if r["status"] == "fail"] == []
    kinds = {r["check"].split(".")[0] for r in rows if r["status"] == "pass"}
    assert len(kinds) >= 4, kinds


def test_one_digit_fails_exactly_where_the_digit_is(sample_checks):
    mutation = json.loads((SAMPLES / "yq2025_one_digit.truth.json").read_text(encoding="utf-8"))["mutation"]
    fails = [r for r in sample_checks["yq2025_one_digit.pdf"] if r["status"] == "fail"]
    key, row, col = mutation["table_key"], mutation["row_no"], mutation["column"]
    cell = f"{key} row {row} [{mutation['code']}"
    assert sorted(r["check"] for r in fails) == ["cross.codes_general", "cross.codes_income", "sum.children",
                                                  "sum.total"]
    for r in fails:
        assert r["location"].startswith(key) and f" col {col} " in r["location"] + " "
        if r["check"] == "sum.children":  # the parent 款 row, its children listed with the changed one
            assert mutation["code"][:5] in r["location"] and f"{mutation['code']} r{row} 58.00" in r["detail"]
        else:
            assert r["location"].startswith(cell)
            assert (r["expected"], r["actual"]) == (mutation["printed_before"], mutation["printed_after"])
