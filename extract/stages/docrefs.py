"""Doc refs: document numbers (文号) cited anywhere → canonical, OCR-garbled ones corrected.

Reads (text, page) pairs of one document (form fields, sections, tables); writes
the contract's ``doc_refs`` rows and ``conflicts`` rows (entity=doc_ref). A 文号
is issuer + year in any bracket + number + 号 (晋财政法【2013】122号); canonical
form issuer〔year〕number号. Garbled occurrences (晋财政法【2019】122号 where every
other citation reads 2013) are corrected by vote; a tie is kept as read and
reported as a conflict.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_REF = re.compile(r"(?P<issuer>[\u4e00-\u9fff]{2,12})\s*[【〔\[(（［《](?P<year>(?:19|20)\d{2})[】〕\])）］》]"
                  r"\s*(?P<number>\d{1,5})\s*号")
#: Words that precede an issuer in running text (根据晋财政法…, 山西省财政厅文件晋司办…).
_LEAD = re.compile(r"^.*(?:文件|根据|按照|依据|厅|印发)(?=[\u4e00-\u9fff]{2,})")
MAX_ISSUER = 5


@dataclass
class Ref:
    """One occurrence of a document number."""

    raw: str
    issuer: str
    year: int
    number: int
    page: int | None
    corrected: bool = False
    confidence: float = 1.0

    @property
    def canonical(self) -> str:
        return f"{self.issuer}〔{self.year}〕{self.number}号"


def find_refs(text: str, page: int | None = None) -> list[Ref]:
    """Every 文号 in ``text``, in reading order."""
    out = []
    for m in _REF.finditer(text or ""):
        issuer = _LEAD.sub("", m["issuer"])[-MAX_ISSUER:]
        start = m.end("issuer") - len(issuer)
        raw = unicodedata.normalize("NFKC", text[start:m.end()]).replace(" ", "")
        out.append(Ref(raw, issuer, int(m["year"]), int(m["number"]), page))
    return out


def reconcile(refs: Sequence[Ref], batch: Iterable[Ref] = ()) -> list[tuple[str, list[str], str]]:
    """Correct years and issuers by vote over the document (and batch); returns ties.

    Same issuer+number with another year → the majority year; same year+number with
    an issuer one edit away → the majority issuer. ``confidence`` is the winner's
    share of votes. A tie changes nothing and is returned as (canonical, variants,
    reason) for a ``conflicts`` row.
    """
    pool = list(refs) + list(batch)
    ties: list[tuple[str, list[str], str]] = []
    for key_fn, attr in ((lambda r: (r.issuer, r.number), "year"), (lambda r: (r.year, r.number), "issuer")):
        groups: dict[object, list[Ref]] = {}
        for r in pool:
            k = key_fn(r) if attr == "year" else (r.year, r.number)
            groups.setdefault(k, []).append(r)
        for members in groups.values():
            if attr == "issuer":
                members = [m for m in members if _near(m.issuer, members[0].issuer)]
            votes = Counter(getattr(m, attr) for m in members)
            if len(votes) < 2:
                continue
            (best, n1), (_, n2) = votes.most_common(2)
            share = round(n1 / sum(votes.values()), 4)
            if n1 == n2:
                variants = sorted({m.raw for m in members})
                ties.append((members[0].canonical, variants, "tie"))
                continue
            for m in members:
                if m in refs and getattr(m, attr) != best:
                    setattr(m, attr, best)
                    m.corrected, m.confidence = True, share
                elif m in refs:
                    m.confidence = min(m.confidence, share)
    return ties


def _near(a: str, b: str) -> bool:
    return Levenshtein.distance(a, b) <= 1 and min(len(a), len(b)) >= 2


def refs_to_rows(doc_id: str, refs: Sequence[Ref], ties: Sequence[tuple[str, list[str], str]]
                 ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """``doc_refs`` rows and ``conflicts`` rows (entity=doc_ref) for one document."""
    rows = [{"doc_id": doc_id, "raw": r.raw, "issuer": r.issuer, "year": r.year, "number": r.number,
             "canonical": r.canonical, "page": r.page, "corrected": r.corrected, "confidence": r.confidence}
            for r in refs]
    conflicts = [{"doc_id": doc_id, "entity": "doc_ref", "key": key, "field": "raw",
                  "values": json.dumps(values, ensure_ascii=False), "chosen": None, "reason": reason}
                 for key, values, reason in ties]
    return rows, conflicts
