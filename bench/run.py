"""Benchmark: pages/s and peak RSS for extract (--jobs 1 and 2) beside pdfplumber and camelot.

Run ``python -m bench.run`` (``make bench``); ``--quick`` for a smaller run.
Writes the generated corpus to ``bench/corpus/`` (gitignored) and the table to
``bench/results.md``. Every measurement runs in a fresh child process
(``python -m bench.run --child …``), so peak RSS figures do not carry over:
the child reports its own peak (``RUSAGE_SELF``) and its workers' peak
(``RUSAGE_CHILDREN``: the largest of any one worker, since Linux keeps the
maximum over reaped children, not the sum).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import craft

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
RESULTS = HERE / "results.md"
#: The "OCR by scan profile" section (issue 13), written by hand from ``tools.make_samples.scan_score``.
SCAN_PROFILES = HERE / "scan_profiles" / "section.md"


@dataclass
class Sizes:
    """How much to measure: the full run (~5 min on 2 cores) or --quick (~1.5 min)."""

    born_digital: int = 200  # documents in the corpus
    pages_per_doc: tuple[int, ...] = (4, 5, 6, 7, 8)
    scanned: int = 4
    scanned_pages: int = 2
    plumber_docs: int = 60
    camelot_docs: int = 6
    long_pages: int = 500
    kangxi_copies: int = 40  # copies each of the plain and the Kangxi-radical document


QUICK = Sizes(born_digital=200, plumber_docs=15, camelot_docs=2, scanned=2, long_pages=200, kangxi_copies=20)


# --- corpus -------------------------------------------------------------------------------------

def build_corpus(sizes: Sizes) -> dict[str, list[Path]]:
    """Born-digital page slices (all different bytes), a few scanned slices, one long document."""
    born = []
    n_src = 35  # pages of the born-digital sample; tables on 5-13, forms after
    for i in range(sizes.born_digital):
        count = sizes.pages_per_doc[i % len(sizes.pages_per_doc)]
        first = 1 + (i * 3) % (n_src - count)
        path = CORPUS / "born_digital" / f"bd{i:04d}_p{first}-{first + count - 1}.pdf"
        if not path.exists():
            craft.page_slice(path, first, count)
        born.append(path)
    scanned = []
    for i in range(sizes.scanned):
        path = CORPUS / "scanned" / f"sc{i:02d}.pdf"
        if not path.exists():
            craft.page_slice(path, 5 + 2 * i, sizes.scanned_pages, source=craft.SCANNED)
        scanned.append(path)
    long_doc = CORPUS / "long" / f"long_{sizes.long_pages}p.pdf"
    if not long_doc.exists():
        long_doc.parent.mkdir(parents=True, exist_ok=True)
        craft.concatenated(long_doc, sizes.long_pages)
    return {"born": born, "scanned": scanned, "long": [long_doc]}


def kangxi_corpus(copies: int) -> dict[str, list[Path]]:
    """The seed's 13 budget tables drawn twice in one style (AR PL UMing, ruled, portrait): with ideographs
    in the text layer, and with Kangxi radicals for them (⽀ for 支), as some producers write. Same
    pages, same layout; ``copies`` varied copies of each (a byte-identical copy is extracted once)."""
    from tools.make_samples import doc, styles

    model = doc.load_model()
    out: dict[str, list[Path]] = {}
    for kind in ("plain", "kangxi"):
        pdf, _ = styles.build(styles.Style("uming", "grid", "portrait", kind == "kangxi", 0.93, "label"), model)
        source = CORPUS / "kangxi" / f"{kind}.pdf"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(pdf)
        out[kind] = [craft.varied_copy(CORPUS / "kangxi" / kind / f"{kind}{i:03d}.pdf", i, source)
                     for i in range(copies)]
    return out


def same_budget_lines(a: Path, b: Path) -> bool:
    """Whether two documents yield the same budget lines (every field but the document's id)."""
    from extract.pipeline import process_document

    def lines(path: Path) -> list[dict]:
        rows = process_document(path, path.name).rows["budget_lines"]
        return [{k: v for k, v in r.items() if k != "doc_id"} for r in rows]

    return lines(a) == lines(b)


def kangxi_pairs(files: dict[str, list[Path]], rounds: int = 2) -> list[dict]:
    """The plain and the Kangxi batch, alternated ``rounds`` times, without the report (extraction only);
    the least CPU of each kept."""
    runs: dict[str, list[dict]] = {"plain": [], "kangxi": []}
    for _ in range(rounds):
        for kind in runs:
            label = f"extract 13 tables, {'Kangxi-radical' if kind == 'kangxi' else 'plain'} text layer --jobs 1"
            runs[kind].append(measure(label, "extract", files[kind], 1, ["auto", "plain"]))
    return [min(r, key=lambda row: row["cpu_self_s"] + row["cpu_workers_s"]) for r in runs.values()]


def kangxi_share(rows: list[dict], identical: bool) -> list[str]:
    """The Kangxi run's speed against the plain run's (target: within 20%)."""
    plain = next(r for r in rows if "plain text layer" in r["label"])
    kangxi = next(r for r in rows if "Kangxi" in r["label"])
    per_cpu = [r["pages"] / (r["cpu_self_s"] + r["cpu_workers_s"]) for r in (plain, kangxi)]
    return [f"Kangxi-radical text layers at text speed: the 13 tables with ideographs {plain['pps']:.1f} pages/s, "
            f"with Kangxi radicals {kangxi['pps']:.1f} pages/s (**{kangxi['pps'] / plain['pps']:.0%}** of the plain "
            f"speed; per CPU second {per_cpu[0]:.1f} vs {per_cpu[1]:.1f} pages, {per_cpu[1] / per_cpu[0]:.0%}; "
            "target ≥ 80%); budget lines of the two documents "
            f"{'**identical**' if identical else '**DIFFERENT**'}."]


# --- child process: one measurement -------------------------------------------------------------

def child(tool: str, jobs: int, list_file: Path, extra: list[str]) -> dict[str, float]:
    """Run one tool over the listed files in this process; report time, pages, peak RSS."""
    files = [Path(p) for p in list_file.read_text().splitlines() if p]
    t0 = time.perf_counter()
    parts: dict[str, float] = {}
    if tool == "extract":
        pages = run_extract(files, jobs, extra)
    elif tool == "report_parts":
        pages = run_report_parts(files, parts)
    elif tool == "pdfplumber":
        pages = run_pdfplumber(files)
    elif tool == "camelot":
        pages = run_camelot(files)
    else:
        raise SystemExit(f"unknown tool {tool}")
    seconds = time.perf_counter() - t0
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "pages": pages, "files": len(files),
            "cpu_self_s": me.ru_utime + me.ru_stime, "cpu_workers_s": kids.ru_utime + kids.ru_stime,
            "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "parts": parts}


def run_report_parts(files: list[Path], parts: dict[str, float]) -> int:
    """The batch with its report in one process (``fail_fast``: no workers), the report's own parts timed
    where they run: pictures drawn, pictures stored in the cache, index and pages written; ``parts`` gets
    their CPU seconds and the whole run's. Both sides of the share come from the same run, so a machine
    that slows down mid-run slows both (two runs compared against each other vary by ±10% here).
    """
    import extract.cache as cache_module
    import extract.report as report_module
    import extract.stages.pictures as pictures_module
    from extract.api import BatchConfig, run_batch
    from extract.options import Options

    def timed(name: str, fn):
        def wrapper(*args, **kwargs):
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                parts[name] = parts.get(name, 0.0) + time.process_time() - t0
        return wrapper

    pictures_module.draw_pictures = timed("draw", pictures_module.draw_pictures)
    cache_module.ResultCache.store_pictures = timed("store", cache_module.ResultCache.store_pictures)
    report_module.build_report = timed("pages", report_module.build_report)
    with tempfile.TemporaryDirectory() as tmp:
        links = Path(tmp) / "in"
        links.mkdir()
        for f in files:
            (links / f.name).symlink_to(f)
        t0 = time.process_time()
        summary = run_batch(links, Path(tmp) / "out", Options(fail_fast=True),
                            config=BatchConfig(jobs=1, use_cache=False, report=True, pictures=True))
        parts["run"] = time.process_time() - t0
    return summary.pages


def run_extract(files: list[Path], jobs: int, extra: list[str]) -> int:
    """``extra``: [ocr mode, "report" | "plain"]; a report run draws pictures in the workers and writes
    the QA report, as ``extract run`` does; a plain run does neither."""
    from extract.api import BatchConfig, run_batch
    from extract.options import Options

    options = Options.from_keywords(ocr=extra[0]) if extra else Options()
    report = (extra[1] if len(extra) > 1 else "report") == "report"
    with tempfile.TemporaryDirectory() as tmp:
        links = Path(tmp) / "in"
        links.mkdir()
        for f in files:
            (links / f.name).symlink_to(f)
        config = BatchConfig(jobs=jobs, use_cache=False, report=report, pictures=report)
        summary = run_batch(links, Path(tmp) / "out", options, config=config)
    bad = summary.failed + summary.partial
    if bad:
        print(f"warning: {bad} documents not ok", file=sys.stderr)
    return summary.pages


def run_pdfplumber(files: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                pages += 1
                page.close()
    return pages


def run_camelot(files: list[Path]) -> int:
    import warnings

    import camelot
    import pypdfium2 as pdfium

    warnings.filterwarnings("ignore")
    pages = 0
    for f in files:
        camelot.read_pdf(str(f), flavor="lattice", pages="1-end")
        pages += len(pdfium.PdfDocument(f))
    return pages


# --- parent: the suite --------------------------------------------------------------------------

def measure(label: str, tool: str, files: list[Path], jobs: int = 1, extra: list[str] | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(map(str, files)))
    cmd = [sys.executable, "-m", "bench.run", "--child", tool, "--jobs", str(jobs), "--list", fh.name,
           *(["--extra", *extra] if extra else [])]
    print(f"… {label}: {len(files)} files", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)
    os.unlink(fh.name)
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed:\n{proc.stderr[-3000:]}")
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    row.update(label=label, tool=tool, jobs=jobs, pps=row["pages"] / row["seconds"])
    row["rss_peak_mb"] = max(row["rss_self_mb"], row["rss_worker_mb"] if tool == "extract" else 0)
    print(f"  {row['pages']} pages in {row['seconds']:.1f}s = {row['pps']:.1f} p/s; cpu parent "
          f"{row['cpu_self_s']:.1f}s workers {row['cpu_workers_s']:.1f}s; "
          f"peak RSS parent {row['rss_self_mb']:.0f} MB, worker {row['rss_worker_mb']:.0f} MB", file=sys.stderr)
    return row


REAL = HERE.parent.parent / "shared" / "corpus" / "real"


def suite(sizes: Sizes, skip_ocr: bool) -> list[dict]:
    corpus = build_corpus(sizes)
    born = corpus["born"]
    kangxi = kangxi_corpus(sizes.kangxi_copies)
    rows = [*report_pairs("extract born-digital --jobs 1", born),
            measure("extract born-digital, one process, report parts timed", "report_parts", born),
            *kangxi_pairs(kangxi),
            measure("extract born-digital --jobs 2", "extract", born, 2),
            measure("pdfplumber extract_tables()", "pdfplumber", born[: sizes.plumber_docs]),
            measure("camelot lattice", "camelot", born[: sizes.camelot_docs])]
    if not skip_ocr and ocr_available():
        rows.append(measure("extract scanned (OCR) --jobs 1", "extract", corpus["scanned"], 1))
    rows.append(measure(f"extract {sizes.long_pages}-page document --jobs 1", "extract", corpus["long"], 1))
    real = sorted(REAL.glob("*.pdf"))
    if real and not skip_ocr:
        rows += report_pairs("extract real corpus --jobs 1", real)
    return rows


def report_pairs(label: str, files: list[Path], rounds: int = 2) -> list[dict]:
    """The same batch with and without the report, alternated ``rounds`` times; the least CPU of each
    kept (other processes on the machine only ever add time)."""
    runs: dict[str, list[dict]] = {"report": [], "plain": []}
    for _ in range(rounds):
        for kind in runs:
            runs[kind].append(measure(f"{label}{', no report' if kind == 'plain' else ''}", "extract", files, 1,
                                      ["auto", kind]))
    return [min(r, key=lambda row: row["cpu_self_s"] + row["cpu_workers_s"]) for r in runs.values()]


def report_share(rows: list[dict]) -> list[str]:
    """What the QA report costs a run (pictures drawn by the workers + the index and pages written by
    the parent): CPU seconds of the run with it against the same run without it."""
    out = []
    for r in (r for r in rows if r["tool"] == "report_parts"):
        p = r["parts"]
        own = p.get("draw", 0.0) + p.get("store", 0.0) + p.get("pages", 0.0)
        out.append(f"- born-digital, timed inside one run (no workers, each part timed where it runs): pictures "
                   f"drawn {p.get('draw', 0.0):.2f} s, stored {p.get('store', 0.0):.2f} s, index and pages "
                   f"{p.get('pages', 0.0):.2f} s of {p['run']:.1f} CPU s: the report is **{own / p['run']:.1%}** "
                   "of the run.")
    for plain in (r for r in rows if r["label"].endswith(", no report")):
        full = next(r for r in rows if r["label"] == plain["label"].removesuffix(", no report"))
        cpu_full = full["cpu_self_s"] + full["cpu_workers_s"]
        cpu_plain = plain["cpu_self_s"] + plain["cpu_workers_s"]
        out.append(f"- {full['label'].removeprefix('extract ')}: {cpu_full:.1f} CPU s with the report, "
                   f"{cpu_plain:.1f} without: the report is **{(cpu_full - cpu_plain) / cpu_full:.1%}** of the run "
                   f"(wall {full['seconds']:.1f} s vs {plain['seconds']:.1f} s).")
    return out


def ocr_engines_section() -> str:
    """OCR pages/s per engine, one thread, and peak RSS: ``bench.ocr_bench``'s table.

    The end-to-end scanned row above includes loading the models into the
    worker (about a second) over a few pages; this is the steady per-page cost.
    """
    runs = [["--engines", "rapidocr,tesseract", "--modes", "cells"],
            ["--engines", "rapidocr", "--modes", "cells", "--pages", "all"]]
    out = []
    for args in runs:
        print(f"… OCR per engine (bench.ocr_bench {' '.join(args)})", file=sys.stderr, flush=True)
        proc = subprocess.run([sys.executable, "-m", "bench.ocr_bench", *args], capture_output=True, text=True,
                              cwd=HERE.parent)
        if proc.returncode != 0:
            raise SystemExit(f"bench.ocr_bench failed:\n{proc.stderr[-3000:]}")
        out.append(f"`python -m bench.ocr_bench {' '.join(args)}`\n\n```\n{proc.stdout.strip()}\n```\n")
    return ("\n## OCR per engine\n\nThe pipeline's OCR of scanned sample pages (render untimed, one warm-up page), "
            "one thread; cells exact against the born-digital twin. Target: ≥ 0.5 pages/s per core, RSS < 1.5 GB. "
            "The default pages are three table pages and a narrative page; the whole sample adds 19 form pages of "
            "dense prose, which cost nearly twice a table page each.\n\n" + "\n".join(out))


def ocr_available() -> bool:
    try:
        from extract.stages import ocr  # noqa: F401 - the OCR stage exists and imports
    except ImportError:
        return False
    return True


def render(rows: list[dict], sizes: Sizes, quick: bool, total: float) -> str:
    j1 = next(r for r in rows if r["label"].endswith("--jobs 1") and "born" in r["label"])
    j2 = next(r for r in rows if r["label"].endswith("--jobs 2"))
    lines = [
        "# Benchmark results", "",
        f"`python -m bench.run{' --quick' if quick else ''}` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}; "
        f"whole run {total:.0f} s.", "",
        f"Corpus: {sizes.born_digital} born-digital documents (page slices of the sample, "
        f"{'/'.join(map(str, sizes.pages_per_doc))} pages, every file different bytes), "
        f"{sizes.scanned} scanned slices of {sizes.scanned_pages} pages, one {sizes.long_pages}-page document. "
        "extract runs end to end (hash, cache off, every stage, Parquet + CSV + DuckDB written); "
        "baselines only find tables, on the first documents of the same corpus.", "",
        "| run | files | pages | seconds | pages/s | CPU s parent / workers | peak RSS parent (MB) "
        "| peak RSS per worker (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in (r for r in rows if r["tool"] != "report_parts"):
        worker = f"{r['rss_worker_mb']:.0f}" if r["tool"] == "extract" else "–"
        cpu = f"{r['cpu_self_s']:.1f} / {r['cpu_workers_s']:.1f}" if r["tool"] == "extract" else f"{r['cpu_self_s']:.1f}"
        lines.append(f"| {r['label']} | {r['files']} | {r['pages']} | {r['seconds']:.1f} | {r['pps']:.1f} | {cpu} | "
                     f"{r['rss_self_mb']:.0f} | {worker} |")
    lines += ["", f"Speed-up --jobs 2 over --jobs 1: **{j2['pps'] / j1['pps']:.2f}×**; "
              f"born-digital per core (--jobs 1): **{j1['pps']:.1f} pages/s**.", "",
              "QA report's share of a run (`extract run` draws the report's pictures in its workers and writes "
              "the index and a page per document; \"no report\" is the same batch without either; each run "
              "twice, alternated, the least CPU kept). Before the report was drawn by the workers (commit "
              "96ed005, the parent drew every picture after the batch, as PNG) it was 50% of the CPU of the "
              "born-digital run and 32% of the real corpus run (`extract run` then `extract report` timed "
              "on 2026-12-06 on this machine).", "",
              *report_share(rows), "",
              *kangxi_share(rows, same_budget_lines(*(CORPUS / "kangxi" / f"{k}.pdf" for k in ("plain", "kangxi")))),
              ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller baselines and long document (~1.5 min)")
    ap.add_argument("--no-ocr", action="store_true", help="skip the scanned (OCR) measurement")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--list", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--extra", nargs="*", default=[], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.jobs, args.list, args.extra)))
        return 0
    sizes = QUICK if args.quick else Sizes()
    t0 = time.perf_counter()
    load = os.getloadavg()[0]
    rows = suite(sizes, args.no_ocr)
    text = render(rows, sizes, args.quick, time.perf_counter() - t0)
    text += (f"\nLoad average when the run started: {load:.2f} (other processes on the same cores lower "
             "the --jobs 2 figure; per-core capacity = pages / worker CPU seconds: "
             + ", ".join(f"{r['label']}: {r['pages'] / r['cpu_workers_s']:.1f}" for r in rows
                         if r["tool"] == "extract" and r["cpu_workers_s"]) + ").\n")
    if not args.no_ocr and ocr_available():
        text += ocr_engines_section()
    if SCAN_PROFILES.is_file():  # measured apart (whole documents, ~20 min): kept, not re-run
        text += "\n" + SCAN_PROFILES.read_text(encoding="utf-8")
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
