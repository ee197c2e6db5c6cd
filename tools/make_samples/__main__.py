"""python -m tools.make_samples samples/  — regenerate every sample PDF + truth."""
from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from . import doc as D
from . import render as R
from .tables import fmt_amount
from .truth import build_truth


def n_pages(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    d = pdfium.PdfDocument(pdf)
    try:
        return len(d)
    finally:
        d.close()


def write(out: Path, name: str, pdf: bytes, truth: dict):
    (out / name).write_bytes(pdf)
    (out / (name[:-4] + ".truth.json")).write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{name}: {len(pdf) / 1024:.0f} KiB, {truth['documents'][0]['pages']} pages", file=sys.stderr)


def mutation_spec(model: D.Model) -> dict:
    t = next(t for t in model.tables if t.key == "expenditure_total")
    ri = next(i for i, r in enumerate(t.body) if r[0] == "2040802")
    ci = 2  # 2025年预算数/合计
    before = fmt_amount(t.body[ri][ci], t.thousands)
    after = before.replace("52", "58", 1)
    assert before == "52.00" and after == "58.00"
    return {"table_no": t.no, "table_key": t.key, "row_index": ri, "col_index": ci, "row_no": ri + 1,
            "code": "2040802", "name": t.body[ri][1], "column": t.cols[ci].path,
            "printed_before": before, "printed_after": after, "amount_before": float(before),
            "amount_after": float(after),
            "note": "one digit changed in 支出总表 only; 收入总表/一般公共预算支出表 still print 52.00, so "
                    "sum.children (20408 ≠ Σ children), row balance (合计 ≠ 基本支出+项目支出) and cross-table "
                    "checks must fail at this cell"}


def form_pages(model: D.Model, ctx: R.Ctx, copy: int = 2) -> list[int]:
    """Pages of every form's copy ``copy`` (2: the garbled copies, scanned in the mixed documents)."""
    return sorted({p for pair in model.forms for p in range(ctx.registry[D.form_key(pair[copy - 1])],
                                                              ctx.last[D.form_key(pair[copy - 1])] + 1)})


def seal_pages(model: D.Model, ctx: R.Ctx) -> set[int]:
    """Pages a clerk stamps: every page holding a budget table or a form."""
    from .truth import build_truth

    truth = build_truth(model, ctx, path="x.pdf", pages=999)
    out = {p for t in truth["budget_tables"] for p in range(t["page_first"], t["page_last"] + 1)}
    return out | set(form_pages(model, ctx, 1)) | set(form_pages(model, ctx, 2))


def scan_documents(only=None):
    """Yield (file name, pdf bytes, truth) for every scan-profile document (issue 13)."""
    from . import profiles as P
    from . import scan

    model = D.load_model()
    ctx = R.Ctx()
    pdf = R.build_pdf(D.full_story(model), ctx)
    npg = n_pages(pdf)
    seals = seal_pages(model, ctx)
    for prof in P.profiles(npg):
        name = f"scan_{prof.name}.pdf"
        if not only or prof.name in only or name[:-4] in only:
            if prof.legacy:  # the committed sample's bytes (yq2025_scanned.pdf)
                doc = scan.scan_all(pdf, seed=prof.seed, mode="g4")
            else:
                doc = P.build(pdf, prof, list(range(1, npg + 1)), seals)
            yield name, doc, build_truth(model, ctx, path=name, pages=npg, ocr_pages=range(1, npg + 1),
                                         extra={"scan_profile": prof.name})
        if prof.name in P.MIXED:
            name = f"scan_mixed_{prof.name}.pdf"
            if not only or name[:-4] in only or f"mixed_{prof.name}" in only:
                pages = form_pages(model, ctx)
                doc = P.build(pdf, prof, pages, seals)
                yield name, doc, build_truth(model, ctx, path=name, pages=npg, ocr_pages=pages,
                                             extra={"scan_profile": prof.name, "mixed": True})


def _page_range(spec: str) -> set[int]:
    a, _, b = spec.partition("-")
    return set(range(int(a), int(b or a) + 1))


def truth_on_pages(truth: dict, pages: list[int]) -> dict:
    """The part of ``truth`` printed wholly on ``pages``: tables, their lines, forms (copy 1) and indicators.

    For the few-page documents of the tests (:func:`scan_few_pages`); page numbers stay the full document's.
    """
    keep = set(pages)
    tables = [t for t in truth["budget_tables"] if set(range(t["page_first"], t["page_last"] + 1)) <= keep]
    keys = {t["table_key"] for t in tables}
    projects = [p for p in truth["projects"] if _page_range(str(p["pages"]).split(";")[0]) <= keep]
    names = {p["project_name"] for p in projects}
    doc = dict(truth["documents"][0], pages=len(pages))
    return {"documents": [doc], "budget_tables": tables,
            "budget_lines": [ln for ln in truth["budget_lines"] if ln["table_key"] in keys],
            "projects": projects, "indicators": [i for i in truth["indicators"] if i["project_name"] in names]}


#: The tests' few pages: two table pages (one stored with /Rotate in skew_rot90) and two single-page
#: forms (copy 1; one turned each way in its pixels in skew_rot90).
FEW_PAGES = [7, 12, 19, 24]


def scan_few_pages(profile: str, pages: list[int] = FEW_PAGES) -> tuple[bytes, dict]:
    """``pages`` of the seed document scanned in ``profile``, alone in one PDF, and their truth."""
    from . import profiles as P
    from . import scan

    model = D.load_model()
    ctx = R.Ctx()
    pdf = R.build_pdf(D.full_story(model), ctx)
    npg = n_pages(pdf)
    prof = P.by_name(profile, npg)
    if prof.legacy:
        full = scan.scan_all(pdf, seed=prof.seed, mode="g4")
    else:
        full = P.build(pdf, prof, pages, seal_pages(model, ctx))
    truth = build_truth(model, ctx, path=f"scan_{profile}.pdf", pages=npg, ocr_pages=range(1, npg + 1))
    return P.subset(full, pages), truth_on_pages(truth, pages)


def write_scans(out: Path, only=None):
    for name, doc, truth in scan_documents(only):
        write(out, name, doc, truth)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.make_samples")
    ap.add_argument("out", nargs="?", default="samples")
    ap.add_argument("--only", nargs="*", help="subset of variant names")
    ap.add_argument("--scan-mode", choices=["default", "jpeg"], default="default",
                    help="jpeg: grey JPEG q62 image pages (large files, not committed); default: scanned=CCITT G4 "
                         "bilevel, mixed=4-level grey (keeps every committed PDF < 1.5 MB)")
    ap.add_argument("--styles", action="store_true",
                    help="write the style corpus (the 13 tables in 36 styles, tools/make_samples/styles.py) to OUT "
                         "instead of the samples")
    ap.add_argument("--scans", action="store_true",
                    help="write the seed document scanned in every scan profile (tools/make_samples/profiles.py), "
                         "fully and, for some profiles, mixed, to OUT/scan_<profile>.pdf instead of the samples")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.scans:
        write_scans(out, only=a.only)
        return
    if a.styles:
        from .styles import write_all

        write_all(out, write, n_pages, only=a.only)
        return
    model = D.load_model()
    want = lambda n: not a.only or n in a.only

    # born-digital -------------------------------------------------------
    ctx = R.Ctx()
    pdf = R.build_pdf(D.full_story(model), ctx)
    npg = n_pages(pdf)
    if want("yq2025_born_digital"):
        write(out, "yq2025_born_digital.pdf", pdf, build_truth(model, ctx, path="yq2025_born_digital.pdf", pages=npg))

    if want("yq2025_one_digit"):
        mut = mutation_spec(model)
        c2 = R.Ctx(mutation=mut)
        pdf2 = R.build_pdf(D.full_story(model), c2)
        assert c2.registry == ctx.registry
        write(out, "yq2025_one_digit.pdf", pdf2,
              build_truth(model, c2, path="yq2025_one_digit.pdf", pages=n_pages(pdf2), mutation=mut))

    from . import scan

    if want("yq2025_mixed"):
        pages = sorted({p for c1, c2 in model.forms for p in range(ctx.registry[D.form_key(c2)],
                                                                    ctx.last[D.form_key(c2)] + 1)})
        mixed = scan.replace_pages_with_scans(pdf, pages, seed=11,
                                             mode="jpeg" if a.scan_mode == "jpeg" else "grey2")
        write(out, "yq2025_mixed.pdf", mixed,
              build_truth(model, ctx, path="yq2025_mixed.pdf", pages=npg, ocr_pages=pages))

    if want("yq2025_scanned"):
        scanned = scan.scan_all(pdf, seed=7, mode="jpeg" if a.scan_mode == "jpeg" else "g4")
        write(out, "yq2025_scanned.pdf", scanned,
              build_truth(model, ctx, path="yq2025_scanned.pdf", pages=npg, ocr_pages=range(1, npg + 1)))

    nos = [1, 3]
    if want("garbled_cid"):
        cg = R.Ctx()
        p = R.build_pdf(D.tables_only_story(model, nos), cg)
        p = scan.strip_tounicode(p)
        write(out, "garbled_cid.pdf", p,
              build_truth(model, cg, path="garbled_cid.pdf", pages=n_pages(p), table_nos=nos, forms=False,
                          sections=False, extra={"text_layer": "no ToUnicode (cid garbage)"}))
    if want("garbled_kangxi"):
        from .kangxi import to_kangxi

        ck = R.Ctx(tx=to_kangxi)
        # WenQuanYi Micro Hei (the bold face) has no radical glyphs: headers and
        # titles would print blank. Draw the bold text with Zen Hei for this file.
        R.use_bold_font("ZH")
        try:
            p = R.build_pdf(D.tables_only_story(model, nos), ck)
        finally:
            R.use_bold_font("ZHB")
        write(out, "garbled_kangxi.pdf", p,
              build_truth(model, ck, path="garbled_kangxi.pdf", pages=n_pages(p), table_nos=nos, forms=False,
                          sections=False, extra={"text_layer": "Kangxi radicals / CJK radicals supplement"}))


if __name__ == "__main__":
    main()
