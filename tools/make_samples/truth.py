"""Ground truth built from the same structures that were drawn + the page registry."""
from __future__ import annotations

import re
import unicodedata

from . import seed as S
from .doc import Model, form_key, sec_key
from .forms import SOURCES, TEXT_FIELDS, FormCopy, parse_value
from .render import Ctx
from .tables import budget_lines, nfkc

ISSUERS = ["晋财政法", "财行", "司发通", "司发运", "司法部", "晋发改", "司密电", "晋司办", "晋财办"]
REF_RE = re.compile(r"(" + "|".join(ISSUERS) + r")\s*[【\[〔（(]\s*(\d{4})\s*[】\]〕）)]\s*(\d+)\s*号")
# garbled (issuer, year, number) as printed → the true reference
REF_FIX = {
    ("晋财政法", 2019, 122): ("晋财政法", 2013, 122),
    ("财行", 2019, 279): ("财行", 2012, 279),
    ("司发运", 2014, 123): ("司发通", 2014, 123),
    ("司法部", 2014, 123): ("司发通", 2014, 123),
}
# readings cited equally often (4 vs 4) with nothing to break the tie: the issue's rule
# is "a tie is not corrected but goes to conflicts" — both stay as read, one conflict row
# keyed by the smallest canonical, chosen null.
REF_TIES = [{("晋司办", 2019, 63), ("晋财办", 2019, 63)}]


def clean(s):
    return nfkc(s).strip() if s is not None else None


def money(s: str):
    s = (s or "").replace(",", "").strip()
    return float(s) if s else None


def iso(ts: str) -> str:
    return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}"


def _pages(ctx: Ctx, key):
    a, b = ctx.registry[key], ctx.last[key]
    return f"{a}" if a == b else f"{a}-{b}"


def project_record(fc: FormCopy) -> dict:
    r = {
        "project_name": clean(fc.project), "dept_code": fc.dept.split("-")[0], "dept_name": fc.dept.split("-", 1)[1],
        "implementing_unit": fc.unit, "attribute": clean(fc.attribute), "period": clean(fc.period),
        "funds_total": money(fc.funds_total), "funds_annual": money(fc.funds_annual),
    }
    for s in SOURCES:
        r[f"funds_total_{s}"] = money(fc.src_total[s])
    for s in SOURCES:
        r[f"funds_annual_{s}"] = money(fc.src_annual[s])
    for f in TEXT_FIELDS:
        r[f] = clean(fc.texts[f])
    r["filled_at"] = iso(fc.filled)
    return r


def indicator_records(fc: FormCopy) -> list[dict]:
    out = []
    for l1, l2p, l3p, vp, l2a, l3a, va in fc.rows:
        for scope, l2, l3, v in (("实施期", l2p, l3p, vp), ("年度", l2a, l3a, va)):
            if not l3 and not v:
                continue
            op, val, unit = parse_value(v)
            out.append({"project_name": clean(fc.project), "scope": scope, "level1": l1, "level2": l2,
                        "level3": clean(l3) or None, "value_raw": "".join(clean(v).split()) or None,
                        "op": op, "value": val, "value_unit": unit})
    return out


def _key(v):
    return "".join(nfkc(str(v)).split()) if v is not None else None


def form_conflicts(c1: FormCopy, c2: FormCopy) -> list[dict]:
    a, b = project_record(c1), project_record(c2)
    out = []
    for k in a:
        if _key(a[k]) != _key(b[k]):
            out.append({"entity": "project", "key": a["project_name"], "field": k, "values": [a[k], b[k]]})
    ia = {(i["scope"], i["level1"], i["level2"], i["level3"], i["value_raw"]) for i in indicator_records(c1)}
    ib = {(i["scope"], i["level1"], i["level2"], i["level3"], i["value_raw"]) for i in indicator_records(c2)}
    if ia != ib:
        out.append({"entity": "project", "key": a["project_name"], "field": "indicators",
                    "values": [sorted("/".join(map(str, x)) for x in ia - ib),
                               sorted("/".join(map(str, x)) for x in ib - ia)]})
    return out


