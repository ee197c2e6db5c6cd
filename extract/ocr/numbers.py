"""Numbers from OCR: repair only the confusions that can be proved from the text.

An OCR'd amount may come back as ``1,7б3.O9``; guessing would invent figures, so
this module changes a word only when the result is certain, and leaves every
other doubt to the arithmetic checks (issue 5), which can see that a row does
not add up. What is provable:

- the word is amount-shaped: digits and separators, plus at most a few letters
  that OCR confuses with digits (O/o for 0, l/I for 1) *next to a digit*;
- a full-width comma ``，`` or a comma followed by exactly one or two final
  digits is a decimal point (a thousands group always has three digits);
- a space, dot or comma between groups of exactly three digits is a thousands
  separator that OCR dropped or misread (``1 763.09``, ``1.763.09`` → ``1,763.09``).

Anything else (a letter between two letters, a group of four digits after a
comma) is returned unchanged.
"""

from __future__ import annotations

import functools
import re

from extract.vocab.chars import IDEOGRAPHS

_CONFUSED = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "，": ",", "．": ".", "。": "."})
#: Characters an amount may be made of once confusions are allowed for.
_AMOUNT_CHARS = re.compile(r"^[-−+(（]?[0-9OolI][0-9OolI,，.．。 ]*[)）%]?$")
_LETTER = re.compile(r"[OolI]")
_ENUMERATOR = re.compile(rf"^([一二三四五六七八九十]{{1,3}})[，,.．·。:：]\s*(?=[{IDEOGRAPHS}])")
_PLAIN = re.compile(r"^[-+(（]?\d{1,3}(,\d{3})*(\.\d+)?[)）%]?$|^[-+(（]?\d+(\.\d+)?[)）%]?$")


def fix_amount(text: str) -> str:
    """The word with provable OCR confusions in an amount repaired; else unchanged."""
    raw = text.strip()
    if not raw or not _AMOUNT_CHARS.match(raw) or not any(ch.isdigit() for ch in raw):
        return text
    if not _letters_touch_digits(raw):
        return text
    s = raw.translate(_CONFUSED).replace("−", "-")
    sign, body, tail = _split_affixes(s)
    fixed = _fix_separators(body)
    if fixed is None:
        return text
    out = sign + fixed + tail
    return out if _PLAIN.match(out) else text


def _letters_touch_digits(s: str) -> bool:
    """Every O/o/l/I stands next to a digit or separator, never inside a word."""
    for m in _LETTER.finditer(s):
        i = m.start()
        left = s[i - 1] if i > 0 else ""
        right = s[i + 1] if i + 1 < len(s) else ""
        if not (left.isdigit() or right.isdigit() or left in ",，.．。" or right in ",，.．。"):
            return False
    return True


def _split_affixes(s: str) -> tuple[str, str, str]:
    sign = s[0] if s[0] in "-+(（" else ""
    tail = s[-1] if s[-1] in ")）%" else ""
    return sign, s[len(sign):len(s) - len(tail)], tail


def _fix_separators(body: str) -> str | None:
    """Rebuild integer and decimal parts from digit groups; None when unprovable.

    The last separator is a decimal point when it is a dot, or a comma followed
    by one or two digits; every other separator must sit between three-digit
    groups (thousands). A space is never a decimal point: it may be the gap
    between two numbers.
    """
    groups = re.split(r"[ ,.]", body)
    seps = re.findall(r"[ ,.]", body)
    if any(not g.isdigit() for g in groups):
        return None
    if not seps:
        return body
    decimal = None
    if seps[-1] == "." or (seps[-1] == "," and len(groups[-1]) in (1, 2)):
        decimal = groups.pop()
        seps.pop()
    if any(len(g) != 3 for g in groups[1:]) or len(groups[0]) > 3 and len(groups) > 1:
        return None
    integer = ",".join(groups)
    return integer if decimal is None else f"{integer}.{decimal}"


def fix_enumerator(text: str) -> str:
    """``十九，自然资源…`` → ``十九、自然资源…``: a Chinese-numeral enumerator takes 、.

    The recogniser often reads the enumeration comma 、 as ，or ．; at the start
    of a label, directly after one to three Chinese numerals and before an
    ideograph, nothing but 、 is written (一、 is how budget item labels and
    headings are numbered), so the repair is certain.
    """
    return _ENUMERATOR.sub(r"\1、", text)


@functools.lru_cache(maxsize=1)
def _to_simplified():
    """OpenCC's traditional → simplified converter (phrase-aware: 乾隆 stays 乾隆)."""
    import opencc

    return opencc.OpenCC("t2s")


def fix_script(text: str) -> str:
    """Fold traditional characters the recogniser emits into the simplified ones printed.

    Mainland disclosures are printed in simplified characters only, and the
    recognition model, trained on both scripts, reads a worn simplified glyph
    as its traditional form now and then (加強 for 加强, 金額 for 金额), so a
    traditional form in OCR output is a misreading with one correction. Text
    layers are never folded: what a PDF says it prints is kept.
    """
    if text.isascii():
        return text
    return _to_simplified().convert(text)
