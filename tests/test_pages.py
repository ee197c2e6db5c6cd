"""The ``pages`` table: every page's routing decision (text layer, OCR, repaired) and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import craft
from extract.pipeline import Options, process_document
from tests import hostile

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def routes(path: Path, **options: object) -> list[tuple[int, str | None, str]]:
    rows = process_document(path, path.name, Options.from_keywords(**options)).rows["pages"]
    return [(r["page"], r["method"], r["route"]) for r in rows]


def test_text_pages_and_kangxi_text_layers_are_read_as_text_with_the_reason() -> None:
    assert routes(SAMPLES / "garbled_kangxi.pdf") == [
        (1, "text", "text layer; 90 radical code point(s) folded into ideographs"),
        (2, "text", "text layer; 49 radical code point(s) folded into ideographs")]


def test_a_page_that_fails_has_its_row_and_reason(tmp_path: Path) -> None:
    hostile.lying_count(tmp_path / "lying.pdf", count=3)
    assert routes(tmp_path / "lying.pdf", ocr="never") == [
        (1, "text", "text layer"),
        (2, None, "not read; failed: read: the page cannot be loaded (Failed to load page.): the page tree lists "
                  "3 pages, this one is missing or broken"),
        (3, None, "not read; failed: read: the page cannot be loaded (Failed to load page.): the page tree lists "
                  "3 pages, this one is missing or broken")]


def test_scans_are_routed_to_ocr_or_left_when_ocr_is_off(tmp_path: Path) -> None:
    craft.page_slice(tmp_path / "scan.pdf", 5, 1, source=craft.SCANNED)
    (page, method, route), = routes(tmp_path / "scan.pdf", ocr="never")
    assert (page, method) == (1, "text")  # nothing read: the page keeps its (empty) text layer
    assert route.startswith("image only: no text layer, images cover") and route.endswith("; not OCR'd (--ocr never)")


@pytest.mark.ocr
def test_garbled_text_layers_are_ocrd_and_say_how_garbled() -> None:
    assert routes(SAMPLES / "garbled_cid.pdf") == [
        (1, "ocr", "garbled text layer: 96 of 413 glyphs unmapped; OCR"),
        (2, "ocr", "garbled text layer: 128 of 730 glyphs unmapped; OCR")]


def test_page_stages_are_timed_by_their_own_names(tmp_path: Path) -> None:
    craft.page_slice(tmp_path / "doc.pdf", 7, 1)
    timings = process_document(tmp_path / "doc.pdf", "doc.pdf").timings
    assert {"read", "grid", "tables", "lines", "checks"} <= set(timings) and "ocr" not in timings
