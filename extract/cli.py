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
from extract.api import run_batch
from extract.errors import ExitCode, ExtractError
from extract.pipeline import Options, Result
from extract.report import build_report, report_for_run, resolve_inputs
from extract.schema import write_schemas


@click.group()
@click.version_option(__version__)
def cli() -> None:
    """Extract budget tables, narrative and performance forms from 预算/决算公开 PDFs."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Worker processes (one document per task).")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="auto: OCR only image-only and garbled pages.")
@click.option("--ocr-engine", default="rapidocr", show_default=True, help="rapidocr or tesseract.")
@click.option("--dpi", default=200, show_default=True, help="Render resolution for OCR.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first error instead of recording it.")
@click.option("-v", "--verbose", count=True)
@click.option("-q", "--quiet", is_flag=True)
def run(inputs: tuple[Path, ...], out_dir: Path, jobs: int, ocr: str, ocr_engine: str, dpi: int,
        fail_fast: bool, verbose: int, quiet: bool) -> None:
    """Extract every PDF under INPUTS into OUT.

    Example: extract run samples/ --out out/
    """
    logging.basicConfig(level=logging.WARNING - 10 * verbose, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    options = Options(ocr=ocr, ocr_engine=ocr_engine, dpi=dpi, fail_fast=fail_fast)

    def progress(result: Result) -> None:
        if quiet:
            return
        d = result.rows["documents"][0]
        line = f"{d['status']:8} {d['pages'] or 0:4}p {d['seconds']:6.2f}s  {d['path']}"
        if d["error"]:
            line += f"  ({d['error']})"
        click.echo(line, err=True)

    try:
        summary = run_batch(list(inputs), out_dir, options, jobs=jobs, on_result=progress)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except ExtractError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    if not quiet:
        click.echo(f"{summary.files} files: {summary.ok} ok, {summary.partial} partial, {summary.failed} failed; "
                   f"{summary.pages} pages in {summary.seconds}s → {out_dir}", err=True)
    report_for_run(out_dir, list(inputs))
    sys.exit(ExitCode.OK if summary.all_ok else ExitCode.SOME_DOCUMENTS_FAILED)


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
    click.echo(os.fspath(build_report(out_dir, resolve_inputs(out_dir, list(input_dirs)) or None)))


def main() -> int:
    try:
        cli(standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
