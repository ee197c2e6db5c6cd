"""Character classes: which code points count as Chinese, for which purpose.

Three meanings, three names; each range is spelled here and nowhere else:

* :data:`IDEOGRAPHS` — the CJK Unified Ideographs block (U+4E00–U+9FFF), every
  character of modern Chinese text. Used to ask "is there Chinese here?" and to
  count Chinese glyphs (the ``pages.cjk`` column, the OCR garble tests).
* :data:`IDEOGRAPHS_EXT_A` — the same plus Extension A (U+3400–U+4DBF): the
  range a folded radical or an inter-character space is judged against by the
  normaliser, where a rare character must still count as a character.
* :data:`CJK_TEXT` — ideographs with Extension A, CJK punctuation (U+3000–U+303F)
  and full-width forms (U+FF00–U+FFEF): text joined without spaces (a line of
  words, an OCR line).

Each is a character-class *body* (no brackets), for use inside ``[...]`` in a
regular expression; :func:`is_ideograph` tests one character.
"""

from __future__ import annotations

import re

#: CJK Unified Ideographs (U+4E00–U+9FFF): the characters of modern Chinese.
IDEOGRAPHS = "\u4e00-\u9fff"
#: Unified Ideographs with Extension A (U+3400–U+9FFF): rare characters count too.
IDEOGRAPHS_EXT_A = "\u3400-\u9fff"
#: CJK punctuation (U+3000–U+303F), ideographs with Extension A, full-width forms (U+FF00–U+FFEF).
CJK_TEXT = "\u3000-\u303f" + IDEOGRAPHS_EXT_A + "\uff00-\uffef"

#: Kangxi Radicals (U+2F00–U+2FDF) and CJK Radicals Supplement (U+2E80–U+2EFF): glyphs some fonts
#: map ideographs to (⽀ for 支), folded back by the normaliser.
KANGXI_RADICALS = ("\u2f00", "\u2fdf")
RADICALS_SUPPLEMENT = ("\u2e80", "\u2eff")
#: Supplementary ideograph planes start here (Extension B, U+20000).
SUPPLEMENTARY_IDEOGRAPHS = "\U00020000"

_IDEOGRAPH = re.compile(f"[{IDEOGRAPHS}]")
_FIRST_IDEOGRAPH, _LAST_IDEOGRAPH = IDEOGRAPHS[0], IDEOGRAPHS[-1]


def is_ideograph(ch: str) -> bool:
    """One character in the Unified Ideographs block (U+4E00–U+9FFF)."""
    return _FIRST_IDEOGRAPH <= ch <= _LAST_IDEOGRAPH


def has_ideograph(text: str) -> bool:
    """Whether ``text`` holds at least one Unified Ideograph."""
    return _IDEOGRAPH.search(text) is not None


def is_radical(ch: str) -> bool:
    """A Kangxi radical or a CJK Radicals Supplement code point."""
    return RADICALS_SUPPLEMENT[0] <= ch <= RADICALS_SUPPLEMENT[1] or KANGXI_RADICALS[0] <= ch <= KANGXI_RADICALS[1]


def is_any_ideograph(ch: str) -> bool:
    """One character that is an ideograph in any block: Extension A to U+9FFF, or a supplementary plane."""
    return IDEOGRAPHS_EXT_A[0] <= ch <= IDEOGRAPHS_EXT_A[-1] or ch >= SUPPLEMENTARY_IDEOGRAPHS
