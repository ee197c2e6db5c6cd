"""Dedupe: copies of one form inside a document → one project; duplicate files in a batch.

Reads the :class:`FormCopy` list of one document (from ``forms``); writes the
contract's ``projects``, ``indicators`` and ``conflicts`` rows. Real disclosures
append the same forms two or three times, some copies scanned and OCR-garbled,
so every field is merged by vote and every disagreement is kept for review.

Merge rule for one field, in order (the first that decides wins):
1. with three or more copies, the majority value;
2. a text-layer copy over an OCR copy;
3. the value agreeing with the rest of the document: an amount equal to the
   ``known`` one (the project expenditure table converted from 万元 to 元), or a
   text whose 文号 read as the document reads them elsewhere (晋财政法【2019】122号
   loses to 【2013】 when the document's other citations of 晋财政法…122号 say 2013);
4. two OCR copies of one text that align: merged span by span
   (:func:`merge_ocr_texts`, reason ``merged_ocr``);
5. the longer value when the other is a prefix of it (a truncated cell);
6. the trusted copy: the one whose 文号 the rest of the document confirms
   most (:func:`trusted_copy`, reason ``trusted_copy``);
7. the copy read with clearly higher OCR confidence (:data:`CONFIDENCE_GAP`);
8. otherwise the first copy — still a conflict, with reason ``tie``.
A value missing (None/blank) in one copy is filled from another without conflict.
An OCR copy's prose ending in "." ends in 。 before the vote; a merged OCR
prose value gets its title marks back after it (:mod:`extract.ocr.prose`:
《…条例》 read as (…条例)). After, because the merge weighs readings by how well
their brackets pair, and a repair made first changed which spans won elsewhere.

Why the document comes before confidence: a copy's confidence is the mean over
every cell of the form, so it says next to nothing about the four digits of one
year inside one cell, while the same 文号 cited correctly elsewhere in the document
is direct evidence about exactly those digits. For the same reason two OCR copies
of a prose cell are merged where they differ rather than one copy taken whole:
each copy misreads different characters, and the copy-wide confidence cannot tell
which copy is right at a given position; the evidence used there (punctuation a
Chinese sentence can carry, the characters around the span as the rest of the
document spells them) is local. Copy confidence decides only what nothing else does,
and only when one copy was read clearly better: two copies of one scan read
0.93 and 0.95 are equally good witnesses, and then, as for text copies, the
first copy is followed (a disclosure appends its re-typed copies after the original).

Why a trusted copy: copies of a form also differ in wording (重要原则 in one,
重要举措 in another), where neither reading is a misread and character
statistics cannot choose. The copy the document has already shown careful, its
document numbers agreeing with the document's other citations, is then the
better witness than whichever copy scanned more cleanly.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extract.ocr.prose import fix_final_stop, fix_title_marks
from extract.stages.docrefs import find_refs
from extract.model import TEXT_FIELDS, FormCopy, IndicatorRow
from extract.stages.form_values import LEVEL1_WORDS, LEVEL2_WORDS, parse_value
from extract.vocab.chars import IDEOGRAPHS as _CJK

#: Two names at least this similar (rapidfuzz ratio, 0-100) are the same project.
NAME_SIMILARITY = 90.0
Known = Callable[[str, str], float | None] | Mapping[tuple[str, str], float] | None


#: Two copies of one form print nearly the same content; different projects that
#: share a generic name (其他运行经费 of two units) do not.
CONTENT_SIMILARITY = 70.0
#: An OCR'd name this similar (rapidfuzz ratio) joins a copy with equal funds and
#: content at least GARBLED_NAME_CONTENT similar (see :func:`same_form`).
GARBLED_NAME_SIMILARITY = 70.0
GARBLED_NAME_CONTENT = 90.0
#: Content similarity enough for an OCR copy with a nearly (not exactly) equal name and the same
#: funds: only a form with nothing in common is kept apart. Different forms of one document reach 58
#: (template wording: 按照山西省财政厅…), but they do not also share a name and funds, while the
#: grey 150 dpi scan of the mixed sample pulls true copies down to 69 (强制隔离戒毒业务费).
SAME_FUNDS_CONTENT = 40.0


def group_copies(copies: Sequence[FormCopy]) -> list[list[FormCopy]]:
    """Copies of the same form, in first-seen order.

    Two copies are one form when (see :func:`same_form`) their names match — exactly
    for two text-layer copies, nearly when OCR may have garbled one — and either
    they print the same funds (an OCR copy) or their content is near-identical,
    and two text-layer copies print the same annual funds and implementing unit.
    Guangzhou's 140 pages hold nine district variants 园区环保监督检查员经费(越秀区)
    (海珠区) … and seventeen units' 其他运行经费: all different projects.

    A copy that could join several groups (an OCR'd amount may be misread, so content
    alone can join it; two text copies of one name and amount with different content
    are two groups an OCR copy's name and funds both fit) joins the one whose funds it
    prints and, among those, whose content is most alike; the first on a tie.
    """
    groups: list[list[FormCopy]] = []
    for c in copies:
        matches = [g for g in groups if same_form(g[0], c)]
        if matches:
            max(matches, key=lambda g: (same_funds(g[0], c), content_similarity(g[0], c))).append(c)
        else:
            groups.append([c])
    return groups


def same_form(a: FormCopy, b: FormCopy) -> bool:
    """Whether two form copies print the same project (the rule in :func:`group_copies`).

    A copy read by OCR with the same name and the same funds is the same form
    whatever else differs: copies of one form differ in their 填报日期, a 文号 or a
    sentence (the garbled copy of 强制人员生活教育费 reads 重要举措 for 重要原则), and a
    grey scan garbles enough characters of a long form to pull its content similarity
    under :data:`CONTENT_SIMILARITY` (强制隔离戒毒业务费: 69 at 150 dpi; a darker scan
    leaves its dense prose cells unread, 15), while two different projects that share
    a name print different funds. A name OCR garbled (据疆 for 援疆, ratio 87.5) needs
    its content too to be :data:`SAME_FUNDS_CONTENT` alike. Each difference is then a
    ``conflicts`` row of the one project, not a second project.
    """
    if a.kind != b.kind:
        return False
    ocr = a.method == "ocr" or b.method == "ocr"
    name_a, name_b = _squeeze(a.project_name), _squeeze(b.project_name)
    if ocr and same_funds(a, b) and (name_a == name_b or (fuzz.ratio(name_a, name_b) >= GARBLED_NAME_SIMILARITY
                                                          and content_similarity(a, b) >= SAME_FUNDS_CONTENT)):
        return True
    if name_a != name_b and not (ocr and fuzz.ratio(name_a, name_b) >= NAME_SIMILARITY):
        # an OCR'd name with two glyphs misread (援關于部 for 援疆干部) is still the same form
        # when the annual funds are equal and the content is all but identical
        if not (ocr and fuzz.ratio(name_a, name_b) >= GARBLED_NAME_SIMILARITY and a.funds_annual is not None
                and a.funds_annual == b.funds_annual and content_similarity(a, b) >= GARBLED_NAME_CONTENT):
            return False
    if not ocr and a.funds_annual is not None and b.funds_annual is not None and a.funds_annual != b.funds_annual:
        return False
    if not ocr and a.implementing_unit and b.implementing_unit \
            and _squeeze(a.implementing_unit) != _squeeze(b.implementing_unit):
        return False  # 烟台 085: two units' 实施公车统管费用, same amount, one form each
    return content_similarity(a, b) >= CONTENT_SIMILARITY


def same_funds(a: FormCopy, b: FormCopy) -> bool:
    """Both copies print their annual funds, and every amount both print (annual, total) is equal.

    A blank or unread amount proves nothing, so the annual one must be read in both; a
    funds_total read in only one copy is not held against the pair.
    """
    if a.funds_annual is None or b.funds_annual is None or a.funds_annual != b.funds_annual:
        return False
    return a.funds_total is None or b.funds_total is None or a.funds_total == b.funds_total


def _squeeze(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def content_similarity(a: FormCopy, b: FormCopy) -> float:
    """Mean similarity (0-100) of the prose fields and indicator lists both copies print.

    A field blank in one copy (a truncated or unread cell) says nothing either way;
    with nothing to compare, the names alone decide.
    """
    pairs = [(getattr(a, f), getattr(b, f)) for f in ("overview", "basis", "necessity", "goal_period", "goal_annual")]
    pairs.append(("".join(f"{i.level3}{i.value_raw}" for i in a.indicators),
                  "".join(f"{i.level3}{i.value_raw}" for i in b.indicators)))
    scores = [fuzz.ratio(x, y) for x, y in pairs if x and y]
    return sum(scores) / len(scores) if scores else 100.0


@dataclass
class DocContext:
    """What the rest of one document says, for breaking ties between copies.

    ``years``: (issuer, number) of a 文号 → Counter of the years it is cited with,
    over every text field of every form copy; ``bigrams``: how often each pair of
    adjacent characters occurs in those texts.
    """

    years: dict[tuple[str, int], Counter] = field(default_factory=lambda: defaultdict(Counter))
    bigrams: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, copies: Sequence[FormCopy]) -> DocContext:
        ctx = cls()
        for c in copies:
            for f in TEXT_FIELDS:
                v = getattr(c, f)
                if isinstance(v, str) and v:
                    ctx.add(v)
        return ctx

    def add(self, text: str) -> None:
        for ref in find_refs(text):
            self.years[(ref.issuer, ref.number)][ref.year] += 1
        self.bigrams.update(text[i:i + 2] for i in range(len(text) - 1))

    def ref_support(self, text: str) -> int:
        """How many of the document's citations agree with the years of ``text``'s 文号."""
        return sum(self.years.get((r.issuer, r.number), Counter())[r.year] for r in find_refs(text))

    def stutter(self, extra: str, left: str, right: str) -> bool:
        """Whether ``extra``, read by one copy only, is a glyph read twice (强强制 for 强制).

        It repeats the character beside it, and the document has the doubled pair
        nowhere but in this one reading.
        """
        return len(extra) == 1 and extra in (left[-1:], right[:1]) and self.bigrams[extra * 2] <= 1

    def span_support(self, left: str, span: str, right: str) -> int:
        """Occurrences in the document of the character pairs ``span`` makes with its context."""
        s = left[-1:] + span + right[:1]
        return sum(self.bigrams[s[i:i + 2]] for i in range(len(s) - 1))


def choose(values: Sequence[Any], copies: Sequence[FormCopy], known: float | None = None,
           context: DocContext | None = None, trusted: FormCopy | None = None) -> tuple[Any, str]:
    """Pick one of disagreeing ``values`` (one per copy); returns (value, reason)."""
    present = [(v, c) for v, c in zip(values, copies) if v not in (None, "", [])]
    if not present:
        return None, "empty"
    distinct = list(dict.fromkeys(_key(v) for v, _ in present))
    if len(distinct) == 1:
        return present[0][0], "agree"
    if len(present) >= 3:
        counts = Counter(_key(v) for v, _ in present).most_common()
        if counts[0][1] > counts[1][1]:
            return next(v for v, _ in present if _key(v) == counts[0][0]), "majority"
    methods = {c.method for _, c in present}
    if methods == {"text", "ocr"}:
        return next(v for v, c in present if c.method == "text"), "text_over_ocr"
    if known is not None:
        for v, _ in present:
            if isinstance(v, (int, float)) and abs(v - known) < 0.5:
                return v, "agrees_with_document"
    if context is not None and all(isinstance(v, str) for v, _ in present):
        support = [context.ref_support(v) for v, _ in present]
        if max(support) > 0 and support.count(max(support)) == 1:
            # a 文号 whose reading the rest of the document confirms; the other spans still merge
            best = present[support.index(max(support))][0]
            others = [v for v, _ in present if v != best]
            if len(present) == 2 and methods == {"ocr"} and _refs(others[0]) != _refs(best):
                merged = merge_ocr_texts(best, others[0], 1.0, 0.0, context, keep_refs=True)
                return merged, "agrees_with_document"
            return best, "agrees_with_document"
        if len(present) == 2 and methods == {"ocr"} and all(re.search(f"[{_CJK}]", v) for v, _ in present):
            # Chinese text only: digits of a timestamp or code are not merged by character statistics
            (a, ca), (b, cb) = present
            merged = merge_ocr_texts(a, b, *lead_weights(ca, cb, trusted), context)
            if merged is not None:
                return merged, "merged_ocr"
    longest = max(present, key=lambda p: len(_key(p[0])))
    if all(_key(longest[0]).startswith(_key(v)) for v, _ in present):
        return longest[0], "longer_truncated"
    if trusted is not None and any(c is trusted for _, c in present):
        return next(v for v, c in present if c is trusted), "trusted_copy"
    confs = sorted((c.confidence for _, c in present), reverse=True)
    if confs[0] - confs[1] >= CONFIDENCE_GAP:
        return next(v for v, c in present if c.confidence == confs[0]), "higher_confidence"
    return present[0][0], "tie"


#: Two OCR'd copies whose mean confidences differ by less than this were read
#: about equally well (two copies of one scan); a higher confidence then says
#: nothing about which wording or which digit is right, so the first copy is
#: followed, as for text copies.
CONFIDENCE_GAP = 0.05


def lead_weights(a: FormCopy, b: FormCopy, trusted: FormCopy | None) -> tuple[float, float]:
    """The weights :func:`merge_ocr_texts` settles a tie with, for copy ``a`` and ``b``.

    The trusted copy (its 文号 agree with the document) leads; else the copy
    read with clearly higher confidence (:data:`CONFIDENCE_GAP`); else ``a``.
    """
    if trusted is not None and (trusted is a or trusted is b):
        return float(a is trusted), float(b is trusted)
    if abs(a.confidence - b.confidence) >= CONFIDENCE_GAP:
        return a.confidence, b.confidence
    return 1.0, 0.0


#: Form fields holding Chinese sentences (not names, codes, amounts or dates).
PROSE_FIELDS = frozenset({"overview", "basis", "necessity", "measures", "plan", "goal_period", "goal_annual"})


def _refs(text: str) -> list[str]:
    return [r.canonical for r in find_refs(text)]


#: Two OCR readings of one cell are merged only when they mostly agree.
MERGE_MIN_RATIO = 0.8
#: Marks that cannot sit between two ideographs in Chinese prose: a decimal point,
#: a middle dot, quotes and a space are OCR readings of ，、。 or of a speck.
_BAD_BETWEEN = re.compile(rf"(?<=[{_CJK}])[.·'`‘’ ](?=[{_CJK}])")
_PAIRS = {"《": "》", "(": ")", "（": "）", "【": "】", "[": "]", "“": "”", "〔": "〕"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def implausible(text: str) -> int:
    """Count of punctuation a Chinese text cannot carry as printed.

    A "." between two ideographs (not a decimal point: no digit on either side)
    and the like; and every bracket that does not pair up (《…) read for 《…》).
    """
    bad = len(_BAD_BETWEEN.findall(text))
    stack: list[str] = []
    for ch in text:
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in _CLOSERS:
            if stack and stack[-1] == _CLOSERS[ch]:
                stack.pop()
            else:
                bad += 1
    return bad + len(stack)


def merge_ocr_texts(a: str, b: str, conf_a: float, conf_b: float, context: DocContext | None = None,
                    keep_refs: bool = False) -> str | None:
    """Two OCR readings of the same text → one, span by span; None when they don't align.

    Where the readings differ (difflib opcodes), each span is decided by, in order:
    1. punctuation: the side that leaves the text with fewer :func:`implausible`
       marks (，read as . between ideographs; 《 read as ( with 》 closing it);
    2. the document: when one side's characters, with their neighbours, occur in
       the document's texts :data:`MISREAD_RATIO` times as often as the other's
       (干警 over 干繁); two readings both common there are two wordings, not a
       misread, and neither are spans of lengths two apart (切实 / 贯彻落实) nor
       a 文号's issuer (司发通 / 司法部: an abbreviation has no prose statistics);
    3. a span of at most :data:`MAX_DROPPED` characters one side lacks is kept
       (OCR drops faint glyphs and a final 。 far more often than it invents them),
       unless it is a glyph read twice (:meth:`DocContext.stutter`);
    4. the reading of the copy with the higher weight: ``conf_a``/``conf_b``, which
       :func:`choose` sets with :func:`lead_weights`.
    With ``keep_refs`` the 文号 of ``a`` (already chosen by the document) are kept.
    """
    sm = SequenceMatcher(None, a, b, autojunk=False)
    ops = sm.get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    one_slip = len(changed) == 1 and max(changed[0][2] - changed[0][1], changed[0][4] - changed[0][3]) == 1
    if sm.ratio() < MERGE_MIN_RATIO and not (one_slip and min(len(a), len(b)) >= 3):
        return None  # a short name with one misread character still aligns
    first = a if conf_a >= conf_b else b
    picks = ["a" if conf_a >= conf_b else "b"] * len(ops)

    def build(choice: list[str]) -> str:
        return "".join(a[i1:i2] if op == "equal" or side == "a" else b[j1:j2]
                       for (op, i1, i2, j1, j2), side in zip(ops, choice))

    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            continue
        sa, sb = a[i1:i2], b[j1:j2]
        left, right = a[max(0, i1 - 1):i1], a[i2:i2 + 1]
        trial = {side: build(picks[:k] + [side] + picks[k + 1:]) for side in ("a", "b")}
        bad = {side: implausible(t) for side, t in trial.items()}
        refs = {side: _refs(t) for side, t in trial.items()}
        if keep_refs and refs["a"] != refs["b"]:
            picks[k] = "a" if refs["a"] == _refs(a) else "b"
        elif bad["a"] != bad["b"]:
            picks[k] = min(bad, key=lambda side: bad[side])
        elif refs["a"] != refs["b"]:
            continue  # a 文号's issuer is an abbreviation, not prose: no statistics, the lead copy's
        elif context is not None and sa and sb and abs(len(sa) - len(sb)) <= 1 and _misread(
                ga := context.span_support(left, sa, right), gb := context.span_support(left, sb, right)):
            picks[k] = "a" if ga > gb else "b"
        elif (not sa or not sb) and len(sa or sb) <= MAX_DROPPED:
            stutter = context is not None and context.stutter(sa or sb, left, right)
            picks[k] = ("b" if sa else "a") if stutter else ("a" if sa else "b")
    merged = build(picks)
    return merged if merged else first


#: OCR drops a faint glyph or two (a final 。, a thin 一), not a phrase: a longer
#: span one copy lacks is a difference of wording, settled by the lead copy.
MAX_DROPPED = 2
#: One reading of a span is a misread when the document spells it this many
#: times less often than the other (干繁 0 vs 干警 12); two readings both common
#: in the document (重要原则 / 重要举措) are two wordings, not a misread.
MISREAD_RATIO = 4


def _misread(support_a: int, support_b: int) -> bool:
    lo, hi = sorted((support_a, support_b))
    return hi > 0 and hi >= MISREAD_RATIO * lo


def trusted_copy(group: Sequence[FormCopy], context: DocContext | None) -> FormCopy | None:
    """The copy whose 文号 agree most with the document's citations; None when no copy stands out."""
    if context is None or len(group) < 2:
        return None
    support = [sum(context.ref_support(v) for f in TEXT_FIELDS if isinstance(v := getattr(c, f), str) and v)
               for c in group]
    best = max(support)
    return group[support.index(best)] if best > 0 and support.count(best) == 1 else None


def _key(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, list) else str(v)


@dataclass
class Merged:
    """Rows for one document."""

    projects: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]


