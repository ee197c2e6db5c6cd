"""Doc refs: finding 文号 in text and correcting garbled ones by vote (document and batch)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from extract.stages.docrefs import UNCONFIRMED, edits, find_refs, reconcile, refs_to_rows, unconfirmed_rows
from extract.stages.docrefs_batch import apply_batch, reconcile_batch

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BRACKETS = str.maketrans("[]〔〕", "【】【】")


def test_find_refs_brackets_and_issuers():
    text = ("根据晋财政法【2013】122号，《通知》（财行【2012】279号）精神，司发通【2014】75号关于印发，"
            "山西省财政厅文件晋司办[2019]63号、司密电[2018]64号")
    refs = find_refs(text, page=17)
    assert [r.canonical for r in refs] == ["晋财政法〔2013〕122号", "财行〔2012〕279号", "司发通〔2014〕75号",
                                           "晋司办〔2019〕63号", "司密电〔2018〕64号"]
    assert refs[0].raw == "晋财政法【2013】122号" and refs[0].page == 17


def test_zi_hao_style_is_not_a_doc_ref():
    # year first, then an issuer phrase and 字: left out (documented in docrefs)
    assert find_refs("《2012》司戒毒（戒毒）字37号关于印发，(2012)司劳教(戒毒)字37号") == []


def test_vote_corrects_year_and_issuer():
    refs = find_refs("晋财政法【2013】122号 晋财政法【2013】122号 晋财政法【2019】122号 "
                     "司发通【2014】75号 司发运【2014】75号 司发通【2014】75号")
    found = reconcile(refs)
    assert not [d for d in found if d.reason == "tie"]
    garbled = [r for r in refs if r.corrected]
    assert [r.canonical for r in garbled] == ["晋财政法〔2013〕122号", "司发通〔2014〕75号"]
    assert garbled[0].raw == "晋财政法【2019】122号" and garbled[0].confidence == round(2 / 3, 4)
    assert {d.key: d.chosen for d in found} == {"晋财政法〔2013〕122号": "晋财政法〔2013〕122号",
                                                "司发通〔2014〕75号": "司发通〔2014〕75号"}


def test_issuer_tie_broken_by_issuer_cited_elsewhere():
    # 司法部 vs 司发通 for 〔2014〕123号 is 1–1, but 司发通 issues another cited document
    refs = find_refs("司发通【2014】123号 司法部【2014】123号 司发通【2014】75号")
    (d,) = reconcile(refs)
    assert [r.canonical for r in refs] == ["司发通〔2014〕123号"] * 2 + ["司发通〔2014〕75号"]
    assert refs[1].corrected and d.reason == "issuer_cited_elsewhere"


def test_same_title_corrects_number():
    refs = find_refs("晋财预【2015】18号关于印发《山西省项目支出绩效管理办法》的通知；"
                     "晋财预【2015】18号关于印发《山西省项目支出绩效管理办法》；"
                     "晋财预【2015】78号关于印发《山西省项目支出绩效管理办法》")
    reconcile(refs)
    assert [r.canonical for r in refs] == ["晋财预〔2015〕18号"] * 3 and refs[2].corrected


def test_tie_is_a_conflict_not_a_correction():
    refs = find_refs("财行【2012】279号 财行【2019】279号")
    found = reconcile(refs)
    assert not any(r.corrected for r in refs)
    rows, conflicts = refs_to_rows("d", refs, found)
    assert len(rows) == 2 and conflicts[0]["entity"] == "doc_ref" and conflicts[0]["chosen"] is None
    assert json.loads(conflicts[0]["values"]) == ["财行【2012】279号", "财行【2019】279号"]
    assert conflicts[0]["reason"] == "tie" and conflicts[0]["key"] == "财行〔2012〕279号"


def _rows(doc_id, text, page=1):
    refs = find_refs(text, page)
    rows, conflicts = refs_to_rows(doc_id, refs, reconcile(refs))
    return rows, conflicts


def test_batch_vote_corrects_a_document_the_others_outvote():
    a, _ = _rows("a", "根据晋财政法【2013】122号")
    b, _ = _rows("b", "晋财政法〔2013〕122号 司发通【2014】75号")
    c, c_conf = _rows("c", "按照晋财政法【2019】122号，晋财政法[2019]122号")
    assert not c_conf and not any(r["corrected"] for r in c)  # alone, document c sees no dispute
    rows, conflicts = reconcile_batch(a + b + c)
    got = [(r["doc_id"], r["raw"], r["canonical"], r["corrected"]) for r in rows]
    assert got == [("a", "晋财政法【2013】122号", "晋财政法〔2013〕122号", False),
                   ("b", "晋财政法〔2013〕122号", "晋财政法〔2013〕122号", False),
                   ("b", "司发通【2014】75号", "司发通〔2014〕75号", False),
                   ("c", "晋财政法【2019】122号", "晋财政法〔2013〕122号", True),
                   ("c", "晋财政法[2019]122号", "晋财政法〔2013〕122号", True)]
    assert rows[3]["confidence"] == round(2 / 3, 4) and (rows[3]["year"], rows[3]["issuer"]) == (2013, "晋财政法")
    (conf,) = conflicts
    assert (conf["doc_id"], conf["key"], conf["chosen"], conf["reason"]) == \
        ("c", "晋财政法〔2013〕122号", "晋财政法〔2013〕122号", "batch_majority_year")
    assert json.loads(conf["values"]) == ["晋财政法[2019]122号", "晋财政法【2019】122号"]
    assert c[0]["canonical"] == "晋财政法〔2019〕122号"  # pure: the input rows are untouched


def test_batch_tie_and_single_document_change_nothing():
    a, _ = _rows("a", "财行【2012】279号")
    b, _ = _rows("b", "财行【2019】279号")
    assert reconcile_batch(a + b) == (a + b, [])
    one, _ = _rows("a", "财行【2012】279号 财行【2019】279号 晋司办[2019]63号")
    assert reconcile_batch(one) == (one, [])


def test_batch_breaks_a_document_tie():
    a, a_conf = _rows("a", "晋司办[2019]63号 晋财办[2019]63号")
    assert a_conf[0]["reason"] == "tie"
    b, _ = _rows("b", "晋司办〔2019〕63号")
    c, _ = _rows("c", "晋司办【2019】63号")
    rows, conflicts = reconcile_batch(a + b + c)
    assert [r["canonical"] for r in rows] == ["晋司办〔2019〕63号"] * 4
    assert [r["corrected"] for r in rows] == [False, True, False, False]
    assert [(c["doc_id"], c["key"]) for c in conflicts] == [("a", "晋司办〔2019〕63号")]


@pytest.fixture(scope="module")
def born_digital():
    from extract.pipeline import process_document

    res = process_document(SAMPLES / "yq2025_born_digital.pdf", "yq2025_born_digital.pdf")
    truth = json.loads((SAMPLES / "yq2025_born_digital.truth.json").read_text(encoding="utf-8"))
    return res.rows, truth


def test_sample_doc_refs_match_truth_exactly(born_digital):
    rows, truth = born_digital
    key = lambda r: (r["raw"], r["canonical"], r["page"], r["corrected"])  # noqa: E731
    assert Counter(key(r) for r in rows["doc_refs"]) == Counter(key(r) for r in truth["doc_refs"])
    assert all(r["canonical"] == f"{r['issuer']}〔{r['year']}〕{r['number']}号" for r in rows["doc_refs"])


def test_sample_conflicts_for_every_disputed_doc_ref(born_digital):
    rows, truth = born_digital
    got = {c["key"]: (sorted({v.translate(BRACKETS) for v in json.loads(c["values"])}), c["chosen"])
           for c in rows["conflicts"] if c["entity"] == "doc_ref"}
    exp = {c["key"]: (c["values"], c["chosen"]) for c in truth["expected_conflicts"] if c["entity"] == "doc_ref"}
    assert got == exp
    assert len([c for c in rows["conflicts"] if c["entity"] == "doc_ref"]) == len(exp)


# --- OCR readings confirmed by the text layer or a second page (issue 13) ----------------------

def _refs(*cited: tuple[str, int, str]) -> list:
    """Refs from (text, page, source) triples."""
    return [r for text, page, source in cited for r in find_refs(text, page, source)]


def test_ocr_misreads_snap_to_the_confirmed_number_and_unconfirmed_ones_leave():
    refs = _refs(("根据晋财政法〔2013〕122号", 3, "text"), ("依据财行〔2012〕279号", 5, "text"),
                 ("司密电〔2018〕64号", 6, "text"),
                 ("根据曹财政法〔2013〕122号", 20, "ocr"), ("根据晋财政法〔2013〕1221号", 21, "ocr"),
                 ("依据财行〔2012〕2791号", 22, "ocr"), ("依据财行〔2012〕274号", 23, "ocr"),
                 ("司密电〔2018〕64号", 24, "ocr"), ("司法部〔2011〕123号", 25, "ocr"))
    found = reconcile(refs)
    rows, conflicts = refs_to_rows("d", refs, found)
    assert sorted({r["canonical"] for r in rows}) == ["司密电〔2018〕64号", "晋财政法〔2013〕122号", "财行〔2012〕279号"]
    snapped = {r["raw"]: r["canonical"] for r in rows if r["corrected"]}
    assert snapped == {"曹财政法〔2013〕122号": "晋财政法〔2013〕122号", "晋财政法〔2013〕1221号": "晋财政法〔2013〕122号",
                       "财行〔2012〕2791号": "财行〔2012〕279号", "财行〔2012〕274号": "财行〔2012〕279号"}
    assert {r["source"] for r in rows if r["corrected"]} == {"ocr"}
    unconfirmed = [c for c in conflicts if c["reason"] == "unconfirmed_ocr"]
    assert [(c["key"], c["chosen"], json.loads(c["values"])) for c in unconfirmed] == [
        ("司法部〔2011〕123号", None, ["司法部〔2011〕123号"])]
    assert any(c["key"] == "财行〔2012〕279号" and "confirmed_elsewhere" in c["reason"] for c in conflicts)


def test_an_ocr_reading_on_two_pages_is_confirmed():
    refs = _refs(("根据晋财政法〔2013〕122号", 3, "text"),
                 ("司法部〔2011〕123号", 25, "ocr"), ("司法部〔2011〕123号", 31, "ocr"))
    rows, conflicts = refs_to_rows("d", refs, reconcile(refs))
    assert [r["canonical"] for r in rows] == ["晋财政法〔2013〕122号", "司法部〔2011〕123号", "司法部〔2011〕123号"]
    assert not conflicts


def test_a_fully_scanned_document_keeps_its_single_readings_but_snaps_near_confirmed_ones():
    refs = _refs(("财行〔2012〕279号", 4, "ocr"), ("财行〔2012〕279号", 9, "ocr"), ("财行〔2012〕2791号", 12, "ocr"),
                 ("司密电〔2018〕64号", 7, "ocr"))
    rows, _ = refs_to_rows("d", refs, reconcile(refs))
    assert [r["canonical"] for r in rows] == ["财行〔2012〕279号"] * 3 + ["司密电〔2018〕64号"]


def test_batch_snaps_a_scanned_documents_misread_to_a_number_another_document_prints():
    text_doc, _ = refs_to_rows("a", refs := _refs(("依据财行〔2012〕279号", 5, "text")), reconcile(refs))
    scan_doc, _ = refs_to_rows("b", refs := _refs(("依据财行〔2012〕2791号", 2, "ocr")), reconcile(refs))
    rows, conflicts = reconcile_batch(text_doc + scan_doc)
    assert [(r["doc_id"], r["canonical"], r["corrected"]) for r in rows] == [
        ("a", "财行〔2012〕279号", False), ("b", "财行〔2012〕279号", True)]
    assert [(c["doc_id"], c["reason"]) for c in conflicts] == [("b", "batch_confirmed_elsewhere")]


# --- issue 13: the issue's own readings, witnesses, lost brackets, the batch ------------------

def _mixed_like() -> list:
    """A document like the mixed sample: text-layer copy 1 of each form, OCR copy 2 of it, whose
    print says 2019 where copy 1 says 2013/2012 (a garbled copy) and whose OCR misread more."""
    return _refs(("根据晋财政法【2013】122号", 17, "text"), ("(晋财政法【2013】122号)", 19, "text"),
                 ("根据晋财政法【2013】122号", 20, "text"), ("(财行【2012】279号)精神", 17, "text"),
                 ("(财行【2012】279号)精神", 19, "text"), ("司发通【2014】75号关于印发", 17, "text"),
                 ("按照司发通【2014】123号要求", 24, "text"),
                 # OCR copy 2: the garbled print read right twice, then the issue's misreads, each once
                 ("根据晋财政法【2019】122号", 27, "ocr"), ("要求(晋财政法【2019】122号)", 27, "ocr"),
                 ("根据曹财政法【2019】122号", 27, "ocr"), ("根据晋财政法【2019】1221号", 28, "ocr"),
                 ("(财行【2019】279号)精神", 27, "ocr"), ("(财行【2014】2791号)精神", 27, "ocr"),
                 ("(财行【2014】274号)", 27, "ocr"), ("按照司法部【2014】123号要求", 34, "ocr"),
                 ("根据司法部【2011】123号关于", 34, "ocr"))


def test_the_issues_ocr_readings_end_on_the_documents_confirmed_numbers_with_raw_kept():
    refs = _mixed_like()
    found = reconcile(refs)
    rows, conflicts = refs_to_rows("d", refs, found)
    assert Counter(r["canonical"] for r in rows) == {"晋财政法〔2013〕122号": 7, "财行〔2012〕279号": 5,
                                                      "司发通〔2014〕75号": 1, "司发通〔2014〕123号": 2}
    fixed = {(r["raw"], r["canonical"]) for r in rows if r["corrected"]}
    assert fixed == {("晋财政法【2019】122号", "晋财政法〔2013〕122号"), ("曹财政法【2019】122号", "晋财政法〔2013〕122号"),
                     ("晋财政法【2019】1221号", "晋财政法〔2013〕122号"), ("财行【2019】279号", "财行〔2012〕279号"),
                     ("财行【2014】2791号", "财行〔2012〕279号"), ("财行【2014】274号", "财行〔2012〕279号"),
                     ("司法部【2014】123号", "司发通〔2014〕123号")}
    assert all(r["source"] == "ocr" for r in rows if r["corrected"])
    # 司法部【2011】123号: three characters from anything the document confirms, read once: not a reference
    assert [(c["key"], c["chosen"], c["reason"]) for c in conflicts if c["reason"] == "unconfirmed_ocr"] == [
        ("司法部〔2011〕123号", None, "unconfirmed_ocr")]
    assert [r["raw"] for r in unconfirmed_rows("d", refs)] == ["司法部【2011】123号"]
    reasons = {c["key"]: c["reason"] for c in conflicts if c["chosen"]}
    assert reasons == {"晋财政法〔2013〕122号": "confirmed_elsewhere,majority_year",
                       "财行〔2012〕279号": "confirmed_elsewhere,majority_year",
                       "司发通〔2014〕123号": "issuer_cited_elsewhere"}
    values = {c["key"]: json.loads(c["values"]) for c in conflicts if c["chosen"]}
    assert values["财行〔2012〕279号"] == ["财行【2012】279号", "财行【2014】274号", "财行【2014】2791号", "财行【2019】279号"]


def test_edits_count_issuer_year_and_number_characters():
    assert edits(("晋财政法", 2019, 1221), ("晋财政法", 2013, 122)) == 2
    assert edits(("曹财政法", 2019, 122), ("晋财政法", 2013, 122)) == 2
    assert edits(("财行", 2014, 274), ("财行", 2012, 279)) == 2
    assert edits(("司法部", 2011, 123), ("司发通", 2014, 123)) == 3  # beyond MAX_SNAP_EDITS


def test_a_lone_ocr_only_reading_is_not_a_reference_but_two_independent_readings_are():
    lone = _refs(("根据晋财政法【2013】122号", 3, "text"), ("依据晋发改【2016】88号", 25, "ocr"))
    rows, conflicts = refs_to_rows("d", lone, reconcile(lone))
    assert [r["canonical"] for r in rows] == ["晋财政法〔2013〕122号"]
    assert [(c["key"], json.loads(c["values"]), c["chosen"], c["reason"]) for c in conflicts] == [
        ("晋发改〔2016〕88号", ["晋发改【2016】88号"], None, "unconfirmed_ocr")]
    # the same 文号 in two fields of one OCR copy: two places it is printed, two witnesses
    twice = _refs(("根据晋财政法【2013】122号", 3, "text"), ("依据晋发改【2016】88号", 25, "ocr"),
                  ("按照晋发改【2016】88号", 25, "ocr"))
    rows, conflicts = refs_to_rows("d", twice, reconcile(twice))
    assert [r["canonical"] for r in rows] == ["晋财政法〔2013〕122号"] + ["晋发改〔2016〕88号"] * 2
    assert not conflicts and not unconfirmed_rows("d", twice)


def test_two_confirmed_issuers_one_character_apart_are_both_kept():
    """晋司办 printed four times on the text copy, 晋财办 on the scanned one where OCR lost two of
    its four citations: one witness each, a tie, both kept (one citation count would merge them)."""
    text = "山西省财政厅文件晋司办[2019]63号、山西省司法厅"
    refs = _refs(*[(text, 23, "text")] * 4, ("司密电[2018]64号、山西省财政厅晋财办[2019]63号", 33, "ocr"),
                 ("山西省财政厅晋财办[2019]63号山西省", 33, "ocr"))
    rows, conflicts = refs_to_rows("d", refs, reconcile(refs))
    assert Counter(r["canonical"] for r in rows) == {"晋司办〔2019〕63号": 4, "晋财办〔2019〕63号": 2}
    assert not any(r["corrected"] for r in rows)
    (tie,) = [c for c in conflicts if c["reason"] == "tie"]
    assert (tie["key"], tie["chosen"], json.loads(tie["values"])) == (
        "晋司办〔2019〕63号", None, ["晋司办[2019]63号", "晋财办[2019]63号"])
    both_text = _refs(*[(text, 23, "text")] * 4, *[("财政厅晋财办[2019]63号", 33, "text")] * 4)
    rows, _ = refs_to_rows("d", both_text, reconcile(both_text))
    assert Counter(r["canonical"] for r in rows) == {"晋司办〔2019〕63号": 4, "晋财办〔2019〕63号": 4}


def test_a_page_is_one_witness_but_one_page_counts_its_citations():
    # 2013 on three pages, 2019 on one page four times: the pages win, not the citations
    refs = _refs(*[("晋财政法【2013】122号", p, "text") for p in (17, 19, 20)],
                 *[("晋财政法【2019】122号", 27, "text")] * 4)
    reconcile(refs)
    assert {r.canonical for r in refs} == {"晋财政法〔2013〕122号"} and refs[-1].confidence == 0.75
    assert sum(r.corrected for r in refs) == 4


def test_ocr_brackets_lost_or_read_as_a_bar():
    refs = find_refs("山西省财政厅晋财办2019|63号、山西省财政厅晋财办2019]63号、晋财办 2019 63号", 33, "ocr")
    assert [(r.raw, r.canonical) for r in refs] == [("晋财办2019|63号", "晋财办〔2019〕63号"),
                                                   ("晋财办2019]63号", "晋财办〔2019〕63号")]
    assert find_refs("山西省财政厅晋财办2019|63号") == []  # a text layer prints its brackets
    refs = find_refs("根据司密电|2018]64号、山西省财政厅晋财办[201963号、编号201963号", 33, "ocr")
    assert [(r.raw, r.canonical) for r in refs] == [("司密电|2018]64号", "司密电〔2018〕64号"),
                                                   ("晋财办[201963号", "晋财办〔2019〕63号")]


def test_an_issuer_that_swallowed_the_sentence_before_it_is_cut_back():
    refs = _refs(("工作。司密电[2018]64号", 23, "text"), ("工作。司密电[2018]64号", 23, "text"),
                 ("进一步加强新疆监狱工作司密电[2018]64号", 33, "ocr"), ("设立此项经费司密电[2018]64号", 33, "ocr"))
    rows, conflicts = refs_to_rows("d", refs, reconcile(refs))
    assert [(r["raw"], r["canonical"], r["corrected"]) for r in rows] == [("司密电[2018]64号", "司密电〔2018〕64号", False)] * 4
    assert not conflicts


def test_batch_trusts_a_reading_a_second_document_confirms_and_snaps_to_one_it_prints():
    tables: dict = {"doc_refs": [], "conflicts": []}
    refs = _refs(("根据晋财政法【2013】122号", 3, "text"), ("依据晋发改【2016】88号", 25, "ocr"),
                 ("依据财行【2012】2791号", 26, "ocr"))
    rows, conflicts = refs_to_rows("a", refs, reconcile(refs))
    tables["doc_refs"] += rows
    tables["conflicts"] += conflicts
    tables[UNCONFIRMED] = unconfirmed_rows("a", refs)
    assert [r["raw"] for r in tables[UNCONFIRMED]] == ["晋发改【2016】88号", "财行【2012】2791号"]
    other = _refs(("晋发改【2016】88号", 4, "text"), ("财行【2012】279号", 5, "text"))
    rows, conflicts = refs_to_rows("b", other, reconcile(other))
    tables["doc_refs"] += rows
    apply_batch(tables)
    assert UNCONFIRMED not in tables
    assert [(r["doc_id"], r["raw"], r["canonical"], r["corrected"]) for r in tables["doc_refs"]] == [
        ("a", "根据晋财政法【2013】122号"[2:], "晋财政法〔2013〕122号", False),
        ("a", "晋发改【2016】88号", "晋发改〔2016〕88号", False),
        ("a", "财行【2012】2791号", "财行〔2012〕279号", True),
        ("b", "晋发改【2016】88号", "晋发改〔2016〕88号", False), ("b", "财行【2012】279号", "财行〔2012〕279号", False)]
    assert sorted((c["doc_id"], c["key"], c["chosen"], c["reason"]) for c in tables["conflicts"]) == [
        ("a", "晋发改〔2016〕88号", "晋发改〔2016〕88号", "batch_confirmed"),
        ("a", "财行〔2012〕279号", "财行〔2012〕279号", "batch_confirmed_elsewhere")]


def test_batch_leaves_a_reading_no_other_document_confirms_out():
    tables: dict = {}
    refs = _refs(("根据晋财政法【2013】122号", 3, "text"), ("依据晋发改【2016】88号", 25, "ocr"))
    tables["doc_refs"], tables["conflicts"] = refs_to_rows("a", refs, reconcile(refs))
    tables[UNCONFIRMED] = unconfirmed_rows("a", refs)
    other = _refs(("晋财政法【2013】122号", 4, "text"))
    tables["doc_refs"] += refs_to_rows("b", other, reconcile(other))[0]
    apply_batch(tables)
    assert [r["canonical"] for r in tables["doc_refs"]] == ["晋财政法〔2013〕122号"] * 2
    assert [(c["key"], c["reason"]) for c in tables["conflicts"]] == [("晋发改〔2016〕88号", "unconfirmed_ocr")]


def test_batch_keeps_an_issuer_a_document_read_twice_by_ocr():
    """Across a batch a document is one witness, but a 文号 its OCR read at two places is confirmed
    there: another document's near issuer does not snap it away."""
    a = _refs(("财政厅晋财办[2019]63号", 33, "ocr"), ("财政厅晋财办[2019]63号", 33, "ocr"))
    b = _refs(("文件晋司办[2019]63号", 5, "text"))
    rows = refs_to_rows("a", a, reconcile(a))[0] + refs_to_rows("b", b, reconcile(b))[0]
    out, conflicts = reconcile_batch(rows)
    assert [r["canonical"] for r in out] == ["晋财办〔2019〕63号"] * 2 + ["晋司办〔2019〕63号"]
    assert not conflicts


