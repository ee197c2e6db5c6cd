"""Hostile inputs, generated (never downloaded): each maker writes one small file.

Every case is something a real folder of downloads can hold — a broken
producer, a truncated transfer, a malicious or absurd file — built with the
standard library and pikepdf so the test set needs nothing from outside.
:data:`CASES` names each file with the status and reason the batch must give it.
"""

from __future__ import annotations

import io
import os
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from bench.craft import BORN_DIGITAL, _raw_pdf, page_slice

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _text_page(content: bytes, extra_resources: bytes = b"", media: bytes = b"[0 0 595 842]",
               font: bytes = FONT, more: list[bytes] | None = None) -> bytes:
    """One page with ``content`` drawn and Helvetica as /F1 (objects 1–5, then ``more``)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox " + media + b" /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> " + extra_resources + b" >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            font, *(more or [])]
    return _raw_pdf(objs)


def surrogate_tounicode(path: Path) -> Path:
    """A heading whose ToUnicode map yields lone UTF-16 surrogates (U+D800, U+DFFF) amid a page of text."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Bad def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <58> <D800> <59> <DFFF> endbfchar "
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
    lines = b"".join(b"BT /F1 10 Tf 72 %d Td (Line %d of the budget narrative, total 100.00) Tj ET " % (700 - 14 * i, i)
                     for i in range(30))
    content = b"BT /F1 24 Tf 72 760 Td (BUDGET X Y 2025) Tj ET " + lines
    path.write_bytes(_text_page(content, font=font,
                                more=[b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"]))
    return path


def _table_page(path: Path, page_no: int = 7) -> pikepdf.Pdf:
    """Page ``page_no`` of the born-digital sample (a ruled budget table) as a new one-page PDF."""
    src = pikepdf.open(BORN_DIGITAL)
    out = pikepdf.new()
    out.pages.append(src.pages[page_no - 1])
    return out


def huge_page(path: Path, side: int = 40000) -> Path:
    """A budget-table page whose MediaBox is ``side`` pt square (14 m): a picture at 40 dpi would be 22,000 px."""
    with _table_page(path) as pdf:
        page = pdf.pages[0]
        page.obj.MediaBox = pikepdf.Array([0, 842 - side, side, 842])
        page.obj.CropBox = page.obj.MediaBox
        pdf.save(path, deterministic_id=True)
    return path


def slow_shading(path: Path, steps: int = 10000) -> Path:
    """A budget-table page under a shading whose PostScript function is slow to evaluate per pixel:
    reading the text layer is quick, drawing the page is not."""
    fn = b"{ pop " + b" ".join([b"dup mul 0.5 mul dup sin 0.5 mul add"] * steps) + b" }"
    with _table_page(path) as pdf:
        page = pdf.pages[0]
        function = pikepdf.Stream(pdf, fn, FunctionType=4, Domain=[0, 1, 0, 1], Range=[0, 1])
        shading = pikepdf.Dictionary(ShadingType=1, ColorSpace=pikepdf.Name.DeviceGray, Domain=[0, 1, 0, 1],
                                     Function=function)
        resources = page.obj.Resources
        resources.Shading = pikepdf.Dictionary(Sh0=pdf.make_indirect(shading))
        page.contents_add(pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Sh0 sh Q "), prepend=True)
        pdf.save(path, deterministic_id=True)
    return path


def huge_scan(path: Path, side: int = 40000) -> Path:
    """A page ``side`` pt square covered by one small grey image: image-only, so sent to OCR."""
    image = b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 " \
            b"/Length 64 >>\nstream\n" + bytes(range(0, 256, 4)) + b"\nendstream"
    content = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (side, side)
    path.write_bytes(_text_page(content, extra_resources=b"/XObject << /Im0 6 0 R >>",
                                media=b"[0 0 %d %d]" % (side, side), more=[image]))
    return path


def declared_huge_image(path: Path, side: int = 60000) -> Path:
    """An image declaring ``side``×``side`` pixels (3.6 G samples) with a few bytes of data."""
    data = zlib.compress(bytes(4096))
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data))
             + data + b"\nendstream")
    path.write_bytes(_text_page(b"q 595 0 0 842 0 0 cm /Im0 Do Q", extra_resources=b"/XObject << /Im0 6 0 R >>",
                                more=[image]))
    return path


def odd_codec(path: Path, codec: bytes) -> Path:
    """A page-filling image in ``codec`` (JBIG2Decode, JPXDecode) whose data is garbage."""
    data = random.Random(codec).randbytes(3000)
    image = (b"<< /Type /XObject /Subtype /Image /Width 1000 /Height 1400 /ColorSpace /DeviceGray "
             b"/BitsPerComponent 1 /Filter /" + codec + b" /Length %d >>\nstream\n" % len(data) + data
             + b"\nendstream")
    path.write_bytes(_text_page(b"q 595 0 0 842 0 0 cm /Im0 Do Q", extra_resources=b"/XObject << /Im0 6 0 R >>",
                                more=[image]))
    return path


def cmap_bomb(path: Path, entries: int = 200_000) -> Path:
    """A ToUnicode CMap of ``entries`` ranges (about 7 MB inflated, 60 KB in the file)."""
    body = b"".join(b"<%04X> <%04X> <4E00>\n" % (i, i) for i in range(entries))
    cmap = (b"/CIDInit /ProcSet findresource begin begincmap 1 begincodespacerange <0000> <FFFF> "
            b"endcodespacerange %d beginbfrange\n" % entries + body + b"endbfrange endcmap end")
    packed = zlib.compress(cmap, 9)
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /Bomb /Encoding /Identity-H /DescendantFonts [7 0 R] "
            b"/ToUnicode 6 0 R >>")
    cid = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Bomb /CIDSystemInfo << /Registry (Adobe) " \
          b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R >>"
    descriptor = b"<< /Type /FontDescriptor /FontName /Bomb /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 " \
                 b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"
    content = b"BT /F1 12 Tf 72 760 Td <00010002> Tj ET"
    path.write_bytes(_text_page(content, font=font, more=[
        b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed) + packed + b"\nendstream", cid, descriptor]))
    return path


