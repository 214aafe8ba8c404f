"""The Korean edition, run and shown in a real browser: `tilnlp run 00 --lang ko --html`, then
headless Chromium renders the executed Korean notebook 00's page.

Needs Debian's ``chromium`` and ``poppler-utils`` (``.ci/run`` installs them).  The page is printed
to PDF; the PDF must carry the Hangul font the site ships (NanumGothic) and spell the notebook's
Korean title – Korean text drawn with real glyphs, not boxes.
"""
import json
import re
import shutil
import subprocess

import pytest
from conftest import tilnlp

from tilnlp import notebooks as nbs

pytestmark = pytest.mark.slow
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed: apt-get install chromium poppler-utils (.ci/run does)"
    return path


def test_headless_chromium_renders_the_korean_notebook_00_page(tmp_path):
    chromium, pdffonts, pdftotext = _tool("chromium"), _tool("pdffonts"), _tool("pdftotext")
    out = tmp_path / "site"
    proc = tilnlp("run", "00", "--lang", "ko", "--html", "--preset", "ci", "--profile", "offline", "--out", out)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    # the run: the Korean notebook, executed in notebooks/ko (so the stand-in notes speak Korean), into OUT/ko
    executed = json.loads((out / "ko" / "00_setup_and_tour.ipynb").read_text())
    assert executed["metadata"]["tilnlp"]["lang"] == "ko"
    notes = "".join(str(o.get("data", {}).get("text/markdown", "")) for c in executed["cells"] for o in c.get("outputs", []))
    assert "오프라인 대체 모델: 달라지는 점" in notes and re.search(r"[\uac00-\ud7a3]{2}", notes.split("**", 2)[-1])
    assert json.loads((out / "ko" / "run.json").read_text())["notebooks"]["00_setup_and_tour"]["status"] == "passed"
    assert not (out / "00_setup_and_tour.ipynb").exists()
    # the page, and what a browser makes of it
    page = out / "ko" / "00_setup_and_tour.html"
    assert page.is_file() and (out / "fonts" / "NanumGothic.ttf").is_file()
    pdf = tmp_path / "page.pdf"
    subprocess.run([chromium, *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}",
                    "--no-pdf-header-footer", page.as_uri()], capture_output=True, timeout=180, check=True)
    fonts = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NanumGothic" in fonts, fonts
    text = re.sub(r"\s+", " ", subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    title = nbs.read(nbs.lang_dir("ko") / "00_setup_and_tour.ipynb").cells[0].source.splitlines()[0].lstrip("# ")
    words = re.findall(r"[\uac00-\ud7a3]+", title)
    assert words and all(word in text for word in words), (title, text[:500])
