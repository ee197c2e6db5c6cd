"""Direct tests of the page-geometry rules on constructed words, glyphs, rulings and pixels.

Layout, grid, sections, read, normalise and the OCR image helpers: the case each rule exists for, and the
case it must leave alone.
"""

from __future__ import annotations

import numpy as np
import pytest

from extract.model import Document, PageFacts, PageKind, Ruling
from extract.ocr import image as I
from extract.stages import grid as G
from extract.stages import normalise as N
from extract.stages import read as R
from extract.stages import sections as S
from extract.stages.layout import group_lines, line_text, words_text
from extract.stages.numbers import is_amount
from tests.grids import grid, line, page, word

# ----------------------------------------------------------------------------- lines of words


def test_group_lines_by_centre_and_by_overlap_of_mixed_sizes():
    small = word("单位：万元", 400, 106, size=8)  # centre 110: 5 pt off the title's 105, but inside its height
    lines = group_lines([word("收支总表", 200, 95, size=20), small, word("第二行", 72, 130)])
    assert [[w.text for w in ln] for ln in lines] == [["收支总表", "单位：万元"], ["第二行"]]


def test_group_lines_keeps_close_lines_apart_when_they_do_not_overlap():
    lines = group_lines([word("上", 72, 100, size=4), word("下", 72, 104, size=4)], y_tolerance=2.5)
    assert len(lines) == 2


def test_line_text_a_wide_gap_is_one_space():
    assert line_text([word("项目", 72, 100), word("金额", 87, 100)]) == "项目金额"  # 3 pt: the same phrase
    assert line_text([word("项目", 72, 100), word("金额", 120, 100)]) == "项目 金额"  # 28 pt > 1.5 em


def test_words_text_reads_lines_top_to_bottom_as_chinese():
    assert words_text([word("金", 72, 112), word("财政资", 72, 100)]) == "财政资金"


# ----------------------------------------------------------------------------- ruled grids


def _lattice(xs: list[float], ys: list[float], *, top_rule: bool = True) -> list[Ruling]:
    rules = [Ruling(x, ys[0], x, ys[-1]) for x in xs]
    rules += [Ruling(xs[0], y, xs[-1], y) for y in (ys if top_rule else ys[1:])]
    return rules


def test_close_open_grids_draws_the_missing_top_border():
    """A table continued over a page break is printed without its top rule."""
    rules = _lattice([72, 200, 300], [100, 120, 140], top_rule=False)
    added = G.close_open_grids(rules)[len(rules):]
    assert added == [Ruling(72, 100, 300, 100)]


def test_close_open_grids_leaves_closed_grids_and_lone_verticals():
    closed = _lattice([72, 200, 300], [100, 120, 140])
    assert G.close_open_grids(closed) == closed
    lone = [Ruling(72, 100, 72, 140), Ruling(72, 140, 300, 140)]
    assert G.close_open_grids(lone) == lone


def test_close_open_grids_ignores_ends_of_excel_border_segments():
    """Excel exports draw a column border as one segment per cell: a segment's end is no open edge."""
    rules = [Ruling(x, y, x, y + 20) for x in (72, 200) for y in (100, 120)]
    rules += [Ruling(72, y, 200, y) for y in (100, 120, 140)]
    assert G.close_open_grids(rules) == rules
    assert G._continues(rules, 200, 125) and not G._continues(rules, 200, 150)


def test_find_grids_merged_header_and_words_in_cells():
    rules = _lattice([72, 200, 300, 400], [100, 120, 140])
    rules = [r for r in rules if not (r.x0 == 300 and r.x1 == 300)]  # 300 drawn only below the header
    rules += [Ruling(300, 120, 300, 140)]
    words = [word("项目", 80, 105), word("2025年预算数", 210, 105), word("工资", 80, 125),
             word("1.00", 210, 125, width=20), word("2.00", 310, 125, width=20), word("页眉", 80, 60)]
    p = page(words, rulings=rules)
    [g] = G.find_grids(p)
    assert (g.n_rows, g.n_cols) == (2, 3)
    assert [(c.row, c.col, c.col_span, c.text) for c in g.cells] == [
        (0, 0, 1, "项目"), (0, 1, 2, "2025年预算数"), (1, 0, 1, "工资"), (1, 1, 1, "1.00"), (1, 2, 1, "2.00")]
    p.grids = [g]
    assert G.words_in_grids(p) == {0, 1, 2, 3, 4}