def doc_refs(model: Model, ctx: Ctx) -> list[dict]:
    out = []
    for pair in model.forms:
        for fc in pair:
            key = form_key(fc)
            for f in TEXT_FIELDS:
                if fc.merged_goal and f == "goal_annual":
                    continue
                page = ctx.registry.get(f"{key}:{f}")
                for m in REF_RE.finditer(nfkc(fc.texts[f])):
                    read = (m.group(1), int(m.group(2)), int(m.group(3)))
                    iss, yr, no = REF_FIX.get(read, read)
                    out.append({"raw": m.group(0), "issuer": iss, "year": yr, "number": no,
                                "canonical": f"{iss}〔{yr}〕{no}号", "page": page, "corrected": read != (iss, yr, no),
                                "project_name": clean(fc.project), "copy": fc.copy_no, "field": f})
    return out


def build_truth(model: Model, ctx: Ctx, *, path: str, pages: int, table_nos=None, forms=True, sections=True,
                method="text", ocr_pages=(), mutation=None, extra=None) -> dict:
    tables = [t for t in model.tables if table_nos is None or t.no in table_nos]
    ocr_pages = sorted(ocr_pages)
    doc = {"path": path, "pages": pages, "text_pages": pages - len(ocr_pages), "ocr_pages": len(ocr_pages),
           "image_only_pages": ocr_pages, "unit_name": S.UNIT_NAME, "fiscal_year": S.FISCAL_YEAR,
           "doc_type": "单位预算", "status": "ok"}
    if extra:
        doc.update(extra)
    ocr_set = set(ocr_pages)
    bt, bl = [], []
    for t in tables:
        key = f"table:{t.no}"
        p0, p1 = ctx.registry[key], ctx.last[key]
        bt.append({"table_key": t.key, "table_no": ctx.look.printed_no(t), "title": "".join(nfkc(ctx.look.title_line(t)).split()),
                   "unit_of_measure": "万元",
                   "page_first": p0, "page_last": p1, "n_rows": len(t.body), "has_data": not t.no_data,
                   "method": "ocr" if p0 in ocr_set else "text"})
        lines = budget_lines(t)
        if mutation and mutation["table_no"] == t.no:
            hit = [l for l in lines if l["table_key"] == t.key and l["code"] == mutation["code"]
                   and l["column"] == mutation["column"]]
            assert len(hit) == 1
            hit[0]["amount"] = mutation["amount_after"]
        bl += lines
    truth = {"documents": [doc], "budget_tables": bt, "budget_lines": bl}
    if sections:
        secs = []
        for i, s in enumerate(model.sections):
            secs.append({"part": s.part, "heading": nfkc(s.heading), "level": s.level,
                         "page_first": ctx.registry[sec_key(i)],
                         "text": "\n".join(nfkc(p.replace("**", "")) for p in s.paras)})
        truth["sections"] = secs
    if forms:
        projects, indicators, conflicts = [], [], []
        for c1, c2 in model.forms:
            r = project_record(c1)
            cf = form_conflicts(c1, c2)
            r["pages"] = f"{_pages(ctx, form_key(c1))};{_pages(ctx, form_key(c2))}"
            r["copies"] = 2
            r["conflicts"] = len(cf)
            r["garbles_copy2"] = c2.garbles
            projects.append(r)
            indicators += indicator_records(c1)
            conflicts += cf
        refs = doc_refs(model, ctx)
        by = {}
        for d in refs:
            by.setdefault(d["canonical"], set()).add(d["raw"].translate(str.maketrans("[]〔〕", "【】【】")))
        for canon, raws in sorted(by.items()):
            if len(raws) > 1:
                conflicts.append({"entity": "doc_ref", "key": canon, "field": "raw", "values": sorted(raws),
                                  "chosen": canon})
        bracket = str.maketrans("[]〔〕", "【】【】")
        for tie in REF_TIES:
            seen = [d for d in refs if (d["issuer"], d["year"], d["number"]) in tie]
            if len({d["canonical"] for d in seen}) > 1:
                conflicts.append({"entity": "doc_ref", "key": min(d["canonical"] for d in seen), "field": "raw",
                                  "values": sorted({d["raw"].translate(bracket) for d in seen}), "chosen": None})
        truth.update(projects=projects, indicators=indicators, doc_refs=refs, expected_conflicts=conflicts)
    if mutation:
        truth["mutation"] = {k: v for k, v in mutation.items() if k not in ("row_index", "col_index")}
    return truth
