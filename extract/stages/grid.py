"""Grid: ruling lines + words → ruled table grids with merged cells.

Reads ``page.rulings`` and ``page.words``; fills ``page.grids``. Works the same
for text-layer and OCR pages. The cell finder is pdfplumber's, used as pure
functions (edges → intersections → cells → tables); what pdfplumber does not do
and this module adds is the row/column lattice with spans (merged header cells
keep one text and know which columns they cover), and tables drawn with
horizontal rules only (columns from the words' x positions).
"""

from __future__ import annotations

from collections.abc import Sequence

from pdfplumber import table as plumber_table

from extract.model import Cell, Grid, Page, Ruling, Word
from extract.stages.layout import words_text

SNAP = 3.0  # points: rulings closer than this are one line
#: A grid needs at least this many rows and columns to be a table.
MIN_ROWS, MIN_COLS = 1, 2  # one row: a table's header printed alone at a page foot


def find_grids(page: Page) -> list[Grid]:
    """Every ruled grid on the page, top to bottom, with the words placed in cells."""
    if not page.rulings:
        return []
    edges = [_edge(r) for r in close_open_grids(page.rulings)]
    edges = plumber_table.merge_edges(edges, SNAP, SNAP, SNAP, SNAP)
    inter = plumber_table.edges_to_intersections(edges, 1, 1)
    cells = plumber_table.intersections_to_cells(inter)
    grids = []
    for group in plumber_table.cells_to_tables(cells):
        grid = cells_to_grid(group, page.page_no)
        if grid is not None and grid.n_rows >= MIN_ROWS and grid.n_cols >= MIN_COLS:
            fill_cells(grid, page.words)
            grids.append(grid)
    if page.method == "text":  # scans: rulings found by morphology are too noisy for this yet
        grids += find_rule_tables(page, grids)
    grids.sort(key=lambda g: g.top)
    return grids


def close_open_grids(rulings: Sequence[Ruling]) -> list[Ruling]:
    """Add the missing top or bottom border where several verticals end together.

    A table continued over a page break is often printed without its top (or
    bottom) border; pdfplumber only makes cells closed on four sides, so the first
    row would be lost. Where two or more vertical rulings end at the same height
    and no horizontal ruling runs there, draw one.
    """
    out = list(rulings)
    verticals = [r for r in rulings if r.orientation == "v"]
    horizontals = [r for r in rulings if r.orientation == "h"]
    for end in ("top", "bottom"):
        for y in _cluster([getattr(v, end) for v in verticals]):
            beyond = y - 2 * SNAP if end == "top" else y + 2 * SNAP
            ends = [v for v in verticals if abs(getattr(v, end) - y) <= SNAP
                    and not _continues(verticals, v.x0, beyond)]
            if len(ends) < 2:
                continue
            x0, x1 = min(v.x0 for v in ends), max(v.x0 for v in ends)
            covered = any(abs(h.top - y) <= SNAP and h.x0 <= x0 + SNAP and h.x1 >= x1 - SNAP for h in horizontals)
            if not covered:
                out.append(Ruling(x0, y, x1, y))
    return out


def _continues(verticals: Sequence[Ruling], x: float, y: float) -> bool:
    """Whether some vertical ruling at ``x`` passes through height ``y``.

    Excel exports draw each cell's border separately, so a column border is many
    short segments; a segment's end is a grid's open edge only where no other
    segment carries the border on.
    """
    return any(abs(v.x0 - x) <= SNAP and v.top <= y <= v.bottom for v in verticals)


def _edge(r: Ruling) -> dict:
    return {"x0": r.x0, "x1": r.x1, "top": r.top, "bottom": r.bottom, "width": r.x1 - r.x0,
            "height": r.bottom - r.top, "orientation": r.orientation,
            "object_type": "line"}


def _cluster(values: Sequence[float], tol: float = SNAP) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    best = min(range(len(edges)), key=lambda i: abs(edges[i] - v))
    return best


def cells_to_grid(cells: Sequence[tuple[float, float, float, float]], page_no: int) -> Grid | None:
    """Turn pdfplumber cell boxes (x0, top, x1, bottom) into a lattice with spans."""
    if not cells:
        return None
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    out: list[Cell] = []
    seen: set[tuple[int, int]] = set()
    for x0, top, x1, bottom in cells:
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0 or (r0, c0) in seen:
            continue
        seen.add((r0, c0))
        out.append(Cell(r0, c0, r1 - r0, c1 - c0, x0, top, x1, bottom))
    out.sort(key=lambda c: (c.row, c.col))
    return Grid(page_no, xs[0], ys[0], xs[-1], ys[-1], len(ys) - 1, len(xs) - 1, out)


def fill_cells(grid: Grid, words: Sequence[Word]) -> None:
    """Place each word in the cell holding its centre; cell text in reading order."""
    buckets: dict[int, list[Word]] = {}
    for w in words:
        if not (grid.x0 - 1 <= w.xc <= grid.x1 + 1 and grid.top - 1 <= w.yc <= grid.bottom + 1):
            continue
        for i, c in enumerate(grid.cells):
            if c.x0 - 0.5 <= w.xc <= c.x1 + 0.5 and c.top - 0.5 <= w.yc <= c.bottom + 0.5:
                buckets.setdefault(i, []).append(w)
                break
    for i, ws in buckets.items():
        cell = grid.cells[i]
        cell.text = words_text(ws, y_tolerance=max(2.0, 0.4 * max(w.size for w in ws)))
        cell.conf = min(w.conf for w in ws)


