"""Batch at scale: bad input, isolation, incremental re-runs, kill -9 safety, DuckDB, Ray.

Small inputs only (page slices of the born-digital sample): the whole file runs
in well under a minute on two cores.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from bench import craft
from extract import executor
from extract.api import BatchConfig, Progress, run_batch
from extract.errors import ExitCode
from extract.outdir import LOCK_NAME
from extract import pipeline
from extract.model import Document
from extract.pipeline import Options, Result, extract_document, read_one_page

EXTRACT = [sys.executable, "-m", "extract"]


def run_cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXTRACT, "run", *map(str, args)], capture_output=True, text=True, timeout=timeout)


def small_corpus(root: Path, n: int = 4, pages: int = 6) -> Path:
    """``n`` distinct small documents (page slices holding budget tables)."""
    for i in range(n):
        craft.page_slice(root / f"doc{i:02d}.pdf", 4 + 3 * i, pages)
    return root


def mtimes(out: Path) -> dict[str, int]:
    """Modification times of OUT's files, but the lock (it records each run's pid)."""
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file() and p.name != LOCK_NAME}


def csv_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


class Recorder(Progress):
    def __init__(self) -> None:
        self.events: list[tuple[str, bool]] = []

    def done(self, result: Result, size: int, cached: bool) -> None:
        self.events.append((result.rows["documents"][0]["path"], cached))


# --- bad input ----------------------------------------------------------------------------------

def test_bad_input_folder(tmp_path: Path) -> None:
    """Every file gets a documents row with the right status; good ones fully read; exit 3."""
    expected = craft.build_bad_folder(tmp_path / "in", bomb=False)
    out = tmp_path / "out"
    proc = run_cli(tmp_path / "in", "--out", out, "--jobs", "2", "--timeout", "60")
    assert proc.returncode == ExitCode.SOME_DOCUMENTS_FAILED, proc.stderr
    assert "Traceback" not in proc.stderr
    docs = pd.read_csv(out / "documents.csv").set_index("path")
    assert sorted(docs.index) == sorted(expected)
    for path, status in expected.items():
        if status != "?":
            assert docs.loc[path, "status"] == status, (path, docs.loc[path, "error"])
    assert docs.loc["empty.pdf", "error"].startswith("empty")
    assert docs.loc["locked.pdf", "error"].startswith("encrypted")
    assert docs.loc["picture.pdf", "error"].startswith("not_pdf")
    assert docs.loc["loop.pdf", "status"] in ("partial", "failed")
    good = docs.loc["good.pdf", "doc_id"]
    assert docs.loc["sub/good copy.pdf", "duplicate_of"] == good
    assert docs["duplicate_of"].notna().sum() == 1
    lines = pd.read_csv(out / "budget_lines.csv", dtype={"code": str})
    owner_only = docs.loc["预算 公开/阳泉 单位预算（仅所有者密码）.pdf", "doc_id"]
    truth = len(json.loads(craft.BORN_DIGITAL.with_suffix(".truth.json").read_text(encoding="utf-8"))["budget_lines"])
    assert (lines["doc_id"] == good).sum() == truth
    assert (lines["doc_id"] == owner_only).sum() == truth
    assert docs.loc["good.pdf", "pages"] == 35 and docs.loc["good.pdf", "n_tables"] == 13


@pytest.mark.slow
def test_decompression_bomb_gets_a_status(tmp_path: Path) -> None:
    """A 400 MB image in 1.7 MB of PDF: bounded by the worker's memory cap, no traceback."""
    (tmp_path / "in").mkdir()
    craft.decompression_bomb(tmp_path / "in" / "bomb.pdf")
    proc = run_cli(tmp_path / "in", "--out", tmp_path / "out", "--jobs", "1", "--max-memory", "2048",
                   "--timeout", "120")
    assert proc.returncode in (ExitCode.OK, ExitCode.SOME_DOCUMENTS_FAILED)
    assert "Traceback" not in proc.stderr
    assert len(pd.read_csv(tmp_path / "out" / "documents.csv")) == 1


# --- isolation ----------------------------------------------------------------------------------

