"""Sections: the narrative text under the heading ladder.

Reads the pages' words outside grids; writes ``sections`` rows. Headings:
第一部分 … (``part``), then 一、 / （一） / 1、 (``heading``). Left out: table
titles and their 单位 lines, page furniture (page numbers, running headers and
footers repeated on many pages), contents pages (dotted leaders), and every word
inside a table grid.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from extract.model import Document, Page, Word
from extract.ocr.prose import fix_title_marks
from extract.stages.forms import is_form_page
from extract.stages.grid import words_in_grids
from extract.stages.layout import group_lines, line_text
from extract.stages.normalise import compact, normalise_text
from extract.stages.table_keys import looks_like_title
from extract.vocab.units import UNIT_WORDS

_PART = re.compile(r"^(第[一二三四五六七八九十]+部分)\s*(.*)$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[、.．](?!\d))")
_PAGE_NO = re.compile(r"^[-—–\s]*(第?\s*\d+\s*页?|\d+\s*/\s*\d+|-\s*\d+\s*-)[-—–\s]*$")
_TOC = re.compile(r"(\.{3,}|…{2,}|·{3,})\s*\d*$")
_UNIT_LINE = re.compile(rf"^(单位名称|预算单位|编制单位|金额单位|单位)[:：]|单位[:：]({UNIT_WORDS})$"
                        r"|^(预算公开表|公开表|附表)\d+$|^注[:：]|^负责人[:：]|填报日期[:：]")
_MAX_HEADING = 60  # a heading longer than this is a paragraph starting with 一、
#: A line printed on at least this many pages (and on half of them) is a running header or footer.
FURNITURE_MIN_PAGES = 3
#: Font sizes below this (pt) count as this when a margin is measured in font sizes.
MIN_FONT_PT = 8.0
#: A line starting this many font sizes right of the left margin is indented: a new paragraph.
INDENT_EM = 1.5
#: A heading ends at least this many font sizes short of the right margin (a paragraph runs to it).
HEADING_SHORT_OF_MARGIN_EM = 1.5
#: Margins are measured on lines of more than this many words, over the first pages only (left, right).
MARGIN_MIN_WORDS, LEFT_MARGIN_PAGES, RIGHT_MARGIN_PAGES = 3, 20, 40
#: The right margin is where this share of those lines have ended.
RIGHT_MARGIN_QUANTILE = 0.9
#: Margins (pt) of a document with no such line: an A4 page's usual text block.
DEFAULT_LEFT_MARGIN_PT, DEFAULT_RIGHT_MARGIN_PT = 72.0, 520.0
#: A contents page has this many dot-leader lines, or 目录 in its first lines and at least CONTENTS_MIN_WITH_TITLE.
CONTENTS_MIN_LEADERS, CONTENTS_MIN_WITH_TITLE, CONTENTS_TITLE_LINES = 5, 2, 3


def furniture(doc: Document) -> set[str]:
    """Lines printed on at least half the pages (running headers, footers)."""
    counts: Counter[str] = Counter()
    for page in doc.pages:
        seen = {compact(line_text(ln)) for ln in group_lines(page.words)}
        counts.update(seen)
    threshold = max(FURNITURE_MIN_PAGES, len(doc.pages) // 2)
    return {text for text, n in counts.items() if n >= threshold and text}


def page_lines(page: Page) -> list[tuple[list[Word], str]]:
    """The page's lines outside grids, with their text."""
    inside = words_in_grids(page)
    free = [w for i, w in enumerate(page.words) if i not in inside]
    return [(ln, normalise_text(line_text(ln))) for ln in group_lines(free)]


