"""A mixed document whose scanned copies come from a harsher scan than ``samples/yq2025_mixed.pdf`` (issue 13).

    python -m tools.harsh_mixed OUT.pdf [--profile harsh|grey150] [--seed N]

Takes ``samples/yq2025_born_digital.pdf`` and replaces the pages the mixed
sample scans (its truth's ``image_only_pages``: every copy-2 绩效目标表) with
grey JPEG scans, so ``samples/yq2025_mixed.truth.json`` is the truth of the
result too (same content, same pages, only how they are stored differs).

Profiles:

- ``grey150``: the generator's :func:`tools.make_samples.scan.degrade` at 150 dpi
  (the committed sample is 200 dpi, 4-level grey), stored as grey JPEG;
- ``harsh``: a grey paper tone, lighting that falls off across the page, a soft
  grey watermark band and a down/up-sampling pass (anti-aliased strokes) before
  the generator's degrade; at ``--dpi 200`` OCR still reads every form's name and
  amounts but leaves most prose cells unread, at 150 dpi it garbles the names too.

Measured on issue 13's branch (``python tools/score_copies.py OUT samples/yq2025_mixed.truth.json``):
grey150 gives 7 projects from 14 copies and the truth's canonical 文号 set (68 of 72
citations: OCR loses four outright); harsh at 200 dpi 7 projects from 14 copies,
but no 文号 read from the scanned copies; harsh at 150 dpi 12 projects from 13 copies
(names garbled past any similarity rule, one copy not read as a form).

The generator's ``scan.py`` is left alone (another change adds named profiles
there); this tool uses its rendering and page-writing helpers.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

#: Paper tone of the harsh scan (0 black, 255 white): a grey, recycled-paper page.
PAPER = 212.0
#: Lighting falls off to this fraction across the page (one lamp at one side of the scanner).
LIGHT_FLOOR = 0.82
#: The watermark band's ink (grey level it darkens the paper towards) and its opacity.
WATERMARK_INK, WATERMARK_ALPHA = 150.0, 0.22
#: Down-sampling factor of the anti-aliasing pass (the page is read at a lower resolution, then upscaled).
AA_FACTOR = 0.7


def harsh(img: object, rng: np.random.Generator) -> np.ndarray:
    """Grey paper, uneven lighting, a soft watermark band and anti-aliasing, then the generator's degrade."""
    import cv2
    from PIL import Image, ImageDraw

    from tools.make_samples.scan import degrade

    a = np.asarray(img, dtype=np.float32)
    h, w = a.shape
    ink = 1.0 - a / 255.0  # 0 paper, 1 ink
    a = PAPER * (1.0 - ink)
    ramp = np.linspace(1.0, LIGHT_FLOOR, w, dtype=np.float32)[None, :] * np.linspace(
        1.0, (1.0 + LIGHT_FLOOR) / 2, h, dtype=np.float32)[:, None]
    a = a * ramp
    mark = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mark)
    font = _font(int(h / 14))
    draw.text((w * 0.12, h * 0.42), "内部资料 注意保存", fill=255, font=font)
    mark = mark.rotate(float(rng.uniform(20, 35)), resample=Image.BILINEAR)
    m = np.asarray(mark, dtype=np.float32) / 255.0 * WATERMARK_ALPHA
    a = a * (1 - m) + WATERMARK_INK * m
    small = cv2.resize(a, (int(w * AA_FACTOR), int(h * AA_FACTOR)), interpolation=cv2.INTER_AREA)
    a = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return degrade(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L"), rng)


def _font(size: int) -> object:
    from PIL import ImageFont

    for path in ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def build(out: Path, profile: str = "harsh", seed: int = 11, dpi: int = 150) -> list[int]:
    """Write the mixed document to ``out``; returns the scanned pages."""
    import pikepdf

    from tools.make_samples.scan import _image_pages, _render, degrade

    truth = json.loads((SAMPLES / "yq2025_mixed.truth.json").read_text(encoding="utf-8"))
    pages = list(truth["documents"][0]["image_only_pages"])
    pdf = (SAMPLES / "yq2025_born_digital.pdf").read_bytes()
    rng = np.random.default_rng(seed)
    shade = harsh if profile == "harsh" else degrade
    arrays = {n: shade(img, rng) for n, img in _render(pdf, dpi) if n in pages}
    src = pikepdf.open(io.BytesIO(pdf))
    for n, p in zip(pages, _image_pages(src, [arrays[n] for n in pages], "jpeg")):
        src.pages[n - 1] = p
    src.remove_unreferenced_resources()
    src.save(out, deterministic_id=True, compress_streams=True)
    return pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--profile", choices=["harsh", "grey150"], default="harsh")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--dpi", type=int, default=150)
    a = ap.parse_args()
    pages = build(a.out, a.profile, a.seed, a.dpi)
    print(f"{a.out}: pages {pages[0]}-{pages[-1]} scanned ({a.profile}, {a.dpi} dpi)")


if __name__ == "__main__":
    main()
