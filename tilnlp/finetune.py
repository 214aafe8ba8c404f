"""Fine-tuning a BERT-style encoder on IMDb: the study notes' recipe and a fast CPU recipe.

A *recipe* is data – how to tokenise, how to batch and the ``TrainingArguments`` settings –
so that notebook 09 and ``benchmarks/finetune_recipes.py`` run exactly the same thing.
The notebook still calls ``TrainingArguments(...)`` and ``Trainer(...)`` itself::

    spec = RECIPES["fast"]
    train = tokenize(train_split, tokenizer, spec)
    args = TrainingArguments(output_dir=..., **training_kwargs(spec, seed=42))
    trainer = Trainer(model=model, args=args, train_dataset=train, eval_dataset=...,
                      data_collator=data_collator(tokenizer, spec), compute_metrics=compute_metrics)

``seed``  the notes: every review padded to 512 tokens, batches of 8, learning rate 5e-5,
          3 epochs, no warm-up, random batches.
``fast``  dynamic padding (each batch padded to its own longest review), batches of
          similar-length reviews, the last 256 tokens of each review, no dropout on the
          attention weights (so PyTorch can use its fused attention kernel), a 10 % warm-up
          and larger evaluation batches; the notes' batch size (8) and learning rate (5e-5).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .data import ID2LABEL, LABEL2ID  # noqa: F401  (the notebook imports them from here)


@dataclass(frozen=True)
class Recipe:
    """How to fine-tune: tokenisation, batching and the ``TrainingArguments`` that differ."""

    name: str
    summary: str
    padding: str  # "max_length": pad every review to max_length; "dynamic": pad each batch to its longest
    max_length: int  # reviews are cut (truncated) to this many tokens
    epochs: float
    truncation_side: str = "right"  # "right": keep the beginning of a long review; "left": keep its end
    model_kwargs: dict = field(default_factory=dict)  # configuration changes for from_pretrained
    training_args: dict = field(default_factory=dict)  # TrainingArguments keywords of this recipe

    @property
    def tokenizer_padding(self) -> str | bool:
        """The ``padding=`` argument for the tokenizer: pad now (seed) or later, per batch (fast)."""
        return "max_length" if self.padding == "max_length" else False


RECIPES = {
    "seed": Recipe(
        name="seed",
        summary="the study notes: pad to 512, batch 8, lr 5e-5, 3 epochs, no warm-up",
        padding="max_length",
        max_length=512,
        epochs=3,
        training_args=dict(
            per_device_train_batch_size=8,
            per_device_eval_batch_size=8,
            learning_rate=5e-5,  # the Trainer default the notes rely on
            warmup_steps=0,
            train_sampling_strategy="random",
        ),
    ),
    "fast": Recipe(
        name="fast",
        summary="dynamic padding, length-grouped batches of 8, the last 256 tokens, no attention dropout, "
                "lr 5e-5 with 10 % warm-up",
        padding="dynamic",
        max_length=256,
        epochs=3,
        truncation_side="left",  # keep the end of a long review, where the verdict usually is
        model_kwargs=dict(attention_probs_dropout_prob=0.0),  # lets PyTorch use its fused attention kernel
        training_args=dict(
            # The notes' batch size and learning rate: they beat batch 16 / lr 1e-4 on reviews held
            # out of the training set (README, "Measured"); the test reviews played no part.
            per_device_train_batch_size=8,
            per_device_eval_batch_size=64,
            learning_rate=5e-5,
            warmup_steps=0.1,  # a float below 1 is a fraction of all steps
            weight_decay=0.01,
            train_sampling_strategy="group_by_length",  # transformers 5's name for group_by_length=True
        ),
    ),
}


def get_recipe(name: str) -> Recipe:
    try:
        return RECIPES[name]
    except KeyError:
        raise ValueError(f"unknown recipe {name!r}; choose one of: {', '.join(RECIPES)}") from None


def training_kwargs(recipe: Recipe, seed: int = 42, epochs: float | None = None) -> dict:
    """``TrainingArguments`` keywords for ``recipe`` (the notebook adds ``output_dir``).

    Common to both recipes: evaluate every epoch (``eval_strategy``, the notes'
    ``evaluation_strategy``), the notes' checkpoint settings, no reporting to
    external services, and one seed for shuffling, dropout and the new head.
    """
    return dict(
        num_train_epochs=recipe.epochs if epochs is None else epochs,
        eval_strategy="epoch",
        save_steps=10_000,
        save_total_limit=2,
        logging_strategy="epoch",
        report_to="none",
        seed=seed,
        disable_tqdm=True,
        dataloader_pin_memory=False,  # pinned memory only helps when copying to a GPU
        **recipe.training_args,
    )


def tokenize(dataset, tokenizer, recipe: Recipe, max_length: int | None = None):
    """Tokenise a ``text``/``label`` split the recipe's way; keeps ``label``, drops ``text``.

    The seed recipe pads here, to ``max_length``; the fast recipe leaves padding to the
    collator and stores each review's token count in a ``length`` column, which
    ``train_sampling_strategy="group_by_length"`` uses to put similar lengths together.
    """
    if tokenizer.truncation_side != recipe.truncation_side:
        raise ValueError(f"recipe {recipe.name!r} truncates on the {recipe.truncation_side}; set "
                         f"tokenizer.truncation_side = {recipe.truncation_side!r} first")
    limit = max_length or recipe.max_length
    padding = recipe.tokenizer_padding

    def tokenize_function(examples):
        return tokenizer(examples["text"], padding=padding, truncation=True, max_length=limit)

    out = dataset.map(tokenize_function, batched=True, remove_columns=["text"])
    if recipe.padding == "dynamic":
        out = out.map(lambda ex: {"length": len(ex["input_ids"])})
    return out


def data_collator(tokenizer, recipe: Recipe):
    """``DataCollatorWithPadding`` for dynamic padding; the default collator for pre-padded data."""
    from transformers import DataCollatorWithPadding, default_data_collator

    if recipe.padding == "dynamic":
        return DataCollatorWithPadding(tokenizer)
    return default_data_collator


def padded_positions(lengths, batch_size: int, max_length: int, batching: str = "random", seed: int = 0) -> int:
    """How many token positions one epoch computes, padding included.

    ``lengths`` are the reviews' token counts before truncation.  ``batching``:

    * ``"max_length"`` – every review padded to ``max_length`` (the notes' ``padding='max_length'``);
    * ``"random"`` – random batches, each padded to its longest review (dynamic padding);
    * ``"sorted"`` – batches of neighbours in length order, each padded to its longest
      (the ideal that length grouping approaches).
    """
    import numpy as np

    kept = np.minimum(np.asarray(lengths, dtype=np.int64), max_length)
    if batching == "max_length":
        return int(len(kept) * max_length)
    if batching == "random":
        kept = kept[np.random.default_rng(seed).permutation(len(kept))]
    elif batching == "sorted":
        kept = np.sort(kept)
    else:
        raise ValueError(f"unknown batching {batching!r}; choose max_length, random or sorted")
    return int(sum(batch.max() * len(batch) for batch in np.array_split(kept, range(batch_size, len(kept), batch_size))))


def compute_metrics(eval_pred) -> dict:
    """The notes' metric: accuracy of the arg-max class (scikit-learn's ``accuracy_score``)."""
    import numpy as np
    from sklearn.metrics import accuracy_score

    logits, labels = eval_pred.predictions, eval_pred.label_ids
    if isinstance(logits, tuple):
        logits = logits[0]
    return {"accuracy": float(accuracy_score(labels, np.argmax(logits, axis=-1)))}


def logits(model, tokenizer, texts, max_length: int = 512, batch_size: int = 64):
    """The model's logits for ``texts`` (numpy, one row per text, in order), under ``torch.inference_mode``.

    The texts are tokenised once, grouped into batches of similar length
    (:func:`tilnlp.similarity.length_sorted_batches`) and each batch is padded only to its own
    longest review (dynamic padding); the rows are put back into the original order.  Padding
    never changes a review's logits – the attention mask hides it – so this gives the same
    answers as padding everything to ``max_length``, for less computation.
    """
    import numpy as np
    import torch

    from .similarity import length_sorted_batches

    encodings = tokenizer(list(texts), truncation=True, max_length=max_length)
    lengths = [len(ids) for ids in encodings["input_ids"]]
    out = np.zeros((len(lengths), model.config.num_labels), dtype=np.float32)
    model.eval()
    with torch.inference_mode():
        for idx in length_sorted_batches(lengths, batch_size):
            batch = tokenizer.pad([{key: encodings[key][i] for key in encodings.keys()} for i in idx],
                                  return_tensors="pt")
            out[idx] = model(**batch).logits.float().numpy()
    return out


def predict(model, tokenizer, texts, max_length: int = 512, batch_size: int = 64):
    """Predicted labels (the arg-max of :func:`logits`) for ``texts``, in their order."""
    return logits(model, tokenizer, texts, max_length=max_length, batch_size=batch_size).argmax(axis=-1)


def history(trainer):
    """Per-epoch training loss and evaluation accuracy/loss from ``trainer.state.log_history``."""
    import pandas as pd

    rows: dict[float, dict] = {}
    for entry in trainer.state.log_history:
        if "epoch" not in entry:
            continue
        row = rows.setdefault(round(entry["epoch"], 2), {"epoch": round(entry["epoch"], 2)})
        if "loss" in entry:
            row["train_loss"] = entry["loss"]
        if "eval_accuracy" in entry:
            row["eval_accuracy"] = entry["eval_accuracy"]
            row["eval_loss"] = entry.get("eval_loss")
    frame = pd.DataFrame(sorted(rows.values(), key=lambda r: r["epoch"]))
    return frame.dropna(how="all", subset=[c for c in frame.columns if c != "epoch"]).reset_index(drop=True)


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far, in MiB (``ru_maxrss``)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux
