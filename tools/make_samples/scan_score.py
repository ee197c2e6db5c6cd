"""Score the OCR path on the scan-profile documents (issue 13): one row per profile.

``python -m tools.make_samples.scan_score DIR [--profiles NAME ...] [--jobs N]`` reads ``DIR/scan_*.pdf``
(``make samples`` writes them to ``samples-scans/``; without DIR they are built into a temporary folder),
extracts each in its own worker process (``extract run``'s pipeline, every stage) and prints, against the
document's truth:

- budget lines found exactly (every field of :data:`score.LINE_KEY`), n/N and %;
- tables keyed: truth tables whose ``table_key`` was found;
- indicators exact on :data:`INDICATOR_KEY` (level1–3 and the printed value);
- project fields exact (:data:`PROJECT_FIELDS`, per project matched by name), all and all but prose;
- prose character accuracy over the prose fields (1 − edit distance / length), where one wrong mark makes a
  field inexact but barely moves this;
- pages per worker CPU second (the whole document, its form pages included; the models loaded first, as in a
  batch worker, and with their load counted too) and the worker's peak RSS.

``tests/test_scan_profiles.py`` asserts the same figures on a few pages of each profile.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .score import line_key

#: Project fields compared exactly (as tests/test_ocr_samples.py does).
PROJECT_FIELDS = ("project_name", "dept_code", "dept_name", "implementing_unit", "attribute", "period",
                  "funds_total", "funds_annual", "overview", "basis", "necessity", "measures", "plan",
                  "goal_period", "goal_annual", "filled_at")
#: The prose fields among them, also judged by character accuracy.
PROSE_FIELDS = ("overview", "basis", "necessity", "measures", "plan", "goal_period", "goal_annual")
#: An indicator is right when all of these match (level3 and its value, under the right level1/level2).
INDICATOR_KEY = ("project_name", "scope", "level1", "level2", "level3", "value_raw")


@dataclass
class ProfileScore:
    """One document's figures against its truth."""

    name: str
    pages: int = 0
    lines_truth: int = 0
    lines_exact: int = 0
    tables_truth: int = 0
    tables_keyed: int = 0
    indicators_truth: int = 0
    indicators_exact: int = 0
    fields_truth: int = 0
    fields_exact: int = 0
    plain_truth: int = 0  # the fields that are not prose: names, codes, amounts, period, dates
    plain_exact: int = 0
    prose_chars: int = 0
    prose_errors: int = 0
    cpu_s: float = 0.0
    #: CPU seconds spent importing the OCR engine and loading its models, before ``cpu_s`` starts: paid
    #: once per worker process, which then reads many documents of a batch.
    load_cpu_s: float = 0.0
    wall_s: float = 0.0
    rss_mb: float = 0.0
    status: str = ""

    @staticmethod
    def share(n: int, total: int) -> float:
        return n / total if total else 1.0

    @property
    def lines(self) -> float:
        return self.share(self.lines_exact, self.lines_truth)

    @property
    def tables(self) -> float:
        return self.share(self.tables_keyed, self.tables_truth)

    @property
    def indicators(self) -> float:
        return self.share(self.indicators_exact, self.indicators_truth)

    @property
    def fields(self) -> float:
        return self.share(self.fields_exact, self.fields_truth)

    @property
    def plain(self) -> float:
        return self.share(self.plain_exact, self.plain_truth)

    @property
    def prose(self) -> float:
        return 1.0 - self.share(self.prose_errors, self.prose_chars) if self.prose_chars else 1.0

    @property
    def pages_per_cpu_s(self) -> float:
        """Pages per CPU second over the whole document, models already loaded (a batch worker's rate)."""
        return self.pages / self.cpu_s if self.cpu_s else 0.0

    @property
    def pages_per_cpu_s_cold(self) -> float:
        """The same with the model load counted, as for a worker that reads this one document only."""
        total = self.cpu_s + self.load_cpu_s
        return self.pages / total if total else 0.0


