"""Tesseract (Debian ``tesseract-ocr`` + ``chi_sim`` fast LSTM data) via pytesseract.

Tesseract reads almost no number of a table cell that still carries its ruling
lines (docs/design.md has the measurement), so crops given to this engine are
expected to be cleaned by the image pipeline (it erases rulings in cells).
``OMP_THREAD_LIMIT=1`` stops tesseract's OpenMP from oversubscribing the worker's
core. To avoid one process start per cell (~0.1 s each), crops are stacked
into one tall image with white gaps and read in one call; each recognised word
goes back to the crop whose band holds its centre.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence

import numpy as np

from extract.errors import DependencyError
from extract.ocr.base import Box, CropResult, LineResult
from extract.vocab.chars import CJK_TEXT

import pytesseract  # an ImportError here is reported by extract.ocr.base

LANG = "chi_sim+eng"
#: White gap (pixels) between stacked crops; keeps psm 6 from merging lines.
GAP = 24
#: A space next to a Chinese character or full-width mark is tesseract's, not the text's.
_CJK_SPACE = re.compile(rf"(?<=[{CJK_TEXT}]) +| +(?=[{CJK_TEXT}])")


class TesseractEngine:
    """Tesseract LSTM, one process call per page or per batch of crops."""

    name = "tesseract"

    def __init__(self, threads: int = 1) -> None:
        if shutil.which("tesseract") is None:
            raise DependencyError("OCR engine 'tesseract' needs the tesseract binary "
                                  "(apt install tesseract-ocr tesseract-ocr-chi-sim)")
        langs = set(pytesseract.get_languages(config=""))
        if "chi_sim" not in langs:
            raise DependencyError("tesseract lacks Chinese data (apt install tesseract-ocr-chi-sim)")
        os.environ["OMP_THREAD_LIMIT"] = str(max(1, threads))

    def recognise(self, image: np.ndarray) -> list[LineResult]:
        """Psm 6 over the whole image; words regrouped into lines."""
        return [(box, text, conf) for box, text, conf in self._lines(image) if text]

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[CropResult]:
        """Stack the crops, read once, and give each crop the text in its band."""
        if not crops:
            return []
        width = max(c.shape[1] for c in crops) + 2 * GAP
        bands: list[tuple[int, int]] = []
        y = GAP
        for c in crops:
            bands.append((y, y + c.shape[0]))
            y += c.shape[0] + GAP
        sheet = np.full((y, width), 255, np.uint8)
        for c, (t, b) in zip(crops, bands):
            sheet[t:b, GAP:GAP + c.shape[1]] = c
        texts: list[list[tuple[float, str, float]]] = [[] for _ in crops]
        for (x0, top, _x1, bottom), text, conf in self._lines(sheet):
            yc = (top + bottom) / 2
            for i, (t, b) in enumerate(bands):
                if t - GAP / 2 <= yc < b + GAP / 2:
                    texts[i].append((x0, text, conf))
                    break
        out: list[CropResult] = []
        for parts in texts:
            parts.sort()
            text = _tidy("".join(p[1] for p in parts))
            out.append((text, min((p[2] for p in parts), default=0.0)))
        return out

    def _lines(self, image: np.ndarray) -> list[LineResult]:
        data = pytesseract.image_to_data(image, lang=LANG, config="--psm 6", output_type=pytesseract.Output.DICT)
        lines: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if word.strip() and float(data["conf"][i]) >= 0:
                lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
        out: list[LineResult] = []
        for idx in lines.values():
            x0 = min(data["left"][i] for i in idx)
            top = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            bottom = max(data["top"][i] + data["height"][i] for i in idx)
            text = _tidy(" ".join(data["text"][i] for i in idx))
            conf = min(float(data["conf"][i]) for i in idx) / 100
            box: Box = (float(x0), float(top), float(x1), float(bottom))
            out.append((box, text, conf))
        return out


def _tidy(text: str) -> str:
    """Tesseract puts a space between every Chinese character; Chinese has none."""
    return _CJK_SPACE.sub("", text.strip())
