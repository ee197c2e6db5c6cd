"""Scan profiles (issue 13): the seed document scanned the ways real scanners and phones scan it.

``python -m tools.make_samples --scans OUT`` writes ``OUT/scan_<profile>.pdf`` and its ``.truth.json``
for every profile in :data:`PROFILES`, plus the mixed documents of :data:`MIXED` (text pages + the
copy-2 form pages scanned in that profile). The OCR path was tuned on one profile (1-bit, 200 dpi, clean);
these exist so that it is measured on others (``python -m tools.make_samples.scan_score``).

Every degradation is a physical model, drawn with fixed seeds (the same bytes on every run):

- paper tone and uneven lighting: the page's reflectance times a smooth illumination field (a 4×3 grid
  of random gains, cubic-interpolated, times a gradient to one edge, as a lid that does not close or a
  phone held at an angle gives);
- watermark: big light-grey rotated text (仅供内部审核) multiplied into the page, lighter than ink but
  darker than the paper in the dark corner of the illumination field;
- anti-aliased strokes: the page rendered smoothed, then a small Gaussian blur (optics);
- noise: Gaussian sensor noise and a few specks;
- skew: every page rotated by ±(0.3–1)°; turned pages: the scan stored sideways, either with a /Rotate
  that shows it upright (a scanner that records its orientation) or only in its pixels (a phone);
- red seal (公章): a red ring with the unit's name along its arc, a star and 预算专用章, multiplied over
  part of a table or form, so black strokes under it stay black as on paper.
"""
from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#: The watermark text an auditor's copy carries (the born-digital file prints it lighter too).
WATERMARK = "仅供内部审核"
SEAL_NAME = "阳泉市强制隔离戒毒所"
SEAL_BOTTOM = "预算专用章"
#: Seal ink (RGB reflectance 0..1): a typical 印泥 red.
SEAL_RGB = (0.86, 0.16, 0.14)


@dataclass(frozen=True)
class Profile:
    """How one scan is made: resolution, colour, storage and the degradations applied."""

    name: str
    dpi: int
    colour: bool = False  # render and store RGB
    store: str = "jpeg"  # "g4" (1-bit CCITT), "jpeg", "flate" (8-bit)
    quality: int = 85  # JPEG quality
    paper: float = 0.96  # paper reflectance (1 = white)
    paper_tint: tuple[float, float, float] = (1.0, 1.0, 1.0)  # colour cast of the paper (colour only)
    lighting: float = 0.0  # depth of the illumination field: gain ranges over [1 - lighting, 1]
    watermark: float = 0.0  # reflectance loss of the drawn watermark (0 = none)
    blur: float = 0.6  # Gaussian sigma in pixels at the profile's dpi
    noise: float = 4.0  # sensor noise sigma, grey levels
    skew: tuple[float, float] = (0.3, 1.0)  # |angle| range in degrees, random sign
    turned: dict[int, str] = field(default_factory=dict)  # page → "rotate90" | "pixels_cw" | "pixels_ccw"
    seal: bool = False
    legacy: bool = False  # the committed sample's own degradation (scan.degrade, bilevel)
    seed: int = 0


def _turned(n_pages: int) -> dict[int, str]:
    """Some pages turned by 90°: every fifth via /Rotate, two more only in their pixels (one each way)."""
    out: dict[int, str] = {}
    for p in range(1, n_pages + 1):
        if p % 5 == 2:
            out[p] = "rotate90"
        elif p % 10 == 4:
            out[p] = "pixels_cw"
        elif p % 10 == 9:
            out[p] = "pixels_ccw"
    return out


def profiles(n_pages: int = 35) -> list[Profile]:
    """The named profiles (at least six, as issue 13 asks)."""
    return [
        Profile("bilevel200", 200, store="g4", legacy=True, seed=7),
        Profile("grey200_uneven_watermark", 200, store="jpeg", quality=85, paper=0.88, lighting=0.25,
                watermark=0.22, blur=0.7, noise=5.0, seed=21),
        Profile("colour300_jpeg60", 300, colour=True, store="jpeg", quality=60, paper=0.95,
                paper_tint=(1.0, 0.97, 0.90), lighting=0.08, blur=0.9, noise=4.0, seed=22),
        Profile("grey150", 150, store="jpeg", quality=80, paper=0.94, lighting=0.05, blur=0.5, noise=3.0, seed=23),
        Profile("skew_rot90", 200, store="jpeg", quality=85, paper=0.95, lighting=0.05, skew=(0.6, 1.0),
                turned=_turned(n_pages), seed=24),
        Profile("red_seal", 200, colour=True, store="jpeg", quality=85, paper=0.95,
                paper_tint=(1.0, 0.98, 0.95), lighting=0.06, blur=0.6, noise=3.0, seal=True, seed=25),
    ]