def test_find_grids_recovers_the_first_row_of_an_open_grid():
    rules = _lattice([72, 200, 300], [100, 120, 140], top_rule=False)
    p = page([word("工资", 80, 105), word("1.00", 210, 105, width=20)], rulings=rules)
    [g] = G.find_grids(p)
    assert (g.n_rows, g.matrix()[0]) == (2, ["工资", "1.00"])


def test_find_grids_one_column_box_is_no_table():
    assert G.find_grids(page([word("说明", 80, 105)], rulings=_lattice([72, 300], [100, 140]))) == []


# ----------------------------------------------------------------------------- rules-only tables (三线表)

_ROWS = [("工资福利支出", "1,000.00", "800.00"), ("商品和服务支出", "200.00", "100.00"),
         ("合计", "1,200.00", "900.00")]


def _three_line_words(top: float, rows=_ROWS) -> list:
    words = [word("项目", 80, top + 10), word("合计", 300, top + 10), word("基本支出", 420, top + 10)]
    for k, (a, b, c) in enumerate(rows):
        y = top + 40 + 20 * k
        words += [word(a, 80, y), word(b, 300, y, width=40), word(c, 420, y, width=35)]
    return words


def _rules(*ys: float) -> list[Ruling]:
    return [Ruling(72, y, 523, y) for y in ys]


def test_rule_table_from_three_rules():
    p = page(_three_line_words(100) + line(["2025年一般公共预算基本支出表"], 60), rulings=_rules(100, 130, 200))
    [g] = G.find_rule_tables(p, [])
    assert (g.n_rows, g.n_cols, g.header_rows, g.top, g.bottom) == (4, 3, 1, 100, 200)
    assert g.matrix() == [["项目", "合计", "基本支出"], list(_ROWS[0]), list(_ROWS[1]), list(_ROWS[2])]
    assert sorted({c.x0 for c in g.cells}) == [72, 225.0, 380.0]  # half-way between label columns' extents


def test_rule_table_cut_by_a_page_runs_on_below_the_header_rule():
    words = _three_line_words(100, _ROWS[:2]) + [word("- 5 -", 280, 800)]
    [g] = G.find_rule_tables(page(words, rulings=_rules(100, 130)), [])
    assert (g.n_rows, g.bottom) == (3, 172.0)  # the page number 600 pt lower is not a row
    assert g.matrix()[2] == list(_ROWS[1])


def test_rule_tables_parted_by_a_caption_between_their_rules():
    words = _three_line_words(100) + _three_line_words(260) + line(["2025年政府性基金预算支出表"], 225)
    rules = _rules(100, 130, 200, 260, 290, 360)
    assert [(g.top, g.bottom) for g in G.find_rule_tables(page(words, rulings=rules), [])] == [
        (100, 200), (260, 360)]
    uncaptioned = [w for w in words if w.top != 225]
    assert [(g.top, g.bottom) for g in G.find_rule_tables(page(uncaptioned, rulings=rules), [])] == [(100, 360)]


def test_rule_table_needs_amounts_and_leaves_rules_of_ruled_grids():
    prose = [word("说明", 80, 110), word("本部门", 80, 140), word("职能", 300, 140)]
    assert G.find_rule_tables(page(prose, rulings=_rules(100, 130)), []) == []
    box = grid([["a", "b"]], widths=[225.5, 225.5], x0=72, top=95, row_height=110)
    assert G.find_rule_tables(page(_three_line_words(100), rulings=_rules(100, 130, 200)), [box]) == []


def test_rule_groups_share_both_ends():
    a, b, c = Ruling(72, 100, 523, 100), Ruling(74, 130, 521, 130), Ruling(72, 160, 400, 160)
    assert G._rule_groups([a, b, c]) == [[a, b]]


def test_is_caption():
    assert G._is_caption(line(["2025年部门收支总表"], 0))
    assert G._is_caption(line(["单位：万元"], 0)) and G._is_caption(line(["预算公开表3"], 0))
    assert not G._is_caption(line(["工资福利支出", "1,000.00"], 0))


def test_partial_rules_underline_spanning_labels_only():
    spanning = Ruling(250, 115, 500, 115)
    p = page(rulings=[*_rules(100, 130), spanning, Ruling(72, 115, 523, 115), Ruling(250, 160, 500, 160)])
    assert G._partial_rules(p, 72, 523, 100, 130) == [spanning]


