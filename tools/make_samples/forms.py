"""项目支出绩效目标表 models.

Long text fields come from the seed (which prints every form twice).  For each
project one seed copy is the *base* of the faithful copy 1 (optionally with a
few fixes), and copy 2 reprints the *other* seed copy's text verbatim plus the
label / indicator garbles listed in ``GARBLES``.  Indicator grids are clean
reconstructions (the seed's transcription shifts columns).
"""
from __future__ import annotations

import copy as _copy
import re
import unicodedata
from dataclasses import dataclass, field

from . import seed as S

TEXT_FIELDS = ["overview", "basis", "necessity", "measures", "plan", "goal_period", "goal_annual"]
SOURCES = ["central", "provincial", "local", "self", "other"]
SOURCE_LABELS = {"central": "其中：中央财政资金", "provincial": "省级财政资金", "local": "市县（区）财政资金",
                 "self": "单位自筹", "other": "其他资金"}

P, E, M = "产出指标", "效益指标", "满意度指标"
LONG, ONCE = ("经常性项目（长期开展）", "99年"), ("一次性项目（1年结束）", "1年")


def _std_tail(social=("", ""), eco=("", ""), sustain=("", ""), econ=("", ""), sat=("", ""), sustain_l2="可持续影响"):
    return [
        (E, "经济效益", *econ),
        (E, "社会效益", *social),
        (E, "生态效益", *eco),
        (E, sustain_l2, *sustain),
        (M, "服务对象满意度", *sat),
    ]


# name, seed order, attribute, funds (total, annual, local_total, local_annual), base set (0=A,1=B), fixes,
# indicators (level1, level2, level3, value)
PROJECTS = [
    dict(
        name="戒毒场所水电运行费", attr=LONG, funds=("250,000", "210,000"), base=0, fixes=[],
        ind=[(P, "数量指标", "预计用水量", "≥14000吨"), (P, "数量指标", "预计用电量", "≥230000千瓦时"),
             (P, "质量指标", "水电暖气物业等保障度", "保障"), (P, "时效指标", "长期开展", "稳定"),
             (P, "成本指标", "场所运行水费", "≤110000元/年"), (P, "成本指标", "场所运行电费", "≤140000元/年")]
        + _std_tail(sustain=("单位正常运转保障度", "提高95%"), sat=("单位人员满意度", "提高95%")),
    ),
    dict(
        name="强制人员生活教育费", table_name="强戒人员生活教育费", attr=LONG, funds=("225,200", "225,200"), base=0,
        fixes=[],
        ind=[(P, "数量指标", "收治戒毒人员", "≥50次/年"), (P, "数量指标", "禁毒宣传次数", "≥10次/年"),
             (P, "质量指标", "戒毒人员伙食、生活质量", "提高95%"), (P, "质量指标", "接受教育戒毒人员覆盖率", "100%"),
             (P, "质量指标", "戒毒知识普及率", "100%"), (P, "质量指标", "教育矫治合格率", "≥90%"),
             (P, "时效指标", "生活保障时间", "戒毒人员关押期间"), (P, "时效指标", "戒毒人员接受教育及时性", "及时"),
             (P, "时效指标", "接受康复治疗及时率", "100%"),
             (P, "成本指标", "强制人员戒治教育费用", "≤13900元/年"), (P, "成本指标", "戒毒人员伙食费等", "≤4225元/人.年")]
        + _std_tail(social=("促进戒毒人员心理健康", "有效提高"), eco=("普及社会禁毒法律与知识", "有效普及"),
                    sat=("戒毒人员满意度", "提高95%")),
        merged_goal=True,
    ),
    dict(
        name="强制隔离戒毒所政经费", attr=LONG, funds=("30,000", "30,000"), base=1, fixes=[],
        ind=[(P, "数量指标", "收治戒毒人员", "≥50人/年"), (P, "质量指标", "场所安全稳定", "稳定"),
             (P, "时效指标", "戒毒戒治期间", "戒治期间"), (P, "成本指标", "所政经费", "≤600元/人.年")]
        + _std_tail(social=("社会稳定", "稳定"), sat=("戒毒人员满意度", "提高95%")),
    ),
    dict(
        name="强制隔离戒毒业务费", attr=LONG, funds=("78,900", "78,900"), base=1,
        fixes=[("回访谈查费", "回访调查费")],
        ind=[(P, "数量指标", "收治戒毒人员", "≥50人/年"), (P, "质量指标", "戒毒工作业务水平", "提高95%"),
             (P, "时效指标", "戒毒戒治期间", "戒毒人员关押期间"), (P, "成本指标", "戒毒业务费", "≤78900元/年")]
        + _std_tail(social=("社会秩序稳定", "≥95%"), sat=("戒毒人员满意度", "≥95%")),
    ),
    dict(
        name="遗属补助", attr=ONCE, funds=("10,000", "10,000"), base=0, fixes=[("按月足额 保障", "按月足额保障")],
        ind=[(P, "数量指标", "遗属补助人员", "1人"), (P, "质量指标", "应发尽发率", "100%"),
             (P, "时效指标", "生活补助发放时间", "按月发放"), (P, "成本指标", "取暖费", "3920元/人/年"),
             (P, "成本指标", "遗属人员生活补助", "≥199元/人/月")]
        + _std_tail(social=("保障遗属生活水平", "保障"), sat=("遗属人员满意度", "≥95%")),
    ),
    dict(
        name="援疆干部工作经费", attr=ONCE, funds=("39,000", "39,000"), base=0, fixes=[],
        ind=[(P, "数量指标", "援疆干警", "1人"), (P, "质量指标", "加强新疆监狱工作", "援疆工作积极性提高"),
             (P, "时效指标", "结束援疆建设", "文件要求"), (P, "成本指标", "援疆人员经费", "39000元/人/年")]
        + _std_tail(social=("社会治安", "≥95%"), sustain=("援疆积极性", "≥95%"), sat=("新疆监狱", "≥95%")),
    ),
    dict(
        name="专业人员聘用补贴", attr=LONG, funds=("445,500", "261,000"), base=0, fixes=[("司发运", "司发通")],
        ind=[(P, "数量指标", "护卫协警", "≥16人"), (P, "质量指标", "场所稳定", "≥95%"),
             (P, "时效指标", "长期开展", "稳定"), (P, "成本指标", "应发未发工资", "32700元")]
        + _std_tail(econ=("护卫协警员工工资", "≤412800元/年"), social=("戒毒场所安全稳定", "稳定"),
                    sat=("护卫协警满意度", "≥95%")),
    ),
]

