"""OCR path: number repairs, image geometry, engines, and real OCR of drawn and scanned pages.

Unit tests run without any model. Tests marked ``ocr`` run a real engine on a
few pages (2-5 s each at one thread); the real-corpus test is skipped when
``../shared/corpus/real`` is absent.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import cv2
import numpy as np
import pytest

from extract.errors import ConfigError, StageError
from extract.model import Page, PageKind, Word
from extract.ocr import NullEngine, get_engine
from extract.ocr import image as im
from extract.ocr.numbers import fix_amount, fix_enumerator
from extract.ocr.synthetic import ROWS, draw_table_page
from extract.stages.grid import find_grids
from extract.stages.ocr import OcrOptions, implausible_share, needs_ocr, ocr_image, ocr_page

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
SCANNED_33 = REAL / "33_cs_traffic_police_2023_perf_eval_SCANNED.pdf"


# --- numbers from OCR ------------------------------------------------------

@pytest.mark.parametrize("raw, fixed", [
    ("1,763.09", "1,763.09"),
    ("1,7O3.O9", "1,703.09"),      # O → 0 between digits
    ("l,763.09", "1,763.09"),      # l → 1
    ("I00.5", "100.5"),            # I → 1
    ("1,763，09", "1,763.09"),     # full-width comma before two final digits is the decimal point
    ("1763，09", "1763.09"),
    ("1 763.09", "1,763.09"),      # dropped thousands separator (a gap between 3-digit groups)
    ("1.763.09", "1,763.09"),      # thousands separator read as a dot
    ("-1,2O0.00", "-1,200.00"),
    ("1 763", "1,763"),
])
def test_fix_amount_repairs_provable_confusions(raw: str, fixed: str) -> None:
    assert fix_amount(raw) == fixed


@pytest.mark.parametrize("raw", [
    "合计", "Total", "O", "lo", "2O25年",   # letters not inside an amount
    "1,76.09", "1234,567",                 # groups that are not thousands: unprovable
    "1.763",                               # one dot and three digits: decimal or thousands? leave it
    "1763 09",                             # a space is never a decimal point (two numbers?)
    "12345.6", "0.5%", "(12.00)", "1,763",
])
def test_fix_amount_leaves_unprovable_text(raw: str) -> None:
    assert fix_amount(raw) == raw


@pytest.mark.parametrize("raw, fixed", [
    ("十九，自然资源海洋气象等支出", "十九、自然资源海洋气象等支出"),
    ("二十四． 预备费", "二十四、预备费"),
    ("四.公共安全支出", "四、公共安全支出"),
    ("一、一般公共预算", "一、一般公共预算"),
    ("三,3", "三,3"),
])
def test_fix_enumerator(raw: str, fixed: str) -> None:
    assert fix_enumerator(raw) == fixed


# --- image geometry ---------------------------------------------------------

def _ruled_grid(rows: int = 4, cols: int = 3, dpi: int = 200) -> tuple[np.ndarray, list[int], list[int]]:
    """A white page with a rows × cols ruled grid; returns image, x and y of the lines."""
    img = np.full((1200, 1000), 255, np.uint8)
    xs = [100 + 250 * i for i in range(cols + 1)]
    ys = [150 + 90 * i for i in range(rows + 1)]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    cv2.putText(img, "1,763.09", (130, 210), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)  # text is no ruling
    return img, xs, ys


def test_detect_rulings_finds_every_line_of_a_drawn_grid() -> None:
    img, xs, ys = _ruled_grid()
    lines = im.detect_rulings(img, 200)
    horizontal = sorted((y0 + y1) / 2 for x0, y0, x1, y1 in lines if x1 - x0 > y1 - y0)
    vertical = sorted((x0 + x1) / 2 for x0, y0, x1, y1 in lines if y1 - y0 > x1 - x0)
    assert horizontal == pytest.approx(ys, abs=2)
    assert vertical == pytest.approx(xs, abs=2)


def test_detected_rulings_make_a_grid_in_points() -> None:
    img, xs, ys = _ruled_grid(rows=4, cols=3)
    page, _ = ocr_image(img, 1, NullEngine(), OcrOptions(orient=False, deskew=False))
    grids = find_grids(page)
    assert [(g.n_rows, g.n_cols) for g in grids] == [(4, 3)]
    assert grids[0].x0 == pytest.approx(xs[0] * 72 / 200, abs=1.5)
    assert grids[0].bottom == pytest.approx(ys[-1] * 72 / 200, abs=1.5)


def test_estimate_skew_levels_a_rotated_page() -> None:
    page = draw_table_page(skew=1.0, noise=False, seal=False)
    grey = im.drop_colour_ink(page.image)
    assert im.estimate_skew(grey) == pytest.approx(-1.0, abs=0.2)


def test_text_is_vertical_only_for_sideways_pages() -> None:
    grey = im.drop_colour_ink(draw_table_page(noise=False).image)
    assert not im.text_is_vertical(grey, 200)
    assert im.text_is_vertical(im.turn(grey, 1), 200)


def test_seal_and_watermark_are_removed() -> None:
    grey = im.drop_colour_ink(draw_table_page(noise=False).image)
    assert (grey[int(230 * 200 / 72), int(420 * 200 / 72) - 20:int(420 * 200 / 72) + 20] > 200).all()  # seal star
    # above the table the watermark touches no text: every light stroke goes
    top = grey[:int(105 * 200 / 72)]
    cleaned = im.drop_light_strokes(top)
    assert (top == 205).sum() > 5_000  # the watermark's grey
    assert (cleaned == 205).sum() < 0.02 * (top == 205).sum()
    assert (cleaned < 100).sum() == (top < 100).sum()  # the title's ink is all kept
    # inside the table it may touch rulings and figures: the hard threshold removes it
    assert (im.whiten_light(grey, im.HARD_THRESHOLD) == 205).sum() == 0


def test_ink_bands_split_a_wrapped_cell() -> None:
    crop = np.full((80, 200), 255, np.uint8)
    crop[10:25, 20:180] = 0
    crop[40:55, 20:90] = 0
    crop[70, 5] = 0  # a speck
    assert im.ink_bands(im.despeckle(im.ink_mask(crop), 4) > 0) == [(20, 10, 180, 25), (20, 40, 90, 55)]


# --- engines and failure paths ---------------------------------------------

def test_null_engine_page_has_rulings_and_no_words() -> None:
    page, trace = ocr_image(draw_table_page().image, 3, NullEngine())
    assert page.method == "ocr" and page.page_no == 3 and page.words == []
    assert trace.n_grids == 1 and trace.n_cell_crops > 40
    assert [(g.n_rows, g.n_cols) for g in find_grids(page)] == [(len(ROWS) + 1, 5)]


def test_scripted_null_engine_words_carry_confidence_and_fixes() -> None:
    engine = NullEngine(crop_text=lambda crop: ("1,7O3.O9", 0.61))
    page, _ = ocr_image(draw_table_page(noise=False).image, 1, engine, OcrOptions(orient=False))
    assert page.words and {w.text for w in page.words} == {"1,703.09"}
    assert {w.conf for w in page.words} == {0.61}


def test_engine_crash_becomes_stage_error() -> None:
    with pytest.raises(StageError, match="ocr.*page 2.*boom"):
        ocr_image(draw_table_page().image, 2, NullEngine(fail=RuntimeError("boom")))


def test_unknown_engine_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown OCR engine"):
        get_engine("abbyy")


def test_mojibake_text_layer_is_routed_to_ocr() -> None:
    good = "一般公共预算财政拨款支出表单位万元科目编码功能分类合计基本支出项目支出"
    bad = good.encode("utf-8").decode("gbk", errors="replace")
    assert implausible_share(good) < 0.1 and implausible_share(bad) > 0.5
    page = Page(1, 595, 842, kind=PageKind.TEXT, words=[Word(bad, 0, 0, 10, 10)])
    assert needs_ocr(page)
    assert not needs_ocr(Page(1, 595, 842, kind=PageKind.TEXT, words=[Word(good, 0, 0, 10, 10)]))
    assert needs_ocr(Page(1, 595, 842, kind=PageKind.IMAGE))


# --- real OCR ---------------------------------------------------------------

@pytest.fixture(scope="module")
def rapid():
    return get_engine("rapidocr")


def _cells(page: Page) -> list[list[str]]:
    grids = find_grids(page)
    assert len(grids) == 1
    return grids[0].matrix()


@pytest.mark.ocr
def test_rapidocr_reads_every_cell_of_a_drawn_scan(rapid) -> None:
    drawn = draw_table_page(skew=0.8, seed=1)
    page, trace = ocr_image(drawn.image, 1, rapid)
    assert _cells(page) == drawn.cells
    outside = {w.text for w in page.words if w.top < 120}
    assert drawn.title in outside and "单位：万元" in outside
    assert not any(ch in w.text for w in page.words for ch in "仅供审核")  # no watermark character
    assert trace.n_det_lines == 0  # the fast path: no detector call at all


@pytest.mark.ocr
def test_rapidocr_turns_upside_down_and_sideways_pages(rapid) -> None:
    drawn = draw_table_page(seed=2)
    for turns in (2, 1, 3):
        page, trace = ocr_image(np.ascontiguousarray(np.rot90(drawn.image, turns)), 1, rapid)
        assert (4 - trace.quarter_turns) % 4 == turns
        assert _cells(page) == drawn.cells
        # upside down is found by reading the page again; a sideways page, either way round, is
        # read once: sample lines read both ways chose its turn
        assert trace.reads == (2 if turns == 2 else 1)


@pytest.mark.ocr
def test_rapidocr_runs_offline_on_the_wheel_models(monkeypatch) -> None:
    from extract.ocr import rapid as rapid_mod

    def no_network(*args, **kwargs):
        raise AssertionError("OCR tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert rapid_mod.DET_MODEL.parent == rapid_mod.MODEL_DIR and rapid_mod.DET_MODEL.is_file()
    engine = rapid_mod.RapidEngine()
    crop = draw_table_page(noise=False, seal=False, watermark=False).image[440:500, 160:420]
    assert engine.recognise_crops([cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)])[0][0]


@pytest.mark.ocr
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_tesseract_reads_every_cell_of_a_drawn_scan() -> None:
    drawn = draw_table_page(skew=0.8, seed=3)
    page, _ = ocr_image(drawn.image, 1, get_engine("tesseract"))
    assert _cells(page) == drawn.cells


@pytest.mark.ocr
@pytest.mark.skipif(not SCANNED_33.exists(), reason="real corpus not present")
def test_real_scan_33_page_1(rapid) -> None:
    """Checked against the page picture (pdftoppm -r 70 -f 1 -l 1): title, and line 14's 33个路口."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SCANNED_33))
    page = ocr_page(pdf[0], None, rapid, page_no=1)
    texts = [w.text for w in page.words]
    assert page.method == "ocr" and page.width == pytest.approx(594.75, abs=1)
    assert "2023年度长沙市公安局交通警察支队" in texts
    assert "专项资金绩效评价结果" in texts
    assert "一、项目基本情况" in texts
    assert any("智能网联汽车城市开放测试道路33个路口智能" in t for t in texts)
    assert min(w.conf for w in page.words if "专项资金" in w.text) > 0.9


