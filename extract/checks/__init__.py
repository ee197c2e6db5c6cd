"""Validation checks: the sums and cross-references a budget disclosure prints about itself.

Reads a document's contract rows (``budget_lines``, ``budget_tables``,
``projects``, ``sections``); returns ``checks`` rows (doc_id, check, status
pass/fail/skip, location, expected, actual, detail). Pure functions, no PDF:
``extract check OUT`` and the tests can re-run them over written tables. One
module per family: :mod:`.sums`, :mod:`.balance`, :mod:`.cross`, :mod:`.forms`,
:mod:`.narrative`. A family that crashes on odd input yields one ``skip`` row
saying so instead of losing the others.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from extract.checks.balance import check_balance
from extract.checks.common import Row, clean_rows, mark_instances, result
from extract.checks.cross import check_cross
from extract.checks.forms import check_forms
from extract.checks.narrative import check_narrative
from extract.checks.sums import check_sums
from extract.vocab.words import NUMBERING_HEADERS, alternation

log = logging.getLogger(__name__)

#: Column leaves that number rows or columns (行次 1, 2, 3 …), or hold rates (增减(%), 增长率, 占比):
#: never money, whatever the lines stage read, so no sum may include them.
NOT_MONEY = re.compile(f"^({alternation(NUMBERING_HEADERS)})$|%|增长率|增减率|变动率|占比|比重")

Family = Callable[[str, dict[str, list[Row]]], list[Row]]

#: (family name used in skip rows, function over the document's rows).
FAMILIES: list[tuple[str, Family]] = [
    ("sum", lambda d, r: check_sums(d, r["budget_lines"])),
    ("total.balance", lambda d, r: check_balance(d, r["budget_lines"])),
    ("cross", lambda d, r: check_cross(d, r["budget_lines"], r["budget_tables"])),
    ("form_vs_project_table", lambda d, r: check_forms(d, r["projects"], r["budget_lines"], r["budget_tables"])),
    ("narrative", lambda d, r: check_narrative(d, r["sections"], r["budget_lines"])),
]


def run_checks(doc_id: str, rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """All checks of one document; only its own rows are read (filtered by doc_id)."""
    mine = {name: clean_rows(r for r in rows.get(name, []) if r.get("doc_id") == doc_id)
            for name in ("budget_lines", "budget_tables", "projects", "sections")}
    mine["budget_lines"] = [r for r in mine["budget_lines"] if r.get("amount") is not None
                            and not NOT_MONEY.search(str(r.get("column") or "").split("/")[-1])]
    mark_instances(mine["budget_lines"], mine["budget_tables"])
    out: list[Row] = []
    for family, fn in FAMILIES:
        try:
            out += fn(doc_id, mine)
        except Exception as exc:  # noqa: BLE001 - messy input must cost one family, not the document
            log.warning("check family %s failed on %s: %s", family, doc_id, exc)
            out.append(result(doc_id, family, "skip", "", detail=f"check crashed: {type(exc).__name__}: {exc}"))
    return out


def summarise(checks: list[Row]) -> dict[str, int]:
    """Counts by status (pass/fail/skip), for summaries."""
    counts = {"pass": 0, "fail": 0, "skip": 0}
    for c in checks:
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    return counts
