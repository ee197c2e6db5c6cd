"""Small constructed grids and tables for the layout tests: a text matrix in, the page model out."""

from __future__ import annotations

from extract.model import Cell, Grid, TableBlock
from extract.stages.tables import column_paths, split_header


def grid(rows: list[list[str]], spans: dict[tuple[int, int], tuple[int, int]] | None = None) -> Grid:
    """A lattice from a text matrix; spans maps (row, col) → (row_span, col_span)."""
    spans = spans or {}
    covered = {(r + i, c + k) for (r, c), (rs, cs) in spans.items() for i in range(rs) for k in range(cs)
               if (i, k) != (0, 0)}
    cells = [Cell(r, c, *spans.get((r, c), (1, 1)), c * 10, r * 10, c * 10 + 10, r * 10 + 10, text)
             for r, row in enumerate(rows) for c, text in enumerate(row) if (r, c) not in covered]
    return Grid(1, 0, 0, len(rows[0]) * 10, len(rows) * 10, len(rows), len(rows[0]), cells)


def table(rows: list[list[str]], spans: dict[tuple[int, int], tuple[int, int]] | None,
          key: str = "expenditure_total", unit: str = "万元") -> TableBlock:
    """The table the tables stage would build from that lattice (header split, column paths)."""
    g = grid(rows, spans)
    h = split_header(g)
    cols, sides = column_paths(g, h)
    return TableBlock("t", key, None, unit, 1, 1, cols, list(g.matrix()[h:]), [1] * (g.n_rows - h), sides)