def test_leaf_labels_lowest_and_not_underlined():
    top_label, under = word("2025年预算数", 300, 100), word("合计", 300, 120)
    basic, item = word("基本支出", 400, 120), word("项目", 80, 110)
    assert [w.text for w in G._leaf_labels([[item, top_label], [under, basic]], [])] == ["项目", "合计", "基本支出"]
    lone = word("上年结转", 300, 100)
    assert [w.text for w in G._leaf_labels([[lone]], [Ruling(290, 115, 500, 115)])] == []


def test_blank_strips_and_line_gap():
    assert G._blank_strips([(80, 150), (300, 340), (342, 350)], 72, 523) == [(72, 80), (150, 300), (350, 523)]
    assert G._blank_strips([(72, 520)], 72, 523) == []  # 3 pt: narrower than a column gap
    lines = [[word("a", 0, y)] for y in (0, 20, 40, 70)]  # gaps 10 10 20
    assert G._line_gap(lines) == 10.0 and G._line_gap(lines[:1]) == 6.0 and G._line_gap(lines[:1], 0.0) == 0.0


def test_row_bounds_keep_a_wrapped_label_in_one_row():
    lines = [[word("a", 0, 140)], [word("b", 0, 160)], [word("c", 0, 172)], [word("d", 0, 200)]]
    assert G._row_bounds(lines, [130, 220], row_gap=10.0) == [130, 155.0, 191.0, 220]
    assert G._row_bounds(lines, [130, 220], row_gap=0.0) == [130, 155.0, 171.0, 191.0, 220]


def test_boxes_merge_the_columns_a_partial_rule_covers():
    boxes = G._boxes([0, 10, 20, 30], [0, 10, 20], [Ruling(10, 10, 30, 10)])
    assert boxes == [(0, 0, 10, 10), (10, 0, 30, 10), (0, 10, 10, 20), (10, 10, 20, 20), (20, 10, 30, 20)]
    assert len(G._boxes([0, 10, 20, 30], [0, 10, 20], [Ruling(10, 10, 20, 10)])) == 6  # one column: no merge


def test_columns_give_each_label_its_clusters():
    assert G._columns([(80, 100), (300, 340)], [(80, 150), (300, 340)]) == [(80, 150), (300, 340)]
    assert G._columns([(80, 100), (120, 200)], [(80, 150)]) is None  # a label straddling a cluster


def test_column_bounds_edge_at_a_partial_rule_end():
    body = [[word("工资", 80, 140), word("1.00", 300, 140, width=20), word("2.00", 420, 140, width=20)]]
    assert G._column_bounds(body, 72, 523) == [72, 200.0, 370.0, 523]  # half-way across each blank strip
    assert G._column_bounds(body, 72, 523, [Ruling(250, 115, 523, 115)]) == [72, 250, 370.0, 523]


def test_run_on_stops_at_a_caption_and_needs_an_amount():
    body = [[word("工资", 80, 140), word("1.00", 300, 140, width=20)]]
    caption = line(["2025年项目支出表"], 160)
    assert G._run_on(body + [caption], 130, [], body) == body
    assert G._run_on([[word("说明文字", 80, 140)]], 130, [], body) == []


# ----------------------------------------------------------------------------- headings and narrative


_RIGHT = 520.0


@pytest.mark.parametrize("text,heading", [
    ("一、部门主要职责", True), ("（一）部门职责", True), ("1、收入预算", True), ("2.支出预算", True),
    ("一、部门主要职责。", False),  # closes a sentence
    ("3.5万元用于办公", False),  # a decimal, not 3.
    ("部门主要职责", False),
    ("一" * 61, False),  # a paragraph that starts with 一
])
def test_is_heading_ladder(text, heading):
    assert S.is_heading(text, [word(text[:20], 72, 100, width=200)], _RIGHT) is heading


def test_is_heading_not_a_line_that_runs_to_the_right_margin():
    """A glossary entry 三、基本支出：… runs to the margin and wraps; a heading stands alone."""
    assert not S.is_heading("三、基本支出：指为保障机构正常运转", [word("三、基本支出", 72, 100, width=445)], _RIGHT)
    assert S.is_heading("三、基本支出", [word("三、基本支出", 72, 100, width=60)], _RIGHT)


def _doc(pages) -> Document:
    doc = Document("d", "d.pdf", None)  # type: ignore[arg-type]
    doc.pages = pages
    return doc


