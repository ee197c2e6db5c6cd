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
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
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
