"""OCR engines behind one small interface (see :mod:`extract.ocr.base`).

``get_engine("rapidocr")`` returns a ready engine; the image pipeline that turns
a rendered page into a :class:`extract.model.Page` lives in
:mod:`extract.stages.ocr`.
"""

from extract.ocr.base import (
    DEFAULT_ENGINE,
    Box,
    CropResult,
    LineResult,
    NullEngine,
    OcrEngine,
    available_engines,
    check_engine,
    get_engine,
    register_engine,
)

__all__ = [
    "DEFAULT_ENGINE",
    "Box",
    "CropResult",
    "LineResult",
    "NullEngine",
    "OcrEngine",
    "available_engines",
    "check_engine",
    "get_engine",
    "register_engine",
]
