"""The QA report: ``OUT/report.html`` plus pictures in ``OUT/report_files/``.

Reads the output tables a run wrote (documents, budget_tables, budget_lines,
checks, conflicts, projects, indicators) and, when found, the source PDFs for
pictures; writes one static HTML page (inline CSS and SVG, no scripts, no
server) a reviewer opens from disk: batch summary, then per document the tables
with page thumbnails, every failing check beside a crop of its figure, the
conflicts, projects and indicators, and spending by function as a bar chart.
"""

from __future__ import annotations

import json

import logging
import re
import shutil
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from extract.report import html
from extract.report.chart import bar_chart
from extract.report.pictures import PdfPages, crop_figure, thumbnail

log = logging.getLogger(__name__)

Row = dict[str, Any]
TABLES = ("documents", "budget_tables", "budget_lines", "checks", "conflicts", "projects", "indicators", "doc_refs")
#: Pictures per document, so a 300-page report stays quick to build and to open.
MAX_THUMBS = 40
MAX_CROPS = 30
_LOCATION = re.compile(r"^(?P<key>\S+) row (?P<row>\d+) \[(?P<label>.*?)\].* col (?P<col>.*) p(?P<page>\d*)$")


#: Written by a run beside the tables: per-document processing time for the report.
RUN_LOG = "run_log.json"


def build_report(out_dir: Path, inputs: dict[str, Path] | None = None) -> Path:
    """Write ``out_dir/report.html``; ``inputs`` maps doc_id → PDF (else documents.path is tried)."""
    out_dir = Path(out_dir)
    data = {name: load_table(out_dir, name) for name in TABLES}
    files = out_dir / "report_files"
    shutil.rmtree(files, ignore_errors=True)
    files.mkdir(parents=True, exist_ok=True)
    by_doc = {name: _group(rows) for name, rows in data.items()}
    counts = {d["doc_id"]: _counts(by_doc["checks"].get(d["doc_id"], [])) for d in data["documents"]}
    seconds = run_seconds(out_dir)
    for d in data["documents"]:
        d.setdefault("seconds", seconds.get(d["doc_id"]))
    sections = []
    for d in data["documents"]:
        if d.get("duplicate_of"):
            continue
        pdf_path = (inputs or {}).get(d["doc_id"]) or Path(str(d["path"]))
        sections.append(document_section(d, {n: by_doc[n].get(d["doc_id"], []) for n in TABLES}, pdf_path, files))
    body = ("<h1>Extraction QA report</h1>" + html.summary(data["documents"], counts) + "".join(sections))
    target = out_dir / "report.html"
    target.write_text(html.page("Extraction QA report", body), encoding="utf-8")
    return target