def zero_pages(path: Path) -> Path:
    path.write_bytes(_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    return path


def lying_count(path: Path, count: int = 50) -> Path:
    """A page tree whose /Count says ``count`` pages; it holds one."""
    pdf = _text_page(b"BT /F1 12 Tf 72 760 Td (One page, fifty claimed) Tj ET")
    path.write_bytes(pdf.replace(b"/Count 1", b"/Count %d" % count))
    return path


def fuzzed_xref(path: Path, seed: int = 7, source: Path | None = None) -> Path:
    """A real document whose xref offsets are overwritten with random digits."""
    data = bytearray((source or BORN_DIGITAL).read_bytes())
    rng = random.Random(seed)
    start = data.rfind(b"xref")
    if start < 0:  # a cross-reference stream: scramble its bytes instead
        start = data.rfind(b"/XRef")
    for i in range(start + 20, min(len(data) - 40, start + 4000)):
        if 48 <= data[i] <= 57:
            data[i] = 48 + rng.randrange(10)
    path.write_bytes(bytes(data))
    return path


def broken_object_streams(path: Path, source: Path = BORN_DIGITAL, pages: int = 3) -> Path:
    """Objects packed in object streams, then the streams' compressed bytes damaged."""
    buf = io.BytesIO()
    with pikepdf.open(source) as src, pikepdf.new() as out:
        for page in src.pages[:pages]:
            out.pages.append(page)
        out.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    data = bytearray(buf.getvalue())
    at = 0
    while (at := data.find(b"/Type /ObjStm", at + 1)) > 0:
        body = data.find(b"stream", at) + 8
        for i in range(body + 10, min(body + 60, len(data))):
            data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def pdf_in_pdf(path: Path, inner: Path = BORN_DIGITAL) -> Path:
    """A one-page PDF carrying a whole other PDF as an embedded file (attachments are not read)."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.attachments["inner.pdf"] = pikepdf.AttachedFileSpec(pdf, inner.read_bytes(), mime_type="application/pdf")
        pdf.save(path, deterministic_id=True)
    return path


@dataclass(frozen=True)
class Case:
    """One hostile input: how to make it, the status it must get, the start of its reason (None: no error)."""

    make: Callable[[Path], object]
    status: str
    reason: str | None


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def dangling_link(path: Path) -> Path:
    path.symlink_to(path.parent / "nowhere.pdf")
    return path


def link_loop(path: Path) -> Path:
    path.symlink_to(path)
    return path


def control(path: Path) -> Path:
    """The good control: pages 5–8 of the born-digital sample (budget tables)."""
    return page_slice(path, 5, 4)


CASES: dict[str, Case] = {
    "control.pdf": Case(control, "ok", None),
    "surrogates.pdf": Case(surrogate_tounicode, "partial", "read: 2 code point(s) that are not valid Unicode text (lone surrogates) replaced by U+FFFD"),
    "huge_page.pdf": Case(huge_page, "ok", None),
    "huge_scan.pdf": Case(huge_scan, "failed", "ocr: page 1: the page is 40000×40000 pt, 111,111 px a side at 200 dpi: over the 20,000 px render cap"),
    "declared_60000px.pdf": Case(declared_huge_image, "?", None),
    "jbig2_garbage.pdf": Case(lambda p: odd_codec(p, b"JBIG2Decode"), "?", None),
    "jpx_garbage.pdf": Case(lambda p: odd_codec(p, b"JPXDecode"), "?", None),
    "cmap_bomb.pdf": Case(cmap_bomb, "ok", None),
    "zero_pages.pdf": Case(zero_pages, "failed", "no_pages: the PDF has no pages"),
    "lying_count.pdf": Case(lying_count, "partial", "read: page 2: the page cannot be loaded (Failed to load page.): the page tree lists 50 pages"),
    "fuzzed_xref.pdf": Case(fuzzed_xref, "?", None),
    "broken_objstm.pdf": Case(broken_object_streams, "?", None),
    "pdf_in_pdf.pdf": Case(pdf_in_pdf, "?", None),
    "slow_shading.pdf": Case(slow_shading, "ok", None),
    "fifo.pdf": Case(fifo, "failed", "not_a_file: a named pipe (FIFO), not a regular file"),
    "dangling.pdf": Case(dangling_link, "failed", "broken_link: a symbolic link to a file that does not exist"),
    "loop.pdf": Case(link_loop, "failed", "broken_link: a symbolic link loop"),
}


def build(root: Path) -> dict[str, Case]:
    """Every case in ``root``, plus a control named with bytes that are not UTF-8; returns name → case."""
    root.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        case.make(root / name)
    bad_name = os.fsdecode(b"\xff\xfe budget.pdf")
    control(root / bad_name)
    return {**CASES, bad_name: Case(control, "ok", None)}
