"""``form_vs_project_table``: each performance form's 年度资金总额 (元) = its project-table row (万元).

Reads ``projects`` rows and the project-table ``budget_lines``; writes ``checks``
rows. Form and table print the same project under slightly different names
(强制人员生活教育费 on the form, 强戒人员生活教育费 in the table), so names are
matched fuzzily with rapidfuzz; a project with no close name is a skip.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz import fuzz, process

from extract.checks.common import EXACT, Row, by_table, cell_location, clean, compact_name, result, total_column
from extract.vocab.units import to_yuan, yuan_per

CHECK = "form_vs_project_table"
#: Lowest rapidfuzz ratio that still names the same project.
MIN_SCORE = 80.0
#: A project table with no printed unit is in 万元 (the 预算公开 convention; see extract.vocab.units).
MISSING_UNIT = "万元"
#: Float noise on an amount in 元.
_YUAN_NOISE = 1e-6
#: A pass off by this many 元 or more says it needed the rounding tolerance.
_NOTE_FROM_YUAN = 0.5


def check_forms(doc_id: str, projects: list[Row], lines: list[Row], tables: list[Row]) -> list[Row]:
    """One check per project form that has a 年度资金总额; skips when no project table is printed.

    A department's overall form (kind ``department``) is no row of the project table, so it is not
    compared. A name the table prints on several rows (one per unit: 机构运行辅助经费 under each
    bureau) passes when any of those rows holds the form's amount.
    """
    projects = [p for p in projects if clean(p.get("funds_annual")) is not None
                and (p.get("kind") or "project") == "project"]
    if not projects:
        return []
    names = project_table_rows(lines, tables)
    if names is None:
        return [result(doc_id, CHECK, "skip", "", detail="forms found but no project expenditure table")]
    return [project_check(doc_id, p, names) for p in projects]


def project_table_rows(lines: list[Row], tables: list[Row]) -> dict[str, list[Row]] | None:
    """The 项目支出表's rows at its total column (:func:`total_column`), by compact name; None: no such table.

    The one reading of the project table: this check compares each form with it,
    and the dedupe stage breaks ties between copies of a form with it
    (:func:`project_table_amounts`). A name may sit on several rows (one per unit).
    """
    table = project_table_lines(lines, tables)
    if not table:
        return None
    col = total_column(table)
    names: dict[str, list[Row]] = {}
    for r in table:
        if r["column"] == col and r.get("name"):
            names.setdefault(compact_name(r["name"]), []).append(r)
    return names


def project_table_lines(lines: list[Row], tables: list[Row]) -> list[Row]:
    """Lines of the 项目支出表 (本年); a table titled 项目支出…(本年预算) but keyed ``other`` counts too."""
    t = by_table(lines)
    if t.get("project_expenditure"):
        return t["project_expenditure"]
    for table in tables:
        title = re.sub(r"\s+", "", str(table.get("title") or ""))
        if table.get("table_key") == "other" and re.search(r"项目支出", title) and "结转" not in title:
            rows = [r for r in t.get("other", []) if r.get("table_no") == clean(table.get("table_no"))]
            if rows:
                return rows
    return []


def project_check(doc_id: str, project: Row, names: dict[str, list[Row]]) -> Row:
    """Compare one project's form amount with its best-matching table row (±0.005 万元 rounding)."""
    name = compact_name(project["project_name"])
    location = f"project {project['project_name']}"
    hit = process.extractOne(name, list(names), scorer=fuzz.ratio) if names else None
    if hit is None or hit[1] < MIN_SCORE:
        return result(doc_id, CHECK, "skip", location, actual=float(project["funds_annual"]),
                      detail="no project-table row with a close name")
    actual = float(project["funds_annual"])
    line = min(names[hit[0]], key=lambda r: abs(_yuan(r) - actual))  # the unit's row holding this amount
    factor = yuan_per(line.get("unit"), missing=MISSING_UNIT)
    expected = _yuan(line)
    tolerance = EXACT * factor  # the table rounds to 0.01 of its unit
    status = "pass" if abs(expected - actual) <= tolerance + _YUAN_NOISE else "fail"
    detail = f"{cell_location(line)} ({line['amount']} {line.get('unit') or MISSING_UNIT}); name score {hit[1]:.0f}"
    if status == "pass" and abs(expected - actual) >= _NOTE_FROM_YUAN:
        detail += f"; within rounding tolerance ({actual - expected:+.0f} 元)"
    return result(doc_id, CHECK, status, location, f"{expected:.2f}", f"{actual:.2f}", detail)


def _yuan(line: Row) -> float:
    """A project-table amount in 元 (a table without a printed unit is in 万元)."""
    return to_yuan(float(line["amount"]), line.get("unit"), missing=MISSING_UNIT)


def project_table_amounts(lines: list[Row], tables: list[Row]) -> Callable[[str, str], float | None]:
    """``known(project name, field)`` → 元 from the project table, to break ties between copies of a form.

    Only ``funds_annual`` is printed there; a name whose rows print different
    amounts (one per unit) breaks no tie.
    """
    names = project_table_rows(lines, tables) or {}

    def known(name: str, field: str) -> float | None:
        if field != "funds_annual":
            return None
        amounts = {round(_yuan(r), 2) for r in names.get(compact_name(name), [])}
        return amounts.pop() if len(amounts) == 1 else None

    return known


LABEL_CHECK = "form.label_known"


def check_form_labels(doc_id: str, copies: list) -> list[Row]:
    """One ``skip`` row per label a form prints that extract/vocab/form_labels.json does not know.

    The label's row was read as no field: reporting it (with the project and
    pages) is how a new printing of a label is found and taught to the
    vocabulary instead of being dropped in silence. It is a ``skip``, not a
    ``fail``: nothing printed was found to disagree (and value cells of some
    department forms, 城乡社区 or 基本履职, read as labels too), while a failing
    check means a figure to look at. Known labels give no row.
    """
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for copy in copies:
        for label in copy.unknown_labels:
            if (copy.project_name, label) in seen:
                continue
            seen.add((copy.project_name, label))
            pages = ";".join(str(p) for p in copy.pages)
            rows.append(result(doc_id, LABEL_CHECK, "skip", f"project {copy.project_name}", "a known label", label,
                               f"label {label!r} on page(s) {pages} maps to no field"))
    return rows
