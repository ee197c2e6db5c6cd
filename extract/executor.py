"""Run documents in isolated worker processes: one document per task, nothing shared.

Reads tasks (a file to extract); calls back with one :class:`Result` per task, in
completion order. ``concurrent.futures.ProcessPoolExecutor`` marks the whole
pool broken when one worker dies (a segfault in a PDF library, the OOM killer),
losing every pending document; this module keeps its own small pool instead:

* each worker is a forked process with a pipe to the parent and a memory cap
  (``RLIMIT_AS``), serving one task at a time;
* the parent waits on the pipes and the process sentinels with a deadline, so a
  worker that times out is killed, one that dies is noticed, and in both cases
  that document alone becomes ``failed`` with the reason and a fresh worker takes
  the next task;
* workers are recycled after ``MAX_TASKS_PER_WORKER`` documents so memory
  leaked by a C library (pdfium, onnxruntime) cannot grow over a long batch;
* a worker publishes the page it is reading (shared memory), so when it dies
  inside a page (a native crash, an allocation refused at the memory cap) the
  document is tried again without that page (``partial``, the page and the
  reason in its issues) instead of being lost whole;
* a worker answers twice per task: the result, then the QA report's pictures,
  each under the timeout, so a page that is slow to draw costs its pictures,
  never the document's tables.
"""

from __future__ import annotations

import faulthandler
import logging
import multiprocessing as mp
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from extract import cache
from extract.model import Document
from extract.options import Options
from extract.pipeline import OpenPages, Result, document_result, extract_document, set_page_hook

log = logging.getLogger(__name__)

#: A worker serves this many documents, then a fresh one replaces it.
MAX_TASKS_PER_WORKER = 50
#: Default per-worker address-space cap (MB). Generous: onnxruntime and BLAS
#: reserve far more virtual memory than they touch.
DEFAULT_MEMORY_MB = 4096
#: A document whose worker died inside a page is retried without it, for at most this many pages.
MAX_SKIPPED_PAGES = 3
#: How native code ends when an allocation is refused under ``RLIMIT_AS``: C++
#: ``bad_alloc`` → abort, pdfium's out-of-memory handler → trap or illegal
#: instruction, the kernel's OOM killer → SIGKILL.
MEMORY_DEATHS = {signal.SIGABRT, signal.SIGTRAP, signal.SIGILL, signal.SIGBUS, signal.SIGKILL}


@dataclass(frozen=True)
class Task:
    """One document to extract; ``doc_id`` is known beforehand (for failure rows).

    ``skip_pages`` holds (page, why) of pages a previous worker died in.
    """

    index: int
    source: Path
    rel_path: str
    doc_id: str
    skip_pages: tuple[tuple[int, str], ...] = ()
    pictures: bool = True  # draw the QA report's pictures after extracting

    def options(self, options: Options) -> Options:
        return replace(options, skip_pages=self.skip_pages) if self.skip_pages else options


@dataclass
class Limits:
    """Per-document isolation settings."""

    timeout: float | None = None  # seconds; None = no limit
    memory_mb: int | None = DEFAULT_MEMORY_MB  # None or 0 = no cap


OnDone = Callable[[Task, Result], None]


def failed_result(task: Task, category: str, reason: str, seconds: float = 0.0, limit: float | None = None,
                  page: int | None = None) -> Result:
    """The rows of a document whose worker did not return (timeout, crash, memory).

    ``limit`` is the timeout (s) or memory cap (MB) that ended it: the cache uses
    it to retry the file when a later run allows more.
    """
    row = {"doc_id": task.doc_id, "path": task.rel_path, "pages": None, "text_pages": 0, "ocr_pages": 0,
           "unit_name": None, "fiscal_year": None, "doc_type": None, "status": "failed",
           "error": f"{category}: {reason}", "duplicate_of": None, "n_tables": 0, "seconds": round(seconds, 3)}
    issue = {"doc_id": task.doc_id, "stage": "worker", "category": category, "message": reason, "page": page,
             "limit": limit}
    return Result(doc_id=task.doc_id, rows={"documents": [row], "issues": [issue]})


def extract_task(task: Task, options: Options, send: Callable[[str, Any], None]) -> None:
    """A task's work: send ``("result", json)``, then ``("pictures", {name: bytes} or None)``."""
    t0 = time.perf_counter()
    kept = OpenPages() if task.pictures else None  # the pages the pictures show, parsed once
    try:
        doc = extract_document(task.source, task.rel_path, task.options(options), task.doc_id or None, kept=kept)
        send("result", cache.dumps(document_result(doc, t0)))
        send("pictures", draw_report_pictures(doc, kept) if kept is not None else None)
    finally:
        if kept is not None:
            kept.close()