#: Profiles that also get a mixed document (text pages, copy-2 form pages scanned).
MIXED = ("grey200_uneven_watermark", "red_seal")


def by_name(name: str, n_pages: int = 35) -> Profile:
    return next(p for p in profiles(n_pages) if p.name == name)


# ---------------------------------------------------------------- rendering and degradation


def render_pages(pdf: bytes, dpi: int, colour: bool, pages: set[int] | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(page number, image) for each page: RGB or grey ``uint8`` at ``dpi``, smoothed as a scanner's optics."""
    import pypdfium2 as pdfium

    d = pdfium.PdfDocument(pdf)
    try:
        for i in range(len(d)):
            if pages is not None and i + 1 not in pages:
                continue
            page = d[i]
            bm = page.render(scale=dpi / 72, grayscale=not colour, rev_byteorder=True)
            a = bm.to_numpy()
            a = np.ascontiguousarray(a[..., :3]) if colour else (a if a.ndim == 2 else a[..., 0])
            yield i + 1, a.copy()
            page.close()
    finally:
        d.close()


def illumination(shape: tuple[int, int], depth: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth gain field in [1 - depth, 1]: random coarse gains, cubic-upsampled, times an edge gradient."""
    import cv2

    h, w = shape
    if depth <= 0:
        return np.ones(shape, np.float32)
    coarse = rng.uniform(0.0, 1.0, size=(3, 4)).astype(np.float32)
    f = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    f = (f - f.min()) / max(1e-6, float(f.max() - f.min()))
    edge = int(rng.integers(4))  # which edge is darker
    ramp = np.linspace(0.0, 1.0, w if edge in (0, 1) else h, dtype=np.float32)
    ramp = ramp if edge in (0, 2) else ramp[::-1]
    g = np.broadcast_to(ramp[None, :], (h, w)) if edge in (0, 1) else np.broadcast_to(ramp[:, None], (h, w))
    field_ = 0.5 * f + 0.5 * g
    return (1.0 - depth * field_).astype(np.float32)


def _text_layer(shape: tuple[int, int], dpi: int, rng: np.random.Generator) -> np.ndarray:
    """Coverage (0..1) of the big rotated watermark text, tiled over the page."""
    from PIL import Image, ImageDraw, ImageFont

    h, w = shape
    size = int(0.55 * dpi)  # ~40 pt glyphs
    font = ImageFont.truetype(FONT, size)
    layer = Image.new("L", (w, h), 0)
    angle = float(rng.uniform(25, 40))
    for cy in (0.22, 0.55, 0.85):
        tile = Image.new("L", (int(size * len(WATERMARK) * 1.1), int(size * 1.4)), 0)
        ImageDraw.Draw(tile).text((size * 0.05, size * 0.1), WATERMARK, fill=255, font=font)
        tile = tile.rotate(angle, expand=True, resample=Image.BICUBIC)
        x = int(w / 2 - tile.width / 2 + rng.uniform(-0.05, 0.05) * w)
        y = int(cy * h - tile.height / 2)
        layer.paste(tile, (x, y), tile)
    return np.asarray(layer, np.float32) / 255.0


def seal_layer(shape: tuple[int, int], dpi: int, centre: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Coverage (0..1) of a round official seal centred at ``centre`` (x, y pixels), with uneven ink."""
    from PIL import Image, ImageDraw, ImageFont

    h, w = shape
    r = int(0.8 * dpi)  # a 42 mm seal has a 0.8 inch radius
    img = Image.new("L", (2 * r + 4, 2 * r + 4), 0)
    d = ImageDraw.Draw(img)
    c = r + 2
    ring = max(3, dpi // 40)
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    # the name along the upper arc, each glyph turned to face the centre
    size = int(r * 0.32)
    font = ImageFont.truetype(FONT, size)
    n = len(SEAL_NAME)
    span = math.radians(230)
    for i, ch in enumerate(SEAL_NAME):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / n  # from lower left over the top to lower right
        rr = r - ring - size * 0.7
        gx, gy = c + rr * math.cos(a), c + rr * math.sin(a)
        g = Image.new("L", (size + 4, size + 4), 0)
        ImageDraw.Draw(g).text((2, 0), ch, fill=255, font=font)
        g = g.rotate(-math.degrees(a) - 90, expand=True, resample=Image.BICUBIC)
        img.paste(g, (int(gx - g.width / 2), int(gy - g.height / 2)), g)
    # star
    s = r * 0.28
    pts = [(c + (s if k % 2 == 0 else s * 0.4) * math.cos(-math.pi / 2 + k * math.pi / 5),
            c + (s if k % 2 == 0 else s * 0.4) * math.sin(-math.pi / 2 + k * math.pi / 5)) for k in range(10)]
    d.polygon(pts, fill=255)
    bfont = ImageFont.truetype(FONT, int(r * 0.22))
    tw = d.textlength(SEAL_BOTTOM, font=bfont)
    d.text((c - tw / 2, c + r * 0.38), SEAL_BOTTOM, fill=255, font=bfont)
    img = img.rotate(float(rng.uniform(-25, 25)), resample=Image.BICUBIC)
    cov = np.asarray(img, np.float32) / 255.0
    # uneven ink: a pad never inks evenly
    import cv2

    blotch = cv2.resize(rng.uniform(0.55, 1.0, size=(6, 6)).astype(np.float32), cov.shape[::-1],
                        interpolation=cv2.INTER_CUBIC)
    cov = np.clip(cov * blotch, 0, 1)
    out = np.zeros(shape, np.float32)
    x0, y0 = centre[0] - c, centre[1] - c
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(w, x0 + cov.shape[1]), min(h, y0 + cov.shape[0])
    if dx1 > dx0 and dy1 > dy0:
        out[dy0:dy1, dx0:dx1] = cov[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0]
    return out


def seal_centre(grey: np.ndarray, rng: np.random.Generator) -> tuple[int, int]:
    """Where a clerk stamps: over the printed content in the lower half of the page (on text, not margin)."""
    h, w = grey.shape
    rows = np.flatnonzero((grey < 128).sum(axis=1) > 3)
    cols = np.flatnonzero((grey < 128).sum(axis=0) > 3)
    if len(rows) == 0:
        return w // 2, h // 2
    top, bottom = int(rows[0]), int(rows[-1])
    y = int(top + (bottom - top) * rng.uniform(0.55, 0.9))
    x = int(cols[0] + (cols[-1] - cols[0]) * rng.uniform(0.45, 0.85))
    return x, y


def degrade_page(img: np.ndarray, prof: Profile, rng: np.random.Generator, seal: bool) -> np.ndarray:
    """One rendered page → the scanner's image (grey or RGB ``uint8``), skewed, before any 90° turn."""
    import cv2

    a = img.astype(np.float32) / 255.0  # reflectance
    h, w = a.shape[:2]
    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    if prof.watermark > 0:
        cover = _text_layer((h, w), prof.dpi, rng)
        a = a * (1.0 - prof.watermark * cover)[..., None] if a.ndim == 3 else a * (1.0 - prof.watermark * cover)
    if seal:
        cov = seal_layer((h, w), prof.dpi, seal_centre(grey, rng), rng)
        if a.ndim == 3:
            ink = np.array(SEAL_RGB, np.float32)
            a = a * (1.0 - cov[..., None] * (1.0 - ink))  # multiply: black stays black under the seal
    # paper tone
    if a.ndim == 3:
        a = a * (prof.paper * np.array(prof.paper_tint, np.float32))
    else:
        a = a * prof.paper
    # skew
    lo, hi = prof.skew
    angle = float(rng.choice([-1, 1]) * rng.uniform(lo, hi))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += rng.uniform(-6, 6, size=2) * prof.dpi / 200
    border = tuple(float(v) for v in (np.array(prof.paper_tint) * prof.paper)) if a.ndim == 3 else prof.paper
    a = cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    # lighting
    gain = illumination((h, w), prof.lighting, rng)
    a = a * (gain[..., None] if a.ndim == 3 else gain)
    if prof.blur > 0:
        a = cv2.GaussianBlur(a, (0, 0), prof.blur)
    a = a * 255.0
    if prof.noise > 0:
        a = a + rng.normal(0, prof.noise, size=a.shape).astype(np.float32)
    speck = rng.random((h, w)) < 0.0002
    if a.ndim == 3:
        a[speck] = rng.uniform(40, 160, size=(int(speck.sum()), 1))
    else:
        a[speck] = rng.uniform(40, 160, size=int(speck.sum()))
    return np.clip(a, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- PDF assembly


def _encode(a: np.ndarray, prof: Profile):
    """(data, extra image-dictionary entries) for one page image."""
    import zlib

    import pikepdf
    from PIL import Image

    from .scan import _g4

    colour = a.ndim == 3
    space = pikepdf.Name.DeviceRGB if colour else pikepdf.Name.DeviceGray
    if prof.store == "g4":
        data, extra = _g4(a)
    elif prof.store == "flate":
        data, extra = zlib.compress(a.tobytes(), 6), dict(Filter=pikepdf.Name.FlateDecode, BitsPerComponent=8)
    else:
        buf = io.BytesIO()
        Image.fromarray(a, "RGB" if colour else "L").save(buf, "JPEG", quality=prof.quality, optimize=True)
        data, extra = buf.getvalue(), dict(Filter=pikepdf.Name.DCTDecode, BitsPerComponent=8)
    extra["ColorSpace"] = space
    return data, extra


def image_page(pdf, a: np.ndarray, prof: Profile, how: str | None):
    """A pikepdf page showing image ``a`` (as scanned, before turning) full-page on A4; ``how`` turns it."""
    import pikepdf
    from reportlab.lib.pagesizes import A4

    pw, ph = A4
    if how in ("rotate90", "pixels_cw"):
        a = np.ascontiguousarray(np.rot90(a, -1))  # stored turned clockwise
    elif how == "pixels_ccw":
        a = np.ascontiguousarray(np.rot90(a, 1))
    if how is not None:
        pw, ph = ph, pw  # the stored image is landscape
    h, w = a.shape[:2]
    data, extra = _encode(a, prof)
    img = pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w, Height=h,
                         **extra)
    content = pikepdf.Stream(pdf, f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode())
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, pw, ph],
                              Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img)), Contents=content)
    if how == "rotate90":
        page.Rotate = 270  # shown upright: the viewer turns the clockwise-stored image back
    return pikepdf.Page(page)


