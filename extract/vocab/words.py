"""Shared Chinese word lists, read from ``words.json`` beside this module.

The lists are data (each glossed in the JSON); this module loads them once at
import and offers them as tuples and ready regular expressions, so a stage and
a check that mean the same words read the same list. Lists that look alike but
mean different things (a totals row vs a one-sided table's grand total; a
name's ending after 单位名称 vs alone on a cover) are separate entries on purpose.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

#: The word lists (extract/vocab/words.json); packaged with the wheel (pyproject package-data).
WORDS_FILE = Path(__file__).resolve().parent / "words.json"


def _load() -> dict[str, tuple[str, ...]]:
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return {name: tuple(entry["words"]) for name, entry in data.items() if not name.startswith("_")}


_WORDS = _load()


def words(name: str) -> tuple[str, ...]:
    """One list of ``words.json`` by its name (KeyError for a name the file lacks)."""
    return _WORDS[name]


def alternation(items: tuple[str, ...]) -> str:
    """A regex alternation (no group) matching any of ``items`` literally."""
    return "|".join(re.escape(w) for w in items)


#: Whole labels of a totals row (合计, 部门合计, 收入总计, 本年支出合计 …): such a row is table body.
TOTAL_ROW_LABELS = words("total_row_labels")
#: The totals-row labels of one side of a two-sided table (收入总计, 支出总计).
SIDE_TOTAL_LABELS = words("side_total_labels")
#: Whole labels of the row totalling a whole one-sided table: every other totals-row label.
GRAND_TOTAL_LABELS = tuple(w for w in TOTAL_ROW_LABELS if w not in SIDE_TOTAL_LABELS)
#: 合计 / 小计 / 总计: a column leaf or row label containing one is a total.
TOTAL_WORDS = words("total_words")
#: 合计 / 总计 without 小计: a row label holding one totals the rows above it.
ROW_TOTAL_WORDS = words("row_total_words")
#: Endings of a body's name printed after 单位名称 or in a title (局, 中心, （本级） …); a short form
#: cell ending like one is an agency's name, not a label.
ORG_SUFFIXES = words("org_suffixes")
#: Stricter endings for a name standing alone on a cover line (委员会, 街道办事处 …).
COVER_ORG_SUFFIXES = words("cover_org_suffixes")
#: Headers of a column numbering rows (行次, 栏次, 序号): matched inside a header path.
ROW_NUMBER_HEADERS = words("row_number_headers")
#: Whole column leaves that never hold money: row numbers, 编号, 行号.
NUMBERING_HEADERS = ROW_NUMBER_HEADERS + words("other_numbering_headers")

#: A column leaf or label containing 合计, 小计 or 总计.
TOTAL_WORD = re.compile(alternation(TOTAL_WORDS))
#: A name ending like a disclosing body (search it on the whole name).
ORG_NAME_END = re.compile(f"(?:{alternation(ORG_SUFFIXES)})$")
#: A cover line that is a body's name by its ending alone.
COVER_ORG_NAME_END = re.compile(f"(?:{alternation(COVER_ORG_SUFFIXES)})$")
