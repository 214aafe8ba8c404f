"""Plumbing for notebook 09 (fine-tuning with the ``Trainer``): counting, predicting, timing, reading logs.

Notebook 09 writes its recipes out itself – ``tokenize_function``, ``TrainingArguments(...)``,
``Trainer(...)`` – and ``benchmarks/finetune_recipes.py`` runs that notebook.  What stays here
is what would distract from the lesson:

* ``padded_positions`` – how many token positions an epoch computes for a way of batching;
* ``logits`` / ``predict`` – a model's answers for many texts, in their order (the Trainer's own
  ``predict`` returns length-grouped rows out of order);
* ``timing`` and ``history`` – training and evaluation seconds, and per-epoch curves, from the
  Trainer's log;
* ``peak_memory_mib`` / ``reset_peak_memory`` – the peak resident memory of the process, and
  starting that measurement anew (to measure one training run inside a longer notebook);
* ``averaged_checkpoints`` / ``layerwise_parameter_groups`` – checkpoint averaging and layer-wise
  learning-rate decay, the notebook's ``average_last_epochs`` and ``layer_decay`` (tried on
  hold-outs and not adopted; README, "Measured").
"""
from __future__ import annotations

from .data import ID2LABEL, LABEL2ID  # noqa: F401  (the notebook imports them from here)


