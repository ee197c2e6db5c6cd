"""Hand-checked figures and printed inconsistencies of the wild corpus (issue 12).

``wild_figures.json``: figures read off the page pictures (pdftoppm) of nine
documents from eight cities, by the families of issue 12: Yantai's split
类|款|项 columns, Xi'an's two economic classifications (``gov_econ_code``),
Shenzhen's unit-by-unit 支出总表, Putuo's whole-元 tables, Changsha,
Chongqing, Fuzhou and the national petition bureau.

``printed_inconsistencies.json``: figures the PDF itself prints wrong (wild and real corpora), each
hand-checked on the page picture. Their check must fail there, and no other
check may fail in those documents. The tests skip when ../shared/corpus/wild
is absent.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import DATA, figure_hits

FIGURES = json.loads((DATA / "wild_figures.json").read_text(encoding="utf-8"))
PRINTED = json.loads((DATA / "printed_inconsistencies.json").read_text(encoding="utf-8"))


def _figure_id(f: dict) -> str:
    return f"{f['file'][:3]}-p{f['page']}-{f['code'] or f['name']}-{f['column']}-{f.get('gov_econ_code') or ''}"


@pytest.mark.parametrize("fig", FIGURES, ids=_figure_id)
def test_hand_checked_wild_figure(wild_results, fig):
    assert figure_hits(wild_results[fig["file"]].rows.get("budget_lines", []), fig), f"not found: {fig}"


def test_figures_cover_eight_cities():
    per_file = Counter(f["file"] for f in FIGURES)
    cities = {f.split("_")[1] for f in per_file}
    assert len(FIGURES) >= 150 and len(per_file) >= 8 and len(cities) >= 8 and min(per_file.values()) >= 10


def _failing(result) -> list[dict]:
    return [c for c in result.rows.get("checks", []) if c["status"] == "fail"]


@pytest.mark.parametrize("entry", PRINTED, ids=lambda p: f"{p['file'][:3]}-p{p['page']}-{p['check']}")
def test_printed_inconsistency_still_fails(wild_results, entry):
    hits = [c for c in _failing(wild_results[entry["file"]]) if c["check"] == entry["check"]
            and entry["location"] in c["location"]]
    assert hits, f"expected a failing {entry['check']} at {entry['location']}"


@pytest.mark.parametrize("file", sorted({p["file"] for p in PRINTED}), ids=lambda f: f[:3])
def test_no_other_check_fails(wild_results, file):
    recorded = [p for p in PRINTED if p["file"] == file]
    unexplained = [(c["check"], c["location"]) for c in _failing(wild_results[file])
                   if not any(c["check"] == p["check"] and p["location"] in c["location"] for p in recorded)]
    assert unexplained == []


#: Failing checks whose cause lies outside the table stages, left for their owners. Empty since
#: the forms stage reads 资金金额（万元） as 万元 and department forms are not compared with the
#: project table (Xi'an 019/023 专项资金总体绩效目标表).
OPEN_ELSEWHERE: set[tuple[str, str]] = set()


@pytest.mark.slow
def test_whole_wild_corpus_fails_only_where_printed():
    """Every text-layer document of the wild corpus (about two minutes): a failing check is a
    recorded printed inconsistency, or one of OPEN_ELSEWHERE."""
    from conftest import WILD
    from extract.pipeline import process_document

    if not WILD.is_dir():
        pytest.skip(f"wild corpus not found at {WILD}")
    manifest = [line.split("\t") for line in (WILD / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    files = [row[0] for row in manifest if row[5] != "no"]
    unexplained = set()
    for file in files:
        for c in _failing(process_document(WILD / file, file)):
            recorded = any(p["file"] == file and p["check"] == c["check"] and p["location"] in c["location"]
                           for p in PRINTED)
            if not recorded:
                unexplained.add((file, c["check"]))
    assert unexplained == OPEN_ELSEWHERE
