"""OCR: a page image → the same :class:`Page` the text-layer reader makes.

Reads a ``pypdfium2`` page (or an already rendered image); writes a Page with
``method="ocr"``, words carrying OCR confidence, and ruling lines found in the
image, so the grid, table and form stages read scans exactly as text pages.

The flow (each step a small function; image operations in
:mod:`extract.ocr.image`):

1. render at ``dpi`` (200 by default) in colour, lift seal/stamp colours off (black
   under them kept), grey; a page whose paper is not white and even (grey paper,
   uneven lighting) has its background divided out and its light layer
   (watermark, noise) lifted, keeping the grey edges of strokes;
2. orient: quarter turn when the text runs vertically; deskew small angles;
   a page that reads badly is read again upside down and the better kept;
3. find ruling lines by morphology and, from them, the grids (the grid stage's
   own :func:`find_grids`, so both paths agree on what a cell is);
4. fast path: every non-empty cell is cut out (hard threshold: watermark gone,
   rulings erased), split into text lines, and all crops are read in one
   batched recognition-only call; no text detection inside grids;
5. outside the grids: text detection + recognition on the gently thresholded
   image, limited to the box that still holds ink;
6. amounts: :func:`extract.ocr.numbers.fix_amount` on every word.

Coordinates: pixels × 72 / dpi = PDF points, origin top-left, in the frame of
the page *as oriented* (a sideways scan becomes a landscape Page).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pypdfium2 as pdfium

from extract.errors import StageError
from extract.model import Page, PageFacts, PageKind, Ruling, Word
from extract.options import DEFAULT_DPI, OcrOptions
from extract.ocr import image as im
from extract.ocr.base import OcrEngine, get_engine
from extract.ocr.numbers import fix_amount, fix_enumerator, fix_script
from extract.stages.grid import find_grids
from extract.vocab.chars import is_ideograph

log = logging.getLogger(__name__)

#: Longest side of a page image sent to OCR, in pixels: an A0 poster at 200 dpi is
#: 9,400 px; a page past this is not a scan anyone made, and would take gigabytes.
MAX_RENDER_SIDE_PX = 20_000
#: Lengthen each detected ruling by this much (points) at both ends: scanned
#: lines stop a pixel or two short of the line they meet, and the grid finder
#: joins lines only within 1 pt. More than ~2 pt and the grid stage takes the
#: overshooting verticals for an open table and draws an extra closing row.
RULING_REACH = 1.5
#: Lines cut by projection and read with less confidence than this are noise.
MIN_CONF = 0.5
#: A page read with a lower mean confidence than this is also read upside down.
RETRY_CONF = 0.8


@dataclass(slots=True)
class OcrTrace:
    """What the image pipeline decided for one page (for ``inspect`` and the bench)."""

    quarter_turns: int = 0
    skew: float = 0.0
    n_grids: int = 0
    n_cell_crops: int = 0
    n_det_lines: int = 0
    n_line_crops: int = 0
    #: The page was printed in black and white only (a 1-bit scan): it has no
    #: light watermark ink, and every grey pixel is a resampling edge.
    bilevel: bool = False
    #: The background (grey paper, uneven lighting) was divided out (:func:`im.flatten`).
    flattened: bool = False
    #: Whole-page reads (cells and text): 1, or 2 when the page was read again upside down.
    reads: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No light ink left to drop: a 1-bit page, or a flattened one whose light layer was lifted.

        Its crops are cut from the page as it is (no threshold, no ink mask: they would cut the
        grey edges of thin strokes), with the 1-bit page's wide margins (:func:`_pad`): with a
        quarter-height margin the flattened profiles read as well (prose 99.0–99.5% of characters
        either way) at 0.32–0.37 pages per CPU second instead of 0.42–0.50.
        """
        return self.bilevel or self.flattened


def needs_ocr(page: Page) -> bool:
    """True for pages routed to OCR: scans, and text layers that lie.

    Besides ``read.classify``'s verdict, a TEXT page is sent to OCR when its
    text is mojibake (see :func:`implausible_share`).
    """
    if page.kind in (PageKind.IMAGE, PageKind.GARBLED):
        return True
    if page.kind == PageKind.TEXT and page.method == "text":
        return implausible_share("".join(w.text for w in page.words)) > IMPLAUSIBLE_SHARE
    return False


