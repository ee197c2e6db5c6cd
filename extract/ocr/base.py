"""The OCR engine interface, the engine registry and the null engine.

An engine sees images only (greyscale ``uint8`` arrays, pixels); the image
pipeline (:mod:`extract.stages.ocr`) owns rendering, clean-up, geometry and the
conversion to PDF points. Two calls, because the fast path differs from the
general one: ``recognise`` detects and reads text lines anywhere on an image
(narrative text, pages without a grid); ``recognise_crops`` reads a batch of
single-line crops whose boxes are already known (table cells), skipping
detection, which is ~70% of whole-page OCR time at 200 dpi.

Engines are created lazily by short name so that a missing optional dependency
is reported as :class:`extract.errors.DependencyError` (exit code 4) only when
that engine is asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from extract.errors import ConfigError, DependencyError

#: (x0, top, x1, bottom) in pixels of the image given to the engine.
Box = tuple[float, float, float, float]
#: One detected text line: box, text, confidence in [0, 1].
LineResult = tuple[Box, str, float]
#: One recognised crop: text, confidence in [0, 1].
CropResult = tuple[str, float]

#: The engine used when the user names none; chosen by ``bench/ocr_bench.py``.
DEFAULT_ENGINE = "rapidocr"


@runtime_checkable
class OcrEngine(Protocol):
    """What the image pipeline needs from an OCR engine."""

    name: str

    def recognise(self, image: np.ndarray) -> list[LineResult]:
        """Detect and read every text line on a greyscale image."""
        ...

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[CropResult]:
        """Read a batch of single-line greyscale crops; one result per crop, in order."""
        ...


class NullEngine:
    """A fake engine: reads nothing, or what a test scripted; can be told to fail.

    Used by CPU-only tests and to exercise failure paths (an engine crash must
    become an issue on the page, not a traceback).
    """

    name = "null"

    def __init__(self, lines: Sequence[LineResult] = (), crop_text: Callable[[np.ndarray], CropResult] | None = None,
                 fail: Exception | None = None) -> None:
        self.lines = list(lines)
        self.crop_text = crop_text
        self.fail = fail
        self.calls: list[tuple[str, int]] = []  # (method, n images) for assertions

    def recognise(self, image: np.ndarray) -> list[LineResult]:
        self.calls.append(("recognise", 1))
        if self.fail is not None:
            raise self.fail
        return list(self.lines)

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[CropResult]:
        self.calls.append(("recognise_crops", len(crops)))
        if self.fail is not None:
            raise self.fail
        if self.crop_text is None:
            return [("", 0.0) for _ in crops]
        return [self.crop_text(c) for c in crops]


_FACTORIES: dict[str, Callable[..., OcrEngine]] = {}
_CACHE: dict[tuple[str, int], OcrEngine] = {}
_LOCK = threading.Lock()


def register_engine(name: str, factory: Callable[..., OcrEngine]) -> None:
    """Register an engine factory under a short name (``--ocr-engine`` value)."""
    _FACTORIES[name] = factory


def available_engines() -> list[str]:
    """Short names of every registered engine (installed or not)."""
    _register_builtin()
    return sorted(_FACTORIES)


def get_engine(name: str = DEFAULT_ENGINE, threads: int = 1) -> OcrEngine:
    """The engine called ``name``, created once per process and thread count.

    Models load once per worker (RapidOCR: ~0.3 s and ~250 MB), so engines are
    cached. Raises ConfigError for an unknown name and DependencyError when the
    engine's package or binary is missing.
    """
    _register_builtin()
    if name not in _FACTORIES:
        raise ConfigError(f"unknown OCR engine {name!r}; choose one of {', '.join(sorted(_FACTORIES))}")
    key = (name, threads)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _FACTORIES[name](threads=threads)
        return _CACHE[key]


def _register_builtin() -> None:
    """Register the built-in engines; their modules import heavy packages lazily."""
    if "null" in _FACTORIES:
        return
    register_engine("null", lambda threads=1: NullEngine())
    register_engine("rapidocr", _make_rapid)
    register_engine("tesseract", _make_tesseract)


def _make_rapid(threads: int = 1) -> OcrEngine:
    try:
        from extract.ocr.rapid import RapidEngine
    except ImportError as exc:  # rapidocr or onnxruntime not installed
        raise DependencyError(f"OCR engine 'rapidocr' needs the rapidocr and onnxruntime packages: {exc}") from exc
    return RapidEngine(threads=threads)


def _make_tesseract(threads: int = 1) -> OcrEngine:
    try:
        from extract.ocr.tesseract import TesseractEngine
    except ImportError as exc:
        raise DependencyError(f"OCR engine 'tesseract' needs the pytesseract package: {exc}") from exc
    return TesseractEngine(threads=threads)
