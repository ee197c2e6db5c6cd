"""Exception families and exit codes.

A document's failure never stops a batch: stages raise these, the pipeline catches
them at the stage boundary and records an :class:`extract.model.Issue`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; the README publishes this table as a stable interface."""

    OK = 0
    FATAL = 1
    USAGE = 2
    SOME_DOCUMENTS_FAILED = 3
    MISSING_DEPENDENCY = 4
    INTERRUPTED = 130


class ExtractError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = ExitCode.FATAL


class InputError(ExtractError):
    """The input file cannot be read as a PDF (empty, not a PDF, encrypted, broken).

    ``category`` is a short stable word written to ``documents.error``.
    """

    def __init__(self, category: str, message: str) -> None:
        super().__init__(f"{category}: {message}")
        self.category = category


class StageError(ExtractError):
    """A stage failed on one page or document; the rest of the document is kept."""

    def __init__(self, stage: str, message: str, page_no: int | None = None) -> None:
        where = f" (page {page_no})" if page_no else ""
        super().__init__(f"{stage}{where}: {message}")
        self.stage = stage
        self.page_no = page_no
        self.message = message


class ConfigError(ExtractError):
    """A bad option value given by the user."""

    exit_code = ExitCode.USAGE


class DependencyError(ExtractError):
    """An optional engine (OCR, Ray) is not installed."""

    exit_code = ExitCode.MISSING_DEPENDENCY
