"""Tables: page grids → budget tables (title, key, unit, header paths, body).

Reads the pages' grids and words; writes ``Document.tables``. The steps, each a
small pure function:

1. ``grid_context``: the title, table number and unit printed above a grid, and
   a 注：本表无数据 note below it;
2. ``stitch_grids``: a grid that continues the previous page's table joins it
   (the rule is in its docstring);
3. ``split_header``: header rows (merged cells, a column-number row) vs body;
4. ``column_paths``: each column's header path, and the 收入/支出 side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from extract.model import Document, Grid, Page, TableBlock
from extract.stages.grid import cells_to_grid, words_in_grids
from extract.stages.lines import CODE, CODE_IN_NAME, column_roles
from extract.stages.layout import group_lines, line_text
from extract.stages.normalise import compact, normalise_text
from extract.stages.numbers import is_amount, parse_amount
from extract.stages.table_keys import looks_like_title, split_table_no, table_key
from extract.vocab.units import UNIT_TO_YUAN, UNIT_WORDS
from extract.vocab.words import TOTAL_ROW_LABELS, alternation

_UNIT = re.compile(rf"(?:金额|计量)?单位[:：]\s*({UNIT_WORDS})")
_NO_DATA = re.compile(r"本表无数据|无数据|此表为空|本表为空|为空表|空表|无此项|不涉及"
                      r"|没有.{0,30}(收入|支出|经费|预算|资金|项目)")
_LABEL_ONLY = re.compile(r"(预算公开表|公开表|附表|表)[0-9一二三四五六七八九十]+(-\d+)?")
_RUNNING_HEADER = re.compile(r"^表\d+[-—－]")  # 表11-财拨结转支出表: a short name printed as page header
_CONTINUED = re.compile(r"续表|[(（]续[)）]")
_SIDE_IN = re.compile(r"^收入")
_SIDE_OUT = re.compile(r"^支出")

#: Text lines above a grid searched for its title, table number and unit (the nearest ones).
CONTEXT_LINES_ABOVE = 6
#: Lines just above a grid where 续表 (continued) is looked for, and just below it for 本表无数据.
NEAR_LINES = 3
#: Longest tail (characters) of a title or unit wrapped onto its own line (算表, 元).
WRAPPED_TAIL_MAX = 4
#: Where a 元 wrapped from 单位：万 / 元 may sit: from this far (pt) above the grid's top to this far below.
WRAPPED_YUAN_ABOVE_PT, WRAPPED_YUAN_BELOW_PT = 8, 15
#: First rows of a grid searched for a title or unit printed inside it (Excel exports).
IN_GRID_TITLE_ROWS = 5
#: Two grids' column edges are the same edge when this close (pt).
COLUMN_EDGE_SLACK_PT = 3
#: Lowest rapidfuzz ratio (0-100) for a continuation row to repeat the header (OCR may differ a little).
REPEATED_HEADER_MIN_RATIO = 85


@dataclass
class GridContext:
    """What is printed around one grid on its page."""

    grid: Grid
    title: str | None = None
    table_no: int | None = None
    unit: str | None = None
    no_data_note: bool = False
    continued: bool = False
    first_on_page: bool = False
    last_on_page: bool = False


def grid_context(page: Page, index: int) -> GridContext:
    """Title/unit above and a no-data note below grid ``index`` of ``page``."""
    grids = page.grids
    grid = grids[index]
    ctx = GridContext(grid=grid, first_on_page=index == 0, last_on_page=index == len(grids) - 1)
    inside = words_in_grids(page)
    free = [w for i, w in enumerate(page.words) if i not in inside]
    upper = grids[index - 1].bottom if index > 0 else 0.0
    lower = grids[index + 1].top if index + 1 < len(grids) else page.height
    above = [line_text(ln) for ln in group_lines([w for w in free if upper <= w.yc < grid.top])]
    below = [line_text(ln) for ln in group_lines([w for w in free if grid.bottom < w.yc <= lower])]
    above = join_wrapped_lines(above[-CONTEXT_LINES_ABOVE:])
    for text in above:
        m = _UNIT.search(compact(text))
        if m:
            ctx.unit = m.group(1)
    if ctx.unit is None and above and compact(above[-1]).endswith(("单位:万", "单位：万")):
        ctx.unit = _claim_wrapped_yuan(grid, page)
    titles = [t for t in above if looks_like_title(t)]
    if titles:
        ctx.title = normalise_text(titles[-1])
        ctx.table_no, _ = split_table_no(ctx.title)
        if ctx.table_no is None:
            ctx.table_no = _label_no(above[-CONTEXT_LINES_ABOVE:])
    ctx.continued = any(_CONTINUED.search(compact(t)) for t in above[-NEAR_LINES:])
    ctx.no_data_note = any(_NO_DATA.search(compact(t)) for t in below[:NEAR_LINES])
    return ctx


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Rejoin a title or unit broken over two lines (…支出预 / 算表; 单位：万 / 元).

    A line that ends mid-word is followed by a short tail (至多 4 characters) that
    completes it: 表, 算表, 元 …; the tail alone would match nothing.
    """
    out: list[str] = []
    for text in lines:
        tail = compact(text)
        if out and len(tail) <= WRAPPED_TAIL_MAX and (tail.endswith("表") or tail in UNIT_TO_YUAN) \
                and not compact(out[-1]).endswith("表"):
            out[-1] = out[-1] + tail
        else:
            out.append(text)
    return out


