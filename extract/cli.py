"""Command line: parse options, call :mod:`extract.api`, print a summary, exit.

Exit codes (also in the README): 0 all ok, 1 fatal, 2 usage, 3 some documents
partial or failed, 4 missing dependency, 130 interrupted.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from extract import __version__
from extract.api import BatchConfig, run_batch
from extract.errors import ExitCode, ExtractError
from extract.executor import DEFAULT_MEMORY_MB, default_jobs
from extract.outputs import FORMATS, parse_formats
from extract.pipeline import Options
from extract.progress import JsonLogFormatter, make_reporter
from extract.ray_executor import import_ray
from extract.schema import write_schemas


@click.group()
@click.version_option(__version__)
def cli() -> None:
    """Extract budget tables, narrative and performance forms from 预算/决算公开 PDFs."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("-j", "--jobs", default=default_jobs(), show_default="cores", type=click.IntRange(1, 256),
              help="Worker processes (one document per task).")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="auto: OCR only image-only and garbled pages.")
@click.option("--ocr-engine", default="rapidocr", show_default=True, help="rapidocr or tesseract.")
@click.option("--dpi", default=200, show_default=True, help="Render resolution for OCR.")
@click.option("--formats", default=",".join(FORMATS), show_default=True,
              help="Comma-separated output formats: parquet, csv, duckdb.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds per document; a slower one is killed and recorded as failed.")
@click.option("--max-memory", "memory_mb", type=click.IntRange(0), default=DEFAULT_MEMORY_MB, show_default=True,
              help="Address-space cap per worker in MB (0: none).")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local worker processes, or Ray tasks (pip install 'extract[ray]').")
@click.option("--ray-address", default=None, help="Ray cluster address (e.g. ray://head:10001); default: local Ray.")
@click.option("--no-cache", is_flag=True, help="Re-extract every document, ignoring OUT/.cache.")
@click.option("--log-json", is_flag=True, help="JSON-lines events and log records on stderr.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first error instead of recording it.")
@click.option("-v", "--verbose", count=True)
@click.option("-q", "--quiet", is_flag=True)
def run(inputs: tuple[Path, ...], out_dir: Path, jobs: int, ocr: str, ocr_engine: str, dpi: int, formats: str,
        timeout: float | None, memory_mb: int, executor: str, ray_address: str | None, no_cache: bool,
        log_json: bool, fail_fast: bool, verbose: int, quiet: bool) -> None:
    """Extract every PDF under INPUTS into OUT.

    Re-runs only extract files that changed (OUT/.cache); outputs are rewritten
    only when their content changes.

    Example: extract run samples/ --out out/ --jobs 4 --timeout 600
    """
    setup_logging(verbose, log_json)
    reporter = make_reporter(log_json, quiet)
    try:
        config = BatchConfig(jobs=jobs, timeout=timeout, memory_mb=memory_mb or None,
                             formats=parse_formats(formats), executor=executor, ray_address=ray_address,
                             use_cache=not no_cache)
        if executor == "ray":
            import_ray()  # fail now (exit 4), not after scanning the inputs
        options = Options(ocr=ocr, ocr_engine=ocr_engine, dpi=dpi, fail_fast=fail_fast)
        summary = run_batch(list(inputs), out_dir, options, config=config, progress=reporter)
    except KeyboardInterrupt:
        click.echo("\ninterrupted; finished documents are cached in OUT/.cache, re-run to resume", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except ExtractError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    reporter.summary(summary, os.fspath(out_dir))
    from extract.report import report_for_run  # pandas: loaded after the workers forked

    report_for_run(out_dir, list(inputs))
    sys.exit(ExitCode.OK if summary.all_ok else ExitCode.SOME_DOCUMENTS_FAILED)


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
@click.option("--inputs", "input_dirs", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Folder (or file) the PDFs were read from, to draw pages; repeatable.")
def report(out_dir: Path, input_dirs: tuple[Path, ...]) -> None:
    """Write OUT/report.html, the QA report, from a run's output tables.

    Example: extract report out/ --inputs samples/
    """
    from extract.report import build_report, resolve_inputs

    click.echo(os.fspath(build_report(out_dir, resolve_inputs(out_dir, list(input_dirs)) or None)))


def main() -> int:
    try:
        cli(standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
