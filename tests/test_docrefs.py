"""Doc refs: finding 文号 in text and correcting garbled ones by vote."""

from __future__ import annotations

import json

from extract.stages.docrefs import find_refs, reconcile, refs_to_rows


def test_find_refs_brackets_and_issuers():
    text = ("根据晋财政法【2013】122号，《通知》（财行【2012】279号）精神，司发通【2014】75号关于印发，"
            "山西省财政厅文件晋司办[2019]63号、司密电[2018]64号")
    refs = find_refs(text, page=17)
    assert [r.canonical for r in refs] == ["晋财政法〔2013〕122号", "财行〔2012〕279号", "司发通〔2014〕75号",
                                           "晋司办〔2019〕63号", "司密电〔2018〕64号"]
    assert refs[0].raw == "晋财政法【2013】122号" and refs[0].page == 17


def test_vote_corrects_year_and_issuer():
    refs = find_refs("晋财政法【2013】122号 晋财政法【2013】122号 晋财政法【2019】122号 "
                     "司发通【2014】75号 司发运【2014】75号 司发通【2014】75号")
    ties = reconcile(refs)
    assert not ties
    garbled = [r for r in refs if r.corrected]
    assert [r.canonical for r in garbled] == ["晋财政法〔2013〕122号", "司发通〔2014〕75号"]
    assert garbled[0].raw == "晋财政法【2019】122号" and garbled[0].confidence == round(2 / 3, 4)


def test_tie_is_a_conflict_not_a_correction():
    refs = find_refs("财行【2012】279号 财行【2019】279号")
    ties = reconcile(refs)
    assert not any(r.corrected for r in refs)
    rows, conflicts = refs_to_rows("d", refs, ties)
    assert len(rows) == 2 and conflicts[0]["entity"] == "doc_ref"
    assert json.loads(conflicts[0]["values"]) == ["财行【2012】279号", "财行【2019】279号"]
