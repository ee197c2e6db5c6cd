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

if TYPE_CHECKING:
    import pyarrow as pa

DB_NAME = "extract.duckdb"

#: Views analysts ask for first. 类 = level-1 function code (3 digits, e.g. 204 公共安全支出).
VIEWS: dict[str, str] = {
    "expenditure_by_function": """
        SELECT d.unit_name, d.fiscal_year, d.doc_type, l.doc_id, l.table_key,
               l.code AS function_code, l.name AS function_name, l."column", l.amount, l.unit,
               CASE WHEN l.unit = '元' THEN l.amount / 10000 ELSE l.amount END AS amount_wan_yuan
        FROM budget_lines AS l JOIN documents AS d USING (doc_id)
        WHERE l.table_key IN ('general_budget_expenditure', 'expenditure_total')
          AND l.level = 1 AND d.duplicate_of IS NULL""",
    "projects_with_indicators": """
        SELECT d.unit_name, d.fiscal_year, p.doc_id, p.project_name, p.dept_name, p.implementing_unit,
               p.funds_total, p.funds_annual, i.scope, i.level1, i.level2, i.level3,
               i.value_raw, i.op, i.value, i.value_unit
        FROM projects AS p JOIN documents AS d USING (doc_id)
        LEFT JOIN indicators AS i ON i.doc_id = p.doc_id AND i.project_name = p.project_name
        WHERE d.duplicate_of IS NULL""",
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
