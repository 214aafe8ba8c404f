"""GLOSSARY.md: every entry bilingual – term and definition – with a stable English and Korean anchor,
and every link to it from an English or a Korean notebook resolves (the Korean ones to Korean anchors)."""
import re

import pytest

from conftest import ROOT
from tilnlp.publishing import notebooks as nbs

GLOSSARY = ROOT / "GLOSSARY.md"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
ROW = re.compile(r"^\| ((?:<a id=\"[^\"]+\"></a>)+)(.+?) \| <a id=\"([^\"]+)\"></a>(.+?) \| (.+?) \| (.+?) \|$")
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
LINK = re.compile(r"""(?:\]\(|href=")([^)"\s]*GLOSSARY\.md)(?:#([^)"\s]*))?""")  # markdown or HTML links

# the terms the notebooks teach (the issue's list): each needs an entry
REQUIRED = """token tokenizer embedding fine-tuning pre-training masked-language-model next-sentence-prediction
attention-mask pooling logits softmax cosine-similarity euclidean-distance word2vec cbow skip-gram pipeline
classification-head decoding greedy sampling top-k top-p temperature epoch batch padding truncation
learning-rate warm-up accuracy confusion-matrix baseline tf-idf seed autograd no-grad inference-mode
stand-in offline-profile preset""".split()


def entries() -> list[tuple[list[str], str, str, str, str, str]]:
    """(English anchors, English term, Korean anchor, Korean term, definition, Korean definition) per row."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            anchors, english, korean_anchor, korean, definition, korean_definition = match.groups()
            rows.append((ANCHOR.findall(anchors), english, korean_anchor, korean, definition, korean_definition))
    return rows


def anchors() -> set[str]:
    return {a for row in entries() for a in row[0]}


def korean_anchors() -> set[str]:
    return {row[2] for row in entries()}


def test_every_table_row_is_an_entry_with_an_anchor():
    rows = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith("| English")]
    assert len(rows) == len(entries()) >= 90


def test_each_entry_has_both_terms_and_a_one_line_definition_in_both_languages():
    for ids, english, _, korean, definition, korean_definition in entries():
        assert re.search(r"[A-Za-z]", english) and not HANGUL.search(english), ids
        assert HANGUL.search(korean), f"{ids[0]} has no Korean term: {korean!r}"
        assert len(definition.split()) >= 5 and definition.endswith("."), ids
        assert len(HANGUL.findall(korean_definition)) >= 8, f"{ids[0]} has no Korean definition: {korean_definition!r}"
        assert korean_definition.rstrip().endswith((".", "다.", "요.")), ids


def test_anchors_are_unique_and_url_safe():
    ids = [a for row in entries() for a in row[0]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a) for a in ids), ids
    korean = [row[2] for row in entries()]
    assert len(korean) == len(set(korean)) and not set(korean) & set(ids)
    assert all(re.fullmatch(r"[\uac00-\ud7a3a-z0-9]+(-[\uac00-\ud7a3a-z0-9]+)*", a) for a in korean), korean


def test_the_issue_terms_are_all_there():
    missing = [term for term in REQUIRED if term not in anchors()]
    assert missing == []


def test_the_study_notes_korean_terms_are_used():
    korean = {row[0][0]: row[3] for row in entries()}
    expected = {"embedding": "임베딩", "fine-tuning": "파인튜닝", "pre-training": "사전 학습",
                "masking": "마스킹", "similarity": "유사도", "cosine-similarity": "코사인 유사도",
                "euclidean-distance": "유클리디안 거리", "epoch": "에포크", "batch": "배치"}
    for anchor, term in expected.items():
        assert term in korean[anchor], (anchor, korean[anchor])


def test_each_section_lists_exactly_its_anchors():
    sections = GLOSSARY.read_text(encoding="utf-8").split("\n## ")[1:]
    assert len(sections) >= 6
    for section in sections:
        listed = set(re.findall(r"`#([a-z0-9-]+)`", section))
        english = {a for line in section.splitlines() if ROW.match(line) for a in ANCHOR.findall(ROW.match(line).group(1))}
        assert listed == english, section.splitlines()[0]


def _glossary_links():
    for lang in nbs.LANGS:
        for path in nbs.course_notebooks(nbs.lang_dir(lang)):
            for i, cell in enumerate(nbs.read(path).cells):
                for target, anchor in LINK.findall(cell.source):
                    yield path, i, target, anchor


@pytest.mark.parametrize("path, cell, target, anchor",
                         [pytest.param(*link, id=f"{link[0].stem}-cell{link[1]}-{link[3] or 'top'}")
                          for link in _glossary_links()])
def test_every_notebook_glossary_link_resolves(path, cell, target, anchor):
    assert (path.parent / target).resolve() == GLOSSARY.resolve(), f"{path.name} cell {cell} links {target}"
    korean = path.parent.name == "ko"
    wanted = korean_anchors() if korean else anchors()
    assert not anchor or anchor in wanted, \
        f"{path.parent.name}/{path.name} cell {cell}: no {'Korean ' if korean else ''}anchor #{anchor} in GLOSSARY.md"


def test_the_first_notebook_links_the_glossary_in_both_languages():
    assert {path.parent.name for path, *_ in _glossary_links() if path.name == "00_setup_and_tour.ipynb"} == \
        {"notebooks", "ko"}


def test_korean_links_go_to_the_korean_anchor_of_the_same_entry():
    from tilnlp.publishing.translation import glossary_anchors

    mapping = glossary_anchors()
    for ids, _, korean_anchor, *_ in entries():
        assert all(mapping[a] == korean_anchor for a in ids)
