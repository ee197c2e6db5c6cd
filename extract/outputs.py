"""Write the final tables in the formats the user asked for (``--formats``).

Reads the merged rows of every document; writes ``NAME.csv`` / ``NAME.parquet``
(through :mod:`extract.stages.write`, atomic and only when changed),
``extract.duckdb`` (:mod:`extract.duck`) and ``extract.xlsx`` (:mod:`extract.excel`).
The set of tables and their columns come from the contract (:mod:`extract.schema`).
``extract check`` rewrites the ``checks`` table through :func:`write_table_files`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.duck import content_digest, write_duckdb
from extract.errors import ConfigError
from extract.excel import XLSX_NAME, xlsx_bytes
from extract.schema import TABLES
from extract.stages.write import arrow_table, frame, write_if_changed

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

FORMATS = ("parquet", "csv", "duckdb")
#: Formats a run writes only when asked (``--formats parquet,csv,duckdb,xlsx``).
OPTIONAL_FORMATS = ("xlsx",)
#: The UTF-8 byte order mark: Excel and WPS read a CSV as UTF-8 only when it starts with one
#: (without it they guess the locale's code page, GBK on Chinese Windows, and show mojibake).
BOM = b"\xef\xbb\xbf"

#: Columns that differ between two runs of the same input (wall-clock timings).
#: They stay in the cache and the log but not in the tables, so a re-run, or a
#: run resumed after ``kill -9``, writes byte-identical tables.
VOLATILE = {"documents": ("seconds",)}


def parse_formats(text: str) -> tuple[str, ...]:
    """``"parquet,csv"`` → ("parquet", "csv"); an unknown name is a usage error."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    known = FORMATS + OPTIONAL_FORMATS
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ConfigError(f"--formats: unknown {', '.join(unknown) or '(empty)'}; choose from {','.join(known)}")
    return names


def write_outputs(out_dir: Path, rows_by_table: dict[str, list[dict[str, Any]]],
                  formats: tuple[str, ...] = FORMATS, csv_bom: bool = False) -> dict[str, pd.DataFrame]:
    """Every contract table (empty ones too) in every requested format; returns the frames.

    The DuckDB file is built on a second thread while the CSV and Parquet files
    are written: both spend their time in C++ without the GIL, and this is the
    batch's serial tail, after the last worker finished. ``csv_bom`` starts each
    CSV with a UTF-8 byte order mark, for Excel and WPS.
    """
    frames = {table: contract_frame(table, rows_by_table.get(table, [])) for table in TABLES}
    write_frames(out_dir, frames, formats, csv_bom)
    return frames


def write_frames(out_dir: Path, frames: dict[str, pd.DataFrame], formats: tuple[str, ...],
                 csv_bom: bool = False) -> None:
    """Contract frames → files in ``formats``, each written atomically and only when changed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_bytes = {table: csv_text(df) for table, df in frames.items()}
    needs_arrow = bool({"parquet", "duckdb"} & set(formats))
    typed = {table: arrow_table(table, df) for table, df in frames.items()} if needs_arrow else {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        duck = pool.submit(write_duckdb, out_dir, typed, content_digest(csv_bytes)) if "duckdb" in formats else None
        for table in frames:
            write_table_files(out_dir, table, csv_bytes[table], typed.get(table), formats, csv_bom)
        if "xlsx" in formats:
            write_if_changed(out_dir / XLSX_NAME, xlsx_bytes(frames))
        if duck is not None:
            duck.result()


def write_table_files(out_dir: Path, table: str, csv: bytes, typed: pa.Table | None, formats: tuple[str, ...],
                      csv_bom: bool = False) -> None:
    """``NAME.csv`` and/or ``NAME.parquet`` of one table.

    Parquet embeds writer metadata, so whether it changed is judged on the CSV
    text (without the BOM: switching ``--csv-bom`` does not rewrite Parquet).
    """
    if "csv" in formats:
        write_if_changed(out_dir / f"{table}.csv", (BOM if csv_bom else b"") + csv)
    if "parquet" in formats and typed is not None:
        write_if_changed(out_dir / f"{table}.parquet", parquet_bytes(typed), compare=csv,
                         stamp=out_dir / f".{table}.parquet.sha")


def csv_text(df: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV: header row, no index (the contract's CSV form)."""
    return df.to_csv(index=False).encode("utf-8")


def contract_frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The table's frame without the columns that change from run to run."""
    df = frame(table, rows)
    return df.drop(columns=[c for c in VOLATILE.get(table, ()) if c in df.columns])


def parquet_bytes(table: pa.Table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()