def run_seconds(out_dir: Path) -> dict[str, float]:
    """Processing seconds per doc_id from the run log (timings are not in the tables:
    they would make two runs' outputs differ)."""
    path = out_dir / RUN_LOG
    try:
        return {k: float(v) for k, v in json.loads(path.read_text(encoding="utf-8"))["seconds"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def load_table(out_dir: Path, name: str) -> list[Row]:
    """Rows of one output table (Parquet, else CSV); empty when the run did not write it."""
    for path, reader in ((out_dir / f"{name}.parquet", pd.read_parquet), (out_dir / f"{name}.csv", pd.read_csv)):
        if path.exists():
            try:
                frame = reader(path)
            except Exception as exc:  # noqa: BLE001 - a bad table costs its section only
                log.warning("report: cannot read %s: %s", path, exc)
                continue
            return frame.astype(object).where(frame.notna(), None).to_dict("records")
    return []


def _group(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[str(r.get("doc_id"))].append(r)
    return out


def _counts(checks: list[Row]) -> dict[str, int]:
    from extract.checks import summarise

    return summarise(checks)


def document_section(doc: Row, rows: dict[str, list[Row]], pdf_path: Path, files: Path) -> str:
    """One document: header, tables with thumbnails, failing checks with crops, chart, conflicts, projects."""
    pdf = PdfPages.open(pdf_path) if pdf_path.exists() else None
    try:
        thumbs = table_thumbnails(pdf, doc["doc_id"], rows["budget_tables"], files) if pdf else {}
        crops = check_crops(pdf, doc["doc_id"], rows["checks"], files) if pdf else {}
        variant_pages = conflict_pictures(pdf, doc["doc_id"], rows, files) if pdf else {}
    finally:
        if pdf:
            pdf.close()
    head = (f'<h2 id="doc-{escape(doc["doc_id"])}" class="doc">{escape(str(doc["path"]))}</h2>'
            f'<p class="muted">{escape(str(doc.get("unit_name") or ""))} · {escape(str(doc.get("fiscal_year") or ""))}'
            f' · {escape(str(doc.get("doc_type") or ""))} · status <span class="{escape(str(doc.get("status")))}">'
            f'{escape(str(doc.get("status")))}</span> {escape(str(doc.get("error") or ""))}</p>')
    chart = bar_chart(rows["budget_lines"])
    return (head + html.checks_section(rows["checks"], crops) + (f"<h3>Spending by function</h3>{chart}" if chart else "")
            + html.tables_section(rows["budget_tables"], thumbs) + html.conflicts_section(rows["conflicts"], variant_pages)
            + html.projects_section(rows["projects"], rows["indicators"]))


def table_thumbnails(pdf: PdfPages, doc_id: str, tables: list[Row], files: Path) -> dict[int, str]:
    """page_no → relative picture path, for every page a table sits on."""
    pages = sorted({p for t in tables if t.get("page_first") for p in
                    range(int(t["page_first"]), int(t.get("page_last") or t["page_first"]) + 1)})
    out = {}
    for page_no in pages[:MAX_THUMBS]:
        name = f"{doc_id}_p{page_no}.png"
        if thumbnail(pdf, page_no, files / name):
            out[page_no] = f"report_files/{name}"
    return out


def conflict_pages(conflict: Row, rows: dict[str, list[Row]]) -> list[int]:
    """The pages where the variants of a conflict were read: each form copy's first
    page for a project field, each occurrence's page for a 文号."""
    key = str(conflict.get("key") or "")
    if conflict.get("entity") == "project":
        spans = next((str(p.get("pages") or "") for p in rows["projects"] if p.get("project_name") == key), "")
        return [int(span.split("-")[0]) for span in spans.split(";") if span.split("-")[0].isdigit()]
    if conflict.get("entity") == "doc_ref":
        try:
            variants = {str(v) for v in json.loads(conflict.get("values") or "[]")}
        except (TypeError, ValueError):
            variants = set()
        return sorted({int(r["page"]) for r in rows["doc_refs"] if r.get("page") is not None
                       and (r.get("raw") in variants or r.get("canonical") in variants or r.get("canonical") == key)})
    return []


def conflict_pictures(pdf: PdfPages, doc_id: str, rows: dict[str, list[Row]], files: Path) -> dict[int, list[str]]:
    """index of a conflict → thumbnails of the pages its variants come from."""
    out: dict[int, list[str]] = {}
    for i, c in enumerate(rows["conflicts"][:MAX_CROPS]):
        pictures = []
        for page_no in conflict_pages(c, rows)[:4]:
            name = f"{doc_id}_p{page_no}.png"
            if (files / name).exists() or thumbnail(pdf, page_no, files / name):
                pictures.append(f"report_files/{name}")
        if pictures:
            out[i] = pictures
    return out


def check_crops(pdf: PdfPages, doc_id: str, checks: list[Row], files: Path) -> dict[int, str]:
    """index of a failing check → crop of the page around its printed figure."""
    out = {}
    failing = [(i, c) for i, c in enumerate(checks) if c["status"] == "fail"]
    for i, c in failing[:MAX_CROPS]:
        m = _LOCATION.match(str(c.get("location") or ""))
        if not m or not m["page"] or not c.get("actual"):
            continue
        try:
            amount = float(c["actual"])
        except ValueError:
            continue
        name = f"{doc_id}_check{i}.png"
        if crop_figure(pdf, int(m["page"]), amount, m["label"], files / name):
            out[i] = f"report_files/{name}"
    return out


def resolve_inputs(out_dir: Path, roots: list[Path]) -> dict[str, Path]:
    """doc_id → PDF, by joining documents.path to each input folder (or matching an input file's name)."""
    out: dict[str, Path] = {}
    for d in load_table(Path(out_dir), "documents"):
        for root in roots:
            root = Path(root)
            candidate = root if root.is_file() and root.name == d["path"] else root / str(d["path"])
            if candidate.is_file():
                out[d["doc_id"]] = candidate
                break
    return out


def report_for_run(out_dir: Path, roots: list[Path]) -> Path | None:
    """The report at the end of ``extract run``; a failure is logged, never raised (the tables are written)."""
    try:
        return build_report(out_dir, resolve_inputs(out_dir, roots))
    except Exception as exc:  # noqa: BLE001 - the report is a by-product of the run
        log.warning("report not written: %s", exc)
        return None
