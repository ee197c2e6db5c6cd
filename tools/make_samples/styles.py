"""The style corpus: the seed's 13 budget tables drawn in many typographic styles, each with its truth.

Real disclosures print the same tables in different fonts (Song/Ming, Kai, Hei), as full grids or as 三线表
(horizontal rules only), with or without a header fill, on portrait, landscape or rotated pages, with
Kangxi-radical text layers (⽀ for 支) from some PDF producers, and titled 预算公开表N / 表N … / unnumbered. Each
dimension has broken a reader before, so every value is drawn, and the documents combine them so that every
pair of values of two dimensions occurs in some document.

``python -m tools.make_samples --styles OUT`` writes ``OUT/style_NN_….pdf`` and its ``.truth.json`` (``make samples``
writes them to the gitignored ``samples-styles/``); the test ``tests/test_style_corpus.py`` builds them into a
temporary folder. They are generated, not committed: 36 PDFs and truths would be several MB.
"""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape

from . import doc as D
from . import render as R
from .kangxi import to_kangxi
from .truth import build_truth

FONTS = {"wqy": ("ZH", "ZHB"), "uming": ("UM", "UM"), "ukai": ("UK", "UK")}  # regular, bold faces
RULES = ("grid", "three_line")
ORIENTATIONS = ("portrait", "landscape", "rotated")  # rotated: portrait MediaBox, /Rotate 90
SHADES = (0.93, None, 0.8)
NUMBERING = ("label", "inline", "none")


@dataclass(frozen=True)
class Style:
    """One combination of the style dimensions."""
    font: str
    rules: str
    orientation: str
    kangxi: bool
    shade: float | None
    numbering: str

    @property
    def name(self) -> str:
        shade = "noshade" if self.shade is None else f"shade{round(self.shade * 100)}"
        return "_".join([self.font, self.rules, self.orientation, "kangxi" if self.kangxi else "plain", shade,
                         f"no-{self.numbering}"])

    def look(self) -> R.TableLook:
        regular, bold = FONTS[self.font]
        if self.kangxi:  # Micro Hei, WenQuanYi's bold face, has no radical glyphs: Zen Hei draws both
            bold = regular
        size = A4 if self.orientation == "portrait" else landscape(A4)
        return R.TableLook(regular=regular, bold=bold, pagesize=size, rules=self.rules, shade=self.shade,
                           numbering=self.numbering)


def all_styles() -> list[Style]:
    """36 documents: the full product of font × rules × orientation × Kangxi, with shade and numbering laid
    over it as two orthogonal Latin squares on (orientation, font), so that every pair of values of any two
    dimensions occurs (checked by ``tests/test_style_corpus.py``)."""
    out = []
    for fi, ri, oi, kangxi in itertools.product(range(3), range(2), range(3), (False, True)):
        out.append(Style(list(FONTS)[fi], RULES[ri], ORIENTATIONS[oi], kangxi,
                         SHADES[(fi + oi + ri) % 3], NUMBERING[(2 * fi + oi + int(kangxi)) % 3]))
    return out


def rotate_pages(pdf: bytes) -> bytes:
    """Store every (landscape) page as a portrait page with /Rotate 90, as many producers do: the content
    is turned a quarter counter-clockwise on the portrait MediaBox, and the viewer turns it back."""
    import pikepdf

    src = pikepdf.open(io.BytesIO(pdf))
    for page in src.pages:
        x0, y0, w, h = (float(v) for v in page.mediabox)
        page.contents_add(pikepdf.Stream(src, f"q 0 1 -1 0 {h:.2f} 0 cm".encode()), prepend=True)
        page.contents_add(pikepdf.Stream(src, b"Q"))
        page.mediabox = pikepdf.Array([0, 0, h, w])
        page.obj.Rotate = 90
    out = io.BytesIO()
    src.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def build(style: Style, model: D.Model) -> tuple[bytes, R.Ctx]:
    """Draw the 13 tables in ``style``; the truth comes from the same tables and the pages they landed on."""
    ctx = R.Ctx(tx=to_kangxi if style.kangxi else (lambda s: s), look=style.look(), watermark=False)
    pdf = R.build_pdf(D.tables_only_story(model, [t.no for t in model.tables]), ctx)
    if style.orientation == "rotated":
        pdf = rotate_pages(pdf)
    return pdf, ctx


def file_name(i: int, style: Style) -> str:
    return f"style_{i:02d}_{style.name}.pdf"


def write_all(out: Path, write, n_pages, only: list[str] | None = None) -> None:
    """Write every style's PDF and truth under ``out`` with ``write(folder, name, pdf, truth)``; ``only``: the
    file stems (or style numbers, ``03``) to write."""
    out.mkdir(parents=True, exist_ok=True)
    model = D.load_model()
    for i, style in enumerate(all_styles(), 1):
        name = file_name(i, style)
        if only and name[:-4] not in only and f"{i:02d}" not in only:
            continue
        pdf, ctx = build(style, model)
        extra = {"style": {"font": style.font, "rules": style.rules, "orientation": style.orientation,
                           "kangxi": style.kangxi, "shade": style.shade, "numbering": style.numbering}}
        truth = build_truth(model, ctx, path=name, pages=n_pages(pdf), forms=False, sections=False, extra=extra)
        write(out, name, pdf, truth)
