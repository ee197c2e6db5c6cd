"""文号 over a whole batch: each document's settled 文号 voted once more, one vote per document.

The rules of one document (:mod:`extract.stages.docrefs`) hold across the batch
with a document as the witness: a document outvoted by the others has its rows
corrected, a 文号 one document reads only once by OCR is trusted when a second
document reads it too, and snapped to one the batch confirms. Runs in the batch
process after every document is extracted (``api.run_batch``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from extract.stages.docrefs import (UNCONFIRMED, Dispute, Ref, confirmed, conflict_row,
                                    find_refs, nearest, reconcile)


def reconcile_batch(rows: list[dict[str, Any]], unconfirmed: Sequence[dict[str, Any]] = ()
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Vote once more over the ``doc_refs`` rows of a whole batch, one vote per document.

    Each document votes for every 文号 it settled on (its own majority, or both
    readings of a tie); a document outvoted by the others has its rows corrected
    (``corrected`` against what the row read, ``confidence`` the winner's share of
    documents) and gets a ``conflicts`` row with reason ``batch_*``. A batch tie
    changes nothing (the document's own conflict row stands). The rules of one
    document hold across the batch with a document as the witness: a 文号 that one
    document reads only once by OCR is confirmed by a second document reading it,
    and snapped to one the batch confirms.

    ``unconfirmed``: the documents' untrusted readings (:data:`UNCONFIRMED`); one that
    another document reads too, or that is near a 文号 the batch confirms, is returned
    among the rows (reason ``batch_confirmed`` / ``batch_confirmed_elsewhere``).
    Pure: returns new rows.
    """
    out, conflicts, _ = _batch(rows, unconfirmed)
    return out, conflicts


def apply_batch(tables: dict[str, list[dict[str, Any]]]) -> None:
    """The batch step on a run's tables, in place: ``doc_refs`` voted over the batch, its conflicts
    added, the unwritten :data:`UNCONFIRMED` table consumed, and the ``unconfirmed_ocr`` conflict
    of each reading the batch confirmed removed (its new conflict row says what happened).
    """
    unconfirmed = tables.pop(UNCONFIRMED, [])
    if not tables.get("doc_refs") and not unconfirmed:
        return
    out, conflicts, restored = _batch(tables.get("doc_refs", []), unconfirmed)
    tables["doc_refs"] = out
    stale = Counter((r["doc_id"], r["canonical"], json.dumps([r["raw"]], ensure_ascii=False)) for r in restored)
    kept = []
    for c in tables.get("conflicts", []):
        k = (c["doc_id"], c["key"], c["values"])
        if c["entity"] == "doc_ref" and c["reason"] == "unconfirmed_ocr" and stale[k] > 0:
            stale[k] -= 1
            continue
        kept.append(c)
    tables["conflicts"] = kept + conflicts


def _batch(rows: Sequence[dict[str, Any]], unconfirmed: Sequence[dict[str, Any]]
           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`reconcile_batch`, and the unconfirmed rows it restored (as they were given)."""
    pool: dict[tuple[str, str], Ref] = {}
    docs: dict[str, int] = {}
    for row in rows:
        k = (row["doc_id"], row["canonical"])
        source = row.get("source") or "text"
        if k not in pool:  # ``page`` = the document: one witness per document
            pool[k] = Ref(row["canonical"], row["issuer"], int(row["year"]), int(row["number"]),
                          docs.setdefault(row["doc_id"], len(docs)), source=source)
        else:
            pool[k].weight += 1  # the document's own citations: read twice there is confirmed there
            if source != "ocr":
                pool[k].source = source  # printed in a text layer somewhere in the document
    for row in unconfirmed:
        docs.setdefault(row["doc_id"], len(docs))
    if len(docs) < 2:
        return [dict(r) for r in rows], [], []
    refs = list(pool.values())
    reconcile(refs, untrust=False, cut=False)
    out, changed = [], defaultdict(list)
    for row in rows:
        ref = pool[(row["doc_id"], row["canonical"])]
        new = dict(row)
        if ref.corrected:
            new.update(issuer=ref.issuer, year=ref.year, number=ref.number, canonical=ref.canonical,
                       corrected=ref.key != _as_read(row), confidence=ref.confidence)
            changed[(row["doc_id"], ref.canonical)].append(ref)
        out.append(new)
    restored = _restore(refs, unconfirmed, docs)
    for _row, new, reason in restored:
        out.append(new)
        changed[(new["doc_id"], new["canonical"])].append(Ref("", "", 0, 0, None, reasons={reason}))
    if restored:
        out.sort(key=lambda r: (docs[r["doc_id"]], r["page"] if r["page"] is not None else -1))
    conflicts = []
    for (doc_id, canon), refs_hit in changed.items():
        raws = sorted({r["raw"] for r in out if r["doc_id"] == doc_id and r["canonical"] == canon})
        reason = ",".join(sorted({x if x.startswith("batch_") else "batch_" + x for m in refs_hit for x in m.reasons}))
        conflicts.append(conflict_row(doc_id, Dispute(canon, raws, canon, reason)))
    return out, conflicts, [row for row, _, _ in restored]


def _as_read(row: dict[str, Any]) -> tuple[str, int, int] | None:
    read = find_refs(row["raw"], source=row.get("source") or "text")
    return read[0].key if read else None


def _restore(refs: Sequence[Ref], unconfirmed: Iterable[dict[str, Any]], docs: dict[str, int]
             ) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    """(row, restored row, reason) for each unconfirmed reading the batch confirms.

    A reading another document holds too (trusted, or unconfirmed there as well: two
    documents reading it alike are two witnesses) is kept as read; one within
    :data:`MAX_SNAP_EDITS` of a 文号 the batch confirms becomes that 文号.
    """
    unconfirmed = list(unconfirmed)
    held: dict[str, set[int | None]] = defaultdict(set)
    for r in refs:
        held[r.canonical].add(r.page)
    for row in unconfirmed:
        held[row["canonical"]].add(docs[row["doc_id"]])
    sure = confirmed(refs)
    targets = {r.key: r for r in sure.values()}
    cited = Counter({r.canonical: r.weight for r in refs})
    out = []
    for row in unconfirmed:
        if held[row["canonical"]] - {docs[row["doc_id"]]}:
            out.append((row, dict(row), "batch_confirmed"))
            continue
        target = nearest((row["issuer"], int(row["year"]), int(row["number"])), targets, cited)
        if target is not None:
            new = dict(row, issuer=target.issuer, year=target.year, number=target.number,
                       canonical=target.canonical, corrected=True, confidence=0.5)
            out.append((row, new, "batch_confirmed_elsewhere"))
    return out
