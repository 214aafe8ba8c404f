"""Tests of the offline ``gpt2`` stand-in (``tilnlp/standins/gpt2.py``).

The stand-in is built once (about a minute) into the course cache and reused from there
by every later session, exactly as the notebooks use it.  Everything runs offline.
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before transformers is imported anywhere

import json
import re

import pytest
import torch
from transformers import AutoTokenizer, GPT2LMHeadModel, GPT2Tokenizer, pipeline

from tilnlp import cache
from tilnlp.standins import gpt2

PROMPT = "The Invisible Dragon barked"
MAX_FINAL_LOSS = 5.2  # measured: 4.90 (mean training loss of the last 100 steps)
MAX_HELD_OUT_LOSS = 6.3  # measured: 5.96 on the 50 unseen articles (word counts alone: 7.0)

pytestmark = pytest.mark.slow  # builds the stand-in on first use


@pytest.fixture(scope="session")
def folder():
    return gpt2.ensure()


@pytest.fixture(scope="session")
def generator(folder):
    return pipeline("text-generation", model=str(folder))


@pytest.fixture(scope="session")
def corpus_words():
    text = " ".join(gpt2.read_articles(gpt2.TRAIN_FILE))
    return set(re.findall(r"[a-z]+", text.lower()))


def continuation(generator, prompt=PROMPT, **options):
    """The text ``generator`` adds after ``prompt``."""
    text = generator(prompt, **options)[0]["generated_text"]
    assert text.startswith(prompt)
    return text[len(prompt):]


def test_folder_loads_as_a_gpt2_model_and_tokenizer(folder):
    model = GPT2LMHeadModel.from_pretrained(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert model.config.model_type == "gpt2"
    assert (model.config.n_layer, model.config.n_embd) == (gpt2.N_LAYER, gpt2.N_EMBD)
    assert isinstance(tokenizer, GPT2Tokenizer) and tokenizer.is_fast
    assert len(tokenizer) == model.config.vocab_size == gpt2.VOCAB_SIZE
    assert tokenizer.eos_token == "<|endoftext|>" and tokenizer.pad_token is None  # as in gpt2
    assert model.generation_config.pad_token_id == tokenizer.eos_token_id


def test_tokenizer_is_byte_level_like_gpt2(folder):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    ids = tokenizer(PROMPT)["input_ids"]
    assert tokenizer.decode(ids) == PROMPT  # no special tokens added, spaces kept
    assert tokenizer.tokenize(" the government") == ["Ġthe", "Ġgovernment"]  # Ġ marks a space
    assert tokenizer.tokenize("the")[0] != tokenizer.tokenize(" the")[0]
    odd = "Café 東京 ✓ \t two  spaces"  # bytes never seen in the corpus still round-trip
    assert tokenizer.decode(tokenizer(odd)["input_ids"]) == odd


def test_loading_twice_gives_identical_logits(folder):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    inputs = tokenizer(PROMPT, return_tensors="pt")
    with torch.no_grad():
        first, second = (GPT2LMHeadModel.from_pretrained(folder)(**inputs).logits for _ in range(2))
    assert torch.equal(first, second)


def test_greedy_generation_is_deterministic(generator):
    runs = [continuation(generator, max_new_tokens=30, do_sample=False) for _ in range(2)]
    assert runs[0] == runs[1] and runs[0].strip()


def test_greedy_continuation_is_mostly_corpus_words(generator, corpus_words):
    words = re.findall(r"[a-z]+", continuation(generator, max_new_tokens=40, do_sample=False).lower())
    assert len(words) >= 15
    assert sum(word in corpus_words for word in words) / len(words) >= 0.7


def test_sampled_continuations_are_mostly_corpus_words(generator, corpus_words):
    torch.manual_seed(0)
    texts = [continuation(generator, max_new_tokens=40, do_sample=True, top_k=50, top_p=0.95)
             for _ in range(3)]
    words = re.findall(r"[a-z]+", " ".join(texts).lower())
    assert len(set(texts)) == 3  # sampling varies
    assert sum(word in corpus_words for word in words) / len(words) >= 0.7


@pytest.mark.parametrize("options", [
    {"max_length": 50},
    {"max_new_tokens": 25, "do_sample": True, "top_k": 50, "top_p": 0.9, "temperature": 0.7},
    {"max_new_tokens": 25, "do_sample": False, "repetition_penalty": 1.3},
    {"max_new_tokens": 25, "do_sample": False, "no_repeat_ngram_size": 2},
    {},  # the pipeline's own default: 256 sampled new tokens, longer than the training blocks
])
def test_pipeline_accepts_the_usual_generation_options(generator, options):
    added = continuation(generator, num_return_sequences=1, **options)
    n_new = len(generator.tokenizer(added)["input_ids"])
    assert n_new > 0
    if "max_new_tokens" in options:
        assert n_new <= options["max_new_tokens"] + 1  # +1: a word may re-tokenize differently
    if "max_length" in options:
        assert n_new + len(generator.tokenizer(PROMPT)["input_ids"]) <= options["max_length"] + 1


def test_no_repeat_ngram_size_forbids_repeated_pairs(folder):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = GPT2LMHeadModel.from_pretrained(folder)
    out = model.generate(**tokenizer(PROMPT, return_tensors="pt"), max_new_tokens=60,
                         do_sample=False, no_repeat_ngram_size=2)[0].tolist()
    pairs = list(zip(out, out[1:]))
    assert len(pairs) == len(set(pairs))


def test_pipeline_does_not_warn_about_the_pad_token(generator, capfd):
    generator(PROMPT, max_new_tokens=10, do_sample=False)
    assert "pad_token" not in capfd.readouterr().err


def test_build_info_records_a_trained_model(folder):
    info = json.loads((folder / cache.BUILD_INFO).read_text())
    assert info["name"] == gpt2.ASSET
    assert info["vocab_size"] == gpt2.VOCAB_SIZE and info["steps"] == gpt2.STEPS
    assert 500_000 < info["n_params"] < 2_000_000
    assert info["final_loss"] < MAX_FINAL_LOSS
    assert info["held_out_loss"] < MAX_HELD_OUT_LOSS


def test_reproducible_restores_the_callers_settings(monkeypatch):
    monkeypatch.delenv("TOKENIZERS_PARALLELISM", raising=False)
    threads = torch.get_num_threads()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    with gpt2.reproducible():
        assert torch.get_num_threads() == gpt2.THREADS
        assert os.environ["TOKENIZERS_PARALLELISM"] == "false"
        torch.rand(100)
    assert torch.equal(torch.rand(3), expected)
    assert torch.get_num_threads() == threads
    assert "TOKENIZERS_PARALLELISM" not in os.environ


def test_build_once_leaves_nothing_when_the_builder_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("TILNLP_CACHE", str(tmp_path))

    def broken(folder):
        (folder / "config.json").write_text("{}")  # half a model ...
        raise RuntimeError("crash mid-build")  # ... then a crash

    with pytest.raises(RuntimeError, match="crash mid-build"):
        cache.build_once(gpt2.ASSET, broken)
    assert not cache.asset_path(gpt2.ASSET).exists()
    assert not cache.is_ready(gpt2.ASSET)
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []

    folder = cache.build_once(gpt2.ASSET, lambda folder: {"final_loss": 1.0})
    assert json.loads((folder / cache.BUILD_INFO).read_text())["final_loss"] == 1.0