#: A horizontal rule this share of the page wide or wider may frame a table.
RULE_TABLE_MIN_WIDTH = 0.4
#: Columns of a rules-only table are separated by blank vertical strips this wide (points).
COLUMN_GAP = 6.0


def find_rule_tables(page: Page, ruled: Sequence[Grid]) -> list[Grid]:
    """Tables drawn with horizontal rules only (三线表: top, under the header, bottom).

    Long horizontal rules sharing their left and right ends frame a region; its
    rows are the text lines (boundaries half-way between lines and at the rules),
    its columns the blank vertical strips that every line holding an amount
    leaves free (header words may straddle them). The result is an ordinary
    :class:`Grid`, so headers, titles and lines are read as for ruled tables.
    """
    from extract.stages.layout import group_lines
    from extract.stages.numbers import is_amount

    rules = sorted((r for r in page.rulings if r.orientation == "h"
                    and r.x1 - r.x0 >= RULE_TABLE_MIN_WIDTH * page.width
                    and not any(g.x0 - SNAP <= r.x0 and r.x1 <= g.x1 + SNAP and g.top - SNAP <= r.top <= g.bottom + SNAP
                                for g in ruled)), key=lambda r: r.top)
    out: list[Grid] = []
    for group in _rule_groups(rules):
        x0, x1, top, bottom = group[0].x0, group[0].x1, group[0].top, group[-1].top
        words = [w for w in page.words if x0 - 2 <= w.xc <= x1 + 2 and top < w.yc < bottom]
        lines = group_lines(words)
        body = [ln for ln in lines if any(is_amount(w.text) for w in ln)]
        if len(body) < 2:
            continue
        cols = _column_bounds(body, x0, x1)
        first_body = min(w.top for w in body[0])
        spans = _partial_rules(page, x0, x1, top, first_body)  # header spans only, never over amounts
        rows = _row_bounds(lines, [r.top for r in group] + [r.top for r in spans])
        if len(cols) < 3 or len(rows) < 3:
            continue
        grid = cells_to_grid(_boxes(cols, rows, spans), page.page_no)
        if grid is not None:
            fill_cells(grid, words)
            out.append(grid)
    return out


def _partial_rules(page: Page, x0: float, x1: float, top: float, bottom: float) -> list[Ruling]:
    """Short horizontal rules in a rules-only table's header (between ``top`` and ``bottom``): each
    underlines a label that spans the columns below it (2025年预算数 over 合计 | 基本支出 | 项目支出).
    """
    return [r for r in page.rulings if r.orientation == "h" and top + SNAP < r.top < bottom - SNAP
            and x0 - SNAP <= r.x0 and r.x1 <= x1 + SNAP and (r.x1 - r.x0) < (x1 - x0) - 4 * SNAP]


def _boxes(cols: list[float], rows: list[float], spans: list[Ruling]) -> list[tuple[float, float, float, float]]:
    """Cell boxes of the lattice; in the row just above a partial rule, the columns the rule
    covers form one merged cell.
    """
    merged: dict[int, list[tuple[int, int]]] = {}
    for r in spans:
        j = _index(rows, r.top) - 1  # the row whose bottom edge the rule draws
        a, b = _index(cols, r.x0), _index(cols, r.x1)
        if j >= 0 and b - a >= 2:
            merged.setdefault(j, []).append((a, b))
    boxes = []
    for j in range(len(rows) - 1):
        i = 0
        while i < len(cols) - 1:
            span = next(((a, b) for a, b in merged.get(j, []) if a == i), None)
            end = span[1] if span else i + 1
            boxes.append((cols[i], rows[j], cols[end], rows[j + 1]))
            i = end
    return boxes


def _rule_groups(rules: list[Ruling]) -> list[list[Ruling]]:
    """Rules with the same left and right ends, top to bottom, two or more per group."""
    groups: list[list[Ruling]] = []
    for r in rules:
        for g in groups:
            if abs(g[0].x0 - r.x0) <= 2 * SNAP and abs(g[0].x1 - r.x1) <= 2 * SNAP:
                g.append(r)
                break
        else:
            groups.append([r])
    return [g for g in groups if len(g) >= 2]


def _column_bounds(body_lines: list[list[Word]], x0: float, x1: float) -> list[float]:
    """Column edges at the middle of every blank strip the body lines leave free."""
    covered = sorted((w.x0, w.x1) for line in body_lines for w in line)
    edges = [x0]
    end = covered[0][1] if covered else x0
    for a, b in covered[1:]:
        if a - end >= COLUMN_GAP:
            edges.append((a + end) / 2)
        end = max(end, b)
    edges.append(x1)
    return edges


def _row_bounds(lines: list[list[Word]], rule_ys: list[float]) -> list[float]:
    """Row edges: the rules, and half-way between consecutive text lines."""
    bounds = {round(y, 1) for y in rule_ys}
    for a, b in zip(lines, lines[1:]):
        gap_top = max(w.bottom for w in a)
        gap_bottom = min(w.top for w in b)
        mid = (gap_top + gap_bottom) / 2
        if not any(abs(mid - y) <= 2 * SNAP for y in rule_ys):
            bounds.add(round(mid, 1))
    return sorted(bounds)


def words_in_grids(page: Page) -> set[int]:
    """Indexes of the page's words that lie inside one of its grids."""
    inside: set[int] = set()
    for i, w in enumerate(page.words):
        for g in page.grids:
            if g.x0 - 1 <= w.xc <= g.x1 + 1 and g.top - 1 <= w.yc <= g.bottom + 1:
                inside.add(i)
                break
    return inside
