"""Forms: performance-target forms (绩效目标表) → one FormCopy per printed copy.

Reads pages that already carry their grids (``Page.grids``, from the grid stage;
text-layer and OCR pages alike); writes :class:`FormCopy` objects with every
``projects`` field of the data contract plus the form's indicators. Copies are
not merged here — that is ``dedupe``'s job, which needs all copies of a document.

Two layout families exist in the wild, and both are read by meaning of the
labels, never by fixed cell positions:

- *card*: one project per form, label cells (项目名称, 主管部门及代码, 项目资金 …)
  with their value to the right, then an indicator block whose header row names
  the columns (一级指标 | 二级指标 | 三级指标 | 指标值, twice when 实施期 and 年度
  sit side by side). A form may run over two pages; the second page holds a grid
  without 项目名称 that continues the indicator block (山西 sample, 广州 file 27).
- *list*: one grid row-block per project, the header naming 项目名称 (or
  单位名称) together with the indicator columns (北京 files 17/19, 长沙 file 31),
  or one cell of packed indicator text (广州 file 25), or no indicators at all
  (杭州 表11, 广州 057: 项目名称 | 金额 | 绩效目标). The header may be printed
  once and the list run on over many pages (北京 045): a header-less grid whose
  columns line up with the header's continues it.

Which text is which label is data, not code: ``extract/vocab/form_labels.json``
maps printed labels (项目名称 / 专项（项目）名称 / 转移支付名称, 年度预算资金总额 /
资金总额 / 实施期资金总额, 指标内容 / 指标名称 …) to fields and column roles; a card's
label the vocabulary lacks is reported as a ``form.label_known`` check row.
A card whose grid has no 项目名称 row takes its name from the title
(泉州: …项目绩效目标表). Amounts are stored in 元: the unit comes from the
funds label (项目资金（万元）), the title line (单位：万元) or the cell itself.

Indicator columns are located by the x range of their header cell, so a
continuation grid with another column lattice is still read correctly.
"""

from __future__ import annotations

import re

from extract.model import Cell, FormCopy, Grid, Page
from extract.stages import form_values as fv
from extract.stages.form_layouts import (
    CardState,
    ListState,
    ScopeColumns,
    is_indicator_header,
    kind_of,
    list_role,
    name_header,
    role_of,
    row_cells,
    title_dept,
)
from extract.stages.form_layouts import HEADER_SEARCH_ROWS
from extract.stages.layout import words_text

__all__ = ["ScopeColumns", "read_forms", "is_form_page", "page_title"]

#: On a page without grids, the title is read from this top share of the page's height.
TITLE_ZONE_SHARE = 0.2
#: Above the first grid: a word whose bottom is at most this far (pt) below the grid's top, or whose
#: middle is this far above it (重庆's 单位:万元 sits on the top rule), belongs to the title.
TITLE_BOTTOM_SLACK_PT, TITLE_MIDDLE_SLACK_PT = 1, 2
#: A header with a 绩效目标 column and more labels than this is a list form (one row per project).
LIST_MIN_HEADER_LABELS = 3

#: Titles of form pages, by meaning: 项目支出绩效目标表, 项目绩效目标申报表 / 填报表,
#: 部门（单位）整体支出绩效目标表, 重点项目绩效目标表, 绩效自评表, 绩效评价表.
FORM_TITLE = re.compile(r"绩效(目标|自评|评价)[^，。；\s]{0,4}表")
#: A table number in a title (表14, 附表15, 预算表12, 预算14表): nothing before it names a project.
_TABLE_MARK = re.compile(r"(附?表|预算表)\s*\d+|预算\s*\d+\s*表")
#: Table numbers and years opening a title line, before the project's name.
_TABLE_MARK_LEAD = re.compile(r"^(?:(?:附?表|预算表)\s*\d+[:：]?|预算\s*\d+\s*表|\d{4}年度?)+")
#: The form words a title ends with; what comes before them names the project
#: (福州, 泉州: 车驾管所及办案经费项目绩效目标表).
_TITLE_TAIL = re.compile(r"(?:项目)?(?:支出)?(?:预算)?绩效(?:目标|自评|评价)[^，。；\s]{0,4}表.*$")


# ----------------------------------------------------------------------------- entry


def read_forms(pages: list[Page]) -> list[FormCopy]:
    """Every form copy in the document, in page order.

    ``pages`` must carry their grids (``page.grids``). Pages without a form grid
    are skipped cheaply (a title or a grid header must say 绩效目标 / 一级指标).
    """
    reader = _Reader()
    for page in pages:
        title = page_title(page)
        for i, grid in enumerate(page.grids):
            reader.feed(page, grid, title, first_on_page=(i == 0))
    return reader.done()


def page_title(page: Page) -> str:
    """Text above the first grid (title, 部门名称, 单位：万元), for routing and units."""
    limit = page.grids[0].top if page.grids else page.height * TITLE_ZONE_SHARE
    # 重庆's 单位:万元 sits on the grid's top rule: its box reaches below it, its middle does not
    return words_text([w for w in page.words
                       if w.bottom <= limit + TITLE_BOTTOM_SLACK_PT or w.yc < limit - TITLE_MIDDLE_SLACK_PT])


