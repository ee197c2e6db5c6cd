"""A scanned-looking budget table page, drawn offline, for tests and the benchmark.

The real scanned samples are few and have no ground truth per cell; this draws
a ruled table with Chinese labels and amounts (WenQuanYi Zen Hei), a title
above it, the light-grey 35° watermark 仅供内部审核, an optional red seal, scan
noise and an optional small skew, and returns the image with the exact cell
texts it drew.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
WATERMARK = "仅供内部审核"

HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
ROWS = [
    ["201", "一般公共服务支出", "1,763.09", "1,520.00", "243.09"],
    ["20101", "人大事务", "86.50", "86.50", "0.00"],
    ["2010101", "行政运行", "1,245.30", "1,002.21", "243.09"],
    ["208", "社会保障和就业支出", "312.47", "312.47", "0.00"],
    ["20805", "行政事业单位养老支出", "208.16", "208.16", "0.00"],
    ["2080505", "机关事业单位基本养老保险缴费支出", "104.31", "104.31", "0.00"],
    ["221", "住房保障支出", "96.00", "96.00", "0.00"],
    ["", "合计", "2,171.56", "1,928.47", "243.09"],
]
COL_WIDTHS_PT = [70, 190, 80, 80, 80]
ROW_HEIGHT_PT = 24


@dataclass
class SyntheticPage:
    """The drawn page (RGB, ``dpi``) and the text of every table cell, row-major."""

    image: np.ndarray
    dpi: int
    cells: list[list[str]]
    title: str


def font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size_px)


def draw_table_page(dpi: int = 200, seed: int = 0, skew: float = 0.0, seal: bool = True,
                    watermark: bool = True, noise: bool = True, rows: list[list[str]] | None = None) -> SyntheticPage:
    """Draw an A4 portrait page holding one ruled table; see the module docstring."""
    px = dpi / 72
    w, h = round(595 * px), round(842 * px)
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    title = "2025年部门预算财政拨款支出表"
    draw.text((w / 2, 80 * px), title, font=font(round(16 * px)), fill=(0, 0, 0), anchor="mm")
    draw.text((int(60 * px + sum(COL_WIDTHS_PT) * px), 112 * px), "单位：万元", font=font(round(10 * px)),
              fill=(0, 0, 0), anchor="rm")
    body = [HEADER] + (rows or ROWS)
    _draw_grid(draw, body, 60 * px, 120 * px, px)
    if watermark:
        img = _add_watermark(img, px)
    if seal:
        img = _add_seal(img, px)
    arr = np.asarray(img).copy()
    if skew:
        turned = Image.fromarray(arr).rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor="white")
        arr = np.asarray(turned).copy()
    if noise:
        arr = _add_noise(arr, seed)
    return SyntheticPage(arr, dpi, body, title)


def _draw_grid(draw: ImageDraw.ImageDraw, body: list[list[str]], left: float, top: float, px: float) -> None:
    xs = [left]
    for cw in COL_WIDTHS_PT:
        xs.append(xs[-1] + cw * px)
    ys = [top + i * ROW_HEIGHT_PT * px for i in range(len(body) + 1)]
    lw = max(2, round(0.75 * px))
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=(0, 0, 0), width=lw)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=(0, 0, 0), width=lw)
    f = font(round(10 * px))
    for r, row in enumerate(body):
        for c, text in enumerate(row):
            if not text:
                continue
            yc = (ys[r] + ys[r + 1]) / 2
            if c >= 2 and r > 0:  # amounts right-aligned, as printed
                draw.text((xs[c + 1] - 6 * px, yc), text, font=f, fill=(0, 0, 0), anchor="rm")
            else:
                draw.text((xs[c] + 5 * px, yc), text, font=f, fill=(0, 0, 0), anchor="lm")


def _add_watermark(img: Image.Image, px: float) -> Image.Image:
    layer = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(layer)
    f = font(round(40 * px))
    for y in range(0, img.size[1], round(220 * px)):
        for x in range(-img.size[0] // 2, img.size[0], round(330 * px)):
            d.text((x, y), WATERMARK, font=f, fill=255)
    mask = np.asarray(layer.rotate(35, resample=Image.Resampling.BILINEAR))[..., None] > 128
    # light grey ink *under* the text: the darker of page and watermark wins
    return Image.fromarray(np.minimum(np.asarray(img), np.where(mask, 205, 255)).astype(np.uint8))


def _add_seal(img: Image.Image, px: float) -> Image.Image:
    """A red seal printed over the table: ink multiplies, so black text stays black."""
    layer = Image.new("RGB", img.size, "white")
    d = ImageDraw.Draw(layer)
    cx, cy, r = 420 * px, 230 * px, 55 * px
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(220, 30, 30), width=round(3 * px))
    d.text((cx, cy), "★", font=font(round(28 * px)), fill=(220, 30, 30), anchor="mm")
    d.text((cx, cy + 30 * px), "财务专用章", font=font(round(10 * px)), fill=(220, 30, 30), anchor="mm")
    return Image.fromarray(np.minimum(np.asarray(img), np.asarray(layer)))


def _add_noise(arr: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = arr.astype(np.int16) + rng.normal(0, 6, arr.shape[:2])[..., None].astype(np.int16)
    specks = rng.random(arr.shape[:2]) < 0.0004
    noisy[specks] = 0
    return np.clip(noisy, 0, 255).astype(np.uint8)