def _claim_wrapped_yuan(grid: Grid, page: Page) -> str | None:
    """单位：万 / 元 wrapped so that 元 falls inside the grid's first header cell
    (Xi'an 表12 printed 元预算金额): take the 元 back for the unit.
    """
    for w in page.words:
        if w.text == "元" and grid.top - WRAPPED_YUAN_ABOVE_PT <= w.yc <= grid.top + WRAPPED_YUAN_BELOW_PT \
                and grid.x0 <= w.xc <= grid.x1:
            for cell in grid.cells:
                if cell.row == 0 and cell.x0 <= w.xc <= cell.x1 and cell.text.startswith("元"):
                    cell.text = cell.text[1:]
            return "万元"
    return None


def _label_no(lines: list[str]) -> int | None:
    """A separate label line such as 预算公开表1 or 表一 above the title."""
    for text in lines:
        s = compact(text)
        if re.fullmatch(r"(预算公开表|公开表|附表|表)[0-9一二三四五六七八九十]+(-\d+)?", s):
            n, _ = split_table_no(s)
            return n
    return None


def _in_grid_title(grid: Grid) -> tuple[str | None, str | None, int]:
    """Titles and units printed inside the grid's first full-width rows (Excel exports)."""
    title = unit = None
    skip = 0
    matrix = grid.matrix()
    for r in range(min(IN_GRID_TITLE_ROWS, grid.n_rows)):
        texts = [t for t in matrix[r] if t]
        joined = compact("".join(texts))
        spans_all = any(c.row == r and c.col_span >= grid.n_cols - 1 for c in grid.cells)
        m = _UNIT.search(joined)
        if m and len(texts) <= 2:
            unit = m.group(1)
            skip = r + 1
        elif (spans_all or len(texts) == 1) and looks_like_title(joined):
            title = normalise_text("".join(texts))
            skip = r + 1
        elif not joined or _LABEL_ONLY.fullmatch(joined):
            skip = r + 1  # a blank spacer row or a 表11 label row above an in-grid title
        else:
            break
    return (title, unit, skip) if title or unit else (None, None, 0)


def stitch_grids(contexts: list[GridContext]) -> list[list[GridContext]]:
    """Group grids into tables. A grid continues the table before it when

    - it is the first grid on its page and the previous grid was the last on the
      page before, and
    - it has no title of its own above it, or it is marked 续表, or its title
      repeats the table's title (Shenzhen prints 表1 收支总表 on every page), and
    - it has the same columns (``same_columns``).
    Everything else starts a new table.
    """
    groups: list[list[GridContext]] = []
    for ctx in contexts:
        if groups:
            prev = groups[-1][-1]
            same_cols = same_columns(prev.grid, ctx.grid)
            follows = ctx.first_on_page and prev.last_on_page and ctx.grid.page_no == prev.grid.page_no + 1
            same_title = ctx.title is not None and _table_title(groups[-1]) == compact(ctx.title)
            if follows and same_cols and (ctx.title is None or ctx.continued or same_title):
                groups[-1].append(ctx)
                continue
        groups.append([ctx])
    return groups


