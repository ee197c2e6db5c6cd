"""Packaging: ``pip install .`` (not editable) gives a working ``extract`` with every file it needs.

Builds the wheel offline from a copy of the sources (the checkout stays clean),
checks that every file under ``extract/`` is inside it, installs it with
``--no-deps`` into a target folder (the dependencies come from the running
environment) and runs the installed ``extract`` command on the born-digital
sample from a folder where the checkout cannot be imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, SAMPLES, load_truth

pytestmark = pytest.mark.slow


def package_files() -> set[str]:
    """Every file of the package as the wheel names it (``extract/...``), bytecode aside."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "extract").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def build_wheel(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "extract", src / "extract", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(wheels), str(src)], check=True, timeout=300)
    (wheel,) = wheels.glob("extract-*.whl")
    return wheel


def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        inside = set(zf.namelist())
    assert package_files() - inside == set()
    assert "extract/excel.py" in inside and "extract/checks/sums.py" in inside

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(site),
                    str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    work = tmp_path / "work"  # not the checkout: `import extract` must find the installed copy
    work.mkdir()
    where = subprocess.run([sys.executable, "-c", "import extract; print(extract.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)

    out = tmp_path / "out"
    run = subprocess.run([str(site / "bin" / "extract"), "run", str(SAMPLES / "yq2025_born_digital.pdf"),
                          "--out", str(out), "-j", "1", "-q", "--formats", "parquet,csv,duckdb,xlsx"],
                         cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    docs = pd.read_csv(out / "documents.csv")
    truth = load_truth("yq2025_born_digital")
    assert docs[["status", "unit_name", "fiscal_year", "pages"]].values.tolist() == [
        ["ok", "阳泉市强制隔离戒毒所", 2025, 35]]
    assert len(pd.read_parquet(out / "budget_lines.parquet")) == len(truth["budget_lines"])
    assert (out / "extract.xlsx").exists() and (out / "report.html").exists()
    check = subprocess.run([str(site / "bin" / "extract"), "check", str(out)], cwd=work, env=env,
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0 and check.stdout.strip() == "285 checks: 285 pass, 0 fail, 0 skip"
