"""Image clean-up and geometry for scanned pages: pure functions over numpy arrays.

Reads a rendered page (RGB or grey ``uint8``, pixels); writes a cleaned grey
image, its small rotation, and its ruling lines in pixels. Nothing here knows
about PDF points or OCR engines; :mod:`extract.stages.ocr` converts and wires.

Why each step:
- red seals (公章) and coloured stamps overlap amounts; their strokes are
  saturated, text is not, so saturated pixels are whitened before greyscale;
- the light-grey diagonal watermark (仅供内部审核) is lighter than any text;
  whitening light pixels removes it, but at a *hard* threshold only where the
  content is a table (thin strokes of figures survive, the watermark must go),
  and *gently* elsewhere (narrative text loses its anti-aliasing and reads
  worse when thresholded hard: measured on the issue's sample);
- deskew: ruling detection by morphology needs lines within ~0.5° of level;
- uneven lighting (a lid left open, a phone held at an angle) and grey
  paper: every fixed threshold above assumes white paper. The background is
  estimated (a grey closing larger than any stroke, at quarter scale) and
  divided out, page by page, when it is not already flat and white; after
  that the thresholds mean the same thing on every scan (issue 13: the
  seed document on grey paper with a 25% lighting fall-off lost 59 of 108
  indicator names to the hard threshold). On a flattened page the
  watermark is lifted by keeping only what lies near a dark stroke core
  (:func:`lift_light_layer`), not by a threshold: binarising those pages
  (Otsu) was tried and read worse, the recogniser wants the grey edges.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Pixels darker than this are ink when finding lines and text blobs.
INK = 160
#: A pixel whose channels differ by more than this is coloured (seal, stamp).
SATURATION = 70
#: Table regions: whiten everything lighter than this (watermark, scanner grey).
HARD_THRESHOLD = 170
#: Deskew searches this many degrees either way; larger angles are not "small".
MAX_SKEW = 4.0
#: Minimum ruling lengths in inches. Horizontal: longer than the joined strokes of
#: two bold title glyphs at 22 pt (at 0.4 in the title of corpus file 33 made a
#: "grid"), shorter than a rule under a header spanning two narrow columns.
#: Vertical: longer than a glyph stroke at 14 pt, shorter than a table row.
MIN_H_INCH, MIN_V_INCH = 0.75, 0.2
#: A ruling is at most this thick (inches); thicker dark areas are not lines.
MAX_THICK_INCH = 0.04

Line = tuple[int, int, int, int]  # x0, y0, x1, y1 pixels (inclusive box of the stroke)


#: Below this spread between channels a pixel is grey ink or paper, kept as its luminance;
#: from here to ``SATURATION`` it fades to the lightest channel (JPEG chroma blurs a
#: seal's edge into this band).
SATURATION_SOFT = 30


def drop_colour_ink(image: np.ndarray) -> np.ndarray:
    """Grey image with coloured ink (red seal, blue stamp) lifted off, black ink kept.

    A seal is stamped *over* the print: where it covers a black stroke the
    pixel stays dark in every channel, where it covers paper it is dark in
    some channels only. So a coloured pixel takes the value of its lightest
    channel (what the page looks like through a filter of the ink's colour),
    not white: a black stroke under a red seal stays black, and its
    anti-aliased edge keeps its grey instead of being cut away (whitening
    every saturated pixel thinned strokes under the seal).
    """
    if image.ndim == 2:
        return image
    rgb = np.ascontiguousarray(image[..., :3])
    r, g, b = cv2.split(rgb)
    # cv2's per-pixel max/min: numpy's max(axis=2) over a page takes ~0.15 s each
    top = cv2.max(cv2.max(r, g), b)
    spread = cv2.subtract(top, cv2.min(cv2.min(r, g), b))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    coloured = spread > SATURATION_SOFT
    if not coloured.any():
        return grey
    weight = np.clip((spread[coloured].astype(np.float32) - SATURATION_SOFT) / (SATURATION - SATURATION_SOFT), 0, 1)
    g0 = grey[coloured].astype(np.float32)
    grey[coloured] = (g0 + (top[coloured].astype(np.float32) - g0) * weight).astype(np.uint8)
    return grey


#: Background estimate: a closing this wide (inches) removes every stroke (a bold 22 pt
#: stroke is ~0.03 in) but follows lighting that changes over an inch or more.
BACKGROUND_KERNEL_INCH = 0.12
#: Flatten a page whose lightest paper is darker than this (grey paper, a dark scan) ...
FLAT_PAPER = 238
#: ... or whose background varies by more than this many grey levels (uneven lighting).
FLAT_SPREAD = 12
#: Never divide by a background darker than this share of the page's paper: a large dark
#: area (a filled box, a photo) is content, not shadow, and must stay dark.
MIN_BACKGROUND_SHARE = 0.5


def estimate_background(grey: np.ndarray, dpi: int) -> np.ndarray:
    """The page's paper brightness at every pixel (``uint8``, same shape): strokes closed away, smoothed.

    Computed at quarter scale (a full-size closing of a 200 dpi page costs ~0.2 s; this, ~15 ms) and
    scaled back up; light is smooth, so nothing is lost.
    """
    h, w = grey.shape[:2]
    small = cv2.resize(grey, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = max(3, int(BACKGROUND_KERNEL_INCH * dpi / 4) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.dilate(bg, np.ones((3, 3), np.uint8))  # a speck of text left in the closing is no shadow
    bg = cv2.GaussianBlur(bg, (0, 0), k)
    return cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)


def needs_flattening(background: np.ndarray) -> bool:
    """True when the paper is not already white and even (see FLAT_PAPER, FLAT_SPREAD)."""
    sample = background[::8, ::8]
    lo, hi = np.percentile(sample, [2, 98])
    return bool(lo < FLAT_PAPER or hi - lo > FLAT_SPREAD)


#: A flattened scan's ink: strokes hold pixels darker than this (grey levels, paper = 255);
#: a light watermark (~195 after flattening, ~175 where two overlap) and paper noise do not.
SCAN_CORE = 170
#: Keep this many pixels (at 200 dpi) of grey around each core: the anti-aliased edge of
#: the stroke, which the recogniser needs (cut at a hard threshold, 标 reads 林).
SCAN_EDGE_PX = 2


def lift_light_layer(grey: np.ndarray, dpi: int) -> np.ndarray:
    """A flattened scan with everything that is not near a dark stroke core set to paper white.

    Keeps the greys of real strokes and their edges (dilated cores), drops what is light throughout
    (watermark glyphs, paper noise, a lifted seal's shadow). Unlike a threshold it does not thin
    strokes, and unlike a binarisation it keeps the anti-aliasing the recogniser reads best (measured
    on the grey, colour and 150 dpi profiles: binarised at Otsu, 标 read 杯/林 on half the form labels).
    """
    cores = despeckle((grey < SCAN_CORE).astype(np.uint8), speck_px(dpi) // 2)  # keep the dot of 人.年
    edge = max(1, round(SCAN_EDGE_PX * dpi / 200))
    near = cv2.dilate(cores, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * edge + 1, 2 * edge + 1)))
    return np.where(near > 0, grey, 255).astype(np.uint8)


def speck_px(dpi: int) -> int:
    """Largest blob (pixels) that is scan noise, not a decimal point (~4 px at 200 dpi)."""
    return max(2, round(4 * (dpi / 200) ** 2))


def flatten(grey: np.ndarray, background: np.ndarray) -> np.ndarray:
    """``grey`` divided by its ``background``: paper → white everywhere, ink keeps its contrast to the paper."""
    paper = float(np.percentile(background[::8, ::8], 90))
    floor = max(1.0, MIN_BACKGROUND_SHARE * paper)
    bg = np.maximum(background.astype(np.float32), floor)
    out = grey.astype(np.float32) * (255.0 / bg)
    return np.clip(out, 0, 255).astype(np.uint8)


def is_bilevel(grey: np.ndarray, max_grey_share: float = 0.02) -> bool:
    """True when (almost) all ink is pure black: a 1-bit scan rendered unsmoothed.

    Anti-aliased text, greyscale scans and light watermarks all put a large
    share of their ink pixels between black and white.
    """
    sample = grey[::2, ::2]
    ink = np.count_nonzero(sample < 255)
    grey_px = np.count_nonzero((sample > 0) & (sample < 255))
    return bool(ink > 0 and grey_px <= max_grey_share * ink)


def whiten_light(grey: np.ndarray, threshold: int) -> np.ndarray:
    """Copy of ``grey`` with every pixel at or above ``threshold`` set to white."""
    out = grey.copy()
    out[grey >= threshold] = 255
    return out


def drop_light_strokes(grey: np.ndarray, dark: int = INK) -> np.ndarray:
    """Whiten every connected stroke that has no dark pixel in it (hysteresis).

    Text glyphs have dark cores and light anti-aliased edges; watermark glyphs
    and scanner smudges are light throughout. Keeping whole components that
    reach ``dark`` removes the watermark without thresholding the text's edges,
    which is why this, not a hard threshold, is used on narrative text.
    """
    background = int(np.median(grey[::8, ::8]))
    light = min(235, background - 20)
    mask = (grey < light).astype(np.uint8)
    n, labels = cv2.connectedComponents(mask, connectivity=8)
    cores = despeckle((grey < dark).astype(np.uint8), 4)  # a noise speck on a watermark glyph is no core
    keep = np.zeros(n, bool)
    keep[np.unique(labels[cores > 0])] = True
    keep[0] = False
    out = np.full_like(grey, 255)
    sel = keep[labels]
    out[sel] = grey[sel]
    return out


def despeckle(mask: np.ndarray, max_area: int) -> np.ndarray:
    """Ink mask without components of at most ``max_area`` pixels (scan specks)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] <= max_area
    small[0] = False
    out = mask.copy()
    out[small[labels]] = 0
    return out


def ink_mask(grey: np.ndarray, threshold: int = INK) -> np.ndarray:
    """255 where there is ink; the threshold is lowered for dark scans (Otsu)."""
    otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    t = min(threshold, max(int(otsu), 60))
    return np.where(grey < t, 255, 0).astype(np.uint8)


def rotate(grey: np.ndarray, degrees: float, fill: int = 255) -> np.ndarray:
    """Rotate about the centre by a small angle (counter-clockwise); ``fill`` the corners."""
    if abs(degrees) < 0.05:
        return grey
    h, w = grey.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def turn(grey: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Rotate by a multiple of 90° counter-clockwise (exact, no resampling)."""
    return np.ascontiguousarray(np.rot90(grey, quarter_turns % 4))


def estimate_skew(grey: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The small rotation (degrees) that levels text lines and rulings.

    Maximises the variance of the row-ink profile (sharp line/gap alternation
    when level) on a quarter-size ink mask: 0.5° steps, then 0.1° around the best.
    """
    small = cv2.resize(ink_mask(grey), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    if small.sum() == 0:
        return 0.0

    def score(angle: float) -> float:
        return float(np.var(rotate(small, angle, fill=0).sum(axis=1, dtype=np.float64)))

    coarse = max(np.arange(-max_angle, max_angle + 1e-9, 0.5), key=score)
    fine = max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=score)
    return round(float(fine), 2) if score(fine) > score(0.0) * 1.02 else 0.0


def text_is_vertical(grey: np.ndarray, dpi: int) -> bool:
    """True when the text runs top-to-bottom: a landscape page scanned sideways.

    Smearing ink along the text direction joins a line's glyphs into long thin
    blobs; smearing across it does not (line gaps are wider than glyph gaps).
    Compare the total length of long blobs after a horizontal and a vertical smear.
    """
    mask = cv2.resize(ink_mask(grey), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    mask = np.where(mask > 60, 255, 0).astype(np.uint8)
    mask = _erase_long_lines(mask, int(MIN_H_INCH * dpi / 4))
    k = max(3, int(0.04 * dpi))  # ~ a third of a glyph at 10 pt, quarter scale
    return _run_length(mask, k, vertical=True) > 1.5 * _run_length(mask, k, vertical=False)


def _run_length(mask: np.ndarray, k: int, vertical: bool) -> float:
    kernel = np.ones((k, 1) if vertical else (1, k), np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(mask, kernel), connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    long_side, short_side = (h, w) if vertical else (w, h)
    keep = long_side > 4 * short_side
    return float(long_side[keep].sum())


def _erase_long_lines(mask: np.ndarray, length: int) -> np.ndarray:
    lines = cv2.bitwise_or(cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, length), np.uint8)),
                           cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8)))
    return cv2.subtract(mask, lines)


