"""Shared fixtures: sample outputs computed once per session, the real corpus path."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
#: The real corpus lies beside the checkout (../shared); CI lays it there too.
REAL = ROOT.parent / "shared" / "corpus" / "real"
#: The 45 documents of other cities and layouts (issue 12), beside it.
WILD = ROOT.parent / "shared" / "corpus" / "wild"
DATA = Path(__file__).resolve().parent / "data"


def figure_hits(lines: list[dict], fig: dict) -> list[dict]:
    """The budget lines that print a hand-checked figure: same table, column, side, code, name, unit and
    amount (and 政府经济分类 code where the figure records one)."""
    return [ln for ln in lines if ln["table_key"] == fig["table_key"] and ln["column"] == fig["column"]
            and ln["side"] == fig["side"] and ln["code"] == fig["code"] and ln["name"] == fig["name"]
            and ln["unit"] == fig["unit"] and round(ln["amount"], 6) == round(fig["amount"], 6)
            and ("gov_econ_code" not in fig or ln.get("gov_econ_code") == fig["gov_econ_code"])]


def load_truth(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.truth.json").read_text(encoding="utf-8"))


def frame_rows(df: pd.DataFrame) -> list[dict]:
    """DataFrame → plain dict rows with None for missing values."""
    return [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in df.astype(object).to_dict("records")]


@pytest.fixture(scope="session")
def born_digital_out(tmp_path_factory) -> Path:
    """The whole pipeline over the born-digital sample, written once."""
    from extract.api import run_batch

    out = tmp_path_factory.mktemp("born_digital")
    run_batch([SAMPLES / "yq2025_born_digital.pdf"], out)
    return out


@pytest.fixture(scope="session")
def real_results():
    """process_document over the hand-checked real files (skipped without the corpus)."""
    if not REAL.is_dir():
        pytest.skip(f"real corpus not found at {REAL}")
    from extract.pipeline import process_document

    files = sorted({f["file"] for f in json.loads((DATA / "real_figures.json").read_text(encoding="utf-8"))})
    return {f: process_document(REAL / f, f) for f in files}


@pytest.fixture(scope="session")
def wild_results():
    """process_document over the files named in the wild figure and printed-inconsistency data (skipped without
    the corpora)."""
    if not WILD.is_dir() or not REAL.is_dir():
        pytest.skip(f"wild or real corpus not found at {WILD.parent}")
    from extract.pipeline import process_document

    files = sorted({f["file"] for name in ("wild_figures.json", "printed_inconsistencies.json")
                    for f in json.loads((DATA / name).read_text(encoding="utf-8"))})
    # printed inconsistencies of the real corpus are kept in the same file: look there too
    return {f: process_document(WILD / f if (WILD / f).is_file() else REAL / f, f) for f in files}
