"""Ingest: hash a file, open it safely, and say clearly why a file cannot be read.

Reads a path; writes nothing. Bad input becomes an :class:`InputError` with a
short stable category (``empty``, ``not_pdf``, ``encrypted``, ``broken``,
``no_pages``) and a reason that never holds the machine's path of the file, which
the pipeline records as the document's status; it never stops a batch.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
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
        message = scrub(str(exc), path)
        if "password" in message.lower():
            raise InputError("encrypted", "the PDF needs a password to open") from exc
        log.info("pdfium cannot open %s (%s); trying a qpdf repair", path, message)
        return _open_repaired(path, message)


def scrub(message: str, path: Path) -> str:
    """A library's message without the machine's path of the file (``documents.path`` says which file)."""
    for form in {os.fspath(path), os.path.abspath(path), os.path.realpath(path)}:
        message = message.replace(f"{form}: ", "").replace(form, "the file")
    return message.strip() or "no reason given"


def _open_repaired(path: Path, first_error: str) -> pdfium.PdfDocument:
    import pikepdf

    try:
        with pikepdf.open(path, password="", attempt_recovery=True) as pdf:
            if len(pdf.pages) == 0:
                raise InputError("no_pages", "the PDF has no pages")
            buf = io.BytesIO()
            pdf.save(buf)
    except pikepdf.PasswordError as exc:
        raise InputError("encrypted", "the PDF needs a password to open") from exc
    except InputError:
        raise
    except Exception as exc:  # qpdf raises many kinds; all mean "broken"
        raise InputError("broken", f"unreadable PDF ({first_error}); repair failed: {scrub(str(exc), path)}") from exc
    try:
        doc = pdfium.PdfDocument(buf.getvalue())
    except pdfium.PdfiumError as exc:
        raise InputError("broken", f"unreadable PDF even after repair: {scrub(str(exc), path)}") from exc
    if len(doc) == 0:
        raise InputError("no_pages", "the PDF has no pages")
    return doc
