"""The OCR path end to end: the fully scanned and the mixed samples (issue 4).

Slow (the scanned sample is 35 pages of OCR, about 2-3 minutes on one core), so
these run once per session and are marked ``slow`` and ``ocr``.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from conftest import SAMPLES, frame_rows, load_truth
from test_spine_samples import _lines
from tools.make_samples.scan_score import INDICATOR_KEY, PROJECT_FIELDS

pytestmark = [pytest.mark.slow, pytest.mark.ocr]

def _run(name: str, tmp_path_factory):
    from extract.api import run_batch

    out = tmp_path_factory.mktemp(name)
    run_batch([SAMPLES / f"{name}.pdf"], out)
    return _tables(out)


def _tables(out):
    return {t: pd.read_parquet(out / f"{t}.parquet") for t in
            ("documents", "budget_tables", "budget_lines", "projects", "indicators", "sections", "doc_refs",
             "conflicts")}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    return _run("yq2025_scanned", tmp_path_factory)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    return _run("yq2025_mixed", tmp_path_factory)


def _share_exact(got_rows, want_rows) -> float:
    got, want = _lines(got_rows), _lines(want_rows)
    return len(got & want) / len(want)


def test_scanned_budget_lines_at_least_98_percent_exact(scanned):
    truth = load_truth("yq2025_scanned")
    rows = frame_rows(scanned["budget_lines"])
    for r in rows:
        r["row_no"], r["level"] = int(r["row_no"]), None if r["level"] is None else int(r["level"])
    assert _share_exact(rows, truth["budget_lines"]) >= 0.98  # measured 267/267


def test_scanned_every_table_keyed_and_read_by_ocr(scanned):
    truth = load_truth("yq2025_scanned")
    got = scanned["budget_tables"]
    assert sorted(zip(got.table_key, got.page_first, got.page_last)) == \
        sorted((t["table_key"], t["page_first"], t["page_last"]) for t in truth["budget_tables"])
    assert set(got["method"]) == {"ocr"}
    doc = frame_rows(scanned["documents"])[0]
    assert (doc["ocr_pages"], doc["text_pages"], doc["status"]) == (35, 0, "ok")


@pytest.mark.xfail(strict=True, reason="issue 4 open: measured 85/112 project fields (76%) exact. Both OCR "
                   "copies of a form are read from the same 200 dpi bilevel scan, where 、 and ; lose their "
                   "thin strokes (、 read as ,, ; as :, a final 。 lost) in both copies alike, so no merge can "
                   "prove them; a prose field is exact only with every mark right")
def test_scanned_project_fields_at_least_95_percent(scanned):
    truth = load_truth("yq2025_scanned")
    got = {p["project_name"]: p for p in frame_rows(scanned["projects"])}
    total = exact = 0
    for want in truth["projects"]:
        have = got.get(want["project_name"], {})
        for field in PROJECT_FIELDS:
            total += 1
            exact += have.get(field) == want[field]
    assert exact / total >= 0.95, f"{exact}/{total} project fields exact"


def test_scanned_indicators_at_least_95_percent(scanned):
    """Measured 108/110: 协警 read 协繁 and 普及 read 曾及 in both copies."""
    truth = load_truth("yq2025_scanned")
    want_ind = {tuple(i[k] for k in INDICATOR_KEY) for i in truth["indicators"]}
    have_ind = {tuple(i[k] for k in INDICATOR_KEY) for i in frame_rows(scanned["indicators"])}
    assert len(want_ind & have_ind) / len(want_ind) >= 0.95, f"{len(want_ind & have_ind)}/{len(want_ind)}"


def test_scanned_project_fields_at_least_75_percent(scanned):
    """Where the OCR path stands (85/112), so that it cannot slip back unnoticed."""
    truth = load_truth("yq2025_scanned")
    got = {p["project_name"]: p for p in frame_rows(scanned["projects"])}
    pairs = [(got.get(w["project_name"], {}).get(f), w[f]) for w in truth["projects"] for f in PROJECT_FIELDS]
    assert sum(have == want for have, want in pairs) >= 0.75 * len(pairs)


def test_scanned_form_amounts_and_codes_exact(scanned):
    """The numeric and coded form fields, unlike prose, must all be exact."""
    truth = load_truth("yq2025_scanned")
    got = {p["project_name"]: p for p in frame_rows(scanned["projects"])}
    for want in truth["projects"]:
        have = got[want["project_name"]]
        for field in ("dept_code", "dept_name", "funds_total", "funds_annual", "period"):
            assert have[field] == want[field], (want["project_name"], field)


def test_scanned_outputs_carry_no_watermark(scanned):
    for name, df in scanned.items():
        text = df.astype(str).to_csv()
        assert "仅供" not in text and "内部审核" not in text, name


def test_mixed_scanned_copy_merges_with_its_text_copy(mixed):
    truth = load_truth("yq2025_mixed")
    doc = frame_rows(mixed["documents"])[0]
    assert doc["ocr_pages"] == 9 and doc["text_pages"] == 26
    projects = mixed["projects"]
    assert sorted(projects["project_name"]) == sorted(p["project_name"] for p in truth["projects"])
    assert list(projects["copies"]) == [2] * 7  # each form: a text copy and an OCR copy, one project


# --- issue 13: 文号 from the OCR copies, copies merged --------------------------------------------

def _ref_key(r: dict) -> tuple:
    return r["canonical"], r["page"], bool(r["corrected"])


def test_mixed_doc_refs_equal_the_truth(mixed):
    """Every citation on its page with its canonical form and whether it was corrected, as the truth
    has them: 72 rows, 晋财办〔2019〕63号 of the scanned copy kept beside the text layer's 晋司办."""
    truth = load_truth("yq2025_mixed")
    rows = frame_rows(mixed["doc_refs"])
    assert Counter(map(_ref_key, rows)) == Counter(map(_ref_key, truth["doc_refs"]))
    assert all(r["canonical"] == f"{r['issuer']}〔{r['year']}〕{r['number']}号" for r in rows)


