"""Public API: ``run_batch`` turns a folder of PDFs into the contract tables.

Used by the CLI and the tests. Each document is one task in an isolated worker
(:mod:`extract.executor`, or Ray tasks with :mod:`extract.ray_executor`); its
result is cached under ``OUT/.cache`` (:mod:`extract.cache`) so a re-run redoes
only changed files and a killed run resumes. Batch-level steps (byte-identical
duplicates) run after all documents, then every table is written in the chosen
formats (:mod:`extract.outputs`), atomically and only when changed.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.cache import ResultCache
from extract.executor import DEFAULT_MEMORY_MB, Limits, LocalPool, OnDone, Task, run_in_process
from extract.outputs import FORMATS, write_outputs
from extract.pipeline import Options, Result
from extract.stages import docrefs
from extract.stages.write import write_if_changed

if TYPE_CHECKING:
    import pandas as pd

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


@dataclass
class BatchConfig:
    """How to run a batch (everything but *what* to extract, which is :class:`Options`)."""

    jobs: int = 1
    timeout: float | None = None  # seconds per document
    memory_mb: int | None = DEFAULT_MEMORY_MB  # per-worker address-space cap
    formats: tuple[str, ...] = FORMATS
    executor: str = "local"  # local | ray
    ray_address: str | None = None
    use_cache: bool = True


class Progress:
    """Callbacks a front end (the CLI's progress bar, a log) receives during a batch."""

    def planned(self, files: int, to_run: int, total_bytes: int) -> None:
        """All inputs found: ``files`` in all, ``to_run`` not served from the cache."""

    def done(self, result: Result, size: int, cached: bool) -> None:
        """One document finished (``size`` bytes of input)."""


def run_batch(inputs: Iterable[Path] | Path, out_dir: Path, options: Options = Options(), jobs: int = 1,
              on_result: Callable[[Result], None] | None = None, config: BatchConfig | None = None,
              progress: Progress | None = None) -> BatchSummary:
    """Extract every PDF under ``inputs`` into ``out_dir``; never stops on a bad file.

    Documents already extracted by this pipeline version with the same options
    (``OUT/.cache``) are not extracted again; the tables are rebuilt from the cache.
    """
    t0 = time.perf_counter()
    config = config or BatchConfig(jobs=jobs)
    progress = progress or Progress()
    if isinstance(inputs, (str, Path)):
        inputs = [Path(inputs)]
    out_dir = Path(out_dir)
    files = find_inputs(inputs)
    unique, copies = split_identical(files)
    results = _run(unique, out_dir, options, config, progress, on_result)
    rows = merge_results(results)
    add_identical_copies(rows["documents"], copies)
    if rows.get("doc_refs"):  # 文号 voted once more over the whole batch, one vote per document
        rows["doc_refs"], batch_conflicts = docrefs.reconcile_batch(rows["doc_refs"])
        rows.setdefault("conflicts", []).extend(batch_conflicts)
    frames = write_outputs(out_dir, rows, config.formats)
    write_run_log(out_dir, results)
    return summarise(frames, time.perf_counter() - t0)


def write_run_log(out_dir: Path, results: list[Result]) -> None:
    """Per-document seconds (sum of stage timings) for the QA report, outside the tables."""
    from extract.report import RUN_LOG

    seconds = {r.doc_id: round(sum(r.timings.values()), 3) for r in results}
    write_if_changed(out_dir / RUN_LOG, json.dumps({"seconds": seconds}, sort_keys=True).encode())


def _run(files: list[tuple[Path, str, str]], out_dir: Path, options: Options, config: BatchConfig,
         progress: Progress, on_result: Callable[[Result], None] | None) -> list[Result]:
    """Results of every file in input order: cached ones loaded, the others extracted and cached."""
    store = ResultCache(out_dir, options)
    sizes = {rel: _size(source) for source, rel, _ in files}
    results: dict[int, Result] = {}
    tasks: list[Task] = []
    for i, (source, rel, doc_id) in enumerate(files):
        cached = store.load(doc_id, rel) if config.use_cache and doc_id else None
        if cached is not None:
            results[i] = cached
        else:
            tasks.append(Task(i, source, rel, doc_id or ""))
    progress.planned(len(files), len(tasks), sum(sizes.values()))
    for i, result in results.items():
        _notify(result, sizes[files[i][1]], True, progress, on_result)

    writers_loaded = False

    def on_done(task: Task, result: Result) -> None:
        nonlocal writers_loaded
        if not writers_loaded:  # the first result: every worker has been forked by now
            load_table_writers()
            writers_loaded = True
        if _cacheable(result):
            result = store.store(result)
        results[task.index] = result
        _notify(result, sizes[task.rel_path], False, progress, on_result)

    run_tasks(tasks, options, config, on_done)
    return [results[i] for i in sorted(results)]


def load_table_writers() -> None:
    """Import pandas and pyarrow (~0.7 s) now, while the workers extract.

    The workers are forked before this and never need them; imported at the
    start they would delay every worker, imported at the end they would lengthen
    the batch's serial tail.
    """
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def run_tasks(tasks: list[Task], options: Options, config: BatchConfig, on_done: OnDone) -> None:
    """Hand the tasks to the chosen executor."""
    limits = Limits(timeout=config.timeout, memory_mb=config.memory_mb)
    if config.executor == "ray":
        from extract.ray_executor import run_ray

        run_ray(tasks, options, on_done, address=config.ray_address, limits=limits, num_cpus=config.jobs)
    elif options.fail_fast:
        run_in_process(tasks, options, on_done)
    else:
        LocalPool(config.jobs, limits).run(tasks, options, on_done)


def _cacheable(result: Result) -> bool:
    """A worker that timed out or died says nothing about the file: retry it next run."""
    return not any(i.get("stage") == "worker" for i in result.rows.get("issues", []))


def _notify(result: Result, size: int, cached: bool, progress: Progress,
            on_result: Callable[[Result], None] | None) -> None:
    progress.done(result, size, cached)
    if on_result:
        on_result(result)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def merge_results(results: list[Result]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {"documents": []}
    for result in results:
        for table, table_rows in result.rows.items():
            rows.setdefault(table, []).extend(table_rows)
    return rows


def split_identical(files: list[tuple[Path, str]]) -> tuple[list[tuple[Path, str, str | None]], list[tuple[str, str]]]:
    """Files to process as (path, rel, doc_id), and (path, doc_id) of byte-identical later copies.

    A byte-identical copy is not extracted again (its rows would double every
    figure); it gets a ``documents`` row pointing at the first copy.
    """
    from extract.stages.ingest import hash_file

    seen: set[str] = set()
    unique: list[tuple[Path, str, str | None]] = []
    copies: list[tuple[str, str]] = []
    for source, rel in files:
        try:
            doc_id = hash_file(source)
        except OSError:
            unique.append((source, rel, None))  # unreadable: the pipeline reports it
            continue
        if doc_id in seen:
            copies.append((rel, doc_id))
        else:
            seen.add(doc_id)
            unique.append((source, rel, doc_id))
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