def _misbehave(source: Path, rel_path: str, options: Options, doc_id: str | None = None, **kwargs: Any) -> Document:
    """Stands in for extract_document inside forked workers (inherited through fork)."""
    if rel_path == "segfault.pdf":
        os.kill(os.getpid(), signal.SIGSEGV)
    if rel_path == "hang.pdf":
        time.sleep(60)
    if rel_path == "hog.pdf":
        bytearray(6 * 1024**3)  # over the cap: MemoryError in the worker
    if rel_path == "bug.pdf":
        raise RuntimeError("a bug")
    return extract_document(source, rel_path, options, doc_id, **kwargs)


def _abort_on_page_2(doc: Document, pdf, i: int, options: Options, kept: Any = None) -> None:
    """Stands in for read_one_page: page 2 of bomb.pdf ends the worker the way a refused native allocation does."""
    if doc.path == "bomb.pdf" and i == 1:
        os.abort()
    read_one_page(doc, pdf, i, options, kept)


def test_worker_crash_timeout_memory_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "extract_document", _misbehave)
    monkeypatch.setattr(pipeline, "read_one_page", _abort_on_page_2)
    names = ["segfault.pdf", "hang.pdf", "hog.pdf", "bug.pdf", "bomb.pdf", "fine1.pdf", "fine2.pdf"]
    for i, name in enumerate(names):
        craft.page_slice(tmp_path / "in" / name, 1 + i, 2)
    config = BatchConfig(jobs=2, timeout=4, memory_mb=3072)
    summary = run_batch(tmp_path / "in", tmp_path / "out", config=config)
    docs = summary.frames["documents"].set_index("path")
    assert docs.loc["segfault.pdf", "error"].startswith("crashed: worker killed by SIGSEGV")
    assert docs.loc["hang.pdf", "error"] == "timeout: no result after 4 s (--timeout)"
    assert docs.loc["hog.pdf", "error"] == "memory_limit: over the 3072 MB cap (--max-memory)"
    assert docs.loc["bug.pdf", "error"] == "crashed: RuntimeError: a bug"
    # the worker died inside page 2: the document is read again without it, page 1 kept
    assert docs.loc["bomb.pdf", "status"] == "partial"
    assert docs.loc["bomb.pdf", "error"].startswith("worker: page 2 not read (memory_limit): worker killed by "
                                                    "SIGABRT, the way native code ends when the 3072 MB cap")
    assert docs.loc["bomb.pdf", "text_pages"] == 1
    assert list(docs.loc[["fine1.pdf", "fine2.pdf"], "status"]) == ["ok", "ok"], docs["error"].to_dict()
    # every outcome is cached, failures too: an unchanged re-run does not pay the timeout again
    cached = {p.name.split("-")[0] for p in (tmp_path / "out" / ".cache").glob("*.json")}
    assert cached == set(docs["doc_id"])
    t0 = time.monotonic()
    again = run_batch(tmp_path / "in", tmp_path / "out", config=config).frames["documents"].set_index("path")
    assert time.monotonic() - t0 < 4, "the cached timeout is not run again"
    assert again["error"].to_dict() == docs["error"].to_dict()


