"""``total.balance``: the two sides of a 收支总表 / 财政拨款收支总表 balance.

Reads ``budget_lines`` rows whose ``side`` is 收入/支出; writes ``checks`` rows:

* 收入总计 = 支出总计 (per expenditure column against the income total);
* 本年收入合计 + the rows printed between it and 收入总计 (上年结转, 用事业基金弥补 …)
  = 收入总计, and the same for 本年支出合计 … 支出总计 (年末结转和结余);
* 本年收入合计 = Σ the numbered rows (一、二、…) above it, likewise 本年支出合计.
"""

from __future__ import annotations

import re
from collections import defaultdict

from extract.checks.common import (FLOAT_NOISE, PER_TERM, Row, by_instance, cell_location, checked, compact_name,
                                   is_numbered_top, printed_step, result, total_column)

INCOME, EXPENDITURE = "收入", "支出"


def check_balance(doc_id: str, lines: list[Row]) -> list[Row]:
    """total.balance checks of every two-sided table; one skip row when there is none."""
    out: list[Row] = []
    for (key, _), rows in by_instance(lines).items():
        if not any(r.get("side") for r in rows):
            continue
        out += table_balance(doc_id, key, rows)
    if not out:
        out.append(result(doc_id, "total.balance", "skip", "", detail="no two-sided 收支总表 found"))
    return out


def table_balance(doc_id: str, key: str, rows: list[Row]) -> list[Row]:
    income = [r for r in rows if r.get("side") == INCOME]
    spend = [r for r in rows if r.get("side") == EXPENDITURE]
    out: list[Row] = []
    step = printed_step(rows)
    out += sides_balance(doc_id, key, income, spend)
    for side_rows, this_year, grand in ((income, "本年收入", "收入总计"), (spend, "本年支出", "支出总计")):
        out += carryover_balance(doc_id, side_rows, this_year, grand, step)
        out += numbered_sum(doc_id, side_rows, this_year, step)
    return out


def _named(rows: list[Row], pattern: str) -> dict[str, Row]:
    """Column → the first line whose name matches ``pattern``."""
    found: dict[str, Row] = {}
    for r in rows:
        if re.search(pattern, compact_name(r.get("name"))):
            found.setdefault(r["column"], r)
    return found


def sides_balance(doc_id: str, key: str, income: list[Row], spend: list[Row]) -> list[Row]:
    """收入总计 (the income side's total column) = 支出总计 in each expenditure column."""
    inc = _named(income, r"^收入总计$|^收入合计$|^收入总计数$")
    exp = _named(spend, r"^支出总计$|^支出合计$|^支出总计数$")
    col = total_column(income)
    if not inc or not exp or col not in inc:
        return [result(doc_id, "total.balance", "skip", key, detail="收入总计 or 支出总计 row not found")]
    exp_col = total_column(spend)
    cols = [exp_col] if exp_col in exp else list(exp)
    return [checked(doc_id, "total.balance", cell_location(exp[c]), float(inc[col]["amount"]),
                    float(exp[c]["amount"]), 0, "支出总计 = 收入总计") for c in cols]


def by_column(rows: list[Row]) -> list[list[Row]]:
    """The rows of each column and panel, in row order.

    Xi'an's 收支总表 prints three label | 预算数 pairs side by side under 支出 (功能分类,
    部门经济分类, 政府经济分类): one column path, three panels, each with its own
    一、… rows and 本年支出合计. The lines stage writes panel after panel, so the
    k-th line of a row in a column belongs to the k-th panel.
    """
    by_col: dict[tuple[str, int], list[Row]] = defaultdict(list)
    seen: dict[tuple[str, int], int] = defaultdict(int)
    for r in rows:
        k = seen[(r["column"], r["row_no"])]
        seen[(r["column"], r["row_no"])] += 1
        by_col[(r["column"], k)].append(r)
    return [sorted(col_rows, key=lambda r: r["row_no"]) for col_rows in by_col.values()]


def this_year_total(col_rows: list[Row], this_year: str) -> Row | None:
    """The 本年收入合计 / 本年支出合计 (or 小计) row of a column."""
    return next((r for r in col_rows if compact_name(r["name"]).startswith(this_year)
                 and re.search(r"合计|小计", compact_name(r["name"]))), None)


def carryover_balance(doc_id: str, rows: list[Row], this_year: str, grand: str,
                      step: float = PER_TERM) -> list[Row]:
    """总计 = 本年合计 + the rows between them (上年结转 / 年末结转和结余 …), per column."""
    out: list[Row] = []
    for col_rows in by_column(rows):
        start = this_year_total(col_rows, this_year)
        end = next((r for r in col_rows if compact_name(r["name"]) == grand), None)
        if start is None or end is None or end["row_no"] <= start["row_no"]:
            continue
        between = [r for r in col_rows if start["row_no"] < r["row_no"] < end["row_no"]]
        terms = carryover_terms(between, float(end["amount"]) - float(start["amount"]),
                                numbered_only=is_numbered_top(start["name"]))
        expected = float(start["amount"]) + sum(float(r["amount"]) for r in terms)
        names = " + ".join(compact_name(r["name"]) for r in terms) or "nothing else"
        out.append(checked(doc_id, "total.balance", cell_location(end), expected, float(end["amount"]),
                           len(terms) + 1, f"{grand} = {compact_name(start['name'])} + {names}", step))
    return out


def carryover_terms(between: list[Row], target: float, numbered_only: bool = False) -> list[Row]:
    """The rows that add to 本年合计 to make 总计.

    Rows between the two are sometimes a subtotal followed by its breakdown
    (上年结余、结转 then 财政拨款结余、结转, 非财政拨款结余、结转) and sometimes
    independent items; numbered rows (二、上年结转) win, else the reading that adds up.
    When the 合计 itself is numbered (29: 一、本年支出合计 heads its function rows),
    only numbered rows count, even none.
    """
    numbered = [r for r in between if is_numbered_top(r["name"])]
    if numbered or numbered_only:  # 一、本年支出合计 on top, its breakdown below, then 二、年终结转结余
        return numbered
    plain = [r for r in between if not str(r["name"]).startswith("其中")]
    for terms in (plain, plain[:1], plain[1:]):
        if terms and abs(sum(float(r["amount"]) for r in terms) - target) <= PER_TERM * len(terms) + FLOAT_NOISE:
            return terms
    return plain


def numbered_sum(doc_id: str, rows: list[Row], this_year: str, step: float = PER_TERM) -> list[Row]:
    """本年收入合计 / 本年支出合计 = Σ the 一、二、… rows printed above it, per column."""
    out: list[Row] = []
    for col_rows in by_column(rows):
        total = this_year_total(col_rows, this_year)
        if total is None:
            continue
        tops = [r for r in col_rows if r["row_no"] < total["row_no"] and is_numbered_top(r["name"])]
        if not tops:
            continue
        expected = sum(float(r["amount"]) for r in tops)
        out.append(checked(doc_id, "sum.total", cell_location(total), expected, float(total["amount"]),
                           len(tops), f"{compact_name(total['name'])} = Σ {len(tops)} numbered rows (一、二、…)",
                           step))
    return out
