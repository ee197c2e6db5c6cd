"""The pipeline: one ordered list of stages, run over one document.

Page stages fill one slot of each page (read → ocr → grids); document stages take
the :class:`Document` and add rows (metadata, tables, lines, sections, forms,
doc_refs, checks). Each stage is timed by name, and an exception in a stage is
caught at its boundary and recorded as an issue: the document goes on as
``partial`` with what the other stages found.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.checks.forms import check_form_labels
from extract.errors import ExtractError, InputError, StageError
from extract.model import Document, Issue, PageKind, Status
from extract.stages import dedupe, docrefs, forms, grid, ingest, lines, normalise, read, sections, tables, write
from extract.stages.layout import group_lines, line_text, words_text
from extract.text import make_page_valid, make_rows_valid

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    """What the user chose for a run (picklable: sent to worker processes)."""

    ocr: str = "auto"  # auto | always | never
    ocr_engine: str = "rapidocr"
    dpi: int = 200
    fail_fast: bool = False
    max_pages: int = 5000  # documents longer than this are cut, with an issue
    #: (page, why) of pages not to read: set by the batch when a worker died inside
    #: them, so that a retry keeps the rest of the document. Not in the cache key.
    skip_pages: tuple[tuple[int, str], ...] = ()


@dataclass
class Result:
    """What a worker sends back for one document: the rows of every output table."""

    doc_id: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    #: The JSON this result was parsed from (a worker's answer), so the parent can
    #: cache it without serialising it again.
    json_text: str | None = field(default=None, repr=False, compare=False)
    #: The QA report's pictures of this document (PNG bytes by name), drawn by the
    #: worker; cached beside the result, never part of the tables.
    #: None: not drawn (the batch did not ask, or the document failed).
    pictures: dict[str, bytes] | None = field(default=None, repr=False, compare=False)


DocStage = Callable[[Document, Options], None]


def stage_metadata(doc: Document, options: Options) -> None:
    first = [line_text(line) for p in doc.pages[:3] for line in group_lines(p.words)]
    every = [line_text(line) for p in doc.pages for line in group_lines(p.words)]
    doc.unit_name, doc.fiscal_year, doc.doc_type = normalise.document_metadata(
        [normalise.normalise_text(t) for t in first], [normalise.normalise_text(t) for t in every])


def stage_tables(doc: Document, options: Options) -> None:
    doc.tables = tables.build_tables(doc)
    out = doc.table_rows("budget_tables")
    for index, t in enumerate(doc.tables):
        out.append({"doc_id": doc.doc_id, "table_index": index, "table_key": t.table_key, "table_no": t.table_no,
                    "title": t.title,
                    "unit_of_measure": t.unit_of_measure, "page_first": t.page_first, "page_last": t.page_last,
                    "n_rows": len(t.body), "has_data": t.has_data, "method": t.method,
                    **dict(zip(("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom"),
                               [round(v, 1) for v in t.bbox] if t.bbox else [None] * 4))})


def stage_lines(doc: Document, options: Options) -> None:
    out = doc.table_rows("budget_lines")
    for index, t in enumerate(doc.tables):
        for row in lines.table_lines(t, doc.doc_id):
            row["table_index"] = index  # which table of the document (keys repeat)
            out.append(row)


def stage_sections(doc: Document, options: Options) -> None:
    doc.table_rows("sections").extend(sections.extract_sections(doc))


def stage_forms(doc: Document, options: Options) -> None:
    """Performance-target forms → projects/indicators, copies merged, disputes kept."""
    copies = forms.read_forms(doc.pages)
    doc.extra["form_copies"] = copies  # stage_doc_refs reads 文号 field by field
    if not copies:
        return
    merged = dedupe.merge_copies(doc.doc_id, copies, known=project_table_amounts(doc))
    doc.table_rows("projects").extend(merged.projects)
    doc.table_rows("indicators").extend(merged.indicators)
    doc.table_rows("conflicts").extend(merged.conflicts)
    doc.table_rows("checks").extend(check_form_labels(doc.doc_id, copies))  # labels the vocabulary lacks


def project_table_amounts(doc: Document) -> dict[tuple[str, str], float]:
    """(project name, funds_annual) → 元 from the 项目支出表, to break ties between copies."""
    known: dict[tuple[str, str], float] = {}
    for row in doc.rows.get("budget_lines", []):
        if row["table_key"] == "project_expenditure" and row["name"] and row["column"].endswith("合计"):
            factor = 10000.0 if row["unit"] == "万元" else 1.0
            known[(row["name"], "funds_annual")] = round(row["amount"] * factor, 2)
    return known


def stage_doc_refs(doc: Document, options: Options) -> None:
    """Every 文号, corrected by vote over the document.

    Pages holding a card form are read field by field (each field's own page; a
    goal cell spanning both scopes once), so no 文号 is glued to a neighbouring
    cell's text; every other page (sections, tables, list forms) by its text.
    """
    refs = []
    source = {p.page_no: p.method for p in doc.pages}
    for page_no, texts in doc_ref_texts(doc):
        for text in texts:
            refs.extend(docrefs.find_refs(normalise.normalise_text(text), page_no, source.get(page_no, "text")))
    found = docrefs.reconcile(refs)
    rows, conflicts = docrefs.refs_to_rows(doc.doc_id, refs, found)
    doc.table_rows("doc_refs").extend(rows)
    doc.table_rows(docrefs.UNCONFIRMED).extend(docrefs.unconfirmed_rows(doc.doc_id, refs))  # for the batch
    doc.table_rows("conflicts").extend(conflicts)


def doc_ref_texts(doc: Document) -> list[tuple[int, list[str]]]:
    """(page, texts to search) in page order: card-form fields, else the page's text."""
    cards = [c for c in doc.extra.get("form_copies", []) if c.layout == "card"]
    fields: dict[int, list[str]] = {}
    for copy in cards:
        for page_no in copy.pages:
            fields.setdefault(page_no, [])
        for name, text in copy.raw.items():
            if name in copy.field_pages and text:
                fields.setdefault(copy.field_pages[name], []).append(text)
    return [(p.page_no, fields[p.page_no] if p.page_no in fields else [words_text(p.words)]) for p in doc.pages]


