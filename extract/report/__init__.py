"""The QA report: ``OUT/report.html`` (the batch index) and one page per document under ``OUT/report/``.

Reads the output tables a run wrote (documents, budget_tables, budget_lines,
checks, conflicts, projects, indicators, doc_refs) and the pictures the workers
drew and cached (:mod:`extract.stages.pictures`; the run log says where); writes
static HTML a reviewer opens from disk. The index lists every document (status,
pages, tables, projects, failing checks), sortable and filterable in the browser
with a few lines of inline script, no server; each document's page shows its
tables with page thumbnails, every failing check beside a crop of its figure,
spending by function, the conflicts with the pages their variants were read on,
projects and indicators.

The parent never opens a PDF here: pictures are copied (hard-linked) from the
cache, so the report costs file copies and string building, whatever the PDFs
hold. Every file is written atomically and only when its content changed;
pages and pictures of documents no longer in the batch are removed last, so an
interrupted report never points at missing pictures.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from extract.report import html
from extract.report.chart import bar_chart
from extract.stages.pictures import BOXES, conflict_pages, crop_name, failing_figures, table_pages, thumb_name
from extract.stages.write import file_digest, records, write_if_changed

log = logging.getLogger(__name__)

Row = dict[str, Any]
TABLES = ("documents", "budget_tables", "budget_lines", "checks", "conflicts", "projects", "indicators", "doc_refs")
#: Written by a run beside the tables: per-document processing time and pictures folder.
RUN_LOG = "run_log.json"
INDEX = "report.html"
PAGES_DIR = "report"


def build_report(out_dir: Path, frames: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the index and every document's page; return the index's path.

    ``frames``: the tables as the run just wrote them (saves reading them back); else read from OUT.
    """
    out_dir = Path(out_dir)
    data = {name: records(frames[name]) if frames and name in frames else load_table(out_dir, name)
            for name in TABLES}
    run_log = read_run_log(out_dir)
    by_doc = {name: _group(rows) for name, rows in data.items()}
    counts = {d["doc_id"]: _counts(by_doc["checks"].get(d["doc_id"], [])) for d in data["documents"]}
    projects = {doc_id: len(rows) for doc_id, rows in by_doc["projects"].items()}
    for d in data["documents"]:
        d.setdefault("seconds", run_log["seconds"].get(d["doc_id"]))
    pages_dir = out_dir / PAGES_DIR
    pages_dir.mkdir(exist_ok=True)
    keep: set[str] = set()
    for d in data["documents"]:
        if d.get("duplicate_of"):
            continue
        doc_id = str(d["doc_id"])
        rows = {n: by_doc[n].get(doc_id, []) for n in TABLES}
        names = copy_pictures(out_dir, run_log["pictures"].get(doc_id), pages_dir / doc_id)
        page = document_page(d, rows, {name: f"{doc_id}/{name}" for name in names}, read_boxes(pages_dir / doc_id))
        write_if_changed(pages_dir / f"{doc_id}.html", page.encode("utf-8"))
        keep |= {f"{doc_id}.html", doc_id}
    index = out_dir / INDEX
    body = "<h1>Extraction QA report</h1>" + html.index(data["documents"], counts, projects, f"{PAGES_DIR}/")
    write_if_changed(index, html.page("Extraction QA report", body, script=html.SORT_FILTER_JS).encode("utf-8"))
    remove_stale(pages_dir, keep)
    return index