def test_ocr_readings_that_agree_on_a_character_are_put_together_not_snapped_away():
    """The grey 150 dpi scan reads the scanned copy's 晋财办[2019]63号 as 曹财办, 罚财办 and 普财办:
    three readings witness 财 where the text layer's 晋司办 has 司, and 晋 (read three ways) comes
    from it. Each alone would snap to 晋司办; together they are 晋财办, and meet 晋司办 in a tie."""
    refs = _refs(*[("山西省财政厅文件晋司办[2019]63号", 23, "text")] * 4,
                 ("山西省财政厅曹财办[2019|63号", 33, "ocr"), ("山西省财政厅罚财办[2019|63号", 33, "ocr"),
                 ("山西省财政厅普财办2019]63号", 33, "ocr"))
    rows, conflicts = refs_to_rows("d", refs, reconcile(refs))
    assert [(r["raw"], r["canonical"], r["corrected"]) for r in rows[4:]] == [
        ("曹财办[2019|63号", "晋财办〔2019〕63号", True), ("罚财办[2019|63号", "晋财办〔2019〕63号", True),
        ("普财办2019]63号", "晋财办〔2019〕63号", True)]
    assert sorted((c["key"], c["chosen"], c["reason"]) for c in conflicts) == [
        ("晋司办〔2019〕63号", None, "tie"), ("晋财办〔2019〕63号", "晋财办〔2019〕63号", "read_together")]
    # readings that agree with the confirmed 文号 where they agree at all are simply that 文号
    refs = _refs(*[("根据晋财政法【2013】122号", p, "text") for p in (17, 19)],
                 ("根据需财政法【2013】123号", 29, "ocr"), ("根据胃财政法【2013】123号", 30, "ocr"),
                 ("晋财政法【2013】123号", 5, "text"))
    reconcile(refs)
    assert [r.canonical for r in refs[2:4]] == ["晋财政法〔2013〕123号"] * 2
    # a single reading, or readings agreeing on nothing, are left to the snapping rule
    refs = _refs(*[("文件晋司办[2019]63号", 23, "text")] * 2, ("曹财办[2019]63号", 33, "ocr"),
                 ("罚贝才办[2019]63号", 33, "ocr"))
    reconcile(refs)
    assert [r.canonical for r in refs] == ["晋司办〔2019〕63号"] * 3 + ["罚贝才办〔2019〕63号"]
    assert [r.trusted for r in refs] == [True, True, True, False]


