"""Per-city table of what the forms stage found (issue 11), from one or more run outputs.

    .venv/bin/python -m tools.forms_by_city OUT [OUT ...] [--manifest MANIFEST.tsv ...] [--docs]

Reads ``documents.csv``, ``projects.csv`` and ``indicators.csv`` of each output
folder (``extract run ... --formats csv`` or the default formats) and prints, per
city: documents, form pages (pages holding a form that became a project), the
MANIFEST's count of 绩效目标表 pages (when a manifest is given), projects,
projects with funds (funds_total or funds_annual), projects by kind and
indicators. The city is read from the file name (``083_yt_transport_…`` → 烟台);
a city code the table does not know is shown as printed, so nothing is dropped.

Why: the forms stage is judged per layout family, and families follow cities
(烟台, 福州, 西安 …); a total over the corpus hides a family that reads nothing.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

#: City code in the corpus file names → city.
CITIES: dict[str, str] = {
    "js": "江苏", "sh": "上海", "bj": "北京", "sz": "深圳", "cq": "重庆", "gz": "广州",
    "hz": "杭州", "cs": "长沙", "fz": "福州", "xa": "西安", "fs": "佛山", "zh": "珠海",
    "suz": "苏州", "wx": "无锡", "huz": "湖州", "qz": "泉州", "yt": "烟台", "national": "中央",
}


@dataclass
class CityRow:
    """Counts of one city (or of one document with ``--docs``)."""

    documents: int = 0
    manifest_pages: int = 0
    form_pages: int = 0
    projects: int = 0
    with_funds: int = 0
    indicators: int = 0
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def city_of(path: str) -> str:
    """083_yt_transport_2026_….pdf → 烟台 (the second part of the file name)."""
    parts = Path(path).name.split("_")
    code = parts[1] if len(parts) > 1 else "?"
    return CITIES.get(code, code)


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def manifest_pages(paths: list[Path]) -> dict[str, int]:
    """file name → 绩效目标表 pages the MANIFEST description counts ("绩效目标表 pages: 14")."""
    out: dict[str, int] = {}
    for path in paths:
        for row in read_csv(path) if path.suffix == ".csv" else _tsv(path):
            found = re.findall(r"(?:绩效目标表|绩效自评表) pages: (\d+)", row.get("description", ""))
            out[row["file"]] = sum(int(n) for n in found)
    return out


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def page_set(pages: str) -> set[int]:
    """"19-20;31-32" → {19, 20, 31, 32}."""
    out: set[int] = set()
    for part in re.split(r"[;,]", pages or ""):
        if not part.strip():
            continue
        a, _, b = part.partition("-")
        try:
            lo = int(float(a))
            hi = int(float(b)) if b else lo
        except ValueError:
            continue
        out.update(range(lo, hi + 1))
    return out


def has_funds(row: dict[str, str]) -> bool:
    return any((row.get(k) or "").strip() not in ("", "nan") for k in ("funds_total", "funds_annual"))


def tally(outs: list[Path], manifest: dict[str, int], per_doc: bool) -> dict[str, CityRow]:
    """One CityRow per city (or per document), over every output folder."""
    rows: dict[str, CityRow] = defaultdict(CityRow)
    for out in outs:
        docs = {d["doc_id"]: d["path"] for d in read_csv(out / "documents.csv") if not d.get("duplicate_of")}
        key_of = {doc: (Path(p).name if per_doc else city_of(p)) for doc, p in docs.items()}
        for doc, p in docs.items():
            rows[key_of[doc]].documents += 1
            rows[key_of[doc]].manifest_pages += manifest.get(Path(p).name, 0)
        pages: dict[str, set[int]] = defaultdict(set)
        for pr in read_csv(out / "projects.csv"):
            if pr["doc_id"] not in key_of:
                continue
            r = rows[key_of[pr["doc_id"]]]
            r.projects += 1
            r.with_funds += has_funds(pr)
            r.kinds[pr.get("kind") or "project"] += 1
            pages[pr["doc_id"]] |= page_set(pr.get("pages", ""))
        for doc, s in pages.items():
            rows[key_of[doc]].form_pages += len(s)
        for ind in read_csv(out / "indicators.csv"):
            if ind["doc_id"] in key_of:
                rows[key_of[ind["doc_id"]]].indicators += 1
    return rows


def render(rows: dict[str, CityRow], first: str) -> str:
    """A Markdown table, cities sorted by name, with a total row."""
    head = f"| {first} | docs | manifest pages | form pages | projects | with funds | kinds | indicators |"
    lines = [head, "|" + "---|" * 8]
    total = CityRow()
    for name in sorted(rows):
        r = rows[name]
        kinds = " ".join(f"{k}:{v}" for k, v in sorted(r.kinds.items()))
        lines.append(f"| {name} | {r.documents} | {r.manifest_pages} | {r.form_pages} | {r.projects} | "
                     f"{r.with_funds} | {kinds} | {r.indicators} |")
        for k in ("documents", "manifest_pages", "form_pages", "projects", "with_funds", "indicators"):
            setattr(total, k, getattr(total, k) + getattr(r, k))
    lines.append(f"| **total** | {total.documents} | {total.manifest_pages} | {total.form_pages} | "
                 f"{total.projects} | {total.with_funds} | | {total.indicators} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outs", nargs="+", type=Path, help="output folders of extract run")
    ap.add_argument("--manifest", nargs="*", type=Path, default=[], help="MANIFEST.tsv of the corpora")
    ap.add_argument("--docs", action="store_true", help="one row per document instead of per city")
    args = ap.parse_args(argv)
    rows = tally(args.outs, manifest_pages(args.manifest), args.docs)
    print(render(rows, "document" if args.docs else "city"))


if __name__ == "__main__":
    main()
