"""ReportLab drawing of the disclosure (born-digital)."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab import rl_config

rl_config.invariant = 1  # deterministic bytes (no timestamps / random ids)

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph,
                                SimpleDocTemplate, Spacer, Table, TableStyle)

from . import seed as S
from .forms import HALF, SOURCES, FormCopy
from .tables import CN, BudgetTable, fmt_amount

FONT_DIR = "/usr/share/fonts/truetype/wqy/"
_FONTS_DONE = False


#: Faces the style corpus draws besides WenQuanYi (Debian fonts-arphic-uming / -ukai): name → (file, subfont).
ARPHIC = {"UM": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # AR PL UMing CN (Ming/Song)
          "UK": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0)}  # AR PL UKai CN (Kai)


def register_fonts():
    global _FONTS_DONE
    if _FONTS_DONE:
        return
    pdfmetrics.registerFont(TTFont("ZH", FONT_DIR + "wqy-zenhei.ttc", subfontIndex=0))
    pdfmetrics.registerFont(TTFont("ZHB", FONT_DIR + "wqy-microhei.ttc", subfontIndex=0))
    _FONTS_DONE = True


def register_arphic(name: str) -> None:
    """Register one AR PL face on demand: only the style corpus needs them, so the other samples do not
    require the packages."""
    if name in ARPHIC and name not in pdfmetrics.getRegisteredFontNames():
        path, index = ARPHIC[name]
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))


PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOT = 45, 55, 55
BODY_W = PAGE_W - 2 * MARGIN_X


#: The registered font drawn for bold text (titles, table headers).
BOLD_FONT = "ZHB"


def use_bold_font(name: str) -> None:
    """Draw bold text with the registered font ``name`` (ZHB: Micro Hei, ZH: Zen Hei)."""
    global BOLD_FONT
    BOLD_FONT = name


@dataclass(frozen=True)
class TableLook:
    """How the budget tables are drawn. The defaults are the look of the committed samples; the style corpus
    (``styles.py``) varies every field.

    ``rules``: ``grid`` (every cell ruled) or ``three_line`` (三线表: a heavy rule above and below the table, one
    under the header, and partial rules under header cells that span several columns). ``shade``: grey level
    of the header fill, None for none. ``numbering``: ``label`` (a 预算公开表N line above the title), ``inline``
    (表N starts the title) or ``none`` (the table is not numbered)."""
    regular: str = "ZH"
    bold: str | None = None  # None: BOLD_FONT
    pagesize: tuple[float, float] = A4
    rules: str = "grid"
    shade: float | None = 0.93
    numbering: str = "label"

    def title_line(self, t: BudgetTable) -> str:
        """The title as printed (the truth's title is its NFKC, whitespace removed)."""
        return f"表{CN[t.no - 1]}\u3000{t.title}" if self.numbering == "inline" else t.title

    def printed_no(self, t: BudgetTable) -> int | None:
        return None if self.numbering == "none" else t.no

    @property
    def body_w(self) -> float:
        return self.pagesize[0] - 2 * MARGIN_X


@dataclass
class Ctx:
    """Render options + the page registry filled while drawing."""
    tx: callable = lambda s: s  # text transform (Kangxi variant)
    registry: dict = field(default_factory=dict)  # key -> page (first time drawn)
    last: dict = field(default_factory=dict)  # key -> page (last time drawn)
    prev: dict = field(default_factory=dict)  # registry of the previous pass (for the TOC)
    mutation: dict | None = None
    watermark: bool = True
    page_numbers: bool = True
    look: TableLook = TableLook()

    def note(self, key, page):
        self.registry.setdefault(key, page)
        self.last[key] = page


class Mark(Flowable):
    """Zero-size flowable that records the page it lands on."""

    def __init__(self, ctx, key):
        super().__init__()
        self.ctx, self.key = ctx, key
        self.width = self.height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.ctx.note(self.key, self.canv.getPageNumber())


class _TP(Paragraph):
    """Paragraph that records the page it is drawn on."""
    ctx = None
    key = None

    def split(self, aw, ah):
        parts = super().split(aw, ah)
        for p in parts:
            if isinstance(p, _TP):
                p.ctx, p.key = self.ctx, self.key
        return parts

    def draw(self):
        if self.ctx is not None and self.key:
            self.ctx.note(self.key, self.canv.getPageNumber())
        super().draw()


def TPara(text, style, ctx=None, key=None):
    p = _TP(escape(ctx.tx(text) if ctx else text), style)
    p.ctx, p.key = ctx, key
    return p


class TOCLine(Flowable):
    def __init__(self, ctx, text, page, indent=0, bold=False):
        super().__init__()
        self.ctx, self.text, self.page, self.indent, self.bold = ctx, text, page, indent, bold
        self.height = 20

    def wrap(self, aw, ah):
        self.width = aw
        return aw, self.height

    def draw(self):
        c = self.canv
        font, size = (BOLD_FONT if self.bold else self.ctx.look.regular), 11
        c.setFont(font, size)
        t = self.ctx.tx(self.text)
        c.drawString(self.indent, 5, t)
        num = str(self.page)
        nw = pdfmetrics.stringWidth(num, font, size)
        c.drawString(self.width - nw, 5, num)
        x0 = self.indent + pdfmetrics.stringWidth(t, font, size) + 4
        x1 = self.width - nw - 4
        dw = pdfmetrics.stringWidth(".", font, size)
        n = max(0, int((x1 - x0) / dw))
        c.drawString(x1 - n * dw, 5, "." * n)


# ---------------------------------------------------------------- styles
def styles(look: TableLook = TableLook()):
    """Paragraph styles in the look's faces (one face for both when ``look.bold`` is set)."""
    register_fonts()
    for name in (look.regular, look.bold):
        register_arphic(name)
    BOLD_FONT, ZH = look.bold or globals()["BOLD_FONT"], look.regular  # noqa: N806 - shadow the module names
    st = {}
    st["cover1"] = ParagraphStyle("cover1", fontName=BOLD_FONT, fontSize=28, leading=40, alignment=TA_CENTER)
    st["cover2"] = ParagraphStyle("cover2", fontName=BOLD_FONT, fontSize=22, leading=32, alignment=TA_CENTER)
    st["toc_title"] = ParagraphStyle("toct", fontName=BOLD_FONT, fontSize=18, leading=28, alignment=TA_CENTER)
    st["part"] = ParagraphStyle("part", fontName=BOLD_FONT, fontSize=16, leading=26, alignment=TA_CENTER,
                                spaceBefore=6, spaceAfter=10)
    st["h1"] = ParagraphStyle("h1", fontName=BOLD_FONT, fontSize=12.5, leading=22, spaceBefore=6, spaceAfter=2,
                              firstLineIndent=25)
    st["h2"] = ParagraphStyle("h2", fontName=BOLD_FONT, fontSize=11.5, leading=20, firstLineIndent=23)
    st["h3"] = ParagraphStyle("h3", fontName=ZH, fontSize=11, leading=20, firstLineIndent=22)
    st["p"] = ParagraphStyle("p", fontName=ZH, fontSize=10.5, leading=19, firstLineIndent=21,
                             wordWrap="CJK", alignment=TA_LEFT, spaceAfter=2)
    st["tlabel"] = ParagraphStyle("tlabel", fontName=ZH, fontSize=9, leading=12)
    st["ttitle"] = ParagraphStyle("ttitle", fontName=BOLD_FONT, fontSize=14.5, leading=22, alignment=TA_CENTER,
                                  spaceAfter=4)
    st["tmeta"] = ParagraphStyle("tmeta", fontName=ZH, fontSize=9, leading=12)
    st["tmetar"] = ParagraphStyle("tmetar", parent=st["tmeta"], alignment=TA_RIGHT)
    st["th"] = ParagraphStyle("th", fontName=BOLD_FONT, fontSize=8.5, leading=10.5, alignment=TA_CENTER, wordWrap="CJK")
    st["td"] = ParagraphStyle("td", fontName=ZH, fontSize=8.5, leading=10.5, wordWrap="CJK")
    st["tdr"] = ParagraphStyle("tdr", parent=st["td"], alignment=TA_RIGHT)
    st["note"] = ParagraphStyle("note", fontName=ZH, fontSize=9.5, leading=14, spaceBefore=4)
    st["ftitle"] = ParagraphStyle("ftitle", fontName=BOLD_FONT, fontSize=14, leading=20, alignment=TA_CENTER)
    st["fsub"] = ParagraphStyle("fsub", fontName=ZH, fontSize=10.5, leading=16, alignment=TA_CENTER, spaceAfter=4)
    st["fc"] = ParagraphStyle("fc", fontName=ZH, fontSize=7.8, leading=10, wordWrap="CJK", alignment=TA_CENTER)
    st["fl"] = ParagraphStyle("fl", parent=st["fc"], alignment=TA_LEFT)
    st["fcb"] = ParagraphStyle("fcb", parent=st["fc"], fontName=BOLD_FONT)
    st["ffoot"] = ParagraphStyle("ffoot", fontName=ZH, fontSize=8.5, leading=12)
    return st


# ---------------------------------------------------------------- page furniture
def _on_page(ctx: Ctx):
    def draw(canvas, doc):
        canvas.saveState()
        n = canvas.getPageNumber()
        if ctx.watermark:
            canvas.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.28))
            a = math.radians(35)
            ca, sa = math.cos(a), math.sin(a)
            wm = ctx.tx(S.WATERMARK)
            for x, y in [(70, 150), (330, 150), (70, 420), (330, 420), (70, 690), (330, 690)]:
                t = canvas.beginText()
                t.setFont(ctx.look.regular, 26)
                t.setTextTransform(ca, sa, -sa, ca, x, y)
                t.textOut(wm)
                canvas.drawText(t)
        if ctx.page_numbers and n > 1:
            canvas.setFillColor(colors.black)
            canvas.setFont(ctx.look.regular, 9)
            canvas.drawCentredString(ctx.look.pagesize[0] / 2, 28, f"- {n} -")
        canvas.restoreState()

    return draw


