"""Read: words with boxes and ruling lines from a page's text layer (pdfium).

Reads a ``pypdfium2`` page; writes a :class:`Page` (words, rulings, facts, kind).
pdfium is used rather than pdfminer because it reads a CJK page an order of
magnitude faster, which is what makes the pages-per-second budget possible (the
measurement: docs/design.md, "Why the rules are what they are").

What this stage removes, and why:
- watermark glyphs: drawn at another angle than the page's text (the 35°
  仅供内部审核 stamp; pdfplumber reports these as upright, so the text matrix is
  the test), or in a light or transparent colour;
- fake-bold glyphs: the same glyph printed twice at a small offset;
- invisible text (render mode 3) is kept: it is an OCR layer someone already made.
"""

from __future__ import annotations

import ctypes
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extract.model import Page, PageFacts, PageKind, Ruling, Word
from extract.stages.normalise import fold_radical
from extract.vocab.chars import is_ideograph, is_radical

#: A path thinner than this (points) in one direction is a ruling line.
RULING_MAX_THICKNESS = 3.0
#: Ignore ruling fragments shorter than this (points): glyph strokes, ticks.
RULING_MIN_LENGTH = 4.0
#: Glyphs lighter than this on every channel (0-255) are watermark ink.
LIGHT_INK = 175
#: A glyph whose baseline angle differs from the page's by more than this is a watermark.
WATERMARK_ANGLE_DEG = 8.0
#: Page routing: a text layer with more than this share of bad glyphs is garbled.
GARBLED_SHARE = 0.08
#: A page without usable text whose images cover more than this share is a scan.
SCAN_IMAGE_COVER = 0.3
#: A page with fewer visible glyphs than this has no usable text layer (image or blank).
MIN_TEXT_GLYPHS = 5
#: Glyphs more transparent than this alpha (0-255) are watermark ink.
WATERMARK_MAX_ALPHA = 200
#: Paths this transparent (alpha 0-255) or this light on every channel (0-255) are invisible: no ruling.
INVISIBLE_ALPHA, INVISIBLE_LIGHT = 30, 235
#: Baseline angles are compared in steps of this many degrees.
ANGLE_STEP_DEG = 5
#: Fake bold: the same glyph redrawn within this share of its width and of its size, among the last
#: FAKE_BOLD_WINDOW glyphs (fake bold is drawn 2-4 times).
FAKE_BOLD_OFFSET_SHARE, FAKE_BOLD_WINDOW = 0.3, 4
#: Word joining, in font sizes: glyphs are on one line when their middles are closer than
#: WORD_SAME_LINE_EM; a gap wider than WORD_GAP_EM, or an overlap deeper than WORD_OVERLAP_EM, starts a new
#: word; so does a gap over WORD_DIGIT_GAP_EM between a digit and an ideograph, or a printed space wider than
#: WORD_SPACE_EM.
WORD_SAME_LINE_EM, WORD_GAP_EM, WORD_OVERLAP_EM, WORD_DIGIT_GAP_EM, WORD_SPACE_EM = 0.5, 0.9, 0.5, 0.4, 0.2
#: How far (pt) a vertical ruling may reach into either glyph and still part them.
RULING_BETWEEN_SLACK_PT = 0.5
#: Nested form XObjects are followed this deep for images and rulings.
MAX_FORM_DEPTH = 4


@dataclass(slots=True)
class Glyph:
    ch: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    angle: float
    light: bool
    bad: bool


def read_page(pdf_page: pdfium.PdfPage, page_no: int) -> Page:
    """Read one page's text layer and rulings, and route it (text / image / garbled)."""
    width, height = pdf_page.get_size()
    rotation = pdf_page.get_rotation()
    to_top_left = _transform(pdf_page, width, height, rotation)
    glyphs = _read_glyphs(pdf_page, to_top_left, rotation)
    main = dominant_angle(glyphs)
    kept, n_watermark = _drop_watermark(glyphs, main)
    rulings, image_area = _read_paths(pdf_page, to_top_left)
    if main in (90, 270):  # a landscape table printed sideways on a portrait page
        kept, rulings, width, height = turn_upright(kept, rulings, width, height, main)
    kept.sort(key=lambda g: (round((g.top + g.bottom) / 2 / max(g.size * 0.5, 1)), g.x0)) if main else None
    kept = _drop_fake_bold(kept)
    n_radicals = fold_radicals(kept)
    words = glyphs_to_words(kept, rulings)
    facts = _facts(kept, n_watermark, image_area / max(width * height, 1.0), rotation)
    facts.n_radicals = n_radicals
    return Page(page_no=page_no, width=width, height=height, kind=classify(facts),
                facts=facts, words=words, rulings=rulings)


