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

import importlib.util
import shutil
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from extract.errors import ConfigError, DependencyError
from extract.options import DEFAULT_ENGINE  # the engine used when the user names none

#: (x0, top, x1, bottom) in pixels of the image given to the engine.
Box = tuple[float, float, float, float]
#: One detected text line: box, text, confidence in [0, 1].
LineResult = tuple[Box, str, float]
#: One recognised crop: text, confidence in [0, 1].
CropResult = tuple[str, float]



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


#: The models the rapidocr wheel ships (``rapidocr/models/``); never downloaded.
DET_MODEL_NAME = "PP-OCRv6_det_small.onnx"
REC_MODEL_NAME = "PP-OCRv6_rec_small.onnx"


def check_engine(name: str) -> None:
    """Before any worker starts: :class:`ConfigError` for an unknown engine, :class:`DependencyError`
    when its package, models or binary are missing. Cheap (nothing imported or loaded), so the batch
    parent can afford it on every run.
    """
    _register_builtin()
    if name not in _FACTORIES:
        raise ConfigError(f"unknown OCR engine {name!r}; choose one of {', '.join(sorted(_FACTORIES))}")
    check = {"rapidocr": _check_rapid, "tesseract": _check_tesseract}.get(name)
    if check is not None:
        check()


def _check_rapid() -> None:
    missing = [pkg for pkg in ("rapidocr", "onnxruntime") if importlib.util.find_spec(pkg) is None]
    if missing:
        raise DependencyError(f"OCR engine 'rapidocr' needs the {' and '.join(missing)} package(s): "
                              "pip install rapidocr onnxruntime")
    spec = importlib.util.find_spec("rapidocr")
    locations = (spec.submodule_search_locations if spec else None) or []
    models = Path(next(iter(locations), "")) / "models"
    absent = [m for m in (DET_MODEL_NAME, REC_MODEL_NAME) if not (models / m).is_file()]
    if absent:
        raise DependencyError(f"the rapidocr wheel lacks its bundled models {absent} in {models}; "
                              "reinstall rapidocr 3.x (models are never downloaded at run time)")


def _check_tesseract() -> None:
    if importlib.util.find_spec("pytesseract") is None:
        raise DependencyError("OCR engine 'tesseract' needs the pytesseract package")
    binary = shutil.which("tesseract")
    if binary is None:
        raise DependencyError("OCR engine 'tesseract' needs the tesseract binary "
                              "(apt install tesseract-ocr tesseract-ocr-chi-sim)")
    langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    if "chi_sim" not in langs:
        raise DependencyError("tesseract lacks Chinese data (apt install tesseract-ocr-chi-sim)")


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