def merge_copies(doc_id: str, copies: Sequence[FormCopy], known: Known = None) -> Merged:
    """De-duplicate a document's form copies into contract rows."""
    out = Merged([], [], [])
    context = DocContext.of(copies)
    for group in group_copies(copies):
        trusted = trusted_copy(group, context)
        project, conflicts = _merge_group(doc_id, group, known, context, trusted)
        inds, ind_conflict = _merge_indicators(doc_id, group, project["project_name"] or group[0].project_name, context,
                                               trusted)
        if ind_conflict:
            conflicts.append(ind_conflict)
        project["conflicts"] = len(conflicts)
        out.projects.append(project)
        out.indicators.extend(inds)
        out.conflicts.extend(conflicts)
    return out


def _known_amount(known: Known, name: str, field: str) -> float | None:
    if known is None:
        return None
    if callable(known):
        return known(name, field)
    return known.get((name, field))


def _merge_group(doc_id: str, group: list[FormCopy], known: Known, context: DocContext | None = None,
                 trusted: FormCopy | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    name = group[0].project_name
    row: dict[str, Any] = {"doc_id": doc_id}
    conflicts = []
    for f in TEXT_FIELDS:
        values = [fix_final_stop(getattr(c, f)) if c.method == "ocr" and f in PROSE_FIELDS else getattr(c, f)
                  for c in group]
        value, reason = choose(values, group, _known_amount(known, name, f) if f.startswith("funds") else None,
                               context, trusted)
        if f in PROSE_FIELDS and all(c.method == "ocr" for c in group):
            value = fix_title_marks(value)  # after the merge: brackets still count as read there
        row[f] = value
        if reason not in ("agree", "empty"):
            variants = list(dict.fromkeys(v for v in values if v not in (None, "")))
            conflicts.append(conflict_row(doc_id, "project", name, f, variants, value, reason))
    row["project_code"] = group[0].project_code
    row["kind"] = group[0].kind
    row["pages"] = ";".join(page_span(c.pages) for c in group)
    row["copies"] = len(group)
    row["method"] = "ocr" if all(c.method == "ocr" for c in group) else "text"
    return row, conflicts


def page_span(pages: Sequence[int]) -> str:
    """[19, 20] → "19-20"; [16] → "16" (the contract's pages column, per copy)."""
    lo, hi = min(pages), max(pages)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def indicator_key(i: IndicatorRow) -> str:
    """scope/一级/二级/三级/value_raw: how an indicator is compared across copies."""
    return "/".join((i.scope, i.level1, i.level2, i.level3, i.value_raw))


def _merge_indicators(doc_id: str, group: list[FormCopy], project_name: str | None = None,
                      context: DocContext | None = None,
                      trusted: FormCopy | None = None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Indicators of the chosen copy; one conflict row listing what differs per copy.

    Rows carry the merged project name (the name the ``projects`` row has), and
    when every copy is OCR'd and the copies have the same rows in the same order,
    each row's names are merged between the copies (:func:`merge_indicator_rows`).
    """
    keys = [[indicator_key(i) for i in c.indicators] for c in group]
    common = set(keys[0]).intersection(*map(set, keys[1:])) if len(group) > 1 else set(keys[0])
    diffs = [sorted(k for k in ks if k not in common) for ks in keys]
    encoded = [json.dumps(d, ensure_ascii=False) for d in diffs]  # a copy lacking rows is a value too
    picked, reason = choose(encoded, group, trusted=trusted)
    best = encoded.index(picked) if picked is not None else 0
    value = diffs[best]
    if not any(diffs):
        reason = "agree"
    if reason == "tie" and _superset(diffs, best):
        reason = "longer_truncated"
    chosen = group[best]
    indicators = [snap_levels(i) for i in chosen.indicators]
    if reason != "agree" and all(c.method == "ocr" for c in group):
        indicators = merge_indicator_rows(group, best, context, trusted)
    name = project_name or group[0].project_name
    rows = [{"doc_id": doc_id, "project_name": name, "scope": i.scope, "level1": i.level1 or None,
             "level2": i.level2 or None, "level3": i.level3, "value_raw": i.value_raw, "op": i.op,
             "value": i.value, "value_unit": i.value_unit} for i in indicators]
    if reason == "agree":
        return rows, None
    return rows, conflict_row(doc_id, "project", name, "indicators", diffs, value, reason)


def snap_levels(row: IndicatorRow) -> IndicatorRow:
    """一级/二级 indicator names are a closed list: one misread character (数擊指标) is put right.

    Only a name of the same length one substitution away from exactly one listed
    name is changed, so nothing outside the list is ever forced onto it.
    """
    def snap(text: str, words: Sequence[str]) -> str:
        if text in words:
            return text
        near = [w for w in words if len(w) == len(text) and Levenshtein.distance(w, text) == 1]
        return near[0] if len(near) == 1 else text

    level1, level2 = snap(row.level1, LEVEL1_WORDS), snap(row.level2, LEVEL2_WORDS)
    if (level1, level2) == (row.level1, row.level2):
        return row
    return IndicatorRow(row.scope, level1, level2, row.level3, row.value_raw, row.op, row.value, row.value_unit)


def merge_indicator_rows(group: list[FormCopy], best: int, context: DocContext | None,
                         trusted: FormCopy | None = None) -> list[IndicatorRow]:
    """The chosen copy's rows with 三级 names merged against the other OCR copy, row by row.

    Rows are paired only when both copies list the same scopes and 一级 names in
    the same order; otherwise the chosen copy's rows are returned as read. A
    value (value_raw) is merged only where both copies read the same number
    (有效曾及 / 有效普及, 援彌… / 援疆…), and op and unit are parsed again from it.
    """
    rows = [snap_levels(i) for i in group[best].indicators]
    if len(group) != 2:
        return rows
    other = [snap_levels(i) for i in group[1 - best].indicators]
    if [(r.scope, r.level1) for r in rows] != [(r.scope, r.level1) for r in other]:
        return rows
    ca, cb = lead_weights(group[best], group[1 - best], trusted)
    out = []
    for r, o in zip(rows, other):
        level2 = r.level2 if r.level2 in LEVEL2_WORDS or o.level2 not in LEVEL2_WORDS else o.level2
        level3 = r.level3
        if r.level3 != o.level3 and r.level3 and o.level3:
            level3 = merge_ocr_texts(r.level3, o.level3, ca, cb, context) or r.level3
        value: tuple[str, str | None, float | None, str | None] = (r.value_raw, r.op, r.value, r.value_unit)
        if r.value_raw != o.value_raw and r.value_raw and o.value_raw and r.value == o.value:
            merged = merge_ocr_texts(r.value_raw, o.value_raw, ca, cb, context)
            parsed = parse_value(merged) if merged else None
            if merged and parsed is not None and parsed.value == r.value:  # a merge never changes the number
                value = (merged, parsed.op, parsed.value, parsed.unit)
        out.append(IndicatorRow(r.scope, r.level1, level2, level3, *value))
    return out


def _superset(diffs: list[list[str]], best: int) -> bool:
    return all(len(diffs[best]) >= len(d) and sum(map(len, diffs[best])) >= sum(map(len, d)) for d in diffs)


def conflict_row(doc_id: str, entity: str, key: str, field: str, values: list[Any], chosen: Any,
                 reason: str) -> dict[str, Any]:
    """A ``conflicts`` row: all variants as a JSON list, the choice and why."""
    return {"doc_id": doc_id, "entity": entity, "key": key, "field": field,
            "values": json.dumps(values, ensure_ascii=False),
            "chosen": chosen if isinstance(chosen, str) or chosen is None else json.dumps(chosen, ensure_ascii=False),
            "reason": reason}
