"""Excel-friendly outputs: ``--formats xlsx`` (OUT/extract.xlsx) and ``--csv-bom``.

The workbook must hold exactly what the Parquet files hold (typed: amounts as
numbers, codes as text), be byte-identical for identical tables (so a re-run does
not rewrite it), and the BOM must be there only when asked for.
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from extract.api import BatchConfig, run_batch
from extract.cli import cli
from extract.errors import ExitCode
from extract.excel import XLSX_NAME, xlsx_bytes
from extract.outputs import BOM, write_outputs
from extract.schema import CONTRACT, TABLES
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "yq2025_born_digital.pdf"


@pytest.fixture(scope="module")
def excel_out(tmp_path_factory) -> Path:
    """The born-digital sample written as Parquet, CSV with BOM, and xlsx."""
    out = tmp_path_factory.mktemp("excel")
    run_batch([SAMPLE], out, config=BatchConfig(formats=("parquet", "csv", "xlsx"), csv_bom=True))
    return out


def plain(value: object) -> object:
    """A cell value comparable across readers: missing → None, numbers → float.

    An empty string is missing too: like CSV, a sheet has no empty-but-present text cell.
    """
    if value is None or value is pd.NA or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def values(df: pd.DataFrame) -> list[list[object]]:
    return [[plain(v) for v in row] for row in df.astype(object).itertuples(index=False)]


def test_every_sheet_equals_parquet(excel_out: Path) -> None:
    assert openpyxl.load_workbook(excel_out / XLSX_NAME, read_only=True).sheetnames == TABLES
    for table in TABLES:
        parquet = pd.read_parquet(excel_out / f"{table}.parquet")
        # pandas guesses numbers from text cells; the contract says which columns are text
        text = {name: str for name, kind, _ in CONTRACT[table] if kind == "string"}
        sheet = pd.read_excel(excel_out / XLSX_NAME, sheet_name=table, dtype=text)
        assert list(sheet.columns) == list(parquet.columns), table
        assert values(sheet) == values(parquet), table


def test_cells_are_typed_and_header_frozen(excel_out: Path) -> None:
    book = openpyxl.load_workbook(excel_out / XLSX_NAME)
    lines = book["budget_lines"]
    header = [c.value for c in lines[1]]
    assert lines.freeze_panes == "A2"
    first = {h: c for h, c in zip(header, lines[2])}  # 合计 row of 表一's 收入 side
    assert first["amount"].data_type == "n" and first["amount"].value == 1763.09
    assert first["amount"].number_format == "#,##0.00"
    assert first["name"].value == "一、一般公共预算"
    coded = next(r for r in lines.iter_rows(min_row=2) if r[header.index("code")].value == "2040801")
    assert coded[header.index("code")].data_type == "s"  # 科目编码 stays text
    projects = book["projects"]
    p_header = [c.value for c in projects[1]]
    dept = projects.cell(row=2, column=p_header.index("dept_code") + 1)
    assert dept.value == "028" and dept.data_type == "s"  # leading zero kept
    sections = book["sections"]
    text_col = [c.value for c in sections[1]].index("text")
    assert sections.cell(row=2, column=text_col + 1).alignment.wrap_text


def test_xlsx_bytes_are_deterministic(excel_out: Path) -> None:
    frames = {t: pd.read_parquet(excel_out / f"{t}.parquet") for t in TABLES}
    assert xlsx_bytes(frames) == xlsx_bytes(frames) == (excel_out / XLSX_NAME).read_bytes()


def test_unchanged_tables_not_rewritten(excel_out: Path, tmp_path: Path) -> None:
    rows = {"documents": [{"doc_id": "a" * 16, "path": "a.pdf", "status": "ok"}],
            "budget_lines": [{"doc_id": "a" * 16, "table_key": "other", "row_no": 1, "name": "合计",
                              "column": "金额", "amount": 12.5, "unit": "万元"}]}
    write_outputs(tmp_path, rows, ("csv", "xlsx"), csv_bom=True)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    write_outputs(tmp_path, rows, ("csv", "xlsx"), csv_bom=True)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before
    rows["budget_lines"][0]["amount"] = 13.0
    write_outputs(tmp_path, rows, ("csv", "xlsx"), csv_bom=True)
    assert (tmp_path / XLSX_NAME).stat().st_mtime_ns != before[XLSX_NAME]
    assert pd.read_excel(tmp_path / XLSX_NAME, sheet_name="budget_lines")["amount"].tolist() == [13.0]


def test_bom_present_when_asked(excel_out: Path) -> None:
    for table in TABLES:
        data = (excel_out / f"{table}.csv").read_bytes()
        assert data.startswith(BOM), table
    df = pd.read_csv(excel_out / "documents.csv", encoding="utf-8-sig")
    assert df.columns[0] == "doc_id" and df["unit_name"].tolist() == ["阳泉市强制隔离戒毒所"]


def test_bom_absent_by_default_and_parquet_untouched_by_it(tmp_path: Path) -> None:
    rows = {"documents": [{"doc_id": "b" * 16, "path": "b.pdf", "unit_name": "阳泉市司法局", "status": "ok"}]}
    write_outputs(tmp_path, rows, ("csv", "parquet"))
    assert (tmp_path / "documents.csv").read_bytes().startswith(b"doc_id,path,")
    parquet_mtime = (tmp_path / "documents.parquet").stat().st_mtime_ns
    write_outputs(tmp_path, rows, ("csv", "parquet"), csv_bom=True)
    assert (tmp_path / "documents.csv").read_bytes().startswith(BOM + b"doc_id,path,")
    assert (tmp_path / "documents.parquet").stat().st_mtime_ns == parquet_mtime


def test_cli_formats_xlsx_and_csv_bom(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["run", str(SAMPLE), "--out", str(out), "-j", "1", "-q",
                                   "--formats", "csv,xlsx", "--csv-bom"])
    assert res.exit_code == ExitCode.OK, res.output
    assert (out / "checks.csv").read_bytes().startswith(BOM)
    assert not list(out.glob("*.parquet"))
    docs = pd.read_excel(out / XLSX_NAME, sheet_name="documents")
    assert docs.loc[0, "fiscal_year"] == 2025 and docs.loc[0, "doc_type"] == "单位预算"
