"""Offline stand-in for the hub model ``gpt2``: a tiny GPT-2 trained here, in a minute or two.

OpenAI's ``gpt2`` has 124 million parameters learned from 40 GB of web text.  Without
the Hugging Face Hub we cannot download it, so the course builds a small model of the
*same architecture* (``GPT2LMHeadModel``, with a GPT-2 style byte-level BPE tokenizer)
and trains it on a real text that ships with gensim: the Lee corpus of 300 Australian
news articles (about 60,000 words).  It writes news-flavoured English rather than
random tokens, but it is far from the real GPT-2: expect loops in greedy decoding
(the notebook then shows the remedies) and made-up facts.

The recipe, in the order ``build()`` runs it:

1. read the 300 articles (``lee_background.cor``);
2. train a byte-level BPE tokenizer on them, as OpenAI did for GPT-2 but with a
   4,096-token vocabulary instead of 50,257;
3. cut the articles, joined by ``<|endoftext|>``, into blocks of 128 tokens and train
   a 2-layer GPT-2 on them for 800 steps of next-token prediction;
4. measure the loss on 50 articles the model never saw (gensim's ``lee.cor``);
5. save model, tokenizer and generation settings with ``save_pretrained``, so that
   ``pipeline("text-generation", model=folder)`` loads them like any hub model.

Seeds and the number of CPU threads are fixed, so the same machine always builds the
same model.
"""
from __future__ import annotations

import json
import math
import os
import time
from contextlib import contextmanager
from pathlib import Path

import torch

from ..cache import build_once
from ..data import gensim_path

ASSET = "gpt2-lee-v1"  # folder name in the course cache; bump the version when the recipe changes

TRAIN_FILE = "lee_background.cor"  # 300 news articles, one per line
HELD_OUT_FILE = "lee.cor"  # 50 other articles from the same source, only for measuring
EOS = "<|endoftext|>"  # GPT-2's only special token: ends a text, also used for padding

# Tokenizer and model size.  The real gpt2: 50,257 tokens, 12 layers, 768 dimensions.
VOCAB_SIZE = 4096
N_LAYER = 2
N_EMBD = 128
N_HEAD = 2
N_POSITIONS = 1024  # as in gpt2, so long generations do not crash (training uses 128)

# Training.  Small batches and many steps learn the most in a fixed CPU budget.
CONTEXT = 128  # tokens per training block
BATCH_SIZE = 6
STEPS = 800
LEARNING_RATE = 1e-3
WARMUP_STEPS = 30
SEED = 0
# Fixed, because results of matrix products differ (slightly) with the thread count.  One
# thread, because two are only a little faster on an idle CPU but several times slower
# when other programs share it.
THREADS = 1
REPORT_EVERY = 200  # steps between progress lines
FINAL_STEPS = 100  # the reported training loss is the mean over the last this-many steps


def read_articles(name: str) -> list[str]:
    """The articles of one of gensim's Lee corpus files, one string each."""
    lines = Path(gensim_path(name)).read_text(encoding="latin-1").splitlines()
    return [line.strip() for line in lines if line.strip()]


