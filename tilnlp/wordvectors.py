"""Corpora and benchmark files for training and judging word vectors (Word2Vec).

Everything here is real data that gensim ships in its test folder, so it works offline:

* ``lee_corpus()`` – the Lee news corpus (``lee_background.cor``: 300 Australian news
  articles), one token list per article, tokenized with gensim's ``simple_preprocess``;
* ``benchmark_path("wordsim353")`` / ``benchmark_path("simlex999")`` – word pairs scored by
  people, for ``KeyedVectors.evaluate_word_pairs``;
* ``analogies_path()`` – Mikolov et al.'s ``questions-words.txt`` (``a : b :: c : d``), for
  ``KeyedVectors.evaluate_word_analogies``;
* ``read_word_pairs(path)`` and ``read_analogies(path)`` – the same files parsed, to look inside.
"""
from __future__ import annotations

from pathlib import Path

from .data import LEE_CORPUS, gensim_path, lee_articles

ANALOGIES = "questions-words.txt"
BENCHMARKS = {
    # name: (gensim file, what the human score measures)
    "wordsim353": ("wordsim353.tsv", "relatedness, 0-10 (WordSim353, Finkelstein et al. 2002)"),
    "simlex999": ("simlex999.txt", "similarity, 0-10 (SimLex-999, Hill et al. 2015)"),
}


def lee_corpus(name: str = LEE_CORPUS) -> list[list[str]]:
    """A gensim corpus file as one token list per line (``simple_preprocess``: lowercase words)."""
    from gensim.utils import simple_preprocess

    return [simple_preprocess(article) for article in lee_articles(name)]


def benchmark_path(name: str) -> str:
    """Path of a word-pair benchmark gensim ships: ``wordsim353`` or ``simlex999``."""
    try:
        filename, _ = BENCHMARKS[name.lower()]
    except KeyError:
        raise KeyError(f"unknown benchmark {name!r}; choose one of: {', '.join(BENCHMARKS)}") from None
    return gensim_path(filename)


def analogies_path() -> str:
    """Path of ``questions-words.txt``, the word-analogy questions gensim ships."""
    return gensim_path(ANALOGIES)


def read_word_pairs(path: str | Path) -> list[tuple[str, str, float]]:
    """``(word1, word2, human score)`` rows of a tab-separated pair file; ``#`` lines are comments."""
    rows = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            raise ValueError(f"{path}:{lineno}: expected word1<TAB>word2<TAB>score, got {line!r}")
        rows.append((parts[0], parts[1], float(parts[2])))
    return rows


def read_analogies(path: str | Path | None = None) -> dict[str, list[tuple[str, str, str, str]]]:
    """The analogy questions by section (``: capital-common-countries`` ...), as 4-tuples."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for lineno, line in enumerate(Path(path or analogies_path()).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
            continue
        words = line.split()
        if current is None or len(words) != 4:
            raise ValueError(f"{path}:{lineno}: expected a ': section' line or four words, got {line!r}")
        sections[current].append(tuple(words))
    return sections
