"""The Korean edition: complete, current, generated from one source, and code identical to the English."""
import re
import shutil

import pytest
from conftest import ROOT

from tilnlp import notebooks as nbs
from tilnlp import translation as tr

HANGUL = re.compile(r"[\uac00-\ud7a3]")
COURSE = nbs.course_notebooks()


def test_the_korean_edition_is_complete_and_current():
    """No translation missing, stale or left TODO, and every notebooks/ko/ file as the generator makes it."""
    assert tr.check() == []


@pytest.mark.parametrize("english", COURSE, ids=[p.stem for p in COURSE])
def test_code_is_identical_and_every_markdown_cell_is_korean(english):
    korean = nbs.read(tr.korean_path(english))
    en = nbs.read(english)
    assert [c.cell_type for c in korean.cells] == [c.cell_type for c in en.cells]
    assert [c.id for c in korean.cells] == [c.id for c in en.cells]
    for k, e in zip(korean.cells, en.cells):
        if e.cell_type == "code":
            assert (k.source, k.metadata.get("tags"), k.outputs) == (e.source, e.metadata.get("tags"), e.outputs)
        else:
            assert HANGUL.search(k.source), f"{english.stem} cell {e.id} has no Korean"
    assert HANGUL.search(korean.metadata["tilnlp"]["description"])
    assert korean.metadata["tilnlp"]["lang"] == "ko"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the course's notebooks, translations and glossary to break things in."""
    for folder in ("notebooks", "i18n"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for name in ("GLOSSARY.md", "pyproject.toml"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_edited_english_cell_makes_its_translation_stale(project):
    english = project / "notebooks" / "01_text_generation.ipynb"
    nb = nbs.read(english)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += "\n\nOne more sentence."
    nbs.write(nb, english)
    assert tr.check() == [f"01_text_generation: cell {cell.id} is stale (the English changed since it was translated)"]
    with pytest.raises(tr.TranslationError, match="is stale"):
        tr.korean_notebook(english)


def test_a_missing_translation_and_an_outdated_korean_notebook_fail(project):
    (project / "i18n" / "ko" / "02_sentiment_pipeline.md").unlink()
    korean = project / "notebooks" / "ko" / "03_roberta_without_finetuning.ipynb"
    nb = nbs.read(korean)
    nb.cells[0].source += " (edited by hand)"
    nbs.write(nb, korean)
    assert tr.check() == ["02_sentiment_pipeline: no translation file i18n/ko/02_sentiment_pipeline.md",
                          "03_roberta_without_finetuning: notebooks/ko/03_roberta_without_finetuning.ipynb is out "
                          "of date; run `tilnlp translate`"]
    tr.generate([project / "notebooks" / "03_roberta_without_finetuning.ipynb"])
    assert tr.check() == ["02_sentiment_pipeline: no translation file i18n/ko/02_sentiment_pipeline.md"]


def test_skeleton_keeps_current_translations_and_marks_the_rest(project):
    english = project / "notebooks" / "00_setup_and_tour.ipynb"
    nb = nbs.read(english)
    new = nb.cells[0].copy()
    new.id, new.source = "0000aaaa", "## A new section\n\nWith new text."
    nb.cells.insert(1, new)
    nbs.write(nb, english)
    before = tr.read_translation(tr.translation_path(english))
    tr.skeleton(english)
    after = tr.read_translation(tr.translation_path(english))
    assert after["cell 0000aaaa"].text == f"{tr.TODO}\n## A new section\n\nWith new text."
    assert all(after[key] == section for key, section in before.items())
    assert tr.problems(english) == ["00_setup_and_tour: cell 0000aaaa is still to be translated (TODO)"]


def test_links_point_one_folder_up_and_at_korean_glossary_anchors():
    anchors = tr.glossary_anchors()
    assert anchors["token"] == "토큰" and anchors["tokenization"] == anchors["tokenizer"]
    text = "[토큰](../GLOSSARY.md#token), [용어집](../GLOSSARY.md), [README](../README.md), [02](02_x.ipynb#a)"
    assert tr.relink(text, anchors) == ("[토큰](../../GLOSSARY.md#토큰), [용어집](../../GLOSSARY.md), "
                                        "[README](../../README.md), [02](02_x.ipynb#a)")
