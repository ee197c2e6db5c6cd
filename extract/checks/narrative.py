"""``narrative.*``: figures quoted in the 情况说明 text against the tables.

Reads ``sections`` rows (text) and ``budget_lines``; writes ``checks`` rows.
A sentence such as 预算收入总计1,763.09万元 or 基本支出1677.68万元，占95.16% names a
figure that a table prints too. Each known label is looked up once (its first
mention, which is the current year's figure); a label quoted but not found in
the tables is not checked, so only figures both sides print are compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extract.checks.common import (EXACT, Row, by_table, cell_location, checked, compact_name, grand_total_row, leaf,
                                   result)
from extract.checks.cross import grand, side_total
from extract.vocab.units import UNIT_WORDS, YUAN_PER_WAN, per_unit, yuan_per
from extract.vocab.words import TOTAL_WORD

_NUMBER = rf"([0-9][0-9,]*(?:\.[0-9]+)?)\s*({UNIT_WORDS})"
#: Words between label and figure; not 增加/减少/比上年 (a change, not the figure itself).
_GAP = r"(?:(?!增|减|比|较|上年|下降|变动|同比)[^0-9，。；;,：:（(]){0,10}?"
#: The text quotes figures in 万元, and a table without a printed unit is in 万元 too.
_WAN = "万元"

#: Where the tables print a figure: one row, or candidates the text may quote any of.
Lookup = Callable[[dict[str, list[Row]]], Row | list[Row | None] | None]

#: (check id, label pattern in the text, where the tables print the figure).
FIGURES: list[tuple[str, str, Lookup]] = [
    ("narrative.income_total", r"收入总计",
     lambda t: side_total(t, "income_expenditure_total", "收入", "^收入总计$")),
    ("narrative.expenditure_total", r"支出总计",
     lambda t: side_total(t, "income_expenditure_total", "支出", "^支出总计$")),
    ("narrative.basic", r"(?<!一般公共预算安排)基本支出", lambda t: _basic(t)),
    ("narrative.project", r"项目支出(?!预算表)", lambda t: _project(t)),
    ("narrative.personnel", r"人员经费", lambda t: grand(t, "general_budget_basic_expenditure", "人员经费")),
    ("narrative.public_use", r"公用经费", lambda t: grand(t, "general_budget_basic_expenditure", "公用经费")),
    ("narrative.three_public", r"[“\"]三公[”\"]经费(财政拨款)?(预算|决算)?(数|总额)?",
     lambda t: _three_public(t)),
    ("narrative.operating_expenses", r"机关运行经费", lambda t: _operating(t)),
]


def _basic(t: dict[str, list[Row]]) -> list[Row | None]:
    """基本支出 of all funds (支出总表), or of 一般公共预算 only: the text may quote either."""
    return [grand(t, "expenditure_total", "基本支出"), grand(t, "general_budget_expenditure", "基本支出"),
            grand(t, "general_budget_basic_expenditure")]


def _three_public(t: dict[str, list[Row]]) -> list[Row | None]:
    """The 三公 合计 / 小计 cells of the grand-total row, in every year block but the change block.

    Xi'an prints 2019年 | 2020年 | 增减 blocks (or 上年 | 当年 | 增减变化情况), each with a
    合计 that adds 会议费 and 培训费 to the 三公 小计; the text quotes the budget year's
    三公 figure, with or without them (the closest candidate is compared).
    """
    row = grand_total_row(t.get("three_public", []))
    blocks = [r for r in row if TOTAL_WORD.search(leaf(r["column"]))
              and not re.search(r"增减|变化|变动", r["column"])]
    return list(blocks) or [grand(t, "three_public")]


def _project(t: dict[str, list[Row]]) -> list[Row | None]:
    return [grand(t, "expenditure_total", "项目支出"), grand(t, "general_budget_expenditure", "项目支出")]


def _operating(t: dict[str, list[Row]]) -> Row | None:
    rows = grand_total_row(t.get("operating_expenses", []))
    return rows[0] if rows else next(iter(t.get("operating_expenses", [])), None)


def check_narrative(doc_id: str, sections: list[Row], lines: list[Row]) -> list[Row]:
    """Every quoted figure that a table also prints, and the quoted shares (占…%) of the total."""
    text = "\n".join(str(s.get("text") or "") for s in sections if s.get("text"))
    if not text:
        return []
    t = by_table(lines)
    out: list[Row] = []
    for check, label, lookup in FIGURES:
        found = lookup(t)
        candidates = [x for x in (found if isinstance(found, list) else [found]) if x is not None]
        quoted = best_quote(text, label, candidates)
        if quoted is None or not candidates:
            continue
        value, snippet, share, step = quoted
        line = min(candidates, key=lambda x: abs(float(x["amount"]) - value * _factor(x)))
        out.append(quoted_check(doc_id, check, line, value, step, snippet))
        if share is not None:
            out += share_check(doc_id, check, line, share, snippet, t)
    out += function_quotes(doc_id, text, t)
    return out


def _factor(line: Row) -> float:
    """Table unit per 万元 (the text quotes 万元; a table in 元 prints 10000× more)."""
    return YUAN_PER_WAN / yuan_per(line.get("unit"), missing=_WAN)


def _agrees(line: Row, value: float, step: float) -> bool:
    return abs(float(line["amount"]) - value * _factor(line)) <= (step / 2 + EXACT) * _factor(line)


def quoted_check(doc_id: str, check: str, line: Row, value: float, step: float, snippet: str) -> Row:
    """Compare in the table's unit; a figure quoted to fewer decimals is allowed its rounding."""
    f = _factor(line)
    expected, actual = float(line["amount"]), value * f
    status = "pass" if _agrees(line, value, step) else "fail"
    detail = f"text: “{snippet}”"
    if status == "pass" and abs(expected - actual) >= EXACT:
        detail += f"; within rounding of the quoted figure ({step:g} 万元)"
    elif status == "fail":
        detail += f"; off by {actual - expected:+.2f}"
    return result(doc_id, check, status, cell_location(line), expected, actual, detail)