def classify(facts: PageFacts) -> PageKind:
    """Route a page: trust its text layer, OCR it as an image, or OCR it as garbled.

    A text layer is garbled when many glyphs have no Unicode mapping or fall in
    the private-use area. Kangxi / CJK-supplement radicals standing in for the
    ideographs they resemble (⽀ for 支) are no reason to OCR: they were folded
    into those ideographs already (:func:`fold_radicals`), and a radical that
    folds into nothing counts as a bad glyph.
    """
    n = facts.n_chars
    if n < MIN_TEXT_GLYPHS:
        return PageKind.IMAGE if facts.image_cover >= SCAN_IMAGE_COVER else PageKind.BLANK
    if facts.n_bad / n > GARBLED_SHARE:
        return PageKind.GARBLED
    return PageKind.TEXT


def fold_radicals(glyphs: list[Glyph]) -> int:
    """Radical glyphs → the ideographs they stand for, in place; how many radicals there were.

    Some producers' fonts map ideographs onto the radical code points (⼀ ⽀ ⾦,
    ⻓ ⻔): the glyph is right, only its code point is the radical's, so the text
    layer is as good as any once folded, and exact where OCR may misread.
    """
    n = 0
    for g in glyphs:
        if is_radical(g.ch):
            n += 1
            folded = fold_radical(g.ch)
            if folded is None:
                g.bad = True
            else:
                g.ch = folded
    return n


def _facts(glyphs: list[Glyph], n_watermark: int, image_cover: float, rotation: int) -> PageFacts:
    visible = [g for g in glyphs if not g.ch.isspace()]
    n_cjk = sum(1 for g in visible if is_ideograph(g.ch))
    n_rad = sum(1 for g in visible if is_radical(g.ch))
    n_bad = sum(1 for g in visible if g.bad)
    return PageFacts(n_chars=len(visible), n_cjk=n_cjk, n_bad=n_bad, n_radicals=n_rad,
                     n_watermark=n_watermark, image_cover=round(image_cover, 3), rotation=rotation)


def _is_bad(ch: str, map_error: bool) -> bool:
    if map_error or ch == "\ufffd":
        return True
    cat = unicodedata.category(ch)
    return cat in ("Co", "Cn", "Cs") or (cat == "Cc" and ch not in "\r\n\t")


def _transform(pdf_page: pdfium.PdfPage, width: float, height: float, rotation: int):
    """PDF user space (origin bottom-left, unrotated) → top-left coordinates of the page as viewed.

    ``width`` × ``height`` is the viewed size (pdfium swaps them for /Rotate 90 and 270). /Rotate turns the
    page clockwise for viewing, so a landscape table stored on a portrait MediaBox with /Rotate 90 reads
    left to right here. Plain arithmetic: pdfium's FPDF_PageToDevice mirrored such pages.
    """
    turn = rotation % 360
    if turn == 90:  # user x runs down the view, user y runs right
        return lambda x, y: (y, x)
    if turn == 180:
        return lambda x, y: (width - x, y)
    if turn == 270:  # user x runs up the view, user y runs left
        return lambda x, y: (width - y, height - x)
    return lambda x, y: (x, height - y)


def _read_glyphs(pdf_page: pdfium.PdfPage, to_view, rotation: int = 0) -> list[Glyph]:
    """The page's glyphs in view coordinates; ``angle`` is the baseline's as viewed (the text matrix's angle
    less the page's clockwise /Rotate), so text that /Rotate turns upright is not turned again.
    """
    textpage = pdf_page.get_textpage()
    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    out: list[Glyph] = []
    for i in range(n):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        if pdfium_c.FPDFText_IsGenerated(tp, i) == 1 or code in (0, 0xFFFE, 0xFEFF):
            continue
        ch = chr(code) if code < 0x110000 else "\ufffd"
        if ch in "\r\n":
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(rect)):
            continue
        pdfium_c.FPDFText_GetMatrix(tp, i, ctypes.byref(matrix))
        angle = (math.degrees(math.atan2(matrix.b, matrix.a)) - rotation) % 360
        pdfium_c.FPDFText_GetFillColor(tp, i, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a))
        light = min(r.value, g.value, b.value) >= LIGHT_INK or a.value < WATERMARK_MAX_ALPHA
        map_error = pdfium_c.FPDFText_HasUnicodeMapError(tp, i) == 1
        xa, ya = to_view(rect.left, rect.top)
        xb, yb = to_view(rect.right, rect.bottom)
        top, bottom = min(ya, yb), max(ya, yb)
        # The loose box height is the font size in page space; FPDFText_GetFontSize
        # ignores the text matrix's scale and can be off by 10x in some producers.
        out.append(Glyph(ch, min(xa, xb), top, max(xa, xb), bottom, bottom - top, angle, light,
                         _is_bad(ch, map_error)))
    textpage.close()
    return out


