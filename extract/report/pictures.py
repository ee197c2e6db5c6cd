"""Pictures for the QA report: page thumbnails with table boxes, crops beside a failing figure.

Reads the source PDFs with pypdfium2 (low dpi: a reviewer needs to find the
place, not read the scan) and re-finds ruled tables and words with the
``read``/``grid`` stages, because ``budget_tables`` carries no boxes; writes
PNG files under ``OUT/report_files/``. Every function returns ``None`` instead
of raising: a report with a missing picture is still a report.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from extract.model import Page, Word
from extract.stages import grid, read

log = logging.getLogger(__name__)

THUMB_DPI = 40
CROP_DPI = 110
BOX = (220, 40, 40)


@dataclass
class PdfPages:
    """One open PDF and the pages already read (words, grids), for several pictures."""

    pdf: pdfium.PdfDocument
    pages: dict[int, Page]

    @classmethod
    def open(cls, path: Path) -> PdfPages | None:
        try:
            return cls(pdfium.PdfDocument(str(path)), {})
        except Exception as exc:  # noqa: BLE001 - missing or unreadable PDF: no pictures
            log.info("report: cannot open %s: %s", path, exc)
            return None

    def page(self, page_no: int) -> Page | None:
        """The page's words and grids, read once."""
        if page_no not in self.pages:
            try:
                p = read.read_page(self.pdf[page_no - 1], page_no)
                p.grids = grid.find_grids(p)
            except Exception as exc:  # noqa: BLE001
                log.info("report: page %s unreadable: %s", page_no, exc)
                return None
            self.pages[page_no] = p
        return self.pages[page_no]

    def render(self, page_no: int, dpi: int) -> Image.Image | None:
        try:
            return self.pdf[page_no - 1].render(scale=dpi / 72).to_pil().convert("RGB")
        except Exception as exc:  # noqa: BLE001
            log.info("report: cannot render page %s: %s", page_no, exc)
            return None

    def close(self) -> None:
        self.pdf.close()


def thumbnail(pdf: PdfPages, page_no: int, target: Path) -> Path | None:
    """The page at low dpi with every ruled table box drawn in red."""
    image = pdf.render(page_no, THUMB_DPI)
    page = pdf.page(page_no)
    if image is None:
        return None
    if page is not None:
        draw = ImageDraw.Draw(image)
        s = THUMB_DPI / 72
        for g in page.grids:
            draw.rectangle([g.x0 * s, g.top * s, g.x1 * s, g.bottom * s], outline=BOX, width=2)
    image.save(target, optimize=True)
    return target


def crop_figure(pdf: PdfPages, page_no: int, amount: float, label: str, target: Path) -> Path | None:
    """A band of the page around the printed ``amount`` (on the row named ``label``), the figure boxed."""
    page = pdf.page(page_no)
    image = pdf.render(page_no, CROP_DPI)
    if page is None or image is None:
        return None
    word = find_amount(page, amount, label)
    s = CROP_DPI / 72
    if word is None:
        image.thumbnail((900, 900))
        image.save(target, optimize=True)
        return target
    box = _table_box(page, word)
    draw = ImageDraw.Draw(image)
    draw.rectangle([word.x0 * s - 3, word.top * s - 3, word.x1 * s + 3, word.bottom * s + 3], outline=BOX, width=3)
    top, bottom = max(word.top - 60, 0), min(word.bottom + 60, page.height)
    image.crop((int(box[0] * s), int(top * s), int(box[1] * s), int(bottom * s))).save(target, optimize=True)
    return target


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