def stage_checks(doc: Document, options: Options) -> None:
    """Validation: the sums and cross-references the document prints about itself."""
    from extract.checks import run_checks  # checks import nothing from the pipeline

    doc.table_rows("checks").extend(run_checks(doc.doc_id, doc.rows))


#: The document stages, in order.
DOC_STAGES: list[tuple[str, DocStage]] = [
    ("metadata", stage_metadata),
    ("tables", stage_tables),
    ("lines", stage_lines),
    ("sections", stage_sections),
    ("forms", stage_forms),
    ("doc_refs", stage_doc_refs),
    ("checks", stage_checks),
]


#: Called with each page number before it is read, and with 0 after the last:
#: a worker process publishes it so that, if the process dies inside a page (a
#: native crash, an allocation refused at the memory cap), the batch knows which.
PageHook = Callable[[int], None]
_page_hook: PageHook | None = None


def set_page_hook(hook: PageHook | None) -> None:
    global _page_hook
    _page_hook = hook


def _at_page(page_no: int) -> None:
    if _page_hook is not None:
        _page_hook(page_no)


def read_pages(doc: Document, pdf, options: Options) -> None:
    """Page stages: read the text layer, route to OCR where needed, find grids."""
    n = min(len(pdf), options.max_pages)
    if len(pdf) > options.max_pages:
        doc.add_issue(Issue("read", "too_long", f"{len(pdf)} pages; only the first {n} read"))
    skipped = dict(options.skip_pages)
    try:
        for i in range(n):
            if i + 1 in skipped:
                continue
            _at_page(i + 1)
            read_one_page(doc, pdf, i, options)
    finally:
        _at_page(0)


