"""Public API: ``run_batch`` turns a folder of PDFs into the contract tables.

Used by the CLI and the tests. Documents are processed independently (in worker
processes when ``jobs > 1``); batch-level steps (byte-identical duplicates) run
after all documents, then every table is written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from extract.pipeline import Options, Result, process_document
from extract.stages.write import write_tables

log = logging.getLogger(__name__)


@dataclass
class BatchSummary:
    """What a run did: counts for the CLI's summary line, frames for callers."""

    files: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    pages: int = 0
    seconds: float = 0.0
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def all_ok(self) -> bool:
        return self.partial == 0 and self.failed == 0


def find_inputs(inputs: Iterable[Path]) -> list[tuple[Path, str]]:
    """(absolute path, path relative to its input folder) of every PDF, sorted."""
    found: list[tuple[Path, str]] = []
    for root in inputs:
        root = Path(root)
        if root.is_file():
            found.append((root.resolve(), root.name))
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix.lower() == ".pdf" and not p.name.startswith("."):
                found.append((p.resolve(), p.relative_to(root).as_posix()))
    return found


def run_batch(inputs: Iterable[Path] | Path, out_dir: Path, options: Options = Options(), jobs: int = 1,
              on_result: Callable[[Result], None] | None = None) -> BatchSummary:
    """Extract every PDF under ``inputs`` into ``out_dir``; never stops on a bad file."""
    t0 = time.perf_counter()
    if isinstance(inputs, (str, Path)):
        inputs = [Path(inputs)]
    files = find_inputs(inputs)
    unique, copies = split_identical(files)
    results = _run(unique, options, jobs, on_result)
    rows = merge_results(results)
    add_identical_copies(rows["documents"], copies)
    frames = write_tables(Path(out_dir), rows)
    return summarise(frames, time.perf_counter() - t0)


def _run(files: list[tuple[Path, str]], options: Options, jobs: int,
         on_result: Callable[[Result], None] | None) -> list[Result]:
    results: list[Result] = []
    if jobs <= 1:
        for source, rel in files:
            result = process_document(source, rel, options)
            results.append(result)
            if on_result:
                on_result(result)
        return results
    order = {rel: i for i, (_, rel) in enumerate(files)}
    with ProcessPoolExecutor(max_workers=jobs, max_tasks_per_child=20) as pool:
        futures = {pool.submit(process_document, source, rel, options): rel for source, rel in files}
        for fut in as_completed(futures):
            result = fut.result()
            results.append(result)
            if on_result:
                on_result(result)
    results.sort(key=lambda r: order[r.rows["documents"][0]["path"]])
    return results


def merge_results(results: list[Result]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {"documents": []}
    for result in results:
        for table, table_rows in result.rows.items():
            rows.setdefault(table, []).extend(table_rows)
    return rows


def split_identical(files: list[tuple[Path, str]]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Files to process, and (path, doc_id) of byte-identical later copies.

    A byte-identical copy is not extracted again (its rows would double every
    figure); it gets a ``documents`` row pointing at the first copy.
    """
    from extract.stages.ingest import hash_file

    seen: set[str] = set()
    unique, copies = [], []
    for source, rel in files:
        try:
            doc_id = hash_file(source)
        except OSError:
            unique.append((source, rel))  # unreadable: the pipeline reports it
            continue
        if doc_id in seen:
            copies.append((rel, doc_id))
        else:
            seen.add(doc_id)
            unique.append((source, rel))
    return unique, copies


def add_identical_copies(documents: list[dict[str, Any]], copies: list[tuple[str, str]]) -> None:
    by_id = {d["doc_id"]: d for d in documents}
    for rel, doc_id in copies:
        first = by_id[doc_id]
        documents.append({**first, "path": rel, "duplicate_of": doc_id, "n_tables": 0, "seconds": 0.0})


def summarise(frames: dict[str, pd.DataFrame], seconds: float) -> BatchSummary:
    docs = frames["documents"]
    status = docs["status"].value_counts().to_dict() if len(docs) else {}
    return BatchSummary(files=len(docs), ok=int(status.get("ok", 0)), partial=int(status.get("partial", 0)),
                        failed=int(status.get("failed", 0)), pages=int(docs["pages"].fillna(0).sum()),
                        seconds=round(seconds, 2), frames=frames)
