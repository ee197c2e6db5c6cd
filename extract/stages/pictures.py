"""Pictures for the QA report: page thumbnails with table boxes, crops beside a failing figure.

Drawn by the worker that extracted the document, right after its stages, from
the pages it already read (words and grids: nothing is read twice) and the PDF
rendered at low dpi in grey and stored as JPEG (a page thumbnail costs about
2 ms to draw and encode: PNG with ``optimize`` cost 40 ms, the whole report a
third of a born-digital run); returned as bytes by name (``p7.jpg``,
``check3.jpg``) and cached with the document's result. The red boxes (each
table's grid, the figure a check failed on) are not painted into the pictures
but listed in ``boxes.json`` as fractions of each picture, and drawn by the
report's HTML over them. The batch parent never renders a PDF, so
a page that is slow or huge to draw costs the worker's time and memory, under
the same ``--timeout`` and ``--max-memory`` as the extraction.

Every picture is capped in pixels (:data:`MAX_SIDE_PX`): a 40,000 pt page at
30 dpi would be a 16,700 px picture that image viewers (and Pillow) refuse to open.
A picture that cannot be drawn is left out with a log line: a report with a
missing picture is still a report.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

import pypdfium2 as pdfium
from PIL import Image

from extract.model import Document, Page, Word

log = logging.getLogger(__name__)

THUMB_DPI = 30  # an A4 page 350 px tall: the report shows it 260 px tall
CROP_DPI = 110
JPEG_QUALITY = 70
#: Where the red boxes of each picture are: name → [x0, top, x1, bottom] as fractions of its size.
BOXES = "boxes.json"
#: Longest side of any picture, in pixels; a larger page is drawn at a lower dpi.
MAX_SIDE_PX = 1600
#: Pictures per document, so a 300-page report stays quick to build and to open.
MAX_THUMBS = 40
MAX_CROPS = 30
#: A check's ``location`` names the row label and page of its printed figure.
_LOCATION = re.compile(r"^(?P<key>\S+) row (?P<row>\d+) \[(?P<label>.*?)\].* col (?P<col>.*) p(?P<page>\d*)$")

Row = dict[str, Any]


Box = list[float]


def thumb_name(page_no: int) -> str:
    return f"p{page_no}.jpg"


def crop_name(check_index: int) -> str:
    return f"check{check_index}.jpg"


#: Page ``n`` (1-based) of the document, loaded (the pages extraction left open, see ``pipeline.OpenPages``).
PageLoader = Callable[[int], pdfium.PdfPage]


def draw_pictures(doc: Document, pdf: PageLoader) -> dict[str, bytes]:
    """Every picture the document's report page shows (JPEG bytes by name), and :data:`BOXES`."""
    pages = {p.page_no: p for p in doc.pages}
    out: dict[str, bytes] = {}
    boxes: dict[str, list[Box]] = {}
    for page_no in picture_pages(doc.rows)[:MAX_THUMBS]:
        drawn = thumbnail(pdf, pages.get(page_no), page_no)
        if drawn:
            out[thumb_name(page_no)], boxes[thumb_name(page_no)] = drawn
    for index, page_no, amount, label in failing_figures(doc.rows.get("checks", []))[:MAX_CROPS]:
        drawn = crop_figure(pdf, pages.get(page_no), page_no, amount, label)
        if drawn:
            out[crop_name(index)], boxes[crop_name(index)] = drawn
    out[BOXES] = json.dumps(boxes, sort_keys=True).encode()
    return out


def picture_pages(rows: dict[str, list[Row]]) -> list[int]:
    """Pages worth a thumbnail: every page a table sits on, then the pages of each conflict's variants."""
    tables = table_pages(rows.get("budget_tables", []))
    conflicts = [p for c in rows.get("conflicts", [])[:MAX_CROPS] for p in conflict_pages(c, rows)[:4]]
    return list(dict.fromkeys(tables[:MAX_THUMBS] + conflicts))


def table_pages(tables: list[Row]) -> list[int]:
    """Every page a table sits on (``page_first`` to ``page_last``), in order."""
    return sorted({p for t in tables if t.get("page_first") for p in
                   range(int(t["page_first"]), int(t.get("page_last") or t["page_first"]) + 1)})


def conflict_pages(conflict: Row, rows: dict[str, list[Row]]) -> list[int]:
    """The pages where the variants of a conflict were read: each form copy's first
    page for a project field, each occurrence's page for a 文号.
    """
    key = str(conflict.get("key") or "")
    if conflict.get("entity") == "project":
        spans = next((str(p.get("pages") or "") for p in rows.get("projects", []) if p.get("project_name") == key), "")
        return [int(span.split("-")[0]) for span in spans.split(";") if span.split("-")[0].isdigit()]
    if conflict.get("entity") == "doc_ref":
        try:
            variants = {str(v) for v in json.loads(conflict.get("values") or "[]")}
        except (TypeError, ValueError):
            variants = set()
        return sorted({int(r["page"]) for r in rows.get("doc_refs", []) if r.get("page") is not None
                       and (r.get("raw") in variants or r.get("canonical") in variants or r.get("canonical") == key)})
    return []


