"""Ingest: hash a file, open it safely, and say clearly why a file cannot be read.

Reads a path; writes nothing. Bad input becomes an :class:`InputError` with a
short stable category (``empty``, ``not_pdf``, ``encrypted``, ``broken``), which
the pipeline records as the document's status; it never stops a batch.
"""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path

import pypdfium2 as pdfium

from extract.errors import InputError

log = logging.getLogger(__name__)

#: A PDF header may follow some junk bytes; readers accept it within the first KiB.
HEADER_WINDOW = 1024


def hash_file(path: Path) -> str:
    """``doc_id``: the first 16 hex digits of the file's SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def sniff(path: Path) -> None:
    """Reject empty and non-PDF files before any parser sees them."""
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty", "the file has zero bytes")
    with path.open("rb") as fh:
        head = fh.read(HEADER_WINDOW)
    if b"%PDF-" not in head:
        kind = _describe_magic(head)
        raise InputError("not_pdf", f"no %PDF- header; the file looks like {kind}")


def _describe_magic(head: bytes) -> str:
    magics = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"PK\x03\x04": "a ZIP/Office file",
              b"<!DOCTYPE": "an HTML page", b"<html": "an HTML page", b"\xd0\xcf\x11\xe0": "an old Office file"}
    for magic, kind in magics.items():
        if head.lstrip().startswith(magic):
            return kind
    return "something else"


def open_pdf(path: Path, password: str = "") -> pdfium.PdfDocument:
    """Open a PDF with pdfium; repair it with pikepdf (qpdf) when pdfium cannot.

    Encrypted files open when the user password is empty (most government PDFs
    are only owner-password protected against printing or copying).
    """
    sniff(path)
    try:
        return pdfium.PdfDocument(path, password=password or None)
    except pdfium.PdfiumError as exc:
        message = str(exc).replace(str(path), path.name)  # errors name the file, not the machine's paths
        if "password" in message.lower():
            raise InputError("encrypted", "the PDF needs a password to open") from exc
        log.info("pdfium cannot open %s (%s); trying a qpdf repair", path, message)
        return _open_repaired(path, message)


def _open_repaired(path: Path, first_error: str) -> pdfium.PdfDocument:
    import pikepdf

    try:
        with pikepdf.open(path, password="", attempt_recovery=True) as pdf:
            buf = io.BytesIO()
            pdf.save(buf)
    except pikepdf.PasswordError as exc:
        raise InputError("encrypted", "the PDF needs a password to open") from exc
    except Exception as exc:  # noqa: BLE001 - qpdf raises many kinds; all mean "broken"
        raise InputError("broken", f"unreadable PDF ({first_error}); repair failed: {exc}") from exc
    try:
        doc = pdfium.PdfDocument(buf.getvalue())
    except pdfium.PdfiumError as exc:
        raise InputError("broken", f"unreadable PDF even after repair: {exc}") from exc
    if len(doc) == 0:
        raise InputError("broken", "the repaired PDF has no pages")
    return doc
