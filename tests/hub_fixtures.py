"""Tiny stand-ins for the hub's own repositories, saved under the real ids, for tests of the hub path.

Each is the real architecture with random weights and a tokenizer of the real kind, small
enough to build in seconds and to fine-tune in notebook 09 at CI sizes:

* ``gpt2`` – ``GPT2LMHeadModel`` and a byte-level BPE (``<|endoftext|>``) trained on gensim's Lee corpus;
* ``distilbert/distilbert-base-uncased-finetuned-sst-2-english`` – ``DistilBertForSequenceClassification``
  with the labels ``NEGATIVE``/``POSITIVE`` and the bert-base-uncased WordPiece vocabulary;
* ``roberta-base`` – ``RobertaForMaskedLM`` (no classification head, as on the hub) and a byte-level
  BPE with RoBERTa's special tokens ``<s> <pad> </s> <unk> <mask>`` at ids 0-4;
* ``bert-base-uncased`` – BERT with both pre-training heads (masked LM and next sentence), config
  ``BertForMaskedLM`` as on the hub, the uncased WordPiece vocabulary (``vocab.txt``, so the slow
  ``BertTokenizerLegacy`` loads too) and ``model_max_length`` 512;
* the imdb data set – ``plain_text/{train,test}-00000-of-00001.parquet`` (``text``, ``label`` as
  ``ClassLabel(neg, pos)``) with a README whose ``configs:`` block names them, as ``stanfordnlp/imdb``
  has, made from the 2,000 vendored real reviews.

The vocabularies are real (the words the notebooks look up exist); the weights are random.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

GPT2 = "gpt2"
SENTIMENT = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
ROBERTA = "roberta-base"
BERT = "bert-base-uncased"
MODEL_IDS = (GPT2, SENTIMENT, ROBERTA, BERT)
SEED = 0
SMALL = dict(hidden=64, layers=2, heads=2, intermediate=128)  # every fixture model's size

IMDB_README = """---
pretty_name: IMDB (tilnlp test fixture)
dataset_info:
  config_name: plain_text
  features:
  - name: text
    dtype: string
  - name: label
    dtype:
      class_label:
        names:
          '0': neg
          '1': pos
  splits:
  - name: train
    num_bytes: {train_bytes}
    num_examples: {train_rows}
  - name: test
    num_bytes: {test_bytes}
    num_examples: {test_rows}
configs:
- config_name: plain_text
  data_files:
  - split: train
    path: plain_text/train-*
  - split: test
    path: plain_text/test-*
  default: true
---

# IMDB (test fixture)

2,000 real reviews from tilnlp's vendored sample, laid out as the hub's stanfordnlp/imdb.
"""


def _bpe(special_tokens: list[str], vocab_size: int = 2000) -> tuple[dict, list]:
    """A byte-level BPE vocabulary and merges learned from gensim's Lee corpus."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    from tilnlp.data import lee_articles

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=special_tokens, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(lee_articles(), trainer)
    learned = json.loads(bpe.to_str())["model"]
    return learned["vocab"], [tuple(pair) for pair in learned["merges"]]


def _wordpiece_tokenizer(folder: Path):
    """The bert-base-uncased WordPiece tokenizer (from the packaged MiniLM encoder), saved into ``folder``."""
    from transformers import BertTokenizer

    from tilnlp.sourcing.models import encoder_dir

    shutil.copyfile(encoder_dir() / "vocab.txt", folder / "vocab.txt")
    tokenizer = BertTokenizer(vocab=str(folder / "vocab.txt"), do_lower_case=True, model_max_length=512)
    tokenizer.save_pretrained(folder)
    return tokenizer


def _seeded():
    import torch

    torch.manual_seed(SEED)


