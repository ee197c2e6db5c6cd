"""Lines: a budget table → tidy ``budget_lines`` rows (one per numeric cell).

Reads a :class:`TableBlock`; writes contract rows. Each column gets a role from
its header and its body values: ``code`` (科目编码), ``code_part`` (类 / 款 / 项
split over three columns, as 决算 tables print them), ``amount`` or ``label``;
a second classification printed beside the first (政府经济分类 beside 部门经济分类)
gets ``gov_code`` / ``gov_code_part`` and fills the extra columns
``gov_econ_code`` / ``gov_econ_name``. Codes printed as segments under their
parent rows (05 under 208) are completed by :class:`CodeTracker`.
"""

from __future__ import annotations

import re
from typing import Any

from extract.model import TableBlock
from extract.stages.normalise import compact, normalise_text
from extract.stages.numbers import parse_amount
from extract.vocab.words import ROW_NUMBER_HEADERS, alternation

CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
CODE_IN_NAME = re.compile(r"^[\[【]?(\d{3}(?:\d{2}){0,2})[\]】]?\s*[-－—]?\s*([^\d\s].*)$")
_CODE_HEADER = re.compile(r"编码|代码|编号")
#: A header naming a row-number column (行次, 栏次, 序号).
_ROW_NUMBER_HEADER = re.compile(alternation(ROW_NUMBER_HEADERS))
_LABEL_HEADER = re.compile(r"名称|^项目$|/项目$|科目$|单位名称|^单位$|内容|说明|用途|类型|方式|品目")
_PART = {"类": 0, "款": 1, "项": 2}
_GOV_ECON = re.compile(r"政府.{0,6}经济")
#: Headers of the columns that name a row (as opposed to describing it: 采购时间, 规格型号 …).
_NAME_HEADER = re.compile(r"名称|项目|科目|单位|年度|^类别|^收入$|^支出$")
INHERITED = "\u0000"  # tables.py marks text inherited from a vertically merged label
#: 科目编码 digits → level: a 类 (class) code has 3 digits, a 款 (section) 5, a 项 (item) 7.
CODE_LEVELS: dict[int, int] = {3: 1, 5: 2, 7: 3}
CLASS_DIGITS, ITEM_DIGITS = 3, 7
#: Shares of a column's values that decide its role: 1-3 digit numbers under 类/款/项 (a split code),
#: codes (a code column), amounts (an amount column), 5xx codes (the government economic classification).
CODE_PART_SHARE, CODE_SHARE, AMOUNT_SHARE, GOV_ECON_SHARE = 0.8, 0.6, 0.6, 0.8


def _clean(text: str) -> str:
    return normalise_text(text.replace(INHERITED, ""))


def column_roles(table: TableBlock) -> list[str]:
    """Role of every column: code, code_part, gov_code, gov_code_part, amount, label …"""
    roles = []
    for c, path in enumerate(table.columns):
        values = _values(table, c)
        leaf = path.split("/")[-1] if path else ""
        if not values:
            roles.append("empty")  # a blank column starts no panel and yields no lines
        elif _ROW_NUMBER_HEADER.search(path):
            roles.append("row_number")  # printed line numbers, not amounts
        elif leaf in _PART and values and _share(values, lambda v: re.fullmatch(r"\d{1,3}", v)) >= CODE_PART_SHARE:
            roles.append("code_part")
        elif re.search(r"(单位|部门|项目|预算单位)(编码|代码)|^编码$", path.split("/")[-1] if path else ""):
            roles.append("id")  # a unit or project number, not a 科目编码
        elif _CODE_HEADER.search(path) \
                or (values and _share(values, CODE.match) >= CODE_SHARE and not _money_header(path)):
            roles.append("code")
        elif _LABEL_HEADER.search(path) and not _money_header(path):
            roles.append("label")
        elif values and _share(values, lambda v: parse_amount(v) is not None) >= AMOUNT_SHARE:
            roles.append("amount")
        else:
            roles.append("label")
    return second_classifications(roles, table)


def _values(table: TableBlock, c: int) -> list[str]:
    return [compact(_clean(row[c])) for row in table.body if c < len(row) and row[c].strip(INHERITED).strip()]