# copy-2 garbles beyond the verbatim seed text of the other copy.
# annual_trunc: level3 on the 年度 side printed truncated; l2_rename / l3_rename on both sides;
# drop: level3 rows missing in copy 2.
GARBLES = {
    "戒毒场所水电运行费": dict(split_local=True, halfwidth=True,
                          annual_trunc={"水电暖气物业等保障度": "水电暖气物业等", "单位正常运转保障度": "单位正常运转保"}),
    "强制人员生活教育费": dict(labels={"central": "其中：中央财政拨款", "local": "市（区）财政资"}, period_label="项目日期",
                          l2_rename={"可持续影响": "可持续发展影响"}, l3_rename={"戒毒人员伙食费等": "强制人员伙食费等"}),
    "强制隔离戒毒所政经费": dict(split_local=True, halfwidth=True),
    "强制隔离戒毒业务费": dict(split_local=True, halfwidth=True, annual_trunc={"戒毒工作业务水平": "戒毒工作业务水"},
                          drop_l2={"可持续影响"}),
    "遗属补助": dict(halfwidth=True, filled="20250106173205",
                 annual_trunc={"生活补助发放时间": "生活补助发放时", "遗属人员生活补助": "遗属人员生活补",
                               "保障遗属生活水平": "保障遗属生活水"}),
    "援疆干部工作经费": dict(),
    "专业人员聘用补贴": dict(halfwidth=True, period_label="项目日期", drop_l3={"护卫协警员工工资"},
                         labels={"local": "市县（区）财政资"}),
}

HALF = str.maketrans({"：": ":", "，": ",", "（": "(", "）": ")", "；": ";"})


@dataclass
class FormCopy:
    """Everything one printed copy shows (strings exactly as drawn)."""
    project: str
    copy_no: int
    dept: str = "028-阳泉市司法局"
    unit: str = S.UNIT_NAME
    attribute: str = ""
    period: str = ""
    period_label: str = "项目期"
    funds_total: str = ""
    funds_annual: str = ""
    src_total: dict = field(default_factory=dict)
    src_annual: dict = field(default_factory=dict)
    src_labels: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    merged_goal: bool = False
    rows: list = field(default_factory=list)  # (l1, l2p, l3p, vp, l2a, l3a, va)
    filled: str = ""
    halfwidth: bool = False
    garbles: list = field(default_factory=list)  # human-readable list


