"""Valid text at the boundaries: what enters the page model and what leaves a worker.

A PDF's ToUnicode map can yield lone UTF-16 surrogates (U+D800–U+DFFF), and a
file name can hold bytes that are not UTF-8 (Python keeps them as surrogates
too, ``os.fsdecode``). Neither can be encoded as UTF-8, so one such character
would stop the cache, the CSV writer or the report for the whole batch. They
are replaced here, where text enters (:func:`make_page_valid`) and where rows
leave a document (:func:`make_rows_valid`), and counted, so nothing later has
to care.
"""

from __future__ import annotations

import os
from typing import Any

from extract.model import Page

REPLACEMENT = "\ufffd"


def valid(text: str) -> str:
    """``text`` as encodable Unicode: surrogate pairs joined, lone surrogates → U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _replaced(before: str, after: str) -> int:
    return after.count(REPLACEMENT) - before.count(REPLACEMENT)


def make_page_valid(page: Page) -> int:
    """Make every word of ``page`` valid text in place; how many code points were replaced."""
    replaced = 0
    for word in page.words:
        fixed = valid(word.text)
        if fixed is not word.text:
            replaced += _replaced(word.text, fixed)
            word.text = fixed
    return replaced


def make_rows_valid(rows: dict[str, list[dict[str, Any]]]) -> int:
    """Make every string cell of every row valid text in place; how many were changed."""
    changed = 0
    for table in rows.values():
        for row in table:
            for key, value in row.items():
                if isinstance(value, str):
                    fixed = valid(value)
                    if fixed is not value:
                        row[key] = fixed
                        changed += 1
    return changed


def display_path(rel_path: str) -> tuple[str, str | None]:
    r"""(path to show, hex of its bytes or None): a name that is not valid UTF-8 is shown escaped
    (``\xff``) and kept byte-exact as hex, so the file can still be found.
    """
    raw = os.fsencode(rel_path)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw.hex()
