"""``cross.*``: the same figure printed in several tables agrees.

Reads ``budget_lines`` rows; writes ``checks`` rows. The chain of totals
(收支总表 ↔ 收入总表 ↔ 支出总表 ↔ 财政拨款收支总表 ↔ 一般公共预算支出表 ↔ 基本支出表),
then cell by cell: each 科目编码 of the 支出总表 against the 收入总表 and the
一般公共预算支出表 (only when their grand totals agree, i.e. all money is 一般公共预算),
each 类 row of the 收支总表 against the 支出总表, and the 三公 / 机关运行经费 tables
against the economic rows of the basic-expenditure table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extract.checks.common import (EXACT, Row, by_table, cell_location, checked, compact_name, grand_total_row,
                                   leaf, result, total_column)

Fig = Row | None  # the budget_lines row holding a figure, or None when not printed


def check_cross(doc_id: str, lines: list[Row], tables: list[Row] | None = None) -> list[Row]:
    """Every cross.* check of one document; a skip row for each pair whose inputs are missing."""
    t = by_table(lines)
    final = any("决算" in str(x.get("title") or "") for x in tables or [])
    out: list[Row] = []
    for check, fn in CHAIN:
        rows = fn(doc_id, check, t)
        if check == "cross.income_expenditure" and rows[0]["status"] == "fail":
            rows = _explained_gap(rows, t)
        if final and check == "cross.income_expenditure" and rows[0]["status"] == "fail":
            rows[0].update(status="skip", detail=rows[0]["detail"] + "; 决算: income and spending differ by 结余")
        out += rows
    out += code_checks(doc_id, t, "income_total", "cross.codes_income", same_leaf=False)
    out += code_checks(doc_id, t, "general_budget_expenditure", "cross.codes_general", same_leaf=True)
    out += function_checks(doc_id, t)
    out += three_public_checks(doc_id, t)
    return out


def side_total(t: dict[str, list[Row]], key: str, side: str, pattern: str, column_hint: str | None = None) -> Fig:
    """A named row (收入总计, 本年支出合计 …) of a two-sided table, in its total column."""
    rows = [r for r in t.get(key, []) if r.get("side") == side]
    col = _column_like(rows, column_hint) if column_hint else total_column(rows)
    for r in rows:
        if r["column"] == col and re.search(pattern, compact_name(r["name"])):
            return r
    return None


def _column_like(rows: list[Row], hint: str) -> str | None:
    """The column whose leaf names ``hint``; None when the table has no such column.

    A 财政拨款收支总表 with one 预算 column mixes 一般公共预算 and 政府性基金, so its
    total is not the 一般公共预算 figure: better no check than a false failure.
    """
    return next((r["column"] for r in rows if hint in leaf(r["column"])), None)


def grand(t: dict[str, list[Row]], key: str, leaf_pattern: str | None = None) -> Fig:
    """The 合计 row of a one-sided table, in its total column or the column whose leaf matches."""
    row = grand_total_row(t.get(key, []))
    if not row:
        return None
    if leaf_pattern is None:
        col = total_column(t[key])
        return next((r for r in row if r["column"] == col), None)
    return next((r for r in row if re.search(leaf_pattern, leaf(r["column"]))), None) or next(
        (r for r in row if re.search(leaf_pattern, r["column"]) and re.search(r"(合计|小计)$", r["column"])), None)


def _explained_gap(rows: list[Row], t: dict[str, list[Row]]) -> list[Row]:
    """收入总表 合计 above 支出总表 合计 by exactly what the 收支总表 prints between 本年支出合计
    and 支出总计 (结转下年, 未安排支出的实户资金: Xi'an 021): income not budgeted for spending.
    """
    spent = side_total(t, "income_expenditure_total", "支出", r"^本年支出(合计|小计)")
    grand_total = side_total(t, "income_expenditure_total", "支出", "^支出总计$")
    row = rows[0]
    if spent is None or grand_total is None or not row["expected"] or not row["actual"]:
        return rows
    gap = float(grand_total["amount"]) - float(spent["amount"])
    diff = float(row["expected"]) - float(row["actual"])
    step = display_step(float(row["expected"])) + display_step(float(row["actual"]))
    if gap > 0 and _agree(diff, gap, step):
        row = {**row, "status": "pass", "detail": row["detail"] + f"; the gap {gap:.2f} is what the 收支总表 prints "
               f"between 本年支出合计 and 支出总计 ({cell_location(grand_total)})"}
    return [row]


#: Figures this large (nine digits) may be shown rounded by a too-narrow spreadsheet cell.
DISPLAY_ROUNDED_FROM = 1e8
#: A figure within this of a whole number of tenths (or units) was printed with that few decimals.
DISPLAY_NOISE = 1e-6


def display_step(amount: float) -> float:
    """The rounding of a figure that a too-narrow spreadsheet cell printed with fewer decimals.

    Excel's General format shows at most about eleven characters: Xi'an prints
    936647884.33 as 936647884.3 and 943864999.96 as 943865000. A nine-digit
    figure with fewer than two decimals is such a display rounding; any other
    figure is taken as printed to the cent (0).
    """
    if abs(amount) < DISPLAY_ROUNDED_FROM:
        return 0.0
    for decimals in (0, 1):
        if abs(amount * 10 ** decimals - round(amount * 10 ** decimals)) < DISPLAY_NOISE:
            return 10.0 ** -decimals
    return 0.0


def _agree(a: float, b: float, step: float) -> bool:
    return abs(a - b) < EXACT or round(abs(a - b), 6) <= step / 2


def pair(doc_id: str, check: str, actual: Fig, expected: Fig, alt: Fig = None, what: str = "") -> list[Row]:
    """Compare two printed figures; ``alt`` is a second figure that may legitimately match instead."""
    if actual is None or expected is None:
        missing = "first" if actual is None else "second"
        return [result(doc_id, check, "skip", cell_location(actual) if actual else "",
                       detail=f"{what}: {missing} figure not found")]
    detail = f"{what}; against {cell_location(expected)}"
    row = checked(doc_id, check, cell_location(actual), float(expected["amount"]), float(actual["amount"]), 0,
                  detail)
    step = max(display_step(float(expected["amount"])), display_step(float(actual["amount"])))
    if row["status"] == "fail" and step and _agree(float(expected["amount"]), float(actual["amount"]), step):
        row.update(status="pass", detail=f"{detail}; within the display rounding of a figure printed to {step:g}")
    if row["status"] == "fail" and alt is not None and abs(float(alt["amount"]) - float(actual["amount"])) < EXACT:
        row = checked(doc_id, check, cell_location(actual), float(alt["amount"]), float(actual["amount"]), 0,
                      f"{what}; matches {cell_location(alt)} instead")
    return [row]


def _income_total(doc_id: str, check: str, t: dict) -> list[Row]:
    return pair(doc_id, check, grand(t, "income_total"),
                side_total(t, "income_expenditure_total", "收入", "^收入总计$"),
                side_total(t, "income_expenditure_total", "收入", r"^本年收入(合计|小计)"),
                "收入总表 合计 = 收支总表 收入总计")


def _expenditure_total(doc_id: str, check: str, t: dict) -> list[Row]:
    return pair(doc_id, check, grand(t, "expenditure_total"),
                side_total(t, "income_expenditure_total", "支出", r"^本年支出(合计|小计)"),
                side_total(t, "income_expenditure_total", "支出", "^支出总计$"),
                "支出总表 合计 = 收支总表 本年支出合计")


def _income_vs_expenditure(doc_id: str, check: str, t: dict) -> list[Row]:
    return pair(doc_id, check, grand(t, "expenditure_total"), grand(t, "income_total"), None,
                "支出总表 合计 = 收入总表 合计")


def _fiscal_grant(doc_id: str, check: str, t: dict) -> list[Row]:
    fg = side_total(t, "fiscal_grant_total", "支出", r"^本年支出(合计|小计)", "一般公共预算")
    alt = side_total(t, "fiscal_grant_total", "支出", "^支出总计$", "一般公共预算")
    return pair(doc_id, check, grand(t, "general_budget_expenditure"), fg, alt,
                "一般公共预算支出表 合计 = 财政拨款收支总表 一般公共预算 本年支出")


def _basic(doc_id: str, check: str, t: dict) -> list[Row]:
    return pair(doc_id, check, grand(t, "general_budget_basic_expenditure"),
                grand(t, "general_budget_expenditure", "基本支出"), None,
                "基本支出表 合计 = 一般公共预算支出表 基本支出")


#: (check id, function) for the chain of table totals.
CHAIN: list[tuple[str, Callable[[str, str, dict], list[Row]]]] = [
    ("cross.income_total", _income_total),
    ("cross.expenditure_total", _expenditure_total),
    ("cross.income_expenditure", _income_vs_expenditure),
    ("cross.fiscal_grant", _fiscal_grant),
    ("cross.basic", _basic),
]


def code_checks(doc_id: str, t: dict[str, list[Row]], other: str, check: str, same_leaf: bool) -> list[Row]:
    """Each 科目编码 cell of the 支出总表 = the same code in ``other``, when both grand totals agree."""
    a, b = grand(t, "expenditure_total"), grand(t, other)
    if a is None or b is None or abs(float(a["amount"]) - float(b["amount"])) >= EXACT:
        return []  # the tables cover different money (e.g. 政府性基金 too): codes need not match
    other_total, own_total = total_column(t[other]), total_column(t["expenditure_total"])
    index = {(r["code"], k): r for r in t[other]
             if r.get("code") and (k := _leaf_key(r["column"], same_leaf, other_total)) is not None}
    out: list[Row] = []
    for r in t["expenditure_total"]:
        k = _leaf_key(r["column"], same_leaf, own_total)
        if not r.get("code") or k is None:
            continue
        match = index.get((r["code"], k))
        if match is not None:
            out.append(checked(doc_id, check, cell_location(r), float(match["amount"]), float(r["amount"]), 0,
                               f"same 科目 {r['code']} in {cell_location(match)}"))
    return out


def _leaf_key(column: str, same_leaf: bool, total_col: str | None) -> str | None:
    """Columns are matched by leaf (合计/基本支出/项目支出), or only the total column when tables differ."""
    if same_leaf:
        return re.sub(r"^.*?(合计|基本支出|项目支出)$", r"\1", leaf(column))
    return "total" if column == total_col else None


def function_checks(doc_id: str, t: dict[str, list[Row]]) -> list[Row]:
    """收支总表 支出 rows (四、公共安全支出) = the 支出总表 类 row of the same name, in total columns."""
    spend = [r for r in t.get("income_expenditure_total", []) if r.get("side") == "支出"]
    ex = t.get("expenditure_total", [])
    if not spend or not ex:
        return []
    col_a, col_b = total_column(spend), total_column(ex)
    classes: dict[str, list[Row]] = {}
    for r in ex:
        if r["column"] == col_b and r.get("code") and len(r["code"]) == 3:
            classes.setdefault(compact_name(r["name"]), []).append(r)
    out: list[Row] = []
    for r in spend:
        matches = classes.get(compact_name(r["name"])) if r["column"] == col_a else None
        if matches:
            out.append(_function_check(doc_id, r, matches))
    return out


def _function_check(doc_id: str, r: Row, matches: list[Row]) -> Row:
    """Against the first 类 row of that name; or, when the 支出总表 lists unit after unit with
    no department-level rows (Shenzhen: 本级, then each 下属单位), against their sum.
    """
    row = checked(doc_id, "cross.functions", cell_location(r), float(matches[0]["amount"]), float(r["amount"]), 0,
                  f"same 类 in {cell_location(matches[0])}")
    if row["status"] == "fail" and len(matches) > 1:
        total = sum(float(m["amount"]) for m in matches)
        alt = checked(doc_id, "cross.functions", cell_location(r), total, float(r["amount"]), len(matches),
                      f"same 类 summed over {len(matches)} unit blocks of the 支出总表 "
                      f"(rows {', '.join(str(m['row_no']) for m in matches)})")
        row = alt if alt["status"] == "pass" else row
    return row


#: 三公 rows and the economic-classification row they should not fall below.
_THREE_VS_ECON = [("公务接待费", "公务接待费"), ("公务用车运行(维护)?费", "公务用车运行维护费"),
                  ("因公出国", "因公出国(境)费用")]


def three_public_checks(doc_id: str, t: dict[str, list[Row]]) -> list[Row]:
    """三公 items vs the basic-expenditure economic rows: equal, or larger when projects spend too."""
    tp, basic = t.get("three_public", []), t.get("general_budget_basic_expenditure", [])
    if not tp or not basic:
        return []
    col_a, col_b = total_column(tp), total_column(basic)
    out: list[Row] = []
    for pattern, econ in _THREE_VS_ECON:
        a = next((r for r in tp if r["column"] == col_a and re.search(pattern, compact_name(r["name"]))), None)
        b = next((r for r in basic if r["column"] == col_b and compact_name(r["name"]).startswith(econ[:6])), None)
        if a is None or b is None:
            continue
        row = checked(doc_id, "cross.three_public", cell_location(a), float(b["amount"]), float(a["amount"]), 0,
                      f"三公 {compact_name(a['name'])} vs basic-expenditure row {cell_location(b)}")
        if row["status"] == "fail" and float(a["amount"]) > float(b["amount"]):
            row.update(status="pass", detail=row["detail"] + "; larger: project spending also counts in 三公")
        out.append(row)
    return out
