"""Pure text helpers for performance-target forms (绩效目标表): labels and values.

Reads cell strings; writes normalised labels, field names, amounts, timestamps and
the op / value / unit split of an indicator value (指标值). No geometry here, so
every rule is testable with plain strings.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.vocab.chars import IDEOGRAPHS, has_ideograph
from extract.vocab.units import UNIT_TO_YUAN, UNIT_WORDS, UNITS_LONGEST_FIRST
from extract.vocab.words import ORG_SUFFIXES

#: The label vocabulary (extract/vocab/form_labels.json): printed label → field.
VOCAB_FILE = Path(__file__).resolve().parents[1] / "vocab" / "form_labels.json"
VOCAB: dict = json.loads(VOCAB_FILE.read_text(encoding="utf-8"))
#: Label → projects field, matched by prefix on the label key in this order, so
#: 项目期 / 项目日期 and 项目概况 (项目基本情况) variants meet.
LABEL_FIELDS: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in VOCAB["fields"]["prefix"])
#: Label → projects field, matched on the whole key only (项目 would prefix everything).
EXACT_FIELDS: dict[str, str] = {a: b for a, b in VOCAB["fields"]["exact"]}
#: Column headers over the 总体目标 goals: 实施期 goal on the left, 年度 on the right.
GOAL_HEADERS: tuple[str, ...] = tuple(VOCAB["goal_headers"])
#: Labels an OCR misreading is snapped to (see :func:`label_key`); a goal header
#: is one too: read 实施期自标, it was taken for the 实施期 goal itself.
_SNAP_LABELS = tuple(dict.fromkeys(VOCAB["ocr_snap"]["labels"] + list(GOAL_HEADERS)))
#: Printed words one character from a snap label that are words of their own (科目名称), never snapped.
_NOT_SNAPPED = frozenset(VOCAB["ocr_snap"]["printed_words"])
#: Labels that end the indicator block of a card form (signature line).
END_LABELS: tuple[str, ...] = tuple(VOCAB["end_labels"])
#: The five fund sources of the 项目资金 block, by a keyword of their label.
SOURCE_KEYS: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in VOCAB["sources"])
#: Labels known to carry no field of their own (项目资金 heads the funds block).
KNOWN_LABELS: frozenset[str] = frozenset(VOCAB["known"])
#: Endings of an agency's name (重庆市规划和自然资源局 holds 市 and 资 but is no fund source).
_AGENCY = ORG_SUFFIXES
#: Label keys this long (characters) are snapped to a vocabulary label one character away (OCR misreads).
SNAP_MIN_CHARS, SNAP_MAX_CHARS = 4, 8
#: Longest key (characters) of a label; a longer cell is a value (a 项目概况 paragraph starting 项目名称).
LABEL_MAX_CHARS = 16
#: Longest key (characters) of a fund-source label (中央财政资金, 市县(区)财政资金).
SOURCE_MAX_CHARS = 10
#: Longest key (characters) reported as an unknown label; longer cells are values.
UNKNOWN_LABEL_MAX_CHARS = 12
#: A project name longer than this (characters) is a sentence.
MAX_PROJECT_NAME_CHARS = 80
#: Level-1 indicator names (一级指标); used to recognise an indicator block.
LEVEL1_WORDS = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_WORDS = ("数量指标", "质量指标", "时效指标", "经济效益", "社会效益", "生态效益",
                "可持续影响", "服务对象满意度", "成本指标")

_PUNCT = re.compile(r"[\s:：，,。、;；()（）\[\]【】\"'“”]")
_OPS = {"≥": "≥", "≧": "≥", "≤": "≤", "≦": "≤", ">": ">", "<": "<", "=": "=", "＝": "=",
        "大于等于": "≥", "不低于": "≥", "不少于": "≥", "小于等于": "≤", "不高于": "≤",
        "不超过": "≤", "大于": ">", "小于": "<", "等于": "="}
_VALUE = re.compile(
    rf"^(?P<lead>[{IDEOGRAPHS}]{{1,4}}(?=[\d≥≤<>=]))?(?P<op>大于等于|小于等于|不低于|不少于|不高于|不超过|大于|小于|等于|[≥≧≤≦><=＝])?\s*"
    # no digit in a unit: 2026年10月底前 is a date
    r"(?P<num>[-+]?\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>[^\d≥≤<>=，,；;。][^\d]{0,11})?$")
_AMOUNT = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?$")
_STAMP = re.compile(r"(\d{4})[-/.年]?(\d{2})[-/.月]?(\d{2})日?\s*(?:(\d{2}):?(\d{2}):?(\d{2}))?")


def norm(text: str) -> str:
    """NFKC text with whitespace runs collapsed; the contract's text normalisation."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """A label with spaces and punctuation removed, for meaning-based matching.

    A key one character away from exactly one label of :data:`LABEL_FIELDS`
    or :data:`GOAL_HEADERS` (same length) is that label: OCR reads 项自名称 for 项目名称, and a form
    whose 项目名称 is lost is a form lost. Labels are a closed list, so nothing
    outside it is forced onto it. Cached: it runs on every cell of every form
    grid, and the snap compares the key with the whole vocabulary.
    """
    key = _PUNCT.sub("", norm(text)).replace("其中", "")
    if (SNAP_MIN_CHARS <= len(key) <= SNAP_MAX_CHARS and key not in _NOT_SNAPPED
            and not any(key.startswith(label) for label in _SNAP_LABELS)):
        near = {label for label in _SNAP_LABELS
                if len(label) == len(key) and sum(a != b for a, b in zip(label, key)) == 1}
        if len(near) == 1:
            return near.pop()
    return key


def label_field(text: str) -> str | None:
    """The projects field a label cell names, or None when the cell is not a label.

    Long cells are values, never labels: a 项目概况 paragraph may well start with
    "项目名称" or quote 立项依据.
    """
    key = label_key(text)
    if not key or len(key) > LABEL_MAX_CHARS:
        return None
    if key in EXACT_FIELDS:
        return EXACT_FIELDS[key]
    for prefix, field_name in LABEL_FIELDS:
        if key.startswith(prefix):
            return field_name
    return None


def source_field(text: str) -> str | None:
    """Central / provincial / local / self / other for a 资金来源 label, else None.

    Tolerates 中央财政资金 vs 中央财政拨款 and 市县(区)财政资金 broken inside a word
    (市、县（区）财政资) — the keyword is enough.
    """
    key = label_key(text)
    if not key or len(key) > SOURCE_MAX_CHARS or re.search(r"\d", key) or key.endswith(_AGENCY):
        return None
    for word, name in SOURCE_KEYS:
        # the source word opens the label (单位自筹 allowed): 北京市水务改革发展资金 is a name, not 市级资金
        # 其他 alone (or 其他来源) is a source; 其他履职专项业务经费 is a project name (西安 019)
        funds_word = "资" in key or "拨" in key or "自筹" in key or (name == "other" and len(key) <= 4)
        if 0 <= key.find(word) <= 2 and funds_word:
            return name
    return None


def parse_amount(text: str) -> float | None:
    """"250,000" → 250000.0; blank or text → None."""
    t = norm(text).replace(" ", "")
    if not _AMOUNT.match(t):
        return None
    return float(t.replace(",", ""))


def ocr_thousands(text: str) -> str:
    """OCR'd ``225.200`` in a form's funds cell → ``225,200``.

    The recogniser reads the thousands comma as a point; a funds cell holds whole
    元 (or 万元 to two decimals), never three decimals after every point, so a
    run of three-digit groups after points can only be thousands.
    """
    t = norm(text).replace(" ", "")
    return t.replace(".", ",") if re.fullmatch(r"\d{1,3}(\.\d{3})+", t) else text


def split_label_value(text: str) -> tuple[str, str]:
    """Split "填报日期：20250110094534" style cells into label and inline value."""
    t = norm(text)
    m = re.match(r"^([^:：]{1,16})[:：]\s*(.+)$", t)
    return (m.group(1), m.group(2)) if m else (t, "")


def parse_timestamp(text: str) -> str | None:
    """20250110094534 → 2025-01-10T09:45:34; a bare date keeps no time part."""
    t = norm(text).replace(" ", "")
    m = _STAMP.search(t)
    if not m:
        return None
    y, mo, d, hh, mm, ss = m.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    return f"{y}-{mo}-{d}" + (f"T{hh}:{mm}:{ss}" if hh else "")


def split_dept(text: str) -> tuple[str | None, str | None]:
    """主管部门及代码 "028-阳泉市司法局" → ("028", "阳泉市司法局")."""
    t = norm(text)
    m = re.match(r"^\[?(\d{2,})\]?\s*[-－—_·.・]*\s*(.*)$", t)  # OCR reads the hyphen as · or .
    if m:
        return m.group(1), (m.group(2) or None)
    return None, (t or None)


def split_project_code(text: str) -> tuple[str | None, str]:
    """"102T17-购买考试服务支出项目" → ("102T17", "购买考试服务支出项目").

    Beijing list forms print the project code before the name; the contract's
    project_name is the name, the code goes to an extra column.
    """
    t = norm(text)
    m = re.match(r"^([0-9A-Z][0-9A-Z ]*?)\s*[-－]\s*(\S.*)$", t)
    if m and re.search(r"\d", m.group(1)):
        return m.group(1), m.group(2)
    return None, t


@dataclass(frozen=True, slots=True)
class Value:
    """An indicator value split into comparison, number and unit."""

    op: str | None
    value: float | None
    unit: str | None


def parse_value(raw: str) -> Value:
    """≥14000吨 → (≥, 14000, 吨); 100% → (None, 100, %); 按月发放 → all None.

    A short lead word is allowed (提高95% → 95, %: the sample's ground truth reads
    it so); anything longer around the number (项目立项数量≥40个；…) stays text,
    because guessing which number is the target would invent data.
    """
    t = norm(raw).replace(" ", "")
    m = _VALUE.match(t)
    if not m:
        return Value(None, None, None)
    op = _OPS[m.group("op")] if m.group("op") else None
    unit = m.group("unit") or None
    return Value(op, float(m.group("num").replace(",", "")), unit)


def compose_value(op: str, value: str, unit: str) -> str:
    """value_raw of a form printing op, value and unit in separate columns."""
    op_n = _OPS.get(norm(op).replace(" ", ""), "")
    return norm(op_n + norm(value) + (norm(unit) if norm(value) else "")).replace(" ", "")


def is_level1(text: str) -> bool:
    key = label_key(text)
    return any(key.startswith(w) for w in LEVEL1_WORDS)


def is_level2(text: str) -> bool:
    key = label_key(text)
    return any(key.startswith(w) for w in LEVEL2_WORDS)


_LEVELS = re.compile(r"(?P<l1>" + "|".join(LEVEL1_WORDS) + r")(?P<l2>[^指]{1,10}?指标)(?P<l3>.*)", re.S)


def split_levels(text: str) -> tuple[str, str, str, str]:
    """One cell printing 一级, 二级 and 三级 run together (北京 部门整体支出绩效目标表).

    "产出指标数量指标白皮松等花卉苗木" → ("", 产出指标, 数量指标, 白皮松等花卉苗木);
    "满意度指标服务对象满意度指标尽责参与满意率" → ("", 满意度指标, 服务对象满意度指标, …).
    Returns (lead, level1, level2, level3): ``lead`` is text before the first
    level-1 + level-2 pair — the clipped overflow of the cell above, which the text
    layer places in this row. Text without such a pair is all level 3.
    """
    t = norm(text).replace(" ", "")
    m = _LEVELS.search(t)
    if not m:
        return "", "", "", t
    return t[:m.start()], m["l1"], m["l2"], m["l3"]


_PACKED = re.compile(
    r"(?:\d+\s*[.、])?\s*\d*\s*-\s*(?P<l1>[^,;:\d]{1,8}指标)\s*[,;]\s*\d*\s*-\s*(?P<l2>[^,;:]{1,14}?)\s*[,;]"
    r"\s*(?P<l3>[^;]*?)\s*;\s*实施周期指标值\s*:\s*(?P<vp>.*?)\s*[,;。]?\s*年度指标值\s*:\s*(?P<va>.*?)\s*[;。]?\s*"
    r"(?=(?:\d+\s*[.、])?\s*\d*\s*-\s*[^,;:\d]{1,8}指标\s*[,;]|$)")


def parse_packed_indicators(text: str) -> list[tuple[str, str, str, str, str]]:
    """Indicators packed into one cell (广州 file 25) → (level1, level2, level3, 实施期值, 年度值).

    The cell reads "1.1－产出指标，11－数量指标，项目专职环保员数量；实施周期指标值：
    ≦核定人数，年度指标值：≦核定人数；2、1－产出指标，…": item number, level codes
    joined to names by a dash, then the two values. Levels may be parted by ；
    as well ("1、1-产出指标；11-数量指标；…；年度指标值:100%。2、…").
    """
    t = norm(text).replace(" ", "")
    return [(m["l1"], m["l2"], m["l3"], m["vp"], m["va"]) for m in _PACKED.finditer(t)]


_CELL_UNIT = re.compile(rf"^(?P<num>[-+]?\d+(?:,\d{{3}})*(?:\.\d+)?)\s*(?P<unit>{UNIT_WORDS})$")


def parse_amount_unit(text: str) -> tuple[float | None, float | None]:
    """An amount cell, with the unit it prints itself: "337770.89万元" → (337770.89, 10000.0).

    The second value is 元 per printed unit when the cell names one (西安 prints
    the unit in the cell although the label says 万元 too), else None: the
    form's unit (label or title) applies.
    """
    t = norm(text).replace(" ", "")
    m = _CELL_UNIT.match(t)
    if m:
        return float(m["num"].replace(",", "")), UNIT_TO_YUAN[m["unit"]]
    return parse_amount(t), None


def label_unit(text: str) -> float | None:
    """元 per unit named by a funds label: 项目资金（万元） → 10000, 项目资金（元） → 1, else None.

    Only short labels about money count, so a sentence mentioning 万元 sets nothing.
    """
    key = re.sub(r"[\d.,]+", "", label_key(text))  # 资金金额1620.98（万元）: the total printed inside
    if not key or len(key) > LABEL_MAX_CHARS or not re.search(r"资金|金额|预算|拨款", key):
        return None
    unit = next((u for u in UNITS_LONGEST_FIRST if key.endswith(u)), None)
    return UNIT_TO_YUAN[unit] if unit else None


def is_unit_note(text: str) -> bool:
    """"（万元）" after a label's colon (西安: 年度资金总额：（万元）) is the unit, not the value."""
    return bool(re.fullmatch(rf"[(（]?\s*({UNIT_WORDS})\s*[)）]?", norm(text)))


