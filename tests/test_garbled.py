"""Garbled text layers are routed to OCR page by page and read right (issue 4).

``garbled_cid.pdf`` has a font without a ToUnicode map (pdfium yields unmapped
glyphs): OCR. ``garbled_kangxi.pdf`` types ideographs as Kangxi radicals (⽀ for
支): the radicals fold back into the ideographs, so its text layer is read as
text, exactly and without OCR (issue 12).
"""

from __future__ import annotations

import pandas as pd
import pypdfium2 as pdfium
import pytest

from conftest import SAMPLES, frame_rows, load_truth
from extract.model import PageKind
from extract.stages.read import read_page
from test_spine_samples import _lines

NAMES = ["garbled_cid"]


@pytest.mark.parametrize("name,kind", [("garbled_cid", PageKind.GARBLED), ("garbled_kangxi", PageKind.TEXT)])
def test_every_page_is_routed(name, kind):
    pdf = pdfium.PdfDocument(SAMPLES / f"{name}.pdf")
    pages = [read_page(pdf[i], i + 1) for i in range(len(pdf))]
    assert [p.kind for p in pages] == [kind] * len(pdf)


def test_kangxi_text_layer_is_read_as_text_exactly(tmp_path):
    from extract.api import run_batch

    run_batch([SAMPLES / "garbled_kangxi.pdf"], tmp_path)
    doc = frame_rows(pd.read_parquet(tmp_path / "documents.parquet"))[0]
    assert (doc["text_pages"], doc["ocr_pages"], doc["status"]) == (2, 0, "ok")
    rows = frame_rows(pd.read_parquet(tmp_path / "budget_lines.parquet"))
    for r in rows:
        r["row_no"], r["level"] = int(r["row_no"]), None if r["level"] is None else int(r["level"])
    truth = load_truth("garbled_kangxi")
    assert _lines(rows) == _lines(truth["budget_lines"])
    tables = pd.read_parquet(tmp_path / "budget_tables.parquet")
    assert sorted(tables["table_key"]) == sorted(t["table_key"] for t in truth["budget_tables"])
    assert set(tables["method"]) == {"text"}


@pytest.mark.ocr
@pytest.mark.parametrize("name", NAMES)
def test_garbled_pages_are_read_by_ocr_exactly(name, tmp_path):
    from extract.api import run_batch

    run_batch([SAMPLES / f"{name}.pdf"], tmp_path)
    doc = frame_rows(pd.read_parquet(tmp_path / "documents.parquet"))[0]
    assert (doc["text_pages"], doc["ocr_pages"], doc["status"]) == (0, 2, "ok")
    rows = frame_rows(pd.read_parquet(tmp_path / "budget_lines.parquet"))
    for r in rows:
        r["row_no"], r["level"] = int(r["row_no"]), None if r["level"] is None else int(r["level"])
    truth = load_truth(name)
    assert _lines(rows) == _lines(truth["budget_lines"])
    tables = pd.read_parquet(tmp_path / "budget_tables.parquet")
    assert sorted(tables["table_key"]) == sorted(t["table_key"] for t in truth["budget_tables"])
    assert set(tables["method"]) == {"ocr"}