def read_one_page(doc: Document, pdf, i: int, options: Options) -> None:
    """Read page ``i`` (0-based) into ``doc.pages`` through the page stages, each timed by its name
    (``read``, ``ocr``, ``regions``, ``grid``); the route taken goes to the ``pages`` table, and a
    failure becomes an issue on that page.
    """
    page_no = i + 1
    clock = StageClock(doc.timings)
    route = "not read"
    try:
        with clock("read"):
            pdf_page = load_page(pdf, i)
            page = read.read_page(pdf_page, page_no)
            to_ocr = needs_ocr(page, options)
            route = routing(page, options, to_ocr)
        regions: list = []  # images on a text page read by OCR (a table pasted as a picture)
        if to_ocr:
            with clock("ocr"):
                page = ocr_page(doc, pdf_page, page, options)
        elif options.ocr != "never" and page.kind == PageKind.TEXT and page.facts.image_cover > 0:
            with clock("regions"):
                regions = ocr_regions(pdf_page, page, options)
            if regions:
                route += f"; {len(regions)} image region(s) OCR'd"
        replaced = make_page_valid(page)
        if replaced:
            doc.add_issue(Issue("read", "invalid_text", f"{replaced} code point(s) that are not valid Unicode "
                                "text (lone surrogates) replaced by U+FFFD", page_no))
        with clock("grid"):
            page.grids = grid.find_grids(page)
        for g in page.grids:
            # budget_tables.method: text or ocr
            g.method = "ocr" if regions and in_regions((g.x0, g.top, g.x1, g.bottom), regions) else page.method
        pdf_page.close()
    except StageError as exc:  # "ocr: page 3: the page is 40000×40000 pt …"
        doc.add_issue(Issue(exc.stage, "page", f"page {page_no}: {exc.message}", page_no))
        add_page_row(doc, page_no, None, f"{route}; failed: {exc.stage}: {exc.message}")
        return
    except ExtractError as exc:
        doc.add_issue(Issue("read", "page", str(exc), page_no))
        add_page_row(doc, page_no, None, f"{route}; failed: {exc}")
        return
    except Exception as exc:  # one bad page must not lose the document
        if options.fail_fast:
            raise
        doc.add_issue(Issue("read", type(exc).__name__, str(exc) or type(exc).__name__, page_no))
        add_page_row(doc, page_no, None, f"{route}; failed: {type(exc).__name__}: {exc}")
        return
    doc.pages.append(page)
    add_page_row(doc, page_no, page, route)


class StageClock:
    """Adds the seconds spent in each named page stage to a document's timings."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0


def routing(page, options: Options, to_ocr: bool) -> str:
    """Why the page is read the way it is (``to_ocr``: the decision :func:`needs_ocr` took), in words."""
    f = page.facts
    folded = f"; {f.n_radicals} radical code point(s) folded into ideographs" if f.n_radicals else ""
    if page.kind == PageKind.BLANK:
        return f"blank: no text, images cover {f.image_cover:.0%}"
    if options.ocr == "always":
        return "OCR: --ocr always"
    if page.kind == PageKind.IMAGE:
        why = f"image only: no text layer, images cover {f.image_cover:.0%}"
        return why + ("; not OCR'd (--ocr never)" if options.ocr == "never" else "; OCR")
    if page.kind == PageKind.GARBLED:
        why = f"garbled text layer: {f.n_bad} of {f.n_chars} glyphs unmapped"
        return why + ("; not OCR'd (--ocr never)" if options.ocr == "never" else "; OCR")
    if to_ocr:  # a text page sent to OCR all the same: its text is mojibake
        return "mojibake text layer (rare ideographs, Latin-1 letters); OCR"
    return "text layer" + folded


def add_page_row(doc: Document, page_no: int, page, route: str) -> None:
    """The ``pages`` row: how the page was read and why (the routing decision, made visible)."""
    f = page.facts if page is not None else None
    doc.table_rows("pages").append({
        "doc_id": doc.doc_id, "page": page_no, "kind": page.kind.value if page is not None else None,
        "method": page.method if page is not None else None, "route": route,
        "chars": f.n_chars if f else None, "cjk": f.n_cjk if f else None, "bad_glyphs": f.n_bad if f else None,
        "radicals": f.n_radicals if f else None, "watermark_glyphs": f.n_watermark if f else None,
        "image_cover": f.image_cover if f else None, "rotation": f.rotation if f else None,
        "words": len(page.words) if page is not None else None, "grids": len(page.grids) if page is not None else None,
    })


def load_page(pdf, i: int):
    """Page ``i`` of ``pdf``; a page the page tree promises but cannot deliver is a clear error."""
    try:
        return pdf[i]
    except Exception as exc:  # pdfium says only "Failed to load page."
        raise StageError("read", f"the page cannot be loaded ({exc}): the page tree lists {len(pdf)} pages, "
                                 "this one is missing or broken", i + 1) from exc


def ocr_regions(pdf_page, page, options: Options) -> list:
    """OCR hook for the large images of a text page; returns the regions read."""
    from extract.stages import ocr as ocr_stage  # imported lazily: heavy dependencies

    if page.facts.image_cover < ocr_stage.REGION_MIN_COVER:
        return []
    return ocr_stage.ocr_regions(pdf_page, page, options)


def in_regions(box, regions) -> bool:
    from extract.stages import ocr as ocr_stage

    return ocr_stage.in_regions(box, regions)


def needs_ocr(page, options: Options) -> bool:
    """Route a page to OCR: image-only and garbled pages, or every page with ``always``."""
    if options.ocr == "never":
        return False
    if options.ocr == "always":
        return page.kind != PageKind.BLANK
    if page.kind in (PageKind.IMAGE, PageKind.GARBLED):
        return True
    from extract.stages import ocr as ocr_stage  # mojibake text layers (GBK read as UTF-8 …)

    return ocr_stage.needs_ocr(page)


def ocr_page(doc: Document, pdf_page, page, options: Options):
    """OCR hook: replaced by the OCR stage when an engine is available."""
    from extract.stages import ocr as ocr_stage  # imported lazily: heavy dependencies

    return ocr_stage.ocr_page(pdf_page, page, options)


def process_document(source: Path, rel_path: str, options: Options = Options(), doc_id: str | None = None) -> Result:
    """Run every stage over one file and return its rows; never raises for bad input.

    ``doc_id`` is the file's hash when the caller already computed it (the batch
    hashes every file once to find byte-identical copies).
    """
    t0 = time.perf_counter()
    return document_result(extract_document(source, rel_path, options, doc_id), t0)


def extract_document(source: Path, rel_path: str, options: Options = Options(), doc_id: str | None = None) -> Document:
    """The document with every stage run over it (pages read, rows added); never raises for bad input."""
    doc_id = doc_id or ingest.hash_file(source)
    doc = Document(doc_id=doc_id, path=rel_path, source=source)
    try:
        pdf = ingest.open_pdf(source)
    except InputError as exc:
        doc.status, doc.error = Status.FAILED, str(exc)
        return doc
    try:
        doc.n_pages = len(pdf)
        read_pages(doc, pdf, options)
    finally:
        pdf.close()
    for page_no, why in options.skip_pages:  # "memory_limit: worker aborted by SIGABRT …"
        category, _, message = why.partition(": ")
        doc.add_issue(Issue("worker", category, f"page {page_no} not read ({category}): {message}", page_no))
        add_page_row(doc, page_no, None, f"not read: {why}")
    for name, stage in DOC_STAGES:
        run_stage(doc, name, stage, options)
    return doc


def run_stage(doc: Document, name: str, stage: DocStage, options: Options) -> None:
    """Run one document stage, timed; record its failure as an issue."""
    t0 = time.perf_counter()
    try:
        stage(doc, options)
    except Exception as exc:  # a stage failure demotes the document, no more
        if options.fail_fast:
            raise
        log.exception("stage %s failed on %s", name, doc.path)
        doc.add_issue(Issue(name, type(exc).__name__, str(exc)))
    finally:
        doc.timings[name] = time.perf_counter() - t0


def drop_unwritable(doc: Document, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Rows with a cell their table's typed column cannot hold leave the document, each with an issue."""
    for table, table_rows in rows.items():
        bad = write.unwritable_cells(table, table_rows)
        for index, column, value in bad:
            doc.add_issue(Issue("write", "bad_value", f"{table} row {index} dropped: {column} = {str(value)[:60]!r} "
                                                       "does not fit the column's type"))
        drop = {index for index, _, _ in bad}
        if drop:
            rows[table] = [r for i, r in enumerate(table_rows) if i not in drop]