def test_a_lone_misread_near_a_reading_the_document_confirms_follows_that_reading():
    """司法部【2011】123号 is three characters from 司发通〔2014〕123号 but one from 司法部【2014】123号,
    which OCR read in two fields and the issuer vote made 司发通〔2014〕123号: it follows it."""
    refs = _refs(("按照司发通【2014】123号要求", 24, "text"), ("司发通【2014】75号关于印发", 17, "text"),
                 ("按照司法部【2014】123号要求", 34, "ocr"), ("根据司法部【2014】123号关于", 34, "ocr"),
                 ("根据司法部【2011】123号关于", 35, "ocr"))
    rows, conflicts = refs_to_rows("d", refs, reconcile(refs))
    assert [(r["raw"], r["canonical"], r["corrected"]) for r in rows] == [
        ("司发通【2014】123号", "司发通〔2014〕123号", False), ("司发通【2014】75号", "司发通〔2014〕75号", False),
        ("司法部【2014】123号", "司发通〔2014〕123号", True), ("司法部【2014】123号", "司发通〔2014〕123号", True),
        ("司法部【2011】123号", "司发通〔2014〕123号", True)]
    assert [(c["key"], c["reason"]) for c in conflicts] == [
        ("司发通〔2014〕123号", "confirmed_elsewhere,issuer_cited_elsewhere")]