def test_rapid_squeeze_narrows_crops_only_horizontally():
    pytest.importorskip("rapidocr")
    from extract.ocr.rapid import REC_SQUEEZE, squeeze

    crop = np.full((40, 800), 255, np.uint8)
    crop[10:30, 20:780] = 0
    out = squeeze(crop, REC_SQUEEZE)
    assert out.shape == (40, round(800 * REC_SQUEEZE)) and out.dtype == np.uint8
    assert squeeze(crop, 1.0) is crop
    label = np.zeros((40, 200), np.uint8)
    assert squeeze(label, REC_SQUEEZE) is label  # a short crop (a label, a name cell) is read as cut


def _text_page_with_table_image(path: Path, with_image: bool = True):
    """A born-digital page: a text line, and the table of a drawn scan pasted as a picture."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from extract.ocr.synthetic import COL_WIDTHS_PT, ROW_HEIGHT_PT

    drawn = draw_table_page(seed=3, skew=0.0, seal=False, watermark=False, noise=False)
    px = 200 / 72
    x0, top = 50, 110
    x1, bottom = 60 + sum(COL_WIDTHS_PT) + 10, 120 + ROW_HEIGHT_PT * len(drawn.cells) + 10
    crop = drawn.image[round(top * px):round(bottom * px), round(x0 * px):round(x1 * px)]
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    c.drawString(60, 842 - 60, "说明：下表以图片形式附后。")
    if with_image:
        from PIL import Image

        c.drawImage(ImageReader(Image.fromarray(crop)), x0, 842 - bottom, x1 - x0, bottom - top)
    c.showPage()
    c.save()
    return drawn


@pytest.mark.ocr
def test_table_image_on_a_text_page_is_ocrd_as_a_region(rapid, tmp_path) -> None:
    import pypdfium2 as pdfium

    from extract.stages.ocr import in_regions, ocr_regions
    from extract.stages.read import read_page

    drawn = _text_page_with_table_image(tmp_path / "region.pdf")
    pdf = pdfium.PdfDocument(str(tmp_path / "region.pdf"))
    page = read_page(pdf[0], 1)
    assert page.kind == PageKind.TEXT and page.method == "text"
    regions = ocr_regions(pdf[0], page, rapid)
    assert len(regions) == 1
    assert "说明：下表以图片形式附后。" in "".join(w.text for w in page.words)  # the text layer stays
    (g,) = find_grids(page)
    assert g.matrix() == drawn.cells and in_regions((g.x0, g.top, g.x1, g.bottom), regions)


def test_text_page_without_images_has_no_regions(tmp_path) -> None:
    import pypdfium2 as pdfium

    from extract.stages.ocr import ocr_regions
    from extract.stages.read import read_page

    _text_page_with_table_image(tmp_path / "plain.pdf", with_image=False)
    pdf = pdfium.PdfDocument(str(tmp_path / "plain.pdf"))
    page = read_page(pdf[0], 1)
    engine = NullEngine()
    assert ocr_regions(pdf[0], page, engine) == [] and engine.calls == []


def test_an_image_without_a_ruled_table_is_not_ocrd(tmp_path) -> None:
    """A chart or cover picture on a text page stays out of the page text."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from extract.stages.ocr import image_regions, ocr_regions
    from extract.stages.read import read_page

    img = Image.new("RGB", (800, 600), "white")
    ImageDraw.Draw(img).ellipse((150, 50, 650, 550), fill=(90, 160, 230))  # a pie chart
    c = canvas.Canvas(str(tmp_path / "chart.pdf"), pagesize=(595, 842))
    c.drawString(60, 782, "Income chart")
    c.drawImage(ImageReader(img), 100, 300, 400, 300)
    c.showPage()
    c.save()
    pdf = pdfium.PdfDocument(str(tmp_path / "chart.pdf"))
    page = read_page(pdf[0], 1)
    engine = NullEngine()
    assert len(image_regions(pdf[0], page)) == 1  # large enough to look at ...
    assert ocr_regions(pdf[0], page, engine) == [] and engine.calls == []  # ... but no grid: not read