def scan_pages(pdf: bytes, prof: Profile, pages: set[int], seal_pages: set[int]):
    """Yield (page number, pikepdf page builder args) — the degraded images of ``pages``."""
    from .scan import degrade

    rng = np.random.default_rng(prof.seed)
    for n, img in render_pages(pdf, prof.dpi, prof.colour, pages):
        if prof.legacy:
            yield n, degrade(img, rng)
        else:
            yield n, degrade_page(img, prof, rng, seal=prof.seal and n in seal_pages)


def build(pdf: bytes, prof: Profile, pages: list[int], seal_pages: set[int]) -> bytes:
    """``pdf`` with ``pages`` replaced by their scans in ``prof`` (all pages: a fully scanned document)."""
    import pikepdf

    src = pikepdf.open(io.BytesIO(pdf))
    want = set(pages)
    for n, a in scan_pages(pdf, prof, want, seal_pages):
        src.pages[n - 1] = image_page(src, a, prof, prof.turned.get(n))
    out = io.BytesIO()
    src.remove_unreferenced_resources()
    src.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def subset(pdf: bytes, pages: list[int]) -> bytes:
    """Only ``pages`` (1-based) of ``pdf``, in order (the tests' few-page documents)."""
    import pikepdf

    src = pikepdf.open(io.BytesIO(pdf))
    out = pikepdf.new()
    for n in pages:
        out.pages.append(src.pages[n - 1])
    buf = io.BytesIO()
    out.remove_unreferenced_resources()
    out.save(buf, deterministic_id=True, compress_streams=True)
    return buf.getvalue()