def test_a_digit_lost_on_every_ocr_copy_does_not_outvote_the_text_layer():
    """The scanned copy of a form read 晋财政法〔2013〕22号 on three pages (the 1 beside 】 lost each
    time) where the text copy prints 122号: three OCR witnesses of a number one digit from a printed
    文号 of the same issuer and year are snapped to it, raw kept; a fully scanned document (no text
    layer) keeps trusting readings two places agree on."""
    text = [("根据晋财政法〔2013〕122号", p, "text") for p in (17, 18, 19)]
    ocr = [("根据晋财政法[2013]22号", p, "ocr") for p in (30, 31, 32)]
    refs = _refs(*text, *ocr)
    rows, _ = refs_to_rows("d", refs, reconcile(refs))
    assert Counter(r["canonical"] for r in rows) == {"晋财政法〔2013〕122号": 6}
    assert sorted((r["page"], r["raw"], r["corrected"]) for r in rows if r["source"] == "ocr") == [
        (30, "晋财政法[2013]22号", True), (31, "晋财政法[2013]22号", True), (32, "晋财政法[2013]22号", True)]
    scanned = _refs(*ocr)
    rows, _ = refs_to_rows("d", scanned, reconcile(scanned))
    assert Counter(r["canonical"] for r in rows) == {"晋财政法〔2013〕22号": 3}


def test_digits_misread_on_every_ocr_copy_do_not_outvote_the_text_layer():
    """The grey-uneven mixed profile: the scanned copy of a form prints the misdated 【2019】122号
    (the text copies print 〔2013〕), and OCR reads it 〔2019〕22号 on two pages and 〔2019〕122号 on one.
    Two digits from the printed 晋财政法〔2013〕122号, same issuer: snapped there, however often read;
    an OCR issuer read alike twice still stands (test_two_confirmed_issuers_one_character_apart_are_both_kept).
    """
    text = [("根据晋财政法〔2013〕122号", p, "text") for p in (17, 18, 19)]
    ocr = [("按照晋财政法【2019】22号", 27, "ocr"), ("按照晋财政法【2019】122号", 27, "ocr"),
           ("按照晋财政法【2019】22号", 28, "ocr")]
    refs = _refs(*text, *ocr)
    rows, _ = refs_to_rows("d", refs, reconcile(refs))
    assert Counter(r["canonical"] for r in rows) == {"晋财政法〔2013〕122号": 6}
    assert sorted((r["page"], r["raw"]) for r in rows if r["corrected"]) == [
        (27, "晋财政法【2019】122号"), (27, "晋财政法【2019】22号"), (28, "晋财政法【2019】22号")]
