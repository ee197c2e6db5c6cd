"""Form layouts: the card and list readers and indicator columns.

Reads grids of one form page at a time (state survives a page break); writes
:class:`extract.model.FormCopy` objects. Split from ``forms`` (routing and entry point) to keep
both modules small; see ``forms`` for the two layout families.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extract.model import Cell, FormCopy, Grid, IndicatorRow, Page
from extract.stages import form_values as fv
from extract.stages.layout import CELL_SLACK_PT, cell_line_tolerance, group_lines, in_box, join_texts
from extract.vocab.chars import has_ideograph
from extract.vocab.units import UNIT_TO_YUAN, UNITS_LONGEST_FIRST
from extract.vocab.words import ROW_TOTAL_WORDS

SCOPE_PERIOD, SCOPE_ANNUAL = "实施期", "年度"

#: How far (pt) a cell may start left of a header column and still sit under it (and a header's
#: middle lie outside a value cell and still head it): ruled forms draw a column's edges a little apart.
COLUMN_SLACK_PT = 3.0
#: How far (pt) a header column's middle may lie outside a cell and still fall in that cell.
MID_IN_CELL_SLACK_PT = 1.0
#: A cell begun left of a column and ending inside it covers less than this share of the column's width
#: when it is the previous column's (merged from the left), not this column's.
MERGED_FROM_LEFT_SHARE = 0.8
#: A gap between two words of one line wider than this many font sizes is a space the text printed
#: (《财政部 司法部…》): about a quarter em, far less than a column gap.
PRINTED_SPACE_EM = 0.2
#: Words of the 填报日期 signature line: vertical centres closer than this (pt); starting no more than
#: SIGNATURE_X_SLACK_PT left of the label.
SIGNATURE_LINE_PT, SIGNATURE_X_SLACK_PT = 3.0, 1.0
#: A list form continues on the next page's grid when this share of its columns (at least
#: LIST_MIN_COLUMNS) have a cell whose edges lie within LIST_EDGE_SLACK_PT of theirs.
LIST_ALIGNED_SHARE, LIST_MIN_COLUMNS, LIST_EDGE_SLACK_PT = 0.8, 3, 4.0
#: A form's header (项目名称, 一级指标 …) is looked for in its first rows only.
HEADER_SEARCH_ROWS = 3
@dataclass(slots=True)
class ScopeColumns:
    """Where one scope's indicator columns are: role → header x range."""

    scope: str
    cols: dict[str, tuple[float, float]]


# ----------------------------------------------------------------------------- columns


def header_columns(cells: list[Cell], default_scope: str) -> list[ScopeColumns]:
    """Indicator column roles from header cells, split into scopes.

    A role seen twice (二级指标 … 二级指标) starts the second scope: the first is
    实施期, the second 年度. A single block with 实施周期指标值 and 年度指标值 gives
    two scopes sharing the level columns. The second scope borrows 一级指标 from
    the first when it has none (the 年度 half of the 山西 form).
    """
    blocks: list[dict[str, tuple[float, float]]] = [{}]
    for c in sorted(cells, key=lambda c: c.x0):
        role = _role(fv.label_key(c.text))
        if role is None:
            continue
        if role in blocks[-1] and role in ("level1", "level2", "level3", "value"):
            blocks.append({})
        blocks[-1][role] = (c.x0, c.x1)
    if any(k in b for b in blocks for k in ("level1", "level2", "level3")):
        for b in blocks:  # 绩效指标 is then the row label of the block, not a packed column
            b.pop("levels", None)
    blocks = [b for b in blocks if b]
    if not blocks:
        return []
    if len(blocks) >= 2:
        first, second = blocks[0], blocks[1]
        for role in ("level1", "level2"):
            second.setdefault(role, first[role]) if role in first else None
        return [ScopeColumns(SCOPE_PERIOD, _values_as_value(first, "value_period")),
                ScopeColumns(SCOPE_ANNUAL, _values_as_value(second, "value_annual"))]
    b = blocks[0]
    out = []
    if "value_period" in b:
        out.append(ScopeColumns(SCOPE_PERIOD, _values_as_value(b, "value_period")))
    if "value_annual" in b:
        out.append(ScopeColumns(SCOPE_ANNUAL, _values_as_value(b, "value_annual")))
    if not out and "value" in b:
        out.append(ScopeColumns(default_scope, dict(b)))
    return out


