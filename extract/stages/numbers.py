"""Numbers as printed in disclosures → floats.

Amount cells come as ``1,763.09``, ``1763.09``, ``１，７６３．０９`` (full width),
``-12.30``, ``(12.30)``, ``—`` or blank. A blank or a dash is "no value" (no
budget line); a printed ``0`` or ``0.00`` is a value.
"""

from __future__ import annotations

import re
import unicodedata

_DASHES = {"-", "—", "–", "－", "--", "——", "/", "…", "...", "*"}
_AMOUNT = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_UNIT_SUFFIX = re.compile(r"(万元|元|%)$")


def parse_amount(text: str | None) -> float | None:
    """The amount in a cell, or None when the cell holds no number.

    Thousands separators must be well placed (``1,763.09``); anything else that
    is not purely numeric (a year like ``2025年``, a code, a label) is None.
    """
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not s or s in _DASHES:
        return None
    s = _UNIT_SUFFIX.sub("", s)
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    if not _AMOUNT.match(s):
        return None
    value = float(s.replace(",", ""))
    return -value if negative else value


def is_amount(text: str | None) -> bool:
    return parse_amount(text) is not None

