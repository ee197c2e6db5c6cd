"""Map ordinary CJK ideographs to their Kangxi-radical / radicals-supplement twins.

NFKC folds U+2F00–U+2FD5 (and the few U+2E80–U+2EF3 with a compatibility
decomposition, e.g. ⺟ → 母, ⻳ → 龟) back onto the unified ideographs."""
from __future__ import annotations

import unicodedata

KANGXI: dict[str, str] = {}
for cp in list(range(0x2E80, 0x2EF4)) + list(range(0x2F00, 0x2FD6)):
    ch = chr(cp)
    n = unicodedata.normalize("NFKC", ch)
    if n != ch and len(n) == 1:
        KANGXI[n] = ch  # Kangxi block is scanned last → wins over the supplement

_TT = str.maketrans(KANGXI)


def to_kangxi(s: str) -> str:
    return s.translate(_TT)
