"""DuckDB: every output table plus analyst views in one file, ``OUT/extract.duckdb``.

Reads the final tables as Arrow (typed by the contract); writes ``extract.duckdb``. The database is built in
a temporary file beside the target and renamed over it (readers never see half a
database), and only when the tables' content changed (a stamp file holds the
digest), so a Makefile target depending on it does not rebuild for nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from extract.stages.write import stamp_matches, write_stamp
from extract.vocab.units import UNIT_TO_YUAN, YUAN_PER_WAN
from extract.vocab.words import TOTAL_ROW_LABELS, alternation

if TYPE_CHECKING:
    import pyarrow as pa

DB_NAME = "extract.duckdb"

#: 元 per unit of measure, for the ``*_yuan`` columns (a line with another or no unit gets NULL).
_YUAN = "CASE {unit} " + " ".join(f"WHEN '{u}' THEN {int(f)}" for u, f in UNIT_TO_YUAN.items()) + " END"
#: 元 per 万元, as the views divide by it.
_WAN = int(YUAN_PER_WAN)

#: Documents counted once: an identical or same-content copy (duplicate_of) is left out of every view.
_DOCS = "SELECT doc_id, unit_name, fiscal_year, doc_type FROM documents WHERE duplicate_of IS NULL"

#: Column paths that compare with another year (上年, 增减, %), never this year's figure.
_COMPARISON = "上年|增减|增长|变动|比上|百分|%"

#: 一般公共预算支出表 by 功能分类科目, else the 支出总表: ONE table per document (its first of the chosen
#: key), one row per 科目 code (类 3 / 款 5 / 项 7 digits, ``level`` 1/2/3), the printed columns as fields.
#: ``total`` is the 合计 column (else 基本支出 + 项目支出), ``basic`` 基本支出 (else 人员经费 + 公用经费),
#: ``project`` 项目支出. ``top_level`` marks the document's highest printed level (类 where printed),
#: whose rows sum to the table's 合计.
_EXPENDITURE_BY_FUNCTION = rf"""
    WITH docs AS ({_DOCS}),
    chosen AS (  -- per document: the general-budget table if it has coded rows, else the 支出总表
        SELECT doc_id, table_key, table_index FROM (
            SELECT DISTINCT doc_id, table_key, table_index FROM budget_lines
            WHERE table_key IN ('general_budget_expenditure', 'expenditure_total') AND code IS NOT NULL)
        QUALIFY row_number() OVER (PARTITION BY doc_id
                                   ORDER BY table_key <> 'general_budget_expenditure', table_index) = 1),
    cells AS (
        SELECT l.doc_id, l.table_key, l.row_no, l.code, l.name, l.level, l.unit, l."column", l.rowid AS pos,
               round(l.amount * {_YUAN.format(unit="l.unit")}, 2) AS yuan,
               regexp_extract(l."column", '[^/]*$') AS leaf
        FROM budget_lines AS l JOIN chosen AS c USING (doc_id, table_key, table_index)
        WHERE l.code IS NOT NULL
        QUALIFY l.row_no = min(l.row_no) OVER (PARTITION BY l.doc_id, l.code)),  -- a code counted once
    measured AS (
        SELECT *, CASE
            WHEN regexp_matches("column", '{_COMPARISON}') THEN NULL
            WHEN regexp_matches("column", '项目支出|项目经费|专项') THEN
                CASE WHEN regexp_matches(leaf, '^(项目支出|项目经费|专项业务经费支出|小计|合计|项目支出总数)$')
                     THEN 'project' END
            WHEN regexp_matches(leaf, '^人员(经费|支出)') THEN 'personnel'  -- parts of 基本支出
            WHEN regexp_matches(leaf, '^(日常)?公用(经费|支出)') THEN 'public_use'
            WHEN regexp_matches("column", '基本支出') THEN
                CASE WHEN regexp_matches(leaf, '^(基本支出|小计|合计)$') THEN 'basic' END
            WHEN regexp_matches(leaf, '(合计|小计|总计|金额|预算数|决算数)$') THEN 'total'
        END AS measure FROM cells),
    picked AS (  -- one column per measure and document: this year's, else the leftmost
        SELECT m.doc_id, m.measure, m."column" FROM measured AS m JOIN docs AS d USING (doc_id)
        WHERE m.measure IS NOT NULL
        GROUP BY m.doc_id, m.measure, m."column", d.fiscal_year
        QUALIFY row_number() OVER (PARTITION BY m.doc_id, m.measure
                                   ORDER BY NOT contains(m."column", coalesce(CAST(d.fiscal_year AS VARCHAR), '-')),
                                            min(m.pos)) = 1),
    wide AS (
        SELECT m.doc_id, any_value(m.table_key) AS table_key, m.code, any_value(m.name) AS name,
               any_value(m.level) AS level, any_value(m.unit) AS unit,
               sum(m.yuan) FILTER (WHERE m.measure = 'total') AS printed_total,
               sum(m.yuan) FILTER (WHERE m.measure = 'basic') AS printed_basic,
               sum(m.yuan) FILTER (WHERE m.measure = 'personnel') AS personnel,
               sum(m.yuan) FILTER (WHERE m.measure = 'public_use') AS public_use,
               sum(m.yuan) FILTER (WHERE m.measure = 'project') AS project_yuan
        FROM measured AS m JOIN picked AS p USING (doc_id, measure, "column")
        GROUP BY m.doc_id, m.code),
    derived AS (  -- 基本支出 = 人员经费 + 公用经费 and 合计 = 基本 + 项目 where the table prints only the parts
        SELECT *, coalesce(printed_basic, CASE WHEN coalesce(personnel, public_use) IS NOT NULL
                           THEN coalesce(personnel, 0) + coalesce(public_use, 0) END) AS basic_yuan
        FROM wide)
    SELECT d.unit_name, d.fiscal_year, d.doc_type, w.doc_id, w.table_key, w.code AS function_code,
           w.name AS function_name, w.level, w.level = min(w.level) OVER (PARTITION BY w.doc_id) AS top_level,
           w.unit,
           coalesce(w.printed_total, CASE WHEN coalesce(w.basic_yuan, w.project_yuan) IS NOT NULL
                    THEN coalesce(w.basic_yuan, 0) + coalesce(w.project_yuan, 0) END) AS total_yuan,
           w.basic_yuan, w.project_yuan,
           round(total_yuan / {_WAN}, 6) AS total_wan_yuan, round(w.basic_yuan / {_WAN}, 6) AS basic_wan_yuan,
           round(w.project_yuan / {_WAN}, 6) AS project_wan_yuan
    FROM derived AS w JOIN docs AS d USING (doc_id)
    ORDER BY w.doc_id, w.code"""

#: 收入总表: one row per (document, income source), from the table's total row (合计/总计 …);
#: a source is a printed column other than the total (a 小计 column is named after its parent).
_INCOME_BY_SOURCE = rf"""
    WITH docs AS ({_DOCS}),
    first_table AS (
        SELECT doc_id, min(table_index) AS table_index FROM budget_lines
        WHERE table_key = 'income_total' GROUP BY doc_id),
    total_row AS (
        SELECT l.doc_id, min(l.row_no) AS row_no FROM budget_lines AS l JOIN first_table USING (doc_id, table_index)
        WHERE l.table_key = 'income_total' AND l.code IS NULL
          AND regexp_matches(replace(coalesce(l.name, ''), ' ', ''),
                             '^({alternation(TOTAL_ROW_LABELS)})$')
        GROUP BY l.doc_id),
    cells AS (
        SELECT l.*, l.rowid AS pos, string_split(l."column", '/') AS parts
        FROM budget_lines AS l JOIN first_table USING (doc_id, table_index) JOIN total_row USING (doc_id, row_no)
        WHERE l.table_key = 'income_total' AND NOT regexp_matches(l."column", '{_COMPARISON}')),
    named AS (
        SELECT *, CASE WHEN parts[-1] IN ('小计', '合计') AND len(parts) >= 3 THEN parts[-2] ELSE parts[-1] END
                  AS source
        FROM cells)
    SELECT d.unit_name, d.fiscal_year, d.doc_type, n.doc_id, n.source, n."column", n.unit,
           round(n.amount * {_YUAN.format(unit="n.unit")}, 2) AS amount_yuan,
           round(amount_yuan / {_WAN}, 6) AS amount_wan_yuan
    FROM named AS n JOIN docs AS d USING (doc_id)
    WHERE NOT regexp_matches(n.source, '^(合计|总计|小计|金额|收入合计|本年收入合计|收入预算|收入决算|本年收入)$')
    ORDER BY n.doc_id, n.pos"""

#: "三公" 经费 (因公出国(境)费, 公务用车购置及运行费 = 购置费 + 运行(维护)费, 公务接待费) by year:
#: one row per (document, year, figure 预算/决算, item). Items are read from rows or, when the table
#: prints them as columns, from its total row; ``category`` names them in English, and
#: ``is_subitem`` marks the two vehicle parts, so SUM over NOT is_subitem AND category <> 'total'
#: equals the 合计 row. Some tables also print 会议费 and 培训费 (category ``other``) and then a
#: grand 合计 over everything beside the 三公 小计 (both ``total``, told apart by ``column``).
_THREE_PUBLIC = rf"""
    WITH docs AS ({_DOCS}),
    first_table AS (
        SELECT doc_id, min(table_index) AS table_index FROM budget_lines
        WHERE table_key = 'three_public' GROUP BY doc_id),
    cells AS (
        SELECT l.*, l.rowid AS pos, d.fiscal_year AS doc_year, d.doc_type,
               nullif(regexp_replace(regexp_replace(replace(coalesce(l.name, ''), ' ', ''),
                      '^[（(]?[0-9]{{1,2}}[)）、.．]?', ''), '^[（(]?[一二三四五六七八九十]+[)）、]', ''), '')
                 AS row_item,
               regexp_replace(regexp_replace(l."column", '^([^/]*(\d{{4}}|三公|预算数|决算数)[^/]*(/|$))+', ''),
                              '(^|/)(预算数|决算数)$', '') AS rest
        FROM budget_lines AS l JOIN first_table USING (doc_id, table_index) JOIN docs AS d USING (doc_id)
        WHERE l.table_key = 'three_public' AND NOT regexp_matches(l."column", '{_COMPARISON}')
          AND NOT regexp_matches(l."column", '机关运行经费')),  -- printed beside 三公 in one table, not part of it
    flagged AS (
        SELECT *,
               row_item IS NULL OR regexp_matches(row_item, '合计|总计|^“?三公”?经费') AS row_total,
               rest = '' OR regexp_matches(rest, '^(合计|小计|总计|金额)$') AS col_total,
               regexp_matches(rest, '(一般公共预算|政府性基金|财政拨款|国有资本)[^/]*$') AS col_fund,
               string_split(rest, '/') AS parts
        FROM cells),
    items AS (
        SELECT *, CASE
            WHEN NOT row_total AND col_total THEN row_item
            WHEN row_total AND col_total THEN '合计'
            WHEN row_total AND NOT col_fund THEN CASE
                WHEN parts[-1] IN ('小计', '合计') AND len(parts) >= 2 THEN parts[-2]
                -- a header cell wrapped over two header rows: 因公出国 / (境)费, 公务接待 / 费
                WHEN len(parts) >= 2 AND (regexp_matches(parts[-1], '^[(（]') OR length(parts[-1]) <= 1
                     OR (length(parts[-2]) <= 4 AND NOT regexp_matches(parts[-2], '费$'))) THEN parts[-2] || parts[-1]
                ELSE parts[-1] END
        END AS item,
        CASE WHEN NOT row_total AND col_total THEN row_item ELSE rest END AS path
        FROM flagged)
    SELECT d.unit_name, d.fiscal_year, d.doc_type, i.doc_id,
           coalesce(TRY_CAST(regexp_extract(i."column", '(\d{{4}})年?', 1) AS INTEGER),
                    CASE WHEN regexp_matches(i."column", '上年') THEN i.doc_year - 1 ELSE i.doc_year END) AS year,
           CASE WHEN regexp_matches(i."column", '决算') THEN '决算'
                WHEN regexp_matches(i."column", '预算') THEN '预算'
                WHEN i.doc_type LIKE '%决算' THEN '决算' ELSE '预算' END AS figure,
           i.item,
           CASE WHEN i.item = '合计' OR regexp_matches(i.item, '合计|总计|三公') THEN 'total'
                WHEN regexp_matches(i.item, '出国|出境') THEN 'abroad'
                WHEN regexp_matches(i.item, '购置及运行') THEN 'vehicles'
                WHEN regexp_matches(i.item, '购置') AND regexp_matches(i.path, '车') THEN 'vehicle_purchase'
                WHEN regexp_matches(i.item, '运行') AND regexp_matches(i.path, '车') THEN 'vehicle_operation'
                WHEN regexp_matches(i.item, '接待') THEN 'reception'
                ELSE 'other' END AS category,
           category IN ('vehicle_purchase', 'vehicle_operation') AS is_subitem,
           i."column", i.unit, round(i.amount * {_YUAN.format(unit="i.unit")}, 2) AS amount_yuan,
           round(amount_yuan / {_WAN}, 6) AS amount_wan_yuan
    FROM items AS i JOIN docs AS d USING (doc_id)
    WHERE i.item IS NOT NULL
    ORDER BY i.doc_id, i.pos"""

#: One row per (project, indicator); a project without indicators keeps one row. Funds in 元 as printed
#: on the form (年度/实施期资金总额) and in 万元.
_PROJECTS_WITH_INDICATORS = rf"""
    SELECT d.unit_name, d.fiscal_year, p.doc_id, p.project_name, p.dept_name, p.implementing_unit,
           p.funds_total AS funds_total_yuan, p.funds_annual AS funds_annual_yuan,
           round(p.funds_total / {_WAN}, 6) AS funds_total_wan_yuan,
           round(p.funds_annual / {_WAN}, 6) AS funds_annual_wan_yuan,
           i.scope, i.level1, i.level2, i.level3, i.value_raw, i.op, i.value, i.value_unit
    FROM projects AS p JOIN ({_DOCS}) AS d USING (doc_id)
    LEFT JOIN indicators AS i ON i.doc_id = p.doc_id AND i.project_name = p.project_name"""

#: Views analysts ask for first; README "DuckDB views" gives each one's grain.
VIEWS: dict[str, str] = {
    "expenditure_by_function": _EXPENDITURE_BY_FUNCTION,
    "income_by_source": _INCOME_BY_SOURCE,
    "three_public": _THREE_PUBLIC,
    "projects_with_indicators": _PROJECTS_WITH_INDICATORS,
}


def content_digest(csv_bytes: dict[str, bytes]) -> str:
    """One digest over every table's CSV text and the view definitions."""
    h = hashlib.sha256()
    for name in sorted(csv_bytes):
        h.update(name.encode() + b"\0" + hashlib.sha256(csv_bytes[name]).digest())
    for name, sql in sorted(VIEWS.items()):
        h.update(name.encode() + sql.encode())
    return h.hexdigest()


def write_duckdb(out_dir: Path, tables: dict[str, pa.Table], digest: str) -> bool:
    """Build ``out_dir/extract.duckdb`` atomically unless ``digest`` says nothing changed."""
    target = out_dir / DB_NAME
    stamp = out_dir / f".{DB_NAME}.sha"
    if stamp_matches(target, stamp, digest):
        return False
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{DB_NAME}.", suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)  # duckdb creates the file itself; an empty file is not a database
    try:
        build_database(Path(tmp), tables)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
        Path(tmp + ".wal").unlink(missing_ok=True)
    write_stamp(target, stamp, digest)
    return True


def build_database(path: Path, tables: dict[str, pa.Table]) -> None:
    """Tables typed as the contract says (their Arrow schema), then the views."""
    import duckdb

    con = duckdb.connect(str(path))
    try:
        for name, arrow in tables.items():  # noqa: B007 - ``arrow`` is read by name from the SQL
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM arrow')
        for name, sql in VIEWS.items():
            con.execute(f'CREATE VIEW "{name}" AS {sql}')
        con.execute("CHECKPOINT")
    finally:
        con.close()
