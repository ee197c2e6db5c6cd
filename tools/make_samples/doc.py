"""The disclosure's content model and its story (flowables)."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import PageBreak, Spacer

from . import seed as S
from .forms import FormCopy, build_forms
from .render import Ctx, Mark, TOCLine, TPara, form_flowables, table_flowables
from .tables import CN, BudgetTable, build_tables

PART2 = "第二部分 2025年单位预算报表"


@dataclass
class Model:
    sections: list[S.Section]
    tables: list[BudgetTable]
    forms: list[tuple[FormCopy, FormCopy]]


def load_model() -> Model:
    lines = S.read_lines()
    return Model(S.parse_narrative(lines), build_tables(lines), build_forms(lines))


def form_key(fc: FormCopy) -> str:
    return f"form:{fc.project}:{fc.copy_no}"


def sec_key(i: int) -> str:
    return f"sec:{i}"


def toc_entries(m: Model):
    out = []
    for i, s in enumerate(m.sections):
        if s.part == "第三部分" and s.level == 0:
            out.append((PART2, "part2", 0, True))
            for t in m.tables:
                out.append((f"表{CN[t.no - 1]}{t.title}", f"table:{t.no}", 22, False))
        if s.level <= 2:
            out.append((s.heading, sec_key(i), 0 if s.level == 0 else 22 * s.level, s.level == 0))
    return out


def full_story(m: Model):
    def story(ctx: Ctx, st):
        out = [Spacer(1, 190), TPara(S.UNIT_NAME, st["cover1"], ctx), Spacer(1, 30),
               TPara("2025年度单位预算公开", st["cover2"], ctx), PageBreak()]
        out += [TPara("目    录", st["toc_title"], ctx), Spacer(1, 10)]
        for text, key, indent, bold in toc_entries(m):
            out.append(TOCLine(ctx, text, ctx.prev.get(key, 0), indent, bold))
        out.append(PageBreak())
        after_forms = False
        for i, s in enumerate(m.sections):
            if s.level == 0:
                if s.part == "第三部分":
                    out.append(PageBreak())
                    out += part2_story(m, ctx, st)
                if i > 0:
                    out.append(PageBreak())
                out.append(TPara(s.heading, st["part"], ctx, key=sec_key(i)))
            else:
                if after_forms:
                    out.append(PageBreak())
                style = {1: "h1", 2: "h2", 3: "h3"}[s.level]
                out.append(TPara(s.heading, st[style], ctx, key=sec_key(i)))
            after_forms = False
            for p in s.paras:
                out.append(TPara(p.replace("**", ""), st["p"], ctx, key=f"{sec_key(i)}:p"))
            if s.anchor:
                copy_no = int(s.anchor[-1])
                for pair in m.forms:
                    fc = pair[copy_no - 1]
                    out += form_flowables(fc, ctx, st, form_key(fc))
                after_forms = True
        return out

    return story


def part2_story(m: Model, ctx, st):
    out = [TPara(PART2, st["part"], ctx, key="part2")]
    for t in m.tables:
        out += table_flowables(t, ctx, st)
    return out


def tables_only_story(m: Model, nos: list[int]):
    """Short documents (garbled-font variants): a title and a few tables."""

    def story(ctx, st):
        out = [TPara(PART2, st["part"], ctx, key="part2")]
        for t in m.tables:
            if t.no in nos:
                out += table_flowables(t, ctx, st)
        return out

    return story