#: A Chinese text layer where more than this share of the ideographs fall outside
#: GB2312 level 1 (the 3,755 common characters) is mojibake: budget prose is
#: >95% level 1, UTF-8 read as GBK (预算 → 棰勭畻) is <10%.
IMPLAUSIBLE_SHARE = 0.5


def implausible_share(text: str) -> float:
    """Share of suspicious characters: rare ideographs and Latin-1 letters (Ô¤Ëã).

    Needs at least 20 such characters to judge; returns 0.0 below that.
    """
    cjk = [c for c in text if is_ideograph(c)]
    latin1 = sum(1 for c in text if "\u00c0" <= c <= "\u00ff")
    if len(cjk) + latin1 < 20:
        return 0.0
    rare = sum(1 for c in cjk if not _is_common(c))
    return (rare + latin1) / (len(cjk) + latin1)


def _is_common(ch: str) -> bool:
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return 0xB0 <= b[0] <= 0xD7


def ocr_page(pdf_page: pdfium.PdfPage, page: Page | None, engine: OcrEngine | None = None,
             options: OcrOptions | None = None, page_no: int | None = None) -> Page:
    """OCR one PDF page into a Page; ``page`` (the text-layer read) lends kind and facts.

    ``engine`` None: the one ``options.engine`` names.
    """
    options = options or OcrOptions()
    engine = engine if engine is not None else get_engine(options.engine)
    no = page.page_no if page is not None else (page_no or 1)
    check_render_size(pdf_page, options.dpi, no)
    try:
        rgb = render_page(pdf_page, options.dpi)
    except Exception as exc:  # pdfium raises plain errors on broken page content
        raise StageError("ocr", f"cannot render page: {exc or type(exc).__name__}", no) from exc
    result, trace = ocr_image(rgb, no, engine, options)
    log.debug("page %d: %s", no, trace)
    if page is not None:
        result.kind, result.facts = page.kind, page.facts
        result.facts.rotation = (result.facts.rotation + 90 * trace.quarter_turns) % 360
    return result


#: An image object covering at least this share of a text page is OCR'd as a region.
REGION_MIN_COVER = 0.05
#: ... and at least this many points on each side (logos and signatures are smaller).
REGION_MIN_SIDE = 72.0
#: A region already holding this many text-layer words is a background, not a picture of text.
REGION_MAX_WORDS = 3


