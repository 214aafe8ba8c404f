"""What each offline stand-in changes in a lesson – one table, shown only when the stand-in ran.

A notebook calls ``course.offline_note("<model>", "<topic>")`` next to a result that a stand-in
changes.  When the real model (or data set) was used, nothing is shown; when the stand-in was,
the entry below appears as a short note: what the real model gives – the study notes' own
output where they have one – and what the difference does to the lesson.  Keeping every such
fact here, keyed by the model and the topic, means the text cannot drift from the stand-in that
actually ran, and a test checks that every notebook's call names an entry and every entry is used.

Each entry is an ``Effect`` with an English and a Korean text (Markdown, one paragraph).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Effect:
    en: str
    ko: str = ""  # the Korean edition's text; English is shown while it is empty

    def text(self, lang: str = "en") -> str:
        return (self.ko if lang == "ko" and self.ko else self.en).strip()


GPT2 = "gpt2"
SENTIMENT = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
ROBERTA = "roberta-base"
BERT = "bert-base-uncased"
IMDB = "imdb"

EFFECTS: dict[tuple[str, str], Effect] = {
    (GPT2, "generation"): Effect(
        en="""The notes ran OpenAI's GPT-2 (124 M parameters, 2019) and got *"The Invisible Dragon barked at me
like a monkey trying to hide something! He was an adult, so I did my best..."* – one random sample. Offline
the text comes from **SmolLM2-135M-Instruct** (135 M parameters, trained on about 2 trillion tokens, then
instruction-tuned; its weights were stored with 4 bits each and de-quantised here). It writes fluent English
too, but more like a tidy story-book or an assistant, and never the notes' sentence: every lesson about *how*
generation works (tokens, `max_length`, decoding, seeds, repetition) holds for both models; the words do not."""),
    (GPT2, "tokens"): Effect(
        en="""GPT-2's own tokenizer (OpenAI's 50,257-token byte-level BPE) cuts the notes' prompt into **5**
