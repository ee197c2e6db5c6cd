"""The pipeline: two ordered lists of stages, run over one document.

Page stages (:data:`PAGE_STAGES`: read → ocr → regions → valid → grid) carry
one page from the PDF to a :class:`Page` with its grids, and record how it was
read and why in the ``pages`` table; document stages (:data:`DOC_STAGES`:
metadata → tables → lines → sections → forms → dedupe → doc_refs → checks)
take the :class:`Document` and add rows. Each stage is timed by its name, and
an exception in a stage is caught at its boundary and recorded as an issue
naming it: the document goes on as ``partial`` with what the other stages
found. This module is wiring only; the rules each stage applies live in its
module under ``stages/`` (or ``checks/``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.checks.forms import check_form_labels, project_table_amounts
from extract.errors import ExtractError, InputError, StageError
from extract.model import Document, Issue, Page, PageKind, Status
from extract.options import Options
from extract.stages import dedupe, docrefs, forms, grid, ingest, lines, normalise, read, sections, tables, write
from extract.stages.layout import group_lines, line_text
from extract.text import make_page_valid, make_rows_valid

log = logging.getLogger(__name__)


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


#: A document stage: reads the pages and the rows earlier stages added, adds its own.
#: None reads the run options (the page stages took every decision they steer).
DocStage = Callable[[Document], None]


def stage_metadata(doc: Document) -> None:
    first = [line_text(line) for p in doc.pages[:3] for line in group_lines(p.words)]
    every = [line_text(line) for p in doc.pages for line in group_lines(p.words)]
    doc.unit_name, doc.fiscal_year, doc.doc_type = normalise.document_metadata(
        [normalise.normalise_text(t) for t in first], [normalise.normalise_text(t) for t in every])


def stage_tables(doc: Document) -> None:
    doc.tables = tables.build_tables(doc)
    doc.table_rows("budget_tables").extend(tables.table_rows(doc.doc_id, doc.tables))


def stage_lines(doc: Document) -> None:
    out = doc.table_rows("budget_lines")
    for index, t in enumerate(doc.tables):
        for row in lines.table_lines(t, doc.doc_id):
            row["table_index"] = index  # which table of the document (keys repeat)
            out.append(row)


def stage_sections(doc: Document) -> None:
    doc.table_rows("sections").extend(sections.extract_sections(doc))


def stage_forms(doc: Document) -> None:
    """Performance-target forms: every printed copy, read field by field; labels the vocabulary lacks reported."""
    doc.form_copies = forms.read_forms(doc.pages)
    doc.table_rows("checks").extend(check_form_labels(doc.doc_id, doc.form_copies))


def stage_dedupe(doc: Document) -> None:
    """Copies of one form merged into ``projects``/``indicators``; disputes kept as ``conflicts``.

    The project expenditure table's amounts break ties between copies.
    """
    if not doc.form_copies:
        return
    known = project_table_amounts(doc.rows.get("budget_lines", []), doc.rows.get("budget_tables", []))
    merged = dedupe.merge_copies(doc.doc_id, doc.form_copies, known=known)
    doc.table_rows("projects").extend(merged.projects)
    doc.table_rows("indicators").extend(merged.indicators)
    doc.table_rows("conflicts").extend(merged.conflicts)


def stage_doc_refs(doc: Document) -> None:
    """Every 文号, corrected by vote over the document.

    Pages holding a card form are read field by field (each field's own page; a
    goal cell spanning both scopes once), so no 文号 is glued to a neighbouring
    cell's text; every other page (sections, tables, list forms) by its text.
    """
    refs = []
    source = {p.page_no: p.method for p in doc.pages}
    for page_no, texts in docrefs.doc_ref_texts(doc.pages, doc.form_copies):
        for text in texts:
            refs.extend(docrefs.find_refs(normalise.normalise_text(text), page_no, source.get(page_no, "text")))
    found = docrefs.reconcile(refs)
    rows, conflicts = docrefs.refs_to_rows(doc.doc_id, refs, found)
    doc.table_rows("doc_refs").extend(rows)
    doc.table_rows(docrefs.UNCONFIRMED).extend(docrefs.unconfirmed_rows(doc.doc_id, refs))  # for the batch
    doc.table_rows("conflicts").extend(conflicts)


def stage_checks(doc: Document) -> None:
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
    ("dedupe", stage_dedupe),
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


def read_pages(doc: Document, pdf: Any, options: Options, kept: OpenPages | None = None) -> None:
    """Every page (up to ``max_pages``, less the ones to skip) through the page stages, in order."""
    n = min(len(pdf), options.max_pages)
    if len(pdf) > options.max_pages:
        doc.add_issue(Issue("read", "too_long", f"{len(pdf)} pages; only the first {n} read"))
    skipped = dict(options.skip_pages)
    try:
        for i in range(n):
            if i + 1 in skipped:
                continue
            _at_page(i + 1)
            read_one_page(doc, pdf, i, options, kept)
    finally:
        _at_page(0)


#: A box on a page (x0, top, x1, bottom), points, top-left origin.
Region = tuple[float, float, float, float]


@dataclass
class PageWork:
    """One page on its way through the page stages: what each stage hands the next."""

    doc: Document
    pdf: Any  # the open pypdfium2 document
    index: int  # 0-based, as pdfium counts
    options: Options
    pdf_page: Any = None  # the pypdfium2 page, loaded by ``read``
    page: Page | None = None  # the page as every later stage sees it; set by ``read``
    route: str = "not read"  # the ``pages.route`` words, grown by the stages that change the route
    to_ocr: bool = False  # the routing decision, taken once by ``read``
    regions: list[Region] = field(default_factory=list)  # image regions of a text page read by OCR

    @property
    def page_no(self) -> int:
        return self.index + 1

    @property
    def read_page(self) -> Page:
        """The page the ``read`` stage made (every later stage runs only after it)."""
        assert self.page is not None, "a page stage ran before read"
        return self.page


def page_read(work: PageWork) -> None:
    """Text layer, rulings, watermark, radicals folded; the page routed (text / OCR / blank) and why."""
    work.pdf_page = load_page(work.pdf, work.index)
    work.page = read.read_page(work.pdf_page, work.page_no)
    work.to_ocr = needs_ocr(work.page, work.options)
    work.route = routing(work.page, work.options, work.to_ocr)


def page_ocr(work: PageWork) -> None:
    """Image-only and garbled pages (and every page with ``--ocr always``) read again by OCR."""
    work.page = ocr_page(work.doc, work.pdf_page, work.read_page, work.options)


def wants_regions(work: PageWork) -> bool:
    """A text page with images on it, OCR allowed: a table may be pasted there as a picture."""
    page = work.read_page
    return (not work.to_ocr and work.options.ocr.mode != "never" and page.kind == PageKind.TEXT
            and page.facts.image_cover > 0)


def page_regions(work: PageWork) -> None:
    """The large images of a text page that hold a ruled table, read by OCR into the page."""
    work.regions = ocr_regions(work.pdf_page, work.read_page, work.options)
    if work.regions:
        work.route += f"; {len(work.regions)} image region(s) OCR'd"


def page_valid(work: PageWork) -> None:
    """Lone surrogates (from a broken ToUnicode map or OCR) replaced, with an issue, before grids read text."""
    replaced = make_page_valid(work.read_page)
    if replaced:
        work.doc.add_issue(Issue("read", "invalid_text", f"{replaced} code point(s) that are not valid Unicode "
                                 "text (lone surrogates) replaced by U+FFFD", work.page_no))


def page_grid(work: PageWork) -> None:
    """Ruled grids with merged cells; each says whether its text came from the text layer or OCR."""
    page = work.read_page
    page.grids = grid.find_grids(page)
    for g in page.grids:
        # budget_tables.method: text or ocr
        g.method = "ocr" if work.regions and in_regions((g.x0, g.top, g.x1, g.bottom), work.regions) else page.method


def _always(work: PageWork) -> bool:
    return True


@dataclass(frozen=True)
class PageStage:
    """A named page stage; ``applies`` says whether it runs on this page (a stage that does not is
    neither run nor timed, as docling passes a page through a disabled stage).
    """

    name: str
    run: Callable[[PageWork], None]
    applies: Callable[[PageWork], bool] = _always


#: The page stages, in order; each timed by its name (``Document.timings``).
PAGE_STAGES: list[PageStage] = [
    PageStage("read", page_read),
    PageStage("ocr", page_ocr, applies=lambda work: work.to_ocr),
    PageStage("regions", page_regions, applies=wants_regions),
    PageStage("valid", page_valid),
    PageStage("grid", page_grid),
]


def read_one_page(doc: Document, pdf: Any, i: int, options: Options, kept: OpenPages | None = None) -> None:
    """Read page ``i`` (0-based) into ``doc.pages`` through :data:`PAGE_STAGES`, each timed by its name;
    the route taken goes to the ``pages`` table, and a failure becomes an issue on that page, named
    after the stage it happened in. A ruled page is left open in ``kept`` for the report's pictures.
    """
    work = PageWork(doc, pdf, i, options)
    clock = StageClock(doc.timings)
    name = PAGE_STAGES[0].name
    try:
        for stage in PAGE_STAGES:
            name = stage.name
            if stage.applies(work):
                with clock(name):
                    stage.run(work)
        page = work.read_page
        if kept is None or not page.grids or not kept.keep(work.page_no, work.pdf_page):
            work.pdf_page.close()  # a ruled page stays loaded for the report's pictures
    except StageError as exc:  # "ocr: page 3: the page is 40000×40000 pt …"
        doc.add_issue(Issue(exc.stage, "page", f"page {work.page_no}: {exc.message}", work.page_no))
        add_page_row(doc, work.page_no, None, f"{work.route}; failed: {exc.stage}: {exc.message}")
        return
    except ExtractError as exc:
        doc.add_issue(Issue(name, "page", str(exc), work.page_no))
        add_page_row(doc, work.page_no, None, f"{work.route}; failed: {exc}")
        return
    except Exception as exc:  # one bad page must not lose the document
        if options.fail_fast:
            raise
        doc.add_issue(Issue(name, type(exc).__name__, str(exc) or type(exc).__name__, work.page_no))
        add_page_row(doc, work.page_no, None, f"{work.route}; failed: {type(exc).__name__}: {exc}")
        return
    doc.pages.append(work.read_page)
    add_page_row(doc, work.page_no, work.read_page, work.route)


class OpenPages:
    """A document's PDF and its ruled pages, left open from reading to drawing the QA report's pictures.

    The report shows the pages that hold tables and forms (the ones with ruled
    grids); loading a page parses its content again, about 40% of what drawing its
    thumbnail costs, so those pages stay loaded until the pictures are drawn, at
    most :data:`MAX_KEPT_PAGES` of them; any other page is loaded when asked for.
    """

    #: Ruled pages left loaded per document (the report draws at most 40 thumbnails and 30 crops).
    MAX_KEPT_PAGES = 64

    def __init__(self) -> None:
        self.pdf: Any = None
        self.pages: dict[int, Any] = {}

    def keep(self, page_no: int, pdf_page: Any) -> bool:
        """Hold ``pdf_page`` open for later; False (the caller closes it) once the cap is reached."""
        if len(self.pages) >= self.MAX_KEPT_PAGES:
            return False
        self.pages[page_no] = pdf_page
        return True

    def page(self, page_no: int) -> Any:
        """Page ``page_no`` (1-based): the loaded one if kept, else loaded now (pdfium errors propagate)."""
        if page_no in self.pages:
            return self.pages[page_no]
        return self.pdf[page_no - 1]

    def close(self) -> None:
        """Close the kept pages, then the PDF."""
        for pdf_page in self.pages.values():
            pdf_page.close()
        self.pages.clear()
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None


class StageClock:
    """Adds the seconds spent in each named stage to a document's timings (page stages add up over pages)."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0


