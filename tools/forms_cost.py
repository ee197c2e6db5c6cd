"""What the forms stage costs on a born-digital document (issue 3: ≤ 20% per page).

    .venv/bin/python -m tools.forms_cost [PDF] [--repeats N]

Runs ``process_document`` on the same file with the full pipeline and with the
``forms`` stage taken out of ``DOC_STAGES`` (doc_refs then falls back to page
text), alternating, and reports the median wall time per page of each, the
difference, and the forms stage's own time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from extract import pipeline


def run(pdf: Path, with_forms: bool) -> tuple[float, int, float]:
    saved = list(pipeline.DOC_STAGES)
    if not with_forms:
        pipeline.DOC_STAGES[:] = [(n, s) for n, s in saved if n not in ("forms", "dedupe")]
    try:
        t0 = time.perf_counter()
        res = pipeline.process_document(pdf, pdf.name)
        wall = time.perf_counter() - t0
    finally:
        pipeline.DOC_STAGES[:] = saved
    return wall, res.rows["documents"][0]["pages"], res.timings.get("forms", 0.0) + res.timings.get("dedupe", 0.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf", nargs="?", default="samples/yq2025_born_digital.pdf", type=Path)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    run(args.pdf, True)  # warm-up: imports, fonts, caches
    on, off, stage = [], [], []
    for _ in range(args.repeats):
        wall, pages, forms_s = run(args.pdf, True)
        on.append(wall / pages)
        stage.append(forms_s / pages)
        off.append(run(args.pdf, False)[0] / pages)
    a, b, s = statistics.median(on), statistics.median(off), statistics.median(stage)
    print(f"{args.pdf} ({pages} pages, {args.repeats} repeats, median per page)")
    print(f"  with forms    {a * 1000:8.2f} ms/page")
    print(f"  without forms {b * 1000:8.2f} ms/page")
    print(f"  difference    {(a - b) * 1000:8.2f} ms/page = {100 * (a - b) / b:+.1f}%")
    print(f"  forms stage   {s * 1000:8.2f} ms/page = {100 * s / b:.1f}% of the run without forms")


if __name__ == "__main__":
    main()
