"""Per-document result cache: what makes re-runs incremental and crashes harmless.

Reads and writes ``OUT/.cache/<doc_id>-<PIPELINE_VERSION>-<options key>.json``,
one file per document, each written atomically (temp file + rename), so a run
killed at any moment leaves only whole entries; the document's QA-report
pictures sit beside it in a folder of the same name (``.pictures``), put in
place by one rename. A document whose worker timed out, crashed or hit the
memory cap is cached too, as that failure: re-running an unchanged folder must
not pay the timeout again for a file that cannot succeed. It is tried again
with ``--retry-failed``, or when the run allows more time or memory than the
one that failed. The final tables are always
rebuilt from these entries, and a fresh result goes through the same JSON
round trip as a cached one: an interrupted-then-resumed run and an uninterrupted
run therefore write byte-identical tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from extract import PIPELINE_VERSION
from extract.options import Options
from extract.pipeline import Result
from extract.stages.write import atomic_write

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"

def options_key(options: Options) -> str:
    """A short digest of the options that change the output (e.g. ``--ocr``, ``--dpi``; not ``--fail-fast``)."""
    fields = options.cache_fields()
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:8]


class ResultCache:
    """Whole-document results under ``out_dir/.cache``, keyed by content, version and options."""

    def __init__(self, out_dir: Path, options: Options) -> None:
        self.dir = Path(out_dir) / CACHE_DIR
        self.key = options_key(options)

    def path(self, doc_id: str) -> Path:
        return self.dir / f"{doc_id}-{PIPELINE_VERSION}-{self.key}.json"

    def pictures_dir(self, doc_id: str) -> Path:
        """The folder holding the document's report pictures (may not exist)."""
        return self.path(doc_id).with_suffix(".pictures")

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
        """Write ``result`` (and its pictures) atomically; return its JSON round trip (what a later load gives)."""
        text = result.json_text or dumps(result)
        self.dir.mkdir(parents=True, exist_ok=True)
        if result.pictures is not None:
            self.store_pictures(result.doc_id, result.pictures)
        atomic_write(self.path(result.doc_id), text.encode("utf-8"))
        return result if result.json_text else loads(text)  # a worker's result is a round trip already

    def store_pictures(self, doc_id: str, pictures: dict[str, bytes]) -> None:
        """Write the pictures into a fresh folder, then rename it into place (replacing an old one)."""
        target = self.pictures_dir(doc_id)
        tmp = Path(tempfile.mkdtemp(dir=self.dir, prefix=f".{target.name}."))
        try:
            for name, data in pictures.items():
                (tmp / Path(name).name).write_bytes(data)
            shutil.rmtree(target, ignore_errors=True)
            tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def worker_failure(result: Result) -> dict[str, Any] | None:
    """The issue that says a document's worker did not finish it (timeout, crash, memory cap), if any."""
    return next((i for i in result.rows.get("issues", []) if i.get("stage") == "worker"), None)


def worth_retrying(failure: dict[str, Any], timeout: float | None, memory_mb: int | None) -> bool:
    """Whether this run's limits give a cached worker failure a new chance: more time, more memory."""
    limit = failure.get("limit")
    if limit is None:
        return False
    if failure.get("category") == "timeout":
        return timeout is None or timeout > limit
    if failure.get("category") == "memory_limit":
        return not memory_mb or memory_mb > limit
    return False


def dumps(result: Result) -> str:
    """JSON text of a result; floats round-trip exactly, odd types become strings."""
    return json.dumps({"doc_id": result.doc_id, "rows": result.rows, "timings": result.timings},
                      ensure_ascii=False, default=_to_json)


def loads(text: str) -> Result:
    data: dict[str, Any] = json.loads(text)
    return Result(doc_id=data["doc_id"], rows=data["rows"], timings=data.get("timings", {}), json_text=text)


def _to_json(value: Any) -> Any:
    """Numpy scalars and enums from a stage become plain JSON values."""
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "value"):
        return value.value
    return str(value)
