"""The OCR path on every scan profile (issue 13), a few pages each, against truth.

Each profile of ``tools/make_samples/profiles.py`` scans four pages of the seed document (two table pages,
one stored with /Rotate in ``skew_rot90``, and two single-page forms, turned in their pixels there); the
pages are read by the whole pipeline and compared exactly with the truth of what is printed wholly on them.
About 12 s of OCR per profile on one core. ``python -m tools.make_samples.scan_score`` gives the same
figures over whole documents (``bench/results.md``, "OCR by scan profile").
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tools/ is not installed with the package

pytest.importorskip("reportlab")
from tools.make_samples import profiles  # noqa: E402
from tools.make_samples.scan_score import PROJECT_FIELDS, PROSE_FIELDS, compare  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.ocr]

NAMES = [p.name for p in profiles.profiles()]
#: The issue's bars, per profile.
MIN_LINES, MIN_INDICATORS, MIN_FIELDS, MIN_PROSE_CHARS = 0.99, 0.95, 0.90, 0.98


@pytest.fixture(scope="module", params=NAMES)
def scored(request, tmp_path_factory):
    from extract.pipeline import process_document
    from tools.make_samples.__main__ import scan_few_pages

    pdf, truth = scan_few_pages(request.param)
    path = tmp_path_factory.mktemp(request.param) / f"scan_{request.param}.pdf"
    path.write_bytes(pdf)
    res = process_document(path, path.name)
    return request.param, res.rows, truth, compare(request.param, res.rows, truth)


def test_the_few_pages_hold_tables_forms_and_turned_pages():
    from tools.make_samples.__main__ import FEW_PAGES

    skew = profiles.by_name("skew_rot90")
    assert {skew.turned.get(p) for p in FEW_PAGES} >= {"rotate90", "pixels_cw", "pixels_ccw"}
    assert len(NAMES) >= 6 and len(profiles.MIXED) >= 2


def test_budget_lines_and_tables(scored):
    name, rows, truth, s = scored
    assert s.tables_truth == 4 and s.tables_keyed == 4, name
    assert s.lines_truth == 77 and s.lines_exact >= MIN_LINES * s.lines_truth, (name, s.lines_exact)
    assert rows["documents"][0]["ocr_pages"] == 4


def test_indicators(scored):
    name, _, _, s = scored
    assert s.indicators_truth == 26 and s.indicators_exact >= MIN_INDICATORS * s.indicators_truth, \
        (name, s.indicators_exact)


def test_project_fields_exact_and_prose_by_characters(scored):
    """Every field but prose exact to the bar; prose (a wrong 、 makes it inexact) by character accuracy."""
    name, rows, truth, s = scored
    have = {p["project_name"]: p for p in rows["projects"]}
    pairs = [(have.get(w["project_name"], {}).get(f), w[f]) for w in truth["projects"]
             for f in PROJECT_FIELDS if f not in PROSE_FIELDS]
    assert len(truth["projects"]) == 2
    assert sum(a == b for a, b in pairs) >= MIN_FIELDS * len(pairs), (name, [p for p in pairs if p[0] != p[1]])
    assert s.prose >= MIN_PROSE_CHARS, (name, s.prose)


def test_no_watermark_or_seal_text_in_the_outputs(scored):
    name, rows, _, _ = scored
    for table, got in rows.items():
        text = str(got)
        assert "内部审核" not in text and "预算专用章" not in text, (name, table)


@pytest.fixture(scope="module", params=[f"mixed_{name}" for name in profiles.MIXED])
def mixed_run(request, tmp_path_factory):
    """A mixed profile document, whole (text pages, the copy-2 form pages scanned), run as a batch."""
    import json

    from extract.api import run_batch
    from tools.make_samples.__main__ import scan_documents

    (name, pdf, truth), = scan_documents(only=[request.param])
    folder = tmp_path_factory.mktemp(request.param)
    (folder / "in").mkdir()
    (folder / "in" / name).write_bytes(pdf)
    (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    run_batch(folder / "in", folder / "out")
    return request.param, folder


def test_mixed_documents_merge_copies_and_keep_the_canonical_doc_refs(mixed_run):
    """Issue 13's done-when for mixed documents: 7 projects from 14 copies, doc_refs equal to the
    truth's canonical set (no OCR variant left as a reference), every disputed field in conflicts."""
    sys.path.insert(0, str(ROOT / "tools"))
    from score_copies import score

    name, folder = mixed_run
    s = score(folder / "out", folder / "truth.json")
    assert (s["projects"], s["copies"]) == (7, 14), name
    assert s["canonical_multiset_equal"], (name, s["missing"], s["extra"])
    assert s["expected_conflicts_found"] == s["expected_conflicts"] == 31, (name, s["expected_conflicts_missing"])
