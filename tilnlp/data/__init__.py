"""Data sets the course uses, each loadable offline.

* ``load_imdb()`` – the IMDb reviews as a ``datasets.DatasetDict`` (``train``/``test``,
  columns ``text``/``label``): from the hub (``stanfordnlp/imdb``, the notes' ``imdb``) or the
  vendored real sample.
* ``load_pang_lee()`` – gensim's 200 labelled movie-review sentences (Pang & Lee).
* ``lee_articles()`` – gensim's Lee news corpus, one article per string.
* ``gensim_path(name)`` / ``gensim_lines(name)`` – a file of gensim's bundled test data.
* ``clean_review(text)`` – an IMDb review without its HTML line breaks (``<br />``).
* ``ID2LABEL`` / ``LABEL2ID`` – the sentiment labels' ids and names (0 NEGATIVE, 1 POSITIVE).
* ``load_nsmc()`` – Korean movie reviews (NSMC) as a ``DatasetDict`` (``train``/``validation``/``test``,
  columns ``text``/``label``): from the hub's Parquet copy of ``e9t/nsmc`` or the vendored real sample.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from ..errors import UserError

# The notes call load_dataset("imdb"): the data set's old name, which the hub redirects to
# stanfordnlp/imdb.  datasets 5 with huggingface_hub >= 1 can no longer load a name without an
# owner (HfUriError "Repository id must be 'namespace/name'", huggingface/datasets#8612), so the
# course asks for the repository itself.
IMDB_HUB_ID = "stanfordnlp/imdb"
IMDB_REPO_IDS = (IMDB_HUB_ID, "imdb")  # every id a Hugging Face cache may hold it under
IMDB_SAMPLE = Path(__file__).with_name("imdb_sample.csv")
SPLIT_SEED = 0
ID2LABEL = {0: "NEGATIVE", 1: "POSITIVE"}  # as the real default sentiment model names them
LABEL2ID = {name: i for i, name in ID2LABEL.items()}
GENSIM_ENCODING = "latin-1"  # gensim's test corpora: pang_lee_polarity.cor and lee.cor are not UTF-8
LEE_CORPUS = "lee_background.cor"  # 300 Australian news articles, one per line
NSMC_HUB_ID = "e9t/nsmc"  # Lucy Park's Naver sentiment movie corpus; its main branch is a loading script
# datasets >= 4 runs no loading scripts; the hub's own Parquet conversion of the data set lives on this branch
NSMC_HUB_REVISION = "refs/convert/parquet"
NSMC_SAMPLE = Path(__file__).with_name("nsmc_sample.csv")
NSMC_SPLIT_SEED = 42
NSMC_SAMPLE_SIZES = {"train": 1200, "validation": 400, "test": 400}  # the vendored 2,000 reviews
NSMC_HUB_VALIDATION = 5000  # reviews of the hub's 150,000 training reviews held out for choices
_HTML_BREAK = re.compile(r"(?:\s*<br\s*/?>\s*)+", re.I)


class DataError(UserError):
    """A data file the user gave that cannot be read as the course needs it."""


def clean_review(text: str) -> str:
    """An IMDb review with its HTML line breaks (``<br />``) turned into single spaces."""
    return _HTML_BREAK.sub(" ", text).strip()


def gensim_path(name: str) -> str:
    """Path of a file in gensim's bundled test data, e.g. ``lee_background.cor``."""
    from gensim.test.utils import datapath

    path = datapath(name)
    if not Path(path).is_file():
        raise DataError(f"gensim ships no data file named {name!r}")
    return path


def gensim_lines(name: str) -> list[str]:
    """The non-empty lines of one of gensim's data files, stripped (read as latin-1)."""
    text = Path(gensim_path(name)).read_text(encoding=GENSIM_ENCODING)
    return [line.strip() for line in text.splitlines() if line.strip()]


def lee_articles(name: str = LEE_CORPUS) -> list[str]:
    """The articles of gensim's Lee news corpus (``lee_background.cor``, or ``lee.cor``), one string each."""
    return gensim_lines(name)


def load_pang_lee() -> list[tuple[str, int]]:
    """The 200 labelled sentences of ``pang_lee_polarity.cor`` as ``(text, label)``.

    label 1 = positive, 0 = negative.  The file is latin-1, one sentence a line,
    prefixed with ``__label__pos`` or ``__label__neg``.
    """
    rows = []
    for line in gensim_lines("pang_lee_polarity.cor"):
        tag, _, text = line.partition(" ")
        rows.append((text.strip(), 1 if tag == "__label__pos" else 0))
    return rows


