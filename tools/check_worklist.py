"""The worklist of failing checks: what the product's own checks say about a batch.

Runs ``extract run`` over each input folder (or only reads an output folder
already written) and prints the failing checks grouped by document and check
id, then totals: documents, checks run, failing, the failing share. A check
listed in ``tests/data/printed_inconsistencies.json`` (a figure printed wrong
in the PDF, hand-checked on the page picture) is counted apart, so that what is
left is the reading errors still to fix.

Usage::

    python -m tools.check_worklist OUT [--run INPUT_DIR] [--ocr never] [--jobs 1] [--details]
    python -m tools.check_worklist /tmp/out_wild --run ../shared/corpus/wild --ocr never

Why a tool and not the QA report: the report shows one batch to a reviewer; the
worklist compares batches (before/after a change, family by family) in a form
that diffs well in a terminal and in commit messages.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PRINTED = ROOT / "tests" / "data" / "printed_inconsistencies.json"


@dataclass
class DocChecks:
    """One document's check outcomes."""

    path: str
    counts: Counter = field(default_factory=Counter)  # status → n
    failing: list[dict] = field(default_factory=list)  # failing checks rows
    printed: list[dict] = field(default_factory=list)  # failing rows explained by a printed inconsistency


def run_extract(inputs: Path, out: Path, ocr: str, jobs: int) -> float:
    """``extract run`` over ``inputs`` into ``out``; seconds taken (exit 3, some partial, is fine)."""
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "extract", "run", str(inputs), "--out", str(out), "-j", str(jobs),
           "--ocr", ocr, "--formats", "csv"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"extract run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def load_printed(path: Path = PRINTED) -> list[dict]:
    """Recorded printed inconsistencies ([] when the file is absent)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def is_printed(row: dict, path: str, printed: list[dict]) -> bool:
    """Whether a failing check row is one recorded as printed wrong in the PDF."""
    return any(Path(path).name == p["file"] and row["check"] == p["check"] and p["location"] in row["location"]
               for p in printed)


def read_checks(out: Path, printed: list[dict]) -> list[DocChecks]:
    """Per-document outcomes from ``OUT/checks.csv`` and ``OUT/documents.csv``."""
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    checks = pd.read_csv(out / "checks.csv", dtype=str, keep_default_na=False)
    by_doc: dict[str, DocChecks] = {}
    for d in docs.itertuples():
        if d.doc_id not in by_doc:
            by_doc[d.doc_id] = DocChecks(path=d.path)
    for row in checks.to_dict("records"):
        doc = by_doc.setdefault(row["doc_id"], DocChecks(path=row["doc_id"]))
        doc.counts[row["status"]] += 1
        if row["status"] == "fail":
            (doc.printed if is_printed(row, doc.path, printed) else doc.failing).append(row)
    return sorted(by_doc.values(), key=lambda d: d.path)


def report(docs: list[DocChecks], details: bool) -> str:
    """The worklist as text: failing documents, their checks by id, then totals."""
    lines: list[str] = []
    for doc in docs:
        if not doc.failing and not doc.printed:
            continue
        ran = doc.counts["pass"] + doc.counts["fail"]
        lines.append(f"{doc.path}: {len(doc.failing)} failing of {ran}"
                     + (f" (+{len(doc.printed)} printed inconsistencies)" if doc.printed else ""))
        by_check: dict[str, list[dict]] = defaultdict(list)
        for row in doc.failing:
            by_check[row["check"]].append(row)
        for check, rows in sorted(by_check.items()):
            lines.append(f"  {check}: {len(rows)}")
            for row in rows if details else rows[:3]:
                lines.append(f"    {row['location']} expected {row['expected']} actual {row['actual']}")
            if not details and len(rows) > 3:
                lines.append(f"    … {len(rows) - 3} more")
    ran = sum(d.counts["pass"] + d.counts["fail"] for d in docs)
    failing = sum(len(d.failing) for d in docs)
    printed = sum(len(d.printed) for d in docs)
    skipped = sum(d.counts["skip"] for d in docs)
    with_fail = sum(1 for d in docs if d.failing)
    share = 100.0 * failing / ran if ran else 0.0
    lines.append(f"TOTAL documents {len(docs)}, checks run {ran} (skip {skipped}), failing {failing} ({share:.2f}%) "
                 f"in {with_fail} documents; printed inconsistencies {printed}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="output folder (written by extract run)")
    ap.add_argument("--run", type=Path, help="extract this input folder into OUT first")
    ap.add_argument("--ocr", default="never", choices=["auto", "always", "never"])
    ap.add_argument("--jobs", "-j", type=int, default=1)
    ap.add_argument("--details", action="store_true", help="every failing row, not the first three per check")
    args = ap.parse_args(argv)
    if args.run:
        secs = run_extract(args.run, args.out, args.ocr, args.jobs)
        print(f"extract run {args.run} → {args.out}: {secs:.0f}s")
    print(report(read_checks(args.out, load_printed()), args.details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