def document_result(doc: Document, t0: float) -> Result:
    """The document's rows for every output table, with its ``documents`` row and issues.

    Every string is made valid text here, the one door out of the pipeline:
    a lone surrogate that reached a row (from a name, a message) would make the
    result impossible to encode, cache or write.
    """
    if doc.n_pages is not None and doc.status != Status.FAILED and not doc.pages:
        doc.status, doc.error = Status.FAILED, doc.error or "no page could be read"
    rows = dict(doc.rows)
    drop_unwritable(doc, rows)  # before the documents row: it may demote the status
    seconds = round(time.perf_counter() - t0, 3)
    row = {"doc_id": doc.doc_id, "path": doc.path, "pages": doc.n_pages, "text_pages": doc.text_pages,
           "ocr_pages": doc.ocr_pages, "unit_name": doc.unit_name, "fiscal_year": doc.fiscal_year,
           "doc_type": doc.doc_type, "status": doc.status.value, "error": doc.error, "duplicate_of": None,
           "n_tables": len(doc.tables), "seconds": seconds}
    rows["documents"] = [row]
    rows.get("pages", []).sort(key=lambda r: r["page"])
    rows.setdefault("issues", []).extend(
        {"doc_id": doc.doc_id, "stage": i.stage, "category": i.category, "message": i.message, "page": i.page_no}
        for i in doc.issues)
    make_rows_valid(rows)
    return Result(doc_id=doc.doc_id, rows=rows, timings=dict(doc.timings))
