"""Form layouts: the card and list readers, indicator columns and the FormCopy model.

Reads grids of one form page at a time (state survives a page break); writes
:class:`FormCopy` objects. Split from ``forms`` (routing and entry point) to keep
both modules small; see ``forms`` for the two layout families.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.model import Cell, Grid, Page
from extract.stages import form_values as fv

SCOPE_PERIOD, SCOPE_ANNUAL = "实施期", "年度"
#: projects fields read from a form, in contract order (dedupe merges these).
FUND_FIELDS = tuple(f"funds_{s}_{k}" for s in ("total", "annual")
                    for k in ("central", "provincial", "local", "self", "other"))
TEXT_FIELDS = ("project_name", "dept_code", "dept_name", "implementing_unit", "attribute",
               "period", "funds_total", "funds_annual", *FUND_FIELDS, "overview", "basis",
               "necessity", "measures", "plan", "goal_period", "goal_annual", "filled_at")


@dataclass(slots=True)
class IndicatorRow:
    """One indicator of one scope, as the contract's ``indicators`` row wants it."""

    scope: str
    level1: str
    level2: str
    level3: str
    value_raw: str
    op: str | None = None
    value: float | None = None
    value_unit: str | None = None


@dataclass
class FormCopy:
    """One printed copy of a form: every ``projects`` field plus provenance."""

    project_name: str = ""
    dept_code: str | None = None
    dept_name: str | None = None
    implementing_unit: str | None = None
    attribute: str | None = None
    period: str | None = None
    funds_total: float | None = None
    funds_annual: float | None = None
    funds_total_central: float | None = None
    funds_total_provincial: float | None = None
    funds_total_local: float | None = None
    funds_total_self: float | None = None
    funds_total_other: float | None = None
    funds_annual_central: float | None = None
    funds_annual_provincial: float | None = None
    funds_annual_local: float | None = None
    funds_annual_self: float | None = None
    funds_annual_other: float | None = None
    overview: str | None = None
    basis: str | None = None
    necessity: str | None = None
    measures: str | None = None
    plan: str | None = None
    goal_period: str | None = None
    goal_annual: str | None = None
    filled_at: str | None = None
    project_code: str | None = None
    kind: str = "project"  # project or department (部门整体支出绩效目标表)
    layout: str = "card"  # card, list or packed
    indicators: list[IndicatorRow] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    method: str = "text"
    confidence: float = 1.0
    raw: dict[str, str] = field(default_factory=dict)  # field → text as printed
    _confs: list[float] = field(default_factory=list, repr=False)

    def add_page(self, page: Page) -> None:
        if page.page_no not in self.pages:
            self.pages.append(page.page_no)
        if page.method == "ocr":
            self.method = "ocr"

    def finish(self, scale: float) -> None:
        """Convert amounts to 元 (the contract's unit) and settle the confidence."""
        if scale != 1.0:
            for name in ("funds_total", "funds_annual", *FUND_FIELDS):
                v = getattr(self, name)
                if v is not None:
                    setattr(self, name, round(v * scale, 2))
        self.confidence = round(sum(self._confs) / len(self._confs), 4) if self._confs else 1.0


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


def _role(key: str) -> str | None:
    """Role of an indicator header cell (17's broken 一级指/二标 headers included)."""
    if key.startswith("一级指"):
        return "level1"
    if key.startswith(("二级指", "二标")):
        return "level2"
    if key.startswith("三级指"):
        return "level3"
    if key in ("指标值类型", "绩效指标性质", "绩效标性质", "指标性质"):
        return "op"
    if key in ("度量单位", "计量单位", "绩效度量单位", "单位"):
        return "unit"
    if key.startswith(("实施周期指标值", "实施期指标值")):
        return "value_period"
    if key.startswith(("年度指标值", "本年绩效指标值", "本年指标值")):
        return "value_annual" if key.startswith("年度") else "value"
    if key in ("指标值", "绩效指标值", "目标值"):
        return "value"
    return None


def text_at(grid: Grid, row: int, span: tuple[float, float]) -> Cell | None:
    """The cell of ``row`` under a header x range; None when it began in an earlier column.

    Vertically merged cells (一级指标 printed once for several rows) are returned
    for every row they cover: that is the carry-down. A cell merged horizontally
    from the left belongs to the role it starts under, not to this one.
    """
    x0, x1 = span
    mid = (x0 + x1) / 2
    for c in grid.cells:
        if c.row <= row < c.row + c.row_span and c.x0 - 1 <= mid <= c.x1 + 1:
            if c.x0 < x0 - 3 and c.x1 < x1 + 3 and c.x1 - x0 < 0.8 * (x1 - x0):
                return None
            return c if c.x0 >= x0 - 3 else None
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
    key = fv.label_key(cell.text)
    return key in ("项目名称", "单位名称", "部门名称", "单位项目名称") or key.startswith("项目名称资金")


def scale_of(text: str) -> float:
    """Amount unit of a form: 万元 → 10000 (the contract wants 元)."""
    return 10000.0 if "万元" in fv.norm(text) else 1.0


def kind_of(title: str) -> str:
    return "department" if "部门整体" in fv.norm(title) else "project"

