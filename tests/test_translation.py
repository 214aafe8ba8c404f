"""The Korean edition: complete, current, generated from one source, and code identical to the English
(apart from the strings it prints, which are Korean)."""
import ast
import json
import re
import shutil
from pathlib import Path

import nbformat
import nbformat.v4
import pytest

from conftest import ROOT
from tilnlp.publishing import notebooks as nbs
from tilnlp.publishing import translation as tr

HANGUL = re.compile(r"[\uac00-\ud7a3]")
COURSE = nbs.course_notebooks()


def test_the_korean_edition_is_complete_and_current():
    """No translation missing, stale or left TODO, and every notebooks/ko/ file as the generator makes it."""
    assert tr.check() == []


def without_strings(source: str) -> str:
    """A code cell's syntax tree with every string literal blanked (f-strings: their placeholders, in any
    order): what must not differ between editions."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # Korean word order may move the placeholders
            node.values = sorted((v for v in node.values if isinstance(v, ast.FormattedValue)), key=ast.dump)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


@pytest.mark.parametrize("english", COURSE, ids=[p.stem for p in COURSE])
def test_code_is_the_same_apart_from_printed_strings_and_every_markdown_cell_is_korean(english):
    korean = nbs.read(tr.korean_path(english))
    en = nbs.read(english)
    strings = tr.read_strings(tr.translation_path(english))
    assert [c.cell_type for c in korean.cells] == [c.cell_type for c in en.cells]
    assert [c.id for c in korean.cells] == [c.id for c in en.cells]
    for k, e in zip(korean.cells, en.cells):
        if e.cell_type == "code":
            assert k.source == tr.translate_code(e.source, strings)
            assert without_strings(k.source) == without_strings(e.source), f"{english.stem} cell {e.id}"
            assert k.metadata.get("tags") == e.metadata.get("tags")
            if nbs.is_checked(e):
                assert k.outputs, f"{english.stem} cell {e.id}: a checked cell of the Korean notebook with nothing to check"
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


# --------------------------------------------------------------------------- printed strings

def write_strings(project, stem: str, text: str) -> Path:
    """Add ``text`` to the strings section of a translation (after the entries it has)."""
    path = project / "i18n" / "ko" / f"{stem}.md"
    head, _, strings = path.read_text(encoding="utf-8").partition(f"\n{tr.STRINGS}\n")
    path.write_text(f"{head}\n{tr.STRINGS}\n{strings.rstrip()}\n\n{text}", encoding="utf-8")
    return path


def english_cell(project, stem: str, source: str):
    english = project / "notebooks" / f"{stem}.ipynb"
    nb = nbs.read(english)
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.append(cell)
    nbs.write(nb, english)
    return english, cell.id


def test_a_printed_string_is_translated_with_its_placeholders_and_a_kept_one_stays(project):
    english, cell_id = english_cell(project, "00_setup_and_tour", '''n = 3
prompt = "The Invisible Dragon barked"
print(f"{n} reviews in all, {n - 1:>3} of them positive")
print(prompt, "->", "the model said this")''')
    write_strings(project, "00_setup_and_tour", '''en: f"{n} reviews in all, {n - 1:>3} of them positive"
ko: f"모두 리뷰 {n}개, 그중 긍정은 {n - 1:>3}개"

keep: "The Invisible Dragon barked"
en: "the model said this"
ko: "모델이 한 말"
''')
    tr.generate([english])
    korean = next(c for c in nbs.read(tr.korean_path(english)).cells if c.id == cell_id)
    assert korean.source == '''n = 3
prompt = "The Invisible Dragon barked"
print(f"모두 리뷰 {n}개, 그중 긍정은 {n - 1:>3}개")
print(prompt, "->", "모델이 한 말")'''
    assert not [p for p in tr.check() if "reviews in all" in p or "model said" in p or "Dragon" in p]


def test_an_unlisted_printed_string_a_stale_one_and_a_lost_placeholder_are_named(project):
    english, _ = english_cell(project, "00_setup_and_tour", '''print(f"accuracy on {n} reviews")
print("the end")  # one word-pair is enough to be listed
print("x")''')
    write_strings(project, "00_setup_and_tour", '''en: f"accuracy on {n} reviews"
ko: f"리뷰의 정확도"

en: "no longer in the code"
ko: "이제 코드에 없음"
''')
    found = [p for p in tr.check() if p.startswith("00")]
    assert "00_setup_and_tour: strings: the Korean of 'f\"accuracy on {n} reviews\"' has other placeholders than the English" in found
    assert "00_setup_and_tour: strings: '\"no longer in the code\"' is in no code cell (stale)" in found
    with pytest.raises(tr.TranslationError, match="placeholders"):
        tr.korean_notebook(english)
    path = tr.translation_path(english)
    path.write_text(path.read_text(encoding="utf-8").replace('ko: f"리뷰의 정확도"', 'ko: f"리뷰 {n}개의 정확도"')
                    .replace('en: "no longer in the code"\nko: "이제 코드에 없음"\n', ""), encoding="utf-8")
    found = [p for p in tr.check() if p.startswith("00")]
    assert "00_setup_and_tour: strings: '\"the end\"' is neither translated nor kept" in found
    assert not any("reviews" in p or "'\"x\"'" in p for p in found)


def test_a_malformed_strings_section_is_one_clear_error(project):
    write_strings(project, "00_setup_and_tour", 'en: "one"\nen: "two"\n')
    assert tr.check()[0].startswith("00_setup_and_tour_ko.md" if False else "00_setup_and_tour.md: every 'en: ' line needs")


def test_a_literal_spread_over_lines_is_one_entry():
    text = '''print(f"first part {a} "
      "second part")'''
    assert tr.printed_literals(text) == ['f"first part {a} "\n      "second part"']
    entry = tr.PrintedString('f"first part {a} "\n      "second part"', 'f"첫 부분 {a} "\n      "둘째 부분"')
    assert tr.string_problems(entry) is None
    assert tr.translate_code(text, [entry]) == '''print(f"첫 부분 {a} "
      "둘째 부분")'''


def test_docstrings_and_strings_inside_placeholders_are_not_printed_strings():
    code = '''def f(x):
    """Say what f does in many words."""
    return f"{x['a key here']} done"'''
    assert tr.printed_literals(code) == []


def test_the_checked_outputs_of_the_korean_notebook_are_its_own_and_kept_while_its_code_stays(project):
    english = project / "notebooks" / "00_setup_and_tour.ipynb"
    korean_path = tr.korean_path(english)
    korean = nbs.read(korean_path)
    checked = next(c for c in korean.cells if nbs.is_checked(c))
    checked.outputs = [nbformat.v4.new_output("stream", name="stdout", text="한국어 출력\n")]
    nbs.write(korean, korean_path)
    tr.generate([english])
    again = next(c for c in nbs.read(korean_path).cells if c.id == checked.id)
    assert again.outputs[0]["text"] == "한국어 출력\n"
    # the English code of that cell changes: the Korean output is gone until `tilnlp bless` stores a new one
    nb = nbs.read(english)
    cell = next(c for c in nb.cells if c.id == checked.id)
    cell.source += "\nprint(1)"
    nbs.write(nb, english)
    tr.generate([english])
    assert next(c for c in nbs.read(korean_path).cells if c.id == checked.id).outputs == []
    assert f"00_setup_and_tour: checked cell {checked.id} of the Korean notebook has no expected output; " \
           "run `tilnlp bless 00`" in tr.check()


# --------------------------------------------------------------------------- English left in Korean output

def test_english_left_finds_the_course_s_english_and_leaves_data_quotes_and_code_alone():
    course = tr.phrases("the scores add up to") | tr.phrases("newly initialised (missing from the checkpoint):")
    outputs = [
        "[{'label': 'NEGATIVE', 'score': 0.75}] | the scores add up to 1.0",  # course English: found
        "점수를 모두 더하면 1.0입니다",                                          # Korean: fine
        "The movie was missing from the checkpoint of my memory",            # data that shares a phrase: found (honest limit)
        "[{'generated_text': 'the scores add up to nothing'}]",              # quoted model output: fine
        '노트는 *"the scores add up to a lot"* 이라고 썼습니다',                  # a quotation: fine
        "Maas et al., 2011",
        "[tilnlp] 모델 klue/bert-base: Hugging Face Hub가 응답하지 않습니다",        # a name: fine
    ]
    course |= tr.phrases("from the Hugging Face Hub")
    assert tr.english_left(outputs, course) == [outputs[0], outputs[2]]


def test_the_course_english_of_a_notebook_holds_its_printed_strings_but_not_the_kept_ones(project):
    english, _ = english_cell(project, "00_setup_and_tour", '''print("an untranslated course sentence")
print("The Invisible Dragon barked")''')
    write_strings(project, "00_setup_and_tour", 'keep: "The Invisible Dragon barked"\n')
    course = tr.course_english(english)
    assert ("an", "untranslated", "course") in course
    assert ("invisible", "dragon", "barked") not in course
    assert ("offline", "stand-in", "for") in course  # the package's own English (models.py)


def test_the_package_speaks_korean_in_the_korean_edition(monkeypatch, capsys):
    from tilnlp import exercises, plots
    from tilnlp.lang import tr as say

    monkeypatch.setenv("TILNLP_LANG", "ko")
    exercises.check(1, 3, lambda a: a == 3)
    exercises.check(2, 4, lambda a: a == 3, hint="다시 세어 보세요")
    assert capsys.readouterr().out == "연습 1: 정답입니다.\n연습 2: 아직 아닙니다. 힌트: 다시 세어 보세요\n"
    assert say("yes", "예") == "예"
    import matplotlib
    matplotlib.use("Agg")
    ax = plots.confusion([0, 1, 1], [0, 1, 0], ["부정", "긍정"])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("예측 레이블", "실제 레이블")
    monkeypatch.setenv("TILNLP_LANG", "en")
    assert say("yes", "예") == "yes"


def test_figure_text_is_recorded_for_the_tests(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tilnlp import plots

    plots.use_hangul_font()
    record = tmp_path / "figures.jsonl"
    plots.record_figure_text(record)
    fig, ax = plt.subplots()
    ax.set(title="정확도", xlabel="an English label")
    fig.savefig(tmp_path / "f.png")
    plt.close(fig)
    texts = json.loads(record.read_text(encoding="utf-8").splitlines()[-1])
    assert "정확도" in texts and "an English label" in texts
