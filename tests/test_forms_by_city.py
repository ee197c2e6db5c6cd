"""tools.forms_by_city: the per-city table of forms found (issue 11)."""

from __future__ import annotations

import csv
from pathlib import Path

from tools.forms_by_city import city_of, page_set, render, tally


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_city_and_pages():
    assert city_of("in/083_yt_transport_2026_dept_budget_perf.pdf") == "烟台"
    assert city_of("25_gz_ecoenv.pdf") == "广州"
    assert city_of("99_xx_unknown.pdf") == "xx"
    assert page_set("19-20;31-32") == {19, 20, 31, 32}
    assert page_set("") == set()


def test_tally_counts_projects_funds_and_indicators(tmp_path):
    _write(tmp_path / "documents.csv", [{"doc_id": "a", "path": "083_yt_x.pdf", "duplicate_of": ""},
                                        {"doc_id": "b", "path": "077_fz_y.pdf", "duplicate_of": ""}])
    _write(tmp_path / "projects.csv", [
        {"doc_id": "a", "pages": "3-4", "funds_total": "", "funds_annual": "100.0", "kind": "project"},
        {"doc_id": "a", "pages": "4", "funds_total": "", "funds_annual": "", "kind": "project"},
        {"doc_id": "b", "pages": "9", "funds_total": "", "funds_annual": "", "kind": "department"}])
    _write(tmp_path / "indicators.csv", [{"doc_id": "a"}, {"doc_id": "a"}, {"doc_id": "b"}])
    rows = tally([tmp_path], {"083_yt_x.pdf": 2}, per_doc=False)
    yt, fz = rows["烟台"], rows["福州"]
    assert (yt.documents, yt.manifest_pages, yt.form_pages, yt.projects, yt.with_funds, yt.indicators) == (1, 2, 2, 2, 1, 2)
    assert (fz.projects, fz.with_funds, dict(fz.kinds)) == (1, 0, {"department": 1})
    assert "| **total** | 2 | 2 | 3 | 3 | 1 | | 3 |" in render(rows, "city")
