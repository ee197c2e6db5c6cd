"""Run a SQL file against an extract DuckDB database and print CSV (used by examples/Makefile).

Usage: python -m examples.query OUT/extract.duckdb QUERY.sql > result.csv
(The duckdb command-line tool does the same: ``duckdb -csv DB < QUERY.sql``.)
"""

from __future__ import annotations

import sys

import duckdb


def main(db: str, sql_file: str) -> None:
    con = duckdb.connect(db, read_only=True)
    try:
        sql = open(sql_file, encoding="utf-8").read()
        con.sql(sql).to_df().to_csv(sys.stdout, index=False)
    finally:
        con.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