def compare(name: str, rows: dict[str, list[dict]], truth: dict) -> ProfileScore:
    """Figures for extracted ``rows`` (``Result.rows``) against ``truth``; exact comparisons throughout."""
    from rapidfuzz.distance import Levenshtein

    s = ProfileScore(name)
    want, got = Counter(map(line_key, truth["budget_lines"])), Counter(map(line_key, rows["budget_lines"]))
    s.lines_truth, s.lines_exact = sum(want.values()), sum((want & got).values())
    keys_want = Counter(t["table_key"] for t in truth["budget_tables"])
    keys_got = Counter(t["table_key"] for t in rows["budget_tables"])
    s.tables_truth, s.tables_keyed = sum(keys_want.values()), sum((keys_want & keys_got).values())
    ind_want = {tuple(i[k] for k in INDICATOR_KEY) for i in truth["indicators"]}
    ind_got = {tuple(i.get(k) for k in INDICATOR_KEY) for i in rows["indicators"]}
    s.indicators_truth, s.indicators_exact = len(ind_want), len(ind_want & ind_got)
    have = {p["project_name"]: p for p in rows["projects"]}
    for want_p in truth["projects"]:
        got_p = have.get(want_p["project_name"], {})
        for f in PROJECT_FIELDS:
            s.fields_truth += 1
            s.fields_exact += got_p.get(f) == want_p[f]
            if f not in PROSE_FIELDS:
                s.plain_truth += 1
                s.plain_exact += got_p.get(f) == want_p[f]
        for f in PROSE_FIELDS:
            w, g = want_p[f] or "", got_p.get(f) or ""
            s.prose_chars += len(w)
            s.prose_errors += min(len(w), Levenshtein.distance(w, g))
    doc = rows["documents"][0]
    s.pages, s.status = int(doc["pages"]), str(doc["status"])
    return s


def score_pdf(pdf: Path) -> ProfileScore:
    """Extract ``pdf`` in this process and score it; CPU time and peak RSS are this process's."""
    import resource

    from extract.pipeline import process_document

    from extract.ocr.base import get_engine
    from extract.options import OcrOptions

    truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
    c_load = time.process_time()
    get_engine(OcrOptions().engine).recognise_crops([np.full((48, 96), 255, np.uint8)])  # import, load, warm
    load_cpu_s = time.process_time() - c_load
    t0, c0 = time.perf_counter(), time.process_time()
    res = process_document(pdf, pdf.name)
    s = compare(pdf.stem.removeprefix("scan_"), res.rows, truth)
    s.cpu_s, s.wall_s = time.process_time() - c0, time.perf_counter() - t0
    s.load_cpu_s = load_cpu_s
    s.rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return s


def score_folder(folder: Path, profiles: list[str] | None = None, jobs: int = 1) -> list[ProfileScore]:
    """Score every ``scan_*.pdf`` in ``folder`` (or those of ``profiles``), each in a fresh worker process."""
    pdfs = [p for p in sorted(folder.glob("scan_*.pdf"))
            if not profiles or p.stem.removeprefix("scan_") in profiles]
    with ProcessPoolExecutor(max_workers=jobs, max_tasks_per_child=1) as pool:
        return list(pool.map(score_pdf, pdfs))


def table(scores: list[ProfileScore]) -> str:
    """The scores as a Markdown table (the form ``bench/results.md`` keeps)."""
    out = ["| profile | budget lines exact | tables keyed | indicators | project fields | fields but prose | "
           "prose chars | pages/CPU s | with model load | peak RSS |", "|---|---|---|---|---|---|---|---|---|---|"]
    for s in scores:
        out.append(f"| {s.name} | {s.lines_exact}/{s.lines_truth} {s.lines:.1%} | "
                   f"{s.tables_keyed}/{s.tables_truth} {s.tables:.0%} | "
                   f"{s.indicators_exact}/{s.indicators_truth} {s.indicators:.1%} | "
                   f"{s.fields_exact}/{s.fields_truth} {s.fields:.1%} | "
                   f"{s.plain_exact}/{s.plain_truth} {s.plain:.1%} | "
                   f"{s.prose:.2%} | "
                   f"{s.pages_per_cpu_s:.2f} | {s.pages_per_cpu_s_cold:.2f} | {s.rss_mb:.0f} MB |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.make_samples.scan_score")
    ap.add_argument("dir", nargs="?", help="folder with scan_*.pdf (default: build them into a temporary folder)")
    ap.add_argument("--profiles", nargs="*", help="document names without scan_ (e.g. red_seal mixed_red_seal)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--json", help="also write the scores to this JSON file")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(a.dir) if a.dir else Path(tmp)
        if not a.dir:
            from .__main__ import main as make

            make([str(folder), "--scans"] + (["--only", *a.profiles] if a.profiles else []))
        scores = score_folder(folder, a.profiles, a.jobs)
    print(table(scores))
    if a.json:
        Path(a.json).write_text(json.dumps([asdict(s) for s in scores], indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
