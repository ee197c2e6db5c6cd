"""Doc refs: document numbers (文号) cited anywhere → canonical, OCR-garbled ones corrected.

Reads (text, page) pairs of one document (form fields, sections, tables); writes
the contract's ``doc_refs`` rows and ``conflicts`` rows (entity=doc_ref). A 文号
is issuer + year in any bracket + number + 号 (晋财政法【2013】122号); canonical
form issuer〔year〕number号. On an OCR page a bracket may be lost or read as a
bar (晋财办2019|63号), and a lost 。 glues the sentence before onto the issuer
(工作司密电[2018]64号): the first is matched (:data:`_REF_OCR`), the second re-cut
(:func:`recut`: the issuer is the ending the document cites more often).

Correction by vote, over one document (:func:`reconcile`) and then over the
batch (:func:`reconcile_batch`, one vote per document, the same rules with a
document as the witness; :func:`apply_batch` on a run's tables):

1. *year* — the same issuer+number read with another year (晋财政法【2019】122号
   where the other citations read 2013) takes the majority year;
2. *issuer* — the same year+number read with a near-identical issuer (one edit
   apart, or the same length and leading character: 晋司办/晋财办, 司发通/司法部)
   takes the majority issuer; a tie there is broken by how many other 文号 each
   issuer is cited with (司发通 also issues 〔2014〕75号, 司法部 nothing);
3. *title* — the same cited title 《…》 (printed right before or after the
   number) read with another number takes the majority number;
4. *confirmed* — a 文号 read by OCR that the document does not confirm and that
   is at most :data:`MAX_SNAP_EDITS` characters of issuer, year and number from
   one it does confirm is that 文号 (曹财政法〔2019〕122号, 晋财政法〔2019〕1221号 →
   晋财政法〔2013〕122号), ``corrected`` with the raw reading kept, reason
   ``confirmed_elsewhere``. *Confirmed* means printed in a text layer, or read
   alike by OCR at :data:`MIN_WITNESSES` separate places (two fields, two pages).
   One still unconfirmed in a document whose text layer cites 文号 is not
   trusted as a new reference: it leaves ``doc_refs`` for a ``conflicts`` row
   (chosen null, reason ``unconfirmed_ocr``) and for the batch, which trusts it
   when another document reads it too. A fully scanned document keeps its single
   readings: nothing in it could confirm them, and dropping them would drop a
   real reference whenever the other copy of its form is misread. Before
   snapping, unconfirmed readings of one year, number and issuer length are put
   together character by character (:func:`read_together`): three readings
   曹财办, 罚财办, 普财办 witness 财 where the confirmed 晋司办 prints 司, so they are
   晋财办, not 晋司办. Votes 1 and 2 then run once more over the trusted readings.

Who votes: a page is one witness. Votes 1–3 count, for each reading, the pages
whose citations mostly read it (a page split evenly votes for each), and count
single citations only where every reading is on one page. OCR misses citations
unevenly (a lost bracket, a merged line), so counting citations would let the
copy OCR happened to read more completely outvote the other: 晋司办 printed four
times on a text page and 晋财办 four times on a scanned one are two witnesses
one each, not four against the two OCR found. In a batch a document is the
witness.

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

_OPEN, _CLOSE = r"【〔\[(（［《", r"】〕\])）］》"
_REF = re.compile(rf"(?P<issuer>[{IDEOGRAPHS}]{{2,12}})\s*[{_OPEN}](?P<year>(?:19|20)\d{{2}})[{_CLOSE}]"
                  r"\s*(?P<number>\d{1,5})\s*号")
#: On an OCR page either bracket may be lost or read as a bar or a letter (晋财办2019|63号,
#: 晋财办2019]63号, 司密电|2018]64号, 晋财办[201963号); one of the two must still be there (see
#: :func:`find_refs`), so a year and number run together with no mark at all (201963号) are not
#: split by guess.
_REF_OCR = re.compile(rf"(?P<issuer>[{IDEOGRAPHS}]{{2,12}})\s*(?P<open>[{_OPEN}|丨])?\s*(?P<year>(?:19|20)\d{{2}})"
                      rf"\s*(?P<close>[{_CLOSE}|丨lI」』])?\s*(?P<number>\d{{1,5}})\s*号")
#: Words that precede an issuer in running text (根据晋财政法…, 山西省财政厅文件晋司办…).
_LEAD = re.compile(rf"^.*(?:文件|根据|按照|依据|厅|印发)(?=[{IDEOGRAPHS}]{{2,}})")
MAX_ISSUER = 5
#: A title cited right after a number (…123号关于印发《…》的通知) or right before it (《…》（财行…）).
_TITLE_AFTER = re.compile(r"[\s,，、]*(?:关于)?(?:印发)?\s*《([^《》]{6,80})》")
_TITLE_BEFORE = re.compile(r"《([^《》]{6,80})》\s*[（(]?\s*$")
_CJK = re.compile(f"[{IDEOGRAPHS}]")


@dataclass(eq=False)
class Ref:
    """One occurrence of a document number (compared by identity).

    ``weight``: how many separate readings this one stands for (1 in a document;
    in a batch, the document's citations of it), for :func:`confirmed`.
    """

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
    weight: int = 1
    read: tuple[str, int, int] = field(default=("", 0, 0), repr=False)
    reasons: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        if self.read == ("", 0, 0):
            self.read = (self.issuer, self.year, self.number)

    @property
    def canonical(self) -> str:
        return canonical(self.issuer, self.year, self.number)

    @property
    def key(self) -> tuple[str, int, int]:
        return self.issuer, self.year, self.number

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
    """Every 文号 in ``text``, in reading order; ``source`` says how its page was read (text or ocr).

    An OCR page is matched with :data:`_REF_OCR`, which forgives a lost or misread bracket.
    """
    text = text or ""
    out = []
    for m in (_REF_OCR if source == "ocr" else _REF).finditer(text):
        if source == "ocr" and not (m["open"] or m["close"]):
            continue
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


def recut(refs: Sequence[Ref]) -> None:
    """Issuers that swallowed the end of the sentence before them are cut back, in place.

    OCR drops a faint 。 (…监狱工作。司密电[2018]64号 read …工作司密电[2018]64号), so the
    issuer reads 工作司密电. When the document cites an ending of that issuer with the
    same year and number more often (司密电〔2018〕64号), the issuer is that ending and the
    characters before it are running text: ``raw`` loses them and nothing counts as
    corrected (the 文号 itself was read right). The longer form is never cut when it
    is the more cited one (财政法 read for 晋财政法 is a lost 晋, left to the issuer vote), nor
    a text layer's issuer (a text layer prints its 。: what it glues to a 文号 is the issuer).
    """
    cited = Counter(r.key for r in refs)
    for r in refs:
        if r.source != "ocr":
            continue
        for cut in range(1, len(r.issuer) - 1):  # longest ending first, at least two characters
            tail = r.issuer[cut:]
            if cited[(tail, r.year, r.number)] > cited[r.key]:
                r.raw = r.raw[r.raw.index(tail):] if tail in r.raw else r.raw
                r.issuer = tail
                r.read = r.key
                break


# ----------------------------------------------------------------------------- voting


def similar_issuers(a: str, b: str) -> bool:
    """Issuers an OCR slip may confuse: one edit apart, or same length and leading character."""
    if min(len(a), len(b)) < 2:
        return False
    return Levenshtein.distance(a, b) <= 1 or (len(a) == len(b) and a[0] == b[0])


#: Rounds of year and issuer votes: an issuer put right can join a group whose year is then voted
#: (曹财政法〔2019〕122号 → 晋财政法〔2019〕122号 → 〔2013〕); two rounds settle every chain of two slips.
VOTE_ROUNDS = 2


def reconcile(refs: Sequence[Ref], untrust: bool = True, cut: bool = True) -> list[Dispute]:
    """Correct ``refs`` in place by vote over them; returns one dispute per 文号 read two ways.

    ``confidence`` is the winner's share of the votes (1.0 where nobody disagreed). ``untrust``:
    unconfirmed OCR readings may be marked untrusted (one document's refs; not across a batch).
    ``cut``: issuers re-cut (:func:`recut`; a reading as printed, so not across a batch).
    """
    if cut:
        recut(refs)
    ties: list[list[Ref]] = []
    for _ in range(VOTE_ROUNDS):
        ties = _vote_round(refs)
    titled = [r for r in refs if r.title]
    _vote(titled, lambda r: r.title, lambda r: (r.issuer, r.year, r.number),
          lambda r, v: v, "same_title", [])  # one title, two numbers: maybe two documents
    snap_to_confirmed(refs, untrust)
    # once more over the trusted readings, now that each OCR misread stands for what it was read for
    # (曹财办, 罚财办 put together as 晋财办 meet the text layer's 晋司办: a tie, not a silent pair)
    ties += _vote_round([r for r in refs if r.trusted])
    return disputes(refs, ties)


def _vote_round(refs: Sequence[Ref]) -> list[list[Ref]]:
    """Votes 1 and 2 (year, then issuer) once; returns the groups tied."""
    ties: list[list[Ref]] = []
    _vote(refs, lambda r: (r.issuer, r.number), lambda r: r.year,
          lambda r, y: (r.issuer, y, r.number), "majority_year", ties)
    _vote(refs, lambda r: (r.year, r.number), lambda r: r.issuer,
          lambda r, i: (i, r.year, r.number), "majority_issuer", ties, cluster=similar_issuers,
          support=issuer_support(refs))
    return ties


def issuer_support(refs: Sequence[Ref]) -> Callable[[Any, Any], int]:
    """(issuer, (year, number) voted on) → how many *other* 文号 the document cites from that issuer.

    The citations being voted on are the vote itself, so they cannot also break its tie; only
    the issuer's other documents say it is a real issuer the document cites. The same number
    with another year (司法部〔2011〕123号 beside 司法部〔2014〕123号) is that citation misread, not
    another document.
    """
    issued: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for r in refs:
        issued[r.issuer].add((r.year, r.number))
    return lambda issuer, voted: sum(number != voted[1] for _, number in issued.get(issuer, ()))


#: An OCR reading at most this many characters (issuer, year and number edits together) from a
#: confirmed 文号 is taken for it: 晋财政法〔2019〕1221号 is a year digit and an extra digit from
#: 晋财政法〔2013〕122号. A third slip is as likely to be another document as a misread.
MAX_SNAP_EDITS = 2
#: Separate readings (fields, pages; documents in a batch) that confirm an OCR-only 文号.
MIN_WITNESSES = 2


def edits(a: tuple[str, int, int], b: tuple[str, int, int]) -> int:
    """Characters to change between two 文号, counted part by part (issuer, year, number)."""
    return (Levenshtein.distance(a[0], b[0]) + Levenshtein.distance(str(a[1]), str(b[1]))
            + Levenshtein.distance(str(a[2]), str(b[2])))


def confirmed(refs: Sequence[Ref]) -> dict[str, Ref]:
    """Canonical → a reference, for every 文号 printed on a text-layer page or read alike at
    :data:`MIN_WITNESSES` separate places (each citation is a separate place where it is printed).

    OCR witnesses never outweigh a text layer on a digit: a reading within :data:`MAX_SNAP_EDITS`
    digits of a 文号 a text-layer page prints with the same issuer is not confirmed by being read
    alike again (the scanned copy of a form read 晋财政法〔2013〕22号 on three pages, the 1 beside 】
    lost each time, where the text copy prints 122号; the grey mixed profile's scanned copy, which
    prints the misdated 【2019】122号, read 〔2019〕22号 on two pages); it is snapped to the printed
    one (and from there to where the vote put it), its reading kept. "Printed" is the text layer's
    reading as well as its voted 文号. An issuer read alike twice stands (a scanned copy may print
    晋财办 where the text copy prints 晋司办: the two copies of a form do differ).
    """
    printed = {k for r in refs if r.source != "ocr" for k in (r.key, r.read)}
    seen: Counter = Counter()
    out: dict[str, Ref] = {}
    for r in refs:
        seen[r.canonical] += r.weight
        if r.source != "ocr" or (seen[r.canonical] >= MIN_WITNESSES and not _near_printed(r.key, printed)):
            out.setdefault(r.canonical, r)
    return out


def _near_printed(key: tuple[str, int, int], printed: set[tuple[str, int, int]]) -> bool:
    """``key`` is not printed in a text layer, but a 文号 of the same issuer that is lies within
    :data:`MAX_SNAP_EDITS` digits of it (year and number).
    """
    return key not in printed and any(p[0] == key[0] and edits(key, p) <= MAX_SNAP_EDITS for p in printed)


def snap_to_confirmed(refs: Sequence[Ref], untrust: bool = True) -> None:
    """OCR readings nothing confirms: snapped to the nearest confirmed 文号 (:data:`MAX_SNAP_EDITS`), else
    marked untrusted when the document's text layer cites 文号 (see the module docstring, rule 4).

    A confirmed reading stands for what the vote made of it too: 司法部〔2011〕123号 is one year digit
    from 司法部〔2014〕123号, read on two fields and voted 司发通〔2014〕123号, and so becomes that.
    """
    sure = confirmed(refs)
    has_text_refs = any(r.source != "ocr" for r in refs)
    cited = Counter(r.canonical for r in refs)
    targets: dict[tuple[str, int, int], Ref] = {r.key: r for r in sure.values()}
    read_alike = Counter(r.read for r in refs)
    for r in refs:
        if r.read not in targets and (r.source != "ocr" or read_alike[r.read] >= MIN_WITNESSES) \
                and r.canonical in sure:
            targets[r.read] = sure[r.canonical]
    read_together(refs, sure, targets)
    for r in refs:
        if r.source != "ocr" or r.canonical in sure or "read_together" in r.reasons:
            continue
        target = nearest(r.key, targets, cited)
        if target is not None:
            r.set(target.issuer, target.year, target.number, share=round(1 / (1 + cited[r.canonical]), 4),
                  reason="confirmed_elsewhere")
        elif untrust and has_text_refs:
            r.trusted = False


def read_together(refs: Sequence[Ref], sure: dict[str, Ref], targets: dict[tuple[str, int, int], Ref]) -> None:
    """Unconfirmed OCR readings of one issuer, put together character by character, in place.

    The scanned copy of 援疆干部工作经费 prints 晋财办[2019]63号 in four fields; a grey scan reads
    曹财办, 罚财办 and 普财办 (and loses the fourth). None is confirmed, and each alone is two
    edits from the text layer's 晋司办〔2019〕63号, but three readings agree on 财 where 晋司办 has
    司: that character is witnessed, not misread. Readings of the same year and number with
    similar issuers of one length are merged: a character at least :data:`MIN_WITNESSES`
    readings agree on is taken from them; where no two agree (the OCR failed on that glyph)
    it comes from the confirmed 文号 of that year, number and length that agrees with the
    witnessed characters most (a tie: nothing is merged). The result is the 文号 of every
    reading in the group (reason ``read_together``, ``corrected`` where it differs from the
    reading): the confirmed one itself when the witnesses agree with it (需财政法, 胃财政法
    → 晋财政法), else a reference two readings confirm (曹财办, 罚财办 → 晋财办).
    """
    loose = [r for r in refs if r.source == "ocr" and r.canonical not in sure]
    groups: dict[tuple[int, int, int], list[Ref]] = defaultdict(list)
    for r in loose:
        groups[(r.year, r.number, len(r.issuer))].append(r)
    for (year, number, length), members in groups.items():
        for part in _clusters(members, lambda r: r.issuer, similar_issuers):
            if len(part) < MIN_WITNESSES or len({r.issuer for r in part}) < 2:
                continue
            chars: list[str | None] = []
            for i in range(length):
                (c, n), *rest = Counter(r.issuer[i] for r in part).most_common()
                chars.append(c if n >= MIN_WITNESSES and (not rest or rest[0][1] < n) else None)
            if all(c is None for c in chars):
                continue
            fill = [k[0] for k in targets if k[1:] == (year, number) and len(k[0]) == length]
            agree = sorted(((sum(c == f[i] for i, c in enumerate(chars) if c is not None), f) for f in fill),
                           reverse=True)
            if None in chars and (not agree or (len(agree) > 1 and agree[0][0] == agree[1][0])):
                continue
            issuer = "".join(c if c is not None else agree[0][1][i] for i, c in enumerate(chars))
            share = round(min(sum(r.issuer[i] == c for r in part) / len(part)
                              for i, c in enumerate(chars) if c is not None), 4)
            for r in part:
                r.set(issuer, year, number, share=share, reason="read_together")


def nearest(key: tuple[str, int, int], targets: dict[tuple[str, int, int], Ref], cited: Counter) -> Ref | None:
    """The confirmed 文号 fewest edits from ``key`` (at most :data:`MAX_SNAP_EDITS`, see :func:`edits`); a tie
    goes to the most cited, and a tie there to none.
    """
    best: dict[str, tuple[int, int]] = {}
    for k, ref in targets.items():
        d = edits(key, k)
        if d <= MAX_SNAP_EDITS:
            rank = (d, -cited[ref.canonical])
            best[ref.canonical] = min(best.get(ref.canonical, rank), rank)
    if not best:
        return None
    near = sorted((rank, canon) for canon, rank in best.items())
    if len(near) > 1 and near[0][0] == near[1][0]:
        return None
    return next(ref for ref in targets.values() if ref.canonical == near[0][1])


def witness_votes(part: Sequence[Ref], value: Callable[[Ref], Any]) -> Counter:
    """Votes per value: one per page that mostly reads it (a page split evenly votes for each), or one
    per citation where every reading is on one page (see the module docstring: a page is a witness).
    """
    by_page: dict[int | None, Counter] = defaultdict(Counter)
    for r in part:
        by_page[r.page][value(r)] += 1
    if len(by_page) == 1:
        return next(iter(by_page.values()))
    votes: Counter = Counter()
    for readings in by_page.values():
        top = max(readings.values())
        votes.update(v for v, n in readings.items() if n == top)
    return votes


def _vote(refs: Sequence[Ref], group: Callable[[Ref], Any], value: Callable[[Ref], Any],
          target: Callable[[Ref, Any], tuple[str, int, int]], reason: str, ties: list[list[Ref]],
          cluster: Callable[[Any, Any], bool] | None = None,
          support: Callable[[Any, Any], int] | None = None) -> None:
    groups: dict[Any, list[Ref]] = defaultdict(list)
    for r in refs:
        groups[group(r)].append(r)
    for key, members in groups.items():
        for part in _clusters(members, value, cluster):
            if len({value(m) for m in part}) < 2:
                continue
            votes = witness_votes(part, value)
            ranked = votes.most_common()
            share = round(ranked[0][1] / sum(votes.values()), 4)
            why = reason
            if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
                top = [v for v, n in ranked if n == ranked[0][1]]
                best = _break_tie(top, key, support)
                if best is None:
                    ties.append(part)
                    continue
                why = "issuer_cited_elsewhere"
            else:
                best = ranked[0][0]
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


def _break_tie(top: list[Any], voted: Any, support: Callable[[Any, Any], int] | None) -> Any:
    if support is None:
        return None
    counts = sorted(((support(v, voted), v) for v in top), reverse=True)
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
    seen: set[tuple[str, ...]] = set()
    for part in ties:
        canons = {m.canonical for m in part if m.trusted}
        variants = sorted({m.raw for m in part if m.trusted})
        if len(canons) > 1 and (min(canons), *variants) not in seen:
            seen.add((min(canons), *variants))
            out.append(Dispute(min(canons), variants, None, "tie"))
    return out


def ref_row(doc_id: str, r: Ref) -> dict[str, object]:
    return {"doc_id": doc_id, "raw": r.raw, "issuer": r.issuer, "year": r.year, "number": r.number,
            "canonical": r.canonical, "page": r.page, "corrected": r.corrected, "confidence": r.confidence,
            "source": r.source}


def refs_to_rows(doc_id: str, refs: Sequence[Ref], found: Sequence[Dispute]
                 ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """``doc_refs`` rows (trusted references only) and ``conflicts`` rows (entity=doc_ref) for one document."""
    return [ref_row(doc_id, r) for r in refs if r.trusted], [conflict_row(doc_id, d) for d in found]


#: The document's untrusted OCR readings, as ``doc_refs`` rows in a table that is never written:
#: the batch (:func:`apply_batch`) trusts one that another document reads too.
UNCONFIRMED = "doc_refs_unconfirmed"


def unconfirmed_rows(doc_id: str, refs: Sequence[Ref]) -> list[dict[str, object]]:
    """``doc_refs``-shaped rows of the readings :func:`snap_to_confirmed` left untrusted."""
    return [ref_row(doc_id, r) for r in refs if not r.trusted]


def conflict_row(doc_id: str, d: Dispute) -> dict[str, object]:
    return {"doc_id": doc_id, "entity": "doc_ref", "key": d.key, "field": "raw",
            "values": json.dumps(d.variants, ensure_ascii=False), "chosen": d.chosen, "reason": d.reason}


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
