"""Per-document result cache: what makes re-runs incremental and crashes harmless.

Reads and writes ``OUT/.cache/<doc_id>-<PIPELINE_VERSION>-<options key>.json``,
one file per document, each written atomically (temp file + rename), so a run
killed at any moment leaves only whole entries. The final tables are always
rebuilt from these entries, and a fresh result goes through the same JSON
round trip as a cached one: an interrupted-then-resumed run and an uninterrupted
run therefore write byte-identical tables.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from extract import PIPELINE_VERSION
from extract.pipeline import Options, Result
from extract.stages.write import atomic_write

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"

#: Options that do not change what the pipeline writes, so not part of the key.
_NOT_IN_KEY = {"fail_fast"}


def options_key(options: Options) -> str:
    """A short digest of the options that change the output (e.g. ``--ocr``, ``--dpi``)."""
    fields = {k: v for k, v in dataclasses.asdict(options).items() if k not in _NOT_IN_KEY}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:8]


class ResultCache:
    """Whole-document results under ``out_dir/.cache``, keyed by content, version and options."""

    def __init__(self, out_dir: Path, options: Options) -> None:
        self.dir = Path(out_dir) / CACHE_DIR
        self.key = options_key(options)

    def path(self, doc_id: str) -> Path:
        return self.dir / f"{doc_id}-{PIPELINE_VERSION}-{self.key}.json"

    def load(self, doc_id: str, rel_path: str) -> Result | None:
        """The cached result for ``doc_id`` with its path set to ``rel_path``, or None.

        A file may have moved since it was cached; its content (doc_id) did not,
        so only the ``documents.path`` cell is refreshed.
        """
        path = self.path(doc_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # a damaged entry is recomputed, not trusted
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None
        result = Result(doc_id=data["doc_id"], rows=data["rows"], timings=data.get("timings", {}))
        result.rows["documents"][0]["path"] = rel_path
        return result

    def store(self, result: Result) -> Result:
        """Write ``result`` atomically and return its JSON round trip (what a later load gives)."""
        text = result.json_text or dumps(result)
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path(result.doc_id), text.encode("utf-8"))
        return result if result.json_text else loads(text)  # a worker's result is a round trip already


def dumps(result: Result) -> str:
    """JSON text of a result; floats round-trip exactly, odd types become strings."""
    return json.dumps({"doc_id": result.doc_id, "rows": result.rows, "timings": result.timings},
                      ensure_ascii=False, default=_to_json)


def loads(text: str) -> Result:
    data: dict[str, Any] = json.loads(text)
    return Result(doc_id=data["doc_id"], rows=data["rows"], timings=data.get("timings", {}), json_text=text)


def _to_json(value: Any) -> Any:
    """numpy scalars and enums from a stage become plain JSON values."""
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "value"):
        return value.value
    return str(value)