def gpt2(folder: Path) -> None:
    from transformers import (
        GenerationConfig,
        GPT2Config,
        GPT2LMHeadModel,
        GPT2Tokenizer,
    )

    vocab, merges = _bpe(["<|endoftext|>"])
    tokenizer = GPT2Tokenizer(vocab=vocab, merges=merges, model_max_length=1024)
    _seeded()
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=1024, n_embd=SMALL["hidden"], n_layer=SMALL["layers"],
                        n_head=SMALL["heads"], bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id,
                        architectures=["GPT2LMHeadModel"])
    model = GPT2LMHeadModel(config)
    model.generation_config = GenerationConfig(bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def roberta(folder: Path) -> None:
    from transformers import RobertaConfig, RobertaForMaskedLM, RobertaTokenizer

    vocab, merges = _bpe(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    tokenizer = RobertaTokenizer(vocab=vocab, merges=merges, model_max_length=512)
    assert [tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id] == [0, 1, 2]
    _seeded()
    config = RobertaConfig(vocab_size=len(tokenizer), hidden_size=SMALL["hidden"], num_hidden_layers=SMALL["layers"],
                           num_attention_heads=SMALL["heads"], intermediate_size=SMALL["intermediate"],
                           max_position_embeddings=514, type_vocab_size=1, pad_token_id=1, bos_token_id=0,
                           eos_token_id=2, architectures=["RobertaForMaskedLM"])
    RobertaForMaskedLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def bert(folder: Path) -> None:
    from transformers import BertConfig, BertForPreTraining

    tokenizer = _wordpiece_tokenizer(folder)
    _seeded()
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=SMALL["hidden"], num_hidden_layers=SMALL["layers"],
                        num_attention_heads=SMALL["heads"], intermediate_size=SMALL["intermediate"],
                        architectures=["BertForMaskedLM"])
    BertForPreTraining(config).save_pretrained(folder)  # both heads, as in the hub's checkpoint
    config.save_pretrained(folder)  # ... under the hub's architectures entry


def sentiment(folder: Path) -> None:
    from transformers import DistilBertConfig, DistilBertForSequenceClassification

    from tilnlp.data import ID2LABEL, LABEL2ID

    tokenizer = _wordpiece_tokenizer(folder)
    _seeded()
    config = DistilBertConfig(vocab_size=len(tokenizer), dim=SMALL["hidden"], n_layers=SMALL["layers"],
                              n_heads=SMALL["heads"], hidden_dim=SMALL["intermediate"], id2label=ID2LABEL,
                              label2id=LABEL2ID, architectures=["DistilBertForSequenceClassification"])
    DistilBertForSequenceClassification(config).save_pretrained(folder)


def imdb(folder: Path) -> None:
    from datasets import ClassLabel, Dataset, Features, Value

    from tilnlp.data import imdb_sample_splits

    features = Features({"text": Value("string"), "label": ClassLabel(names=["neg", "pos"])})
    (folder / "plain_text").mkdir()
    sizes = {}
    for split, rows in zip(("train", "test"), imdb_sample_splits()):
        data = Dataset.from_list(rows, features=features)
        data.to_parquet(folder / "plain_text" / f"{split}-00000-of-00001.parquet")
        sizes |= {f"{split}_bytes": data.data.nbytes, f"{split}_rows": data.num_rows}
    (folder / "README.md").write_text(IMDB_README.format(**sizes))


BUILDERS = {GPT2: gpt2, SENTIMENT: sentiment, ROBERTA: roberta, BERT: bert}


def build_models(root: Path) -> dict[str, Path]:
    """Every fixture model in ``root/<real id>``; returns the folders by real id."""
    folders = {}
    for real_id, builder in BUILDERS.items():
        folder = Path(root) / real_id
        folder.mkdir(parents=True)
        builder(folder)
        folders[real_id] = folder
    return folders


def build_imdb(root: Path) -> Path:
    folder = Path(root) / "stanfordnlp" / "imdb"
    folder.mkdir(parents=True)
    imdb(folder)
    return folder


def build_mirror(mirror: Path, work: Path) -> Path:
    """A complete olah mirror of the fixtures: the four models and imdb (as ``imdb`` and ``stanfordnlp/imdb``)."""
    from tilnlp.classroom import mirror as mirrors
    from tilnlp.data import IMDB_REPO_IDS

    for real_id, folder in build_models(work / "models").items():
        mirrors.add(mirror, mirrors.Source("model", real_id, mirrors.folder_files(folder), "test fixture"))
    files = mirrors.folder_files(build_imdb(work / "datasets"))
    for repo_id in IMDB_REPO_IDS:
        mirrors.add(mirror, mirrors.Source("dataset", repo_id, files, "test fixture"))
    return mirror
