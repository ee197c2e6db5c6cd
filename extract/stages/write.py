"""Write: contract rows → typed frames, and the atomic, only-when-changed file write.

:mod:`extract.outputs` uses these to write ``OUT/NAME.parquet`` and ``OUT/NAME.csv``
for each contract table. Files are written to a temporary name and renamed, so a
crash never leaves half a table; a table whose content did not change is not
rewritten, so downstream Makefile targets do not rebuild for nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.schema import CONTRACT

if TYPE_CHECKING:  # pandas and pyarrow load only where frames are built: the batch parent
    import pandas as pd  # imports them after its workers have forked, while they run
    import pyarrow as pa


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as dicts, missing values (NaN, NA, None) as None.

    Through Arrow: the same dicts as pandas' ``astype(object).where(notna)`` at a third of its cost.
    """
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(df, preserve_index=False).to_pylist()
    except (pa.ArrowException, ValueError):  # a column of mixed types (an edited CSV): pandas takes anything
        return df.astype(object).where(df.notna(), None).to_dict("records")


def frame(table: str, rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Rows → a DataFrame with the contract's columns, order and dtypes."""
    import pandas as pd

    spec = CONTRACT[table]
    names = [n for n, _, _ in spec]
    df = pd.DataFrame(list(rows))
    for name in names:
        if name not in df.columns:
            df[name] = None
    extra = [c for c in df.columns if c not in names]
    df = df[names + extra]
    for name, kind, _ in spec:
        df[name] = _coerce(df[name], kind)
    return df


INT64 = (-(2**63), 2**63 - 1)


def fits(value: Any, kind: str) -> bool:
    """Whether ``value`` can stand in a contract column of Table Schema type ``kind`` (None always can)."""
    if value is None or kind == "string":
        return True
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if kind == "integer":
        return float(value).is_integer() and INT64[0] <= value <= INT64[1]
    return value == value or kind == "number"  # a float NaN is a missing number


def unwritable_cells(table: str, rows: list[dict[str, Any]]) -> list[tuple[int, str, Any]]:
    """(row index, column, value) of every cell a typed contract column cannot hold.

    A stage that wrote ``table_no = 10**20`` or ``has_data = "yes"`` would
    otherwise stop the writers, and with them the whole batch; the pipeline
    drops such rows from their document instead, saying which and why.
    """
    spec = [(name, kind) for name, kind, _ in CONTRACT.get(table, []) if kind != "string"]
    return [(i, name, row[name]) for i, row in enumerate(rows) for name, kind in spec
            if name in row and not fits(row[name], kind)]


def _coerce(col: pd.Series, kind: str) -> pd.Series:
    import pandas as pd

    if kind == "integer":
        return pd.array(pd.to_numeric(col, errors="coerce"), dtype="Int64")
    if kind == "number":
        return pd.to_numeric(col, errors="coerce").astype("float64")
    if kind == "boolean":
        return col.astype("boolean")
    return col.astype("string")


def arrow_table(table: str, df: pd.DataFrame) -> pa.Table:
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    fields = [pa.field(n, types[t]) for n, t, _ in CONTRACT[table]]
    names = [f.name for f in fields]
    extra = [c for c in df.columns if c not in names]
    schema = pa.schema(fields)
    base = pa.Table.from_pandas(df[names], schema=schema, preserve_index=False)
    for c in extra:
        base = base.append_column(c, pa.array(df[c].astype("string") if df[c].dtype == object else df[c]))
    return base


def write_if_changed(path: Path, data: bytes, compare: bytes | None = None, stamp: Path | None = None) -> bool:
    """Atomically replace ``path`` with ``data`` unless that very file already holds this content.

    Parquet files embed writer metadata, so for them the caller passes the CSV
    bytes as the content to ``compare``, and a ``stamp`` file remembers both the
    content's digest and the digest of the file written for it: a file written by
    another run (or edited) no longer matches its stamp and is rewritten.
    """
    digest = hashlib.sha256(compare if compare is not None else data).hexdigest()
    if stamp is not None:
        if stamp_matches(path, stamp, digest):
            return False
    elif path.exists() and file_digest(path) == digest:
        return False
    atomic_write(path, data)
    if stamp is not None:
        write_stamp(path, stamp, digest, hashlib.sha256(data).hexdigest())
    return True


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def stamp_matches(path: Path, stamp: Path, content_digest: str) -> bool:
    """Whether ``stamp`` says ``path`` holds ``content_digest`` and ``path`` is still the file written for it."""
    try:
        content, written = stamp.read_text().split()
    except (OSError, ValueError):
        return False
    return content == content_digest and file_digest(path) == written


def write_stamp(path: Path, stamp: Path, content_digest: str, written_digest: str | None = None) -> None:
    """Remember that ``path`` (whose bytes hash to ``written_digest``) holds ``content_digest``."""
    written = written_digest or file_digest(path)
    atomic_write(stamp, f"{content_digest} {written}".encode())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, rename over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644 & ~_umask())  # mkstemp makes 0600; outputs are for the whole team
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