def test_is_bilevel_tells_a_one_bit_scan_from_grey_ink() -> None:
    bw = np.full((200, 200), 255, np.uint8)
    bw[50:60, 20:180] = 0
    assert im.is_bilevel(bw)
    grey = bw.copy()
    grey[60:62, 20:180] = 128  # anti-aliased edge
    assert not im.is_bilevel(grey)
    assert not im.is_bilevel(np.full((50, 50), 255, np.uint8))  # a blank page is nothing


def _ctc_steps(chars: list[str], seq: list[tuple[str, dict[str, float]]]) -> np.ndarray:
    """(1, steps, classes) CTC output: each step's probabilities by character."""
    out = np.zeros((1, len(seq), len(chars)), np.float32)
    for t, (_, probs) in enumerate(seq):
        for ch, p in probs.items():
            out[0, t, chars.index(ch)] = p
    return out


def test_a_dot_between_ideographs_is_read_as_the_best_chinese_mark():
    pytest.importorskip("rapidocr")
    from extract.ocr.rapid import _ArgmaxDecode

    rapid = get_engine("rapidocr")
    decode = rapid._rec.postprocess_op
    assert isinstance(decode, _ArgmaxDecode)
    chars = list(decode.op.character)

    def read(seq):
        (text, _), = decode(_ctc_steps(chars, seq))[0]
        return text

    dot = {".": 0.5, "，": 0.4, "、": 0.1}
    assert read([("", {"场": 1.0}), ("", {"所": 1.0}), ("", dot), ("", {"除": 1.0})]) == "场所，除"
    assert read([("", {"）": 1.0}), ("", dot), ("", {"科": 1.0})]) == "），科"
    # a decimal point, a Latin sentence and a unit after a slash keep their dot
    assert read([("", {"2": 1.0}), ("", dot), ("", {"5": 1.0})]) == "2.5"
    assert read([("", {"元": 1.0}), ("", {"/": 1.0}), ("", {"人": 1.0}), ("", dot), ("", {"年": 1.0})]) == "元/人.年"
    assert read([("", {"场": 1.0}), ("", dot)]) == "场."


