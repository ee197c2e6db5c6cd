"""``sum.children`` and ``sum.total``: the sums a budget table prints about itself.

Reads ``budget_lines`` rows; writes ``checks`` rows. Checked, per table and column:

* ``sum.children`` — 类 = Σ款 and 款 = Σ项 by 科目编码 prefix (a 类 with no 款
  printed is compared with its 项); in the uncoded economic table, each class
  (工资福利支出 …) = Σ the rows below it.
* ``sum.total`` — the 合计 row = Σ top-level rows; the 合计/小计 column = Σ its sibling
  columns (基本支出 + 项目支出, 人员经费 + 公用经费, 一般公共预算 + 政府性基金 …);
  the 三公 table's 合计 = 出国 + 接待 + 公务用车, 公务用车 = 购置 + 运行维护.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from extract.checks.common import (EXACT, PER_TERM, Row, by_instance, cell_location, checked, columns_of, compact_name,
                                   fmt, is_grand_total, leaf, parent, printed_step)
from extract.vocab.words import ROW_TOTAL_WORDS, TOTAL_WORD, alternation

#: First-level classes of the 支出经济分类 (economic classification), as printed without codes.
ECON_CLASSES = {
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "对个人和家庭补助", "资本性支出", "对企业补助",
    "债务利息及费用支出", "对社会保障基金补助", "其他支出", "对事业单位经常性补助", "对事业单位资本性补助",
    "机关工资福利支出", "机关商品和服务支出", "机关资本性支出(一)", "机关资本性支出(二)",
}
_LEVEL_NAME = {3: "类", 5: "款", 7: "项"}


def check_sums(doc_id: str, lines: list[Row]) -> list[Row]:
    """Every sum.children and sum.total check of one document."""
    out: list[Row] = []
    for (key, _), rows in by_instance(lines).items():
        step = printed_step(rows)
        for side_rows in _split_sides(rows):
            out += children_checks(doc_id, side_rows, step)
            out += children_checks(doc_id, side_rows, step, field="gov_econ_code")
            out += economic_children_checks(doc_id, side_rows, step)
            out += total_row_checks(doc_id, side_rows, step)
            out += total_column_checks(doc_id, side_rows, step)
        if key == "three_public":
            out += three_public_checks(doc_id, rows, step)
    return out


def _split_sides(rows: list[Row]) -> list[list[Row]]:
    sides: dict[object, list[Row]] = defaultdict(list)
    for r in rows:
        sides[r.get("side")].append(r)
    return list(sides.values())


def code_blocks(col_lines: list[Row], field: str = "code") -> list[list[Row]]:
    """Coded lines of one column cut where a code repeats (a table listing several units in turn).

    A row is identified by both its codes: in a table that cross-walks two
    classifications, 30101 基本工资 printed once under 50101 and once under 50501
    is two parts of one 款, not the start of another unit's block.
    """
    blocks: list[list[Row]] = [[]]
    seen: set[tuple] = set()
    other = "gov_econ_code" if field == "code" else "code"
    for line in col_lines:
        code = line.get(field)
        if not code or len(code) not in (3, 5, 7):
            continue
        key = (code, line.get(other))
        if key in seen:
            blocks.append([])
            seen = set()
        seen.add(key)
        blocks[-1].append(line)
    return [b for b in blocks if b]


def children_checks(doc_id: str, rows: list[Row], step: float = PER_TERM, field: str = "code") -> list[Row]:
    """类 = Σ款, 款 = Σ项 in every column of a coded table, by ``field`` (科目编码 or 政府经济分类)."""
    out: list[Row] = []
    for column in columns_of(rows):
        col_lines = [r for r in rows if r["column"] == column]
        for block in code_blocks(col_lines, field):
            out += _block_children(doc_id, block, step, field)
    return out


def _block_children(doc_id: str, block: list[Row], step: float, field: str) -> list[Row]:
    """Each code's amount (summed over its repeats) = Σ its children's (likewise summed)."""
    out: list[Row] = []
    by_code: dict[str, list[Row]] = {}
    for r in block:
        by_code.setdefault(r[field], []).append(r)
    what = "" if field == "code" else "政府经济分类 "
    for code, lines in by_code.items():
        kids = _children(code, by_code)
        if not kids:
            continue
        total = sum(float(r["amount"]) for k in kids for r in by_code[k])
        actual = sum(float(r["amount"]) for r in lines)
        terms = sum(len(by_code[k]) for k in kids) + len(lines) - 1
        rows = ", ".join(f"{k} r{r['row_no']} {fmt(r['amount'])}" for k in kids for r in by_code[k])
        own = f" (Σ rows {', '.join(str(r['row_no']) for r in lines)})" if len(lines) > 1 else ""
        detail = f"{what}{_LEVEL_NAME[len(code)]} {code}{own} = Σ {_LEVEL_NAME[len(kids[0])]} ({rows})"
        out.append(checked(doc_id, "sum.children", cell_location(lines[0]), total, actual, terms, detail, step))
    return out


def _children(code: str, by_code: Mapping[str, object]) -> list[str]:
    """Codes whose nearest printed ancestor is ``code``.

    Usually the next level (类 → 款 → 项); a 项 whose 款 is not printed counts
    under its 类 (Xi'an prints 3010201 津贴补贴 under 301 with no 30102 row).
    """
    if len(code) >= 7:
        return []
    return [c for c in by_code if len(c) > len(code) and c.startswith(code) and _parent(c, by_code) == code]


def _parent(code: str, by_code: Mapping[str, object]) -> str | None:
    """The longest printed code that is a proper prefix of ``code`` at a level boundary."""
    for cut in range(len(code) - 2, 2, -2):
        if code[:cut] in by_code:
            return code[:cut]
    return None


#: Tables listing the 支出经济分类; elsewhere 其他支出 is a function (类), not an economic class.
ECONOMIC_TABLES = {"general_budget_basic_expenditure"}


def economic_children_checks(doc_id: str, rows: list[Row], step: float = PER_TERM) -> list[Row]:
    """Uncoded economic tables: each class row = Σ the rows printed under it."""
    if any(r.get("code") for r in rows) or not rows or rows[0]["table_key"] not in ECONOMIC_TABLES:
        return []
    out: list[Row] = []
    for column in columns_of(rows):
        col_lines = [r for r in rows if r["column"] == column]
        for head, kids in _economic_groups(col_lines):
            if kids:
                total = sum(float(k["amount"]) for k in kids)
                detail = f"{compact_name(head['name'])} = Σ rows {kids[0]['row_no']}-{kids[-1]['row_no']}"
                out.append(checked(doc_id, "sum.children", cell_location(head), total, float(head["amount"]),
                                   len(kids), detail, step))
    return out


def _economic_groups(col_lines: list[Row]) -> list[tuple[Row, list[Row]]]:
    groups: list[tuple[Row, list[Row]]] = []
    for line in col_lines:
        name = compact_name(line.get("name"))
        if name in ECON_CLASSES:
            groups.append((line, []))
        elif groups and not _is_total_name(name):
            groups[-1][1].append(line)
    return groups


#: A row label holding 合计 or 总计 (extract/vocab/words.json).
_ROW_TOTAL = re.compile(alternation(ROW_TOTAL_WORDS))


def _is_total_name(name: str) -> bool:
    return bool(_ROW_TOTAL.search(name))


def total_row_checks(doc_id: str, rows: list[Row], step: float = PER_TERM) -> list[Row]:
    """合计 row = Σ 类 rows (coded tables) or Σ class rows (economic tables), per column.

    A table holding several copies (a summary page and a detail page both keyed
    alike) has several 合计 rows: each is compared with the rows of its own segment.
    """
    coded = any(r.get("code") for r in rows)
    out: list[Row] = []
    for column in columns_of(rows):
        col = [r for r in rows if r["column"] == column]
        grands = distinct_totals(col)
        for k, i in enumerate(grands):
            nxt = grands[k + 1] if k + 1 < len(grands) else len(col)
            prev = grands[k - 1] + 1 if k else 0
            tops = _tops(col[i + 1:nxt], coded) or _tops(col[prev:i], coded)
            if not tops:
                continue
            g = col[i]
            total = sum(float(r["amount"]) for r in tops)
            what = "类" if coded else "class"
            out.append(checked(doc_id, "sum.total", cell_location(g), total, float(g["amount"]), len(tops),
                               f"合计 row = Σ {len(tops)} {what} rows", step))
    return out


def distinct_totals(col: list[Row]) -> list[int]:
    """Indexes of the 合计 rows that start a new segment.

    A 合计 row printed again on a continuation page with the same amount (39's
    收入决算表 repeats it under the header of page 9) totals the same rows; only
    a 合计 with a different amount starts another copy of the table.
    """
    out: list[int] = []
    for i, r in enumerate(col):
        if is_grand_total(r.get("name")) and not r.get("code"):
            if not out or abs(float(col[out[-1]]["amount"]) - float(r["amount"])) >= EXACT:
                out.append(i)
    return out


def _tops(col: list[Row], coded: bool) -> list[Row]:
    if coded:
        return [r for r in col if r.get("code") and len(r["code"]) == 3]
    if not col or col[0]["table_key"] not in ECONOMIC_TABLES:
        return []
    return [r for r in col if compact_name(r.get("name")) in ECON_CLASSES]


def total_column_checks(doc_id: str, rows: list[Row], step: float = PER_TERM) -> list[Row]:
    """合计 = 基本支出 + 项目支出 and 合计 = 人员经费 + 公用经费, row by row, under one header parent.

    Only these known splits are checked: other sibling columns (sources of funds,
    其中 columns, 上年 columns) do not always add up to the total they sit beside.
    """
    out: list[Row] = []
    cells: dict[tuple, dict[str, Row]] = defaultdict(dict)
    for r in rows:
        cells[(r["row_no"], r.get("code"), r.get("name"))][r["column"]] = r
    for total_col, parts in column_splits(columns_of(rows)):
        for row_cells in cells.values():
            if total_col not in row_cells or not any(p in row_cells for p in parts):
                continue
            total = sum(float(row_cells[p]["amount"]) for p in parts if p in row_cells)
            line = row_cells[total_col]
            row = checked(doc_id, "sum.total", cell_location(line), total, float(line["amount"]), len(parts),
                          f"{total_col} = " + " + ".join(parts), step)
            others = [c for c in _siblings(total_col, row_cells) if c not in parts]
            if row["status"] == "fail" and others:  # 01: + 单位预留机动经费 beside 基本/项目支出
                every = parts + others
                alt = checked(doc_id, "sum.total", cell_location(line),
                              sum(float(row_cells[c]["amount"]) for c in every if c in row_cells),
                              float(line["amount"]), len(every), f"{total_col} = " + " + ".join(every), step)
                row = alt if alt["status"] == "pass" else row
            out.append(row)
    return out


def _siblings(total_col: str, row_cells: dict[str, Row]) -> list[str]:
    """Other amount columns under the same header parent (not 其中 / 上年 columns)."""
    return [c for c in row_cells if c != total_col and parent(c) == parent(total_col)
            and not leaf(c).startswith("其中") and "上年" not in leaf(c)]


#: Known column splits: (component patterns) whose sum is the total column beside them.
_SPLITS = [(r"^基本支出$", r"^项目支出$"), (r"^人员经费$", r"^(日常)?公用(经费|支出)$")]
_TOTAL = TOTAL_WORD


def column_splits(cols: list[str]) -> list[tuple[str, list[str]]]:
    """(total column, component columns) for each header parent printing a known split.

    A component is either a leaf (…/基本支出) or a group's own total (基本支出/小计).
    """
    out = []
    for prefix in dict.fromkeys(parent(c) for c in cols):
        under = [c for c in cols if parent(c) == prefix]
        total = next((c for c in under if _TOTAL.search(leaf(c)) and "上年" not in leaf(c)), None)
        if total is None:
            continue
        for patterns in _SPLITS:
            parts = [_component(cols, prefix, p) for p in patterns]
            if all(parts):
                out.append((total, [p for p in parts if p]))
    return out


def _component(cols: list[str], prefix: str, pattern: str) -> str | None:
    base = f"{prefix}/" if prefix else ""
    for c in cols:
        if not c.startswith(base):
            continue
        rest = c[len(base):].split("/")
        if len(rest) == 1 and re.search(pattern, rest[0]):
            return c
        if len(rest) == 2 and re.search(pattern, rest[0]) and _TOTAL.search(rest[1]):
            return c
    return None


#: 三公 rows: (total name pattern, component name patterns).
_THREE_PUBLIC = [
    (r"^合计$|^总计$", [r"因公出国", r"公务接待", r"公务用车购置及运行"]),
    (r"公务用车购置及运行", [r"公务用车购置费$|^购置费$", r"公务用车运行(维护)?费$|^运行(维护)?费$"]),
]


def three_public_checks(doc_id: str, rows: list[Row], step: float = PER_TERM) -> list[Row]:
    """三公 合计 = 因公出国(境) + 公务接待 + 公务用车购置及运行; 公务用车 = 购置 + 运行维护."""
    out: list[Row] = []
    for column in columns_of(rows):
        col = [r for r in rows if r["column"] == column]
        for total_pat, part_pats in _THREE_PUBLIC:
            total = _first_named(col, total_pat)
            if total is None:
                continue
            parts = [p for pat in part_pats if (p := _first_named(col, pat)) is not None]
            if not parts:
                continue  # items printed as columns (one row per unit), not as rows
            expected = sum(float(p["amount"]) for p in parts)  # an empty row printed nothing: 0
            out.append(checked(doc_id, "sum.total", cell_location(total), expected, float(total["amount"]),
                               max(len(parts), 1), f"{compact_name(total['name'])} = Σ "
                               + " + ".join(part_pats).replace("$", "").replace("^", ""), step))
    return out


def _first_named(col: list[Row], pattern: str) -> Row | None:
    for r in col:
        if re.search(pattern, compact_name(r.get("name"))):
            return r
    return None