def detect_rulings(grey: np.ndarray, dpi: int) -> list[Line]:
    """Horizontal and vertical ruling strokes, by morphological opening.

    A gap of a few pixels (a broken scanned line) is closed first; strokes
    shorter than ``MIN_H_INCH`` / ``MIN_V_INCH`` (glyph strokes) and thicker
    than ``MAX_THICK_INCH`` (filled areas) are dropped.
    """
    mask = ink_mask(grey)
    bridge = max(3, dpi // 50)
    max_thick = max(3, int(MAX_THICK_INCH * dpi))
    out: list[Line] = []
    for vertical, length in ((False, int(MIN_H_INCH * dpi)), (True, int(MIN_V_INCH * dpi))):
        along = (lambda n: np.ones((n, 1), np.uint8)) if vertical else (lambda n: np.ones((1, n), np.uint8))
        strokes = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, along(bridge))
        strokes = cv2.morphologyEx(strokes, cv2.MORPH_OPEN, along(length))
        n, _, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
        for x, y, w, h, _area in stats[1:]:
            thick = w if vertical else h
            if thick <= max_thick:
                out.append((int(x), int(y), int(x + w - 1), int(y + h - 1)))
    return drop_lone_verticals(out, reach=bridge + 2)


def drop_lone_verticals(lines: list[Line], reach: int) -> list[Line]:
    """Drop vertical strokes that meet no horizontal one: glyph strokes, not rulings.

    A table's verticals always meet a horizontal rule (its border or a row
    separator); the tall strokes of a bold title do not, and left in they are
    "closed" into a fake grid by the grid stage (corpus file 33, page 1).
    """
    horizontal = [ln for ln in lines if ln[2] - ln[0] >= ln[3] - ln[1]]
    out = list(horizontal)
    for ln in lines:
        if ln[2] - ln[0] >= ln[3] - ln[1]:
            continue
        x0, y0, x1, y1 = ln
        if any(h[0] - reach <= x1 and x0 <= h[2] + reach and y0 - reach <= h[3] and h[1] <= y1 + reach
               for h in horizontal):
            out.append(ln)
    return out


