"""Pure geometry helpers over words: lines, reading order, text joining.

Shared by the table, section and form stages, for text-layer and OCR words alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from extract.model import Word
from extract.vocab.chars import CJK_TEXT

#: Text joined without a space: CJK text and the Chinese punctuation (“” sit outside the CJK blocks).
_CJK = re.compile(f"[{CJK_TEXT}（）：；，。、“”《》【】〔〕]")

#: How far (pt) a word's centre may lie outside a cell's box and still belong to that cell. Tight on
#: purpose: neighbouring cells share an edge, and the first cell that takes a word keeps it.
CELL_SLACK_PT = 0.5
#: How far (pt) a word's centre may lie outside a whole grid's box and still count as inside the grid
#: (a different question from a cell's: text outside every grid is read as title, caption or prose).
GRID_SLACK_PT = 1.0
#: Words whose vertical centres are this close (pt) are on one visual line.
LINE_Y_TOLERANCE_PT = 2.5
#: A word overlapping a line by more than this share of its own height joins the line (mixed sizes).
LINE_OVERLAP_SHARE = 0.5
#: A gap between two words of a line wider than this many font sizes reads as a space.
SPACE_GAP_EM = 1.5
#: Lines of one cell's text: words closer vertically than this (pt), or this share of their
#: largest font size where that is more, are on one line of the cell.
CELL_LINE_TOLERANCE_PT, CELL_LINE_TOLERANCE_EM = 2.0, 0.4


class _Box(Protocol):
    x0: float
    x1: float
    top: float
    bottom: float


def in_box(w: Word, box: _Box, slack: float) -> bool:
    """Whether the word's centre lies inside ``box`` grown by ``slack`` points on every side."""
    return box.x0 - slack <= w.xc <= box.x1 + slack and box.top - slack <= w.yc <= box.bottom + slack


def cell_line_tolerance(words: Sequence[Word]) -> float:
    """The ``y_tolerance`` that groups one cell's words into its lines (grows with the font size)."""
    return max(CELL_LINE_TOLERANCE_PT, CELL_LINE_TOLERANCE_EM * max(w.size for w in words))


def group_lines(words: Iterable[Word], y_tolerance: float = LINE_Y_TOLERANCE_PT) -> list[list[Word]]:
    """Group words into visual lines by vertical centre, top to bottom.

    A word joins the current line when its centre lies within ``y_tolerance`` of
    the line's running centre, or when it overlaps the line's vertical extent by
    more than half its own height (mixed font sizes on one line).
    """
    ordered = sorted(words, key=lambda w: (w.yc, w.x0))
    lines: list[list[Word]] = []
    centre = top = bottom = 0.0
    for w in ordered:
        if lines:
            overlap = min(bottom, w.bottom) - max(top, w.top)
            height = max(w.bottom - w.top, 0.1)
            if abs(w.yc - centre) <= y_tolerance or overlap > LINE_OVERLAP_SHARE * height:
                line = lines[-1]
                line.append(w)
                centre = sum(x.yc for x in line) / len(line)
                top, bottom = min(top, w.top), max(bottom, w.bottom)
                continue
        lines.append([w])
        centre, top, bottom = w.yc, w.top, w.bottom
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def join_texts(parts: Sequence[str]) -> str:
    """Join text pieces; no space between CJK pieces, one space between Latin words.

    Chinese has no spaces between words, so a word broken over two lines of a
    cell (财政资 / 金) must come back as 财政资金, while "2025 年" style gaps in
    Latin/digit runs keep one space.
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_CJK.search(out[-1]) or _CJK.search(part[0])):
            out += " "
        out += part
    return out


def words_text(words: Sequence[Word], y_tolerance: float = LINE_Y_TOLERANCE_PT) -> str:
    """Text of words in reading order: lines top to bottom, joined as Chinese text."""
    return join_texts([join_texts([w.text for w in line]) for line in group_lines(words, y_tolerance)])


def line_text(line: Sequence[Word]) -> str:
    """One visual line's text; a wide gap becomes a single space."""
    out = ""
    prev: Word | None = None
    for w in line:
        if prev is not None:
            gap = w.x0 - prev.x1
            size = max(prev.size, w.size, 1.0)
            out += " " if gap > SPACE_GAP_EM * size else ""
        out += w.text
        prev = w
    return out