def same_columns(a: Grid, b: Grid) -> bool:
    """Same column count, or one more or fewer with every other column edge in place.

    A continuation page may drop or add one border column (a merged label), but a
    different table with a column count one off has its edges elsewhere.
    """
    if a.n_cols == b.n_cols:
        return True
    xa, xb = _col_edges(a), _col_edges(b)
    small, large = (xa, xb) if len(xa) < len(xb) else (xb, xa)
    nested = all(any(abs(x - y) <= COLUMN_EDGE_SLACK_PT for y in large) for x in small)
    # A header fragment (the 收入 | 支出 banner alone at a page foot) may have
    # far fewer columns than its body; otherwise allow one dropped border column.
    # A short continuation (only the closing 合计 row, its label merged across the
    # code columns) likewise has fewer columns than the table it ends.
    return nested and (abs(a.n_cols - b.n_cols) <= 1 or a.n_rows <= 2 or b.n_rows <= 2)


def join_fragment(head: Grid, body: Grid) -> Grid:
    """Stack a header fragment on top of the grid that continues it on the next page.

    The body's rows are moved up under the fragment, and the lattice is rebuilt
    from both grids' cell boxes, so the fragment's wide banner cells become
    merged cells over the body's columns.
    """
    shift = body.top - head.bottom
    boxes = [(c.x0, c.top, c.x1, c.bottom, c.text, c.conf) for c in head.cells]
    boxes += [(c.x0, c.top - shift, c.x1, c.bottom - shift, c.text, c.conf) for c in body.cells]
    grid = cells_to_grid([b[:4] for b in boxes], head.page_no)
    assert grid is not None, "two grids' cell boxes always form a lattice"
    texts = {(round(b[0]), round(b[1])): (b[4], b[5]) for b in boxes}
    for cell in grid.cells:
        cell.text, cell.conf = texts.get((round(cell.x0), round(cell.top)), ("", 1.0))
    grid.method = head.method
    grid.row_pages = [head.page_no if r < head.n_rows else body.page_no for r in range(grid.n_rows)]
    return grid


def _col_edges(g: Grid) -> list[float]:
    edges = {round(c.x0, 1) for c in g.cells} | {round(c.x1, 1) for c in g.cells}
    return sorted(edges)


def _table_title(group: list[GridContext]) -> str | None:
    return next((compact(c.title) for c in group if c.title), None)


def _row_is_body(row: list[str]) -> bool:
    """A body row carries an amount, a 科目编码, or a total label."""
    lead = next((i for i, t in enumerate(row) if t.strip()), None)
    first = compact(row[lead]) if lead is not None and lead <= 1 else ""
    if CODE.match(first) or CODE_IN_NAME.match(first):
        return True
    texts = [t for t in row if t.strip() and not is_amount(t)]
    if first in TOTAL_ROW_LABELS and len(texts) <= 2:
        return True  # a totals row; 合计 among many header words is a column header
    if sum(1 for t in row if is_amount(t)) >= 1 and not _is_column_number_row(row):
        return True
    filled = [i for i, t in enumerate(row) if t.strip()]
    return len(row) > 2 and len(filled) == 1 and filled[0] <= 1  # a label whose amounts are blank


def _is_column_number_row(row: list[str]) -> bool:
    """A header row that only numbers the columns (1 2 3 …, 栏次, 甲 乙)."""
    cells = [compact(t) for t in row if t.strip()]
    if not cells:
        return False
    numeric = [c for c in cells if re.fullmatch(r"\d{1,2}|栏次|行次|[甲乙丙丁]|\*+|\d{1,2}=\d.*", c)]
    return len(numeric) == len(cells) and len(cells) >= 2


def split_header(grid: Grid) -> int:
    """Number of header rows at the top of a grid.

    At least as deep as the merged cells of the first row reach (or a rules-only
    table's header rule); then up to the first row that looks like a body row (an
    amount, a code or a total).
    """
    matrix = grid.matrix()
    depth = max([c.row_span for c in grid.cells if c.row == 0] + [grid.header_rows or 0], default=1)
    for r in range(grid.n_rows):
        if (r >= depth and _row_is_body(matrix[r])) or (0 < r < depth and is_totals_row(matrix[r])):
            return r
    return min(depth, grid.n_rows)


#: A totals row's label, or 小计 (a subtotal row inside the header's span).
_TOTAL_LABEL = re.compile(f"^({alternation((*TOTAL_ROW_LABELS, '小计'))})$")