def extract_sections(doc: Document) -> list[dict[str, Any]]:
    """The narrative as rows: one per heading, text joined by paragraph."""
    skip = furniture(doc)
    rows: list[dict[str, Any]] = []
    part: str | None = None
    current: dict[str, Any] | None = None
    paragraphs: list[str] = []
    from_scan = False  # a line of the current section was read by OCR
    left_margin = _left_margin(doc)
    right_margin = _right_margin(doc)

    def close() -> None:
        if current is not None:
            text = "\n".join(p for p in paragraphs if p)
            # read from a scan: 《…》 titles the scan turned into (…) are put back
            current["text"] = fix_title_marks(text) if from_scan else text
            rows.append(current)

    for page in doc.pages:
        if _is_contents_page(page) or is_form_page(page):
            continue
        for words, text in page_lines(page):
            flat = compact(text)
            if not flat or flat in skip or _PAGE_NO.match(text) or _TOC.search(text) or _UNIT_LINE.search(flat):
                continue
            if looks_like_title(text) and not _HEADING.match(flat) and not _PART.match(flat):
                continue  # a table title
            m = _PART.match(flat)
            if m:
                close()
                part = m.group(1)
                heading = f"{part} {m.group(2)}".strip()
                current = {"doc_id": doc.doc_id, "part": part, "heading": heading, "text": "",
                           "page_first": page.page_no}
                paragraphs, from_scan = [], False
                continue
            heading = current["heading"] if current is not None else ""
            in_glossary = "名词解释" in heading and heading.startswith("第")
            if is_heading(flat, words, right_margin) and not in_glossary:
                close()
                current = {"doc_id": doc.doc_id, "part": part, "heading": flat, "text": "",
                           "page_first": page.page_no}
                paragraphs, from_scan = [], False
                continue
            if current is None:
                continue
            indented = words[0].x0 > left_margin + INDENT_EM * max(words[0].size, MIN_FONT_PT)
            from_scan = from_scan or page.method == "ocr"
            if not paragraphs or indented:
                paragraphs.append(text)
            else:
                paragraphs[-1] = _join(paragraphs[-1], text)
    close()
    return [r for i, r in enumerate(rows) if not _empty_part(rows, i)]


def _empty_part(rows: list[dict[str, Any]], i: int) -> bool:
    """A part heading with no text and no headings of its own (a part of tables only)."""
    row = rows[i]
    if not row["heading"].startswith("第") or row["text"]:
        return False
    nxt = rows[i + 1] if i + 1 < len(rows) else None
    return nxt is None or nxt["part"] != row["part"]


def is_heading(flat: str, words: list[Word], right_margin: float) -> bool:
    """一、/（一）/1、 lines that end before the right margin and close no sentence.

    A paragraph that merely starts with 三、 (a glossary entry, a list item)
    runs to the right margin and wraps; a heading stands alone on its line.
    """
    if not _HEADING.match(flat) or len(flat) > _MAX_HEADING:
        return False
    if flat.endswith(("。", "；", ";", "，", ",")):
        return False
    size = max(words[-1].size, MIN_FONT_PT)
    return words[-1].x1 < right_margin - HEADING_SHORT_OF_MARGIN_EM * size


def _right_margin(doc: Document) -> float:
    xs = sorted(ln[-1].x1 for p in doc.pages[:RIGHT_MARGIN_PAGES] for ln in group_lines(p.words)
                if len(ln) > MARGIN_MIN_WORDS)
    return xs[int(len(xs) * RIGHT_MARGIN_QUANTILE)] if xs else DEFAULT_RIGHT_MARGIN_PT


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and b[0].isascii() and a[-1].isalnum() and b[0].isalnum():
        return a + " " + b
    return a + b


def _left_margin(doc: Document) -> float:
    xs = Counter(round(ln[0].x0) for p in doc.pages[:LEFT_MARGIN_PAGES] for ln in group_lines(p.words)
                 if len(ln) > MARGIN_MIN_WORDS)
    return float(xs.most_common(1)[0][0]) if xs else DEFAULT_LEFT_MARGIN_PT


def _is_contents_page(page: Page) -> bool:
    lines = [line_text(ln) for ln in group_lines(page.words)]
    toc = sum(1 for t in lines if _TOC.search(t))
    return toc >= CONTENTS_MIN_LEADERS \
        or any(compact(t) in ("目录", "目 录") for t in lines[:CONTENTS_TITLE_LINES]) and toc >= CONTENTS_MIN_WITH_TITLE