def image_regions(pdf_page: pdfium.PdfPage, page: Page) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom; points, top-left origin) of large images holding no text-layer words.

    Only unrotated pages (/Rotate 0): the region is cut from the rendered page in
    the same frame as the text layer's words.
    """
    import pypdfium2.raw as pdfium_c

    if pdf_page.get_rotation() % 360:
        return []
    width, height = pdf_page.get_size()
    out = []
    for obj in pdf_page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        x0, x1 = max(0.0, left), min(width, right)
        t, b = max(0.0, height - top), min(height, height - bottom)
        small = (x1 - x0) * (b - t) < REGION_MIN_COVER * width * height
        if x1 - x0 < REGION_MIN_SIDE or b - t < REGION_MIN_SIDE or small:
            continue
        inside = sum(1 for w in page.words if x0 <= w.xc <= x1 and t <= (w.top + w.bottom) / 2 <= b)
        if inside < REGION_MAX_WORDS:
            out.append((x0, t, x1, b))
    return out


def ocr_regions(pdf_page: pdfium.PdfPage, page: Page, engine: OcrEngine | None = None,
                options: OcrOptions | None = None) -> list[tuple[float, float, float, float]]:
    """OCR the large images of a text page (a table pasted as a picture) into ``page``.

    Only an image holding a ruled table is read (its rulings make a grid): covers,
    charts and photos are left alone, so their captions never join the page text.
    Each region is rendered alone at ``options.dpi``, read by the same path as a
    scanned page (rulings → grids → cell crops; detection elsewhere; no turning:
    the region is upright with its page), and its words and rulings are shifted
    into page coordinates and added to ``page``. Returns the regions read, so the
    caller can mark grids inside them as OCR'd. A region that fails to render or
    read becomes nothing (the page keeps its text layer). ``engine`` None: the one
    ``options.engine`` names, loaded only when the page has a region to read.
    """
    regions = image_regions(pdf_page, page)
    if not regions:
        return []
    options = replace(options or OcrOptions(), orient=False)  # a region is upright with its page
    engine = engine if engine is not None else get_engine(options.engine)
    width, height = pdf_page.get_size()
    done = []
    for x0, t, x1, b in regions:
        if max(x1 - x0, b - t) * options.dpi / 72 > MAX_RENDER_SIDE_PX:
            log.warning("page %d: image region %.0f×%.0f pt over the render cap, not OCR'd", page.page_no,
                        x1 - x0, b - t)
            continue
        try:
            bitmap = pdf_page.render(scale=options.dpi / 72, crop=(x0, height - b, width - x1, t), rev_byteorder=True)
            arr = bitmap.to_numpy()
            rgb = np.ascontiguousarray(arr[..., :3]) if arr.ndim == 3 else arr
            if not _has_grid(rgb, options):
                continue  # a photo, a chart, a cover picture: not a table, left alone
            region, _ = ocr_image(rgb, page.page_no, engine, options)
        except Exception as exc:  # noqa: BLE001 - the page keeps its text layer
            log.warning("page %d: image region not OCR'd: %s", page.page_no, exc)
            continue
        for w in region.words:
            w.x0, w.x1, w.top, w.bottom = w.x0 + x0, w.x1 + x0, w.top + t, w.bottom + t
        for r in region.rulings:
            r.x0, r.x1, r.top, r.bottom = r.x0 + x0, r.x1 + x0, r.top + t, r.bottom + t
        page.words = sorted(page.words + region.words, key=lambda wd: (round(wd.top), wd.x0))
        page.rulings = page.rulings + region.rulings
        done.append((x0, t, x1, b))
    return done


def _has_grid(rgb: np.ndarray, options: OcrOptions) -> bool:
    """Whether the rulings in an image make at least one grid (no recognition run)."""
    grey = prepare_image(rgb, options, OcrTrace())
    scale = 72 / options.dpi
    h, w = grey.shape[:2]
    probe = Page(page_no=0, width=w * scale, height=h * scale, kind=PageKind.IMAGE, method="ocr",
                 rulings=[_to_ruling(line, scale) for line in im.detect_rulings(grey, options.dpi)])
    return bool(find_grids(probe))


def in_regions(box: tuple[float, float, float, float], regions: list[tuple[float, float, float, float]]) -> bool:
    """True when the centre of ``box`` (x0, top, x1, bottom) lies in one of ``regions``."""
    xc, yc = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(x0 <= xc <= x1 and t <= yc <= b for x0, t, x1, b in regions)


def check_render_size(pdf_page: pdfium.PdfPage, dpi: int, page_no: int) -> None:
    """Refuse to render a page whose image would pass :data:`MAX_RENDER_SIDE_PX` (a 14 m page at 200 dpi
    is a 110,000 px square: tens of GB) with a reason that says so.
    """
    width, height = pdf_page.get_size()
    side = max(width, height) * dpi / 72
    if side > MAX_RENDER_SIDE_PX:
        raise StageError("ocr", f"the page is {width:.0f}×{height:.0f} pt, {side:,.0f} px a side at {dpi} dpi: "
                                f"over the {MAX_RENDER_SIDE_PX:,} px render cap, not OCR'd", page_no)


#: Resolution (dpi) of the small render that tells a 1-bit scan from a grey one (~1-7 ms a
#: page, against 10-30 ms for a second full render).
PROBE_DPI = 50


def render_page(pdf_page: pdfium.PdfPage, dpi: int = DEFAULT_DPI) -> np.ndarray:
    """The page as an RGB ``uint8`` array at ``dpi``, /Rotate applied.

    A 1-bit scan is resampled without smoothing, so it stays black and white:
    :func:`prepare_image` can tell it is one, and its thin strokes (the two
    angles of 《, the tail of 、) keep full ink instead of turning into light grey
    that the watermark threshold would whiten. Anything else is rendered smoothed:
    unsmoothed, a greyscale scan downsampled to ``dpi`` aliases. Measurements:
    docs/design.md, "Why the rules are what they are". Which it is, is measured on
    an unsmoothed render at :data:`PROBE_DPI` (sampled, a 1-bit image stays black and
    white at any scale; a grey one does not), so the page is rendered in full once.
    """
    probe = _render(pdf_page, min(dpi, PROBE_DPI), smooth=False)
    return _render(pdf_page, dpi, smooth=not im.is_bilevel(im.drop_colour_ink(probe)))


def _render(pdf_page: pdfium.PdfPage, dpi: int, smooth: bool) -> np.ndarray:
    bitmap = pdf_page.render(scale=dpi / 72, rev_byteorder=True, no_smoothimage=not smooth)
    arr = bitmap.to_numpy()
    return np.ascontiguousarray(arr[..., :3]) if arr.ndim == 3 else arr


def ocr_image(image: np.ndarray, page_no: int, engine: OcrEngine,
              options: OcrOptions | None = None) -> tuple[Page, OcrTrace]:
    """OCR a rendered page image (RGB or grey, at ``options.dpi``) into a Page."""
    options = options or OcrOptions()
    trace = OcrTrace()
    try:
        grey = prepare_image(image, options, trace)
        return read_upright(grey, page_no, engine, options, trace), trace
    except StageError:
        raise
    except Exception as exc:  # an engine crash becomes a page issue, not a traceback
        raise StageError("ocr", f"{engine.name} failed: {exc}", page_no) from exc


def prepare_image(image: np.ndarray, options: OcrOptions, trace: OcrTrace) -> np.ndarray:
    """Colour ink dropped, background flattened, sideways text turned upright, small skew removed.

    Each step is decided by measuring this page, never by where it came from:
    a bilevel page has no background to flatten; a page whose paper is white
    and even is left as it is (:func:`im.needs_flattening`).
    """
    grey = im.drop_colour_ink(image)
    trace.bilevel = im.is_bilevel(grey)
    if not trace.bilevel:
        background = im.estimate_background(grey, options.dpi)
        if im.needs_flattening(background):
            grey = im.flatten(grey, background)
            trace.flattened = True
            # now clean paper: lift the light layer (watermark, noise) and read the page as the
            # path reads a 1-bit scan (no further thresholds; crops keep their grey edges)
            grey = im.lift_light_layer(grey, options.dpi)
    if options.orient and im.text_is_vertical(grey, options.dpi):
        grey = im.turn(grey, 1)
        trace.quarter_turns = 1
    if options.deskew:
        trace.skew = im.estimate_skew(grey)
        grey = im.rotate(grey, trace.skew)
    return grey


def read_upright(grey: np.ndarray, page_no: int, engine: OcrEngine, options: OcrOptions, trace: OcrTrace) -> Page:
    """Read the page the right way up, reading it whole once where that can be decided cheaply.

    A page turned a quarter (its text ran vertically) is upright or upside down, as likely as
    not: sample lines read both ways decide, for ~0.2 s instead of a second whole read (~2 s).
    Any other page is upside down only rarely, so it is read as it is; when it reads badly (mean
    confidence under :data:`RETRY_CONF`: a table of contents' dot leaders, a faint scan) its sample
    lines are read both ways, and only a page they do not show to be upright is read again upside
    down, the better read kept. Works for any engine: confidence drops on inverted glyphs for all of them.
    """
    if options.orient and trace.quarter_turns % 2:
        flip = reads_better_flipped(grey, engine, options, trace)
        if flip is not None:
            if flip:
                grey = im.turn(grey, 2)
                trace.quarter_turns += 2
            return _read_prepared(grey, page_no, engine, options, trace)
    page = _read_prepared(grey, page_no, engine, options, trace)
    if not options.orient or not page.words or mean_conf(page.words) >= RETRY_CONF:
        return page
    if reads_better_flipped(grey, engine, options, trace) is False:
        return page  # it reads badly, but worse upside down: a table of contents, a faint scan
    # the page's measurements travel with it: a fresh trace read a flipped 1-bit or flattened page
    # as a grey one (thresholded again, cut by the ink mask), losing 、 and 《 (skew_rot90 profile)
    flipped_trace = OcrTrace(bilevel=trace.bilevel, flattened=trace.flattened, reads=trace.reads)
    flipped = _read_prepared(im.turn(grey, 2), page_no, engine, options, flipped_trace)
    trace.reads = flipped_trace.reads
    if mean_conf(flipped.words) > mean_conf(page.words) + 0.1:
        trace.quarter_turns += 2
        trace.n_grids, trace.n_cell_crops = flipped_trace.n_grids, flipped_trace.n_cell_crops
        trace.n_det_lines, trace.n_line_crops = flipped_trace.n_det_lines, flipped_trace.n_line_crops
        return flipped
    return page


#: Lines read both ways to decide which way up a sideways page is.
SAMPLE_LINES = 8
#: A sample line is a short run of glyphs: at least this many heights wide ...
SAMPLE_MIN_ASPECT = 2.0
#: ... and at most this many (long lines cost recognition time and add nothing to the vote).
SAMPLE_MAX_ASPECT = 12.0


def reads_better_flipped(grey: np.ndarray, engine: OcrEngine, options: OcrOptions, trace: OcrTrace) -> bool | None:
    """Whether the page reads better turned by 180°: a few of its text lines read both ways, in one batch.

    None when the page offers no sample line (a picture, an empty page) or neither way reads
    clearly better: the caller then reads the page whole and retries it upside down if need be.
    """
    crops = [_pad(grey[t:b, x0:x1], trace.clean) for x0, t, x1, b in sample_line_boxes(grey, options, trace)]
    if not crops:
        return None
    results = [(text.strip(), conf) for text, conf in engine.recognise_crops(crops + [im.turn(c, 2) for c in crops])]
    as_is, flipped = weighted_conf(results[:len(crops)]), weighted_conf(results[len(crops):])
    if abs(flipped - as_is) <= 0.1:
        return None
    return flipped > as_is


def sample_line_boxes(grey: np.ndarray, options: OcrOptions, trace: OcrTrace,
                      n: int = SAMPLE_LINES) -> list[tuple[int, int, int, int]]:
    """Up to ``n`` short text lines spread over the page (pixel boxes), rulings erased first.

    Short lines (a cell, a label) are cheap to read and as telling as a long one; lines are taken
    evenly from the top of the page to the bottom, so one odd block cannot decide alone.
    """
    dpi = options.dpi
    clean = im.erase_rulings(grey, im.detect_rulings(grey, dpi))
    mask = im.text_mask(clean, ink_threshold(trace), im.speck_px(dpi))
    min_height = max(4, dpi // 20)  # ~3.6 pt: a glyph, not a speck or a stroke's end
    boxes = []
    for block in im.text_blocks(mask, dpi):
        for x0, t, x1, b in block_lines(mask, block, dpi) or []:
            if b - t >= min_height and SAMPLE_MIN_ASPECT * (b - t) <= x1 - x0 <= SAMPLE_MAX_ASPECT * (b - t):
                boxes.append((x0, t, x1, b))
    if len(boxes) <= n:
        return boxes
    step = len(boxes) / n
    return [boxes[int(i * step)] for i in range(n)]


def weighted_conf(readings: Iterable[tuple[str, float]]) -> float:
    """Mean confidence of (text, confidence) readings weighted by text length (a long line counts
    more than a dot).
    """
    pairs = [(len(text), conf) for text, conf in readings]
    total = sum(n for n, _ in pairs)
    return sum(n * conf for n, conf in pairs) / total if total else 0.0


def mean_conf(words: list[Word]) -> float:
    """:func:`weighted_conf` of a page's words."""
    return weighted_conf((w.text, w.conf) for w in words)


def _read_prepared(grey: np.ndarray, page_no: int, engine: OcrEngine, options: OcrOptions, trace: OcrTrace) -> Page:
    trace.reads += 1
    scale = 72 / options.dpi
    h, w = grey.shape[:2]
    lines = im.detect_rulings(grey, options.dpi)
    rulings = [_to_ruling(line, scale) for line in lines]
    page = Page(page_no=page_no, width=w * scale, height=h * scale, kind=PageKind.IMAGE,
                method="ocr", facts=PageFacts(), rulings=rulings)
    grids = find_grids(page)
    trace.n_grids = len(grids)
    words = read_cells(grey, grids, lines, engine, options, trace)
    words += read_outside(grey, grids, engine, options, trace)
    if options.fix_numbers:
        for word in words:
            word.text = fix_script(fix_enumerator(fix_amount(word.text)))
    page.words = sorted(words, key=lambda wd: (round(wd.top), wd.x0))
    return page


def _to_ruling(line: im.Line, scale: float) -> Ruling:
    x0, y0, x1, y1 = line
    if (x1 - x0) >= (y1 - y0):  # horizontal: a zero-height line through the stroke's middle
        y = (y0 + y1 + 1) / 2 * scale
        return Ruling(x0 * scale - RULING_REACH, y, (x1 + 1) * scale + RULING_REACH, y)
    x = (x0 + x1 + 1) / 2 * scale
    return Ruling(x, y0 * scale - RULING_REACH, x, (y1 + 1) * scale + RULING_REACH)


def read_cells(grey: np.ndarray, grids: list, lines: list[im.Line], engine: OcrEngine,
               options: OcrOptions, trace: OcrTrace) -> list[Word]:
    """The fast path: every text line of every cell, read in one recognition batch.

    The light watermark is whitened (hard threshold) unless the page is bilevel:
    there every grey pixel is the anti-aliased edge of a real stroke after
    deskewing. Specks are left out when finding a cell's text lines; on a
    bilevel page the crops keep them, because there a speck is mostly a thin
    stroke the 1-bit threshold broke up (the angles of 《, the tail of 、; the
    measurement is in docs/design.md). On grey scans a speck is noise and leaves
    the crop too (beside a decimal point it reads as ":").
    """
    if not grids:
        return []
    threshold = im.HARD_THRESHOLD if options.hard_threshold is None else options.hard_threshold
    light = grey if trace.clean else im.whiten_light(grey, threshold)
    clean = im.erase_rulings(light, lines)
    ink = im.despeckle(im.ink_mask(clean, ink_threshold(trace)), im.speck_px(options.dpi)) > 0
    boxes = cell_line_boxes(ink, grids, options.dpi)
    source = clean if trace.clean else np.where(ink, clean, 255).astype(np.uint8)
    crops = [_pad(source[t:b, x0:x1], trace.clean) for x0, t, x1, b in boxes]
    trace.n_cell_crops = len(crops)
    results = engine.recognise_crops(crops) if crops else []
    scale = 72 / options.dpi
    return [_word(text, conf, box, scale) for box, (text, conf) in zip(boxes, results) if text.strip()]


def ink_threshold(trace: OcrTrace) -> int:
    """Grey level under which a pixel is ink when finding text lines.

    On a flattened page everything left is ink (the light layer was lifted) and thin strokes are
    lighter than on the scan, having been divided by a background below white: the lift's own core
    level keeps a final 。 and the tail of 、 inside their line's box (at INK, the colour profile lost
    the 。 ending most prose fields).
    """
    return im.SCAN_CORE if trace.flattened else im.INK


def cell_line_boxes(ink: np.ndarray, grids: list, dpi: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of the text lines inside each cell (empty cells give none).

    ``ink`` is the page's despeckled ink mask (boolean), cut per cell.
    """
    px = dpi / 72
    inset = max(2, int(0.015 * dpi))  # stay clear of the ruling's anti-aliased edge
    h, w = ink.shape[:2]
    out = []
    for grid in grids:
        for cell in grid.cells:
            cx0, ct = max(0, int(cell.x0 * px) + inset), max(0, int(cell.top * px) + inset)
            cx1, cb = min(w, int(cell.x1 * px) - inset), min(h, int(cell.bottom * px) - inset)
            if cx1 - cx0 < 4 or cb - ct < 4:
                continue
            for x0, t, x1, b in im.ink_bands(ink[ct:cb, cx0:cx1]):
                out.append((cx0 + x0, ct + t, cx0 + x1, ct + b))
    return out


#: A crop wider than this many times its height is a line of prose (see _pad).
LONG_CROP = 8


def _pad(crop: np.ndarray, bilevel: bool = False) -> np.ndarray:
    """White margin around a tight crop: two thirds of its height on a bilevel
    page and a quarter elsewhere, on every side except the sides of a line of
    prose (wider than ``LONG_CROP`` heights), which get a tenth (at least 4 px).

    The recogniser scales every crop to 48 px high and pays per column of the
    result, so a taller margin makes its input narrower: on 1-bit scans smaller
    glyphs read as well and punctuation better, on grey scans they lose
    characters. The sides of a prose line are mostly cost; a short crop keeps
    the full margin, or labels misread. The measurements behind each choice:
    docs/design.md, "Why the rules are what they are".
    """
    import cv2

    h, w = crop.shape[:2]
    m = max(4, h * 2 // 3 if bilevel else h // 4)
    side = max(4, h // 10) if w > LONG_CROP * h else m
    return cv2.copyMakeBorder(crop, m, m, side, side, cv2.BORDER_CONSTANT, value=255)


def read_outside(grey: np.ndarray, grids: list, engine: OcrEngine, options: OcrOptions, trace: OcrTrace) -> list[Word]:
    """Detection + recognition where no grid is, on the box that still holds ink.

    The watermark's light strokes are dropped first, except on a bilevel page,
    which has no light ink to drop (as in :func:`read_cells`).
    """
    text = grey.copy() if trace.clean else im.drop_light_strokes(grey)
    px = options.dpi / 72
    for g in grids:
        text[max(0, int(g.top * px) - 2):int(g.bottom * px) + 3, max(0, int(g.x0 * px) - 2):int(g.x1 * px) + 3] = 255
    found: list[Word] = []
    scale = 72 / options.dpi
    mask = im.text_mask(text, ink_threshold(trace), im.speck_px(options.dpi))
    boxes: list[tuple[int, int, int, int]] = []
    for block in im.text_blocks(mask, options.dpi):
        split = block_lines(mask, block, options.dpi) if options.line_finder == "projection" else None
        if split is not None:
            boxes += split
            continue
        x0, y0, x1, y1 = block
        lines = engine.recognise(text[y0:y1, x0:x1])
        trace.n_det_lines += len(lines)
        found += [_word(t, c, (bx0 + x0, bt + y0, bx1 + x0, bb + y0), scale, det=True)
                  for (bx0, bt, bx1, bb), t, c in lines if t.strip()]
    if boxes:
        results = engine.recognise_crops([_pad(text[t:b, x0:x1], trace.clean) for x0, t, x1, b in boxes])
        trace.n_line_crops += len(boxes)
        found += [_word(t, c, box, scale) for box, (t, c) in zip(boxes, results) if t.strip() and c >= MIN_CONF]
    return found


def block_lines(mask: np.ndarray, block: tuple[int, int, int, int], dpi: int) -> list[tuple[int, int, int, int]] | None:
    """The text-line boxes (page pixels) of one text block of ``mask``, by projection
    (:func:`im.split_lines`); None when the projection is unsure.
    """
    x0, y0, x1, y1 = block
    split = im.split_lines(mask[y0:y1, x0:x1], dpi)
    return None if split is None else [(bx0 + x0, bt + y0, bx1 + x0, bb + y0) for bx0, bt, bx1, bb in split]


def _word(text: str, conf: float, box: tuple[float, float, float, float], scale: float, det: bool = False) -> Word:
    """A Word in points; ``size`` approximates the font size from the box height."""
    x0, t, x1, b = box
    height = (b - t) * scale
    return Word(text.strip(), x0 * scale, t * scale, x1 * scale, b * scale,
                size=round(height / 1.25 if det else height, 2), conf=round(float(conf), 4))
