"""Similarity of vectors, and sentence embeddings from an encoder.

Two measures, written once in plain numpy so a notebook can show the code:

* ``cosine(a, b)``    – the cosine of the angle between ``a`` and ``b`` (1 = same direction);
* ``euclidean(a, b)`` – the straight-line distance ‖a − b‖ (0 = the same point).

``cosine_matrix`` and ``euclidean_matrix`` give every pair between the rows of two matrices.
For vectors of length 1 the two carry the same information: ‖a − b‖² = 2 − 2·cos(a, b).

An encoder returns one vector per token; a sentence embedding pools them into one vector:

* ``mean_pool(hidden, mask)`` – the mean over the real tokens (padding excluded by the mask);
* ``cls_pool(hidden)``        – the vector of the first token, ``[CLS]``.

``embed(texts, model, tokenizer)`` does it for many texts: it sorts them by length so each
batch pads little, runs under ``torch.inference_mode()``, and returns a numpy array in the
original order.
"""
from __future__ import annotations

import numpy as np

POOLINGS = ("mean", "cls")


# --------------------------------------------------------------------------- vectors (numpy)

def cosine(a, b) -> float:
    """Cosine similarity of two vectors: a·b / (‖a‖ ‖b‖), between -1 and 1."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def euclidean(a, b) -> float:
    """Euclidean distance of two vectors: ‖a − b‖, 0 or more."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b))


def l2_normalize(x):
    """``x`` scaled to length 1 (each row, for a matrix)."""
    x = np.asarray(x, dtype=np.float64)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def cosine_matrix(x, y=None):
    """Cosine similarity of every row of ``x`` with every row of ``y`` (default ``x``): shape (n, m)."""
    x = l2_normalize(np.atleast_2d(x))
    y = x if y is None else l2_normalize(np.atleast_2d(y))
    return x @ y.T


def euclidean_matrix(x, y=None):
    """Euclidean distance of every row of ``x`` to every row of ``y`` (default ``x``): shape (n, m)."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    y = x if y is None else np.atleast_2d(np.asarray(y, dtype=np.float64))
    squared = (x * x).sum(1)[:, None] + (y * y).sum(1)[None, :] - 2 * x @ y.T
    return np.sqrt(np.clip(squared, 0.0, None))  # clip: rounding can dip a hair below 0


# --------------------------------------------------------------------------- pooling (torch)

def mean_pool(last_hidden_state, attention_mask):
    """Mean of the token vectors, counting only tokens whose attention mask is 1.

    ``last_hidden_state``: (batch, tokens, hidden); ``attention_mask``: (batch, tokens).
    A plain ``last_hidden_state.mean(dim=1)`` would also average the padding of the
    shorter texts in a batch.
    """
    mask = attention_mask.unsqueeze(-1).to(last_hidden_state.dtype)  # (batch, tokens, 1)
    summed = (last_hidden_state * mask).sum(dim=1)
    counts = mask.sum(dim=1).clamp(min=1e-9)
    return summed / counts


def cls_pool(last_hidden_state):
    """The vector of the first token (``[CLS]``) of each text: (batch, hidden)."""
    return last_hidden_state[:, 0]


def pool(last_hidden_state, attention_mask, pooling: str = "mean"):
    """``mean_pool`` or ``cls_pool`` by name."""
    if pooling == "mean":
        return mean_pool(last_hidden_state, attention_mask)
    if pooling == "cls":
        return cls_pool(last_hidden_state)
    raise ValueError(f"unknown pooling {pooling!r}; choose one of: {', '.join(POOLINGS)}")


# --------------------------------------------------------------------------- many texts

def length_sorted_batches(lengths, batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def embed(texts, model, tokenizer, batch_size: int = 32, max_length: int = 128,
          pooling: str = "mean", sort_by_length: bool = True):
    """Sentence embeddings of ``texts`` as a numpy array (len(texts), hidden), in the given order.

    Texts are tokenized once (truncated to ``max_length`` tokens), grouped into batches of
    similar length when ``sort_by_length`` (so little padding is computed), padded per batch,
    run under ``torch.inference_mode()`` and pooled with the attention mask.
    """
    import torch

    if pooling not in POOLINGS:
        raise ValueError(f"unknown pooling {pooling!r}; choose one of: {', '.join(POOLINGS)}")
    texts = [texts] if isinstance(texts, str) else list(texts)
    hidden = model.config.hidden_size
    if not texts:
        return np.zeros((0, hidden), dtype=np.float32)
    encodings = tokenizer(texts, truncation=True, max_length=max_length)
    lengths = [len(ids) for ids in encodings["input_ids"]]
    if sort_by_length:
        batches = length_sorted_batches(lengths, batch_size)
    else:
        batches = [list(range(i, min(i + batch_size, len(texts)))) for i in range(0, len(texts), batch_size)]
    device = next(model.parameters()).device
    out = np.zeros((len(texts), hidden), dtype=np.float32)
    with torch.inference_mode():
        for idx in batches:
            features = [{key: encodings[key][i] for key in encodings.keys()} for i in idx]
            batch = tokenizer.pad(features, return_tensors="pt").to(device)
            states = model(**batch).last_hidden_state
            out[idx] = pool(states, batch["attention_mask"], pooling).float().cpu().numpy()
    return out


def padding_fraction(lengths, batches) -> float:
    """Share of the computed token positions that are padding, for these batches."""
    real = sum(lengths[i] for idx in batches for i in idx)
    computed = sum(max(lengths[i] for i in idx) * len(idx) for idx in batches if idx)
    return 1 - real / computed if computed else 0.0