def _values_as_value(block: dict[str, tuple[float, float]], key: str) -> dict[str, tuple[float, float]]:
    out = {k: v for k, v in block.items() if not k.startswith("value_")}
    if key in block:
        out["value"] = block[key]
    return out


def _match(key: str, how: str, label: str) -> bool:
    if how == "exact":
        return key == label
    if how == "prefix":
        return key.startswith(label)
    return key.endswith(label)  # suffix: 年度(/项目)指标值


#: (role, how, label) of indicator column headers, from the vocabulary file.
INDICATOR_ROLES: tuple[tuple[str, str, str], ...] = tuple(tuple(r) for r in fv.VOCAB["indicator_roles"])
#: (role, how, label) of a list form's other columns (amount, goal, code …).
LIST_ROLES: tuple[tuple[str, str, str], ...] = tuple(tuple(r) for r in fv.VOCAB["list_roles"])
#: Roles read into an indicator; score and note columns are known but not data.
_DATA_ROLES = ("level1", "level2", "level3", "levels", "op", "unit", "value", "value_period", "value_annual")


def role_of(key: str) -> str | None:
    """Role of an indicator header cell by the vocabulary (score and note included)."""
    if not key or len(key) > 20:
        return None
    return next((role for role, how, label in INDICATOR_ROLES if _match(key, how, label)), None)


def _role(key: str) -> str | None:
    """Role of an indicator header cell that carries data (17's broken 一级指/二标 headers included)."""
    role = role_of(key)
    return role if role in _DATA_ROLES else None


def is_indicator_header(keys: list[str]) -> bool:
    """A row naming indicator columns, whatever their order and printed names.

    一级指标 | 二级指标 | 三级指标 | 指标值, 指标名称 | 指标性质 | 指标值 | 计量单位,
    一级指标 | 二级指标 | 指标内容 | 指标值 (西安), … | 年度(/项目)指标值 (上海): the
    indicator's name (or the packed 绩效指标 column) and one more data role.
    """
    roles = {_role(k) for k in keys} - {None}
    named = "level3" in roles or "levels" in roles
    others = roles - {"level3", "levels"}
    data_roles = {"value", "value_period", "value_annual", "op", "unit", "level2"}
    return named and bool(others) and (roles & data_roles) != set()


@cache
def _header_words() -> list[str]:
    """Whole indicator header labels, longest first (the prefix 一级指 stands for 一级指标)."""
    words = {label for _, how, label in INDICATOR_ROLES if how in ("exact", "prefix") and len(label) >= 3}
    words |= {w + "标" for w in words if w.endswith("指")}
    return sorted(words, key=len, reverse=True)


def merged_header_roles(key: str) -> list[str] | None:
    """Roles of a header whose labels run together in one cell ("一级指标二级指标指标内容指标值").

    The key is split into whole indicator labels of the vocabulary, longest
    first; it is a header when nothing is left over and it names the indicator
    and its value.
    """
    if len(key) < 8 or key.count("指") < 2:
        return None
    labels = _header_words()
    roles: list[str | None] = []
    i = 0
    while i < len(key):
        label = next((lb for lb in labels if key.startswith(lb, i)), None)
        if label is None:
            return None
        roles.append(_role(label))
        i += len(label)
    known = [r for r in roles if r is not None]
    if len(roles) < 3 or len(known) < len(roles) or "level3" not in known or "value" not in known:
        return None
    return known