def test_traditional_forms_from_the_recogniser_are_folded_to_simplified():
    from extract.ocr.numbers import fix_script

    assert fix_script("加強新疆監獄工作") == "加强新疆监狱工作"
    assert fix_script("金額") == "金额" and fix_script("预算") == "预算"
    assert fix_script("1,245.30") == "1,245.30" and fix_script("乾隆") == "乾隆"


# --- prose repairs ----------------------------------------------------------

def test_title_marks_read_as_brackets_are_put_back_only_around_a_title() -> None:
    from extract.ocr.prose import fix_title_marks

    # (…法) and a half-read pair (…条例》 / 《…规范) are titles: 《》
    assert fix_title_marks("根据(中华人民共和国人民警察法)、(戒毒条例》以及《司法行政系统工作规范)等") == \
        "根据《中华人民共和国人民警察法》、《戒毒条例》以及《司法行政系统工作规范》等"
    assert fix_title_marks("印发《关于加强管理的通知〉的") == "印发《关于加强管理的通知》的"
    # brackets that hold no title stay brackets
    for text in ("(1)负责警卫工作;(2)负责执勤", "按照(以下简称办法)执行", "(试行)", "(晋财政法〔2013〕122号)",
                 "项目(含办公设备购置)", "(2025年度)"):
        assert fix_title_marks(text) == text
    assert fix_title_marks(None) is None and fix_title_marks("(Labor Law)") == "(Labor Law)"


