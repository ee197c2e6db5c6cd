"""Public API: ``run_batch`` turns a folder of PDFs into the contract tables.

Used by the CLI and the tests. Each document is one task in an isolated worker
(:mod:`extract.executor`, or Ray tasks with :mod:`extract.ray_executor`); its
result is cached under ``OUT/.cache`` (:mod:`extract.cache`) so a re-run redoes
only changed files and a killed run resumes. Batch-level steps (byte-identical
duplicates) run after all documents, then every table is written in the chosen
formats (:mod:`extract.outputs`), atomically and only when changed, and the QA
report from the pictures the workers drew.

OUT is checked for writing and locked (:mod:`extract.outdir`) before any work,
so two runs never interleave their tables. Inputs that are not regular files
(FIFOs, dangling or looping links) get a ``failed`` row without ever being
opened.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.cache import ResultCache, worker_failure, worth_retrying
from extract.executor import DEFAULT_MEMORY_MB, Limits, LocalPool, OnDone, Task, failed_result, run_in_process
from extract.outdir import check_writable, out_lock
from extract.outputs import FORMATS, write_outputs
from extract.options import Options
from extract.pipeline import Result
from extract.stages import docrefs_batch
from extract.stages.write import write_if_changed
from extract.text import display_path

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
    """(absolute path, path relative to its input folder) of every ``*.pdf`` entry, sorted.

    Every entry named like a PDF is listed, whatever it is (a FIFO, a dangling
    or looping link): each must get its ``documents`` row saying why it was not read.
    """
    found: list[tuple[Path, str]] = []
    for root in inputs:
        root = Path(root)
        if not root.is_dir():
            found.append((Path(os.path.abspath(root)), root.name))
            continue
        for p in sorted(root.rglob("*")):
            if p.suffix.lower() == ".pdf" and not p.name.startswith(".") and not p.is_dir():
                found.append((Path(os.path.abspath(p)), p.relative_to(root).as_posix()))
    return found


def not_a_file(path: Path) -> tuple[str, str] | None:
    """(category, reason) when ``path`` cannot be read as a file, without opening it (a FIFO would block)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "broken_link", "a symbolic link to a file that does not exist"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "broken_link", "a symbolic link loop"
        return "unreadable", exc.strerror or type(exc).__name__
    if stat.S_ISREG(mode):
        return None
    kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return "not_a_file", f"{kind}, not a regular file"


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
    retry_failed: bool = False  # re-extract documents whose cached result is a timeout, crash or memory failure
    wait: bool = False  # wait for another run's lock on OUT instead of refusing
    report: bool = False  # write OUT/report.html (the CLI does; API callers ask)
    pictures: bool = True  # workers draw the report's pictures (off: quicker, for callers that need no report)
    csv_bom: bool = False  # start each CSV with a UTF-8 BOM, for Excel and WPS


class Progress:
    """Callbacks a front end (the CLI's progress bar, a log) receives during a batch."""

    def planned(self, files: int, to_run: int, total_bytes: int) -> None:
        """All inputs found: ``files`` in all, ``to_run`` not served from the cache."""

    def done(self, result: Result, size: int, cached: bool) -> None:
        """One document finished (``size`` bytes of input)."""