def routing(page: Page, options: Options, to_ocr: bool) -> str:
    """Why the page is read the way it is (``to_ocr``: the decision :func:`needs_ocr` took), in words."""
    f = page.facts
    folded = f"; {f.n_radicals} radical code point(s) folded into ideographs" if f.n_radicals else ""
    if page.kind == PageKind.BLANK:
        return f"blank: no text, images cover {f.image_cover:.0%}"
    if options.ocr.mode == "always":
        return "OCR: --ocr always"
    if page.kind == PageKind.IMAGE:
        why = f"image only: no text layer, images cover {f.image_cover:.0%}"
        return why + ("; not OCR'd (--ocr never)" if options.ocr.mode == "never" else "; OCR")
    if page.kind == PageKind.GARBLED:
        why = f"garbled text layer: {f.n_bad} of {f.n_chars} glyphs unmapped"
        return why + ("; not OCR'd (--ocr never)" if options.ocr.mode == "never" else "; OCR")
    if to_ocr:  # a text page sent to OCR all the same: its text is mojibake
        return "mojibake text layer (rare ideographs, Latin-1 letters); OCR"
    return "text layer" + folded


def add_page_row(doc: Document, page_no: int, page: Page | None, route: str) -> None:
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


def load_page(pdf: Any, i: int) -> Any:
    """Page ``i`` of ``pdf``; a page the page tree promises but cannot deliver is a clear error."""
    try:
        return pdf[i]
    except Exception as exc:  # pdfium says only "Failed to load page."
        raise StageError("read", f"the page cannot be loaded ({exc}): the page tree lists {len(pdf)} pages, "
                                 "this one is missing or broken", i + 1) from exc


