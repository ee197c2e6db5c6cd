"""Shared helpers for the check families: row access, tolerances, result rows.

Reads ``budget_lines`` rows (dicts, possibly loaded back from CSV with NaN for
empty cells); writes nothing. Every check family builds its ``checks`` rows
through :func:`result` and compares figures through :func:`compare`, so the
rounding rule (0.01 per summed term, in the table's unit) lives in one place.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from extract.vocab.words import GRAND_TOTAL_LABELS, TOTAL_WORDS, alternation

Row = dict[str, Any]

#: Printed figures carry two decimals; equal when closer than half a cent.
EXACT = 0.005
#: Each rounded term of a printed sum may be off by up to 0.01 (in the table's unit).
PER_TERM = 0.01
#: Float noise: amounts closer than this are the same number (a whole figure is within it of an integer).
FLOAT_NOISE = 1e-9

_TOTAL_LEAF = re.compile(f"({alternation(TOTAL_WORDS)})$")
_NUMERAL_PREFIX = re.compile(r"^[一二三四五六七八九十]+[、.．]")


def clean(value: Any) -> Any:
    """NaN (an empty CSV cell) → None; everything else unchanged."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def clean_rows(rows: Iterable[Row]) -> list[Row]:
    """Rows with NaN replaced by None and codes as digit strings (CSV reads them as numbers)."""
    out = []
    for r in rows:
        row = {k: clean(v) for k, v in r.items()}
        code = row.get("code")
        if code is not None and not isinstance(code, str):
            row["code"] = str(int(code)) if isinstance(code, float) else str(code)
        out.append(row)
    return out


