"""Text into model inputs: sentences, and blocks of whole sentences that fit a model.

* ``split_sentences(text)`` – a plain sentence splitter, good enough for news prose and reviews;
* ``sentence_blocks(tokenizer, text, block_size)`` – one text's sentences, tokenised and packed in
  order into ``[CLS] sentence sentence … [SEP]`` blocks of at most ``block_size`` tokens;
* ``token_blocks(tokenizer, texts, block_size)`` – the same for many texts, as the
  ``{"input_ids": [...]}`` examples a data collator takes (notebook 07 masks them).
"""
from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"']))\s+(?=[\"'(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split prose at ``.``, ``!`` or ``?`` followed by a space and a capital letter or digit."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def sentence_blocks(tokenizer, text: str, block_size: int = 128) -> list[list[int]]:
    """``text``'s sentences packed into blocks of at most ``block_size`` token ids, ``[CLS] … [SEP]`` included.

    Whole sentences only; a single sentence longer than a block is cut.  The last block is
    usually shorter (a collator pads it).
    """
    if block_size < 3:
        raise ValueError("block_size must leave room for [CLS], [SEP] and one token")
    body = block_size - 2
    sentences = split_sentences(text)
    blocks, current = [], []
    for ids in tokenizer(sentences, add_special_tokens=False)["input_ids"] if sentences else []:
        ids = ids[:body]
        if current and len(current) + len(ids) > body:
            blocks.append(current)
            current = []
        current = current + ids
    if current:
        blocks.append(current)
    return [[tokenizer.cls_token_id, *ids, tokenizer.sep_token_id] for ids in blocks]


def token_blocks(tokenizer, texts, block_size: int = 128) -> list[dict]:
    """Every text's :func:`sentence_blocks`, as ``{"input_ids": [...]}`` examples; blocks never span two texts."""
    return [{"input_ids": ids} for text in texts for ids in sentence_blocks(tokenizer, text, block_size)]
