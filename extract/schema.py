"""The data contract (shared/spec/data-contract.md) as code: tables, columns, types.

One source for the writer (column order, dtypes), the JSON Table Schemas in
``schemas/`` (``extract schema`` rewrites them; a test keeps them in step) and the
output validation test. Extra columns beyond the contract come last.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# (name, Table Schema type, description); contract columns first, then extras.
CONTRACT: dict[str, list[tuple[str, str, str]]] = {
    "documents": [
        ("doc_id", "string", "first 16 hex chars of the SHA-256 of the file's bytes"),
        ("path", "string", "path relative to the input folder"),
        ("pages", "integer", "page count (null when unreadable)"),
        ("text_pages", "integer", "pages read from the text layer"),
        ("ocr_pages", "integer", "pages read by OCR"),
        ("unit_name", "string", "单位名称 / 部门名称 of the disclosing body"),
        ("fiscal_year", "integer", "the budget year"),
        ("doc_type", "string", "单位预算 / 部门预算 / 单位决算 / 部门决算 / unknown"),
        ("status", "string", "ok, partial or failed"),
        ("error", "string", "why it is partial or failed, else null"),
        ("duplicate_of", "string", "doc_id of an identical or same-content earlier file"),
        ("n_tables", "integer", "extra: budget tables found"),
        ("path_bytes", "string", "extra: the path's bytes in hex when they are not valid UTF-8 (path then shows "
                                 "them escaped, e.g. \\xff), else null"),
    ],
    "budget_tables": [
        ("doc_id", "string", ""), ("table_key", "string", "contract vocabulary"),
        ("table_no", "integer", "1 for 表一 …, null if unnumbered"), ("title", "string", "as printed, normalised"),
        ("unit_of_measure", "string", "e.g. 万元"), ("page_first", "integer", ""), ("page_last", "integer", ""),
        ("n_rows", "integer", "body rows"), ("has_data", "boolean", "false for 注：本表无数据"),
        ("method", "string", "text or ocr"),
        ("table_index", "integer", "extra: 0-based index of the table in the document"),
        ("bbox_x0", "number", "extra: table box on page_first, points from the left"),
        ("bbox_top", "number", "extra: table box on page_first, points from the top"),
        ("bbox_x1", "number", "extra: table box right edge"), ("bbox_bottom", "number", "extra: table box bottom edge"),
    ],
    "budget_lines": [
        ("doc_id", "string", ""), ("table_key", "string", ""), ("row_no", "integer", "1-based body row"),
        ("side", "string", "收入 or 支出 for two-sided tables"), ("code", "string", "科目编码, digits only"),
        ("name", "string", "row label"), ("level", "integer", "1/2/3 for 3/5/7-digit codes"),
        ("column", "string", "header path joined by /"), ("amount", "number", ""), ("unit", "string", "万元, 元"),
        ("page", "integer", "extra: page of the row"), ("table_no", "integer", "extra: table number"),
        ("table_index", "integer", "extra: 0-based index of the table in the document (joins budget_tables)"),
        ("gov_econ_code", "string", "extra: 政府经济分类 code printed beside the row's 部门经济分类 code (50501), "
                                    "in tables that cross-walk the two classifications, else null"),
        ("gov_econ_name", "string", "extra: 政府经济分类 name printed beside it (工资福利支出), else null"),
    ],
    "projects": [
        ("doc_id", "string", ""), ("project_name", "string", ""), ("dept_code", "string", "e.g. 028"),
        ("dept_name", "string", ""), ("implementing_unit", "string", ""), ("attribute", "string", "项目属性"),
        ("period", "string", "项目期 as printed"), ("funds_total", "number", "元, 实施期资金总额"),
        ("funds_annual", "number", "元, 年度资金总额"),
        *[(f"funds_{scope}_{src}", "number", "元") for scope in ("total", "annual")
          for src in ("central", "provincial", "local", "self", "other")],
        ("overview", "string", "项目概况"), ("basis", "string", "立项依据"), ("necessity", "string", "项目设立必要性"),
        ("measures", "string", "保证项目实施的制度、措施"), ("plan", "string", "项目实施计划"),
        ("goal_period", "string", "总体目标 实施期"), ("goal_annual", "string", "总体目标 年度"),
        ("filled_at", "string", "填报日期, ISO timestamp"), ("pages", "string", "e.g. 19-20;31-32"),
        ("copies", "integer", "copies of the form in the document"), ("conflicts", "integer", "fields disputed"),
        ("project_code", "string", "extra: 项目编码 where the form or list prints one"),
        ("kind", "string", "extra: project, department (部门/单位整体支出绩效目标表) "
                           "or self_evaluation (绩效自评/评价表)"),
        ("method", "string", "extra: text or ocr, how the form's pages were read"),
    ],
    "indicators": [
        ("doc_id", "string", ""), ("project_name", "string", ""), ("scope", "string", "实施期 or 年度"),
        ("level1", "string", "一级指标"), ("level2", "string", "二级指标"), ("level3", "string", "三级指标"),
        ("value_raw", "string", "指标值 as printed"), ("op", "string", "≥ ≤ > < = or null"),
        ("value", "number", ""), ("value_unit", "string", ""),
    ],
    "sections": [
        ("doc_id", "string", ""), ("part", "string", "第一部分 …"), ("heading", "string", ""),
        ("text", "string", "paragraphs joined by newline"), ("page_first", "integer", ""),
    ],
    "doc_refs": [
        ("doc_id", "string", ""), ("raw", "string", "as read"), ("issuer", "string", ""), ("year", "integer", ""),
        ("number", "integer", ""), ("canonical", "string", "issuer〔year〕number号"), ("page", "integer", ""),
        ("corrected", "boolean", ""), ("confidence", "number", "0-1"),
        ("source", "string", "extra: text or ocr, how the page the 文号 was read on was read"),
    ],
    "conflicts": [
        ("doc_id", "string", ""), ("entity", "string", "project / doc_ref / table"), ("key", "string", ""),
        ("field", "string", ""), ("values", "string", "JSON list of the variants"), ("chosen", "string", ""),
        ("reason", "string", ""),
    ],
    "checks": [
        ("doc_id", "string", ""), ("check", "string", "stable id"), ("status", "string", "pass / fail / skip"),
        ("location", "string", ""), ("expected", "string", ""), ("actual", "string", ""), ("detail", "string", ""),
    ],
    "pages": [
        ("doc_id", "string", "extra table: one row per page read (or that failed), how and why"),
        ("page", "integer", "1-based"), ("kind", "string", "text / image / garbled / blank, from the text layer"),
        ("method", "string", "text or ocr: where the page's words came from; null when the page failed"),
        ("route", "string", "why: the routing decision in words (e.g. 'garbled text layer: 812 of 950 glyphs "
                            "unmapped; OCR'), and the failure if any"),
        ("chars", "integer", "glyphs in the text layer (watermark excluded)"), ("cjk", "integer", "CJK ideographs"),
        ("bad_glyphs", "integer", "unmapped, private-use or control glyphs"),
        ("radicals", "integer", "Kangxi / CJK-supplement radicals folded into ideographs"),
        ("watermark_glyphs", "integer", "rotated or light glyphs dropped as watermark"),
        ("image_cover", "number", "share of the page covered by images"), ("rotation", "integer", "/Rotate"),
        ("words", "integer", "words on the page after reading"), ("grids", "integer", "ruled grids found"),
    ],
}

TABLES = list(CONTRACT)


def columns(table: str) -> list[str]:
    return [name for name, _, _ in CONTRACT[table]]


def table_schema(table: str) -> dict[str, Any]:
    """A Frictionless Table Schema for one output table."""
    return {
        "name": table,
        "fields": [{"name": n, "type": t, **({"description": d} if d else {})} for n, t, d in CONTRACT[table]],
    }


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for table in TABLES:
        path = folder / f"{table}.json"
        path.write_text(json.dumps(table_schema(table), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.append(path)
    return out