def is_form_page(page: Page) -> bool:
    """A page holding a performance-target form (title or grid header says so)."""
    if FORM_TITLE.search(fv.norm(page_title(page))):
        return True
    return any(_grid_kind(g) for g in page.grids)


# ----------------------------------------------------------------------------- routing


def _keys(cells: list[Cell]) -> list[str]:
    return [fv.label_key(c.text) for c in cells]


def _grid_kind(grid: Grid) -> str | None:
    """card, list or None: what kind of form grid this is (by its header labels)."""
    for r in range(min(HEADER_SEARCH_ROWS, grid.n_rows)):
        for c in row_cells(grid, r):
            if not name_header(c):
                continue
            zone = [x for x in grid.cells if x.row < c.row + c.row_span]
            keys = _keys(zone)
            if any(role_of(k) in ("level1", "level3", "levels") for k in keys):
                return "list"
            if any(list_role(k) == "goal" for k in keys) and len(keys) > LIST_MIN_HEADER_LABELS:
                return "list"  # one row per project with its 绩效目标 (广州 057), no indicators
            return "card"
    return None


def _looks_like_continuation(grid: Grid) -> bool:
    """A grid without 项目名称 that carries on an indicator block or the signature line."""
    for c in grid.cells:
        key = fv.label_key(c.text)
        if role_of(key) in ("level1", "level3") or key.startswith(fv.END_LABELS):
            return True
        if fv.label_field(c.text) in ("goal_annual", "goal"):  # 当年绩效目标 row opens the next page
            return True
        if fv.is_level1(c.text) or fv.is_level2(c.text):
            return True
    return False


def _titled_project(grid: Grid, title: str) -> str | None:
    """The project of a card whose grid has no 项目名称 row: its title names it.

    泉州 prints "单警装备、公务用车采购等项目建设项目绩效目标表" above a grid that
    opens with 专项资金情况; the name is the title less its form words.
    """
    if kind_of(title) == "department" or not FORM_TITLE.search(fv.norm(title)):
        return None
    if not any(is_indicator_header(_keys(row_cells(grid, r))) for r in range(grid.n_rows)):
        return None
    line = next((ln for ln in fv.norm(title).split(" ") if FORM_TITLE.search(ln)), "")
    name = fv.clean_name(_TABLE_MARK_LEAD.sub("", _TITLE_TAIL.sub("", line)))
    if _TABLE_MARK.search(name):  # 北京: overflowing cell text + 预算表12 + 项目支出绩效目标表
        return None
    return name if fv.is_real_name(name) else None


def _untitled_department(grid: Grid, title: str) -> str | None:
    """The department of a 部门整体绩效目标表 whose grid has no 项目名称 cell.

    重庆 prints 单位名称：X above the grid and opens it with 当年整体绩效目标; the
    form is read as a card when the grid holds an indicator header (指标名称).
    """
    if kind_of(title) != "department" or not FORM_TITLE.search(fv.norm(title)):
        return None
    if not any(k.startswith(("指标名称", "三级指标")) for k in _keys(grid.cells)):
        return None
    return title_dept(title)


# ----------------------------------------------------------------------------- reader


class _Reader:
    """Walks grids in page order, keeping the open form across a page break."""

    def __init__(self) -> None:
        self.forms: list[FormCopy] = []
        self.card: CardState | None = None
        self.list_state: ListState | None = None

    def feed(self, page: Page, grid: Grid, title: str, first_on_page: bool) -> None:
        kind = _grid_kind(grid)
        if kind == "card":
            self._close()
            self.card = CardState(page, title)
            self.card.read(grid, page)
        elif kind == "list":
            if self.card:
                self._close()
            if self.list_state is None or self.list_state.kind != kind_of(title) \
                    or self.list_state.last_page not in (page.page_no - 1, page.page_no):
                self._close()
                self.list_state = ListState(title)
            self.list_state.read(grid, page)
        elif self.list_state and first_on_page and self.list_state.continues(grid, page):
            self.list_state.read_continuation(grid, page)  # the header printed once, on the first page
        elif first_on_page and (name := _titled_project(grid, title)):
            if self.card and self.card.form.project_name == name and page.page_no == self.card.last_page + 1:
                self.card.read(grid, page)  # the title repeated over the form's next page
                return
            self._close()
            self.card = CardState(page, title)
            self.card.form.project_name = name
            self.card.read(grid, page)
        elif self.card and first_on_page and page.page_no == self.card.last_page + 1 \
                and _looks_like_continuation(grid):
            self.card.read(grid, page)
        elif first_on_page and (name := _untitled_department(grid, title)):
            self._close()
            self.card = CardState(page, title)
            self.card.form.project_name = self.card.form.dept_name = name
            self.card.read(grid, page)
        else:
            self._close()

    def _close(self) -> None:
        if self.card:
            self.forms.extend(self.card.finish())
        if self.list_state:
            self.forms.extend(self.list_state.finish())
        self.card = self.list_state = None

    def done(self) -> list[FormCopy]:
        self._close()
        return self.forms
