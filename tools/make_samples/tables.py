"""Budget-table models: merged-header layouts + body rows parsed from the seed.

A header is a list of rows; each row is a list of ``(text, colspan, rowspan)``
cells placed left-to-right into the first free grid slots (HTML-table rules).
``numbering=True`` marks a header row that only numbers the columns (1 2 3 …).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from . import seed as S

H = tuple  # (text, colspan, rowspan)


@dataclass
class ColMeta:
    role: str  # code | name | text | amount
    side: str | None
    path: str | None = None


@dataclass
class BudgetTable:
    no: int
    key: str
    title: str
    header: list[list[H]]
    numbering_rows: set[int]
    cols: list[ColMeta]
    widths: list[float]
    body: list[list[str]]
    no_data: bool
    thousands: bool = False
    two_sided: bool = False
    grid: list[list] = field(default_factory=list)  # header grid: (text, r0, c0, rs, cs)

    @property
    def ncols(self) -> int:
        return len(self.cols)


CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]

_C = ColMeta


def _specs():
    """(no, key, header, numbering_rows, cols, widths, thousands, two_sided)."""
    inc, exp = "收入", "支出"
    t1 = (
        "income_expenditure_total",
        [[("收入", 2, 1), ("支出", 4, 1)],
         [("项目", 1, 1), ("2025年", 1, 1), ("项目", 1, 1), ("2025年合计", 1, 1), ("当年预算安排", 1, 1), ("上年结转安排", 1, 1)]],
        set(),
        [_C("name", inc), _C("amount", inc), _C("name", exp), _C("amount", exp), _C("amount", exp), _C("amount", exp)],
        [2.3, 1.1, 2.7, 1.1, 1.1, 1.1], True, True,
    )
    code_name = [_C("code", None), _C("name", None)]
    t2 = (
        "income_total",
        [[("项目", 2, 1), ("本年收入", 6, 1), ("上年结转", 1, 2)],
         [("科目编码", 1, 1), ("科目名称", 1, 1), ("合计", 1, 1), ("一般公共预算", 1, 1), ("政府性基金", 1, 1),
          ("国有资本经营预算", 1, 1), ("财政专户管理资金", 1, 1), ("单位资金", 1, 1)]],
        set(), code_name + [_C("amount", None) for _ in range(7)],
        [1.05, 2.6, 0.9, 0.95, 0.8, 0.9, 0.9, 0.8, 0.8], False, False,
    )
    exp_hdr = [[("项目", 2, 1), ("2025年预算数", 3, 1)],
               [("科目编码", 1, 1), ("科目名称", 1, 1), ("合计", 1, 1), ("基本支出", 1, 1), ("项目支出", 1, 1)]]
    t3 = ("expenditure_total", exp_hdr, set(), code_name + [_C("amount", None) for _ in range(3)],
          [1.0, 3.0, 1.1, 1.1, 1.1], False, False)
    t4 = (
        "fiscal_grant_total",
        [[("收入", 2, 1), ("支出", 5, 1)],
         [("项目", 1, 2), ("金额", 1, 2), ("项目", 1, 2), ("金额", 4, 1)],
         [("小计", 1, 1), ("一般公共预算", 1, 1), ("政府性基金预算", 1, 1), ("国有资本经营预算", 1, 1)]],
        set(),
        [_C("name", inc), _C("amount", inc), _C("name", exp)] + [_C("amount", exp) for _ in range(4)],
        [2.0, 0.95, 2.5, 0.95, 1.0, 1.0, 1.05], True, True,
    )
    t5 = ("general_budget_expenditure", exp_hdr, set(), code_name + [_C("amount", None) for _ in range(3)],
          [1.0, 3.0, 1.1, 1.1, 1.1], False, False)
    t6 = (
        "general_budget_basic_expenditure",
        [[("部门预算支出经济科目名称", 1, 2), ("政府预算支出经济科目名称", 1, 2), ("2025年预算数", 3, 1)],
         [("合计", 1, 1), ("人员经费", 1, 1), ("公用经费", 1, 1)]],
        set(), [_C("name", None), _C("text", None)] + [_C("amount", None) for _ in range(3)],
        [2.4, 2.0, 1.0, 1.0, 1.0], False, False,
    )
    t7 = (
        "gov_fund_income",
        [[("项目", 2, 1), ("政府性基金收入预算", 1, 2)], [("收入科目编码", 1, 1), ("科目名称", 1, 1)]],
        set(), code_name + [_C("amount", None)], [1.2, 3.0, 1.8], False, False,
    )
    t8 = (
        "gov_fund_expenditure",
        [[("科目编码", 1, 1), ("科目名称", 1, 1), ("合计", 1, 1), ("基本支出", 1, 1), ("项目支出", 1, 1)]],
        set(), code_name + [_C("amount", None) for _ in range(3)], [1.0, 3.0, 1.1, 1.1, 1.1], False, False,
    )
    t9 = (
        "state_capital",
        [[("国有资本经营预算收入", 3, 1), ("国有资本经营预算支出", 5, 1)],
         [("项目", 2, 1), ("国有资本经营收入预算", 1, 2), ("科目编码", 1, 2), ("科目名称", 1, 2), ("合计", 1, 2),
          ("基本支出", 1, 2), ("项目支出", 1, 2)],
         [("收入科目编码", 1, 1), ("科目名称", 1, 1)]],
        set(),
        [_C("code", inc), _C("name", inc), _C("amount", inc), _C("code", exp), _C("name", exp),
         _C("amount", exp), _C("amount", exp), _C("amount", exp)],
        [0.9, 1.3, 1.1, 0.8, 1.3, 0.8, 0.8, 0.8], False, True,
    )
    pub_hdr = lambda first, yr: [[(first, 1, 2), (yr, 4, 1)],
                                 [("合计", 1, 1), ("一般公共预算", 1, 1), ("政府性基金预算", 1, 1), ("国有资本经营预算", 1, 1)]]
    t10 = ("three_public", pub_hdr("项目", "2025年预算数"), set(), [_C("name", None)] + [_C("amount", None) for _ in range(4)],
           [2.6, 1.0, 1.1, 1.1, 1.2], False, False)
    t11 = ("operating_expenses", pub_hdr("单位名称", "2025预算数"), set(),
           [_C("name", None)] + [_C("amount", None) for _ in range(4)], [2.6, 1.0, 1.1, 1.1, 1.2], False, False)
    t12 = (
        "project_expenditure",
        [[("项目名称", 1, 2), ("合计", 1, 2), ("2025年财政拨款", 3, 1), ("财政专户管理资金", 1, 2), ("单位资金", 1, 2)],
         [("一般公共预算", 1, 1), ("政府性基金预算", 1, 1), ("国有资本经营预算", 1, 1)],
         [(str(i), 1, 1) for i in range(1, 8)]],
        {2}, [_C("name", None)] + [_C("amount", None) for _ in range(6)],
        [2.4, 0.9, 1.0, 1.0, 1.0, 1.0, 0.9], False, False,
    )
    t13 = (
        "project_expenditure_carryover",
        [[("项目名称", 1, 2), ("合计", 1, 2), ("2025年财政拨款", 3, 1)],
         [("一般公共预算", 1, 1), ("政府性基金预算", 1, 1), ("国有资本经营预算", 1, 1)],
         [(str(i), 1, 1) for i in range(1, 6)]],
        {2}, [_C("name", None)] + [_C("amount", None) for _ in range(4)],
        [2.6, 1.0, 1.1, 1.1, 1.2], False, False,
    )
    return [t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13]


def header_grid(header, ncols):
    """Place header cells; return list of (text, r0, c0, rowspan, colspan)."""
    nrows = len(header)
    occ = [[False] * ncols for _ in range(nrows)]
    cells = []
    for r, row in enumerate(header):
        c = 0
        for text, cs, rs in row:
            while c < ncols and occ[r][c]:
                c += 1
            assert c < ncols, (text, r)
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    occ[rr][cc] = True
            cells.append((text, r, c, rs, cs))
            c += cs
    assert all(all(x) for x in occ), header
    return cells


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _assign_paths(t: BudgetTable):
    for c, meta in enumerate(t.cols):
        if meta.role != "amount":
            continue
        parts = []
        for text, r0, c0, rs, cs in sorted(t.grid, key=lambda x: x[1]):
            if not (c0 <= c < c0 + cs):
                continue
            if r0 in t.numbering_rows:
                continue
            # The 收入/支出 banner is both `side` and the path's top level
            # (data contract: column example 支出/当年预算安排).
            p = "".join(nfkc(text).split())
            if not parts or parts[-1] != p:
                parts.append(p)
        meta.path = "/".join(parts)


def build_tables(lines=None) -> list[BudgetTable]:
    lines = lines or S.read_lines()
    seeds = S.parse_tables(lines)
    out = []
    for (key, header, numbering, cols, widths, thousands, two_sided), st in zip(_specs(), seeds):
        cols = [ColMeta(c.role, c.side) for c in cols]
        nh = len(header)
        body = []
        for r in st.rows[nh:]:
            r = (r + [""] * len(cols))[: len(cols)]
            body.append(r)
        t = BudgetTable(st.no, key, st.title, header, set(numbering), cols, widths, body, st.no_data,
                        thousands, two_sided)
        t.grid = header_grid(header, len(cols))
        _assign_paths(t)
        out.append(t)
    return out


def fmt_amount(s: str, thousands: bool) -> str:
    if not s:
        return ""
    v = float(s.replace(",", ""))
    return f"{v:,.2f}" if thousands else f"{v:.2f}"


def budget_lines(t: BudgetTable, unit="万元") -> list[dict]:
    """Truth lines, one per non-empty numeric cell (see MANIFEST for rules)."""
    out = []
    sides = [None] if not t.two_sided else ["收入", "支出"]
    for i, row in enumerate(t.body, 1):
        for side in sides:
            idx = [c for c, m in enumerate(t.cols) if m.side == side]
            code = next((row[c] for c in idx if t.cols[c].role == "code" and row[c]), None)
            name = next((row[c] for c in idx if t.cols[c].role == "name"), "")
            if code and not code.isdigit():  # 合计 printed across the merged code+name cells
                code, name = None, name or code
            for c in idx:
                m = t.cols[c]
                if m.role != "amount" or not row[c]:
                    continue
                out.append({
                    "table_key": t.key,
                    "row_no": i,
                    "side": side,
                    "code": code,
                    "name": "".join(nfkc(name).split()) or None,
                    "level": {3: 1, 5: 2, 7: 3}.get(len(code)) if code else None,
                    "column": m.path,
                    "amount": round(float(row[c].replace(",", "")), 2),
                    "unit": unit,
                })
    return out