def erase_rulings(grey: np.ndarray, lines: list[Line], pad: int = 2) -> np.ndarray:
    """Copy of ``grey`` with ruling strokes painted white (tesseract reads better)."""
    out = grey.copy()
    for x0, y0, x1, y1 in lines:
        out[max(0, y0 - pad):y1 + pad + 1, max(0, x0 - pad):x1 + pad + 1] = 255
    return out


def ink_bands(ink: np.ndarray, min_gap: int = 2, min_height: int = 4) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the text lines in a boolean ink mask, top to bottom.

    A cell may wrap its text over two or three lines; recognition models read
    one line, so each band of ink rows separated by blank rows is read alone.
    The mask comes despeckled: a page's mask is made once and sliced per cell
    (made per cell, a threshold and a component pass for each of ~100 cells
    cost ~0.3 s a page).
    """
    rows: np.ndarray = np.asarray(ink.any(axis=1))
    bands: list[tuple[int, int]] = []
    y = 0
    h = len(rows)
    while y < h:
        if not rows[y]:
            y += 1
            continue
        start = y
        while y < h and (rows[y] or (y + min_gap < h and rows[y:y + min_gap + 1].any())):
            y += 1
        bands.append((start, y))
    out = []
    for top, bottom in bands:
        cols = np.flatnonzero(ink[top:bottom].any(axis=0))
        if bottom - top >= min_height or cols[-1] - cols[0] >= 2 * min_height:  # keep a dash "-", drop specks
            out.append((int(cols[0]), top, int(cols[-1]) + 1, bottom))
    return out


#: Specks of at most this many pixels are left out when finding blocks and lines of text.
TEXT_SPECK = 4


def text_mask(grey: np.ndarray, threshold: int, speck: int) -> np.ndarray:
    """The ink mask :func:`text_blocks` and :func:`split_lines` read: specks of at most
    ``speck`` pixels (and never less than :data:`TEXT_SPECK`) removed, once for the page
    (a component pass over a whole page costs ~10 ms; each block's own pass added more).
    """
    return despeckle(ink_mask(grey, threshold), max(speck, TEXT_SPECK))


def text_blocks(mask: np.ndarray, dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the blocks of text in an ink mask, padded.

    Detection time grows with the area it looks at, so only these boxes are
    given to the detector, not the whole page (most of a table page's area is
    the table, already read cell by cell). ``mask`` comes despeckled (specks of
    :data:`TEXT_SPECK` pixels or less removed: see :func:`text_mask`).
    """
    kernel = np.ones((max(3, int(0.08 * dpi)), max(3, int(0.3 * dpi))), np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(mask, kernel), connectivity=8)
    h, w = mask.shape[:2]
    pad = int(0.05 * dpi)
    out = []
    for x, y, bw, bh, _area in stats[1:]:
        out.append((max(0, int(x) - pad), max(0, int(y) - pad), min(w, int(x + bw) + pad), min(h, int(y + bh) + pad)))
    return sorted(out, key=lambda b: (b[1], b[0]))


def split_lines(mask: np.ndarray, dpi: int) -> list[tuple[int, int, int, int]] | None:
    """Text-line boxes in a block of plain text by projection; None when unsure.

    On a deskewed page a text block's rows of ink alternate with blank rows, so
    lines fall out of the row profile at almost no cost (the DB detector takes
    ~1 s a page at 1 thread). A line is cut where the gap between glyphs exceeds
    ~1.5 glyph heights (a right-aligned 单位：万元 next to a title). Returns None
    when a band is much taller than the others (lines touching, mixed sizes,
    a figure), so the caller can fall back to the engine's detector. Specks are
    dropped again inside the block: a block's padded box cuts the edge of a
    neighbouring block's glyphs into fragments that would read as "-" or "•".
    """
    bands = ink_bands(despeckle(mask, TEXT_SPECK) > 0, min_gap=1, min_height=max(4, dpi // 40))
    if not bands:
        return []
    heights = sorted(b - t for _, t, _, b in bands)
    median = heights[len(heights) // 2]
    if heights[-1] > 1.8 * median and heights[-1] > dpi * 24 / 72:  # taller than 24 pt text
        return None
    out = []
    for x0, t, x1, b in bands:
        cols = np.flatnonzero(mask[t:b, x0:x1].any(axis=0))
        gap = max(int(1.5 * (b - t)), 4)
        start = prev = cols[0]
        for c in cols[1:]:
            if c - prev > gap:
                out.append((x0 + int(start), t, x0 + int(prev) + 1, b))
                start = c
            prev = c
        out.append((x0 + int(start), t, x0 + int(prev) + 1, b))
    return out