def read_labelled_csv(path: str | Path) -> list[dict]:
    """Rows of a ``text,label`` CSV file (label 0/1), checked for the two columns."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such CSV file: {path}")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "label"} - set(reader.fieldnames or [])
        if missing:
            raise DataError(f"{path}: needs the columns text,label (missing: {', '.join(sorted(missing))})")
        rows = []
        for lineno, row in enumerate(reader, start=2):
            try:
                label = int(row["label"])
            except ValueError:
                raise DataError(f"{path}:{lineno}: label must be 0 or 1, got {row['label']!r}") from None
            if label not in (0, 1):
                raise DataError(f"{path}:{lineno}: label must be 0 or 1, got {label}")
            rows.append({"text": row["text"], "label": label})
    if not rows:
        raise DataError(f"{path}: no rows")
    return rows


def _dataset(rows: list[dict]):
    from datasets import ClassLabel, Dataset, Features, Value

    features = Features({"text": Value("string"), "label": ClassLabel(names=["neg", "pos"])})
    return Dataset.from_list(rows, features=features)


def imdb_sample_splits(path: str | Path = IMDB_SAMPLE):
    """Split a labelled CSV in two halves after one fixed shuffle: ``(train_rows, test_rows)``."""
    import random

    rows = read_labelled_csv(path)
    random.Random(SPLIT_SEED).shuffle(rows)
    half = len(rows) // 2
    return rows[:half], rows[half:]


def load_imdb(source: str = "offline", train_path=None, test_path=None):
    """IMDb as a ``DatasetDict`` with ``train`` and ``test`` splits (``text``, ``label``).

    ``source="hub"`` calls ``datasets.load_dataset("stanfordnlp/imdb")`` (the notes' ``"imdb"``,
    see ``IMDB_HUB_ID``); ``"offline"`` uses the vendored
    sample of 2,000 real reviews (1,000 train / 1,000 test).  ``train_path``/``test_path``
    name a teacher's own ``text,label`` CSV files; one file alone is split in halves.
    """
    from datasets import DatasetDict

    if train_path or test_path:
        if train_path and test_path:
            train, test = read_labelled_csv(train_path), read_labelled_csv(test_path)
        else:
            train, test = imdb_sample_splits(train_path or test_path)
        return DatasetDict(train=_dataset(train), test=_dataset(test))
    if source == "hub":
        from datasets import load_dataset

        full = load_dataset(IMDB_HUB_ID)
        return DatasetDict(train=full["train"], test=full["test"])
    train, test = imdb_sample_splits()
    return DatasetDict(train=_dataset(train), test=_dataset(test))


def nsmc_sample_splits(path: str | Path = NSMC_SAMPLE) -> dict[str, list[dict]]:
    """The vendored NSMC reviews (``text``/``label`` rows), shuffled once with seed 42 and cut into
    ``train`` (1,200), ``validation`` (400) and ``test`` (400)."""
    import random

    rows = read_labelled_csv(path)
    random.Random(NSMC_SPLIT_SEED).shuffle(rows)
    splits, start = {}, 0
    for name, size in NSMC_SAMPLE_SIZES.items():
        splits[name] = rows[start:start + size]
        start += size
    return splits


def _nsmc_from_hub(path: str, revision: str | None):
    """NSMC through ``datasets.load_dataset`` from a repository (or folder) of Parquet files laid out as
    the hub's conversion (``default/train/*.parquet``, ``default/test/*.parquet``; columns
    ``id``, ``document``, ``label``): ``train`` less ``NSMC_HUB_VALIDATION`` held-out reviews, those as
    ``validation``, and ``test``; reviews without text dropped."""
    from datasets import ClassLabel, DatasetDict, Value, load_dataset

    full = load_dataset(path, revision=revision) if revision else load_dataset(path)
    parts = {}
    for split in ("train", "test"):
        part = full[split].rename_column("document", "text").select_columns(["text", "label"])
        part = part.filter(lambda row: bool(row["text"] and row["text"].strip()))
        part = part.cast_column("text", Value("string"))
        parts[split] = part.cast_column("label", ClassLabel(names=["neg", "pos"]))
    held_out = min(NSMC_HUB_VALIDATION, parts["train"].num_rows // 5)
    split = parts["train"].train_test_split(test_size=held_out, seed=NSMC_SPLIT_SEED)
    return DatasetDict(train=split["train"], validation=split["test"], test=parts["test"])


def load_nsmc(source: str = "offline", hub_path: str = NSMC_HUB_ID, revision: str | None = NSMC_HUB_REVISION):
    """Korean movie reviews (NSMC) as a ``DatasetDict``: ``train``, ``validation``, ``test`` (``text``, ``label``).

    ``source="hub"`` loads the hub's Parquet conversion of ``e9t/nsmc`` (``revision``
    ``refs/convert/parquet``; the repository's main branch is a loading script, which ``datasets``
    no longer runs): 145,000 training, 5,000 validation and 50,000 test reviews.  ``"offline"``
    uses the vendored sample of 2,000 real reviews (1,200 / 400 / 400 after one shuffle, seed 42).
    Label 1 = positive (rating 9-10), 0 = negative (rating 1-4), as NSMC labels them.
    """
    from datasets import DatasetDict

    if source == "hub":
        return _nsmc_from_hub(hub_path, revision)
    return DatasetDict({name: _dataset(rows) for name, rows in nsmc_sample_splits().items()})
