"""Craft input PDFs for the batch tests and the benchmark: bad, awkward and varied.

Each maker writes one file and returns its path; all are cheap (about a second
at most) so the tests can build their folders in ``tmp_path``. Varied copies of
the samples differ in bytes (so in doc_id) but not in content.
"""

from __future__ import annotations

import shutil
import zlib
from pathlib import Path

import pikepdf

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SCANNED = SAMPLES / "yq2025_scanned.pdf"
BORN_DIGITAL = SAMPLES / "yq2025_born_digital.pdf"
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
             b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def zero_byte(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated(path: Path, share: float = 0.6, source: Path = BORN_DIGITAL) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * share)])
    return path


def encrypted(path: Path, user: str = "secret", owner: str = "owner", source: Path = BORN_DIGITAL) -> Path:
    """``user=""`` gives an owner-password-only file: it opens without a password."""
    with pikepdf.open(source) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))
    return path


def fake_png(path: Path) -> Path:
    path.write_bytes(PNG_BYTES)
    return path


def copy(path: Path, source: Path = BORN_DIGITAL) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    return path


def page_tree_loop(path: Path) -> Path:
    """A /Pages node that lists itself among its kids (an infinite page tree)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    path.write_bytes(_raw_pdf(objs))
    return path


def decompression_bomb(path: Path, side: int = 20000) -> Path:
    """One page holding a ``side``² grey image whose Flate data inflates to side² bytes (~1 KB per MB)."""
    comp = zlib.compressobj(1)
    row_block = bytes(side * 256)
    chunks = [comp.compress(row_block) for _ in range(side // 256)]
    chunks.append(comp.compress(bytes(side * (side % 256))))
    data = b"".join(chunks) + comp.flush()
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data))
             + data + b"\nendstream")
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            image]
    path.write_bytes(_raw_pdf(objs))
    return path


def _raw_pdf(objs: list[bytes]) -> bytes:
    """A PDF file with a correct xref table around the given object bodies."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def varied_copy(path: Path, n: int, source: Path = BORN_DIGITAL) -> Path:
    """A copy of ``source`` whose bytes (so doc_id) differ: a comment after %%EOF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(source.read_bytes() + b"\n%% variant %d\n" % n)
    return path


def page_slice(path: Path, first: int, count: int, source: Path = BORN_DIGITAL) -> Path:
    """Pages ``first``..``first+count-1`` (1-based) of ``source`` as a new, smaller document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pikepdf.open(source) as src, pikepdf.new() as out:
        for i in range(first - 1, min(first - 1 + count, len(src.pages))):
            out.pages.append(src.pages[i])
        out.save(path, deterministic_id=True)
    return path


def concatenated(path: Path, pages: int, source: Path = BORN_DIGITAL) -> Path:
    """A long document: ``source`` repeated until it has ``pages`` pages."""
    with pikepdf.open(source) as src, pikepdf.new() as out:
        while len(out.pages) < pages:
            for page in src.pages[: pages - len(out.pages)]:
                out.pages.append(page)
        out.save(path, deterministic_id=True)
    return path


def build_bad_folder(root: Path, bomb: bool = True) -> dict[str, str]:
    """The issue's bad-input folder; returns {relative path: expected status} ("?": any)."""
    copy(root / "good.pdf")
    copy(root / "sub" / "good copy.pdf")  # byte-identical: duplicate_of good.pdf
    (root / "预算 公开").mkdir()
    encrypted(root / "预算 公开" / "阳泉 单位预算（仅所有者密码）.pdf", user="")
    zero_byte(root / "empty.pdf")
    truncated(root / "truncated.pdf")
    encrypted(root / "locked.pdf")
    fake_png(root / "picture.pdf")
    page_tree_loop(root / "loop.pdf")
    expected = {"good.pdf": "ok", "sub/good copy.pdf": "ok", "预算 公开/阳泉 单位预算（仅所有者密码）.pdf": "ok",
                "empty.pdf": "failed", "truncated.pdf": "?", "locked.pdf": "failed", "picture.pdf": "failed",
                "loop.pdf": "?"}
    if bomb:
        decompression_bomb(root / "bomb.pdf")
        expected["bomb.pdf"] = "?"
    return expected