def padded_positions(lengths, batch_size: int, max_length: int, batching: str = "random", seed: int = 0,
                     multiple: int = 1) -> int:
    """How many token positions one epoch computes, padding included.

    ``lengths`` are the reviews' token counts before truncation.  ``batching``:

    * ``"max_length"`` – every review padded to ``max_length`` (the notes' ``padding='max_length'``);
    * ``"random"`` – random batches, each padded to its longest review (dynamic padding);
    * ``"sorted"`` – batches of neighbours in length order, each padded to its longest
      (the ideal that length grouping approaches).

    ``multiple`` > 1 rounds each batch's padded length up to a multiple of it, as
    ``DataCollatorWithPadding(pad_to_multiple_of=...)`` does.
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
    batches = np.array_split(kept, range(batch_size, len(kept), batch_size))
    return int(sum(-(-int(batch.max()) // multiple) * multiple * len(batch) for batch in batches))


def logits(model, tokenizer, texts, max_length: int = 512, batch_size: int = 64, bf16: bool = False):
    """The model's logits for ``texts`` (numpy, one row per text, in order), under ``torch.inference_mode``.

    The texts are tokenised once (with the tokenizer's own ``truncation_side``), grouped into
    batches of similar length (:func:`tilnlp.similarity.length_sorted_batches`) and each batch is
    padded only to its own longest text; the rows are put back into the original order.  Padding
    never changes a text's logits – the attention mask hides it.  ``bf16`` runs the model under
    bfloat16 autocast, as the ``Trainer`` evaluates with ``bf16=True``.
    """
    import numpy as np
    import torch

    from .similarity import length_sorted_batches

    encodings = tokenizer(list(texts), truncation=True, max_length=max_length)
    lengths = [len(ids) for ids in encodings["input_ids"]]
    out = np.zeros((len(lengths), model.config.num_labels), dtype=np.float32)
    device = next(model.parameters()).device
    model.eval()
    with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
        for idx in length_sorted_batches(lengths, batch_size):
            batch = tokenizer.pad([{key: encodings[key][i] for key in encodings.keys()} for i in idx],
                                  return_tensors="pt").to(device)
            out[idx] = model(**batch).logits.float().cpu().numpy()
    return out


def predict(model, tokenizer, texts, max_length: int = 512, batch_size: int = 64, bf16: bool = False):
    """Predicted labels (the arg-max of :func:`logits`) for ``texts``, in their order."""
    return logits(model, tokenizer, texts, max_length=max_length, batch_size=batch_size, bf16=bf16).argmax(axis=-1)


def timing(trainer, n_examples: int) -> dict:
    """Seconds spent training and evaluating in the last ``trainer.train()``, from the Trainer's log.

    ``train_runtime`` includes the evaluations after each epoch; they are counted apart, so
    ``train_seconds`` is the training alone.  ``examples_per_second`` counts training examples
    over all epochs.
    """
    log = trainer.state.log_history
    total = next(entry["train_runtime"] for entry in reversed(log) if "train_runtime" in entry)
    evaluations = sum(entry["eval_runtime"] for entry in log if "eval_runtime" in entry and "eval_accuracy" in entry)
    train_seconds = total - evaluations
    return {"train_seconds": round(train_seconds, 1), "eval_seconds": round(evaluations, 1),
            "examples_per_second": round(n_examples * trainer.args.num_train_epochs / train_seconds, 2)}


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
    """Peak resident memory of this process, in MiB: since it started, or since :func:`reset_peak_memory`.

    Linux: ``VmHWM`` from ``/proc/self/status`` (the figure ``reset_peak_memory`` resets);
    macOS: ``ru_maxrss``, which cannot be reset; Windows (no ``resource`` module): psutil's
    ``peak_wset``, the peak working set, which cannot be reset either.
    """
    import sys

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        import psutil

        info = psutil.Process().memory_info()
        return getattr(info, "peak_wset", info.rss) / 1024 / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def reset_peak_memory() -> bool:
    """Make :func:`peak_memory_mib` count from now: the peak becomes the memory resident right now.

    Linux only (writing ``5`` to ``/proc/self/clear_refs``); returns False where the peak cannot be
    reset, and :func:`peak_memory_mib` then goes on reporting the whole process's peak.
    """
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def averaged_checkpoints(last_epochs: int = 2):
    """A ``TrainerCallback``: training ends with the mean of the weights after each of the last ``last_epochs``.

    Checkpoint averaging: the weights after each of the last epochs sit somewhere near a good
    solution, each pushed about by its last batches; their mean sits nearer the middle and depends
    less on the random start and the batch order.  The evaluations after each epoch still see that
    epoch's own weights; when training ends the weights are replaced by the mean (summed in
    float32: one more copy of the model in memory).  With fewer epochs than ``last_epochs`` all of
    them are averaged; with one, nothing changes.
    """
    import torch
    from transformers import TrainerCallback

    class AveragedCheckpoints(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            self.first, self.total, self.count = state.num_train_epochs - last_epochs + 1, None, 0

        def on_epoch_end(self, args, state, control, model=None, **kwargs):
            if round(state.epoch) < self.first:
                return
            with torch.no_grad():
                weights = [p.detach().float() for p in model.parameters()]
                if self.total is None:
                    self.total = [w.clone() for w in weights]
                else:
                    for total, w in zip(self.total, weights):
                        total.add_(w)
            self.count += 1

        def on_train_end(self, args, state, control, model=None, **kwargs):
            if self.count > 1:
                with torch.no_grad():
                    for p, total in zip(model.parameters(), self.total):
                        p.copy_(total / self.count)
            self.total = None

    return AveragedCheckpoints()


def layerwise_parameter_groups(model, learning_rate: float, decay: float, weight_decay: float = 0.0) -> list[dict]:
    """Optimizer parameter groups with layer-wise learning-rate decay for a BERT-style encoder.

    The task head and the pooler learn at ``learning_rate``; encoder layer *l* (counted from 0 at
    the input, *L* layers) at ``learning_rate * decay ** (L - l)``, so the top layer at
    ``learning_rate * decay``; the embeddings at ``learning_rate * decay ** (L + 1)``.  Layers near
    the input hold the most general knowledge and move least.  Biases and LayerNorm weights get no
    weight decay, as in the ``Trainer``'s own grouping.
    """
    import re

    n_layers = model.config.num_hidden_layers
    groups: dict[tuple[float, float], list] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        layer = re.search(r"\.layer\.(\d+)\.", name)
        if layer:
            depth = n_layers - int(layer.group(1))          # layer 11 of 12 -> 1, layer 0 -> 12
        elif ".embeddings." in name or name.startswith("embeddings."):
            depth = n_layers + 1
        else:
            depth = 0                                        # pooler, classifier
        no_decay = name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name
        key = (learning_rate * decay ** depth, 0.0 if no_decay else weight_decay)
        groups.setdefault(key, []).append(param)
    return [{"params": params, "lr": lr, "weight_decay": wd} for (lr, wd), params in groups.items()]
