"""Lines: a budget table → tidy ``budget_lines`` rows (one per numeric cell).

Reads a :class:`TableBlock`; writes contract rows. Each column gets a role from
its header and its body values: ``code`` (科目编码), ``code_part`` (类 / 款 / 项
split over three columns, as 决算 tables print them), ``amount`` or ``label``.
"""

from __future__ import annotations

import re
from typing import Any

from extract.model import TableBlock
from extract.stages.normalise import compact, normalise_text
from extract.stages.numbers import parse_amount

CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
CODE_IN_NAME = re.compile(r"^[\[【]?(\d{3}(?:\d{2}){0,2})[\]】]?\s*[-－—]?\s*([^\d\s].*)$")
_CODE_HEADER = re.compile(r"编码|代码|编号")
_LABEL_HEADER = re.compile(r"名称|^项目$|/项目$|科目$|单位名称|^单位$|内容|说明|用途|类型|方式|品目")
_PART = {"类": 0, "款": 1, "项": 2}
#: Headers of the columns that name a row (as opposed to describing it: 采购时间, 规格型号 …).
_NAME_HEADER = re.compile(r"名称|项目|科目|单位|年度|^类别|^收入$|^支出$")
INHERITED = "\u0000"  # tables.py marks text inherited from a vertically merged label


def _clean(text: str) -> str:
    return normalise_text(text.replace(INHERITED, ""))


def column_roles(table: TableBlock) -> list[str]:
    """Role of every column: code, code_part, amount or label."""
    roles = []
    for c, path in enumerate(table.columns):
        values = [compact(_clean(row[c])) for row in table.body if c < len(row) and row[c].strip(INHERITED).strip()]
        leaf = path.split("/")[-1] if path else ""
        if not values:
            roles.append("empty")  # a blank column starts no panel and yields no lines
        elif re.search(r"行次|栏次|序号", path):
            roles.append("row_number")  # printed line numbers, not amounts
        elif leaf in _PART and values and _share(values, lambda v: re.fullmatch(r"\d{1,3}", v)) >= 0.8:
            # 类/款/项 under 科目编码 / 功能分类 is the row's code; under 经济科目 it is a second
            # classification of the same row (Xi'an's procurement table prints both).
            roles.append("code_part")
        elif re.search(r"(单位|项目|预算单位)(编码|代码)|^编码$", path.split("/")[-1] if path else ""):
            roles.append("id")  # a unit or project number, not a 科目编码
        elif _CODE_HEADER.search(path) or (values and _share(values, CODE.match) >= 0.6 and not _money_header(path)):
            roles.append("code")
        elif _LABEL_HEADER.search(path) and not _money_header(path):
            roles.append("label")
        elif values and _share(values, lambda v: parse_amount(v) is not None) >= 0.6:
            roles.append("amount")
        else:
            roles.append("label")
    return _first_code_group(roles, table.columns)


def _first_code_group(roles: list[str], columns: list[str]) -> list[str]:
    """Only the first 类/款/项 group is the row's code; a later group under another
    header (部门经济科目 / 政府经济科目 in Xi'an's procurement table) is a second
    classification of the same row, kept out of ``code``."""
    first_parent = None
    for c, role in enumerate(roles):
        if role != "code_part":
            continue
        parent = columns[c].rsplit("/", 1)[0] if "/" in columns[c] else ""
        if first_parent is None:
            first_parent = parent
        elif parent != first_parent:
            roles[c] = "id"
    return roles


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
    if True:
        for row_no, row in enumerate(table.body, start=1):
            code, name = row_identity(row, cols, roles, table.columns)
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
                    "table_no": table.table_no,
                })
    return out


def row_identity(row: list[str], cols: list[int], roles: list[str],
                 headers: list[str] | None = None) -> tuple[str | None, str | None]:
    """(科目编码, name) of a body row within the given columns.

    The name is the row's own label; a vertically merged group label above it is
    kept as a prefix (一般公共预算资金/小计) only when both sit under the same
    header, since then the group is part of the label. Codes printed inside the
    label (``[2120106]工程建设管理``, ``30102-津贴补贴``) are split off.
    """
    headers = headers or [""] * (max(cols, default=0) + 1)
    code = None
    parts: list[str] = []
    label_fallback: list[str] = []
    code_cols = _preferred_labels([c for c in cols if roles[c] == "code"], headers)
    for c in cols:
        text = compact(_clean(row[c])) if c < len(row) else ""
        if roles[c] == "code" and text:
            if c in code_cols and text.isdigit():
                code = code or text
            elif not re.search(r"\d", text):
                label_fallback.append(text)  # 合计 printed in the 科目编码 column
        elif roles[c] == "code_part" and text:
            if text.isdigit():
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
    own = [(c, _clean(row[c])) for c in label_cols if c < len(row) and row[c].strip() and not row[c].startswith(INHERITED)]
    group = [(c, _clean(row[c])) for c in label_cols if c < len(row) and row[c].startswith(INHERITED) and _clean(row[c])]
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
    table also has descriptive text columns (采购时间, 规格型号, 采购组织形式 …)."""
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
    return {3: 1, 5: 2, 7: 3}.get(len(code)) if code else None
