"""tilnlp.wordvectors: gensim's real corpus and benchmark files load and parse."""
from pathlib import Path

import pytest

from tilnlp import wordvectors as wv


def test_lee_corpus_is_300_tokenized_articles():
    docs = wv.lee_corpus()
    assert len(docs) == 300
    assert all(isinstance(doc, list) and doc for doc in docs)
    words = [w for doc in docs for w in doc]
    assert all(w == w.lower() and w.isalpha() for w in words[:1000])
    assert 50_000 < len(words) < 70_000
    assert docs[0][:3] == ["hundreds", "of", "people"]


def test_benchmark_files_load_and_parse():
    wordsim = wv.read_word_pairs(wv.benchmark_path("wordsim353"))
    simlex = wv.read_word_pairs(wv.benchmark_path("SimLex999"))
    assert len(wordsim) == 353 and len(simlex) == 999
    assert ("tiger", "cat", 7.35) in wordsim
    assert ("smart", "intelligent", 9.2) in simlex
    assert all(0 <= score <= 10 for *_, score in wordsim + simlex)


def test_unknown_benchmark_names_the_known_ones():
    with pytest.raises(KeyError, match="wordsim353, simlex999"):
        wv.benchmark_path("men3000")


def test_analogy_questions_parse_by_section():
    sections = wv.read_analogies()
    assert len(sections) == 14
    assert sum(len(q) for q in sections.values()) == 19544
    assert sections["capital-common-countries"][0] == ("Athens", "Greece", "Baghdad", "Iraq")
    assert Path(wv.analogies_path()).name == "questions-words.txt"


def test_read_word_pairs_reports_a_bad_line(tmp_path):
    bad = tmp_path / "pairs.tsv"
    bad.write_text("# comment\ncat\tdog\t5\ncat dog 5\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":3: expected word1"):
        wv.read_word_pairs(bad)