Quote = tuple[float, str, float | None, float]
#: Words that make the figure after a label a change (增加基本支出844.15万元), not the figure itself.
_CHANGE_BEFORE = re.compile(r"(增加|减少|增长|下降|压减|节约|调增|调减)$")
_MAX_MENTIONS = 5
#: Characters before a mention searched for a change word (增加…), and for an economic class's code ((303)…).
_CHANGE_WINDOW, _CLASS_WINDOW = 4, 40
#: A mention in a sentence on one economic class (对个人和家庭的补助(303)…其中:人员经费138.06万元)
#: quotes that class's part, not the department's figure.
_PART_OF_CLASS = re.compile(r"[(（][35]\d{2}[)）][^。；;]*$")


def quote(text: str, label: str) -> Quote | None:
    """(amount in 万元, the quoted words, the 占…% or None, the quoted precision in 万元) of the first mention."""
    return next(iter(quotes(text, label)), None)


def quotes(text: str, label: str, parts: bool = False) -> list[Quote]:
    """The first few mentions of ``label`` with a figure, leaving out changes (增加基本支出…) and,
    unless ``parts``, the part of one economic class (…(303)…其中:人员经费…).
    """
    out: list[Quote] = []
    for m in re.finditer(label + _GAP + _NUMBER + r"(?:[，,]?占[^0-9]{0,6}([0-9.]+)%)?", text):
        if _CHANGE_BEFORE.search(text[max(0, m.start() - _CHANGE_WINDOW):m.start()]) \
                or (not parts and _PART_OF_CLASS.search(text[max(0, m.start() - _CLASS_WINDOW):m.start()])):
            continue
        out.append(_parse_quote(m))
        if len(out) >= _MAX_MENTIONS:
            break
    return out


def best_quote(text: str, label: str, candidates: list[Row]) -> Quote | None:
    """The first mention that agrees with a table figure, else the first mention.

    A label is quoted for several things (the department's 公用经费 and, in a
    paragraph on one unit, that unit's 日常公用经费; 人员经费 of one economic
    class after 其中): a mention that matches a printed figure confirms the
    reading; when none does, the first mention is reported as failing.
    """
    for q in quotes(text, label, parts=True):  # a class's part may be the whole (all 公用经费 is in 302)
        if any(_agrees(c, q[0], q[3]) for c in candidates):
            return q
    found = quotes(text, label)
    return found[0] if found else None


def _parse_quote(m: re.Match) -> Quote:
    groups = m.groups()
    number, unit, pct = groups[-3], groups[-2], groups[-1]
    per_wan = per_unit(unit, _WAN, missing=_WAN)
    value = float(number.replace(",", "")) * per_wan
    decimals = len(number.split(".")[1]) if "." in number else 0
    return value, m.group(0), float(pct) if pct else None, 10.0 ** -decimals * per_wan


def share_check(doc_id: str, check: str, line: Row, share: float, snippet: str,
                t: dict[str, list[Row]]) -> list[Row]:
    """占X% against amount / the table's 合计 column, to the 0.01% the text prints."""
    rows = [r for r in t.get(line["table_key"], []) if r["row_no"] == line["row_no"]]
    total = next((r for r in rows if TOTAL_WORD.search(leaf(r["column"]))), None)
    if total is None or float(total["amount"]) == 0:
        return []
    computed = round(float(line["amount"]) / float(total["amount"]) * 100, 2)
    return [checked(doc_id, check + "_share", cell_location(line), computed, share, 1,
                    f"text: “{snippet}”; {line['amount']} / {total['amount']}", step=_share_step(snippet))]


def _share_step(snippet: str) -> float:
    """Half the last printed digit of the quoted 占X%: 28.7% stands for 28.65 … 28.75."""
    m = re.search(r"占[^0-9]{0,6}([0-9.]+)%", snippet)
    decimals = len(m.group(1).split(".")[1]) if m and "." in m.group(1) else 0
    return max(10.0 ** -decimals / 2, 0.01)


def function_quotes(doc_id: str, text: str, t: dict[str, list[Row]]) -> list[Row]:
    """Quoted spending by function (公共安全支出1,270.33万元) against the 支出总表 类 rows."""
    by_name: dict[str, list[Row]] = {}
    for key in ("expenditure_total", "general_budget_expenditure"):
        for r in t.get(key, []):
            if r.get("code") and len(r["code"]) == 3 and TOTAL_WORD.search(leaf(r["column"])):
                by_name.setdefault(compact_name(r["name"]), []).append(r)
    grants = [r for r in t.get("fiscal_grant_total", []) if r.get("side") == "支出"]
    out: list[Row] = []
    for name, candidates in by_name.items():
        # 财政拨款支出主要内容 quotes the grant-funded figure: the 财政拨款收支总表 row of that name too
        candidates = candidates + [r for r in grants if compact_name(r["name"]) == name]
        quoted = best_quote(text, re.escape(name), candidates)
        if quoted is not None:
            line = min(candidates, key=lambda x: abs(float(x["amount"]) - quoted[0] * _factor(x)))
            out.append(quoted_check(doc_id, "narrative.functions", line, quoted[0], quoted[3], quoted[1]))
    return out
