"""Printed table titles → the data contract's ``table_key`` vocabulary, by meaning.

Titles vary by province, year and 预算/决算 (收入支出决算总表, 部门收支总体情况表,
预算单位财务收支预算总表 … are all the 收支总表), so keys come from ordered rules
over the title's key words, not from literal titles. The first rule that
matches wins; order matters (财政拨款收支总表 before 收支总表).
"""

from __future__ import annotations

import re

from extract.stages.normalise import chinese_numeral, compact

#: (key, pattern that must match, pattern that must not match); glosses in comments.
TITLE_RULES: list[tuple[str, str, str | None]] = [
    ("procurement", r"政府采购", None),
    ("other", r"绩效|采购需求|资产|名词解释|目录", None),  # forms, asset tables, glossary
    ("three_public", r"三公", None),  # 因公出国(境)费、公务用车、公务接待 "three public" costs
    ("operating_expenses", r"机关运行经费|运行经费", None),  # running costs of the organ
    ("fiscal_grant_total", r"财政拨款.*收.*支.*总", None),  # 财政拨款收支总表
    ("income_expenditure_total", r"收.{0,4}支.*(总表|总体情况|总况|总计表)|收支(预算|决算)?表$",
     r"财政拨款|政府性基金|国有资本"),
    ("state_capital", r"国有资本经营", None),
    ("gov_fund_income", r"政府性基金.*收入", r"支出"),
    ("gov_fund_expenditure", r"政府性基金", None),  # 政府性基金收支总表 too: the fund's own table
    ("project_expenditure_carryover", r"项目支出.*上年结转|结转.*(项目|资金)支出", None),
    ("other", r"(?<!一般公共预算)财政拨款(基本)?支出(预算|决算)?表", None),  # grants incl. 基金: no key
    ("other", r"经济分类", r"基本支出"),  # all spending by economic class: not the basic-only table
    # 基本支出 按功能分类科目 / 按功能科目分: basic spending by function; the contract's is by economic class
    ("other", r"基本支出.*功能(分类|科目)", None),
    ("general_budget_basic_expenditure", r"一般公共预算.*基本支出", None),
    ("general_budget_expenditure", r"一般公共预算.*支出", None),
    ("project_expenditure", r"项目支出.*(表|明细)(\(.*\))?$|专项(业务)?(经费|资金).*支出", None),
    ("other", r"^(部门|单位)?(预算)?基本支出", None),  # basic spending of all fund sources
    ("income_total", r"收入(预算|决算)?(总表|表|总体情况表|情况表)", r"支出"),
    ("expenditure_total", r"支出(预算|决算)?(总表|表|总体情况表|情况表)", r"基本支出.*经济|项目支出"),
]
_COMPILED = [(k, re.compile(p), re.compile(n) if n else None) for k, p, n in TITLE_RULES]

_TABLE_NO = re.compile(r"^(?:预算公开表|公开表|附表|表)\s*([0-9]+|[一二三四五六七八九十]+)\s*[:：、.．-]?\s*")
_TRAILING_NO = re.compile(r"\s*[（(]?(?:公开)?表\s*([0-9一二三四五六七八九十]+)[)）]?$")


def table_key(title: str) -> str:
    """The contract key for a printed title; ``other`` when no rule matches."""
    s = compact(title)
    s = re.sub(r"^\d{4}年度?", "", s)
    for key, pattern, negative in _COMPILED:
        if pattern.search(s) and not (negative and negative.search(s)):
            return key
    return "other"


def split_table_no(title: str) -> tuple[int | None, str]:
    """``表一2025年预算收支总表`` → (1, "2025年预算收支总表"); also 预算公开表3, 表3-1."""
    s = compact(title)
    m = _TABLE_NO.match(s)
    if m:
        return chinese_numeral(m.group(1)), s[m.end():]
    m = _TRAILING_NO.search(s)
    if m:
        return chinese_numeral(m.group(1)), s[: m.start()]
    return None, s


def looks_like_title(line: str) -> bool:
    """A line that names a budget table (ends in 表/情况, carries 预算/决算/收支 words)."""
    s = compact(line)
    if len(s) < 4 or len(s) > 80 or s.startswith(("单位", "注", "说明")):
        return False
    if re.search(r"\.{4,}|…{2,}", s):  # a contents line with dotted leaders
        return False
    return bool(re.search(r"(表|情况|明细)(\(.*\)|（.*）)?$", s)) and bool(
        re.search(r"预算|决算|收入|支出|收支|经费|拨款|采购|资金|项目", s))
