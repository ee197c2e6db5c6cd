"""extract: Chinese government budget-disclosure PDFs (预算/决算公开) to validated tables.

The public surface is :func:`extract.api.run_batch`, the ``extract`` command line and,
for notebooks, :func:`read_pdf` / :func:`read_folder` (:mod:`extract.notebook`).
"""

import hashlib
from pathlib import Path
from typing import Any

__all__ = ["read_folder", "read_pdf", "run_batch"]

__version__ = "0.1.0"


def _source_digest() -> str:
    """A digest of the package's own code and data files.

    Part of :data:`PIPELINE_VERSION`: any change to the code that produces the
    outputs invalidates cached per-document results, without anyone having to
    remember to bump a number.
    """
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


#: Cached per-document results made by another pipeline version are recomputed.
PIPELINE_VERSION = f"{__version__}-{_source_digest()}"


def __getattr__(name: str) -> Any:
    """``extract.read_pdf`` and friends, imported on first use.

    Lazily (PEP 562) so that ``import extract`` in a worker process stays cheap
    and :mod:`extract.cache`, which imports :data:`PIPELINE_VERSION` from here,
    meets no import cycle.
    """
    if name in ("read_pdf", "read_folder"):
        from extract import notebook

        return getattr(notebook, name)
    if name == "run_batch":
        from extract.api import run_batch

        return run_batch
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