def _fix(s, fixes):
    for a, b in fixes:
        s = s.replace(a, b)
    return s


def build_forms(lines=None) -> list[tuple[FormCopy, FormCopy]]:
    lines = lines or S.read_lines()
    seeds = S.parse_forms(lines)
    sets = [seeds[:7], seeds[7:]]
    out = []
    for k, p in enumerate(PROJECTS):
        a, b = sets[p["base"]][k], sets[1 - p["base"]][k]
        assert a["name"] == p["name"] == b["name"], (a["name"], p["name"])
        g = GARBLES[p["name"]]
        c1 = FormCopy(p["name"], 1, attribute=p["attr"][0], period=p["attr"][1])
        c1.funds_total, c1.funds_annual = p["funds"]
        c1.src_total = {"central": "0", "provincial": "0", "local": p["funds"][0], "self": "0", "other": ""}
        c1.src_annual = {"central": "0", "provincial": "0", "local": p["funds"][1], "self": "0", "other": ""}
        c1.src_labels = dict(SOURCE_LABELS)
        c1.merged_goal = p.get("merged_goal", False)
        for f in TEXT_FIELDS:
            v = a.get(f) or (a.get("goal_period") if f == "goal_annual" else None)
            c1.texts[f] = _fix(v, p["fixes"])
        c1.rows = [(l1, l2, l3, v, l2, l3, v) for l1, l2, l3, v in p["ind"]]
        # the faithful copy carries the date of the A set (遗属补助: 20250108173205)
        c1.filled = sets[0][k]["filled_raw"]

        c2 = _copy.deepcopy(c1)
        c2.copy_no = 2
        for f in TEXT_FIELDS:
            v = b.get(f) or (b.get("goal_period") if f == "goal_annual" else None)
            c2.texts[f] = v
            if unicodedata.normalize("NFKC", v) != unicodedata.normalize("NFKC", c1.texts[f]):
                c2.garbles.append(f"text:{f}")
        for key, lab in g.get("labels", {}).items():
            c2.src_labels[key] = lab
            c2.garbles.append(f"label:{key}={lab}")
        if g.get("split_local"):
            c2.src_labels["local"] = "市县（区）财政资 金"
            c2.garbles.append("label:local split 财政资 金")
        if "period_label" in g:
            c2.period_label = g["period_label"]
            c2.garbles.append(f"label:项目期={g['period_label']}")
        rows = []
        for r in c2.rows:
            l1, l2p, l3p, vp, l2a, l3a, va = r
            if l3p in g.get("drop_l3", ()) or l2p in g.get("drop_l2", ()):
                c2.garbles.append(f"indicator dropped:{l2p}/{l3p}")
                continue
            l2p = l2a = g.get("l2_rename", {}).get(l2p, l2p)
            l3p = l3a = g.get("l3_rename", {}).get(l3p, l3p)
            l3a = g.get("annual_trunc", {}).get(l3a, l3a)
            rows.append((l1, l2p, l3p, vp, l2a, l3a, va))
        for old, new in {**g.get("l2_rename", {}), **g.get("l3_rename", {})}.items():
            c2.garbles.append(f"indicator renamed:{old}->{new}")
        for old, new in g.get("annual_trunc", {}).items():
            c2.garbles.append(f"indicator truncated (年度):{old}->{new}")
        c2.rows = rows
        if "filled" in g:
            c2.filled = g["filled"]
            c2.garbles.append(f"filled_at:{c1.filled}->{c2.filled}")
        c2.halfwidth = g.get("halfwidth", False)
        if c2.halfwidth:
            c2.garbles.append("half-width punctuation in labels")
        out.append((c1, c2))
    return out


def table_name(project: str) -> str:
    p = next(p for p in PROJECTS if p["name"] == project)
    return p.get("table_name", project)


# ------------------------------------------------------------------ indicators
VAL_RE = re.compile(r"^(?P<op>[≥≤><=])?(?P<pre>提高|达到)?(?P<num>\d+(?:\.\d+)?)(?P<unit>[^\d]*)$")


def parse_value(raw: str):
    """≥14000吨 → (≥, 14000.0, 吨); 100% → (None, 100.0, %); 提高95% → (None, 95.0, %); 按月发放 → (None, None, None)."""
    s = "".join(unicodedata.normalize("NFKC", raw).split())
    m = VAL_RE.match(s)
    if not m:
        return None, None, None
    unit = m.group("unit") or None
    return m.group("op"), float(m.group("num")), unit