def text_at(grid: Grid, row: int, span: tuple[float, float]) -> Cell | None:
    """The cell of ``row`` under a header x range; None when it began in an earlier column.

    Vertically merged cells (一级指标 printed once for several rows) are returned
    for every row they cover: that is the carry-down. A cell merged horizontally
    from the left belongs to the role it starts under, not to this one.
    """
    x0, x1 = span
    mid = (x0 + x1) / 2
    for c in grid.cells:
        if c.row <= row < c.row + c.row_span and c.x0 - MID_IN_CELL_SLACK_PT <= mid <= c.x1 + MID_IN_CELL_SLACK_PT:
            if c.x0 < x0 - COLUMN_SLACK_PT and c.x1 < x1 + COLUMN_SLACK_PT \
                    and c.x1 - x0 < MERGED_FROM_LEFT_SHARE * (x1 - x0):
                return None
            return c if c.x0 >= x0 - COLUMN_SLACK_PT else None
    return None


def read_indicator_row(grid: Grid, row: int, specs: list[ScopeColumns],
                       carry: dict[str, dict[str, str]], form: FormCopy) -> None:
    """Append the indicators of one grid row, carrying empty 一级/二级 down per scope."""
    for spec in specs:
        got: dict[str, str] = {}
        for role, span in spec.cols.items():
            cell = text_at(grid, row, span)
            got[role] = fv.norm(cell.text) if cell else ""
            if cell and cell.text:
                form._confs.append(cell.conf)
        if "levels" in got:
            lead, got["level1"], got["level2"], got["level3"] = fv.split_levels(got.pop("levels"))
            last = next((i for i in reversed(form.indicators) if i.scope == spec.scope), None)
            if lead and last is not None:  # the clipped tail of the cell above
                last.level3 += lead
        prev = carry.setdefault(spec.scope, {})
        for role in ("level1", "level2"):
            if got.get(role):
                prev[role] = got[role]
            elif got.get("level3") or got.get("value"):
                got[role] = prev.get(role, "")
        if "op" in spec.cols or "unit" in spec.cols:
            raw = fv.compose_value(got.get("op", ""), got.get("value", ""), got.get("unit", ""))
        else:
            raw = got.get("value", "").replace(" ", "")
        if not got.get("level3") and not raw:
            continue
        v = fv.parse_value(raw)
        form.indicators.append(IndicatorRow(spec.scope, got.get("level1", ""), got.get("level2", ""),
                                            got.get("level3", ""), raw, v.op, v.value, v.unit))


def row_cells(grid: Grid, row: int) -> list[Cell]:
    """Cells starting in ``row``, left to right."""
    return sorted((c for c in grid.cells if c.row == row), key=lambda c: c.x0)


def name_header(cell: Cell) -> bool:
    """A header cell naming the project column of a list form (or a card's 项目名称)."""
    return is_name_key(fv.label_key(cell.text))


def is_name_key(key: str) -> bool:
    """The label key of a column or cell naming the project (or unit, department)."""
    heads = fv.VOCAB["name_headers"]
    return key in heads["exact"] or key.startswith(tuple(heads["prefix"]))


def scale_of(text: str) -> float:
    """元 per printed unit of a form, from its title lines: 万元 → 10000 (the contract wants 元).

    The first of 千元 / 万元 / 亿元 the lines name; 元 when they name none (a bare 元 is the default anyway).
    """
    t = fv.norm(text)
    named = [(t.find(unit), unit) for unit in UNITS_LONGEST_FIRST if unit != "元" and unit in t]
    return UNIT_TO_YUAN[min(named)[1]] if named else UNIT_TO_YUAN["元"]


def kind_of(title: str) -> str:
    """project, department (部门（单位）整体…) or self_evaluation (绩效自评表, 绩效评价表), by the title."""
    t = fv.label_key(title)
    if re.search(r"绩效(自评|评价)", t):
        return "self_evaluation"
    return "department" if re.search(r"(部门|单位)+整体", t) else "project"