def failing_figures(checks: Iterable[Row]) -> list[tuple[int, int, float, str]]:
    """(index of the check, page, printed amount, row label) of every failing check that names its figure."""
    out = []
    for i, c in enumerate(checks):
        if c.get("status") != "fail":
            continue
        m = _LOCATION.match(str(c.get("location") or ""))
        if not m or not m["page"] or c.get("actual") in (None, ""):
            continue
        try:
            amount = float(c["actual"])
        except (TypeError, ValueError):
            continue
        out.append((i, int(m["page"]), amount, m["label"]))
    return out


def render(pdf: PageLoader, page_no: int, dpi: float) -> tuple[Image.Image, float] | None:
    """The page in grey at ``dpi``, or lower so that neither side passes :data:`MAX_SIDE_PX`; (image, scale)."""
    try:
        pdf_page = pdf(page_no)
        width, height = pdf_page.get_size()
        scale = min(dpi / 72, MAX_SIDE_PX / max(width, height, 1.0))
        image = pdf_page.render(scale=scale, grayscale=True).to_pil()
    except Exception as exc:  # noqa: BLE001 - pdfium raises plain errors on broken pages
        log.info("report: cannot draw page %s: %s", page_no, exc or type(exc).__name__)
        return None
    return image, scale


def jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()


def _fraction(box: tuple[float, float, float, float], width: float, height: float) -> Box:
    x0, top, x1, bottom = box
    return [round(max(0.0, min(1.0, v)), 4) for v in (x0 / width, top / height, x1 / width, bottom / height)]


def thumbnail(pdf: PageLoader, page: Page | None, page_no: int) -> tuple[bytes, list[Box]] | None:
    """The page at low dpi, and the box of every ruled table on it."""
    drawn = render(pdf, page_no, THUMB_DPI)
    if drawn is None:
        return None
    image, s = drawn
    grids = page.grids if page is not None else []
    boxes = [_fraction((g.x0 * s, g.top * s, g.x1 * s, g.bottom * s), image.width, image.height) for g in grids]
    return jpeg(image), boxes


def crop_figure(pdf: PageLoader, page: Page | None, page_no: int, amount: float,
                label: str) -> tuple[bytes, list[Box]] | None:
    """A band of the page around the printed ``amount`` (on the row named ``label``), and the figure's box."""
    drawn = render(pdf, page_no, CROP_DPI)
    if page is None or drawn is None:
        return None
    image, s = drawn
    word = find_amount(page, amount, label)
    if word is None:
        image.thumbnail((900, 900))
        return jpeg(image), []
    left, right = _table_box(page, word)
    top, bottom = max(word.top - 60, 0), min(word.bottom + 60, page.height)
    crop = (int(left * s), int(top * s), int(right * s), int(bottom * s))
    figure = ((word.x0 - 3) * s - crop[0], (word.top - 3) * s - crop[1], (word.x1 + 3) * s - crop[0],
              (word.bottom + 3) * s - crop[1])
    width, height = crop[2] - crop[0], crop[3] - crop[1]
    return jpeg(image.crop(crop)), [_fraction(figure, width, height)]


def _table_box(page: Page, word: Word) -> tuple[float, float]:
    for g in page.grids:
        if g.top - 2 <= word.yc <= g.bottom + 2:
            return g.x0 - 4, g.x1 + 4
    return 0.0, page.width


def amount_texts(amount: float) -> set[str]:
    """How a table may print ``amount``: 1763.09, 1,763.09, 1763.1, 1763."""
    out = {f"{amount:.2f}", f"{amount:,.2f}", f"{amount:.1f}", f"{amount:,.1f}"}
    if amount == int(amount):
        out |= {f"{int(amount)}", f"{int(amount):,}"}
    return out


def find_amount(page: Page, amount: float, label: str) -> Word | None:
    """The word printing ``amount``, preferring one on the same line as the row's label or code."""
    texts = amount_texts(amount)
    hits = [w for w in page.words if re.sub(r"\s", "", w.text) in texts]
    if not hits:
        return None
    keys = [k for k in label.split() if k]
    for w in hits:
        line = " ".join(x.text for x in page.words if abs(x.yc - w.yc) < 3)
        if any(k in re.sub(r"\s", "", line) for k in keys):
            return w
    return hits[0]
