"""Tables drawn with horizontal rules only (三线表), made here with reportlab."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("reportlab")
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

ROWS = [("", "合计", "1,763.09", "1,677.68", "85.41"),
        ("204", "公共安全支出", "1,270.33", "1,184.92", "85.41"),
        ("2040801", "行政运行", "1,184.92", "1,184.92", ""),
        ("2040802", "一般行政管理事务", "52.00", "", "52.00")]


XS = [62, 130, 300, 390, 470]  # column starts
HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]


def _titled_canvas(path: Path):
    """An A4 canvas with the table's title, in the CJK font; (canvas, width, height)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("ZH3", str(FONT), subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.setFont("ZH3", 14)
    c.drawCentredString(width / 2, height - 80, "2025年一般公共预算支出表")
    c.setFont("ZH3", 9)
    return c, width, height


def _header_and_body(c, width: float, labels_y: float, rule_y: float) -> None:
    """Column labels at ``labels_y``, the rule under them at ``rule_y``, the body rows, the closing rule."""
    for x, text in zip(XS, HEADER):
        c.drawString(x, labels_y, text)
    c.line(60, rule_y, width - 60, rule_y)
    for k, row in enumerate(ROWS):
        for x, text in zip(XS, row):
            c.drawString(x, rule_y - 16 - 18 * k, text)
    c.line(60, rule_y - 10 - 18 * len(ROWS), width - 60, rule_y - 10 - 18 * len(ROWS))
    c.save()


def _three_line_table(path: Path) -> None:
    c, width, height = _titled_canvas(path)
    c.drawString(60, height - 100, "单位名称：测试单位")
    c.drawRightString(width - 60, height - 100, "单位：万元")
    y = height - 125
    c.line(60, y, width - 60, y)
    _header_and_body(c, width, y - 14, y - 20)


@pytest.mark.skipif(not FONT.exists(), reason="fonts-wqy-zenhei not installed (make installs it)")
def test_table_with_horizontal_rules_only(tmp_path):
    from extract.pipeline import process_document

    pdf = tmp_path / "three_line.pdf"
    _three_line_table(pdf)
    result = process_document(pdf, pdf.name)
    (table,) = result.rows["budget_tables"]
    assert (table["table_key"], table["unit_of_measure"], table["n_rows"], table["has_data"]) == \
        ("general_budget_expenditure", "万元", 4, True)
    got = {(r["code"], r["name"], r["column"], r["amount"]) for r in result.rows["budget_lines"]}
    assert got == {(None, "合计", "合计", 1763.09), (None, "合计", "基本支出", 1677.68), (None, "合计", "项目支出", 85.41),
                   ("204", "公共安全支出", "合计", 1270.33), ("204", "公共安全支出", "基本支出", 1184.92),
                   ("204", "公共安全支出", "项目支出", 85.41), ("2040801", "行政运行", "合计", 1184.92),
                   ("2040801", "行政运行", "基本支出", 1184.92), ("2040802", "一般行政管理事务", "合计", 52.0),
                   ("2040802", "一般行政管理事务", "项目支出", 52.0)}


def _three_line_table_with_group_header(path: Path) -> None:
    """A 三线表 whose header prints 2025年预算数 over 合计 | 基本支出 | 项目支出, underlined by a
    short rule that spans those three columns only."""
    c, width, height = _titled_canvas(path)
    c.drawRightString(width - 60, height - 100, "单位：万元")
    y = height - 125
    c.line(60, y, width - 60, y)
    c.drawString(380, y - 14, "2025年预算数")
    c.line(290, y - 20, width - 60, y - 20)  # the partial rule under the group label
    _header_and_body(c, width, y - 34, y - 40)


@pytest.mark.skipif(not FONT.exists(), reason="fonts-wqy-zenhei not installed (make installs it)")
def test_partial_rule_makes_a_header_span(tmp_path):
    from extract.pipeline import process_document

    pdf = tmp_path / "three_line_group.pdf"
    _three_line_table_with_group_header(pdf)
    result = process_document(pdf, pdf.name)
    (table,) = result.rows["budget_tables"]
    assert (table["table_key"], table["n_rows"]) == ("general_budget_expenditure", 4)
    got = {(r["code"], r["column"], r["amount"]) for r in result.rows["budget_lines"] if r["code"] == "204"}
    assert got == {("204", "2025年预算数/合计", 1270.33), ("204", "2025年预算数/基本支出", 1184.92),
                   ("204", "2025年预算数/项目支出", 85.41)}