def read_run_log(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Per-document seconds and pictures folder (relative to OUT) from the run log; empty when absent.

    Timings are not in the tables: they would make two runs' outputs differ.
    """
    try:
        data = json.loads((out_dir / RUN_LOG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    seconds = data.get("seconds") if isinstance(data.get("seconds"), dict) else {}
    pictures = data.get("pictures") if isinstance(data.get("pictures"), dict) else {}
    return {"seconds": seconds, "pictures": pictures}


def copy_pictures(out_dir: Path, cached: str | None, target: Path) -> set[str]:
    """Hard-link (else copy) a document's cached pictures into ``target``; the names now there."""
    source = out_dir / cached if cached else None
    if source is None or not source.is_dir():
        return set()
    target.mkdir(exist_ok=True)
    names = set()
    for picture in [*source.glob("*.jpg"), source / BOXES]:
        if not picture.is_file():
            continue
        dest = target / picture.name
        if not _same(dest, picture):
            _link_or_copy(picture, dest)
        names.add(picture.name)
    for old in target.iterdir():
        if old.name not in names:
            old.unlink(missing_ok=True)
    return names


def read_boxes(folder: Path) -> dict[str, list[list[float]]]:
    """The red boxes of each picture in ``folder`` (see :data:`extract.stages.pictures.BOXES`)."""
    try:
        boxes = json.loads((folder / BOXES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return boxes if isinstance(boxes, dict) else {}


def _same(dest: Path, source: Path) -> bool:
    """``dest`` already holds ``source``: the same file (a hard link, the usual case) or the same bytes."""
    try:
        return os.path.samefile(dest, source) or file_digest(dest) == file_digest(source)
    except OSError:
        return False


def _link_or_copy(source: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, dest)


def remove_stale(pages_dir: Path, keep: set[str]) -> None:
    """Pages and picture folders of documents no longer in the batch."""
    for entry in pages_dir.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def load_table(out_dir: Path, name: str) -> list[Row]:
    """Rows of one output table (Parquet, else CSV); empty when the run did not write it."""
    for path, reader in ((out_dir / f"{name}.parquet", pd.read_parquet), (out_dir / f"{name}.csv", pd.read_csv)):
        if path.exists():
            try:
                frame = reader(path)
            except Exception as exc:  # noqa: BLE001 - a bad table costs its section only
                log.warning("report: cannot read %s: %s", path, exc)
                continue
            return records(frame)
    return []


def _group(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[str(r.get("doc_id"))].append(r)
    return out


def _counts(checks: list[Row]) -> dict[str, int]:
    from extract.checks import summarise

    return summarise(checks)


def document_page(doc: Row, rows: dict[str, list[Row]], pictures: dict[str, str],
                  boxes: dict[str, list[list[float]]] | None = None) -> str:
    """One document: header, failing checks with crops, chart, tables with thumbnails, conflicts, projects.

    ``pictures`` maps a picture's name (``p7.jpg``, ``check3.jpg``) to its path relative to the page;
    ``boxes`` the red boxes drawn over each.
    """
    boxes = boxes or {}

    def pic(name: str, cls: str, alt: str, with_boxes: bool = True) -> str:
        return html.picture(pictures[name], boxes.get(name, []) if with_boxes else [], cls, alt)

    thumbs = {page_no: pic(name, "", f"page {page_no}") for page_no in table_pages(rows["budget_tables"])
              if (name := thumb_name(page_no)) in pictures}
    crops = {i: pic(name, "crop", "the figure") for i, *_ in failing_figures(rows["checks"])
             if (name := crop_name(i)) in pictures}
    variant_pages = {i: [pic(thumb_name(p), "thumb", "page of a variant", with_boxes=False)
                         for p in conflict_pages(c, rows)[:4] if thumb_name(p) in pictures]
                     for i, c in enumerate(rows["conflicts"])}
    head = (f'<p><a href="../{INDEX}">← all documents</a></p>'
            f'<h2 id="doc-{escape(doc["doc_id"])}" class="doc">{escape(str(doc["path"]))}</h2>'
            f'<p class="muted">{escape(str(doc.get("unit_name") or ""))} · {escape(str(doc.get("fiscal_year") or ""))}'
            f' · {escape(str(doc.get("doc_type") or ""))} · status <span class="{escape(str(doc.get("status")))}">'
            f'{escape(str(doc.get("status")))}</span> {escape(str(doc.get("error") or ""))}</p>')
    chart = bar_chart(rows["budget_lines"])
    no_pictures = "" if pictures else '<p class="muted">no page pictures for this document</p>'
    body = (head + no_pictures + html.checks_section(rows["checks"], crops)
            + (f"<h3>Spending by function</h3>{chart}" if chart else "")
            + html.tables_section(rows["budget_tables"], thumbs)
            + html.conflicts_section(rows["conflicts"], {i: v for i, v in variant_pages.items() if v})
            + html.projects_section(rows["projects"], rows["indicators"]))
    return html.page(f"QA: {doc['path']}", body)


def report_for_run(out_dir: Path, frames: dict[str, pd.DataFrame] | None = None) -> Path | None:
    """The report at the end of ``extract run``; a failure is logged, never raised (the tables are written)."""
    try:
        return build_report(out_dir, frames)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - the report is a by-product of the run
        log.warning("report not written: %s", exc)
        return None
