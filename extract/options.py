"""Run options: what a run extracts, in one object, with every default written once.

Reads nothing; used by the CLI (its defaults and choices), the notebook API (its
keyword names), the batch (cache key, engine preflight) and the stages. One
frozen, picklable :class:`Options` travels to each worker; it nests the
:class:`OcrOptions`, the only part the OCR stage sees. How a batch is run (jobs,
time and memory limits, formats) is :class:`extract.api.BatchConfig`: it never
reaches a worker or the cache key, so it stays beside the batch.

This module imports nothing heavy (no numpy, no OpenCV), so the CLI can read its
defaults before any worker starts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

#: ``--ocr`` values: OCR only pages that need it (image-only, garbled, mojibake), every page, or none.
OCR_MODES = ("auto", "always", "never")
#: ``--ocr-engine`` values offered to users (the registry also holds ``null``, a fake for tests).
OCR_ENGINES = ("rapidocr", "tesseract")
#: The engine used when the user names none; chosen by ``bench/ocr_bench.py``.
DEFAULT_ENGINE = "rapidocr"
#: Render resolution for OCR: 200 dpi reads 6 pt digits; more costs time and memory quadratically.
DEFAULT_DPI = 200
#: Documents longer than this many pages are cut, with an issue.
DEFAULT_MAX_PAGES = 5000


@dataclass(frozen=True)
class OcrOptions:
    """Whether and how pages are OCR'd; the defaults are the measured ones."""

    mode: str = "auto"  # one of OCR_MODES
    engine: str = DEFAULT_ENGINE
    dpi: int = DEFAULT_DPI
    deskew: bool = True
    orient: bool = True  # turn sideways and upside-down scans upright
    #: Grey level above which a cell crop's light ink (watermark) is whitened;
    #: None: :data:`extract.ocr.image.HARD_THRESHOLD`, the measured one.
    hard_threshold: int | None = None
    fix_numbers: bool = True
    #: Outside grids, find lines by projection ("projection") or with the engine's
    #: detector ("engine"); projection falls back to the detector when unsure.
    line_finder: str = "projection"


@dataclass(frozen=True)
class Options:
    """What the user chose for a run (picklable: sent to worker processes)."""

    ocr: OcrOptions = field(default_factory=OcrOptions)
    fail_fast: bool = False
    max_pages: int = DEFAULT_MAX_PAGES
    #: (page, why) of pages not to read: set by the batch when a worker died inside
    #: them, so that a retry keeps the rest of the document. Not in the cache key.
    skip_pages: tuple[tuple[int, str], ...] = ()

    @classmethod
    def from_keywords(cls, **keywords: Any) -> Options:
        """Options from the flat names the CLI and the notebook API use (``ocr="never", dpi=300``).

        An unknown name is a ``TypeError``, as for any Python call.
        """
        unknown = sorted(set(keywords) - set(KEYWORDS))
        if unknown:
            raise TypeError(f"unknown option(s) {', '.join(map(repr, unknown))}; valid: {', '.join(KEYWORDS)}")
        ocr = {KEYWORDS[k].removeprefix("ocr."): v for k, v in keywords.items() if KEYWORDS[k].startswith("ocr.")}
        rest = {k: v for k, v in keywords.items() if not KEYWORDS[k].startswith("ocr.")}
        return cls(ocr=OcrOptions(**ocr), **rest)

    def cache_fields(self) -> dict[str, Any]:
        """The options that change what the pipeline writes: the cache key's input."""
        fields = dataclasses.asdict(self)
        for name in ("fail_fast", "skip_pages"):  # how a run goes, not what it writes
            fields.pop(name)
        return fields


#: The flat option names of ``extract run`` and ``extract.read_pdf`` → the field each sets.
KEYWORDS = {"ocr": "ocr.mode", "ocr_engine": "ocr.engine", "dpi": "ocr.dpi", "fail_fast": "fail_fast",
            "max_pages": "max_pages"}