def run_batch(inputs: Iterable[Path] | Path, out_dir: Path, options: Options = Options(), jobs: int = 1,  # noqa: B008 - frozen
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
    if options.ocr.mode != "never":  # exit 2 or 4 now, not one failed document per file later
        from extract.ocr import check_engine

        check_engine(options.ocr.engine)
    check_writable(out_dir)
    with out_lock(out_dir, wait=config.wait):
        files = find_inputs(inputs)
        unique, copies, unreadable = split_identical(files)
        results = _run(unique, out_dir, options, config, progress, on_result) + unreadable
        for result in unreadable:
            _notify(result, 0, False, progress, on_result)
        rows = merge_results(results)
        add_identical_copies(rows["documents"], copies)
        docrefs_batch.apply_batch(rows)  # 文号 voted once more over the whole batch, one vote per document
        frames = write_outputs(out_dir, rows, config.formats, csv_bom=config.csv_bom)
        write_run_log(out_dir, results, ResultCache(out_dir, options))
        if config.report:
            from extract.report import report_for_run

            report_for_run(out_dir, frames)
    return summarise(frames, time.perf_counter() - t0)


def write_run_log(out_dir: Path, results: list[Result], store: ResultCache) -> None:
    """Per-document seconds (sum of stage timings) and pictures folder, for the QA report, outside the tables."""
    from extract.report import RUN_LOG

    seconds = {r.doc_id: round(sum(r.timings.values()), 3) for r in results}
    pictures = {r.doc_id: store.pictures_dir(r.doc_id).relative_to(out_dir).as_posix() for r in results
                if store.pictures_dir(r.doc_id).is_dir()}
    log_text = json.dumps({"seconds": seconds, "pictures": pictures}, sort_keys=True)
    write_if_changed(out_dir / RUN_LOG, log_text.encode())


def _run(files: list[tuple[Path, str, str | None]], out_dir: Path, options: Options, config: BatchConfig,
         progress: Progress, on_result: Callable[[Result], None] | None) -> list[Result]:
    """Results of every file in input order: cached ones loaded, the others extracted and cached."""
    store = ResultCache(out_dir, options)
    sizes = {rel: _size(source) for source, rel, _ in files}
    results: dict[int, Result] = {}
    tasks: list[Task] = []
    for i, (source, rel, doc_id) in enumerate(files):
        cached = store.load(doc_id, rel) if config.use_cache and doc_id else None
        if cached is not None and not _retry(cached, config) and not _lacks_pictures(cached, store, config):
            results[i] = _place(cached, files[i][1])
        else:
            tasks.append(Task(i, source, display_path(rel)[0], doc_id or "", pictures=config.pictures))
    progress.planned(len(files), len(tasks), sum(sizes.values()))
    for i, result in results.items():
        _notify(result, sizes[files[i][1]], True, progress, on_result)

    writers_loaded = False

    def on_done(task: Task, result: Result) -> None:
        nonlocal writers_loaded
        if not writers_loaded:  # the first result: every worker has been forked by now
            load_table_writers()
            writers_loaded = True
        result = _place(_cached(store, task, result), files[task.index][1])
        results[task.index] = result
        _notify(result, sizes[files[task.index][1]], False, progress, on_result)

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


def _retry(cached: Result, config: BatchConfig) -> bool:
    """A cached timeout, crash or memory failure is re-extracted only when asked, or with higher limits."""
    failure = worker_failure(cached)
    return failure is not None and (config.retry_failed or worth_retrying(failure, config.timeout, config.memory_mb))


def _lacks_pictures(cached: Result, store: ResultCache, config: BatchConfig) -> bool:
    """A document cached by a run that drew no pictures, now that they are wanted."""
    return (config.pictures and cached.rows["documents"][0]["status"] != "failed"
            and not store.pictures_dir(cached.doc_id).is_dir())


def _cached(store: ResultCache, task: Task, result: Result) -> Result:
    """``result`` stored in the cache; if the cache cannot take it, the document is failed, not the batch."""
    try:
        return store.store(result)
    except Exception as exc:  # noqa: BLE001 - a full disk or a bad entry costs this document, no more
        log.warning("cannot cache %s: %s", task.rel_path, exc)
        return failed_result(task, "cache", f"the result could not be cached: {type(exc).__name__}: {exc}")


def _place(result: Result, rel: str) -> Result:
    """Set the ``documents`` row's path as this run found the file (it may have moved, or be named in
    bytes that are not UTF-8: shown escaped, kept as hex in ``path_bytes``).
    """
    shown, raw = display_path(rel)
    row = result.rows["documents"][0]
    row["path"], row["path_bytes"] = shown, raw
    return result


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


def split_identical(files: list[tuple[Path, str]]) -> tuple[list[tuple[Path, str, str | None]], list[tuple[str, str]],
                                                         list[Result]]:
    """Files to process as (path, rel, doc_id); (rel, doc_id) of byte-identical later copies; and
    the failed results of entries that are not readable files.

    A byte-identical copy is not extracted again (its rows would double every
    figure); it gets a ``documents`` row pointing at the first copy.
    """
    from extract.stages.ingest import hash_file

    seen: set[str] = set()
    unique: list[tuple[Path, str, str | None]] = []
    copies: list[tuple[str, str]] = []
    unreadable: list[Result] = []
    for source, rel in files:
        try:
            problem = not_a_file(source)
            doc_id = None if problem else hash_file(source)
        except OSError as exc:  # vanished or unreadable between listing and hashing
            problem = ("unreadable", exc.strerror or type(exc).__name__)
        if problem or doc_id is None:
            unreadable.append(_unreadable(rel, *(problem or ("unreadable", "cannot be hashed"))))
        elif doc_id in seen:
            copies.append((rel, doc_id))
        else:
            seen.add(doc_id)
            unique.append((source, rel, doc_id))
    return unique, copies, unreadable


def _unreadable(rel: str, category: str, reason: str) -> Result:
    """The ``failed`` row of an entry that is not a readable file; its id is a digest of its path (it has no bytes)."""
    doc_id = hashlib.sha256(b"path:" + os.fsencode(rel)).hexdigest()[:16]
    task = Task(-1, Path(rel), display_path(rel)[0], doc_id)
    return _place(failed_result(task, category, reason), rel)


def add_identical_copies(documents: list[dict[str, Any]], copies: list[tuple[str, str]]) -> None:
    by_id = {d["doc_id"]: d for d in documents}
    for rel, doc_id in copies:
        first = by_id[doc_id]
        shown, raw = display_path(rel)
        documents.append({**first, "path": shown, "path_bytes": raw, "duplicate_of": doc_id, "n_tables": 0,
                          "seconds": 0.0})


def summarise(frames: dict[str, pd.DataFrame], seconds: float) -> BatchSummary:
    docs = frames["documents"]
    status = docs["status"].value_counts().to_dict() if len(docs) else {}
    return BatchSummary(files=len(docs), ok=int(status.get("ok", 0)), partial=int(status.get("partial", 0)),
                        failed=int(status.get("failed", 0)), pages=int(docs["pages"].fillna(0).sum()),
                        seconds=round(seconds, 2), frames=frames)