# ---------------------------------------------------------------- budget tables
def table_flowables(t: BudgetTable, ctx: Ctx, st) -> list:
    look = ctx.look
    body_w = look.body_w
    out = [CondPageBreak(200), Mark(ctx, f"table:{t.no}")]
    if look.numbering == "label":
        out.append(TPara(f"预算公开表{t.no}", st["tlabel"], ctx))
    out.append(TPara(look.title_line(t), st["ttitle"], ctx, key=f"tabletitle:{t.no}"))
    meta = Table([[TPara(f"单位名称：{S.UNIT_NAME}", st["tmeta"], ctx), TPara("单位：万元", st["tmetar"], ctx)]],
                 colWidths=[body_w * 0.7, body_w * 0.3])
    meta.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    out.append(meta)
    nh = len(t.header)
    data = [["" for _ in range(t.ncols)] for _ in range(nh)]
    style = [*_rules(t, look.rules),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 4.6), ("BOTTOMPADDING", (0, 0), (-1, -1), 4.6),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if look.shade is not None:
        style.append(("BACKGROUND", (0, 0), (-1, nh - 1), colors.Color(look.shade, look.shade, look.shade)))
    for text, r0, c0, rs, cs in t.grid:
        data[r0][c0] = TPara(text, st["th"], ctx)
        if rs > 1 or cs > 1:
            style.append(("SPAN", (c0, r0), (c0 + cs - 1, r0 + rs - 1)))
    mut = ctx.mutation
    for i, row in enumerate(t.body):
        cells = []
        for c, v in enumerate(row):
            m = t.cols[c]
            if m.role == "amount":
                s = fmt_amount(v, t.thousands)
                if mut and mut["table_no"] == t.no and mut["row_index"] == i and mut["col_index"] == c:
                    s = mut["printed_after"]
                cells.append(TPara(s, st["tdr"], ctx))
            else:
                cells.append(TPara(v, st["td"], ctx))
        data.append(cells)
        # a label row (合计) printed in the code column spans the code+name cells
        for c, m in enumerate(t.cols):
            if (m.role == "code" and row[c] and not row[c].isdigit() and c + 1 < t.ncols
                    and t.cols[c + 1].role == "name" and not row[c + 1]):
                cells[c] = TPara(row[c], st["th"], ctx)
                style.append(("SPAN", (c, nh + i), (c + 1, nh + i)))
    total = sum(t.widths)
    widths = [body_w * w / total for w in t.widths]
    tbl = Table(data, colWidths=widths, repeatRows=nh)
    tbl.setStyle(TableStyle(style))
    out.append(tbl)
    out.append(Mark(ctx, f"table:{t.no}"))
    if t.no_data:
        out.append(TPara("注：本表无数据", st["note"], ctx))
    out.append(Spacer(1, 14))
    return out