def cell_text(cell: Cell, page: Page) -> str:
    """A cell's text with the spaces the text layer printed kept.

    The grid stage joins words of a line without spaces (right for words broken
    across lines, 财政资 / 金); but 《财政部 司法部…》 or "起, 遗属" carry a real
    space, seen as a gap of about a quarter em between two words of one line.
    """
    words = [w for w in page.words if in_box(w, cell, CELL_SLACK_PT)]
    if not words:
        return fv.norm(cell.text)
    parts = []
    for line in group_lines(words, cell_line_tolerance(words)):
        text, prev = "", None
        for w in line:
            if prev is not None and w.x0 - prev.x1 > PRINTED_SPACE_EM * max(prev.size, w.size, 1.0):
                text += " "
            text += w.text
            prev = w
        parts.append(text)
    return fv.norm(join_texts(parts))


def title_dept(title: str) -> str | None:
    """部门名称：长沙市信访局 (资金主管部门 / 单位名称：重庆市规划和自然资源局) printed above a form."""
    m = re.search(r"(?:部门名称|主管部门|单位名称)[:：]\s*(\S+?)(?:\s|单位[:：]|金额单位|$)", fv.norm(title))
    return m.group(1) if m else None


class CardState:
    """One card form being read, possibly over two pages."""

    def __init__(self, page: Page, title: str) -> None:
        self.form = FormCopy(kind=kind_of(title), layout="card")
        self.scale = scale_of(title)
        self.specs: list[ScopeColumns] = []
        self.carry: dict[str, dict[str, str]] = {}
        self.in_block = False
        self.annual_x: float | None = None
        self.goal_x: dict[str, tuple[float, float]] = {}
        self.goal_pending = False
        self.last_page = page.page_no
        self.page = page
        #: a header printed in one cell (its cell, its roles in order), columns still to learn
        self.merged: tuple[Cell, list[str]] | None = None
        self.grid: Grid | None = None

    def read(self, grid: Grid, page: Page) -> None:
        """Read one grid of the form: label rows, then the indicator block."""
        self.grid = grid
        self.form.add_page(page)
        self.last_page = page.page_no
        self.page = page
        for r in range(grid.n_rows):
            cells = row_cells(grid, r)
            keys = [fv.label_key(c.text) for c in cells]
            if self.goal_pending and (self.form.goal_period or self.form.goal_annual):
                self.goal_pending = False  # a second 整体绩效目标 label of the row carried the goal
            if self.goal_pending and not any(fv.label_field(c.text) for c in cells):
                self.goal_pending = False
                self._set_goals(cells, "")
            elif is_indicator_header(keys):
                self.specs = header_columns(cells, SCOPE_ANNUAL)
                self.in_block, self.carry, self.merged = True, {}, None
            elif merged := next(((c, roles) for c in cells
                                 if (roles := merged_header_roles(fv.label_key(c.text)))), None):
                self.specs, self.in_block, self.carry, self.merged = [], True, {}, merged
            elif self.merged and not self.specs:
                self._lattice_from_row(grid, r, cells)
            elif self.in_block and not any(k.startswith(fv.END_LABELS) for k in keys):
                read_indicator_row(grid, r, self.specs, self.carry, self.form)
            else:
                self.in_block = False
                self._read_labels(cells)
        if self.form.filled_at is None:
            self._read_signature(page)

    def _lattice_from_row(self, grid: Grid, r: int, cells: list[Cell]) -> None:
        """Columns of a header printed as one merged cell, from the first row that has them all.

        西安 37 p.34 prints 一级指标二级指标指标内容指标值 in one cell over a
        four-column body: the body's first full row gives each role its x range.
        """
        assert self.merged is not None  # called only while a merged header is pending
        head, roles = self.merged
        body = [c for c in cells if c.x0 >= head.x0 - COLUMN_SLACK_PT]
        if len(body) != len(roles):
            return
        self.specs = [ScopeColumns(SCOPE_ANNUAL, {role: (c.x0, c.x1) for role, c in zip(roles, body)})]
        read_indicator_row(grid, r, self.specs, self.carry, self.form)

    def _read_signature(self, page: Page) -> None:
        """填报日期 printed on the signature line under the grid, not in a cell."""
        for w in page.words:
            if "填报日期" in w.text:
                line = [x for x in page.words
                        if abs(x.yc - w.yc) < SIGNATURE_LINE_PT and x.x0 >= w.x0 - SIGNATURE_X_SLACK_PT]
                text = "".join(x.text for x in sorted(line, key=lambda x: x.x0))
                stamp = fv.parse_timestamp(text.split("填报日期", 1)[1])
                if stamp:
                    self.form.filled_at = stamp
                    self.form.raw["filled_at"] = fv.norm(text.split("填报日期", 1)[1]).lstrip(":：")
                    self.form.field_pages["filled_at"] = page.page_no
                    return

    def _read_labels(self, cells: list[Cell]) -> None:
        for i, c in enumerate(cells):
            key = fv.label_key(c.text)
            if key in fv.GOAL_HEADERS:
                if i == 0 and len(cells) > 1 and not fv.label_field(cells[1].text) \
                        and fv.label_key(cells[1].text) not in fv.GOAL_HEADERS:
                    self._set(fv.VOCAB["goal_headers"][key], None, c, cells[1:2], "")  # 年度目标 | text (福州, 西安)
                else:
                    annual = fv.VOCAB["goal_headers"][key] == "goal_annual"
                    self.goal_x[SCOPE_ANNUAL if annual else SCOPE_PERIOD] = (c.x0, c.x1)
                continue
            if (unit := fv.label_unit(c.text)) is not None:
                self.scale = unit  # 项目资金（万元）, 资金金额(万元), 专项资金情况（万元）, 项目资金（元）
            name = fv.label_field(c.text)
            src = None if name else fv.source_field(c.text)
            if name is None and src is None:
                if i == 0 and fv.unknown_label(c.text):
                    self.form.unknown_labels.append(key)
                continue
            rest = [x for x in cells[i + 1:]]
            stop = next((j for j, x in enumerate(rest) if fv.label_field(x.text) or fv.source_field(x.text)), len(rest))
            values = [v for v in rest[:stop] if fv.label_key(v.text) not in fv.GOAL_HEADERS]
            head, inline = fv.split_label_value(c.text)
            inline = inline if fv.label_field(head) and not fv.is_unit_note(inline) else ""
            self._set(name, src, c, values, inline)

    def _set(self, name: str | None, src: str | None, label: Cell, values: list[Cell], inline: str) -> None:
        form = self.form
        text = inline or (cell_text(values[0], self.page) if values else "")
        form._confs.extend(v.conf for v in values if v.text)
        if src is not None or name in ("funds_total", "funds_annual"):
            if name == "funds_annual":
                self.annual_x = label.x0
            target = name or f"funds_{self._side(label)}_{src}"
            if getattr(form, target) is None:
                if values and values[0].conf < 1.0:
                    text = fv.ocr_thousands(text)
                amount, factor = fv.parse_amount_unit(text)
                if amount is None and (below := self._amount_below(label)) is not None:
                    text = fv.norm(below.text)  # 北京 部门整体: 预算支出总额 heads its column
                    amount, factor = fv.parse_amount_unit(text)
                setattr(form, target, amount)
                if factor is not None:
                    form.cell_scales[target] = factor
                form.raw[target] = text
                form.field_pages[target] = self.page.page_no
            return
        if name == "goal":
            if values or inline:
                self._set_goals(values, inline)
            else:
                self.goal_pending = True  # 实施期目标 / 年度目标 header first, goals on the next row
            return
        if name in ("goal_period", "goal_annual") and not (values or inline):
            # 项目总目标 | 年度总体目标 headers, the goals on the next row (上海)
            self.goal_x[SCOPE_PERIOD if name == "goal_period" else SCOPE_ANNUAL] = (label.x0, label.x1)
            self.goal_pending = True
            return
        if name is None or (getattr(form, name, None) not in (None, "") and name == "project_name"):
            return
        form.raw[name if name != "dept" else "dept_code"] = text
        form.field_pages[name if name != "dept" else "dept_code"] = self.page.page_no
        if name == "dept":
            form.dept_code, form.dept_name = fv.split_dept(text)
        elif name == "filled_at":
            form.filled_at = fv.parse_timestamp(text)
        elif name == "project_name":
            form.project_code, form.project_name = fv.split_project_code(text)
        elif getattr(form, name) is None:
            setattr(form, name, (fv.clean_term(text) if name in fv.NAME_FIELDS else text) or None)

    def _amount_below(self, label: Cell) -> Cell | None:
        """The amount printed under a funds label that heads a column (the next two rows)."""
        if self.grid is None:
            return None
        first = label.row + label.row_span
        for row in range(first, min(first + 2, self.grid.n_rows)):
            cell = text_at(self.grid, row, (label.x0, label.x1))
            if cell is not None and fv.parse_amount_unit(cell.text)[0] is not None:
                return cell
        return None

    def _side(self, label: Cell) -> str:
        """Total (实施期) or annual (年度) side of a 资金来源 label, by column."""
        if self.annual_x is not None and label.x0 >= self.annual_x - COLUMN_SLACK_PT:
            return "annual"
        return "total"

    def _set_goals(self, values: list[Cell], inline: str) -> None:
        """总体目标: 实施期 and 年度 goals side by side, told apart by their headers."""
        form = self.form
        if inline:
            if not form.goal_annual:
                form.goal_annual = form.raw["goal_annual"] = inline
                form.field_pages["goal_annual"] = self.page.page_no
            return
        for k, v in enumerate(values):
            if self.goal_x:  # by the 实施期目标 / 年度目标 header each goal sits under
                slack = COLUMN_SLACK_PT
                scopes = [s for s, (x0, x1) in self.goal_x.items() if v.x0 - slack <= (x0 + x1) / 2 <= v.x1 + slack]
            elif len(values) == 1:
                scopes = [SCOPE_ANNUAL if form.kind == "department" else SCOPE_PERIOD]
            else:
                scopes = [SCOPE_PERIOD if k == 0 else SCOPE_ANNUAL]
            text = cell_text(v, self.page)
            for n, scope in enumerate(scopes):  # one cell spanning both headers is both goals
                target = "goal_period" if scope == SCOPE_PERIOD else "goal_annual"
                if text and getattr(form, target) is None:
                    setattr(form, target, text)
                    form.raw[target] = text
                    if n == 0:
                        form.field_pages[target] = self.page.page_no

    def finish(self) -> list[FormCopy]:
        self.form.finish(self.scale)
        f = self.form
        f.project_name = fv.clean_name(f.project_name)
        substance = f.indicators or f.goal_period or f.goal_annual or f.overview or f.funds_total or f.funds_annual
        return [f] if fv.is_real_name(f.project_name) and substance else []  # 项目名称 heads budget tables too


