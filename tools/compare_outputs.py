"""Compare two output folders of ``extract run``, table by table: are the rows identical?

Usage: python -m tools.compare_outputs OUT_A OUT_B [--ignore COLUMN ...] [--no-duckdb] [--show N]

A refactor that changes no behaviour must leave every output table the same.
For each table (``NAME.csv`` and ``NAME.parquet`` in either folder) this prints
one line: ``identical`` when the CSV files are byte-identical and the Parquet
files hold equal data (schema and rows; Parquet bytes carry writer metadata, so
they are compared as data), else how many rows differ, with a few examples.
With ``--ignore`` the named columns are left out before comparing (for columns
that differ on every run: timings, timestamps); no table of the current
contract has one, so the default ignores nothing. The tables and views of
``extract.duckdb`` are compared as data too (``--no-duckdb`` skips them).

Exit status: 0 when every table is identical, 1 when any differs or exists on
one side only, 2 for a bad argument.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

DUCKDB_FILE = "extract.duckdb"


def table_names(a: Path, b: Path) -> list[str]:
    """Every table written as CSV or Parquet in either folder (top level only; the report is HTML)."""
    names = {p.stem for d in (a, b) for p in d.iterdir() if p.suffix in (".csv", ".parquet") and p.is_file()}
    return sorted(names)


def _rows(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return [tuple(r) for r in frame.astype(str).itertuples(index=False, name=None)]


def row_diff(a: pd.DataFrame, b: pd.DataFrame, show: int) -> str:
    """``N rows only in A, M only in B`` (as multisets) and the first ``show`` of each, or the order note."""
    ra, rb = Counter(_rows(a)), Counter(_rows(b))
    only_a, only_b = ra - rb, rb - ra
    if not only_a and not only_b:
        return "same rows in a different order"
    lines = [f"{sum(only_a.values())} rows only in A, {sum(only_b.values())} only in B"]
    for side, rows in (("A", only_a), ("B", only_b)):
        for row in list(rows)[:show]:
            lines.append(f"    {side}: {dict(zip(a.columns if side == 'A' else b.columns, row))}")
    return "\n".join(lines)


def compare_frames(a: pd.DataFrame, b: pd.DataFrame, ignore: Sequence[str], show: int) -> str | None:
    """None when equal after dropping ``ignore``; else a description of the difference."""
    a = a.drop(columns=[c for c in ignore if c in a.columns])
    b = b.drop(columns=[c for c in ignore if c in b.columns])
    if list(a.columns) != list(b.columns):
        return f"columns differ: A {list(a.columns)} vs B {list(b.columns)}"
    if a.equals(b):
        return None
    if len(a) != len(b):
        return f"{len(a)} vs {len(b)} rows; " + row_diff(a, b, show)
    return row_diff(a, b, show)


def compare_csv(pa: Path, pb: Path, ignore: Sequence[str], show: int) -> str | None:
    if pa.read_bytes() == pb.read_bytes():
        return None
    if not ignore:
        ignore_note = ""
    else:
        ignore_note = f" (ignoring {', '.join(ignore)})"
    read = {"dtype": str, "keep_default_na": False}
    diff = compare_frames(pd.read_csv(pa, **read), pd.read_csv(pb, **read), ignore, show)
    return None if diff is None else f"bytes differ{ignore_note}: {diff}"


def compare_parquet(pa: Path, pb: Path, ignore: Sequence[str], show: int) -> str | None:
    ta, tb = pq.read_table(pa), pq.read_table(pb)
    keep_a = [c for c in ta.column_names if c not in ignore]
    keep_b = [c for c in tb.column_names if c not in ignore]
    ta, tb = ta.select(keep_a), tb.select(keep_b)
    if ta.schema.equals(tb.schema) and ta.equals(tb):
        return None
    if not ta.schema.equals(tb.schema):
        return f"schema differs: A {ta.schema} vs B {tb.schema}"
    return compare_frames(ta.to_pandas(), tb.to_pandas(), ignore, show) or "data differs (types or nulls)"


def compare_duckdb(a: Path, b: Path, ignore: Sequence[str], show: int) -> list[tuple[str, str | None]]:
    """(name, difference or None) for every table and view in either database, compared as data."""
    import duckdb

    out: list[tuple[str, str | None]] = []
    with duckdb.connect(str(a), read_only=True) as ca, duckdb.connect(str(b), read_only=True) as cb:
        def names(con: duckdb.DuckDBPyConnection) -> set[str]:
            return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        na, nb = names(ca), names(cb)
        for name in sorted(na | nb):
            if name not in na or name not in nb:
                out.append((name, f"only in {'A' if name in na else 'B'}"))
                continue
            query = f'SELECT * FROM "{name}"'
            out.append((name, compare_frames(ca.execute(query).df(), cb.execute(query).df(), ignore, show)))
    return out


def compare_outputs(a: Path, b: Path, ignore: Sequence[str] = (), duck: bool = True, show: int = 3) -> bool:
    """Print one line per table (and per file kind); True when everything is identical."""
    same = True
    for name in table_names(a, b):
        for suffix, compare in ((".csv", compare_csv), (".parquet", compare_parquet)):
            pa, pb = a / f"{name}{suffix}", b / f"{name}{suffix}"
            if not pa.exists() and not pb.exists():
                continue
            if not pa.exists() or not pb.exists():
                diff: str | None = f"only in {'A' if pa.exists() else 'B'}"
            else:
                diff = compare(pa, pb, ignore, show)
            same &= diff is None
            print(f"{name + suffix:32} {'identical' if diff is None else 'DIFFERENT: ' + diff}")
    da, db = a / DUCKDB_FILE, b / DUCKDB_FILE
    if duck and da.exists() and db.exists():
        for name, diff in compare_duckdb(da, db, ignore, show):
            same &= diff is None
            print(f"{'duckdb:' + name:32} {'identical' if diff is None else 'DIFFERENT: ' + diff}")
    print("ALL IDENTICAL" if same else "DIFFERENCES FOUND")
    return same


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_a", type=Path)
    parser.add_argument("out_b", type=Path)
    parser.add_argument("--ignore", nargs="*", default=[], help="columns left out of every comparison")
    parser.add_argument("--no-duckdb", action="store_true", help="do not compare extract.duckdb")
    parser.add_argument("--show", type=int, default=3, help="example rows shown per side of a difference")
    args = parser.parse_args(argv)
    for d in (args.out_a, args.out_b):
        if not d.is_dir():
            print(f"not a folder: {d}", file=sys.stderr)
            return 2
    return 0 if compare_outputs(args.out_a, args.out_b, args.ignore, not args.no_duckdb, args.show) else 1


if __name__ == "__main__":
    sys.exit(main())