tokens – `The`, `ĠInvisible`, `ĠDragon`, `Ġbark`, `ed` (ids 464, 39571, 2851, 21405, 276). SmolLM2's BPE
works the same way with a smaller vocabulary (49,152 tokens) and splits *Invisible* into `ĠIn` + `visible`:
6 tokens. The ids differ completely – each model has its own vocabulary – so token counts and ids printed
here are SmolLM2's."""),
    (SENTIMENT, "hate-rodrigo"): Effect(
        en="""The notes' default model – DistilBERT fine-tuned on SST-2, 67 M parameters – said `NEGATIVE`
with a score of **0.9987** for *"hate rodrigo"*. Offline the pipeline runs the course's stand-in:
all-MiniLM-L6-v2 fine-tuned here on the 1,000 IMDb training reviews. Same labels, same kind of answer,
a different score: scores are the softmax of one particular model's logits, so two models rarely agree to
three decimals even when they agree on the label."""),
    (SENTIMENT, "accuracy"): Effect(
        en="""These 200 Pang & Lee sentences are *not* unseen data for the real default model: SST-2, its
training set, was built from the same Rotten Tomatoes snippets that Pang & Lee collected (Socher et al., 2013),
so its accuracy here would be flattering. The offline stand-in never saw them: it was trained on IMDb reviews,
and its recipe was chosen on reviews held out of its own training set – so the number above is an honest
estimate for it."""),
    (ROBERTA, "head"): Effect(
        en="""Offline, `roberta-base` is stood in by a BERT-architecture encoder (all-MiniLM-L6-v2), whose
classification head is one layer: 2 new tensors, `classifier.weight` and `classifier.bias`. The real
`roberta-base` gets a two-layer head – **4** new tensors, `classifier.dense.weight`, `classifier.dense.bias`,
`classifier.out_proj.weight`, `classifier.out_proj.bias` – and its report also lists the weights of its
pre-training head as unused. The notes saw `LABEL_1` with **0.56**; here the label and score come
from another random head. The lesson is the same for both: the head is new and random."""),
    (BERT, "token-table"): Effect(
        en="""Offline this table belongs to all-MiniLM-L6-v2: the same 30,522-token vocabulary as
`bert-base-uncased`, but 384 numbers per token instead of 768, and weights that were distilled from a larger
model and then trained further on sentence pairs. The neighbour lists are this model's; `bert-base-uncased`'s
own table gives similar, not identical, lists."""),
    (BERT, "sentence-similarity"): Effect(
        en="""This comparison is where the stand-in differs most. all-MiniLM-L6-v2 was trained further, after
pre-training, on about a billion sentence pairs so that the mean of its token vectors *is* a good sentence
embedding – unrelated sentences get low cosines, paraphrases high ones. The real `bert-base-uncased` had no such
training: its mean-pooled vectors point in similar directions for almost any two sentences (the notes got
**0.7213** for the king and the queen sentences), and as sentence embeddings they rank sentence pairs much
worse (Reimers & Gurevych, 2019: Spearman 46.4 for averaged BERT vectors on the STS benchmark, 16.5 for the
`[CLS]` vector, 77–79 for models trained on sentence pairs). Credit what you see here to that extra
training, not to pre-training alone."""),
    (BERT, "pooling"): Effect(
        en="""The offline stand-in, all-MiniLM-L6-v2, was trained for sentence similarity **with mean
pooling** (its pooling setting is printed in section 1), so mean pooling has a head start here. The real
`bert-base-uncased` was never trained for it: its `[CLS]` vector was trained only for next-sentence
prediction. Measured on the STS benchmark (Reimers & Gurevych, 2019), averaged `bert-base` vectors reach a
Spearman correlation of 46.4 with human ratings and the `[CLS]` vector 16.5 – mean pooling still wins, but
neither is a strong sentence embedding without further training."""),
    (BERT, "mlm-head"): Effect(
        en="""The real `bert-base-uncased` checkpoint keeps its pre-trained masked-language-model head, so
`fill-mask` fills the probes above with sensible words at once, and loading `BertForMaskedLM` reports nothing
missing. The offline encoder was saved without that head, which is why this notebook trains a new one – and
why, with a network, you should compare: minutes on 270 articles against days on billions of words."""),
    (BERT, "nsp"): Effect(
        en="""The real `bert-base-uncased` has its trained NSP classifier (`cls.seq_relationship`) and gets most
of these pairs right with it. The offline encoder has none – and it was trained further on sentence pairs
(paraphrases, questions and answers), so its cosine similarity is a better topic detector than plain BERT's
mean-pooled vectors would be. The shortcut is real; how well cosine alone does here owes part of its score to
that extra training."""),
    (BERT, "size"): Effect(
        en="""Offline, `bert-base-uncased` is all-MiniLM-L6-v2: 6 layers of 384 numbers, 22.7 M parameters.
The real model has 12 layers of 768, 110 M parameters – each token costs about 8 times more arithmetic – so
the notes' loops take several times longer with it. An untrained head is at chance with either model; after
fine-tuning, the bigger model usually ends a few points higher."""),
    (IMDB, "sample"): Effect(
        en="""Offline, `imdb` is a vendored sample of 2,000 real reviews from the same data set (Maas et al.,
2011): 1,000 for training and 1,000 for testing, instead of 25,000 each. The notes' `shuffle(seed=42)` then
picks other reviews than it picked for them, so the numbers here are not the notes' numbers – the sizes (1,000
training and 500 test reviews) are the same."""),
}


def effect(model: str, topic: str) -> Effect:
    """The entry for ``model`` (a real id, or ``"imdb"``) and ``topic``; a KeyError names the known topics."""
    try:
        return EFFECTS[(model, topic)]
    except KeyError:
        known = ", ".join(f"{m}/{t}" for m, t in EFFECTS)
        raise KeyError(f"no stand-in effect {model}/{topic}; known: {known}") from None
