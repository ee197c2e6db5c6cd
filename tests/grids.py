"""Small constructed grids, tables, words and pages for the layout tests: text in, the page model out."""

from __future__ import annotations

from itertools import accumulate

from extract.model import Cell, Grid, Page, Ruling, TableBlock, Word
from extract.stages.tables import column_paths, split_header


def grid(rows: list[list[str]], spans: dict[tuple[int, int], tuple[int, int]] | None = None, *,
         page_no: int = 1, widths: list[float] | None = None, x0: float = 0.0, top: float = 0.0,
         row_height: float = 10.0) -> Grid:
    """A lattice from a text matrix; spans maps (row, col) → (row_span, col_span).

    Columns are 10 pt wide unless ``widths`` says otherwise, rows ``row_height`` tall, the
    lattice's top-left corner at (``x0``, ``top``) of page ``page_no``.
    """
    spans = spans or {}
    widths = widths or [10.0] * len(rows[0])
    xs = [x0 + x for x in accumulate([0.0, *widths])]
    ys = [top + r * row_height for r in range(len(rows) + 1)]
    covered = {(r + i, c + k) for (r, c), (rs, cs) in spans.items() for i in range(rs) for k in range(cs)
               if (i, k) != (0, 0)}
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            cells.append(Cell(r, c, rs, cs, xs[c], ys[r], xs[c + cs], ys[r + rs], text))
    return Grid(page_no, xs[0], ys[0], xs[-1], ys[-1], len(rows), len(rows[0]), cells)


def table(rows: list[list[str]], spans: dict[tuple[int, int], tuple[int, int]] | None,
          key: str = "expenditure_total", unit: str = "万元") -> TableBlock:
    """The table the tables stage would build from that lattice (header split, column paths)."""
    g = grid(rows, spans)
    h = split_header(g)
    cols, sides = column_paths(g, h)
    return TableBlock("t", key, None, unit, 1, 1, cols, list(g.matrix()[h:]), [1] * (g.n_rows - h), sides)


def word(text: str, x0: float, top: float, size: float = 10.0, width: float | None = None) -> Word:
    """A word of ``size`` pt glyphs at (x0, top), one em wide per character unless ``width`` is given."""
    return Word(text, x0, top, x0 + (width if width is not None else size * len(text)), top + size, size=size)


def line(texts: list[str], top: float, x0: float = 72.0, gap: float = 20.0, size: float = 10.0) -> list[Word]:
    """Words of one visual line, left to right, ``gap`` pt apart."""
    out: list[Word] = []
    x = x0
    for text in texts:
        out.append(word(text, x, top, size))
        x = out[-1].x1 + gap
    return out


def page(words: list[Word] | None = None, grids: list[Grid] | None = None, rulings: list[Ruling] | None = None,
         page_no: int = 1, width: float = 595.0, height: float = 842.0, method: str = "text") -> Page:
    """An A4 page holding the given words, grids and rulings."""
    return Page(page_no=page_no, width=width, height=height, method=method, words=list(words or []),
                rulings=list(rulings or []), grids=list(grids or []))
