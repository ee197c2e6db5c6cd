"""DuckDB views: every README query runs, and the views' sums equal the totals the document prints.

On the born-digital sample: 一般公共预算支出表 合计 1763.09 万元 = 基本支出 1677.68 + 项目支出 85.41;
收入总表 合计 1763.09 (all 一般公共预算); "三公" 合计 12.60 (公务用车购置及运行费 only).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest

from extract.duck import DB_NAME, VIEWS
from tests.conftest import ROOT, load_truth

UNIT = "阳泉市强制隔离戒毒所"


@pytest.fixture()
def con(born_digital_out: Path):
    connection = duckdb.connect(str(born_digital_out / DB_NAME), read_only=True)
    yield connection
    connection.close()


def readme_sql() -> list[str]:
    """The statements of the README's ```sql blocks, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, re.S)
    return [s.strip() for b in blocks for s in b.split(";") if "SELECT" in s]


def printed_total(con, table_key: str, column: str) -> float:
    """The amount the document prints in the 合计 row of its first ``table_key`` table."""
    rows = con.execute("""SELECT amount FROM budget_lines WHERE table_key = ? AND "column" = ?
                          AND name = '合计' AND code IS NULL ORDER BY table_index, row_no LIMIT 1""",
                       [table_key, column]).fetchall()
    return rows[0][0]


def test_views_exist(con) -> None:
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_type = 'VIEW'").fetchall()}
    assert names == set(VIEWS)


def test_readme_queries(con) -> None:
    spending, income, three_public, projects = (con.execute(q).fetchall() for q in readme_sql())
    assert spending == [
        (UNIT, 2025, "201", "一般公共服务支出", 2.18, 2.18, None),
        (UNIT, 2025, "204", "公共安全支出", 1270.33, 1184.92, 85.41),
        (UNIT, 2025, "208", "社会保障和就业支出", 306.16, 306.16, None),
        (UNIT, 2025, "210", "卫生健康支出", 59.89, 59.89, None),
        (UNIT, 2025, "221", "住房保障支出", 124.53, 124.53, None),
    ]
    assert income == [(UNIT, 2025, "一般公共预算", 1763.09)]
    assert three_public == [(UNIT, 2025, "预算", "公务用车购置及运行费", 12.6)]
    truth = load_truth("yq2025_born_digital")
    n_indicators = {p["project_name"]: 0 for p in truth["projects"]}
    for i in truth["indicators"]:
        n_indicators[i["project_name"]] += 1
    expected = sorted(((p["project_name"], p["funds_annual"], n_indicators[p["project_name"]])
                       for p in truth["projects"]), key=lambda r: (-r[1], r[0]))
    assert projects == expected
    assert projects[0] == ("专业人员聘用补贴", 261000.0, 14)


def test_readme_python_example(born_digital_out: Path, tmp_path: Path) -> None:
    """The README's DuckDB python snippet, run where ``out/`` is the sample's output."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "duckdb.connect" in b)
    (tmp_path / "out").symlink_to(born_digital_out)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        namespace: dict = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
        rows = namespace["con"].sql("select unit_name, fiscal_year, function_name, total_wan_yuan "
                                    "from expenditure_by_function where top_level order by total_wan_yuan desc")
        assert rows.fetchall()[0] == (UNIT, 2025, "公共安全支出", 1270.33)
        namespace["con"].close()
    finally:
        os.chdir(cwd)


def test_expenditure_sums_match_printed_totals(con) -> None:
    sums = con.execute("""SELECT sum(total_yuan), sum(basic_yuan), sum(project_yuan),
                                 round(sum(total_wan_yuan), 2), count(*)
                          FROM expenditure_by_function WHERE top_level""").fetchall()[0]
    total = printed_total(con, "general_budget_expenditure", "2025年预算数/合计")
    basic = printed_total(con, "general_budget_expenditure", "2025年预算数/基本支出")
    project = printed_total(con, "general_budget_expenditure", "2025年预算数/项目支出")
    assert (total, basic, project) == (1763.09, 1677.68, 85.41)
    assert sums == (pytest.approx(total * 10000), pytest.approx(basic * 10000), pytest.approx(project * 10000),
                    total, 5)
    # every 款 sums its 项 and every 类 its 款: the view has each code once
    for parent_level in (1, 2):
        bad = con.execute("""SELECT p.function_code FROM expenditure_by_function AS p
                             JOIN expenditure_by_function AS c ON c.doc_id = p.doc_id AND c.level = p.level + 1
                              AND starts_with(c.function_code, p.function_code)
                             WHERE p.level = ? GROUP BY p.function_code, p.total_yuan
                             HAVING abs(sum(c.total_yuan) - p.total_yuan) > 1""", [parent_level]).fetchall()
        assert bad == []
    n_codes = len({t["code"] for t in load_truth("yq2025_born_digital")["budget_lines"]
                   if t["table_key"] == "general_budget_expenditure" and t["code"]})
    assert con.execute("SELECT count(*) FROM expenditure_by_function").fetchall() == [(n_codes,)]
    row = con.execute("""SELECT table_key, function_name, level, unit, total_yuan, basic_yuan, project_yuan
                         FROM expenditure_by_function WHERE function_code = '2040801'""").fetchall()
    assert row == [("general_budget_expenditure", "行政运行", 3, "万元", 11849200.0, 11849200.0, None)]


def test_income_and_three_public_sums(con) -> None:
    income = con.execute("SELECT sum(amount_yuan) FROM income_by_source").fetchall()[0][0]
    assert income == pytest.approx(printed_total(con, "income_total", "本年收入/合计") * 10000)
    rows = con.execute("""SELECT year, figure, item, category, is_subitem, amount_yuan FROM three_public
                          ORDER BY category""").fetchall()
    assert rows == [(2025, "预算", "合计", "total", False, 126000.0),
                    (2025, "预算", "公务用车运行维护费", "vehicle_operation", True, 126000.0),
                    (2025, "预算", "公务用车购置及运行费", "vehicles", False, 126000.0)]
    items = con.execute("""SELECT sum(amount_yuan) FROM three_public
                           WHERE NOT is_subitem AND category <> 'total'""").fetchall()[0][0]
    assert items == printed_total(con, "three_public", "2025年预算数/合计") * 10000


def test_projects_funds_in_yuan(con) -> None:
    rows = con.execute("""SELECT DISTINCT project_name, funds_total_yuan, funds_annual_yuan, funds_annual_wan_yuan
                          FROM projects_with_indicators WHERE project_name = '戒毒场所水电运行费'""").fetchall()
    assert rows == [("戒毒场所水电运行费", 250000.0, 210000.0, 21.0)]
