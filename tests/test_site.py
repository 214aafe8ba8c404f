"""The HTML site: run.json, one page per executed notebook, index.html, offline and relative."""
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import tilnlp
from tilnlp.publishing import record
from tilnlp.publishing.notebooks import NotebookError
from tilnlp.publishing.runner import Result
from tilnlp.publishing.site import export

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
NETWORK = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", re.I)



def executed(folder: Path, stem: str, description: str, papermill: dict | None = None) -> Path:
    """An executed-looking notebook: a title linking the glossary and the next notebook, a plot."""
    title = new_markdown_cell(f"# {stem[:2]} · Title of {stem}\n\nSee [tokens](../GLOSSARY.md#token) "
                              f"and [the next one](01_next.ipynb#part-2).")
    plot = new_code_cell("plot()", execution_count=1)
    plot.outputs = [new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
                    new_output("stream", name="stdout", text="accuracy 0.8125\n")]
    nb = new_notebook(cells=[title, plot])
    nb.metadata["tilnlp"] = {"description": description}
    if papermill is not None:
        nb.metadata["papermill"] = papermill
    path = folder / f"{stem}.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def site(tmp_path):
    """Executed copies of 00 and 01 recorded by a run; 02 executed elsewhere (papermill metadata only)."""
    src = tmp_path / "executed"
    src.mkdir()
    executed(src, "00_first", "The first notebook")
    executed(src, "01_next", "The next notebook")
    executed(src, "02_outside", "Run by papermill alone", papermill={"duration": 7.25, "exception": None})
    results = [Result("00_first", "passed", 12.34, src / "00_first.ipynb"),
               Result("01_next", "failed", 3.0, src / "01_next.ipynb", "cell [4]: ValueError: boom"),
               Result("03_never", "skipped", 0.0, None)]
    record.record_run(src, results, preset="ci", profile="offline")
    return src


def test_record_run_merges_and_keeps_earlier_entries_of_skipped_notebooks(tmp_path):
    record.record_run(tmp_path, [Result("00_a", "passed", 1.04, None), Result("01_b", "passed", 2.0, None)],
                       preset="full", profile="auto")
    record.record_run(tmp_path, [Result("00_a", "failed", 0.5, None, "cell [2]: KeyError: 'x'"),
                                  Result("01_b", "skipped", 0.0, None)],
                       preset="ci", profile="offline", solutions=True)
    entries = record.read_record(tmp_path)
    assert {k: (v["status"], v["seconds"], v["preset"], v["profile"], v["solutions"]) for k, v in entries.items()} == {
        "00_a": ("failed", 0.5, "ci", "offline", True), "01_b": ("passed", 2.0, "full", "auto", False)}
    assert entries["00_a"]["error"] == "cell [2]: KeyError: 'x'"


def test_a_corrupt_record_is_one_clear_error(tmp_path):
    (tmp_path / "run.json").write_text("{nope")
    with pytest.raises(NotebookError, match="run.json is not a readable run record"):
        record.read_record(tmp_path)