def is_totals_row(row: list[str]) -> bool:
    """A 合计 row with its amounts (合计 | 181716.56 | 7942.58 …), even where header cells span over it.

    Xi'an prints the totals row beside the header's vertically merged 编码/名称
    cells, inside their span: the row is still body, never a header level.
    Amounts must look like money (a decimal point, a thousands comma or 5+
    digits), so that a row of years or column numbers stays header.
    """
    cells = [compact(t) for t in row if t.strip()]
    labels = [c for c in cells if _TOTAL_LABEL.match(c)]
    amounts = [c for c in cells if is_amount(c)]
    money = [c for c in amounts if re.search(r"[.,]|\d{5}", c)]
    return len(labels) == 1 and len(labels) + len(amounts) == len(cells) and bool(money)


def column_paths(grid: Grid, header_rows: int, start: int = 0) -> tuple[list[str], list[str | None]]:
    """Header path per column, and its side (收入/支出) for two-sided tables."""
    filled = grid.matrix(fill_merged=True)
    paths: list[list[str]] = [[] for _ in range(grid.n_cols)]
    for r in range(start, header_rows):
        if _is_column_number_row(filled[r]):
            continue
        for c in range(grid.n_cols):
            text = compact(filled[r][c])
            if text and (not paths[c] or paths[c][-1] != text):
                paths[c].append(text)
    sides: list[str | None] = [None] * grid.n_cols
    has_in = any(p and _SIDE_IN.match(p[0]) for p in paths)
    has_out = any(p and _SIDE_OUT.match(p[0]) for p in paths)
    if has_in and has_out:
        # The side label stays the top level of the path (contract: 支出/当年预算安排).
        for c, p in enumerate(paths):
            if p and (_SIDE_IN.match(p[0]) or _SIDE_OUT.match(p[0])):
                sides[c] = "收入" if _SIDE_IN.match(p[0]) else "支出"
    else:
        _sides_from_repeated_labels(paths, sides)
    return ["/".join(p) for p in paths], sides


def _sides_from_repeated_labels(paths: list[list[str]], sides: list[str | None]) -> None:
    """项目 | 金额 | 项目 | 金额: a label column repeated mid-table starts the 支出 side."""
    labels = [c for c, p in enumerate(paths) if p and re.search(r"^(项目|收入项目|支出项目|科目|项目名称)$", p[-1])]
    if len(labels) == 2 and labels[0] == 0:
        for c in range(len(paths)):
            sides[c] = "收入" if c < labels[1] else "支出"


def build_tables(doc: Document) -> list[TableBlock]:
    """All budget tables of a document, grids stitched across pages."""
    contexts: list[GridContext] = []
    for page in doc.pages:
        for i in range(len(page.grids)):
            contexts.append(grid_context(page, i))
    tables: list[TableBlock] = []
    last_unit: str | None = None
    for group in stitch_grids(contexts):
        table = group_to_table(group, last_unit)
        if table is None:
            continue
        last_unit = table.unit_of_measure or last_unit
        tables.append(table)
    return tables


def group_to_table(group: list[GridContext], default_unit: str | None) -> TableBlock | None:
    """One table from its grids: header from the first, body rows from all."""
    first = group[0]
    page_last = group[-1].grid.page_no
    if len(group) > 1 and first.grid.n_rows <= 2 and first.grid.n_cols < group[1].grid.n_cols:
        # A header fragment at the foot of a page: it and the next grid are one grid.
        group = [GridContext(**{**first.__dict__, "grid": join_fragment(first.grid, group[1].grid)})] + group[2:]
        first = group[0]
    grid = first.grid
    in_title, in_unit, skip = _in_grid_title(grid)
    title = first.title or in_title
    if in_title and first.title and _RUNNING_HEADER.match(compact(first.title)):
        title = in_title  # the grid prints the full title; the line above is a running header
    if title is None:
        return None  # a ruled box that is not a titled table (a form, a text frame)
    key = table_key(title)
    if "绩效" in title:
        return None  # performance-target forms are read by the forms stage
    header_rows = max(split_header(grid), skip)
    columns, sides = column_paths(grid, header_rows, start=skip)
    header_texts = [[compact(t) for t in row] for row in grid.matrix()[skip:header_rows]]
    body: list[list[str]] = []
    body_pages: list[int] = []
    for i, ctx in enumerate(group):
        rows = ctx.grid.matrix()
        start = header_rows if i == 0 else _repeated_header_rows(rows, header_texts)
        for r in range(start, len(rows)):
            row = _carry_merged_labels(ctx.grid, r, rows[r], start)
            if ctx.grid.n_cols != grid.n_cols:
                row = _align_row(ctx.grid, r, row, grid)
            if any(t.strip() for t in rows[r]) and not _is_column_number_row(rows[r]):
                body.append(row)
                body_pages.append(ctx.grid.row_pages[r] if ctx.grid.row_pages else ctx.grid.page_no)
    table_no, clean_title = split_table_no(title)
    table = TableBlock(
        title=normalise_text(title), table_key=key, table_no=first.table_no or table_no,
        unit_of_measure=first.unit or in_unit or default_unit, page_first=grid.page_no,
        page_last=page_last, columns=columns, body=body, body_pages=body_pages,
        sides=sides, method=grid.method, bbox=(grid.x0, grid.top, grid.x1, grid.bottom), header_rows=header_rows,
    )
    table.has_data = has_nonzero_amount(table) and not any(c.no_data_note for c in group)
    return table


