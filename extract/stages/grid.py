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
from extract.stages.layout import CELL_SLACK_PT, GRID_SLACK_PT, cell_line_tolerance, in_box, words_text
import functools

SNAP = 3.0  # points: rulings closer than this are one line
#: How far (pt) a text line may stick out of a rules-only table's left and right rule ends and be in it.
RULE_TABLE_SLACK_PT = 2.0
#: A rules-only table's lines run on past a missing bottom rule until a gap this many line gaps tall.
RUN_ON_MAX_GAP = 2.5
#: Fewest lines with an amount for rules to frame a table, unless at least RULE_TABLE_FULL_FRAME rules do.
RULE_TABLE_MIN_AMOUNT_LINES = 2
#: Rules of a whole 三线表 (top, under the header, bottom): so framed, a table needs no amounts.
RULE_TABLE_FULL_FRAME = 3
#: Fewest columns and row boundaries of a rules-only table's lattice.
RULE_TABLE_MIN_BOUNDS = 3
#: The usual blank height between a rules-only table's lines is taken as at least this (pt).
MIN_LINE_GAP_PT = 6.0
#: A header word with another header word lower than this many of its font sizes below it heads no column.
LEAF_BELOW_EM = 0.5
#: How far (pt) a word may stick out of a run of text between blank strips and still belong to it.
CLUSTER_SLACK_PT = 0.5
#: Two text lines closer than this share of the table's usual row gap are one label wrapped in its cell.
WRAPPED_ROW_SHARE = 0.5
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
        if not in_box(w, grid, GRID_SLACK_PT):
            continue
        for i, c in enumerate(grid.cells):
            if in_box(w, c, CELL_SLACK_PT):
                buckets.setdefault(i, []).append(w)
                break
    for i, ws in buckets.items():
        cell = grid.cells[i]
        cell.text = words_text(ws, y_tolerance=cell_line_tolerance(ws))
        cell.conf = min(w.conf for w in ws)


#: A horizontal rule this share of the page wide or wider may frame a table.
RULE_TABLE_MIN_WIDTH = 0.4
#: Columns of a rules-only table are separated by blank vertical strips this wide (points).
COLUMN_GAP = 6.0


def find_rule_tables(page: Page, ruled: Sequence[Grid]) -> list[Grid]:
    """Tables drawn with horizontal rules only (三线表: top, under the header, bottom).

    Long horizontal rules sharing their left and right ends frame a table; a caption between two of them
    (a title, 单位：万元, 预算公开表N) means they belong to two tables, and the second rule closes the
    header. Its rows are the text lines (boundaries half-way between lines and at the rules; a label
    wrapped in its cell stays one row); its columns are the header's leaf labels, each given the clusters
    of body text it heads (:func:`_column_bounds`), with the ends of the partial rules that underline the
    labels spanning several columns as exact edges. A table broken by a page has no bottom rule: its body
    runs on below the header rule. The result is an ordinary :class:`Grid`, so headers, titles and lines
    are read as for ruled tables.
    """
    from extract.stages.layout import group_lines

    rules = sorted((r for r in page.rulings if r.orientation == "h"
                    and r.x1 - r.x0 >= RULE_TABLE_MIN_WIDTH * page.width
                    and not any(g.x0 - SNAP <= r.x0 and r.x1 <= g.x1 + SNAP and g.top - SNAP <= r.top <= g.bottom + SNAP
                                for g in ruled)), key=lambda r: r.top)
    free = [w for w in page.words if not any(in_box(w, g, GRID_SLACK_PT) for g in ruled)]
    lines = group_lines(free)
    out: list[Grid] = []
    for group in _rule_groups(rules):
        for seg in _split_at_captions(group, lines):
            grid = _rule_table(page, seg, lines, rules)
            if grid is not None:
                out.append(grid)
    return out


def _split_at_captions(group: list[Ruling], lines: list[list[Word]]) -> list[list[Ruling]]:
    """Rules of one group, cut where a caption line lies between two consecutive rules."""
    segments = [[group[0]]]
    for upper, lower in zip(group, group[1:]):
        between = [ln for ln in lines if upper.top < _yc(ln) < lower.top and upper.x0 - 2 <= ln[0].xc <= upper.x1 + 2]
        if any(_is_caption(ln) for ln in between):
            segments.append([])
        segments[-1].append(lower)
    return [s for s in segments if len(s) >= 2]


def _is_caption(line: list[Word]) -> bool:
    """A line printed above or beside a table, never inside one: its title, unit or 表N label."""
    from extract.stages.normalise import compact
    from extract.stages.table_keys import looks_like_title

    text = compact(" ".join(w.text for w in line))
    return looks_like_title(text) or text.startswith(("单位:", "单位名称:", "预算公开表", "公开表", "附表"))


