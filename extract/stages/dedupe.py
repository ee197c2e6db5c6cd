"""Dedupe: copies of one form inside a document → one project; duplicate files in a batch.

Reads the :class:`FormCopy` list of one document (from ``forms``); writes the
contract's ``projects``, ``indicators`` and ``conflicts`` rows. Real disclosures
append the same forms two or three times, some copies scanned and OCR-garbled,
so every field is merged by vote and every disagreement is kept for review.

Merge rule for one field, in order (the first that decides wins):
1. with three or more copies, the majority value;
2. a text-layer copy over an OCR copy;
3. the copy with the higher OCR confidence;
4. the value agreeing with the rest of the document (``known`` amounts, e.g. the
   project expenditure table converted from 万元 to 元);
5. the longer value when the other is a prefix of it (a truncated cell);
6. otherwise the first copy — still a conflict, with reason ``tie``.
A value missing (None/blank) in one copy is filled from another without conflict.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from extract.stages.form_layouts import TEXT_FIELDS, FormCopy, IndicatorRow

#: Two names at least this similar (rapidfuzz ratio, 0-100) are the same project.
NAME_SIMILARITY = 90.0
Known = Callable[[str, str], float | None] | Mapping[tuple[str, str], float] | None


def group_copies(copies: Sequence[FormCopy]) -> list[list[FormCopy]]:
    """Copies of the same project, in first-seen order (near-identical names meet)."""
    groups: list[list[FormCopy]] = []
    for c in copies:
        for g in groups:
            if g[0].kind == c.kind and fuzz.ratio(g[0].project_name, c.project_name) >= NAME_SIMILARITY:
                g.append(c)
                break
        else:
            groups.append([c])
    return groups


def choose(values: Sequence[Any], copies: Sequence[FormCopy], known: float | None = None) -> tuple[Any, str]:
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
    confs = sorted({round(c.confidence, 3) for _, c in present}, reverse=True)
    if len(confs) > 1:
        return next(v for v, c in present if round(c.confidence, 3) == confs[0]), "higher_confidence"
    if known is not None:
        for v, _ in present:
            if isinstance(v, (int, float)) and abs(v - known) < 0.5:
                return v, "agrees_with_document"
    longest = max(present, key=lambda p: len(_key(p[0])))
    if all(_key(longest[0]).startswith(_key(v)) for v, _ in present):
        return longest[0], "longer_truncated"
    return present[0][0], "tie"


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
    for group in group_copies(copies):
        project, conflicts = _merge_group(doc_id, group, known)
        inds, ind_conflict = _merge_indicators(doc_id, group)
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


def _merge_group(doc_id: str, group: list[FormCopy], known: Known) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    name = group[0].project_name
    row: dict[str, Any] = {"doc_id": doc_id}
    conflicts = []
    for f in TEXT_FIELDS:
        values = [getattr(c, f) for c in group]
        value, reason = choose(values, group, _known_amount(known, name, f) if f.startswith("funds") else None)
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


def _merge_indicators(doc_id: str, group: list[FormCopy]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Indicators of the chosen copy; one conflict row listing what differs per copy."""
    keys = [[indicator_key(i) for i in c.indicators] for c in group]
    common = set(keys[0]).intersection(*map(set, keys[1:])) if len(group) > 1 else set(keys[0])
    diffs = [sorted(k for k in ks if k not in common) for ks in keys]
    encoded = [json.dumps(d, ensure_ascii=False) for d in diffs]  # a copy lacking rows is a value too
    picked, reason = choose(encoded, group)
    best = encoded.index(picked) if picked is not None else 0
    value = diffs[best]
    if not any(diffs):
        reason = "agree"
    if reason == "tie" and _superset(diffs, best):
        reason = "longer_truncated"
    chosen = group[best]
    rows = [{"doc_id": doc_id, "project_name": group[0].project_name, "scope": i.scope, "level1": i.level1,
             "level2": i.level2, "level3": i.level3, "value_raw": i.value_raw, "op": i.op,
             "value": i.value, "value_unit": i.value_unit} for i in chosen.indicators]
    if reason == "agree":
        return rows, None
    return rows, conflict_row(doc_id, "project", group[0].project_name, "indicators", diffs, value, reason)


def _superset(diffs: list[list[str]], best: int) -> bool:
    return all(len(diffs[best]) >= len(d) and sum(map(len, diffs[best])) >= sum(map(len, d)) for d in diffs)


def conflict_row(doc_id: str, entity: str, key: str, field: str, values: list[Any], chosen: Any,
                 reason: str) -> dict[str, Any]:
    """A ``conflicts`` row: all variants as a JSON list, the choice and why."""
    return {"doc_id": doc_id, "entity": entity, "key": key, "field": field,
            "values": json.dumps(values, ensure_ascii=False),
            "chosen": chosen if isinstance(chosen, str) or chosen is None else json.dumps(chosen, ensure_ascii=False),
            "reason": reason}


# ----------------------------------------------------------------------------- batch


@dataclass(frozen=True)
class DocSummary:
    """What decides whether two files are the same disclosure."""

    doc_id: str
    content: frozenset[str]  # e.g. budget_lines as "table|code|name|column|amount", or project names


def mark_duplicates(summaries: Sequence[DocSummary]) -> list[str | None]:
    """Per input (same order): doc_id of an earlier identical file, else None.

    Same doc_id means byte-identical (the id is the SHA-256 prefix), so the later
    file's duplicate_of is that id; the same non-empty content set means the same
    disclosure saved twice (re-exported, renamed).
    """
    out: list[str | None] = []
    seen_content: dict[frozenset[str], str] = {}
    seen_ids: set[str] = set()
    for s in summaries:
        if s.doc_id in seen_ids:
            out.append(s.doc_id)
            continue
        seen_ids.add(s.doc_id)
        first = seen_content.get(s.content) if s.content else None
        out.append(first)
        if s.content and first is None:
            seen_content[s.content] = s.doc_id
    return out
