"""The scan preprocessing of issue 13 on small synthetic images: fast, no OCR engine.

Each test builds a picture whose right answer is known by construction (a page of strokes under a
lighting fall-off, a red seal stamped over black strokes, a watermark next to text, lines of text turned
by 90°) and checks the function that must undo it.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from extract.ocr import image as im

DPI = 200
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def _strokes(h: int = 600, w: int = 800) -> np.ndarray:
    """White page with black text-like strokes (3 px wide) and a table rule."""
    page = np.full((h, w), 255, np.uint8)
    for y in range(60, h - 60, 40):
        for x in range(40, w - 60, 30):
            cv2.rectangle(page, (x, y), (x + 18, y + 3), 0, -1)
            cv2.rectangle(page, (x + 7, y - 10), (x + 10, y + 12), 0, -1)
    cv2.line(page, (20, 30), (w - 20, 30), 0, 2)
    return page


def _lighting(h: int, w: int) -> np.ndarray:
    """A fall-off from full light on the left to 60% on the right, and a dimmer band at the bottom."""
    x = np.linspace(1.0, 0.6, w, dtype=np.float32)[None, :]
    y = np.linspace(1.0, 0.85, h, dtype=np.float32)[:, None]
    return x * y


def test_flatten_restores_a_uniform_white_background():
    page = _strokes()
    lit = (page.astype(np.float32) * 0.9 * _lighting(*page.shape)).astype(np.uint8)  # grey paper, uneven light
    background = im.estimate_background(lit, DPI)
    assert im.needs_flattening(background)
    flat = im.flatten(lit, background)
    paper, ink = page == 255, page == 0
    # keep clear of stroke edges, where the quarter-scale background blurs a little
    paper &= cv2.erode(paper.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    assert lit[paper].min() < 140 and lit[paper].max() > 220  # the input is far from even
    assert flat[paper].min() >= 240  # paper is white everywhere after flattening
    assert np.percentile(flat[ink], 99) < 30  # ink keeps its contrast


def test_a_white_even_page_is_left_alone():
    page = _strokes()
    assert not im.needs_flattening(im.estimate_background(page, DPI))


def test_flatten_keeps_a_large_dark_area_dark():
    """A filled box is content, not shadow (MIN_BACKGROUND_SHARE)."""
    page = _strokes()
    page[200:400, 200:500] = 30
    lit = (page.astype(np.float32) * _lighting(*page.shape)).astype(np.uint8)
    flat = im.flatten(lit, im.estimate_background(lit, DPI))
    assert np.median(flat[250:350, 250:450]) < 100


def test_seal_remover_keeps_black_strokes_under_red_ink():
    page = _strokes()
    rgb = np.repeat(page[..., None], 3, axis=2).astype(np.float32) / 255
    seal = np.zeros(page.shape, np.uint8)
    cv2.circle(seal, (400, 300), 150, 255, 12)
    cv2.circle(seal, (400, 300), 60, 255, -1)
    cover = seal.astype(np.float32)[..., None] / 255
    red = np.array([0.86, 0.16, 0.14], np.float32)
    stamped = (rgb * (1 - cover * (1 - red)) * 255).astype(np.uint8)  # ink multiplies, as on paper
    grey = im.drop_colour_ink(stamped)
    under = (seal > 0) & (page == 0)
    red_only = (seal > 0) & (page == 255)
    assert under.sum() > 500 and red_only.sum() > 5000
    assert grey[under].max() < 60  # black strokes under the seal stay black
    assert grey[red_only].min() > 200  # the seal itself is gone
    assert np.array_equal(grey[seal == 0], page[seal == 0])  # nothing else changes


def test_seal_remover_keeps_the_grey_edges_of_strokes_under_red_ink():
    """Anti-aliased stroke edges under the seal keep their grey (whitening every saturated pixel cut them)."""
    page = cv2.GaussianBlur(_strokes(), (0, 0), 1.0)
    rgb = np.repeat(page[..., None], 3, axis=2).astype(np.float32) / 255
    red = np.array([0.86, 0.16, 0.14], np.float32)
    stamped = (rgb * red * 255).astype(np.uint8)  # the whole page under seal ink
    grey = im.drop_colour_ink(stamped)
    edge = (page > 60) & (page < 200)
    assert edge.sum() > 1000
    got, was = grey[edge].astype(int), page[edge].astype(int)
    assert (got <= was).all()  # never lightened (the old remover set these to 255)
    assert np.median(was - got) <= 0.25 * np.median(was)  # about as grey as before (seal red passes 86%)


def test_lift_light_layer_drops_a_watermark_and_keeps_stroke_edges():
    page = np.full((200, 400), 255, np.uint8)
    cv2.line(page, (20, 150), (380, 40), 195, 14)  # a light watermark stroke
    cv2.rectangle(page, (50, 50), (150, 56), 0, -1)  # a black stroke ...
    page[49, 50:151] = 140  # ... with a grey anti-aliased edge above it
    out = im.lift_light_layer(page, DPI)
    assert out[140:160, 20:40].min() == 255  # the watermark is gone
    assert (out[49, 60:140] == 140).all()  # the edge keeps its grey
    assert (out[50:57, 50:151] == 0).all()


def test_lift_light_layer_keeps_a_decimal_point():
    page = np.full((60, 60), 255, np.uint8)
    page[30:32, 30:32] = 20  # a 2×2 px point, as 人.年 prints it at 200 dpi
    assert im.lift_light_layer(page, DPI)[30:32, 30:32].max() == 20


@pytest.mark.skipif(not FONT.is_file(), reason="WenQuanYi Zen Hei not installed (make deps)")
def test_rotation_detection_finds_a_quarter_turn():
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1400, 1000), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 28)
    for i, y in enumerate(range(60, 940, 48)):
        draw.text((60, y), "强制隔离戒毒所政经费按照山西省财政厅关于印发的通知要求" [i % 5:], fill=0, font=font)
    page = np.asarray(img)
    assert not im.text_is_vertical(page, DPI)
    assert im.text_is_vertical(im.turn(page, 1), DPI)
    assert im.text_is_vertical(im.turn(page, 3), DPI)