def code_groups(roles: list[str]) -> list[list[int]]:
    """Columns that print one classification's code: a run of adjacent 类/款/项 columns, or one code column."""
    groups: list[list[int]] = []
    for c, role in enumerate(roles):
        if role == "code_part" and groups and roles[groups[-1][-1]] == "code_part" and groups[-1][-1] == c - 1:
            groups[-1].append(c)
        elif role in ("code", "code_part"):
            groups.append([c])
    return groups


def second_classifications(roles: list[str], table: TableBlock) -> list[str]:
    """Code groups after the first that print the 政府经济分类 (501 …) beside the row's own code.

    Economic tables cross-walk two classifications: 部门经济分类 (301 工资福利支出) and
    政府经济分类 (501 机关工资福利支出), each as a code group of its own, in Xi'an with
    one code column each, in Yantai as two 类 | 款 groups under the same 科目编码
    header. The second one is recognised by its codes (5xx) or its headers (政府…经济)
    and becomes ``gov_code`` / ``gov_code_part``; any other later 类/款/项 group (a
    procurement table's 部门经济科目 beside its 功能科目) is kept out of ``code``.
    """
    for group in code_groups(roles)[1:]:
        if _is_gov_economic(group, roles, table):
            for c in group:
                roles[c] = "gov_" + roles[c]
        elif roles[group[0]] == "code_part":
            for c in group:
                roles[c] = "id"
    return roles


def _is_gov_economic(group: list[int], roles: list[str], table: TableBlock) -> bool:
    nxt = group[-1] + 1
    headers = [table.columns[c] for c in group]
    if nxt < len(roles) and roles[nxt] == "label":
        headers.append(table.columns[nxt])
    if any(_GOV_ECON.search(h) for h in headers):
        return True
    firsts = [v for v in _values(table, group[0]) if v.isdigit()]
    return bool(firsts) and _share(firsts, lambda v: v.startswith("5") and len(v) in CODE_LEVELS) >= GOV_ECON_SHARE


def _money_header(path: str) -> bool:
    return bool(re.search(r"合计|金额|预算数|决算数|小计|资金|支出$|收入$|拨款|经费|\d{4}年", path))


def _share(values: list[str], pred) -> float:
    return sum(1 for v in values if pred(v)) / len(values)


def table_lines(table: TableBlock, doc_id: str) -> list[dict[str, Any]]:
    """Every non-empty numeric cell of ``table`` as a ``budget_lines`` row."""
    roles = column_roles(table)
    sides = table.sides or [None] * len(table.columns)
    out: list[dict[str, Any]] = []
    for side in dict.fromkeys(sides):
        side_cols = [c for c in range(len(table.columns)) if sides[c] == side]
        for cols in panels(side_cols, roles, table.columns):
            out.extend(_panel_lines(table, doc_id, side, cols, roles))
    return out


def panels(cols: list[int], roles: list[str], headers: list[str] | None = None) -> list[list[int]]:
    """Split columns into panels printed side by side (代码 | 名称 | 金额 | 代码 | 名称 | 金额).

    A label or code column that follows an amount column starts a new panel,
    with its own row labels (人员经费 beside 公用经费 in basic-expenditure tables).
    """
    out: list[list[int]] = []
    for c in cols:
        names_rows = roles[c] in ("code", "code_part") or (roles[c] == "label" and headers is not None
                                                           and bool(_NAME_HEADER.search(headers[c])))
        starts = names_rows and out and any(roles[k] == "amount" for k in out[-1])
        if not out or starts:
            out.append([])
        out[-1].append(c)
    return out


