"""Score extract on the style corpus: per document, budget lines exact against the truth and tables keyed.

``python -m tools.make_samples.score [DIR]`` reads ``DIR/style_*.pdf`` (``make samples`` writes them to
``samples-styles/``), or builds the corpus into a temporary folder when DIR is left out, and prints one row
per style. ``tests/test_style_corpus.py`` asserts the same figures.
"""
from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

#: The fields a budget line is compared on (amount rounded to the cent).
LINE_KEY = ("table_key", "row_no", "side", "code", "name", "level", "column", "amount", "unit")
#: The fields a table is compared on.
TABLE_KEY = ("table_key", "table_no", "title", "page_first", "page_last", "n_rows", "has_data")


def line_key(row: dict) -> tuple:
    return tuple(round(float(row[k]), 2) if k == "amount" else _plain(row[k]) for k in LINE_KEY)


def table_row(row: dict) -> tuple:
    return tuple(_plain(row[k]) for k in TABLE_KEY)


def _plain(v):
    """numpy/pandas scalars and NaN → plain Python values, so rows from either side compare equal."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


@dataclass
class Score:
    """One document's figures: truth lines found exactly, lines read that the truth lacks, tables."""
    name: str
    lines_truth: int
    lines_exact: int
    lines_extra: int
    tables_truth: int
    tables_keyed: int
    tables_exact: int
    missed: list[tuple]
    extra: list[tuple]
    text_pages: int = 0
    ocr_pages: int = 0
    status: str = ""

    @property
    def line_share(self) -> float:
        return self.lines_exact / self.lines_truth if self.lines_truth else 1.0


def score(pdf: Path, truth: dict) -> Score:
    """Extract ``pdf`` (every stage, as ``extract run`` does) and compare it with ``truth``."""
    from extract.pipeline import process_document

    res = process_document(pdf, pdf.name)
    want, got = Counter(map(line_key, truth["budget_lines"])), Counter(map(line_key, res.rows["budget_lines"]))
    tables_want = Counter(table_row(t) for t in truth["budget_tables"])
    tables_got = Counter(table_row(t) for t in res.rows["budget_tables"])
    keys_want = Counter(t["table_key"] for t in truth["budget_tables"])
    keys_got = Counter(t["table_key"] for t in res.rows["budget_tables"])
    doc = res.rows["documents"][0]
    return Score(pdf.stem, sum(want.values()), sum((want & got).values()), sum((got - want).values()),
                 sum(keys_want.values()), sum((keys_want & keys_got).values()),
                 sum((tables_want & tables_got).values()), sorted((want - got).elements(), key=str),
                 sorted((got - want).elements(), key=str), doc["text_pages"], doc["ocr_pages"], doc["status"])


def score_folder(folder: Path) -> list[Score]:
    out = []
    for pdf in sorted(folder.glob("style_*.pdf")):
        truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
        out.append(score(pdf, truth))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(argv[0]) if argv else Path(tmp)
        if not argv:
            from .__main__ import main as make

            make([str(folder), "--styles"])
        scores = score_folder(folder)
    print(f"{'document':66} {'lines exact':>17} {'extra':>5} {'tables keyed':>12} {'exact':>5}")
    for s in scores:
        print(f"{s.name:66} {s.lines_exact:4}/{s.lines_truth:<4} {s.line_share:7.2%} {s.lines_extra:5} "
              f"{s.tables_keyed:5}/{s.tables_truth:<6} {s.tables_exact:5}")
        for k in s.missed[:5]:
            print("    missed", k)
        for k in s.extra[:5]:
            print("    extra ", k)
    worst = min(scores, key=lambda s: s.line_share)
    print(f"{len(scores)} documents; worst lines {worst.line_share:.2%} ({worst.name}); tables keyed "
          f"{sum(s.tables_keyed for s in scores)}/{sum(s.tables_truth for s in scores)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