def has_nonzero_amount(table: TableBlock) -> bool:
    """Whether any amount cell is non-zero.

    A table whose every printed amount is 0.00 carries no data either (Shenzhen
    and Foshan print empty fund tables that way instead of 注：本表无数据).
    """
    roles = column_roles(table)
    return any((parse_amount(row[c]) or 0.0) != 0.0 for row in table.body
               for c, role in enumerate(roles) if role == "amount" and c < len(row))


def _repeated_header_rows(rows: list[list[str]], header_texts: list[list[str]]) -> int:
    """How many leading rows of a continuation grid repeat the table's header."""
    n = 0
    flat_header = ["".join(r) for r in header_texts]
    for row in rows[: len(header_texts) + 1]:
        joined = "".join(compact(t) for t in row)
        # Fuzzy: an OCR'd repeat of the header may differ in a character or two.
        if joined and (_is_column_number_row(row)
                       or any(fuzz.ratio(joined, h) >= REPEATED_HEADER_MIN_RATIO for h in flat_header)):
            n += 1
        else:
            break
    return n


def _align_row(part: Grid, r: int, row: list[str], main: Grid) -> list[str]:
    """A continuation grid's row placed in the main grid's columns by x position.

    Its columns differ when it merges cells the main grid keeps apart (合计 across
    the 类/款/项 and name columns); each cell goes to the main column where it starts.
    """
    starts = [min((c for c in main.cells if c.col == k), key=lambda c: c.x1 - c.x0).x0 for k in range(main.n_cols)
              if any(c.col == k for c in main.cells)]
    out = [""] * main.n_cols
    for k, text in enumerate(row):
        cell = part.cell_at(r, k)
        if cell is None or not text or cell.col != k:
            continue
        target = min(range(len(starts)), key=lambda i: abs(starts[i] - cell.x0)) if starts else k
        out[min(target, main.n_cols - 1)] = text
    return out


def _carry_merged_labels(grid: Grid, r: int, row: list[str], first_body: int = 0) -> list[str]:
    """Body row with vertically merged label cells repeated (group labels).

    The inherited text is prefixed with NUL so that line building can tell a
    group label (一般公共预算资金 over 小计 / 专项收入) from the row's own label.
    A header cell spanning down beside a totals row (Xi'an's 部门经济科目名称
    beside 合计) is no group label: only body cells (from ``first_body``) are carried.
    """
    out = list(row)
    for c in range(len(out)):
        if not out[c]:
            cell = grid.cell_at(r, c)
            if cell is not None and first_body <= cell.row < r and cell.row_span > 1 and not is_amount(cell.text):
                out[c] = "\u0000" + cell.text  # marked: inherited from a merged group label
    return out


def table_rows(doc_id: str, tables: list[TableBlock]) -> list[dict[str, Any]]:
    """The contract's ``budget_tables`` rows, one per table in document order (``table_index``)."""
    out: list[dict[str, Any]] = []
    for index, t in enumerate(tables):
        out.append({"doc_id": doc_id, "table_index": index, "table_key": t.table_key, "table_no": t.table_no,
                    "title": t.title,
                    "unit_of_measure": t.unit_of_measure, "page_first": t.page_first, "page_last": t.page_last,
                    "n_rows": len(t.body), "has_data": t.has_data, "method": t.method,
                    **dict(zip(("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom"),
                               [round(v, 1) for v in t.bbox] if t.bbox else [None] * 4))})
    return out
