"""RapidOCR (PP-OCRv6 small, ONNX Runtime) behind the :class:`OcrEngine` interface.

The configuration is pinned to the models shipped inside the ``rapidocr`` 3.x
wheel (``rapidocr/models``): the detection and recognition model paths are
given explicitly, so the library never resolves a model name to a download
URL. Any other model choice makes rapidocr fetch files at run time, which this
project forbids (workers run offline); the wheel's files are checked at start.

Detection runs on a downscaled copy of the page (``det_max_side`` pixels on the
long side): at 200 dpi a body-text line is ~35 px high, still ~15 px after
scaling to 1000 px, which the detector finds as well as at full size for a
fraction of the time (measured: docs/design.md). Crops are then cut from the
full-resolution image, because recognition needs the detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from extract.errors import DependencyError
from extract.ocr.base import DET_MODEL_NAME, REC_MODEL_NAME
from extract.ocr.base import CropResult, LineResult
from extract.vocab.chars import is_ideograph

try:
    import rapidocr
    from rapidocr import RapidOCR
    from rapidocr.ch_ppocr_rec.typings import TextRecInput
except ImportError as exc:  # pragma: no cover - reported by extract.ocr.base
    raise ImportError(str(exc)) from exc

#: The three model files the rapidocr 3.x wheel ships; nothing else is allowed.
MODEL_DIR = Path(rapidocr.__file__).resolve().parent / "models"
DET_MODEL = MODEL_DIR / DET_MODEL_NAME
REC_MODEL = MODEL_DIR / REC_MODEL_NAME
CLS_MODEL = MODEL_DIR / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
#: Long side (pixels) of the image the detector sees; see the module docstring.
DET_MAX_SIDE = 1100
#: Crops recognised per ONNX call. Crops are sorted by width and padded to the
#: widest in the batch, so small batches waste least (the best measured, docs/design.md).
REC_BATCH = 6
#: A batch takes the next crop (sorted by width) only while the widest stays within this
#: factor of the narrowest: the model pays for every padded column (its cost is linear in
#: the batch's width), and fixed batches of six padded ~10% of the columns it read. One
#: wide crop alone costs no more per column than in a batch; narrow ones batch as before.
REC_BATCH_SPREAD = 1.1
#: Height (pixels) of the recogniser's input: every crop is scaled to it.
REC_HEIGHT = 48
#: Narrowest input width of the recogniser (height 48). rapidocr pads every crop
#: to 320 px; a table cell ("0.00") is ~100 px, so 96 cuts recognition time ~40%.
REC_MIN_WIDTH = 96
#: Crops are narrowed to this share of their width before recognition. The
#: recogniser's cost is linear in input width (conv backbone, ~0.1 ms per column
#: at height 48, one thread) and PP-OCR is trained on lines squeezed to a fixed
#: width, so it reads narrowed glyphs as well, for a quarter less time
#: (measured: docs/design.md, "Why the rules are what they are").
REC_SQUEEZE = 0.7
#: ... but only crops longer than this many times their height (a line of prose,
#: ~15 glyphs or more). Short crops are read without context and decide the
#: structure (a squeezed label misreads, and the form loses its fields; see
#: docs/design.md); long lines carry most of the recognition cost anyway.
SQUEEZE_MIN_ASPECT = 12.0
#: Lines read with less confidence than this are dropped (rapidocr's own default).
MIN_LINE_SCORE = 0.5


def pinned_params(threads: int = 1) -> dict[str, object]:
    """The RapidOCR parameters this project runs with: wheel models, no classifier."""
    return {
        "Global.log_level": "warning",
        "Global.use_cls": False,  # page orientation is decided by the image pipeline
        "Global.model_root_dir": str(MODEL_DIR),
        "Det.model_path": str(DET_MODEL),
        "Rec.model_path": str(REC_MODEL),
        "Cls.model_path": str(CLS_MODEL),
        "Rec.rec_batch_num": REC_BATCH,
        "Rec.rec_img_shape": [3, REC_HEIGHT, REC_MIN_WIDTH],
        # the detector must not rescale: limit_type "min" would blow a text strip
        # up to 736 px high; this module does its own downscaling
        "Det.limit_type": "max",
        "Det.limit_side_len": 4096,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }


class RapidEngine:
    """PP-OCRv6 detection + recognition; recognition alone for known crops."""

    name = "rapidocr"

    def __init__(self, threads: int = 1, det_max_side: int = DET_MAX_SIDE, squeeze: float = REC_SQUEEZE) -> None:
        missing = [p.name for p in (DET_MODEL, REC_MODEL) if not p.is_file()]
        if missing:
            raise DependencyError(f"rapidocr wheel lacks its bundled models {missing} in {MODEL_DIR}; "
                                  "reinstall rapidocr 3.x (models are never downloaded at run time)")
        self.det_max_side = det_max_side
        self.squeeze = squeeze
        self._ocr = RapidOCR(params=pinned_params(threads))
        self._det = self._ocr._load_det_model()
        self._rec = self._ocr._load_rec_model()
        self._rec.postprocess_op = _ArgmaxDecode(self._rec.postprocess_op)

    def recognise(self, image: np.ndarray) -> list[LineResult]:
        """Detect lines on a downscaled copy, then read full-resolution crops."""
        boxes = self.detect(image)
        crops = [image[int(t):int(b), int(x0):int(x1)] for x0, t, x1, b in boxes]
        texts = self.recognise_crops(crops)
        return [(box, text, conf) for box, (text, conf) in zip(boxes, texts) if text.strip() and conf >= MIN_LINE_SCORE]

    def detect(self, image: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Axis-aligned text-line boxes (pixels of ``image``), padded by 2 px."""
        h, w = image.shape[:2]
        scale = min(1.0, self.det_max_side / max(h, w))
        small = (cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
                 if scale < 1 else image)
        out = self._det(_bgr(small))
        if out.boxes is None or len(out.boxes) == 0:
            return []
        boxes = []
        for quad in np.asarray(out.boxes, dtype=np.float64) / scale:
            x0, t = quad.min(axis=0) - 2
            x1, b = quad.max(axis=0) + 2
            boxes.append((max(0.0, x0), max(0.0, t), min(float(w), x1), min(float(h), b)))
        return boxes

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[CropResult]:
        """Recognition only, batched; an empty or degenerate crop reads as ('', 0)."""
        idx = [i for i, c in enumerate(crops) if c.size and c.shape[0] >= 4 and c.shape[1] >= 4]
        results: list[CropResult] = [("", 0.0)] * len(crops)
        if not idx:
            return results
        images = [_bgr(squeeze(crops[i], self.squeeze)) for i in idx]
        ratios = [max(REC_MIN_WIDTH / REC_HEIGHT, img.shape[1] / img.shape[0]) for img in images]
        for batch in width_batches(ratios, REC_BATCH, REC_BATCH_SPREAD):
            out = self._rec(TextRecInput(img=[images[j] for j in batch]))
            for j, text, score in zip(batch, out.txts or (), out.scores):
                results[idx[j]] = (str(text), float(score))
        return results


