"""The output folder: checked for writing before any work, and locked for the run.

A run that cannot write OUT must say so in one line before it extracts
anything, not with a traceback after minutes of work. Two runs writing one OUT
would interleave their tables (``documents.parquet`` from one run,
``documents.csv`` from the other), so a run holds an exclusive lock on
``OUT/.extract.lock`` (``flock``) from start to finish: a second run refuses
with the owner's pid, or waits with ``--wait``. The kernel drops the lock when
its owner dies, even by ``kill -9``, so a stale lock file is simply taken over.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extract.errors import ExtractError

LOCK_NAME = ".extract.lock"


class OutputError(ExtractError):
    """OUT cannot be written, or another run holds it (exit code 1, nothing extracted)."""


def check_writable(out_dir: Path) -> None:
    """Create OUT if needed and prove a file can be written in it; else one clear :class:`OutputError`."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"cannot write to {out_dir}: it exists and is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out_dir, prefix=".write-test.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc


@contextmanager
def out_lock(out_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the exclusive lock on ``out_dir`` for the ``with`` block."""
    path = Path(out_dir) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputError(f"{out_dir} is in use by another extract run (pid {owner}); "
                              "wait for it to finish, or pass --wait") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