def _panel_lines(table: TableBlock, doc_id: str, side: str | None, cols: list[int],
                 roles: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    own_codes = CodeTracker(_prints_full_items(table, cols, roles, "code"))
    gov_codes = CodeTracker(_prints_full_items(table, cols, roles, "gov_code"))
    has_gov = any(roles[c].startswith("gov_") for c in cols)
    for row_no, row in enumerate(table.body, start=1):
        printed, name = row_identity(row, cols, roles, table.columns)
        in_columns = printed_code(row, cols, roles, "", table.columns)
        code = own_codes.rebuild(in_columns) if in_columns else printed  # else: none, or from the label
        extra = {}
        if has_gov:
            extra = {"gov_econ_code": gov_codes.rebuild(printed_code(row, cols, roles, "gov_", table.columns)),
                     "gov_econ_name": gov_name(row, cols, roles, table.columns)}
        for c in cols:
            if roles[c] != "amount":
                continue
            amount = parse_amount(_clean(row[c]) if c < len(row) else "")
            if amount is None:
                continue
            out.append({
                "doc_id": doc_id, "table_key": table.table_key, "row_no": row_no, "side": side,
                "code": code, "name": name, "level": code_level(code), "column": table.columns[c] or f"列{c + 1}",
                "amount": amount, "unit": table.unit_of_measure, "page": table.body_pages[row_no - 1]
                if row_no - 1 < len(table.body_pages) else table.page_first,
                "table_no": table.table_no, **extra,
            })
    return out


Printed = str | list[str | None] | None  # a code column's text, or the 类/款/项 segments, or nothing


def printed_code(row: list[str], cols: list[int], roles: list[str], prefix: str,
                 headers: list[str] | None = None) -> Printed:
    """What a row prints in the code columns of one classification (``prefix`` "" or "gov_").

    Split columns give their segments (None where blank); a code column its digits.
    """
    parts = [c for c in cols if roles[c] == f"{prefix}code_part"]
    if parts:
        segments: list[str | None] = [None] * len(_PART)
        for k, c in enumerate(parts):
            text = compact(_clean(row[c])) if c < len(row) else ""
            at = _PART.get(headers[c].split("/")[-1], k) if headers else k  # a blank 类 column reads as empty
            if text.isdigit() and at < len(segments):
                segments[at] = text
        return segments if any(segments) else None
    for c in cols:
        if roles[c] == f"{prefix}code":
            text = compact(_clean(row[c])) if c < len(row) else ""
            m = _OVERFLOWED_CODE.match(text)
            if text.isdigit() or m:
                return m.group(1) if m else text
    return None


#: A code cell holding the last characters of the long name printed left of it (险50102: Xi'an's
#: 机关事业单位基本养老保险缴费 overflows its cell); the code is the digits.
_OVERFLOWED_CODE = re.compile(r"^[^\d\s]{1,3}(\d{3}(?:\d{2}){0,2})$")


def _prints_full_items(table: TableBlock, cols: list[int], roles: list[str], role: str) -> bool:
    """Whether a code column prints 7-digit 项 codes in full (then a 2-digit entry is a 款 segment)."""
    return any(roles[c] == role and any(len(v) == ITEM_DIGITS and v.isdigit() for v in _values(table, c)) for c in cols)


class CodeTracker:
    """Rebuilds full codes (2080505) from what rows print, following the parent rows.

    Two printing styles leave out the parent's digits:

    * 类 | 款 | 项 in separate columns, each row printing only its own segment
      (Yantai: 208 / 05 / 01 on three rows): the missing leading segments are
      those of the last row that printed them;
    * one 科目编码 column printing 类 and 项 in full but a 款 as its two digits
      under the 类 row (Xi'an, Changsha: 201 / 10 / 2011007): the segment joins
      the last 类 printed, when the column prints 项 codes in full.

    A segment with no parent printed above it has no code (None): a guess would
    cross-match the wrong 科目 in the cross-table checks.
    """

    def __init__(self, full_items: bool) -> None:
        self.segments: list[str] = []  # the last 类/款/项 segments, split style
        self.last_class: str | None = None  # the last 3-digit code, single-column style
        self.full_items = full_items

    def rebuild(self, printed: Printed) -> str | None:
        if isinstance(printed, list):
            return self._split(printed)
        if printed is None:
            return None
        if len(printed) in CODE_LEVELS:
            self.last_class = printed[:CLASS_DIGITS]
            return printed
        if len(printed) == 2 and self.full_items and self.last_class:
            return self.last_class + printed
        return None if len(printed) <= 2 else printed

    def _split(self, parts: list[str | None]) -> str | None:
        filled = [i for i, p in enumerate(parts) if p]
        if not filled:
            return None
        first, last = filled[0], filled[-1]
        # 款/项 printed as "2" mean "02"; a blank between two printed segments is skipped
        segs = [str(parts[i]) if i == 0 else str(parts[i]).zfill(2) for i in range(first, last + 1) if parts[i]]
        if first > 0:
            if len(self.segments) < first:
                return None
            segs = self.segments[:first] + segs
        self.segments = segs
        return "".join(segs)


def gov_name(row: list[str], cols: list[int], roles: list[str], headers: list[str]) -> str | None:
    """The 政府经济分类 name printed beside the row's own (部门经济分类) name."""
    for c in cols:
        if roles[c] == "label" and _GOV_ECON.search(headers[c]) and c < len(row) and row[c].strip(INHERITED).strip():
            return _clean(row[c]).strip() or None
    return None


def row_identity(row: list[str], cols: list[int], roles: list[str],
                 headers: list[str] | None = None) -> tuple[str | None, str | None]:
    """(科目编码 as printed, name) of a body row within the given columns.

    The name is the row's own label; a vertically merged group label above it is
    kept as a prefix (一般公共预算资金/小计) only when both sit under the same
    header, since then the group is part of the label. Codes printed inside the
    label (``[2120106]工程建设管理``, ``30102-津贴补贴``) are split off. The code may
    be a segment (05 under 208); :class:`CodeTracker` completes it.
    """
    headers = headers or [""] * (max(cols, default=0) + 1)
    code = None
    parts: list[str] = []
    label_fallback: list[str] = []
    code_cols = _preferred_labels([c for c in cols if roles[c] == "code"], headers)
    for c in cols:
        text = compact(_clean(row[c])) if c < len(row) else ""
        if roles[c] in ("code", "gov_code", "id") and text:
            if roles[c] == "code" and c in code_cols and text.isdigit():
                code = code or text
            elif not re.search(r"\d", text):
                label_fallback.append(text)  # 合计 printed in the 科目编码 / 部门代码 column
        elif roles[c] in ("code_part", "gov_code_part") and text:
            if text.isdigit():
                if roles[c] == "code_part":
                    parts.append(text if not parts else text.zfill(2))  # 款/项 printed as "2" mean "02"
            else:
                label_fallback.append(text)  # 合计 printed across the merged 类/款/项 cells
    if code is None and parts:
        code = "".join(parts)
    all_labels = [c for c in cols if roles[c] == "label"]
    label_cols = _preferred_labels(all_labels, headers)
    if not any(c < len(row) and row[c].strip() for c in label_cols):
        label_cols = all_labels  # 合计 printed under the other classification's name column
    named = _name_columns(label_cols, headers)
    if any(c < len(row) and row[c].strip() for c in named):
        label_cols = named
    present = [c for c in label_cols if c < len(row)]
    own = [(c, _clean(row[c])) for c in present if row[c].strip() and not row[c].startswith(INHERITED)]
    group = [(c, _clean(row[c])) for c in present if row[c].startswith(INHERITED) and _clean(row[c])]
    name = own[-1][1] if own else (group[-1][1] if group else (label_fallback[0] if label_fallback else None))
    if own and group and _top(headers[group[0][0]]) == _top(headers[own[-1][0]]):
        name = f"{group[0][1]}/{own[-1][1]}"
    if name:
        m = CODE_IN_NAME.match(name)
        if m:
            code = code or m.group(1)
            name = m.group(2).strip()
        name = name.lstrip("-－—· ").strip() or None
    return code, name


def _name_columns(label_cols: list[int], headers: list[str]) -> list[int]:
    """The label columns that name the row (名称 / 项目 / 科目 / 单位 / 年度), when the
    table also has descriptive text columns (采购时间, 规格型号, 采购组织形式 …).
    """
    named = [c for c in label_cols if _NAME_HEADER.search(headers[c])]
    return named or label_cols


def _top(path: str) -> str:
    return path.split("/")[0]


def _preferred_labels(label_cols: list[int], headers: list[str]) -> list[int]:
    """Of 政府/部门 economic-classification column pairs, the 部门 (finer) column only."""
    dept = [c for c in label_cols if "部门" in headers[c] and "经济" in headers[c]]
    gov = [c for c in label_cols if "政府" in headers[c] and "经济" in headers[c]]
    if dept and gov:
        return [c for c in label_cols if c not in gov]
    return label_cols


def code_level(code: str | None) -> int | None:
    """类/款/项 → 1/2/3 for 3/5/7-digit 科目编码."""
    return CODE_LEVELS.get(len(code)) if code else None
