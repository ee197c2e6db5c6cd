"""Excel: every contract table as one sheet of ``OUT/extract.xlsx``, for people who live in Excel or WPS.

Reads the final contract frames (the same ones written to CSV and Parquet);
returns the workbook's bytes, which :mod:`extract.outputs` writes atomically and
only when they change. The bytes are deterministic: xlsxwriter stamps every zip
member with 1980-01-01 when it works in memory, and the workbook's created date
is fixed here, so the same tables give the same file and a re-run does not
touch it.

Cells are typed by the contract (:mod:`extract.schema`): amounts are real
numbers (``#,##0.00``, so they sum in Excel), codes such as 科目编码 2040801 or
dept_code 028 stay text (no lost leading zeros), and no string is ever read as a
formula or a link.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import TYPE_CHECKING, Any

from extract.schema import CONTRACT

if TYPE_CHECKING:
    import pandas as pd

XLSX_NAME = "extract.xlsx"

#: Fixed workbook dates: the file's bytes must depend on the tables only.
FIXED_DATE = dt.datetime(2000, 1, 1)
#: Excel's sheet row limit, header row included; longer tables continue on ``NAME_2`` …
MAX_ROWS = 1_048_576
#: Excel truncates longer cell text; we cut it ourselves so the cut is visible (…).
MAX_CELL_CHARS = 32_767
#: Text columns whose longest value passes this many characters are wrapped at WRAP_WIDTH.
WRAP_AFTER = 40
WRAP_WIDTH = 60
#: Number columns shown as money (two decimals, thousands separators).
MONEY_PREFIXES = ("amount", "funds_")


def xlsx_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per table (in contract order), header frozen; deterministic bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": FIXED_DATE, "title": "extract: budget disclosure tables"})
    styles = {"header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
              "money": book.add_format({"num_format": "#,##0.00"}),
              "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
    for table, df in frames.items():
        for part, chunk in enumerate(split_rows(df)):
            name = table if part == 0 else f"{table}_{part + 1}"
            write_sheet(book.add_worksheet(name), table, chunk, styles)
    book.close()
    return buffer.getvalue()


def split_rows(df: pd.DataFrame) -> list[pd.DataFrame]:
    """The frame in slices that fit a sheet under its header row (an empty frame: one slice)."""
    size = MAX_ROWS - 1
    return [df.iloc[i:i + size] for i in range(0, max(len(df), 1), size)]


def column_kinds(table: str, df: pd.DataFrame) -> dict[str, str]:
    """Table Schema type of every column: the contract's, ``string`` for extra columns."""
    kinds = {name: kind for name, kind, _ in CONTRACT.get(table, [])}
    return {c: kinds.get(c, "string") for c in df.columns}


def write_sheet(sheet: Any, table: str, df: pd.DataFrame, styles: dict[str, Any]) -> None:
    """Header row (frozen, filterable), then typed cells; column widths from the content."""
    kinds = column_kinds(table, df)
    for col_no, column in enumerate(df.columns):
        sheet.write_string(0, col_no, str(column), styles["header"])
        kind = kinds[column]
        values = df[column].tolist()
        for row_no, value in enumerate(values, start=1):
            write_cell(sheet, row_no, col_no, value, kind)
        width, wrap = column_width(str(column), values, kind)
        cell_format = styles["wrap"] if wrap else styles["money"] if is_money(column, kind) else None
        sheet.set_column(col_no, col_no, width, cell_format)
    sheet.freeze_panes(1, 0)
    if len(df.columns):
        sheet.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)


def write_cell(sheet: Any, row: int, col: int, value: Any, kind: str) -> None:
    """One typed cell; missing values stay empty (no cell written at all)."""
    if is_missing(value):
        return
    if kind == "number" or kind == "integer":
        sheet.write_number(row, col, float(value))
    elif kind == "boolean":
        sheet.write_boolean(row, col, bool(value))
    else:
        text = str(value)
        if len(text) > MAX_CELL_CHARS:
            text = text[:MAX_CELL_CHARS - 1] + "…"
        sheet.write_string(row, col, text)


def is_missing(value: Any) -> bool:
    """None, pandas NA and NaN all mean an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def is_money(column: str, kind: str) -> bool:
    return kind == "number" and column.startswith(MONEY_PREFIXES)


def column_width(header: str, values: list[Any], kind: str) -> tuple[float, bool]:
    """(width in characters, wrap?): CJK characters count double, long text wraps at WRAP_WIDTH."""
    if kind != "string":
        return max(display_width(header), 14.0 if kind == "number" else 8.0) + 2, False
    longest = max([display_width(header)] + [display_width(str(v)) for v in values[:2000] if not is_missing(v)])
    if longest > WRAP_AFTER:
        return float(WRAP_WIDTH), True
    return longest + 2, False


def display_width(text: str) -> float:
    """Approximate column width of a text: wide (CJK) characters take two columns."""
    return float(sum(2 if ord(ch) > 0x2E7F else 1 for ch in text))
