"""Rasterise / degrade pages (scanned variants) and strip ToUnicode maps."""
from __future__ import annotations

import io

import numpy as np


def _render(pdf: bytes, dpi=200):
    import pypdfium2 as pdfium

    d = pdfium.PdfDocument(pdf)
    try:
        for i in range(len(d)):
            page = d[i]
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            yield i + 1, img
            page.close()
    finally:
        d.close()


def degrade(img, rng: np.random.Generator) -> np.ndarray:
    """Greyscale 'scan': slight skew (±0.5–1°), shift, blur, paper tone, ink noise, speckle."""
    import cv2

    a = np.asarray(img, dtype=np.float32)
    h, w = a.shape
    angle = float(rng.choice([-1, 1]) * rng.uniform(0.5, 1.0))
    M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    M[:, 2] += rng.uniform(-6, 6, size=2)
    a = cv2.warpAffine(a, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    a = cv2.GaussianBlur(a, (3, 3), 0.6)
    a = 255 - (255 - a) * 1.05
    noise = rng.normal(0, 6.0, size=a.shape).astype(np.float32)
    a = a + noise * (a < 235)
    speck = rng.random(a.shape) < 0.0004
    a[speck] = rng.uniform(40, 160, size=int(speck.sum()))
    return np.clip(a, 0, 255).astype(np.uint8)


def _jpeg(a: np.ndarray, quality=62) -> bytes:
    from PIL import Image

    a = a.copy()
    a[a > 236] = 245
    out = io.BytesIO()
    Image.fromarray(a, "L").save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _grey2(a: np.ndarray) -> bytes:
    """4 grey levels, 2 bits per pixel, packed rows (PDF /BitsPerComponent 2)."""
    q = (a.astype(np.uint16) * 4 // 256).astype(np.uint8)  # 0..3
    bits = np.unpackbits(q[..., None], axis=2)[..., 6:].reshape(q.shape[0], -1)
    return np.packbits(bits, axis=1).tobytes()


def _image_pages(pdf, arrays, mode):
    """Append one A4 page per greyscale array to pikepdf ``pdf``; return the pages."""
    import zlib

    import pikepdf
    from reportlab.lib.pagesizes import A4

    pages = []
    for a in arrays:
        h, w = a.shape
        if mode == "jpeg":
            data, extra = _jpeg(a), dict(Filter=pikepdf.Name.DCTDecode, BitsPerComponent=8)
        elif mode == "grey2":
            data, extra = zlib.compress(_grey2(a), 9), dict(Filter=pikepdf.Name.FlateDecode, BitsPerComponent=2)
        else:  # g4: bilevel CCITT group 4 via Pillow/libtiff
            data, extra = _g4(a)
        img = pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w, Height=h,
                             ColorSpace=pikepdf.Name.DeviceGray, **extra)
        content = pikepdf.Stream(pdf, f"q {A4[0]:.2f} 0 0 {A4[1]:.2f} 0 0 cm /Im0 Do Q".encode())
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, A4[0], A4[1]],
                                  Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img)),
                                  Contents=content)
        pages.append(pikepdf.Page(page))
    return pages


def _g4(a: np.ndarray):
    import pikepdf
    from PIL import Image

    bw = Image.fromarray(np.where(a > 150, 255, 0).astype(np.uint8), "L").convert("1")
    buf = io.BytesIO()
    bw.save(buf, "PDF")  # Pillow writes mode-1 images as CCITT G4
    src = pikepdf.open(io.BytesIO(buf.getvalue()))
    xo = next(iter(src.pages[0].images.values()))
    parms = xo.get("/DecodeParms")
    if isinstance(parms, pikepdf.Array):
        parms = parms[0]
    d = pikepdf.Dictionary(K=int(parms.get("/K", -1)), Columns=int(parms.get("/Columns", a.shape[1])),
                           Rows=int(parms.get("/Rows", a.shape[0])))
    if "/BlackIs1" in parms:
        d.BlackIs1 = bool(parms.BlackIs1)
    extra = dict(Filter=pikepdf.Name.CCITTFaxDecode, BitsPerComponent=1, DecodeParms=d)
    return xo.read_raw_bytes(), extra


def scan_all(pdf: bytes, seed: int, dpi=200, mode="g4") -> bytes:
    import pikepdf

    rng = np.random.default_rng(seed)
    out = pikepdf.new()
    for p in _image_pages(out, [degrade(img, rng) for _, img in _render(pdf, dpi)], mode):
        out.pages.append(p)
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, compress_streams=True)
    return buf.getvalue()


def replace_pages_with_scans(pdf: bytes, pages: list[int], seed: int, dpi=200, mode="grey2") -> bytes:
    import pikepdf

    rng = np.random.default_rng(seed)
    want = sorted(set(pages))
    arrays = {n: degrade(img, rng) for n, img in _render(pdf, dpi) if n in want}
    src = pikepdf.open(io.BytesIO(pdf))
    for n, p in zip(want, _image_pages(src, [arrays[n] for n in want], mode)):
        src.pages[n - 1] = p
    out = io.BytesIO()
    src.remove_unreferenced_resources()
    src.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def strip_tounicode(pdf: bytes) -> bytes:
    """Remove every /ToUnicode CMap so text extraction returns (cid:N) / garbage."""
    import pikepdf

    src = pikepdf.open(io.BytesIO(pdf))
    n = 0
    for obj in src.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font and "/ToUnicode" in obj:
            del obj["/ToUnicode"]
            n += 1
    assert n > 0
    out = io.BytesIO()
    src.remove_unreferenced_resources()
    src.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()
