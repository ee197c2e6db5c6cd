"""``extract check OUT``: re-run every validation check over a run's written tables.

Reads the tables of OUT as they are now (a person may have corrected a figure
in ``budget_lines.csv`` by hand); runs :func:`extract.checks.run_checks` per
document, exactly as the pipeline's checks stage does; writes the new ``checks``
table in every format present in OUT (``checks.csv`` keeping its BOM or not,
``checks.parquet``, and ``extract.duckdb`` / ``extract.xlsx``, which hold every
table and so are rebuilt from the tables as read). Files are replaced
atomically and only when their content changes, like a run's.

Each table is read from the newer of ``NAME.parquet`` and ``NAME.csv`` (Parquet
on a tie): a run writes the CSV first, so an untouched folder reads Parquet,
and a CSV edited afterwards (in Excel, WPS, a text editor) is the one read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.checks import run_checks, summarise
from extract.duck import DB_NAME
from extract.errors import ConfigError
from extract.excel import XLSX_NAME
from extract.outputs import BOM, write_frames
from extract.schema import CONTRACT, TABLES
from extract.stages.write import frame, records

if TYPE_CHECKING:
    import pandas as pd

Row = dict[str, Any]

#: Tables whose rows the checks read (besides ``documents`` for the order of documents).
CHECKED_FROM = ("budget_lines", "budget_tables", "projects", "sections")


@dataclass
class CheckReport:
    """The outcome of ``extract check``: every check row, and which files came from where."""

    checks: list[Row]
    sources: dict[str, Path] = field(default_factory=dict)  # table → the file it was read from

    @property
    def counts(self) -> dict[str, int]:
        return summarise(self.checks)

    @property
    def failing(self) -> list[Row]:
        return [c for c in self.checks if c["status"] == "fail"]


def check_outputs(out_dir: Path) -> CheckReport:
    """Re-run the checks over OUT's tables and rewrite ``checks`` in every format present."""
    sources = table_sources(out_dir)
    if "documents" not in sources:
        raise ConfigError(f"{out_dir} is not an extract output folder: no documents.parquet or documents.csv")
    frames = {table: read_table(table, path) for table, path in sources.items()}
    by_doc = rows_by_document(frames)
    checks = [row for doc_id in checked_documents(frames) for row in run_checks(doc_id, by_doc.get(doc_id, {}))]
    frames["checks"] = frame("checks", checks)
    write_checks(out_dir, frames)
    return CheckReport(checks=checks, sources=sources)


def table_sources(out_dir: Path) -> dict[str, Path]:
    """Table → its newer file (Parquet on a tie); tables with neither file are left out."""
    found: dict[str, Path] = {}
    for table in TABLES:
        candidates = [p for p in (out_dir / f"{table}.parquet", out_dir / f"{table}.csv") if p.exists()]
        if candidates:
            found[table] = max(candidates, key=lambda p: (p.stat().st_mtime_ns, p.suffix == ".parquet"))
    return found


def read_table(table: str, path: Path) -> pd.DataFrame:
    """One table typed by the contract, from Parquet or CSV (text columns stay text: 科目编码 2040801, 028)."""
    import pandas as pd

    if path.suffix == ".parquet":
        raw = pd.read_parquet(path)
    else:
        text = {name: str for name, kind, _ in CONTRACT[table] if kind == "string"}
        raw = pd.read_csv(path, dtype=text, encoding="utf-8-sig")  # utf-8-sig: with or without a BOM
    return frame(table, records(raw))


def rows_by_document(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, list[Row]]]:
    """doc_id → table → rows, for the tables the checks read (one pass, not one per document)."""
    out: dict[str, dict[str, list[Row]]] = {}
    for table in CHECKED_FROM:
        if table in frames:
            for row in records(frames[table]):
                out.setdefault(str(row["doc_id"]), {}).setdefault(table, []).append(row)
    return out


def checked_documents(frames: dict[str, pd.DataFrame]) -> list[str]:
    """doc_ids the pipeline ran checks on, in ``documents`` order.

    Those with rows in a checked table or in the old ``checks``; a file that
    could not be opened has neither, and an identical copy shares its first
    copy's doc_id: each document is checked once, as in a run.
    """
    with_rows = {str(d) for t in (*CHECKED_FROM, "checks") if t in frames for d in frames[t]["doc_id"].dropna()}
    order = [str(d) for d in frames["documents"]["doc_id"].dropna()]
    ordered = [d for d in dict.fromkeys(order) if d in with_rows]
    return ordered + sorted(with_rows - set(ordered))


def write_checks(out_dir: Path, frames: dict[str, pd.DataFrame]) -> None:
    """``checks`` in the per-table formats present, and the one-file formats rebuilt from ``frames``."""
    per_table = tuple(f for f in ("csv", "parquet") if (out_dir / f"checks.{f}").exists())
    csv_bom = (out_dir / "checks.csv").exists() and (out_dir / "checks.csv").read_bytes().startswith(BOM)
    write_frames(out_dir, {"checks": frames["checks"]}, per_table, csv_bom)
    whole = tuple(f for f, name in (("duckdb", DB_NAME), ("xlsx", XLSX_NAME)) if (out_dir / name).exists())
    if whole:
        complete = {table: frames.get(table, frame(table, [])) for table in TABLES}
        write_frames(out_dir, complete, whole)