def _rows(index: str) -> list[list[str]]:
    body = index.split("<tbody>")[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_index_lists_every_notebook_with_description_and_run(site):
    index = export(site)
    assert index == site / "index.html"
    rows = _rows(index.read_text(encoding="utf-8"))
    assert [re.sub("<[^>]+>", "|", r[0]).strip("|") for r in rows] == ["00_first", "01_next", "02_outside", "03_never"]
    assert rows[0] == ['<a href="00_first.html">00_first</a>', "The first notebook",
                       '<span class="status passed">passed</span>', "12.3 s", "offline", "ci"]
    assert rows[1][1] == 'The next notebook<div class="error">cell [4]: ValueError: boom</div>'
    assert rows[1][2:] == ['<span class="status failed">failed</span>', "3.0 s", "offline", "ci"]
    assert rows[2][1:] == ["Run by papermill alone", '<span class="status passed">passed</span>', "7.2 s", "—", "—"]
    assert rows[3] == ["03_never", "", '<span class="status skipped">skipped</span>', "—", "offline", "ci"]
    assert "4 notebooks &middot; 2 passed" in index.read_text(encoding="utf-8")


def test_notebook_pages_are_self_contained_and_linked(site):
    export(site)
    assert sorted(p.name for p in site.glob("*.html")) == [
        "00_first.html", "01_next.html", "02_outside.html", "glossary.html", "index.html"]
    page = (site / "00_first.html").read_text(encoding="utf-8")
    assert f'src="data:image/png;base64,{PNG}"' in page  # the plot is inside the page
    assert "accuracy 0.8125" in page
    assert "<title>00 · Title of 00_first</title>" in page
    nav = page[page.index('<nav class="tilnlp-bar">'):page.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', nav) == ["index.html", "00_first.ipynb", "01_next.html"]
    assert "passed</span> 12.3 s · profile offline · preset ci" in nav  # nbconvert writes entities as characters
    assert 'href="glossary.html#token"' in page and 'href="01_next.html#part-2"' in page
    assert "GLOSSARY.md" not in page and "01_next.ipynb" not in page
    failed = (site / "01_next.html").read_text(encoding="utf-8")
    assert "cell [4]: ValueError: boom" in failed and 'href="00_first.html"' in failed


def test_no_page_fetches_anything_from_the_network(site):
    export(site)
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert NETWORK.findall(text) == [], page.name
        assert "<script src" not in text, page.name


def test_glossary_page_keeps_the_anchors(site):
    export(site)
    glossary = (site / "glossary.html").read_text(encoding="utf-8")
    assert '<a id="token"></a>' in glossary and '<a id="cosine-similarity"></a>' in glossary
    assert "코사인 유사도" in glossary and 'href="index.html"' in glossary


def test_export_to_another_folder_takes_the_executed_notebooks_along(site, tmp_path):
    out = tmp_path / "site"
    assert export(site, out) == out / "index.html"
    assert sorted(p.name for p in out.glob("*.ipynb")) == ["00_first.ipynb", "01_next.ipynb", "02_outside.ipynb"]
    assert (out / "00_first.ipynb").read_bytes() == (site / "00_first.ipynb").read_bytes()


def korean(folder: Path, stem: str) -> Path:
    """An executed Korean notebook, linking the glossary as the Korean edition does (one folder deeper)."""
    title = new_markdown_cell(f"# {stem[:2]} · 제목 {stem}\n\n[토큰](../../GLOSSARY.md#토큰)을 보세요.")
    nb = new_notebook(cells=[title])
    nb.metadata["tilnlp"] = {"description": "첫 번째 노트북", "lang": "ko"}
    folder.mkdir(exist_ok=True)
    path = folder / f"{stem}.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_both_languages_get_pages_indexes_and_a_switch_between_them(site):
    korean(site / "ko", "00_first")
    record.record_run(site / "ko", [Result("00_first", "passed", 1.5, site / "ko" / "00_first.ipynb")],
                      preset="ci", profile="offline")
    assert export(site) == site / "index.html"
    english, page = (site / "00_first.html").read_text(encoding="utf-8"), (site / "ko" / "00_first.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english and '<html lang="ko"' in page
    assert 'class="lang-switch" href="ko/00_first.html" hreflang="ko">한국어</a>' in english
    assert 'class="lang-switch" href="../00_first.html" hreflang="en">English</a>' in page
    assert "lang-switch" not in (site / "01_next.html").read_text(encoding="utf-8")  # no Korean copy of 01 ran
    assert 'href="../glossary.html#%ED%86%A0%ED%81%B0"' in page and "모든 노트북" in page  # #토큰, percent-encoded
    index = (site / "ko" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in index and 'href="../index.html">English</a>' in index and "첫 번째 노트북" in index
    assert 'href="ko/index.html">한국어</a>' in (site / "index.html").read_text(encoding="utf-8")
    # the Hangul font travels with the site, and both pages point at it
    from fontTools.ttLib import TTFont

    font = TTFont(site / "fonts" / "NanumGothic.ttf")
    assert font.getBestCmap()[ord("한")] and not [tag for tag in font.keys() if tag.startswith("TSI")]  # Chromium rejects TSI
    assert "unicode-range: U+1100-11FF" in page  # the font serves Hangul; Latin text keeps the system font
    assert 'url("fonts/NanumGothic.ttf")' in english and 'url("../fonts/NanumGothic.ttf")' in page
    assert NETWORK.findall(page) == []


def test_a_korean_only_run_makes_a_korean_site(tmp_path):
    korean(tmp_path / "ko", "00_first")
    assert export(tmp_path) == tmp_path / "ko" / "index.html"
    assert not (tmp_path / "index.html").exists()


def test_export_without_executed_notebooks_is_one_clear_error(tmp_path):
    proc = tilnlp("export", "--from", str(tmp_path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"tilnlp: error: no executed notebooks in {tmp_path}: run `tilnlp run` first, " \
                                  f"or name the folder with --from"


@pytest.mark.slow
def test_run_html_executes_records_and_publishes(tmp_path):
    """A real run: the plot made by the kernel ends up inside the page as a data URI."""
    nb = new_notebook(cells=[new_markdown_cell("# 41 · Plot"),
                             new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2], [3, 4])\nplt.show()")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["tilnlp"] = {"description": "A notebook with one plot"}
    source = tmp_path / "src" / "41_plot.ipynb"
    source.parent.mkdir()
    nbformat.write(nb, str(source))
    out = tmp_path / "out"
    proc = tilnlp("run", str(source), "--html", "--preset", "ci", "--profile", "offline", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"HTML: {out / 'index.html'}" in proc.stdout
    entry = json.loads((out / "run.json").read_text())["notebooks"]["41_plot"]
    assert (entry["status"], entry["preset"], entry["profile"], entry["solutions"]) == ("passed", "ci", "offline", False)
    assert 0 < entry["seconds"] < 120
    page = (out / "41_plot.html").read_text(encoding="utf-8")
    assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]{500,}"', page)
    row = _rows((out / "index.html").read_text(encoding="utf-8"))[0]
    assert row[:3] == ['<a href="41_plot.html">41_plot</a>', "A notebook with one plot",
                       '<span class="status passed">passed</span>']
