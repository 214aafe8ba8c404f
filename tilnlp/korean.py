"""Helpers for notebook 10 (Korean text): Hangul counts, tokenizer measures, the optional morpheme analyser.

* ``syllables(text)`` / ``is_syllable(ch)`` – precomposed Hangul syllables (가–힣), the unit a
  Korean reader counts;
* ``tokens_per_syllable(tokenize, texts)`` – how many tokens a tokenizer spends on one syllable;
* ``unk_rate(tokens, unk)`` and ``word_unk_rate(tokenize, texts, unk)`` – the share of tokens that
  are the unknown token, and of whitespace words that contain one;
* ``unseen_share(train_tokens, test_tokens)`` – the share of test tokens never seen in training
  (out-of-vocabulary);
* ``kiwi()`` – the Kiwi morpheme analyser (``kiwipiepy``), or ``None`` after one line, in the
  notebook's language, that says how to install it; ``morphemes(analyser, text)``;
* ``korean_encoder(course)`` – what to fine-tune on Korean: ``klue/bert-base`` from the hub, else the
  course's offline encoder.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from .lang import tr

FIRST_SYLLABLE, LAST_SYLLABLE = 0xAC00, 0xD7A3  # 가 … 힣: the 11,172 precomposed syllables
KIWI_INSTALL = "pip install kiwipiepy"
KOREAN_ENCODER = "klue/bert-base"  # a BERT pre-trained on Korean text (KLUE benchmark), hub only


def is_syllable(ch: str) -> bool:
    """True for one precomposed Hangul syllable (U+AC00–U+D7A3)."""
    return len(ch) == 1 and FIRST_SYLLABLE <= ord(ch) <= LAST_SYLLABLE


def syllables(text: str) -> int:
    """The number of precomposed Hangul syllables in ``text`` (jamo, Latin letters, digits not counted)."""
    return sum(map(is_syllable, text))


def tokens_per_syllable(tokenize: Callable[[str], list], texts: Iterable[str]) -> float:
    """All tokens ``tokenize`` makes of ``texts`` divided by their Hangul syllables."""
    texts = list(texts)
    n_syllables = sum(syllables(t) for t in texts)
    if not n_syllables:
        raise ValueError("the texts hold no Hangul syllable")
    return sum(len(tokenize(t)) for t in texts) / n_syllables


def unk_rate(tokens: Iterable[str], unk: str = "[UNK]") -> float:
    """The share of ``tokens`` that are ``unk`` (0.0 for no tokens)."""
    tokens = list(tokens)
    return sum(t == unk for t in tokens) / len(tokens) if tokens else 0.0


def word_unk_rate(tokenize: Callable[[str], list], texts: Iterable[str], unk: str = "[UNK]") -> float:
    """The share of whitespace words holding a Hangul syllable whose tokens include ``unk``."""
    words = [w for t in texts for w in t.split() if syllables(w)]
    return sum(unk in tokenize(w) for w in words) / len(words) if words else 0.0


def unseen_share(train_tokens: Iterable[str], test_tokens: Iterable[str]) -> float:
    """The share of ``test_tokens`` (counted with repeats) that never occur in ``train_tokens``."""
    seen = set(train_tokens)
    test = list(test_tokens)
    return sum(t not in seen for t in test) / len(test) if test else 0.0


def kiwi(quiet: bool = False):
    """The Kiwi morpheme analyser, or ``None`` when ``kiwipiepy`` is not installed.

    Without it, one line in the notebook's language says so and how to install it (unless ``quiet``);
    the notebook then skips only its morpheme parts.
    """
    try:
        module = importlib.import_module("kiwipiepy")
    except ImportError:
        if not quiet:
            print(tr(f"kiwipiepy is not installed, so the morpheme parts are skipped; install it with: {KIWI_INSTALL}",
                     f"kiwipiepy가 설치되어 있지 않아 형태소 부분은 건너뜁니다. 설치 명령: {KIWI_INSTALL}"))
        return None
    return module.Kiwi()


def morphemes(analyser, text: str) -> list[str]:
    """The morphemes Kiwi finds in ``text``, as their surface forms (``국민은`` → ``국민``, ``은``)."""
    return [token.form for token in analyser.tokenize(text)]


def korean_encoder(course) -> str:
    """What to fine-tune on Korean: ``klue/bert-base`` when the profile is not ``offline`` and the hub
    serves it (or the Hugging Face cache holds it), else the course's encoder for ``bert-base-uncased``
    (offline: all-MiniLM-L6-v2, English vocabulary).  It is notebook 10's extra, not a model of the
    study notes, so a hub that lacks it (a classroom mirror) means the course's encoder, said in one line."""
    from .sourcing import hub

    if course.profile != "offline":
        if hub.in_hf_cache(KOREAN_ENCODER) or hub.hub_has(KOREAN_ENCODER):
            course._announce(KOREAN_ENCODER, tr(f"model {KOREAN_ENCODER}: from {hub.endpoint_name()}",
                                                f"모델 {KOREAN_ENCODER}: {hub.endpoint_name()}에서 가져옵니다"))
            return hub.hub_path(KOREAN_ENCODER)
        reachable = hub.hub_reachable()
        course._announce(KOREAN_ENCODER, tr(
            f"model {KOREAN_ENCODER}: "
            + (f"not served by {hub.endpoint_name()}" if reachable else f"{hub.endpoint_name()} does not answer")
            + "; the course's encoder for bert-base-uncased instead",
            f"모델 {KOREAN_ENCODER}: "
            + (f"{hub.endpoint_name()}에 없어서" if reachable else f"{hub.endpoint_name()}가 응답하지 않아서")
            + " bert-base-uncased 자리의 과정 인코더를 대신 씁니다"))
    return course.model("bert-base-uncased")
