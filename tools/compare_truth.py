"""Compare an output folder with a sample's ground truth; print the differences.

Usage: python -m tools.compare_truth OUT_DIR samples/NAME.truth.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

LINE_KEY = ["table_key", "row_no", "side", "code", "name", "column"]


def _norm(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return None
    return v


def line_tuples(rows) -> set[tuple]:
    return {tuple(_norm(r.get(k)) for k in LINE_KEY) + (round(float(r["amount"]), 6), _norm(r.get("unit"))) for r in rows}


def compare_lines(out_dir: Path, truth: dict, doc_path: str) -> tuple[set, set]:
    docs = pd.read_csv(out_dir / "documents.csv", dtype=str)
    doc_id = docs.loc[docs.path == doc_path, "doc_id"].iloc[0]
    lines = pd.read_parquet(out_dir / "budget_lines.parquet")
    got = lines[lines.doc_id == doc_id].astype(object).where(lines.notna(), None).to_dict("records")
    for r in got:
        r["level"] = int(r["level"]) if r["level"] is not None else None
        r["row_no"] = int(r["row_no"])
    want = line_tuples(truth["budget_lines"])
    have = line_tuples(got)
    return want - have, have - want


if __name__ == "__main__":
    out, truth_path = Path(sys.argv[1]), Path(sys.argv[2])
    truth = json.loads(truth_path.read_text())
    missing, extra = compare_lines(out, truth, truth["documents"][0]["path"])
    print(f"truth {len(truth['budget_lines'])} lines; missing {len(missing)}, extra {len(extra)}")
    for m in sorted(missing, key=str)[:40]:
        print("MISSING", m)
    for e in sorted(extra, key=str)[:40]:
        print("EXTRA  ", e)