def ocr_regions(pdf_page: Any, page: Page, options: Options) -> list[Region]:
    """The large images of a text page read by OCR; returns the regions read."""
    from extract.stages import ocr as ocr_stage  # imported lazily: heavy dependencies

    if page.facts.image_cover < ocr_stage.REGION_MIN_COVER:
        return []
    return ocr_stage.ocr_regions(pdf_page, page, options=options.ocr)  # the engine is loaded only for a region


def in_regions(box: Region, regions: list[Region]) -> bool:
    from extract.stages import ocr as ocr_stage

    return ocr_stage.in_regions(box, regions)


def needs_ocr(page: Page, options: Options) -> bool:
    """Route a page to OCR: image-only and garbled pages, or every page with ``always``."""
    if options.ocr.mode == "never":
        return False
    if options.ocr.mode == "always":
        return page.kind != PageKind.BLANK
    if page.kind in (PageKind.IMAGE, PageKind.GARBLED):
        return True
    from extract.stages import ocr as ocr_stage  # mojibake text layers (GBK read as UTF-8 …)

    return ocr_stage.needs_ocr(page)


def ocr_page(doc: Document, pdf_page: Any, page: Page, options: Options) -> Page:
    """The page read again by OCR, with the engine and settings of ``options.ocr``."""
    from extract.stages import ocr as ocr_stage  # imported lazily: heavy dependencies
    from extract.ocr import get_engine

    return ocr_stage.ocr_page(pdf_page, page, get_engine(options.ocr.engine), options.ocr)