def test_ocr_section_text_gets_its_title_marks_back_and_a_text_layer_does_not() -> None:
    from pathlib import Path

    from extract.model import Document, Page, PageKind, Word
    from extract.stages.sections import extract_sections

    def page(no: int, method: str) -> Page:
        lines = ["一、部门职责", "根据(中华人民共和国预算法)规定,编制本部门预算。"]
        words = [Word(t, 72, 100 + 30 * i, 72 + 12 * len(t), 112 + 30 * i, size=12) for i, t in enumerate(lines)]
        return Page(page_no=no, width=595, height=842, kind=PageKind.IMAGE if method == "ocr" else PageKind.TEXT,
                    method=method, words=words)

    for method, want in (("ocr", "根据《中华人民共和国预算法》规定,编制本部门预算。"),
                         ("text", "根据(中华人民共和国预算法)规定,编制本部门预算。")):
        doc = Document(doc_id="d", path="d.pdf", source=Path("d.pdf"), pages=[page(1, method)])
        (row,) = [r for r in extract_sections(doc) if r["heading"].startswith("一")]
        assert row["text"] == want


def test_a_page_without_sample_lines_leaves_its_turn_to_the_whole_read() -> None:
    from extract.options import OcrOptions
    from extract.stages.ocr import OcrTrace, reads_better_flipped

    blank = np.full((600, 400), 255, np.uint8)
    engine = NullEngine()
    assert reads_better_flipped(blank, engine, OcrOptions(), OcrTrace()) is None
    assert engine.calls == []  # nothing to read, nothing read


def test_recognition_batches_keep_padding_small() -> None:
    pytest.importorskip("rapidocr")
    from extract.ocr.rapid import width_batches

    # narrow cells batch six at a time; a wide prose line is not padded out to by a narrow one,
    # nor a narrow one padded to the prose line's width
    ratios = [2.0, 2.1, 2.05, 2.0, 2.2, 2.15, 2.1, 30.0, 2.0, 31.0, 60.0]
    batches = width_batches(ratios, 6, 1.1)
    assert sorted(j for b in batches for j in b) == list(range(len(ratios)))
    assert all(len(b) <= 6 for b in batches)
    assert all(max(ratios[j] for j in b) <= 1.1 * min(ratios[j] for j in b) for b in batches)
    assert [len(b) for b in batches] == [6, 2, 2, 1]