def train_tokenizer(articles: list[str]):
    """A GPT-2 style tokenizer (byte-level BPE) whose vocabulary is learned from ``articles``."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import GPT2Tokenizer  # in transformers 5 this is the fast (Rust) tokenizer

    # Byte-level: every text is first turned into bytes shown as printable characters, so a
    # space becomes "Ġ" and " dragon" can be one token "Ġdragon".  No text is ever unknown.
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes, even unseen ones
        show_progress=False,
    )
    bpe.train_from_iterator(articles, trainer)
    learned = json.loads(bpe.to_str())["model"]
    return GPT2Tokenizer(
        vocab=learned["vocab"],
        merges=[tuple(pair) for pair in learned["merges"]],
        model_max_length=N_POSITIONS,
    )


def token_blocks(tokenizer, articles: list[str]) -> torch.Tensor:
    """All articles as one token stream (separated by EOS), cut into rows of ``CONTEXT`` tokens."""
    stream = []
    for article in articles:
        stream += tokenizer.encode(article) + [tokenizer.eos_token_id]
    rows = len(stream) // CONTEXT
    return torch.tensor(stream[: rows * CONTEXT]).view(rows, CONTEXT)


def new_model(tokenizer):
    """An untrained ``GPT2LMHeadModel`` sized for a one-minute training run."""
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=N_POSITIONS,
        n_embd=N_EMBD,
        n_layer=N_LAYER,
        n_head=N_HEAD,
        resid_pdrop=0.0,  # no dropout: a one-minute run is too short to overfit much
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = GPT2LMHeadModel(config)
    # The class name predates transformers' "...ForCausalLM" naming; say which loss it needs
    # (otherwise transformers warns that it had to guess).
    model.loss_type = "ForCausalLM"
    return model


def learning_rate_factor(step: int) -> float:
    """Linear warm-up over ``WARMUP_STEPS``, then cosine decay to zero at ``STEPS``."""
    warmup = min(1.0, (step + 1) / WARMUP_STEPS)
    return warmup * 0.5 * (1.0 + math.cos(math.pi * step / STEPS))


def batches(n_rows: int, generator: torch.Generator):
    """Endless row indices of ``BATCH_SIZE`` rows: each epoch visits every row once, shuffled."""
    while True:
        order = torch.randperm(n_rows, generator=generator)
        for start in range(0, n_rows - BATCH_SIZE + 1, BATCH_SIZE):
            yield order[start : start + BATCH_SIZE]


def train(model, blocks: torch.Tensor) -> float:
    """Next-token training on ``blocks``; returns the mean loss of the last ``FINAL_STEPS`` steps."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, learning_rate_factor)
    rows = batches(len(blocks), torch.Generator().manual_seed(SEED))
    recent: list[float] = []
    start = time.perf_counter()
    model.train()
    for step in range(1, STEPS + 1):
        batch = blocks[next(rows)]
        loss = model(input_ids=batch, labels=batch).loss  # labels = inputs: the model shifts them
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        recent = (recent + [loss.item()])[-FINAL_STEPS:]
        if step % REPORT_EVERY == 0:
            print(f"[tilnlp]   step {step}/{STEPS}  loss {sum(recent) / len(recent):.2f}  "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)
    model.eval()
    return sum(recent) / len(recent)


@torch.no_grad()
def mean_loss(model, blocks: torch.Tensor) -> float:
    """Average next-token loss (cross-entropy, in nats) over ``blocks``."""
    losses = [model(input_ids=blocks[i : i + 16], labels=blocks[i : i + 16]).loss.item()
              for i in range(0, len(blocks), 16)]
    return sum(losses) / len(losses)


def save(folder: Path, model, tokenizer) -> None:
    """Write everything ``from_pretrained``/``pipeline`` need, as for a hub model."""
    from transformers import GenerationConfig

    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.eos_token_id,  # GPT-2 has no pad token; generate() pads with EOS
    )
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


@contextmanager
def reproducible():
    """Fixed seeds and thread count for the build; the caller's settings come back afterwards."""
    threads = torch.get_num_threads()
    parallel_tokenizers = os.environ.get("TOKENIZERS_PARALLELISM")
    # Keeping the Rust tokenizers single-threaded also spares the notebook their warning
    # about forked processes later on.
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    torch.set_num_threads(THREADS)
    try:
        with torch.random.fork_rng(devices=[]):  # the caller's random state is left untouched
            torch.manual_seed(SEED)
            yield
    finally:
        torch.set_num_threads(threads)
        if parallel_tokenizers is None:
            del os.environ["TOKENIZERS_PARALLELISM"]
        else:
            os.environ["TOKENIZERS_PARALLELISM"] = parallel_tokenizers


def build(folder: Path) -> dict:
    """Train the stand-in and save it into ``folder``; returns facts for ``BUILD_INFO.json``."""
    print("[tilnlp] building the offline gpt2 stand-in (once; a minute or two)", flush=True)
    start = time.perf_counter()
    with reproducible():
        articles = read_articles(TRAIN_FILE)
        tokenizer = train_tokenizer(articles)
        blocks = token_blocks(tokenizer, articles)
        model = new_model(tokenizer)
        final_loss = train(model, blocks)
        held_out_loss = mean_loss(model, token_blocks(tokenizer, read_articles(HELD_OUT_FILE)))
        save(Path(folder), model, tokenizer)
    facts = {
        "train_seconds": round(time.perf_counter() - start, 1),
        "threads": THREADS,
        "final_loss": round(final_loss, 3),
        "held_out_loss": round(held_out_loss, 3),
        "held_out_perplexity": round(math.exp(held_out_loss), 1),
        "vocab_size": len(tokenizer),
        "n_params": model.num_parameters(),
        "train_tokens": blocks.numel(),
        "steps": STEPS,
    }
    print(f"[tilnlp] gpt2 stand-in ready: training loss {facts['final_loss']}, loss on unseen "
          f"articles {facts['held_out_loss']} ({facts['train_seconds']} s)", flush=True)
    return facts


def ensure() -> Path:
    """The folder of the built stand-in (built on first use)."""
    return build_once(ASSET, build)