def process_document(source: Path, rel_path: str, options: Options | None = None,
                     doc_id: str | None = None) -> Result:
    """Run every stage over one file and return its rows; never raises for bad input.

    ``doc_id`` is the file's hash when the caller already computed it (the batch
    hashes every file once to find byte-identical copies).
    """
    t0 = time.perf_counter()
    return document_result(extract_document(source, rel_path, options or Options(), doc_id), t0)


def extract_document(source: Path, rel_path: str, options: Options | None = None, doc_id: str | None = None,
                     kept: OpenPages | None = None) -> Document:
    """The document with every stage run over it (pages read, rows added); never raises for bad input.

    ``kept``: where to leave the PDF and its ruled pages open for the report's pictures (the caller closes it).
    """
    options = options or Options()
    doc_id = doc_id or ingest.hash_file(source)
    doc = Document(doc_id=doc_id, path=rel_path, source=source)
    try:
        pdf = ingest.open_pdf(source)
    except InputError as exc:
        doc.status, doc.error = Status.FAILED, str(exc)
        return doc
    if kept is not None:
        kept.pdf = pdf
    try:
        doc.n_pages = len(pdf)
        read_pages(doc, pdf, options, kept)
    finally:
        if kept is None:
            pdf.close()
    for page_no, why in options.skip_pages:  # "memory_limit: worker aborted by SIGABRT …"
        category, _, message = why.partition(": ")
        doc.add_issue(Issue("worker", category, f"page {page_no} not read ({category}): {message}", page_no))
        add_page_row(doc, page_no, None, f"not read: {why}")
    for name, stage in DOC_STAGES:
        run_stage(doc, name, stage, options)
    return doc


def run_stage(doc: Document, name: str, stage: DocStage, options: Options) -> None:
    """Run one document stage, timed by its name; record its failure as an issue."""
    with StageClock(doc.timings)(name):
        try:
            stage(doc)
        except Exception as exc:  # a stage failure demotes the document, no more
            if options.fail_fast:
                raise
            log.exception("stage %s failed on %s", name, doc.path)
            doc.add_issue(Issue(name, type(exc).__name__, str(exc)))


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
