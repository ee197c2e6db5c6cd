"""The page and document model shared by every stage.

Facts (what the PDF contains: words, ruling lines, text-quality counts) are kept
apart from derivations (grids, tables, forms, output rows). The text-layer reader
and the OCR reader both produce the same :class:`Page`, so every stage after
``read`` is shared. Coordinates are PDF points with the origin at the top-left
of the page (pdfplumber's convention); ``page_no`` is always 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any


class PageKind(str, Enum):
    """How a page's text can be had; the value is what the QA report prints."""

    TEXT = "text"  # a trustworthy text layer
    IMAGE = "image"  # no text layer, an image: OCR
    GARBLED = "garbled"  # a text layer that lies (no ToUnicode, PUA, radicals): OCR or repair
    BLANK = "blank"  # nothing on it


class Status(str, Enum):
    """``documents.status`` values, exactly as written."""

    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass(slots=True)
class Word:
    """A run of glyphs on one line, or one OCR text box, with its box."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0
    conf: float = 1.0  # OCR confidence; 1.0 for the text layer

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Ruling:
    """A horizontal or vertical ruling line (a table border)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def orientation(self) -> str:
        return "h" if (self.x1 - self.x0) >= (self.bottom - self.top) else "v"


@dataclass(slots=True)
class PageFacts:
    """Text-quality counts read once from the text layer; used to route the page."""

    n_chars: int = 0  # glyphs in the text layer (watermark excluded)
    n_cjk: int = 0  # CJK unified ideographs
    n_bad: int = 0  # U+FFFD, private-use, control or (cid:N) glyphs
    n_radicals: int = 0  # Kangxi radicals / CJK radicals supplement
    n_watermark: int = 0  # rotated or light glyphs dropped as watermark
    image_cover: float = 0.0  # share of the page area covered by images
    rotation: int = 0  # /Rotate of the page


@dataclass(slots=True)
class Cell:
    """One cell of a grid; merged cells span several rows/columns."""

    row: int
    col: int
    row_span: int
    col_span: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str = ""
    conf: float = 1.0


@dataclass(slots=True)
class Grid:
    """A ruled table region on one page, as a matrix of (possibly merged) cells."""

    page_no: int
    x0: float
    top: float
    x1: float
    bottom: float
    n_rows: int
    n_cols: int
    cells: list[Cell]
    method: str = "text"
    row_pages: list[int] | None = None  # per row, when rows come from two pages (joined fragment)
    #: Rows above a rules-only table's header rule: header whatever they hold (a row of column numbers,
    #: a row of sub-labels under spanning cells). None for ruled grids, whose spans say it.
    header_rows: int | None = None

    def matrix(self, fill_merged: bool = False) -> list[list[str]]:
        """Row-major text matrix; merged cells fill every slot when ``fill_merged``."""
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.row_span):
                for k in range(c.col, c.col + c.col_span):
                    if fill_merged or (r == c.row and k == c.col):
                        out[r][k] = c.text
        return out

    def cell_at(self, row: int, col: int) -> Cell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span:
                return c
        return None


@dataclass(slots=True)
class Page:
    """One page as every stage after ``read`` sees it."""

    page_no: int
    width: float
    height: float
    kind: PageKind = PageKind.TEXT
    method: str = "text"  # text or ocr: where ``words`` came from
    facts: PageFacts = field(default_factory=PageFacts)
    words: list[Word] = field(default_factory=list)
    rulings: list[Ruling] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)  # filled by the grid stage


@dataclass(slots=True)
class TableBlock:
    """A budget table: one or more grids stitched across pages, with its header.

    ``columns`` holds the header path of every column ("2025年预算数/基本支出");
    ``body`` holds the text of each body row, one string per column.
    """

    title: str
    table_key: str
    table_no: int | None
    unit_of_measure: str | None
    page_first: int
    page_last: int
    columns: list[str]
    body: list[list[str]]
    body_pages: list[int] = field(default_factory=list)
    sides: list[str | None] = field(default_factory=list)  # per column: 收入/支出/None
    has_data: bool = True
    method: str = "text"
    bbox: tuple[float, float, float, float] | None = None  # on page_first, for the report
    header_rows: int = 0


# ----------------------------------------------------------------------------- forms
# Derivations of the forms stage (``stages/forms.py``, ``form_layouts.py``), merged
# by the dedupe stage and read field by field by doc_refs: the model owns them, so
# that no stage imports another stage for a type.

#: projects fields read from a form, in contract order (dedupe merges these).
FUND_FIELDS = tuple(f"funds_{s}_{k}" for s in ("total", "annual")
                    for k in ("central", "provincial", "local", "self", "other"))
