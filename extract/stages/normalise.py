"""Normalise: text to one form (NFKC + radicals), and document metadata.

Reads strings (and the first pages of a :class:`Document`); writes normalised
strings and ``unit_name`` / ``fiscal_year`` / ``doc_type``.

NFKC folds the Kangxi radicals (U+2F00-2FD5) into the ideographs they stand for,
but only 2 of the 115 CJK Radicals Supplement code points (U+2E80-2EF3). Fonts
of some PDF producers map ordinary ideographs (长, 门, 见, 车 …) onto those radical
code points, so an explicit map, after Unicode's EquivalentUnifiedIdeograph.txt,
completes the job.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from extract.vocab.chars import IDEOGRAPHS_EXT_A, is_any_ideograph
from extract.vocab.words import COVER_ORG_NAME_END, ORG_NAME_END

# CJK Radicals Supplement → the unified ideograph each one is equivalent to.
RADICALS_SUPPLEMENT: dict[str, str] = {
    "⺀": "冫", "⺁": "厂", "⺂": "乛", "⺃": "乚", "⺄": "乙", "⺅": "亻", "⺆": "冂", "⺇": "𠘨",
    "⺈": "𠂊", "⺉": "刂", "⺊": "卜", "⺋": "㔾", "⺌": "小", "⺎": "兀", "⺏": "尣",
    "⺐": "尢", "⺑": "𡯂", "⺒": "巳", "⺓": "幺", "⺔": "彑", "⺕": "彐", "⺖": "忄", "⺗": "㣺",
    "⺘": "扌", "⺙": "攵", "⺛": "旡", "⺜": "日", "⺝": "月", "⺞": "歺", "⺟": "母", "⺠": "民",
    "⺡": "氵", "⺢": "氺", "⺣": "灬", "⺤": "爫", "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭",
    "⺩": "王", "⺪": "疋", "⺫": "罒", "⺬": "示", "⺭": "礻", "⺮": "竹", "⺯": "糸", "⺰": "纟",
    "⺱": "罓", "⺲": "罒", "⺳": "网", "⺴": "罓", "⺵": "㓁", "⺶": "羊", "⺷": "羊", "⺸": "羊",
    "⺹": "耂", "⺺": "肀", "⺻": "聿", "⺼": "月", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹",
    "⻁": "虎", "⻂": "衤", "⻃": "覀", "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠",
    "⻉": "贝", "⻊": "足", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "钅",
    "⻑": "長", "⻒": "镸", "⻓": "长", "⻔": "门", "⻕": "阝", "⻖": "阝", "⻗": "雨", "⻘": "青",
    "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻞": "飠", "⻟": "飠", "⻠": "饣",
    "⻡": "首", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦",
    "⻩": "黄", "⻪": "黾", "⻫": "斉", "⻬": "齐", "⻭": "歯", "⻮": "齿", "⻯": "竜", "⻰": "龙",
    "⻱": "龜", "⻲": "亀", "⻳": "龟",
}
_RADICAL_TABLE = str.maketrans(RADICALS_SUPPLEMENT)
_CJK_OR_MARK = f"[{IDEOGRAPHS_EXT_A}（）()、，。：；]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK_OR_MARK})\s+(?={_CJK_OR_MARK})")


def fold_radical(ch: str) -> str | None:
    """The unified ideograph a Kangxi / CJK-supplement radical stands for (⽀ → 支, ⻓ → 长), else None."""
    folded = unicodedata.normalize("NFKC", ch.translate(_RADICAL_TABLE))
    return folded if len(folded) == 1 and is_any_ideograph(folded) else None


def normalise_text(text: str | None) -> str:
    """NFKC, the radicals map, and no spaces between Chinese characters.

    A word broken across two lines of a cell (财政资 金) comes back whole.
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text.translate(_RADICAL_TABLE))
    s = _SPACE_BETWEEN_CJK.sub("", s)
    return re.sub(r"\s+", " ", s).strip()


def compact(text: str | None) -> str:
    """Normalised text with every whitespace removed (header paths, labels)."""
    return re.sub(r"\s+", "", normalise_text(text))


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "〇": 0, "零": 0}


