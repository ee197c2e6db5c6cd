"""Notebook API: ``extract.read_pdf`` / ``extract.read_folder`` → one pandas DataFrame per contract table.

For a notebook or a script that wants frames, not files. It runs the same batch
as ``extract run`` (:func:`extract.api.run_batch`: worker processes, byte-identical
copies, the batch-wide 文号 vote) into a throwaway folder that is deleted
afterwards, and writes no table files there (``formats=()``), so the frames are
exactly what ``extract run`` would have written, without an output folder.

Keyword options are the CLI's: the flat names of :class:`extract.options.Options`
(``ocr``, ``ocr_engine``, ``dpi``, ``fail_fast``, ``max_pages``) and the batch's
``jobs``, ``timeout``, ``memory_mb``. Anything else is a ``TypeError``, as for any
Python function; a bad value is a :class:`extract.errors.ConfigError`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.api import BatchConfig, BatchSummary, run_batch
from extract.errors import ConfigError
from extract.options import KEYWORDS, OCR_MODES, Options

if TYPE_CHECKING:
    import pandas as pd

#: Batch settings a caller may pass besides the pipeline's :class:`Options`.
BATCH_OPTIONS = ("jobs", "timeout", "memory_mb")


class Tables(Mapping[str, "pd.DataFrame"]):
    """The contract tables of a run: ``res.budget_lines`` or ``res["budget_lines"]``.

    ``summary`` holds the batch counts (files, ok, partial, failed, pages, seconds).
    """

    def __init__(self, frames: dict[str, pd.DataFrame], summary: BatchSummary) -> None:
        self._frames = dict(frames)
        self.summary = summary

    def __getitem__(self, table: str) -> pd.DataFrame:
        try:
            return self._frames[table]
        except KeyError:
            raise KeyError(f"no table {table!r}; tables: {', '.join(self._frames)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __getattr__(self, table: str) -> pd.DataFrame:
        frames = self.__dict__.get("_frames", {})
        if table in frames:
            return frames[table]
        raise AttributeError(f"no table {table!r}; tables: {', '.join(frames)}")

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._frames]  # tab completion in notebooks

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(df)}" for name, df in self._frames.items())
        return f"<Tables {counts}>"


def read_pdf(path: str | Path, **options: Any) -> Tables:
    """Extract one PDF; returns its tables as DataFrames.

    Example: ``extract.read_pdf("samples/yq2025_born_digital.pdf", ocr="never").budget_lines``
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"read_pdf: no such file: {path}")
    return _read([path], "read_pdf", options)


def read_folder(folder: str | Path, **options: Any) -> Tables:
    """Extract every ``*.pdf`` under ``folder`` (recursively); one row per file in ``documents``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"read_folder: no such folder: {folder}")
    return _read([folder], "read_folder", options)


def _read(inputs: list[Path], caller: str, options: dict[str, Any]) -> Tables:
    pipeline_options, config = split_options(caller, options)
    with tempfile.TemporaryDirectory(prefix="extract-") as work:
        summary = run_batch(inputs, Path(work), pipeline_options, config=config)
    return Tables(summary.frames, summary)


def split_options(caller: str, options: dict[str, Any]) -> tuple[Options, BatchConfig]:
    """Keyword options → (:class:`Options`, :class:`BatchConfig`); unknown names raise ``TypeError``."""
    pipeline_fields = list(KEYWORDS)
    unknown = sorted(set(options) - set(pipeline_fields) - set(BATCH_OPTIONS))
    if unknown:
        raise TypeError(f"{caller}() got unexpected keyword argument(s) {', '.join(map(repr, unknown))}; "
                        f"valid: {', '.join(pipeline_fields + list(BATCH_OPTIONS))}")
    if options.get("ocr", "auto") not in OCR_MODES:
        raise ConfigError(f"{caller}(ocr={options['ocr']!r}): choose from {', '.join(OCR_MODES)}")
    batch = {k: v for k, v in options.items() if k in BATCH_OPTIONS}
    # formats=(): frames only, no files; pictures=False: no report, so workers draw no pictures
    config = BatchConfig(formats=(), use_cache=False, pictures=False, **batch)
    return Options.from_keywords(**{k: v for k, v in options.items() if k in pipeline_fields}), config