def test_furniture_lines_on_half_the_pages_or_more():
    pages = [page(line(["某某局2025年部门预算"], 30) + line([f"正文{k}"], 100), page_no=k) for k in range(1, 7)]
    assert S.furniture(_doc(pages)) == {"某某局2025年部门预算"}
    assert S.furniture(_doc(pages[:2])) == set()  # at least three pages


def test_contents_page_by_dotted_leaders():
    toc = [line([f"第{k}部分 概况........{k}"], 100 + 20 * k) for k in range(5)]
    assert S._is_contents_page(page([w for ln in toc for w in ln]))
    titled = line(["目录"], 60) + [w for ln in toc[:2] for w in ln]
    assert S._is_contents_page(page(titled))
    assert not S._is_contents_page(page([w for ln in toc[:2] for w in ln]))


def test_empty_part_of_tables_only():
    rows = [{"heading": "第一部分 概况", "part": "第一部分", "text": ""},
            {"heading": "一、职责", "part": "第一部分", "text": "x"},
            {"heading": "第二部分 公开表", "part": "第二部分", "text": ""}]
    assert [S._empty_part(rows, i) for i in range(3)] == [False, False, True]


def test_margins_and_joining():
    pages = [page([w for k in range(6) for w in line(["甲", "乙", "丙", "丁"], 100 + 20 * k, x0=90)])]
    assert S._left_margin(_doc(pages)) == 90.0
    assert S._right_margin(_doc(pages)) == 90 + 4 * 10 + 3 * 20
    assert (S._left_margin(_doc([])), S._right_margin(_doc([]))) == (72.0, 520.0)
    assert S._join("PP-OCR", "v5") == "PP-OCR v5" and S._join("财政", "资金") == "财政资金"


def test_extract_sections_headings_paragraphs_and_skipped_lines():
    words = line(["第一部分 部门概况"], 80) + line(["一、部门职责"], 110)
    words += line(["本部门负责全市财政工作，"], 130, x0=96)
    words += line(["并承担相关职能。"], 150) + line(["二、机构设置"], 180) + line(["单位：万元"], 200)
    words += line(["下设三个处室。"], 220, x0=96) + line(["- 1 -"], 800, x0=280)
    rows = S.extract_sections(_doc([page(words)]))
    assert [(r["part"], r["heading"], r["text"]) for r in rows] == [
        ("第一部分", "第一部分 部门概况", ""),  # kept: headings of its own follow
        ("第一部分", "一、部门职责", "本部门负责全市财政工作,并承担相关职能。"),  # a wrapped line joins
        ("第一部分", "二、机构设置", "下设三个处室。")]


# ----------------------------------------------------------------------------- the text layer


def _glyph(ch: str, x0: float, top: float = 100.0, size: float = 10.0, angle: float = 0.0, light: bool = False,
           bad: bool = False, width: float | None = None) -> R.Glyph:
    return R.Glyph(ch, x0, top, x0 + (width or size), top + size, size, angle, light, bad)


@pytest.mark.parametrize("facts,kind", [
    (PageFacts(n_chars=100, n_bad=8), PageKind.TEXT),
    (PageFacts(n_chars=100, n_bad=9), PageKind.GARBLED),
    (PageFacts(n_chars=4, image_cover=0.3), PageKind.IMAGE),
    (PageFacts(n_chars=4, image_cover=0.29), PageKind.BLANK),
    (PageFacts(n_chars=500, image_cover=0.9), PageKind.TEXT),  # a text layer over a scan: trusted
])
def test_classify_routes_a_page(facts, kind):
    assert R.classify(facts) is kind


def test_fold_radicals_in_place_and_unfoldable_is_bad():
    glyphs = [_glyph("⽀", 0), _glyph("⻓", 10), _glyph("⺀", 20), _glyph("出", 30)]
    assert R.fold_radicals(glyphs) == 3
    assert [(g.ch, g.bad) for g in glyphs] == [("支", False), ("长", False), ("冫", False), ("出", False)]
    lone = [_glyph("⺄", 0)]  # 乙: folds; a supplement radical with no ideograph folds to None
    R.fold_radicals(lone)
    assert lone[0].ch == "乙"
    assert R.is_radical("⽀") and R.is_radical("⻓") and not R.is_radical("支")


