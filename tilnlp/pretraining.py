"""BERT's two pre-training objectives in the small: masked language modelling and NSP.

The corpus is ``tilnlp.data.lee_articles()`` (gensim's 300 real Australian news articles), cut
into whole-sentence blocks by ``tilnlp.text.token_blocks`` – the examples
``DataCollatorForLanguageModeling`` masks.

* ``masking_counts(batch, originals, tokenizer)`` – what the collator did, counted:
  how many tokens were chosen, and how many of those became ``[MASK]``, a random token
  or stayed unchanged (BERT: 15 %, then 80/10/10).
* ``nsp_pairs(documents, n, seed)`` – sentence pairs for next-sentence prediction, half
  real (B follows A in the same article) and half random (B from another article).
* ``reset_mlm_head(model)`` – give a ``BertForMaskedLM`` a freshly initialised head, so
  the mini pre-training starts from a random head whatever checkpoint it was loaded from.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from .text import split_sentences


@dataclass(frozen=True)
class MaskingCounts:
    """What ``DataCollatorForLanguageModeling`` did to a batch, counted over real tokens."""

    candidates: int  # real tokens that could be chosen (not [CLS]/[SEP]/[PAD])
    chosen: int  # tokens the model must predict (label != -100)
    to_mask: int  # chosen and shown as [MASK]
    to_random: int  # chosen and replaced by another token
    unchanged: int  # chosen but shown as they were

    @property
    def chosen_fraction(self) -> float:
        return self.chosen / self.candidates if self.candidates else 0.0

    def split(self) -> tuple[float, float, float]:
        """Fractions of the chosen tokens shown as [MASK], random, unchanged."""
        n = self.chosen or 1
        return self.to_mask / n, self.to_random / n, self.unchanged / n

    def __add__(self, other: "MaskingCounts") -> "MaskingCounts":
        return MaskingCounts(*(a + b for a, b in zip(self._tuple(), other._tuple())))

    def _tuple(self):
        return (self.candidates, self.chosen, self.to_mask, self.to_random, self.unchanged)


def masking_counts(batch, originals, tokenizer) -> MaskingCounts:
    """Count what the collator did: ``batch`` is its output, ``originals`` the unmasked ids.

    ``originals`` is a (batch, tokens) tensor of the ids before masking, padded like
    ``batch["input_ids"]``.  A "random" replacement that happens to draw the original
    token again counts as unchanged – it is, for the model.
    """
    import torch

    shown, labels = batch["input_ids"], batch["labels"]
    special = torch.zeros_like(originals, dtype=torch.bool)
    for token_id in tokenizer.all_special_ids:
        special |= originals == token_id
    chosen = labels != -100
    as_mask = chosen & (shown == tokenizer.mask_token_id)
    same = chosen & (shown == originals)
    return MaskingCounts(
        candidates=int((~special).sum()),
        chosen=int(chosen.sum()),
        to_mask=int(as_mask.sum()),
        to_random=int((chosen & ~as_mask & ~same).sum()),
        unchanged=int(same.sum()),
    )


@dataclass(frozen=True)
class SentencePair:
    first: str
    second: str
    is_next: bool  # True: ``second`` follows ``first`` in the same article


def nsp_pairs(documents: list[str], n: int, seed: int = 42) -> list[SentencePair]:
    """``n`` sentence pairs the way BERT built them: 50 % real next sentence, 50 % random.

    A real pair is two consecutive sentences of one article; a random pair takes its
    second sentence from a different article.  Pairs alternate real/random before a
    final shuffle, so exactly half (rounded up) are real.
    """
    rng = random.Random(seed)
    sentences = [split_sentences(doc) for doc in documents]
    usable = [i for i, s in enumerate(sentences) if len(s) >= 2]
    if len(usable) < 2:
        raise ValueError("need at least two documents with two sentences or more")
    pairs = []
    for k in range(n):
        d = rng.choice(usable)
        i = rng.randrange(len(sentences[d]) - 1)
        if k % 2 == 0:
            pairs.append(SentencePair(sentences[d][i], sentences[d][i + 1], True))
        else:
            other = rng.choice([j for j in usable if j != d])
            pairs.append(SentencePair(sentences[d][i], rng.choice(sentences[other]), False))
    rng.shuffle(pairs)
    return pairs


def reset_mlm_head(model) -> None:
    """Re-initialise the MLM head of a ``BertForMaskedLM`` (its decoder stays tied to the embeddings)."""
    import torch

    head = model.cls.predictions
    std = model.config.initializer_range
    with torch.no_grad():
        head.transform.dense.weight.normal_(0.0, std)
        head.transform.dense.bias.zero_()
        head.transform.LayerNorm.weight.fill_(1.0)
        head.transform.LayerNorm.bias.zero_()
        head.bias.zero_()


def head_parameters(model) -> list:
    """The parameters of a ``BertForMaskedLM``'s head that are *not* shared with the encoder.

    The output layer (``decoder.weight``) is tied to the input word embeddings, so with the
    encoder frozen these are the transform (dense + LayerNorm) and the per-token bias.
    """
    shared = {id(p) for p in model.bert.parameters()}
    return [p for p in model.cls.parameters() if id(p) not in shared]