def dominant_angle(glyphs: list[Glyph]) -> int:
    """The baseline angle most glyphs share, to the nearest 5 degrees."""
    angles = Counter(round(g.angle / ANGLE_STEP_DEG) * ANGLE_STEP_DEG % 360 for g in glyphs if not g.ch.isspace())
    return int(angles.most_common(1)[0][0]) if angles else 0


def turn_upright(glyphs: list[Glyph], rulings: list[Ruling], width: float, height: float,
                 angle: int) -> tuple[list[Glyph], list[Ruling], float, float]:
    """Rotate a page whose text runs at 90° or 270° so that it reads left to right.

    Jiangsu's 省级部门预算公开报表 (file 03) draw landscape tables rotated on
    portrait pages with the text matrix rather than /Rotate.
    """
    # pdfium's text matrix angle is measured with y pointing down the page.
    if angle == 270:  # text runs up the page: x' = H - top, y' = x
        def box(x0, top, x1, bottom):
            return height - bottom, x0, height - top, x1
    else:  # 90: text runs down the page: x' = top, y' = W - x
        def box(x0, top, x1, bottom):
            return top, width - x1, bottom, width - x0
    out = []
    for g in glyphs:
        x0, top, x1, bottom = box(g.x0, g.top, g.x1, g.bottom)
        out.append(Glyph(g.ch, x0, top, x1, bottom, bottom - top, 0.0, g.light, g.bad))
    turned = [Ruling(*box(r.x0, r.top, r.x1, r.bottom)) for r in rulings]
    return out, turned, height, width


def _drop_watermark(glyphs: list[Glyph], main: int) -> tuple[list[Glyph], int]:
    """Drop glyphs at a non-dominant angle or in light ink; return kept and dropped count."""
    if not glyphs:
        return [], 0
    kept = []
    for g in glyphs:
        off = abs((g.angle - main + 180) % 360 - 180)
        if off > WATERMARK_ANGLE_DEG or g.light:
            continue
        kept.append(g)
    return kept, len(glyphs) - len(kept)


def _drop_fake_bold(glyphs: list[Glyph]) -> list[Glyph]:
    """Drop a glyph repeated at (almost) the same place: fake bold is drawn 2-4 times."""
    out: list[Glyph] = []
    recent: list[Glyph] = []
    for g in glyphs:
        dup = False
        for p in recent:
            width = max(min(g.x1 - g.x0, p.x1 - p.x0), 0.5)
            share = FAKE_BOLD_OFFSET_SHARE
            if p.ch == g.ch and abs(p.x0 - g.x0) < share * width and abs(p.top - g.top) < share * max(g.size, 1):
                dup = True
                break
        if not dup:
            out.append(g)
            recent.append(g)
            if len(recent) > FAKE_BOLD_WINDOW:
                recent.pop(0)
    return out


def glyphs_to_words(glyphs: list[Glyph], rulings: list[Ruling]) -> list[Word]:
    """Join glyphs into words: same line, small gap, no vertical ruling in between.

    Splitting at rulings keeps two adjacent table cells apart even when their
    text nearly touches (tight Excel exports).
    """
    verticals = sorted((r for r in rulings if r.orientation == "v"), key=lambda r: r.x0)
    words: list[Word] = []
    cur: list[Glyph] = []

    def flush() -> None:
        text = "".join(g.ch for g in cur).strip()
        if text:
            words.append(Word(text, min(g.x0 for g in cur), min(g.top for g in cur),
                              max(g.x1 for g in cur), max(g.bottom for g in cur),
                              size=max(g.size for g in cur)))
        cur.clear()

    for g in glyphs:  # pdfium yields glyphs in content-stream order, mostly reading order
        if cur:
            last = cur[-1]
            size = max(last.size, g.size, 1.0)
            same_line = abs((g.top + g.bottom) - (last.top + last.bottom)) / 2 < WORD_SAME_LINE_EM * size
            gap = g.x0 - last.x1
            if not same_line or gap > WORD_GAP_EM * size or gap < -WORD_OVERLAP_EM * size \
                    or _ruling_between(verticals, last, g):
                flush()
            elif gap > WORD_DIGIT_GAP_EM * size and _digit_meets_ideograph(last.ch, g.ch):
                flush()
            elif g.ch.isspace() and gap > WORD_SPACE_EM * size:
                flush()
        if g.ch.isspace():
            if cur:
                flush()
            continue
        cur.append(g)
    if cur:
        flush()
    return words


