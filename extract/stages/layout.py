"""Pure geometry helpers over words: lines, reading order, text joining.

Shared by the table, section and form stages, for text-layer and OCR words alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from extract.model import Word

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef（）：；，。、“”《》【】〔〕]")


def group_lines(words: Iterable[Word], y_tolerance: float = 2.5) -> list[list[Word]]:
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
            if abs(w.yc - centre) <= y_tolerance or overlap > 0.5 * height:
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


def words_text(words: Sequence[Word], y_tolerance: float = 2.5) -> str:
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
            out += " " if gap > 1.5 * size else ""
        out += w.text
        prev = w
    return out