def draw_report_pictures(doc: Document, kept: OpenPages) -> dict[str, bytes]:
    """The QA report's pictures of ``doc``, drawn from the pages extraction left open; none for an unread file."""
    if not doc.pages or kept.pdf is None:
        return {}
    from extract.stages.pictures import draw_pictures

    return draw_pictures(doc, kept.page)


def run_in_process(tasks: Iterable[Task], options: Options, on_done: OnDone) -> None:
    """No isolation: for ``--fail-fast`` (a traceback is what the user asked for) and debugging."""
    for task in tasks:
        answer: dict[str, Any] = {}
        extract_task(task, options, answer.__setitem__)
        result = cache.loads(answer["result"])
        result.pictures = answer["pictures"]
        on_done(task, result)


# --- worker side -------------------------------------------------------------------------------

def limit_memory(memory_mb: int | None) -> None:
    """Cap this process's address space so a decompression bomb fails here, not the machine."""
    if not memory_mb:
        return
    cap = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the parent dies (``kill -9`` of the run).

    Waiting for EOF on the pipe is not enough: forked siblings inherit copies of
    each other's parent-side pipe ends, so the pipe of an orphaned worker never
    closes and it would sleep forever holding its memory.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # not Linux: the pipe EOF still ends most workers
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(0)


