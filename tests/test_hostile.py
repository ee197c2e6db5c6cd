"""Hostile inputs and batch faults: nothing one file or one user does may stop or harm a batch.

The inputs are generated (:mod:`tests.hostile`); each must get its documents row
with the expected status and reason, and the good control beside them must come
out exactly as when run alone. Then the faults: a second run on the same OUT,
an OUT that cannot be written, Ctrl-C or SIGTERM in each phase of a run, and a
file written by another run that must not be mistaken for this run's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from bench import craft
from extract.errors import ExitCode
from extract.outdir import LOCK_NAME, out_lock
from tests import hostile

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 15  # generous: the batch must not depend on the machine being idle (CI shares it)

#: Runs ``extract`` in this process and reports the parent's own peak RSS (MB) on stderr's last line.
MEASURED = """
import resource, sys
from extract.cli import main
sys.argv = ["extract", *sys.argv[1:]]
try:
    code = main()
finally:
    print("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)
sys.exit(code)
"""


def extract(*args: str | Path, script: str = MEASURED, timeout: float = 180,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, subprocess.CompletedProcess, float]:
    root = tmp_path_factory.mktemp("hostile")
    cases = hostile.build(root / "in")
    t0 = time.monotonic()
    proc = extract("run", root / "in", "--out", root / "out", "--jobs", "2", "--timeout", str(TIMEOUT),
                   "--max-memory", "2048")
    return root, root / "out", cases, proc, time.monotonic() - t0


@pytest.mark.slow
def test_every_hostile_file_gets_its_row_and_reason(hostile_run) -> None:
    root, out, cases, proc, _ = hostile_run
    assert proc.returncode == ExitCode.SOME_DOCUMENTS_FAILED, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False).set_index("path")
    shown = {os.fsencode(name).decode("utf-8", "backslashreplace"): case for name, case in cases.items()}
    assert sorted(docs.index) == sorted(shown), "one row per input, nothing else"
    for name, case in shown.items():
        row = docs.loc[name]
        if case.status != "?":
            assert row["status"] == case.status, (name, row["error"])
        if case.reason is not None:
            assert row["error"].startswith(case.reason), (name, row["error"])
        elif case.status == "ok":
            assert row["error"] == "", (name, row["error"])
    assert docs.loc["broken_objstm.pdf", "error"].startswith("broken: unreadable PDF")
    for error in docs["error"]:
        assert str(root) not in error and "/tmp/" not in error, f"a machine path leaked: {error}"


@pytest.mark.slow
def test_a_name_that_is_not_utf8_is_escaped_and_kept_in_bytes(hostile_run) -> None:
    _, out, _, _, _ = hostile_run
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False).set_index("path")
    row = docs.loc["\\xff\\xfe budget.pdf"]
    assert bytes.fromhex(row["path_bytes"]) == b"\xff\xfe budget.pdf"
    assert row["duplicate_of"] == docs.loc["control.pdf", "doc_id"], "same bytes as the control"
    assert (docs.drop(index="\\xff\\xfe budget.pdf")["path_bytes"] == "").all()


@pytest.mark.slow
def test_control_is_read_as_if_alone(hostile_run, tmp_path: Path) -> None:
    root, out, _, _, _ = hostile_run
    (tmp_path / "in").mkdir()
    hostile.control(tmp_path / "in" / "control.pdf")
    alone = extract("run", tmp_path / "in", "--out", tmp_path / "out", "--jobs", "1")
    assert alone.returncode == 0, alone.stderr[-2000:]
    doc_id = pd.read_csv(tmp_path / "out" / "documents.csv")["doc_id"][0]
    for table in ("budget_tables", "budget_lines", "sections", "checks"):
        ours = pd.read_parquet(out / f"{table}.parquet")
        ours = ours[ours["doc_id"] == doc_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(ours, pd.read_parquet(tmp_path / "out" / f"{table}.parquet"))
    assert len(pd.read_parquet(tmp_path / "out" / "budget_lines.parquet")) > 50


@pytest.mark.slow
def test_parent_stays_small_and_no_phase_outlasts_the_timeout(hostile_run) -> None:
    """Pictures are drawn in the workers: a 14 m page costs the parent nothing, a page that takes
    half a minute to draw costs its pictures after the timeout, never the tables or the batch."""
    _, out, _, proc, seconds = hostile_run
    peak = int(proc.stderr.strip().splitlines()[-1].split()[-1])
    assert peak < 1024, f"parent peak RSS {peak} MB"
    assert seconds < 4 * TIMEOUT + 20, seconds
    assert f"report pictures of slow_shading.pdf not drawn: over the {TIMEOUT} s timeout" in proc.stderr
    docs = pd.read_csv(out / "documents.csv").set_index("path")
    huge = out / "report" / docs.loc["huge_page.pdf", "doc_id"] / "p1.jpg"
    with Image.open(huge) as picture:
        assert max(picture.size) <= 1600
    index = (out / "report.html").read_text(encoding="utf-8")
    assert index.count('class="doc-row"') == len(docs)


# --- faults of the batch ------------------------------------------------------------------------

@pytest.fixture
def one_doc(tmp_path: Path) -> Path:
    craft.page_slice(tmp_path / "in" / "doc.pdf", 5, 2)
    return tmp_path / "in"


def test_second_run_on_the_same_out_is_refused(one_doc: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with out_lock(out):
        proc = extract("run", one_doc, "--out", out)
    assert proc.returncode == ExitCode.FATAL
    assert f"{out} is in use by another extract run (pid {os.getpid()})" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / "documents.csv").exists(), "nothing written"


def test_wait_queues_behind_the_other_run(one_doc: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with out_lock(out):
        waiting = subprocess.Popen([sys.executable, "-m", "extract", "run", str(one_doc), "--out", str(out), "--wait"],
                                   cwd=ROOT, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        assert waiting.poll() is None, "it waits while the lock is held"
    assert waiting.wait(timeout=120) == 0, waiting.stderr.read() if waiting.stderr else ""
    assert (out / "documents.csv").exists()


def test_a_lock_left_by_a_killed_run_is_taken_over(one_doc: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text("999999\n")  # the file of a run killed with -9: no process holds it
    proc = extract("run", one_doc, "--out", out)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / LOCK_NAME).read_text().strip() != "999999"


@pytest.mark.parametrize("make_out, reason", [
    (lambda t: (t / "out").write_text("a file"), "it exists and is not a folder"),
    (lambda t: (t / "parent").write_text("a file") and t / "parent" / "out", "Not a directory"),
    (lambda t: Path("/proc/extract-out"), "cannot write to /proc/extract-out:"),
])
def test_out_that_cannot_be_written_is_one_line_before_any_work(one_doc: Path, tmp_path: Path, make_out,
                                                                reason: str) -> None:
    make_out(tmp_path)
    out = {"it exists and is not a folder": tmp_path / "out", "Not a directory": tmp_path / "parent" / "out"}.get(
        reason, Path("/proc/extract-out"))
    proc = extract("run", one_doc, "--out", out)
    assert proc.returncode == ExitCode.FATAL
    lines = [l for l in proc.stderr.splitlines() if not l.startswith("peak_rss_mb")]
    assert len(lines) == 1 and lines[0].startswith("error: cannot write to ") and reason in lines[0], lines


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_out(one_doc: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    proc = extract("run", one_doc, "--out", out)
    assert proc.returncode == ExitCode.FATAL and "Permission denied" in proc.stderr


#: Runs ``extract`` with one phase patched to send the process a signal midway (argv[1]: phase, argv[2]: signal).
INTERRUPTED = """
import os, signal, sys
from extract import api, report
from extract.stages import write
phase, sig = sys.argv[1], getattr(signal, sys.argv[2])
calls = {"n": 0}

def hit(original, at):
    def patched(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == at:
            os.kill(os.getpid(), sig)
        return original(*args, **kwargs)
    return patched

if phase == "extract":
    api._notify = hit(api._notify, 1)
elif phase == "write":
    write.atomic_write = hit(write.atomic_write, 5)
elif phase == "report":
    report.copy_pictures = hit(report.copy_pictures, 2)
from extract.cli import main
sys.argv = ["extract", *sys.argv[3:]]
sys.exit(main())
"""


@pytest.mark.parametrize("phase", ["extract", "write", "report"])
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_interrupt_in_every_phase_exits_130_and_leaves_whole_files(tmp_path: Path, phase: str, sig: str) -> None:
    src = tmp_path / "in"
    for i in range(3):
        craft.page_slice(src / f"doc{i}.pdf", 5 + 2 * i, 2)
    out = tmp_path / "out"
    proc = extract(phase, sig, "run", src, "--out", out, "--jobs", "1", script=INTERRUPTED)
    assert proc.returncode == ExitCode.INTERRUPTED, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "Aborted" not in proc.stderr
    assert "interrupted" in proc.stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")], "no half-written file"
    for parquet in out.glob("*.parquet"):
        pd.read_parquet(parquet)  # every table written is whole
    again = extract("run", src, "--out", out, "--jobs", "1")
    assert again.returncode == 0, again.stderr[-2000:]
    index = (out / "report.html").read_text(encoding="utf-8")
    assert index.count('class="doc-row"') == 3


def test_a_table_written_by_another_run_is_rewritten(tmp_path: Path) -> None:
    """The parquet change stamp remembers the file it wrote: a documents.parquet from another
    run's inputs, left beside a matching stamp, is replaced by this run's."""
    for name, first in (("a", 5), ("b", 9)):
        craft.page_slice(tmp_path / name / "doc.pdf", first, 2)
    out, other = tmp_path / "out", tmp_path / "other"
    for src, target in (("a", out), ("b", other)):
        assert extract("run", tmp_path / src, "--out", target, "--jobs", "1").returncode == 0
    mine = (out / "documents.parquet").read_bytes()
    (out / "documents.parquet").write_bytes((other / "documents.parquet").read_bytes())
    assert extract("run", tmp_path / "a", "--out", out, "--jobs", "1").returncode == 0
    assert (out / "documents.parquet").read_bytes() == mine
    assert json.loads((out / "run_log.json").read_text())["seconds"].keys() == {
        pd.read_csv(out / "documents.csv")["doc_id"][0]}


@pytest.mark.ocr
def test_unchanged_rerun_after_a_timeout_takes_seconds(tmp_path: Path) -> None:
    """Three scanned pages cannot be OCR'd in 2 s: the timeout is cached, the re-run does not wait again."""
    craft.page_slice(tmp_path / "in" / "scan.pdf", 16, 3, source=craft.SCANNED)
    first = extract("run", tmp_path / "in", "--out", tmp_path / "out", "--jobs", "1", "--timeout", "2")
    assert first.returncode == ExitCode.SOME_DOCUMENTS_FAILED, first.stderr[-2000:]
    assert pd.read_csv(tmp_path / "out" / "documents.csv")["error"][0] == "timeout: no result after 2 s (--timeout)"
    t0 = time.monotonic()
    again = extract("run", tmp_path / "in", "--out", tmp_path / "out", "--jobs", "1", "--timeout", "2")
    assert again.returncode == ExitCode.SOME_DOCUMENTS_FAILED and "cached" in again.stderr
    assert time.monotonic() - t0 < 2 + 6, "served from the cache (the interpreter's start-up aside)"


def test_a_value_a_column_cannot_hold_drops_its_row_not_the_batch(tmp_path: Path, monkeypatch) -> None:
    """A stage that writes table_no = 10**20 or has_data = "yes" would stop the writers for every
    document; the row leaves its document with an issue saying which value, and the batch is written."""
    from extract import executor
    from extract.api import BatchConfig, run_batch
    from extract.pipeline import extract_document

    def odd_stage(source, rel_path, options, doc_id=None, **kwargs):
        doc = extract_document(source, rel_path, options, doc_id, **kwargs)
        if rel_path == "odd.pdf":
            doc.rows["budget_tables"][0]["table_no"] = 10**20
            doc.rows["budget_tables"][1]["has_data"] = "yes"
        return doc

    monkeypatch.setattr(executor, "extract_document", odd_stage)
    for name in ("odd.pdf", "fine.pdf"):
        craft.page_slice(tmp_path / "in" / name, 5 if name == "odd.pdf" else 7, 2)
    frames = run_batch(tmp_path / "in", tmp_path / "out", config=BatchConfig(jobs=1)).frames
    docs = frames["documents"].set_index("path")
    assert docs.loc["fine.pdf", "status"] == "ok"
    assert docs.loc["odd.pdf", "status"] == "partial"
    assert docs.loc["odd.pdf", "error"] == ("write: budget_tables row 0 dropped: table_no = '100000000000000000000' "
                                            "does not fit the column's type")
    odd = docs.loc["odd.pdf", "doc_id"]
    tables = frames["budget_tables"]
    alone = len(extract_document(tmp_path / "in" / "odd.pdf", "odd.pdf").rows["budget_tables"])
    assert (tables["doc_id"] == odd).sum() == alone - 2
    assert pd.read_parquet(tmp_path / "out" / "budget_tables.parquet")["table_no"].max() < 100
