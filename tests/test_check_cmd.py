"""``extract check OUT``: the checks re-run over written (and hand-edited) tables.

One run of the born-digital sample is copied per test; a test edits one amount
(行政运行 2040801 in 一般公共预算支出表, 1184.92 → 1184.29 万元) in the CSV or the
Parquet file and expects exactly the checks that figure takes part in to fail.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from extract.api import BatchConfig, run_batch
from extract.cli import cli
from extract.errors import ExitCode
from extract.excel import XLSX_NAME
from tests.conftest import SAMPLES

EDITED_ROW = ("general_budget_expenditure", "2040801", "2025年预算数/合计")
#: (check, location prefix) that fail once 1184.92 reads 1184.29.
EXPECTED_FAILS = {
    ("sum.children", "general_budget_expenditure row 6 [20408 强制隔离戒毒] col 2025年预算数/合计"),
    ("sum.total", "general_budget_expenditure row 7 [2040801 行政运行] col 2025年预算数/合计"),
    ("cross.codes_general", "expenditure_total row 7 [2040801 行政运行] col 2025年预算数/合计"),
}


@pytest.fixture(scope="module")
def run_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("check_run")
    run_batch([SAMPLES / "yq2025_born_digital.pdf"], out,
              config=BatchConfig(formats=("parquet", "csv", "duckdb", "xlsx"), csv_bom=True))
    return out


@pytest.fixture()
def out(run_out: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(run_out, copy)  # copy2 keeps mtimes: Parquet stays the newer file
    return copy


def check(out: Path):
    return CliRunner().invoke(cli, ["check", str(out)])


def edited(df: pd.DataFrame) -> pd.Series:
    key, code, column = EDITED_ROW
    mask = (df["table_key"] == key) & (df["code"] == code) & (df["column"] == column)
    assert mask.sum() == 1 and df.loc[mask, "amount"].iloc[0] == 1184.92
    return mask


def fails(frame: pd.DataFrame) -> set[tuple[str, str]]:
    bad = frame[frame["status"] == "fail"]
    return {(c, loc.rsplit(" p", 1)[0]) for c, loc in zip(bad["check"], bad["location"])}


def test_unedited_gives_the_runs_checks(out: Path, run_out: Path) -> None:
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    res = check(out)
    assert res.exit_code == ExitCode.OK, res.output
    assert res.output.strip() == "285 checks: 285 pass, 0 fail, 0 skip"
    pd.testing.assert_frame_equal(pd.read_parquet(out / "checks.parquet"), pd.read_parquet(run_out / "checks.parquet"))
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes  # nothing rewritten


def test_edited_csv_fails_its_checks(out: Path) -> None:
    path = out / "budget_lines.csv"
    text = path.read_text(encoding="utf-8-sig")
    old = "general_budget_expenditure,7,,2040801,行政运行,3,2025年预算数/合计,1184.92,"
    assert text.count(old) == 1
    path.write_bytes(b"\xef\xbb\xbf" + text.replace(old, old.replace("1184.92", "1184.29")).encode())
    res = check(out)
    assert res.exit_code == ExitCode.SOME_DOCUMENTS_FAILED, res.output
    assert "FAIL 40e2350e7c6f90b4 sum.total general_budget_expenditure row 7 [2040801 行政运行]" in res.output
    assert "expected 1184.92, actual 1184.29" in res.output
    assert res.output.splitlines()[-1] == "285 checks: 282 pass, 3 fail, 0 skip"
    # checks rewritten in every format present, the CSV keeping its BOM
    assert fails(pd.read_parquet(out / "checks.parquet")) == EXPECTED_FAILS
    assert (out / "checks.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert fails(pd.read_csv(out / "checks.csv", encoding="utf-8-sig")) == EXPECTED_FAILS
    assert fails(pd.read_excel(out / XLSX_NAME, sheet_name="checks")) == EXPECTED_FAILS
    con = duckdb.connect(str(out / "extract.duckdb"), read_only=True)
    try:
        assert fails(con.sql("select * from checks").df()) == EXPECTED_FAILS
        edited_amount = con.sql("select amount from budget_lines where code = '2040801' and "
                                "table_key = 'general_budget_expenditure' and \"column\" = '2025年预算数/合计'")
        assert edited_amount.fetchall() == [(1184.29,)]  # the database holds the tables as checked
    finally:
        con.close()


def test_edited_parquet_fails_its_checks(out: Path) -> None:
    path = out / "budget_lines.parquet"
    df = pd.read_parquet(path)
    mask = edited(df)
    df.loc[mask, "amount"] = 1184.29
    df.to_parquet(path, index=False)
    res = check(out)
    assert res.exit_code == ExitCode.SOME_DOCUMENTS_FAILED, res.output
    assert fails(pd.read_parquet(out / "checks.parquet")) == EXPECTED_FAILS
    # restoring the figure passes again
    df.loc[mask, "amount"] = 1184.92
    df.to_parquet(path, index=False)
    assert check(out).exit_code == ExitCode.OK
    assert fails(pd.read_parquet(out / "checks.parquet")) == set()


def test_not_an_output_folder(tmp_path: Path) -> None:
    res = check(tmp_path)
    assert res.exit_code == ExitCode.USAGE
    assert "not an extract output folder" in res.output
