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
  leaked by a C library (pdfium, onnxruntime) cannot grow over a long batch.
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
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from extract import cache
from extract.pipeline import Options, Result, process_document

log = logging.getLogger(__name__)

#: A worker serves this many documents, then a fresh one replaces it.
MAX_TASKS_PER_WORKER = 50
#: Default per-worker address-space cap (MB). Generous: onnxruntime and BLAS
#: reserve far more virtual memory than they touch.
DEFAULT_MEMORY_MB = 4096


@dataclass(frozen=True)
class Task:
    """One document to extract; ``doc_id`` is known beforehand (for failure rows)."""

    index: int
    source: Path
    rel_path: str
    doc_id: str


@dataclass
class Limits:
    """Per-document isolation settings."""

    timeout: float | None = None  # seconds; None = no limit
    memory_mb: int | None = DEFAULT_MEMORY_MB  # None or 0 = no cap


OnDone = Callable[[Task, Result], None]


def failed_result(task: Task, category: str, reason: str, seconds: float = 0.0) -> Result:
    """The rows of a document whose worker did not return (timeout, crash, memory)."""
    row = {"doc_id": task.doc_id, "path": task.rel_path, "pages": None, "text_pages": 0, "ocr_pages": 0,
           "unit_name": None, "fiscal_year": None, "doc_type": None, "status": "failed",
           "error": f"{category}: {reason}", "duplicate_of": None, "n_tables": 0, "seconds": round(seconds, 3)}
    issue = {"doc_id": task.doc_id, "stage": "worker", "category": category, "message": reason, "page": None}
    return Result(doc_id=task.doc_id, rows={"documents": [row], "issues": [issue]})


def run_in_process(tasks: Iterable[Task], options: Options, on_done: OnDone) -> None:
    """No isolation: for ``--fail-fast`` (a traceback is what the user asked for) and debugging."""
    for task in tasks:
        result = process_document(task.source, task.rel_path, options, task.doc_id or None)
        on_done(task, cache.loads(cache.dumps(result)))


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


def worker_main(conn: Connection, memory_mb: int | None) -> None:
    """Serve tasks from ``conn`` until it closes; always answer with result JSON."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    die_with_parent()
    faulthandler.disable()  # a crash is reported by the parent as the document's error, not a dump
    limit_memory(memory_mb)
    while True:
        try:
            task, options = conn.recv()
        except (EOFError, OSError):
            return
        t0 = time.perf_counter()
        try:
            text = cache.dumps(process_document(task.source, task.rel_path, options, task.doc_id or None))
        except MemoryError:
            text = cache.dumps(failed_result(task, "memory", f"over the {memory_mb} MB cap",
                                             time.perf_counter() - t0))
        except Exception as exc:  # noqa: BLE001 - a bug on one file must not kill the batch
            text = cache.dumps(failed_result(task, "crashed", f"{type(exc).__name__}: {exc}",
                                             time.perf_counter() - t0))
        try:
            conn.send(text)
        except (BrokenPipeError, OSError):  # the parent is gone (killed): stop quietly
            return


# --- parent side -------------------------------------------------------------------------------

@dataclass
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection
    task: Task | None = None
    started: float = 0.0
    served: int = 0

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
        self._ctx = mp.get_context(method)
        self._workers: list[_Worker] = []

    def run(self, tasks: Iterable[Task], options: Options, on_done: OnDone) -> None:
        """Run every task; each ends in exactly one ``on_done`` call."""
        pending = deque(tasks)
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
        proc = self._ctx.Process(target=worker_main, args=(child, self.limits.memory_mb), daemon=True)
        proc.start()
        child.close()
        worker = _Worker(proc=proc, conn=parent)
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
            worker.task, worker.started = pending.popleft(), time.monotonic()
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
            task = w.task
            assert task is not None
            if w.conn.poll():
                try:
                    result = cache.loads(w.conn.recv())
                except (EOFError, OSError):
                    result = failed_result(task, "crashed", self._death_reason(w), now - w.started)
                    self._retire(w)
                else:
                    w.task, w.served = None, w.served + 1
                    if w.served >= MAX_TASKS_PER_WORKER:
                        self._retire(w)
                on_done(task, result)
            elif not w.proc.is_alive():
                on_done(task, failed_result(task, "crashed", self._death_reason(w), now - w.started))
                self._retire(w)
            elif self.limits.timeout and now - w.started > self.limits.timeout:
                self._retire(w)
                on_done(task, failed_result(task, "timeout", f"no result after {self.limits.timeout:g} s",
                                            now - w.started))

    def _wait_seconds(self, busy: list[_Worker]) -> float | None:
        if not self.limits.timeout:
            return None
        now = time.monotonic()
        return max(0.0, min(w.started + self.limits.timeout - now for w in busy)) + 0.01

    def _death_reason(self, w: _Worker) -> str:
        w.proc.join(timeout=1)
        code = w.proc.exitcode
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            hint = " (out of memory?)" if -code == signal.SIGKILL else ""
            return f"worker killed by {name}{hint}"
        return f"worker exited with code {code}"

    def _retire(self, w: _Worker) -> None:
        w.task = None
        w.stop()
        self._workers.remove(w)


def worker_peak_rss_mb() -> float:
    """Largest resident set of any finished worker of this process (MB; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def default_jobs() -> int:
    """Cores this process may use (respects CPU affinity / container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
