"""Command line: parse options, call :mod:`extract.api`, print a summary, exit.

Exit codes (also in the README): 0 all ok, 1 fatal, 2 usage, 3 some documents
partial or failed, 4 missing dependency, 130 interrupted.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

import click

from extract import __version__
from extract.api import BatchConfig, run_batch
from extract.errors import ExitCode, ExtractError
from extract.executor import DEFAULT_MEMORY_MB, default_jobs
from extract.outputs import FORMATS, parse_formats
from extract.options import OCR_ENGINES, OCR_MODES, Options
from extract.progress import JsonLogFormatter, make_reporter
from extract.ray_executor import import_ray
from extract.schema import write_schemas


#: Every option's default, read from the options object (written once, there).
DEFAULTS = Options()


@click.group()
@click.version_option(__version__)
def cli() -> None:
    """Extract budget tables, narrative and performance forms from 预算/决算公开 PDFs."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("-j", "--jobs", default=default_jobs(), show_default="cores", type=click.IntRange(1, 256),
              help="Worker processes (one document per task).")
@click.option("--ocr", type=click.Choice(OCR_MODES), default=DEFAULTS.ocr.mode, show_default=True,
              help="auto: OCR only image-only and garbled pages.")
@click.option("--ocr-engine", type=click.Choice(OCR_ENGINES), default=DEFAULTS.ocr.engine, show_default=True,
              help="OCR engine; checked (package, models, binary) before any work starts.")
@click.option("--dpi", default=DEFAULTS.ocr.dpi, show_default=True, help="Render resolution for OCR.")
@click.option("--formats", default=",".join(FORMATS), show_default=True,
              help="Comma-separated output formats: parquet, csv, duckdb, xlsx (OUT/extract.xlsx, one sheet a table).")
@click.option("--csv-bom", is_flag=True,
              help="Start each CSV with a UTF-8 byte order mark, so Excel and WPS open it without mojibake.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds per document; a slower one is killed and recorded as failed.")
@click.option("--max-memory", "memory_mb", type=click.IntRange(0), default=DEFAULT_MEMORY_MB, show_default=True,
              help="Address-space cap per worker in MB (0: none).")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local worker processes, or Ray tasks (pip install 'extract[ray]').")
@click.option("--ray-address", default=None, help="Ray cluster address (e.g. ray://head:10001); default: local Ray.")
@click.option("--no-cache", is_flag=True, help="Re-extract every document, ignoring OUT/.cache.")
@click.option("--retry-failed", is_flag=True,
              help="Re-extract documents whose cached result is a timeout, crash or memory-cap failure.")
@click.option("--wait", is_flag=True, help="If another run is using OUT, wait for it instead of refusing.")
@click.option("--log-json", is_flag=True, help="JSON-lines events and log records on stderr.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first error instead of recording it.")
@click.option("-v", "--verbose", count=True)
@click.option("-q", "--quiet", is_flag=True)
def run(inputs: tuple[Path, ...], out_dir: Path, jobs: int, ocr: str, ocr_engine: str, dpi: int, formats: str,
        csv_bom: bool, timeout: float | None, memory_mb: int, executor: str, ray_address: str | None,
        no_cache: bool, retry_failed: bool, wait: bool, log_json: bool, fail_fast: bool, verbose: int,
        quiet: bool) -> None:
    """Extract every PDF under INPUTS into OUT.

    Re-runs only extract files that changed (OUT/.cache); outputs are rewritten
    only when their content changes.

    Example: extract run samples/ --out out/ --jobs 4 --timeout 600
    """
    setup_logging(verbose, log_json)
    reporter = make_reporter(log_json, quiet)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` ends a run the way Ctrl-C does: exit 130, files whole
    try:
        config = BatchConfig(jobs=jobs, timeout=timeout, memory_mb=memory_mb or None,
                             formats=parse_formats(formats), executor=executor, ray_address=ray_address,
                             use_cache=not no_cache, retry_failed=retry_failed, wait=wait, report=True,
                             csv_bom=csv_bom)
        if executor == "ray":
            import_ray()  # fail now (exit 4), not after scanning the inputs
        options = Options.from_keywords(ocr=ocr, ocr_engine=ocr_engine, dpi=dpi, fail_fast=fail_fast)
        summary = run_batch(list(inputs), out_dir, options, config=config, progress=reporter)
        reporter.summary(summary, _shown(out_dir))
    except KeyboardInterrupt:
        click.echo("\ninterrupted; finished documents are cached in OUT/.cache, re-run to resume", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except ExtractError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug in the batch itself: one line, the traceback with -v
        logging.getLogger(__name__).debug("fatal", exc_info=True)
        click.echo(f"error: {type(exc).__name__}: {exc} (run with -v for the traceback)", err=True)
        sys.exit(ExitCode.FATAL)
    sys.exit(ExitCode.OK if summary.all_ok else ExitCode.SOME_DOCUMENTS_FAILED)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _shown(path: Path) -> str:
    """A path as text that any terminal can print (bytes that are not UTF-8 escaped)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def setup_logging(verbose: int, log_json: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter() if log_json else logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING - 10 * verbose, handlers=[handler], force=True)


@cli.command()
@click.option("--out", "out_dir", default="schemas", show_default=True, type=click.Path(path_type=Path))
def schema(out_dir: Path) -> None:
    """Write the output tables' JSON Table Schemas.

    Example: extract schema --out schemas/
    """
    for path in write_schemas(out_dir):
        click.echo(os.fspath(path))


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
def report(out_dir: Path) -> None:
    """Rewrite OUT/report.html and OUT/report/, the QA report, from a run's output tables.

    The page pictures come from the run's cache (OUT/.cache), where the workers
    drew them; nothing is read from the PDFs again.

    Example: extract report out/
    """
    from extract.report import build_report

    click.echo(_shown(build_report(out_dir)))


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
def check(out_dir: Path) -> None:
    """Re-run every check over OUT's tables (edited or not) and rewrite OUT's checks.

    Each table is read from its newer file, NAME.parquet or NAME.csv; checks.csv,
    checks.parquet, extract.duckdb and extract.xlsx are rewritten where present.
    Prints the failing checks; exit 3 when any fails, else 0.

    Example: extract check out/
    """
    from extract.recheck import check_outputs

    try:
        result = check_outputs(out_dir)
    except ExtractError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    for row in result.failing:
        click.echo(f"FAIL {row['doc_id']} {row['check']} {row['location']}: expected {row['expected']}, "
                   f"actual {row['actual']}" + (f" ({row['detail']})" if row["detail"] else ""))
    counts = result.counts
    click.echo(f"{len(result.checks)} checks: {counts['pass']} pass, {counts['fail']} fail, {counts['skip']} skip")
    sys.exit(ExitCode.SOME_DOCUMENTS_FAILED if result.failing else ExitCode.OK)


def main() -> int:
    try:
        cli(standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