def _digit_meets_ideograph(a: str, b: str) -> bool:
    """A digit next to an ideograph: with a gap between them they are two cells' texts (an amount
    right-aligned in its column, the next column's label left-aligned) even where no ruling parts them.
    """
    return (a.isdigit() and is_ideograph(b)) or (is_ideograph(a) and b.isdigit())


def _ruling_between(verticals: list[Ruling], a: Glyph, b: Glyph) -> bool:
    x_lo, x_hi = a.x1 - RULING_BETWEEN_SLACK_PT, b.x0 + RULING_BETWEEN_SLACK_PT
    y = (b.top + b.bottom) / 2
    for r in verticals:
        if r.x0 > x_hi:
            break
        if r.x0 >= x_lo and r.top - 1 <= y <= r.bottom + 1:
            return True
    return False


def _read_paths(pdf_page: pdfium.PdfPage, to_view) -> tuple[list[Ruling], float]:
    """Ruling lines from path objects (lines, thin rects, stroked rects); image area."""
    rulings: list[Ruling] = []
    image_area = 0.0
    raw = pdf_page.raw
    for i in range(pdfium_c.FPDFPage_CountObjects(raw)):
        image_area += _walk_object(pdfium_c.FPDFPage_GetObject(raw, i), (1, 0, 0, 1, 0, 0), to_view, rulings, 0)
    return rulings, image_area


def _compose(m, parent):
    a, b, c, d, e, f = m
    pa, pb, pc, pd, pe, pf = parent
    return (a * pa + b * pc, a * pb + b * pd, c * pa + d * pc, c * pb + d * pd,
            e * pa + f * pc + pe, e * pb + f * pd + pf)


def _walk_object(obj, parent, to_view, rulings: list[Ruling], depth: int) -> float:
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
        m = pdfium_c.FS_MATRIX()
        pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
        mat = _compose((m.a, m.b, m.c, m.d, m.e, m.f), parent)
        return sum(_walk_object(pdfium_c.FPDFFormObj_GetObject(obj, k), mat, to_view, rulings, depth + 1)
                   for k in range(pdfium_c.FPDFFormObj_CountObjects(obj)))
    if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        pdfium_c.FPDFPageObj_GetBounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right),
                                       ctypes.byref(top))
        return max(right.value - left.value, 0) * max(top.value - bottom.value, 0)
    if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
        _path_rulings(obj, parent, to_view, rulings)
    return 0.0


def _is_invisible_ink(obj, stroke: bool) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    getter = pdfium_c.FPDFPageObj_GetStrokeColor if stroke else pdfium_c.FPDFPageObj_GetFillColor
    if not getter(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return False
    return a.value < INVISIBLE_ALPHA or min(r.value, g.value, b.value) >= INVISIBLE_LIGHT


def _path_rulings(obj, parent, to_view, rulings: list[Ruling]) -> None:
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke))
    stroked = bool(stroke.value) and not _is_invisible_ink(obj, True)
    filled = fill_mode.value != 0 and not _is_invisible_ink(obj, False)
    if not (stroked or filled):
        return
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
    mat = _compose((m.a, m.b, m.c, m.d, m.e, m.f), parent)
    points = _subpaths(obj, mat, to_view)
    for sub in points:
        xs = [p[0] for p in sub]
        ys = [p[1] for p in sub]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if filled and (w <= RULING_MAX_THICKNESS or h <= RULING_MAX_THICKNESS):
            _add_ruling(rulings, min(xs), min(ys), max(xs), max(ys))  # a thin filled rect is a line
            continue
        if not stroked:
            continue
        for (xa, ya), (xb, yb) in zip(sub, sub[1:]):
            _add_ruling(rulings, min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))


def _subpaths(obj, mat, to_view) -> list[list[tuple[float, float]]]:
    """Points of each subpath in view coordinates, closing closed subpaths."""
    a, b, c, d, e, f = mat
    x, y = ctypes.c_float(), ctypes.c_float()
    subs: list[list[tuple[float, float]]] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        point = to_view(px, py)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_MOVETO or not subs:
            subs.append([point])
        else:
            subs[-1].append(point)
        if pdfium_c.FPDFPathSegment_GetClose(seg) and subs[-1]:
            subs[-1].append(subs[-1][0])
    return subs


def _add_ruling(rulings: list[Ruling], x0: float, top: float, x1: float, bottom: float) -> None:
    w, h = x1 - x0, bottom - top
    if w <= RULING_MAX_THICKNESS and h >= RULING_MIN_LENGTH:
        xm = (x0 + x1) / 2
        rulings.append(Ruling(xm, top, xm, bottom))
    elif h <= RULING_MAX_THICKNESS and w >= RULING_MIN_LENGTH:
        ym = (top + bottom) / 2
        rulings.append(Ruling(x0, ym, x1, ym))
