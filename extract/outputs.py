"""Write the final tables in the formats the user asked for (``--formats``).

Reads the merged rows of every document; writes ``NAME.csv`` / ``NAME.parquet``
(through :mod:`extract.stages.write`, atomic and only when changed) and
``extract.duckdb`` (:mod:`extract.duck`). The set of tables and their columns
come from the contract (:mod:`extract.schema`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from extract.duck import content_digest, write_duckdb
from extract.errors import ConfigError
from extract.schema import TABLES
from extract.stages.write import arrow_table, frame, write_if_changed

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
    """Every contract table (empty ones too) in every requested format; returns the frames."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frames: dict[str, pd.DataFrame] = {}
    csv_bytes: dict[str, bytes] = {}
    for table in TABLES:
        df = frame(table, rows_by_table.get(table, []))
        df = df.drop(columns=[c for c in VOLATILE.get(table, ()) if c in df.columns])
        frames[table] = df
        csv_bytes[table] = df.to_csv(index=False).encode("utf-8")
        if "csv" in formats:
            write_if_changed(out_dir / f"{table}.csv", csv_bytes[table])
        if "parquet" in formats:
            write_if_changed(out_dir / f"{table}.parquet", parquet_bytes(table, df), compare=csv_bytes[table],
                             stamp=out_dir / f".{table}.parquet.sha")
    if "duckdb" in formats:
        write_duckdb(out_dir, frames, content_digest(csv_bytes))
    return frames


def parquet_bytes(table: str, df: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(arrow_table(table, df), sink, compression="zstd")
    return sink.getvalue().to_pybytes()