def test_mixed_every_disputed_field_has_a_conflicts_row(mixed):
    truth = load_truth("yq2025_mixed")
    have = {(c["entity"], c["key"], c["field"]) for c in frame_rows(mixed["conflicts"])}
    assert {(c["entity"], c["key"], c["field"]) for c in truth["expected_conflicts"]} <= have
    (date,) = [c for c in frame_rows(mixed["conflicts"]) if c["key"] == "遗属补助" and c["field"] == "filled_at"]
    assert (date["values"], date["chosen"]) == ('["2025-01-08T17:32:05", "2025-01-06T17:32:05"]', "2025-01-08T17:32:05")
    (tie,) = [c for c in frame_rows(mixed["conflicts"]) if c["entity"] == "doc_ref" and c["reason"] == "tie"]
    assert (tie["key"], tie["chosen"]) == ("晋司办〔2019〕63号", None)


@pytest.fixture(scope="module")
def grey150(tmp_path_factory):
    """The mixed sample with its copy-2 forms scanned grey at 150 dpi (tools/harsh_mixed.py), the scan
    that split three forms into two projects each and snapped 晋财办 into 晋司办 before issue 13."""
    from extract.api import run_batch
    from tools.harsh_mixed import build

    folder = tmp_path_factory.mktemp("grey150")
    build(folder / "mixed_grey150.pdf", profile="grey150")
    run_batch([folder / "mixed_grey150.pdf"], folder / "out")
    return _tables(folder / "out")


def test_grey150_mixed_seven_projects_from_fourteen_copies(grey150):
    projects = frame_rows(grey150["projects"])
    assert sorted((p["project_name"], p["copies"]) for p in projects) == \
        sorted((p["project_name"], 2) for p in load_truth("yq2025_mixed")["projects"])
    (p,) = [p for p in projects if p["project_name"] == "遗属补助"]
    assert p["filled_at"] == "2025-01-08T17:32:05"


def test_grey150_mixed_doc_refs_are_the_truths_canonical_set(grey150):
    """No OCR variant left as a reference; the OCR loses four citations outright (法 read ",去",
    a bracket read 1), so the counts are short, never the set."""
    truth = load_truth("yq2025_mixed")
    got = Counter(r["canonical"] for r in frame_rows(grey150["doc_refs"]))
    want = Counter(r["canonical"] for r in truth["doc_refs"])
    assert set(got) == set(want) and not got - want
    assert sum((want - got).values()) <= 4, want - got
