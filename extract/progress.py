"""What the user sees during a run, on stderr: a bar, plain lines, or JSON lines.

Reads batch events (:class:`extract.api.Progress`); writes stderr only (stdout
stays free for data). On a terminal one line is redrawn in place with files,
pages, pages/s and an ETA; otherwise (a Makefile, CI, a pipe) every document
gets one plain line; ``--log-json`` turns every event into one JSON object per
line for log collectors.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, TextIO

from extract.api import BatchSummary, Progress
from extract.pipeline import Result


class LineReporter(Progress):
    """One plain line per document (stderr not a terminal)."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.t0 = time.monotonic()
        self.files = self.to_run = self.total_bytes = self.done_bytes = self.n_done = self.pages = 0

    def planned(self, files: int, to_run: int, total_bytes: int) -> None:
        self.files, self.to_run, self.total_bytes = files, to_run, total_bytes

    def done(self, result: Result, size: int, cached: bool) -> None:
        self.n_done += 1
        self.done_bytes += size
        doc = result.rows["documents"][0]
        self.pages += doc.get("pages") or 0
        if not self.quiet:
            self.show(doc, cached)

    def show(self, doc: dict[str, Any], cached: bool) -> None:
        took = "cached" if cached else f"{doc.get('seconds') or 0:6.2f}s"
        line = f"{doc['status']:8} {doc['pages'] or 0:4}p {took:>7}  {doc['path']}"
        if doc.get("error"):
            line += f"  ({doc['error']})"
        print(line, file=self.stream, flush=True)

    def summary(self, summary: BatchSummary, out_dir: str) -> None:
        if not self.quiet:
            print(f"{summary.files} files: {summary.ok} ok, {summary.partial} partial, {summary.failed} failed; "
                  f"{summary.pages} pages in {summary.seconds}s → {out_dir}", file=self.stream, flush=True)


class BarReporter(LineReporter):
    """A single redrawn status line: files, pages, pages/s, ETA (by bytes still to read)."""

    def show(self, doc: dict[str, Any], cached: bool) -> None:
        if doc["status"] != "ok":  # problems stay on screen above the bar
            self.stream.write("\r\033[K")
            super().show(doc, cached)
        elapsed = max(time.monotonic() - self.t0, 1e-6)
        rate = self.pages / elapsed
        share = self.done_bytes / self.total_bytes if self.total_bytes else 1.0
        eta = elapsed * (1 - share) / share if share > 0 else 0.0
        width = 24
        bar = "#" * int(width * share) + "-" * (width - int(width * share))
        self.stream.write(f"\r\033[K[{bar}] {self.n_done}/{self.files} files  {self.pages} pages  "
                          f"{rate:5.1f} p/s  ETA {_clock(eta)}")
        self.stream.flush()

    def summary(self, summary: BatchSummary, out_dir: str) -> None:
        self.stream.write("\r\033[K")
        super().summary(summary, out_dir)


class JsonReporter(LineReporter):
    """``--log-json``: one JSON object per event on stderr."""

    def emit(self, event: str, **fields: Any) -> None:
        record = {"ts": round(time.time(), 3), "event": event, **fields}
        print(json.dumps(record, ensure_ascii=False, default=str), file=self.stream, flush=True)

    def planned(self, files: int, to_run: int, total_bytes: int) -> None:
        super().planned(files, to_run, total_bytes)
        self.emit("planned", files=files, to_run=to_run, cached=files - to_run, bytes=total_bytes)

    def show(self, doc: dict[str, Any], cached: bool) -> None:
        keys = ("doc_id", "path", "status", "error", "pages", "text_pages", "ocr_pages", "seconds")
        self.emit("document", cached=cached, done=self.n_done, files=self.files, **{k: doc.get(k) for k in keys})

    def summary(self, summary: BatchSummary, out_dir: str) -> None:
        self.emit("summary", files=summary.files, ok=summary.ok, partial=summary.partial, failed=summary.failed,
                  pages=summary.pages, seconds=summary.seconds, out=out_dir)


def make_reporter(log_json: bool, quiet: bool, stream: TextIO | None = None) -> LineReporter:
    """JSON lines if asked, a bar on a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    if log_json:
        return JsonReporter(stream)
    if stream.isatty():
        return BarReporter(stream, quiet)
    return LineReporter(stream, quiet)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class JsonLogFormatter(logging.Formatter):
    """Log records as JSON objects, so ``--log-json`` stderr is JSON lines throughout."""

    def format(self, record: logging.LogRecord) -> str:
        data = {"ts": round(record.created, 3), "event": "log", "level": record.levelname,
                "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(data, ensure_ascii=False)
