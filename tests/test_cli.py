"""The ``extract run`` command line: exit codes, formats, JSON log, progress output.

In-process through click's runner (fast); the subprocess runs live in test_batch.
"""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench import craft
from extract import cli as cli_module
from extract.cli import cli
from extract.errors import ExitCode


@pytest.fixture()
def one_doc(tmp_path: Path) -> Path:
    craft.page_slice(tmp_path / "in" / "a.pdf", 5, 3)
    return tmp_path / "in"


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, ["run", *map(str, args)])


def test_ok_run_exit_0_and_csv_only(one_doc: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = invoke(one_doc, "--out", out, "--jobs", "1", "--formats", "csv")
    assert res.exit_code == ExitCode.OK, res.output
    assert (out / "documents.csv").exists()
    assert not list(out.glob("*.parquet")) and not (out / "extract.duckdb").exists()
    assert "1 files: 1 ok" in res.output


def test_failed_document_exit_3(tmp_path: Path) -> None:
    craft.zero_byte(tmp_path / "empty.pdf")
    res = invoke(tmp_path / "empty.pdf", "--out", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == ExitCode.SOME_DOCUMENTS_FAILED
    assert "empty: the file has zero bytes" in res.output


@pytest.mark.parametrize("args", [["--formats", "xls"], ["--executor", "spark"], ["--jobs", "0"],
                                  ["--ocr", "always", "--ocr-engine", "bogus"]])
def test_usage_errors_exit_2(one_doc: Path, tmp_path: Path, args: list[str]) -> None:
    res = invoke(one_doc, "--out", tmp_path / "out", *args)
    assert res.exit_code == ExitCode.USAGE, res.output
    assert not (tmp_path / "out").exists(), "nothing done, nothing cached"


@pytest.mark.parametrize("engine, missing", [("rapidocr", "onnxruntime"), ("tesseract", "pytesseract")])
def test_missing_ocr_engine_exit_4_before_any_work(one_doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    engine: str, missing: str) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == missing else real_find_spec(name, *a))
    res = invoke(one_doc, "--out", tmp_path / "out", "--ocr-engine", engine)
    assert res.exit_code == ExitCode.MISSING_DEPENDENCY, res.output
    assert f"needs the {missing} package" in res.output
    assert not (tmp_path / "out").exists(), "nothing done, nothing cached"
    ok = invoke(one_doc, "--out", tmp_path / "out", "--ocr-engine", engine, "--ocr", "never")
    assert ok.exit_code == ExitCode.OK, "--ocr never needs no engine"


def test_ray_missing_exit_4(one_doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_ray(name: str, *args, **kwargs):
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    res = invoke(one_doc, "--out", tmp_path / "out", "--executor", "ray")
    assert res.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "pip install 'extract[ray]'" in res.output


def test_interrupted_exit_130(one_doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "run_batch", interrupted)
    res = invoke(one_doc, "--out", tmp_path / "out")
    assert res.exit_code == ExitCode.INTERRUPTED
    assert "re-run to resume" in res.output


def test_log_json_lines(one_doc: Path, tmp_path: Path) -> None:
    res = invoke(one_doc, "--out", tmp_path / "out", "--jobs", "1", "--log-json", "--formats", "csv")
    assert res.exit_code == ExitCode.OK
    events = [json.loads(line) for line in res.output.splitlines() if line.strip()]
    assert [e["event"] for e in events] == ["planned", "document", "summary"]
    assert events[1]["status"] == "ok" and events[1]["cached"] is False and events[1]["pages"] == 3
    again = invoke(one_doc, "--out", tmp_path / "out", "--log-json", "--formats", "csv")
    events = [json.loads(line) for line in again.output.splitlines() if line.strip()]
    assert events[0]["cached"] == 1 and events[1]["cached"] is True


def test_progress_bar_on_a_terminal(one_doc: Path, tmp_path: Path) -> None:
    from io import StringIO

    from extract.api import BatchConfig, run_batch
    from extract.progress import BarReporter

    stream = StringIO()
    bar = BarReporter(stream)
    summary = run_batch(one_doc, tmp_path / "out", config=BatchConfig(jobs=1, formats=("csv",)), progress=bar)
    bar.summary(summary, "out")
    text = stream.getvalue()
    assert "1/1 files" in text and "3 pages" in text and "ETA 0:00:00" in text