class ListState:
    """A list form: one row block per project; a block may continue on the next page."""

    def __init__(self, title: str) -> None:
        self.kind = kind_of(title)
        self.scale = scale_of(title)
        self.dept_name = title_dept(title)
        self.blocks: list[FormCopy] = []
        self.current: FormCopy | None = None
        self.last_page = 0
        self.page_no = 0
        self.cols: dict[str, tuple[float, float]] = {}
        #: header labels the vocabulary lacks, reported with the list's first form
        self.unknown_header: list[str] = []
        self.specs: list[ScopeColumns] = []
        self.packed: tuple[float, float] | None = None

    def read(self, grid: Grid, page: Page) -> None:
        """Read a grid that opens with the list's header (the columns are learnt here)."""
        end, header = _header_zone(grid)
        cols = {role: (c.x0, c.x1) for c in header if (role := list_role(fv.label_key(c.text)))}
        unit = [c for c in header if fv.label_key(c.text) in ("单位名称", "部门名称")]
        names = [c for c in header if list_role(fv.label_key(c.text)) == "name" and c not in unit]
        if unit and names:  # 杭州: 单位名称 | 项目名称 | 金额 | 绩效目标 — the unit column is the implementing unit
            cols["name"], cols["unit"] = (names[0].x0, names[0].x1), (unit[0].x0, unit[0].x1)
        self.cols = cols
        self.unknown_header += [k for c in header if (k := fv.label_key(c.text)) and list_role(k) is None
                                and role_of(k) is None and fv.unknown_label(c.text) and k not in self.unknown_header]
        self.specs = header_columns(header, SCOPE_ANNUAL)
        self.packed = cols.get("packed") if not self.specs else None
        self._read_rows(grid, page, end)

    def continues(self, grid: Grid, page: Page) -> bool:
        """A header-less grid on the next page whose columns line up with the list's header.

        北京 prints the 项目支出绩效目标表 header once (预算12表, p.39) and runs the
        list over dozens of pages: a page whose cells start and end where the
        header's name and indicator columns did is the same list.
        """
        if not self.cols or page.page_no not in (self.last_page, self.last_page + 1):
            return False
        if "name" not in self.cols:
            return False
        spans = list(self.cols.values())  # 杭州: 单位名称 | 项目名称 | 金额 | 绩效目标, no indicator columns
        spans += [span for spec in self.specs for span in spec.cols.values()]
        spans = list(dict.fromkeys(spans))
        if len(spans) < LIST_MIN_COLUMNS:
            return False
        edges = [(c.x0, c.x1) for c in grid.cells]
        slack = LIST_EDGE_SLACK_PT
        aligned = sum(any(abs(x0 - a) < slack and abs(x1 - b) < slack for a, b in edges) for x0, x1 in spans)
        return aligned >= LIST_ALIGNED_SHARE * len(spans)

    def read_continuation(self, grid: Grid, page: Page) -> None:
        """Read a grid of the list with the columns of its header page.

        The grid may repeat the header with overflowing text of the page before
        mixed into its cells (北京 17: "服务项目名称"); those rows are skipped.
        """
        self._read_rows(grid, page, _repeated_header_end(grid))

    def _read_rows(self, grid: Grid, page: Page, end: int) -> None:
        self.page_no = page.page_no
        cols, specs, packed = self.cols, self.specs, self.packed
        for r in range(end, grid.n_rows):
            name_cell = text_at(grid, r, cols["name"]) if "name" in cols else None
            if name_cell is not None and name_cell.row == r:
                self._start(grid, r, name_cell, cols, first=(r == end))
            if self.current is None:
                continue
            self.current.add_page(page)
            read_indicator_row(grid, r, specs, self._carry, self.current)
            if packed and name_cell is not None and name_cell.row == r:
                self._read_packed(grid, r, packed)
        self.last_page = page.page_no

    def _start(self, grid: Grid, r: int, name_cell: Cell, cols: dict[str, tuple[float, float]], first: bool) -> None:
        code, name = fv.split_project_code(name_cell.text)
        if not has_ideograph(name):
            name = ""  # only the code's first glyphs at a page's foot (北京 045 p.44: 11000022T00)
        if not name:
            if first or self.current is None or self._name_span <= 1:
                return  # an empty name cell continues the block of the previous page
            name = ""  # a new merged name cell, its text printed on the next page (北京 17 p.19)
        elif first and self.current is not None and not self.current.project_name:
            self.current.project_code, self.current.project_name = code, name
            goal = text_at(grid, r, cols["goal"]) if "goal" in cols else None
            if goal is not None and goal.text and self.current.goal_annual:
                self.current.goal_annual += fv.norm(goal.text)  # the goal's second half
                self.current.raw["goal_annual"] = self.current.goal_annual
            self._row_fields(self.current, grid, r, cols)  # its amounts are printed here too
            return
        if name.startswith(ROW_TOTAL_WORDS):
            self.current = None
            return
        if first and self.current is not None and self.current.project_name == name:
            return
        if first and self.current is not None and self.current.project_code and not code:
            if not self.current.project_name.endswith(name):  # 北京 045; 17's text layer has it already
                self.current.project_name += name  # the name's tail, carried over the page break
            return
        form = FormCopy(project_name=name, project_code=code, kind=self.kind, layout="list")
        form.dept_name = self.dept_name
        form._confs.append(name_cell.conf)
        self._row_fields(form, grid, r, cols)
        self.blocks.append(form)
        self.current, self._carry, self._name_span = form, {}, name_cell.row_span

    def _row_fields(self, form: FormCopy, grid: Grid, r: int, cols: dict[str, tuple[float, float]]) -> None:
        """Code, unit, amount, other funds and goal of a project's row, where not read yet."""
        for role, target in (("code", "dept_code"), ("unit", "implementing_unit"), ("amount", "funds_annual"),
                             ("other", "funds_annual_other"), ("goal", "goal_annual")):
            cell = text_at(grid, r, cols[role]) if role in cols else None
            text = fv.norm(cell.text) if cell else ""
            if not text or getattr(form, target) is not None:
                continue
            form.raw[target] = text
            form.field_pages[target] = self.page_no
            setattr(form, target, fv.parse_amount(text) if target.startswith("funds")
                    else fv.clean_term(text) if target in fv.NAME_FIELDS else text)

    _carry: dict[str, dict[str, str]] = {}
    #: rows the current project's name cell spans: merged name cells mean a new
    #: (even empty) name cell is a new project.
    _name_span: int = 1

    def _read_packed(self, grid: Grid, r: int, span: tuple[float, float]) -> None:
        cell = text_at(grid, r, span)
        if cell is None or self.current is None:
            return
        self.current.layout = "packed"
        for l1, l2, l3, vp, va in fv.parse_packed_indicators(cell.text):
            for scope, raw in ((SCOPE_PERIOD, vp), (SCOPE_ANNUAL, va)):
                v = fv.parse_value(raw)
                self.current.indicators.append(IndicatorRow(scope, l1, l2, l3, raw, v.op, v.value, v.unit))

    def finish(self) -> list[FormCopy]:
        out = []
        for form in self.blocks:
            form.project_name = fv.clean_name(form.project_name)
            if (form.indicators or form.goal_annual) and fv.is_real_name(form.project_name):
                form.finish(self.scale)
                out.append(form)
        if out:
            out[0].unknown_labels.extend(self.unknown_header)
        return out


