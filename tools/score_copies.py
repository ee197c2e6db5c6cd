"""Score an output folder's projects, copies, doc_refs and conflicts against a sample truth (issue 13).

    python tools/score_copies.py OUT samples/yq2025_mixed.truth.json

Prints: projects (names, copies), the doc_refs canonical multiset against the
truth's (missing / extra, and every OCR variant left as a reference), and which
of the truth's expected conflicts have a row (entity, key, field).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from extract.stages.write import records


def _rows(out: Path, name: str) -> list[dict]:
    return records(pd.read_parquet(out / f"{name}.parquet"))


def score(out: Path, truth_path: Path) -> dict[str, object]:
    """The figures the issue's "done when" names, as one dict (printed by :func:`main`)."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    projects, refs, conflicts = _rows(out, "projects"), _rows(out, "doc_refs"), _rows(out, "conflicts")
    got_canon, want_canon = Counter(r["canonical"] for r in refs), Counter(r["canonical"] for r in truth["doc_refs"])
    want_keys = {(c["entity"], c["key"], c["field"]) for c in truth["expected_conflicts"]}
    have_keys = {(c["entity"], c["key"], c["field"]) for c in conflicts}
    return {
        "projects": len(projects),
        "copies": sum(int(p["copies"]) for p in projects),
        "per_project": sorted((p["project_name"], int(p["copies"])) for p in projects),
        "doc_refs": len(refs), "truth_doc_refs": len(truth["doc_refs"]),
        "canonical_set_equal": set(got_canon) == set(want_canon),
        "canonical_multiset_equal": got_canon == want_canon,
        "missing": dict(want_canon - got_canon), "extra": dict(got_canon - want_canon),
        "corrected": sum(bool(r["corrected"]) for r in refs),
        "conflicts": len(conflicts),
        "doc_ref_conflicts": sorted((c["key"], c["reason"]) for c in conflicts if c["entity"] == "doc_ref"),
        "expected_conflicts_found": len(want_keys & have_keys), "expected_conflicts": len(want_keys),
        "expected_conflicts_missing": sorted(want_keys - have_keys),
    }


def main(argv: list[str]) -> None:
    out, truth = Path(argv[0]), Path(argv[1])
    for k, v in score(out, truth).items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main(sys.argv[1:])