TEXT_FIELDS = ("project_name", "dept_code", "dept_name", "implementing_unit", "attribute",
               "period", "funds_total", "funds_annual", *FUND_FIELDS, "overview", "basis",
               "necessity", "measures", "plan", "goal_period", "goal_annual", "filled_at")


@dataclass(slots=True)
class IndicatorRow:
    """One indicator of one scope, as the contract's ``indicators`` row wants it."""

    scope: str
    level1: str
    level2: str
    level3: str
    value_raw: str
    op: str | None = None
    value: float | None = None
    value_unit: str | None = None


@dataclass
class FormCopy:
    """One printed copy of a form: every ``projects`` field plus provenance."""

    project_name: str = ""
    dept_code: str | None = None
    dept_name: str | None = None
    implementing_unit: str | None = None
    attribute: str | None = None
    period: str | None = None
    funds_total: float | None = None
    funds_annual: float | None = None
    funds_total_central: float | None = None
    funds_total_provincial: float | None = None
    funds_total_local: float | None = None
    funds_total_self: float | None = None
    funds_total_other: float | None = None
    funds_annual_central: float | None = None
    funds_annual_provincial: float | None = None
    funds_annual_local: float | None = None
    funds_annual_self: float | None = None
    funds_annual_other: float | None = None
    overview: str | None = None
    basis: str | None = None
    necessity: str | None = None
    measures: str | None = None
    plan: str | None = None
    goal_period: str | None = None
    goal_annual: str | None = None
    filled_at: str | None = None
    project_code: str | None = None
    kind: str = "project"  # project or department (部门整体支出绩效目标表)
    layout: str = "card"  # card, list or packed
    indicators: list[IndicatorRow] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    method: str = "text"
    confidence: float = 1.0
    raw: dict[str, str] = field(default_factory=dict)  # field → text as printed
    #: field → page its cell sits on; a field repeating another's cell (one goal
    #: cell spanning both scopes) has no entry, so its text is cited once.
    field_pages: dict[str, int] = field(default_factory=dict)
    #: field → 元 per printed unit where the cell itself names it (337770.89万元).
    cell_scales: dict[str, float] = field(default_factory=dict)
    #: label keys the vocabulary does not know, reported as a check row.
    unknown_labels: list[str] = field(default_factory=list)
    _confs: list[float] = field(default_factory=list, repr=False)

    def add_page(self, page: Page) -> None:
        if page.page_no not in self.pages:
            self.pages.append(page.page_no)
        if page.method == "ocr":
            self.method = "ocr"

    def finish(self, scale: float) -> None:
        """Convert amounts to 元 (the contract's unit) and settle the confidence."""
        for name in ("funds_total", "funds_annual", *FUND_FIELDS):
            v = getattr(self, name)
            factor = self.cell_scales.get(name, scale)
            if v is not None and factor != 1.0:
                setattr(self, name, round(v * factor, 2))
        self.confidence = round(sum(self._confs) / len(self._confs), 4) if self._confs else 1.0


@dataclass(slots=True)
class Issue:
    """Something that went wrong in one stage, kept as data (never a traceback)."""

    stage: str
    category: str
    message: str
    page_no: int | None = None


@dataclass
class Document:
    """One input file, from ingest to write.

    ``rows`` maps a data-contract table name (budget_lines, sections, projects …)
    to its rows as plain dicts with the contract's column names; the write stage
    turns them into Parquet and CSV.
    """

    doc_id: str
    path: str  # relative to the input folder, as written to ``documents.path``
    source: Path  # absolute path on disk
    n_pages: int | None = None
    status: Status = Status.OK
    error: str | None = None
    unit_name: str | None = None
    fiscal_year: int | None = None
    doc_type: str = "unknown"
    pages: list[Page] = field(default_factory=list)
    tables: list[TableBlock] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: Every printed copy of a performance form, as the forms stage read it: the
    #: dedupe stage merges them into ``projects``, doc_refs reads card fields.
    form_copies: list[FormCopy] = field(default_factory=list)

    @property
    def text_pages(self) -> int:
        return sum(1 for p in self.pages if p.method == "text")

    @property
    def ocr_pages(self) -> int:
        return sum(1 for p in self.pages if p.method == "ocr")

    def add_issue(self, issue: Issue) -> None:
        """Record an issue and demote the status (failed stays failed)."""
        self.issues.append(issue)
        if self.status == Status.OK:
            self.status = Status.PARTIAL
        if self.error is None:
            self.error = f"{issue.stage}: {issue.message}"

    def table_rows(self, name: str) -> list[dict[str, Any]]:
        return self.rows.setdefault(name, [])
