"""tilnlp.pretraining: masking as BERT does it, sentence blocks and NSP pairs from the Lee corpus."""
import pytest
import torch

from tilnlp import pretraining as pt
from tilnlp.data import lee_articles
from tilnlp.sourcing.models import encoder_dir
from tilnlp.text import split_sentences, token_blocks


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import BertTokenizer

    return BertTokenizer.from_pretrained(encoder_dir())


@pytest.fixture(scope="module")
def documents():
    return lee_articles()


def test_lee_corpus_is_300_news_articles(documents):
    assert len(documents) == 300
    assert documents[0].startswith("Hundreds of people have been forced to vacate their homes")


def test_split_sentences():
    text = 'He said "no." Then he left! Was it 5 p.m.? It was 5.30 at Hill Top. 2001 was a bad year.'
    assert split_sentences(text) == ['He said "no."', "Then he left!", "Was it 5 p.m.?",
                                        "It was 5.30 at Hill Top.", "2001 was a bad year."]


def test_blocks_hold_whole_sentences_between_cls_and_sep(tokenizer, documents):
    blocks = token_blocks(tokenizer, documents[:20], block_size=64)
    for block in blocks:
        ids = block["input_ids"]
        assert 3 <= len(ids) <= 64
        assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id
        assert tokenizer.cls_token_id not in ids[1:-1] and tokenizer.sep_token_id not in ids[1:-1]
    # nothing is lost: every sentence's tokens (cut at 62) appear once
    expected = sum(min(len(ids), 62) for doc in documents[:20]
                   for ids in tokenizer(split_sentences(doc), add_special_tokens=False)["input_ids"])
    assert sum(len(b["input_ids"]) - 2 for b in blocks) == expected
    with pytest.raises(ValueError):
        token_blocks(tokenizer, documents[:1], block_size=2)


def test_masking_counts_on_a_hand_made_batch(tokenizer):
    cls, sep, pad, mask = (tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id,
                           tokenizer.mask_token_id)
    originals = torch.tensor([[cls, 10, 11, 12, 13, sep], [cls, 20, 21, sep, pad, pad]])
    shown = torch.tensor([[cls, mask, 99, 12, 13, sep], [cls, mask, 21, sep, pad, pad]])
    labels = torch.tensor([[-100, 10, 11, 12, -100, -100], [-100, 20, -100, -100, -100, -100]])
    counts = pt.masking_counts({"input_ids": shown, "labels": labels}, originals, tokenizer)
    assert counts == pt.MaskingCounts(candidates=6, chosen=4, to_mask=2, to_random=1, unchanged=1)
    assert counts.chosen_fraction == 4 / 6
    assert counts.split() == (0.5, 0.25, 0.25)
    assert (counts + counts).chosen == 8


def test_the_collator_masks_15_percent_then_80_10_10(tokenizer, documents):
    from transformers import DataCollatorForLanguageModeling

    blocks = token_blocks(tokenizer, documents, block_size=128)
    collator = DataCollatorForLanguageModeling(tokenizer=tokenizer, mlm_probability=0.15, seed=0)
    total = None
    for start in range(0, len(blocks), 64):
        chunk = blocks[start:start + 64]
        originals = tokenizer.pad(chunk, return_tensors="pt")["input_ids"]
        counts = pt.masking_counts(collator(chunk), originals, tokenizer)
        total = counts if total is None else total + counts
    assert total.candidates > 70_000  # the Lee corpus is about 75,000 tokens
    assert abs(total.chosen_fraction - 0.15) < 0.005
    as_mask, as_random, unchanged = total.split()
    assert abs(as_mask - 0.8) < 0.015 and abs(as_random - 0.1) < 0.015 and abs(unchanged - 0.1) < 0.015


def test_nsp_pairs_are_half_real_and_real_pairs_are_consecutive(documents):
    pairs = pt.nsp_pairs(documents, 101, seed=1)
    assert len(pairs) == 101 and sum(p.is_next for p in pairs) == 51
    sentences = [split_sentences(d) for d in documents]
    consecutive = {(s[i], s[i + 1]) for s in sentences for i in range(len(s) - 1)}
    home = {}
    for d, sents in enumerate(sentences):
        for s in sents:
            home.setdefault(s, set()).add(d)
    for pair in pairs:
        if pair.is_next:
            assert (pair.first, pair.second) in consecutive
        else:
            assert home[pair.first] != home[pair.second]  # from another article
    assert pt.nsp_pairs(documents, 10, seed=1) == pt.nsp_pairs(documents, 10, seed=1)


def test_the_mlm_head_is_small_random_and_tied_to_the_embeddings():
    from transformers import BertForMaskedLM, logging

    logging.set_verbosity_error()
    model = BertForMaskedLM.from_pretrained(encoder_dir())
    with torch.no_grad():
        model.cls.predictions.bias.fill_(3.0)
    pt.reset_mlm_head(model)
    assert model.cls.predictions.bias.abs().sum().item() == 0
    assert model.cls.predictions.decoder.weight is model.bert.embeddings.word_embeddings.weight
    head = pt.head_parameters(model)
    assert sum(p.numel() for p in head) == 384 * 384 + 384 + 2 * 384 + 30522
    encoder = {id(p) for p in model.bert.parameters()}
    assert not any(id(p) in encoder for p in head)
