"""Hand-checked figures from real disclosures (tests/data/real_*.json).

Every figure was read off the page picture (pdftoppm) by a person; see the
``page`` field. Seven documents from Shanghai (2), Beijing, Shenzhen, Hangzhou,
Foshan and Zhuhai, by different PDF producers, 预算 and 决算.
"""

from __future__ import annotations

import json

import pytest

from conftest import DATA, REAL, figure_hits, frame_rows  # noqa: F401

FIGURES = json.loads((DATA / "real_figures.json").read_text(encoding="utf-8"))
DOCUMENTS = json.loads((DATA / "real_documents.json").read_text(encoding="utf-8"))
#: Performance-target forms are read into projects/indicators, not budget tables.
FORM_TITLES = ("绩效目标表", "绩效表")


def _figure_id(f: dict) -> str:
    return f"{f['file'][:2]}-p{f['page']}-{f['code'] or f['name']}-{f['column']}"


@pytest.mark.parametrize("fig", FIGURES, ids=_figure_id)
def test_hand_checked_figure(real_results, fig):
    assert figure_hits(real_results[fig["file"]].rows.get("budget_lines", []), fig), f"not found: {fig}"


def test_at_least_ten_figures_per_document():
    counts = {}
    for f in FIGURES:
        counts[f["file"]] = counts.get(f["file"], 0) + 1
    assert len(counts) >= 5 and min(counts.values()) >= 10


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d["file"][:2])
def test_tables_found_and_keyed(real_results, doc):
    tables = real_results[doc["file"]].rows.get("budget_tables", [])
    got = {(t["table_key"], t["page_first"], t["page_last"], t["has_data"], t["unit_of_measure"]) for t in tables}
    want = {(t["table_key"], t["page_first"], t["page_last"], t["has_data"], t["unit"]) for t in doc["tables"]
            if not any(s in t["title"] for s in FORM_TITLES)}
    assert want <= got, sorted(want - got)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d["file"][:2])
def test_document_metadata(real_results, doc):
    row = real_results[doc["file"]].rows["documents"][0]
    assert row["status"] == "ok"
    assert (row["fiscal_year"], row["doc_type"]) == (doc["fiscal_year"], doc["doc_type"])
    assert row["unit_name"] == doc["unit_name"]