def _yc(line: list[Word]) -> float:
    return sum(w.yc for w in line) / len(line)


def _rule_table(page: Page, seg: list[Ruling], lines: list[list[Word]], rules: list[Ruling]) -> Grid | None:
    """The grid of one rules-only table framed by the rules ``seg`` (top to bottom), or None."""
    from extract.stages.numbers import is_amount

    x0, x1, top = seg[0].x0, seg[0].x1, seg[0].top
    slack = RULE_TABLE_SLACK_PT
    inside = [ln for ln in lines if top < _yc(ln) and x0 - slack <= ln[0].xc and ln[-1].xc <= x1 + slack]
    framed = [ln for ln in inside if _yc(ln) < seg[-1].top]
    open_bottom = not any(_yc(ln) > seg[1].top for ln in framed)  # no body under the header rule
    below = _run_on(inside[len(framed):], seg[-1].top, rules, framed) if open_bottom else []
    lines_in = framed + below
    has_amount = [any(is_amount(w.text) for w in ln) for ln in lines_in]
    if sum(has_amount) < RULE_TABLE_MIN_AMOUNT_LINES and len(seg) < RULE_TABLE_FULL_FRAME:
        return None
    header_rule = seg[1]  # the second rule closes the header (its last row may number the columns: 1 2 3)
    bottom = seg[-1].top if not below else max(w.bottom for w in below[-1]) + 2
    spans = _partial_rules(page, x0, x1, top, header_rule.top)  # header spans only, never over amounts
    header = [ln for ln in lines_in if _yc(ln) < header_rule.top]
    body = [ln for ln in lines_in if _yc(ln) > header_rule.top]
    cols = _column_bounds(body, x0, x1, spans, _leaf_labels(header, spans))
    rows = _row_bounds(lines_in, [r.top for r in seg] + [r.top for r in spans] + [bottom], _line_gap(body, 0.0))
    if len(cols) < RULE_TABLE_MIN_BOUNDS or len(rows) < RULE_TABLE_MIN_BOUNDS:
        return None
    grid = cells_to_grid(_boxes(cols, rows, spans), page.page_no)
    if grid is not None:
        fill_cells(grid, [w for ln in lines_in for w in ln])
        grid.header_rows = sum(1 for y in rows[1:] if y <= header_rule.top + SNAP)
    return grid


def _run_on(lines: list[list[Word]], last_rule: float, rules: list[Ruling], framed: list[list[Word]]
            ) -> list[list[Word]]:
    """The body lines of a table that a page break left without its bottom rule: the lines below its last
    rule up to the next caption, rule or wide gap (the page number below the text block), if any of them
    holds an amount.
    """
    from extract.stages.numbers import is_amount

    run: list[list[Word]] = []
    prev_bottom = last_rule
    pitch = _line_gap(framed)
    for ln in lines:
        top = min(w.top for w in ln)
        if _is_caption(ln) or any(prev_bottom < r.top < top for r in rules) \
                or top - prev_bottom > RUN_ON_MAX_GAP * pitch:
            break
        run.append(ln)
        prev_bottom = max(w.bottom for w in ln)
    return run if any(is_amount(w.text) for ln in run for w in ln) else []


