"""The Korean edition, run and shown in a real browser: `tilnlp run 00 --lang ko --html`, then
headless Chromium renders the executed Korean notebook 00's page.

Needs Debian's ``chromium`` and ``poppler-utils`` (``.ci/run`` installs them).  The page is printed
to PDF; every run of Korean text in it must be drawn in the Hangul font the site ships
(NanumGothic), none in a font without Hangul (boxes), the notebook's Korean title included.
"""
import json
import re
import shutil
import subprocess

import pytest

from conftest import tilnlp
from tilnlp.publishing import notebooks as nbs

pytestmark = pytest.mark.slow
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed: apt-get install chromium poppler-utils (.ci/run does)"
    return path


def test_headless_chromium_renders_the_korean_notebook_00_page(tmp_path):
    chromium, pdffonts, pdftohtml = _tool("chromium"), _tool("pdffonts"), _tool("pdftohtml")
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
    # Which font drew each run of text (pdftohtml -xml): a Hangul run drawn in a font without Hangul
    # (DejaVu, Chromium's fallback) is a row of boxes. Bold Hangul is NanumGothic made bold by
    # Chromium, embedded as a nameless Type 3 font, which pdftohtml names "Times".
    xml = subprocess.run([pdftohtml, "-xml", "-i", "-stdout", str(pdf)], capture_output=True, text=True, check=True).stdout
    family = dict(re.findall(r'<fontspec id="(\d+)"[^>]*family="([^"]+)"', xml))
    runs = [(family[font], re.sub(r"<[^>]+>", "", body)) for font, body in re.findall(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', xml)]
    hangul = [(font, run) for font, run in runs if re.search(r"[\uac00-\ud7a3]", run)]
    assert len(hangul) > 100 and sum("NanumGothic" in font for font, _ in hangul) > len(hangul) / 2
    boxes = [(font, run) for font, run in hangul if "DejaVu" in font]
    assert not boxes, boxes[:10]  # no Hangul drawn as boxes: in the bar, the headings, the text, the code
    title = nbs.read(nbs.lang_dir("ko") / "00_setup_and_tour.ipynb").cells[0].source.splitlines()[0].lstrip("# ")
    words = re.findall(r"[\uac00-\ud7a3]+", title)
    drawn = {run for font, run in hangul if "NanumGothic" in font}
    assert len(words) >= 2 and all(any(word in run for run in drawn) for word in words), (words, sorted(drawn)[:20])
