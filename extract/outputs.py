"""Write the final tables in the formats the user asked for (``--formats``).

Reads the merged rows of every document; writes ``NAME.csv`` / ``NAME.parquet``
(through :mod:`extract.stages.write`, atomic and only when changed) and
``extract.duckdb`` (:mod:`extract.duck`). The set of tables and their columns
come from the contract (:mod:`extract.schema`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.duck import content_digest, write_duckdb
from extract.errors import ConfigError
from extract.schema import TABLES
from extract.stages.write import arrow_table, frame, write_if_changed

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

FORMATS = ("parquet", "csv", "duckdb")

#: Columns that differ between two runs of the same input (wall-clock timings).
#: They stay in the cache and the log but not in the tables, so a re-run, or a
#: run resumed after ``kill -9``, writes byte-identical tables.
VOLATILE = {"documents": ("seconds",)}


def parse_formats(text: str) -> tuple[str, ...]:
    """``"parquet,csv"`` → ("parquet", "csv"); an unknown name is a usage error."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise ConfigError(f"--formats: unknown {', '.join(unknown) or '(empty)'}; choose from {','.join(FORMATS)}")
    return names


def write_outputs(out_dir: Path, rows_by_table: dict[str, list[dict[str, Any]]],
                  formats: tuple[str, ...] = FORMATS) -> dict[str, pd.DataFrame]:
    """Every contract table (empty ones too) in every requested format; returns the frames.

    The DuckDB file is built on a second thread while the CSV and Parquet files
    are written: both spend their time in C++ without the GIL, and this is the
    batch's serial tail, after the last worker finished.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = {table: contract_frame(table, rows_by_table.get(table, [])) for table in TABLES}
    csv_bytes = {table: df.to_csv(index=False).encode("utf-8") for table, df in frames.items()}
    needs_arrow = bool({"parquet", "duckdb"} & set(formats))
    typed = {table: arrow_table(table, df) for table, df in frames.items()} if needs_arrow else {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        duck = pool.submit(write_duckdb, out_dir, typed, content_digest(csv_bytes)) if "duckdb" in formats else None
        for table in TABLES:
            if "csv" in formats:
                write_if_changed(out_dir / f"{table}.csv", csv_bytes[table])
            if "parquet" in formats:
                write_if_changed(out_dir / f"{table}.parquet", parquet_bytes(typed[table]), compare=csv_bytes[table],
                                 stamp=out_dir / f".{table}.parquet.sha")
        if duck is not None:
            duck.result()
    return frames


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
