"""The QA report opens in headless Chromium: documents listed, the one-digit failure shown.

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

from extract.api import run_batch
from extract.report import build_report, resolve_inputs

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    files = [SAMPLES / "yq2025_born_digital.pdf", SAMPLES / "yq2025_one_digit.pdf"]
    run_batch(files, out)
    return build_report(out, resolve_inputs(out, files))


def test_report_is_static_and_pictures_sit_beside_it(report: Path):
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), "no CDN or remote resources"
    assert "<script" not in text
    pictures = list((report.parent / "report_files").glob("*.png"))
    assert any("_check" in p.name for p in pictures), "a crop for each failing check"
    assert any("_p7." in p.name for p in pictures), "a thumbnail of each table page"
    for src in re.findall(r'src="([^"]+)"', text):
        assert (report.parent / src).is_file(), src


def test_every_conflict_shows_the_pages_its_variants_were_read_on(report: Path):
    """遗属补助's 填报日期 differs between its copies on pages 22 and 32: both pages are shown."""
    text = report.read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td[^>]*>project</td><td[^>]*>遗属补助</td><td[^>]*>filled_at</td>(.*?)</tr>", text)
    assert rows, "the 遗属补助 填报日期 conflict is listed"
    pages = re.findall(r'class="thumb" src="report_files/[0-9a-f]+_p(\d+)\.png"', rows[0])
    assert sorted(int(p) for p in pages) == [22, 32]


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed (apt-get install chromium)")
def test_report_dom_in_chromium(report: Path):
    done = _chromium("--dump-dom", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert dom.count('class="doc-row"') == 2
    assert "yq2025_born_digital.pdf" in dom and "yq2025_one_digit.pdf" in dom
    failing = re.findall(r'<tr class="failing-check">(.*?)</tr>', dom, re.S)
    assert len(failing) == 4
    assert any("sum.children" in f and "20408" in f for f in failing)
    assert all("expenditure_total" in f and "58.00" in f for f in failing if "cross." in f)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed (apt-get install chromium)")
def test_report_screenshot(report: Path):
    shot = report.parent / "screenshot.png"
    done = _chromium("--window-size=1300,2400", f"--screenshot={shot}", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 20_000
