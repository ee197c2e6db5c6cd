"""The born-digital sample end to end against its ground truth (issue 2)."""

from __future__ import annotations

import json

import jsonschema
import pandas as pd
import pytest

from conftest import ROOT, frame_rows, load_truth
from extract.schema import TABLES, table_schema

LINE_KEY = ("table_key", "row_no", "side", "code", "name", "level", "column", "amount", "unit")


def _lines(rows) -> set[tuple]:
    return {tuple(r[k] if k != "amount" else round(float(r[k]), 6) for k in LINE_KEY) for r in rows}


@pytest.fixture(scope="module")
def truth():
    return load_truth("yq2025_born_digital")


def test_every_budget_line_equals_truth(born_digital_out, truth):
    got = frame_rows(pd.read_parquet(born_digital_out / "budget_lines.parquet"))
    for r in got:
        r["row_no"] = int(r["row_no"])
        r["level"] = None if r["level"] is None else int(r["level"])
    assert len(got) == len(truth["budget_lines"]) == 267
    assert _lines(got) == _lines(truth["budget_lines"])


def test_tables_keys_units_pages_and_has_data(born_digital_out, truth):
    got = pd.read_parquet(born_digital_out / "budget_tables.parquet")
    cols = ["table_key", "table_no", "title", "unit_of_measure", "page_first", "page_last", "n_rows", "has_data"]
    have = sorted(tuple(r[c] for c in cols) for r in frame_rows(got[cols]))
    want = sorted(tuple(r[c] for c in cols) for r in truth["budget_tables"])
    assert have == want
    assert set(got["method"]) == {"text"}


def test_section_headings_and_text(born_digital_out, truth):
    got = frame_rows(pd.read_parquet(born_digital_out / "sections.parquet"))
    assert [(r["part"], r["heading"], r["page_first"]) for r in got] == \
        [(r["part"], r["heading"], r["page_first"]) for r in truth["sections"]]
    want_text = {r["heading"]: r["text"] for r in truth["sections"]}
    for r in got:
        assert (r["text"] or "") == want_text[r["heading"]], r["heading"]
        assert "仅供内部审核" not in (r["text"] or "")


def test_document_metadata(born_digital_out, truth):
    doc = frame_rows(pd.read_parquet(born_digital_out / "documents.parquet"))[0]
    want = truth["documents"][0]
    assert (doc["unit_name"], doc["fiscal_year"], doc["doc_type"], doc["pages"], doc["status"]) == \
        (want["unit_name"], want["fiscal_year"], want["doc_type"], want["pages"], "ok")
    assert doc["text_pages"] == 35 and doc["ocr_pages"] == 0 and doc["error"] is None


def test_no_watermark_anywhere(born_digital_out):
    for table in ("budget_lines", "budget_tables", "sections", "projects", "indicators"):
        text = (born_digital_out / f"{table}.csv").read_text(encoding="utf-8")
        assert "仅供" not in text and "内部审核" not in text, table


@pytest.mark.parametrize("table", TABLES)
def test_outputs_follow_the_table_schemas(born_digital_out, table):
    schema = json.loads((ROOT / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
    assert schema == table_schema(table), "schemas/ is out of step with extract/schema.py: run `make schemas`"
    df = pd.read_parquet(born_digital_out / f"{table}.parquet")
    names = [f["name"] for f in schema["fields"]]
    assert list(df.columns[: len(names)]) == names
    csv = pd.read_csv(born_digital_out / f"{table}.csv", dtype=str, keep_default_na=False)
    assert list(csv.columns[: len(names)]) == names
    types = {"string": ["string", "null"], "integer": ["integer", "null"], "number": ["number", "null"],
             "boolean": ["boolean", "null"]}
    row_schema = {"type": "object", "properties": {f["name"]: {"type": types[f["type"]]} for f in schema["fields"]},
                  "required": names}
    for row in frame_rows(df[names]):
        row = {k: (int(v) if isinstance(v, float) and v.is_integer() and
                   types[next(f["type"] for f in schema["fields"] if f["name"] == k)][0] == "integer" else v)
               for k, v in row.items()}
        row = {k: (bool(v) if hasattr(v, "__bool__") and type(v).__name__ == "bool_" else v) for k, v in row.items()}
        jsonschema.validate(row, row_schema)