def chinese_numeral(text: str) -> int | None:
    """一 → 1, 十三 → 13, 二十一 → 21; None when it is not a numeral up to 99."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _CN_DIGITS.get(head, 0) if head else 1
        ones = _CN_DIGITS.get(tail, 0) if tail else 0
        if (head and head not in _CN_DIGITS) or (tail and tail not in _CN_DIGITS):
            return None
        return tens * 10 + ones
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return None


#: A disclosing body's name ends like one (局, 所, 办公厅, 中心, 街道办事处, (本级) …: extract/vocab/words.json).
_ORG_SUFFIX = ORG_NAME_END
#: A unit's name is 2 to 40 characters long (a longer line is a sentence).
MIN_NAME_CHARS, MAX_NAME_CHARS = 2, 40
#: Fiscal years outside this range are page numbers or codes, not years.
MIN_YEAR, MAX_YEAR = 2000, 2100
#: A cover title broken over lines is looked for in the first lines joined (up to this many), and a body's
#: name alone on a line in the first COVER_NAME_LINES lines.
COVER_TITLE_LINES, COVER_NAME_LINES = 5, 8
_DOC_TYPE = re.compile(r"(部门|单位)(综合)?(预算|决算)")
_YEAR = re.compile(r"(20\d{2})\s*年(度)?")
_UNIT_LINE = re.compile(r"^(?:预算|填报|编制)?(?:单位|部门)(?:名称[:：]?|[:：])\s*(.+?)(?:\s+(?:金额)?单位[:：].*)?$")
_TITLE_UNIT = re.compile(r"^(.{2,40}?)\s*(20\d{2})\s*年度?.{0,12}?(部门|单位)(综合)?(预算|决算)")


def document_metadata(first_lines: list[str], all_lines: list[str]) -> tuple[str | None, int | None, str]:
    """``unit_name``, ``fiscal_year``, ``doc_type`` from the title pages and headers.

    The title page carries "阳泉市强制隔离戒毒所 / 2025年度单位预算公开"; tables
    carry "单位名称：阳泉市强制隔离戒毒所" — the most frequent of those wins, since
    a title page may also name the supervising department.
    """
    unit_counts: Counter[str] = Counter()
    for line in all_lines:
        m = _UNIT_LINE.match(line)
        if m:
            name = re.split(r"\s{2,}|单位[:：]|金额单位", m.group(1))[0].strip()
            if MIN_NAME_CHARS <= len(name) <= MAX_NAME_CHARS and not re.search(r"万元|元$", name) \
                    and _ORG_SUFFIX.search(name):
                unit_counts[name] += 1
    doc_type, year, unit_name = "unknown", None, None
    head = "".join(first_lines)
    m = _DOC_TYPE.search(head)
    if m:
        doc_type = m.group(1) + m.group(3)
    years = Counter(int(y) for y, _ in _YEAR.findall(head) if MIN_YEAR <= int(y) <= MAX_YEAR)
    if years:
        year = years.most_common(1)[0][0]
    for line in first_lines:
        t = _TITLE_UNIT.match(line.replace(" ", ""))
        if t:
            name = re.sub(r"^第[一二三四五六七八九十]+部分", "", t.group(1).strip("（(")).strip()
            if _ORG_SUFFIX.search(name):
                unit_name = unit_name or name
            year = year or int(t.group(2))
    if unit_counts:
        unit_name = unit_counts.most_common(1)[0][0]
    elif unit_name is None:
        unit_name = _unit_from_cover(first_lines) or _unit_from_title_page(first_lines)
    if year is None:
        every = Counter(int(y) for line in all_lines for y, _ in _YEAR.findall(line) if MIN_YEAR <= int(y) <= MAX_YEAR)
        year = every.most_common(1)[0][0] if every else None
    if doc_type == "unknown":
        doc_type = _doc_type_from_body(all_lines)
    return unit_name, year, doc_type


def _doc_type_from_body(lines: list[str]) -> str:
    """预算/决算 and 部门/单位 from table titles when no title page names them.

    Beijing's 部门预算报表 print only 预算01表 … 预算13表 部门整体支出绩效目标表.
    """
    text = "".join(lines)
    budget, final = text.count("预算"), text.count("决算")
    if not budget and not final:
        return "unknown"
    kind = "决算" if final > budget else "预算"
    scope = "部门" if re.search(r"部门(预算|决算|名称|整体|收支)", text) else "单位"
    return scope + kind


_COVER_YEAR_FIRST = re.compile(r"^(?:20\d{2})年度?(.{2,40}?)(?:部门|单位)?(?:综合)?(?:预算|决算)")


def _unit_from_cover(first_lines: list[str]) -> str | None:
    """A cover title broken over lines: 2018年度江苏省高级 / 人民法院预算公开."""
    for k in range(1, min(len(first_lines), COVER_TITLE_LINES) + 1):
        joined = "".join(first_lines[:k]).replace(" ", "")
        m = _COVER_YEAR_FIRST.match(joined)
        if m and _ORG_SUFFIX.search(m.group(1)):
            return m.group(1)
    return None


def _unit_from_title_page(first_lines: list[str]) -> str | None:
    for line in first_lines[:COVER_NAME_LINES]:
        s = line.replace(" ", "")
        if COVER_ORG_NAME_END.search(s) and len(s) <= MAX_NAME_CHARS:
            return s
    return None
