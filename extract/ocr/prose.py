"""Chinese prose from OCR: repair the marks a scan destroys, where the text proves it.

A bilevel scan loses the thin strokes of Chinese punctuation: the angles of 《》
(read as ( ) or 〈 〉), the tail of a final 。 (read as "."). The recogniser is
sure of its wrong reading (《 is not among its top four at such a step), so
decoding cannot help; the text around the mark can:

- brackets pair: an opener closed by 》 is 《, a 《 closed by ) is 》;
- a title in brackets is a title: Chinese official prose writes the name of a
  law, regulation or notice in 《》 (GB/T 15834), never in ( ) (the real
  corpus agrees: docs/design.md), so "(…条例)" is an OCR reading of
  "《…条例》" — unless it introduces an abbreviation (以下简称…);
- a sentence of ideographs ending in "." ends in 。.

Only OCR'd text is repaired: a text layer is what was printed.
"""

from __future__ import annotations

import re
from typing import Any

from extract.vocab.chars import IDEOGRAPHS as _CJK

#: What a document's title ends with (法, 条例, 通知, …).
TITLE_ENDINGS = ("法", "条例", "办法", "规定", "通知", "意见", "决定", "规范", "标准", "纲要", "规划", "方案",
                 "细则", "制度", "批复", "规则", "准则")
_OPEN, _CLOSE = "(（〈〔", ")）〉〕"
#: A bracketed title: no bracket inside, at least two ideographs, a title ending.
_PAREN_TITLE = re.compile(rf"[{re.escape(_OPEN)}]([^()（）〈〉〔〕《》]{{0,60}}?[{_CJK}][^()（）〈〉〔〕《》]{{0,60}}?"
                          rf"(?:{'|'.join(TITLE_ENDINGS)}))[{re.escape(_CLOSE)}]")
_NOT_A_TITLE = ("以下简称", "简称", "含", "包括", "试行", "暂行")
#: Half of a 《》 pair read as ( or 〈 and the other half right: the pair proves it.
_HALF_OPEN = re.compile(r"[(（〈]([^()（）〈〉《》]{1,60})》")
_HALF_CLOSE = re.compile(r"《([^()（）〈〉《》]{1,60})[)）〉]")
_FINAL_DOT = re.compile(r"(?<=[^\d\s.])\.$")


def fix_title_marks(text: Any) -> Any:
    """《…》 title brackets read as ( ), 〈 〉 or half of each, put back.

    Leaves alone brackets that hold no title ending (（一）, （含…）, （试行）), those
    introducing an abbreviation, and any text without ideographs.
    """
    if not isinstance(text, str) or not re.search(f"[{_CJK}]", text):
        return text

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1)
        if len(inner) < 3 or inner.startswith(_NOT_A_TITLE):
            return m.group(0)
        return f"《{inner}》"

    text = _HALF_CLOSE.sub(r"《\1》", _HALF_OPEN.sub(r"《\1》", text))
    return _PAREN_TITLE.sub(repl, text)


def fix_final_stop(text: Any) -> Any:
    """An OCR'd Chinese sentence ending in "." ends in 。: a decimal point needs a digit
    after it, and a Latin full stop does not close Chinese prose (…共计25万元. → …25万元。).

    Only a text holding ideographs, and only its last character, is changed.
    """
    if not isinstance(text, str) or not re.search(f"[{_CJK}]", text):
        return text
    return _FINAL_DOT.sub("。", text)