def test_cached_failures_retried_when_asked_or_limits_grow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached timeout is served from the cache under the same limits; a longer --timeout
    or --retry-failed extracts the file again."""
    monkeypatch.setattr(executor, "extract_document", _misbehave)
    for folder, first in (("a", 3), ("b", 4)):
        craft.page_slice(tmp_path / folder / "hang.pdf", first, 1)

    def run(folder: str, **config: object) -> tuple[list[tuple[str, bool]], str]:
        recorder = Recorder()
        docs = run_batch(tmp_path / folder, tmp_path / f"out-{folder}", config=BatchConfig(**config),
                         progress=recorder).frames["documents"]
        return recorder.events, docs.loc[0, "error"] if docs.loc[0, "status"] != "ok" else "ok"

    for folder in ("a", "b"):
        assert run(folder, timeout=1)[1] == "timeout: no result after 1 s (--timeout)"
    monkeypatch.setattr(executor, "extract_document", extract_document)  # the file would now succeed
    assert run("a", timeout=1) == ([("hang.pdf", True)], "timeout: no result after 1 s (--timeout)")
    assert run("a", timeout=30) == ([("hang.pdf", False)], "ok"), "more time: tried again"
    assert run("b", timeout=1) == ([("hang.pdf", True)], "timeout: no result after 1 s (--timeout)")
    assert run("b", timeout=1, retry_failed=True) == ([("hang.pdf", False)], "ok")


# --- incremental and crash-safe -----------------------------------------------------------------

def test_rerun_skips_unchanged_and_keeps_outputs(tmp_path: Path) -> None:
    src = small_corpus(tmp_path / "in", n=3, pages=4)
    out = tmp_path / "out"
    run_batch(src, out, config=BatchConfig(jobs=1))
    before = mtimes(out)
    first = csv_bytes(out)
    rec = Recorder()
    run_batch(src, out, config=BatchConfig(jobs=1), progress=rec)
    assert all(cached for _, cached in rec.events) and len(rec.events) == 3
    assert mtimes(out) == before  # nothing rewritten
    craft.varied_copy(src / "doc01.pdf", 7, source=src / "doc01.pdf")  # content same, bytes differ
    rec = Recorder()
    run_batch(src, out, config=BatchConfig(jobs=1), progress=rec)
    assert sorted(rec.events) == [("doc00.pdf", True), ("doc01.pdf", False), ("doc02.pdf", True)]
    assert csv_bytes(out).keys() == first.keys()


def test_kill_9_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    """SIGKILL the CLI at a random moment, run again: every CSV byte-identical to a clean run."""
    src = small_corpus(tmp_path / "in", n=6, pages=6)
    clean, resumed = tmp_path / "clean", tmp_path / "resumed"
    t0 = time.monotonic()
    assert run_cli(src, "--out", clean, "--jobs", "2").returncode == 0
    duration = time.monotonic() - t0
    proc = subprocess.Popen([*EXTRACT, "run", str(src), "--out", str(resumed), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0.2, duration * 0.9))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = run_cli(src, "--out", resumed, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    got, want = csv_bytes(resumed), csv_bytes(clean)
    assert got.keys() == want.keys()
    for name in want:
        assert got[name] == want[name], (name, _first_diff(got[name], want[name]))
    for name in ("documents", "budget_lines"):
        pd.testing.assert_frame_equal(pd.read_parquet(resumed / f"{name}.parquet"),
                                      pd.read_parquet(clean / f"{name}.parquet"))


def _first_diff(a: bytes, b: bytes) -> tuple[str, str]:
    for la, lb in zip(a.decode().splitlines(), b.decode().splitlines()):
        if la != lb:
            return la, lb
    return f"{len(a)} bytes", f"{len(b)} bytes"


# --- DuckDB -------------------------------------------------------------------------------------

def test_duckdb_tables_and_views(tmp_path: Path) -> None:
    craft.copy(tmp_path / "in" / "good.pdf")
    run_batch(tmp_path / "in", tmp_path / "out", config=BatchConfig(jobs=1))
    db = tmp_path / "out" / "extract.duckdb"
    assert not list((tmp_path / "out").glob(".extract.duckdb.*.tmp"))
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"documents", "budget_lines", "projects", "indicators", "expenditure_by_function",
                "projects_with_indicators"} <= tables
        row = con.execute("""SELECT unit_name, fiscal_year, total_wan_yuan FROM expenditure_by_function
                             WHERE function_code = '204'""").fetchall()
        assert row == [("阳泉市强制隔离戒毒所", 2025, 1270.33)]
        n_ind = con.execute("SELECT count(*) FROM indicators").fetchone()[0]
        n_view = con.execute("SELECT count(level3) FROM projects_with_indicators").fetchone()[0]
        assert n_ind == n_view > 0
    finally:
        con.close()


# --- Ray ----------------------------------------------------------------------------------------

def test_ray_output_equals_local(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    src = small_corpus(tmp_path / "in", n=2, pages=5)
    run_batch(src, tmp_path / "local", config=BatchConfig(jobs=1))
    run_batch(src, tmp_path / "ray", config=BatchConfig(jobs=1, executor="ray"))
    assert csv_bytes(tmp_path / "ray") == csv_bytes(tmp_path / "local")
