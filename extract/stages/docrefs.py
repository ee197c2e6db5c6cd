"""Doc refs: document numbers (文号) cited anywhere → canonical, OCR-garbled ones corrected.

Reads (text, page) pairs of one document (form fields, sections, tables); writes
the contract's ``doc_refs`` rows and ``conflicts`` rows (entity=doc_ref). A 文号
is issuer + year in any bracket + number + 号 (晋财政法【2013】122号); canonical
form issuer〔year〕number号.

Correction by vote, over one document (:func:`reconcile`) and then over the
batch (:func:`reconcile_batch`, one vote per document):

1. *year* — the same issuer+number read with another year (晋财政法【2019】122号
   where the other citations read 2013) takes the majority year;
2. *issuer* — the same year+number read with a near-identical issuer (one edit
   apart, or the same length and leading character: 晋司办/晋财办, 司发通/司法部)
   takes the majority issuer; a tie there is broken by how often each issuer is
   cited anywhere else in the pool (司发通 also issues 〔2014〕75号, 司法部 nothing);
3. *title* — the same cited title 《…》 (printed right before or after the
   number) read with another number takes the majority number;
4. *confirmed* — a 文号 read by OCR that the document does not confirm (no
   text-layer page prints it, no second page reads it the same way) and that is
   one or two edits from a 文号 it does confirm is that 文号 (曹财政法〔2019〕122号,
   晋财政法〔2019〕1221号 → 晋财政法〔2019〕122号), reason ``confirmed_elsewhere``.
   One still unconfirmed in a document whose text layer cites 文号 is not
   trusted as a new reference: it leaves ``doc_refs`` for a ``conflicts`` row
   (chosen null, reason ``unconfirmed_ocr``). A fully scanned document keeps
   its single readings (nothing there could confirm them).

A tie that nothing breaks is kept as read and reported as a ``conflicts`` row
(chosen null, reason ``tie``). Every corrected 文号 gets one ``conflicts`` row
listing all the raw forms that ended on it, the chosen canonical and the reason.

Not read as 文号: the 字号 style ``《2012》司戒毒（戒毒）字37号`` /
``(2012)司劳教(戒毒)字37号`` (year first, issuer and 字 after it): its issuer is a
phrase, not a code, and nothing in it can be voted on reliably; the sample
truth leaves it out too.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from extract.model import FormCopy, Page
from extract.stages.layout import words_text
from extract.vocab.chars import IDEOGRAPHS

_REF = re.compile(rf"(?P<issuer>[{IDEOGRAPHS}]{{2,12}})\s*[【〔\[(（［《](?P<year>(?:19|20)\d{{2}})[】〕\])）］》]"
                  r"\s*(?P<number>\d{1,5})\s*号")
#: Words that precede an issuer in running text (根据晋财政法…, 山西省财政厅文件晋司办…).
_LEAD = re.compile(rf"^.*(?:文件|根据|按照|依据|厅|印发)(?=[{IDEOGRAPHS}]{{2,}})")
MAX_ISSUER = 5
#: A title cited right after a number (…123号关于印发《…》的通知) or right before it (《…》（财行…）).
_TITLE_AFTER = re.compile(r"[\s,，、]*(?:关于)?(?:印发)?\s*《([^《》]{6,80})》")
_TITLE_BEFORE = re.compile(r"《([^《》]{6,80})》\s*[（(]?\s*$")
_CJK = re.compile(f"[{IDEOGRAPHS}]")


@dataclass(eq=False)
class Ref:
    """One occurrence of a document number (compared by identity)."""

    raw: str
    issuer: str
    year: int
    number: int
    page: int | None
    corrected: bool = False
    confidence: float = 1.0
    title: str | None = None
    source: str = "text"  # text or ocr: how the page it was read on was read
    trusted: bool = True
    read: tuple[str, int, int] = field(default=("", 0, 0), repr=False)
    reasons: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        if self.read == ("", 0, 0):
            self.read = (self.issuer, self.year, self.number)

    @property
    def canonical(self) -> str:
        return canonical(self.issuer, self.year, self.number)

    def set(self, issuer: str, year: int, number: int, share: float, reason: str) -> None:
        self.issuer, self.year, self.number = issuer, year, number
        self.corrected = (issuer, year, number) != self.read
        self.confidence = share
        self.reasons.add(reason)


@dataclass
class Dispute:
    """A 文号 read in more than one way: one ``conflicts`` row."""

    key: str
    variants: list[str]
    chosen: str | None
    reason: str


def canonical(issuer: str, year: int, number: int) -> str:
    return f"{issuer}〔{year}〕{number}号"


def find_refs(text: str, page: int | None = None, source: str = "text") -> list[Ref]:
    """Every 文号 in ``text``, in reading order; ``source`` says how its page was read (text or ocr)."""
    text = text or ""
    out = []
    for m in _REF.finditer(text):
        issuer = _LEAD.sub("", m["issuer"])[-MAX_ISSUER:]
        start = m.end("issuer") - len(issuer)
        raw = unicodedata.normalize("NFKC", text[start:m.end()]).replace(" ", "")
        out.append(Ref(raw, issuer, int(m["year"]), int(m["number"]), page, title=_title(text, start, m.end()),
                       source=source))
    return out


def _title(text: str, start: int, end: int) -> str | None:
    after = _TITLE_AFTER.match(text, end, min(len(text), end + 90))
    before = _TITLE_BEFORE.search(text, max(0, start - 90), start)
    for m in (after, before):
        if m and _CJK.search(m[1]):
            return "".join(unicodedata.normalize("NFKC", m[1]).split())
    return None


# ----------------------------------------------------------------------------- voting


def similar_issuers(a: str, b: str) -> bool:
    """Issuers an OCR slip may confuse: one edit apart, or same length and leading character."""
    if min(len(a), len(b)) < 2:
        return False
    return Levenshtein.distance(a, b) <= 1 or (len(a) == len(b) and a[0] == b[0])


def reconcile(refs: Sequence[Ref], untrust: bool = True) -> list[Dispute]:
    """Correct ``refs`` in place by vote over them; returns one dispute per 文号 read two ways.

    ``confidence`` is the winner's share of the votes (1.0 where nobody disagreed). ``untrust``:
    unconfirmed OCR readings may be marked untrusted (one document's refs; not across a batch).
    """
    ties: list[list[Ref]] = []
    _vote(refs, lambda r: (r.issuer, r.number), lambda r: r.year,
          lambda r, y: (r.issuer, y, r.number), "majority_year", ties)
    support = Counter(r.issuer for r in refs)
    _vote(refs, lambda r: (r.year, r.number), lambda r: r.issuer,
          lambda r, i: (i, r.year, r.number), "majority_issuer", ties, cluster=similar_issuers, support=support)
    titled = [r for r in refs if r.title]
    _vote(titled, lambda r: r.title, lambda r: (r.issuer, r.year, r.number),
          lambda r, v: v, "same_title", [])  # one title, two numbers: maybe two documents
    snap_to_confirmed(refs, untrust)
    return disputes(refs, ties)


#: An OCR reading this many edits (or fewer) from a confirmed 文号 is taken for it.
MAX_SNAP_EDITS = 2


def confirmed(refs: Sequence[Ref]) -> dict[str, Ref]:
    """Canonical → a reference, for every 文号 printed on a text-layer page or read alike on two pages."""
    pages: dict[str, set[int | None]] = defaultdict(set)
    out: dict[str, Ref] = {}
    for r in refs:
        pages[r.canonical].add(r.page)
        if r.source != "ocr" or len(pages[r.canonical]) >= 2:
            out.setdefault(r.canonical, r)
    return out


def snap_to_confirmed(refs: Sequence[Ref], untrust: bool = True) -> None:
    """OCR readings nothing confirms: snapped to the nearest confirmed 文号 (one or two edits), else
    marked untrusted when the document's text layer cites 文号 (see the module docstring, rule 4).
    """
    sure = confirmed(refs)
    has_text_refs = any(r.source != "ocr" for r in refs)
    cited = Counter(r.canonical for r in refs)
    for r in refs:
        if r.source != "ocr" or r.canonical in sure:
            continue
        target = nearest(r.canonical, sure, cited)
        if target is not None:
            r.set(target.issuer, target.year, target.number, share=round(1 / (1 + cited[r.canonical]), 4),
                  reason="confirmed_elsewhere")
        elif untrust and has_text_refs:
            r.trusted = False


def nearest(canon: str, sure: dict[str, Ref], cited: Counter) -> Ref | None:
    """The confirmed 文号 fewest edits from ``canon`` (at most :data:`MAX_SNAP_EDITS`); a tie goes to the
    most cited, and a tie there to none.
    """
    near = sorted((Levenshtein.distance(canon, c), -cited[c], c) for c in sure)
    near = [n for n in near if n[0] <= MAX_SNAP_EDITS]
    if not near or (len(near) > 1 and near[0][:2] == near[1][:2]):
        return None
    return sure[near[0][2]]


def _vote(refs: Sequence[Ref], group: Callable[[Ref], Any], value: Callable[[Ref], Any],
          target: Callable[[Ref, Any], tuple[str, int, int]], reason: str, ties: list[list[Ref]],
          cluster: Callable[[Any, Any], bool] | None = None, support: Counter | None = None) -> None:
    groups: dict[Any, list[Ref]] = defaultdict(list)
    for r in refs:
        groups[group(r)].append(r)
    for members in groups.values():
        for part in _clusters(members, value, cluster):
            votes = Counter(value(m) for m in part)
            if len(votes) < 2:
                continue
            ranked = votes.most_common()
            why = reason
            if ranked[0][1] == ranked[1][1]:
                top = [v for v, n in ranked if n == ranked[0][1]]
                best = _break_tie(top, support)
                if best is None:
                    ties.append(part)
                    continue
                assert support is not None  # a tie is only broken with support
                why = "issuer_cited_elsewhere"
                share = round(support[best] / sum(support[v] for v in top), 4)
            else:
                best = ranked[0][0]
                share = round(ranked[0][1] / len(part), 4)
            for m in part:
                if value(m) != best:
                    m.set(*target(m, best), share=share, reason=why)
                else:
                    m.confidence = min(m.confidence, share)


def _clusters(members: list[Ref], value: Callable[[Ref], Any],
              linked: Callable[[Any, Any], bool] | None) -> list[list[Ref]]:
    """Members split into groups whose values are linked (all one group without ``linked``)."""
    if linked is None:
        return [members]
    values = list(dict.fromkeys(value(m) for m in members))
    parent = {v: v for v in values}

    def root(v: Any) -> Any:
        while parent[v] != v:
            v = parent[v]
        return v

    for i, a in enumerate(values):
        for b in values[i + 1:]:
            if linked(a, b):
                parent[root(b)] = root(a)
    parts: dict[Any, list[Ref]] = defaultdict(list)
    for m in members:
        parts[root(value(m))].append(m)
    return list(parts.values())


def _break_tie(top: list[Any], support: Counter | None) -> Any:
    if support is None:
        return None
    counts = sorted(((support[v], v) for v in top), reverse=True)
    return counts[0][1] if counts[0][0] > counts[1][0] else None


def disputes(refs: Sequence[Ref], ties: Sequence[list[Ref]]) -> list[Dispute]:
    """One dispute per corrected 文号 (all raw forms that ended on it) and per unbroken tie."""
    out: list[Dispute] = []
    by_canon: dict[str, list[Ref]] = defaultdict(list)
    for r in refs:
        by_canon[r.canonical].append(r)
    for r in refs:
        if not r.trusted:
            out.append(Dispute(r.canonical, [r.raw], None, "unconfirmed_ocr"))
    for canon, members in by_canon.items():
        fixed = [m for m in members if m.corrected]
        if fixed:
            reasons = sorted({x for m in fixed for x in m.reasons})
            out.append(Dispute(canon, sorted({m.raw for m in members}), canon, ",".join(reasons)))
    for part in ties:
        canons = {m.canonical for m in part}
        if len(canons) > 1:
            out.append(Dispute(min(canons), sorted({m.raw for m in part}), None, "tie"))
    return out


def refs_to_rows(doc_id: str, refs: Sequence[Ref], found: Sequence[Dispute]
                 ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """``doc_refs`` rows (trusted references only) and ``conflicts`` rows (entity=doc_ref) for one document."""
    rows: list[dict[str, object]] = [
            {"doc_id": doc_id, "raw": r.raw, "issuer": r.issuer, "year": r.year, "number": r.number,
             "canonical": r.canonical, "page": r.page, "corrected": r.corrected, "confidence": r.confidence,
             "source": r.source}
            for r in refs if r.trusted]
    return rows, [conflict_row(doc_id, d) for d in found]


def conflict_row(doc_id: str, d: Dispute) -> dict[str, object]:
    return {"doc_id": doc_id, "entity": "doc_ref", "key": d.key, "field": "raw",
            "values": json.dumps(d.variants, ensure_ascii=False), "chosen": d.chosen, "reason": d.reason}


# ----------------------------------------------------------------------------- batch


def reconcile_batch(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Vote once more over the ``doc_refs`` rows of a whole batch, one vote per document.

    Each document votes for every 文号 it settled on (its own majority, or both
    readings of a tie); a document outvoted by the others has its rows corrected
    (``corrected`` against what the row read, ``confidence`` the winner's share of
    documents) and gets a ``conflicts`` row with reason ``batch_*``. A batch tie
    changes nothing (the document's own conflict row stands). Pure: returns new rows.
    """
    pool: dict[tuple[str, str], Ref] = {}
    docs: dict[str, int] = {}
    for row in rows:
        k = (row["doc_id"], row["canonical"])
        source = row.get("source") or "text"
        if k not in pool:  # ``page`` = the document: confirmation across a batch is by two documents
            pool[k] = Ref(row["canonical"], row["issuer"], int(row["year"]), int(row["number"]),
                          docs.setdefault(row["doc_id"], len(docs)), source=source)
        elif source != "ocr":
            pool[k].source = source  # printed in a text layer somewhere in the document
    refs = list(pool.values())
    if len(docs) < 2:
        return [dict(r) for r in rows], []
    reconcile(refs, untrust=False)
    out, changed = [], defaultdict(list)
    for row in rows:
        ref = pool[(row["doc_id"], row["canonical"])]
        new = dict(row)
        if ref.corrected:
            read = find_refs(row["raw"])
            as_read = (read[0].issuer, read[0].year, read[0].number) if read else None
            new.update(issuer=ref.issuer, year=ref.year, number=ref.number, canonical=ref.canonical,
                       corrected=(ref.issuer, ref.year, ref.number) != as_read, confidence=ref.confidence)
            changed[(row["doc_id"], ref.canonical)].append(ref)
        out.append(new)
    conflicts = []
    for (doc_id, canon), refs_hit in changed.items():
        raws = sorted({r["raw"] for r in out if r["doc_id"] == doc_id and r["canonical"] == canon})
        reason = ",".join(sorted({"batch_" + x for m in refs_hit for x in m.reasons}))
        conflicts.append(conflict_row(doc_id, Dispute(canon, raws, canon, reason)))
    return out, conflicts


def doc_ref_texts(pages: Sequence[Page], copies: Sequence[FormCopy]) -> list[tuple[int, list[str]]]:
    """(page, texts to search) in page order: card-form fields, else the page's text.

    A page holding a card form is read field by field (each field on its own
    page; a goal cell spanning both scopes once), so no 文号 is glued to a
    neighbouring cell's text; every other page (sections, tables, list forms)
    is read as its whole text.
    """
    fields: dict[int, list[str]] = {}
    for copy in (c for c in copies if c.layout == "card"):
        for page_no in copy.pages:
            fields.setdefault(page_no, [])
        for name, text in copy.raw.items():
            if name in copy.field_pages and text:
                fields.setdefault(copy.field_pages[name], []).append(text)
    return [(p.page_no, fields[p.page_no] if p.page_no in fields else [words_text(p.words)]) for p in pages]
