"""Accuracy of a run's forms against the hand-checked truth (tests/data/wild_forms.json).

    .venv/bin/python -m tools.forms_truth_score OUT [OUT ...] [--truth tests/data/wild_forms.json]

For every truth project: found (name, and implementing unit when the truth names
one), each field right (kind, funds_total, funds_annual, dept_name), and the
indicators matched exactly on (level1, level2, level3, value_raw). Prints the
counts, so a rule change is measured on values read off the pictures, not on
the product's own output.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections import Counter
from pathlib import Path

FIELDS = ("kind", "funds_total", "funds_annual", "dept_name")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _same(got: str | None, want: object) -> bool:
    if want is None:
        return got in (None, "", "nan")
    if isinstance(want, float):
        try:
            return math.isclose(float(got), want, abs_tol=0.005)
        except (TypeError, ValueError):
            return False
    return got == want


def _key(i: dict) -> tuple[str, ...]:
    """(level1, level2, level3, value_raw), a missing level as ""."""
    return tuple((i.get(k) or "") for k in ("level1", "level2", "level3", "value_raw"))


def score(outs: list[Path], truth: list[dict]) -> dict[str, int]:
    docs, projects, indicators = {}, [], []
    for out in outs:
        docs.update({Path(d["path"]).name: d["doc_id"] for d in _rows(out / "documents.csv")})
        projects += _rows(out / "projects.csv")
        indicators += _rows(out / "indicators.csv")
    s: Counter[str] = Counter()
    for t in truth:
        s["projects"] += 1
        s["indicators"] += len(t["indicators"] or [])
        doc = docs.get(t["file"])
        hits = [p for p in projects if p["doc_id"] == doc and p["project_name"] == t["project_name"]
                and ("implementing_unit" not in t or p.get("implementing_unit") == t["implementing_unit"])]
        if len(hits) != 1:
            continue
        s["found"] += 1
        p = hits[0]
        for f in FIELDS:
            s[f] += _same(p.get(f), t.get(f))
        if t["indicators"] is None:  # fields only
            continue
        want = Counter(_key(i) for i in t["indicators"])
        have = Counter(_key(i) for i in indicators
                       if i["doc_id"] == doc and i["project_name"] == t["project_name"])
        s["indicators_right"] += sum((want & have).values())
        s["indicators_extra"] += sum((have - want).values())
    return dict(s)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outs", nargs="+", type=Path)
    ap.add_argument("--truth", type=Path, default=Path("tests/data/wild_forms.json"))
    args = ap.parse_args(argv)
    s = score(args.outs, json.loads(args.truth.read_text(encoding="utf-8")))
    n = s.get("projects", 0)
    print(f"projects found {s.get('found', 0)}/{n}; " + ", ".join(f"{f} right {s.get(f, 0)}/{n}" for f in FIELDS))
    print(f"indicators right {s.get('indicators_right', 0)}/{s.get('indicators', 0)}, extra {s.get('indicators_extra', 0)}")


if __name__ == "__main__":
    main()
