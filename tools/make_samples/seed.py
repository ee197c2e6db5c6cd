"""Parse the seed transcription (000_271bf8e2b9228306.txt) into data structures.

Everything that can be taken from the seed programmatically is taken from it:
narrative headings/paragraphs, the 13 budget tables' body rows (tab separated),
and the long text fields of the 14 printed performance-target forms.  Header
layouts (merged cells) and the clean indicator grids of the forms are defined in
``forms.py`` / ``tables.py`` because the seed's transcription of those is lossy.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_CANDIDATES = [
    os.environ.get("MAKE_SAMPLES_SEED", ""),
    str(HERE / "seed_000_271bf8e2b9228306.txt"),
    "/work/shared/seeds/000_271bf8e2b9228306.txt",
]

UNIT_NAME = "阳泉市强制隔离戒毒所"
FISCAL_YEAR = 2025
WATERMARK = "仅供内部审核"
FORM_TITLE = "阳泉市市级预算部门（单位）项目支出绩效目标表"


def seed_path() -> Path:
    for c in SEED_CANDIDATES:
        if c and Path(c).is_file():
            return Path(c)
    raise FileNotFoundError("seed text not found; set MAKE_SAMPLES_SEED")


def read_lines() -> list[str]:
    return seed_path().read_text(encoding="utf-8").splitlines()


def strip_md(s: str) -> str:
    s = s.strip()
    s = re.sub(r"^#+\s*", "", s)
    s = s.replace("<b>", "").replace("</b>", "")
    if s.startswith("**") and s.endswith("**"):
        s = s[2:-2]
    return s.strip()


# --------------------------------------------------------------------------
# budget tables
# --------------------------------------------------------------------------
TABLE_TITLES = [
    "2025年预算收支总表",
    "2025年预算收入总表",
    "2025年预算支出总表",
    "2025年财政拨款收支总表",
    "2025年一般公共预算支出预算表（不含上年结转）",
    "2025年一般公共预算安排基本支出分经济科目表（不含上年结转）",
    "2025年政府性基金预算收入表（不含上年结转）",
    "2025年政府性基金预算支出表（不含上年结转）",
    "2025年国有资本经营预算收支预算表（不含上年结转）",
    "2025年财政拨款安排“三公”经费支出预算表",
    "2025年财政拨款安排机关运行经费预算表",
    "2025年项目支出预算表（本年预算）",
    "2025年项目支出预算表（上年结转）",
]


@dataclass
class SeedTable:
    no: int
    title: str
    rows: list[list[str]]  # every tab line (header + body), cells stripped
    no_data: bool


def parse_tables(lines: list[str]) -> list[SeedTable]:
    starts = []
    for no, title in enumerate(TABLE_TITLES, 1):
        idx = next(i for i, l in enumerate(lines) if strip_md(l) == title)
        starts.append(idx)
    end_all = next(i for i, l in enumerate(lines) if "第三部分" in l and l.startswith("#"))
    out = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else end_all
        rows, nodata = [], False
        for l in lines[s + 1 : e]:
            if "本表无数据" in l:
                nodata = True
            if "\t" in l:
                rows.append([c.strip() for c in l.split("\t")])
        out.append(SeedTable(k + 1, TABLE_TITLES[k], rows, nodata))
    return out


# --------------------------------------------------------------------------
# narrative
# --------------------------------------------------------------------------
HEAD_RE = re.compile(
    r"^(第[一二三四]部分.*|[一二三四五六七八九十]+、.{2,40}|[（(][一二三四五六七八九十]+[）)]\s*.{1,30}|\d、.{1,20})$"
)


@dataclass
class Section:
    part: str
    heading: str
    level: int  # 0 part, 1 一、, 2 （一）, 3 1、
    paras: list[str] = field(default_factory=list)
    anchor: str | None = None  # 'forms1' / 'forms2' → forms are printed after this section


def _norm_heading(h: str) -> str:
    h = re.sub(r"^[（(]([一二三四五六七八九十]+)[）)]\s*", r"（\1）", h)
    return h


def _level(h: str) -> int:
    if h.startswith("第") and "部分" in h[:5]:
        return 0
    if re.match(r"^[一二三四五六七八九十]+、", h):
        return 1
    if h.startswith("（"):
        return 2
    return 3


def parse_narrative(lines: list[str]) -> list[Section]:
    """Sections of 第一部分, 第三部分 and 第四部分 (第二部分 = tables)."""
    secs: list[Section] = []
    i1 = next(i for i, l in enumerate(lines) if strip_md(l) == "第一部分 概况" and l.startswith("#"))
    i2 = next(i for i, l in enumerate(lines) if strip_md(l).startswith("第二部分") and l.startswith("#"))
    i3 = next(i for i, l in enumerate(lines) if strip_md(l).startswith("第三部分") and l.startswith("#"))
    i4 = next(i for i, l in enumerate(lines) if strip_md(l).startswith("第四部分") and l.startswith("#"))
    part = None
    in_form = False
    forms_seen = 0

    def scan(a, b, part_name):
        nonlocal in_form, forms_seen
        for l in lines[a:b]:
            s = strip_md(l)
            if not s or s == WATERMARK:
                continue
            if s == FORM_TITLE:
                if not in_form:
                    forms_seen += 1
                    secs[-1].anchor = f"forms{forms_seen}"
                in_form = True
                continue
            if in_form:
                if "\t" in l or s == "(2025年度)":
                    continue
                in_form = False
            if "\t" in l:
                continue
            if part_name == "第四部分":
                # definitions are paragraphs; keep in one section
                if s.startswith("第四部分"):
                    secs.append(Section(part_name, s, 0))
                else:
                    secs[-1].paras.append(s.replace("**", ""))
                continue
            if HEAD_RE.match(s) and not s.endswith("。") and len(s) <= 40 and "：" not in s[:-1]:
                h = _norm_heading(s)
                secs.append(Section(part_name, h, _level(h)))
            elif s.endswith("：") and re.match(r"^\d、", s):
                secs.append(Section(part_name, s, 3))
            else:
                secs[-1].paras.append(s)

    scan(i1, i2, "第一部分")
    scan(i3, i4, "第三部分")
    scan(i4, len(lines), "第四部分")
    # fold "1、整体绩效目标" style short headings (already level 3)
    return secs


# --------------------------------------------------------------------------
# performance-target forms: long text fields per printed copy
# --------------------------------------------------------------------------
TEXT_LABELS = {
    "项目概况": "overview",
    "立项依据": "basis",
    "项目设立必要性": "necessity",
    "保证项目实施的制度、措施": "measures",
    "项目实施计划": "plan",
}


def parse_forms(lines: list[str]) -> list[dict]:
    """One dict per printed form in seed order (14): name, texts, goals, date."""
    starts = [i for i, l in enumerate(lines) if l.strip() == FORM_TITLE]
    out = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(lines)
        d: dict = {"line": s + 1}
        for l in lines[s:e]:
            if "\t" not in l:
                continue
            cells = [c.strip() for c in l.split("\t")]
            ne = [c for c in cells if c]
            if not ne:
                continue
            lab = ne[0]
            if lab == "项目名称":
                d["name"] = ne[1]
            elif lab in TEXT_LABELS:
                d[TEXT_LABELS[lab]] = ne[1]
            elif lab == "总体目标":
                d["goal_period"] = ne[1]
                d["goal_annual"] = ne[2] if len(ne) > 2 else None
            elif lab.startswith("负责人"):
                d["filled_raw"] = ne[-1]
                if "\t" in d["filled_raw"] or not d["filled_raw"].isdigit():
                    d["filled_raw"] = next(c for c in ne if c.isdigit())
            if "end" not in d and lab.startswith("负责人"):
                d["end"] = True
                break
        out.append(d)
    return out