def unknown_label(text: str) -> bool:
    """A short label-like cell the vocabulary does not know (reported, never silently dropped).

    Values are not labels: numbers, indicator level names (产出指标), long text.
    """
    key = label_key(text)
    if not key or len(key) > UNKNOWN_LABEL_MAX_CHARS or re.search(r"\d", key) or not has_ideograph(key):
        return False
    known = key in KNOWN_LABELS or key in GOAL_HEADERS or bool(label_field(text) or source_field(text))
    return not (known or is_level1(text) or is_level2(text) or label_unit(text) is not None)


_SPACE_IN_NAME = re.compile(r"(?<![A-Za-z])\s+|\s+(?![A-Za-z])")


def clean_name(name: str) -> str:
    """A project name without the glyph spacing of the text layer ("2026- 2029年" → "2026-2029年").

    Like the table stage's normalisation, spaces go except between two Latin
    letters (an English word pair keeps its space).
    """
    return _SPACE_IN_NAME.sub("", norm(name))


#: Fields that hold a name or a term (implementing unit, project attribute), not a sentence.
NAME_FIELDS = ("implementing_unit", "attribute")
#: Sentence marks that cannot begin or end a name: OCR reads a speck beside a cell's text as one.
_NAME_EDGE_MARKS = "。，、；：,;:"


