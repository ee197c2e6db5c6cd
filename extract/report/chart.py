"""Inline-SVG bar chart of spending by function (类) for the QA report.

Reads ``budget_lines`` rows; returns an SVG string (no scripts, no fonts to
fetch: it opens from disk). The 类 rows of the 一般公共预算支出表, or of the
支出总表 when that table is missing, in the table's total column.
"""

from __future__ import annotations

from html import escape
from typing import Any

from extract.checks.common import total_column

Row = dict[str, Any]


def function_rows(lines: list[Row]) -> tuple[list[tuple[str, float]], str]:
    """(name, amount) of each 类 row, biggest first, and the unit."""
    for key in ("general_budget_expenditure", "expenditure_total"):
        rows = [r for r in lines if r["table_key"] == key]
        col = total_column(rows) if rows else None
        bars = {str(r["name"]): float(r["amount"]) for r in rows
                if r["column"] == col and r.get("code") and len(str(r["code"])) == 3}
        if bars:
            unit = str(rows[0].get("unit") or "")
            return sorted(bars.items(), key=lambda kv: -kv[1]), unit
    return [], ""


def bar_chart(lines: list[Row], width: int = 640) -> str:
    """Horizontal bars, one per 类, labelled with name and amount; empty string when no data."""
    bars, unit = function_rows(lines)
    if not bars:
        return ""
    top = max(v for _, v in bars) or 1.0
    label_w, row_h = 190, 22
    height = row_h * len(bars) + 26
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="expenditure by function">',
             f'<text x="0" y="14" class="cap">Expenditure by function (类), {escape(unit)}</text>']
    for i, (name, value) in enumerate(bars):
        y = 24 + i * row_h
        w = max((width - label_w - 90) * value / top, 1)
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(name[:14])}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="#4a7ab5"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{value:,.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)