def _line_gap(lines: list[list[Word]], floor: float = MIN_LINE_GAP_PT) -> float:
    """The usual (median) blank height between consecutive lines, at least ``floor`` points."""
    gaps = sorted(min(w.top for w in b) - max(w.bottom for w in a) for a, b in zip(lines, lines[1:]))
    return max(gaps[len(gaps) // 2] if gaps else 0.0, floor)


def _leaf_labels(header: list[list[Word]], spans: list[Ruling]) -> list[Word]:
    """The header words that name one column each: those with no other header word below them in their
    x range (the lowest label of a column; a wrapped label's last line) and no partial rule under them (a
    label a rule underlines spans the columns below it).
    """
    words = [w for ln in header for w in ln]

    def leaf(w: Word) -> bool:
        below = any(v is not w and v.yc > w.yc + LEAF_BELOW_EM * w.size and v.x0 < w.x1 and v.x1 > w.x0 for v in words)
        underlined = any(r.x0 - SNAP <= w.xc <= r.x1 + SNAP and r.top > w.bottom for r in spans)
        return not below and not underlined

    return sorted((w for w in words if leaf(w)), key=lambda w: w.xc)


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


def _column_bounds(lines: list[list[Word]], x0: float, x1: float, spans: Sequence[Ruling] = (),
                   labels: Sequence[Word] = ()) -> list[float]:
    """Column edges from the body ``lines``, the header's leaf ``labels`` and the partial rules' ends.

    The body's words form clusters parted by blank vertical strips. Without labels every strip holds an
    edge. With them, every label is a column and every cluster belongs to one of them (:func:`_columns`);
    the edge between two columns lies between their extents, at a partial rule's end where one lies there
    (such a rule ends where its column does), else half-way.
    """
    extents = [(w.x0, w.x1) for ln in lines for w in ln]
    strips = _blank_strips(extents, x0, x1)
    ends = sorted({round(x, 1) for r in spans for x in (r.x0, r.x1) if x0 + SNAP < x < x1 - SNAP})
    groups: list[tuple[float, float]] = []  # leaf labels that overlap in x are one column's
    for w in labels:
        if groups and w.x0 < groups[-1][1]:
            groups[-1] = (groups[-1][0], max(groups[-1][1], w.x1))
        else:
            groups.append((w.x0, w.x1))
    clusters = [(a, b) for a, b in zip([x0] + [s[1] for s in strips], [s[0] for s in strips] + [x1])
                if any(a - CLUSTER_SLACK_PT <= e0 and e1 <= b + CLUSTER_SLACK_PT for e0, e1 in extents)]
    hulls = _columns(groups, clusters) if len(groups) >= 2 else None
    places = [s for s in strips if s[0] > x0 and s[1] < x1] if hulls is None else \
        [(a[1], b[0]) for a, b in zip(hulls, hulls[1:])]
    edges = [x0]
    for a, b in places:
        held = [x for x in ends if a - SNAP <= x <= b + SNAP]
        edges.append(held[0] if held else (a + b) / 2)
    return sorted(edges) + [x1]


def _columns(labels: list[tuple[float, float]], clusters: list[tuple[float, float]]
             ) -> list[tuple[float, float]] | None:
    """Each column's extent: its label joined with the body clusters it is given, in order, extents not
    overlapping; the assignment that gives the most labels a cluster, then the narrowest columns.
    None when no assignment fits (a label straddling two clusters).
    """

    @functools.cache
    def best(i: int, j: int, prev: float) -> tuple[tuple[int, float], tuple] | None:
        if i == len(labels):
            return ((0, 0.0), ()) if j == len(clusters) else None
        found = None
        for k in range(len(clusters) - j + 1):
            parts = [labels[i], *clusters[j:j + k]]
            hull = (min(p[0] for p in parts), max(p[1] for p in parts))
            if hull[0] < prev - 1.0:
                break
            rest = best(i + 1, j + k, hull[1])
            if rest is None:
                continue
            score = (rest[0][0] + (k > 0), rest[0][1] - (hull[1] - hull[0]))
            if found is None or score > found[0]:
                found = (score, (hull, *rest[1]))
        return found

    result = best(0, 0, float("-inf"))
    return list(result[1]) if result else None


def _blank_strips(extents: list[tuple[float, float]], x0: float, x1: float) -> list[tuple[float, float]]:
    """The x intervals at least COLUMN_GAP wide that no extent covers, between ``x0`` and ``x1``."""
    strips = []
    end = x0
    for a, b in sorted(extents):
        if a - end >= COLUMN_GAP:
            strips.append((end, a))
        end = max(end, b)
    if x1 - end >= COLUMN_GAP:
        strips.append((end, x1))
    return strips


def _row_bounds(lines: list[list[Word]], rule_ys: list[float], row_gap: float = 0.0) -> list[float]:
    """Row edges: the rules, and half-way between consecutive text lines, except between two lines closer
    than half the table's usual gap between rows (``row_gap``): a label wrapped in its cell.
    """
    bounds = {round(y, 1) for y in rule_ys}
    for a, b in zip(lines, lines[1:]):
        gap_top = max(w.bottom for w in a)
        gap_bottom = min(w.top for w in b)
        mid = (gap_top + gap_bottom) / 2
        wrapped = gap_bottom - gap_top < WRAPPED_ROW_SHARE * row_gap
        if not wrapped and not any(abs(mid - y) <= 2 * SNAP for y in rule_ys):
            bounds.add(round(mid, 1))
    return sorted(bounds)


def words_in_grids(page: Page) -> set[int]:
    """Indexes of the page's words that lie inside one of its grids."""
    inside: set[int] = set()
    for i, w in enumerate(page.words):
        for g in page.grids:
            if in_box(w, g, GRID_SLACK_PT):
                inside.add(i)
                break
    return inside