def test_dominant_angle_and_watermark_drop():
    text = [_glyph(c, 10 * k) for k, c in enumerate("一般公共预算")]
    stamp = [_glyph(c, 300 + 10 * k, angle=35.0) for k, c in enumerate("仅供内部审核")]
    light = [_glyph("印", 500, light=True)]
    assert R.dominant_angle(text + stamp[:3]) == 0
    kept, dropped = R._drop_watermark(text + stamp + light, 0)
    assert ("".join(g.ch for g in kept), dropped) == ("一般公共预算", 7)
    tilted = [_glyph("字", 0, angle=7.5)]  # within 8° of the page's text
    assert R._drop_watermark(tilted, 0) == (tilted, 0)
    assert R._drop_watermark([], 0) == ([], 0)


def test_turn_upright_text_running_up_the_page():
    """Jiangsu prints landscape tables turned on portrait pages through the text matrix."""
    g = _glyph("表", 100, top=500, angle=270.0)
    glyphs, rulings, width, height = R.turn_upright([g], [Ruling(100, 400, 100, 600)], 595, 842, 270)
    assert (glyphs[0].x0, glyphs[0].top, glyphs[0].x1, glyphs[0].bottom, glyphs[0].angle) == (332, 100, 342, 110, 0.0)
    assert (rulings, width, height) == ([Ruling(242, 100, 442, 100)], 842, 595)
    down, _, _, _ = R.turn_upright([g], [], 595, 842, 90)
    assert (down[0].x0, down[0].top) == (500, 485)


def test_drop_fake_bold_repeats_only():
    bold = [_glyph("预", 0), _glyph("预", 0.5), _glyph("预", 1.0), _glyph("算", 10)]
    assert [g.ch for g in R._drop_fake_bold(bold)] == ["预", "算"]
    twice = [_glyph("1", 0, width=5), _glyph("1", 5, width=5)]  # 11: the same digit one advance on
    assert len(R._drop_fake_bold(twice)) == 2


def test_glyphs_to_words_split_at_gaps_spaces_and_rulings():
    glyphs = [_glyph(c, 10 * k) for k, c in enumerate("工资福利")]
    glyphs += [_glyph("1", 60, width=5), _glyph("2", 65, width=5)]  # 20 pt gap: another word
    assert [(w.text, w.x0, w.x1) for w in R.glyphs_to_words(glyphs, [])] == [("工资福利", 0, 40), ("12", 60, 70)]
    tight = [_glyph("合", 0), _glyph("计", 10), _glyph("9", 20.2, width=5)]
    assert [w.text for w in R.glyphs_to_words(tight, [Ruling(20.1, 90, 20.1, 120)])] == ["合计", "9"]
    assert [w.text for w in R.glyphs_to_words(tight, [])] == ["合计9"]
    spaced = [_glyph("A", 0, width=5), _glyph(" ", 5, width=3), _glyph("B", 8, width=5)]
    assert [w.text for w in R.glyphs_to_words(spaced, [])] == ["A", "B"]
    two_lines = [_glyph("上", 0), _glyph("下", 10, top=112)]
    assert [w.text for w in R.glyphs_to_words(two_lines, [])] == ["上", "下"]


def test_digit_meets_ideograph_parts_two_cells():
    amount_label = [_glyph("0", 0, width=5), _glyph("行", 10)]  # 5 pt gap > 0.4 em, under 0.9 em
    assert [w.text for w in R.glyphs_to_words(amount_label, [])] == ["0", "行"]
    assert R._digit_meets_ideograph("9", "元") and R._digit_meets_ideograph("年", "1")
    assert not R._digit_meets_ideograph("9", "9") and not R._digit_meets_ideograph("a", "元")


def test_ruling_between_two_glyphs():
    a, b = _glyph("a", 0), _glyph("b", 20)
    assert R._ruling_between([Ruling(15, 90, 15, 120)], a, b)
    assert not R._ruling_between([Ruling(15, 200, 15, 300)], a, b)  # the rule is below the line
    assert not R._ruling_between([Ruling(30, 90, 30, 120)], a, b)


def test_add_ruling_thin_paths_only():
    out: list[Ruling] = []
    R._add_ruling(out, 100, 50, 101, 150)  # a 1 pt wide vertical
    R._add_ruling(out, 100, 200, 300, 202)  # a 2 pt high horizontal
    R._add_ruling(out, 100, 300, 102, 303)  # a tick: too short
    R._add_ruling(out, 100, 400, 150, 450)  # a filled box
    assert out == [Ruling(100.5, 50, 100.5, 150), Ruling(100, 201, 300, 201)]