def _repeated_header_end(grid: Grid) -> int:
    """First body row of a continuation grid: after a repeated indicator header, else 0."""
    for r in range(min(HEADER_SEARCH_ROWS, grid.n_rows)):
        cells = row_cells(grid, r)
        if any(role_of(fv.label_key(c.text)) in ("level1", "level2", "level3") for c in cells):
            end = r + max(c.row_span for c in cells)
            changed = True
            while changed:
                changed = False
                for c in grid.cells:
                    if c.row < end < c.row + c.row_span and c.row_span < grid.n_rows // 2:
                        end, changed = c.row + c.row_span, True
            return end
    return 0


def _header_zone(grid: Grid) -> tuple[int, list[Cell]]:
    """Rows of a list form's header: down to the end of the tallest header cell."""
    end = 1
    for c in grid.cells:
        if c.row < HEADER_SEARCH_ROWS and name_header(c):
            end = c.row + c.row_span
            break
    changed = True
    while changed:
        changed = False
        for c in grid.cells:
            if c.row < end and c.row + c.row_span > end and c.row_span < grid.n_rows // 2:
                end, changed = c.row + c.row_span, True
    return end, [c for c in grid.cells if c.row < end]


def list_role(key: str) -> str | None:
    """Non-indicator columns of a list form header (name, code, amount, goal, packed)."""
    if is_name_key(key):
        return "name"
    return next((role for role, how, label in LIST_ROLES if _match(key, how, label)), None)