def width_batches(ratios: Sequence[float], size: int, spread: float) -> list[list[int]]:
    """Indices of ``ratios`` (crop width / height) in batches of at most ``size``, narrowest first,
    each batch's widest at most ``spread`` times its narrowest (see :data:`REC_BATCH_SPREAD`).
    """
    batches: list[list[int]] = []
    for j in sorted(range(len(ratios)), key=ratios.__getitem__):
        if batches and len(batches[-1]) < size and ratios[j] <= spread * ratios[batches[-1][0]]:
            batches[-1].append(j)
        else:
            batches.append([j])
    return batches


class _ArgmaxDecode:
    """rapidocr's CTC decoding with one pass over the class axis instead of two,
    and a dot between two ideographs read as the Chinese mark the model ranks best.

    rapidocr takes ``argmax`` and then ``max`` of the (batch, steps, 18710)
    output, ~5% of recognition time; the max is read at the argmax instead.
    The decoding itself (repeats merged, blanks dropped, mean score) is rapidocr's.

    On a bilevel scan the comma and the enumeration comma lose their tails and
    the recogniser's first choice becomes "." — which cannot stand between two
    ideographs (no digit for a decimal point, no Latin sentence to end). Its own
    second choice there is almost always right (，0.43 beside .0.44), so
    the step is re-read among the marks Chinese prose puts between characters.
    """

    #: Read for a mark between two ideographs; never right there.
    DOTS = ".·．"
    #: What such a step may be instead.
    MARKS = "，、。；："
    #: Besides ideographs, what may stand before / after such a mark.
    CLOSERS, OPENERS = "）)》”】", "（(《“【"

    def __init__(self, op) -> None:
        self.op = op
        chars = list(op.character)
        self.dot_ids = np.array([chars.index(c) for c in self.DOTS if c in chars])
        self.mark_ids = np.array([chars.index(c) for c in self.MARKS if c in chars])
        ideograph = np.array([len(c) == 1 and is_ideograph(c) for c in chars])
        self.before = ideograph | np.isin(chars, list(self.CLOSERS))
        self.after = ideograph | np.isin(chars, list(self.OPENERS))
        self.slash = np.isin(chars, ["/", "／"])

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **kwargs):
        idx = preds.argmax(axis=2)
        if len(self.dot_ids) and len(self.mark_ids):
            for row in np.flatnonzero(np.isin(idx, self.dot_ids).any(axis=1)):
                self._marks_between_ideographs(preds[row], idx[row])
        prob = np.take_along_axis(preds, idx[..., None], axis=2)[..., 0]
        return self.op.decode(idx, prob, return_word_box, kwargs.get("wh_ratio_list", (1.0,)),
                              kwargs.get("max_wh_ratio", 1.0), remove_duplicate=True)

    def _marks_between_ideographs(self, preds: np.ndarray, idx: np.ndarray) -> None:
        """Re-read, in place, each dot between two ideographs (or a bracket and an ideograph).

        Not in a unit after a slash: 元/人.年 is a product of units, printed so.
        """
        runs = _runs(idx)
        for k in range(1, len(runs) - 1):
            start, end, cls = runs[k]
            if cls not in self.dot_ids or not (self.before[runs[k - 1][2]] and self.after[runs[k + 1][2]]):
                continue
            if k >= 2 and self.slash[runs[k - 2][2]]:
                continue
            idx[start:end] = self.mark_ids[preds[start:end, self.mark_ids].sum(axis=0).argmax()]


def _runs(idx: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, end, class) of each emitted CTC token: repeats merged, blanks (0) dropped."""
    runs: list[tuple[int, int, int]] = []
    prev = 0
    for t, c in enumerate(idx.tolist()):
        if c != 0 and c == prev and runs:
            runs[-1] = (runs[-1][0], t + 1, c)
        elif c != 0:
            runs.append((t, t + 1, c))
        prev = c
    return runs


def squeeze(crop: np.ndarray, factor: float) -> np.ndarray:
    """A long ``crop`` narrowed to ``factor`` of its width (area interpolation keeps thin strokes)."""
    if factor >= 1.0 or crop.shape[1] < SQUEEZE_MIN_ASPECT * crop.shape[0]:
        return crop
    w = max(4, round(crop.shape[1] * factor))
    return cv2.resize(crop, (w, crop.shape[0]), interpolation=cv2.INTER_AREA)


def _bgr(grey: np.ndarray) -> np.ndarray:
    """The models take 3-channel images."""
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR) if grey.ndim == 2 else grey