def worker_main(conn: Connection, memory_mb: int | None, page: Any) -> None:
    """Serve tasks from ``conn`` until it closes; always answer with a result, then pictures.

    ``page`` is shared memory where the page being read is published.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's "interrupted" handler
    die_with_parent()
    faulthandler.disable()  # a crash is reported by the parent as the document's error, not a dump
    limit_memory(memory_mb)
    set_page_hook(lambda page_no: setattr(page, "value", page_no))
    while True:
        try:
            task, options = conn.recv()
        except (EOFError, OSError):
            return
        if not serve(conn, task, options, memory_mb):
            return


def serve(conn: Connection, task: Task, options: Options, memory_mb: int | None) -> bool:
    """Answer one task; False when the parent is gone."""
    t0 = time.perf_counter()
    sent: list[str] = []

    def send(kind: str, payload: Any) -> None:
        conn.send((kind, payload))
        sent.append(kind)

    try:
        try:
            extract_task(task, options, send)
        except MemoryError:
            fail = failed_result(task, "memory_limit", f"over the {memory_mb} MB cap (--max-memory)",
                                 time.perf_counter() - t0, limit=memory_mb)
            _finish(send, sent, fail)
        except Exception as exc:  # noqa: BLE001 - a bug on one file must not kill the batch
            fail = failed_result(task, "crashed", f"{type(exc).__name__}: {exc}", time.perf_counter() - t0)
            _finish(send, sent, fail)
    except (BrokenPipeError, OSError):  # the parent is gone (killed): stop quietly
        return False
    return True


def _finish(send: Callable[[str, Any], None], sent: list[str], fail: Result) -> None:
    """After an exception: the failure as the result if none was sent yet, and no pictures."""
    if "result" not in sent:
        send("result", cache.dumps(fail))
    if "pictures" not in sent:
        send("pictures", None)


# --- parent side -------------------------------------------------------------------------------

@dataclass
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection
    page: Any  # shared int: the page the worker is reading (0: none)
    task: Task | None = None
    started: float = 0.0
    served: int = 0
    result: Result | None = None  # received; its pictures are being drawn

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


@dataclass
class LocalPool:
    """A pool of ``jobs`` isolated workers; see the module docstring."""

    jobs: int
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self._ctx: Any = mp.get_context(method)  # a fork or spawn context (typeshed knows only BaseContext)
        self._workers: list[_Worker] = []
        self._pending: deque[Task] = deque()

    def run(self, tasks: Iterable[Task], options: Options, on_done: OnDone) -> None:
        """Run every task; each ends in exactly one ``on_done`` call."""
        self._pending = pending = deque(tasks)
        try:
            while pending or self._busy():
                self._dispatch(pending, options)
                self._collect(on_done)
        finally:
            for w in self._workers:
                w.stop()
            self._workers.clear()

    def _busy(self) -> list[_Worker]:
        return [w for w in self._workers if w.task is not None]

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        page = self._ctx.Value("i", 0, lock=False)
        proc = self._ctx.Process(target=worker_main, args=(child, self.limits.memory_mb, page), daemon=True)
        proc.start()
        child.close()
        worker = _Worker(proc=proc, conn=parent, page=page)
        self._workers.append(worker)
        return worker

    def _dispatch(self, pending: deque[Task], options: Options) -> None:
        while pending:
            idle = [w for w in self._workers if w.task is None]
            if idle:
                worker = idle[0]
            elif len(self._workers) < self.jobs:
                worker = self._spawn()
            else:
                return
            worker.task, worker.started, worker.result = pending.popleft(), time.monotonic(), None
            worker.page.value = 0
            try:
                worker.conn.send((worker.task, options))
            except (BrokenPipeError, OSError):  # died while idle: requeue on a fresh worker
                pending.appendleft(worker.task)
                self._retire(worker)

    def _collect(self, on_done: OnDone) -> None:
        busy = self._busy()
        handles: list = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
        wait(handles, timeout=self._wait_seconds(busy))
        now = time.monotonic()
        for w in busy:
            if w.conn.poll():
                self._receive(w, on_done, now)
            elif not w.proc.is_alive():
                self._died(w, on_done, now)
            elif self.limits.timeout and now - w.started > self.limits.timeout:
                self._timed_out(w, on_done, now)

    def _receive(self, w: _Worker, on_done: OnDone, now: float) -> None:
        """One answer: the result (then wait for its pictures), or the pictures (the task is done)."""
        task = w.task
        assert task is not None
        try:
            kind, payload = w.conn.recv()
        except (EOFError, OSError):
            self._died(w, on_done, now)
            return
        if kind == "result":
            w.result, w.started = cache.loads(payload), now  # the pictures get their own time limit
            return
        result = w.result or failed_result(task, "crashed", "the worker sent pictures before a result")
        result.pictures = payload
        w.task, w.result, w.served = None, None, w.served + 1
        if w.served >= MAX_TASKS_PER_WORKER:
            self._retire(w)
        on_done(task, result)

    def _died(self, w: _Worker, on_done: OnDone, now: float) -> None:
        """The worker is gone: keep its result if it had sent one, retry without the page it died in, or fail."""
        task, result, page_no = w.task, w.result, w.page.value
        assert task is not None
        category, reason = self._death_reason(w)
        self._retire(w)
        if result is not None:
            log.warning("report pictures of %s not drawn: %s", task.rel_path, reason)
            result.pictures = {}  # tried: a re-run must not try again
            on_done(task, result)
        elif page_no and len(task.skip_pages) < MAX_SKIPPED_PAGES:
            why = f"{category}: {reason}"
            self._pending.appendleft(replace(task, skip_pages=(*task.skip_pages, (page_no, why))))
        else:
            where = f" while reading page {page_no}" if page_no else ""
            limit = self.limits.memory_mb if category == "memory_limit" else None
            on_done(task, failed_result(task, category, reason + where, now - w.started, limit=limit,
                                        page=page_no or None))

    def _timed_out(self, w: _Worker, on_done: OnDone, now: float) -> None:
        task, result = w.task, w.result
        assert task is not None
        self._retire(w)
        timeout = self.limits.timeout
        if result is not None:
            log.warning("report pictures of %s not drawn: over the %g s timeout", task.rel_path, timeout)
            result.pictures = {}  # tried: a re-run must not try again
            on_done(task, result)
        else:
            on_done(task, failed_result(task, "timeout", f"no result after {timeout:g} s (--timeout)",
                                        now - w.started, limit=timeout))

    def _wait_seconds(self, busy: list[_Worker]) -> float | None:
        if not self.limits.timeout:
            return None
        now = time.monotonic()
        return max(0.0, min(w.started + self.limits.timeout - now for w in busy)) + 0.01

    def _death_reason(self, w: _Worker) -> tuple[str, str]:
        """(category, reason) of a worker's death: ``memory_limit`` when it died the way a refused
        allocation ends under the cap, else ``crashed``.
        """
        w.proc.join(timeout=1)
        code = w.proc.exitcode
        if code is None or code >= 0:
            return "crashed", f"worker exited with code {code}"
        sig = signal.Signals(-code)
        cap = self.limits.memory_mb
        if sig in MEMORY_DEATHS and (cap or sig == signal.SIGKILL):
            limit = f"the {cap} MB cap (--max-memory)" if cap else "the machine's memory"
            return "memory_limit", (f"worker killed by {sig.name}, the way native code ends when {limit} "
                                    "refuses an allocation")
        return "crashed", f"worker killed by {sig.name}"

    def _retire(self, w: _Worker) -> None:
        w.task = None
        w.stop()
        self._workers.remove(w)


def default_jobs() -> int:
    """Cores this process may use (respects CPU affinity / container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
