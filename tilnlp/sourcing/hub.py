"""The Hugging Face endpoint as the course sees it: which one, whether it answers, what it serves, what the local cache holds.

"The hub" is ``HF_ENDPOINT`` when it is set (huggingface_hub's own setting, e.g. a classroom
mirror ``http://192.168.1.10:8090``), else https://huggingface.co.  Every question here is asked
at most once per process (a notebook's kernel) and endpoint; none of them raises when the
network or the cache is missing – the answer is then "no".
"""
from __future__ import annotations

import functools
import os
import socket
import urllib.error
import urllib.parse
import urllib.request

from .. import env
from ..lang import tr

DEFAULT_ENDPOINT = "https://huggingface.co"
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "pytorch_model.bin.index.json")
TOKENIZER_FILES = ("tokenizer.json", "vocab.json", "vocab.txt", "tokenizer.model", "spiece.model")
# What from_pretrained reads of the course's models (configs, tokenizers, safetensors weights);
# a hub repository also holds the same weights for TensorFlow, Flax, ONNX, Core ML, ...
HUB_FILES = ("*.json", "*.txt", "*.model", "*.jinja", "*.safetensors")


def hub_offline_requested() -> bool:
    return any(env.flag(v) for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"))


def endpoint_setting() -> str:
    """``HF_ENDPOINT`` as set (no trailing slash); empty when it is not set."""
    return os.environ.get("HF_ENDPOINT", "").strip().rstrip("/")


def hub_endpoint() -> str:
    """The Hugging Face endpoint in use: ``HF_ENDPOINT`` when set, else https://huggingface.co."""
    return endpoint_setting() or DEFAULT_ENDPOINT


def endpoint_name() -> str:
    """The endpoint as messages name it: ``HF_ENDPOINT=<url>`` when set (the setting to check), else the hub."""
    return f"HF_ENDPOINT={hub_endpoint()}" if endpoint_setting() else tr("the Hugging Face Hub", "Hugging Face Hub")


def endpoint_answers(endpoint: str, timeout: float = 1.0) -> bool:
    """True when ``endpoint``'s host accepts a TCP connection within ``timeout`` seconds."""
    url = urllib.parse.urlsplit(endpoint)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "", port), timeout=timeout).close()
        return True
    except (OSError, ValueError):
        return False


_endpoint_answered = functools.lru_cache(maxsize=8)(endpoint_answers)  # once per process and endpoint


def hub_reachable(timeout: float = 1.0) -> bool:
    """True when the hub endpoint (``HF_ENDPOINT`` or huggingface.co) answers, and no offline flag is set.

    The answer is kept for the process (a notebook's kernel): asked again, it costs nothing.
    """
    if hub_offline_requested():
        return False
    return _endpoint_answered(hub_endpoint(), timeout)


@functools.lru_cache(maxsize=64)
def _serves(endpoint: str, repo_type: str, repo_id: str) -> bool | None:
    url = f"{endpoint}/api/{repo_type}s/{repo_id}/revision/main"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=5) as response:
            return 200 <= response.status < 300
    except urllib.error.HTTPError as answer:  # "no such repository": 404, or 401 as the hub says it
        return False if answer.code in (401, 403, 404) else None
    except (urllib.error.URLError, OSError, ValueError):  # no answer
        return None


def hub_serves(repo_id: str, repo_type: str = "model") -> bool | None:
    """Whether the hub endpoint serves ``repo_id``: True, False, or None when it does not answer.

    One HEAD request on ``/api/<type>s/<id>/revision/main``, asked once per process.
    """
    return _serves(hub_endpoint(), repo_type, repo_id) if hub_reachable() else None


def hub_has(repo_id: str, repo_type: str = "model") -> bool:
    """True when the hub endpoint answers and serves ``repo_id``."""
    return bool(hub_serves(repo_id, repo_type))


@functools.lru_cache(maxsize=16)
def _mirror_snapshot(endpoint: str, real_id: str) -> str:
    from huggingface_hub import snapshot_download

    return snapshot_download(real_id, allow_patterns=list(HUB_FILES), endpoint=endpoint)


def hub_path(real_id: str) -> str:
    """What ``from_pretrained`` gets for the real model ``real_id`` from the hub.

    From huggingface.co: the id itself, as for any user of the Hub.  Through ``HF_ENDPOINT`` (a
    classroom mirror): the folder of the files the mirror lists for it (``HUB_FILES``), downloaded
    into the Hugging Face cache once – or read from there, when the cache holds them and the
    mirror does not answer.  ``from_pretrained("<id>")`` would also ask the endpoint for files the
    repository lacks, and take olah's answer to those ("repository not found", 401) as fatal.
    Asked once per process and model.
    """
    if not endpoint_setting():
        return real_id
    return _mirror_snapshot(hub_endpoint(), real_id)


def _cached(repo_id: str, names, cache_dir=None) -> bool:
    from huggingface_hub import try_to_load_from_cache

    return any(isinstance(try_to_load_from_cache(repo_id, name, cache_dir=cache_dir), str) for name in names)


def in_hf_cache(real_id: str, cache_dir=None) -> bool:
    """True when the local Hugging Face cache holds ``real_id``'s config, weights and tokenizer.

    A download that broke off may have left some files without the others: that model is
    not in the cache yet (it needs the hub once more).
    """
    try:
        return all(_cached(real_id, names, cache_dir) for names in (("config.json",), WEIGHT_FILES, TOKENIZER_FILES))
    except Exception:  # an unreadable cache is the same as no cache here
        return False


def imdb_in_hf_cache(cache_dir=None) -> bool:
    """True when the local Hugging Face cache holds the imdb data set: its card and train and test files."""
    from huggingface_hub import scan_cache_dir

    from ..data import IMDB_REPO_IDS

    try:
        for repo in scan_cache_dir(cache_dir).repos:
            if repo.repo_id in IMDB_REPO_IDS and repo.repo_type == "dataset":
                for revision in repo.revisions:
                    names = {f.file_name for f in revision.files}
                    if "README.md" in names and all(any(n.startswith(f"{split}-") for n in names)
                                                    for split in ("train", "test")):
                        return True
    except Exception:  # an unreadable or missing cache: no cache
        pass
    return False
