"""Cells right: pdfplumber's table finder vs camelot lattice vs extract, on the sample.

For every budget line of the born-digital sample's ground truth, a finder gets
the cell right when one row of the tables it found on that page holds both the
line's label (科目编码 or name) and its amount as printed. Prints one line per
finder. Usage: python -m tools.compare_table_finders [samples/yq2025_born_digital.pdf]
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import pdfplumber


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "").replace(",", "")


def plumber_rows(pdf_path: Path, page_no: int) -> list[list[str]]:
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[page_no - 1]
        # Filter the rotated watermark glyphs by their text matrix, as extract does.
        page = page.filter(lambda o: o.get("object_type") != "char" or abs(o["matrix"][1]) < 0.05)
        return [[_norm(c) for c in row] for t in page.extract_tables({"vertical_strategy": "lines",
                                                                       "horizontal_strategy": "lines"})
                for row in t]


def camelot_rows(pdf_path: Path, page_no: int) -> list[list[str]]:
    import camelot

    tables = camelot.read_pdf(str(pdf_path), pages=str(page_no), flavor="lattice")
    return [[_norm(c) for c in row] for t in tables for row in t.df.values.tolist()]


def extract_rows(pdf_path: Path, page_no: int) -> list[list[str]]:
    import pypdfium2 as pdfium

    from extract.stages import grid, read

    pdf = pdfium.PdfDocument(pdf_path)
    page = read.read_page(pdf[page_no - 1], page_no)
    return [[_norm(c) for c in row] for g in grid.find_grids(page) for row in g.matrix(fill_merged=True)]


def score(finder, pdf_path: Path, truth: dict) -> tuple[int, int, float]:
    by_page = defaultdict(list)
    pages_of = {t["table_key"]: range(t["page_first"], t["page_last"] + 1) for t in truth["budget_tables"]}
    for line in truth["budget_lines"]:
        by_page[tuple(pages_of[line["table_key"]])].append(line)
    right = total = 0
    t0 = time.perf_counter()
    n_pages = 0
    cache: dict[int, list[list[str]]] = {}
    for pages, lines in by_page.items():
        rows = []
        for p in pages:
            if p not in cache:
                cache[p] = finder(pdf_path, p)
                n_pages += 1
            rows += cache[p]
        for line in lines:
            total += 1
            label = line["code"] or _norm(line["name"])
            amount = f"{line['amount']:.2f}"
            right += any(label in row and amount in row for row in rows)
    return right, total, (time.perf_counter() - t0) / max(n_pages, 1)


if __name__ == "__main__":
    pdf_path = Path(sys.argv[1] if len(sys.argv) > 1 else "samples/yq2025_born_digital.pdf")
    truth = json.loads(pdf_path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    for name, finder in [("extract (pdfium + pdfplumber cell finder)", extract_rows),
                         ("pdfplumber extract_tables, lines", plumber_rows), ("camelot lattice", camelot_rows)]:
        right, total, per_page = score(finder, pdf_path, truth)
        print(f"{name:44} cells right {right}/{total}  {per_page * 1000:7.0f} ms/page")