def _rules(t: BudgetTable, rules: str) -> list[tuple]:
    """Table style commands for the rules: a full grid, or a 三线表's three rules plus a partial rule under
    each header cell that spans columns above others (the only marks of the header's structure)."""
    if rules == "grid":
        return [("GRID", (0, 0), (-1, -1), 0.6, colors.black)]
    nh = len(t.header)
    out = [("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
           ("LINEBELOW", (0, nh - 1), (-1, nh - 1), 0.6, colors.black),
           ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black)]
    for _text, r0, c0, rs, cs in t.grid:
        if cs > 1 and r0 + rs < nh:
            out.append(("LINEBELOW", (c0, r0 + rs - 1), (c0 + cs - 1, r0 + rs - 1), 0.4, colors.black))
    return out


# ---------------------------------------------------------------- forms
FW = [62, 58, 62, 70, 62, 58, 70, 63]


def _fw():
    tot = sum(FW)
    return [BODY_W * w / tot for w in FW]


def form_flowables(fc: FormCopy, ctx: Ctx, st, key: str) -> list:
    tx = ctx.tx
    lab = (lambda s: s.translate(HALF)) if fc.halfwidth else (lambda s: s)
    P = lambda s, style="fc", k=None: TPara(s, st[style], ctx, key=k)
    out = [PageBreak(), Mark(ctx, key)]
    out.append(TPara(S.FORM_TITLE, st["ftitle"], ctx))
    out.append(TPara(lab("（2025年度）"), st["fsub"], ctx))
    E = ""
    rows = [
        [P("项目名称"), P(fc.project, k=f"{key}:name"), E, E, E, E, E, E],
        [P(lab("主管部门及代码")), P(fc.dept), E, P("实施单位"), P(fc.unit), E, E, E],
        [P("项目属性"), P(lab(fc.attribute)), E, P(fc.period_label), P(fc.period), E, E, E],
        [P(lab("项目资金（元）")), P(lab("实施期资金总额：")), E, P(fc.funds_total), P(lab("年度资金总额：")), E,
         P(fc.funds_annual), E],
    ]
    for s in SOURCES:
        rows.append([E, P(lab(fc.src_labels[s])), E, P(fc.src_total[s]), P(lab(fc.src_labels[s])), E,
                     P(fc.src_annual[s]), E])
    labels = [("项目概况", "overview"), ("立项依据", "basis"), ("项目设立必要性", "necessity"),
              ("保证项目实施的制度、措施", "measures"), ("项目实施计划", "plan")]
    for lb, f in labels:
        rows.append([P(lb), P(fc.texts[f], "fl", f"{key}:{f}"), E, E, E, E, E, E])
    sty = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
           ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
           ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
           ("SPAN", (1, 0), (7, 0)), ("SPAN", (1, 1), (2, 1)), ("SPAN", (4, 1), (7, 1)),
           ("SPAN", (1, 2), (2, 2)), ("SPAN", (4, 2), (7, 2)), ("SPAN", (0, 3), (0, 8))]
    for r in range(3, 9):
        sty += [("SPAN", (1, r), (2, r)), ("SPAN", (4, r), (5, r)), ("SPAN", (6, r), (7, r))]
    for r in range(9, 14):
        sty.append(("SPAN", (1, r), (7, r)))
    t1 = Table(rows, colWidths=_fw())
    t1.setStyle(TableStyle(sty))
    out.append(t1)

    # goals + indicators (kept together on one page)
    rows2 = [[P("总体目标"), P("实施期目标"), E, E, E, P("年度目标"), E, E]]
    sty2 = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
            ("SPAN", (0, 0), (0, 1))]
    if fc.merged_goal:
        rows2.append([E, P(fc.texts["goal_period"], "fl", f"{key}:goal_period"), E, E, E, E, E, E])
        sty2 += [("SPAN", (1, 0), (4, 0)), ("SPAN", (5, 0), (7, 0)), ("SPAN", (1, 1), (7, 1))]
    else:
        rows2.append([E, P(fc.texts["goal_period"], "fl", f"{key}:goal_period"), E, E, E,
                      P(fc.texts["goal_annual"], "fl", f"{key}:goal_annual"), E, E])
        sty2 += [("SPAN", (1, 0), (4, 0)), ("SPAN", (5, 0), (7, 0)), ("SPAN", (1, 1), (4, 1)), ("SPAN", (5, 1), (7, 1))]
    r0 = len(rows2)
    rows2.append([P("绩效指标"), P("一级指标"), P("二级指标"), P("三级指标"), P("指标值"), P("二级指标"), P("三级指标"),
                  P("指标值")])
    n = len(fc.rows)
    sty2.append(("SPAN", (0, r0), (0, r0 + n)))
    for i, (l1, l2p, l3p, vp, l2a, l3a, va) in enumerate(fc.rows):
        rows2.append([E, P(l1), P(l2p), P(l3p), P(vp), P(l2a), P(l3a), P(va)])
    # vertical merges: level1 (col 1), level2 per side (cols 2 and 5)
    for col, keyf in [(1, lambda r: r[0]), (2, lambda r: (r[0], r[1])), (5, lambda r: (r[0], r[4]))]:
        i = 0
        while i < n:
            j = i
            while j + 1 < n and keyf(fc.rows[j + 1]) == keyf(fc.rows[i]):
                j += 1
            if j > i:
                sty2.append(("SPAN", (col, r0 + 1 + i), (col, r0 + 1 + j)))
            i = j + 1
    t2 = Table(rows2, colWidths=_fw())
    t2.setStyle(TableStyle(sty2))
    foot = Table([[P(lab("负责人："), "fl"), P(lab("经办人："), "fl"), P(lab("联系电话："), "fl"),
                   P(lab("填报日期：") + fc.filled, "fl", f"{key}:filled")]],
                 colWidths=[BODY_W * 0.2, BODY_W * 0.2, BODY_W * 0.25, BODY_W * 0.35])
    foot.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 5)]))
    out.append(KeepTogether([t2, foot, Mark(ctx, key)]))
    return out


# ---------------------------------------------------------------- document
def build_pdf(story_fn, ctx: Ctx) -> bytes:
    """Two passes: the first fills ctx.registry (page numbers for the TOC)."""
    register_fonts()
    prev = {}
    for _ in range(3):
        ctx.prev = prev
        ctx.registry, ctx.last = {}, {}
        buf = io.BytesIO()
        doc = SimpleDocTemplate(buf, pagesize=ctx.look.pagesize, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                                bottomMargin=MARGIN_BOT, title=f"{S.UNIT_NAME}2025年度单位预算公开",
                                author=S.UNIT_NAME, creator="make_samples")
        doc.build(story_fn(ctx, styles(ctx.look)), onFirstPage=_on_page(ctx), onLaterPages=_on_page(ctx))
        if ctx.registry == prev:
            break
        prev = dict(ctx.registry)
    return buf.getvalue()