def clean_term(text: str) -> str:
    """A unit name or a term as printed, without glyph spacing or a stray mark at either end.

    "一次性项目 (1年结束)" (an OCR space) → "一次性项目(1年结束)"; "。阳泉市强制隔离戒毒所"
    (a speck read as 。) → "阳泉市强制隔离戒毒所". A full stop may end a sentence; no name ends
    or begins with one.
    """
    return clean_name(text).strip(_NAME_EDGE_MARKS)


_CODE_ONLY = re.compile(r"^[A-Za-z0-9\-_.—/#\s]+$")
_YEAR_ONLY = re.compile(r"^\d{4}年度?$")


def is_real_name(name: str) -> bool:
    """A project name, not a code (SM-W-C-051103), a number, a year, a header word or a sentence."""
    t = clean_name(name)
    if not t or _CODE_ONLY.match(t) or _YEAR_ONLY.match(t) or parse_amount(t) is not None:
        return False
    if not has_ideograph(t):
        return False
    key = label_key(t)
    if key in KNOWN_LABELS or key in GOAL_HEADERS or (len(key) <= 8 and label_field(t)) or is_level1(t) or is_level2(t):
        return False
    return not (len(t) > MAX_PROJECT_NAME_CHARS or "。" in t.rstrip("。"))
