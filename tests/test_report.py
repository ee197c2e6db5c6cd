"""The QA report opens in headless Chromium: the index lists, sorts and filters documents;
a document's page shows the one-digit failure beside its crop.

Needs the Debian ``chromium`` package (in the Makefile's APT_PKGS); skipped with
the reason when /usr/bin/chromium is absent. Chromium is started by the test
with no network and no GPU; the DOM it dumps is what a reviewer would see.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from extract.api import BatchConfig, run_batch
from extract.report import build_report

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    files = [SAMPLES / "yq2025_born_digital.pdf", SAMPLES / "yq2025_one_digit.pdf"]
    run_batch(files, out, config=BatchConfig(report=True))
    return out


def doc_page(out: Path, name: str) -> Path:
    import pandas as pd

    docs = pd.read_csv(out / "documents.csv").set_index("path")
    return out / "report" / f"{docs.loc[name, 'doc_id']}.html"


def test_report_is_static_and_pictures_sit_beside_it(out: Path):
    index = (out / "report.html").read_text(encoding="utf-8")
    page = doc_page(out, "yq2025_one_digit.pdf")
    text = page.read_text(encoding="utf-8")
    for html in (index, text):
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "no CDN or remote resources"
        assert not re.search(r"<script[^>]+src=", html), "no script from elsewhere"
    assert "<script" not in text, "a document's page needs no script"
    pictures = sorted(p.name for p in (page.parent / page.stem).glob("*.jpg"))
    assert any(p.startswith("check") for p in pictures), "a crop for each failing check"
    assert "p7.jpg" in pictures, "a thumbnail of each table page"
    for src in re.findall(r'src="([^"]+)"', text):
        assert (page.parent / src).is_file(), src
    for href in re.findall(r'href="(report/[^"]+)"', index):
        assert (out / href).is_file(), href


def test_pictures_are_drawn_by_the_workers_and_cached(out: Path):
    """The report copies the pictures the workers cached; rebuilding it draws nothing and changes nothing."""
    cached = sorted(p.name for p in (out / ".cache").glob("*.pictures/*.jpg"))
    shown = sorted(p.name for p in (out / "report").glob("*/*.jpg"))
    assert cached == shown and len(shown) > 20
    before = {p: p.stat().st_mtime_ns for p in (out / "report").rglob("*")}
    build_report(out)
    assert {p: p.stat().st_mtime_ns for p in (out / "report").rglob("*")} == before


def test_every_conflict_shows_the_pages_its_variants_were_read_on(out: Path):
    """遗属补助's 填报日期 differs between its copies on pages 22 and 32: both pages are shown."""
    text = doc_page(out, "yq2025_born_digital.pdf").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td[^>]*>project</td><td[^>]*>遗属补助</td><td[^>]*>filled_at</td>(.*?)</tr>", text)
    assert rows, "the 遗属补助 填报日期 conflict is listed"
    pages = re.findall(r'class="thumb" src="[0-9a-f]+/p(\d+)\.jpg"', rows[0])
    assert sorted(int(p) for p in pages) == [22, 32]


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, *args], capture_output=True, text=True, timeout=120)


@needs_chromium
def test_report_dom_in_chromium(out: Path):
    done = _chromium("--dump-dom", doc_page(out, "yq2025_one_digit.pdf").as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    failing = re.findall(r'<tr class="failing-check">(.*?)</tr>', dom, re.S)
    assert len(failing) == 4
    assert any("sum.children" in f and "20408" in f for f in failing)
    assert all('class="box"' in f for f in failing if "check" in f and "<img" in f), "the figure boxed on its crop"
    assert re.search(r'<figure><span class="pic"><img[^>]+p7\.jpg[^>]*><span class="box" style="left:', dom), \
        "each table boxed on its page thumbnail"
    assert all("expenditure_total" in f and "58.00" in f for f in failing if "cross." in f)


@needs_chromium
def test_index_dom_in_chromium(out: Path):
    done = _chromium("--dump-dom", (out / "report.html").as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    rows = re.findall(r'<tr class="doc-row"[^>]*>(.*?)</tr>', done.stdout, re.S)
    assert len(rows) == 2
    one_digit = next(r for r in rows if "yq2025_one_digit.pdf" in r)
    assert re.search(r'class="num fail">4<', one_digit), "its four failing checks"
    assert re.search(r'<td class="num">7</td><td class="num ok">', one_digit), "its seven projects"


@needs_chromium
def test_report_screenshot(out: Path):
    shot = out / "screenshot.png"
    done = _chromium("--window-size=1300,2400", f"--screenshot={shot}", doc_page(out, "yq2025_one_digit.pdf").as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 20_000


def test_documents_cached_without_pictures_are_redone_for_a_report(tmp_path: Path) -> None:
    """A notebook-style run (no pictures) then a report run on the same OUT: drawn then, not before."""
    from bench import craft

    craft.page_slice(tmp_path / "in" / "doc.pdf", 7, 1)
    out = tmp_path / "out"
    run_batch(tmp_path / "in", out, config=BatchConfig(pictures=False))
    assert not list((out / ".cache").glob("*.pictures"))
    run_batch(tmp_path / "in", out, config=BatchConfig(report=True))
    assert [p.name for p in (out / ".cache").glob("*.pictures/*.jpg")] == ["p1.jpg"]


@pytest.fixture(scope="module")
def batch_200(tmp_path_factory) -> Path:
    """200 documents (one table page of the sample, every file different bytes), with the report."""
    from bench import craft

    root = tmp_path_factory.mktemp("batch200")
    one = craft.page_slice(root / "one.pdf", 7, 1)
    for i in range(200):
        craft.varied_copy(root / "in" / f"doc{i:03d}.pdf", i, source=one)
    (root / "in" / "doc007.pdf").write_bytes(b"PK\x03\x04 a zip")  # one failed row to filter for
    run_batch(root / "in", root / "out", config=BatchConfig(jobs=2, report=True))
    return root / "out"


def _rows_shown(dom: str) -> list[str]:
    rows = re.findall(r'<tr class="doc-row"([^>]*)>(.*?)</tr>', dom, re.S)
    return [body for attrs, body in rows if "display: none" not in attrs]


@pytest.mark.slow
@needs_chromium
def test_index_of_200_documents_sorts_and_filters_in_chromium(batch_200: Path):
    index = (batch_200 / "report.html").as_uri()
    dom = _chromium("--dump-dom", index).stdout
    assert len(_rows_shown(dom)) == 200
    assert 'id="shown">200<' in dom
    failed = _rows_shown(_chromium("--dump-dom", index + "#status=failed").stdout)
    assert len(failed) == 1 and "doc007.pdf" in failed[0] and "not_pdf" in failed[0]
    typed = _rows_shown(_chromium("--dump-dom", index + "#q=doc19").stdout)
    assert sorted(re.findall(r"doc\d+\.pdf", "".join(typed))) == [f"doc{i}.pdf" for i in range(190, 200)]
    by_status = _rows_shown(_chromium("--dump-dom", index + "#sort=status:desc").stdout)
    assert "doc007.pdf" in by_status[-1], "failed sorts last, descending (ok > failed)"
    pages = [p for p in (batch_200 / "report").glob("*.html")]
    assert len(pages) == 200, "a page per document, the failed one included"
    doc = _chromium("--dump-dom", sorted(pages)[0].as_uri()).stdout
    assert "← all documents" in doc and re.search(r'<img class="" src="[0-9a-f]+/p1\.jpg"', doc)