def fmt(value: float | None) -> str:
    """An amount as the tables print it (two decimals); empty for None."""
    return "" if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing a printed figure with what it should equal."""

    status: str  # pass | fail
    note: str  # why a pass needed the rounding tolerance, else ""


def compare(expected: float, actual: float, terms: int = 0, step: float = PER_TERM) -> Verdict:
    """Equal within rounding: exact to the cent, or off by ≤ ``step`` per summed term (a note says so).

    ``step`` is the table's printed precision (0.01, or 1 for whole 元: see :func:`printed_step`).
    ``terms=0`` for the same figure printed twice (cross-table): it must agree to the cent.
    """
    diff = abs(expected - actual)
    if diff < EXACT:
        return Verdict("pass", "")
    if round(diff, 6) <= round(step * terms, 6):  # rounded: 786781502.82 - .80 is 0.0199999 in floats
        return Verdict("pass", f"within rounding tolerance ({diff:.2f} over {terms} terms)")
    return Verdict("fail", f"off by {actual - expected:+.2f}")


def result(doc_id: str, check: str, status: str, location: str, expected: Any = None, actual: Any = None,
           detail: str = "") -> Row:
    """One ``checks`` row; numbers become two-decimal strings (the contract's expected/actual are str)."""
    def text(v: Any) -> str:
        if v is None:
            return ""
        return fmt(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)
    return {"doc_id": doc_id, "check": check, "status": status, "location": location,
            "expected": text(expected), "actual": text(actual), "detail": detail}


def checked(doc_id: str, check: str, location: str, expected: float, actual: float, terms: int = 0,
            detail: str = "", step: float = PER_TERM) -> Row:
    """Compare and build the row in one step; the tolerance note is appended to ``detail``."""
    v = compare(expected, actual, terms, step)
    parts = [p for p in (detail, v.note) if p]
    return result(doc_id, check, v.status, location, expected, actual, "; ".join(parts))


def cell_location(line: Row) -> str:
    """``table_key row N [code name] col COLUMN`` — parsed back by the report to find the page."""
    label = " ".join(str(x) for x in (line.get("code"), line.get("name")) if x)
    side = f" side {line['side']}" if line.get("side") else ""
    return f"{line['table_key']} row {line['row_no']} [{label}]{side} col {line['column']} p{line.get('page') or ''}"


def by_table(lines: Iterable[Row]) -> dict[str, list[Row]]:
    """Lines grouped by table_key, in row order; only the first table of each key (cross-table figures)."""
    return {key: rows for (key, n), rows in by_instance(lines).items() if n == 0}


def by_instance(lines: Iterable[Row]) -> dict[tuple[str, int], list[Row]]:
    """Lines grouped by (table_key, instance), in row order: every table, for checks inside one table."""
    out: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for line in lines:
        out[(line["table_key"], line.get("instance") or 0)].append(line)
    for rows in out.values():
        rows.sort(key=lambda r: (r["row_no"] or 0))
    return dict(out)


def mark_instances(lines: list[Row], tables: list[Row]) -> None:
    """Number the tables sharing a table_key (01 prints 财政拨款支出表 and 一般公共预算支出表, both
    ``general_budget_expenditure``, with the same row numbers): ``instance`` 0, 1 … by page.
    """
    if lines and all(line.get("table_index") is not None for line in lines):
        # The lines stage numbers every table of the document: rank within the key.
        indexes: dict[str, list[int]] = defaultdict(list)
        for line in lines:
            indexes[str(line["table_key"])].append(int(line["table_index"]))
        ranks = {key: sorted(set(v)) for key, v in indexes.items()}
        for line in lines:
            line["instance"] = ranks[str(line["table_key"])].index(int(line["table_index"]))
        return
    starts: dict[str, list[int]] = defaultdict(list)
    for t in tables:
        if t.get("page_first") is not None:
            starts[str(t["table_key"])].append(int(t["page_first"]))
    for line in lines:
        firsts = sorted(set(starts.get(line["table_key"], [])))
        page = line.get("page")
        line["instance"] = max((i for i, p in enumerate(firsts) if page is not None and p <= page), default=0)


#: Fewest non-zero amounts for a table's printed precision to be read off its figures.
_MIN_FOR_PRECISION = 5
#: ... and one of them at least this large (4+ digits): 10.00, 20.00 in a 万元 table say nothing.
_MIN_FOR_WHOLE_UNITS = 1000


def printed_step(rows: list[Row]) -> float:
    """The rounding step of one table's printed figures: 1 when printed in whole units, else 0.01.

    A table printed in whole 元 (Putuo prints 154369326) rounds every term to 1, so
    Σ of n rounded terms may be off by n; one printed to the cent by n × 0.01. The
    printed text is gone by now, so the precision is read off the figures: every
    non-zero amount whole (at least five, one of 4+ digits: 10.00, 20.00 in a
    万元 table say nothing) means whole units.
    """
    amounts = [float(r["amount"]) for r in rows if r.get("amount") not in (None, 0, 0.0)]
    if len(amounts) >= _MIN_FOR_PRECISION and max(abs(a) for a in amounts) >= _MIN_FOR_WHOLE_UNITS \
            and all(abs(a - round(a)) < FLOAT_NOISE for a in amounts):
        return 1.0
    return PER_TERM


def columns_of(lines: Iterable[Row]) -> list[str]:
    """Distinct columns in first-seen order."""
    return list(dict.fromkeys(line["column"] for line in lines))


def leaf(column: str) -> str:
    return column.split("/")[-1]


def parent(column: str) -> str:
    return column.rsplit("/", 1)[0] if "/" in column else ""


def total_column(lines: list[Row]) -> str | None:
    """The table's 合计 column (the first whose leaf is 合计/小计/总计), else its only amount column."""
    cols = columns_of(lines)
    for c in cols:
        if _TOTAL_LEAF.search(leaf(c)) and "上年" not in c:
            return c
    return cols[0] if len(cols) == 1 else None


def compact_name(name: Any) -> str:
    """A row label without spaces or list numbering (一、/（一）/1.) for matching by name."""
    s = re.sub(r"\s+", "", str(name or ""))
    s = re.sub(r"^[（(][一二三四五六七八九十]+[)）]", "", s)
    s = _NUMERAL_PREFIX.sub("", s)
    return re.sub(r"^\d+[、.．]?", "", s)


def is_numbered_top(name: Any) -> bool:
    """一、/二十、 rows: the top level of a two-sided 收支总表."""
    return bool(_NUMERAL_PREFIX.match(re.sub(r"\s+", "", str(name or ""))))


def is_grand_total(name: Any) -> bool:
    """合计 / 总计 rows that total a whole one-sided table (部门合计, 合 计)."""
    s = re.sub(r"\s+", "", str(name or ""))
    return s in GRAND_TOTAL_LABELS


def grand_total_row(lines: list[Row]) -> list[Row]:
    """The lines of the first grand-total row of a one-sided table (all its columns)."""
    for line in lines:
        if is_grand_total(line.get("name")) and not line.get("code"):
            return [x for x in lines if x["row_no"] == line["row_no"]]
    return []