def test_is_bad_glyph():
    assert R._is_bad("\ue000", False) and R._is_bad("\ufffd", False) and R._is_bad("x", True)
    assert not R._is_bad("支", False) and not R._is_bad("\t", False)


# ----------------------------------------------------------------------------- document metadata helpers


def test_fold_radical():
    assert (N.fold_radical("⽀"), N.fold_radical("⻔"), N.fold_radical("a")) == ("支", "门", None)


def test_doc_type_from_table_titles():
    """Beijing's 部门预算报表 print only 预算01表 … with no title page."""
    assert N._doc_type_from_body(["预算01表 部门收支总表", "预算13表 部门整体支出绩效目标表"]) == "部门预算"
    assert N._doc_type_from_body(["收入支出决算表", "决算说明", "预算数"]) == "单位决算"
    assert N._doc_type_from_body(["目录"]) == "unknown"


def test_unit_from_a_cover_broken_over_lines():
    assert N._unit_from_cover(["2018年度江苏省高级", "人民法院预算公开"]) == "江苏省高级人民法院"
    assert N._unit_from_cover(["2018年度部门预算"]) is None
    assert N._unit_from_title_page(["", "阳泉市强制隔离戒毒所", "2025年"]) == "阳泉市强制隔离戒毒所"
    assert N._unit_from_title_page(["2025年部门预算公开"]) is None


@pytest.mark.parametrize("text,amount", [("1,763.09", True), ("0.00", True), ("—", False), ("2025年", False)])
def test_is_amount(text, amount):
    assert is_amount(text) is amount


# ----------------------------------------------------------------------------- scanned-page pixels


def test_drop_lone_verticals_keeps_only_verticals_touching_a_rule():
    rule, border, stroke = (10, 10, 200, 11), (10, 10, 11, 100), (300, 10, 301, 60)
    assert I.drop_lone_verticals([rule, border, stroke], reach=3) == [rule, border]


def test_erase_rulings_paints_them_white_with_a_pad():
    grey = np.zeros((20, 20), np.uint8)
    out = I.erase_rulings(grey, [(5, 10, 15, 10)], pad=1)
    assert out[9:12, 4:17].min() == 255 and out[8, 5] == 0 and grey.max() == 0


def test_rotate_leaves_a_tiny_angle_alone():
    grey = np.full((10, 10), 7, np.uint8)
    assert I.rotate(grey, 0.01) is grey
    assert I.rotate(grey, 3.0).shape == (10, 10)


def _text_mask(lines: list[tuple[int, int, int, int]], shape=(200, 400)) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    for x0, y0, x1, y1 in lines:
        mask[y0:y1, x0:x1] = 255
    return mask


def test_split_lines_by_the_row_profile_and_wide_gaps():
    mask = _text_mask([(10, 20, 110, 32), (10, 50, 110, 62), (300, 50, 350, 62)])
    assert I.split_lines(mask, 150) == [(10, 20, 110, 32), (10, 50, 110, 62), (300, 50, 350, 62)]


def test_split_lines_unsure_when_one_band_is_much_taller():
    mask = _text_mask([(10, 20, 110, 32), (10, 50, 110, 62), (10, 80, 110, 150)])
    assert I.split_lines(mask, 150) is None
    assert I.split_lines(np.zeros((50, 50), np.uint8), 150) == []


def test_text_blocks_pads_each_block():
    blocks = I.text_blocks(_text_mask([(100, 20, 150, 32), (100, 150, 150, 162)]), 100)
    assert blocks == [(81, 12, 170, 41), (81, 142, 170, 171)]  # dilated by ~0.3 in × 0.08 in, padded 0.05 in
    assert len(I.text_blocks(_text_mask([(100, 20, 150, 32), (100, 36, 150, 48)]), 100)) == 1  # one paragraph


def test_split_at_captions_between_consecutive_rules():
    rules = _rules(100, 130, 200, 260, 290)
    caption = line(["单位：万元"], 230)
    assert G._split_at_captions(rules, [caption]) == [rules[:3], rules[3:]]
    assert G._split_at_captions(rules, [line(["工资", "1.00"], 230)]) == [rules]
    assert G._split_at_captions(rules[:3] + [Ruling(72, 260, 523, 260)], [caption]) == [rules[:3]]  # one rule left
