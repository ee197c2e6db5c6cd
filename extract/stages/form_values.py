"""Pure text helpers for performance-target forms (绩效目标表): labels and values.

Reads cell strings; writes normalised labels, field names, amounts, timestamps and
the op / value / unit split of an indicator value (指标值). No geometry here, so
every rule is testable with plain strings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Label → projects field. Matched on the label with spaces and punctuation
#: removed, by prefix, so 项目期 / 项目日期 and 项目概况 (项目基本情况) variants meet.
LABEL_FIELDS: tuple[tuple[str, str], ...] = (
    ("项目名称", "project_name"),
    ("部门名称", "project_name"),  # 部门整体支出绩效目标表: the department is the "project"
    ("单位名称", "project_name"),
    ("主管部门", "dept"),  # 主管部门及代码: "028-阳泉市司法局"
    ("实施单位", "implementing_unit"),
    ("项目属性", "attribute"),
    ("项目期", "period"),
    ("项目日期", "period"),  # a printing variant of 项目期
    ("项目实施期", "period"),
    ("项目概况", "overview"),
    ("立项依据", "basis"),
    ("项目设立必要性", "necessity"),
    ("设立必要性", "necessity"),
    ("保证项目实施的制度", "measures"),
    ("项目实施计划", "plan"),
    ("总体目标", "goal"),
    ("当年绩效目标", "goal_annual"),  # 重庆 重点专项资金绩效目标表: the year's goal only
    ("年度绩效目标", "goal_annual"),
    ("总体绩效目标", "goal"),
    ("整体绩效目标", "goal"),
    ("当年整体绩效目标", "goal"),  # 重庆 部门整体绩效目标表
    ("填报日期", "filled_at"),
    ("实施期资金总额", "funds_total"),
    ("年度资金总额", "funds_annual"),
    ("当年预算", "funds_annual"),  # 重庆: 当年预算 | 88,197.35 (单位：万元 above the card)
)
#: Column headers over the 总体目标 goals: 实施期 goal on the left, 年度 on the right.
GOAL_HEADERS = ("实施期目标", "实施周期目标", "年度目标")
#: Labels an OCR misreading is snapped to (see :func:`label_key`); a goal header
#: is one too: read 实施期自标, it was taken for the 实施期 goal itself.
_SNAP_LABELS = tuple(dict.fromkeys([label for label, _ in LABEL_FIELDS if len(label) >= 4] + list(GOAL_HEADERS)))
#: Labels that end the indicator block of a card form (signature line).
END_LABELS = ("负责人", "经办人", "联系电话", "填报日期")
#: The five fund sources of the 项目资金 block, by a keyword of their label.
SOURCE_KEYS: tuple[tuple[str, str], ...] = (
    ("中央", "central"), ("省", "provincial"), ("市", "local"), ("县", "local"),
    ("自筹", "self"), ("其他", "other"),
)
#: Endings of an agency's name (重庆市规划和自然资源局 holds 市 and 资 but is no fund source).
_AGENCY = ("局", "厅", "委", "委员会", "办", "办公室", "中心", "院", "所", "站", "队", "部", "室", "馆", "会")
#: Level-1 indicator names (一级指标); used to recognise an indicator block.
LEVEL1_WORDS = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_WORDS = ("数量指标", "质量指标", "时效指标", "经济效益", "社会效益", "生态效益",
                "可持续影响", "服务对象满意度", "成本指标")

_PUNCT = re.compile(r"[\s:：，,。、;；()（）\[\]【】\"'“”]")
_OPS = {"≥": "≥", "≧": "≥", "≤": "≤", "≦": "≤", ">": ">", "<": "<", "=": "=", "＝": "=",
        "大于等于": "≥", "不低于": "≥", "不少于": "≥", "小于等于": "≤", "不高于": "≤",
        "不超过": "≤", "大于": ">", "小于": "<", "等于": "="}
_VALUE = re.compile(
    r"^(?P<lead>[\u4e00-\u9fff]{1,4}(?=[\d≥≤<>=]))?(?P<op>大于等于|小于等于|不低于|不少于|不高于|不超过|大于|小于|等于|[≥≧≤≦><=＝])?\s*"
    r"(?P<num>[-+]?\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>[^\d≥≤<>=，,；;。][^\d]{0,11})?$")  # no digit in a unit: 2026年10月底前 is a date
_AMOUNT = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?$")
_STAMP = re.compile(r"(\d{4})[-/.年]?(\d{2})[-/.月]?(\d{2})日?\s*(?:(\d{2}):?(\d{2}):?(\d{2}))?")


def norm(text: str) -> str:
    """NFKC text with whitespace runs collapsed; the contract's text normalisation."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def label_key(text: str) -> str:
    """A label with spaces and punctuation removed, for meaning-based matching.

    A key one character away from exactly one label of :data:`LABEL_FIELDS`
    or :data:`GOAL_HEADERS` (same length) is that label: OCR reads 项自名称 for 项目名称, and a form
    whose 项目名称 is lost is a form lost. Labels are a closed list, so nothing
    outside it is forced onto it.
    """
    key = _PUNCT.sub("", norm(text)).replace("其中", "")
    if 4 <= len(key) <= 8 and not any(key.startswith(label) for label in _SNAP_LABELS):
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
    if not key or len(key) > 16:
        return None
    for prefix, field_name in LABEL_FIELDS:
        if key.startswith(prefix):
            return field_name
    return None


def source_field(text: str) -> str | None:
    """central / provincial / local / self / other for a 资金来源 label, else None.

    Tolerates 中央财政资金 vs 中央财政拨款 and 市县(区)财政资金 broken inside a word
    (市、县（区）财政资) — the keyword is enough.
    """
    key = label_key(text)
    if not key or len(key) > 14 or re.search(r"\d", key) or key.endswith(_AGENCY):
        return None
    for word, name in SOURCE_KEYS:
        if word in key and ("资" in key or "拨" in key or "自筹" in key or name == "other"):
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
    r"(?:\d+\s*[.、])?\s*\d*\s*-\s*(?P<l1>[^,;:\d]{1,8}指标)\s*,\s*\d*\s*-\s*(?P<l2>[^,;:]{1,14}?)\s*,"
    r"\s*(?P<l3>[^;]*?)\s*;\s*实施周期指标值\s*:\s*(?P<vp>.*?)\s*[,;。]?\s*年度指标值\s*:\s*(?P<va>.*?)\s*[;。]?\s*"
    r"(?=(?:\d+\s*[.、])?\s*\d*\s*-\s*[^,;:\d]{1,8}指标\s*,|$)")


def parse_packed_indicators(text: str) -> list[tuple[str, str, str, str, str]]:
    """Indicators packed into one cell (广州 file 25) → (level1, level2, level3, 实施期值, 年度值).

    The cell reads "1.1－产出指标，11－数量指标，项目专职环保员数量；实施周期指标值：
    ≦核定人数，年度指标值：≦核定人数；2、1－产出指标，…": item number, level codes
    joined to names by a dash, then the two values.
    """
    t = norm(text).replace(" ", "")
    return [(m["l1"], m["l2"], m["l3"], m["vp"], m["va"]) for m in _PACKED.finditer(t)]
