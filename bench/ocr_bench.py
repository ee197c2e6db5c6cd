"""OCR benchmark: pages/second per engine and mode, per core, with peak RSS.

Usage (from the repo root)::

    .venv/bin/python -m bench.ocr_bench                       # rapidocr + tesseract, 4 pages
    .venv/bin/python -m bench.ocr_bench --engines rapidocr --pages 5,8,12,15 --modes cells,page
    .venv/bin/python -m bench.ocr_bench --engines rapidocr --modes cells --pages all   # every page
    .venv/bin/python -m bench.ocr_bench --engines rapidocr --modes cells --squeeze 1.0 # crops not narrowed

Each (engine, mode) runs in its own process with one thread (OMP_NUM_THREADS=1,
ONNX Runtime intra-op 1, OMP_THREAD_LIMIT=1 for tesseract), so pages/s is a
per-core figure and peak RSS is that of one worker. Pages come from
``samples/yq2025_scanned.pdf`` (200 dpi bilevel scans of the born-digital
sample); where the born-digital twin exists, every grid cell the OCR reads is
compared with the text layer's cell (NFKC, spaces ignored).

Modes:
- ``cells``: the pipeline as shipped: rulings → grid → recognition-only on cell
  crops; projection line finding + recognition elsewhere.
- ``page``: whole-page text detection + recognition (the engine's ``recognise``
  on the cleaned page), the usual way to OCR a page, for comparison.

Both wall time and process CPU time are reported; on a shared machine the CPU
time is the honest per-core cost (wall time includes waiting for the core). The
1-minute load average before and after the run is printed beside the figures:
on this 2-core machine a load above ~1.2 means another job shared the cores.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ROOT / "samples" / "yq2025_scanned.pdf"
DIGITAL = ROOT / "samples" / "yq2025_born_digital.pdf"
DEFAULT_PAGES = "5,8,12,15"  # three table pages (表一, 表四, 表十-十二) and one narrative page


def main(argv: list[str] | None = None) -> int:
    """Run every (engine, mode) in a fresh single-threaded process and print a table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--modes", default="cells,page")
    ap.add_argument("--pages", default=DEFAULT_PAGES)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--squeeze", type=float, help="rapidocr: share of crop width kept (default: the engine's)")
    ap.add_argument("--misses", action="store_true", help="list every wrong cell (page, text layer, OCR)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # engine:mode, run in this process
    args = ap.parse_args(argv)
    if args.pages == "all":
        args.pages = ",".join(str(n) for n in range(1, page_count() + 1))
    if args.one:
        engine, mode = args.one.split(":")
        print(json.dumps(run_one(engine, mode, [int(p) for p in args.pages.split(",")], args.dpi, args.squeeze)))
        return 0
    print(f"OCR benchmark: {source_name()} pages {args.pages} at {args.dpi} dpi, 1 thread per worker"
          + (f", squeeze {args.squeeze}" if args.squeeze else "") + f"; load average {_load()}")
    print(f"{'engine':10} {'mode':6} {'pages':>5} {'pages/s wall':>12} {'pages/s cpu':>11} {'peak RSS MB':>11} {'cells exact':>12}")
    for engine in args.engines.split(","):
        for mode in args.modes.split(","):
            cmd = [sys.executable, "-m", "bench.ocr_bench", "--one", f"{engine}:{mode}", "--pages", args.pages,
                   "--dpi", str(args.dpi)] + (["--squeeze", str(args.squeeze)] if args.squeeze else [])
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{engine:10} {mode:6} failed: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            cells = f"{r['cells_ok']}/{r['cells']}" if r["cells"] else "-"
            print(f"{engine:10} {mode:6} {r['pages']:>5} {r['pages'] / r['wall']:>12.2f} {r['pages'] / r['cpu']:>11.2f} "
                  f"{r['rss_mb']:>11.0f} {cells:>12}   load {_load()}")
            for page_no, truth, read in r["misses"] if args.misses else ():
                print(f"    p{page_no}: {truth!r} read {read!r}")
    return 0


def _load() -> str:
    """The 1-, 5- and 15-minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def page_count() -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(str(SCANNED))) if SCANNED.exists() else 4


def source_name() -> str:
    return SCANNED.name if SCANNED.exists() else "drawn pages (extract.ocr.synthetic)"


def run_one(engine_name: str, mode: str, page_nos: list[int], dpi: int, squeeze: float | None = None) -> dict:
    """OCR the pages in this process; time only the OCR, after one warm-up page."""
    from extract.ocr import get_engine
    from extract.stages.ocr import OcrOptions, ocr_image

    engine = get_engine(engine_name, threads=1)
    if squeeze is not None and hasattr(engine, "squeeze"):
        engine.squeeze = squeeze
    options = OcrOptions(dpi=dpi)
    images, _ = load_pages(page_nos[:1], dpi)
    ocr_image(images[0], 0, engine, options)  # warm-up: ONNX allocations, tesseract data load
    wall = cpu = 0.0
    ok = total = 0
    misses: list = []
    for no in page_nos:  # rendered one at a time (untimed): RSS is one worker's, not a page cache's
        (image,), (truth,) = load_pages([no], dpi)
        t0, c0 = time.perf_counter(), _cpu()
        if mode == "cells":
            page, _ = ocr_image(image, no, engine, options)
        else:
            page = read_whole_page(image, no, engine, options)
        wall += time.perf_counter() - t0
        cpu += _cpu() - c0
        if truth is not None and mode == "cells":
            good, n = compare_cells(truth, page, misses)
            ok, total = ok + good, total + n
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"pages": len(page_nos), "wall": wall, "cpu": cpu, "rss_mb": rss / 1024, "cells_ok": ok, "cells": total,
            "misses": misses}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (tesseract runs as a child)."""
    self_, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + kids.ru_utime + kids.ru_stime


def load_pages(page_nos: list[int], dpi: int) -> tuple[list, list]:
    """Rendered scanned pages and, when the born-digital twin exists, its text-layer pages."""
    import pypdfium2 as pdfium

    from extract.stages.ocr import render_page
    from extract.stages.read import read_page

    if not SCANNED.exists():
        from extract.ocr.synthetic import draw_table_page

        return [draw_table_page(dpi=dpi, seed=n, skew=0.7).image for n in page_nos], [None] * len(page_nos)
    scan = pdfium.PdfDocument(str(SCANNED))
    images = [render_page(scan[n - 1], dpi) for n in page_nos]
    truths = [None] * len(page_nos)
    if DIGITAL.exists():
        digital = pdfium.PdfDocument(str(DIGITAL))
        truths = [read_page(digital[n - 1], n) for n in page_nos]
    return images, truths


def read_whole_page(image, page_no: int, engine, options):
    """Whole-page detection + recognition on the cleaned, deskewed page (no grid fast path)."""
    from extract.ocr import image as im
    from extract.stages.ocr import OcrTrace, prepare_image

    grey = prepare_image(image, options, OcrTrace())
    return engine.recognise(im.drop_light_strokes(grey))


def compare_cells(truth_page, ocr_page, misses: list | None = None) -> tuple[int, int]:
    """Cells equal between the text layer's grids and the OCR page's grids (same shapes only).

    Each wrong cell is appended to ``misses`` as (page, truth, read) when given.
    """
    from extract.stages.grid import find_grids

    def norm(s: str) -> str:
        return unicodedata.normalize("NFKC", s).replace(" ", "")

    ok = total = 0
    for a, b in zip(find_grids(truth_page), find_grids(ocr_page)):
        ma, mb = a.matrix(), b.matrix()
        for ra, rb in zip(ma, mb):
            for x, y in zip(ra, rb):
                total += 1
                ok += norm(x) == norm(y)
                if misses is not None and norm(x) != norm(y):
                    misses.append((truth_page.page_no, x, y))
        total += abs(a.n_rows - b.n_rows) * a.n_cols  # a missing row counts as wrong cells
    return ok, total


if __name__ == "__main__":
    raise SystemExit(main())
