"""Notebook API: ``extract.read_pdf`` / ``extract.read_folder`` and the README example that uses them.

The README's example is executed as printed (so it cannot rot) and its
variables are checked against the born-digital sample's ground truth.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import extract
from extract.errors import ConfigError
from extract.schema import TABLES
from tests.conftest import ROOT, SAMPLES, load_truth

SAMPLE = SAMPLES / "yq2025_born_digital.pdf"


def readme_block(containing: str) -> str:
    """The README's ```python block that contains ``containing``."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if containing in b]
    assert len(found) == 1, f"expected one README python block with {containing!r}"
    return found[0]


@pytest.fixture(scope="module")
def readme_run() -> dict:
    """The README's notebook example, run from the repository root as a reader would."""
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(readme_block("extract.read_pdf"), "README.md", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
    return namespace


def test_readme_example_documents(readme_run: dict) -> None:
    truth = load_truth("yq2025_born_digital")["documents"][0]
    doc = readme_run["doc"]
    for key in ("path", "pages", "text_pages", "ocr_pages", "unit_name", "fiscal_year", "doc_type", "status"):
        assert doc[key] == truth[key], key


def test_readme_example_budget_lines(readme_run: dict) -> None:
    truth = load_truth("yq2025_born_digital")["budget_lines"]
    expected = {(t["code"], t["name"], t["column"]): t["amount"] for t in truth
                if t["table_key"] == "general_budget_expenditure" and t["level"] == 1}
    by_class = readme_run["by_class"].stack().dropna().to_dict()  # blank cells: no line
    assert by_class == expected
    assert by_class[("204", "公共安全支出", "2025年预算数/项目支出")] == 85.41
    assert len(readme_run["lines"]) == len(truth)


def test_readme_example_projects_and_checks(readme_run: dict) -> None:
    truth = load_truth("yq2025_born_digital")["projects"]
    assert readme_run["funds"].to_dict() == {p["project_name"]: p["funds_annual"] for p in truth}
    assert readme_run["funds"]["专业人员聘用补贴"] == 261000.0
    assert readme_run["failing"].empty
    assert (readme_run["res"].checks.status == "pass").sum() > 100


def test_tables_access(readme_run: dict) -> None:
    res = readme_run["res"]
    assert list(res) == TABLES
    assert res["projects"] is res.projects
    assert "budget_lines" in dir(res)
    assert res.summary.ok == 1 and res.summary.files == 1
    with pytest.raises(AttributeError, match="no table 'budget_line'"):
        res.budget_line  # noqa: B018
    with pytest.raises(KeyError, match="no table"):
        res["lines"]


def test_unknown_option_is_type_error() -> None:
    with pytest.raises(TypeError, match=r"read_pdf\(\) got unexpected keyword argument\(s\) 'ocr_mode'"):
        extract.read_pdf(SAMPLE, ocr_mode="never")
    with pytest.raises(ConfigError, match="choose from auto, always, never"):
        extract.read_pdf(SAMPLE, ocr="sometimes")
    with pytest.raises(FileNotFoundError):
        extract.read_pdf(SAMPLES / "missing.pdf")


def test_read_folder_with_copy_and_broken_file(tmp_path: Path) -> None:
    """One row per file: a byte-identical copy points at the first, a fake PDF fails alone."""
    shutil.copy(SAMPLE, tmp_path / "a.pdf")
    shutil.copy(SAMPLE, tmp_path / "b.pdf")
    (tmp_path / "fake.pdf").write_bytes(b"not a pdf at all")
    res = extract.read_folder(tmp_path, ocr="never", jobs=1)
    docs = res.documents.set_index("path")
    assert docs.loc["a.pdf", "status"] == "ok"
    assert docs.loc["b.pdf", "duplicate_of"] == docs.loc["a.pdf", "doc_id"]
    assert docs.loc["fake.pdf", "status"] == "failed"
    assert len(res.budget_lines) == len(load_truth("yq2025_born_digital")["budget_lines"])
    assert isinstance(res.sections, pd.DataFrame) and res.summary.failed == 1
